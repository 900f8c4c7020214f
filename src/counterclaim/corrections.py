"""Analysts' corrections: confirm, reject or fix any ledger item, and apply the verdicts.

A correction is anchored where re-analysis cannot move it: a per-document item (figure,
claim, technique) by ``(kind, document, start, end)``, an attribution by its content span,
a relation by its id (a hash of type and ends) and an entity merge by the merged entity's
id. Verdicts live in their own table, so they survive ``analyze --all`` and ``relink``; the
latest one per anchor wins, and ``reset`` forgets the earlier ones.

    from counterclaim.corrections import correct
    correct(ledger, "quantity", "3f…:q2", "fix", field="category", value="missing", author="ana")
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from counterclaim.errors import CorrectionError
from counterclaim.extract.techniques.lexicon import lexicon
from counterclaim.ledger.models import (
    AttributionRow,
    ClaimRow,
    CorrectionRow,
    DocumentRow,
    EntityLinkRow,
    EntityRow,
    QuantityRow,
    RelationRow,
    TechniqueRow,
)
from counterclaim.ledger.store import Ledger
from counterclaim.records import CATEGORIES, CLAIM_TYPES, POLARITIES

KINDS = ("quantity", "attribution", "claim", "technique", "relation", "entity_link")
# Names a user may type for a kind: a figure is stored as a ``quantity`` (the contract's name).
KIND_ALIASES = {"figure": "quantity"}
# The kinds as a user sees them, in help texts and error messages alike.
KIND_NAMES = ", ".join("figure (quantity)" if k == "quantity" else k for k in KINDS)
ACTIONS = ("confirm", "reject", "fix", "reset")
# Fields an analyst may set, per kind, and the values each accepts (None: free text, "entity": an entity id).
FIXABLE: dict[str, dict[str, tuple[str, ...] | str | None]] = {
    "quantity": {"category": CATEGORIES, "subgroup": None, "counted": None},
    "attribution": {"speaker": "entity"},
    "claim": {"claim_type": CLAIM_TYPES, "polarity": POLARITIES, "asserter": "entity"},
    "technique": {"label": lexicon().labels, "speaker": "entity"},
}
_MODELS = {"quantity": QuantityRow, "claim": ClaimRow, "attribution": AttributionRow, "technique": TechniqueRow}

Anchor = tuple[Any, ...]
_DOC_PREFIX = re.compile(r"([0-9a-f]{16})(?::|$)")  # a relation end that is a document or one of its items


@dataclass
class Review:
    """The standing verdict on one item: ``status`` is confirmed, rejected or corrected."""

    status: str
    by: str
    at: str
    fixes: dict[str, dict[str, Any]] = field(default_factory=dict)  # field -> {"to", "by", "at"}

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status, "by": self.by, "at": self.at}
        if self.fixes:
            out["fixes"] = {k: v["to"] for k, v in self.fixes.items()}
        return out


def row_span(row: dict[str, Any]) -> tuple[int, int]:
    """Where a figure, claim, technique or attribution row stands: an attribution by its content span."""
    if row["kind"] == "attribution":
        return row["content"]["start"], row["content"]["end"]
    return row["start"], row["end"]


def span_columns(kind: str) -> tuple[Any, Any, Any, Any]:
    """The table columns (id, start, end, text) of the span a ``kind`` item is anchored by."""
    m = _MODELS[kind]
    if kind == "attribution":
        return m.id, m.content_start, m.content_end, m.content_text
    return m.id, m.start, m.end, m.text


def row_anchor(row: dict[str, Any]) -> Anchor | None:
    """The anchor of a contract row (``kind`` quantity, claim, technique, attribution or relation)."""
    kind = row.get("kind")
    if kind in ("quantity", "claim", "technique", "attribution"):
        return (kind, row["doc"], *row_span(row))
    if kind == "relation":
        return (kind, row["id"])
    return None


def _anchor(c: Any) -> Anchor:
    if c.kind in ("relation", "entity_link"):
        return (c.kind, c.item_id)
    return (c.kind, c.doc_id, c.start, c.end)


def reviews(corrections: Iterable[Any]) -> dict[Anchor, Review]:
    """Fold corrections (oldest first) into the standing review of each anchor."""
    out: dict[Anchor, Review] = {}
    for c in corrections:
        key = _anchor(c)
        at = c.created_at.isoformat(timespec="seconds") if c.created_at else ""
        if c.action == "reset":
            out.pop(key, None)
            continue
        r = out.setdefault(key, Review(status="confirmed", by=c.author, at=at))
        r.by, r.at = c.author, at
        if c.action == "reject":
            r.status = "rejected"
        elif c.action == "confirm":
            r.status = "corrected" if r.fixes else "confirmed"
        elif c.action == "fix" and c.field:
            r.fixes[c.field] = {"to": c.value, "by": c.author, "at": at}
            r.status = "corrected"
    return out


def apply(rows: Iterable[dict[str, Any]], review_map: dict[Anchor, Review], *,
          drop_rejected: bool) -> Iterator[dict[str, Any]]:
    """Rows with their fixes applied and a ``review`` field; rejected ones left out when ``drop_rejected``.

    A relation whose end is a rejected item is rejected with it.
    """
    rejected_ids: set[str] = set()
    for row in rows:
        key = row_anchor(row)
        r = review_map.get(key) if key else None
        if row.get("kind") == "relation" and (row["a"] in rejected_ids or row["b"] in rejected_ids):
            r = r if r and r.status == "rejected" else Review(status="rejected", by="", at="")
        if r is None:
            yield row
            continue
        if r.status == "rejected":
            rejected_ids.add(row.get("id", ""))
            if drop_rejected:
                continue
        for name, fix in r.fixes.items():
            if row["kind"] == "attribution" and name == "speaker":
                row["speaker"] = fix["to"]
            elif name in row:
                row[name] = fix["to"]
        row["review"] = r.as_dict()
        yield row


def kind_of(name: str) -> str:
    """The stored kind a user-facing name stands for ('figure' → 'quantity').

    Raises:
        CorrectionError: E501 when it names no kind.
    """
    kind = KIND_ALIASES.get(name, name)
    if kind not in KINDS:
        raise CorrectionError(f"unknown item kind {name!r}; choose one of: {KIND_NAMES}", code="E501")
    return kind


def _item(ledger: Ledger, kind: str, item_id: str) -> tuple[str | None, int | None, int | None]:
    """(doc, start, end) of an item, checking that its kind is known and that it exists.

    Raises:
        CorrectionError: E501 unknown kind, E503 no such item.
    """
    kind = kind_of(kind)
    with ledger.session() as s:
        if kind in _MODELS:
            _id, start, end, _text = span_columns(kind)
            found = s.execute(select(_MODELS[kind].doc_id, start, end).where(_id == item_id)).first()
            if found is not None:
                return found[0], found[1], found[2]
        elif kind == "relation":
            if s.get(RelationRow, item_id) is not None:
                return None, None, None
        elif kind == "entity_link":
            if s.get(EntityLinkRow, item_id) is not None:
                return None, None, None
    raise CorrectionError(f"no {kind} {item_id!r} in the ledger", code="E503")


def correct(ledger: Ledger, kind: str, item_id: str, action: str, *, author: str, field: str | None = None,
            value: str | None = None, source: str = "web", note: str = "") -> int:
    """Record one verdict on one item and return its id.

    Raises:
        CorrectionError: E501 unknown kind, E502 unknown action, E503 no such item,
            E504 a field that cannot be fixed for this kind, E505 a value it does not accept.
    """
    return ledger.add_correction(**prepare(ledger, kind, item_id, action, author=author, field=field, value=value,
                                           source=source, note=note))


def prepare(ledger: Ledger, kind: str, item_id: str, action: str, *, author: str, field: str | None = None,
            value: str | None = None, source: str = "web", note: str = "") -> dict[str, Any]:
    """The checked fields of one correction, not written yet (for :meth:`Ledger.add_corrections`).

    Raises:
        CorrectionError: as :func:`correct`.
    """
    kind = kind_of(kind)
    if action not in ACTIONS:
        raise CorrectionError(f"unknown action {action!r}; choose one of: {', '.join(ACTIONS)}", code="E502")
    author = (author or "").strip()[:200] or "anonymous"
    doc_id, start, end = _item(ledger, kind, item_id)
    if action == "fix":
        allowed = FIXABLE.get(kind, {})
        if field not in allowed:
            names = ", ".join(allowed) or "none"
            raise CorrectionError(f"cannot fix field {field!r} of a {kind}; fixable: {names}", code="E504")
        value = (value or "").strip() or None
        accepted = allowed[field]
        if accepted == "entity":
            with ledger.session() as s:
                if value is None or s.get(EntityRow, value) is None:
                    raise CorrectionError(f"no entity {value!r} in the ledger for {field}", code="E505")
        elif isinstance(accepted, tuple) and value not in accepted:
            raise CorrectionError(f"{field} {value!r} is not one of: {', '.join(accepted)}", code="E505")
    else:
        field = value = None
    return {"kind": kind, "item_id": item_id, "doc_id": doc_id, "start": start, "end": end, "action": action,
            "field": field, "value": value, "author": author, "source": source, "note": note[:2000]}


def review_map(ledger: Ledger, *, doc_id: str | None = None) -> dict[Anchor, Review]:
    """Standing reviews of the whole ledger, or of one document's items plus every relation."""
    if doc_id is None:
        return reviews(ledger.corrections())
    return reviews(sorted([*ledger.corrections(doc_id=doc_id),
                           *ledger.corrections(kinds=("relation", "entity_link"))], key=lambda c: c.id))


def review_of(ledger: Ledger, kind: str, item_id: str) -> dict[str, Any] | None:
    """The standing review of one item (as in a row's ``review`` field), or None when unreviewed.

    Raises:
        CorrectionError: E501 unknown kind, E503 no such item.
    """
    kind = kind_of(kind)
    doc_id, start, end = _item(ledger, kind, item_id)
    if doc_id is None:
        found = reviews(ledger.corrections(kinds=(kind,), item_ids={item_id}))
        key: Anchor = (kind, item_id)
    else:
        found = review_map(ledger, doc_id=doc_id)
        key = (kind, doc_id, start, end)
    r = found.get(key)
    return r.as_dict() if r else None


def _as_dict(c: CorrectionRow) -> dict[str, Any]:
    return {"id": c.id, "kind": c.kind, "item": c.item_id, "doc": c.doc_id, "start": c.start, "end": c.end,
            "action": c.action, "field": c.field, "value": c.value, "author": c.author, "source": c.source,
            "note": c.note, "at": c.created_at.isoformat(timespec="seconds") if c.created_at else ""}


def history(ledger: Ledger, *, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
    """The latest corrections, newest first, as plain dicts (``limit`` rows after skipping ``offset``)."""
    with ledger.session() as s:
        return _history(s, limit=limit, offset=offset)


def _history(s: Any, *, limit: int, offset: int) -> list[dict[str, Any]]:
    q = select(CorrectionRow).order_by(CorrectionRow.id.desc()).limit(max(0, limit)).offset(max(0, offset))
    return [_as_dict(c) for c in s.scalars(q)]


def _current_items(s: Any, rows: list[dict[str, Any]]) -> None:
    """Add ``text`` (what the item says now) and ``current`` (its id now, or None) to history rows."""
    wanted: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        r["text"], r["current"] = None, None
        if r["kind"] in _MODELS and r["doc"]:
            wanted.setdefault((r["kind"], r["doc"]), []).append(r)
    for (kind, doc), group in wanted.items():
        spans = {(r["start"], r["end"]) for r in group}
        found = {(a, b): (i, t) for i, a, b, t in s.execute(select(*span_columns(kind))
                                                             .where(_MODELS[kind].doc_id == doc))
                 if (a, b) in spans}
        for r in group:
            r["current"], r["text"] = found.get((r["start"], r["end"]), (None, None))
        if any(r["text"] is None for r in group):  # the item is gone: show what the text says there
            text = s.scalar(select(DocumentRow.text).where(DocumentRow.id == doc)) or ""
            for r in group:
                if r["text"] is None and r["start"] is not None:
                    r["text"] = text[r["start"]:r["end"]]
    relations = {r["item"] for r in rows if r["kind"] == "relation"}
    if relations:
        rel = {x.id: x for x in s.scalars(select(RelationRow).where(RelationRow.id.in_(relations)))}
        for r in rows:
            if r["kind"] == "relation" and r["item"] in rel:
                x = rel[r["item"]]
                r["current"], r["text"] = x.id, f"{x.type}: {x.a} → {x.b}"
                m = _DOC_PREFIX.match(x.a) or _DOC_PREFIX.match(x.b)
                r["doc"] = r["doc"] or (m.group(1) if m else None)
    links = {r["item"] for r in rows if r["kind"] == "entity_link"}
    if links:
        got = {x.entity_id: x for x in s.scalars(select(EntityLinkRow).where(EntityLinkRow.entity_id.in_(links)))}
        for r in rows:
            if r["kind"] == "entity_link" and r["item"] in got:
                r["current"], r["text"] = r["item"], f"{r['item']} = {got[r['item']].canonical_id}"


def history_page(ledger: Ledger, *, page: int = 1, per_page: int = 50) -> dict[str, Any]:
    """One page of the history for the corrections page: rows (newest first), paging and counts.

    Each row also has ``text`` (the item's text, or the document's text at its span when the
    item is gone), ``current`` (the item's id now, after any re-analysis; None when no item
    stands at that anchor) and ``title`` (its document's title). ``counts`` holds how many
    corrections were made per action, kind and source (SQL aggregates).
    """
    per_page = max(1, min(per_page, 500))
    with ledger.session() as s:
        total = s.scalar(select(func.count()).select_from(CorrectionRow)) or 0
        pages = max(1, -(-total // per_page))
        page = max(1, min(page, pages))
        rows = _history(s, limit=per_page, offset=(page - 1) * per_page)
        _current_items(s, rows)
        docs = {r["doc"] for r in rows if r["doc"]}
        titles = dict(s.execute(select(DocumentRow.id, DocumentRow.title).where(DocumentRow.id.in_(docs)))
                      .all()) if docs else {}
        for r in rows:
            r["title"] = titles.get(r["doc"]) if r["doc"] else None
        counts = {name: {k: n for k, n in s.execute(select(col, func.count()).group_by(col).order_by(col))}
                  for name, col in (("action", CorrectionRow.action), ("kind", CorrectionRow.kind),
                                    ("source", CorrectionRow.source))}
    return {"items": rows, "page": page, "pages": pages, "per_page": per_page, "total": total, "counts": counts}


def rejected_counts(ledger: Ledger, review_map_: dict[Anchor, Review] | None = None) -> dict[str, int]:
    """How many current items of each kind stand rejected, relations to them included (export meta counts).

    ``review_map_``: the ledger's standing reviews when the caller already has them.
    """
    rmap = review_map(ledger) if review_map_ is None else review_map_
    standing = [k for k, r in rmap.items() if r.status == "rejected"]
    if not standing:
        return {}
    ids: dict[str, set[str]] = {"quantity": set(), "claim": set(), "attribution": set(), "technique": set(),
                                "relation": set()}
    with ledger.session() as s:
        for key in standing:
            kind = key[0]
            if kind in _MODELS:
                item_id, start, end, _text = span_columns(kind)
                ids[kind].update(s.scalars(select(item_id).where(_MODELS[kind].doc_id == key[1], start == key[2],
                                                                 end == key[3])))
            elif kind == "relation" and s.get(RelationRow, key[1]) is not None:
                ids[kind].add(key[1])
        items = sorted(ids["quantity"] | ids["claim"] | ids["attribution"] | ids["technique"])
        for i in range(0, len(items), 400):
            chunk = items[i:i + 400]
            ids["relation"].update(s.scalars(select(RelationRow.id).where(
                RelationRow.a.in_(chunk) | RelationRow.b.in_(chunk))))
    return {k: len(v) for k, v in ids.items() if v}

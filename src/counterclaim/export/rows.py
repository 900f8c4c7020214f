"""The ledger as contract rows (dicts), in a deterministic order.

Order: the meta line, then documents, entities and mentions, each sorted by id
(documents by content-derived id, so the same ledger content exports the same
bytes whatever order it was ingested in).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from counterclaim import __version__
from counterclaim.ledger.models import (
    AliasRow,
    AttributionRow,
    ClaimRow,
    DocumentRow,
    EntityRow,
    MentionRow,
    QuantityRow,
    RelationRow,
    TechniqueRow,
)
from counterclaim.ledger.store import Ledger
from counterclaim.records import describe_figure

SCHEMA = 2  # 2: NUL and other C0 controls removed in normalisation (see the README's changelog)
KINDS = ("document", "entity", "mention", "attribution", "claim", "quantity", "technique", "relation")
PLURALS = {"document": "documents", "entity": "entities", "mention": "mentions", "attribution": "attributions",
           "claim": "claims", "quantity": "quantities", "technique": "techniques", "relation": "relations"}
FIELDS: dict[str, tuple[str, ...]] = {
    "document": ("id", "path", "sha256", "text", "title", "published", "dateline", "outlet", "doc_type",
                 "asserter", "language", "url", "analyzed", "analyzer", "why"),
    "entity": ("id", "name", "type", "aliases", "roles"),
    "mention": ("id", "doc", "start", "end", "text", "entity", "mention_kind", "rule"),
    "attribution": ("id", "doc", "speaker", "speaker_span", "cue", "content", "direct", "via", "rule"),
    "claim": ("id", "doc", "start", "end", "text", "asserter", "claim_type", "polarity", "checkworthy", "about",
              "attribution", "rule"),
    "quantity": ("id", "doc", "start", "end", "text", "value", "low", "high", "approx", "counted", "category",
                 "subgroup", "parent", "claim", "event", "rule", "scope", "revision_of", "stated", "vague"),
    "technique": ("id", "doc", "start", "end", "text", "label", "score", "why", "speaker", "rule"),
    "relation": ("id", "type", "a", "b", "score", "evidence"),
}
# Fields holding entity ids (shown through the canonical map once entities are merged).
_ENTITY_FIELDS = {"document": ("asserter",), "mention": ("entity",), "attribution": ("speaker", "via"),
                  "claim": ("asserter", "about"), "quantity": ("event",), "technique": ("speaker",),
                  "relation": ("a", "b")}


def resolve_ids(row: dict[str, Any], canon: dict[str, str]) -> dict[str, Any]:
    """Replace merged entity ids in ``row`` by their canonical ids (order kept, duplicates dropped)."""
    if not canon:
        return row
    for key in _ENTITY_FIELDS.get(row["kind"], ()):
        value = row.get(key)
        if isinstance(value, list):
            row[key] = list(dict.fromkeys(canon.get(v, v) for v in value))
        elif value is not None:
            row[key] = canon.get(value, value)
    return row


def relation_row(r: RelationRow) -> dict[str, Any]:
    return {"kind": "relation", "id": r.id, "type": r.type, "a": r.a, "b": r.b, "score": round(r.score, 3),
            "evidence": r.evidence}


def count_value(x: float | None) -> float | int | None:
    """A count as an int when it is whole (613, not 613.0)."""
    return int(x) if x is not None and float(x).is_integer() and abs(x) < 2**53 else x


def _span(start: int | None, end: int | None, text: str | None) -> dict[str, Any] | None:
    return None if start is None or end is None else {"start": start, "end": end, "text": text}


def document_row(d: DocumentRow) -> dict[str, Any]:
    return {
        "kind": "document", "id": d.id, "path": d.path, "sha256": d.sha256, "text": d.text,
        "title": d.title, "published": d.published, "dateline": d.dateline, "outlet": d.outlet,
        "doc_type": d.doc_type, "asserter": d.asserter_id, "language": d.language, "url": d.url,
        "analyzed": d.analyzed, "analyzer": d.analyzer, "why": d.why or {},
    }


def mention_row(m: MentionRow) -> dict[str, Any]:
    return {"kind": "mention", "id": m.id, "doc": m.doc_id, "start": m.start, "end": m.end,
            "text": m.text, "entity": m.entity_id, "mention_kind": m.kind, "rule": m.rule}


def attribution_row(a: AttributionRow) -> dict[str, Any]:
    return {"kind": "attribution", "id": a.id, "doc": a.doc_id, "speaker": a.speaker_id,
            "speaker_span": _span(a.speaker_start, a.speaker_end, a.speaker_text),
            "cue": _span(a.cue_start, a.cue_end, a.cue_text),
            "content": _span(a.content_start, a.content_end, a.content_text),
            "direct": a.direct, "via": list(a.via or []), "rule": a.rule}


def claim_row(c: ClaimRow) -> dict[str, Any]:
    return {"kind": "claim", "id": c.id, "doc": c.doc_id, "start": c.start, "end": c.end, "text": c.text,
            "asserter": c.asserter_id, "claim_type": c.claim_type, "polarity": c.polarity,
            "checkworthy": round(c.checkworthy, 3), "about": list(c.about or []),
            "attribution": c.attribution_id, "rule": c.rule}


def quantity_row(q: QuantityRow) -> dict[str, Any]:
    return {"kind": "quantity", "id": q.id, "doc": q.doc_id, "start": q.start, "end": q.end, "text": q.text,
            "value": count_value(q.value), "low": count_value(q.low), "high": count_value(q.high), "approx": q.approx,
            "counted": q.counted, "category": q.category, "subgroup": q.subgroup, "parent": q.parent_id,
            "claim": q.claim_id, "event": q.event_id, "rule": q.rule, "scope": q.scope or "incident",
            "revision_of": q.revision_of, "stated": describe_figure(q), "vague": bool(q.vague)}


def technique_row(t: TechniqueRow) -> dict[str, Any]:
    return {"kind": "technique", "id": t.id, "doc": t.doc_id, "start": t.start, "end": t.end, "text": t.text,
            "label": t.label, "score": round(t.score, 3), "why": t.why, "speaker": t.speaker_id, "rule": t.rule}


# Per-document kinds: (kind, model, builder, order columns after doc_id).
PER_DOCUMENT = (
    ("mention", MentionRow, mention_row, (MentionRow.start, MentionRow.end, MentionRow.id)),
    ("attribution", AttributionRow, attribution_row, (AttributionRow.content_start, AttributionRow.id)),
    ("claim", ClaimRow, claim_row, (ClaimRow.start, ClaimRow.id)),
    ("quantity", QuantityRow, quantity_row, (QuantityRow.start, QuantityRow.id)),
    ("technique", TechniqueRow, technique_row, (TechniqueRow.start, TechniqueRow.label, TechniqueRow.id)),
)


def entity_rows(s: Any, canon: dict[str, str], ids: set[str] | None = None) -> Iterator[dict[str, Any]]:
    """Canonical entities only; a merged entity's names and roles join its canonical entity's."""
    if ids is not None:
        ids = ids | {k for k, v in canon.items() if v in ids}
    names: dict[str, set[str]] = defaultdict(set)
    roles: dict[str, set[str]] = defaultdict(set)
    aliases = select(AliasRow) if ids is None else select(AliasRow).where(AliasRow.entity_id.in_(ids))
    for a in s.scalars(aliases):
        (roles if a.kind == "role" else names)[canon.get(a.entity_id, a.entity_id)].add(a.alias)
    q = select(EntityRow).order_by(EntityRow.id)
    for e in s.scalars(q if ids is None else q.where(EntityRow.id.in_(ids))):
        if e.id in canon:
            names[canon[e.id]].add(e.name)
            continue
        row = {"kind": "entity", "id": e.id, "name": e.name, "type": e.type,
               "aliases": sorted(names[e.id] | {e.name}), "roles": sorted(roles[e.id])}
        yield {**row, **(e.attrs or {})}  # a WORK's author; an incident's place, dates, parties


def contract_counts(ledger: Ledger, canon: dict[str, str] | None = None,
                    review_map: dict[Any, Any] | None = None) -> dict[str, int]:
    """Rows per kind as the export writes them: merged entities count once, rejected items not at all.

    The ingest summary, the overview and the export's meta line all count with this.
    """
    from counterclaim import corrections as corr

    counts = ledger.counts()
    counts["entities"] -= len(ledger.canonical_map() if canon is None else canon)
    review_map = corr.review_map(ledger) if review_map is None else review_map
    for kind, n in (corr.rejected_counts(ledger, review_map) if review_map else {}).items():
        counts[PLURALS[kind]] -= n
    return {k: counts[PLURALS[k]] for k in KINDS}


def iter_rows(ledger: Ledger, *, resolve: bool = True, corrections: bool = True) -> Iterator[dict[str, Any]]:
    """Yield every contract row of the ledger, meta line first.

    With ``resolve=False`` merged entities keep their own ids and rows (what the linker reads).
    With ``corrections`` (the default) analysts' verdicts are applied: rejected items (and the
    relations to them) are left out, fixed fields carry the fixed value, and reviewed rows get a
    ``review`` field.
    """
    from counterclaim import corrections as corr

    canon = ledger.canonical_map() if resolve else {}
    review_map = corr.review_map(ledger) if corrections else {}
    yield {"kind": "meta", "schema": SCHEMA, "generator": f"counterclaim {__version__}",
           "counts": contract_counts(ledger, canon, review_map)}
    rows = _iter_body(ledger, canon)
    yield from corr.apply(rows, review_map, drop_rejected=True) if review_map else rows


def _iter_body(ledger: Ledger, canon: dict[str, str]) -> Iterator[dict[str, Any]]:
    with ledger.session() as s:
        for d in s.scalars(select(DocumentRow).order_by(DocumentRow.id)).yield_per(200):
            yield resolve_ids(document_row(d), canon)
        yield from entity_rows(s, canon)
        for _kind, model, build, order in PER_DOCUMENT:
            for row in s.scalars(select(model).order_by(model.doc_id, *order)).yield_per(1000):
                yield resolve_ids(build(row), canon)
        for r in s.scalars(select(RelationRow).order_by(RelationRow.type, RelationRow.a, RelationRow.b)):
            yield resolve_ids(relation_row(r), canon)


def document_view(ledger: Ledger, doc_id: str, *, corrections: str = "apply") -> dict[str, Any] | None:
    """One document's contract rows: ``{"document": row, "entity": [...], "mention": [...], ...}``.

    Entities are those its records point to. None when the ledger has no such document.
    ``corrections``: "apply" (as the export: rejected items left out), "annotate" (every item kept,
    reviewed ones carry ``review``; what the web reader shows) or "none".
    """
    from counterclaim import corrections as corr

    canon = ledger.canonical_map()
    review_map = corr.review_map(ledger, doc_id=doc_id) if corrections != "none" else {}
    with ledger.session() as s:
        d = s.get(DocumentRow, doc_id)
        if d is None:
            return None
        view: dict[str, Any] = {"document": resolve_ids(document_row(d), canon)}
        for kind, model, build, order in PER_DOCUMENT:
            rows = (resolve_ids(build(r), canon)
                    for r in s.scalars(select(model).where(model.doc_id == doc_id).order_by(*order)))
            view[kind] = list(corr.apply(rows, review_map, drop_rejected=corrections == "apply"))
        ids = {m["entity"] for m in view["mention"]} | ({view["document"]["asserter"]} - {None})
        for a in view["attribution"]:
            ids |= {a["speaker"], *a["via"]} - {None}
        for c in view["claim"]:
            ids |= {c["asserter"], *c["about"]} - {None}
        ids |= {t["speaker"] for t in view["technique"]} - {None}
        view["entity"] = list(entity_rows(s, canon, ids))
    return view

"""The claims board: claims ranked by check-worthiness, and contradiction pairs side by side.

Everything is one SQL query per list (``ORDER BY … LIMIT``), so a page costs the same on
five documents or on ten thousand. Entity filters include the ids merged into the one asked
for; rows carry canonical ids and, when an analyst reviewed them, a ``review`` field.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from sqlalchemy import Text, and_, cast, func, or_, select, true
from sqlalchemy.orm import Session

from counterclaim import corrections as corr
from counterclaim.errors import UsageError
from counterclaim.export.rows import resolve_ids, claim_row
from counterclaim.ledger.models import AliasRow, ClaimRow, DocumentRow, EntityRow, QuantityRow, RelationRow
from counterclaim.ledger.store import Ledger
from counterclaim.records import CLAIM_TYPES, POLARITIES

PER_PAGE = 50
PAIR_TYPES = ("contradicts", "rebuts")
_CLAIM_ID = re.compile(r"\b([0-9a-f]{16}:c\d+)\b")
_AUTHOR = re.compile(r"\bauthor=(\S+)")
_CHARGE = re.compile(r"shared charges? ((?:'[^']+'(?:, )?)+)")


# -- shared helpers (also used by the entity and figure pages) ---------------------------------------
def members_of(canon: dict[str, str], entity_id: str) -> list[str]:
    """``entity_id`` and every id merged into it."""
    return sorted({entity_id, *(k for k, v in canon.items() if v == entity_id)})


def json_list_has(column: Any, ids: list[str]) -> Any:
    """SQL condition: the JSON list ``column`` holds one of ``ids`` (SQLite and PostgreSQL json/jsonb).

    The list is compared as text, on the id's JSON spelling (ASCII-escaped as SQLAlchemy writes it,
    and raw as jsonb prints it); LIKE wildcards in ids are escaped.
    """
    text = cast(column, Text)
    conds = []
    for key in ids:
        for spelled in {json.dumps(key), json.dumps(key, ensure_ascii=False)}:
            conds.append(text.contains(spelled, autoescape=True))
    return or_(*conds) if conds else False


def iso_day(value: str | None, name: str) -> str | None:
    """A ``YYYY-MM-DD`` filter value, or None when empty.

    Raises:
        UsageError: E001 when it is not a date.
    """
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        raise UsageError(f"{name} must be a date (YYYY-MM-DD), not {value[:40]!r}") from None


def names_of(s: Session, ids: set[str]) -> dict[str, str]:
    """Entity id → canonical name for the given ids (chunked IN)."""
    out: dict[str, str] = {}
    keys = sorted(i for i in ids if i)
    for i in range(0, len(keys), 500):
        chunk = keys[i:i + 500]
        out.update(s.execute(select(EntityRow.id, EntityRow.name).where(EntityRow.id.in_(chunk))).tuples().all())
    return out


def annotate(rows: list[dict[str, Any]], review_map: dict[Any, Any]) -> list[dict[str, Any]]:
    """Rows with analysts' fixes applied and a ``review`` field (None when unreviewed; rejected rows kept)."""
    out = list(corr.apply(rows, review_map, drop_rejected=False)) if review_map else rows
    for row in out:
        row.setdefault("review", None)
    return out


def rows_with_document(s: Session, model: Any, build: Any, canon: dict[str, str], where: Any, order: tuple[Any, ...],
                       limit: int, offset: int = 0) -> list[dict[str, Any]]:
    """Contract rows of ``model`` (built by ``build``, canonical ids) with their document's title and date."""
    out = []
    for item, title, published in s.execute(
            select(model, DocumentRow.title, DocumentRow.published)
            .join(DocumentRow, DocumentRow.id == model.doc_id).where(where)
            .order_by(*order).limit(limit).offset(offset)):
        row = resolve_ids(build(item), canon)
        row.update(doc_title=title, published=published)
        out.append(row)
    return out


def page_info(total: int, page: int, per_page: int) -> dict[str, int]:
    pages = max(1, -(-total // per_page))
    return {"total": total, "page": page, "pages": pages, "per_page": per_page}


# -- the board ------------------------------------------------------------------------------------------
def asserters(ledger: Ledger, canon: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Every entity that asserts a claim (canonical ids), with its claim count, most claims first."""
    canon = ledger.canonical_map() if canon is None else canon
    counts: dict[str, int] = {}
    with ledger.session() as s:
        for key, n in s.execute(select(ClaimRow.asserter_id, func.count()).where(ClaimRow.asserter_id.is_not(None))
                                .group_by(ClaimRow.asserter_id)).tuples():
            counts[canon.get(key, key)] = counts.get(canon.get(key, key), 0) + n
        names = names_of(s, set(counts))
    return sorted(({"id": k, "name": names.get(k, k), "claims": n} for k, n in counts.items()),
                  key=lambda r: (-r["claims"], r["name"]))


ABOUT_CHOICES = 300  # the entities most often named in claims, for the board's "about" menu


def about_choices(ledger: Ledger, canon: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The entities claims are about (canonical ids), most claims first, with names and counts."""
    canon = ledger.canonical_map() if canon is None else canon
    counts: dict[str, int] = {}
    with ledger.session() as s:
        for about in s.scalars(select(ClaimRow.about)):
            for key in {canon.get(a, a) for a in about or ()}:
                counts[key] = counts.get(key, 0) + 1
        top = sorted(counts, key=lambda k: -counts[k])[:ABOUT_CHOICES]
        names = names_of(s, set(top))
    return sorted(({"id": k, "name": names.get(k, k), "claims": counts[k]} for k in top),
                  key=lambda r: (r["name"].lower(), r["id"]))


def entity_by_name(ledger: Ledger, value: str) -> str:
    """An entity id given as itself, or by one of its names ("Armenia" → 'GPE:armenia'); unknown: as given."""
    with ledger.session() as s:
        if s.get(EntityRow, value) is not None:
            return value
        folded = value.casefold()
        for q in (select(EntityRow.id).where(func.lower(EntityRow.name) == folded),
                  select(AliasRow.entity_id).where(func.lower(AliasRow.alias) == folded)
                  .where(AliasRow.kind == "name")):
            found = s.scalars(q.order_by(q.selected_columns[0]).limit(1)).first()
            if found:
                return found
    return value


def claims_board(ledger: Ledger, *, asserter: str | None = None, about: str | None = None,
                 claim_type: str | None = None, polarity: str | None = None, date_from: str | None = None,
                 date_to: str | None = None, page: int = 1, per_page: int = PER_PAGE) -> dict[str, Any]:
    """Claims ranked by check-worthiness (highest first), filtered, one page of them.

    Args:
        asserter: an entity id (claims it asserts, merged ids included).
        about: an entity the claim is about, by id or by name ("Armenia").
        claim_type: one of :data:`counterclaim.records.CLAIM_TYPES`.
        polarity: affirm or deny.
        date_from: the document's published date, from (YYYY-MM-DD, inclusive).
        date_to: … to (inclusive).
        page: 1-based page of ``per_page`` claims.

    Raises:
        UsageError: E001 for an unknown claim type or polarity, or a malformed date.
    """
    asserter, about = (asserter or "").strip() or None, (about or "").strip() or None
    claim_type, polarity = (claim_type or "").strip() or None, (polarity or "").strip() or None
    if claim_type and claim_type not in CLAIM_TYPES:
        raise UsageError(f"claim_type {claim_type[:40]!r} is not one of: {', '.join(CLAIM_TYPES)}")
    if polarity and polarity not in POLARITIES:
        raise UsageError(f"polarity {polarity[:40]!r} is not one of: {', '.join(POLARITIES)}")
    day_from, day_to = iso_day(date_from, "date_from"), iso_day(date_to, "date_to")
    page = max(1, int(page))
    canon = ledger.canonical_map()
    if asserter:
        asserter = canon.get(asserter, asserter)
    if about:
        about = entity_by_name(ledger, about)
        about = canon.get(about, about)

    conds = []
    if asserter:
        conds.append(ClaimRow.asserter_id.in_(members_of(canon, asserter)))
    if about:
        conds.append(json_list_has(ClaimRow.about, members_of(canon, about)))
    if claim_type:
        conds.append(ClaimRow.claim_type == claim_type)
    if polarity:
        conds.append(ClaimRow.polarity == polarity)
    if day_from:
        conds.append(func.substr(DocumentRow.published, 1, 10) >= day_from)
    if day_to:
        conds.append(func.substr(DocumentRow.published, 1, 10) <= day_to)
    where = and_(true(), *conds)
    with ledger.session() as s:
        total = s.scalar(select(func.count()).select_from(ClaimRow)
                         .join(DocumentRow, DocumentRow.id == ClaimRow.doc_id).where(where)) or 0
        rows = rows_with_document(s, ClaimRow, claim_row, canon, where, (ClaimRow.checkworthy.desc(), ClaimRow.id),
                                  per_page, (page - 1) * per_page)
        names = names_of(s, {r["asserter"] for r in rows} | {a for r in rows for a in r["about"]}
                         | ({asserter} if asserter else set()) | ({about} if about else set()))
    rows = annotate(rows, corr.review_map(ledger))
    for r in rows:
        r["asserter_name"] = names.get(r["asserter"]) if r["asserter"] else None
        r["about_names"] = [{"id": a, "name": names.get(a, a)} for a in r["about"]]
    return {
        "filters": {"asserter": asserter, "about": about, "claim_type": claim_type, "polarity": polarity,
                    "date_from": day_from, "date_to": day_to},
        "filter_names": {"asserter": names.get(asserter or ""), "about": names.get(about or "")},
        **page_info(total, page, per_page),
        "claims": rows,
        "asserters": asserters(ledger, canon),
        "about_choices": about_choices(ledger, canon),
        "claim_types": list(CLAIM_TYPES),
        "polarities": list(POLARITIES),
    }


# -- describing relation ends ---------------------------------------------------------------------------
def describe_items(ledger: Ledger, ids: set[str], canon: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """What each relation end is: a claim, a figure, a document or an entity, with its source and date.

    Returns ``{id: {"kind", "id", "text", "doc", "doc_title", "published", "asserter", "asserter_name", …}}``;
    an id found nowhere is described as ``{"kind": "unknown"}``.
    """
    canon = ledger.canonical_map() if canon is None else canon
    keys = sorted(ids)
    out: dict[str, dict[str, Any]] = {}
    with ledger.session() as s:
        for i in range(0, len(keys), 400):
            chunk = keys[i:i + 400]
            for c, title, published, doc_asserter in s.execute(
                    select(ClaimRow, DocumentRow.title, DocumentRow.published, DocumentRow.asserter_id)
                    .join(DocumentRow, DocumentRow.id == ClaimRow.doc_id).where(ClaimRow.id.in_(chunk))):
                out[c.id] = {"kind": "claim", "id": c.id, "text": c.text, "doc": c.doc_id, "doc_title": title,
                             "published": published, "asserter": c.asserter_id or doc_asserter,
                             "claim_type": c.claim_type, "polarity": c.polarity, "checkworthy": round(c.checkworthy, 3)}
            for qrow, title, published, doc_asserter in s.execute(
                    select(QuantityRow, DocumentRow.title, DocumentRow.published, DocumentRow.asserter_id)
                    .join(DocumentRow, DocumentRow.id == QuantityRow.doc_id).where(QuantityRow.id.in_(chunk))):
                out[qrow.id] = {"kind": "quantity", "id": qrow.id, "text": qrow.text, "doc": qrow.doc_id,
                                "doc_title": title, "published": published, "asserter": doc_asserter,
                                "category": qrow.category, "counted": qrow.counted}
            for d in s.execute(select(DocumentRow.id, DocumentRow.title, DocumentRow.published,
                                      DocumentRow.asserter_id).where(DocumentRow.id.in_(chunk))):
                out[d.id] = {"kind": "document", "id": d.id, "text": d.title or d.id, "doc": d.id, "doc_title": d.title,
                             "published": d.published, "asserter": d.asserter_id}
            for e in s.execute(select(EntityRow.id, EntityRow.name, EntityRow.type).where(EntityRow.id.in_(chunk))):
                key = canon.get(e.id, e.id)
                out[e.id] = {"kind": "entity", "id": key, "text": e.name, "entity_type": e.type, "doc": None,
                             "doc_title": None, "published": None, "asserter": None}
        for key in keys:
            out.setdefault(key, {"kind": "unknown", "id": key, "text": key, "doc": None, "doc_title": None,
                                 "published": None, "asserter": None})
        for item in out.values():
            if item["asserter"]:
                item["asserter"] = canon.get(item["asserter"], item["asserter"])
        names = names_of(s, {v["asserter"] for v in out.values() if v["asserter"]})
    for item in out.values():
        item["asserter_name"] = names.get(item["asserter"]) if item["asserter"] else None
    return out


def relation_view(r: RelationRow, items: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A relation with both ends described; the claim a document-level rebuttal rests on, when named."""
    view = {"id": r.id, "type": r.type, "score": round(r.score, 3), "evidence": r.evidence,
            "a": items[r.a], "b": items[r.b], "via_claim": None, "work_author": None}
    m = _CLAIM_ID.search(r.evidence or "")
    if m and m.group(1) in items and m.group(1) not in (r.a, r.b):
        view["via_claim"] = items[m.group(1)]
    m = _AUTHOR.search(r.evidence or "")
    if m:
        view["work_author"] = m.group(1)
    view["topic"] = topic_of(r.evidence)
    return view


def topic_of(evidence: str | None) -> str | None:
    """What two claims dispute, from the linker's evidence ("shared charge 'genocide'" → 'genocide')."""
    m = _CHARGE.search(evidence or "")
    return " and ".join(re.findall(r"'([^']+)'", m.group(1))) if m else None


def relations_views(ledger: Ledger, relations: list[RelationRow], canon: dict[str, str] | None = None,
                    review_map: dict[Any, Any] | None = None) -> list[dict[str, Any]]:
    """Relations (already fetched) with their ends described and analysts' verdicts attached.

    ``canon`` and ``review_map``: the canonical map and standing reviews, when the caller has them.
    """
    canon = ledger.canonical_map() if canon is None else canon
    ids = {x for r in relations for x in (r.a, r.b)}
    ids |= {m.group(1) for r in relations for m in [_CLAIM_ID.search(r.evidence or "")] if m}
    authors = {m.group(1) for r in relations for m in [_AUTHOR.search(r.evidence or "")] if m}
    items = describe_items(ledger, ids | authors, canon)
    views = [relation_view(r, items) for r in relations]
    for v in views:
        if v["work_author"]:
            author = items.get(v["work_author"], {})
            v["work_author"] = {"id": author.get("id", v["work_author"]), "name": author.get("text")}
    review_map = corr.review_map(ledger) if review_map is None else review_map
    for v in views:
        rv = review_map.get(("relation", v["id"]))
        v["review"] = rv.as_dict() if rv else None
    return views


def contradictions(ledger: Ledger, *, page: int = 1, per_page: int = PER_PAGE) -> dict[str, Any]:
    """Relations of type contradicts and rebuts, best score first, both ends side by side."""
    page = max(1, int(page))
    q = select(RelationRow).where(RelationRow.type.in_(PAIR_TYPES))
    with ledger.session() as s:
        total = s.scalar(select(func.count()).select_from(q.subquery())) or 0
        rels = list(s.scalars(q.order_by(RelationRow.type, RelationRow.score.desc(), RelationRow.id)
                              .limit(per_page).offset((page - 1) * per_page)))
    return {**page_info(total, page, per_page), "pairs": relations_views(ledger, rels)}

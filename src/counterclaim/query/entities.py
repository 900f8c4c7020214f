"""The entity page: who or what an entity is, where it appears, what it asserts and what is said about it.

Every lookup covers the entity's canonical id and every id merged into it. Lists are capped
SQL queries with a total count beside them; the documents that mention the entity are paginated.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select

from counterclaim.errors import LedgerError
from counterclaim.export.rows import attribution_row, claim_row, entity_rows, quantity_row
from counterclaim.ledger.models import (
    AttributionRow,
    ClaimRow,
    DocumentRow,
    EntityLinkRow,
    EntityRow,
    MentionRow,
    QuantityRow,
    RelationRow,
)
from counterclaim.ledger.store import Ledger
from counterclaim.query.claims import (
    annotate,
    json_list_has,
    members_of,
    names_of,
    page_info,
    relations_views,
    rows_with_document,
)

DOCS_PER_PAGE = 50
LIST_CAP = 50


def canonical_entity(ledger: Ledger, entity_id: str) -> str:
    """The canonical id ``entity_id`` is shown as (itself unless it was merged).

    Raises:
        LedgerError: E203 when the ledger has no such entity.
    """
    canon = ledger.canonical_map()
    key = canon.get(entity_id, entity_id)
    with ledger.session() as s:
        if s.get(EntityRow, key) is None:
            raise LedgerError(f"no entity {entity_id[:300]!r} in the ledger", code="E203")
    return key


def entity_view(ledger: Ledger, entity_id: str, *, page: int = 1, per_page: int = DOCS_PER_PAGE,
                cap: int = LIST_CAP) -> dict[str, Any]:
    """Everything the ledger holds on one (canonical) entity.

    Args:
        entity_id: a canonical entity id (see :func:`canonical_entity`).
        page: page of the documents that mention it.
        cap: at most this many rows per other list (each has its total beside it).

    Raises:
        LedgerError: E203 when there is no such entity.
    """
    from counterclaim import corrections as corr

    canon = ledger.canonical_map()
    if canon.get(entity_id, entity_id) != entity_id:
        raise LedgerError(f"entity {entity_id[:300]!r} is merged into {canon[entity_id]!r}", code="E203")
    ids = members_of(canon, entity_id)
    page = max(1, int(page))
    with ledger.session() as s:
        rows = list(entity_rows(s, canon, {entity_id}))
        if not rows:
            raise LedgerError(f"no entity {entity_id[:300]!r} in the ledger", code="E203")
        entity = rows[0]
        merged = [{"id": link.entity_id, "score": round(link.score, 3), "evidence": link.evidence}
                  for link in s.scalars(select(EntityLinkRow).where(EntityLinkRow.entity_id.in_(ids))
                                        .order_by(EntityLinkRow.entity_id)) if link.entity_id != entity_id]

        # Documents that mention it, with the mention count and the first surface form.
        per_doc = (select(MentionRow.doc_id, func.count().label("n"), func.min(MentionRow.start).label("first"))
                   .where(MentionRow.entity_id.in_(ids)).group_by(MentionRow.doc_id).subquery())
        mention_total = s.scalar(select(func.count()).where(MentionRow.entity_id.in_(ids))) or 0
        doc_total = s.scalar(select(func.count()).select_from(per_doc)) or 0
        mentioned = [dict(r._mapping) for r in s.execute(
            select(DocumentRow.id, DocumentRow.title, DocumentRow.published, DocumentRow.doc_type,
                   DocumentRow.asserter_id.label("asserter"), per_doc.c.n.label("mentions"))
            .join(per_doc, per_doc.c.doc_id == DocumentRow.id)
            .order_by(DocumentRow.published.desc(), DocumentRow.id)
            .limit(per_page).offset((page - 1) * per_page))]

        asserted_q = select(DocumentRow.id, DocumentRow.title, DocumentRow.published, DocumentRow.doc_type) \
            .where(DocumentRow.asserter_id.in_(ids))
        asserted_total = s.scalar(select(func.count()).select_from(asserted_q.subquery())) or 0
        asserted = [dict(r._mapping) for r in s.execute(
            asserted_q.order_by(DocumentRow.published.desc(), DocumentRow.id).limit(cap))]

        claims_by = _claims(s, ClaimRow.asserter_id.in_(ids), canon, cap)
        claims_about = _claims(s, json_list_has(ClaimRow.about, ids), canon, cap)

        att_cond = or_(AttributionRow.speaker_id.in_(ids), json_list_has(AttributionRow.via, ids))
        att_total = s.scalar(select(func.count()).where(att_cond)) or 0
        attributions = rows_with_document(
            s, AttributionRow, attribution_row, canon, att_cond,
            (DocumentRow.published.desc(), AttributionRow.doc_id, AttributionRow.content_start), cap)
        for row in attributions:
            row["role"] = "speaker" if row["speaker"] == entity_id else "relay"

        own_claims = select(ClaimRow.id).where(ClaimRow.asserter_id.in_(ids))
        own_docs = select(DocumentRow.id).where(DocumentRow.asserter_id.in_(ids))
        fig_cond = or_(QuantityRow.claim_id.in_(own_claims), QuantityRow.doc_id.in_(own_docs))
        fig_total = s.scalar(select(func.count()).where(fig_cond)) or 0
        figures = rows_with_document(s, QuantityRow, quantity_row, canon, fig_cond,
                                     (QuantityRow.category, DocumentRow.published.desc(), QuantityRow.id), cap)

        # Relations where it is an end, or one of its claims/documents, or a work it authored.
        rel_cond = or_(RelationRow.a.in_(ids), RelationRow.b.in_(ids),
                       RelationRow.a.in_(own_claims), RelationRow.b.in_(own_claims),
                       RelationRow.a.in_(own_docs), RelationRow.b.in_(own_docs),
                       *(RelationRow.evidence.contains(f"author={i}", autoescape=True) for i in ids))
        rel_total = s.scalar(select(func.count()).where(rel_cond)) or 0
        rels = list(s.scalars(select(RelationRow).where(rel_cond)
                              .order_by(RelationRow.type, RelationRow.score.desc(), RelationRow.id).limit(cap)))
        names = names_of(s, {d["asserter"] for d in mentioned if d["asserter"]}
                         | {c["asserter"] for c in claims_by + claims_about if c["asserter"]}
                         | {a["speaker"] for a in attributions if a["speaker"]}
                         | {v for a in attributions for v in a["via"]})
    review_map = corr.review_map(ledger)
    claims_by, claims_about = annotate(claims_by, review_map), annotate(claims_about, review_map)
    attributions, figures = annotate(attributions, review_map), annotate(figures, review_map)
    for d in mentioned:
        d["asserter"] = canon.get(d["asserter"], d["asserter"]) if d["asserter"] else None
        d["asserter_name"] = names.get(d["asserter"]) if d["asserter"] else None
    for c in claims_by + claims_about:
        c["asserter_name"] = names.get(c["asserter"]) if c["asserter"] else None
    for a in attributions:
        a["speaker_name"] = names.get(a["speaker"]) if a["speaker"] else None
        a["via_names"] = [{"id": v, "name": names.get(v, v)} for v in a["via"]]
    return {
        "entity": {**entity, "members": ids, "merged": merged},
        "mentions": {"total": mention_total},
        "documents": {**page_info(doc_total, page, per_page), "items": mentioned},
        "asserted_documents": {"total": asserted_total, "items": asserted},
        "claims_by": {"total": len(claims_by) if len(claims_by) < cap else _count_claims(
            ledger, ClaimRow.asserter_id.in_(ids)), "items": claims_by},
        "claims_about": {"total": len(claims_about) if len(claims_about) < cap else _count_claims(
            ledger, json_list_has(ClaimRow.about, ids)), "items": claims_about},
        "attributions": {"total": att_total, "items": attributions},
        "figures": {"total": fig_total, "items": figures},
        "relations": {"total": rel_total, "items": relations_views(ledger, rels, canon, review_map)},
        "cap": cap,
    }


def _claims(s: Any, cond: Any, canon: dict[str, str], cap: int) -> list[dict[str, Any]]:
    return rows_with_document(s, ClaimRow, claim_row, canon, cond, (ClaimRow.checkworthy.desc(), ClaimRow.id), cap)


def _count_claims(ledger: Ledger, cond: Any) -> int:
    with ledger.session() as s:
        return s.scalar(select(func.count()).where(cond)) or 0


def entity_list(ledger: Ledger, *, page: int = 1, per_page: int = 100) -> dict[str, Any]:
    """Canonical entities, most mentioned first (merged ids' mentions included), one page of them."""
    canon = ledger.canonical_map()
    page = max(1, int(page))
    counts: dict[str, int] = {}
    with ledger.session() as s:
        for key, n in s.execute(select(MentionRow.entity_id, func.count()).group_by(MentionRow.entity_id)).tuples():
            counts[canon.get(key, key)] = counts.get(canon.get(key, key), 0) + n
        rows = [tuple(r) for r in s.execute(select(EntityRow.id, EntityRow.name, EntityRow.type)) if r[0] not in canon]
    rows.sort(key=lambda r: (-counts.get(r[0], 0), r[1].lower(), r[0]))
    chunk = rows[(page - 1) * per_page: page * per_page]
    return {**page_info(len(rows), page, per_page),
            "entities": [{"id": i, "name": n, "type": t, "mentions": counts.get(i, 0)} for i, n, t in chunk]}

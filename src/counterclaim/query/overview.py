"""The overview page, the document listing and search: SQL aggregates and limits only."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import func, select

from counterclaim.ledger.models import CorrectionRow, DocumentRow, EntityRow, RelationRow
from counterclaim.ledger.store import Ledger

LATEST = 20
PER_PAGE = 50


def _count(s: Any, model: Any, *where: Any) -> int:
    return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


def overview(ledger: Ledger) -> dict[str, Any]:
    """Counts per kind, the date range, documents per asserter / type / outlet and the latest documents."""
    from counterclaim.export.rows import contract_counts

    canon = ledger.canonical_map()
    table = contract_counts(ledger, canon)  # as the export and the ingest summary count
    counts = {"documents": table["document"], "entities": table["entity"], "claims": table["claim"],
              "figures": table["quantity"], "attributions": table["attribution"], "relations": table["relation"]}
    with ledger.session() as s:
        counts["disputes"] = _count(s, RelationRow, RelationRow.type.in_(("contradicts", "rebuts")))
        counts["corrections"] = _count(s, CorrectionRow)
        first, last = s.execute(select(func.min(DocumentRow.published), func.max(DocumentRow.published))
                                .where(DocumentRow.published.is_not(None))).one()
        per_asserter: dict[str | None, int] = {}
        for asserter, n in s.execute(select(DocumentRow.asserter_id, func.count()).group_by(DocumentRow.asserter_id)):
            key = canon.get(asserter, asserter) if asserter else None
            per_asserter[key] = per_asserter.get(key, 0) + n
        names = dict(s.execute(select(EntityRow.id, EntityRow.name)
                               .where(EntityRow.id.in_([k for k in per_asserter if k]))).tuples().all()) if per_asserter else {}
        asserters = sorted(({"id": k, "name": names.get(k, k) if k else None, "documents": n}
                            for k, n in per_asserter.items()),
                           key=lambda r: (r["id"] is None, -r["documents"], (r["name"] or "").lower()))
        doc_types = [{"doc_type": t, "documents": n} for t, n in s.execute(
            select(DocumentRow.doc_type, func.count().label("n")).group_by(DocumentRow.doc_type)
            .order_by(func.count().desc(), DocumentRow.doc_type))]
        outlets = [{"outlet": o, "documents": n} for o, n in s.execute(
            select(DocumentRow.outlet, func.count().label("n")).group_by(DocumentRow.outlet)
            .order_by(func.count().desc(), DocumentRow.outlet))]
        latest = _listing(s, canon, limit=LATEST, offset=0)
    from counterclaim.query.incidents import incidents_list

    incidents = incidents_list(ledger)
    return {"counts": counts, "published": {"first": first, "last": last}, "asserters": asserters,
            "doc_types": doc_types, "outlets": outlets, "latest": latest,
            "incidents": {"total": incidents["total"], "top": incidents["incidents"][:LATEST]}}


def _listing(s: Any, canon: dict[str, str], *, limit: int, offset: int) -> list[dict[str, Any]]:
    """Documents newest first (undated last), with their asserter's name."""
    q = (select(DocumentRow.id, DocumentRow.title, DocumentRow.published, DocumentRow.doc_type,
                DocumentRow.outlet, DocumentRow.asserter_id, EntityRow.name)
         .outerjoin(EntityRow, EntityRow.id == DocumentRow.asserter_id)
         .order_by(DocumentRow.published.is_(None), DocumentRow.published.desc(), DocumentRow.ingested_at.desc(),
                   DocumentRow.id)
         .limit(limit).offset(offset))
    return [{"id": i, "title": title, "published": published, "doc_type": doc_type, "outlet": outlet,
             "asserter": canon.get(asserter, asserter) if asserter else None, "asserter_name": name}
            for i, title, published, doc_type, outlet, asserter, name in s.execute(q)]


def documents_page(ledger: Ledger, page: int = 1, per_page: int = PER_PAGE) -> dict[str, Any]:
    """One page of the document listing: ``{"page", "pages", "per_page", "total", "documents"}``."""
    per_page = max(1, min(int(per_page), 500))
    canon = ledger.canonical_map()
    with ledger.session() as s:
        total = _count(s, DocumentRow)
        pages = max(1, math.ceil(total / per_page))
        page = max(1, min(int(page), pages))
        docs = _listing(s, canon, limit=per_page, offset=(page - 1) * per_page)
    return {"page": page, "pages": pages, "per_page": per_page, "total": total, "documents": docs}


def search(ledger: Ledger, q: str, *, limit: int = 50) -> dict[str, Any]:
    """Full-text hits for ``q`` with their document's type and asserter; an empty query gives no hits.

    ``terms`` are the words searched and ``note`` says how the query was shortened (or None).
    """
    from counterclaim.ledger.search import parse_query

    q = (q or "").strip()
    parsed = parse_query(q)
    hits = ledger.search(parsed, limit=limit) if parsed.terms else []
    if hits:
        canon = ledger.canonical_map()
        with ledger.session() as s:
            rows = s.execute(select(DocumentRow.id, DocumentRow.doc_type, DocumentRow.asserter_id, EntityRow.name)
                             .outerjoin(EntityRow, EntityRow.id == DocumentRow.asserter_id)
                             .where(DocumentRow.id.in_([h["id"] for h in hits])))
            extra = {i: {"doc_type": t, "asserter": canon.get(a, a) if a else None, "asserter_name": n}
                     for i, t, a, n in rows}
        hits = [{**h, **extra.get(h["id"], {})} for h in hits]
    return {"q": q, "hits": hits, **parsed.as_dict()}

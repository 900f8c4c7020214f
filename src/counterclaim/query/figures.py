"""The figures board: every figure grouped by category and event, sources side by side.

One aggregate query lists the (category, event) groups with their sizes; one windowed query
(``ROW_NUMBER() OVER (PARTITION BY category, event)``) fetches at most ``cap`` figures per
group; one more fetches the ``figure_consistent`` / ``figure_mismatch`` relations of the
figures shown. Events merged into another are shown under the canonical one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select

from counterclaim import corrections as corr
from counterclaim.errors import UsageError
from counterclaim.export.rows import resolve_ids, quantity_row
from counterclaim.ledger.models import ClaimRow, DocumentRow, QuantityRow, RelationRow
from counterclaim.ledger.store import Ledger
from counterclaim.query.claims import annotate, describe_items, members_of, names_of
from counterclaim.records import CATEGORIES, describe_figure

CAP = 200  # figures per group once a category is chosen
OVERVIEW_CAP = 50  # … on the overview of every category
NO_EVENT = "none"  # the ?event= value for figures tied to no event
FIGURE_RELATIONS = ("figure_consistent", "figure_mismatch")


LINKS_PER_FIGURE = 5  # a figure copied by many outlets would otherwise list them all


def _category_order(category: str) -> tuple[int, str]:
    return (CATEGORIES.index(category) if category in CATEGORIES else len(CATEGORIES), category)


def figures_board(ledger: Ledger, *, category: str | None = None, event: str | None = None, page: int = 1,
                  cap: int | None = None) -> dict[str, Any]:
    """Figures per (category, event) group, at most ``cap`` per group (``page`` pages through each group).

    ``cap`` defaults to 200 when a category is chosen and to 50 on the overview of all categories.

    Args:
        category: only this category (one of :data:`counterclaim.records.CATEGORIES`).
        event: only this event (an entity id, merged ids included), or ``"none"`` for figures tied to no event.
        page: 1-based page of ``cap`` figures within every group.

    Returns:
        ``{"filters", "categories", "events", "groups": [{"category", "event", "event_name", "total",
        "figures": [...], "sources": [...], "more"}]}``; each figure is a contract quantity row plus its
        document's title/date, its ``source`` (the document's asserter), ``claim_asserter`` and
        ``links`` (figure relations: type, score, evidence, the other figure).

    Raises:
        UsageError: E001 for an unknown category.
    """
    category, event = (category or "").strip() or None, (event or "").strip() or None
    if category and category not in CATEGORIES:
        raise UsageError(f"category {category[:40]!r} is not one of: {', '.join(CATEGORIES)}")
    page = max(1, int(page))
    cap = cap or (CAP if category else OVERVIEW_CAP)
    canon = ledger.canonical_map()
    cond = []
    if category:
        cond.append(QuantityRow.category == category)
    if event == NO_EVENT:
        cond.append(QuantityRow.event_id.is_(None))
    elif event:
        event = canon.get(event, event)
        cond.append(QuantityRow.event_id.in_(members_of(canon, event)))

    with ledger.session() as s:
        # Every group (for the filter menus), then the groups the filters keep.
        all_groups = s.execute(select(QuantityRow.category, QuantityRow.event_id, func.count())
                               .group_by(QuantityRow.category, QuantityRow.event_id)).all()
        sizes: dict[tuple[str, str | None], int] = {}
        for cat, ev, n in all_groups:
            key = (cat, canon.get(ev, ev) if ev else None)
            sizes[key] = sizes.get(key, 0) + n

        rank = func.row_number().over(
            partition_by=(QuantityRow.category, QuantityRow.event_id),
            order_by=(DocumentRow.published, QuantityRow.doc_id, QuantityRow.start)).label("rank")
        inner = (select(QuantityRow.id.label("qid"), rank)
                 .join(DocumentRow, DocumentRow.id == QuantityRow.doc_id).where(*cond).subquery())
        lo = (page - 1) * cap
        found = s.execute(
            select(QuantityRow, DocumentRow.title, DocumentRow.published, DocumentRow.asserter_id,
                   ClaimRow.asserter_id)
            .join(inner, inner.c.qid == QuantityRow.id)
            .join(DocumentRow, DocumentRow.id == QuantityRow.doc_id)
            .outerjoin(ClaimRow, ClaimRow.id == QuantityRow.claim_id)
            .where(inner.c.rank > lo, inner.c.rank <= lo + cap)
            .order_by(QuantityRow.category, QuantityRow.event_id, inner.c.rank)).all()
        figures: list[dict[str, Any]] = []
        for qrow, title, published, doc_asserter, claim_asserter in found:
            row = resolve_ids(quantity_row(qrow), canon)
            source = canon.get(doc_asserter, doc_asserter) if doc_asserter else None
            claimer = canon.get(claim_asserter, claim_asserter) if claim_asserter else None
            row.update(doc_title=title, published=published, source=source, stored_category=qrow.category,
                       claim_asserter=claimer if claimer != source else None)
            figures.append(row)

        shown = sorted(f["id"] for f in figures)
        rels: list[RelationRow] = []
        for i in range(0, len(shown), 400):
            chunk = shown[i:i + 400]
            rels.extend(s.scalars(select(RelationRow).where(RelationRow.type.in_(FIGURE_RELATIONS))
                                  .where(or_(RelationRow.a.in_(chunk), RelationRow.b.in_(chunk)))))
        event_ids = {ev for _, ev in sizes if ev}
        names = names_of(s, {f["source"] for f in figures if f["source"]}
                         | {f["claim_asserter"] for f in figures if f["claim_asserter"]} | event_ids)

    figures = annotate(figures, corr.review_map(ledger))
    for f in figures:
        f["source_name"] = names.get(f["source"]) if f["source"] else None
        f["claim_asserter_name"] = names.get(f["claim_asserter"]) if f["claim_asserter"] else None
    _attach_links(ledger, figures, {r.id: r for r in rels}.values(), canon)

    groups: dict[tuple[str, str | None], dict[str, Any]] = {}
    for f in figures:
        # Grouped under the stored category (an analyst's fix shows on the row itself).
        key = (f["stored_category"], f["event"])
        g = groups.get(key)
        if g is None:
            g = groups[key] = {"category": key[0], "event": key[1], "event_name": names.get(key[1] or "", key[1]),
                               "total": sizes.get(key, 0), "figures": []}
        g["figures"].append(f)
    for g in groups.values():
        g["sources"] = _sources(g["figures"])
        g["dated"] = sum(1 for f in g["figures"] if f["published"])
        g["more"] = g["total"] > lo + len(g["figures"])
    ordered = sorted(groups.values(), key=lambda g: (_category_order(g["category"]), g["event"] is not None,
                                                     g["event_name"] or ""))
    categories: dict[str, int] = {}
    for (cat, _), n in sizes.items():
        categories[cat] = categories.get(cat, 0) + n
    events: dict[str, int] = {}
    for (_, ev), n in sizes.items():
        if ev:
            events[ev] = events.get(ev, 0) + n
    return {
        "filters": {"category": category, "event": event},
        "page": page,
        "cap": cap,
        "total": sum(n for (cat, ev), n in sizes.items() if _keeps(cat, ev, category, event)),
        "categories": [{"category": c, "figures": categories[c]} for c in sorted(categories, key=_category_order)],
        "events": sorted(({"id": e, "name": names.get(e, e), "figures": n} for e, n in events.items()),
                         key=lambda e: e["name"]),
        "groups": ordered,
    }


def _keeps(cat: str, ev: str | None, category: str | None, event: str | None) -> bool:
    if category and cat != category:
        return False
    if event == NO_EVENT:
        return ev is None
    return not event or ev == event


def _sources(figures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each source of a group with its figures' values, in order of first appearance."""
    out: dict[str | None, dict[str, Any]] = {}
    for f in figures:
        s = out.setdefault(f["source"], {"id": f["source"], "name": f["source_name"] or "unattributed",
                                         "figures": []})
        s["figures"].append({"id": f["id"], "text": f["text"], "value": f["value"], "published": f["published"],
                             "stated": describe_figure(f)})
    return list(out.values())


def _attach_links(ledger: Ledger, figures: list[dict[str, Any]], rels: Any, canon: dict[str, str],
                  per_figure: int = LINKS_PER_FIGURE) -> None:
    """Give each figure its best-scored figure relations (``links``, at most ``per_figure``, the other figure
    described) and their number (``links_total``)."""
    by_id = {f["id"]: f for f in figures}
    picked: dict[str, list[tuple[Any, str]]] = {f["id"]: [] for f in figures}
    totals: dict[str, int] = dict.fromkeys(by_id, 0)
    for r in sorted(rels, key=lambda r: (-r.score, r.id)):
        for mine, other in ((r.a, r.b), (r.b, r.a)):
            if mine in by_id:
                totals[mine] += 1
                if len(picked[mine]) < per_figure:
                    picked[mine].append((r, other))
    needed = {other for pairs in picked.values() for _r, other in pairs} - set(by_id)
    others = describe_items(ledger, needed, canon) if needed else {}
    for f in figures:
        f["links"], f["links_total"] = [], totals[f["id"]]
        for r, other in picked[f["id"]]:
            o = by_id.get(other)
            desc = ({"id": o["id"], "text": o["text"], "stated": describe_figure(o), "value": o["value"],
                     "approx": o["approx"],
                     "category": o["category"], "doc": o["doc"], "published": o["published"],
                     "source": o["source"], "source_name": o["source_name"]} if o else
                    {"id": other, "text": others[other]["text"], "value": None, "approx": None,
                     "category": others[other].get("category"), "doc": others[other]["doc"],
                     "published": others[other]["published"], "source": others[other]["asserter"],
                     "source_name": others[other]["asserter_name"]})
            f["links"].append({"id": r.id, "type": r.type, "score": round(r.score, 3),
                               "evidence": r.evidence, "other": desc})


def value_label(f: dict[str, Any]) -> str:
    """The figure as its source wrote it: '613', 'nearly 4,000', 'between 30 and 40', 'hundreds'."""
    return describe_figure(f)

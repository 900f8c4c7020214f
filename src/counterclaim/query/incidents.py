"""The incident pages: the list of incidents and one incident with every side's account.

An incident is an ``EVENT`` entity the linker derived (``counterclaim.link.incidents``); its
``attrs`` list its documents, claims and figures. One incident page shows the parties' claims
side by side, each source's figures over time (parts marked, vague amounts in their words), the
contradictions and denials, the rebuttals and the documents.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import or_, select

from counterclaim.errors import LedgerError
from counterclaim.export.rows import claim_row, count_value, quantity_row
from counterclaim.ledger.models import ClaimRow, DocumentRow, EntityRow, QuantityRow, RelationRow
from counterclaim.ledger.store import INCIDENT_PREFIX, Ledger
from counterclaim.query.claims import names_of, relations_views
from counterclaim.records import CATEGORIES

PAIR_TYPES = ("contradicts", "rebuts", "figure_consistent", "figure_mismatch", "figure_revision")
MAX_RELATIONS = 200  # per type on one page


def _incident_rows(s: Any) -> list[EntityRow]:
    return list(s.scalars(select(EntityRow).where(EntityRow.id.startswith(INCIDENT_PREFIX))
                          .where(EntityRow.attrs.is_not(None)).order_by(EntityRow.id)))


def _summary(e: EntityRow, names: dict[str, str]) -> dict[str, Any]:
    a = e.attrs or {}
    return {"id": e.id, "name": e.name, "incident_type": a.get("incident_type"), "place": a.get("place"),
            "place_name": names.get(a.get("place") or "", a.get("place")), "date": a.get("date"),
            "date_window": a.get("date_window"), "documents": len(a.get("documents") or ()),
            "claims": len(a.get("claims") or ()), "figures": len(a.get("quantities") or ()),
            "passing_mention": bool(a.get("passing_mention"))}


def incidents_list(ledger: Ledger) -> dict[str, Any]:
    """Every incident, those reported by most documents first (passing mentions last)."""
    with ledger.session() as s:
        rows = _incident_rows(s)
        names = names_of(s, {(e.attrs or {}).get("place") for e in rows} - {None})
        items = [_summary(e, names) for e in rows]
    items.sort(key=lambda i: (i["passing_mention"], -i["documents"], -(i["claims"] + i["figures"]), i["id"]))
    return {"total": len(items), "incidents": items}


def incidents_of_document(ledger: Ledger, doc_id: str) -> list[dict[str, Any]]:
    """The incidents a document reports on (its main incident first, then passing mentions)."""
    out = []
    with ledger.session() as s:
        for e in _incident_rows(s):
            if doc_id in ((e.attrs or {}).get("documents") or ()):
                out.append({"id": e.id, "name": e.name, "passing_mention": bool((e.attrs or {}).get("passing_mention"))})
    return sorted(out, key=lambda i: (i["passing_mention"], i["id"]))


def incident_page(ledger: Ledger, incident_id: str) -> dict[str, Any]:
    """One incident: facts, parties' claims side by side, figures per category and source, relations, documents.

    Raises:
        LedgerError: E203 when there is no such incident.
    """
    from counterclaim.web.svg import figure_chart

    canon = ledger.canonical_map()
    with ledger.session() as s:
        e = s.get(EntityRow, incident_id)
        if e is None or not (e.attrs or {}).get("incident_type"):
            raise LedgerError(f"no incident {incident_id!r}", code="E203")
        attrs = dict(e.attrs or {})
        doc_ids = list(attrs.get("documents") or ())
        docs = {d.id: d for d in s.scalars(select(DocumentRow).where(DocumentRow.id.in_(doc_ids)))}
        claims = [claim_row(c) for c in s.scalars(select(ClaimRow).where(ClaimRow.id.in_(attrs.get("claims") or [])))]
        qtys = [quantity_row(q) for q in s.scalars(select(QuantityRow).where(QuantityRow.id.in_(attrs.get("quantities") or [])))]
        item_ids = sorted({*doc_ids, *(c["id"] for c in claims), *(q["id"] for q in qtys)})
        rels: list[RelationRow] = []
        for i in range(0, len(item_ids), 400):
            chunk = item_ids[i:i + 400]
            rels += s.scalars(select(RelationRow).where(RelationRow.type.in_(PAIR_TYPES))
                              .where(or_(RelationRow.a.in_(chunk), RelationRow.b.in_(chunk))))
        ids = {attrs.get("place"), *(attrs.get("parties") or ()), *(d.asserter_id for d in docs.values()),
               *(c["asserter"] for c in claims)} - {None}
        names = names_of(s, {canon.get(i, i) for i in ids} | ids)
    parent_of = {q["id"]: q for q in qtys}

    def who(eid: str | None) -> dict[str, Any]:
        key = canon.get(eid, eid) if eid else None
        return {"id": key, "name": names.get(key or "", key) if key else None}

    def doc_info(doc_id: str) -> dict[str, Any]:
        d = docs.get(doc_id)
        return {"id": doc_id, "title": d.title if d else doc_id, "published": d.published if d else None,
                "doc_type": d.doc_type if d else None, **{"asserter": who(d.asserter_id if d else None)}}

    sides: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for c in sorted(claims, key=lambda c: (docs[c["doc"]].published or "9999", c["doc"], c["start"])):
        party = who(c["asserter"] or (docs[c["doc"]].asserter_id if c["doc"] in docs else None))
        sides[party["id"]].append({**c, "party": party, "document": doc_info(c["doc"])})
    parties = sorted(sides, key=lambda p: (p is None, -len(sides[p]), names.get(p or "", "")))
    figures: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for q in sorted(qtys, key=lambda q: (docs[q["doc"]].published or "9999", q["doc"], q["start"])):
        src = who(docs[q["doc"]].asserter_id if q["doc"] in docs else None)
        parent = parent_of.get(q["parent"] or "")
        figures[q["category"]].append({
            **q, "source": src["id"], "source_name": src["name"], "published": docs[q["doc"]].published,
            "document": doc_info(q["doc"]), "part_of": parent["text"] if parent else None,
            "in_words": not any(ch.isdigit() for ch in q["text"]),  # 'dozens', 'nine': the text's own words
            "value": count_value(q["value"])})
    order = {c: i for i, c in enumerate(CATEGORIES)}
    groups = []
    for cat in sorted(figures, key=lambda c: (order.get(c, len(order)), c)):
        top = [f for f in figures[cat] if not f["part_of"]]
        chart = figure_chart(top, title=f"{cat}: each source's figures over time") if cat != "other" else None
        groups.append({"category": cat, "figures": figures[cat], "chart": chart})
    views = relations_views(ledger, sorted(rels, key=lambda r: (r.type, -r.score, r.id)), canon)
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for v in views:
        if len(by_type[v["type"]]) < MAX_RELATIONS:
            by_type[v["type"]].append(v)
    incident = {"id": e.id, "name": e.name, **attrs, "place_name": names.get(attrs.get("place") or ""),
                "party_names": [who(p) for p in attrs.get("parties") or ()]}
    for key in ("claims", "quantities"):
        incident.pop(key, None)
    return {
        "incident": incident,
        "sides": [{"party": who(p) if p else {"id": None, "name": None}, "claims": sides[p]} for p in parties],
        "figure_groups": groups,
        "contradictions": by_type.get("contradicts", []),
        "rebuttals": by_type.get("rebuts", []),
        "figure_links": by_type.get("figure_consistent", []) + by_type.get("figure_mismatch", [])
        + by_type.get("figure_revision", []),
        "documents": sorted((doc_info(d) for d in doc_ids), key=lambda d: (d["published"] or "9999", d["id"])),
    }

"""The document page: one document's text with every item placed in it, its side panel and its relations.

:func:`segments` is the pure part: it turns a text and possibly overlapping item spans into a tree
of nested segments (a figure inside a claim inside an attribution's content), splitting items that
cross one another so that every character of the text appears exactly once, in order.
:func:`document_page` gathers everything the page shows (and its JSON twin returns).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from counterclaim import corrections as corr
from counterclaim.errors import LedgerError
from counterclaim.extract.techniques.lexicon import lexicon
from counterclaim.ledger.models import RelationRow
from counterclaim.ledger.store import Ledger
from counterclaim.query.claims import describe_items, topic_of
from counterclaim.records import CATEGORIES, CLAIM_TYPES
from counterclaim.records import RELATION_TYPES as ALL_RELATION_TYPES

# Outermost first when two items cover the same characters.
KIND_RANK = {"attribution": 0, "claim": 1, "technique": 2, "mention": 3, "quantity": 4}
# What other documents say: every relation type but same_entity (entities have their own page).
RELATION_TYPES = tuple(t for t in ALL_RELATION_TYPES if t != "same_entity")
_CHUNK = 400


@dataclass(frozen=True)
class Span:
    """An item's place in the text: ``[start, end)``, its ``kind`` and ``id``."""

    start: int
    end: int
    kind: str
    id: str


Segment = str | dict[str, Any]  # text, or {"kind", "id", "part", "children": [Segment, ...]}


def _order(s: Span) -> tuple[int, int, int, str]:
    return (s.start, -s.end, KIND_RANK.get(s.kind, 9), s.id)


def segments(text: str, spans: Iterable[Span]) -> list[Segment]:
    """Nest ``spans`` over ``text``: a list of plain strings and item nodes, recursively.

    An item that starts inside another and ends after it is split at the outer item's end; the
    pieces carry ``part`` 0, 1, ... (only part 0 carries the item's explanation on the page).
    Spans are clipped to the text; empty ones are dropped. Joining the strings of the tree in
    order gives back ``text`` exactly.
    """
    n = len(text)
    clipped = [Span(max(0, min(s.start, n)), max(0, min(s.end, n)), s.kind, s.id) for s in spans]
    parts: dict[str, int] = {}
    return _build(text, 0, n, sorted((s for s in clipped if s.end > s.start), key=_order), parts)


def _build(text: str, lo: int, hi: int, spans: list[Span], parts: dict[str, int]) -> list[Segment]:
    """Segments of ``text[lo:hi]``; ``spans`` lie within ``[lo, hi)`` and are sorted by :func:`_order`."""
    out: list[Segment] = []
    pos = lo
    while spans:
        top, rest = spans[0], spans[1:]
        if top.start > pos:
            out.append(text[pos:top.start])
        inside: list[Span] = []
        after: list[Span] = []
        for s in rest:
            if s.start >= top.end:
                after.append(s)
            elif s.end <= top.end:
                inside.append(s)
            else:  # crosses the end of ``top``: split there
                inside.append(Span(s.start, top.end, s.kind, s.id))
                after.append(Span(top.end, s.end, s.kind, s.id))
        key = f"{top.kind}\0{top.id}"
        part = parts.get(key, 0)
        parts[key] = part + 1
        out.append({"kind": top.kind, "id": top.id, "part": part,
                    "children": _build(text, top.start, top.end, inside, parts)})
        pos = top.end
        spans = sorted(after, key=_order)
    if pos < hi:
        out.append(text[pos:hi])
    return out


def flatten(tree: Sequence[Segment]) -> str:
    """The text a segment tree covers (the inverse of :func:`segments`)."""
    return "".join(node if isinstance(node, str) else flatten(node["children"]) for node in tree)


def strength(checkworthy: float | None) -> str:
    """A check-worthiness band for the underline: low (< 0.4), mid (< 0.7) or high."""
    cw = checkworthy or 0.0
    return "high" if cw >= 0.7 else "mid" if cw >= 0.4 else "low"


def resolve_document(ledger: Ledger, key: str) -> str:
    """The id of the one document ``key`` names (id, ingest path or unique id prefix).

    Raises:
        LedgerError: E203 when no document, or more than one, matches.
    """
    hits = ledger.match_documents(key) if key else []
    if len(hits) != 1:
        raise LedgerError(f"{'no' if not hits else len(hits)} document(s) match {key!r}", code="E203")
    return hits[0]


def _status(row: dict[str, Any]) -> str | None:
    review = row.get("review")
    return review["status"] if review else None


def document_page(ledger: Ledger, key: str) -> dict[str, Any]:
    """Everything the document page shows, as plain data.

    Returns ``{"document", "entities", "figures", "attributions", "claims", "mentions", "techniques",
    "segments", "relations", "relations_cut", "disputes", "categories", "claim_types"}`` (``relations_cut``: the
    total of each relation type of which only the best-scored are listed); items carry their ``review`` (if any)
    and display helpers (``status``, entity names, ``strength``).

    Raises:
        LedgerError: E203 for an unknown (or ambiguous) document.
    """
    from counterclaim.export.rows import document_view
    from counterclaim.query.incidents import incidents_of_document

    doc_id = resolve_document(ledger, key)
    view = document_view(ledger, doc_id, corrections="annotate")
    if view is None:  # deleted between the two queries
        raise LedgerError(f"no document {key!r}", code="E203")
    names = {e["id"]: e["name"] for e in view["entity"]}
    doc = dict(view["document"])
    doc["asserter_name"] = names.get(doc["asserter"]) if doc["asserter"] else None
    doc["url_is_web"] = bool(doc.get("url")) and str(doc["url"]).lower().startswith(("http://", "https://"))
    doc.pop("why", None)

    def name(eid: str | None) -> str | None:
        return None if eid is None else names.get(eid, eid)

    figures = [{"review": None, **q, "status": _status(q)} for q in view["quantity"]]
    attributions = [{"review": None, **a, "status": _status(a), "speaker_name": name(a["speaker"]),
                     "via_names": [name(v) for v in a["via"]]} for a in view["attribution"]]
    claims = [{"review": None, **c, "status": _status(c), "asserter_name": name(c["asserter"]), "strength": strength(c["checkworthy"]),
               "about_names": [name(x) for x in c["about"]]} for c in view["claim"]]
    mentions = [{**m, "status": None, "entity_name": name(m["entity"])} for m in view["mention"]]
    techniques = [{"review": None, **t, "status": _status(t), "speaker_name": name(t["speaker"])}
                  for t in view.get("technique", [])]
    spans = [Span(q["start"], q["end"], "quantity", q["id"]) for q in figures]
    spans += [Span(a["content"]["start"], a["content"]["end"], "attribution", a["id"]) for a in attributions]
    spans += [Span(c["start"], c["end"], "claim", c["id"]) for c in claims]
    spans += [Span(t["start"], t["end"], "technique", t["id"]) for t in techniques]
    spans += [Span(m["start"], m["end"], "mention", m["id"]) for m in mentions]
    item_ids = [doc_id, *(q["id"] for q in figures), *(a["id"] for a in attributions), *(c["id"] for c in claims)]
    texts = {q["id"]: q["text"] for q in figures} | {c["id"]: c["text"] for c in claims}
    texts |= {a["id"]: a["content"]["text"] for a in attributions} | {doc_id: doc["title"] or doc_id}
    rejected = {i["id"] for i in [*figures, *attributions, *claims] if i["status"] == "rejected"}
    totals: dict[str, int] = {}
    relations = related(ledger, doc_id, item_ids, texts, rejected, totals=totals)
    shown: dict[str, int] = {}
    for r in relations:
        shown[r["type"]] = shown.get(r["type"], 0) + 1
    return {
        "document": doc,
        "entities": sorted(view["entity"], key=lambda e: (e["name"].lower(), e["id"])),
        "figures": figures,
        "attributions": attributions,
        "claims": claims,
        "mentions": mentions,
        "techniques": techniques,
        "segments": segments(doc["text"], spans),
        "relations": relations,
        "relations_cut": {t: n for t, n in totals.items() if n > shown.get(t, 0)},
        # Contradictions and rebuttals touching this document, for the banner at the top of its page.
        "disputes": {t: totals.get(t, 0) for t in ("contradicts", "rebuts")},
        "categories": list(CATEGORIES),
        "claim_types": list(CLAIM_TYPES),
        "incidents": incidents_of_document(ledger, doc_id),
        "technique_labels": list(lexicon().labels),
    }


def related(ledger: Ledger, doc_id: str, item_ids: Sequence[str], texts: dict[str, str],
            rejected: Set[str] = frozenset(), *, per_type: int = 25,
            totals: dict[str, int] | None = None) -> list[dict[str, Any]]:
    """Relations touching the document or its items, each with the other side described.

    Only the ``per_type`` best-scored relations of each type are described (a statement copied by
    hundreds of outlets would otherwise list them all); ``totals``, if given, receives the count
    of each type before that cut.

    Every row: ``{"id", "type", "score", "evidence", "review", "this_first", "this": {"kind", "id", "text"},
    "other": {"kind", "id", "text", "doc", "title", "published", "asserter", "asserter_name"}}``;
    ``other["doc"]`` is None for an entity (a work outside the ledger).
    """
    ids = list(dict.fromkeys(item_ids))
    rels: dict[str, RelationRow] = {}
    with ledger.session() as s:
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i:i + _CHUNK]
            q = (select(RelationRow).where(RelationRow.type.in_(RELATION_TYPES))
                 .where(RelationRow.a.in_(chunk) | RelationRow.b.in_(chunk)))
            for r in s.scalars(q):
                rels[r.id] = r
        mine = set(ids)
        ranked = sorted(rels.values(), key=lambda r: (RELATION_TYPES.index(r.type), -r.score, r.id))
        kept: list[RelationRow] = []
        seen: dict[str, int] = {}
        for r in ranked:
            seen[r.type] = seen.get(r.type, 0) + 1
            if seen[r.type] <= per_type:
                kept.append(r)
        if totals is not None:
            totals.update(seen)
        rels = {r.id: r for r in kept}
        pairs = [(r, r.a, r.b) if r.a in mine else (r, r.b, r.a) for r in kept]
    others = {k: {**v, "title": v["doc_title"]}
              for k, v in describe_items(ledger, {o for _r, _t, o in pairs}).items()}
    reviews = corr.reviews(ledger.corrections(kinds=("relation",), item_ids=set(rels))) if rels else {}
    out = []
    for r, this, other in pairs:
        review = reviews.get(("relation", r.id))
        if this in rejected and (review is None or review.status != "rejected"):
            review = corr.Review(status="rejected", by="", at="")
        out.append({"id": r.id, "type": r.type, "score": round(r.score, 3), "evidence": r.evidence,
                    "topic": topic_of(r.evidence),
                    "review": review.as_dict() if review else None,
                    "status": review.status if review else None,
                    "this": {"kind": _kind_of(this, doc_id), "id": this, "text": texts.get(this, this)},
                    "this_first": this == r.a,  # for rebuts: True when this document does the rebutting
                    "other": others[other]})
    return out  # in the order of ``kept``: type, then best score first


def _kind_of(item_id: str, doc_id: str) -> str:
    if item_id == doc_id:
        return "document"
    tail = item_id.rsplit(":", 1)[-1][:1]
    return {"c": "claim", "q": "quantity", "a": "attribution"}.get(tail, "item")

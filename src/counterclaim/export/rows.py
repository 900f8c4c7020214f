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
)
from counterclaim.ledger.store import Ledger

SCHEMA = 1
KINDS = ("document", "entity", "mention", "attribution", "claim", "quantity")
PLURALS = {"document": "documents", "entity": "entities", "mention": "mentions", "attribution": "attributions",
           "claim": "claims", "quantity": "quantities"}
FIELDS: dict[str, tuple[str, ...]] = {
    "document": ("id", "path", "sha256", "text", "title", "published", "dateline", "outlet", "doc_type",
                 "asserter", "language", "url", "analyzed", "analyzer", "why"),
    "entity": ("id", "name", "type", "aliases", "roles"),
    "mention": ("id", "doc", "start", "end", "text", "entity", "mention_kind", "rule"),
    "attribution": ("id", "doc", "speaker", "speaker_span", "cue", "content", "direct", "via", "rule"),
    "claim": ("id", "doc", "start", "end", "text", "asserter", "claim_type", "polarity", "checkworthy", "about",
              "attribution", "rule"),
    "quantity": ("id", "doc", "start", "end", "text", "value", "low", "high", "approx", "counted", "category",
                 "subgroup", "parent", "claim", "event", "rule"),
}


def _num(x: float | None) -> float | int | None:
    """A count as an int when it is whole (613, not 613.0)."""
    return int(x) if x is not None and float(x).is_integer() and abs(x) < 2**53 else x


def _span(start: int | None, end: int | None, text: str | None) -> dict[str, Any] | None:
    return None if start is None or end is None else {"start": start, "end": end, "text": text}


def iter_rows(ledger: Ledger) -> Iterator[dict[str, Any]]:
    """Yield every contract row of the ledger, meta line first."""
    counts = ledger.counts()
    yield {"kind": "meta", "schema": SCHEMA, "generator": f"counterclaim {__version__}",
           "counts": {k: counts[PLURALS[k]] for k in KINDS}}
    with ledger.session() as s:
        for d in s.scalars(select(DocumentRow).order_by(DocumentRow.id)).yield_per(200):
            yield {
                "kind": "document", "id": d.id, "path": d.path, "sha256": d.sha256, "text": d.text,
                "title": d.title, "published": d.published, "dateline": d.dateline, "outlet": d.outlet,
                "doc_type": d.doc_type, "asserter": d.asserter_id, "language": d.language, "url": d.url,
                "analyzed": d.analyzed, "analyzer": d.analyzer, "why": d.why or {},
            }
        names: dict[str, set[str]] = defaultdict(set)
        roles: dict[str, set[str]] = defaultdict(set)
        for a in s.scalars(select(AliasRow)):
            (roles if a.kind == "role" else names)[a.entity_id].add(a.alias)
        for e in s.scalars(select(EntityRow).order_by(EntityRow.id)):
            yield {"kind": "entity", "id": e.id, "name": e.name, "type": e.type,
                   "aliases": sorted(names[e.id] | {e.name}), "roles": sorted(roles[e.id])}
        for m in s.scalars(select(MentionRow).order_by(MentionRow.doc_id, MentionRow.start, MentionRow.end,
                                                      MentionRow.id)).yield_per(1000):
            yield {"kind": "mention", "id": m.id, "doc": m.doc_id, "start": m.start, "end": m.end,
                   "text": m.text, "entity": m.entity_id, "mention_kind": m.kind, "rule": m.rule}
        for a in s.scalars(select(AttributionRow).order_by(AttributionRow.doc_id, AttributionRow.content_start,
                                                           AttributionRow.id)).yield_per(1000):
            yield {"kind": "attribution", "id": a.id, "doc": a.doc_id, "speaker": a.speaker_id,
                   "speaker_span": _span(a.speaker_start, a.speaker_end, a.speaker_text),
                   "cue": _span(a.cue_start, a.cue_end, a.cue_text),
                   "content": _span(a.content_start, a.content_end, a.content_text),
                   "direct": a.direct, "via": list(a.via or []), "rule": a.rule}
        for c in s.scalars(select(ClaimRow).order_by(ClaimRow.doc_id, ClaimRow.start, ClaimRow.id)).yield_per(1000):
            yield {"kind": "claim", "id": c.id, "doc": c.doc_id, "start": c.start, "end": c.end, "text": c.text,
                   "asserter": c.asserter_id, "claim_type": c.claim_type, "polarity": c.polarity,
                   "checkworthy": round(c.checkworthy, 3), "about": list(c.about or []),
                   "attribution": c.attribution_id, "rule": c.rule}
        for q in s.scalars(select(QuantityRow).order_by(QuantityRow.doc_id, QuantityRow.start,
                                                        QuantityRow.id)).yield_per(1000):
            yield {"kind": "quantity", "id": q.id, "doc": q.doc_id, "start": q.start, "end": q.end, "text": q.text,
                   "value": _num(q.value), "low": _num(q.low), "high": _num(q.high), "approx": q.approx,
                   "counted": q.counted, "category": q.category, "subgroup": q.subgroup, "parent": q.parent_id,
                   "claim": q.claim_id, "event": q.event_id, "rule": q.rule}

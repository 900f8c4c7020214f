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
from counterclaim.ledger.models import AliasRow, DocumentRow, EntityRow, MentionRow
from counterclaim.ledger.store import Ledger

SCHEMA = 1
KINDS = ("document", "entity", "mention")
PLURALS = {"document": "documents", "entity": "entities", "mention": "mentions"}
FIELDS: dict[str, tuple[str, ...]] = {
    "document": ("id", "path", "sha256", "text", "title", "published", "dateline", "outlet", "doc_type",
                 "asserter", "language", "url", "analyzed", "analyzer", "why"),
    "entity": ("id", "name", "type", "aliases", "roles"),
    "mention": ("id", "doc", "start", "end", "text", "entity", "mention_kind", "rule"),
}


def iter_rows(ledger: Ledger) -> Iterator[dict[str, Any]]:
    """Yield every contract row of the ledger, meta line first."""
    counts = ledger.counts()
    yield {"kind": "meta", "schema": SCHEMA, "generator": f"counterclaim {__version__}",
           "counts": {"document": counts["documents"], "entity": counts["entities"], "mention": counts["mentions"]}}
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

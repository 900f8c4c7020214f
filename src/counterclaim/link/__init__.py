"""Cross-document linking: reads the ledger's contract rows, returns entity merges and relations.

:func:`link_rows` is pure (rows in, records out); :func:`counterclaim.api.link`
reads the ledger, calls it and writes the result. With ``new_docs`` only pairs
touching those documents are considered (incremental ingest); without it,
everything is rebuilt and the result must be the same as after any sequence of
incremental links.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from counterclaim.records import EntityLink, RelationRecord


def link_rows(rows: Iterable[dict[str, Any]], new_docs: set[str] | None = None
              ) -> tuple[list[EntityLink], list[RelationRecord]]:
    """Entity merges and relations for a ledger given as contract rows (merged ids not resolved)."""
    from counterclaim.link.entities import resolve_entities
    from counterclaim.link.relations import relate

    rows = list(rows)
    links, entity_relations = resolve_entities(rows, new_docs=new_docs)
    canon = {link.entity: link.canonical for link in links}
    return links, entity_relations + relate(rows, canon, new_docs=new_docs)

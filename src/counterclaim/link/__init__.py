"""Cross-document linking: reads the ledger's contract rows, returns entity merges and relations.

:func:`link_rows` is pure (rows in, records out); :func:`counterclaim.api.link`
reads the ledger, calls it and writes the result. With ``new_docs`` only pairs
touching those documents are considered (incremental ingest); without it,
everything is rebuilt and the result must be the same as after any sequence of
incremental links.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from counterclaim.records import EntityLink, RelationRecord


@dataclass
class LinkResult:
    """Everything one linking run found (see :func:`link_all`)."""

    links: list[EntityLink]
    relations: list[RelationRecord]
    incidents: list[Any] = field(default_factory=list)
    works: list[Any] = field(default_factory=list)
    stale_docs: set[str] = field(default_factory=set)


def link_all(rows: Iterable[dict[str, Any]], new_docs: set[str] | None = None) -> LinkResult:
    """Entity merges, relations, incidents and answered works for a ledger given as contract rows.

    With ``new_docs``, relations are recomputed for every document of the incidents those
    documents touch (``LinkResult.stale_docs``), so that what an incremental run stores equals
    what a full rebuild stores.
    """
    from counterclaim.link.entities import resolve_entities
    from counterclaim.link.relations import link_relations
    from counterclaim.link.surnames import incident_surnames

    rows = [r for r in rows if not _derived(r)]
    links, entity_relations = resolve_entities(rows, new_docs=new_docs)
    canon = {link.entity: link.canonical for link in links}
    if new_docs is not None:  # the whole ledger's merges, so that incidents see the same entities
        canon = {**{r["entity"]: r["canonical"] for r in rows if r.get("kind") == "entity_link"}, **canon}
    links, entity_relations = incident_surnames(rows, canon, links, entity_relations)
    canon.update({link.entity: link.canonical for link in links})
    stale: set[str] = set()
    if new_docs is not None:
        first = link_relations(rows, canon, set())
        touched = {first.assign[d] for d in new_docs if d in first.assign}
        stale = {d for i in first.incidents if i.id in touched for d in i.docs} | set(new_docs)
    found = link_relations(rows, canon, stale if new_docs is not None else None)
    return LinkResult(links, entity_relations + found.relations, found.incidents, found.works, stale)


def _derived(row: dict[str, Any]) -> bool:
    """An entity an earlier linking run made (an incident, an answered work): never input to linking."""
    return row.get("kind") == "entity" and ("incident_type" in row or "author" in row)


def link_rows(rows: Iterable[dict[str, Any]], new_docs: set[str] | None = None
              ) -> tuple[list[EntityLink], list[RelationRecord]]:
    """Entity merges and relations for a ledger given as contract rows (merged ids not resolved)."""
    from counterclaim.link.entities import resolve_entities
    from counterclaim.link.relations import relate

    rows = list(rows)
    links, entity_relations = resolve_entities(rows, new_docs=new_docs)
    canon = {link.entity: link.canonical for link in links}
    return links, entity_relations + relate(rows, canon, new_docs=new_docs)

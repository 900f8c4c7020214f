"""Cross-document relations between claims, documents and figures, stage by stage.

:func:`link_relations` reads contract rows and runs the stages in order: incidents
(:mod:`~counterclaim.link.incidents`), duplicates (:mod:`~counterclaim.link.duplicates`),
then within each incident figures (:mod:`~counterclaim.link.figures`) and contradictions
(:mod:`~counterclaim.link.contradictions`), and rebuttals (:mod:`~counterclaim.link.rebuttals`).
Candidates always come from blocks (incident, place key, category, duplicate key), never from
all pairs; with ``new_docs`` only relations touching those documents are returned. Every
relation says in ``evidence`` which words and which rule made it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from counterclaim.link.contradictions import contradiction_relations
from counterclaim.link.corpus import Corpus, counted_group, terms_in
from counterclaim.link.duplicates import duplicate_claims, duplicate_relations, paraphrase_relations
from counterclaim.link.figures import duplicate_figures, duplicate_record, figure_relations, interval
from counterclaim.link.incidents import Incident, build_incidents
from counterclaim.link.rebuttals import Work, rebuttal_relations
from counterclaim.records import RelationRecord

__all__ = ["LinkedRelations", "counted_group", "interval", "link_relations", "relate", "terms_in"]
_counted_group = counted_group  # the name the tests knew


@dataclass
class LinkedRelations:
    """What the relation stages found: relations, incidents and answered works outside the ledger."""

    relations: list[RelationRecord] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    works: list[Work] = field(default_factory=list)
    assign: dict[str, str] = field(default_factory=dict)


def link_relations(rows: list[dict[str, Any]], canon: dict[str, str], new_docs: set[str] | None = None
                   ) -> LinkedRelations:
    """Incidents, works and relations for ``rows`` (merged entity ids mapped through ``canon``)."""
    corpus = Corpus(list(rows), canon)
    incidents, assign = build_incidents(corpus)
    parties = {i.id: set(i.parties) for i in incidents}
    claim_reps = duplicate_claims(corpus)
    qty_reps = duplicate_figures(corpus)
    rebuts, works = rebuttal_relations(corpus, assign, parties, new_docs)
    found = (duplicate_relations(corpus, claim_reps, new_docs)
             + paraphrase_relations(corpus, assign, claim_reps, new_docs)
             + contradiction_relations(corpus, assign, new_docs, claim_reps)
             + figure_relations(corpus, assign, new_docs, qty_reps)
             + rebuts)
    for copy, rep in sorted(qty_reps.items()):
        qa, qb = corpus.qty_by_id[rep], corpus.qty_by_id[copy]
        if new_docs is None or qa.doc in new_docs or qb.doc in new_docs:
            found.append(duplicate_record(rep, copy))
    unique: dict[tuple[str, str, str], RelationRecord] = {}
    for r in found:
        key = (r.type, r.a, r.b)
        if key not in unique or r.score > unique[key].score:
            unique[key] = r
    return LinkedRelations([unique[k] for k in sorted(unique)], incidents, works, assign)


def relate(rows: list[dict], canon: dict[str, str], new_docs: set[str] | None = None) -> list[RelationRecord]:
    """Relations between claims, documents and quantities of ``rows``, sorted by (type, a, b)."""
    return link_relations(rows, canon, new_docs).relations

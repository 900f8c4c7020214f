"""A person named by surname alone ('Mr. Ahmadi') is the one person of that surname named in full in
the same incident.

Entity resolution (:mod:`counterclaim.link.entities`) merges a bare surname into a full name only on
ledger-wide evidence (a shared office, shared co-mentions). Reports of one incident often name a
victim or an official in full once and by surname after, in another document; within the incident
the surname is usually unique even when the ledger holds several people of that name. So after
entity resolution, and before the relation stages, a bare-surname PERSON whose every document
belongs to one incident joins the only PERSON of that surname named in full in that incident's
documents, when the two are never named apart in one document.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from counterclaim.link.corpus import Corpus
from counterclaim.link.entities import compatible, norm, person_parts, role_heads
from counterclaim.link.incidents import cluster_incidents, document_anchors
from counterclaim.records import EntityLink, RelationRecord

SCORE = 0.7


def _canon(canon: dict[str, str], eid: str) -> str:
    seen = 0
    while eid in canon and canon[eid] != eid and seen < 20:
        eid, seen = canon[eid], seen + 1
    return eid


def incident_surnames(rows: list[dict[str, Any]], canon: dict[str, str], links: list[EntityLink],
                      relations: list[RelationRecord]) -> tuple[list[EntityLink], list[RelationRecord]]:
    """``links`` and ``relations`` with each bare surname joined to its incident's only full name.

    Incidents are clustered from ``rows`` (with ``canon``) only when some bare surname has a full name
    somewhere in the ledger; see :func:`join_surnames`.
    """
    if not _Persons(rows, canon).surnames:
        return links, relations
    corpus = Corpus(rows, canon)
    _incidents, owner = cluster_incidents(corpus, document_anchors(corpus))
    return join_surnames(rows, canon, links, relations, main_incidents(owner))


def main_incidents(owner: dict[str, str]) -> dict[str, str]:
    """``document -> its main incident`` from ``anchor key -> incident`` (:func:`cluster_incidents`)."""
    return {key.split("#", 1)[0]: inc for key, inc in owner.items() if key.endswith("#main")}


class _Persons:
    """Unmerged persons named by surname alone, canonical persons named in full, their documents."""

    def __init__(self, rows: list[dict[str, Any]], canon: dict[str, str]) -> None:
        self.names: dict[str, str] = {}
        roles: dict[str, set[str]] = {}
        for r in rows:
            if r.get("kind") == "entity" and r.get("type") == "PERSON" and "incident_type" not in r:
                self.names[r["id"]] = r.get("name") or r["id"].split(":", 1)[-1]
                roles[r["id"]] = {norm(x) for x in r.get("roles") or []}
        self.bare: dict[str, list[str]] = defaultdict(list)  # surname -> unmerged persons named by it alone
        self.full: dict[str, list[str]] = defaultdict(list)  # surname -> canonical persons named in full
        for eid, name in sorted(self.names.items()):
            given, surname = person_parts(name)
            if surname and not role_heads(name)[0] and norm(name) not in roles[eid] and _canon(canon, eid) == eid:
                (self.full if given else self.bare)[surname].append(eid)
        self.surnames = sorted(s for s in self.bare if s in self.full)
        self.docs: dict[str, set[str]] = defaultdict(set)
        if self.surnames:
            for r in rows:
                if r.get("kind") == "mention" and r.get("entity") in self.names:
                    self.docs[_canon(canon, r["entity"])].add(r["doc"])


def join_surnames(rows: list[dict[str, Any]], canon: dict[str, str], links: list[EntityLink],
                  relations: list[RelationRecord], incident_of: dict[str, str]
                  ) -> tuple[list[EntityLink], list[RelationRecord]]:
    """``links`` and ``relations`` with each bare surname joined to its incident's only full name.

    Args:
        rows: entity and mention rows (mentions need only ``entity`` and ``doc``).
        canon: every known merge (``entity -> canonical``), those in ``links`` included.
        links: the merges entity resolution made; a link to a joined surname is redirected to the
            full name (no chains).
        relations: the uncertain ``same_entity`` relations; those between a joined surname and its
            full name are dropped.
        incident_of: each document's main incident.
    """
    ps = _Persons(rows, canon)
    joined: dict[str, tuple[str, str]] = {}
    for surname in ps.surnames:
        for short in ps.bare[surname]:
            where = {incident_of.get(d) for d in ps.docs[short]}
            if len(where) != 1 or None in where:
                continue
            inc = where.pop()
            named = [f for f in ps.full[surname] if compatible(ps.names[short], ps.names[f])
                     and any(incident_of.get(d) == inc for d in ps.docs[f])]
            if len(named) != 1 or ps.docs[short] & ps.docs[named[0]]:
                continue
            joined[short] = (named[0], f"person: {ps.names[short]!r} is the only {surname!r} named in full in "
                                       f"{str(inc).split(':', 1)[-1]} ({ps.names[named[0]]!r})")
    if not joined:
        return links, relations
    out = [EntityLink(lk.entity, joined[lk.canonical][0], lk.score, lk.evidence) if lk.canonical in joined else lk
           for lk in links]
    out += [EntityLink(short, target, SCORE, why) for short, (target, why) in joined.items()]
    gone = {frozenset((s, t)) for s, (t, _w) in joined.items()}
    kept = [r for r in relations if not (r.type == "same_entity" and frozenset((r.a, r.b)) in gone)]
    return sorted(out, key=lambda lk: lk.entity), kept

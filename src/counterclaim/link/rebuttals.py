"""Rebuttals: a document that answers another party's statement, report or allegations.

A denying claim that names a work ("this biased report", "the accusations made by the United
Nations", "Indian claim") rebuts that work's author: the party the text says made it (the
entity named in or beside the denial, most named in the document, a party of the incident),
never the rebutting party itself. The target is the author's earlier document of a matching
type when it is in the ledger, else a ``WORK`` entity named for whose work it is ("Human Rights
Watch report, 2020") whose ``author`` field holds the author's entity id; two works of
different authors never share an id.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache

from counterclaim.link.corpus import Claim, Corpus, data, phrase_pattern, touches
from counterclaim.link.incidents import dates_in, is_place
from counterclaim.records import RelationRecord
from counterclaim.resources import slug

AUTHOR_TYPES = ("PERSON", "ORG", "GPE", "NORP")
_BY = re.compile(r"\s+(?:made\s+|issued\s+|published\s+|released\s+|contained\s+)?(?:of|by|from)\s+(?:the\s+)?",
                 re.IGNORECASE)
_REJECT_VERBS = ("reject", "den", "refut", "dismiss", "categorically")  # a verb whose subject is the rebutter


@dataclass(frozen=True)
class Work:
    """An answered work outside the ledger."""

    id: str
    name: str
    author: str | None


@cache
def _work_pattern() -> re.Pattern[str]:
    return phrase_pattern(data()["work_nouns"])


@cache
def _dismiss_pattern() -> re.Pattern[str]:
    return phrase_pattern(data()["dismiss_cues"])


def _rebutting(corpus: Corpus, cl: Claim) -> set[str]:
    """The rebutting party: the claim's and the document's asserters (with their merged ids)."""
    return {e for e in (cl.asserter, corpus.doc_asserter(cl.doc)) if e}


def rejecters(corpus: Corpus, cl: Claim) -> set[str]:
    """Entities named only before the dismissal cue: who rejects ('The NSC strongly rejected Indian claim')."""
    cue = _dismiss_pattern().search(cl.text)
    if cue is None or not cue.group(0).lower().startswith(_REJECT_VERBS):
        return set()
    at = cl.start + cue.start()
    before = {e for _s, _t, e in corpus.mentions_from(cl.doc, cl.start, at)}
    after = {e for _s, _t, e in corpus.mentions_from(cl.doc, at, cl.end)}
    return before - after


def _named_with(corpus: Corpus, cl: Claim, m: re.Match[str]) -> set[str]:
    """Entities written as the work's author: 'accusations of the FARDC', 'made by the UN', 'Indian claim'."""
    at, end = cl.start + m.start(), cl.start + m.end()
    text = corpus.docs[cl.doc].get("text", "")
    out = set()
    for s, t, e in corpus.mentions_from(cl.doc, at - 404, end + 41):  # a name (< 400 chars) before, or one 40 after
        if end <= s <= end + 40 and _BY.fullmatch(text[end:s]):
            out.add(e)
        elif at - 4 <= t <= at and re.fullmatch(r"(?:['’]s)?\s*", text[t:at]):
            out.add(e)
    return out


def document_authors(corpus: Corpus, doc: str) -> tuple[Counter[str], frozenset[str]]:
    """How often the document names each possible author, and which of them it writes as places
    ('a village the tagger took for an organisation')."""
    counts: Counter[str] = Counter()
    places: set[str] = set()
    text = corpus.docs[doc].get("text", "")
    for s, t, e in corpus.mentions.get(doc, ()):
        if corpus.etype(e) in AUTHOR_TYPES and not corpus.specific([e]):
            counts[e] += 1
            if is_place(corpus, e, text, s, t):
                places.add(e)
    return counts, frozenset(places)


def author_of(corpus: Corpus, cl: Claim, parties: set[str], named: set[str] = frozenset(),
              authors: tuple[Counter[str], frozenset[str]] | None = None) -> str | None:
    """The party whose work the denial answers (``authors``: :func:`document_authors` of its document).

    Candidates are persons, organisations, countries and peoples named in the denial or in its
    document, never the rebutting party. Named in the denial counts most, then being a party
    that speaks elsewhere about the same incident, then how often the document names it.
    """
    counts, places = authors or document_authors(corpus, cl.doc)
    skip = _rebutting(corpus, cl) | rejecters(corpus, cl) | places
    skip_names = {n.casefold() for e in skip for n in [corpus.name(e), *corpus.entities.get(e, {}).get("aliases", [])]}
    outlet = (corpus.docs[cl.doc].get("outlet") or "").casefold()

    def rank(e: str) -> tuple[float, str]:
        distinct = any(w not in generic for w in slug(corpus.name(e)).split("-"))
        people = corpus.etype(e) in ("NORP", "GPE")  # a people or a country: when no body is named
        return (4.0 * (e in named) + 3.0 * (e in cl.context) + 2.0 * (e in parties) + min(counts[e], 6) * 0.5
                - 3.0 * (not distinct) - 2.0 * people, e)

    generic = set(data()["generic_org_words"])
    cands = [e for e in set(counts) | set(cl.context)
             if e not in skip and corpus.etype(e) in AUTHOR_TYPES and not corpus.specific([e])
             and corpus.name(e).casefold() not in skip_names and corpus.name(e).casefold() != outlet
             and (corpus.etype(e) != "GPE" or e in cl.context)
             and any(w not in generic for w in slug(corpus.name(e)).split("-"))]
    if not cands:
        return None
    best = max(cands, key=rank)
    return best if rank(best)[0] >= 1.0 else None


def written(corpus: Corpus, cl: Claim, eid: str) -> str:
    """How the claim's document names an entity: its mention in the claim, else its first one ('' if none)."""
    spots = [(s, t) for s, t, e in corpus.mentions_from(cl.doc, cl.start, cl.end) if e == eid] or sorted(
        (s, t) for s, t, e in corpus.mentions.get(cl.doc, ()) if e == eid)
    return corpus.docs[cl.doc].get("text", "")[spots[0][0]:spots[0][1]] if spots else ""


def _year(corpus: Corpus, cl: Claim, m: re.Match[str]) -> str | None:
    before = cl.text[max(0, m.start() - 12):m.start()]
    if y := re.search(r"\b((?:19|20)\d\d)\s*$", before):
        return y.group(1)
    pub = corpus.docs.get(cl.doc, {}).get("published")
    if pub:
        return pub[:4]
    years = [d.year for _s, _e, d in dates_in(corpus.docs.get(cl.doc, {}).get("text", "")[:400]) if d.year]
    return str(years[0]) if years else None


def work_name(corpus: Corpus, author: str | None, noun: str, year: str | None) -> str:
    """'Human Rights Watch report, 2020': whose work, what kind, when."""
    who = corpus.name(author) if author else "unknown author"
    return f"{who} {noun}" + (f", {year}" if year else "")


# ((document, author), (score, target, evidence, work outside the ledger or None), claim id)
Rebuttal = tuple[tuple[str, str], tuple[float, str, str, "Work | None"], str]


def rebuttal_candidates(corpus: Corpus, assign: dict[str, str], parties: dict[str, set[str]],
                        new_docs: set[str] | None, incident: str | None = None) -> list[Rebuttal]:
    """Every denying claim that names a work, scored, keyed by (its document, the work's author), in claim
    id order; with ``incident``, only the claims of that incident.

    A target document must share the claim's incident, so the claims of one incident and the
    documents of that incident are all this needs.
    """
    by_asserter: dict[tuple[str, str | None], list[str]] = defaultdict(list)  # (asserter, main incident)
    for did in sorted(corpus.docs):
        if a := corpus.doc_asserter(did):
            by_asserter[(a, assign.get(did))].append(did)
    out: list[Rebuttal] = []
    authors: dict[str, tuple[Counter[str], frozenset[str]]] = {}
    for cl in corpus.claims.values():
        if incident is not None and assign.get(cl.id) != incident:
            continue
        dismiss = sorted({d.lower() for d in _dismiss_pattern().findall(cl.text)})
        if cl.polarity != "deny" and cl.claim_type != "denial" and not dismiss:
            continue
        matches = list(_work_pattern().finditer(cl.text))
        if not matches:
            continue
        m = matches[0]
        if cl.doc not in authors:  # counted once per document: a long report has many denials
            authors[cl.doc] = document_authors(corpus, cl.doc)
        author = author_of(corpus, cl, parties.get(assign.get(cl.id, ""), set()), _named_with(corpus, cl, m),
                           authors[cl.doc])
        if author is None:
            continue
        noun = m.group(0).lower()
        types = set(data()["work_doc_types"].get(noun, ()))
        target = next((o for o in by_asserter.get((author, assign.get(cl.id)), ()) if o != cl.doc
                       and corpus.docs[o].get("doc_type") in types
                       and corpus.published(o) <= corpus.published(cl.doc)), None)
        if not touches(new_docs, cl.doc, *([target] if target else [])):
            continue
        score = 0.6 + (0.15 if dismiss else 0.0) + (0.1 if author in cl.context else 0.0) + (0.1 if target else 0.0)
        work = None
        if target is None:
            name = work_name(corpus, author, noun, _year(corpus, cl, m))
            work = Work("WORK:" + slug(f"{author.split(':', 1)[-1]} {noun} {_year(corpus, cl, m) or ''}"), name, author)
        b = target or work.id  # type: ignore[union-attr]
        what = f"the {corpus.docs[target].get('doc_type')} {target} by the author" if target else "a work outside the ledger"
        surface = written(corpus, cl, author)
        named = corpus.name(author) + (f", written {surface!r}" if surface and surface != corpus.name(author) else "")
        why = (f"rebuts: {cl.id} answers {what}: work=\"{work.name if work else noun}\"; author={author} "
               f"({named}), not the rebutting party {', '.join(sorted(_rebutting(corpus, cl))) or '?'}; "
               f"work noun '{noun}'" + (f"; dismissal cue {', '.join(repr(d) for d in dismiss[:3])}" if dismiss else ""))
        out.append(((cl.doc, author), (round(min(score, 1.0), 3), b, why, work), cl.id))
    return out


def best_rebuttals(cands: list[Rebuttal]) -> tuple[list[RelationRecord], list[Work]]:
    """One ``rebuts`` per (rebutting document, author): the best-scored, the first claim by id on a tie; the
    works outside the ledger they answer."""
    found: dict[tuple[str, str], tuple[float, str, str, Work | None]] = {}
    for key, cand, _claim in sorted(cands, key=lambda c: c[2]):
        if key not in found or cand[0] > found[key][0]:
            found[key] = cand
    rels = [RelationRecord("rebuts", doc, b, score, why) for (doc, _a), (score, b, why, _w) in sorted(found.items())]
    works = {w.id: w for (_s, _b, _why, w) in found.values() if w is not None}
    return rels, [works[k] for k in sorted(works)]


def rebuttal_relations(corpus: Corpus, assign: dict[str, str], parties: dict[str, set[str]],
                       new_docs: set[str] | None) -> tuple[list[RelationRecord], list[Work]]:
    """One ``rebuts`` per (rebutting document, author), the best-scored; WORKs for targets outside the ledger."""
    return best_rebuttals(rebuttal_candidates(corpus, assign, parties, new_docs))

"""Contradictions within an incident, without a list of charges.

One party denies, rejects or calls false what another party affirms about the same incident:
"denied any involvement" vs "X carried out the strike"; "no civilian was harmed" vs "the
bodies of 212 civilians were recovered". A claim is on the denying side when the extractor
marked it ``deny`` or when it carries a denial or negation cue (``denial_cues`` in
``relations.json``: "rejected", "fabricated", "no civilian", "accident", "no connection"…).
Each denial is matched to the affirming claims of other documents of the same incident by
shared entities (their candidates: affirmations naming an entity the denial names, or made by a
party it names) and the cosine of their sentence embeddings (the packaged MiniLM); the best
one per (denial, document) above the threshold are kept. Both ends carry their asserters;
the evidence names the incident, the cue and the score's parts.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from counterclaim.link.corpus import Claim, Corpus, cosines, phrase_pattern, touches
from counterclaim.link.corpus import data as _data
from counterclaim.records import RelationRecord

THRESHOLD = 0.58
PER_DOC = 1  # affirming claims kept per (denial, other document)
AFFIRM_TYPES = ("accusation", "figure", "characterization", "event", "other")


@cache
def _cues():
    return phrase_pattern(_data()["denial_cues"])


def denial_cue(text: str) -> str | None:
    """The denial or negation cues in ``text`` (lowercased, comma-joined), or None."""
    found = sorted({m.group(0).lower() for m in _cues().finditer(text)})
    return ", ".join(repr(c) for c in found[:3]) if found else None


def _party(corpus: Corpus, cl: Claim) -> str | None:
    return cl.asserter or corpus.doc_asserter(cl.doc)


def _candidates(corpus: Corpus, assign: dict[str, str], new_docs: set[str] | None, reps: dict[str, str]
                ) -> list[tuple[Claim, Claim, str]]:
    """(denial, affirmation, cue) pairs of one incident in different documents (blocked on the incident)."""
    by_inc: dict[str, tuple[list[tuple[Claim, str]], list[Claim]]] = defaultdict(lambda: ([], []))
    for cl in corpus.claims.values():
        inc = assign.get(cl.id)
        if inc is None or cl.id in reps:
            continue
        cue = denial_cue(cl.text)
        if cl.polarity == "deny" or cue:
            by_inc[inc][0].append((cl, cue or "'polarity deny'"))
        elif cl.claim_type in AFFIRM_TYPES:
            by_inc[inc][1].append(cl)
    out = []
    # a charge about the whole conflict ('genocide') denied by name: across incidents, blocked on (charge, asserter)
    charged: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for _d, affirms in by_inc.values():
        for a in affirms:
            for t in a.terms:
                if (p := _party(corpus, a)) is not None:
                    charged[(t, p)].append(a)
    for inc in sorted(by_inc):
        for d, cue in by_inc[inc][0]:
            for t in sorted(d.terms):
                for e in sorted(d.context):
                    for a in charged.get((t, e), ()):
                        if assign.get(a.id) != inc and a.doc != d.doc and touches(new_docs, a.doc, d.doc):
                            out.append((d, a, cue))
    for inc in sorted(by_inc):
        denials, affirms = by_inc[inc]
        # blocked on shared entities: an affirmation naming what the denial names, or made by a party it names
        index: dict[str, list[Claim]] = defaultdict(list)
        for a in affirms:
            for e in a.context | {_party(corpus, a) or ""}:
                index[e].append(a)
        for d, cue in denials:
            near = {a.id: a for e in sorted(d.context) for a in index.get(e, ())}
            for a in (near[k] for k in sorted(near)):
                if a.doc != d.doc and touches(new_docs, a.doc, d.doc):
                    pa, pd = _party(corpus, a), _party(corpus, d)
                    if pa is None or pa != pd:
                        out.append((d, a, cue))
    return out


def contradiction_relations(corpus: Corpus, assign: dict[str, str], new_docs: set[str] | None,
                            reps: dict[str, str]) -> list[RelationRecord]:
    cands = _candidates(corpus, assign, new_docs, reps)
    texts = {cl.id: cl.text for d, a, _c in cands for cl in (d, a)}
    cos = cosines([(d.id, a.id) for d, a, _c in cands], texts)
    best: dict[tuple[str, str], list[tuple[float, str, str, str]]] = defaultdict(list)
    for d, a, cue in cands:
        c = cos[(d.id, a.id)]
        shared = sorted((d.context & a.context) - {None})
        pa = _party(corpus, a)
        targets = bool(pa and pa in d.context)
        charge = sorted(d.terms & a.terms)
        across = assign.get(d.id) != assign.get(a.id)  # a charge counts only where no incident joins them
        score = 0.55 * c + (0.2 if shared else 0.0) + (0.15 if targets else 0.0) + 0.1 + (0.2 if charge and across else 0.0)
        if score < THRESHOLD:
            continue
        x, y = corpus.order(d.id, a.id, d.doc, a.doc)
        why = (f"contradicts: {d.id} ({_party(corpus, d) or 'unknown asserter'}) denies what {a.id} "
               f"({pa or 'unknown asserter'}) affirms; "
               + (f"incident {assign[d.id]}" if assign.get(d.id) == assign.get(a.id) else "across incidents")
               + f"; cue {cue}; cosine {c:.2f}" + (f"; shared charge {', '.join(map(repr, charge))}" if charge else "")
               + (f"; shared entities {', '.join(shared[:4])}" if shared else "")
               + (f"; the denial names the asserter {pa}" if targets else ""))
        best[(d.id, a.doc)].append((round(min(score, 1.0), 3), why, x, y))
    out = []
    for found in best.values():
        for score, why, x, y in sorted(found, key=lambda f: (-f[0], f[2], f[3]))[:PER_DOC]:
            out.append(RelationRecord("contradicts", x, y, score, why))
    return out

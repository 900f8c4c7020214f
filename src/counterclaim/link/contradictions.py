"""Contradictions within an incident, without a list of charges.

One party denies, rejects or calls false what another party affirms about the same incident:
"denied any involvement" vs "X carried out the strike"; "no civilian was harmed" vs "the
bodies of 212 civilians were recovered". A claim is on the denying side when the extractor
marked it ``deny`` or when it carries a denial or negation cue (``denial_cues`` in
``relations.json``: "rejected", "fabricated", "no civilian", "accident", "no connection"…).
Each denial is matched to the affirming claims of other documents of the same incident, by two
blocks: shared entities (affirmations naming an entity the denial names, or made by a party it
names), harm (:mod:`counterclaim.link.denials`: a denial that anyone, or any civilian, was killed
or hurt against a claim or figure saying they were, whatever entities each names) and intent (an
accident against a deliberate act), and blame (a party naming another perpetrator, "organized by
the terrorist organization", against another party's claim accusing it). The
cosine of their sentence embeddings (the packaged MiniLM) adds to the score; the best one per
(denial, document) above the threshold is kept. Both ends carry their asserters; the evidence
names the incident, the cue and the score's parts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache

from counterclaim.link.corpus import Claim, Corpus, cosines, countries, data, gazetteer, phrase_pattern, touches
from counterclaim.link.denials import (
    REJECTED,
    HarmDenial,
    agency_denial,
    counted_after,
    contradicts_harm,
    denial_cue,
    harm_affirmed,
    harm_categories,
    harm_denial,
    intent_affirmed,
    intent_denial,
    refusal,
    same_group,
)
from counterclaim.link.rebuttals import rejecters
from counterclaim.records import RelationRecord
from counterclaim.resources import load_json

__all__ = ["contradiction_relations", "denial_cue"]

THRESHOLD = 0.58
PER_DOC = 1  # affirming claims kept per (denial, other document)
AFFIRM_TYPES = ("accusation", "figure", "characterization", "event", "other")
ACTOR_TYPES = ("PERSON", "ORG")
AUTHOR_TYPES = ("PERSON", "ORG", "GPE", "NORP")
_SUBJECT_GAP = re.compile(r"(?:,\s+(?:which|who)\b[^,]{0,120},)?\s+(?:also\s+|still\s+)?")  # 'Turkey, which ..., says'


def _party(corpus: Corpus, cl: Claim) -> str | None:
    return cl.asserter or corpus.doc_asserter(cl.doc)


def _denied_harm(cl: Claim) -> HarmDenial | None:
    """The harm a denying claim denies (none when it speaks of no harm)."""
    return harm_denial(cl.text, True)


def affirmed_harm(corpus: Corpus, cl: Claim) -> frozenset[str]:
    """The harm an affirming claim affirms ('civilians', 'fighters', 'people', 'damage'), from its words and figures."""
    qs = [q for q in corpus.qtys_of_claim.get(cl.id, ()) if q.row.get("category") in harm_categories()]
    groups = [q.group if q.row.get("counted") else counted_after(cl.text[q.row["end"] - cl.start:]) for q in qs]
    return harm_affirmed(cl.text, groups, [q.row["category"] for q in qs])


def _accused(corpus: Corpus, d: Claim, a: Claim) -> bool:
    """The affirmation is about the denying party ('M23 rebels killed ...' against the M23's denial)."""
    pd = _party(corpus, d)
    return pd is not None and pd in a.about


@cache
def _shift_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    b = data()["blame_shift"]
    return (phrase_pattern(b["cues"]), phrase_pattern(b["reported_speech"]),
            phrase_pattern(w for w in load_json("claims.json")["self_references"] if " " in w))  # 'our country'


def _country(eid: str) -> str:
    """A people's country ('NORP:turks' -> 'GPE:turkey'), else the entity itself."""
    return str(gazetteer().get(eid, {}).get("of") or eid)


@cache
def _link_cues() -> re.Pattern[str]:
    return phrase_pattern(data()["link_denial_cues"])


def link_denied(corpus: Corpus, cl: Claim) -> str | None:
    """The party a denied link goes to: 'no connection between Mr. X and ISIS' -> ISIS (the last entity named
    after the cue in its clause), or None when the claim denies no link."""
    m = _link_cues().search(cl.text)
    if m is None:
        return None
    comma = cl.text.find(",", m.end())
    lo, hi = cl.start + m.end(), cl.start + (comma if comma >= 0 else len(cl.text))
    named = [e for _s, t, e in corpus.mentions_from(cl.doc, lo, hi) if t <= hi]
    return named[-1] if named else None


def blamed_elsewhere(corpus: Corpus, cl: Claim) -> tuple[str, str] | None:
    """(the party, the cue) when a party names another perpetrator: its own claim, or one speaking of it in the
    first person ('attacks ... organized by the terrorist organization, target our country's stance')."""
    cues, _said, selves = _shift_patterns()
    m = cues.search(cl.text)
    if m is None:
        return None
    own = [p for p in (_party(corpus, cl),) if p is not None]
    if selves.search(cl.text) and cl.about:
        own.append(cl.about[0])
    named = {_country(e) for e in corpus.entities_in(cl.doc, cl.start + m.end(), cl.end)}
    for p in own:
        if corpus.etype(p) in AUTHOR_TYPES and _country(p) not in named:
            return _country(p), m.group(0).lower()
    return None


def accuses(corpus: Corpus, cl: Claim, party: str) -> bool:
    """The claim accuses ``party`` (first of what it is about; a people counts as its country) in its own
    words, not reporting the party's own position ('Turkey, which has bases there, says it is targeting ...')."""
    if not (cl.claim_type in ("accusation", "figure") and cl.about and _country(cl.about[0]) == party
            and _party(corpus, cl) != party):
        return False
    text = corpus.docs.get(cl.doc, {}).get("text", "")
    speaks = _shift_patterns()[1]
    for _s, t, e in corpus.mentions_from(cl.doc, cl.start, cl.end):
        if _country(e) == party:
            m = _SUBJECT_GAP.match(text, t, cl.end)
            if m is not None and speaks.match(text, m.end(), cl.end):
                return False
    return True


def sides(corpus: Corpus, assign: dict[str, str], reps: dict[str, str]
          ) -> dict[str, tuple[list[tuple[Claim, str]], list[Claim]]]:
    """Per incident: its denials (with their cue) and its affirmations; copies of a claim are left out."""
    by_inc: dict[str, tuple[list[tuple[Claim, str]], list[Claim]]] = defaultdict(lambda: ([], []))
    for cl in corpus.claims.values():
        inc = assign.get(cl.id)
        if inc is None or cl.id in reps or refusal(cl.text):  # 'denied requests to access the village'
            continue
        cue = denial_cue(cl.text)
        harm = harm_denial(cl.text, cl.polarity == "deny" or cue is not None)
        accident = intent_denial(cl.text)
        if cl.polarity == "deny" or cue or harm is not None or accident:
            by_inc[inc][0].append((cl, cue or (repr(harm.cue) if harm else repr(accident) if accident
                                               else "'polarity deny'")))
        elif cl.claim_type in AFFIRM_TYPES:
            by_inc[inc][1].append(cl)
    return by_inc


def charge_keys(corpus: Corpus, cl: Claim, denial: bool) -> list[tuple[str, str]]:
    """The blocking keys of the across-incident charge path: (charge, entity the denial names) for a
    denial, (charge, its party) for an affirmation."""
    if denial:
        return [(t, e) for t in sorted(cl.terms) for e in sorted(cl.context)]
    p = _party(corpus, cl)
    return [(t, p) for t in cl.terms] if p is not None else []


def _candidates(corpus: Corpus, assign: dict[str, str], new_docs: set[str] | None, reps: dict[str, str]
                ) -> list[tuple[Claim, Claim, str]]:
    """(denial, affirmation, cue) pairs in different documents (blocked on the incident or the charge)."""
    by_inc = sides(corpus, assign, reps)
    out = charge_candidates(corpus, assign, by_inc, new_docs)
    for inc in sorted(by_inc):
        out.extend(incident_candidates(corpus, *by_inc[inc], new_docs))
    return out


def charge_candidates(corpus: Corpus, assign: dict[str, str],
                      by_inc: dict[str, tuple[list[tuple[Claim, str]], list[Claim]]], new_docs: set[str] | None
                      ) -> list[tuple[Claim, Claim, str]]:
    """A charge about the whole conflict ('genocide') denied by name: candidates across incidents, blocked on
    (charge, asserter) (see :func:`charge_keys`)."""
    out = []
    charged: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for _d, affirms in by_inc.values():
        for a in affirms:
            for key in charge_keys(corpus, a, False):
                charged[key].append(a)
    for inc in sorted(by_inc):
        for d, cue in by_inc[inc][0]:
            for key in charge_keys(corpus, d, True):
                for a in charged.get(key, ()):
                    if assign.get(a.id) != inc and a.doc != d.doc and touches(new_docs, a.doc, d.doc):
                        out.append((d, a, cue))
    return out


def incident_candidates(corpus: Corpus, denials: list[tuple[Claim, str]], affirms: list[Claim],
                        new_docs: set[str] | None) -> list[tuple[Claim, Claim, str]]:
    """Candidates within one incident (never by the denying party itself), blocked on shared entities (an
    affirmation naming what the denial names, or made by a party it names) and on harm (a denial that anyone,
    or any civilian, was hurt against the claims saying they were). A claim affirming other harm than the
    one denied ('25 militants killed' against 'no civilian died') is no candidate, nor one that does not
    name where a denied link goes ('no connection between X and ISIS' against 'X was killed'), nor, for a
    party denying its own part ('deny their responsibility'), one that does not name that party."""
    out = []
    index: dict[str, list[Claim]] = defaultdict(list)
    for a in affirms:
        for e in a.context | {_party(corpus, a) or ""}:
            index[e].append(a)
    harmed = {a.id: who for a in affirms if (who := affirmed_harm(corpus, a))}
    for d, cue in denials:
        near = {a.id: a for e in sorted(d.context) for a in index.get(e, ())}
        if (linked := link_denied(corpus, d)) is not None:  # a denied link: only claims naming where it goes
            near = {k: a for k, a in near.items() if linked in a.context}
        if agency_denial(d.text) and (denier := _party(corpus, d)):  # 'deny their responsibility': claims naming them
            near = {k: a for k, a in near.items() if _country(denier) in {_country(e) for e in a.context | set(a.about)}}
        harm = _denied_harm(d)
        if harm is not None:
            hurt = {a.id: a for a in affirms if contradicts_harm(harm, harmed.get(a.id, frozenset()))}
            if harm.kind == REJECTED:  # a rejected report of harm: the claims of harm naming what it names,
                near = {k: a for k, a in near.items() if k not in harmed or k in hurt}
                near.update((k, a) for k, a in hurt.items() if _accused(corpus, d, a))  # or accusing the denier
            else:  # 'no civilian died', 'no casualties': the claims that say someone was
                near = hurt
        if intent_denial(d.text):  # 'an unfortunate accident': the claims calling it deliberate
            near.update((a.id, a) for a in affirms if intent_affirmed(a.text) and not intent_denial(a.text))
        side = rejecters(corpus, d)  # 'Mali's government has rejected ...': Mali's own claims are its side's
        for a in (near[k] for k in sorted(near)):
            if a.doc != d.doc and touches(new_docs, a.doc, d.doc):
                pa, pd = _party(corpus, a), _party(corpus, d)
                if pa is None or (pa != pd and pa not in side):
                    out.append((d, a, cue))
    for d in [d for d, _c in denials] + affirms:  # a party blaming another for what others blame it for
        if (shift := blamed_elsewhere(corpus, d)) is not None:
            for a in affirms:
                if a.doc != d.doc and touches(new_docs, a.doc, d.doc) and accuses(corpus, a, shift[0]):
                    out.append((d, a, repr(shift[1])))
    return out


Scored = tuple[tuple[str, str], tuple[float, str, str, str]]  # (denial, other document), (score, why, a, b)


def _score(corpus: Corpus, d: Claim, a: Claim, c: float, across: bool) -> tuple[float, list[str]]:
    """The pair's score and the words saying why (shared entities, the named asserter, charge, harm)."""
    shared = sorted((d.context & a.context) - {None})
    pa = _party(corpus, a)
    targets = bool(pa and pa in d.context)
    charge = sorted(d.terms & a.terms)
    # an actor both name, and the affirmation is about: more than a shared place or country
    actor = [e for e in shared if e in a.about and corpus.etype(e) in ACTOR_TYPES and not corpus.specific([e])]
    # a charge counts only where no incident joins them
    score = (0.55 * c + (0.2 if shared else 0.0) + (0.1 if actor else 0.0) + (0.15 if targets else 0.0) + 0.1
             + (0.2 if charge and across else 0.0))
    why = [f"cosine {c:.2f}"]
    if charge:
        why.append(f"shared charge {', '.join(map(repr, charge))}")
    if shared:
        why.append(f"shared entities {', '.join(shared[:4])}")
    if actor:
        why.append(f"both about {actor[0]}")
    if targets:
        why.append(f"the denial names the asserter {pa}")
    local = [e for e in shared if e not in countries()]  # every claim of a conflict names its countries
    harm = None if across else _denied_harm(d)
    if harm is not None and contradicts_harm(harm, who := affirmed_harm(corpus, a)):
        # harm denied against harm affirmed in one incident: the pair holds whatever else each names
        accused = _accused(corpus, d, a)
        named = 0.1 if local or targets or accused else 0.0
        group = 0.05 if same_group(harm, who) else 0.0
        score = max(score, (0.5 if harm.kind == REJECTED else 0.6) + named + group + 0.3 * c)
        why.append(f"harm: {harm.kind} ({harm.scope}) {harm.cue!r} against harm to {', '.join(sorted(who))}"
                   + ("; the affirmation is about the denying party" if accused else ""))
    accident = None if across else intent_denial(d.text)
    if accident and (deliberate := intent_affirmed(a.text)) and not intent_denial(a.text):
        # an accident against a deliberate act: the harm is not disputed, the intent is
        score = max(score, 0.55 + (0.1 if local or targets else 0.0) + 0.3 * c)
        why.append(f"intent: {accident!r} against {deliberate!r}")
    shift = None if across else blamed_elsewhere(corpus, d)
    if shift is not None and accuses(corpus, a, shift[0]):
        score = max(score, 0.55 + (0.1 if local or targets else 0.0) + 0.3 * c)
        why.append(f"blame: {shift[0]} names another perpetrator ({shift[1]!r}); the other claim accuses {shift[0]}")
    return score, why


def score_candidates(corpus: Corpus, assign: dict[str, str], cands: list[tuple[Claim, Claim, str]]) -> list[Scored]:
    """Each candidate above the threshold, keyed by (denial, the affirmation's document)."""
    texts = {cl.id: cl.text for d, a, _c in cands for cl in (d, a)}
    cos = cosines([(d.id, a.id) for d, a, _c in cands], texts, corpus.vectors)
    out: list[Scored] = []
    for d, a, cue in cands:
        c = cos[(d.id, a.id)]
        same = assign.get(d.id) == assign.get(a.id)
        score, why = _score(corpus, d, a, c, not same)
        if score < THRESHOLD:
            continue
        x, y = corpus.order(d.id, a.id, d.doc, a.doc)
        text = (f"contradicts: {d.id} ({_party(corpus, d) or 'unknown asserter'}) denies what {a.id} "
                f"({_party(corpus, a) or 'unknown asserter'}) affirms; "
                + (f"incident {assign[d.id]}" if same else "across incidents")
                + f"; cue {cue}; " + "; ".join(why))
        out.append(((d.id, a.doc), (round(min(score, 1.0), 3), text, x, y)))
    return out


def best_contradictions(scored: list[Scored]) -> list[RelationRecord]:
    """The best ``PER_DOC`` per (denial, other document)."""
    best: dict[tuple[str, str], list[tuple[float, str, str, str]]] = defaultdict(list)
    for key, found in scored:
        best[key].append(found)
    out = []
    for found in best.values():
        for score, why, x, y in sorted(found, key=lambda f: (-f[0], f[2], f[3]))[:PER_DOC]:
            out.append(RelationRecord("contradicts", x, y, score, why))
    return out


def contradiction_relations(corpus: Corpus, assign: dict[str, str], new_docs: set[str] | None,
                            reps: dict[str, str]) -> list[RelationRecord]:
    return best_contradictions(score_candidates(corpus, assign, _candidates(corpus, assign, new_docs, reps)))

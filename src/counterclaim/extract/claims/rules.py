"""Claims: the check-worthy propositions of a document and who asserts them.

A pure function over the parsed Doc and the records of the earlier stages
(entities, mentions, the document's asserter, attributions, quantities). Each
sentence (never crossing a line break) is a candidate; cues from
``data/claims.json`` decide whether it asserts something worth checking, of
which type (figure, accusation, characterization, denial, demand, event,
other) and polarity, and a transparent score gives ``checkworthy``:

- asserter: the speaker of the attribution whose content covers the sentence,
  else the document's asserter; the claim span is then cut to that content
  ('According to the letter, X' → 'X');
- polarity ``deny`` when the sentence calls something false or groundless, or
  denies/rejects it; a negated statement of fact ('Azerbaijan does not have an
  independent judicial system') stays ``affirm``;
- ``about``: the actors the sentence is about, the accused first (subject or
  agent of the accusation, else the subject, else the first named), then the
  others; a claim naming nobody borrows from a definite anaphor ('the mentioned
  organization' → the last organisation named, relaying speakers excluded) or,
  failing that, from the document's most accused actor.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator
from functools import cache

from spacy.tokens import Doc, Span, Token

from counterclaim.checkworthy.combine import rescore
from counterclaim.checkworthy.model import pos_sequence
from counterclaim.link.embed import doc_memo
from counterclaim.records import AttributionRecord, ClaimRecord, EntityRecord, MentionRecord, QuantityRecord
from counterclaim.resources import load_json

_SUBJECTS = ("nsubj", "nsubjpass", "csubj")
_EDGE = {"*", "**", "_", "\"", "“", "”", "«", "»"}


@cache
def claim_data() -> dict:
    """The cue lists of data/claims.json as sets (multi-word phrases kept apart)."""
    raw = load_json("claims.json", required=("accusation_verbs", "accusation_nouns", "denial_words", "denial_verbs",
                                              "demand_cues", "demand_verbs", "hedges", "characterization_predicates", "anaphors",
                                              "about_types", "actor_types", "self_references", "min_checkworthy",
                                              "denial_phrases", "copulas", "blame_predicates", "question_openers",
                                              "stance_verbs", "operation_verbs"))

    def split(words: list[str]) -> tuple[frozenset[str], tuple[str, ...]]:
        return (frozenset(w for w in words if " " not in w),
                tuple(sorted({w for w in words if " " in w}, key=len, reverse=True)))

    data = {k: frozenset(raw[k]) for k in ("accusation_verbs", "denial_words", "denial_verbs", "demand_verbs", "hedges",
                                           "about_types", "actor_types", "copulas", "question_openers", "stance_verbs", "operation_verbs")}
    data["denial_phrases"] = tuple(sorted(raw["denial_phrases"], key=len, reverse=True))
    data["blame"] = split(raw["blame_predicates"])
    data["accusation_nouns"] = split(raw["accusation_nouns"])
    data["demand_cues"] = split(raw["demand_cues"])
    data["characterization"] = split(raw["characterization_predicates"])
    data["self_references"] = frozenset(raw["self_references"])
    data["anaphor_modifiers"] = frozenset(raw["anaphors"]["modifiers"])
    data["anaphor_heads"] = dict(raw["anaphors"]["heads"])
    data["min_checkworthy"] = float(raw["min_checkworthy"])
    ranking = raw.get("ranking", {})
    data["rank_phrases"] = {k: tuple(ranking.get(k, ())) for k in ("grave_charges", "retrospective", "counterfactual")}
    data["period_words"] = frozenset(ranking.get("period_words", ()))
    data["rank_weights"] = {k: float(v) for k, v in ranking.get("weights", {}).items()}
    return data


class _Mentions:
    """Mentions sorted by offset, each with its span's root token found once (no per-sentence rescans)."""

    def __init__(self, doc: Doc, mentions: list[MentionRecord]) -> None:
        self.items = sorted(mentions, key=lambda m: (m.start, m.end))
        self.starts = [m.start for m in self.items]
        self.roots: dict[MentionRecord, Token | None] = {}
        for m in self.items:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            self.roots[m] = span.root if span is not None else None

    def within(self, start: int, end: int) -> list[MentionRecord]:
        out = []
        for m in self.items[bisect_left(self.starts, start):]:
            if m.start >= end:
                break
            if m.end <= end:
                out.append(m)
        return out

    def before(self, end: int) -> list[MentionRecord]:
        return [m for m in self.items[:bisect_left(self.starts, end)] if m.end <= end]


def _has(span_lower: str, words: frozenset[str], phrases: tuple[str, ...], tokens: set[str]) -> str | None:
    """The first cue (word or phrase) found in a sentence, or None."""
    for p in phrases:
        if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", span_lower):
            return p
    hit = tokens & words
    return min(hit) if hit else None


def units(doc: Doc) -> Iterator[Span]:
    """Sentences, cut again at line breaks, trimmed of spaces and markup; at least three words."""
    for sent in doc.sents:
        start = sent.start
        for tok in sent:
            if "\n" in tok.text or tok.i == sent.end - 1:
                end = tok.i if "\n" in tok.text else tok.i + 1
                piece = doc[start:end]
                while len(piece) and (piece[0].is_space or piece[0].text in _EDGE):
                    piece = doc[piece.start + 1:piece.end]
                while len(piece) and (piece[-1].is_space or piece[-1].text in _EDGE):
                    piece = doc[piece.start:piece.end - 1]
                if sum(t.is_alpha for t in piece) >= 3:
                    yield piece
                start = tok.i + 1


def _stance_cue(doc: Doc, a: AttributionRecord, data: dict) -> bool:
    """Whether the attribution's cue is a verb of denial, blame or demand ('accused Y of Z', 'urged Y to Z'):
    the verb is the claim, so its sentence is not cut to the verb's object."""
    if a.cue is None:
        return False
    cue = doc.char_span(a.cue.start, a.cue.end, alignment_mode="expand")
    lemma = cue.root.lemma_.lower() if cue is not None else ""
    return any(lemma in data[k] for k in ("stance_verbs", "denial_verbs", "demand_verbs"))


def _covering(attributions: list[AttributionRecord], start: int, end: int) -> AttributionRecord | None:
    """The innermost attribution that holds the sentence: its content covers at least half of
    ``[start, end)``, or lies inside it and fills at least a third of it ('The report notes that X')."""
    best = None
    for a in attributions:
        overlap = min(end, a.content.end) - max(start, a.content.start)
        inner = start <= a.content.start and a.content.end <= end and overlap * 3 >= end - start
        if overlap > 0 and (overlap * 2 >= end - start or inner):
            if best is None or (a.content.end - a.content.start) < (best.content.end - best.content.start):
                best = a
    return best


def _salience(index: _Mentions, types: dict[str, str], excluded: set[str], data: dict) -> list[str]:
    """Actors of the document, most accused first: subjects of accusation verbs count triple."""
    score: Counter[str] = Counter()
    for m in index.items:
        if m.entity in excluded or types.get(m.entity) not in data["actor_types"] or m.kind == "role":
            continue
        score[m.entity] += 1
        root = index.roots[m]
        if root is not None and root.dep_ in _SUBJECTS and root.head.lemma_ in data["accusation_verbs"]:
            score[m.entity] += 3
    return [k for k, _ in score.most_common()]


def _anaphor(sent: Span, index: _Mentions, types: dict[str, str], excluded: set[str],
             data: dict) -> str | None:
    """'the mentioned organization' → the last entity of that type named before the sentence."""
    for i, tok in enumerate(sent[:-1]):
        if tok.lower_ in data["anaphor_modifiers"] and sent[i + 1].lower_ in data["anaphor_heads"]:
            want = data["anaphor_heads"][sent[i + 1].lower_]
            before = [m for m in index.before(sent.start_char) if types.get(m.entity) == want
                      and m.entity not in excluded]
            if before:
                return max(before, key=lambda m: m.start).entity
    return None


def _about(start: int, end: int, index: _Mentions, types: dict[str, str], excluded: set[str],
           data: dict) -> list[str]:
    """Entities named in ``[start, end)`` of the sentence, the accused first, outermost mentions only."""
    inside = [m for m in index.within(start, end) if m.entity not in excluded
              and types.get(m.entity) in data["about_types"]]
    outer = [m for m in inside if not any(o is not m and o.start <= m.start and m.end <= o.end
                                          and (o.end - o.start) > (m.end - m.start) for o in inside)]

    def rank(m: MentionRecord) -> tuple[int, int]:
        tok = index.roots[m]
        score = 3
        if tok is not None:
            head = tok.head
            demanded = (tok.dep_ == "dobj" and head.lemma_ in data["demand_verbs"]) or (
                tok.dep_ == "pobj" and head.lower_ in ("on", "upon") and head.head.lemma_ in data["demand_verbs"])
            if demanded:
                score = 0  # 'urged the ELN to ...': the one called on comes first
            elif tok.dep_ in _SUBJECTS or (tok.dep_ == "pobj" and head.lower_ == "by"):
                score = 0 if head.lemma_ in data["accusation_verbs"] or head.lemma_ == "be" else 1
            elif any(a.dep_ in _SUBJECTS for a in tok.ancestors):
                score = 2
        if types.get(m.entity) not in data["actor_types"]:
            score += 4
        return score, m.start

    ordered: list[str] = []
    for m in sorted(outer, key=rank):
        if m.entity not in ordered:
            ordered.append(m.entity)
    return ordered


def _denial(toks: list[Token], lower: str, data: dict) -> tuple[str | None, bool]:
    """The word that makes a sentence a denial, and whether it is weak.

    Strong: a denial verb ('rejects', 'denies'), a phrase denying a toll or an event ('not a single',
    'no casualties'), a word calling something false used as a predicate or on what a verb acts on
    ('denounces this biased report'). Weak: the same word deep in a description ('Mrs X, author of the biased
    report, ...'), which an accusation in the same sentence outweighs.
    """
    for phrase in data["denial_phrases"]:
        if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", lower):
            return phrase, False
    weak = None
    for t in toks:
        low = t.lower_
        if t.pos_ == "VERB" and t.lemma_.lower() in data["denial_verbs"]:
            return t.lemma_, False
        if low in data["denial_words"]:
            noun = t.head
            if t.dep_ != "amod" or noun.dep_ == "ROOT" or (
                    noun.dep_ in ("dobj", "nsubj", "nsubjpass", "attr") and noun.head.pos_ in ("VERB", "AUX")):
                return low, False
            weak = weak or low
    return weak, weak is not None


def _only_as_target(toks: list[Token], noun: str, data: dict) -> bool:
    """Every use of the accusation noun ``noun`` names who an operation struck ('killed 20 militants',
    'a number of terrorists were eliminated'), not who is accused."""
    uses = [t for t in toks if t.lower_ == noun]
    if not uses:
        return False
    for t in uses:
        node = t
        while node.dep_ in ("pobj", "prep", "compound", "amod", "conj", "appos", "nmod") and node.head.i != node.i:
            node = node.head
        if not (node.dep_ in ("dobj", "nsubjpass") and node.head.lemma_.lower() in data["operation_verbs"]):
            return False
    return True


def _question(toks: list[Token], text: str, data: dict) -> bool:
    """A question: it ends with '?' and opens with a question word or an auxiliary ('Did ...', 'Why ...');
    'I lost 10 family members, what shall we do now?' asserts before it asks."""
    if not text.rstrip().endswith("?") or not toks:
        return False
    first = next((t for t in toks if t.is_alpha), toks[0])
    return first.lower_ in data["question_openers"] or first.tag_ == "MD"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t,;:“\"'‘":
        start += 1
    while end > start and (text[end - 1] in " \t,;:”\"'’" or text[max(start, end - 4):end].lower() == " and"):
        end -= 4 if text[max(start, end - 4):end].lower() == " and" else 1
    return start, end


def _stance(sent: Span, index: _Mentions, types: dict[str, str], data: dict,
            attributions: list[AttributionRecord] = ()) -> tuple[Token, str] | None:  # type: ignore[assignment]
    """A main verb of denial or blame and the actor that is its subject: 'The rebel group has rejected the
    accusations', 'The GNA blamed it on Haftar' — that actor asserts the clause. A subject the entities stage
    did not name ('The rebel group') is known through an attribution whose speaker it is ('..., and says')."""
    for verb in sent:
        if verb.pos_ != "VERB" or verb.lemma_.lower() not in data["stance_verbs"] or verb.dep_ not in ("ROOT", "conj"):
            continue
        subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subj is None and verb.dep_ == "conj":
            subj = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
        if subj is None:
            continue
        for m in index.within(sent.start_char, sent.end_char):
            root = index.roots[m]
            if root is not None and root.i == subj.i and types.get(m.entity) in data["actor_types"]:
                return verb, m.entity
        for a in attributions:
            sp = a.speaker_span
            if a.speaker and sp is not None and sp.start <= subj.idx < sp.end:
                return verb, a.speaker
    return None


def _pieces(doc: Doc, attributions: list[AttributionRecord], index: _Mentions, types: dict[str, str],
            asserter: str | None, data: dict) -> Iterator[tuple[Span, int, int, AttributionRecord | None, str | None]]:
    """Each claim candidate: (sentence, start, end, covering attribution, asserter).

    A sentence is cut to the attribution that covers it (not to the object of a denial, blame or
    demand, whose verb is the claim); a denial or blame by a named actor outside that
    content ('The rebel group has rejected the accusations, and says X') is a candidate of its own,
    asserted by that actor.
    """
    text = doc.text
    framing = [a for a in attributions if not _stance_cue(doc, a, data)]
    for sent in units(doc):
        start, end = sent.start_char, sent.end_char
        att = _covering(framing, start, end)
        stance = _stance(sent, index, types, data, attributions)
        if stance is not None and (att is None or stance[0].idx < att.content.start):
            cut = end if att is None else min(att.content.start, att.cue.start if att.cue else end)
            s0, e0 = _trim(text, start, cut)
            if e0 - s0 >= 10:
                yield sent, s0, e0, None, stance[1]
            if att is None:
                continue
        if att is not None:
            start, end = _trim(text, max(start, att.content.start), min(end, att.content.end))
        if end - start < 10:
            continue
        yield sent, start, end, att, att.speaker if att is not None and att.speaker else asserter


def _checkworthy(features: dict[str, object]) -> float:
    """A transparent score in [0, 1] from the cues found: claims below ``min_checkworthy`` are not kept."""
    score = 0.15
    score += 0.35 if features["figure"] else 0.0
    score += 0.3 if features["accusation"] else 0.0
    score += 0.3 if features["denial"] else 0.0
    score += 0.2 if features["characterization"] else 0.0
    score += 0.15 if features["demand"] else 0.0
    score += 0.2 if features["actor_subject"] else 0.0
    score += 0.1 if features.get("party_speaks") else 0.0  # a named party's own words ('..., Atonfack said')
    score += 0.1 if features["actor_subject"] and features["negated"] else 0.0  # 'X does not have ...' 
    score += min(0.15, 0.05 * int(features["entities"]))  # type: ignore[call-overload]
    score -= 0.1 if features["hedge"] else 0.0
    score -= 0.3 if features["question"] else 0.0
    return round(max(0.0, min(1.0, score)), 3)


def _rank_cues(score: float, features: dict[str, object], data: dict) -> float:
    """The cue score a kept claim is ranked by (weights in data/claims.json ``ranking``).

    What an analyst checks first gains: a toll, a grave charge stated as a characterization ('this is genocide'), a
    denial, a named actor said not to do or have something. What is background loses: a number that counts no harm (a population, a date, a count of
    resolutions) below a toll of the dead, injured, detained or displaced; a retrospective or counterfactual
    sentence; and, a little per word, a long sentence, which gathers cues by its length.
    """
    w = data["rank_weights"]
    score += w.get("grave_charge", 0.0) if features["grave_charge"] else 0.0
    score += w.get("denial", 0.0) if features["denial"] else 0.0
    score += w.get("toll", 0.0) if features["harm_figure"] else 0.0
    score += w.get("harmless_figure", 0.0) if features["figure"] and not features["harm_figure"] else 0.0
    score += w.get("retrospective", 0.0) if features["retrospective"] else 0.0
    score += w.get("counterfactual", 0.0) if features["counterfactual"] else 0.0
    score += w.get("negated_actor", 0.0) if features["actor_subject"] and features["negated"] else 0.0
    if not features["harm_figure"]:  # a toll's length is its list of figures
        extra = max(0, int(features["words"]) - int(w.get("long_words", 10_000)))  # type: ignore[call-overload]
        score -= min(w.get("max_length_cost", 0.0), -w.get("per_long_word", 0.0) * extra)
    return round(max(0.0, min(1.0, score)), 3)


def _phrase(lower: str, phrases: tuple[str, ...]) -> str | None:
    return next((p for p in phrases if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", lower)), None)


def extract_claims(
    doc: Doc,
    entities: list[EntityRecord],
    mentions: list[MentionRecord],
    asserter: str | None,
    attributions: list[AttributionRecord],
    quantities: list[QuantityRecord],
) -> tuple[list[ClaimRecord], list[QuantityRecord]]:
    """The document's claims, and its quantities with ``claim`` set to the claim stating each.

    Args:
        doc: the parsed document.
        entities, mentions: the entities stage's records.
        asserter: the entity id that speaks for the document (or None).
        attributions: who said what (claims inside an attribution's content take its speaker).
        quantities: figures (each is linked to the claim whose span holds it).
    """
    data = claim_data()
    text = doc.text
    types = {e.id: e.type for e in entities}
    relays = {v for a in attributions for v in a.via}
    speaker_spans = [(a.speaker_span.start, a.speaker_span.end) for a in attributions if a.speaker_span]
    in_speaker = {m.entity for m in mentions for s, e in speaker_spans if s <= m.start and m.end <= e}
    index = _Mentions(doc, mentions)
    salient = _salience(index, types, {asserter} | relays if asserter else relays, data)
    claims: list[ClaimRecord] = []
    sentences: list[str] = []  # each claim's sentence: the model reads its vector (shared with the techniques)
    tags: list[str] = []  # each claim's POS tags, read by the model's tag block from this Doc (no second parse)
    for sent, start, end, att, speaker in _pieces(doc, attributions, index, types, asserter, data):
        lower = text[start:end].lower()
        toks = [t for t in sent if start <= t.idx < end]
        words = {t.lower_ for t in toks}
        figs = [q for q in quantities if start <= q.start and q.end <= end]
        acc_verb = next((t for t in toks if t.lemma_.lower() in data["accusation_verbs"] and t.pos_ == "VERB"), None)
        acc_noun = _has(lower, *data["accusation_nouns"], words)
        # 'a large number of JeM terrorists were eliminated': an operation's report, not an accusation
        struck = bool(acc_noun) and acc_verb is None and _only_as_target(toks, str(acc_noun), data)
        denial, weak_denial = _denial(toks, lower, data)
        demand = _has(lower, *data["demand_cues"], words)
        copula = any(t.lemma_ in data["copulas"] and t.dep_ in ("ROOT", "ccomp", "conj", "xcomp") for t in toks)
        char = _has(lower, *data["characterization"], words) if copula else None
        blame = _has(lower, *data["blame"], words) if copula else None  # 'X is responsible for ...'
        hedge = bool(words & data["hedges"])
        question = _question(toks, text[start:end], data)
        # Who says it and who relays it are not what it is about: this claim's own speaker and relays, and any
        # entity named in this sentence only as someone's speaker ('..., the GNA said').
        here = att.via if att is not None else ()
        excluded = ({speaker} if speaker else set()) | set(here) | (relays & in_speaker) | {
            m.entity for m in index.within(sent.start_char, sent.end_char) for s, e in speaker_spans
            if s <= m.start and m.end <= e}
        about = _about(start, end, index, types, excluded, data)
        actors = [a for a in about if types.get(a) in data["actor_types"]]
        actor_subject = any(m.entity in actors and (r := index.roots[m]) is not None and r.dep_ in _SUBJECTS
                            for m in index.within(start, end))
        if weak_denial and (acc_noun or acc_verb is not None):
            denial = None  # '... evidence of links between Mrs X, author of the biased report, and terrorists'
        harm = any(q.category not in ("other", "population") for q in figs)
        features = {"figure": bool(figs), "harm_figure": harm,
                    "accusation": bool(acc_verb is not None and actors) or bool(acc_noun),
                    "denial": bool(denial), "characterization": bool(char), "demand": bool(demand),
                    "actor_subject": actor_subject, "negated": any(t.dep_ == "neg" for t in toks),
                    "entities": len(about), "hedge": hedge, "question": question,
                    "party_speaks": att is not None and types.get(att.speaker or "") in data["actor_types"],
                    "grave_charge": bool(char) and str(char) in data["rank_phrases"]["grave_charges"],
                    "retrospective": bool(_phrase(lower, data["rank_phrases"]["retrospective"])) or any(
                        e.label_ == "DATE" and start <= e.start_char and e.end_char <= end
                        and any(t.lower_ in data["period_words"] for t in doc[max(e.start - 1, 0):e.end])
                        for e in sent.ents),
                    "counterfactual": bool(_phrase(lower, data["rank_phrases"]["counterfactual"])),
                    "words": sum(1 for t in toks if t.is_alpha)}
        score = _checkworthy(features)
        if score < data["min_checkworthy"]:
            continue
        if denial:
            claim_type, polarity = "denial", "deny"
        elif blame and actors and not figs:
            claim_type, polarity = "accusation", "affirm"
        elif figs:
            claim_type, polarity = "figure", "affirm"
        elif char:
            claim_type, polarity = "characterization", "affirm"
        elif demand and (sent.root.lemma_ in data["demand_verbs"]
                         or any(c.lower_ in ("must", "should") for c in sent.root.children)):
            claim_type, polarity = "demand", "affirm"  # the sentence is the demand ('urged X to release ...')
        elif blame and actors:
            claim_type, polarity = "accusation", "affirm"  # 'Turkey is accountable for this incident'
        elif features["accusation"] and struck:
            claim_type, polarity = "event", "affirm"
        elif features["accusation"]:
            claim_type, polarity = "accusation", "affirm"
        elif demand:
            claim_type, polarity = "demand", "affirm"
        else:
            claim_type, polarity = ("event" if any(t.tag_ == "VBD" for t in toks) else "other"), "affirm"
        if not actors:
            borrowed = _anaphor(sent, index, types, excluded, data)
            if borrowed is None and (claim_type in ("characterization", "accusation", "denial") or harm):
                borrowed = next((k for k in salient if k not in excluded), None)
            if borrowed is not None:
                about = [borrowed, *[a for a in about if a != borrowed]]
        cues = [f"{k}={v if isinstance(v, str) else getattr(v, 'text', v)}" for k, v in
                (("figure", len(figs)), ("accusation", (acc_verb.text if acc_verb is not None else acc_noun)),
                 ("denial", denial), ("characterization", char), ("demand", demand)) if v]
        claims.append(ClaimRecord(
            id=f"c{len(claims)}", start=start, end=end, text=text[start:end], asserter=speaker,
            claim_type=claim_type, polarity=polarity, checkworthy=_rank_cues(score, features, data), about=tuple(about),
            attribution=att.id if att is not None else None,
            rule="; ".join(cues) or "actor statement"))
        sentences.append(sent.text)
        tags.append(pos_sequence(toks))
    claims = rescore(claims, doc_memo(doc), sentences, tags)  # the learned model joins the cue score (counterclaim.checkworthy)
    linked = []
    for q in quantities:
        owner = next((c for c in claims if c.start <= q.start and q.end <= c.end), None)
        linked.append(dataclasses.replace(q, claim=owner.id) if owner is not None else q)
    return claims, linked

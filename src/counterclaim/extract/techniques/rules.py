"""Persuasion techniques found by rules: lexicons and Matcher patterns from ``data/techniques.json``.

Pure functions over a parsed Doc (plus the matchers built once per pipeline) that
return :class:`Hit` tuples with token offsets, a SemEval-2023 label, a score and a
``why`` an analyst can read. Precision comes first: a word common in neutral wire
copy is either absent from the lexicons or fires only in a naming position
('the terrorist NFOR YACUBU', never 'an alleged terrorist camp').
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token

from counterclaim.extract.techniques.lexicon import Lexicon, lexicon
from counterclaim.names import is_title_case
from counterclaim.resources import load_json

_JOINERS = {",", "and", "or", "-", "–", "so", "very", "most", "utterly", "completely", "totally", "such"}
_DEFINITE = {"the", "this", "that", "these", "those"}
_ASIDE_OPENERS = {"—", "–", "(", "["}
_MAX_WALK = 6


@dataclass(frozen=True)
class Hit:
    """One flag: tokens ``[start, end)`` of the Doc carry ``label`` because of ``why``."""

    start: int
    end: int
    label: str
    score: float
    why: str
    rule: str
    key: str = ""  # the cue word, for counting repetitions


class Matchers:
    """The Matcher and PhraseMatchers of the stage, built once for a pipeline's vocabulary."""

    def __init__(self, make_doc: Callable[[str], Doc], lex: Lexicon | None = None) -> None:
        self.lex = lex or lexicon()
        doc0 = make_doc("")
        self.patterns = Matcher(doc0.vocab)
        for n, p in enumerate(self.lex.patterns):
            self.patterns.add(f"p{n}", [p["pattern"]])
        insult = [{"LOWER": {"IN": list(self.lex.insult_subjects)}}, {"LEMMA": "be"}, {"LOWER": "not", "OP": "?"},
                  {"LOWER": {"IN": ["a", "an", "just", "simply"]}, "OP": "*"},
                  {"LOWER": {"IN": list(self.lex.insult_nouns)}}]
        self.patterns.add("insult", [insult])
        self.loaded = PhraseMatcher(doc0.vocab, attr="LOWER")
        self.loaded.add("loaded", [make_doc(w) for w in sorted(self.lex.loaded | self.lex.weak)])
        self.labelling = PhraseMatcher(doc0.vocab, attr="LOWER")
        words = sorted(self.lex.labelling) + [" ".join(p) for p in self.lex.labelling_phrases]
        self.labelling.add("labelling", [make_doc(w) for w in words])
        self.noun_only = frozenset(load_json("techniques.json")["loaded_words"].get("noun_only", []))


def _walk_adjectives(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Grow ``[start, end)`` over coordinated adjectives to the left and right and the noun they modify."""
    i = start
    while i > 0 and start - i < _MAX_WALK and (doc[i - 1].pos_ in ("ADJ", "ADV") or doc[i - 1].lower_ in _JOINERS) \
            and "\n" not in doc[i - 1].text:
        i -= 1
    while i < start and (doc[i].lower_ in _JOINERS or doc[i].is_punct):
        i += 1
    j = end
    while j < len(doc) and j - end < _MAX_WALK and "\n" not in doc[j].text and (
            doc[j].pos_ == "ADJ" or doc[j].lower_ in _JOINERS or doc[j].tag_ == "VBN"):
        j += 1
    while j < len(doc) and j - end < _MAX_WALK and doc[j].pos_ in ("NOUN", "PROPN") and "\n" not in doc[j].text:
        j += 1
    while j > end and (doc[j - 1].lower_ in _JOINERS or doc[j - 1].is_punct):
        j -= 1
    return i, j


def _in_a_name(tok: Token) -> bool:
    """A capitalised word inside a sentence is part of a name or title ('the Michael Savage show', 'The Dictator Pope').

    Not in a title-case headline, where every word is capitalised ('Trump Calls Them Thugs').
    """
    if not tok.text[:1].isupper() or tok.is_sent_start or tok.i == 0 or "\n" in tok.nbor(-1).text \
            or tok.nbor(-1).text in ("“", '"', "‘", "'", ":", "("):
        return False
    return not is_title_case(t.text for t in _sentence(tok.doc, tok.i) if t.is_alpha)


def loaded_hits(doc: Doc, m: Matchers) -> list[Hit]:
    """Loaded_Language on each strongly evaluative word, spread over its adjective phrase.

    A weak word (as often plain description) keeps its full score only on a noun that
    carries what the other side says ('a biased report', 'fictitious narrative').
    """
    out = []
    lex = m.lex
    for _, s, e in m.loaded(doc):
        tok = doc[e - 1]
        word = doc[s:e].text.lower()
        if word in m.noun_only and tok.pos_ not in ("NOUN", "PROPN"):
            continue
        if _in_a_name(doc[s]):
            continue
        if tok.pos_ in ("VERB", "AUX") and tok.dep_ not in ("amod", "acomp", "conj") and tok.tag_ not in ("VBD", "VBN"):
            continue
        s2, e2 = _walk_adjectives(doc, s, e)
        score, why = lex.loaded_score, f"loaded word '{doc[s:e].text}'"
        if word in lex.weak and word not in lex.loaded:
            if doc[e2 - 1].lower_ in lex.discredited and e2 > e:
                why = f"'{doc[s:e].text}' discredits the other side's {doc[e2 - 1].text}"
            else:
                score = lex.weak_score
        out.append(Hit(s2, e2, "Loaded_Language", score, why, "loaded_word", word))
    return out


def _names_someone(doc: Doc, s: int, e: int, lex: Lexicon) -> tuple[int, int] | None:
    """For a conditional labelling noun at ``[s, e)``: the span naming someone, or None.

    Naming positions: followed by a proper noun ('the terrorist NFOR YACUBU'), after the
    proper name of a group or person ('PKK terrorists'), or 'the X organization' ('the
    treacherous terrorist organization'). A word that only describes is no label: a
    modifier of a common noun ('terrorist attack', 'its terrorist proxies'), after a
    nationality or religion ('Sunni extremists' names no one), or after 'alleged',
    'suspected' and the like.
    """
    before = [t.lower_ for t in doc[max(0, s - 2):s]]
    if any(b in lex.blockers for b in before):
        return None
    tok, nxt = doc[s], (doc[e] if e < len(doc) else None)
    prev = doc[s - 1] if s > 0 else None
    head = tok.head
    if tok.dep_ in ("compound", "amod", "nmod") and head.i >= e and head.pos_ == "NOUN" \
            and head.lower_ not in lex.naming_heads:
        return None
    if nxt is not None and nxt.pos_ == "PROPN" and "\n" not in doc[e - 1].whitespace_:
        j = e
        while j < len(doc) and doc[j].pos_ == "PROPN" and j - e < 5:
            j += 1
        return s, j
    if prev is not None and prev.ent_type_ not in ("NORP", "GPE", "LANGUAGE") and (
            prev.pos_ == "PROPN" or prev.ent_type_ == "ORG"):
        i = s - 1
        while i > 0 and doc[i - 1].pos_ == "PROPN" and s - i < 5:
            i -= 1
        return i, e
    if nxt is not None and nxt.lower_ in lex.naming_heads:
        i = s
        while i > 0 and (doc[i - 1].pos_ == "ADJ" or doc[i - 1].lower_ in _JOINERS) and s - i < _MAX_WALK:
            i -= 1
        if i > 0 and doc[i - 1].lower_ in _DEFINITE:
            return i, e + 1
    return None


def labelling_hits(doc: Doc, m: Matchers) -> list[Hit]:
    """Name_Calling-Labeling on labelling nouns ('Armenian chauvinists', 'war criminal Khalifa Haftar')."""
    out = []
    for _, s, e in m.labelling(doc):
        span = doc[s:e]
        if span.root.pos_ not in ("NOUN", "PROPN", "ADJ") or _in_a_name(doc[s]):
            continue
        i, j = s, e
        while i > 0 and (doc[i - 1].pos_ == "ADJ" or doc[i - 1].ent_type_ == "NORP") and s - i < 3:
            i -= 1
        while j < len(doc) and doc[j].pos_ == "PROPN" and j - e < 5:
            j += 1
        out.append(Hit(i, j, "Name_Calling-Labeling", 0.75, f"labels someone '{span.text}'", "labelling_noun",
                       span.text.lower()))
    for tok in doc:
        # written in lower case: a capitalised 'Terrorists' heads a title-case headline or a sentence, naming no one
        if tok.lower_ in m.lex.conditional and tok.pos_ in ("NOUN", "PROPN", "ADJ") and tok.text.islower():
            named = _names_someone(doc, tok.i, tok.i + 1, m.lex)
            if named is not None:
                out.append(Hit(*named, "Name_Calling-Labeling", 0.7,
                               f"'{tok.text}' used as a name for someone", "labelling_noun", tok.lower_))
    return out


def _sentence(doc: Doc, i: int) -> Span:
    """The sentence of token ``i``, cut at line breaks."""
    sent = doc[i].sent
    s, e = sent.start, sent.end
    for k in range(i - 1, s - 1, -1):
        if "\n" in doc[k].text:
            s = k + 1
            break
    for k in range(i, e):
        if "\n" in doc[k].text:
            e = k
            break
    while e > s and (doc[e - 1].is_space or doc[e - 1].is_punct and doc[e - 1].text not in ".!?"):
        e -= 1
    return doc[s:e]


def qualifies_common_word(doc: Doc, s: int, e: int) -> bool:
    """Whether a doubt marker at ``[s, e)`` qualifies a common word ('so-called referendums', 'so-called free media').

    Reporters use the same markers to introduce a term: in quotation marks ('the so-called
    "sunset" clause'), a proper name ('the so-called Demilitarized Zone') or an aside set off
    by a dash or a bracket ('— so-called ghost guns —'); none of these doubts anything.
    """
    if e >= len(doc) or (s > 0 and doc[s - 1].text in _ASIDE_OPENERS):
        return False
    nxt = doc[e]
    return nxt.is_alpha and not nxt.text[0].isupper() and (nxt.pos_ in ("NOUN", "ADJ") or nxt.tag_ == "VBG")


def pattern_hits(doc: Doc, m: Matchers) -> list[Hit]:
    """The Matcher patterns of the data file, and the insult predicate ('He is not a fool')."""
    out = []
    vocab = doc.vocab.strings
    for match_id, s, e in m.patterns(doc):
        name = vocab[match_id]
        if name == "insult":
            out.append(Hit(s, e, "Name_Calling-Labeling", 0.75, f"calls someone '{doc[e - 1].text}'",
                           "insult", doc[e - 1].lower_))
            continue
        p = m.lex.patterns[int(name[1:])]
        if p.get("requires") == "doubted_term":
            if not qualifies_common_word(doc, s, e):
                continue
        elif p.get("span") == "sentence" or p.get("requires"):
            sent = _sentence(doc, s)
            if p.get("requires") == "turn_verbs" and not any(
                    t.lemma_.lower() in m.lex.turn_verbs and t.pos_ == "VERB" and not s <= t.i < e for t in sent):
                continue
            if p.get("span") == "sentence":
                s, e = sent.start, max(sent.end, e)
        out.append(Hit(s, e, p["label"], float(p["score"]), p["why"], f"pattern:{p['label']}",
                       doc[s:e].text.lower()))
    return out


def repetition_hits(hits: Iterable[Hit], min_uses: int, min_score: float = 0.0) -> list[Hit]:
    """Repetition on the later uses of a loaded or labelling cue used ``min_uses`` times or more (weak uses not counted)."""
    uses: dict[str, list[Hit]] = defaultdict(list)
    for h in hits:
        if h.rule in ("loaded_word", "labelling_noun") and h.key and h.score >= min_score:
            uses[h.key].append(h)
    out = []
    for key, group in uses.items():
        group = sorted(group, key=lambda h: h.start)
        if len(group) >= min_uses:
            out += [Hit(h.start, h.end, "Repetition", 0.6, f"'{key}' used {len(group)} times in the document",
                        "repetition", key) for h in group[1:]]
    return out


def rule_hits(doc: Doc, m: Matchers) -> list[Hit]:
    """Every rule's hits on ``doc`` (unmerged; the component merges and scores them)."""
    hits = loaded_hits(doc, m) + labelling_hits(doc, m) + pattern_hits(doc, m)
    return hits + repetition_hits(hits, m.lex.repetition_min, m.lex.min_score)


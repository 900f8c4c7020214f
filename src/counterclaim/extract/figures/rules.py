"""Figures: the counts a document states, as :class:`~counterclaim.records.QuantityRecord` s.

:func:`extract_quantities` is a pure function over a parsed Doc:

1. :mod:`.numbers` finds every number expression and reads its value, range and
   approximation qualifier;
2. :mod:`.filters` drops the numbers that are not counts (years, dates, identifiers,
   measures, money, ages, phone numbers);
3. :mod:`.cues` finds what each number counts and what happened to it;
4. this module links parts to wholes — '613 people, including 106 women, ...',
   '1275 people ..., and the fate of 150 of them', '2,140 casualties (610 killed
   and 1,530 injured)' — and keeps only figures that count something: a person,
   object or event noun, or a number a category cue speaks for ('610 killed').

Precision is preferred to recall: a vague figure ('hundreds of'), a bare number, the
number one, or a noun that is not a known countable (countries, resolutions) is kept
only when a category cue says what happened to it. A top-level figure has no
``subgroup``; a part of another figure gets the subgroup its noun names (women,
children, older people) and, unless it says otherwise, its parent's category.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_right
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from counterclaim.extract.figures.cues import Counted, Cue, find_category, find_counted, noun_category, sentence_cue
from counterclaim.extract.figures.filters import not_count_reason
from counterclaim.extract.figures.lexicon import Lexicon, lexicon
from counterclaim.extract.figures.numbers import NumberPhrase, find_number_phrases
from counterclaim.extract.figures.scope import figure_scope, revision_verb, years
from counterclaim.records import QuantityRecord, span_fields

_GLUE = (",", "and", "as", "well", "or", ";")


@dataclass
class _Candidate:
    ph: NumberPhrase
    sent: int
    sent_start: int
    counted: Counted
    cue: Cue | None
    link: str | None = None  # including | partitive | paren
    link_word: str = ""
    parent: int | None = None  # index into the candidate list
    solid: bool = False  # a figure in its own right (no parent needed)
    repeat: bool = False  # 'these 55 hostages' after '55 people': the same figure again


def _sentences(doc: Doc) -> tuple[list[int], list[int]]:
    starts, ends = [], []
    for sent in doc.sents:
        starts.append(sent.start)
        ends.append(sent.end)
    return starts, ends


def _cue_before(doc: Doc, at: int, sent_start: int, lex: Lexicon) -> str | None:
    """A subgroup cue ending just before token ``at`` ('including', 'among them', 'Of them,')."""
    end = at
    if end - 1 >= sent_start and doc[end - 1].text == ",":
        end -= 1
    for cue in lex.subgroup_cues:
        k = len(cue)
        if end - k >= sent_start and tuple(t.lower_ for t in doc[end - k:end]) == cue:
            return " ".join(cue)
    return None


def _only_glue(doc: Doc, start: int, end: int) -> bool:
    return all(doc[k].lower_ in _GLUE for k in range(start, end))


def _compatible(parent_kind: str | None, child_kind: str | None) -> bool:
    return parent_kind is None or child_kind is None or parent_kind == child_kind


def _subgroup(counted: Counted, lex: Lexicon) -> str | None:
    words = counted.phrase_tokens
    for group in lex.subgroups:
        if len(group) <= len(words) and words[-len(group):] == group:
            return " ".join(group)
    return None


def _category_ref(doc: Doc, at: int, sent_start: int, lex: Lexicon) -> str | None:
    """'of the killed, 60 were children', 'among the injured, 12': the category of the whole named before ``at``."""
    end = at - 1 if at - 1 >= sent_start and doc[at - 1].text == "," else at
    if end - 3 < sent_start or doc[end - 3].lower_ not in ("of", "among") or doc[end - 2].lower_ != "the":
        return None
    word = doc[end - 1].lower_
    return next((c.name for c in lex.categories if word in c.adjectives or word in c.nouns), None)


def _aside(doc: Doc, prev: _Candidate, cand: _Candidate, lex: Lexicon) -> str | None:
    """The opener of an aside listing ``prev``'s parts: '(36 men, 19 women ...)', 'Five civilians — a woman
    and four children — died', '612 civilian casualties: 190 killed and 422 injured'."""
    at, q = prev.counted.end, cand.ph.q_start
    if not prev.solid or at >= q or doc[at].text not in lex.aside_openers:
        return None
    between = doc[at + 1:q]
    if len(between) > 8 or any(t.text in lex.aside_openers or t.text in (")", ";") or t.pos_ in ("VERB", "AUX")
                               for t in between):
        return None
    return doc[at].text


def _aside_goes_on(doc: Doc, prev: _Candidate, cand: _Candidate, lex: Lexicon) -> bool:
    """``cand`` is still inside the aside ``prev`` is in (no closing bracket, dash, ';' or '.' between)."""
    closers = {")", ";", "."} | (set() if prev.link_word in ("(", ":") else set(lex.aside_openers))
    return prev.link == "paren" and not any(t.text in closers for t in doc[prev.ph.end:cand.ph.q_start])


def _link(cands: list[_Candidate], doc: Doc, lex: Lexicon) -> None:
    """Mark parts ('including 106 women', '150 of them', '(610 killed ...)', '12 of the 40 victims',
    'of the killed, 60') and find their wholes, nested to any depth."""
    for n, cand in enumerate(cands):
        prev = cands[n - 1] if n and cands[n - 1].sent == cand.sent else None
        q = cand.ph.q_start
        if cand.counted.partitive:
            cand.link, cand.link_word = "partitive", doc[cand.ph.end:cand.counted.end].text
            nxt = cands[n + 1] if n + 1 < len(cands) else None
            if nxt is not None and nxt.ph.q_start == cand.counted.end and nxt.ph.value > cand.ph.value:
                cand.parent = n + 1  # '12 of the 40 victims'
        elif category := _category_ref(doc, q, cand.sent_start, lex):
            cand.link, cand.link_word = "including", doc[q - 3:q].text.rstrip(",").strip()
            cand.parent = next((k for k in range(n - 1, -1, -1) if cands[k].sent >= cand.sent - 1
                                and cands[k].cue is not None and cands[k].cue.category == category
                                and cands[k].ph.value > cand.ph.value), None)
        elif word := _cue_before(doc, q, cand.sent_start, lex):
            cand.link, cand.link_word = "including", word
        elif prev is not None and (opener := _aside(doc, prev, cand, lex)):
            cand.link, cand.link_word, cand.parent = "paren", opener, n - 1
        elif prev is not None and _aside_goes_on(doc, prev, cand, lex):
            cand.link, cand.link_word, cand.parent = prev.link, prev.link_word, prev.parent
        elif prev is not None and prev.link == "including" and prev.counted.end <= q \
                and _only_glue(doc, prev.counted.end, q) and _continues(cands, prev, cand, lex):
            cand.link, cand.link_word, cand.parent = prev.link, prev.link_word, prev.parent
        if cand.link in ("including", "partitive") and cand.parent is None:
            cand.parent = _find_parent(cands, n)


def _continues(cands: list[_Candidate], prev: _Candidate, cand: _Candidate, lex: Lexicon) -> bool:
    """Whether ``cand`` goes on the list of parts ``prev`` is in ('106 women, 63 children and 70 older people')."""
    if prev.parent is not None and cand.ph.value >= cands[prev.parent].ph.value:
        return False  # '..., including 12 children, 414 people were injured': a new whole
    return cand.counted.head is None or _subgroup(cand.counted, lex) is not None


def _find_parent(cands: list[_Candidate], n: int) -> int | None:
    """The nearest earlier whole (same sentence, else the one before) a part can belong to."""
    child = cands[n]
    for sent in (child.sent, child.sent - 1):
        for k in range(n - 1, -1, -1):
            other = cands[k]
            if other.sent < sent:
                break
            if other.sent != sent or other.link is not None or not other.solid:
                continue
            if other.ph.value > child.ph.value and _compatible(other.counted.kind, child.counted.kind):
                return k
    return None


def _is_solid(cand: _Candidate) -> bool:
    """A figure that stands on its own: it counts something known, or a cue says what happened."""
    counted, ph = cand.counted, cand.ph
    needs_cue = ph.vague or ph.value == 1 or counted.head is None or counted.kind is None
    if counted.partitive:
        return False
    return cand.cue is not None if needs_cue else counted.kind in ("person", "object", "event")


def _rule(cand: _Candidate, category_from: str, parent_id: str | None) -> str:
    parts = []
    counted = cand.counted.text
    if cand.cue is not None and category_from == "own":
        parts.append(cand.cue.why + (f" for '{counted}'" if counted else ""))
    elif category_from == "parent":
        parts.append(f"category of {parent_id}")
    else:
        parts.append(f"counts '{counted}'; no category cue" if counted else "no category cue")
    if parent_id is not None:
        parts.append(f"part of {parent_id} via '{cand.link_word}'")
    if cand.ph.qualifier:
        parts.append(f"qualifier '{cand.ph.qualifier}'")
    if cand.ph.vague:
        parts.append("vague number: value is the low bound")
    elif cand.ph.high is not None:
        parts.append("range: value is the low bound")
    return "; ".join(parts)


def _including_subject(noun: Token) -> Token | None:
    """The subject of the 'include' a counted noun is the object of ('the dead included 3 children')."""
    verb = noun.head
    if noun.dep_ != "dobj" or verb.lemma_.lower() != "include":
        return None
    return next((c for c in verb.children if c.dep_ == "nsubj"), None)


def _candidates(doc: Doc, lex: Lexicon) -> list[_Candidate]:
    starts, ends = _sentences(doc)
    cands: list[_Candidate] = []
    for ph in find_number_phrases(doc, lex):
        if not_count_reason(doc, ph, lex) is not None:
            continue
        s = max(bisect_right(starts, ph.start) - 1, 0)
        counted = find_counted(doc, ph, ends[s], lex)
        if counted.kind in ("unit", "noncount"):
            continue
        cue = find_category(doc, ph, counted, ends[s], lex)
        if cue is None and counted.head is not None:
            whole = _including_subject(doc[counted.head])  # 'whose victims included 13 children'
            if doc[counted.head].lower_ in lex.victim_nouns or (whole is not None and whole.lower_ in lex.victim_nouns):
                cue = sentence_cue(doc, starts[s], ends[s], lex)
            elif whole is not None:
                cue = noun_category(whole, lex, None)
        cands.append(_Candidate(ph=ph, sent=s, sent_start=starts[s], counted=counted, cue=cue))
    return cands


def extract_quantities(doc: Doc) -> list[QuantityRecord]:
    """The figures ``doc`` states, in text order, with local ids 'q0', 'q1', ...

    Args:
        doc: a Doc parsed by :func:`counterclaim.nlp.load_nlp` (needs tags, parse and entities).

    Returns:
        One record per count of people, objects or events; ``claim`` and ``event`` are None.
    """
    lex = lexicon()
    text = doc.text
    cands = _candidates(doc, lex)
    seen_values: set[float] = set()
    for cand in cands:
        cand.solid = _is_solid(cand)
        q = cand.ph.q_start
        if cand.solid and q > 0 and doc[q - 1].lower_ in lex.anaphoric_determiners and cand.ph.value in seen_values:
            cand.solid, cand.repeat = False, True  # 'these 55 hostages': the 55 already counted
        if cand.solid:
            seen_values.add(cand.ph.value)
    _link(cands, doc, lex)

    keep = [c for c in cands if not c.repeat and (c.solid or c.parent is not None)]
    ids = {id(c): f"q{n}" for n, c in enumerate(keep)}
    records = []
    for cand in keep:
        parent = cands[cand.parent] if cand.parent is not None else None
        parent_id = ids.get(id(parent)) if parent is not None else None
        if parent is not None and parent_id is None:
            parent, parent_id = None, None
        category, category_from = (cand.cue.category, "own") if cand.cue else ("other", "none")
        if parent is not None and parent.cue is not None and (cand.link == "including" or cand.cue is None):
            category, category_from = parent.cue.category, "parent"
        counted = cand.counted.text
        if counted is None and parent is not None and cand.link == "partitive":
            counted = parent.counted.text  # '150 of them': them = the 1275 people
        ph = cand.ph
        start, end, span = span_fields(text, doc[ph.start].idx, doc[ph.end - 1].idx + len(doc[ph.end - 1].text))
        first, last = doc[ph.words_start], doc[ph.words_end - 1]
        records.append(QuantityRecord(
            id=ids[id(cand)], start=start, end=end, text=span, value=ph.value, low=ph.low, high=ph.high,
            approx=ph.approx, counted=counted, category=category,
            subgroup=_subgroup(cand.counted, lex) if parent_id is not None else None, parent=parent_id,
            rule=_rule(cand, category_from, parent_id), vague=ph.vague,
            stated=text[first.idx:last.idx + len(last.text)],
        ))
    return _scopes_and_revisions(doc, keep, records, lex)


def _scopes_and_revisions(doc: Doc, keep: list[_Candidate], records: list[QuantityRecord],
                          lex: Lexicon) -> list[QuantityRecord]:
    """Set each figure's ``scope`` (a part takes its whole's) and mark revisions ('later raised to 40')."""
    latest = max(years(doc), default=None)
    sents = list(doc.sents)
    own = [figure_scope(doc, c.ph, sents[c.sent], latest, lex) for c in keep]
    by_id = {r.id: n for n, r in enumerate(records)}
    out = []
    for n, rec in enumerate(records):
        k, seen = n, set()
        while records[k].parent is not None and records[k].parent not in seen:
            seen.add(records[k].parent)
            k = by_id[records[k].parent]
        scope, why = own[k]
        rule = rec.rule + (f"; scope {scope}: {why}" if scope != "incident" else "")
        out.append(dataclasses.replace(rec, scope=scope, rule=rule))
    for n, cand in enumerate(keep):
        verb = revision_verb(doc, cand.ph, lex) if out[n].parent is None else None
        if verb is None:
            continue
        for k in range(n - 1, -1, -1):
            earlier = out[k]
            if keep[k].sent < cand.sent - 2:
                break
            if earlier.parent is None and earlier.value != out[n].value and (
                    earlier.category in (out[n].category, "other") or out[n].category == "other"):
                category = out[n].category if out[n].category != "other" else earlier.category
                out[n] = dataclasses.replace(out[n], revision_of=earlier.id, category=category,
                                             rule=out[n].rule + f"; revises {earlier.id} ('{verb.text} to')")
                if earlier.category == "other":
                    out[k] = dataclasses.replace(earlier, category=category,
                                                 rule=earlier.rule + f"; category of its revision {out[n].id}")
                break
    return out

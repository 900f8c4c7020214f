"""Corrections to the small English model's entities, as a pure function over a Doc.

The model confuses things that matter to analysts: "Armenia" as a PERSON,
"1275" before "people" as a DATE, a sign-off name glued to the next line, single
capitalised words ("National", "Inhuman") as organisations, "Lachin corridor"
missed as a place, "the Turkish defence ministry" read as the nationality
"Turkish" (an institution is an organisation named with its country). :func:`fixed_entities` returns the corrected entity spans;
the pipeline component in :mod:`.component` assigns them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from counterclaim.extract.entities.gazetteer import Gazetteer, load_gazetteer
from counterclaim.extract.entities.persons import person_fixes
from counterclaim.extract.entities.roles import role_head_words
from counterclaim.names import is_title_case
from counterclaim.resources import load_json

_EDGE_JUNK = {"*", "**", "_", "\"", "'", "“", "”", "‘", "’", ",", ".", ":", ";", "(", ")", "-", "–", "—"}
_DETERMINERS = {"the", "The", "THE"}
_LABEL_FOR_TYPE = {"WORK": "WORK_OF_ART"}


@cache
def _data() -> dict:
    data = load_json(
        "entities.json",
        required=("keep_labels", "generic_single_words", "event_nouns", "place_suffixes", "admin_suffixes",
                  "count_nouns_after_number"),
    )
    return {
        "keep": data["keep_labels"],
        "generic": set(data["generic_single_words"]),
        "event_nouns": set(data["event_nouns"]),
        "place_suffixes": set(data["place_suffixes"]),
        "admin_suffixes": set(data["admin_suffixes"]),
        "count_nouns": set(data["count_nouns_after_number"]),
        "law_words": set(data["law_words"]),
        "institution_heads": set(data["institution_heads"]),
        "institution_modifiers": set(data["institution_modifiers"]),
    }


def _trim(span: Span) -> Span | None:
    """Cut an entity at the first line break and drop edge punctuation and 'the'."""
    doc = span.doc
    start, end = span.start, span.end
    for i in range(start, end):
        if "\n" in doc[i].text:
            end = i
            break
    opened = [i for i in range(start, end) if doc[i].text == "("]
    if opened and not any(doc[i].text == ")" for i in range(opened[-1], end)):
        end = opened[-1]  # 'Organization of Islamic Cooperation (OIC' → cut at the open bracket
    if span.label_ == "NORP":
        while end - start > 1 and doc[end - 1].text.islower():
            end -= 1  # 'Azerbaijani state' → 'Azerbaijani'

    while start < end and (doc[start].text in _EDGE_JUNK or doc[start].text in _DETERMINERS or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].text in _EDGE_JUNK or doc[end - 1].is_space
                           or doc[end - 1].text in ("'s", "’s")):
        end -= 1
    if start >= end:
        return None
    return Span(doc, start, end, label=span.label_, kb_id=span.kb_id_, span_id=span.id_)


def _relabel(span: Span, gaz: Gazetteer, data: dict) -> Span | None:
    doc = span.doc
    label = span.label_
    text = span.text
    hit = gaz.lookup(text)
    if hit is not None and label not in ("DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"):
        return Span(doc, span.start, span.end, label=_LABEL_FOR_TYPE.get(hit.type, hit.type), span_id=hit.key)
    if label == "DATE" and len(span) == 1 and span[0].like_num and span.end < len(doc):
        nxt = doc[span.end]
        if nxt.lower_ in data["count_nouns"]:
            return Span(doc, span.start, span.end, label="CARDINAL")
    if label not in data["keep"]:
        return span if label in ("CARDINAL", "DATE", "TIME", "ORDINAL", "MONEY", "PERCENT", "QUANTITY") else None
    if len(span) == 1 and (span[0].lower_ in data["generic"] or span[0].is_stop or not span[0].text[:1].isupper()):
        return None
    if not any(t.text[:1].isupper() or t.text[:1].isdigit() for t in span):
        return None
    if any(t.lower_ in data["law_words"] for t in span[:3]) and label in ("ORG", "EVENT", "WORK_OF_ART", "LAW"):
        return Span(doc, span.start, span.end, label="LAW")
    if label == "ORG" and _starts_with_role(span):
        return None  # 'the Commissioner for Human Rights (Ombudsman': a role, found by roles.py
    if span[-1].lower_ in data["event_nouns"] and label not in ("PERSON",):
        return Span(doc, span.start, span.end, label="EVENT")
    return span


def _unit_name(span: Span, gaz: Gazetteer, data: dict) -> Span | None:
    """'Zakho district' (the unit word in lower case, unknown to the gazetteer) → the place 'Zakho';
    'Northwest Region', written as a name, stays whole."""
    if (span.label_ not in ("LOC", "GPE") or len(span) < 2 or span[-1].text not in data["admin_suffixes"]
            or gaz.lookup(span.text) is not None):
        return None
    if not all(t.pos_ == "PROPN" and t.lower_ not in data["generic"] for t in span[:-1]):
        return None
    return Span(span.doc, span.start, span.end - 1, label="GPE")


def _starts_with_role(span: Span) -> bool:
    from counterclaim.extract.entities.roles import role_data

    data = role_data()
    toks = [t for t in span if t.lower_ not in ("the", "a", "an") and t.lower_ not in data["modifiers"]]
    if not toks or (toks[0].lower_,) not in data["heads"]:
        return False
    nxt = toks[1].lower_ if len(toks) > 1 else ""
    return nxt not in data["org_followers"]


def _extra_spans(doc: Doc, data: dict, taken: set[int]) -> Iterable[Span]:
    """Places and events the model misses: 'Lachin corridor', 'Khojaly genocide'."""
    for tok in doc:
        if tok.i == 0 or tok.i in taken:
            continue
        prev = doc[tok.i - 1]
        if not (prev.text[:1].isupper() and prev.pos_ in ("PROPN", "ADJ", "NOUN")) or prev.is_sent_start:
            continue
        start = tok.i - 1
        while start > 0 and doc[start - 1].text[:1].isupper() and doc[start - 1].pos_ == "PROPN" \
                and not doc[start - 1].is_sent_start and not doc[start - 1].is_space:
            start -= 1
        if tok.lower_ in data["place_suffixes"]:
            yield Span(doc, start, tok.i + 1, label="LOC")
        elif tok.text[:1].isupper() and tok.lower_ in data["law_words"]:
            yield Span(doc, start, tok.i + 1, label="LAW")  # 'Geneva Conventions', 'UN Charter'
        elif tok.lower_ in data["event_nouns"] and tok.lower_ not in ("attack", "attacks", "operation", "crisis", "conflict"):
            yield Span(doc, start, tok.i + 1, label="EVENT")


def fixed_entities(doc: Doc, gaz: Gazetteer | None = None) -> list[Span]:
    """The corrected entity spans of ``doc`` (not assigned: the caller decides)."""
    gaz = gaz or load_gazetteer()
    data = _data()
    spans: list[Span] = []
    for ent in doc.ents:
        trimmed = _trim(ent)
        if trimmed is None:
            continue
        fixed = _relabel(trimmed, gaz, data)
        if fixed is not None:
            spans.append(fixed)
    spans = [_unit_name(s, gaz, data) or s for s in spans]
    taken = {i for s in spans for i in range(s.start, s.end)}
    extra = [fixed for s in _extra_spans(doc, data, taken) if (fixed := _relabel(s, gaz, data)) is not None]
    merged = []
    for s in extra:
        inner = [e for e in spans if e.start >= s.start and e.end <= s.end and e.label_ in ("GPE", "LOC", "ORG", "NORP",
                                                                                          "PERSON")]
        if s[-1].text in data["admin_suffixes"] and len(s) > 1:
            # 'the Zakho district', 'Duhok province': the place itself, named with its kind of unit
            if len(inner) == 1 and inner[0].label_ == "GPE" and (inner[0].start, inner[0].end) == (s.start, s.end - 1):
                continue
            misread = len(inner) == 1 and inner[0].label_ == "NORP" and gaz.lookup(inner[0].text) is None
            if (not inner or misread) and (unit := _unit_name(s, gaz, data)) is not None:
                spans = [e for e in spans if e not in inner]  # 'Zakho' read as a people before 'district'
                merged.append(unit)
                continue
        # A suffix span swallows the entity it extends ("Lachin" GPE + "corridor").
        spans = [e for e in spans if e not in inner]
        merged.append(s)
    spans = filter_spans([*spans, *merged])
    spans = _national_bodies(spans, gaz)
    spans = _join_dangling_of(doc, spans)
    spans = _institutions(doc, spans, data)
    persons = list(person_fixes(doc, spans, gaz))
    if persons:  # a context-read PERSON replaces the span it covers ('Ilaria Allegrozzi' tagged ORG)
        spans = [e for e in spans if not any(p.start <= e.start and e.end <= p.end for p in persons)]
        spans = filter_spans([*persons, *spans])
    spans = _headline_guesses_dropped(doc, spans, gaz)
    return filter_spans([*spans, *_repeated_surnames(doc, spans)])


_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_HEADLINE_WITHIN = 600  # characters from the top


def _title_case_lines(text: str) -> list[tuple[int, int]]:
    """The title-case lines above a story's first sentence (its headline, kicker, standfirst)."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        if m.start() > _HEADLINE_WITHIN or m.group(0).rstrip()[-1:] in ".!?\"”’" or not text[m.end():].strip():
            break  # the story has begun (a sign-off at its end is no headline), or a text of one line
        if is_title_case(_WORD.findall(m.group(0)), min_words=3):
            out.append((m.start(), m.end()))
    return out


def _headline_guesses_dropped(doc: Doc, spans: list[Span], gaz: Gazetteer) -> list[Span]:
    """In a title-case headline every word is capitalised, so the model's names there are guesses ('Horror
    Stories from ...' read as an organisation): one the gazetteer does not know, no title or 'by' introduces
    ('Statement by Defence Minister Oleksii Reznikov') and the text never names again is dropped."""
    lines = _title_case_lines(doc.text)
    if not lines:
        return spans
    lowered = doc.text.lower()
    heads = role_head_words()
    titled = {s.start for s in spans  # a title or 'by' up to three words before ('by Defence Minister Oleksii <X>')
              if any(t.lower_ in heads or t.lower_ == "by" for t in doc[max(0, s.start - 3):s.start])}
    kept = []
    for s in spans:
        line = next(((a, b) for a, b in lines if a <= s.start_char and s.end_char <= b), None)
        if line is not None and gaz.lookup(s.text) is None and s.start not in titled:  # 'by Secretary of X <name>'
            name = s.text.lower()
            elsewhere = lowered.find(name, 0, line[0]) >= 0 or lowered.find(name, line[1]) >= 0
            if not elsewhere:
                continue
        kept.append(s)
    return kept


def _institutions(doc: Doc, spans: list[Span], data: dict) -> list[Span]:
    """'the Turkish defence ministry', "Mali's army": a country's institution is an ORG, not the NORP/GPE.

    The country word stays in the organisation's name ('Turkish defence ministry'), which
    links it to its country; an institution word that only modifies a noun ('army chief',
    'government forces') or is followed by 'of' ('Ministry of ...', read by the model) is left alone.
    """
    out = []
    taken = {i for s in spans for i in range(s.start, s.end)}
    for s in spans:
        if s.label_ not in ("NORP", "GPE"):
            out.append(s)
            continue
        i = s.end
        if s.label_ == "GPE" and i < len(doc) and doc[i].lower_ in ("'s", "’s"):
            i += 1
        j = i
        while j < len(doc) and j - i < 3 and doc[j].lower_ in data["institution_modifiers"] and j not in taken:
            j += 1
        nxt = doc[j + 1] if j + 1 < len(doc) else None
        if j < len(doc) and j not in taken and doc[j].lower_ in data["institution_heads"] and (
                nxt is None or (nxt.pos_ not in ("NOUN", "PROPN") and nxt.lower_ != "of")):
            out.append(Span(doc, s.start, j + 1, label="ORG"))
        else:
            out.append(s)
    return out


def _national_bodies(spans: list[Span], gaz: Gazetteer) -> list[Span]:
    """'Iraqi National Security Council': a people's name and a capitalised word before a known body's short
    name ('Security Council', the UN's) name that country's own body, not the known one."""
    out = list(spans)
    by_end = {s.end: s for s in spans}
    for s in spans:
        if s.label_ != "ORG" or gaz.lookup(s.text) is None:
            continue
        doc, i = s.doc, s.start
        while i > 0 and i not in by_end and doc[i - 1].pos_ in ("PROPN", "ADJ") and doc[i - 1].text[:1].isupper():
            i -= 1
        norp = by_end.get(i)
        if i == s.start or norp is None or norp.label_ != "NORP":
            continue
        body = Span(doc, norp.start, s.end, label="ORG")
        if gaz.lookup(body.text) is None:
            out = [x for x in out if x is not s and x is not norp] + [body]
    return sorted(out, key=lambda x: x.start)


def _join_dangling_of(doc: Doc, spans: list[Span]) -> list[Span]:
    """'Government of' + 'Cameroon': an organisation cut after 'of'/'for' takes the name that follows it."""
    by_start = {s.start: s for s in spans}
    out, skip = [], set()
    for s in sorted(spans, key=lambda s: s.start):
        if s.start in skip:
            continue
        nxt = by_start.get(s.end)
        if s.label_ == "ORG" and doc[s.end - 1].lower_ in ("of", "for") and nxt is not None \
                and nxt.label_ in ("GPE", "ORG", "LOC", "NORP"):
            out.append(Span(doc, s.start, nxt.end, label="ORG"))
            skip.add(nxt.start)
        else:
            out.append(s)
    return out


def _repeated_surnames(doc: Doc, spans: list[Span]) -> Iterable[Span]:
    """A bare surname the model missed, where the document names the full person elsewhere.

    '"He is not a fool," Ocampo said.' after 'Luis Moreno Ocampo': the small
    model tags the full name but often not the lone surname.
    """
    surnames = {t.text for s in spans if s.label_ == "PERSON" and len(s) >= 2
                for t in (s[1:] if len(s) >= 3 else s[-1:])  # 'Atonfack' of 'Cyrille Atonfack Guemo' too
                if len(t.text) > 2 and t.text[:1].isupper() and not t.is_stop and t.is_alpha}
    if not surnames:
        return
    taken = {i for s in spans for i in range(s.start, s.end)}
    for tok in doc:
        if tok.text in surnames and tok.i not in taken:
            yield Span(doc, tok.i, tok.i + 1, label="PERSON")

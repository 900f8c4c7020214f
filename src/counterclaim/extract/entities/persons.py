"""Persons the small model mistypes or misses, read from their context.

- a name with an honorific before it ('Mrs Ilaria ALLEGROZZI') or a role in
  apposition after it ('Corinne Dufka, Sahel director at Human Rights Watch',
  'Ilaria Allegrozzi, HRW's senior Africa researcher') is a PERSON, whatever
  label the model gave it (often ORG) or none;
- a lone word that is part of a person's full name ('Atonfack' after 'Cyrille
  Atonfack Guemo') is that person, not an organisation;
- a people's name after a given name or an honorific is a surname ('Zemaray Ahmadi',
  'Mr Ahmadi' are not the Ahmadis);
- a name that starts with an initial takes the given name before it
  ('Secretary of Defense Lloyd J. Austin III': the model tags 'J. Austin III').

:func:`person_fixes` returns the corrected spans; :mod:`.fixes` merges them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.tokens import Doc, Span

from counterclaim.extract.entities.gazetteer import Gazetteer
from counterclaim.extract.entities.roles import role_data

_INITIAL = re.compile(r"[A-Z]\.")
_APPOSITION_WINDOW = 6


def _is_name_token(tok) -> bool:  # type: ignore[no-untyped-def]
    data = role_data()
    return ((tok.pos_ == "PROPN" or (tok.text.isupper() and len(tok) > 2)) and tok.text[:1].isupper() and tok.is_alpha
            and (tok.lower_,) not in data["heads"] and tok.text not in data["honorifics"])


def _apposed_role(doc: Doc, end: int) -> bool:
    """', [the] [HRW's] [senior Africa] researcher' right after token ``end - 1``."""
    if end >= len(doc) or doc[end].text != ",":
        return False
    heads = role_data()["heads"]
    for k in range(end + 1, min(len(doc), end + 1 + _APPOSITION_WINDOW)):
        t = doc[k]
        if (t.lower_,) in heads and t.pos_ in ("NOUN", "PROPN"):
            return True
        if t.is_punct and t.text not in ("'s", "’s", "-") or t.pos_ in ("VERB", "AUX", "ADP") and t.lower_ not in ("of",):
            return False
    return False


def _honorific_before(doc: Doc, start: int) -> bool:
    return start > 0 and doc[start - 1].text in role_data()["honorifics"]


def _surname_of(doc: Doc, s: Span, taken: set[int]) -> bool:
    """A one-word people's name after an honorific or after a given name no entity took."""
    if not _is_name_token(s[0]) or s[0].text.endswith("s"):
        return False
    if _honorific_before(doc, s.start):
        return True
    prev = doc[s.start - 1] if s.start > 0 else None
    return prev is not None and prev.i not in taken and prev.pos_ == "PROPN" and _is_name_token(prev)


def person_fixes(doc: Doc, spans: list[Span], gaz: Gazetteer | None = None) -> Iterable[Span]:
    """PERSON spans replacing or adding to ``spans`` (the caller filters overlaps, longest first).

    A name the gazetteer knows as something other than a person ('UN Security Council' in a list of
    addressees followed by a role word) is never retyped from its context.
    """
    taken = {i for s in spans for i in range(s.start, s.end)}
    name_parts = {t.text for s in spans if s.label_ == "PERSON" and len(s) >= 3 for t in s[1:]
                  if _is_name_token(t) and len(t) > 2}
    for s in spans:
        if s.label_ in ("ORG", "GPE") and len(s) == 1 and s[0].text in name_parts:
            yield Span(doc, s.start, s.end, label="PERSON")  # 'Atonfack' after 'Cyrille Atonfack Guemo'
            continue
        if s.label_ == "PERSON":
            if _INITIAL.fullmatch(s[0].text) and s.start > 0 and _is_name_token(doc[s.start - 1]) \
                    and s.start - 1 not in taken:
                yield Span(doc, s.start - 1, s.end, label="PERSON")
            continue
        if s.label_ == "NORP" and len(s) == 1 and _surname_of(doc, s, taken):
            # 'Zemaray Ahmadi', 'Mr Ahmadi': a surname that is also a people's name ('the Ahmadis')
            yield Span(doc, s.start - (0 if _honorific_before(doc, s.start) else 1), s.end, label="PERSON")
            continue
        if s.label_ not in ("ORG", ""):
            continue
        known = gaz.lookup(s.text) if gaz is not None else None
        if known is not None and known.type != "PERSON":
            continue
        if len(s) >= 3 and s[0].text in role_data()["honorifics"] and all(_is_name_token(t) for t in s[1:]):
            yield Span(doc, s.start, s.end, label="PERSON")  # 'Mrs Agnes CALLAMARD' tagged ORG
        elif 2 <= len(s) <= 4 and all(_is_name_token(t) for t in s) and (
                _honorific_before(doc, s.start) or _apposed_role(doc, s.end)):
            yield Span(doc, s.start, s.end, label="PERSON")
    i = 0
    while i < len(doc) - 1:  # two or three untagged name words before an apposed role
        if i in taken or not _is_name_token(doc[i]) or (i > 0 and _is_name_token(doc[i - 1])):
            i += 1
            continue
        j = i
        while j < len(doc) and j - i < 3 and j not in taken and _is_name_token(doc[j]):
            j += 1
        if j - i >= 2 and (_apposed_role(doc, j) or _honorific_before(doc, i)) and not doc[i].is_sent_start:
            yield Span(doc, i, j, label="PERSON")
        i = j

"""Numbers that are not counts: years, dates, times, ordinals, identifiers, units, money, ages.

Ordinals ('31st', '366th') and times ('10:12') never parse as numbers in
:mod:`.numbers`; everything else is rejected here with a short reason.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from counterclaim.extract.figures.lexicon import Lexicon
from counterclaim.extract.figures.numbers import NumberPhrase

_YEAR = re.compile(r"^(1[0-9]|20|21)\d\d$")
_DIGITISH = re.compile(r"^\+?\d")
_LIST_GLUE = (",", "and", "&", "or")


def _low(doc: Doc, i: int) -> str:
    return doc[i].lower_ if 0 <= i < len(doc) else ""


def _countable_next(doc: Doc, ph: NumberPhrase, lex: Lexicon) -> bool:
    """The word after the number is a person or object noun ('1275 people', '2008 houses')."""
    nxt = _low(doc, ph.end)
    kind = lex.kind_of_noun.get(nxt)
    if kind in ("person", "object"):
        return True
    return ph.end < len(doc) and doc[ph.end].ent_type_ == "NORP"


def _identifier_before(doc: Doc, start: int, lex: Lexicon) -> bool:
    """'paragraph 21', 'resolutions 822, 853 and 874', 'Article 5'."""
    k = start - 1
    while k >= 0 and (doc[k].lower_ in _LIST_GLUE or _DIGITISH.match(doc[k].text)):
        k -= 1
    if k < 0:
        return False
    word = doc[k].lower_
    return word in lex.id_nouns or word.rstrip(".") in lex.id_nouns


def not_count_reason(doc: Doc, ph: NumberPhrase, lex: Lexicon) -> str | None:
    """Why ``ph`` is not a count of something, or None if it may be one."""
    if ph.phone_like:
        return "a run of digit groups (phone or code)"
    first = doc[ph.start]
    before, after = _low(doc, ph.q_start - 1), _low(doc, ph.end)
    if ph.value != int(ph.value):
        return "not a whole number"
    if before == "[" and after == "]":
        return "a footnote marker"
    if before.startswith("+") or before in lex.phone_prefixes:
        return "a phone number"
    if before in lex.months or after in lex.months or before.rstrip(".") in lex.months:
        return "a date"
    if before in lex.currency_prefixes or doc[ph.start].text[:1] in ("$", "€", "£") or (
            ph.start > 0 and doc[ph.start - 1].text in ("$", "€", "£", "₼")):
        return "money"
    if after in lex.units:
        return f"a measure ('{doc[ph.end].text}')"
    if after in ("-", "–") and ph.end + 1 < len(doc) and not doc[ph.end - 1].whitespace_ \
            and not doc[ph.end].whitespace_ and doc[ph.end + 1].is_alpha:
        return f"part of a compound modifier ('{doc[ph.start:ph.end + 2].text}')"
    if before in ("-", "–") and ph.q_start >= 2 and not doc[ph.q_start - 2].whitespace_ \
            and not doc[ph.q_start - 1].whitespace_ and doc[ph.q_start - 2].is_alpha:
        return f"part of a designator ('{doc[ph.q_start - 2:ph.end].text}')"  # 'Su-25', 'F-16', 'COVID-19'
    if (before == "of" and _low(doc, ph.q_start - 2) == "out") or (
            before == "in" and ph.q_start >= 2 and doc[ph.q_start - 2].like_num):
        return "a ratio ('nine out of ten', '1 in 3')"
    if before in lex.age_words or (before == "of" and _low(doc, ph.q_start - 2) in lex.age_words):
        return "an age"
    if _identifier_before(doc, ph.q_start, lex):
        return "an identifier (article, paragraph, resolution, unit number)"
    if not ph.spelled and not ph.has_multiplier and _YEAR.match(first.text):
        if before in lex.year_prepositions or not _countable_next(doc, ph, lex):
            return "a year"
    labels = {doc[i].ent_type_ for i in range(ph.start, ph.end)} & lex.date_labels
    if labels and not _countable_next(doc, ph, lex):
        return f"tagged {sorted(labels)[0]} by the model"
    return None

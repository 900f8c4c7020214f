"""What a figure's count covers, and which earlier figure it revises.

- ``scope`` (one of :data:`counterclaim.records.SCOPES`): ``rate`` when the clause counts per unit of
  time ('about 20 die each week', 'a day'); ``cumulative`` when it totals a period or a whole conflict
  ('since the war began', 'so far this year', 'in the 29-month-old unrest', 'the war has killed');
  ``historical`` when the sentence dates it to a year before the latest the document names ('the 1997
  massacre killed hundreds' in a 2024 text); else ``incident``, one event's toll.
- ``revision_of``: 'first put at 25, the toll was later raised to about 40' — the figure a revision
  verb ('raise', 'rise', 'revise') brings the toll to revises the figure of the same category stated
  just before it.

The cue words live in ``data/figures.json`` (``scope``).
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from counterclaim.extract.figures.lexicon import Lexicon
from counterclaim.extract.figures.numbers import NumberPhrase

_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)s?$")


def years(doc: Doc) -> list[int]:
    """The years a document names (four-digit numbers the model tags as dates)."""
    return [int(t.text[:4]) for t in doc if _YEAR.match(t.text) and t.ent_type_ == "DATE"]


def _clause(doc: Doc, ph: NumberPhrase, sent: Span) -> Span:
    """The part of the sentence around the figure, cut at ';' (a tally's next clause is not this one)."""
    start, end = sent.start, sent.end
    for k in range(ph.start - 1, sent.start - 1, -1):
        if doc[k].text == ";":
            start = k + 1
            break
    for k in range(ph.end, sent.end):
        if doc[k].text == ";":
            end = k
            break
    return doc[start:end]


def _phrase_in(words: list[str], phrases: tuple[tuple[str, ...], ...]) -> tuple[str, ...] | None:
    for p in phrases:
        n = len(p)
        if any(tuple(words[i:i + n]) == p for i in range(len(words) - n + 1)):
            return p
    return None


def figure_scope(doc: Doc, ph: NumberPhrase, sent: Span, latest_year: int | None, lex: Lexicon) -> tuple[str, str]:
    """``(scope, why)`` for the figure ``ph`` in sentence ``sent``."""
    cues = lex.scope
    clause = _clause(doc, ph, sent)
    words = [t.lower_ for t in clause]
    for i, tok in enumerate(clause):
        low = tok.lower_
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if low in cues.rate_words or (low in cues.rate_determiners and nxt in cues.rate_units and i > 0
                                      and clause[i - 1].i >= ph.end):
            return "rate", f"rate '{low if low in cues.rate_words else low + ' ' + nxt}'"
    if p := _phrase_in(words, cues.cumulative_phrases):
        return "cumulative", f"'{' '.join(p)}'"
    for tok in clause:
        low = tok.lower_
        if low == "since" and any(c.ent_type_ == "DATE" or c.lower_ in cues.conflict_nouns or c.lower_ in cues.since_heads
                                  for c in tok.subtree if c.i != tok.i):
            return "cumulative", f"'since {doc[tok.i + 1:min(tok.i + 4, clause.end)].text}'"
        if low in cues.conflict_nouns and (
                (tok.dep_ == "pobj" and tok.head.lower_ in cues.period_prepositions)
                or (tok.dep_ == "nsubj" and tok.head.pos_ == "VERB")):
            return "cumulative", f"counted over the '{tok.text}'"
    if latest_year is not None:
        early = [t for t in sent if _YEAR.match(t.text) and t.ent_type_ == "DATE" and int(t.text[:4]) < latest_year]
        if early:
            return "historical", f"dated {early[0].text}, before {latest_year}"
    return "incident", ""


def revision_verb(doc: Doc, ph: NumberPhrase, lex: Lexicon) -> Token | None:
    """The verb that brings a toll to this figure ('was later raised to about 40', 'rose to 53')."""
    tok = doc[ph.start]
    for _ in range(3):
        head = tok.head
        if head.i == tok.i:
            return None
        if head.lower_ == "to":
            verb = head.head
            while verb.pos_ == "ADP" and verb.head.i != verb.i:
                verb = verb.head  # 'rose from 25 to 40'
            return verb if verb.lemma_.lower() in lex.scope.revision_verbs else None
        tok = head
    return None

"""Find number expressions in a Doc and read their value.

Handles digits with separators ('3,410', '250,000', '1275', '10 000'), decimals with
a multiplier ('1.5 million'), number words ('seven thousand', 'twenty-five',
'two hundred and fifty', 'a dozen'), vague plurals ('hundreds of', 'tens of
thousands of', 'several hundred') and ranges ('between 30 and 40', '30-40',
'30 to 40', 'two or three'), with the approximation qualifier before them
('more than', 'nearly', 'some') or after them ('or more').

Conventions (documented choices):

- A range or a vague plural has ``low`` and ``high``; its ``value`` is ``low`` and its
  approximation is ``at_least`` unless a qualifier says otherwise ('about 30 to 40'
  is ``about``). 'hundreds of' is 200..999, 'tens of thousands' 20,000..99,999
  (the bounds are in ``data/figures.json``).
- 'a dozen' / 'two dozen' are ``about`` 12 / 24.
- The span of a phrase covers the number words only: not the qualifier ('more than'),
  not a trailing 'of'; a range spans from its first to its last number ('30 and 40').
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

from counterclaim.extract.figures.lexicon import Lexicon

_DIGITS = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_PURE = re.compile(r"^\d+$")
_DASH_RANGE = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)[-–—](\d{1,3}(?:,\d{3})+|\d+)$")
_DASHES = ("-", "–", "—")


@dataclass(frozen=True)
class NumberPhrase:
    """One number expression: tokens ``start:end`` of the Doc, read as a value.

    ``q_start`` is the first token of the qualifier before it (``start`` when none).
    """

    start: int
    end: int
    value: float
    low: float | None = None
    high: float | None = None
    approx: str = "exact"
    qualifier: str | None = None
    q_start: int = -1
    vague: bool = False
    spelled: bool = False  # written in words ('seven thousand')
    has_multiplier: bool = False
    phone_like: bool = False  # a run of digit groups that is not a thousands grouping
    words_start: int = -1  # first token of the figure as written: qualifier or range opener ('nearly', 'between')
    words_end: int = -1  # token after it, past a post-qualifier ('or more')


@dataclass
class _Read:
    end: int
    value: float
    low: float | None = None
    high: float | None = None
    vague: bool = False
    spelled: bool = False
    about: bool = False
    mult: int = 0
    phone: bool = False


class _Reader:
    """Reads number phrases over a Doc's lowercased tokens (computed once)."""

    def __init__(self, doc: Doc, lex: Lexicon) -> None:
        self.doc = doc
        self.lex = lex
        self.low: list[str] = []
        self.ws: list[bool] = []
        for tok in doc:
            self.low.append(tok.lower_)
            self.ws.append(bool(tok.whitespace_))
        self.n = len(doc)

    def at(self, i: int) -> str:
        return self.low[i] if 0 <= i < self.n else ""

    def starts_number(self, i: int) -> bool:
        w = self.low[i]
        lex = self.lex
        return bool(
            w[:1].isdigit() or w in lex.number_words or w in lex.multipliers or w in lex.vague_plurals
            or w in lex.approximate_units
            or (w in ("a", "an") and (self.at(i + 1) in lex.multipliers or self.at(i + 1) in lex.approximate_units))
            or any(k[0] == w for k in lex.vague_modifiers)
        )

    def read(self, i: int) -> _Read | None:
        """Read one number (no range) starting at token ``i``."""
        w = self.low[i]
        if _DIGITS.match(w):
            return self._digits(i)
        if m := _DASH_RANGE.match(w):
            lo, hi = (float(g.replace(",", "")) for g in m.groups())
            return _Read(end=i + 1, value=lo, low=lo, high=hi) if hi > lo else None
        if w in self.lex.vague_plurals:
            return self._vague(i, *self.lex.vague_plurals[w], i + 1)
        for mod, (lo, hi) in self.lex.vague_modifiers.items():
            k = len(mod)
            if tuple(self.low[i:i + k]) == mod and self.at(i + k) in self.lex.multipliers:
                m = self.lex.multipliers[self.at(i + k)]
                return _Read(end=i + k + 1, value=lo * m, low=lo * m, high=(hi + 1) * m - 1, vague=True,
                             spelled=True)
            if tuple(self.low[i:i + k]) == mod and self.at(i + k) in self.lex.vague_plurals:
                return self._vague(i + k, lo, hi, i + k + 1, first=i)
        return self._words(i)

    def _digits(self, i: int) -> _Read:
        w = self.low[i]
        value = float(w.replace(",", ""))
        j = i + 1
        # '10 000' (space-grouped thousands) vs '12 345 67 89' (a phone number).
        if _PURE.match(w) and j < self.n and _PURE.match(self.low[j]) and self.ws[i]:
            run = j
            while run < self.n and _PURE.match(self.low[run]) and self.ws[run - 1]:
                run += 1
            groups = self.low[j:run]
            if len(w) <= 3 and all(len(g) == 3 for g in groups) and self.doc[i:run].text.count("  ") == 0:
                value = float(w + "".join(groups))
                j = run
            else:
                return _Read(end=run, value=value, phone=True)
        read = _Read(end=j, value=value)
        nxt = self.at(j)
        if nxt in self.lex.multipliers:
            read.value *= self.lex.multipliers[nxt]
            read.mult = self.lex.multipliers[nxt]
            read.end = j + 1
        elif nxt in self.lex.approximate_units:
            read.value *= self.lex.approximate_units[nxt]
            read.about = True
            read.end = j + 1
        return read

    def _vague(self, i: int, lo: int, hi: int, end: int, first: int | None = None) -> _Read:
        """'hundreds', 'hundreds of thousands', 'tens of thousands', 'many thousands'.

        ``i`` is the vague plural; ``first`` the modifier before it ('many'), if any.
        """
        lex = self.lex
        low, high = float(lo), float(hi)
        if first is not None:
            unit = lex.multipliers.get(self.low[i].rstrip("s"), 1)
            low, high = lo * unit, (hi + 1) * unit - 1.0
        if self.at(end) == "of" and self.at(end + 1) in lex.vague_plurals:
            unit = lex.multipliers.get(self.at(end + 1).rstrip("s"), 0)
            if unit:
                low, high, end = low * unit, (high + 1) * unit - 1, end + 2
        return _Read(end=end, value=low, low=low, high=high, vague=True, spelled=True)

    def _tens_dash(self, j: int) -> bool:
        """The dash at ``j`` joins a tens word and a unit word with no spaces: 'twenty-five'."""
        words = self.lex.number_words
        return (not self.ws[j - 1] and not self.ws[j] and self.at(j + 1) in words
                and words.get(self.low[j - 1], 0) >= 20)

    def _words(self, i: int) -> _Read | None:
        lex = self.lex
        total = current = 0
        j = i
        seen = False
        about = False
        mult = 0
        while j < self.n:
            w = self.low[j]
            if w in lex.number_words:
                current += lex.number_words[w]
            elif w in lex.multipliers:
                m = lex.multipliers[w]
                current = current or 1
                if m == 100:
                    current *= 100
                else:
                    total += current * m
                    current = 0
                mult = m
            elif w in lex.approximate_units:
                current = (current or 1) * lex.approximate_units[w]
                about = True
            elif w in ("a", "an") and j == i:
                pass
            elif w in _DASHES and seen and self._tens_dash(j):
                pass  # 'twenty-five'
            elif w == "and" and seen and self.low[j - 1] in lex.multipliers and self.at(j + 1) in lex.number_words:
                pass  # 'two hundred and fifty'
            else:
                break
            if w not in ("a", "an", "and") and w not in _DASHES:
                seen = True
            j += 1
        if not seen:
            return None
        return _Read(end=j, value=float(total + current), spelled=True, about=about, mult=mult)


def _qualifier(reader: _Reader, start: int) -> tuple[str | None, str | None, int]:
    lex = reader.lex
    for k in range(min(lex.qualifier_max, start), 0, -1):
        key = tuple(reader.low[start - k:start])
        if key in lex.qualifiers:
            return lex.qualifiers[key], reader.doc[start - k:start].text, start - k
    return None, None, start


def find_number_phrases(doc: Doc, lex: Lexicon) -> list[NumberPhrase]:
    """All number expressions of ``doc`` in text order (counts or not: filtering comes later)."""
    reader = _Reader(doc, lex)
    out: list[NumberPhrase] = []
    i = 0
    n = reader.n
    while i < n:
        if not reader.starts_number(i):
            i += 1
            continue
        first = reader.read(i)
        if first is None:
            i += 1
            continue
        start, read = i, first
        if read.phone:
            out.append(NumberPhrase(start=i, end=read.end, value=read.value, q_start=i, phone_like=True))
            i = read.end
            continue
        low, high, vague = read.low, read.high, read.vague
        end = read.end
        # A range: '30 to 40', '30-40', 'between 30 and 40', 'two or three'.
        conn = reader.at(end)
        opener = reader.at(start - 1)
        if not vague and low is None and (conn in lex.range_connectors or (conn == "and" and opener == "between")) \
                and end + 1 < n and reader.starts_number(end + 1) and not (
                    opener == "from" and doc[start - 1].head.lemma_ in lex.toll_verbs):
            second = reader.read(end + 1)
            if second is not None and not second.phone and not second.vague and second.low is None \
                    and reader.at(second.end) not in _DASHES:
                lo = read.value
                if second.mult and not read.mult and lo < second.value / second.mult:
                    lo *= second.mult  # '1 to 2 million'
                if second.value > lo:
                    low, high, end = lo, second.value, second.end
        approx = "about" if read.about else "exact"
        if low is not None:
            approx = "at_least"
        q_at = start - 1 if opener in lex.range_openers and high is not None else start
        q_approx, q_text, q_start = _qualifier(reader, q_at)
        words_end = end
        if q_approx is not None:
            approx = q_approx
        else:
            q_start = start
            for post, post_approx in lex.post_qualifiers.items():
                if tuple(reader.low[end:end + len(post)]) == post:
                    approx, q_text = post_approx, doc[end:end + len(post)].text
                    words_end = end + len(post)
                    break
        out.append(NumberPhrase(
            start=start, end=end, value=low if low is not None else read.value, low=low, high=high, approx=approx,
            qualifier=q_text, q_start=q_start, vague=vague, spelled=read.spelled,
            has_multiplier=bool(read.mult), words_start=min(q_start, q_at), words_end=words_end,
        ))
        i = end
    return out

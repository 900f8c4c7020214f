"""Quote-mark scanning: where the quoted passages of a text begin and end.

Pure string work on the document text (no parse), so it never fails on odd input:

- straight and curly double marks are one family, and so are the two-character
  marks of typewriter and archive text ('' and ``, the New York Times' way);
  whether a mark opens or closes is read from its neighbours (a mark before a
  word opens, a mark after a word or punctuation closes), the glyph deciding
  only when context cannot;
- a paragraph that opens a quote and does not close it continues in the next
  paragraph that opens with a mark (the newspaper convention), or, leniently,
  in the following paragraphs up to the first closing mark (many outlets drop
  the re-opening mark);
- an opening mark that is never closed yields an ``unterminated`` quote running
  to the end of its paragraph, and a closing mark with no opening one a
  ``no_opening`` quote from the start of its paragraph: the caller decides
  whether to keep them (it needs a cue to).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from counterclaim.resources import load_json

_OPENERS_BEFORE = "([{—–-/:;"
_CLOSERS_AFTER = ".,;:!?)]}—–-…"
_LINE_LEAD = " \t*>_-#"


@cache
def quote_data() -> dict:
    """The quote-mark part of ``attributions.json``."""
    return load_json("attributions.json", required=("double_quotes", "opening_quotes", "closing_quotes",
                                                    "quote_digraphs", "multi_paragraph_max"))


@cache
def _mark_pattern() -> re.Pattern[str]:
    digraphs = "|".join(re.escape(d) for d in quote_data()["quote_digraphs"])
    return re.compile(digraphs + "|[" + re.escape("".join(quote_data()["double_quotes"])) + "]")


def ends_with_mark(text: str) -> str:
    """The double quotation mark ``text`` ends with, or ``''``."""
    for d in quote_data()["quote_digraphs"]:
        if text.endswith(d):
            return d
    return text[-1] if text[-1:] in quote_data()["double_quotes"] else ""


def starts_with_mark(text: str) -> bool:
    """Whether ``text`` opens with a double quotation mark."""
    return _mark_pattern().match(text) is not None


@dataclass(frozen=True)
class Quote:
    """One quoted passage: ``text[start:end]`` is the quoted words, marks excluded.

    ``open_mark``/``close_mark`` are the offsets of the marks (None when missing),
    ``close_len`` the length of the closing mark (2 for ``''``);
    ``first_line``/``last_line`` index :func:`paragraphs`; ``recovered`` is ``''``
    for a balanced quote, else ``'unterminated'`` or ``'no_opening'``.
    """

    start: int
    end: int
    open_mark: int | None
    close_mark: int | None
    first_line: int
    last_line: int
    recovered: str = ""
    close_len: int = 1

    @property
    def after_close(self) -> int:
        """Offset just after the closing mark (``end`` when there is none)."""
        return self.end if self.close_mark is None else self.close_mark + self.close_len


def paragraphs(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every non-blank line (the paragraph unit of the scanner)."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        if m.group().strip():
            out.append((m.start(), m.end()))
    return out


def _direction(text: str, pos: int, size: int = 1) -> str:
    """'open', 'close' or 'amb' for the mark of ``size`` characters at ``pos``."""
    marks = set(quote_data()["double_quotes"]) | {"'", "`"}
    prev = text[pos - 1] if pos > 0 else "\n"
    nxt = text[pos + size] if pos + size < len(text) else "\n"
    can_open = not nxt.isspace() and (prev.isspace() or prev in _OPENERS_BEFORE or prev in marks)
    can_close = not prev.isspace() and (nxt.isspace() or nxt in _CLOSERS_AFTER or nxt in marks)
    if can_open and not can_close:
        return "open"
    if can_close and not can_open:
        return "close"
    ch = text[pos:pos + size]
    if ch in quote_data()["opening_quotes"]:
        return "open"
    if ch in quote_data()["closing_quotes"]:
        return "close"
    return "amb"


def _nested(marks: list[tuple[int, str]], i: int, line_of: Callable[[int], int]) -> bool:
    """Whether the opening mark ``i`` inside an open quote starts an inner quote.

    It does when the next mark closes it and a later mark on the same
    paragraph can still close the outer quote.
    """
    ln = line_of(marks[i][0])
    same = [k for (p, k) in marks[i + 1:] if line_of(p) == ln]
    return len(same) >= 2 and same[0] in ("close", "amb") and any(
        k in ("close", "amb") for k in same[1:])


def find_quotes(text: str, lines: list[tuple[int, int]] | None = None) -> list[Quote]:
    """Every quoted passage of ``text`` in order (see the module docstring for the rules)."""
    lines = paragraphs(text) if lines is None else lines
    if not lines:
        return []
    starts = [s for s, _ in lines]
    max_span = int(quote_data()["multi_paragraph_max"])

    def line_of(pos: int) -> int:
        return max(0, bisect_right(starts, pos) - 1)

    def at_line_start(pos: int, ln: int) -> bool:
        return text[starts[ln]:pos].strip(_LINE_LEAD) == ""

    found = list(_mark_pattern().finditer(text))
    marks = [(m.start(), _direction(text, m.start(), m.end() - m.start())) for m in found]
    size = {m.start(): m.end() - m.start() for m in found}
    quotes: list[Quote] = []
    cur: tuple[int, int, int] | None = None  # open mark, first line, last line so far
    last_close_on_line: dict[int, int] = {}

    def unterminated(open_pos: int, first: int, last: int, end: int | None = None) -> None:
        stop = lines[last][1] if end is None else end
        if stop > open_pos + size[open_pos]:
            quotes.append(Quote(open_pos + size[open_pos], stop, open_pos, None, first, last, "unterminated"))

    i = 0
    while i < len(marks):
        pos, kind = marks[i]
        ln = line_of(pos)
        if cur is None:
            if kind in ("open", "amb"):
                cur = (pos, ln, ln)
            else:  # a closing mark nobody opened: quoted from the paragraph start
                begin = max(starts[ln], last_close_on_line.get(ln, -1) + 1)
                while begin < pos and text[begin] in _LINE_LEAD:
                    begin += 1
                if pos > begin:
                    quotes.append(Quote(begin, pos, None, pos, ln, ln, "no_opening", size[pos]))
                last_close_on_line[ln] = pos + size[pos] - 1
            i += 1
            continue
        open_pos, first, last = cur
        if ln == last:
            if kind in ("close", "amb"):
                quotes.append(Quote(open_pos + size[open_pos], pos, open_pos, pos, first, ln, "", size[pos]))
                last_close_on_line[ln] = pos + size[pos] - 1
                cur = None
            elif _nested(marks, i, line_of):  # 'the NGO “Human Rights Watch”, author of ...' inside a quote
                i += 2
                continue
            else:  # a second opening mark: the first quote was never closed
                unterminated(open_pos, first, last, end=pos)
                cur = (pos, ln, ln)
            i += 1
            continue
        if kind in ("open", "amb") and at_line_start(pos, ln) and ln == last + 1:
            cur = (open_pos, first, ln)  # the paragraph re-opens the running quote
            i += 1
            continue
        if kind in ("close", "amb") and not at_line_start(pos, ln) and ln - first < max_span:
            quotes.append(Quote(open_pos + size[open_pos], pos, open_pos, pos, first, ln, "", size[pos]))
            last_close_on_line[ln] = pos + size[pos] - 1
            cur = None
            i += 1
            continue
        unterminated(open_pos, first, last)
        cur = None  # and look at this mark again, with no quote open
    if cur is not None:
        unterminated(*cur)
    return sorted(quotes, key=lambda q: q.start)

"""Speaker turns of a transcript: a line naming the speaker, then what they said.

    John Kirby: (00:00)
    Okay, good afternoon. ...

    General McKenzie: (00:50)
    Thanks, John. ...

    WALLACE: Let's start with breaking news on the debate story.
    PENCE: Well, look, ...

A label is a line holding only a short name, a colon and optionally a time
stamp; its turn runs over the following paragraphs up to the next label. An
inline label opens a paragraph with a name in capitals ('PENCE:', 'JAKE TAPPER:',
a broadcast transcript's way), or with a name that opens two or more paragraphs
so, and its turn is the rest of that paragraph. A document needs at least
``transcript_min_labels`` labels to count as a transcript (one 'Note:' line or a
headline 'Poll: ...' does not). Each turn is one direct attribution
whose speaker is the entity the label names (else the label's span with no
entity).
"""

from __future__ import annotations

import re
from collections import Counter

from counterclaim.extract.attributions.candidate import Candidate
from counterclaim.extract.attributions.speakers import Context, Speaker, attribution_data

_LABEL = re.compile(r"[\s*_>]*(?P<name>[A-Z][\w.'’-]*(?:[ \t]+[\w.'’-]+){0,4})[*_]*[ \t]*:[*_]*"
                    r"[ \t]*(?:\(\d{1,2}:\d{2}(?::\d{2})?\))?[ \t]*")

# 'PENCE: Well, look, ...' / '"WALLACE: Let's start ...' (a transcript quoted whole)
_INLINE_RULE = "transcript turn 'NAME: ...'"
_INLINE = re.compile(r"[\s*_>\"“]*(?P<name>[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){0,3})[*_]*[ \t]*:[*_]*[ \t]+(?=\S)")


def _labels(ctx: Context) -> list[tuple[int, int, int, int]]:
    """``(line index, name start, name end, turn start)`` of every label; turn start is -1 for a
    label on a line of its own (its turn is the following paragraphs)."""
    stop = {w.casefold() for w in attribution_data()["outlet_line_stopwords"]}
    out, inline = [], []
    for n, (s, e) in enumerate(ctx.lines):
        m = _LABEL.fullmatch(ctx.text, s, e)
        if m and m.group("name").casefold() not in stop:
            out.append((n, m.start("name"), m.end("name"), -1))
            continue
        m = _INLINE.match(ctx.text, s, e)
        if m and m.group("name").casefold() not in stop:
            inline.append((n, m.start("name"), m.end("name"), m.end()))
    names = Counter(ctx.text[a:b] for _, a, b, _ in inline)
    inline = [x for x in inline if ctx.text[x[1]:x[2]].isupper() or names[ctx.text[x[1]:x[2]]] >= 2]
    if len({ctx.text[a:b] for _, a, b, _ in inline}) >= 2:  # a dialogue, not a run of 'BREAKING:' lines
        out += inline
    return sorted(out)


def _speaker(ctx: Context, start: int, end: int) -> Speaker:
    over = [m for m in ctx.mentions_in(start, end) if ctx.type_of(m.entity) in ("PERSON", "ORG")]
    if over:
        best = max(over, key=lambda m: (ctx.type_of(m.entity) == "PERSON", m.end - m.start))
        return Speaker(best.entity, (start, end), "label")
    name = ctx.text[start:end]
    key = ctx.lookup_name(name) or ctx.lookup_name(name.split()[-1])
    return Speaker(key, (start, end), "label" if key else "unresolved")


def transcript_turns(ctx: Context) -> list[Candidate]:
    """One direct attribution per speaker turn, or nothing if the text is no transcript.

    A quote mark opening an inline turn's paragraph before its label (a transcript quoted
    whole) is the turn's, not a quote of its own: :func:`wraps_turn` tells the quote rules.
    """
    labels = _labels(ctx)
    if len(labels) < int(attribution_data()["transcript_min_labels"]):
        return []
    out = []
    bounds = [n for n, _, _, _ in labels] + [len(ctx.lines)]
    for k, (n, ns, ne, at) in enumerate(labels):
        first, last = n + 1, bounds[k + 1] - 1
        if at >= 0:  # the rest of the line, and the paragraphs up to the next label (not after the last)
            start, end = at, ctx.lines[n if k + 1 == len(labels) else last][1]
        elif last < first:
            continue
        else:
            start, end = ctx.lines[first][0], ctx.lines[last][1]
        while end > start and ctx.text[end - 1].isspace():
            end -= 1
        colon = ctx.text.index(":", ne)
        out.append(Candidate((start, end), _speaker(ctx, ns, ne), (colon, colon + 1), True,
                             _INLINE_RULE if at >= 0 else "transcript turn 'Name:'"))
    return out


def wraps_turn(ctx: Context, turns: list[Candidate], open_mark: int | None) -> bool:
    """Whether a quote mark at ``open_mark`` opens a paragraph of an inline turn (a transcript quoted whole)."""
    if open_mark is None:
        return False
    ls = ctx.lines[ctx.line_of(open_mark)][0]
    if ctx.text[ls:open_mark].strip(" \t*>_"):
        return False
    for t in turns:
        if t.rule == _INLINE_RULE and t.speaker is not None and t.speaker.span is not None:
            if ctx.lines[ctx.line_of(t.speaker.span[0])][0] <= open_mark < t.content[1]:
                return True
    return False

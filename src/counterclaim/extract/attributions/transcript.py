"""Speaker turns of a transcript: a line naming the speaker, then what they said.

    John Kirby: (00:00)
    Okay, good afternoon. ...

    General McKenzie: (00:50)
    Thanks, John. ...

A label is a line holding only a short name, a colon and optionally a time
stamp; its turn runs over the following paragraphs up to the next label. A
document needs at least ``transcript_min_labels`` such lines to count as a
transcript (one 'Note:' line does not). Each turn is one direct attribution
whose speaker is the entity the label names (else the label's span with no
entity).
"""

from __future__ import annotations

import re

from counterclaim.extract.attributions.candidate import Candidate
from counterclaim.extract.attributions.speakers import Context, Speaker, attribution_data

_LABEL = re.compile(r"[\s*_>]*(?P<name>[A-Z][\w.'’-]*(?:[ \t]+[\w.'’-]+){0,4})[*_]*[ \t]*:[*_]*"
                    r"[ \t]*(?:\(\d{1,2}:\d{2}(?::\d{2})?\))?[ \t]*")


def _labels(ctx: Context) -> list[tuple[int, int, int]]:
    """``(line index, name start, name end)`` of every label line."""
    stop = {w.casefold() for w in attribution_data()["outlet_line_stopwords"]}
    out = []
    for n, (s, e) in enumerate(ctx.lines):
        m = _LABEL.fullmatch(ctx.text, s, e)
        if m and m.group("name").casefold() not in stop:
            out.append((n, m.start("name"), m.end("name")))
    return out


def _speaker(ctx: Context, start: int, end: int) -> Speaker:
    over = [m for m in ctx.mentions_in(start, end) if ctx.type_of(m.entity) in ("PERSON", "ORG")]
    if over:
        best = max(over, key=lambda m: (ctx.type_of(m.entity) == "PERSON", m.end - m.start))
        return Speaker(best.entity, (start, end), "label")
    name = ctx.text[start:end]
    key = ctx.lookup_name(name) or ctx.lookup_name(name.split()[-1])
    return Speaker(key, (start, end), "label" if key else "unresolved")


def transcript_turns(ctx: Context) -> list[Candidate]:
    """One direct attribution per speaker turn, or nothing if the text is no transcript."""
    labels = _labels(ctx)
    if len(labels) < int(attribution_data()["transcript_min_labels"]):
        return []
    out = []
    bounds = [n for n, _, _ in labels] + [len(ctx.lines)]
    for k, (n, ns, ne) in enumerate(labels):
        first, last = n + 1, bounds[k + 1] - 1
        if last < first:
            continue
        start, end = ctx.lines[first][0], ctx.lines[last][1]
        while end > start and ctx.text[end - 1].isspace():
            end -= 1
        colon = ctx.text.index(":", ne)
        out.append(Candidate((start, end), _speaker(ctx, ns, ne), (colon, colon + 1), True,
                             "transcript turn 'Name:'"))
    return out

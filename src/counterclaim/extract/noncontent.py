"""Source artefacts: characters that stay in the stored text but are not what the document says.

Markdown emphasis (``**…**``), an archive's capture stamp on the first line ("date 2021-09-21 …
posted 10:07") and an outlet's boilerplate lines ("Stay up-to-date with more news on … WhatsApp
channel") keep their place in ``document.text`` (offsets are sacred) but must yield no entity,
claim, figure, attribution or link. A pre-pass marks them (:func:`noncontent_ranges`, patterns
in ``data/noncontent.json``) and blanks them out of what the pipeline reads (:func:`masked`, same
length, so every offset still indexes the stored text): the model and every extractor see spaces
there, and "**Oleh Syniehubov**" is read as the name it is. :func:`without_noncontent` then
re-reads every record's text from the stored text and trims or drops what still touches an artefact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from counterclaim.records import Analysis, TextSpan, text_span
from counterclaim.resources import load_json

MARKUP, BOILERPLATE, STAMP = "markup", "boilerplate", "stamp"
# What the pipeline reads as blanks. A stamp stays readable (the model's sentence breaks and the relay
# chain of a wire story's opening depend on the first line's shape); its records are trimmed off it.
MASKED = (MARKUP, BOILERPLATE)


@dataclass(frozen=True)
class NonContent:
    """``text[start:end]`` is a source artefact: ``reason`` is 'markup', 'boilerplate' or 'stamp'."""

    start: int
    end: int
    reason: str


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    data = load_json("noncontent.json", required=("markup", "boilerplate_lines", "leading_stamps"))
    markup = re.compile("|".join(f"(?:{p})" if not p.startswith("(?m)") else p[4:] for p in data["markup"]),
                        re.MULTILINE)
    lines = re.compile(r"^[ \t]*(?:" + "|".join(data["boilerplate_lines"]) + r")[ \t]*$",
                       re.IGNORECASE | re.MULTILINE)
    stamps = re.compile("|".join(f"(?:{p})" for p in data["leading_stamps"]), re.IGNORECASE)
    return markup, lines, stamps


def noncontent_ranges(text: str) -> list[NonContent]:
    """Every artefact of ``text``, in order of position."""
    markup, lines, stamps = _patterns()
    found = [NonContent(m.start(), m.end(), MARKUP) for m in markup.finditer(text)]
    found += [NonContent(m.start(), m.end(), BOILERPLATE) for m in lines.finditer(text) if m.end() > m.start()]
    first = re.match(r"[ \t]*[^\n]*", text)
    if first:
        line_end = first.end()
        pos = len(text[:line_end]) - len(text[:line_end].lstrip())
        # Stamps only at the head of the first line, one after another ("date 2021-09-21 … posted 10:07").
        while (m := stamps.match(text, pos, line_end)) and m.end() > m.start():
            found.append(NonContent(m.start(), m.end(), STAMP))
            pos = m.end() + len(text[m.end():line_end]) - len(text[m.end():line_end].lstrip())
    return sorted(found, key=lambda r: (r.start, r.end))


def masked(text: str, ranges: list[NonContent] | None = None) -> str:
    """``text`` with its markup and boilerplate blanked (spaces; line breaks kept): same length, same offsets."""
    ranges = [r for r in (noncontent_ranges(text) if ranges is None else ranges) if r.reason in MASKED]
    if not ranges:
        return text
    chars = list(text)
    for r in ranges:
        for i in range(r.start, r.end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def _trimmed(text: str, start: int, end: int, ranges: list[NonContent]) -> tuple[int, int] | None:
    """``start:end`` without artefacts (and spaces) at its edges; None when nothing but artefacts is left,
    or when it reaches into boilerplate further than its edge."""
    changed = True
    while changed and start < end:
        changed = False
        for r in ranges:
            if r.start <= start < r.end:
                start, changed = r.end, True
            if r.start < end <= r.end:
                end, changed = r.start, True
        while start < end and text[start].isspace():
            start, changed = start + 1, True
        while start < end and text[end - 1].isspace():
            end, changed = end - 1, True
    if start >= end:
        return None
    return start, end


def _clean(text: str, start: int, end: int, ranges: list[NonContent], *, name: bool = False) -> TextSpan | None:
    """The span trimmed of artefacts at its edges; None if it is all artefact (or, for a name, holds markup)."""
    cut = _trimmed(text, start, end, ranges)
    if cut is None:
        return None
    inner = [r for r in ranges if r.start < cut[1] and r.end > cut[0]]
    if name and inner:
        return None  # a name never includes '**' or a boilerplate line
    if any(r.reason != MARKUP and r.start <= cut[0] and r.end >= cut[1] for r in inner):
        return None
    return text_span(text, *cut)


def without_noncontent(analysis: Analysis, text: str, ranges: list[NonContent] | None = None) -> Analysis:
    """The analysis of ``masked(text)`` made an analysis of ``text``: every record's text read from ``text``,
    trimmed off artefacts at its edges, dropped when it lies in boilerplate (ids and references kept whole)."""
    ranges = noncontent_ranges(text) if ranges is None else ranges
    if not ranges:
        return analysis

    def fix(record: Any, *, name: bool = False) -> Any:
        span = _clean(text, record.start, record.end, ranges, name=name)
        return None if span is None else replace(record, start=span.start, end=span.end, text=span.text)

    def resliced(span: TextSpan | None) -> TextSpan | None:
        return None if span is None else text_span(text, span.start, span.end)

    mentions = [m for m in (fix(m, name=True) for m in analysis.mentions) if m is not None]
    quantities = [q for q in (fix(q, name=True) for q in analysis.quantities) if q is not None]
    claims = [c for c in (fix(c) for c in analysis.claims) if c is not None]
    attributions = []
    for a in analysis.attributions:
        content = _clean(text, a.content.start, a.content.end, ranges)
        if content is not None:
            attributions.append(replace(a, content=content, speaker_span=resliced(a.speaker_span),
                                        cue=resliced(a.cue)))
    kept_q, kept_c, kept_a = {q.id for q in quantities}, {c.id for c in claims}, {a.id for a in attributions}
    quantities = [replace(q, parent=q.parent if q.parent in kept_q else None,
                          claim=q.claim if q.claim in kept_c else None) for q in quantities]
    claims = [replace(c, attribution=c.attribution if c.attribution in kept_a else None) for c in claims]
    # An entity named only inside artefacts goes with its mentions, unless a kept record names it.
    named_before = {m.entity for m in analysis.mentions}
    used = {m.entity for m in mentions} | {analysis.asserter} | {q.event for q in quantities}
    used |= {x for a in attributions for x in (a.speaker, *a.via)} | {x for c in claims for x in (c.asserter, *c.about)}
    entities = [e for e in analysis.entities if e.id in used or e.id not in named_before]
    return replace(analysis, entities=entities, mentions=mentions, quantities=quantities, claims=claims,
                   attributions=attributions)

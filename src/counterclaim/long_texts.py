"""Long documents, analysed in bounded windows so memory is bounded per document and time linear.

A text longer than ``WINDOW_CHARS`` is cut at paragraph (else line, else word) boundaries into
windows; each window goes through the whole pipeline on its own (the document-level stages
included), its records are moved to the window's place in the text and merged: entities by id
(names, aliases and roles united), local ids renumbered (``q``, ``a``, ``c``), the asserter and
its evidence taken from the first window (where titles, bylines and datelines are). A figure, a
quote or a claim never spans two windows; a short form ("Ocampo") whose full name is only in
another window keeps its own entity (the cross-document linker may merge it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from typing import Any

from counterclaim.records import Analysis, EntityRecord, TextSpan

WINDOW_CHARS = 50_000  # characters per window: the document-level stages' memory and time are bounded by it


def windows(text: str, limit: int = WINDOW_CHARS) -> Iterator[tuple[int, str]]:
    """``(offset, piece)`` pairs of at most ``limit`` characters whose concatenation is ``text``.

    Cuts fall after a blank line when there is one in the second half of the window, else after
    a line break, else after a sentence end or a space, else anywhere.
    """
    start = 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = window.rfind("\n\n") + 2
        for sep in ("\n", ". ", " "):
            if cut < limit // 2:
                cut = max(cut, window.rfind(sep) + len(sep))
        if cut < limit // 2:
            cut = limit
        yield start, text[start:start + cut]
        start += cut
    yield start, text[start:]


def _span(span: TextSpan | None, offset: int) -> TextSpan | None:
    return None if span is None else TextSpan(span.start + offset, span.end + offset, span.text)


class Merger:
    """Collects the analyses of one document's windows, in order, into one :class:`Analysis`."""

    def __init__(self) -> None:
        self.result = Analysis()
        self._entities: dict[str, EntityRecord] = {}
        self._next = {"q": 0, "a": 0, "c": 0, "t": 0}

    def _renumber(self, records: Sequence[Any], prefix: str) -> dict[str, str]:
        mapping = {}
        for r in records:
            mapping[r.id] = f"{prefix}{self._next[prefix]}"
            self._next[prefix] += 1
        return mapping

    def add(self, analysis: Analysis, offset: int) -> None:
        """Add one window's analysis, found at ``offset`` in the document's text."""
        for e in analysis.entities:
            known = self._entities.get(e.id)
            if known is None:
                self._entities[e.id] = e
            else:
                name = min((known.name, e.name), key=lambda n: (-len(n), n))
                self._entities[e.id] = dataclasses.replace(
                    known, name=name, aliases=tuple(dict.fromkeys((*known.aliases, *e.aliases))),
                    roles=tuple(dict.fromkeys((*known.roles, *e.roles))))
        if offset == 0:  # the first window: the document's head
            self.result.asserter, self.result.why = analysis.asserter, dict(analysis.why)
        self.result.mentions.extend(dataclasses.replace(m, start=m.start + offset, end=m.end + offset)
                                    for m in analysis.mentions)
        qs, ats, cs = (self._renumber(analysis.quantities, "q"), self._renumber(analysis.attributions, "a"),
                       self._renumber(analysis.claims, "c"))
        self.result.quantities.extend(
            dataclasses.replace(q, id=qs[q.id], start=q.start + offset, end=q.end + offset,
                                parent=qs.get(q.parent) if q.parent else None,
                                claim=cs.get(q.claim) if q.claim else None)
            for q in analysis.quantities)
        self.result.attributions.extend(
            dataclasses.replace(a, id=ats[a.id], content=_span(a.content, offset),
                                speaker_span=_span(a.speaker_span, offset), cue=_span(a.cue, offset))
            for a in analysis.attributions)
        self.result.claims.extend(
            dataclasses.replace(c, id=cs[c.id], start=c.start + offset, end=c.end + offset,
                                attribution=ats.get(c.attribution) if c.attribution else None)
            for c in analysis.claims)
        ts = self._renumber(analysis.techniques, "t")
        self.result.techniques.extend(dataclasses.replace(t, id=ts[t.id], start=t.start + offset, end=t.end + offset)
                                      for t in analysis.techniques)

    def analysis(self) -> Analysis:
        self.result.entities = list(self._entities.values())
        return self.result


__all__ = ["WINDOW_CHARS", "Merger", "windows"]

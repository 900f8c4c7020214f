"""From candidate attributions to records: nesting, continuations, relays, ids.

Runs once per document over the candidates the cue rules found, in text
order of their content:

1. duplicates (the same words found by two rules) and indirect readings of a
   passage that is really a direct quote are dropped;
2. an attribution whose cue lies inside another one's words is nested in it
   (Ocampo: "The State Department's report notes that ...");
3. floating quotes and 'it'/'they' speakers take the previous speaker, partial
   quotes the speaker of the reported clause they sit in; first-person speech
   outside quotes (the document's own voice) is not an attribution;
4. relays: the outlet of a wire story's lead relays what the story attributes
   to its subject; a nested attribution is relayed by its parent's speaker.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from counterclaim.extract.attributions.quotes import ends_with_mark
from counterclaim.extract.attributions.speakers import Context, Speaker, _word_set, attribution_data, resolve_outlet
from counterclaim.records import AttributionRecord, text_span

if TYPE_CHECKING:
    from counterclaim.extract.attributions.rules import Candidate

_LOOKBACK = 40
_END_PUNCT = ".!?"
_OUTLET_LINE = re.compile(r"[\s*_#]*(?P<name>[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,5})[*_]*\s*:\s*$")


def _contains(outer: tuple[int, int], at: int) -> bool:
    return outer[0] <= at < outer[1]


def _dedupe(ctx: Context, cands: list[Candidate]) -> list[Candidate]:
    seen: set[tuple[int, int]] = set()
    quoted = {id(q) for c in cands if c.direct and c.pending != "partial"
              for q in (ctx.quote_at(c.content[0]),) if q is not None}
    out = []
    for c in cands:
        if c.content in seen:
            continue
        if not c.direct:
            q = ctx.quote_at(c.content[0]) or ctx.quote_at(c.content[1] - 1)
            cue_at = c.cue[0] if c.cue else c.content[0]
            if q is not None and not (q.start <= cue_at < q.end):
                overlap = min(q.end, c.content[1]) - max(q.start, c.content[0])
                if overlap * 2 > c.content[1] - c.content[0] and id(q) in quoted:
                    continue
        seen.add(c.content)
        out.append(c)
    return out


def _nest(cands: list[Candidate]) -> None:
    """Set ``parent``: the innermost earlier attribution whose words hold this one's cue."""
    for k, c in enumerate(cands):
        at = c.cue[0] if c.cue is not None else (c.content[0] if c.pending == "partial" else None)
        if at is None:
            continue
        best = None
        for p in cands[max(0, k - _LOOKBACK):k + 1]:
            if p is c or not _contains(p.content, at) or p.pending == "partial":
                continue
            inside = p.content[0] <= c.content[0] < c.content[1] <= p.content[1] + 1
            if c.pending == "partial" and (p.direct or not inside):
                continue
            if best is None or p.content[1] - p.content[0] < best.content[1] - best.content[0]:
                best = p
        c.parent = best


def _resolve_pending(ctx: Context, cands: list[Candidate]) -> list[Candidate]:
    data = attribution_data()
    max_gap = int(data["floating_max_paragraphs"])
    min_words = int(data["floating_quote_min_words"])
    kept: list[Candidate] = []
    kept_ids: set[int] = set()
    last: Candidate | None = None
    for c in cands:
        sp = c.speaker
        pending = c.pending or (sp.pending if sp is not None else None)
        if c.parent is not None and id(c.parent) not in kept_ids:
            c.parent = None
        if c.parent is not None:
            p = c.parent
            if pending == "partial":
                if p.speaker is None:
                    continue
                if (c.content[1] - c.content[0]) * 5 >= (p.content[1] - p.content[0]) * 4:
                    p.direct, p.content = True, c.content  # the whole reported clause is quoted
                    p.rule = f"{p.rule} (all quoted)"
                    continue
                c.speaker = Speaker(p.speaker.entity, None, "partial")
            elif pending is not None or sp is None:
                continue
            elif sp.entity is not None and p.speaker is not None and sp.entity == p.speaker.entity:
                continue
            elif sp.entity is None and sp.how == "pronoun":
                continue
            kept.append(c)
            kept_ids.add(id(c))
            continue
        if pending in ("partial", "self"):
            continue
        if pending == "previous" and not _previous_fits(ctx, c, last, max_gap):
            assert sp is not None  # 'it said' with no earlier speaker: the resolver's organisation, or no one
            c.speaker, c.pending = Speaker(sp.entity, sp.span, "pronoun"), None
            pending = None
        if pending in ("floating", "previous"):
            near = last is not None and ctx.line_of(c.content[0]) - ctx.line_of(last.content[1] - 1) <= max_gap
            if not near or last is None or last.speaker is None:
                if pending == "floating" and len(ctx.text[c.content[0]:c.content[1]].split()) >= min_words:
                    c.rule = f"{c.rule}, speaker unknown"
                    c.pending = None
                    kept.append(c)
                    kept_ids.add(id(c))
                continue
            c.continues = last
            if pending == "floating":
                c.speaker = Speaker(last.speaker.entity, None, "continues")
                c.via = list(last.via)
            else:
                assert sp is not None
                c.speaker = Speaker(last.speaker.entity, sp.span, "previous")
            c.pending = None
        kept.append(c)
        kept_ids.add(id(c))
        if c.speaker is not None:
            last = c
    return kept


def _join_split(ctx: Context, cands: list[Candidate]) -> list[Candidate]:
    """One attribution for a quote split by its cue: '"A," he said, "b."' and '"A," he said. "B."'.

    The second part is a floating quote continuing the first, or a quote read with the same cue
    ('said, "b"'). The first part's record takes the whole passage (cue words and all: its span
    is the reported speech as written). A second part that opens a sentence of its own stays as
    a part ('split quote continues'); one that goes on with the first part's sentence is no
    statement of its own and is dropped.
    """
    out: list[Candidate] = []
    prev: Candidate | None = None
    for c in cands:
        p = c.continues if c.continues is not None else prev
        same_cue = p is not None and c.cue is not None and c.cue == p.cue
        if (p is None or not (c.direct and p.direct) or p.cue is None or c.pending is not None
                or c.speaker is None or not (c.speaker.how == "continues" or same_cue)
                or ctx.line_of(p.content[0]) != ctx.line_of(c.content[0])
                or not p.content[1] <= p.cue[0] < c.content[0]):
            out.append(c)
            prev = c
            continue
        gap = ctx.text[p.content[1]:c.content[0]].rstrip()
        gap = gap[:-len(ends_with_mark(gap))].rstrip() if ends_with_mark(gap) else gap
        p.content = (p.content[0], c.content[1])
        p.rule = f"{p.rule}; split by its cue, both parts"
        if gap[-1:] in _END_PUNCT:
            c.continues, c.cue, c.speaker = p, None, Speaker(p.speaker.entity if p.speaker else None, None, "continues")
            out.append(c)
    return out


def _previous_fits(ctx: Context, c: Candidate, last: Candidate | None, max_gap: int) -> bool:
    """Whether 'it'/'they' can be the previous speaker: near, known, and never one person (a plural 'they' is a
    group: 'The witness said ... They said ...' are others)."""
    if last is None or last.speaker is None or last.speaker.entity is None:
        return False
    if ctx.line_of(c.content[0]) - ctx.line_of(last.content[1] - 1) > max_gap:
        return False
    sp = c.speaker
    word = ctx.text[sp.span[0]:sp.span[1]].lower() if sp is not None and sp.span else ""
    return not (word in ("it", "they") and ctx.type_of(last.speaker.entity) == "PERSON")


def _lead_lines(ctx: Context) -> set[int]:
    data = attribution_data()
    out = []
    for n, (s, e) in enumerate(ctx.lines):
        if e - s >= int(data["lead_paragraph_min_chars"]):
            out.append(n)
            if len(out) >= int(data["lead_paragraphs"]):
                break
    return set(out)


def _outlet_line(ctx: Context) -> str | None:
    """A wire story's 'Trend:' line near the top."""
    data = attribution_data()
    stop = _word_set("outlet_line_stopwords")
    for s, e in ctx.lines:
        if s > int(data["headline_max_offset"]):
            break
        m = _OUTLET_LINE.fullmatch(ctx.text[s:e])
        if not m or m.group("name").casefold() in stop or len(m.group("name").split()) > int(
                data["outlet_line_max_words"]):
            continue
        ns, ne = s + m.start("name"), s + m.end("name")
        if any(ctx.type_of(x.entity) == "PERSON" for x in ctx.mentions_in(ns, ne)):
            continue
        a, b = ctx.tok_at(ns), ctx.tok_at(ne - 1) + 1
        return resolve_outlet(ctx, a, b)
    return None


def _relay(ctx: Context, cands: list[Candidate]) -> None:
    lead_lines = _lead_lines(ctx)
    top = [c for c in cands if c.parent is None]
    lead = next((c for c in top if c.via and c.speaker is not None
                 and ctx.line_of(c.cue[0] if c.cue else c.content[0]) in lead_lines), None)
    if lead is not None:
        assert lead.speaker is not None
        subject = lead.speaker.entity
        subjects = {subject, ctx.asserter} - {None}
        for c in top:
            if c is lead or c.speaker is None or c.speaker.entity not in subjects:
                continue
            chain = list(lead.via) + ([subject] if subject and c.speaker.entity != subject else [])
            c.via = chain + c.via
            c.lead = lead
    else:
        outlet = _outlet_line(ctx)
        if outlet is not None and ctx.asserter is not None:
            for c in top:
                if c.speaker is not None and c.speaker.entity == ctx.asserter:
                    c.via = [outlet] + c.via
    for c in cands:  # parents come first: their chain is settled
        p = c.parent
        if p is None or c.speaker is None:
            continue
        if c.speaker.how == "partial":
            c.via = list(p.via)
        else:
            c.via = list(p.via) + ([p.speaker.entity] if p.speaker and p.speaker.entity else []) + c.via


def assemble(ctx: Context, cands: list[Candidate]) -> list[AttributionRecord]:
    """Settle the candidates of one document and build the records."""
    cands = [c for c in cands if c.content[1] > c.content[0]]
    cands.sort(key=lambda c: (c.content[0], c.pending == "partial", -c.content[1]))
    cands = _dedupe(ctx, cands)
    _nest(cands)
    cands = _resolve_pending(ctx, cands)
    cands = _join_split(ctx, cands)
    _relay(ctx, cands)
    for n, c in enumerate(cands):
        c.id = f"a{n}"
    text = ctx.text
    out = []
    for c in cands:
        rule = c.rule
        if c.continues is not None:
            same_line = ctx.line_of(c.continues.content[0]) == ctx.line_of(c.content[0])
            if c.speaker is not None and c.speaker.how == "previous":
                rule = f"{rule}; '{text[c.speaker.span[0]:c.speaker.span[1]]}' = speaker of {c.continues.id}" \
                    if c.speaker.span else f"{rule}; speaker of {c.continues.id}"
            elif same_line and c.continues.direct and c.direct:
                rule = f"split quote continues {c.continues.id}"
            else:
                rule = f"{rule} continues {c.continues.id}"
        if c.parent is not None:
            partial = c.speaker is not None and c.speaker.how == "partial"
            rule = f"partial quote inside {c.parent.id}" if partial else f"{rule}, inside {c.parent.id}"
        if c.lead is not None:
            rule = f"{rule}; relayed like lead {c.lead.id}"
        sp = c.speaker
        speaker = sp.entity if sp is not None else None
        via: list[str] = []
        for v in c.via:
            if v and v != speaker and v not in via:
                via.append(v)
        out.append(AttributionRecord(
            id=c.id, content=text_span(text, *c.content), speaker=speaker,
            speaker_span=text_span(text, *sp.span) if sp is not None and sp.span else None,
            cue=text_span(text, *c.cue) if c.cue else None, direct=c.direct, via=tuple(via), rule=rule))
    return out

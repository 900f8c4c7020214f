"""Phrases the attribution rules share: content spans, cue spans, subjects and relays."""

from __future__ import annotations

import re

from spacy.tokens import Token

from counterclaim.extract.attributions.speakers import Context, Speaker, _word_set, resolve, resolve_outlet

OBJECT_DEPS = ("dobj", "dative", "iobj")
DASHES = ("—", "–", "--", "-")
_RELATIVE = ("who", "which", "that")
# 'DAMASCUS, March 3 (Reuters) - ' / 'Bamako, 12 May - ' at the head of a wire story's first sentence
# 'ERBIL (Kurdistan 24) – ' too: a capitalised place and the outlet in brackets
_DATELINE = re.compile(r"(?:[A-Z][A-Za-z .'’-]{1,40},[^\n\-—–]{1,40}?(?:\([^)\n]{1,40}\))?"
                       r"|[A-Z][A-Z .'’-]{1,40}\([^)\n]{1,40}\))\s+[-—–]+\s+")


def word_count(text: str) -> int:
    """How many whitespace-separated words ``text`` has."""
    return len(text.split())


def content_span(ctx: Context, start: int, end: int, *, strip: str, dateline: bool = False) -> tuple[int, int]:
    """``start, end`` without surrounding blanks and trailing ``strip`` characters.

    With ``dateline``, a wire dateline opening the paragraph ('GOMA, Jan 27 (Reuters) - ') is dropped too.
    """
    text = ctx.text
    while start < end and text[start].isspace():
        start += 1
    if dateline and ctx.lines[ctx.line_of(start)][0] == start:
        m = _DATELINE.match(text, start, end)
        if m is not None:
            start = m.end()
    while end > start and (text[end - 1].isspace() or text[end - 1] in strip):
        end -= 1
    return start, end


def subject_of(v: Token, *, right: bool = False) -> Token | None:
    """The verb's subject; of several, the first with no line break or comma between it and the verb
    (a stray line above, a live blog's '5:45 p.m.', a fronted clause's subject, hung on the verb by
    the parser, is none). With ``right``, an inverted subject after it too."""
    subs = [c for c in v.lefts if c.dep_ == "nsubj"]
    if subs:
        doc = v.doc  # no line break or comma between it and the verb: 'Most of the displaced, X said'
        return next((c for c in subs if not any("\n" in t.text or t.text == "," for t in doc[c.i:v.i])), subs[-1])
    return next((c for c in v.rights if c.dep_ == "nsubj"), None) if right else None


def subject_speaker(ctx: Context, subj: Token, v: Token, *, before: int) -> Speaker | None:
    """The speaker a cue's subject stands for; a relative 'who' ('X, who said ...') stands for X."""
    if subj.lower_ in _RELATIVE and v.dep_ == "relcl" and v.head.pos_ in ("NOUN", "PROPN"):
        ant = v.head
        if ant.dep_ == "appos" and ant.head.pos_ == "PROPN":  # 'Ahmed Farouk, a councillor who said'
            ant = ant.head
        sp = resolve(ctx, ant.left_edge.i, ant.i + 1, before=min(before, ant.idx))
        if sp is None:
            return None
        return Speaker(sp.entity, (subj.idx, subj.idx + len(subj)), "relative", sp.pending)
    return resolve(ctx, subj.left_edge.i, subj.right_edge.i + 1, before=before)


def cue_span(v: Token) -> tuple[int, int]:
    """The cue's characters, with a particle right after it ('pointed out')."""
    end = v.idx + len(v)
    for c in v.rights:
        if c.dep_ == "prt" and c.i == v.i + 1:
            end = c.idx + len(c)
    return v.idx, end


def relays(ctx: Context, v: Token) -> list[str]:
    """Outlets on the cue: 'told Trend', 'said in an interview with Alpha News'."""
    out: list[str] = []
    if v.lemma_.lower() in _word_set("tell_verbs"):
        for c in v.rights:
            if c.dep_ in OBJECT_DEPS:
                o = resolve_outlet(ctx, c.left_edge.i, c.right_edge.i + 1)
                if o:
                    out.append(o)
    nouns, preps = _word_set("relay_nouns"), _word_set("relay_preps")
    for p in v.rights:
        if p.dep_ != "prep":
            continue
        for n in p.children:
            if n.dep_ == "pobj" and n.lemma_.lower() in nouns:
                for p2 in n.children:
                    if p2.dep_ == "prep" and p2.lower_ in preps:
                        for o in p2.children:
                            if o.dep_ == "pobj":
                                key = resolve_outlet(ctx, o.left_edge.i, o.right_edge.i + 1)
                                if key:
                                    out.append(key)
    return out

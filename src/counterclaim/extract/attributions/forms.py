"""Reported speech that is neither a quote nor a reported clause.

- objects: 'X called for a ceasefire', 'accused Y of Z', 'called Y a Z', 'urged Y to Z';
- 'according to X, ...' / '..., according to X';
- a headline 'Name: ...';
- a paragraph closing on 'X added:' and the next paragraph, unquoted, as X's words.
"""

from __future__ import annotations

import re

from spacy.tokens import Token

from counterclaim.extract.attributions.candidate import Candidate
from counterclaim.extract.attributions.phrases import (
    DASHES,
    content_span,
    cue_span,
    relays,
    subject_of,
    subject_speaker,
    word_count,
)
from counterclaim.extract.attributions.quotes import starts_with_mark
from counterclaim.extract.attributions.speakers import Context, Speaker, _word_set, attribution_data, is_cue, resolve

_NAMING_DEPS = ("oprd", "ccomp", "xcomp", "attr", "dobj")  # 'called the deal "a disaster"'
_COMPLEMENT_DEPS = ("prep", "xcomp", "oprd")
_END_PUNCT = ".!?"
_SINGLE_QUOTES = "‘’'"
_ACCORDING_STOP = (",", ";", "(", *DASHES)  # 'according to the UN — deaths which ...'


def is_object_cue(tok: Token) -> bool:
    """A verb that reports only through its object ('criticized X for Y', 'cited X as Y', 'praised X'),
    used as a verb and not negated; it reads no clause and speaks for no document. 'citing Y' is a relay
    ('Trend reports citing the ministry'), not a statement of its own."""
    if tok.tag_ == "VBG" and tok.lemma_.lower() in _word_set("cite_verbs"):
        return False
    return (tok.pos_ == "VERB" and tok.lemma_.lower() in _word_set("object_only_cues")
            and tok.dep_ not in ("amod", "compound") and not any(c.dep_ == "neg" for c in tok.children))


def object_form(ctx: Context, v: Token) -> Candidate | None:
    """'X accused Y of Z', 'called for a ceasefire', 'called on Y to Z', 'described Y as Z', 'called Y a Z'."""
    cues = attribution_data()["object_cues"]
    lemma = v.lemma_.lower()
    preps = cues.get(lemma)
    if preps is None or lemma == "about":
        return None
    preps = [preps] if isinstance(preps, str) else preps
    dobj = next((c for c in v.rights if c.dep_ == "dobj"), None)
    holders = [v] + ([dobj] if dobj is not None else [])
    prep = next((c for h in holders for c in h.rights if c.dep_ == "prep" and c.lower_ in preps and c.lower_), None)
    named = next((c for c in v.rights if c.dep_ in _NAMING_DEPS and dobj is not None and c.i > dobj.i), None)
    if prep is None and named is not None and lemma in _word_set("naming_cues"):
        assert dobj is not None
        a, b = dobj.left_edge.i, named.right_edge.i + 1
        how = " Y Z"
    elif prep is None:
        if "" not in preps or dobj is None:
            return None  # 'called a meeting': no name given, nothing asked for
        a, b = dobj.left_edge.i, _complement_end(v, dobj)
        how = ""
    elif dobj is None or (prep.head.i == v.i and prep.i < dobj.i):  # 'called for Y', 'called on Y to Z'
        pobj = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
        if pobj is None:
            return None
        a, b = pobj.left_edge.i, _complement_end(v, pobj)
        how = f" {prep.lower_}"
    else:
        a, b = dobj.left_edge.i, _complement_end(v, dobj)
        how = f" {prep.lower_}"
    doc = ctx.doc
    ls, le = ctx.lines[ctx.line_of(v.idx)]
    start, end = content_span(ctx, max(ls, doc[a].idx), min(le, doc[b - 1].idx + len(doc[b - 1])), strip=".,;:")
    n = word_count(ctx.text[start:end])
    if end - start < 8 or (not how and n < 3) or (doc[a].pos_ == "PRON" and n < 5):
        return None  # 'denied the reports', 'called on him to stop' name nothing that was said
    subj = subject_of(v)
    if subj is None and v.dep_ in ("conj", "xcomp", "advcl") and v.head.lemma_ != "be":  # not 'X is to blame'
        subj = subject_of(v.head)
    if subj is None:
        return None
    sp = subject_speaker(ctx, subj, v, before=subj.idx)
    if sp is None:
        return None
    return Candidate((start, end), sp, cue_span(v), False, f"'{v.text}{how}' + object, nsubj", via=relays(ctx, v))


def _complement_end(v: Token, obj: Token) -> int:
    """Token after the object and what completes it ('Y as Z', 'Y to do Z'), not a ', saying ...' after a comma."""
    b = obj.right_edge.i + 1
    for c in v.rights:
        if c.i > obj.i and c.dep_ in _COMPLEMENT_DEPS and v.doc[c.i - 1].text != ",":
            b = max(b, c.right_edge.i + 1)
    return b


def according(ctx: Context) -> list[Candidate]:
    """'According to X, ...' / '..., according to X.'"""
    doc = ctx.doc
    cues: dict[str, list[list[str]]] = {}
    for phrase in attribution_data()["according_cues"]:
        words = phrase.split()
        cues.setdefault(words[0], []).append(words)
    out = []
    for tok in doc:
        for words in cues.get(tok.lower_, ()):
            k = len(words)
            if [t.lower_ for t in doc[tok.i:tok.i + k]] != words:
                continue
            sent = tok.sent
            b = tok.i + k
            while b < sent.end and doc[b].text not in _ACCORDING_STOP and doc[b].text not in _END_PUNCT:
                b += 1
            sp = resolve(ctx, tok.i + k, b, before=tok.idx)
            if sp is None:
                continue
            cue = (tok.idx, doc[tok.i + k - 1].idx + len(doc[tok.i + k - 1]))
            ls, le = ctx.lines[ctx.line_of(tok.idx)]
            s_start, s_end = max(ls, sent.start_char), min(le, sent.end_char)
            lead = all(t.is_punct or t.pos_ in ("ADV", "CCONJ", "SPACE") for t in doc[sent.start:tok.i])
            if lead and b < sent.end:
                start, end = content_span(ctx, doc[b].idx + 1, s_end, strip=".,;:")
                where = "according to"
            elif all(t.is_punct or t.is_space for t in doc[b:sent.end]) or doc[b].text in DASHES:
                start, end = content_span(ctx, s_start, tok.idx, strip=",;:—–- ", dateline=True)
                where = "clause + ', according to X'"
            else:
                start, end = content_span(ctx, s_start, s_end, strip=".,;:", dateline=True)
                where = "according to (mid-sentence)"
            if end - start >= 8:
                out.append(Candidate((start, end), sp, cue, False, where.replace("according to", words[0] + " "
                                                                                + " ".join(words[1:]))))
    return out


def headline(ctx: Context) -> Candidate | None:
    """'Luis Moreno Ocampo: The USA, Israel and the EU are guilty ...' as the first line."""
    data = attribution_data()
    if not ctx.lines or ctx.lines[0][0] > int(data["headline_max_offset"]):
        return None
    ls, le = ctx.lines[0]
    m = re.match(r"[\s*_#]*(?P<name>[^:\n]{2,80}?)[*_]*(?P<colon>:)\s+(?P<rest>\S.*)$", ctx.text[ls:le])
    if not m:
        return None
    rest = m.group("rest").rstrip(" .*_")
    quoted = rest[:1] in _SINGLE_QUOTES and rest[-1:] in _SINGLE_QUOTES  # "X Hammers Y: 'You Should Resign'"
    if starts_with_mark(rest) and not quoted:
        return None  # a double-quoted headline: the quote rules read it
    ns, ne = ls + m.start("name"), ls + m.end("name")
    ment = next((x for x in ctx.mentions_in(ns, ne) if x.start == ns and (quoted or x.end == ne)), None)
    if ment is None or ctx.type_of(ment.entity) not in ("PERSON", "ORG") or word_count(rest) < 4:
        return None
    start, end = content_span(ctx, ls + m.start("rest") + quoted, le, strip=".*_" + _SINGLE_QUOTES)
    colon = ls + m.start("colon")
    speaker = Speaker(ment.entity, (ns, ment.end if quoted else ne))
    return Candidate((start, end), speaker, (colon, colon + 1), quoted,
                     "headline 'Name: ‘...’'" if quoted else "headline 'Name: ...'")


def block_quotes(ctx: Context, used: set[int]) -> list[Candidate]:
    """'The governor added:' closing a paragraph, and the next paragraph, unquoted, is what he said."""
    doc, text, out = ctx.doc, ctx.text, []
    for n in range(len(ctx.lines) - 1):
        ls, le = ctx.lines[n]
        line = text[ls:le].rstrip()
        ns, ne = ctx.lines[n + 1]
        if not line.endswith(":") or ctx.quote_at(ls + len(line) - 1) is not None or ctx.quote_at(ns) is not None:
            continue
        if starts_with_mark(text[ns:ne].lstrip(" \t*>_-#")):
            continue  # a quote: the quote rules read its cue
        last = ctx.tok_at(ls + len(line) - 1)
        first = max(ctx.tok_at(ls), last - 12, doc[last].sent.start)
        v = next((doc[i] for i in range(last - 1, first - 1, -1) if is_cue(doc[i]) and doc[i].pos_ == "VERB"), None)
        if v is None or v.i in used or any(t.pos_ in ("VERB", "AUX") for t in doc[v.i + 1:last]):
            continue
        subj = subject_of(v, right=True)
        if subj is None and v.dep_ in ("conj", "xcomp"):
            subj = subject_of(v.head, right=True)
        sp = subject_speaker(ctx, subj, v, before=ls) if subj is not None else None
        if sp is None:
            continue
        start, end = content_span(ctx, ns, ne, strip="")
        if word_count(text[start:end]) < int(attribution_data()["floating_quote_min_words"]):
            continue
        used.add(v.i)
        out.append(Candidate((start, end), sp, cue_span(v), True, f"'{v.text}:' + the next paragraph",
                             via=relays(ctx, v)))
    return out

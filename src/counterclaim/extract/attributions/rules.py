"""Who said what: attributions of one document, as a pure function over a parsed Doc.

Direct speech comes from the quote scanner (:mod:`.quotes`): each quoted
passage looks for its cue after the closing mark ('...," Ocampo said', '..."
― Jane Doe'), before the opening one ('the minister said: "...'), or continues
the previous speaker (a floating quote, the second half of a split quote).
Short quoted terms with no cue ('"expert opinion"') are scare quotes, not speech.

Indirect speech comes from the parse: a reporting verb with a clause
('X said that ...', 'the letter expressed regret that ...', 'it was noted
that ...', 'X, who said ...'), a clause followed by its cue ('..., she noted.',
'..., a source told Trend.', '..., Trend reports citing the Office.'); the other
forms (objects, 'according to X', headlines, block quotes) are in :mod:`.forms`.

Speakers resolve through :mod:`.speakers` (mentions, pronouns, a letter or
report standing for its author, else the document's asserter). Relays fill
``via`` outermost first: 'told Trend' / 'in an interview with Alpha News' /
'Trend reports citing Y' on the cue itself; an outlet relaying the lead of a
wire story relays everything the story attributes to its subject; and an
attribution nested in another one's words is relayed by that speaker.

An outlet the entity stage did not recognise is kept in ``via`` under the key
the entity stage would give it (``ORG:<slug>``); the ledger drops ids it has
no entity for. A speaker that resolves to nothing keeps ``speaker_span`` with
``speaker=None``.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from counterclaim.extract.attributions.assemble import assemble
from counterclaim.extract.attributions.candidate import Candidate
from counterclaim.extract.attributions.forms import according, block_quotes, headline, is_object_cue, object_form
from counterclaim.extract.attributions.phrases import (
    OBJECT_DEPS,
    content_span,
    cue_span,
    relays,
    subject_of,
    subject_speaker,
    word_count,
)
from counterclaim.extract.attributions.quotes import Quote, ends_with_mark, starts_with_mark
from counterclaim.extract.attributions.speakers import (
    Context,
    Speaker,
    _word_set,
    attribution_data,
    is_cue,
    resolve,
    resolve_outlet,
)
from counterclaim.extract.attributions.transcript import transcript_turns, wraps_turn
from counterclaim.records import AttributionRecord, EntityRecord, MentionRecord

__all__ = ["Candidate", "extract_attributions"]

_TAIL_DEPS = ("prep", "npadvmod", "advmod", "punct", "agent", "dep")
_END_PUNCT = ".!?"
_THAT_END = re.compile(r"(?<![\w-])that$")
# '"...." ― Sonya Herridge' / '"..." — Jane Doe, nurse': a signature closing the quote's paragraph
_SIGNATURE = re.compile(r"[^\S\n]*(?P<dash>[―—–]|--?)[^\S\n]*(?P<name>[A-Z][^\n!?]{1,60}?)(?:[^\S\n]|\.)*")


def extract_attributions(doc: Doc, entities: list[EntityRecord], mentions: list[MentionRecord],
                         asserter: str | None) -> list[AttributionRecord]:
    """Attributions of one parsed document, ids 'a0', 'a1', ... in text order of their content.

    Args:
        doc: the parsed document (``doc.text`` is the stored text).
        entities: the entities stage's records for this document.
        mentions: the entities stage's mentions (role mentions already resolved to their holder).
        asserter: entity id of whoever speaks for the document, or None.

    Returns:
        The attributions, each with its ``rule``; never raises on odd quoting.
    """
    ctx = Context.build(doc, entities, mentions, asserter)
    if not ctx.text.strip():
        return []
    used: set[int] = set()
    turns = transcript_turns(ctx)
    cands: list[Candidate] = list(turns)
    for q in ctx.quotes:
        if wraps_turn(ctx, turns, q.open_mark):
            continue
        c = _quote_candidate(ctx, q, used)
        if c is not None:
            cands.append(c)
    cands.extend(block_quotes(ctx, used))
    head = headline(ctx)
    if head is not None:
        cands.append(head)
    cands.extend(according(ctx))
    for tok in doc:
        inverted = tok.i > 0 and doc[tok.i - 1].text == ","  # '..., said X': the verb opens its phrase
        if tok.i not in used and is_cue(tok, inverted=inverted):
            c = _parenthetical(ctx, tok) or _trailing(ctx, tok) or _clausal(ctx, tok)
            if c is not None:
                cands.append(c)
        elif tok.i not in used and is_object_cue(tok):  # 'criticized X for Y', 'cited X as Y'
            c = object_form(ctx, tok)
            if c is not None:
                cands.append(c)
    return assemble(ctx, cands)


# -- direct speech -----------------------------------------------------------------
def _at_sentence_start(ctx: Context, q: Quote) -> bool:
    if q.open_mark is None:
        return True
    ls = ctx.lines[q.first_line][0]
    before = ctx.text[ls:q.open_mark].rstrip().strip(" \t*>_-#")
    if not before:
        return True
    mark = ends_with_mark(before)
    if mark:
        before = before[:-len(mark)].rstrip()
    return before[-1:] in (*_END_PUNCT, ":") if before else True


def _quote_candidate(ctx: Context, q: Quote, used: set[int]) -> Candidate | None:
    data = attribution_data()
    start, end = content_span(ctx, q.start, q.end, strip=",")
    if end <= start:
        return None
    words = word_count(ctx.text[start:end])
    short = words <= int(data["scare_quote_max_words"])
    rule_note = {"unterminated": "; unbalanced quote, closed at paragraph end",
                 "no_opening": "; unbalanced quote, no opening mark"}.get(q.recovered, "")
    if q.recovered == "unterminated":
        cut = _cue_inside(ctx, q)
        if cut is not None:
            comma, v, sp = cut
            used.add(v.i)
            start, end = content_span(ctx, q.start, comma, strip=",")
            return Candidate((start, end), sp, cue_span(v), True,
                             f"quote + '{v.text}' after it; unbalanced quote, closed before the cue",
                             via=relays(ctx, v))
    found = _after_cue(ctx, q) if q.close_mark is not None else None
    if found is not None and short:
        tail = ctx.text[q.after_close:q.after_close + 2] if q.close_mark is not None else ""
        if not (ctx.text[q.start:q.end].rstrip()[-1:] in ",!?.…—" or tail.lstrip().startswith(",")):
            found = None
    if found is not None:
        v, sp = found
        used.add(v.i)
        clause = _clause_before(ctx, q) if short else None
        if clause is not None:  # 'Five civilians died, and "seven terrorists" were "neutralised," X told AFP'
            return Candidate((clause, end), sp, cue_span(v), False,
                             f"clause ending in a quote + '{v.text}' after it{rule_note}", via=relays(ctx, v))
        return Candidate((start, end), sp, cue_span(v), True, f"quote + '{v.text}' after it{rule_note}",
                         via=relays(ctx, v))
    signed = _signature(ctx, q) if q.close_mark is not None and not short else None
    if signed is not None:
        dash, sp = signed
        return Candidate((start, end), sp, dash, True, f"quote + '— Name' after it{rule_note}")
    if q.recovered == "no_opening":
        return None
    found = _before_cue(ctx, q)
    if found is not None:
        v, sp = found
        if v is not None:
            used.add(v.i)
        cue = cue_span(v) if v is not None else None
        return Candidate((start, end), sp, cue, True,
                         f"'{v.text if v is not None else ':'}' + quote after it{rule_note}",
                         via=relays(ctx, v) if v is not None else [])
    if short:
        return None  # a scare quote or a quoted term
    if _at_sentence_start(ctx, q):
        return Candidate((start, end), None, None, True, f"floating quote{rule_note}", pending="floating")
    return Candidate((start, end), None, None, True, "partial quote", pending="partial")


def _clause_before(ctx: Context, q: Quote) -> int | None:
    """Where the reported clause a quote closes begins, when the quote does not open its sentence.

    Only for a clause of its own (no reporting verb before the quote in the sentence,
    which would make it that verb's content, and a subject and verb of its own).
    """
    if q.open_mark is None or _at_sentence_start(ctx, q):
        return None
    doc = ctx.doc
    i = ctx.tok_at(q.open_mark)
    sent = doc[i].sent
    ls = ctx.lines[ctx.line_of(q.open_mark)][0]
    a = max(sent.start, ctx.tok_at(ls))
    if doc[a].idx < ls:
        a += 1
    words = [t for t in doc[a:i] if not t.is_punct and not t.is_space]
    if len(words) < 3 or any(is_cue(t) for t in words) or not any(t.pos_ in ("VERB", "AUX") for t in words):
        return None
    start, _ = content_span(ctx, doc[a].idx, q.open_mark, strip="", dateline=True)
    return start


def _after_cue(ctx: Context, q: Quote) -> tuple[Token, Speaker] | None:
    """'"...," the appeal said' / '"...," said Ocampo': the cue right after the closing mark."""
    doc = ctx.doc
    assert q.close_mark is not None
    line_end = ctx.lines[q.last_line][1]
    j = ctx.tok_at(q.after_close - 1) + 1
    window: list[Token] = []
    while j < len(doc) and doc[j].idx < line_end and len(window) < 20:
        t = doc[j]
        if t.text in _END_PUNCT or starts_with_mark(t.text):
            break
        window.append(t)
        j += 1
    first = next((n for n, t in enumerate(window) if not t.is_punct and not t.is_space), None)
    k = next((n for n, t in enumerate(window) if is_cue(t, inverted=n == first)), None)
    if k is None:
        return None
    v = window[k]
    if _reports_own_clause(v, ctx.text[q.start:q.end].rstrip().endswith(".")):
        return None  # '"... the timing." The governor said it would be improper ...': the cue of the next clause
    phrase = [t for t in window[:k] if not t.is_punct or t.text not in ",—–-"]
    if phrase:
        if phrase[0].pos_ == "CCONJ" or any(t.pos_ == "VERB" for t in phrase):
            return None
        a, b = phrase[0].i, v.i
        subj = next((c for c in v.lefts if c.dep_ in ("nsubj", "nsubjpass") and c.i >= a), None)
        if subj is not None:
            a, b = subj.left_edge.i, subj.right_edge.i + 1
    else:
        subj = next((c for c in v.rights if c.dep_ == "nsubj"), None)
        if subj is not None:
            a, b = subj.left_edge.i, subj.right_edge.i + 1
        else:
            b = v.i + 1
            while b < len(doc) and doc[b].pos_ in ("PROPN", "DET", "NOUN", "ADJ") and doc[b].idx < line_end:
                b += 1
            a = v.i + 1
    sp = resolve(ctx, a, b, before=q.start)
    return (v, sp) if sp is not None else None


def _reports_own_clause(v: Token, closed: bool) -> bool:
    """Whether cue ``v`` goes straight on to a clause of its own ('X said it would ...', 'said that ...'),
    or, after a quote ``closed`` by a full stop, to an object of its own ('"... a bully." X called the
    senator a ...'): then it opens its own statement and is no cue of the quote before it. A second
    quote set off by a comma ('"A," he said, "b."') is no clause of its own."""
    doc, tell = v.doc, _word_set("tell_verbs")
    for c in v.rights:
        if c.dep_ != "ccomp" and not (closed and c.dep_ in ("dobj", "oprd") and v.lemma_.lower() not in tell):
            continue
        a = c.left_edge.i
        if a > v.i and not any(t.is_punct or t.is_space for t in doc[v.i + 1:a]) and not starts_with_mark(doc[a].text):
            return True
    return False


def _signature(ctx: Context, q: Quote) -> tuple[tuple[int, int], Speaker] | None:
    """'"...." ― Sonya Herridge': a dash and a name closing the quote's paragraph."""
    line_end = ctx.lines[q.last_line][1]
    m = _SIGNATURE.fullmatch(ctx.text, q.after_close, line_end)
    if m is None:
        return None
    a, b = ctx.tok_at(m.start("name")), ctx.tok_at(m.end("name") - 1) + 1
    if ctx.doc[a].idx < m.start("name"):
        a += 1
    if b <= a or ctx.doc[a].pos_ != "PROPN" or any(t.pos_ in ("VERB", "AUX") for t in ctx.doc[a:b]):
        return None
    sp = resolve(ctx, a, b, before=q.start)
    if sp is None or (sp.entity is None and not all(t.pos_ in ("PROPN", "PUNCT") for t in ctx.doc[a:b])):
        return None
    return (m.start("dash"), m.end("dash")), sp


def _before_cue(ctx: Context, q: Quote) -> tuple[Token | None, Speaker] | None:
    """'X said: "..."' / 'she added, "..."' (the cue may end the previous paragraph)."""
    if q.open_mark is None:
        return None
    doc, text = ctx.doc, ctx.text
    ls = ctx.lines[q.first_line][0]
    end = q.open_mark
    if not text[ls:end].strip(" \t*>_-#") and q.first_line > 0:
        ls, end = ctx.lines[q.first_line - 1]
        if not text[ls:end].rstrip().endswith(":"):
            return None
    region = text[ls:end].rstrip()
    that = _THAT_END.search(region.rstrip(",")) is not None  # 'stressed that "..."', 'told Sky News that "..."'
    if region and region[-1] not in ":," and not that:  # 'In an interview X declared "...': the bare cue
        cue = doc[ctx.tok_at(ls + len(region) - 1)]
        that = region[-1].isalpha() and cue.pos_ == "VERB" and is_cue(cue)
    if not region or (region[-1] not in ":," and not that):
        return None
    if that and q.close_mark is not None and text[q.after_close:q.after_close + 2].strip()[:1].isalnum():
        return None  # 'said that "a bomb" had gone off': the reported clause runs on (the clause rule reads it)
    last = ctx.tok_at(ls + len(region) - 1)
    first = max(ctx.tok_at(ls), last - 25, doc[last].sent.start)
    if that:
        first = max(first, last - 8)
    v = next((doc[i] for i in range(last, first - 1, -1) if is_cue(doc[i]) and doc[i].pos_ == "VERB"), None)
    if v is None:  # 'Name: "..."' (a headline, a caption): the quote is all that follows the colon on its line
        if region[-1] != ":":
            return None
        if q.close_mark is not None and text[q.after_close:ctx.lines[ctx.line_of(q.close_mark)][1]].strip(
                " \t.!?…*_"):
            return None  # 'Horror Stories from the city: "Rapid Support Forces" Spreading Death': a scare quote
        sp = resolve(ctx, first, last, before=q.start)
        return (None, sp) if sp is not None and sp.entity is not None else None
    subj = subject_of(v, right=True)
    if subj is None and v.dep_ in ("conj", "xcomp"):
        subj = subject_of(v.head, right=True)
    if subj is None:
        return None
    sp = subject_speaker(ctx, subj, v, before=q.start)
    return (v, sp) if sp is not None else None


def _cue_inside(ctx: Context, q: Quote) -> tuple[int, Token, Speaker] | None:
    """An unclosed quote that ends '..., the ministry said.': cut it before the cue."""
    doc = ctx.doc
    a, b = ctx.tok_at(q.start), ctx.tok_at(max(q.start, q.end - 1)) + 1
    for i in range(b - 1, a, -1):
        v = doc[i]
        if is_cue(v):
            hit = _trailing_parts(ctx, v, content_from=a)
            if hit is not None and hit[2] <= b:
                comma, sp = hit[0], hit[1]
                return doc[comma].idx, v, sp
    return None


# -- indirect speech ---------------------------------------------------------------
def _trailing_parts(ctx: Context, v: Token, *, content_from: int
                    ) -> tuple[int, Speaker, int, int, int] | None:
    """'<clause>, <speaker> <verb> [in an interview with X | citing Y].'

    Returns:
        (comma token, speaker, token after the verb's phrase, speaker phrase start, end) or None.

    The speaker is the verb's subject (or the words between the last comma and
    the verb); the verb may only carry short modifiers after it.
    """
    doc = ctx.doc
    sent = v.sent
    lo = max(sent.start, content_from)
    subj = subject_of(v)
    inverted = None
    if subj is not None:
        a, b = subj.left_edge.i, subj.right_edge.i + 1
        comma = a - 1
    elif v.i > lo and doc[v.i - 1].text == "," and v.tag_ not in ("VBG", "VBN"):
        # '..., said Iraqi Prime Minister X on Wednesday.'; after '..., describing the reports as lies' come
        # the participle's object, not its speaker
        comma, a = v.i - 1, v.i + 1
        inverted = next((c for c in v.rights if c.dep_ == "nsubj"), None)
        if inverted is not None:
            b = inverted.right_edge.i + 1
        else:
            b = a
            while b < sent.end and doc[b].pos_ in ("PROPN", "DET", "NOUN", "ADJ", "PUNCT") and doc[b].text not in ".,;:":
                b += 1
        if b <= a:
            return None
    else:
        comma = next((i for i in range(v.i - 1, lo, -1) if doc[i].text == ","), None)
        if comma is None or any(doc[i].pos_ in ("VERB", "AUX") for i in range(comma + 1, v.i)):
            return None
        a, b = comma + 1, v.i
    if comma <= lo + 2 or doc[comma].text != ",":
        return None
    if starts_with_mark(doc[comma - 1].text):
        return None  # a quote's cue, not a reported clause
    tell = v.lemma_.lower() in _word_set("tell_verbs")
    cite = _word_set("cite_verbs")
    for c in v.rights:
        if (c.dep_ in OBJECT_DEPS and tell) or c.lemma_.lower() in cite or (inverted is not None and c.i == inverted.i) or (
                inverted is None and subj is None and a <= c.i < b):
            continue
        if c.dep_ in ("advcl", "xcomp", "conj") and c.tag_ == "VBG" and doc[c.i - 1].text == ",":
            continue  # '..., the head of the centre said, adding that ...'
        if c.dep_ in ("cc", "conj") and c.i > v.i + 1 and any(t.text == "," for t in doc[v.i + 1:c.left_edge.i + 1]):
            continue  # '..., he said, and talks could resume': the next clause is no part of the cue's phrase
        if c.dep_ not in _TAIL_DEPS:
            return None
    if not any(doc[i].pos_ in ("VERB", "AUX") for i in range(lo, comma)):
        return None
    sp = resolve(ctx, a, b, before=doc[lo].idx)
    if sp is None:
        return None
    tail_end = v.right_edge.i + 1
    while tail_end > v.i + 1 and doc[tail_end - 1].is_space:
        tail_end -= 1
    return comma, sp, tail_end, a, b


def _cited(v: Token) -> Token | None:
    """'... Trend reports on Sept. 21 citing the Ombudsman's Office': the object of 'citing'."""
    cite = _word_set("cite_verbs")
    for t in v.subtree:
        if t.i > v.i and t.lemma_.lower() in cite:
            return next((c for c in t.children if c.dep_ in ("dobj", "pobj")), None)
    return None


def _parenthetical(ctx: Context, v: Token) -> Candidate | None:
    """'Though the transition was seamless, he said, replacing her would be harder.': the cue set off
    by commas inside the sentence it reports, which is the content whole (both sides of the cue)."""
    doc = ctx.doc
    sent = v.sent
    if v.pos_ not in ("VERB", "AUX") or ctx.quote_at(v.idx) is not None:
        return None
    subj = subject_of(v)
    if subj is None or subj.lower_ in ("who", "which", "that"):
        return None
    a = subj.left_edge.i
    if a - 1 <= sent.start + 1 or doc[a - 1].text != ",":
        return None
    if any(t.pos_ == "VERB" or (t.pos_ == "AUX" and t.i != v.i - 1) for t in doc[subj.right_edge.i + 1:v.i]):
        return None
    limit = min(sent.end, v.i + int(attribution_data()["parenthetical_tail_max_tokens"]) + 2)
    comma = next((i for i in range(v.i + 1, limit) if doc[i].text in (",", ".", ";", ":")), None)
    if comma is None or doc[comma].text != "," or any(t.pos_ in ("VERB", "AUX") for t in doc[v.i + 1:comma]):
        return None
    if v.lemma_.lower() not in _word_set("tell_verbs") and any(c.dep_ in ("dobj", "oprd") and c.i < comma
                                                                for c in v.rights):
        return None  # 'the band leader called Democratic bigwigs to the stage, singing': no aside
    rest = [t for t in doc[comma + 1:sent.end] if not t.is_punct and not t.is_space]
    nxt = doc[comma + 1] if comma + 1 < sent.end else None
    if (nxt is None or len(rest) < 3 or starts_with_mark(nxt.text) or nxt.pos_ == "CCONJ"
            or (nxt.tag_ == "VBG" and is_cue(nxt)) or ends_with_mark(doc[a - 2].text)):  # not ', adding that ...'
        return None
    outside = [t for t in (*doc[sent.start:a - 1], *rest) if t.pos_ in ("VERB", "AUX")]
    if not outside:
        return None
    sp = subject_speaker(ctx, subj, v, before=doc[sent.start].idx)
    if sp is None:
        return None
    stop = sent.end_char  # not a clause tacked on after a comma (', although ...', ', compared with ...')
    for t in doc[comma + 2:sent.end - 1]:
        if t.text == "," and (doc[t.i + 1].pos_ == "SCONJ" or doc[t.i + 1].tag_ in ("VBG", "VBN")):
            stop = t.idx
            break
    ls, le = ctx.lines[ctx.line_of(v.idx)]
    start, end = content_span(ctx, max(ls, doc[sent.start].idx), min(le, stop), strip=".,;:", dateline=True)
    if end - start < 8 or ctx.quote_at(start) is not None:
        return None
    return Candidate((start, end), sp, cue_span(v), False, f"clause, speaker {v.text}, clause",
                     via=relays(ctx, v))


def _trailing(ctx: Context, v: Token) -> Candidate | None:
    """'<clause>, the Ombudsman said.' / '<clause>, a source told Trend.' / '<clause>, Trend reports citing Y.'"""
    doc = ctx.doc
    hit = _trailing_parts(ctx, v, content_from=v.sent.start)
    if hit is None:
        return None
    comma, sp, _, a, b = hit
    line_start = ctx.lines[ctx.line_of(doc[comma].idx)][0]
    start, end = content_span(ctx, max(doc[v.sent.start].idx, line_start), doc[comma].idx, strip=",;:",
                          dateline=True)
    if end <= start or ctx.quote_at(start) is not ctx.quote_at(v.idx):
        return None
    via = relays(ctx, v)
    cited = _cited(v)
    if cited is not None:
        source = resolve(ctx, cited.left_edge.i, cited.right_edge.i + 1, before=start)
        if source is not None:
            outlet = resolve_outlet(ctx, a, b)
            cite = cited.head
            return Candidate((start, end), source, (cite.idx, cite.idx + len(cite)), False,
                             f"clause + ', outlet {v.text} {cite.text} source'", via=([outlet] if outlet else []) + via)
    return Candidate((start, end), sp, cue_span(v), False, f"clause + ', speaker {v.text}'", via=via)


def _clause_as_advcl(v: Token) -> Token | None:
    """A finite clause with a subject of its own after the cue, no conjunction before it ('said after
    the convention he would not ...', 'tweeted in the early hours that X was ...'): the small parser
    reads such a clause as an adverbial one; 'said as he left', 'said before leaving' stay adverbial."""
    for c in v.rights:
        if c.dep_ != "advcl" or c.tag_ in ("VBG", "VBN", "VB") and not any(x.dep_ == "aux" for x in c.lefts):
            continue
        if any(x.dep_ in ("mark", "aux") and x.lower_ in ("to",) or x.dep_ == "mark" and x.lower_ != "that"
               for x in c.lefts):
            continue
        subj = _subject_start(c)
        if subj is not None and subj > v.i and not any(t.text in ";:" or "\n" in t.text for t in v.doc[v.i:subj]):
            return c
    return None


def _subject_start(c: Token) -> int | None:
    """First token of the subject of clause ``c``, if it has one."""
    subj = next((x for x in c.lefts if x.dep_ in ("nsubj", "nsubjpass", "expl")), None)
    return subj.left_edge.i if subj is not None else None


def _clause_span(ctx: Context, c: Token, v: Token, first: int | None = None) -> tuple[int, int]:
    """The words of clause ``c`` (its 'that' dropped), kept within the paragraph of the cue ``v``.

    The clause stops at a semicolon and before a conjoined clause that reports someone
    else's words ('..., and when pressed, the mother replied ...'), outside quotes.
    """
    doc = ctx.doc
    a, b = c.left_edge.i if first is None else first, c.right_edge.i + 1
    while a < b and (doc[a].dep_ == "mark" or doc[a].is_punct or doc[a].is_space):
        a += 1
    for t in doc[a:b]:
        if ctx.quote_at(t.idx) is not None:
            continue
        if t.text == ";" or (t.dep_ == "conj" and t.i > c.i and is_cue(t)
                             and any(x.dep_ == "nsubj" for x in t.lefts)):
            b = t.i if t.text == ";" else t.left_edge.i
            while b > a and (doc[b - 1].dep_ == "cc" or doc[b - 1].is_punct or doc[b - 1].is_space):
                b -= 1
            break
    if b <= a:
        return 0, 0
    ls, le = ctx.lines[ctx.line_of(v.idx)]
    return content_span(ctx, max(ls, doc[a].idx), min(le, doc[b - 1].idx + len(doc[b - 1])), strip=".,;:")


def _clausal(ctx: Context, v: Token) -> Candidate | None:
    """'X said (that) ...', 'the letter expressed regret that ...', 'it was noted that ...'."""
    if v.pos_ not in ("VERB", "AUX"):
        return None
    clause = next((c for c in v.rights if c.dep_ == "ccomp"), None)
    first = None
    if clause is None:  # 'X said after the meeting he would ...': the parser's advcl is the reported clause
        clause = _clause_as_advcl(v)
        first = _subject_start(clause) if clause is not None else None
    how = ""
    if clause is None:
        for d in v.rights:
            if d.dep_ == "dobj":
                clause = next((c for c in d.rights if c.dep_ in ("acl", "ccomp")
                               and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.lefts)), None)
                if clause is not None:
                    how = f" + '{d.text} that'"
                    break
    if clause is None:
        return object_form(ctx, v)
    start, end = _clause_span(ctx, clause, v, first)
    if end - start < 8:
        return None
    data = attribution_data()
    subj = subject_of(v)
    passive = next((c for c in v.lefts if c.dep_ == "nsubjpass"), None)
    if subj is None and passive is None and (v.dep_ in ("conj", "xcomp") or (v.dep_ == "advcl" and v.tag_ == "VBG")):
        subj = subject_of(v.head)  # '..., saying that ...'
    if subj is not None:
        sp = subject_speaker(ctx, subj, v, before=subj.idx)
        if sp is None:
            return None
        return Candidate((start, end), sp, cue_span(v), False, f"'{v.text}'{how} + clause, nsubj",
                         via=relays(ctx, v))
    if passive is not None and passive.lower_ in data["passive_subjects"] and any(
            c.dep_ == "auxpass" for c in v.lefts):
        aux = next(c for c in v.lefts if c.dep_ == "auxpass")
        sp = Speaker(ctx.asserter, None, "asserter")
        return Candidate((start, end), sp, (aux.idx, cue_span(v)[1]), False,
                         f"passive 'it {aux.text} {v.text} that' → asserter")
    return None

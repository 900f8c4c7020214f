"""Who a speaker phrase stands for: mentions, pronouns, documents, outlets.

The :class:`Context` indexes one parsed document once (token offsets, mentions,
quote regions, who owns which letter or report) so every lookup the cue rules
make is a bisection, not a scan.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Doc, Span, Token

from counterclaim.extract.attributions.coref import (
    descriptors,
    is_role_only,
    resolve_description,
    resolve_pronoun,
    role_acronym,
)
from counterclaim.extract.attributions.quotes import Quote, find_quotes, paragraphs
from counterclaim.extract.entities.roles import role_head_words
from counterclaim.records import EntityRecord, MentionRecord
from counterclaim.resources import load_json, slug

SPEAKER_TYPES = ("PERSON", "ORG")
OWNER_TYPES = ("PERSON", "ORG", "GPE")
_DASHES = ("-", "—", "–", "--")
_STRIP_POS = ("PUNCT", "SPACE", "CCONJ", "ADV", "PART", "SYM")


@cache
def attribution_data() -> dict:
    """``attributions.json``, checked for the keys the rules read."""
    return load_json("attributions.json", required=(
        "according_cues", "cite_verbs", "tell_verbs", "mistagged_cues", "relay_nouns", "relay_preps",
        "passive_subjects", "pronouns", "document_nouns", "document_owner_preps", "speaker_nouns",
        "scare_quote_max_words", "floating_quote_min_words", "parenthetical_tail_max_tokens", "floating_max_paragraphs", "speaker_max_tokens",
        "outlet_line_stopwords", "outlet_line_max_words", "indefinite_speakers", "document_cues", "object_cues", "object_only_cues", "naming_cues", "headline_max_offset", "lead_paragraph_min_chars",
        "lead_paragraphs"))


@cache
def reporting_verbs() -> frozenset[str]:
    """Lemmas of verbs that report speech (``reporting_verbs.json``)."""
    return frozenset(load_json("reporting_verbs.json", required=("verbs",))["verbs"])


@cache
def _word_set(key: str) -> frozenset[str]:
    return frozenset(attribution_data()[key])


def is_cue(tok: Token, *, inverted: bool = False) -> bool:
    """Whether ``tok`` is a reporting verb used as one ('said', 'notes'; not 'the mentioned report').

    With ``inverted`` (the verb opens its phrase right after a quote or a comma: '"...," said X',
    '..., said X.'), any reading of the verb counts: the parser often takes that 'said' for a participle.
    """
    if tok.lemma_.lower() in reporting_verbs() and tok.pos_ in ("VERB", "AUX"):
        if any(c.dep_ == "neg" for c in tok.children):
            return False  # 'did not say how many': no one said anything
        return inverted or (
            tok.dep_ not in ("amod", "compound") and not (tok.tag_ == "VBN" and tok.dep_ == "acl"))
    if tok.lemma_.lower() in _word_set("document_cues") and tok.pos_ == "VERB":  # '"...," read a statement'
        nouns = _word_set("document_nouns")
        return any(c.dep_ in ("nsubj", "nsubjpass", "dobj") and c.lemma_.lower() in nouns for c in tok.children)
    # 'Trend reports ...' tagged as a noun: only right after a name
    return (tok.lower_ in _word_set("mistagged_cues") and tok.pos_ in ("NOUN", "PROPN") and tok.i > 0
            and tok.doc[tok.i - 1].pos_ == "PROPN")


@dataclass
class Speaker:
    """A resolved speaker phrase.

    ``pending`` is ``'previous'`` ('it', 'they': the speaker of the previous
    attribution, filled in later) or ``'self'`` ('I', 'we').
    """

    entity: str | None
    span: tuple[int, int] | None
    how: str = "mention"
    pending: str | None = None


@dataclass
class Context:
    """One document, indexed for the attribution rules."""

    doc: Doc
    text: str
    entities: dict[str, EntityRecord]
    mentions: list[MentionRecord]
    asserter: str | None
    lines: list[tuple[int, int]]
    quotes: list[Quote]
    tok_starts: list[int] = field(default_factory=list)
    m_starts: list[int] = field(default_factory=list)
    line_starts: list[int] = field(default_factory=list)
    q_starts: list[int] = field(default_factory=list)
    persons_outside: list[tuple[int, str]] = field(default_factory=list)
    owners: list[tuple[int, str, str]] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    first_words: dict[str, list[str]] = field(default_factory=dict)
    descriptors: dict[str, set[str]] = field(default_factory=dict)
    genders: dict[str, str] | None = None  # read on the first he/she (coref.person_genders)

    @classmethod
    def build(cls, doc: Doc, entities: list[EntityRecord], mentions: list[MentionRecord],
              asserter: str | None) -> Context:
        text = doc.text  # Doc.text is rebuilt on every access: once here
        lines = paragraphs(text)
        ctx = cls(doc=doc, text=text, entities={e.id: e for e in entities},
                  mentions=sorted(mentions, key=lambda m: (m.start, -m.end)), asserter=asserter,
                  lines=lines, quotes=find_quotes(text, lines))
        ctx.tok_starts = doc.to_array("IDX").tolist() if len(doc) else []
        ctx.m_starts = [m.start for m in ctx.mentions]
        ctx.line_starts = [s for s, _ in lines]
        ctx.q_starts = [q.start for q in ctx.quotes]
        ctx.persons_outside = [(m.start, m.entity) for m in ctx.mentions
                               if ctx.type_of(m.entity) == "PERSON" and ctx.quote_at(m.start) is None]
        for e in entities:
            for n in (e.name, *e.aliases):
                ctx.names.setdefault(n.casefold(), e.id)
            if e.type == "ORG":
                ctx.first_words.setdefault(e.name.split()[0].casefold(), []).append(e.id)
        ctx.owners = _document_owners(ctx)
        ctx.descriptors = descriptors(ctx)
        return ctx

    # -- lookups ---------------------------------------------------------------
    def type_of(self, entity: str | None) -> str | None:
        e = self.entities.get(entity or "")
        return e.type if e else None

    def tok_at(self, char: int) -> int:
        """Index of the token that contains (or starts after) ``char``."""
        return max(0, bisect_right(self.tok_starts, char) - 1)

    def line_of(self, char: int) -> int:
        return max(0, bisect_right(self.line_starts, char) - 1)

    def quote_at(self, char: int) -> Quote | None:
        """The quote whose words contain ``char`` (quotes do not overlap)."""
        i = bisect_right(self.q_starts, char) - 1
        if i >= 0 and self.quotes[i].start <= char < self.quotes[i].end:
            return self.quotes[i]
        return None

    def mentions_in(self, start: int, end: int) -> list[MentionRecord]:
        """Mentions lying within ``[start, end)``."""
        out = []
        for k in range(bisect_left(self.m_starts, start), bisect_left(self.m_starts, end)):
            if self.mentions[k].end <= end:
                out.append(self.mentions[k])
        return out

    def mentions_over(self, char: int) -> list[MentionRecord]:
        """Mentions covering ``char`` (mentions are short: look back a little)."""
        hi = bisect_right(self.m_starts, char)
        return [m for m in self.mentions[max(0, hi - 12):hi] if m.start <= char < m.end]

    def entity_of_tokens(self, a: int, b: int, head: Token | None = None,
                         types: tuple[str, ...] = SPEAKER_TYPES) -> str | None:
        """The entity a token range names: the mention over its head, else its first mention of ``types``."""
        if b <= a:
            return None
        doc = self.doc
        if head is not None:
            over = [m for m in self.mentions_over(head.idx) if self.type_of(m.entity) is not None]
            if over:
                return max(over, key=lambda m: (self.type_of(m.entity) in SPEAKER_TYPES, m.end - m.start)).entity
        inside = self.mentions_in(doc[a].idx, doc[b - 1].idx + len(doc[b - 1]))
        for m in inside:
            if self.type_of(m.entity) in types:
                return m.entity
        return None

    def lookup_name(self, name: str, *, org_only: bool = False) -> str | None:
        """An entity known by exactly this name (or, for organisations, whose name starts with it)."""
        key = self.names.get(name.casefold())
        if key is not None and (not org_only or self.type_of(key) == "ORG"):
            return key
        words = name.split()
        if len(words) == 1:
            hits = self.first_words.get(words[0].casefold(), [])
            if len(hits) == 1:
                return hits[0]
        return None

    def last_person(self, before: int, quote: Quote | None) -> str | None:
        """The last person named before ``before``: inside ``quote`` if given, else outside any quote."""
        if quote is not None:
            hits = [m.entity for m in self.mentions_in(quote.start, before) if self.type_of(m.entity) == "PERSON"]
            return hits[-1] if hits else None
        i = bisect_left(self.persons_outside, (before, "")) - 1
        return self.persons_outside[i][1] if i >= 0 else None

    def document_owner(self, lemma: str, before: int) -> str | None:
        """Who wrote the last letter/report/appeal (the same noun) mentioned before ``before``."""
        i = bisect_left(self.owners, (before, "", "")) - 1
        for k in range(i, max(-1, i - 30), -1):
            _, lem, who = self.owners[k]
            if lem == lemma:
                return who
        return None


def _trim(doc: Doc, a: int, b: int) -> tuple[int, int]:
    while a < b and (doc[a].pos_ in _STRIP_POS and doc[a].lower_ not in ("'s", "’s")):
        a += 1
    while b > a and doc[b - 1].pos_ in _STRIP_POS:
        if doc[b - 1].text == ")" and any(doc[i].text == "(" for i in range(a, b - 1)):
            break  # 'the UN Office ... (OCHA)' keeps its bracket
        b -= 1
    return a, b


def _core(doc: Doc, a: int, b: int) -> tuple[int, int]:
    """A long speaker phrase cut to its head and what stands before it: 'David Kamin, an outside
    adviser ... at the New York University School of Law' → 'David Kamin'; 'Ed Rendell, who served
    as ...' → 'Ed Rendell'."""
    root = doc[a:b].root
    return _trim(doc, max(a, root.left_edge.i), root.i + 1)


def resolve(ctx: Context, a: int, b: int, *, before: int) -> Speaker | None:
    """The speaker a token range stands for, or None when it is no plausible speaker.

    Args:
        ctx: the document context.
        a: first token of the phrase.
        b: token after the phrase.
        before: character offset the pronoun/document context is read before
            (the start of the reported content, or of the phrase).
    """
    doc = ctx.doc
    data = attribution_data()
    dashes = [i for i in range(a, b) if doc[i].text in _DASHES and (i == 0 or doc[i - 1].whitespace_)]
    if len(dashes) >= 2 and dashes[0] > a:  # 'John Doe, the head of X -- the firm that ... --': an aside
        b = dashes[0]
    for i in range(b - 1, a - 1, -1):  # 'Bamako, 12 May - The junta': the speaker follows the dash
        if doc[i].text in _DASHES and (i == 0 or doc[i - 1].whitespace_):
            a = i + 1
            break
        if "\n" in doc[i].text:  # a live blog's '11:15 a.m.' line above: the speaker is on the cue's line
            a = i + 1
            break
    a, b = _trim(doc, a, b)
    if b - a > int(data["speaker_max_tokens"]):
        a, b = _core(doc, a, b)
    if b <= a or b - a > int(data["speaker_max_tokens"]):
        return None
    span = doc[a:b]
    chars = (span.start_char, span.end_char)
    head = span.root
    if b - a == 1 and head.lower_ in data["pronouns"]:
        kind = data["pronouns"][head.lower_]
        at = min(before, head.idx)
        if kind == "person":
            quote = ctx.quote_at(head.idx)
            who = ctx.last_person(at, quote) if quote is not None else resolve_pronoun(ctx, kind, at, head.lower_)
            return Speaker(who, chars, "pronoun")
        if kind == "previous":  # the previous speaker if any (assemble), else the last organisation subject
            return Speaker(resolve_pronoun(ctx, kind, at, head.lower_), chars, "pronoun", pending=kind)
        return Speaker(None, chars, "pronoun", pending=kind)
    holder = role_acronym(ctx, head.text, before)
    if holder is not None:
        return Speaker(holder, chars, "description")
    named = _named_person(ctx, span)
    over = [m for m in ctx.mentions_over(head.idx) if ctx.type_of(m.entity) is not None]
    if not over:
        for c in head.children:  # 'The brother of one of the victims, Aymal Ahmad'
            if c.dep_ == "appos" and a <= c.i < b:
                ent = ctx.entity_of_tokens(c.left_edge.i, c.right_edge.i + 1, c)
                if ctx.type_of(ent) in SPEAKER_TYPES:
                    return Speaker(ent, chars, "mention")
    if not over and head.lower_ in _word_set("indefinite_speakers"):  # 'some note', 'those close to him say'
        return Speaker(None, chars, "anonymous")
    if over:
        ent = ctx.entity_of_tokens(a, b, head)
        if named is not None and ctx.type_of(ent) != "PERSON":
            ent = named  # 'UN envoy to Libya Ghassan Salame': the person, not the organisation
        return Speaker(ent, chars, "mention")
    lemma = head.lemma_.lower()
    if lemma in _word_set("document_nouns"):
        owner = _owner_child(ctx, head)
        if owner is None:
            owner = ctx.document_owner(lemma, before) or ctx.asserter
        return Speaker(owner, chars, "document")
    if named is not None:
        return Speaker(named, chars, "mention")
    if head.pos_ not in ("NOUN", "PROPN"):
        return None
    if lemma in role_head_words():  # 'a spokesman for Haftar's Libyan National Army (LNA)'
        org = _role_organisation(ctx, head)
        if org is not None:
            return Speaker(org, chars, "role of organisation")
    described = resolve_description(ctx, span, head, before)
    if described is not None:
        return Speaker(described, chars, "description")
    ent = ctx.entity_of_tokens(a, b)
    if ent is None:  # "Mali's army", "the Azerbaijani side": a place or people modifying the head
        # a person's role ('the Democratic senator', 'the Iraqi minister') is no people: never the NORP
        kinds = ("GPE",) if lemma in role_head_words() else ("GPE", "NORP")
        for t in head.children:
            if t.dep_ in ("poss", "compound", "amod", "nmod") and a <= t.i < b:
                ent = ctx.entity_of_tokens(t.left_edge.i, t.right_edge.i + 1, t, kinds)
                if ctx.type_of(ent) in kinds:
                    break
                ent = None
    if ent is None and all(t.pos_ == "PROPN" for t in span):
        ent = ctx.lookup_name(span.text)
    plausible = head.pos_ == "PROPN" or lemma in _word_set("speaker_nouns")
    if ent is None and not plausible:
        return Speaker(None, chars, "anonymous")  # 'residents', 'the brother of a victim'
    return Speaker(ent, chars, "mention" if ent else "unresolved")


def _named_person(ctx: Context, span: Span) -> str | None:
    """The person a phrase names outright (a name, not a role-only entity)."""
    for m in ctx.mentions_in(span.start_char, span.end_char):
        if ctx.type_of(m.entity) == "PERSON" and not is_role_only(ctx, m.entity) and m.kind in ("name", "short") \
                and ctx.text[m.end:m.end + 2] not in ("'s", "’s"):  # not 'Haftar's army'
            return m.entity
    return None


def _role_organisation(ctx: Context, head: Token) -> str | None:
    """'spokesman for/of X': the organisation X, when the phrase names no person."""
    for p in head.children:
        if p.dep_ == "prep" and p.lower_ in ("for", "of", "at"):
            for o in p.children:
                if o.dep_ == "pobj":
                    ent = ctx.entity_of_tokens(o.left_edge.i, o.right_edge.i + 1, o, ("ORG",))
                    if ctx.type_of(ent) == "ORG":
                        return ent
    return None


def resolve_outlet(ctx: Context, a: int, b: int) -> str | None:
    """The organisation a relay phrase names ('Trend', 'Alpha News'), or None ('reporters', a person).

    An outlet the entity stage did not recognise gets the key ``ORG:<slug>``
    the entity stage would give it, so the relay is not lost.
    """
    doc = ctx.doc
    a, b = _trim(doc, a, b)
    if b <= a or b - a > 6:
        return None
    span = doc[a:b]
    ms = ctx.mentions_in(span.start_char, span.end_char)
    if ms:
        org = next((m.entity for m in ms if ctx.type_of(m.entity) == "ORG"), None)
        return org
    if not all(t.pos_ == "PROPN" or t.text[:1].isupper() for t in span if not t.is_punct):
        return None
    return ctx.lookup_name(span.text, org_only=True) or f"ORG:{slug(span.text)}"


def _owner_child(ctx: Context, noun: Token) -> str | None:
    """'X's report', 'the report by/of X': the entity that wrote it."""
    preps = _word_set("document_owner_preps")
    for c in noun.children:
        if c.dep_ == "poss":
            ent = ctx.entity_of_tokens(c.left_edge.i, c.right_edge.i + 1, c, OWNER_TYPES)
            if ent:
                return ent
        if c.dep_ == "prep" and c.lower_ in preps:
            for p in c.children:
                if p.dep_ == "pobj":
                    ent = ctx.entity_of_tokens(p.left_edge.i, p.right_edge.i + 1, p, OWNER_TYPES)
                    if ent:
                        return ent
        if c.dep_ == "acl":  # 'a statement published/issued by X'
            for ag in c.children:
                if ag.dep_ == "agent":
                    for p in ag.children:
                        if p.dep_ == "pobj":
                            ent = ctx.entity_of_tokens(p.left_edge.i, p.right_edge.i + 1, p, OWNER_TYPES)
                            if ent:
                                return ent
    return None


def _subject_entity(ctx: Context, verb: Token) -> str | None:
    for c in verb.children:
        if c.dep_ == "nsubj":
            ent = ctx.entity_of_tokens(c.left_edge.i, c.right_edge.i + 1, c, OWNER_TYPES)
            if ctx.type_of(ent) in OWNER_TYPES:
                return ent
    return None


def _document_owners(ctx: Context) -> list[tuple[int, str, str]]:
    """Every letter/report/appeal whose author the text names, in text order.

    'X has addressed an open letter', 'X's report', 'the report by X', and a verb
    that makes the document ('X appealed' → the appeal).
    """
    nouns = _word_set("document_nouns")
    out = []
    for tok in ctx.doc:
        lem = tok.lemma_.lower()
        if lem not in nouns:
            continue
        owner = None
        if tok.pos_ == "NOUN":
            owner = _owner_child(ctx, tok)
            if owner is None and tok.dep_ == "dobj":
                owner = _subject_entity(ctx, tok.head)
        elif tok.pos_ == "VERB":
            owner = _subject_entity(ctx, tok)
        if owner is not None:
            out.append((tok.idx, lem, owner))
    return out

"""Who a description or a pronoun stands for: a small salience resolver.

No model: the entities the text introduced before the phrase are the
candidates, the most recent compatible one wins, and when nothing fits the
speaker keeps its span with no entity (never a guess).

- he/she: the person named outside quotes in the same or the nearest earlier
  sentence, a subject before an object, whose gender, when the text marks it
  ('Mrs. Clinton', 'the spokeswoman'), agrees with the pronoun (an entity that
  is only a role, 'governor of North Kivu', is no name and is skipped);
- it/they with no earlier speaker: the last organisation or country named as
  a subject;
- a definite description ('the ministry', 'the rebel group', 'The Spokesman',
  'the rights group', 'the SRSG'): a person who holds that role, else an
  organisation whose name or a noun the text put next to it ('the M23 rebel
  group', 'MONUSCO, the UN mission') shares the head noun or a modifier;
- an indefinite role ('a UN spokesman said', a wire lead's habit), or a
  definite one no one held before, may name the person the next paragraphs
  introduce with that role;
- other common nouns ('residents', 'a witness', 'officials') stay anonymous.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from spacy.tokens import Span, Token

from counterclaim.extract.entities.roles import head_key, role_head_words
from counterclaim.resources import load_json

if TYPE_CHECKING:
    from counterclaim.extract.attributions.speakers import Context

_LOOKBACK_CHARS = 6000
_DEFINITE = ("the", "this", "that", "these", "those")
_TITLE_BEFORE = re.compile(r"\b([A-Z][a-z]{1,4})\.?\s+$")


@cache
def coref_data() -> dict:
    """The resolver's part of ``attributions.json``."""
    data = load_json("attributions.json", required=("description_stopwords", "cataphora_max_paragraphs",
                                                    "group_heads", "gender_titles", "gender_nouns",
                                                    "pronoun_gender", "pronoun_sentences", "plural_people_nouns"))
    return data


def is_role_only(ctx: Context, entity: str) -> bool:
    """An entity named after a role ('governor of North Kivu', 'Minister'), not a person's name."""
    e = ctx.entities.get(entity)
    return e is not None and e.type == "PERSON" and (e.name in e.roles or e.name[:1].islower())


def _role_heads(roles: tuple[str, ...]) -> set[str]:
    heads = role_head_words()
    out = set()
    for r in roles:
        words = r.lower().replace("(", " ").replace(")", " ").split()
        for w in words:
            if w in heads:
                out.add(head_key(w))
    return out


def descriptors(ctx: Context) -> dict[str, set[str]]:
    """Common nouns the text puts next to each entity: 'the M23 rebel group' → {'group', 'rebel'}."""
    out: dict[str, set[str]] = {}
    doc = ctx.doc
    for m in ctx.mentions:
        k = ctx.tok_at(max(m.start, m.end - 1))
        t = doc[k]
        h = t.head
        words: set[str] = set()
        if t.dep_ in ("compound", "amod", "nmod") and h.i > t.i and h.i - t.i <= 3 and h.pos_ == "NOUN":
            words.add(h.lemma_.lower())
            words.update(c.lemma_.lower() for c in h.children if c.dep_ in ("compound", "amod") and c.i > t.i)
        if t.dep_ == "appos" and h.pos_ == "NOUN":  # 'the rebel group March 23 Movement (M23)'
            words.add(h.lemma_.lower())
            words.update(c.lemma_.lower() for c in h.children if c.dep_ in ("compound", "amod"))
        for c in t.children:
            if c.dep_ == "appos" and c.pos_ == "NOUN":
                words.add(c.lemma_.lower())
                words.update(x.lemma_.lower() for x in c.children if x.dep_ in ("compound", "amod"))
        if words:
            out.setdefault(m.entity, set()).update(words)
    return out


def _before(ctx: Context, before: int, types: tuple[str, ...]) -> list[str]:
    """Entities of ``types`` mentioned outside quotes before ``before``, most recent first, once each."""
    seen: list[str] = []
    for m in reversed(ctx.mentions_in(max(0, before - _LOOKBACK_CHARS), before)):
        if ctx.type_of(m.entity) in types and m.entity not in seen and ctx.quote_at(m.start) is None:
            seen.append(m.entity)
    return seen


def person_genders(ctx: Context) -> dict[str, str]:
    """'f' or 'm' for the persons the text marks as such ('Mrs. Clinton', a spokeswoman); others unknown."""
    data = coref_data()
    titles, nouns = data["gender_titles"], data["gender_nouns"]
    votes: dict[str, set[str]] = {}
    for m in ctx.mentions:
        e = ctx.entities.get(m.entity)
        if e is None or e.type != "PERSON":
            continue
        t = _TITLE_BEFORE.search(ctx.text, max(0, m.start - 8), m.start)
        if t is not None and t.group(1).lower() in titles:
            votes.setdefault(m.entity, set()).add(titles[t.group(1).lower()])
    for e in ctx.entities.values():
        if e.type == "PERSON":
            for w in (w for r in e.roles for w in r.lower().split()):
                if w in nouns:
                    votes.setdefault(e.id, set()).add(nouns[w])
    return {e: next(iter(g)) for e, g in votes.items() if len(g) == 1}


def resolve_pronoun(ctx: Context, kind: str, before: int, word: str = "") -> str | None:
    """he/she ('person') → the last named person of that gender or of none known; it/they
    ('previous') → the last organisation or country subject."""
    if kind == "person":
        want = coref_data()["pronoun_gender"].get(word)
        if want is not None and ctx.genders is None:
            ctx.genders = person_genders(ctx)
        genders = ctx.genders or {}

        def fits(e: str) -> bool:
            return not is_role_only(ctx, e) and (want is None or genders.get(e, want) == want)

        salient = _salient_person(ctx, before, fits)
        if salient is not None:
            return salient
        return next((e for e in _before(ctx, before, ("PERSON",)) if fits(e)), None)
    doc = ctx.doc
    people = _plural_people_at(ctx, before) if word == "they" else -1
    for m in reversed(ctx.mentions_in(max(0, before - _LOOKBACK_CHARS), before)):
        if m.start < people:  # '... six aid workers interviewed by Reuters. They said': the workers, not Reuters
            return None
        if ctx.type_of(m.entity) not in ("ORG", "GPE") or ctx.quote_at(m.start) is not None:
            continue
        t = doc[ctx.tok_at(m.start)]
        while t.dep_ in ("compound", "amod", "nmod", "poss") and t.head.i != t.i:
            t = t.head
        if t.dep_ in ("nsubj", "nsubjpass"):
            return m.entity
    return None


def _plural_people_at(ctx: Context, before: int) -> int:
    """Where the last plural noun for people ('witnesses', 'aid workers', 'officials') stands in this sentence or
    the one before, outside quotes; -1 when none: a 'they' there speaks for them, not for an organisation."""
    doc = ctx.doc
    if not len(doc):
        return -1
    sent = doc[min(ctx.tok_at(before), len(doc) - 1)].sent
    start = doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
    nouns = _people_nouns()
    for t in reversed(doc[start:ctx.tok_at(before)]):
        if t.tag_ == "NNS" and (t.lower_ in nouns or t.lemma_.lower() in nouns) and ctx.quote_at(t.idx) is None:
            return t.idx
    return -1


@cache
def _people_nouns() -> frozenset[str]:
    return frozenset(coref_data()["plural_people_nouns"])


def _salient_person(ctx: Context, before: int, fits: Callable[[str], bool]) -> str | None:
    """The person a he/she most likely continues: in this sentence, then the ones before, a subject first.

    Within a sentence a person who is a subject outranks one named in the object or in the
    reported clause ('Mr. Hanify said Mr. Trump had ... He estimated' is Hanify).
    """
    doc = ctx.doc
    if not len(doc):
        return None
    sent = doc[min(ctx.tok_at(before), len(doc) - 1)].sent
    for _ in range(int(coref_data()["pronoun_sentences"])):
        hits = [m for m in ctx.mentions_in(sent.start_char, min(sent.end_char, before))
                if ctx.type_of(m.entity) == "PERSON" and ctx.quote_at(m.start) is None and fits(m.entity)]
        if hits:
            return min(hits, key=lambda m: (not _is_subject(doc[ctx.tok_at(m.start)]), m.start)).entity
        if sent.start == 0:
            break
        sent = doc[sent.start - 1].sent
    return None


def _is_subject(tok: Token) -> bool:
    while tok.dep_ in ("compound", "flat", "amod", "nmod") and tok.head.i != tok.i:
        tok = tok.head
    return tok.dep_ in ("nsubj", "nsubjpass")


def _words(span: Span, head: Token) -> set[str]:
    stop = set(coref_data()["description_stopwords"])
    return {t.lemma_.lower() for t in span if t.i != head.i and t.is_alpha and t.lemma_.lower() not in stop}


def _org_fits(ctx: Context, entity: str, head: str, mods: set[str], desc: dict[str, set[str]]) -> bool:
    e = ctx.entities[entity]
    names = {w.lower() for n in (e.name, *e.aliases) for w in n.replace("-", " ").split()}
    near = desc.get(entity, set())
    if head in names or head in near:
        return not mods or bool(mods & (names | near)) or head in near
    return head in coref_data()["group_heads"] and bool(mods & (names | near))


def resolve_description(ctx: Context, span: Span, head: Token, before: int) -> str | None:
    """The entity a description ('the ministry', 'The Spokesman') stands for, or None."""
    det = next((t.lower_ for t in head.children if t.dep_ == "det"), None)
    definite = det in _DEFINITE or any(t.dep_ == "poss" for t in head.children)
    lemma = head.lemma_.lower()
    heads = role_head_words()
    mods = _words(span, head)
    if lemma in heads:
        key = head_key(lemma)
        holders = [e for e in _before(ctx, before, ("PERSON",))
                   if key in _role_heads(ctx.entities[e].roles) and not is_role_only(ctx, e)]
        if holders and (definite or det is None):
            return holders[0]
        if det in ("a", "an") or (definite and not holders):  # 'The spokesman said ...' before his name
            return _cataphor(ctx, key, before)
        return None
    if not definite:
        return None
    desc = ctx.descriptors
    for e in _before(ctx, before, ("ORG", "GPE", "NORP")):
        if ctx.type_of(e) == "ORG" and _org_fits(ctx, e, lemma, mods, desc):
            return e
    return None


def role_acronym(ctx: Context, word: str, before: int) -> str | None:
    """'the SRSG': the person named before whose role has these initials (Special Representative of the SG)."""
    if not (word.isupper() and len(word) >= 3):
        return None
    for e in _before(ctx, before, ("PERSON",)):
        if any(_initials(r) == word for r in ctx.entities[e].roles) and not is_role_only(ctx, e):
            return e
    return None


def _initials(role: str) -> str:
    return "".join(w[0] for w in re.split(r"[\s-]+", role) if w[:1].isupper())


def _cataphor(ctx: Context, key: str, before: int) -> str | None:
    """'a UN spokesman said' in a lead: the person the next paragraphs name with that role."""
    line = ctx.line_of(before)
    last = min(len(ctx.lines) - 1, line + int(coref_data()["cataphora_max_paragraphs"]))
    end = ctx.lines[last][1]
    for m in ctx.mentions_in(before, end):
        if ctx.type_of(m.entity) == "PERSON" and not is_role_only(ctx, m.entity) \
                and key in _role_heads(ctx.entities[m.entity].roles):
            return m.entity
    return None

"""Cross-document relations between claims, documents and figures.

:func:`relate` reads contract rows (documents, entities, mentions, claims,
quantities) and returns scored :class:`~counterclaim.records.RelationRecord` s:

- ``contradicts``: a denying claim and an affirming claim by different
  asserters in different documents that share a key charge ("genocide") and
  an entity, or where the denial is about the other claim's asserter;
- ``same_claim`` / ``supports``: near-paraphrases (sentence-embedding cosine)
  with the same polarity that share a key term or a specific entity;
- ``rebuts``: a document whose denial names another party's work ("expert
  opinion", "2024 report"); the target is that party's earlier document of a
  matching type when it is in the ledger, else a synthetic ``WORK:`` id;
- ``figure_consistent`` / ``figure_mismatch``: two counts of the same thing
  (category, subgroup, compatible counted noun) for the same event or place.

Candidates come from inverted indexes (key term, entity, category), never from
all pairs, and with ``new_docs`` only pairs touching a new document are kept.
Every relation says in ``evidence`` which words and which rule made it.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import combinations
from typing import Any

from counterclaim.records import RelationRecord
from counterclaim.resources import load_json, load_jsonl, slug

DATA_FILE = "relations.json"
MAX_BLOCK = 300  # index entries longer than this are too common to pair on (a country, a much-reported place)
SAME_CLAIM_COS = 0.88
SUPPORTS_COS = 0.75
FIGURE_WEAK_COS = 0.6  # claim similarity that stands in for a shared specific place/event
PLACE_TYPES = ("EVENT", "LOC", "GPE")
FIGURE_CLOSE = 0.75  # smaller/larger point value needed without a shared specific entity
CONTEXT_CHARS = 150  # window around a quantity that has no claim


@cache
def _data() -> dict[str, Any]:
    return load_json(DATA_FILE, required=("key_terms", "work_nouns", "work_doc_types", "dismiss_cues",
                                          "counted_groups", "stopwords"))


@cache
def _term_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    out = []
    for term, forms in _data()["key_terms"].items():
        alts = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
        out.append((term, re.compile(rf"\b(?:{alts})\b", re.IGNORECASE)))
    return tuple(out)


@cache
def _work_pattern() -> re.Pattern[str]:
    alts = "|".join(re.escape(w) for w in sorted(_data()["work_nouns"], key=len, reverse=True))
    return re.compile(rf"\b(?:{alts})\b", re.IGNORECASE)


@cache
def _dismiss_pattern() -> re.Pattern[str]:
    alts = "|".join(re.escape(w) for w in sorted(_data()["dismiss_cues"], key=len, reverse=True))
    return re.compile(rf"\b(?:{alts})\b", re.IGNORECASE)


@cache
def _countries() -> frozenset[str]:
    """Gazetteer GPEs that are not part of anything: countries, too broad to place an event."""
    return frozenset(r["key"] for r in load_jsonl("gazetteer.jsonl")
                     if r.get("type") == "GPE" and not r.get("part_of"))


@cache
def _counted_group(counted: str) -> str:
    """Normalise a counted noun: 'civilians', 'Azerbaijanis' -> 'people'; 'homes' -> 'houses'."""
    low = counted.strip().lower()
    for group, words in _data()["counted_groups"].items():
        if low in words:
            return group
    if counted[:1].isupper() and re.fullmatch(r"[A-Z][a-z]+(?:is|ans|ese|ians|ites|s)", counted.strip()):
        return "people"  # nationality or ethnic nouns: Azerbaijanis, Congolese, Colombians
    return low[:-1] if low.endswith("s") else low


def terms_in(text: str) -> set[str]:
    """Key charge terms ('genocide', 'ethnic cleansing') named in ``text``."""
    return {term for term, pat in _term_patterns() if pat.search(text)}


def _content_words(text: str) -> set[str]:
    stop = set(_data()["stopwords"])
    return {w for w in re.findall(r"[a-z][a-z'-]{2,}", text.lower()) if w not in stop}


@dataclass
class _Claim:
    id: str
    doc: str
    text: str
    asserter: str | None
    polarity: str
    claim_type: str
    about: list[str]
    context: set[str]  # about + entities mentioned inside the claim span
    terms: set[str] = field(default_factory=set)


@dataclass
class _Qty:
    row: dict[str, Any]
    doc: str
    group: str
    context: set[str]
    text: str  # the claim (or window) the figure sits in
    claim: str | None


class _Corpus:
    """The rows, indexed: canonical entity ids, mentions by document, claims and quantities."""

    def __init__(self, rows: list[dict[str, Any]], canon: dict[str, str]) -> None:
        self.canon = canon
        self.docs: dict[str, dict[str, Any]] = {}
        self.entities: dict[str, dict[str, Any]] = {}
        self.mentions: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        claim_rows, qty_rows = [], []
        for r in rows:
            kind = r.get("kind")
            if kind == "document":
                self.docs[r["id"]] = r
            elif kind == "entity":
                cid = self.c(r["id"]) or r["id"]
                if cid == r["id"] or cid not in self.entities:  # the canonical row wins
                    self.entities[cid] = r
            elif kind == "mention":
                self.mentions[r["doc"]].append((r["start"], r["end"], self.c(r["entity"])))
            elif kind == "claim":
                claim_rows.append(r)
            elif kind == "quantity":
                qty_rows.append(r)
        # a name typed as a place anywhere counts as a place everywhere (NER may type a village PERSON)
        self.place_names = {r.get("name", "").casefold() for r in self.entities.values()
                            if r.get("type") in PLACE_TYPES and r.get("id") not in _countries()}
        self.claims: dict[str, _Claim] = {}
        for r in claim_rows:
            about = [self.c(e) for e in r.get("about") or []]
            ctx = set(about) | self.entities_in(r["doc"], r["start"], r["end"])
            self.claims[r["id"]] = _Claim(r["id"], r["doc"], r["text"], self.c(r.get("asserter")),
                                          r.get("polarity", "affirm"), r.get("claim_type", "other"), about, ctx,
                                          terms_in(r["text"]))
        self.qtys: list[_Qty] = []
        for r in qty_rows:
            cl = self.claims.get(r.get("claim") or "")
            if cl is not None:
                ctx, text = set(cl.context), cl.text
            else:
                doc_text = self.docs.get(r["doc"], {}).get("text", "")
                lo, hi = max(0, r["start"] - CONTEXT_CHARS), r["end"] + CONTEXT_CHARS
                ctx, text = self.entities_in(r["doc"], lo, hi), doc_text[lo:hi]
            if r.get("event"):
                ctx.add(self.c(r["event"]))
            self.qtys.append(_Qty(r, r["doc"], _counted_group(r.get("counted") or r.get("text") or ""),
                                  ctx, text, cl.id if cl else None))

    def c(self, eid: str | None) -> str | None:
        """The canonical id of an entity (follows chains of merges)."""
        seen = 0
        while eid is not None and eid in self.canon and self.canon[eid] != eid and seen < 20:
            eid, seen = self.canon[eid], seen + 1
        return eid

    def entities_in(self, doc: str, start: int, end: int) -> set[str]:
        """Entity ids mentioned inside ``[start, end)`` of ``doc``."""
        return {e for s, t, e in self.mentions.get(doc, ()) if s >= start and t <= end}

    def etype(self, eid: str) -> str:
        """The entity's type (from its row, else its id prefix)."""
        row = self.entities.get(eid)
        return (row or {}).get("type") or eid.split(":", 1)[0]

    def name(self, eid: str) -> str:
        row = self.entities.get(eid)
        return (row or {}).get("name") or eid.split(":", 1)[-1]

    def specific(self, ids: Iterable[str]) -> set[str]:
        """Entities that place an event: EVENTs, LOCs and sub-national GPEs (not countries)."""
        return {e for e in ids if e not in _countries()
                and (self.etype(e) in PLACE_TYPES or self.name(e).casefold() in self.place_names)}

    def places(self, ids: Iterable[str]) -> set[str]:
        """Names (casefolded) of the specific places and events among ``ids``, so that a
        village typed PERSON in one document and GPE in another is still one place."""
        return {self.name(e).casefold() for e in self.specific(ids)}

    def block_key(self, eid: str) -> str:
        """Index key of an entity: the place name for places, else the id."""
        return "P:" + self.name(eid).casefold() if self.specific([eid]) else eid

    def published(self, doc: str) -> str:
        return self.docs.get(doc, {}).get("published") or "9999-99-99"

    def order(self, a: str, b: str, doc_a: str, doc_b: str) -> tuple[str, str]:
        """Symmetric pairs: earlier-published first, then the smaller id."""
        ka, kb = (self.published(doc_a), a), (self.published(doc_b), b)
        return (a, b) if ka <= kb else (b, a)


def _touches(new_docs: set[str] | None, *docs: str) -> bool:
    return new_docs is None or any(d in new_docs for d in docs)


def _cosines(pairs: Iterable[tuple[str, str]], texts: dict[str, str]) -> dict[tuple[str, str], float]:
    """Embedding cosine for each pair of keys of ``texts`` (only the texts in some pair are encoded)."""
    pairs = list(pairs)
    if not pairs:
        return {}
    from counterclaim.link.embed import cosine, encode

    keys = sorted({k for p in pairs for k in p})
    vecs = encode([texts[k] for k in keys])
    pos = {k: i for i, k in enumerate(keys)}
    return {p: cosine(vecs[pos[p[0]]], vecs[pos[p[1]]]) for p in pairs}


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


# ---------------------------------------------------------------- claims


def _claim_candidates(corpus: _Corpus, new_docs: set[str] | None) -> set[tuple[str, str]]:
    """Pairs of claims in different documents sharing a key term or an entity (blocked)."""
    index: dict[str, list[str]] = defaultdict(list)
    for cl in corpus.claims.values():
        for e in corpus.specific(cl.context):
            index["E:" + e].append(cl.id)
        for t in cl.terms:
            for e in cl.context:
                index[f"T:{t}|E:{e}"].append(cl.id)
            if cl.polarity == "deny":  # a denial about X pairs with what X asserts
                for e in cl.context:
                    index[f"T:{t}|A:{e}"].append(cl.id)
            elif cl.asserter:
                index[f"T:{t}|A:{cl.asserter}"].append(cl.id)
    pairs: set[tuple[str, str]] = set()
    for key, ids in index.items():
        if len(ids) > MAX_BLOCK:
            continue  # too common to pair on
        for a, b in combinations(sorted(set(ids)), 2):
            ca, cb = corpus.claims[a], corpus.claims[b]
            if ca.doc != cb.doc and _touches(new_docs, ca.doc, cb.doc):
                pairs.add((a, b))
    return pairs


def _contradiction(corpus: _Corpus, ca: _Claim, cb: _Claim, cos: float) -> tuple[float, str] | None:
    """Score a deny/affirm pair; None when they do not contradict."""
    if {ca.polarity, cb.polarity} != {"affirm", "deny"}:
        return None
    deny, affirm = (ca, cb) if ca.polarity == "deny" else (cb, ca)
    if deny.asserter and deny.asserter == affirm.asserter:
        return None
    shared_terms = deny.terms & affirm.terms
    shared_words = _content_words(deny.text) & _content_words(affirm.text)
    if not shared_terms and not (cos >= 0.7 and shared_words):
        return None
    targets = bool(affirm.asserter and affirm.asserter in deny.context)
    shared_ents = (deny.context & affirm.context) - {affirm.asserter}
    if not targets and not shared_ents:
        return None
    dismiss = _dismiss_pattern().findall(deny.text)
    score = (0.35 if shared_terms else 0.2) + (0.25 if targets else 0.0) + (0.1 if shared_ents else 0.0)
    score += (0.05 if dismiss else 0.0) + 0.25 * cos
    why = [f"contradicts: {deny.id} denies (polarity deny) what {affirm.id} affirms"]
    if shared_terms:
        why.append("shared charge " + ", ".join(repr(t) for t in sorted(shared_terms)))
    else:
        why.append("shared words " + ", ".join(sorted(shared_words)[:5]))
    if targets:
        why.append(f"the denial is about the asserter {affirm.asserter}")
    if shared_ents:
        why.append("shared entities " + ", ".join(sorted(shared_ents)[:4]))
    if dismiss:
        why.append("dismissal cue " + ", ".join(repr(d.lower()) for d in sorted(set(dismiss))[:3]))
    why.append(f"cosine {cos:.2f}")
    return min(score, 1.0), "; ".join(why)


def _claim_relations(corpus: _Corpus, new_docs: set[str] | None) -> list[RelationRecord]:
    pairs = _claim_candidates(corpus, new_docs)
    texts = {cid: cl.text for cid, cl in corpus.claims.items()}
    cos = _cosines(pairs, texts)
    best: dict[tuple[str, str], tuple[float, str, str, str]] = {}  # one contradiction per (denial, other doc)
    out: list[RelationRecord] = []
    for a, b in sorted(pairs):
        ca, cb, c = corpus.claims[a], corpus.claims[b], cos[(a, b)]
        found = _contradiction(corpus, ca, cb, c)
        if found:
            deny, affirm = (ca, cb) if ca.polarity == "deny" else (cb, ca)
            x, y = corpus.order(ca.id, cb.id, ca.doc, cb.doc)
            key = (deny.id, affirm.doc)
            if key not in best or found[0] > best[key][0]:
                best[key] = (found[0], found[1], x, y)
            continue
        if ca.polarity != cb.polarity or c < SUPPORTS_COS:
            continue
        shared = (ca.terms & cb.terms) | corpus.specific(ca.context & cb.context)
        if not shared:
            continue
        rtype = "same_claim" if c >= SAME_CLAIM_COS else "supports"
        x, y = corpus.order(a, b, ca.doc, cb.doc)
        floor = SAME_CLAIM_COS if rtype == "same_claim" else SUPPORTS_COS
        out.append(RelationRecord(rtype, x, y, round(c, 3),
                                  f"{rtype}: cosine {c:.2f} (>= {floor}), both {ca.polarity}; shared "
                                  + ", ".join(sorted(shared)[:4])))
    for score, why, x, y in best.values():
        out.append(RelationRecord("contradicts", x, y, round(score, 3), why))
    return out


# ---------------------------------------------------------------- rebuttals


def _work_phrase(text: str, m: re.Match[str]) -> str:
    """The name of the answered work around a work noun: the quoted phrase, or 'year noun'."""
    for q in re.finditer(r"[\"“«']([^\"”»']{2,80})[\"”»']", text):
        if q.start() <= m.start() and m.end() <= q.end():
            return q.group(1).strip()
    before = text[max(0, m.start() - 12):m.start()]
    year = re.search(r"\b((?:19|20)\d\d)\s*$", before)
    noun = m.group(0).lower()
    return f"{year.group(1)} {noun}" if year else noun


def _author(corpus: _Corpus, cl: _Claim, asserter: str | None) -> str | None:
    """The party whose work is answered: a PERSON/ORG the denial is about, else the document's most named one."""
    skip = {asserter, cl.asserter}
    for e in cl.about + sorted(cl.context):
        if corpus.etype(e) in ("PERSON", "ORG") and e not in skip:
            return e
    counts: dict[str, int] = defaultdict(int)
    outlet = corpus.docs[cl.doc].get("outlet") or ""
    for _s, _t, e in corpus.mentions.get(cl.doc, ()):
        if corpus.etype(e) in ("PERSON", "ORG") and e not in skip and corpus.name(e) != outlet:
            counts[e] += 1
    return max(sorted(counts), key=lambda e: counts[e]) if counts else None


def _rebuttals(corpus: _Corpus, new_docs: set[str] | None) -> list[RelationRecord]:
    by_asserter: dict[str, list[str]] = defaultdict(list)
    for did, d in corpus.docs.items():
        if d.get("asserter"):
            by_asserter[corpus.c(d["asserter"]) or ""].append(did)
    found: dict[tuple[str, str], tuple[float, str, str]] = {}
    for cl in corpus.claims.values():
        if cl.polarity != "deny" and cl.claim_type != "denial":
            continue
        doc = corpus.docs.get(cl.doc, {})
        asserter = corpus.c(doc.get("asserter"))
        matches = list(_work_pattern().finditer(cl.text))
        author = _author(corpus, cl, asserter) if matches else None
        if author is None:
            continue
        dismiss = sorted({d.lower() for d in _dismiss_pattern().findall(cl.text)})
        for m in matches:
            work, noun = _work_phrase(cl.text, m), m.group(0).lower()
            types = set(_data()["work_doc_types"].get(noun, ()))
            target = next((o for o in sorted(by_asserter.get(author, ())) if o != cl.doc
                           and corpus.docs[o].get("doc_type") in types
                           and corpus.published(o) <= corpus.published(cl.doc)), None)
            if not _touches(new_docs, cl.doc, *([target] if target else [])):
                continue
            named = work.lower() != noun  # quoted or dated: "expert opinion", "2024 report"
            score = 0.55 + (0.15 if named or target else 0.0) + (0.15 if dismiss else 0.0)
            score += (0.1 if author in cl.about else 0.0) + (0.05 if target else 0.0)
            b = target or "WORK:" + slug(f"{work} {corpus.name(author)}")
            what = (f"the {corpus.docs[target].get('doc_type')} {target} by the same author" if target
                    else "a work outside the ledger")
            why = (f"rebuts: denial {cl.id} answers {what}: work=\"{work}\"; author={author} "
                   f"({corpus.name(author)}); work noun '{noun}'"
                   + (f"; dismissal cue {', '.join(repr(d) for d in dismiss[:3])}" if dismiss else ""))
            key = (cl.doc, author)
            if key not in found or round(min(score, 1.0), 3) > found[key][0]:
                found[key] = (round(min(score, 1.0), 3), b, why)
    return [RelationRecord("rebuts", doc, b, score, why) for (doc, _a), (score, b, why) in sorted(found.items())]


# ---------------------------------------------------------------- figures


def interval(q: dict[str, Any]) -> tuple[float, float]:
    """The range a figure stands for: exact is a point, 'about' +-10 %, at_least/at_most open on one side."""
    v = float(q["value"])
    lo, hi = q.get("low"), q.get("high")
    approx = q.get("approx") or "exact"
    if approx == "about":
        return float(lo if lo is not None else v * 0.9), float(hi if hi is not None else v * 1.1)
    if approx == "at_least":
        return v, float(hi if hi is not None else math.inf)
    if approx == "at_most":
        return float(lo if lo is not None else 0.0), v
    return float(lo if lo is not None else v), float(hi if hi is not None else v)


def _show(q: dict[str, Any]) -> str:
    sign = {"about": "~", "at_least": ">=", "at_most": "<="}.get(q.get("approx") or "exact", "")
    return sign + _fmt(float(q["value"]))


def _figure_candidates(corpus: _Corpus, new_docs: set[str] | None) -> set[tuple[int, int]]:
    index: dict[tuple[str, str, str, str], list[int]] = defaultdict(list)
    for i, q in enumerate(corpus.qtys):
        cat = q.row.get("category") or "other"
        if cat == "other":
            continue
        for e in {corpus.block_key(e) for e in q.context} or {"-"}:
            index[(cat, q.row.get("subgroup") or "", q.group, e)].append(i)
    pairs: set[tuple[int, int]] = set()
    for key, ids in index.items():
        if len(ids) > MAX_BLOCK:
            continue  # too common to pair on
        for i, j in combinations(sorted(set(ids)), 2):
            if corpus.qtys[i].doc != corpus.qtys[j].doc and _touches(new_docs, corpus.qtys[i].doc,
                                                                      corpus.qtys[j].doc):
                pairs.add((i, j))
    return pairs


def _figures(corpus: _Corpus, new_docs: set[str] | None) -> list[RelationRecord]:
    pairs = _figure_candidates(corpus, new_docs)
    texts = {str(i): q.text for i, q in enumerate(corpus.qtys)}
    cos = _cosines([(str(i), str(j)) for i, j in pairs], texts)
    out = []
    for i, j in sorted(pairs):
        qa, qb = corpus.qtys[i], corpus.qtys[j]
        ra, rb = qa.row, qb.row
        sa, sb = corpus.places(qa.context), corpus.places(qb.context)
        shared = sa & sb
        if sa and sb and not shared:
            continue  # each names its own place or event: different events
        c = cos[(str(i), str(j))]
        (la, ha), (lb, hb) = interval(ra), interval(rb)
        overlap = la <= hb and lb <= ha
        va, vb = float(ra["value"]), float(rb["value"])
        close = min(va, vb) / max(va, vb) if max(va, vb) > 0 else 1.0
        x, y = corpus.order(ra["id"], rb["id"], qa.doc, qb.doc)
        if x != ra["id"]:
            ra, rb = rb, ra
        counted = f"{ra.get('counted')}~{rb.get('counted')}" if ra.get("counted") != rb.get("counted") \
            else str(ra.get("counted"))
        base = (f"{ra.get('category')} {counted}" + (f" ({ra['subgroup']})" if ra.get("subgroup") else "")
                + f": {_show(ra)} vs {_show(rb)}")
        if shared:
            ctx = "shared place/event " + ", ".join(sorted(shared)[:3])
            strength = 0.85
        elif overlap and close >= FIGURE_CLOSE and c >= FIGURE_WEAK_COS and qa.context & qb.context:
            common = sorted(qa.context & qb.context)[:3]
            ctx = f"context cosine {c:.2f}, shared " + ", ".join(corpus.name(e) for e in common)
            strength = 0.45 + 0.4 * c
        else:
            continue  # mismatches need a shared specific place or event
        if overlap:
            score = strength * (0.8 + 0.2 * close)
            out.append(RelationRecord("figure_consistent", x, y, round(min(score, 1.0), 3),
                                      f"figure_consistent: {base}: overlap; {ctx}"))
        else:
            gap = max(lb - ha, la - hb)
            out.append(RelationRecord("figure_mismatch", x, y, round(min(strength, 1.0), 3),
                                      f"figure_mismatch: {base}: no overlap, gap {_fmt(gap)}; {ctx}"))
    return out


# ---------------------------------------------------------------- entry point


def relate(rows: list[dict], canon: dict[str, str], new_docs: set[str] | None = None) -> list[RelationRecord]:
    """Relations between claims, documents and quantities of ``rows``.

    Args:
        rows: contract rows (``iter_rows(ledger, resolve=False)``).
        canon: merged entity id -> canonical id; applied to every entity id read.
        new_docs: when given, only relations touching one of these document ids.

    Returns:
        Relations sorted by (type, a, b), one per (type, a, b).
    """
    corpus = _Corpus(list(rows), canon)
    found = _claim_relations(corpus, new_docs) + _rebuttals(corpus, new_docs) + _figures(corpus, new_docs)
    unique: dict[tuple[str, str, str], RelationRecord] = {}
    for r in found:
        key = (r.type, r.a, r.b)
        if key not in unique or r.score > unique[key].score:
            unique[key] = r
    return [unique[k] for k in sorted(unique)]

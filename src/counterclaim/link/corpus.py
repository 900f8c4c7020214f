"""The ledger's contract rows indexed for linking: canonical entity ids, mentions, claims, quantities.

Every linking stage (incidents, figures, contradictions, rebuttals, duplicates) reads one
:class:`Corpus`; the language data they share (``relations.json``) is loaded here once.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from counterclaim.resources import load_json, load_jsonl

DATA_FILE = "relations.json"
PLACE_TYPES = ("EVENT", "LOC", "GPE")
INCIDENT_PREFIX = "EVENT:incident-"
CONTEXT_CHARS = 150  # window around a quantity that has no claim


@cache
def data() -> dict[str, Any]:
    """``relations.json``, checked for the keys every stage reads."""
    return load_json(DATA_FILE, required=("key_terms", "work_nouns", "work_doc_types", "dismiss_cues",
                                          "counted_groups", "stopwords", "event_types", "place_cues",
                                          "place_generic_words", "months", "denial_cues", "cumulative_cues",
                                          "rate_cues"))


def phrase_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """One case-insensitive pattern matching any of ``words`` as whole words, longest first."""
    alts = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alts})(?![\w-])", re.IGNORECASE)


@cache
def _term_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((term, phrase_pattern(forms)) for term, forms in data()["key_terms"].items())


# Pure functions of a text are cached by it: wire copies repeat the same sentences across documents.
TEXT_CACHE = 1 << 16


def terms_in(text: str) -> set[str]:
    """Key charge terms ('genocide', 'ethnic cleansing') named in ``text``."""
    return set(_terms_in(text))


@lru_cache(maxsize=TEXT_CACHE)
def _terms_in(text: str) -> frozenset[str]:
    return frozenset(term for term, pat in _term_patterns() if pat.search(text))


@cache
def gazetteer() -> dict[str, dict[str, Any]]:
    return {r["key"]: r for r in load_jsonl("gazetteer.jsonl")}


@cache
def countries() -> frozenset[str]:
    """Gazetteer GPEs that are not part of anything: countries, too broad to place an event."""
    return frozenset(k for k, r in gazetteer().items() if r.get("type") == "GPE" and not r.get("part_of"))


@cache
def counted_group(counted: str) -> str:
    """Normalise a counted noun: 'civilians', 'Azerbaijanis' -> 'people'; 'homes' -> 'houses'."""
    low = counted.strip().lower()
    for group, words in data()["counted_groups"].items():
        if low in words or (low.split() and low.split()[-1] in words):
            return group
    if counted[:1].isupper() and re.fullmatch(r"[A-Z][a-z]+(?:is|ans|ese|ians|ites|s)", counted.strip()):
        return "people"  # nationality or ethnic nouns: Azerbaijanis, Congolese, Colombians
    return low[:-1] if low.endswith("s") else low


def content_words(text: str) -> set[str]:
    stop = set(data()["stopwords"])
    return {w for w in re.findall(r"[a-z][a-z'-]{2,}", text.lower()) if w not in stop}


@dataclass
class Claim:
    id: str
    doc: str
    start: int
    end: int
    text: str
    asserter: str | None
    polarity: str
    claim_type: str
    about: list[str]
    context: set[str]  # about + entities mentioned inside the claim span
    terms: set[str] = field(default_factory=set)


@dataclass
class Qty:
    row: dict[str, Any]
    doc: str
    group: str
    context: set[str]
    text: str  # the claim (or window) the figure sits in
    claim: str | None


class Corpus:
    """The rows, indexed: canonical entity ids, mentions by document, claims and quantities."""

    def __init__(self, rows: list[dict[str, Any]], canon: dict[str, str]) -> None:
        self.canon = canon
        self.vectors: dict[str, Any] = {}  # sentence vectors by text, encoded once per linking run (cosines)
        self.docs: dict[str, dict[str, Any]] = {}
        self.entities: dict[str, dict[str, Any]] = {}
        self.mentions: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        self._sorted: dict[str, list[tuple[int, int, str]]] = {}  # per document, by position (mentions_from)
        self._starts: dict[str, list[int]] = {}
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
                self.mentions[r["doc"]].append((r["start"], r["end"], self.c(r["entity"]) or r["entity"]))
            elif kind == "claim":
                claim_rows.append(r)
            elif kind == "quantity":
                qty_rows.append(r)
        # a name typed as a place anywhere counts as a place everywhere (NER may type a village PERSON)
        self.place_names = {r.get("name", "").casefold() for r in self.entities.values()
                            if r.get("type") in PLACE_TYPES and r.get("id") not in countries()}
        self.claims: dict[str, Claim] = {}
        for r in sorted(claim_rows, key=lambda r: r["id"]):
            about = [self.c(e) or e for e in r.get("about") or []]
            ctx = set(about) | self.entities_in(r["doc"], r["start"], r["end"])
            self.claims[r["id"]] = Claim(r["id"], r["doc"], r["start"], r["end"], r["text"],
                                         self.c(r.get("asserter")), r.get("polarity", "affirm"),
                                         r.get("claim_type", "other"), about, ctx, terms_in(r["text"]))
        self.qtys: list[Qty] = []
        for r in sorted(qty_rows, key=lambda r: r["id"]):
            cl = self.claims.get(r.get("claim") or "")
            if cl is not None:
                ctx, text = set(cl.context), cl.text
            else:
                doc_text = self.docs.get(r["doc"], {}).get("text", "")
                lo, hi = max(0, r["start"] - CONTEXT_CHARS), r["end"] + CONTEXT_CHARS
                ctx, text = self.entities_in(r["doc"], lo, hi), doc_text[lo:hi]
            if r.get("event") and not str(r["event"]).startswith(INCIDENT_PREFIX):  # not an earlier run's incident
                ctx.add(self.c(r["event"]) or r["event"])
            self.qtys.append(Qty(r, r["doc"], counted_group(r.get("counted") or "people"),
                                 ctx, text, cl.id if cl else None))
        self.qty_by_id = {q.row["id"]: q for q in self.qtys}
        self.qtys_of_claim: dict[str, list[Qty]] = defaultdict(list)
        for q in self.qtys:
            if q.claim is not None:
                self.qtys_of_claim[q.claim].append(q)

    def c(self, eid: str | None) -> str | None:
        """The canonical id of an entity (follows chains of merges)."""
        seen = 0
        while eid is not None and eid in self.canon and self.canon[eid] != eid and seen < 20:
            eid, seen = self.canon[eid], seen + 1
        return eid

    def mentions_from(self, doc: str, start: int, end: int) -> list[tuple[int, int, str]]:
        """The mentions of ``doc`` that start inside ``[start, end)``, by position.

        Bisection over the document's mentions sorted once: a long report has 100,000 of them,
        and scanning them all for each of its claims would make linking quadratic in its length.
        """
        if doc not in self._sorted:
            self._sorted[doc] = sorted(self.mentions.get(doc, ()))
            self._starts[doc] = [s for s, _t, _e in self._sorted[doc]]
        index = self._starts[doc]
        return self._sorted[doc][bisect_left(index, start):bisect_left(index, end)]

    def entities_in(self, doc: str, start: int, end: int) -> set[str]:
        """Entity ids mentioned inside ``[start, end)`` of ``doc``."""
        return {e for _s, t, e in self.mentions_from(doc, start, end) if t <= end}

    def etype(self, eid: str) -> str:
        """The entity's type (from its row, else its id prefix)."""
        row = self.entities.get(eid)
        return (row or {}).get("type") or eid.split(":", 1)[0]

    def name(self, eid: str) -> str:
        row = self.entities.get(eid)
        return (row or {}).get("name") or eid.split(":", 1)[-1]

    def specific(self, ids: Iterable[str]) -> set[str]:
        """Entities that place an event: EVENTs, LOCs and sub-national GPEs (not countries)."""
        return {e for e in ids if e not in countries()
                and (self.etype(e) in PLACE_TYPES or self.name(e).casefold() in self.place_names)}

    def published(self, doc: str) -> str:
        return self.docs.get(doc, {}).get("published") or "9999-99-99"

    def doc_asserter(self, doc: str) -> str | None:
        return self.c(self.docs.get(doc, {}).get("asserter"))

    def order(self, a: str, b: str, doc_a: str, doc_b: str) -> tuple[str, str]:
        """Symmetric pairs: earlier-published first, then the smaller id."""
        ka, kb = (self.published(doc_a), a), (self.published(doc_b), b)
        return (a, b) if ka <= kb else (b, a)


def touches(new_docs: set[str] | None, *docs: str) -> bool:
    return new_docs is None or any(d in new_docs for d in docs)


def cosines(pairs: Iterable[tuple[str, str]], texts: dict[str, str], memo: dict[str, Any] | None = None
            ) -> dict[tuple[str, str], float]:
    """Embedding cosine for each pair of keys of ``texts`` (only the texts in some pair are encoded).

    ``memo``: the vectors a linking run has encoded already (:attr:`Corpus.vectors`), by text.
    """
    pairs = list(pairs)
    if not pairs:
        return {}
    from counterclaim.link.embed import cosine, encode

    keys = sorted({k for p in pairs for k in p})
    vecs = encode([texts[k] for k in keys], memo)
    pos = {k: i for i, k in enumerate(keys)}
    return {p: cosine(vecs[pos[p[0]]], vecs[pos[p[1]]]) for p in pairs}



"""Cross-document entity resolution: which different entity ids are the same actor.

Candidates come from blocks (normalised name/alias, organisation core without a generic suffix
such as 'News Agency', acronym, person surname, office head such as 'ombudsman'/'ombudsperson',
prefix/suffix keys for spellings), never from all pairs. Each pair of the same type is scored by
a rule that keeps its words as evidence (a role-only PERSON like 'Azerbaijani Ombudsman' may join
the only named PERSON recorded in that office). A bare surname, an ambiguous initial or an office
held by several people is never merged: at most a ``same_entity`` relation scored below 0.5.
Merges apply strongest first and are refused when a cluster would mix types or incompatible names
(Heydar vs Ilham Aliyev). The canonical id depends only on the members' own names (named before
role-only, fuller given names, longer name, then id), never on mention counts or input order.

An institution named with its country ('the Iraqi Foreign Ministry') and the bare institution
('the Foreign Ministry') are one body when every document naming the bare one is about that
country (:func:`document_countries`: the institutions it names with a country are that country's,
or most of the places it names are); two institutions of different countries never merge.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from rapidfuzz import fuzz

from counterclaim.extract.entities.gazetteer import load_gazetteer
from counterclaim.link.corpus import countries, gazetteer
from counterclaim.names import given_names_fit
from counterclaim.records import EntityLink, RelationRecord
from counterclaim.resources import load_json

CONTEXT_MERGE = 0.6  # co-mention similarity that lets a bare surname join its only full name
MAX_BLOCK = 60  # blocks larger than this are too generic to pair (an exact-name block is chained instead)
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "‐": "-", "–": "-", "—": "-"})
_ARTICLE = re.compile(r"^(?:al|el|ad|as|ash|ar|an|at|az|ud|ul)-")  # 'al-Assad' is filed under 'assad'
_VOWELS = "aeiouy"
PLACE_TYPES = ("GPE", "LOC")
COUNTRY_LEAD = 2.0  # a document is about the country it names this many times as often as any other
_INITIALS = re.compile(r"(?:[A-Z]\.)+[A-Z]?\.?|[A-Z]")


@cache
def _words() -> dict[str, Any]:
    """Word lists from ``linking.json`` and ``roles.json``, as sets and maps."""
    link = load_json("linking.json", required=("stopwords", "temporal_modifiers", "org_generic_suffixes"))
    roles = load_json("roles.json", required=("heads", "synonyms", "honorifics"))
    heads = {tuple(h.replace("-", " ").split()) for h in roles["heads"]}
    syn = {w.replace("-", " "): g[0].replace("-", " ") for g in roles["synonyms"] for w in g}
    return {
        "stop": set(link["stopwords"]), "temporal": set(link["temporal_modifiers"]),
        "suffixes": sorted((tuple(s.split()) for s in link["org_generic_suffixes"]), key=len, reverse=True),
        "heads": heads, "max_head": max(len(h) for h in heads), "syn": syn,
        "honorifics": {h.rstrip(".").casefold() for h in roles["honorifics"]},
    }


def norm(text: str) -> str:
    """Comparison key: NFKC, quotes unified, casefolded, punctuation dropped, no leading 'the'."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    text = re.sub(r"[^\w\s-]", "", text.replace("'s ", "s ")).replace("-", " ")
    return re.sub(r"^the\s+", "", re.sub(r"\s+", " ", text).strip())


def person_parts(name: str) -> tuple[list[str], str]:
    """Given-name parts (initials split: 'L.M.' → ['L', 'M']) and surname; honorifics and titles dropped."""
    w = _words()
    parts = unicodedata.normalize("NFKC", name).split()
    while len(parts) > 1 and (parts[0].rstrip(".").casefold() in w["honorifics"]
                              or (parts[0].casefold(),) in w["heads"]):
        parts = parts[1:]
    given: list[str] = []
    for p in parts[:-1]:
        given.extend([x for x in p.split(".") if x] if _INITIALS.fullmatch(p) else [p])
    return given, _ARTICLE.sub("", parts[-1].casefold()) if parts else ""


def compatible(short: str, full: str) -> bool:
    """Whether ``short`` can abbreviate ``full``: same surname, given names or initials in order."""
    g_short, s_short = person_parts(short)
    g_full, s_full = person_parts(full)
    return s_short == s_full and given_names_fit(g_short, g_full)


def role_heads(text: str) -> tuple[set[str], set[str]]:
    """Office heads (synonyms folded: 'ombudsperson' → 'ombudsman') and qualifier words of a role phrase."""
    w = _words()
    toks = norm(text).split()
    heads: set[str] = set()
    quals: set[str] = set()
    i = 0
    while i < len(toks):
        for n in range(min(w["max_head"], len(toks) - i), 0, -1):
            if tuple(toks[i:i + n]) in w["heads"]:
                phrase = " ".join(toks[i:i + n])
                heads.add(w["syn"].get(phrase, phrase))
                i += n
                break
        else:
            if toks[i] not in w["stop"] and toks[i] not in w["temporal"]:
                quals.add(toks[i])
            i += 1
    return heads, quals


def _word_match(q: str, words: set[str]) -> bool:
    """'azerbaijani' matches 'azerbaijan' (a short letter suffix); 'un' matches only 'un', 'area7' not 'area70'."""
    def near(x: str, y: str) -> bool:
        short, long_ = sorted((x, y), key=len)
        rest = long_[len(short):]
        return len(short) >= 5 and long_.startswith(short) and rest.isalpha() and len(rest) <= 3
    return q in words or any(near(q, x) for x in words)


@dataclass
class _Ent:
    """What the resolver knows of one entity id."""

    id: str
    type: str
    name: str
    names: set[str] = field(default_factory=set)  # normalised name + aliases
    roles: list[str] = field(default_factory=list)
    docs: set[str] = field(default_factory=set)
    role_only: bool = False
    given: list[str] = field(default_factory=list)
    surname: str = ""
    heads: set[str] = field(default_factory=set)
    role_words: set[str] = field(default_factory=set)
    country: str | None = None  # the country named inside an institution's name ('Iraqi Foreign Ministry')
    bare: str = ""  # the institution's normalised name without that country word ('foreign ministry')


def country_of(key: str | None) -> str | None:
    """The country a gazetteer entity belongs to: itself, a people's country, a place's country (None if unknown)."""
    seen = 0
    while key is not None and seen < 8:
        if key in countries():
            return key
        row = gazetteer().get(key) or {}
        key, seen = row.get("of") or row.get("part_of"), seen + 1
    return None


def institution_country(name: str) -> tuple[str | None, str]:
    """'Iraqi Foreign Ministry', "Iraq's Foreign Ministry" -> ('GPE:iraq', 'foreign ministry'): the country an
    institution's name opens with (a country or its people) and the rest of the name; (None, '') if none."""
    words = unicodedata.normalize("NFKC", name).translate(_QUOTES).split()
    if len(words) < 2:
        return None, ""
    entry = load_gazetteer().lookup(re.sub(r"'s$", "", words[0]))
    country = country_of(entry.key) if entry is not None and entry.type in ("GPE", "NORP") else None
    if country is None or (entry is not None and entry.type == "GPE" and entry.key != country):
        return None, ""  # a city or region ('Gaza Health Ministry') is not the country's
    return country, norm(" ".join(words[1:]))


def document_countries(rows: list[dict[str, Any]], institutions: dict[str, str]) -> dict[str, str]:
    """Each document's country: the one all the institutions it names with a country belong to ('the Iraqi
    government'); without any, the one most of the countries, peoples and places it names belong to, at
    least ``COUNTRY_LEAD`` times as many as any other (each entity once). Documents naming institutions of
    two countries, or balancing two countries, have none.

    Args:
        rows: mention rows (only ``doc`` and ``entity`` are read).
        institutions: the country of each institution named with one (entity id -> country id).
    """
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    own: dict[str, set[str]] = defaultdict(set)
    for doc, eid in sorted({(r["doc"], r["entity"]) for r in rows if r.get("kind") == "mention"}):
        if eid in institutions:
            own[doc].add(institutions[eid])
        elif c := country_of(eid):
            counts[doc][c] += 1
    out = {}
    for doc in sorted(set(counts) | set(own)):
        if own[doc]:
            if len(own[doc]) == 1:
                out[doc] = next(iter(own[doc]))
            continue
        ranked = sorted(counts[doc].items(), key=lambda x: (-x[1], x[0]))
        if len(ranked) == 1 or ranked[0][1] >= COUNTRY_LEAD * ranked[1][1]:
            out[doc] = ranked[0][0]
    return out


def _build(rows: list[dict[str, Any]]) -> dict[str, _Ent]:
    """Entities with their documents, names, roles and person parts."""
    ents: dict[str, _Ent] = {}
    kinds: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r.get("kind") == "entity":
            e = _Ent(id=r["id"], type=r.get("type") or "OTHER", name=r.get("name") or r["id"].split(":", 1)[-1])
            e.names = {norm(x) for x in [e.name, *(r.get("aliases") or [])] if norm(x)}
            e.roles = list(r.get("roles") or [])
            ents[e.id] = e
    for r in rows:
        if r.get("kind") == "mention" and r.get("entity") in ents:
            ents[r["entity"]].docs.add(r["doc"])
            kinds[r["entity"]].add(r.get("mention_kind") or "name")
    for e in ents.values():
        if e.type == "ORG":
            e.country, e.bare = institution_country(e.name)
    for e in ents.values():
        if e.type != "PERSON":
            continue
        name_heads, name_quals = role_heads(e.name)
        in_roles = norm(e.name) in {norm(x) for x in e.roles}
        e.role_only = bool(name_heads) and (in_roles or kinds[e.id] == {"role"})
        if e.role_only:
            e.heads, e.role_words = name_heads, name_quals
        else:
            e.given, e.surname = person_parts(e.name)
            for role in e.roles:
                h, q = role_heads(role)
                e.heads |= h
                e.role_words |= q
            e.role_words |= {t for n in e.names for t in n.split()}
    return ents


def _org_core(name: str) -> str:
    """'trend news agency' → 'trend' (generic suffix dropped); '' if nothing is left or nothing dropped."""
    toks = name.split()
    for suf in _words()["suffixes"]:
        if len(toks) > len(suf) and tuple(toks[-len(suf):]) == suf:
            return " ".join(toks[:-len(suf)])
    return ""


def _acronym(name: str) -> str:
    toks = [t for t in name.split() if t not in _words()["stop"]]
    return "".join(t[0] for t in toks) if len(toks) >= 3 else ""


def _skeleton(key: str) -> str:
    """A place name without its vowels after the first letter: 'balakot', 'balkot' -> 'blkt'."""
    return key[:1] + re.sub(f"[{_VOWELS}]", "", key[1:])


def vowel_variant(x: str, y: str) -> bool:
    """Two spellings of one place name that differ by one vowel ('Balakot'/'Balkot', 'Kharkiv'/'Kharkov').

    Transliterations and misspellings of place names mostly move a vowel; names of six letters or more
    with the same first letter and consonants, one vowel added, dropped or changed, are one place.
    """
    x, y = x.replace(" ", ""), y.replace(" ", "")
    if min(len(x), len(y)) < 6 or x == y or x[0] != y[0] or abs(len(x) - len(y)) > 1:
        return False
    if len(x) == len(y):
        diff = [(a, b) for a, b in zip(x, y, strict=True) if a != b]
        return len(diff) == 1 and all(ch in _VOWELS for ch in diff[0])
    short, long_ = sorted((x, y), key=len)
    i = next((k for k in range(len(short)) if short[k] != long_[k]), len(short))
    return long_[i] in _VOWELS and short[i:] == long_[i + 1:]


def _blocks(ents: dict[str, _Ent]) -> dict[tuple[str, ...], list[str]]:
    """Blocking keys → entity ids (each id once per key, sorted)."""
    blocks: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for e in ents.values():
        if e.type == "PERSON":
            if e.role_only:
                for h in e.heads:
                    blocks[("role", h)].add(e.id)
                blocks[("name", "PERSON", norm(e.name))].add(e.id)
            else:
                blocks[("surname", e.surname)].add(e.id)
                for h in e.heads:
                    blocks[("role", h)].add(e.id)
            continue
        if e.bare:
            blocks[("name", e.type, e.bare)].add(e.id)
        for n in e.names:
            blocks[("name", e.type, n)].add(e.id)
            if core := _org_core(n):
                blocks[("name", e.type, core)].add(e.id)
            if acro := _acronym(n):
                blocks[("name", e.type, acro)].add(e.id)
        key = norm(e.name).replace(" ", "")
        if len(key) >= 6:
            blocks[("fuzzy", e.type, key[:4])].add(e.id)
            blocks[("fuzzy", e.type, key[-4:])].add(e.id)
            if e.type in PLACE_TYPES:
                blocks[("skeleton", e.type, _skeleton(key))].add(e.id)
    return {k: sorted(v) for k, v in blocks.items() if len(v) > 1}


def _pairs(block: list[str], key: tuple[str, ...], ents: dict[str, _Ent], scorer: _Scorer
           ) -> Iterable[tuple[str, str]]:
    """Candidate pairs of one block: an office pairs each role-only entity with its recorded holders;
    an oversized name block is chained on its first id; other oversized blocks are too generic."""
    if key[0] == "role":
        return ((min(r, h.id), max(r, h.id)) for r in block if ents[r].role_only for h in scorer.holders(ents[r]))
    if len(block) <= MAX_BLOCK:
        return ((a, b) for i, a in enumerate(block) for b in block[i + 1:])
    return ((block[0], b) for b in block[1:]) if key[0] == "name" else ()


@dataclass(frozen=True)
class _Verdict:
    merge: bool
    score: float
    evidence: str


class _Scorer:
    """Scores candidate pairs with the ledger-wide indexes needed for uniqueness checks."""

    def __init__(self, ents: dict[str, _Ent], blocks: dict[tuple[str, ...], list[str]],
                 doc_country: dict[str, str] | None = None) -> None:
        self.ents = ents
        self.blocks = blocks
        self.doc_country = doc_country or {}
        self.doc_ents: dict[str, set[str]] = defaultdict(set)
        for e in ents.values():
            for d in e.docs:
                self.doc_ents[d].add(e.id)
        self._ctx: dict[str, dict[str, float]] = {}

    def context(self, e: _Ent) -> dict[str, float]:
        """Entities co-mentioned with ``e``, weighted by rarity (log inverse document frequency)."""
        if e.id not in self._ctx:
            n = max(len(self.doc_ents), 1)
            vec: dict[str, float] = {}
            for d in sorted(e.docs):
                for o in self.doc_ents[d]:
                    if o != e.id:
                        vec[o] = math.log(1 + n / len(self.ents[o].docs))
            self._ctx[e.id] = vec
        return self._ctx[e.id]

    def similarity(self, a: _Ent, b: _Ent) -> float:
        """Cosine of the two entities' co-mention vectors (each other left out)."""
        va = {k: v for k, v in self.context(a).items() if k != b.id}
        vb = {k: v for k, v in self.context(b).items() if k != a.id}
        dot = sum(v * vb.get(k, 0.0) for k, v in va.items())
        na, nb = math.sqrt(sum(v * v for v in va.values())), math.sqrt(sum(v * v for v in vb.values()))
        return dot / (na * nb) if na and nb else 0.0

    def score(self, a: _Ent, b: _Ent) -> _Verdict | None:
        """Merge, relate (low score) or nothing for two entity ids."""
        if a.type != b.type:
            return None
        if a.type != "PERSON":
            return self._thing(a, b)
        if a.role_only and b.role_only:
            same = norm(a.name) == norm(b.name)
            return _Verdict(True, 0.9, f"same office: {a.name!r} = {b.name!r}") if same else None
        if a.role_only or b.role_only:
            return self._office(b, a) if a.role_only else self._office(a, b)
        return self._persons(a, b)

    def _thing(self, a: _Ent, b: _Ent) -> _Verdict | None:
        if a.country and b.country and a.country != b.country:
            return None  # the Iraqi and the Iranian foreign ministries
        if a.bare and not b.country and a.bare in b.names:
            return self._institution(a, b)
        if b.bare and not a.country and b.bare in a.names:
            return self._institution(b, a)
        if same := sorted(a.names & b.names):
            return _Verdict(True, 0.95, f"alias: same normalised name {same[0]!r}")
        for x in sorted(a.names):
            for y in sorted(b.names):
                if _org_core(x) == y or _org_core(y) == x:
                    return _Verdict(True, 0.85, f"name core: {x!r} ~ {y!r} (generic suffix)")
                short = y if _acronym(x) == y else x if _acronym(y) == x else ""
                if len(short) >= 3 and len(self.blocks.get(("name", a.type, short), [])) == 2:
                    return _Verdict(True, 0.75, f"acronym: {x!r} ~ {y!r}")
        x, y = norm(a.name), norm(b.name)
        if re.findall(r"\d+", x) != re.findall(r"\d+", y) or min(len(x), len(y)) < 6:
            return None
        if a.type in PLACE_TYPES and vowel_variant(x, y):
            return _Verdict(True, 0.8, f"spelling: {x!r} ~ {y!r} (one vowel apart)")
        ratio = fuzz.ratio(x, y)
        if ratio >= 92:
            return _Verdict(True, round(0.6 + ratio / 500, 3), f"spelling: {x!r} ~ {y!r} (ratio {ratio:.0f})")
        tsr = fuzz.token_sort_ratio(x, y)
        stop = _words()["stop"]
        if tsr >= 85 and len(set(x.split()) - stop) == len(set(y.split()) - stop):
            return _Verdict(False, round(tsr / 250, 3), f"similar names: {x!r} ~ {y!r} (token ratio {tsr:.0f})")
        return None

    def _institution(self, qualified: _Ent, bare: _Ent) -> _Verdict | None:
        """'Foreign Ministry' is the 'Iraqi Foreign Ministry' when every document naming it is about Iraq."""
        about = {self.doc_country.get(d) for d in bare.docs}
        country = (qualified.country or "").split(":", 1)[-1]
        if about == {qualified.country}:
            return _Verdict(True, 0.8, f"institution: {bare.name!r} in documents about {country} is "
                                       f"{qualified.name!r}")
        if qualified.country in about:
            return _Verdict(False, 0.3, f"institution: {bare.name!r} may be {qualified.name!r} (some of its "
                                        f"documents are about {country}, not all)")
        return None

    def holders(self, role: _Ent) -> list[_Ent]:
        """Named persons whose recorded offices match every head and qualifier of a role-only entity."""
        ids = {i for h in role.heads for i in self.blocks.get(("role", h), [])}
        out = []
        for i in sorted(ids):
            p = self.ents[i]
            if not p.role_only and role.heads <= p.heads and all(_word_match(q, p.role_words)
                                                                 for q in role.role_words):
                out.append(p)
        return out

    def _office(self, person: _Ent, role: _Ent) -> _Verdict | None:
        holders = self.holders(role)
        if person.id not in {p.id for p in holders}:
            return None
        words = f"{'/'.join(sorted(role.heads))}" + (f" + {', '.join(sorted(role.role_words))}"
                                                     if role.role_words else "")
        if len(holders) > 1:
            return _Verdict(False, round(0.4 / len(holders), 3),
                            f"office {role.name!r} held by {len(holders)} named persons: {words}")
        if person.docs & role.docs:
            return _Verdict(False, 0.4, f"office {role.name!r} matches {person.name!r} ({words}) but both "
                                        "stay apart in a shared document")
        return _Verdict(True, 0.85 if role.role_words else 0.7,
                        f"office: {role.name!r} is the only recorded holder's role ({words})")

    def _persons(self, a: _Ent, b: _Ent) -> _Verdict | None:
        if a.surname != b.surname or not a.surname or a.docs & b.docs:
            return None  # different surnames, or kept apart inside one document
        short, full = (a, b) if len(a.given) <= len(b.given) else (b, a)
        if not compatible(short.name, full.name):
            return None
        rivals = self._maximal([self.ents[i] for i in self.blocks.get(("surname", short.surname), [])
                                if i != short.id and self.ents[i].given and compatible(short.name,
                                                                                       self.ents[i].name)])
        shared = sorted((a.heads & b.heads) - {""})
        if short.given:
            if len(rivals) == 1:
                return _Verdict(True, 0.9, f"person: {short.name!r} abbreviates {full.name!r} (given names/initials)")
            return _Verdict(False, 0.4, f"person: {short.name!r} fits {len(rivals)} full names")
        if len(rivals) == 1 and shared:
            return _Verdict(True, 0.75, f"person: surname {short.name!r} + shared office {', '.join(shared)}")
        sim = self.similarity(a, b)
        if len(rivals) == 1 and sim >= CONTEXT_MERGE:
            return _Verdict(True, 0.7, f"person: surname {short.name!r} + shared context (similarity {sim:.2f})")
        if len(rivals) == 1:
            return _Verdict(False, 0.3, f"surname only: {short.name!r} ~ {full.name!r} (context {sim:.2f})")
        if shared:
            return _Verdict(False, round(0.45 / len(rivals), 3),
                            f"surname {short.name!r} fits {len(rivals)} persons; shared office {', '.join(shared)}")
        return None

    @staticmethod
    def _maximal(cands: list[_Ent]) -> list[_Ent]:
        """Candidates not abbreviating another candidate ('L. Ocampo' folds into 'Luis Ocampo')."""
        return [c for c in cands if not any(o.id != c.id and len(o.given) > len(c.given) and compatible(c.name, o.name)
                                            for o in cands)]


def _canon_key(e: _Ent) -> tuple[Any, ...]:
    """Order-independent preference for the kept id: named, fuller given names, longer name, then id."""
    spelled = sum(1 for g in e.given if len(g) > 1)
    return (e.role_only, -spelled, -len(e.name.split()), -len(e.name), e.id)


def _consistent(members: list[_Ent]) -> bool:
    """A cluster may not mix types nor institutions of different countries; its named persons must all
    abbreviate its fullest name."""
    if len({m.type for m in members}) > 1 or len({m.country for m in members if m.country}) > 1:
        return False
    named = [m for m in members if m.type == "PERSON" and not m.role_only]
    if not named:
        return True
    fullest = max(named, key=lambda m: (len(m.given), sum(len(g) > 1 for g in m.given), m.id))
    return all(compatible(m.name, fullest.name) for m in named)


def _score(ents: dict[str, _Ent], blocks: dict[tuple[str, ...], list[str]], active: set[str],
           doc_country: dict[str, str] | None = None) -> tuple[dict[tuple[str, str], _Verdict], set[str]]:
    """Verdicts for candidate pairs touching ``active``, growing it along merges until closed."""
    scorer = _Scorer(ents, blocks, doc_country)
    by_ent: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for key, ids in blocks.items():
        for i in ids:
            by_ent[i].append(key)
    seen: dict[tuple[str, str], _Verdict | None] = {}
    frontier = set(active)
    while frontier:
        grown: set[str] = set()
        for key in sorted({k for i in frontier for k in by_ent[i]}):
            for a, b in _pairs(blocks[key], key, ents, scorer):
                if (a, b) not in seen and (a in frontier or b in frontier):
                    v = seen[(a, b)] = scorer.score(ents[a], ents[b])
                    if v is not None and v.merge:
                        grown |= {a, b} - active
        active |= grown
        frontier = grown
    return {p: v for p, v in seen.items() if v is not None}, active


def _clusters(ents: dict[str, _Ent], verdicts: dict[tuple[str, str], _Verdict], active: set[str]
              ) -> tuple[list[list[_Ent]], dict[str, tuple[float, str]]]:
    """Apply merges strongest first, refusing any that makes a cluster inconsistent."""
    parent = {i: i for i in active}
    members = {i: [ents[i]] for i in active}
    evidence: dict[str, tuple[float, str]] = {}

    def find(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for (a, b), v in sorted(((p, v) for p, v in verdicts.items() if v.merge), key=lambda x: (-x[1].score, x[0])):
        ra, rb = sorted((find(a), find(b)))
        if ra == rb or not _consistent(members[ra] + members[rb]):
            continue
        parent[rb] = ra
        members[ra] += members.pop(rb)
        for x in (a, b):
            if x not in evidence or evidence[x][0] < v.score:
                evidence[x] = (v.score, v.evidence)
    return list(members.values()), evidence


def resolve_entities(rows: list[dict[str, Any]], new_docs: set[str] | None = None
                     ) -> tuple[list[EntityLink], list[RelationRecord]]:
    """Entity merges (``EntityLink``, merged → canonical) and uncertain ``same_entity`` relations.

    Args:
        rows: contract rows (``iter_rows(ledger, resolve=False)``); entity and mention rows are used.
        new_docs: ids of newly added documents. Only clusters reachable from entities mentioned in
            them (and their blocking neighbours) are computed; every member of such a cluster gets its
            link again, so the caller can upsert them over the stored ones. None rebuilds everything.

    Returns:
        Links sorted by entity id (no chains: every canonical is itself unmerged), and relations
        (score < 0.5) between different clusters, sorted.
    """
    rows = list(rows)
    ents = _build(rows)
    blocks = _blocks(ents)
    if new_docs is None:
        active = set(ents)
    else:
        touched = {e.id for e in ents.values() if e.docs & new_docs}
        active = touched | {j for k, ids in blocks.items() if touched.intersection(ids) for j in ids}
    countries_of = document_countries(rows, {e.id: e.country for e in ents.values() if e.country})
    verdicts, active = _score(ents, blocks, active, countries_of)
    groups, evidence = _clusters(ents, verdicts, active)
    canon: dict[str, str] = {}
    links: list[EntityLink] = []
    for group in groups:
        keep = min(group, key=_canon_key).id
        for m in group:
            canon[m.id] = keep
            if m.id != keep:
                links.append(EntityLink(m.id, keep, *evidence[m.id]))
    best: dict[tuple[str, str], _Verdict] = {}
    for (a, b), v in verdicts.items():
        ca, cb = sorted((canon.get(a, a), canon.get(b, b)))
        if not v.merge and ca != cb and ((ca, cb) not in best or best[(ca, cb)].score < v.score):
            best[(ca, cb)] = v
    relations = [RelationRecord("same_entity", a, b, min(v.score, 0.49), v.evidence)
                 for (a, b), v in sorted(best.items())]
    return sorted(links, key=lambda link: link.entity), relations

"""Incidents: which documents, claims and figures report the same event.

An incident is an ``EVENT`` entity with a type (air strike, shelling, massacre…), its most
specific place, a date or date window and the parties involved. Each document has one main
incident anchor (its places and dates in sentences that report an event) and one anchor per
passing mention of an older event (a sentence dated long before the document's own event).
Anchors are grouped by blocking on place-name keys and joined only when their date windows
are compatible, never by comparing all pairs. Items are assigned to the anchor of their
sentence. The result depends only on the rows, never on the order documents arrived in, so an
incremental link and a full ``relink`` give the same incidents.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from counterclaim.link.corpus import INCIDENT_PREFIX, TEXT_CACHE, Corpus, countries, data, gazetteer, phrase_pattern
from counterclaim.resources import slug

SLACK_DAYS = 14  # two day-precise dates this far apart may be one event (reports lag, nights span two days)
PASSING_DAYS = 90  # a dated event this long before the document's own event is a passing mention
CASUALTY = ("killed", "injured", "casualties", "missing", "detained", "hostage", "displaced", "destroyed")
_PERIOD = re.compile(r"\b(?:since|from|until|till)\s+(?:the\s+)?(?:\w+\s+)?$", re.IGNORECASE)
_SENT = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")


@dataclass(frozen=True)
class Day:
    """A date as precise as the text gives it (year and day may be unknown)."""

    year: int | None
    month: int
    day: int | None

    def iso(self) -> str:
        y = f"{self.year:04d}" if self.year else "????"
        return f"{y}-{self.month:02d}" + (f"-{self.day:02d}" if self.day else "")

    def ordinal(self) -> int | None:
        """Days since year 1; a day past the month's end (29 February given a common year) counts as its last."""
        if not self.year:
            return None
        last = calendar.monthrange(self.year, self.month)[1]
        return dt.date(self.year, self.month, min(self.day or 15, last)).toordinal()


def _real(year: int | None, month: int, day: int | None) -> bool:
    """A day the month has ('30 February' and '31 April' are not dates; 29 February is, when no year says not)."""
    return day is None or 1 <= day <= calendar.monthrange(year or 2000, month)[1]


@dataclass
class Incident:
    """An ``EVENT`` entity grouping the items of several documents."""

    id: str
    name: str
    type: str
    place: str | None
    date: str | None
    window: tuple[str, str] | None
    parties: list[str]
    docs: list[str]
    claims: list[str]
    quantities: list[str]
    evidence: str
    passing: bool = False

    def attrs(self) -> dict[str, Any]:
        """The fields an ``EVENT`` entity line carries beyond id, name and type."""
        return {"incident_type": self.type, "place": self.place, "date": self.date,
                "date_window": list(self.window) if self.window else None, "parties": self.parties,
                "documents": self.docs, "claims": self.claims, "quantities": self.quantities,
                "passing_mention": self.passing, "evidence": self.evidence}


@dataclass
class _Anchor:
    key: str  # doc id + '#main' or '#p<offset>'
    doc: str
    places: dict[str, int] = field(default_factory=dict)  # place entity -> mentions in event sentences
    days: list[Day] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)  # sentences owned (passing anchors)
    types: Counter[str] = field(default_factory=Counter)
    passing: bool = False


@cache
def _month_re() -> re.Pattern[str]:
    months = "|".join(sorted(data()["months"], key=len, reverse=True))
    return re.compile(
        rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{months})\.?(?:,?\s+(?P<y1>(?:19|20)\d\d))?"
        rf"|(?P<m2>{months})\.?\s+(?:(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y2>(?:19|20)\d\d))?"
        rf"|(?P<y3>(?:19|20)\d\d)\b))", re.IGNORECASE)


_ISO = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b|\b(\d\d)\.(\d\d)\.((?:19|20)\d\d)\b")


def dates_in(text: str) -> list[tuple[int, int, Day]]:
    """Dates written in ``text`` with their offsets: '14 February 2019', 'Aug. 29, 2021', 'March 2022'."""
    return list(_dates_in(text))


@lru_cache(maxsize=TEXT_CACHE)
def _dates_in(text: str) -> tuple[tuple[int, int, Day], ...]:
    months = data()["months"]
    out = []
    for m in _month_re().finditer(text):
        g = m.groupdict()
        month = months[(g["m1"] or g["m2"]).lower()]
        day = int(g["d1"] or g["d2"]) if (g["d1"] or g["d2"]) else None
        year = g["y1"] or g["y2"] or g["y3"]
        if not _real(int(year) if year else None, month, day):
            continue
        out.append((m.start(), m.end(), Day(int(year) if year else None, month, day)))
    for m in _ISO.finditer(text):
        y, mo, d = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(6), m.group(5), m.group(4))
        if 1 <= int(mo) <= 12 and _real(int(y), int(mo), int(d)):
            out.append((m.start(), m.end(), Day(int(y), int(mo), int(d))))
    return tuple(sorted(out, key=lambda x: x[0]))


def _resolve(day: Day, ref: Day | None) -> Day:
    """Give a year-less date the year of the document's date (the year before if it would be later)."""
    if day.year or ref is None or ref.year is None:
        return day
    later = (day.month, day.day or 1) > (ref.month, ref.day or 31)
    return Day(ref.year - 1 if later else ref.year, day.month, day.day)


def _doc_day(doc: dict[str, Any]) -> Day | None:
    """The document's own date: ``published``, else the first full date near the top of its text."""
    pub = doc.get("published")
    if pub and re.fullmatch(r"\d{4}-\d\d-\d\d", pub[:10]) and 1 <= int(pub[5:7]) <= 12 \
            and _real(int(pub[:4]), int(pub[5:7]), int(pub[8:10])):
        return Day(int(pub[:4]), int(pub[5:7]), int(pub[8:10]))
    for _s, _e, d in dates_in(doc.get("text", "")[:400]):
        if d.year and d.day:
            return d
    return None


@cache
def _type_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((t, phrase_pattern(forms)) for t, forms in data()["event_types"].items())


def event_types(text: str) -> list[str]:
    """Incident types named in ``text`` (data order: the more specific first)."""
    return list(_event_types(text))


@lru_cache(maxsize=TEXT_CACHE)
def _event_types(text: str) -> tuple[str, ...]:
    return tuple(t for t, pat in _type_patterns() if pat.search(text))


@cache
def _place_cue() -> re.Pattern[str]:
    return re.compile(r"(?:^|\W)(?:" + "|".join(re.escape(c) for c in sorted(data()["place_cues"], key=len,
                                                                            reverse=True)) + r")\s+(?:the\s+)?$",
                      re.IGNORECASE)


@cache
def _generic() -> frozenset[str]:
    return frozenset(data()["place_generic_words"])


@cache
def _containers() -> frozenset[str]:
    """Gazetteer places that other places are part of (regions, provinces)."""
    return frozenset(r["part_of"] for r in gazetteer().values() if r.get("part_of"))


def place_keys(name: str) -> set[str]:
    """Blocking keys of a place name: its distinctive words ('Ngarbuh-Ntumbaw' -> ngarbuh, ntumbaw)."""
    return {w for w in slug(name).split("-") if len(w) >= 4 and w not in _generic() and not w.isdigit()}


def is_place(corpus: Corpus, eid: str, text: str, start: int, end: int) -> bool:
    """A mention names a place: typed so (not a country), or written as one ('in Ngarbuh', 'Parakhe village')."""
    if eid in countries() or corpus.etype(eid) in ("NORP", "LAW", "WORK"):
        return False
    if corpus.specific([eid]):
        return True
    gaz = gazetteer().get(eid)
    if gaz is not None or len(corpus.name(eid).split()) > 2:
        return False  # a known organisation or person, or a long name: not a village written loosely
    after = re.match(r"\s+(\w+)", text[end:end + 20])
    return bool(_place_cue().search(text[max(0, start - 25):start])
                or (after and after.group(1).lower() in _generic()))


def _sentences(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _SENT.finditer(text) if m.group(0).strip()]


def _anchors(corpus: Corpus, doc_id: str, qtys: list[Any]) -> tuple[list[_Anchor], Day | None]:
    """The document's main anchor and one anchor per passing mention of an older dated event."""
    doc = corpus.docs[doc_id]
    text = doc.get("text", "")
    ref = _doc_day(doc)
    casualty = [(q.row["start"], q.row["end"]) for q in qtys if q.row.get("category") in CASUALTY]
    mentions = sorted(corpus.mentions.get(doc_id, ()))
    main = _Anchor(doc_id + "#main", doc_id)
    passing: list[_Anchor] = []
    inside = [(a, b) for a, b, m in mentions if not m.startswith(("DATE", "EVENT"))]
    # Bisection keeps this linear in the document's length (a 2 MB report has 100,000 mentions
    # and 15,000 sentences: scanning all mentions per sentence took hours).
    inside_starts = [a for a, _b in inside]
    widest = max((b - a for a, b in inside), default=0)
    hurt = sorted(a for a, _b in casualty)

    def within_name(a: int, b: int) -> bool:  # 'March 23 Movement': a date inside a name
        lo, hi = bisect_left(inside_starts, a - widest), bisect_right(inside_starts, a)
        return any(b <= y for _x, y in inside[lo:hi])

    for s, e in _sentences(text):
        sent = text[s:e]
        types = event_types(sent)
        eventful = bool(types) or bisect_left(hurt, s) < bisect_left(hurt, e)
        days = [_resolve(d, ref) for a, b, d in dates_in(sent)
                if not within_name(s + a, s + b)
                and not _PERIOD.search(sent[max(0, a - 12):a])]  # 'since October 2017' starts a period
        places = [m for a, b, m in corpus.mentions_from(doc_id, s, e) if is_place(corpus, m, text, a, b)]
        old = [d for d in days if _old(d, ref)]
        if eventful and old and len(old) == len(days):
            p = _Anchor(f"{doc_id}#p{s}", doc_id, dict(Counter(places)), old, [(s, e)], Counter(types), True)
            passing.append(p)
            continue
        main.days.extend(d for d in days if not _old(d, ref))
        main.types.update(types)
        for m in places:
            main.places[m] = main.places.get(m, 0) + (3 if eventful else 1)
    if not main.days and ref is not None:
        main.days = [ref]
    _drop_containers(main)
    return [main, *passing], ref


def _old(day: Day, ref: Day | None) -> bool:
    if ref is None or ref.year is None:
        return False
    if day.year is not None and day.year < ref.year - 1:
        return True
    o, r = day.ordinal(), ref.ordinal()
    return o is not None and r is not None and r - o > PASSING_DAYS


def _drop_containers(a: _Anchor) -> None:
    """Keep the most specific places: a province is dropped when a district of it is named."""
    parents: set[str] = set()
    for p in a.places:
        cur, seen = gazetteer().get(p, {}).get("part_of"), 0
        while cur and seen < 6:
            parents.add(cur)
            cur, seen = gazetteer().get(cur, {}).get("part_of"), seen + 1
    if set(a.places) - parents:
        a.places = {p: n for p, n in a.places.items() if p not in parents}


Window = tuple[Day, Day] | None  # the first and last day an anchor names


def _window(days: list[Day]) -> Window:
    if not days:
        return None
    key = (lambda d: (d.year or 0, d.month, d.day or 0))
    return min(days, key=key), max(days, key=key)


def compatible(a: list[Day], b: list[Day]) -> bool:
    """Whether two date windows may be the same event (unknown dates are compatible with anything)."""
    return _windows_fit(_window(a), _window(b))


@lru_cache(maxsize=65536)
def _windows_fit(wa: Window, wb: Window) -> bool:
    """:func:`compatible` on two windows (cached: copies of a story share their windows)."""
    if wa is None or wb is None:
        return True
    if all(d.year for d in (*wa, *wb)):
        (sa, ea), (sb, eb) = [(x.ordinal() or 0, y.ordinal() or 0) for x, y in (wa, wb)]
        slack = SLACK_DAYS if all(d.day for d in (*wa, *wb)) else 31
        return sa - slack <= eb and sb - slack <= ea
    # a year is missing: compare month and day only
    def doy(d: Day) -> int:
        return (d.month - 1) * 31 + (d.day or 15)
    slack = SLACK_DAYS if all(d.day for d in (*wa, *wb)) else 31
    return doy(wa[0]) - slack <= doy(wb[1]) and doy(wb[0]) - slack <= doy(wa[1])



class _Latest:
    """The latest members (anchor indexes) of one group of one window in a place block.

    ``first`` is the latest member and ``other`` the latest whose document differs from
    ``first``'s: enough to answer "the latest member not in document d" for any d.
    """

    __slots__ = ("first", "first_doc", "other")

    def __init__(self, index: int, doc: str) -> None:
        self.first, self.first_doc, self.other = index, doc, -1

    def add(self, index: int, doc: str) -> None:
        """Fold in a member (merging two groups folds in the other's ``first`` and ``other``)."""
        if index > self.first:
            if doc != self.first_doc:
                self.other = self.first
            self.first, self.first_doc = index, doc
        elif doc != self.first_doc and index > self.other:
            self.other = index

    def latest_not_in(self, doc: str) -> int:
        return self.first if self.first_doc != doc else self.other


def _cluster(corpus: Corpus, anchors: list[_Anchor]) -> list[list[_Anchor]]:
    """Union of anchors sharing a place key with compatible dates (blocked on place keys).

    In each block, in order, an anchor joins the group of the latest earlier member that is
    in another group and another document and whose dates fit. Members are kept by date
    window and by group (the latest two of each), so a block of thousands of copies costs
    its number of distinct windows per anchor, not its size.
    """
    parent = list(range(len(anchors)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    windows = [_window(a.days) for a in anchors]
    docs = [a.doc for a in anchors]
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, a in enumerate(anchors):
        for p in a.places:
            for k in place_keys(corpus.name(p)):
                blocks[k].append(i)
    for _key, ids in sorted(blocks.items()):
        # the block's earlier members: window -> group root (as last seen) -> its latest members
        seen: dict[Window, dict[int, _Latest]] = {}
        for i in ids:
            root, doc, best = find(i), docs[i], -1
            for window, groups in seen.items():
                if not _windows_fit(windows[i], window):
                    continue
                _regroup(groups, find, docs)
                for group, latest in groups.items():
                    if group != root:
                        best = max(best, latest.latest_not_in(doc))
            if best >= 0:
                parent[root] = find(best)
                root = find(i)
            groups = seen.setdefault(windows[i], {})
            if root in groups:
                groups[root].add(i, doc)
            else:
                groups[root] = _Latest(i, doc)
    groups_of: dict[int, list[_Anchor]] = defaultdict(list)
    for i, a in enumerate(anchors):
        groups_of[find(i)].append(a)
    return list(groups_of.values())


def _regroup(groups: dict[int, _Latest], find: Callable[[int], int], docs: list[str]) -> None:
    """Re-key ``groups`` by their current roots, folding together groups that have merged since."""
    if all(find(g) == g for g in groups):
        return
    merged: dict[int, _Latest] = {}
    for g, latest in groups.items():
        r = find(g)
        if r not in merged:
            merged[r] = latest
            continue
        into = merged[r]
        for index in (latest.first, latest.other):
            if index >= 0:
                into.add(index, docs[index])
    groups.clear()
    groups.update(merged)


def build_incidents(corpus: Corpus) -> tuple[list[Incident], dict[str, str]]:
    """Incidents of the whole corpus and the incident of each document, claim and quantity.

    Returns:
        Incidents sorted by id, and ``item id -> incident id`` for claims and quantities (a
        document maps to its main incident).
    """
    anchors = document_anchors(corpus)
    incidents, owner = cluster_incidents(corpus, anchors)
    assign = assign_items(corpus, anchors, owner)
    members: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"claims": [], "quantities": []})
    for cl in corpus.claims.values():
        members[assign[cl.id]]["claims"].append(cl.id)
    for q in corpus.qtys:
        members[assign[q.row["id"]]]["quantities"].append(q.row["id"])
    for inc in incidents:
        inc.claims = sorted(members[inc.id]["claims"])
        inc.quantities = sorted(members[inc.id]["quantities"])
        inc.parties = incident_parties(corpus, inc)
    return incidents, assign


def document_anchors(corpus: Corpus) -> list[_Anchor]:
    """The anchors of every document of ``corpus`` (each document's main one first).

    A document's anchors depend only on its own rows and the entity rows, so any set of
    documents may be anchored apart (on a Spark executor) and the anchors clustered together.
    """
    qtys_of: dict[str, list[Any]] = defaultdict(list)
    for q in corpus.qtys:
        qtys_of[q.doc].append(q)
    return [a for doc_id in sorted(corpus.docs) for a in _anchors(corpus, doc_id, qtys_of[doc_id])[0]]


def cluster_incidents(corpus: Corpus, anchors: list[_Anchor]) -> tuple[list[Incident], dict[str, str]]:
    """Incidents (without claims, quantities, parties) sorted by id, and ``anchor key -> incident id``.

    Only the anchors and the entity rows (names of places) are read.
    """
    incidents: list[Incident] = []
    owner: dict[str, str] = {}
    used: set[str] = set()
    groups = sorted(_cluster(corpus, anchors), key=lambda g: min(a.key for a in g))
    for group in groups:
        inc = _incident(corpus, group, used)
        incidents.append(inc)
        for a in group:
            owner[a.key] = inc.id
    return sorted(incidents, key=lambda i: i.id), owner


def assign_items(corpus: Corpus, anchors: list[_Anchor], owner: dict[str, str]) -> dict[str, str]:
    """``item id -> incident id`` for the claims and quantities of the documents of ``anchors`` (and the
    documents themselves: their main incident)."""
    by_doc: dict[str, list[_Anchor]] = defaultdict(list)
    for a in anchors:
        by_doc[a.doc].append(a)
    assign: dict[str, str] = {}
    for cl in corpus.claims.values():
        if cl.doc in by_doc:
            assign[cl.id] = owner[_anchor_of(by_doc[cl.doc], cl.start).key]
    for q in corpus.qtys:
        if q.doc in by_doc:
            assign[q.row["id"]] = owner[_anchor_of(by_doc[q.doc], q.row["start"]).key]
    for doc_id, items in by_doc.items():
        assign[doc_id] = owner[items[0].key]
    return assign


def _anchor_of(anchors: list[_Anchor], offset: int) -> _Anchor:
    for a in anchors[1:]:
        if any(s <= offset < e for s, e in a.spans):
            return a
    return anchors[0]


def _incident(corpus: Corpus, group: list[_Anchor], used: set[str]) -> Incident:
    places: Counter[str] = Counter()
    types: Counter[str] = Counter()
    days: list[Day] = []
    for a in group:
        places.update(a.places)
        types.update(a.types)
        days.extend(a.days)
    spread: Counter[str] = Counter()  # documents naming each place key
    for a in group:
        for k in {k for p in a.places for k in place_keys(corpus.name(p))}:
            spread[k] += 1

    def rank(p: str) -> tuple[int, int, bool]:
        return max((spread[k] for k in place_keys(corpus.name(p))), default=0), places[p], p not in _containers()
    place = max(sorted(places), key=rank) if places else None
    order = list(data()["event_types"])
    kind = min(types, key=lambda t: (order.index(t), -types[t])) if types else "event"
    win = _window([d for d in days if d.year] or days)
    date = win[0].iso() if win else None
    docs = sorted({a.doc for a in group})
    pname = corpus.name(place) if place else None
    base = slug(" ".join(x for x in (pname or f"document {docs[0][:8]}", date or "undated") if x))
    iid, n = f"{INCIDENT_PREFIX}{base}", 2
    while iid in used:
        iid, n = f"{INCIDENT_PREFIX}{base}-{n}", n + 1
    used.add(iid)
    name = f"{kind} in {pname}" if pname else kind
    if date:
        name += f", {date.replace('????-', '')}"
    shared = sorted(k for p in places for k in place_keys(corpus.name(p)))
    why = (f"incident: {len(docs)} document(s) sharing place keys {', '.join(sorted(set(shared))[:5]) or 'none'}"
           f"; type {kind!r} from cue words; date window "
           + (f"{win[0].iso()}..{win[1].iso()}" if win else "unknown")
           + ("; a passing mention of an older event" if all(a.passing for a in group) else ""))
    return Incident(iid, name, kind, place, date, (win[0].iso(), win[1].iso()) if win else None, [], docs, [], [],
                    why, all(a.passing for a in group))


def incident_parties(corpus: Corpus, inc: Incident) -> list[str]:
    """Who speaks about the incident and who is accused in it (asserters first, most claims first)."""
    count: Counter[str] = Counter()
    for cid in inc.claims:
        cl = corpus.claims[cid]
        if cl.asserter:
            count[cl.asserter] += 2
        if cl.claim_type in ("accusation", "denial", "figure"):
            for e in cl.about[:1]:
                if corpus.etype(e) in ("PERSON", "ORG", "GPE", "NORP") and not corpus.specific([e]):
                    count[e] += 1
    for d in inc.docs:
        if a := corpus.doc_asserter(d):
            count[a] += 2
    return [e for e, _n in sorted(count.items(), key=lambda x: (-x[1], x[0]))[:8]]

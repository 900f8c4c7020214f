"""Incidents: dates and place keys from the text, blocking on place and time, passing mentions."""

from __future__ import annotations

import random

import pytest

from counterclaim.link.corpus import Corpus
from counterclaim.link.incidents import (Day, _Anchor, _cluster, _Latest, _regroup, build_incidents, compatible,
                                         dates_in, event_types, place_keys)


@pytest.mark.parametrize("text, expected", [
    ("On 14 February 2019, a suicide attack was conducted.", [Day(2019, 2, 14)]),
    ("Statement | Aug. 29, 2021", [Day(2021, 8, 29)]),
    ("the strike on November 29 in the village", [Day(None, 11, 29)]),
    ("during an operation in March 2022 in central Mali", [Day(2022, 3, None)]),
    ("Türkiye Cumhuriyeti 20.07.2022", [Day(2022, 7, 20)]),
    ("Published 2024-01-05 by the ministry", [Day(2024, 1, 5)]),
    ("the shelling of 29 February 2024 and of 30 February 2024", [Day(2024, 2, 29)]),
    ("on 31 April the convoy and on 2023-02-29 the camp", []),
    ("on 29 February the convoy", [Day(None, 2, 29)]),
])
def test_dates_in(text, expected):
    assert [d for _s, _e, d in dates_in(text)] == expected


def test_a_29_february_given_a_common_year_counts_as_its_last_day():
    """A year-less '29 February' in a document of 2023 takes that year; it must not stop the linker."""
    assert Day(2023, 2, 29).ordinal() == Day(2023, 2, 28).ordinal()


@pytest.mark.parametrize("name, expected", [
    ("Ngarbuh-Ntumbaw", {"ngarbuh", "ntumbaw"}),
    ("Zakho district", {"zakho"}),
    ("North-West Region", set()),
    ("Ngarbuh 3", {"ngarbuh"}),
])
def test_place_keys(name, expected):
    assert place_keys(name) == expected


@pytest.mark.parametrize("a, b, expected", [
    ([Day(2021, 8, 29)], [Day(2021, 8, 31)], True),             # a report two days later
    ([Day(2021, 8, 29)], [Day(2021, 11, 3)], False),            # two months apart: another event
    ([Day(None, 2, 14)], [Day(2020, 2, 13), Day(2020, 2, 25)], True),  # no year: month and day only
    ([Day(2022, 3, None)], [Day(2022, 3, 27)], True),           # a month contains its days
    ([], [Day(2022, 3, 27)], True),                             # undated is compatible with anything
])
def test_compatible(a, b, expected):
    assert compatible(a, b) is expected


@pytest.mark.parametrize("text, expected", [
    ("A drone strike on a car in the city killed ten people.", "air strike"),
    ("Artillery fire on the village killed nine tourists.", "shelling"),
    ("Soldiers carried out the slaughter of 21 villagers.", "massacre"),
])
def test_event_types(text, expected):
    assert event_types(text)[0] == expected


def _rows(docs: list[tuple[str, str, dict[str, str]]]) -> list[dict]:
    """Documents (published date, text, {entity id: name}) with one claim per sentence."""
    rows: list[dict] = []
    for n, (published, text, ents) in enumerate(docs):
        doc = f"d{n}"
        rows.append({"kind": "document", "id": doc, "text": text, "published": published, "asserter": None,
                     "doc_type": "statement", "title": text[:30], "outlet": None})
        for eid, name in ents.items():
            rows.append({"kind": "entity", "id": eid, "name": name, "type": eid.split(":")[0], "aliases": [name]})
            start = 0
            while (at := text.find(name, start)) >= 0:
                rows.append({"kind": "mention", "doc": doc, "start": at, "end": at + len(name), "text": name,
                             "entity": eid})
                start = at + len(name)
        rows.append({"kind": "claim", "id": f"{doc}:c0", "doc": doc, "start": 0, "end": len(text), "text": text,
                     "asserter": None, "polarity": "affirm", "claim_type": "event", "about": []})
    return rows


VILLAGE = {"GPE:el-salado": "El Salado"}
OTHER = {"GPE:mapiripan": "Mapiripán"}


def test_reports_of_one_place_and_week_form_one_incident_and_others_stay_apart():
    rows = _rows([
        ("2000-02-19", "Paramilitaries killed villagers in El Salado on 16 February 2000.", VILLAGE),
        ("2000-02-22", "The massacre in El Salado left dozens dead, the ombudsman said.", VILLAGE),
        ("2000-09-30", "Another attack in El Salado killed two farmers on 28 September 2000.", VILLAGE),
        ("2000-02-20", "An attack in Mapiripán killed five people on 17 February 2000.", OTHER),
    ])
    incidents, assign = build_incidents(Corpus(rows, {}))
    assert assign["d0"] == assign["d1"]
    assert len({assign["d0"], assign["d2"], assign["d3"]}) == 3
    first = next(i for i in incidents if i.id == assign["d0"])
    assert first.place == "GPE:el-salado" and first.type == "massacre" and first.date == "2000-02-16"
    assert first.docs == ["d0", "d1"] and "el-salado" in first.id


def test_a_passing_mention_of_an_old_event_is_its_own_incident():
    rows = _rows([("2019-02-26", "India struck a camp in Balakot today. In December 2001 a terror attack hit "
                                 "the Indian Parliament in Delhi.", {"GPE:balakot": "Balakot", "GPE:delhi": "Delhi"})])
    rows.append({"kind": "quantity", "id": "d0:q0", "doc": "d0", "start": 60, "end": 62, "text": "01",
                 "value": 1, "category": "other"})
    incidents, _assign = build_incidents(Corpus(rows, {}))
    assert [i.passing for i in incidents] == [False, True] or [i.passing for i in incidents] == [True, False]
    old = next(i for i in incidents if i.passing)
    assert old.place == "GPE:delhi" and old.date == "2001-12"


def _pairwise_cluster(corpus: Corpus, anchors: list[_Anchor]) -> list[list[str]]:
    """The specification of the clustering, scanned pair by pair: in each place block, in order, an
    anchor joins the latest earlier member in another group and another document whose dates fit."""
    parent = list(range(len(anchors)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    blocks: dict[str, list[int]] = {}
    for i, a in enumerate(anchors):
        for p in a.places:
            for k in place_keys(corpus.name(p)):
                blocks.setdefault(k, []).append(i)
    for _key, ids in sorted(blocks.items()):
        for n, i in enumerate(ids):
            for j in reversed(ids[:n]):
                if find(i) != find(j) and anchors[i].doc != anchors[j].doc and compatible(anchors[i].days,
                                                                                         anchors[j].days):
                    parent[find(i)] = find(j)
                    break
    groups: dict[int, list[str]] = {}
    for i, a in enumerate(anchors):
        groups.setdefault(find(i), []).append(a.key)
    return list(groups.values())


def test_clustering_by_window_and_group_gives_what_the_pairwise_scan_gives():
    """Blocks of copies (the same story in many documents, a few dates, shared places) cluster as the
    pair-by-pair scan does, without its cost in the block's size: 80 random corpora."""
    places = {"GPE:el-salado": "El Salado", "GPE:mapiripan": "Mapiripán", "GPE:el-salado-norte": "El Salado Norte"}
    corpus = Corpus(_rows([("2000-02-19", "El Salado, Mapiripán and El Salado Norte.", places)]), {})
    days = [[], [Day(2000, 2, 16)], [Day(2000, 2, 20)], [Day(2000, 9, 28)], [Day(None, 2, 17)],
            [Day(2000, 3, None)], [Day(2000, 2, 10), Day(2000, 3, 1)]]
    for seed in range(80):
        rng = random.Random(seed)
        n_docs = (2, 3, 8, 60)[seed % 4]  # few documents: many candidates share the anchor's own document
        anchors = [_Anchor(key=f"a{n}", doc=f"d{rng.randrange(n_docs)}",
                           places={p: 1 for p in rng.sample(sorted(places), rng.randint(1, 2))},
                           days=list(rng.choice(days)))
                   for n in range(rng.randint(20, 200))]
        got = [[a.key for a in g] for g in _cluster(corpus, anchors)]
        assert got == _pairwise_cluster(corpus, anchors), seed


def test_a_groups_latest_members_answer_for_any_document_whatever_the_order_they_come_in():
    """The summary of a group (its latest member, and its latest in another document) gives the
    latest member outside any document, also when older members come in later and when two
    groups of one window have merged (``_regroup``)."""
    rng = random.Random(3)
    doc_of = [f"d{rng.randrange(3)}" for _ in range(50)]

    def summary(indexes: list[int]) -> _Latest:
        latest = _Latest(indexes[0], doc_of[indexes[0]])
        for index in indexes[1:]:
            latest.add(index, doc_of[index])
        return latest

    for _ in range(300):
        members = [rng.randrange(50) for _ in range(rng.randint(2, 9))]
        cut = rng.randint(1, len(members) - 1)
        alone = summary(members)
        groups = {7: summary(members[:cut]), 9: summary(members[cut:])}
        _regroup(groups, lambda g: 9, doc_of)  # group 7 has joined group 9
        assert list(groups) == [9]
        for doc in ("d0", "d1", "d2"):
            expected = max((i for i in members if doc_of[i] != doc), default=-1)
            assert alone.latest_not_in(doc) == expected and groups[9].latest_not_in(doc) == expected

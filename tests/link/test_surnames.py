"""A surname named alone joins the one person of that surname named in full in the same incident."""

from __future__ import annotations

from typing import Any

import pytest

from counterclaim.link.surnames import join_surnames
from counterclaim.records import EntityLink, RelationRecord


def _rows(persons: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Entity rows for ``{name: documents}`` and one mention per document."""
    rows: list[dict[str, Any]] = []
    for name, docs in persons.items():
        eid = "PERSON:" + name.lower().replace(" ", "-")
        rows.append({"kind": "entity", "id": eid, "name": name, "type": "PERSON", "aliases": [], "roles": []})
        rows += [{"kind": "mention", "entity": eid, "doc": d, "mention_kind": "name"} for d in docs]
    return rows


GAZA = {"a": "EVENT:incident-tel-al-hawa", "b": "EVENT:incident-tel-al-hawa", "c": "EVENT:incident-rafah"}


@pytest.mark.parametrize("persons, joined", [
    pytest.param({"Hind Rajab": ["a"], "Rajab": ["b"]}, {"PERSON:rajab": "PERSON:hind-rajab"},
                 id="surname-in-another-report-of-the-incident"),
    pytest.param({"Hind Rajab": ["a"], "Rajab": ["b"], "Wisam Rajab": ["c"]}, {"PERSON:rajab": "PERSON:hind-rajab"},
                 id="a-namesake-in-another-incident-does-not-matter"),
    pytest.param({"Hind Rajab": ["a"], "Rajab": ["b"], "Wisam Rajab": ["a"]}, {},
                 id="two-full-names-in-the-incident"),
    pytest.param({"Hind Rajab": ["a"], "Rajab": ["b", "c"]}, {}, id="surname-named-in-two-incidents"),
    pytest.param({"Hind Rajab": ["a", "b"], "Rajab": ["b"]}, {}, id="kept-apart-inside-one-document"),
    pytest.param({"Hind Rajab": ["c"], "Rajab": ["b"]}, {}, id="full-name-only-in-another-incident"),
])
def test_a_bare_surname_joins_its_incidents_only_full_name(persons, joined) -> None:
    links, _rels = join_surnames(_rows(persons), {}, [], [], GAZA)
    assert {lk.entity: lk.canonical for lk in links} == joined
    assert all(lk.score >= 0.5 and "tel-al-hawa" in lk.evidence for lk in links)


def test_links_to_a_joined_surname_move_to_the_full_name_and_its_weak_relation_goes() -> None:
    rows = _rows({"Hind Rajab": ["a"], "Rajab": ["b"], "Ms Rajab": ["b"]})
    old = [EntityLink("PERSON:ms-rajab", "PERSON:rajab", 0.9, "same person")]
    rels = [RelationRecord("same_entity", "PERSON:hind-rajab", "PERSON:rajab", 0.3, "surname only")]
    links, kept = join_surnames(rows, {"PERSON:ms-rajab": "PERSON:rajab"}, old, rels, GAZA)
    assert {lk.entity: lk.canonical for lk in links} == {"PERSON:ms-rajab": "PERSON:hind-rajab",
                                                          "PERSON:rajab": "PERSON:hind-rajab"}
    assert kept == []

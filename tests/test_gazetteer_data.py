"""Integrity checks for the bundled gazetteer data (standard library only).

Files: ``src/counterclaim/data/gazetteer.jsonl`` (one entity a line) and
``src/counterclaim/data/gazetteer_ambiguous.json`` (surface forms shared by several
entities, mapped to the candidate keys; an optional "about" string is ignored).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "src" / "counterclaim" / "data"
GAZ = DATA / "gazetteer.jsonl"
AMB = DATA / "gazetteer_ambiguous.json"

TYPES = {"GPE", "LOC", "ORG", "NORP"}
REQUIRED = {"key": str, "name": str, "type": str, "aliases": list}
OPTIONAL = {"note": str, "contested": bool, "ambiguous": bool, "of": str, "part_of": str, "iso3": str, "status": str}
STATUSES = {"un_member", "un_observer", "partially_recognised", "de_facto", "territory", "associated_state", "historical"}
COUNTRY_STATUSES = {"un_member", "un_observer", "partially_recognised"}


def _slug(text: str) -> str:
    # mirrors counterclaim.resources.slug
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"['\u2019]", "", text)
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _load_lines() -> list[tuple[int, str]]:
    text = GAZ.read_bytes().decode("utf-8")  # must be UTF-8
    return list(enumerate(text.splitlines(), 1))


def _load_entities() -> list[dict]:
    return [json.loads(line) for _, line in _load_lines()]


def _load_ambiguous() -> dict[str, list[str]]:
    data = json.loads(AMB.read_bytes().decode("utf-8"))
    assert isinstance(data, dict)
    return {k: v for k, v in data.items() if k != "about"}


ENTITIES = _load_entities()
BY_KEY = {e["key"]: e for e in ENTITIES}
SURFACES: dict[str, set[str]] = defaultdict(set)
for _e in ENTITIES:
    for _s in [_e["name"], *_e["aliases"]]:
        SURFACES[_s].add(_e["key"])
AMBIGUOUS = _load_ambiguous()


def test_every_line_is_json_with_required_fields():
    lines = _load_lines()
    assert lines, "gazetteer is empty"
    for n, line in lines:
        assert line.strip(), f"line {n} is blank"
        row = json.loads(line)
        assert isinstance(row, dict), f"line {n}: not an object"
        for field, kind in REQUIRED.items():
            assert field in row, f"line {n}: missing {field!r}"
            assert isinstance(row[field], kind), f"line {n}: {field!r} is not {kind.__name__}"
        for field, value in row.items():
            if field in REQUIRED:
                continue
            assert field in OPTIONAL, f"line {n}: unknown field {field!r}"
            assert isinstance(value, OPTIONAL[field]), f"line {n}: {field!r} has the wrong type"
        assert row["name"].strip() == row["name"] and row["name"], f"line {n}: bad name"
        for a in row["aliases"]:
            assert isinstance(a, str) and a and a.strip() == a, f"line {n}: bad alias {a!r}"


def test_types_allowed_and_key_prefix_matches():
    for e in ENTITIES:
        assert e["type"] in TYPES, e["key"]
        prefix, _, rest = e["key"].partition(":")
        assert prefix == e["type"], e["key"]
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rest), e["key"]


def test_key_is_slug_of_canonical_name():
    for e in ENTITIES:
        assert e["key"] == f"{e['type']}:{_slug(e['name'])}", (e["key"], e["name"])


def test_keys_unique_and_sorted():
    keys = [e["key"] for e in ENTITIES]
    dupes = [k for k, n in Counter(keys).items() if n > 1]
    assert not dupes, dupes
    assert keys == sorted(keys)


def test_no_surface_form_names_two_entities():
    clashes = {s: sorted(ks) for s, ks in SURFACES.items() if len(ks) > 1}
    assert not clashes, clashes


def test_aliases_not_repeated_within_entity():
    for e in ENTITIES:
        forms = [e["name"], *e["aliases"]]
        assert len(forms) == len(set(forms)), e["key"]


def test_no_alias_has_a_leading_article():
    for e in ENTITIES:
        for a in e["aliases"]:
            assert not a.lower().startswith("the "), (e["key"], a)


def test_links_point_to_existing_keys():
    for e in ENTITIES:
        for field in ("of", "part_of"):
            if field in e:
                assert e[field] in BY_KEY, (e["key"], field, e[field])
                assert e[field] != e["key"], e["key"]
        if "part_of" in e:
            assert BY_KEY[e["part_of"]]["type"] == "GPE", e["key"]
        if "of" in e:
            assert e["type"] == "NORP", e["key"]


def test_contested_entities_explain_themselves():
    for e in ENTITIES:
        if e.get("contested"):
            assert e.get("note"), f"{e['key']} is contested but has no note"
        assert e.get("contested", True) is True and e.get("ambiguous", True) is True, \
            f"{e['key']}: write flags only when true"


def test_country_fields():
    iso = [e["iso3"] for e in ENTITIES if "iso3" in e]
    assert len(iso) == len(set(iso)), "duplicate iso3"
    for e in ENTITIES:
        if "iso3" in e or "status" in e:
            assert e["type"] == "GPE", e["key"]
        if "iso3" in e:
            assert re.fullmatch(r"[A-Z]{3}", e["iso3"]), e["key"]
        if "status" in e:
            assert e["status"] in STATUSES, e["key"]


def test_country_counts():
    countries = [e for e in ENTITIES if e["type"] == "GPE" and e.get("status") in COUNTRY_STATUSES]
    assert len(countries) >= 190
    members = [e for e in ENTITIES if e.get("status") == "un_member"]
    assert len(members) == 193
    assert all("iso3" in e for e in members)
    assert sum(e["type"] == "ORG" for e in ENTITIES) >= 150


def test_every_un_member_has_a_demonym():
    has_demonym = {e["of"] for e in ENTITIES if e["type"] == "NORP" and "of" in e}
    missing = [e["key"] for e in ENTITIES if e.get("status") == "un_member" and e["key"] not in has_demonym]
    assert not missing, missing


def test_ambiguous_file():
    assert AMBIGUOUS
    for surface, keys in AMBIGUOUS.items():
        assert isinstance(keys, list) and len(keys) >= 2, surface
        assert len(set(keys)) == len(keys), surface
        for k in keys:
            assert k in BY_KEY, (surface, k)
        assert surface not in SURFACES, f"{surface!r} is ambiguous but also resolves to {SURFACES[surface]}"


@pytest.mark.parametrize(
    "surface, key",
    [
        ("Nagorno-Karabakh", "LOC:nagorno-karabakh"),
        ("Artsakh", "LOC:nagorno-karabakh"),
        ("Karabakh", "LOC:nagorno-karabakh"),
        ("Nagorno Karabakh", "LOC:nagorno-karabakh"),
        ("Karabakh Economic Region", "LOC:nagorno-karabakh"),
        ("Stepanakert", "GPE:stepanakert"),
        ("Khankendi", "GPE:stepanakert"),
        ("Shusha", "GPE:shusha"),
        ("Shushi", "GPE:shusha"),
        ("Lachin corridor", "LOC:lachin-corridor"),
        ("Lachin Corridor", "LOC:lachin-corridor"),
        ("Azerbaijan", "GPE:azerbaijan"),
        ("Republic of Azerbaijan", "GPE:azerbaijan"),
        ("Azeri", "NORP:azerbaijanis"),
        ("Azerbaijani", "NORP:azerbaijanis"),
        ("Republic of Armenia", "GPE:armenia"),
        ("ICC", "ORG:international-criminal-court"),
        ("International Criminal Court", "ORG:international-criminal-court"),
        ("ICJ", "ORG:international-court-of-justice"),
        ("World Court", "ORG:international-court-of-justice"),
        ("USA", "GPE:united-states"),
        ("United States", "GPE:united-states"),
        ("U.S.", "GPE:united-states"),
        ("US", "GPE:united-states"),
        ("United States of America", "GPE:united-states"),
        ("UK", "GPE:united-kingdom"),
        ("Britain", "GPE:united-kingdom"),
        ("Russian Federation", "GPE:russia"),
        ("Syrian Arab Republic", "GPE:syria"),
        ("Islamic Republic of Iran", "GPE:iran"),
        ("UN", "ORG:united-nations"),
        ("U.N.", "ORG:united-nations"),
        ("United Nations", "ORG:united-nations"),
        ("UNSC", "ORG:un-security-council"),
        ("Security Council", "ORG:un-security-council"),
        ("UN refugee agency", "ORG:unhcr"),
        ("UN human rights office", "ORG:office-of-the-un-high-commissioner-for-human-rights"),
        ("OHCHR", "ORG:office-of-the-un-high-commissioner-for-human-rights"),
        ("Burma", "GPE:myanmar"),
        ("Myanmar", "GPE:myanmar"),
        ("Kiev", "GPE:kyiv"),
        ("Kyiv", "GPE:kyiv"),
        ("Daesh", "ORG:islamic-state"),
        ("ISIS", "ORG:islamic-state"),
        ("ISIL", "ORG:islamic-state"),
        ("Houthis", "ORG:ansar-allah"),
        ("Ansar Allah", "ORG:ansar-allah"),
        ("Rapid Support Forces", "ORG:rapid-support-forces"),
        ("Reporters Without Borders", "ORG:reporters-without-borders"),
        ("Doctors Without Borders", "ORG:medecins-sans-frontieres"),
        ("MSF", "ORG:medecins-sans-frontieres"),
        ("Red Cross", "ORG:international-committee-of-the-red-cross"),
        ("OSCE", "ORG:osce"),
        ("Organisation for Security and Cooperation in Europe", "ORG:osce"),
        ("Organization of Islamic Cooperation", "ORG:organisation-of-islamic-cooperation"),
        ("Organisation of Islamic Cooperation", "ORG:organisation-of-islamic-cooperation"),
        ("Donbass", "LOC:donbas"),
        ("Donbas", "LOC:donbas"),
        ("Crimea", "GPE:crimea"),
        ("Côte d'Ivoire", "GPE:ivory-coast"),
        ("Ivory Coast", "GPE:ivory-coast"),
        ("Czechia", "GPE:czech-republic"),
        ("Türkiye", "GPE:turkey"),
        ("Turkey", "GPE:turkey"),
        ("Swaziland", "GPE:eswatini"),
        ("Macedonia", "GPE:north-macedonia"),
        ("DRC", "GPE:democratic-republic-of-the-congo"),
        ("DR Congo", "GPE:democratic-republic-of-the-congo"),
        ("Congo-Kinshasa", "GPE:democratic-republic-of-the-congo"),
        ("Congo-Brazzaville", "GPE:republic-of-the-congo"),
        ("Republic of the Congo", "GPE:republic-of-the-congo"),
        ("Gaza", "GPE:gaza-strip"),
        ("Gaza Strip", "GPE:gaza-strip"),
        ("Judea and Samaria", "GPE:west-bank"),
        ("Golan", "LOC:golan-heights"),
        ("Sahrawi Arab Democratic Republic", "GPE:western-sahara"),
        ("Republic of China", "GPE:taiwan"),
        ("Tskhinvali region", "GPE:south-ossetia"),
        ("Azad Kashmir", "GPE:azad-kashmir"),
        ("Azad Jammu and Kashmir", "GPE:azad-kashmir"),
        ("Jammu and Kashmir", "GPE:jammu-and-kashmir"),
        ("Kashmir", "LOC:kashmir"),
        ("Sahel", "LOC:sahel"),
        ("Zaporizhzhia", "GPE:zaporizhzhia"),
        ("Zaporizhzhia Oblast", "GPE:zaporizhzhia-oblast"),
        ("Hayat Tahrir al-Sham", "ORG:hayat-tahrir-al-sham"),
        ("HTS", "ORG:hayat-tahrir-al-sham"),
        ("Wagner Group", "ORG:wagner-group"),
        ("State Department", "ORG:us-state-department"),
        ("U.S. State Department", "ORG:us-state-department"),
        ("Palestinians", "NORP:palestinians"),
        ("Shiites", "NORP:shias"),
        ("Uighurs", "NORP:uyghurs"),
    ],
)
def test_spot_checks(surface, key):
    assert SURFACES.get(surface) == {key}, (surface, SURFACES.get(surface))


@pytest.mark.parametrize(
    "surface, keys",
    [
        ("RSF", {"ORG:rapid-support-forces", "ORG:reporters-without-borders"}),
        ("Congo", {"GPE:democratic-republic-of-the-congo", "GPE:republic-of-the-congo"}),
        ("Congolese", {"NORP:congolese-drc", "NORP:congolese-republic-of-the-congo"}),
        ("Korea", {"GPE:north-korea", "GPE:south-korea"}),
    ],
)
def test_ambiguous_spot_checks(surface, keys):
    assert keys <= set(AMBIGUOUS[surface])
    assert surface not in SURFACES


@pytest.mark.parametrize(
    "key", ["GPE:georgia", "GPE:jordan", "GPE:chad"],
)
def test_everyday_word_names_are_flagged(key):
    assert BY_KEY[key].get("ambiguous") is True


def test_demonym_links():
    assert BY_KEY["NORP:azerbaijanis"]["of"] == "GPE:azerbaijan"
    assert BY_KEY["NORP:armenians"]["of"] == "GPE:armenia"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Genève", "geneve"),
        ("Ombudsman’s Office", "ombudsmans-office"),
        ("Łódź", "lodz"),
        ("Владимир Путин", "владимир-путин"),
        ("محمد", "محمد"),
        ("São Tomé and Príncipe", "sao-tome-and-principe"),
    ],
)
def test_slug_folds_latin_and_keeps_other_scripts(name, expected):
    from counterclaim.resources import slug

    assert slug(name) == expected


def test_slug_keeps_long_names_short_and_distinct():
    from counterclaim.resources import SLUG_MAX, slug

    a, b = slug("Committee " * 40 + "A"), slug("Committee " * 40 + "B")
    assert len(a) <= SLUG_MAX and len(b) <= SLUG_MAX and a != b

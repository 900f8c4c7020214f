"""Cross-document entity resolution: merges that must happen, namesakes that must not."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest

from counterclaim.link.entities import compatible, norm, resolve_entities


def _rows(ents: list[tuple[str, str, list[str], list[str], list[str]]]) -> list[dict[str, Any]]:
    """(id, name, aliases, roles, docs) → entity rows plus one mention per document."""
    out: list[dict[str, Any]] = []
    for eid, name, aliases, roles, docs in ents:
        out.append({"kind": "entity", "id": eid, "name": name, "type": eid.split(":")[0],
                    "aliases": [name, *aliases], "roles": roles})
        kind = "role" if roles and name in roles else "name"
        for d in docs:
            out.append({"kind": "mention", "doc": d, "start": 0, "end": len(name), "text": name,
                        "entity": eid, "mention_kind": kind, "rule": "ner"})
    return out


def _applied(rows: list[dict[str, Any]], new_docs: set[str] | None = None) -> tuple[dict[str, str], dict]:
    links, rels = resolve_entities(rows, new_docs)
    return {lk.entity: lk.canonical for lk in links}, {(r.a, r.b): r.score for r in rels}


KABILA = [
    ("PERSON:joseph-kabila", "Joseph Kabila", [], ["former President of the Democratic Republic of the Congo"],
     ["d1"]),
    ("PERSON:kabila", "Kabila", ["President Kabila"], ["President"], ["d2"]),
    ("ORG:kabila-foundation", "Kabila Foundation", [], [], ["d3"]),
]
LAURENT = ("PERSON:laurent-desire-kabila", "Laurent-Désiré Kabila", [], ["President of Zaire"], ["d4"])


def test_bare_surname_with_shared_office_joins_the_only_full_name_never_the_foundation() -> None:
    canon, rels = _applied(_rows(KABILA))
    assert canon == {"PERSON:kabila": "PERSON:joseph-kabila"}
    assert not any("ORG:kabila-foundation" in pair for pair in rels)


def test_bare_surname_shared_by_two_full_names_is_not_merged() -> None:
    canon, rels = _applied(_rows([*KABILA, LAURENT]))
    assert canon == {}
    # both hold a presidency: weak relations only, below 0.5
    assert set(rels) == {("PERSON:joseph-kabila", "PERSON:kabila"), ("PERSON:kabila", "PERSON:laurent-desire-kabila")}
    assert all(s < 0.5 for s in rels.values())


@pytest.mark.parametrize(("short", "full", "same"), [
    ("J. M. Santos", "Juan Manuel Santos", True),
    ("J.M. Santos", "Juan Manuel Santos", True),
    ("Mr. Santos", "Juan Manuel Santos", True),
    ("Francisco Santos", "Juan Manuel Santos", False),
    ("M. Santos", "Juan Manuel Santos", True),
    ("Santos", "Juan Manuel Santos", True),
    ("Aliyev", "Sabina Aliyeva", False),
    ("Ilham Aliyev", "Heydar Aliyev", False),
])
def test_compatible_names(short: str, full: str, same: bool) -> None:
    assert compatible(short, full) is same


@pytest.mark.parametrize(("ents", "want_links", "want_rel"), [
    pytest.param([("PERSON:j-m-santos", "J. M. Santos", [], [], ["a"]),
                  ("PERSON:juan-manuel-santos", "Juan Manuel Santos", [], ["President of Colombia"], ["b"])],
                 {"PERSON:j-m-santos": "PERSON:juan-manuel-santos"}, set(), id="colombia-initials"),
    pytest.param([("PERSON:santos", "Santos", [], [], ["a"]),
                  ("PERSON:juan-manuel-santos", "Juan Manuel Santos", [], [], ["b"]),
                  ("PERSON:francisco-santos", "Francisco Santos", [], [], ["c"])],
                 {}, set(), id="colombia-ambiguous-surname-no-evidence"),
    pytest.param([("PERSON:santos", "Santos", [], [], ["a"]),
                  ("PERSON:juan-manuel-santos", "Juan Manuel Santos", [], [], ["b"])],
                 {}, {("PERSON:juan-manuel-santos", "PERSON:santos")}, id="colombia-surname-only-relation"),
    pytest.param([("PERSON:un-special-envoy-for-syria", "UN Special Envoy for Syria", [],
                   ["UN Special Envoy for Syria"], ["a"]),
                  ("PERSON:geir-pedersen", "Geir Pedersen", [], ["United Nations (UN) Special Envoy for Syria"],
                   ["b"])],
                 {"PERSON:un-special-envoy-for-syria": "PERSON:geir-pedersen"}, set(), id="syria-office"),
    pytest.param([("PERSON:un-secretary-general", "UN Secretary-General", [], ["UN Secretary-General"], ["a"]),
                  ("PERSON:agnes-callamard", "Agnès Callamard", [],
                   ["Secretary General of Amnesty International"], ["b"])],
                 {}, set(), id="office-of-another-body"),
    pytest.param([("PERSON:ombudsperson", "Ombudsperson", [], ["Ombudsperson"], ["a"]),
                  ("PERSON:sabina-aliyeva", "Sabina Aliyeva", [],
                   ["Commissioner for Human Rights (Ombudsman) of the Republic of Azerbaijan"], ["b"]),
                  ("PERSON:anahit-manasyan", "Anahit Manasyan", [], ["Human Rights Defender (Ombudsman) of Armenia"],
                   ["c"])],
                 {}, {("PERSON:ombudsperson", "PERSON:sabina-aliyeva"),
                      ("PERSON:anahit-manasyan", "PERSON:ombudsperson")}, id="karabakh-two-ombudsmen"),
    pytest.param([("PERSON:azerbaijani-ombudsman", "Azerbaijani Ombudsman", [], ["Azerbaijani Ombudsman"], ["a"]),
                  ("PERSON:sabina-aliyeva", "Sabina Aliyeva", [],
                   ["Commissioner for Human Rights (Ombudsman) of the Republic of Azerbaijan"], ["b"]),
                  ("PERSON:anahit-manasyan", "Anahit Manasyan", [], ["Human Rights Defender (Ombudsman) of Armenia"],
                   ["c"])],
                 {"PERSON:azerbaijani-ombudsman": "PERSON:sabina-aliyeva"}, set(), id="karabakh-qualified-office"),
    pytest.param([("PERSON:high-commissioner-for-human-rights", "High Commissioner for Human Rights", [],
                   ["High Commissioner for Human Rights"], ["a"]),
                  ("PERSON:sabina-aliyeva", "Sabina Aliyeva", [],
                   ["Commissioner for Human Rights (Ombudsman) of the Republic of Azerbaijan"], ["b"])],
                 {}, set(), id="high-commissioner-is-another-office"),
    pytest.param([("ORG:ombudsmans-office", "Ombudsman's Office", [], [], ["a"]),
                  ("ORG:ombudsman-s-office", "Ombudsman’s Office", [], [], ["b"])],
                 {"ORG:ombudsmans-office": "ORG:ombudsman-s-office"}, set(), id="typographic-apostrophe"),
    pytest.param([("ORG:wagner", "Wagner", [], [], ["a"]), ("ORG:wagner-group", "Wagner Group", [], [], ["b"])],
                 {"ORG:wagner": "ORG:wagner-group"}, set(), id="sahel-generic-suffix"),
    pytest.param([("PERSON:heydar-aliyev", "Heydar Aliyev", [], [], ["a"]),
                  ("ORG:heydar-aliyev-foundation", "Heydar Aliyev Foundation", [], [], ["b"])],
                 {}, set(), id="foundation-is-not-the-person"),
    pytest.param([("LOC:deir-ez-zor", "Deir ez-Zor", [], [], ["a"]), ("LOC:deir-ez-zour", "Deir ez-Zour", [], [], ["b"])],
                 {"LOC:deir-ez-zor": "LOC:deir-ez-zour"}, set(), id="syria-spelling"),
    pytest.param([("EVENT:cop28", "COP28 summit", [], [], ["a"]), ("EVENT:cop29", "COP29 summit", [], [], ["b"])],
                 {}, set(), id="numbers-differ"),
    pytest.param([("ORG:jaish-e-mohammed", "Jaish-e-Mohammed", ["JeM"], [], ["a"]),
                  ("ORG:jem", "JeM", [], [], ["b"])],
                 {"ORG:jem": "ORG:jaish-e-mohammed"}, set(), id="kashmir-alias"),
    pytest.param([("PERSON:sabina-aliyeva", "Sabina Aliyeva", [], [], ["a"]),
                  ("PERSON:aliyev", "Aliyev", [], ["President"], ["b"]),
                  ("PERSON:heydar-aliyev", "Heydar Aliyev", [], [], ["c"]),
                  ("PERSON:ilham-aliyev", "Ilham Aliyev", [], [], ["d"])],
                 {}, set(), id="karabakh-aliyevs"),
    pytest.param([("PERSON:assad", "Assad", ["President Assad"], ["President"], ["a"]),
                  ("PERSON:bashar-al-assad", "Bashar al-Assad", [], ["President of Syria"], ["b"]),
                  ("PERSON:hafez-al-assad", "Hafez al-Assad", [], ["former President of Syria"], ["c"])],
                 {}, {("PERSON:assad", "PERSON:bashar-al-assad"), ("PERSON:assad", "PERSON:hafez-al-assad")},
                 id="syria-two-presidents-assad"),
    pytest.param([("PERSON:assad", "Assad", ["President Assad"], ["President"], ["a"]),
                  ("PERSON:bashar-al-assad", "Bashar al-Assad", [], ["President of Syria"], ["b"]),
                  ("ORG:assad-foundation", "Assad Foundation", [], [], ["c"])],
                 {"PERSON:assad": "PERSON:bashar-al-assad"}, set(), id="syria-assad-article"),
    pytest.param([("PERSON:f-santos", "F. Santos", [], [], ["a"]),
                  ("PERSON:juan-manuel-santos", "Juan Manuel Santos", [], [], ["a"])],
                 {}, set(), id="kept-apart-inside-one-document"),
])
def test_pairs(ents: list, want_links: dict[str, str], want_rel: set[tuple[str, str]]) -> None:
    canon, rels = _applied(_rows(ents))
    assert canon == want_links
    assert set(rels) == want_rel
    assert all(0 < s < 0.5 for s in rels.values())


def test_bare_surname_joins_its_only_full_name_when_the_documents_share_rare_context() -> None:
    farc = [("ORG:farc", "FARC", [], [], ["a", "b"]), ("GPE:havana", "Havana", [], [], ["a", "b"]),
            ("PERSON:rodrigo-londono", "Rodrigo Londoño", [], [], ["a", "b"])]
    elsewhere = [("GPE:colombia", "Colombia", [], [], ["a", "b", "c", "d"]),
                 ("PERSON:sergio-fajardo", "Sergio Fajardo", [], [], ["c"])]
    santos = [("PERSON:santos", "Santos", ["Mr. Santos"], [], ["a"]),
              ("PERSON:juan-manuel-santos", "Juan Manuel Santos", [], [], ["b"])]
    canon, rels = _applied(_rows([*farc, *elsewhere, *santos]))
    assert canon == {"PERSON:santos": "PERSON:juan-manuel-santos"}
    # the same two names in documents sharing nothing rare stay apart (a weak relation only)
    canon, rels = _applied(_rows([*elsewhere, ("PERSON:santos", "Santos", [], [], ["c"]),
                                  ("PERSON:juan-manuel-santos", "Juan Manuel Santos", [], [], ["d"])]))
    assert canon == {} and set(rels) == {("PERSON:juan-manuel-santos", "PERSON:santos")}


def test_office_is_found_in_a_crowded_role_block() -> None:
    ents = [(f"PERSON:minister-{i}", f"Minister{i} Person{i}", [], [f"Minister of Area{i}"], [f"d{i}"])
            for i in range(200)]
    ents.append(("PERSON:minister-of-area7", "Minister of Area7", [], ["Minister of Area7"], ["x"]))
    canon, _ = _applied(_rows(ents))
    assert canon == {"PERSON:minister-of-area7": "PERSON:minister-7"}


def test_links_carry_score_and_evidence_and_never_chain() -> None:
    rows = _rows([("PERSON:j-m-santos", "J. M. Santos", [], [], ["a"]),
                  ("PERSON:juan-santos", "Juan Santos", [], [], ["c"]),
                  ("PERSON:juan-manuel-santos", "Juan Manuel Santos", [], [], ["b"])])
    links, _ = resolve_entities(rows)
    assert {lk.entity for lk in links} == {"PERSON:j-m-santos", "PERSON:juan-santos"}
    assert {lk.canonical for lk in links} == {"PERSON:juan-manuel-santos"}
    assert all(0.5 < lk.score <= 1 and "abbreviates" in lk.evidence for lk in links)


def test_norm_unifies_quotes_and_case() -> None:
    assert norm("The Ombudsman’s Office") == norm("ombudsman's office") == "ombudsmans office"


MIXED = [*KABILA,
         ("PERSON:j-m-santos", "J. M. Santos", [], [], ["d5"]),
         ("PERSON:juan-manuel-santos", "Juan Manuel Santos", [], [], ["d6"]),
         ("ORG:wagner", "Wagner", [], [], ["d1"]), ("ORG:wagner-group", "Wagner Group", [], [], ["d7"]),
         ("ORG:ombudsmans-office", "Ombudsman's Office", [], [], ["d2"]),
         ("ORG:ombudsman-s-office", "Ombudsman’s Office", [], [], ["d8"])]


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_order_independent_and_incremental_equals_full(seed: int) -> None:
    rows = _rows(MIXED)
    full = resolve_entities(rows)
    shuffled = rows[:]
    random.Random(seed).shuffle(shuffled)
    assert resolve_entities(shuffled) == full
    docs = sorted({r["doc"] for r in rows if r["kind"] == "mention"})
    random.Random(seed).shuffle(docs)
    stored: dict[str, str] = {}
    rels: dict[tuple[str, str], float] = {}
    seen: set[str] = set()
    for d in docs:
        seen.add(d)
        ments = [r for r in shuffled if r["kind"] == "mention" and r["doc"] in seen]
        ids = {m["entity"] for m in ments}
        subset = [r for r in shuffled if r["kind"] == "entity" and r["id"] in ids] + ments
        links, new_rels = resolve_entities(subset, new_docs={d})
        stored.update({lk.entity: lk.canonical for lk in links})
        rels.update({(r.a, r.b): r.score for r in new_rels})
    assert stored == {lk.entity: lk.canonical for lk in full[0]}
    assert set(stored) & set(stored.values()) == set()


def test_ten_thousand_documents_are_fast() -> None:
    import time

    ents = []
    for i in range(10_000):
        ents.append((f"PERSON:p{i}", f"Name{i} Surname{i % 3000}", [], [f"minister of area {i % 50}"], [f"d{i}"]))
        ents.append((f"ORG:o{i}", f"Org {i} Council", [], [], [f"d{i}"]))
        ents.append((f"PERSON:s{i}", f"Surname{i % 3000}", [], [], [f"d{i}"]))
    rows = _rows(ents)
    t = time.perf_counter()
    resolve_entities(rows)
    assert time.perf_counter() - t < 30


# --- the seeds ------------------------------------------------------------------------------

SEEDS = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="session")
def seed_rows(tmp_path_factory) -> list[dict[str, Any]]:
    from counterclaim.api import ingest, open_ledger
    from counterclaim.export.rows import iter_rows

    ledger = open_ledger(str(tmp_path_factory.mktemp("ent") / "s.db"))
    ingest(ledger, [str(SEEDS)])
    return list(iter_rows(ledger, resolve=False))


def _entities_at(rows: list[dict[str, Any]], canon: dict[str, str], prefix: str, surface: str) -> set[str]:
    """Canonical entity ids of the mentions in the seed ``prefix`` whose text is (or holds) ``surface``."""
    doc = next(r for r in rows if r["kind"] == "document" and Path(r["path"]).name.startswith(prefix))
    ms = [r for r in rows if r["kind"] == "mention" and r["doc"] == doc["id"]]
    hits = [m for m in ms if m["text"] == surface] or [m for m in ms if surface in m["text"]
                                                       and len(m["text"]) <= 3 * len(surface)]
    if not hits:  # 'Ocampo' inside 'Mr. Ocampo'
        at = [i for i in range(len(doc["text"])) if doc["text"].startswith(surface, i)]
        hits = [m for m in ms for a in at if a <= m["start"] and m["end"] <= a + len(surface)]
    return {canon.get(m["entity"], m["entity"]) for m in hits}


def test_seed_gold_same_and_different_entities(seed_rows, gold) -> None:
    links, rels = resolve_entities(seed_rows)
    canon = {lk.entity: lk.canonical for lk in links}
    related = {(r.a, r.b) for r in rels} | {(r.b, r.a) for r in rels}
    for section, want in (("same_entity", True), ("different_entity", False)):
        for pair in gold[section]:
            ea, eb = _entities_at(seed_rows, canon, *pair["a"]), _entities_at(seed_rows, canon, *pair["b"])
            assert ea and eb, pair
            linked = bool(ea & eb) or any((x, y) in related for x in ea for y in eb)
            assert linked is want, (section, pair, ea, eb)


def test_seed_merges(seed_rows) -> None:
    links, rels = resolve_entities(seed_rows)
    # The seeds name Trend News Agency only in a WhatsApp boilerplate line, which is non-content since
    # issue 16, so nothing is left to merge ORG:trend into (tests/conftest.py add_trend_story checks that
    # merge on a story of its own); above all, no two different actors merge ('UN Security Council').
    assert {(lk.entity, lk.canonical) for lk in links} == set()
    assert all(r.score < 0.5 for r in rels)
    aliyevs = {"PERSON:aliyev", "PERSON:heydar-aliyev", "PERSON:sabina-aliyeva", "ORG:heydar-aliyev-foundation"}
    assert not any(lk.entity in aliyevs for lk in links)
    assert not any({r.a, r.b} & {"PERSON:sabina-aliyeva", "ORG:heydar-aliyev-foundation"} for r in rels)


def test_seed_incremental_equals_full(seed_rows) -> None:
    docs = sorted(r["id"] for r in seed_rows if r["kind"] == "document")
    full, _ = resolve_entities(seed_rows)
    stored: dict[str, str] = {}
    for d in docs:
        stored.update({lk.entity: lk.canonical for lk in resolve_entities(seed_rows, new_docs={d})[0]})
    assert stored == {lk.entity: lk.canonical for lk in full}


@pytest.mark.parametrize("x, y, same", [
    ("Kharkiv", "Kharkov", True),        # transliterations move a vowel
    ("Khojaly", "Khojali", True),
    ("Mariupol", "Mariupil", True),
    ("Muzaffarabad", "Muzafarabad", False),  # a consonant dropped: not this rule
    ("Gambia", "Zambia", False),          # another first letter
    ("Idlib", "Idleb", False),            # too short to tell
    ("Austria", "Australia", False),
])
def test_vowel_variants_of_place_names(x, y, same) -> None:
    from counterclaim.link.entities import vowel_variant

    assert vowel_variant(norm(x), norm(y)) is same


def test_a_place_spelled_with_one_vowel_less_is_merged_across_documents() -> None:
    canon, _rels = _applied(_rows([("GPE:kharkiv", "Kharkiv", [], [], ["d1"]),
                                   ("GPE:kharkov", "Kharkov", [], [], ["d2"]),
                                   ("ORG:kharkov-group", "Kharkov Group", [], [], ["d3"])]))
    assert canon == {"GPE:kharkov": "GPE:kharkiv"}


def _doc(doc: str, text: str, spans: list[tuple[str, str, str]]) -> list[dict[str, Any]]:
    """Mention rows of ``text``: (surface, entity id, rule) at every place the surface stands."""
    return [{"kind": "mention", "doc": doc, "start": m.start(), "end": m.end(), "text": surface, "entity": eid,
             "mention_kind": "name", "rule": rule}
            for surface, eid, rule in spans for m in re.finditer(re.escape(surface), text)]


def _entity(eid: str, name: str) -> dict[str, Any]:
    return {"kind": "entity", "id": eid, "name": name, "type": eid.split(":")[0], "aliases": [name], "roles": []}


TURKISH = "The Turkish Defence Ministry said its jets struck PKK targets in northern Syria."
ABOUT_TURKEY = ("Turkey said on Monday it would keep up the operation. The Defence Ministry in Ankara said "
                "Turkey had informed its allies.")
ABOUT_SYRIA = ("Syria condemned the strikes near Aleppo. The Defence Ministry said Syria would answer, "
               "and Damascus asked for a meeting.")
TURKEY_ANSWERS_SYRIA = ("Syria accused Turkey of shelling villages near Aleppo. The Turkish government denied it, "
                        "and the Defence Ministry said fire from Damascus's forces had been returned.")


def _ministry_rows(*bare_docs: tuple[str, str]) -> list[dict[str, Any]]:
    rows = [_entity("ORG:turkish-defence-ministry", "Turkish Defence Ministry"), _entity("GPE:turkey", "Turkey"),
            _entity("GPE:syria", "Syria"), _entity("GPE:ankara", "Ankara"), _entity("GPE:aleppo", "Aleppo"),
            _entity("GPE:damascus", "Damascus"), _entity("ORG:defence-ministry", "Defence Ministry"),
            _entity("ORG:syrian-defence-ministry", "Syrian Defence Ministry"),
            _entity("ORG:turkish-government", "Turkish government")]
    rows += _doc("t", TURKISH, [("Turkish Defence Ministry", "ORG:turkish-defence-ministry", "ner"),
                                ("Turkish", "GPE:turkey", "institution_country"), ("Syria", "GPE:syria", "gazetteer")])
    for doc, text in bare_docs:
        places = [(w, f"GPE:{w.lower()}", "gazetteer") for w in ("Turkey", "Syria", "Ankara", "Aleppo", "Damascus")]
        spans = [("Defence Ministry", "ORG:defence-ministry", "ner"), ("Turkish government", "ORG:turkish-government",
                                                                       "ner")] + places
        rows += _doc(doc, text, spans)
    return rows


@pytest.mark.parametrize("bare_docs, merged, related", [
    pytest.param([("b", ABOUT_TURKEY)], True, False, id="bare-ministry-in-a-story-about-turkey"),
    pytest.param([("b", ABOUT_SYRIA)], False, False, id="bare-ministry-in-a-story-about-syria"),
    pytest.param([("b", TURKEY_ANSWERS_SYRIA)], True, False, id="bare-ministry-beside-the-turkish-government"),
    pytest.param([("b", ABOUT_TURKEY), ("c", ABOUT_SYRIA)], False, True, id="bare-ministry-of-two-countries"),
])
def test_a_bare_institution_joins_the_one_its_documents_country_names(bare_docs, merged, related) -> None:
    canon, rels = _applied(_ministry_rows(*bare_docs))
    assert (canon.get("ORG:defence-ministry") == "ORG:turkish-defence-ministry") is merged
    assert (("ORG:defence-ministry", "ORG:turkish-defence-ministry") in rels) is related


def test_institutions_of_two_countries_never_merge() -> None:
    rows = _ministry_rows(("b", ABOUT_TURKEY))
    rows += _doc("s", "The Syrian Defence Ministry denied it.", [
        ("Syrian Defence Ministry", "ORG:syrian-defence-ministry", "ner"), ("Syrian", "GPE:syria", "institution_country")])
    canon, rels = _applied(rows)
    assert "ORG:syrian-defence-ministry" not in canon
    assert canon.get("ORG:defence-ministry") == "ORG:turkish-defence-ministry"
    assert not any("ORG:syrian-defence-ministry" in pair for pair in rels)

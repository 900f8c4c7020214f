"""Full-text search: the same results shape on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

import os

import pytest

from counterclaim.ingest.document import Document
from counterclaim.ledger.store import Ledger

TEXTS = {
    "kivu.txt": "Goma, 3 December 2022. Fighters killed 131 civilians in Kishishe, North Kivu, the UN mission said.",
    "idlib.txt": "Idlib, 5 March 2020. Shelling displaced nearly 900,000 people; the camps near the border are full.",
    "cauca.txt": "Popayán, 12 June 2021. The Ombudsman's office counted 45 social leaders killed in Cauca this year.",
}


def _backends():
    yield pytest.param("sqlite", id="sqlite")
    yield pytest.param("postgresql", id="postgresql", marks=[
        pytest.mark.postgres,
        pytest.mark.skipif(not os.environ.get("COUNTERCLAIM_TEST_PG_URL"), reason="COUNTERCLAIM_TEST_PG_URL not set")])


@pytest.fixture(params=list(_backends()))
def ledger(request, tmp_path):
    if request.param == "sqlite":
        led = Ledger(str(tmp_path / "search.db"))
    else:
        led = Ledger(os.environ["COUNTERCLAIM_TEST_PG_URL"])
        with led.engine.begin() as conn:
            for table in ("corrections", "relations", "entity_links", "quantities", "attributions", "claims",
                          "mentions", "entity_aliases", "documents", "entities"):
                conn.exec_driver_sql(f"DELETE FROM {table}")
    for path, text in TEXTS.items():
        led.add_document(Document(text=text, path=path), None)
    yield led
    led.close()


def _paths(led, hits):
    ids = {h["id"] for h in hits}
    return sorted(d.path for d in led.documents() if d.id in ids)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("killed", ["cauca.txt", "kivu.txt"]),
        ("Kishishe", ["kivu.txt"]),
        ("killed Cauca", ["cauca.txt"]),          # every word must match
        ("KILLED cauca", ["cauca.txt"]),          # case-insensitive
        ("displaced camps", ["idlib.txt"]),
        ("nothing-here-at-all", []),
        ('"killed', ["cauca.txt", "kivu.txt"]),   # query syntax characters are plain text
        ("killed*", ["cauca.txt", "kivu.txt"]),
        ("NEAR(killed Cauca)", []),               # NEAR is just a word, and no text has it
        ("title:killed", []),                     # no column filters: 'title' is just a word
        ("", []),
        ("  ¿?  ", []),
        ("kills", ["cauca.txt", "kivu.txt"]),     # other forms of a word: stem searched as a prefix
        ("civilian", ["kivu.txt"]),
        ("displacement", ["idlib.txt"]),
        ("leader killings", ["cauca.txt"]),
        ("900000", ["idlib.txt"]),                # numbers with or without separators
        ("900,000", ["idlib.txt"]),
        ("900.000", ["idlib.txt"]),
        ("131", ["kivu.txt"]),
        ("the civilians of Kishishe", ["kivu.txt"]),  # stop-words left out
        ("the", ["cauca.txt", "idlib.txt", "kivu.txt"]),  # ... unless nothing else is asked
    ],
)
def test_search_finds_every_word_and_ignores_query_syntax(ledger, query, expected):
    assert _paths(ledger, ledger.search(query)) == expected


def test_snippet_marks_the_match_and_keeps_the_text(ledger):
    (hit,) = ledger.search("Kishishe")
    assert "\x01Kishishe\x02" in hit["snippet"]
    assert hit["snippet"].replace("\x01", "").replace("\x02", "") in TEXTS["kivu.txt"] or "…" in hit["snippet"]


def test_documents_added_later_are_searchable(ledger):
    ledger.add_document(Document(text="Bunia, 2 February 2023. 60 displaced people were killed at the Plaine Savo "
                                      "camp.", path="ituri.txt"), None)
    assert _paths(ledger, ledger.search("Savo")) == ["ituri.txt"]


def test_postgresql_query_uses_the_indexed_expression():
    """The GIN index of migration 0004 serves only a query on the very same expression."""
    import importlib.util

    from counterclaim.ledger import search
    from counterclaim.ledger.store import MIGRATIONS

    spec = importlib.util.spec_from_file_location("m0004", MIGRATIONS / "versions" / "0004_corrections_search.py")
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert search._PG_TSVECTOR == migration.PG_TSVECTOR


@pytest.mark.parametrize(
    "query, terms, note",
    [
        ("genocides genocides Genocides", ["genocides"], None),
        ("the killings in the camps", ["killings", "camps"], "Common words ignored: the, in."),
        (" ".join(f"w{i}" for i in range(12)), [f"w{i}" for i in range(8)],
         "Only the first 8 words were searched; left out: w8, w9, w10, w11."),
        ("killed " * 60 + "displacement", ["killed"], "Only the first 300 characters of the query were read."),
        ("a" * 299 + " bcdef", ["a" * 299], "Only the first 300 characters of the query were read."),
        ("x " * 148 + "abcdefgh", ["x"], "Only the first 300 characters of the query were read."),
    ],
)
def test_queries_are_capped_deduplicated_and_say_when_cut(query, terms, note):
    from counterclaim.ledger.search import parse_query

    parsed = parse_query(query)
    assert [t.word for t in parsed.terms] == terms
    assert parsed.note() == note
    assert all(not t.word.startswith("abcd") or t.word == "abcdefgh" for t in parsed.terms)  # never mid-word


def test_a_long_query_is_cheap(ledger):
    import time

    words = " ".join(["killed", "civilians", "camps", "border", "the", "of"] * 25)  # 150 words
    started = time.perf_counter()
    ledger.search(words)
    assert time.perf_counter() - started < 2


def test_control_characters_in_a_text_never_become_marks(ledger):
    ledger.add_document(Document(text="Kabul, 3 May 2021. \x01Forged\x02 marks around 14 wounded pupils.",
                                 path="forged.txt"), None)
    (hit,) = ledger.search("pupils")
    assert hit["snippet"].count("\x01") == 1 and "\x01pupils\x02" in hit["snippet"]

"""The JSONL export: contract fields, exact spans, deterministic bytes."""

from __future__ import annotations

import json
from io import StringIO

import pytest

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counterclaim.api import export_jsonl, ingest, open_ledger
from counterclaim.extract.techniques.lexicon import lexicon
from counterclaim.ingest.document import Document
from counterclaim.records import APPROX, CATEGORIES, CLAIM_TYPES, DOC_TYPES, ENTITY_TYPES, POLARITIES

TECHNIQUE_LABELS = set(lexicon().labels)
REQUIRED = {
    "document": {"id", "path", "sha256", "text", "title", "published", "dateline", "outlet", "doc_type",
                 "asserter", "language"},
    "entity": {"id", "name", "type", "aliases"},
    "mention": {"doc", "start", "end", "text", "entity"},
    "attribution": {"id", "doc", "speaker", "speaker_span", "cue", "content", "direct", "via"},
    "claim": {"id", "doc", "start", "end", "text", "asserter", "claim_type", "polarity", "checkworthy", "about",
              "attribution"},
    "quantity": {"id", "doc", "start", "end", "text", "value", "low", "high", "approx", "counted", "category",
                 "subgroup", "parent", "claim", "event"},
    "technique": {"id", "doc", "start", "end", "text", "label", "score", "why", "speaker"},
    "relation": {"id", "type", "a", "b", "score", "evidence"},
}


def _spans_hold(rows):
    texts = {r["id"]: r["text"] for r in rows if r["kind"] == "document"}
    n = 0
    for r in rows:
        if "start" in r and "doc" in r:
            assert texts[r["doc"]][r["start"]:r["end"]] == r["text"], r
            n += 1
        for key in ("speaker_span", "cue", "content"):
            if isinstance(r.get(key), dict):
                span = r[key]
                assert texts[r["doc"]][span["start"]:span["end"]] == span["text"], (key, r)
                n += 1
    return n


def test_meta_line_first_and_required_fields(seed_export):
    assert seed_export[0]["kind"] == "meta" and seed_export[0]["schema"] == 2
    assert seed_export[0]["generator"].startswith("counterclaim ")
    ids = {r["id"] for r in seed_export if r["kind"] == "entity"}
    local_ids = {r["id"] for r in seed_export if r["kind"] in ("quantity", "attribution", "claim")}
    for r in seed_export[1:]:
        assert REQUIRED[r["kind"]] <= set(r), r["kind"]
        if r["kind"] == "document":
            assert r["doc_type"] in DOC_TYPES
            assert r["asserter"] is None or r["asserter"] in ids
        if r["kind"] == "entity":
            assert r["type"] in ENTITY_TYPES and r["name"] in r["aliases"]
        if r["kind"] == "mention":
            assert r["entity"] in ids
        if r["kind"] == "quantity":
            assert r["category"] in CATEGORIES and r["approx"] in APPROX
            assert r["parent"] is None or r["parent"] in local_ids
        if r["kind"] == "attribution":
            assert r["speaker"] is None or r["speaker"] in ids
            assert set(r["via"]) <= ids and isinstance(r["direct"], bool)
        if r["kind"] == "claim":
            assert r["claim_type"] in CLAIM_TYPES and r["polarity"] in POLARITIES
            assert 0 <= r["checkworthy"] <= 1 and set(r["about"]) <= ids
            assert r["attribution"] is None or r["attribution"] in local_ids
        if r["kind"] == "technique":
            assert r["label"] in TECHNIQUE_LABELS and 0 < r["score"] <= 1 and r["why"]
            assert r["speaker"] is None or r["speaker"] in ids


def test_every_span_in_the_seed_export_is_exact(seed_export):
    assert _spans_hold(seed_export) > 200


def test_export_is_deterministic_whatever_the_ingest_order(tmp_path, seed_paths, seed_export):
    ledger = open_ledger(str(tmp_path / "reverse.db"))
    for prefix in sorted(seed_paths, reverse=True):
        ingest(ledger, [seed_paths[prefix]])
    buf = StringIO()
    export_jsonl(ledger, buf)
    again = [json.loads(line) for line in buf.getvalue().splitlines()]
    strip = lambda rows: [{k: v for k, v in r.items() if k != "path"} for r in rows]  # noqa: E731
    assert strip(again) == strip(seed_export)


def test_export_twice_gives_the_same_bytes(seeded_ledger):
    a, b = StringIO(), StringIO()
    export_jsonl(seeded_ledger, a)
    export_jsonl(seeded_ledger, b)
    assert a.getvalue() == b.getvalue()


_words = st.sampled_from(["Azerbaijan", "Armenia", "the", "UN", "said", "Ocampo", "Luis Moreno Ocampo", "613",
                          "people", "were", "killed", "\n", "\r\n", "  ", "é", "e\u0301", "“", "”", "Idlib",
                          "Colombia", ".", ",", "Sabina Aliyeva", "\t", "ﬁ", "Ω", "😀", "**", "(ICC)"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(_words, st.text(max_size=8)), min_size=1, max_size=60))
def test_spans_hold_on_random_texts(tmp_path_factory, nlp, parts):
    text = " ".join(parts)
    if not text.strip():
        return
    ledger = open_ledger(str(tmp_path_factory.mktemp("h") / "h.db"))
    path = tmp_path_factory.mktemp("in") / "doc.txt"
    path.write_text(text, encoding="utf-8", newline="")
    report = ingest(ledger, [path])
    buf = StringIO()
    export_jsonl(ledger, buf)
    rows = [json.loads(line) for line in buf.getvalue().splitlines()]
    if report.added:
        (doc,) = [r for r in rows if r["kind"] == "document"]
        assert doc["text"] == Document(text=text, path="x").text
    _spans_hold(rows)
    ledger.close()


@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029", "\x0b", "\x0c", "\x1c"])
def test_a_line_break_character_in_text_never_splits_a_jsonl_line(char):
    from counterclaim.export.jsonl import dumps_line

    row = {"kind": "document", "text": f"Idlib{char}Aleppo"}
    line = dumps_line(row)
    assert len(line.splitlines()) == 1
    assert json.loads(line) == row

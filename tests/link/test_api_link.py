"""Linking through the library API: incremental links after each ingest equal a full relink."""

from __future__ import annotations

import json
from io import StringIO

from counterclaim.api import export_jsonl, ingest, link, open_ledger


def _export(ledger) -> list[dict]:
    buf = StringIO()
    export_jsonl(ledger, buf)
    return [json.loads(line) for line in buf.getvalue().splitlines()]


def _links(rows: list[dict]) -> tuple[list, list]:
    entities = sorted((r["id"], tuple(r["aliases"])) for r in rows if r["kind"] == "entity")
    relations = sorted((r["type"], r["a"], r["b"], r["score"]) for r in rows if r["kind"] == "relation")
    return entities, relations


def test_incremental_linking_equals_a_full_relink(tmp_path, seed_paths):
    one_by_one = open_ledger(str(tmp_path / "inc.db"))
    for prefix in sorted(seed_paths):
        ingest(one_by_one, [seed_paths[prefix]], link_after=True)
    incremental = _export(one_by_one)
    link(one_by_one)  # rebuild from scratch
    rebuilt = _export(one_by_one)
    assert _links(incremental) == _links(rebuilt)
    assert any(r["kind"] == "relation" for r in rebuilt)


def test_relink_is_idempotent_and_mentions_point_to_canonical_entities(tmp_path, seed_paths):
    ledger = open_ledger(str(tmp_path / "all.db"))
    ingest(ledger, list(seed_paths.values()), link_after=True)
    first = _export(ledger)
    link(ledger)
    assert _export(ledger) == first
    ids = {r["id"] for r in first if r["kind"] == "entity"}
    assert all(r["entity"] in ids for r in first if r["kind"] == "mention")
    assert first[0]["counts"]["entity"] == len(ids)
    for r in first:
        if r["kind"] == "relation":
            assert 0 <= r["score"] <= 1 and r["evidence"]

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


# Two answers to two different "2024 report"s: a WORK's identity includes its author.
WORKS_SHARING_A_NAME = {
    "x1_mod.txt": "STATEMENT of the Ministry of Defence, 3 March 2024.\n\nThe Ministry of Defence rejects the "
                  "biased 2024 report published by Amnesty International about the shelling of the port.",
    "x2_interior.txt": "STATEMENT of the Ministry of the Interior, 4 March 2024.\n\nThe Ministry of the Interior "
                       "categorically rejects the false 2024 report published by Human Rights Watch on detentions.",
}


def _write_works(folder) -> list:
    """The two statements of WORKS_SHARING_A_NAME as files in ``folder``."""
    for name, text in WORKS_SHARING_A_NAME.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in WORKS_SHARING_A_NAME]


def test_incremental_linking_equals_a_full_relink(tmp_path, seed_paths):
    """Seeds and two works sharing a name, ingested one at a time: the export is byte-identical after relink."""
    extra = _write_works(tmp_path)
    one_by_one = open_ledger(str(tmp_path / "inc.db"))
    for path in [seed_paths[p] for p in sorted(seed_paths)] + extra:
        ingest(one_by_one, [path], link_after=True)
    incremental = _export(one_by_one)
    link(one_by_one)  # rebuild from scratch
    rebuilt = _export(one_by_one)
    assert _links(incremental) == _links(rebuilt)
    assert incremental == rebuilt
    assert any(r["kind"] == "relation" for r in rebuilt)
    works = {r["id"]: r for r in rebuilt if r["kind"] == "entity" and r["type"] == "WORK"}
    authors = {r["author"] for r in works.values()}
    assert {"ORG:amnesty-international", "ORG:human-rights-watch"} <= authors, works
    assert len({r["name"] for r in works.values()}) == len(works)  # named for whose work it is


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


def test_a_linker_crash_is_a_coded_failure_and_the_documents_stay_for_the_next_run(tmp_path, monkeypatch):
    """A bug in the linker is E305, not a traceback: every document is stored, unlinked, and a relink links it."""
    import counterclaim.link as link_package

    paths = _write_works(tmp_path)
    ledger = open_ledger(str(tmp_path / "crash.db"))

    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("a linker bug")

    monkeypatch.setattr(link_package, "link_all", broken)
    report = ingest(ledger, paths, link_after=True)
    assert len(report.added) == 2
    assert [(e.code, "ZeroDivisionError: a linker bug" in e.message) for e in report.failed] == [("E305", True)]
    assert ledger.link_state()[1] == set(report.added)  # both stored, both still waiting for their links
    monkeypatch.undo()
    assert link(ledger, new_docs=[]).documents == 2
    assert ledger.link_state()[1] == set()
    linked = _export(ledger)
    link(ledger)  # the late links equal a rebuild from scratch
    assert _export(ledger) == linked

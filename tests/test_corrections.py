"""Corrections on the real seeds: verdicts survive re-analysis and relinking, reset restores, codes for bad input."""

from __future__ import annotations

import io
import json
import sqlite3
import sys
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from counterclaim import api
from counterclaim import corrections as corr
from counterclaim.errors import CorrectionError
from tests.conftest import add_trend_story, copy_ledger


@pytest.fixture
def db(seeded_ledger, tmp_path) -> str:
    return copy_ledger(seeded_ledger, tmp_path / "corr.db")


@pytest.fixture
def ledger(db):
    return api.open_ledger(db)


def export(ledger) -> list[dict]:
    buf = io.StringIO()
    api.export_jsonl(ledger, buf)
    return [json.loads(line) for line in buf.getvalue().splitlines()]


def figures(rows: list[dict], doc: str) -> dict[str, dict]:
    """The document's figures by their text."""
    return {r["text"]: r for r in rows if r["kind"] == "quantity" and r["doc"] == doc}


def khojaly(rows: list[dict]) -> str:
    """The seed whose figures include 613 killed (the Khojaly statement)."""
    (doc,) = {r["doc"] for r in rows if r["kind"] == "quantity" and r["text"] == "613"}
    return doc


def test_verdicts_survive_reanalysis_and_relink(ledger):
    before = export(ledger)
    doc = khojaly(before)
    figs = figures(before, doc)
    assert figs["613"]["category"] == "killed" and figs["25"]["category"] == "other"
    rel = next(r for r in before if r["kind"] == "relation" and r["type"] == "figure_consistent")

    corr.correct(ledger, "quantity", figs["613"]["id"], "reject", author="ana")
    corr.correct(ledger, "quantity", figs["25"]["id"], "fix", field="category", value="injured", author="ana")
    corr.correct(ledger, "relation", rel["id"], "reject", author="ben", note="different events")

    def check(rows: list[dict]) -> None:
        f = figures(rows, doc)
        assert "613" not in f
        assert f["25"]["category"] == "injured"
        assert f["25"]["review"]["status"] == "corrected" and f["25"]["review"]["fixes"] == {"category": "injured"}
        assert f["106"]["category"] == "killed" and "review" not in f["106"]
        assert rows[0]["counts"]["quantity"] == before[0]["counts"]["quantity"] - 1
        assert rows[0]["counts"]["relation"] == before[0]["counts"]["relation"] - 1
        assert rel["id"] not in {r["id"] for r in rows if r["kind"] == "relation"}
        assert sum(r["kind"] == "quantity" for r in rows) == rows[0]["counts"]["quantity"]
        assert sum(r["kind"] == "relation" for r in rows) == rows[0]["counts"]["relation"]

    check(export(ledger))
    report = api.analyze_pending(ledger, everything=True)
    assert report.ok and len(report.added) == 5
    api.link(ledger)
    with ledger.session() as s:  # the relation is back in the ledger after relink; the verdict keeps it out
        from counterclaim.ledger.models import RelationRow
        assert s.get(RelationRow, rel["id"]) is not None
    check(export(ledger))

    # Ids that moved (a different analyser numbering) do not matter: verdicts are anchored by span.
    path = ledger.url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as con:
        con.execute("UPDATE quantities SET id = replace(id, ':q', ':n')")
    rows = export(ledger)
    f = figures(rows, doc)
    assert "613" not in f and f["25"]["id"].endswith(":n6") and f["25"]["category"] == "injured"

    # Reset forgets the verdicts: 613 is back, 25 is 'other' again.
    now_613 = next(i for i, in sqlite3.connect(path).execute(
        "SELECT id FROM quantities WHERE doc_id = ? AND text = '613'", (doc,)))
    corr.correct(ledger, "quantity", now_613, "reset", author="ana")
    corr.correct(ledger, "quantity", f["25"]["id"], "reset", author="ana")
    corr.correct(ledger, "relation", rel["id"], "reset", author="ana")
    rows = export(ledger)
    f = figures(rows, doc)
    assert f["613"]["category"] == "killed" and "review" not in f["613"]
    assert f["25"]["category"] == "other" and "review" not in f["25"]
    assert rows[0]["counts"] == {**before[0]["counts"]}


def test_rejecting_a_figure_drops_relations_to_it(ledger):
    rows = export(ledger)
    rel = next(r for r in rows if r["kind"] == "relation" and r["type"] == "figure_consistent")
    corr.correct(ledger, "quantity", rel["a"], "reject", author="ana")
    after = export(ledger)
    assert rel["a"] not in {r.get("id") for r in after}
    assert rel["id"] not in {r["id"] for r in after if r["kind"] == "relation"}
    assert after[0]["counts"]["relation"] == rows[0]["counts"]["relation"] - 1
    assert corr.rejected_counts(ledger) == {"quantity": 1, "relation": 1}


def test_rejected_entity_merge_is_undone(ledger, db, tmp_path):
    add_trend_story(db, tmp_path)
    before = ledger.canonical_map()
    assert before["ORG:trend"] == "ORG:trend-news-agency"
    n = export(ledger)[0]["counts"]["entity"]
    corr.correct(ledger, "entity_link", "ORG:trend", "reject", author="ana")
    assert ledger.canonical_map() == {k: v for k, v in before.items() if k != "ORG:trend"}
    rows = export(ledger)
    assert rows[0]["counts"]["entity"] == n + 1
    assert {"ORG:trend", "ORG:trend-news-agency"} <= {r["id"] for r in rows if r["kind"] == "entity"}
    corr.correct(ledger, "entity_link", "ORG:trend", "reset", author="ana")
    assert ledger.canonical_map() == before


def test_claim_and_attribution_fixes(ledger):
    rows = export(ledger)
    claim = next(r for r in rows if r["kind"] == "claim" and r["polarity"] == "affirm")
    att = next(r for r in rows if r["kind"] == "attribution" and r["speaker"])
    other = next(r["id"] for r in rows if r["kind"] == "entity" and r["id"] != att["speaker"]
                 and r["type"] == "PERSON")
    corr.correct(ledger, "claim", claim["id"], "fix", field="polarity", value="deny", author="ana")
    corr.correct(ledger, "attribution", att["id"], "fix", field="speaker", value=other, author="ana")
    after = {r.get("id"): r for r in export(ledger)}
    assert after[claim["id"]]["polarity"] == "deny"
    assert after[att["id"]]["speaker"] == other
    assert after[att["id"]]["review"]["fixes"] == {"speaker": other}
    assert corr.review_of(ledger, "attribution", att["id"])["status"] == "corrected"


@pytest.mark.parametrize(("kind", "item", "action", "field", "value", "code"), [
    ("figures", "Q", "confirm", None, None, "E501"),
    ("quantity", "Q", "approve", None, None, "E502"),
    ("quantity", "nope:q99", "confirm", None, None, "E503"),
    ("technique", "x:t0", "confirm", None, None, "E503"),
    ("relation", "r000", "reject", None, None, "E503"),
    ("quantity", "Q", "fix", "value", "3", "E504"),
    ("quantity", "Q", "fix", None, "killed", "E504"),
    ("relation", "R", "fix", "type", "supports", "E504"),
    ("quantity", "Q", "fix", "category", "massacred", "E505"),
    ("claim", "C", "fix", "asserter", "PERSON:nobody-at-all", "E505"),
    ("claim", "C", "fix", "polarity", "", "E505"),
])
def test_bad_corrections_are_coded(ledger, kind, item, action, field, value, code):
    rows = export(ledger)
    real = {"Q": next(r["id"] for r in rows if r["kind"] == "quantity"),
            "C": next(r["id"] for r in rows if r["kind"] == "claim"),
            "R": next(r["id"] for r in rows if r["kind"] == "relation")}
    with pytest.raises(CorrectionError) as e:
        corr.correct(ledger, kind, real.get(item, item), action, author="ana", field=field, value=value)
    assert e.value.code == code and e.value.exit_code == 2
    assert ledger.corrections() == []


def _c(i: int, action: str, field: str | None = None, value: str | None = None, author: str = "ana"):
    return SimpleNamespace(id=i, kind="quantity", item_id="d:q1", doc_id="d", start=1, end=4, action=action,
                           field=field, value=value, author=author, created_at=datetime(2026, 1, 1, 0, 0, i))


@pytest.mark.parametrize(("actions", "expected"), [
    ([("confirm",)], {"status": "confirmed", "by": "ana"}),
    ([("reject",), ("confirm",)], {"status": "confirmed", "by": "ana"}),
    ([("fix", "category", "missing"), ("confirm",)], {"status": "corrected", "fixes": {"category": "missing"}}),
    ([("fix", "category", "missing"), ("fix", "category", "killed")], {"status": "corrected",
                                                                        "fixes": {"category": "killed"}}),
    ([("fix", "category", "missing"), ("reject",)], {"status": "rejected"}),
    ([("reject",), ("reset",)], None),
    ([("reject",), ("reset",), ("confirm",)], {"status": "confirmed"}),
])
def test_reviews_fold_latest_wins(actions, expected):
    got = corr.reviews([_c(i, *a) for i, a in enumerate(actions, 1)]).get(("quantity", "d", 1, 4))
    if expected is None:
        assert got is None
    else:
        assert got is not None and expected.items() <= got.as_dict().items()


def test_history_page_newest_first_with_current_items(ledger):
    rows = export(ledger)
    doc = khojaly(rows)
    figs = figures(rows, doc)
    for text in ("613", "106", "63"):
        corr.correct(ledger, "quantity", figs[text]["id"], "confirm", author="ana", source="cli")
    corr.correct(ledger, "quantity", figs["70"]["id"], "reject", author="ben")
    page = corr.history_page(ledger, page=1, per_page=3)
    assert (page["total"], page["pages"], page["page"]) == (4, 2, 1)
    assert [r["text"] for r in page["items"]] == ["70", "63", "106"]
    assert page["items"][0]["current"] == figs["70"]["id"] and page["items"][0]["title"].startswith("STATEMENT")
    assert page["counts"] == {"action": {"confirm": 3, "reject": 1}, "kind": {"quantity": 4},
                              "source": {"cli": 3, "web": 1}}
    assert [r["text"] for r in corr.history_page(ledger, page=2, per_page=3)["items"]] == ["613"]
    assert corr.history_page(ledger, page=99, per_page=3)["page"] == 2
    assert [r["item"] for r in corr.history(ledger, limit=2)] == [figs["70"]["id"], figs["63"]["id"]]


def _cli(monkeypatch, db: str, *args: str) -> int:
    from counterclaim import cli

    monkeypatch.setattr(sys, "argv", ["counterclaim", "--db", db, *args])
    try:
        cli.main()
    except SystemExit as e:
        return int(e.code or 0)
    return 0


def test_cli_corrections(db, ledger, tmp_path, monkeypatch, capsys):
    rows = export(ledger)
    figs = figures(rows, khojaly(rows))
    assert _cli(monkeypatch, db, "corrections", "add", "quantity", figs["613"]["id"], "reject", "--author", "ana") == 0
    assert _cli(monkeypatch, db, "corrections", "add", "quantity", figs["25"]["id"], "fix", "--field", "category",
                "--value", "injured") == 0
    assert _cli(monkeypatch, db, "corrections", "add", "quantity", figs["25"]["id"], "fix", "--field", "category",
                "--value", "bogus") == 2
    assert "E505" in capsys.readouterr().err
    assert _cli(monkeypatch, db, "corrections", "add", "quantity", "nope:q1", "reject") == 2
    assert "E503" in capsys.readouterr().err
    assert _cli(monkeypatch, db, "corrections", "list", "--json") == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["action"], r["source"]) for r in listed] == [("fix", "cli"), ("reject", "cli")]
    assert listed[1]["author"] == "ana"
    out, cfg = tmp_path / "tasks.json", tmp_path / "config.xml"
    assert _cli(monkeypatch, db, "corrections", "export", "--format", "labelstudio", "--out", str(out),
                "--config", str(cfg)) == 0
    tasks = json.loads(out.read_text())
    assert len(tasks) == 5 and "<Labels" in cfg.read_text()
    assert _cli(monkeypatch, db, "corrections", "export", "--format", "csv") == 2
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json")
    assert _cli(monkeypatch, db, "corrections", "import", str(bad)) == 2
    assert "E506" in capsys.readouterr().err
    assert _cli(monkeypatch, db, "corrections", "import", str(tmp_path / "missing.json")) == 2
    assert _cli(monkeypatch, db, "corrections", "import", str(out)) == 0  # no annotations: nothing changes
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["reasons"] == {
        "no annotation (or only cancelled ones)": 5}
    assert len(ledger.corrections()) == 2


def test_technique_corrections(db, ledger, monkeypatch, capsys):
    rows = export(ledger)
    techniques = [r for r in rows if r["kind"] == "technique"]
    first, second = techniques[0], techniques[1]
    corr.correct(ledger, "technique", first["id"], "reject", author="ana")
    corr.correct(ledger, "technique", second["id"], "fix", field="label", value="Doubt", author="ana")
    after = export(ledger)
    kept = {r["id"]: r for r in after if r["kind"] == "technique"}
    assert first["id"] not in kept and kept[second["id"]]["label"] == "Doubt"
    assert after[0]["counts"]["technique"] == len(techniques) - 1
    with pytest.raises(CorrectionError) as e:
        corr.correct(ledger, "technique", second["id"], "fix", field="label", value="Sarcasm", author="ana")
    assert e.value.code == "E505"
    assert _cli(monkeypatch, db, "corrections", "add", "technique", first["id"], "reset") == 0
    assert first["id"] in {r["id"] for r in export(ledger) if r["kind"] == "technique"}
    assert _cli(monkeypatch, db, "corrections", "add", "technique", "nope:t9", "confirm") == 2
    assert "E503" in capsys.readouterr().err

"""The command line as a careless user meets it: mistyped ledgers, bad paths, hostile file names, 80 columns."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEEDS, copy_ledger


def run(*args, cwd=None, columns=200, env=None, timeout=600):
    return subprocess.run([sys.executable, "-m", "counterclaim", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout, env={**os.environ, "COLUMNS": str(columns), **(env or {})})


@pytest.fixture
def seeds_db(seeded_ledger, tmp_path) -> str:
    return copy_ledger(seeded_ledger, tmp_path / "seeds.db")


# -- 16.1 a mistyped ledger path is an error, and nothing is created ---------------------------------------
@pytest.mark.parametrize("args", [["export"], ["documents"], ["show", "d381"], ["relink"], ["analyze"],
                                  ["corrections", "list"], ["corrections", "export"], ["serve", "--port", "9"]])
def test_a_missing_ledger_is_refused_and_not_created(tmp_path, args):
    db = tmp_path / "mistyped.db"
    out = run("--db", str(db), *args, cwd=tmp_path)
    assert out.returncode == 2, out.stderr
    assert "E205" in out.stderr and "mistyped.db" in out.stderr
    assert not db.exists() and list(tmp_path.iterdir()) == []


def test_create_starts_an_empty_ledger(tmp_path):
    db = tmp_path / "new.db"
    out = run("--db", str(db), "--create", "export")
    assert out.returncode == 0, out.stderr
    assert db.exists() and json.loads(out.stdout.splitlines()[0])["kind"] == "meta"


# -- 16.2 no tracebacks: every user-caused error is a coded message ----------------------------------------
BAD_RUNS = [
    (["export", "--format", "jsonl", "--out", "missing/dir/ledger.jsonl"], 2, "E403"),
    (["export", "--format", "csv", "--out", "afile.txt"], 2, "E403"),
    (["export", "--format", "xml"], 2, "E401"),
    (["export", "--format", "csv"], 2, "E402"),
    (["show", "ffffffff"], 2, "E203"),
    (["corrections", "add", "bogus", "x", "confirm"], 2, "E501"),
    (["corrections", "add", "figure", "d381164f:q999", "reject"], 2, "E503"),
    (["corrections", "add", "figure", "d381164f:q1", "explode"], 2, "E502"),
    (["corrections", "add", "figure", "d381164f:q1", "fix", "--field", "colour", "--value", "red"], 2, "E504"),
    (["corrections", "import", "missing.json"], 2, "E506"),
    (["corrections", "import", "afile.txt"], 2, "E506"),
    (["corrections", "export", "--out", "missing/dir/tasks.json"], 2, "E"),
    (["corrections", "export", "--format", "csv"], 2, "E401"),
    (["ingest", "no/such/file.txt"], 2, "E002"),
]


@pytest.mark.parametrize("args, code, message", BAD_RUNS)
def test_bad_paths_formats_and_ids_give_coded_errors_not_tracebacks(seeds_db, tmp_path, args, code, message):
    (tmp_path / "afile.txt").write_text("not a folder, not Label Studio JSON")
    out = run("--db", seeds_db, *args, cwd=tmp_path)
    assert "Traceback" not in out.stderr and "Traceback" not in out.stdout
    assert out.returncode == code, out.stderr
    assert message in out.stderr


def test_an_unopenable_ledger_is_a_coded_error(tmp_path):
    out = run("--db", str(tmp_path / "no" / "such" / "dir" / "l.db"), "ingest", str(tmp_path))
    assert "Traceback" not in out.stderr and out.returncode == 2 and "E201" in out.stderr


# -- 15.9 file names are printed as they are -----------------------------------------------------------------
@pytest.mark.parametrize("name", ["Report [draft] v2.txt", "[/x].txt", "[bold red]loud[/].txt"])
def test_file_names_with_markup_are_printed_verbatim(tmp_path, name):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / name).parent.mkdir(parents=True, exist_ok=True)  # "[/x].txt" is the file "x].txt" in a folder "["
    (inbox / name).write_text("")  # empty: an E102 error naming the file
    out = run("--db", str(tmp_path / "l.db"), "ingest", str(inbox))
    assert "Traceback" not in out.stderr and out.returncode == 1
    assert name in out.stderr and "E102" in out.stderr


def test_a_newline_in_a_file_name_cannot_forge_an_error_line(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a\nerror [E999] forged.txt").write_text("")
    out = run("--db", str(tmp_path / "l.db"), "ingest", str(inbox))
    assert out.returncode == 1
    assert not any(line.startswith("error [E999]") for line in out.stderr.splitlines())
    assert "a\\nerror [E999] forged.txt" in out.stderr


def test_markup_in_an_id_is_printed_verbatim(seeds_db):
    out = run("--db", seeds_db, "show", "[/x]")
    assert "Traceback" not in out.stderr and out.returncode == 2 and "'[/x]'" in out.stderr


# -- 16.3 readable at 80 columns --------------------------------------------------------------------------------
def test_documents_at_80_columns_keep_ids_dates_and_paths(seeds_db, seed_export):
    out = run("--db", seeds_db, "documents", columns=80)
    assert out.returncode == 0, out.stderr
    assert max(len(line) for line in out.stdout.splitlines()) <= 80
    for d in (r for r in seed_export if r["kind"] == "document"):
        assert re.search(rf"\b{d['id']}\b\s+{d['published']}\b", out.stdout), d["id"]
        assert Path(d["path"]).name[:30] in out.stdout.replace("\n", "").replace(" ", "")


@pytest.mark.parametrize("doc, ids", [("d381164f", ["c0", "c11", "q1", "q10"]), ("d225c575", ["a0", "a5", "c0"])])
def test_show_prints_item_ids_at_80_columns(seeds_db, doc, ids):
    out = run("--db", seeds_db, "show", doc, columns=80)
    assert out.returncode == 0, out.stderr
    assert max(len(line) for line in out.stdout.splitlines()) <= 80
    for local in ids:
        assert re.search(rf"^ {local}\s+\d+\s", out.stdout, re.MULTILINE), local


def test_corrections_add_takes_the_id_show_prints(seeds_db):
    fix = run("--db", seeds_db, "corrections", "add", "figure", "d381164f:q1", "reject")
    assert fix.returncode == 0, fix.stderr
    assert "quantity d381164fab62f004:q1 is now rejected" in fix.stderr


def test_corrections_add_lists_the_same_kinds_in_help_and_errors(seeds_db):
    from counterclaim.corrections import KIND_NAMES

    help_text = " ".join(run("corrections", "add", "--help", columns=300).stdout.split())
    assert KIND_NAMES in help_text.replace("│", "").replace("  ", " ")
    out = run("--db", seeds_db, "corrections", "add", "figures", "x", "confirm")
    assert KIND_NAMES in " ".join(out.stderr.split())


# -- 16.4 progress on long work ------------------------------------------------------------------------------
@pytest.mark.parametrize("args, verb, done", [(["analyze", "--all"], "analyze", "5/5 documents"),
                                              (["relink"], "relink", "linking 5 documents")])
def test_long_commands_show_a_progress_bar_on_a_terminal(seeds_db, args, verb, done):
    out = run("--db", seeds_db, *args, env={"FORCE_COLOR": "1", "TERM": "xterm"})
    assert out.returncode == 0, out.stderr
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.stderr)
    assert verb in plain and done in plain, plain[-500:]


# -- 16.5 counts agree -----------------------------------------------------------------------------------------
def test_ingest_summary_overview_and_export_count_entities_alike(seeds_db, seeded_ledger):
    from fastapi.testclient import TestClient

    from counterclaim.web import create_app

    out = run("--db", seeds_db, "ingest", str(SEEDS / sorted(os.listdir(SEEDS))[0]))
    assert out.returncode == 0, out.stderr
    numbers = [int(n) for n in re.findall(r"│\s+(\d+)\s+(?=│)", out.stderr)]
    added, skipped, failed, documents, entities = numbers[:5]
    assert (added, skipped, documents) == (0, 1, 5)
    meta = json.loads(run("--db", seeds_db, "export").stdout.splitlines()[0])
    with TestClient(create_app(seeds_db), base_url="http://127.0.0.1") as client:
        overview = client.get("/api/overview").json()["counts"]
    assert entities == meta["counts"]["entity"] == overview["entities"]
    assert numbers[5:] == [meta["counts"][k] for k in ("mention", "quantity", "attribution", "claim")]

"""The command line as a user runs it: exit codes, messages, a directory of bad inputs, kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent


def run(*args, cwd=None, timeout=600):
    return subprocess.run([sys.executable, "-m", "counterclaim", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout, env={**os.environ, "COLUMNS": "200"})


def test_version_and_help_with_examples():
    assert run("--version").stdout.startswith("counterclaim ")
    for cmd in ("ingest", "export", "analyze"):
        out = run(cmd, "--help")
        assert out.returncode == 0 and "Example" in out.stdout, cmd


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["ingest", "no/such/path.txt"], 2, "E002"),
        (["--db", "postgresql+psycopg://nobody@127.0.0.1:9/x?connect_timeout=2", "ingest", "."], 2, "E201"),
        (["ingest", "--bogus"], 2, "No such option"),
        (["export", "--format", "xml"], 2, "E401"),
    ],
)
def test_usage_errors_exit_2(tmp_path, args, code, message):
    out = run("--db", str(tmp_path / "l.db"), *args, cwd=tmp_path) if args[0] != "--db" else run(*args, cwd=tmp_path)
    assert out.returncode == code, out.stderr
    assert message in out.stderr


def test_bad_inputs_are_named_and_the_rest_ingested(tmp_path):
    d = tmp_path / "inbox"
    d.mkdir()
    (d / "empty.txt").write_text("")
    (d / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (d / "latin1.txt").write_bytes("DAMASCUS, Syria, May 2 (Reuters) - Según la ONU, 45 civiles murieron en "
                                   "Alepo, dijo el ministerio.".encode("latin-1"))
    (d / "good.md").write_text("# Idlib update\n\nThe Syrian Network for Human Rights said 12 civilians were "
                               "killed in Idlib on Tuesday.\n", encoding="utf-8")
    db = tmp_path / "l.db"
    out = run("--db", str(db), "ingest", str(d))
    assert out.returncode == 1
    assert "empty.txt" in out.stderr and "E102" in out.stderr
    assert "image.txt" in out.stderr and "E103" in out.stderr
    export = run("--db", str(db), "export", "--format", "jsonl")
    docs = [json.loads(line) for line in export.stdout.splitlines() if '"kind": "document"' in line]
    assert sorted(Path(d["path"]).name for d in docs) == ["good.md", "latin1.txt"]
    assert any("Según" in d["text"] for d in docs)
    again = run("--db", str(db), "ingest", str(d / "good.md"), str(d / "latin1.txt"))
    assert again.returncode == 0 and "2" in again.stderr  # both skipped as duplicates


def test_csv_export_writes_one_file_per_kind(tmp_path):
    db = tmp_path / "l.db"
    assert run("--db", str(db), "ingest", str(ROOT / "examples" / "002_da9fcd9cbe0b9238.txt")).returncode == 0
    out = run("--db", str(db), "export", "--format", "csv", "--out", str(tmp_path / "csv"))
    assert out.returncode == 0, out.stderr
    names = sorted(p.name for p in (tmp_path / "csv").iterdir())
    assert names == ["attributions.csv", "claims.csv", "documents.csv", "entities.csv", "mentions.csv", "meta.json",
                     "quantities.csv", "relations.csv", "techniques.csv"]
    header = (tmp_path / "csv" / "quantities.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("id,doc,start,end,text,value,low,high,approx,counted,category")


@pytest.mark.slow
def test_kill_9_during_a_large_ingest_leaves_only_whole_documents(tmp_path):
    corpus = _seed_corpus(tmp_path / "corpus", 120, lambda n: f"Report {n}: {n * 7 + 3} people were displaced.")
    db = tmp_path / "l.db"
    proc = subprocess.Popen([sys.executable, "-m", "counterclaim", "--db", str(db), "ingest", "-q", str(corpus)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for_documents(db, proc, 20)
    assert proc.poll() is None, "ingest finished before it could be killed"
    workers = _children(proc.pid)
    assert workers, "no analysis workers (ingest runs with --workers = the cores, and there are 2 here)"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _gone(workers), "analysis workers outlived their killed parent"
    with create_engine(f"sqlite:///{db}").connect() as conn:
        rows = conn.execute(text(
            "SELECT d.id, d.analyzed, count(m.id) FROM documents d LEFT JOIN mentions m ON m.doc_id = d.id "
            "GROUP BY d.id")).all()
    assert 20 <= len(rows) < 120
    assert all(analyzed and mentions > 0 for _, analyzed, mentions in rows)
    resumed = run("--db", str(db), "ingest", "-q", str(corpus))
    assert resumed.returncode == 0, resumed.stderr
    with create_engine(f"sqlite:///{db}").connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM documents WHERE analyzed")).scalar() == 120


def _seed_corpus(folder: Path, n_docs: int, first_line) -> Path:  # type: ignore[no-untyped-def]
    """``n_docs`` distinct texts: the seeds in turn, each under its own first line ``first_line(n)``."""
    folder.mkdir()
    seeds = sorted((ROOT / "examples").glob("*.txt"))
    for n in range(n_docs):
        body = seeds[n % len(seeds)].read_text(encoding="utf-8")
        (folder / f"{n:04d}.txt").write_text(f"{first_line(n)}\n\n{body}", encoding="utf-8")
    return folder


def _wait_for_documents(db: Path, proc: subprocess.Popen, at_least: int, timeout: float = 300) -> None:
    """Wait until the ledger at ``db`` holds ``at_least`` documents, ``proc`` ends, or ``timeout`` passes."""
    engine = create_engine(f"sqlite:///{db}")
    deadline = time.time() + timeout
    try:
        while time.time() < deadline and proc.poll() is None:
            time.sleep(0.2)
            try:
                with engine.connect() as conn:
                    if conn.execute(text("SELECT count(*) FROM documents")).scalar() >= at_least:
                        return
            except Exception:  # noqa: BLE001 - schema not there yet
                continue
    finally:
        engine.dispose()


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _gone(pids: list[int], timeout: float = 20) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        alive = [p for p in pids if Path(f"/proc/{p}").exists()
                 and Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"]
        if not alive:
            return True
        time.sleep(0.2)
    return False


@pytest.mark.slow
def test_ctrl_c_with_two_workers_stops_them_and_keeps_whole_documents(tmp_path):
    corpus = _seed_corpus(tmp_path / "corpus", 80, lambda n: f"Bulletin {n}: {n * 5 + 2} homes were destroyed.")
    db = tmp_path / "l.db"
    proc = subprocess.Popen([sys.executable, "-m", "counterclaim", "--db", str(db), "ingest", "-q", "--workers", "2",
                             str(corpus)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    _wait_for_documents(db, proc, 5)
    assert proc.poll() is None, "ingest finished before it could be interrupted"
    workers = _children(proc.pid)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole foreground group
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert "interrupted" in stderr and "Traceback" not in stderr, stderr
    assert _gone(workers)
    with create_engine(f"sqlite:///{db}").connect() as conn:
        rows = conn.execute(text(
            "SELECT d.analyzed, count(m.id) FROM documents d LEFT JOIN mentions m ON m.doc_id = d.id "
            "GROUP BY d.id")).all()
    assert 5 <= len(rows) < 80 and all(analyzed and mentions > 0 for analyzed, mentions in rows)


def test_documents_lists_each_document_with_its_asserter_and_date(tmp_path):
    db = tmp_path / "l.db"
    seeds = sorted((ROOT / "examples").glob("*.txt"))
    assert run("--db", str(db), "ingest", str(seeds[1]), str(seeds[3])).returncode == 0
    out = run("--db", str(db), "documents")
    assert out.returncode == 0, out.stderr
    assert "2 document(s)" in out.stdout
    lines = [ln for ln in out.stdout.splitlines() if "2023-" in ln]
    assert len(lines) == 2
    assert any("Sabina Aliyeva" in ln and "statement" in ln for ln in lines)
    assert any("Luis Moreno Ocampo" in ln and "interview" in ln for ln in lines)


def test_show_prints_attributions_and_claims_of_one_document(tmp_path):
    db = tmp_path / "l.db"
    seed = sorted((ROOT / "examples").glob("001_*.txt"))[0]
    assert run("--db", str(db), "ingest", str(seed)).returncode == 0
    out = run("--db", str(db), "show", str(seed))
    assert out.returncode == 0, out.stderr
    assert "interview" in out.stdout and "asserter Luis Moreno Ocampo" in out.stdout
    assert "US State Department" in out.stdout and "quote" in out.stdout
    assert "this is genocide" in out.stdout
    missing = run("--db", str(db), "show", "d000000")
    assert missing.returncode == 2 and "E203" in missing.stderr


def test_relink_reports_the_links_it_rebuilt(tmp_path):
    db = tmp_path / "l.db"
    seeds = sorted((ROOT / "examples").glob("*.txt"))
    assert run("--db", str(db), "ingest", "-q", str(seeds[2]), str(seeds[4])).returncode == 0
    out = run("--db", str(db), "relink")
    assert out.returncode == 0, out.stderr
    assert "relinked:" in out.stderr and "figure_consistent" in out.stderr
    assert "Loading weights" not in out.stderr


def test_export_into_a_reader_that_leaves_early_exits_0_quietly(seeded_ledger, tmp_path):
    """`counterclaim export | head -1`: the closed pipe is the reader's choice, not an error."""
    from tests.conftest import copy_ledger

    db = copy_ledger(seeded_ledger, tmp_path / "l.db")
    proc = subprocess.Popen([sys.executable, "-m", "counterclaim", "--db", db, "export"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=tmp_path)
    first = proc.stdout.readline()
    proc.stdout.close()  # as head -1 does; the export is far larger than the pipe's buffer
    err = proc.stderr.read()
    assert proc.wait(60) == 0, err
    assert json.loads(first)["kind"] == "meta" and err == b""

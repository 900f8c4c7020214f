"""Nothing lost, nothing wrong: control characters, a failing document, two writers, interrupted links.

The multi-process tests run the real command line (``python -m counterclaim``) on ledgers that do
not exist yet, so the two processes also race to create the schema.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from counterclaim.api import export_jsonl, ingest, link, open_ledger
from counterclaim.errors import LedgerError

ROOT = Path(__file__).resolve().parents[2]

PLACES = ("Kharkiv", "Mariupol", "Goma", "Aleppo", "Idlib", "Bucha", "Khan Younis", "Mosul")
SPEAKERS = (("Human Rights Watch", "Tirana Hassan"), ("Amnesty International", "Agnes Callamard"),
            ("the United Nations", "Volker Turk"), ("the Red Cross", "Mirjana Spoljaric"))


def corpus_text(n: int) -> str:
    """A short wire story (written for these tests), different for every ``n``, sharing names with the others."""
    place, other = PLACES[n % len(PLACES)], PLACES[(n * 3 + 1) % len(PLACES)]
    org, person = SPEAKERS[n % len(SPEAKERS)]
    return (f"Bulletin {n}.\n\n{person} of {org} said on Monday that {12 + n} civilians were killed in {place} "
            f"after shelling on {2 + n % 5} March. \"These attacks must stop,\" {person} said.\n\n"
            f"The ministry of defence denied that its forces shelled {place} and said that {30 + 2 * n} soldiers "
            f"were killed in {other}. Residents of {other} said that more than {100 + n} families fled.\n")


def write_corpus(folder: Path, numbers) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in numbers:
        (folder / f"bulletin_{n:03d}.txt").write_text(corpus_text(n), encoding="utf-8")
    return folder


def cli(*args: str) -> subprocess.Popen:
    # Ctrl-C reaches the child even when the tests run as a background job (which ignores SIGINT).
    return subprocess.Popen([sys.executable, "-m", "counterclaim", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "COLUMNS": "200"},
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def export_lines(db: str) -> list[dict]:
    from io import StringIO

    buf = StringIO()
    export_jsonl(open_ledger(db), buf)
    return [json.loads(line) for line in buf.getvalue().splitlines()]


def backends():
    yield pytest.param("sqlite", id="sqlite")
    yield pytest.param("postgresql", id="postgresql", marks=[pytest.mark.postgres])


@pytest.fixture(params=list(backends()))
def empty_db(request, tmp_path):
    """A ledger location with no ledger yet: a SQLite path, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "ledger.db")
    return request.getfixturevalue("fresh_pg_url")


# -- 1. control characters, and a failing document never stops the others ----------------------
def test_nul_and_controls_are_removed_on_every_backend(tmp_path, empty_db):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    # a NUL past the first 8 KiB of a .txt, where the binary sniffing does not look
    (inbox / "long.txt").write_text("Shelling hit Kharkiv on Monday.\n" * 300 + "Four\x00 people died.\x01\n",
                                    encoding="utf-8")
    (inbox / "feed.jsonl").write_text(
        json.dumps({"text": "The UN said 12 civilians\u0000 were killed in Goma.", "title": "Goma\u0000 update",
                    "outlet": "Wire\u0007"}) + "\n"
        + json.dumps({"text": "Residents of Aleppo fled on Tuesday.", "title": "Aleppo"}) + "\n", encoding="utf-8")
    ledger = open_ledger(empty_db)
    report = ingest(ledger, [inbox], analyze=False)
    assert report.ok and len(report.added) == 3
    rows = export_lines(empty_db)
    assert rows[0]["schema"] == 2
    docs = [r for r in rows if r["kind"] == "document"]
    assert len(docs) == 3
    for d in docs:
        for value in (d["text"], d["title"], d["outlet"]):
            assert value is None or not any(ord(ch) < 32 and ch not in "\t\n" for ch in value)
    assert {d["title"] for d in docs} >= {"Goma update", "Aleppo"}
    assert any(d["text"].endswith("Four people died.\n") for d in docs)


def test_a_document_the_ledger_refuses_fails_alone(tmp_path, monkeypatch):
    inbox = write_corpus(tmp_path / "inbox", range(3))
    ledger = open_ledger(str(tmp_path / "l.db"))
    real = type(ledger).add_document

    def refuse_the_second(self, doc, analysis, *, analyzer=None):
        if "Bulletin 1." in doc.text:
            raise LedgerError("the ledger refused the document: value too long", code="E204")
        return real(self, doc, analysis, analyzer=analyzer)

    monkeypatch.setattr(type(ledger), "add_document", refuse_the_second)
    report = ingest(ledger, [inbox], analyze=False)
    assert len(report.added) == 2
    assert [(f.code, Path(f.path).name) for f in report.failed] == [("E204", "bulletin_001.txt")]


@pytest.mark.postgres
def test_a_database_error_names_no_sql(fresh_pg_url):
    """A refused write (here a NUL slipped past normalisation) is a coded error without SQL or text."""
    from counterclaim.ingest.document import Document

    ledger = open_ledger(fresh_pg_url)
    doc = Document(text="Shelling hit Kharkiv on Monday.\n", path="a.txt")
    doc.text = "Shelling hit Kharkiv\x00 on Monday.\n"
    with pytest.raises(LedgerError) as exc:
        ledger.add_document(doc, None)
    assert exc.value.code == "E204" and "NUL" in str(exc.value)
    assert "INSERT" not in str(exc.value) and "Kharkiv" not in str(exc.value)


# -- 2. two writers on one ledger ------------------------------------------------------------------
@pytest.mark.slow
def test_two_ingests_at_once_neither_crashes_nor_loses_anything(tmp_path, empty_db):
    first = write_corpus(tmp_path / "first", range(0, 9))
    second = write_corpus(tmp_path / "second", range(5, 14))  # overlapping: 5..8 in both
    procs = [cli("--db", empty_db, "ingest", "-q", str(first)), cli("--db", empty_db, "ingest", "-q", str(second))]
    results = [p.communicate(timeout=600) for p in procs]
    for p, (_out, err) in zip(procs, results, strict=True):
        assert p.returncode == 0, err
        assert "Traceback" not in err
    ledger = open_ledger(empty_db)
    everything, pending = ledger.link_state()
    assert len(everything) == 14 and not pending
    together = sorted((r["type"], r["a"], r["b"]) for r in export_lines(empty_db) if r["kind"] == "relation")
    link(ledger)  # from scratch, one process
    alone = sorted((r["type"], r["a"], r["b"]) for r in export_lines(empty_db) if r["kind"] == "relation")
    assert together and together == alone


def test_two_linkers_take_turns(tmp_path):
    """The link lock: a second holder waits until the first lets go."""
    import threading

    ledger = open_ledger(str(tmp_path / "l.db"))
    other = open_ledger(str(tmp_path / "l.db"))
    order: list[str] = []
    with ledger.link_lock():
        t = threading.Thread(target=lambda: other.link_lock().__enter__() or order.append("second"))
        t.start()
        time.sleep(0.3)
        order.append("first done")
    t.join(5)
    assert order == ["first done", "second"]


# -- 3. interrupted ingests: linked state, Ctrl-C, kill -9 -----------------------------------------
def _documents_stored(db: Path) -> int:
    try:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.Error:
        return 0


def _wait_for(proc: subprocess.Popen, db: Path, n: int) -> None:
    end = time.monotonic() + 300
    while _documents_stored(db) < n:
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < end
        time.sleep(0.05)


@pytest.mark.slow
def test_kill_9_while_linking_then_a_plain_rerun_links_everything(tmp_path):
    inbox = write_corpus(tmp_path / "inbox", range(8))
    db = tmp_path / "l.db"
    proc = cli("--db", str(db), "ingest", "-q", str(inbox))
    _wait_for(proc, db, 8)  # every document stored: the process is linking now
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    everything, pending = open_ledger(str(db)).link_state()
    assert len(everything) == 8 and pending == everything  # stored whole, links not stored
    rerun = cli("--db", str(db), "ingest", "-q", str(inbox))
    _out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err
    ledger = open_ledger(str(db))
    assert ledger.link_state()[1] == set()
    after = sorted((r["type"], r["a"], r["b"]) for r in export_lines(str(db)) if r["kind"] == "relation")
    link(ledger)
    assert after and after == sorted((r["type"], r["a"], r["b"]) for r in export_lines(str(db))
                                     if r["kind"] == "relation")


@pytest.mark.slow
@pytest.mark.parametrize("stored, message", [(1, "the others are not in the ledger"),
                                             (40, "interrupted while linking")])
def test_ctrl_c_says_what_it_left(tmp_path, stored, message):
    inbox = write_corpus(tmp_path / "inbox", range(40))  # analysed in batches of 16
    db = tmp_path / "l.db"
    proc = cli("--db", str(db), "ingest", "-q", str(inbox))
    _wait_for(proc, db, stored)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert message in err and "Traceback" not in err
    everything, pending = open_ledger(str(db)).link_state()
    assert pending == everything  # nothing was linked; the next run links them

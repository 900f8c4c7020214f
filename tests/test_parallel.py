"""The analysis in worker processes: the same ledger, byte for byte, as in one process."""

from __future__ import annotations

import pickle
from io import StringIO
from pathlib import Path

import pytest

from counterclaim.errors import AnalysisError, IngestError, LedgerError

ROOT = Path(__file__).resolve().parent.parent

# Short wire items written for these tests (other conflicts than the seeds').
WIRE = [
    "KHARTOUM, Sudan, June 3 - The Sudanese Doctors' Union said 37 civilians were killed and 112 injured "
    "when shells hit a market in Omdurman on Monday. The Rapid Support Forces denied targeting civilians.",
    "GOMA, Congo - M23 rebels seized the town of Rubaya on Tuesday, a local official said, and more than "
    "2,000 people fled towards Goma. The army called the claim false.",
    "The Ministry of Health in Sana'a said on Friday that an air strike killed 14 people, including six "
    "children, in Saada province. The coalition said it had struck a weapons depot.",
    "MOGADISHU - Al-Shabaab fighters attacked an army base near Baidoa, killing at least nine soldiers, "
    "the regional governor told reporters.",
    "Amnesty International accused the security forces of detaining nearly 300 protesters in Tbilisi. "
    "The interior ministry said only 47 people were held.",
]


def _corpus(folder: Path) -> Path:
    """Two seeds that answer each other plus short wire items: more documents than one batch of two."""
    folder.mkdir()
    for seed in sorted((ROOT / "examples").glob("00[01]_*.txt")):
        (folder / seed.name).write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    for n, text in enumerate(WIRE):
        (folder / f"wire_{n}.txt").write_text(text + "\n", encoding="utf-8")
    return folder


def _export(ledger) -> str:  # type: ignore[no-untyped-def]
    from counterclaim.api import export_jsonl

    buf = StringIO()
    export_jsonl(ledger, buf)
    return buf.getvalue()


@pytest.mark.slow
def test_two_workers_store_the_same_ledger_as_one(tmp_path):
    from counterclaim.api import analyze_pending, ingest, open_ledger

    corpus = _corpus(tmp_path / "corpus")
    exports = {}
    for workers in (1, 2):
        ledger = open_ledger(str(tmp_path / f"w{workers}.db"))
        report = ingest(ledger, [corpus], workers=workers, batch_size=2)
        assert report.ok and len(report.added) == 7
        exports[workers] = _export(ledger)
        ledger.close()
    assert exports[2] == exports[1]
    assert exports[1].count('"kind": "document"') == 7 and '"kind": "relation"' in exports[1]

    later = open_ledger(str(tmp_path / "later.db"))
    assert ingest(later, [corpus], analyze=False).ok
    report = analyze_pending(later, workers=2, batch_size=2)
    assert report.ok and len(report.added) == 7
    assert _export(later) == exports[1]


def test_one_batch_is_analysed_without_starting_workers(tmp_path, monkeypatch):
    from counterclaim import parallel
    from counterclaim.ingest.document import Document

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a worker pool was started for one batch")

    monkeypatch.setattr(parallel, "AnalysisPool", refuse)
    docs = [Document(text=text, path=f"wire_{n}.txt") for n, text in enumerate(WIRE[:2])]
    with parallel.analysis_stream(docs, workers=4, batch_size=2) as (name, results):
        pairs = list(results)
    assert name.startswith("counterclaim ")
    assert [d.path for d, _ in pairs] == ["wire_0.txt", "wire_1.txt"]
    assert all(not isinstance(r, AnalysisError) and r.mentions for _, r in pairs)


@pytest.mark.parametrize("error", [
    AnalysisError("analysis failed: ValueError: boom", code="E303", path="inbox/a.txt"),
    IngestError("binary file (looks like PNG image); not text", code="E103", path="inbox/image.txt"),
    LedgerError("database is locked", code="E201"),
])
def test_coded_errors_cross_a_process_boundary_unchanged(error):
    back = pickle.loads(pickle.dumps(error))
    assert (type(back), back.code, back.path, back.message, str(back)) == \
        (type(error), error.code, error.path, error.message, str(error))


def test_default_workers_is_the_number_of_usable_cores():
    import os

    from counterclaim.parallel import default_workers

    assert default_workers() == len(os.sched_getaffinity(0))

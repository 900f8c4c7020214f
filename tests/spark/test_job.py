"""The Spark job writes the same ledger as `counterclaim ingest` of the same inputs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest

from counterclaim.api import export_jsonl, ingest, open_ledger

pytestmark = [pytest.mark.spark, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "examples"


def _export(ledger) -> list[str]:  # type: ignore[no-untyped-def]
    buf = StringIO()
    export_jsonl(ledger, buf)
    return buf.getvalue().splitlines()


def _both(spark, tmp_path: Path, inputs: list[str]):  # type: ignore[no-untyped-def]
    from counterclaim.spark import job
    from counterclaim.spark.job import spark_ingest

    local = open_ledger(str(tmp_path / "ingest.db"))
    by_ingest = ingest(local, inputs, workers=2)
    on_spark = open_ledger(str(tmp_path / "spark.db"))

    def no_local_link(*_a, **_k):  # type: ignore[no-untyped-def]
        raise AssertionError("an empty ledger is linked on Spark, not by the library on the driver")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(job, "link", no_local_link)
        by_spark = spark_ingest(spark, on_spark, inputs, partitions=3)
    return (by_ingest, _export(local)), (by_spark, _export(on_spark)), on_spark


@pytest.fixture(scope="module")
def seeds(spark, tmp_path_factory):  # type: ignore[no-untyped-def]
    return _both(spark, tmp_path_factory.mktemp("seeds"), [str(SEEDS)])


def test_seeds_give_the_same_ledger_as_ingest(seeds):
    (ingested, local), (sparked, remote), _ledger = seeds
    assert len(sparked.added) == len(ingested.added) == 5 and sparked.ok
    assert remote == local
    relations = [json.loads(line) for line in remote if '"kind": "relation"' in line]
    assert {r["type"] for r in relations} >= {"contradicts", "rebuts", "figure_consistent"}
    assert any(json.loads(line).get("incident_type") for line in remote if '"kind": "entity"' in line)


def test_the_parquet_output_written_by_the_executors_reads_back_as_the_jsonl_export_of_ingest(spark, seeds,
                                                                                             tmp_path):
    from counterclaim.errors import ExportError
    from counterclaim.export.parquet import read_lines
    from counterclaim.spark.export import export_on_spark

    (_i, local), _s, on_spark = seeds
    folder = str(tmp_path / "ledger.parquet")
    assert export_on_spark(spark, on_spark, folder, parts=1) == len(local)
    assert read_lines(folder) == local
    with pytest.raises(ExportError) as refused:  # never over an existing folder
        export_on_spark(spark, on_spark, folder)
    assert refused.value.code == "E403"


def test_the_parquet_output_leaves_out_what_analysts_rejected_as_the_export_does(spark, seeds, tmp_path):
    """A rejected claim goes, and so do the relations to it, though the executors read the claims and the
    relations in different tasks; the ledger is cut into document ranges."""
    from counterclaim.corrections import correct
    from counterclaim.export.parquet import read_lines
    from counterclaim.spark.export import export_on_spark
    from tests.conftest import copy_ledger

    (_i, local), _s, on_spark = seeds
    rows = [json.loads(line) for line in local]
    claims = {r["id"] for r in rows if r["kind"] == "claim"}
    related = next(r["a"] for r in rows if r["kind"] == "relation" and r["a"] in claims)
    reviewed = open_ledger(copy_ledger(on_spark, tmp_path / "reviewed.db"))
    correct(reviewed, "claim", related, "reject", author="analyst")
    lines = _export(reviewed)
    kept = [json.loads(line) for line in lines[1:]]
    assert not [r for r in kept if r.get("id") == related or related in (r.get("a"), r.get("b"))]
    folder = str(tmp_path / "reviewed.parquet")
    assert export_on_spark(spark, reviewed, folder, parts=2) == len(lines)
    assert read_lines(folder) == lines


@pytest.mark.postgres
def test_a_postgresql_ledger_is_written_by_the_executors(spark, seeds, fresh_pg_url, tmp_path):
    """The executors store the documents in batches; the driver gets status rows (a copy, a bad line) only."""
    from counterclaim.export.parquet import read_lines
    from counterclaim.spark import job
    from counterclaim.spark.export import export_on_spark

    (_i, local), _s, _ledger = seeds
    extra = tmp_path / "extra"
    extra.mkdir()
    shutil.copy(SEEDS / "002_da9fcd9cbe0b9238.txt", extra / "copy_of_002.txt")
    (extra / "feed.jsonl").write_text(json.dumps({"title": "no text"}) + "\n", encoding="utf-8")
    ledger = open_ledger(fresh_pg_url)

    def on_the_driver(*_a, **_k):  # type: ignore[no-untyped-def]
        raise AssertionError("a PostgreSQL ledger is written by the executors, not by the driver")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(job, "store_document", on_the_driver)
        report = job.spark_ingest(spark, ledger, [str(SEEDS), str(extra)], partitions=3)
    assert len(report.added) == 5
    assert report.skipped == [str(extra / "copy_of_002.txt")]
    assert [e.code for e in report.failed] == ["E107"] and "feed.jsonl:1" in str(report.failed[0])
    assert _export(ledger) == local
    folder = str(tmp_path / "ledger.parquet")
    assert export_on_spark(spark, ledger, folder, parts=1) == len(local)
    assert read_lines(folder) == local


def test_a_generated_corpus_with_copies_and_bad_lines_gives_the_same_ledger(spark, tmp_path):
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(ROOT / "bench" / "make_corpus.py"), "--n", "200", "--out",
                    str(corpus / "generated"), "--seed", "7"], check=True, capture_output=True)
    shutil.copy(SEEDS / "002_da9fcd9cbe0b9238.txt", corpus / "copy_of_002.txt")
    lines = [{"text": "GOMA, Congo - More than 2,000 people fled Rubaya on Tuesday, a local official said.",
              "title": "Rubaya", "published": "2024-05-02"},
             {"title": "no text"},
             {"text": (SEEDS / "002_da9fcd9cbe0b9238.txt").read_text(encoding="utf-8")}]
    (corpus / "feed.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    inputs = [str(SEEDS), str(corpus)]
    (ingested, local), (sparked, remote), _ledger = _both(spark, tmp_path, inputs)
    assert len(sparked.added) == len(ingested.added) == 206
    assert sorted(sparked.skipped) == sorted(ingested.skipped) and len(sparked.skipped) == 2
    assert [str(e) for e in sparked.failed] == [str(e) for e in ingested.failed]
    assert "feed.jsonl:2" in str(sparked.failed[0]) and sparked.failed[0].code == "E107"
    assert len(remote) == len(local)
    assert remote == local


def test_parquet_records_become_documents(spark, tmp_path):
    from counterclaim.spark.job import spark_ingest

    records = [("KHARTOUM, Sudan - The Sudanese Doctors' Union said 37 civilians were killed in Omdurman.",
                "Omdurman", "2023-06-05"),
               ("Amnesty International accused the police of detaining nearly 300 protesters in Tbilisi.",
                None, None)]
    folder = str(tmp_path / "wire.parquet")
    spark.createDataFrame(records, "text string, title string, published string").coalesce(1) \
        .write.parquet(folder)
    ledger = open_ledger(str(tmp_path / "p.db"))
    report = spark_ingest(spark, ledger, [folder])
    assert report.ok and len(report.added) == 2
    rows = [json.loads(line) for line in _export(ledger)]
    docs = sorted((r for r in rows if r["kind"] == "document"), key=lambda r: r["path"])
    assert [(d["path"], d["published"]) for d in docs] == [(f"{folder}#0", "2023-06-05"), (f"{folder}#1", None)]
    assert docs[0]["title"] == "Omdurman"  # the second one's is inferred from its text, as for any input
    figures = {(r["value"], r["category"]) for r in rows if r["kind"] == "quantity"}
    assert {(37, "killed"), (300, "detained")} <= figures

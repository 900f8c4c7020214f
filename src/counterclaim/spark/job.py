"""The Spark job behind ``counterclaim spark-ingest``: read, analyse on the executors, write, link.

1. **Read.** Every input file becomes one row of a DataFrame (Spark's ``binaryFile`` source;
   ``.jsonl`` files too, each split into lines on its executor by the reader ``ingest`` uses);
   a Parquet dataset (a path ending in ``.parquet``) gives one row per record with a ``text``
   column and optional ``title``, ``url``, ``published``, ``outlet``, ``path``.
2. **Documents.** On the executors, bytes become Documents through
   :func:`counterclaim.ingest.readers.read_bytes`, each keyed so that the keys sort as
   ``ingest`` walks its inputs (input, then path components, then line). Of several copies
   of one text only the first is kept, as ``ingest`` does.
3. **Analysis.** ``mapInPandas`` over range-partitioned, sorted documents: metadata inference
   and the spaCy pipeline, loaded once per Python worker (Spark reuses its workers, so each
   executor core keeps one pipeline for the whole job).
   Each analysed document also gets its contract rows, for the linking.
   The analysed partitions are cached on the executors (the driver gets their count).
4. **Write** (:mod:`counterclaim.spark.write`). A database server (PostgreSQL) is written by
   the executors, each partition in batches of documents, one transaction per batch; the
   driver reads back one status row per document (id, path, outcome). A SQLite ledger is a
   file on the driver: the driver streams the analysed partitions in key order into it
   (``toLocalIterator``: one partition in memory at a time), one transaction per document.
5. **Link.** Into an empty ledger, the documents are linked on Spark
   (:mod:`counterclaim.spark.link`: the library's stages run per block, the blocks met by
   joins on the linker's keys); into a ledger that already holds documents, the library links
   the new ones as ``ingest`` does. Either way the ledger is the same as ``counterclaim
   ingest`` of the same inputs gives.
6. **Parquet** (``--out``, :mod:`counterclaim.spark.export`): the executors read the ledger
   in slices and Spark's DataFrame writer writes the contract's dataset.

Nothing collects the corpus on the driver. What reaches it: counts, the status rows, and
the small per-entity and per-document records the linking lists (:mod:`counterclaim.spark.link`).
"""

from __future__ import annotations

import functools
import os
import pickle
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from counterclaim.api import IngestReport, link, store_document
from counterclaim.errors import CounterclaimError, IngestError, LedgerError, UsageError
from counterclaim.ingest.readers import DEFAULT_MAX_BYTES
from counterclaim.ledger.store import Ledger
from counterclaim.spark.write import ADDED, SKIPPED, error_of, write_on_executors, writes_on_executors

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame, SparkSession

DOCS_SCHEMA = "order string, sha256 string, path string, item binary"
ANALYSED_SCHEMA = "order string, item binary, result binary, analyzer string, doc string, rows binary"
ARROW_BATCH = 64  # documents per pandas batch on an executor (memory per worker stays small)


def spark_session(master: str | None = None, app_name: str = "counterclaim") -> SparkSession:
    """A SparkSession whose Python workers run this interpreter (unless PYSPARK_PYTHON says otherwise).

    ``master`` is left to ``spark-submit`` when None.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise UsageError("spark-ingest needs PySpark: pip install 'counterclaim[spark]' (and a Java runtime, "
                         "e.g. apt-get install openjdk-17-jre-headless)", code="E003") from exc
    import sys

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    return (builder.config("spark.sql.execution.arrow.maxRecordsPerBatch", str(ARROW_BATCH))
            .config("spark.python.worker.reuse", "true")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate())


# --- executor side ------------------------------------------------------------------------------
def _local(uri: str) -> str:
    """A ``file:`` URI as a local path; other URIs unchanged."""
    from urllib.parse import unquote, urlparse

    if uri.startswith("file:"):
        return unquote(urlparse(uri).path)
    return uri


def _shown(given: str, uri: str) -> tuple[str, tuple[str, ...]]:
    """How ``ingest`` would name a file found under the input ``given``, and its path components."""
    path = _local(uri)
    base = os.path.abspath(given) if "://" not in given else given.rstrip("/")
    if path == base:
        return given, ()
    rel = os.path.relpath(path, base) if "://" not in given else path[len(base):].lstrip("/")
    return os.path.join(given, rel), tuple(rel.split(os.sep))


def _order(input_no: int, parts: Sequence[str], item_no: int) -> str:
    # NUL sorts before every character, so the joined key sorts component by component (as the walk does).
    return f"{input_no:06d}\x00" + "\x00".join(parts) + f"\x00\x00{item_no:09d}"


def _documents_of_files(batches: Iterator[pd.DataFrame], *, inputs: Sequence[str], max_bytes: int
                        ) -> Iterator[pd.DataFrame]:
    import pandas as pd

    from counterclaim.ingest.readers import read_bytes

    for batch in batches:
        rows = []
        for input_no, uri, content in zip(batch["input_no"], batch["path"], batch["content"], strict=True):
            shown, parts = _shown(inputs[input_no], uri)
            for k, item in enumerate(read_bytes(bytes(content), shown, max_bytes=max_bytes)):
                rows.append(_doc_row(_order(input_no, parts, k), item))
        yield pd.DataFrame(rows, columns=["order", "sha256", "path", "item"])


def _documents_of_records(batches: Iterator[pd.DataFrame], *, given: str, input_no: int) -> Iterator[pd.DataFrame]:
    import pandas as pd

    from counterclaim.ingest.readers import document_from_record

    for batch in batches:
        rows = []
        for record in batch.to_dict("records"):
            n = int(record.pop("_row"))
            record = {k: (None if v is None or v != v else v) for k, v in record.items()}  # NaN -> None
            shown = f"{given}#{n}"
            try:
                item: Any = document_from_record(record, shown, {"reader": "parquet", "row": n})
            except IngestError as exc:
                item = IngestError(exc.message, code=exc.code, path=shown)
            rows.append(_doc_row(_order(input_no, (), n), item))
        yield pd.DataFrame(rows, columns=["order", "sha256", "path", "item"])


def _doc_row(order: str, item: Any) -> tuple[str, str | None, str | None, bytes]:
    if isinstance(item, IngestError):
        return order, None, item.path, pickle.dumps(item)
    return order, item.sha256, item.path, pickle.dumps(item)


def _analyse(batches: Iterator[pd.DataFrame], *, batch_size: int) -> Iterator[pd.DataFrame]:
    """One pandas batch of documents → their analyses (the pipeline is cached per Python worker)."""
    import pandas as pd

    from counterclaim.analyze import analyze_documents
    from counterclaim.ingest.metadata import infer_metadata
    from counterclaim.nlp import analyzer_name
    from counterclaim.spark.link import contract_rows

    name = analyzer_name()
    for batch in batches:
        out: list[tuple[str, bytes, bytes, str, str | None, bytes | None]] = []
        documents = []
        for order, blob in zip(batch["order"], batch["item"], strict=True):
            item = pickle.loads(blob)
            if isinstance(item, IngestError):
                out.append((order, blob, blob, name, None, None))
                continue
            try:
                documents.append((order, infer_metadata(item)))
            except Exception as exc:  # noqa: BLE001 - as in ingest: one odd text must not stop the job
                error = IngestError(f"metadata inference failed: {exc!r}", code="E110", path=item.path)
                out.append((order, blob, pickle.dumps(error), name, None, None))
        results = analyze_documents((d for _, d in documents), batch_size=batch_size)
        for (order, _), (document, result) in zip(documents, results, strict=True):
            rows = None if isinstance(result, CounterclaimError) else pickle.dumps(contract_rows(document, result, name))
            out.append((order, pickle.dumps(document), pickle.dumps(result), name, document.id, rows))
        out.sort(key=lambda row: row[0])
        yield pd.DataFrame(out, columns=["order", "item", "result", "analyzer", "doc", "rows"])


# --- driver side --------------------------------------------------------------------------------
def read_documents(spark: SparkSession, inputs: Sequence[str], *, max_bytes: int = DEFAULT_MAX_BYTES
                   ) -> DataFrame:
    """One row per document (or per unreadable input): ``order``, ``sha256``, ``path``, ``item``."""
    from pyspark.sql import functions as F

    frames = []
    files = []
    for n, given in enumerate(inputs):
        if given.rstrip("/").endswith(".parquet"):
            records = (spark.read.parquet(given).withColumn("_row", F.monotonically_increasing_id()))
            keep = [c for c in ("text", "title", "url", "published", "outlet", "path", "_row") if c in records.columns]
            frames.append(records.select(*keep).mapInPandas(
                functools.partial(_documents_of_records, given=given, input_no=n), DOCS_SCHEMA))
        else:
            files.append(spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(given)
                         .select(F.lit(n).alias("input_no"), "path", "content"))
    if files:
        union = functools.reduce(lambda a, b: a.unionByName(b), files)
        frames.append(union.mapInPandas(
            functools.partial(_documents_of_files, inputs=list(inputs), max_bytes=max_bytes), DOCS_SCHEMA))
    return functools.reduce(lambda a, b: a.unionByName(b), frames)


def spark_ingest(spark: SparkSession, ledger: Ledger, inputs: Sequence[str], *, max_bytes: int = DEFAULT_MAX_BYTES,
                 partitions: int | None = None, batch_size: int = 16, link_after: bool = True,
                 on_document: Callable[[str], None] | None = None) -> IngestReport:
    """Read, analyse (on the executors) and store every document under ``inputs``, then link.

    Args:
        spark: the session (``local[N]`` or a cluster).
        ledger: the ledger: a database server is written by the executors (batches of documents,
            one transaction each), a SQLite file by the driver (one transaction per document).
        inputs: files, folders or URIs Spark can read (``hdfs://``, ``s3a://``...); ``*.parquet`` for records.
        partitions: analysis tasks (default: 4 per core of the cluster).
        batch_size: documents parsed together by spaCy on an executor.
        on_document: called with each document's path once it is stored (or skipped or failed).

    What reaches the driver: the count of analysed documents, one status row per document
    (id, path, outcome; the error of a failed one), and what :func:`_link_on_spark` lists.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    _check_inputs(inputs)
    report = IngestReport()
    fresh = not ledger.link_state()[0]  # an empty ledger: the links are made on Spark
    docs = read_documents(spark, inputs, max_bytes=max_bytes)
    first = F.row_number().over(Window.partitionBy("sha256").orderBy("order"))
    ranked = docs.withColumn("copy", F.when(F.col("sha256").isNull(), F.lit(1)).otherwise(first))
    ranked = ranked.persist()
    cached = [ranked]
    added: DataFrame | None = None
    on_spark = False
    try:
        ranked.count()  # every input read at once; the count reaches the driver
        for row in ranked.where("copy > 1").select("path").toLocalIterator():  # a status row per copy: its path
            report.skipped.append(row["path"])
        n = partitions or 4 * spark.sparkContext.defaultParallelism
        kept = ranked.where("copy = 1").drop("copy", "sha256", "path")
        analysed = (kept.repartitionByRange(n, "order").sortWithinPartitions("order")
                    .mapInPandas(functools.partial(_analyse, batch_size=batch_size), ANALYSED_SCHEMA)).persist()
        cached.append(analysed)
        analysed.count()  # every analysis task at once (toLocalIterator alone would run them one by one)
        if writes_on_executors(ledger):
            status = write_on_executors(ledger, analysed, fresh=fresh)
            cached.append(status)
            for row in status.toLocalIterator():
                _tally(row, report)
                if on_document:
                    on_document(row["path"] or "")
            added = status.where(F.col("outcome") == ADDED).select("doc")
        else:  # a SQLite file: the driver writes, one partition in memory at a time
            for row in analysed.select("order", "item", "result", "analyzer").toLocalIterator(prefetchPartitions=True):
                shown = _store(ledger, row, report)
                if on_document:
                    on_document(shown)
        if link_after and fresh and report.added:
            _link_on_spark(ledger, analysed, report, added)
            on_spark = True
    finally:
        for frame in cached:
            frame.unpersist()
    if link_after and not on_spark:  # into a ledger that had documents: the library links, as ingest does
        link(ledger, new_docs=report.added)
    return report


def _link_on_spark(ledger: Ledger, analysed: DataFrame, report: IngestReport, added: DataFrame | None) -> None:
    """Link the documents stored from ``analysed`` on Spark and write the links as ``ingest`` would."""
    from counterclaim.api import _derived_entities
    from counterclaim.spark.link import document_rows, spark_link

    docs = document_rows(analysed)
    if any(isinstance(f, LedgerError) for f in report.failed):  # a document the ledger refused
        if added is None:
            added = analysed.sparkSession.createDataFrame([(d,) for d in report.added], "doc string")
        docs = docs.join(added, "doc")
    with ledger.link_lock():
        found = spark_link(docs)
        entities, derived = _derived_entities(found)
        ledger.write_links(found.links, found.relations, replace=True, new_entities=entities, derived=derived,
                           linked=set(report.added))


def _tally(row: Any, report: IngestReport) -> None:
    """Count one status row of the executors' writes into ``report``."""
    if row["outcome"] == ADDED:
        report.added.append(row["doc"])
    elif row["outcome"] == SKIPPED:
        report.skipped.append(row["path"])
    else:
        report.failed.append(error_of(row))


def _store(ledger: Ledger, row: Any, report: IngestReport) -> str:
    """Store one analysed row (or record its failure); returns the path it came from."""
    result = pickle.loads(row["result"])
    if isinstance(result, CounterclaimError):  # unreadable input, metadata or analysis failure
        report.failed.append(result)
        return result.path or ""
    document = pickle.loads(row["item"])
    store_document(ledger, document, result, row["analyzer"], report)
    return document.path


def _check_inputs(inputs: Sequence[str]) -> None:
    missing = [p for p in inputs if "://" not in p and not os.path.exists(p)]
    if missing:
        raise UsageError(f"no such file or directory: {', '.join(missing)}", code="E002",
                         path=missing[0] if len(missing) == 1 else None)


def main(argv: Sequence[str] | None = None) -> int:
    """The ``spark-submit`` entry point: ``INPUT... --db URL [--partitions N] [--out DIR.parquet]`` (master from
    spark-submit)."""
    import argparse

    ap = argparse.ArgumentParser(prog="counterclaim.spark.submit", description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="+", help="files, folders or URIs (hdfs://, s3a://); *.parquet for records")
    ap.add_argument("--db", required=True, help="the ledger: a SQLAlchemy URL (postgresql+psycopg://...) or a path")
    ap.add_argument("--partitions", type=int, help="analysis tasks (default: 4 per core)")
    ap.add_argument("--max-mb", type=float, default=DEFAULT_MAX_BYTES / 1024 / 1024)
    ap.add_argument("--out", help="also write the ledger as Parquet here (as `export --format parquet`)")
    args = ap.parse_args(argv)
    spark = spark_session()
    ledger = Ledger(args.db)
    report = spark_ingest(spark, ledger, args.inputs, partitions=args.partitions,
                          max_bytes=int(args.max_mb * 1024 * 1024))
    if args.out:
        from counterclaim.spark.export import export_on_spark

        print(f"{export_on_spark(spark, ledger, args.out)} lines written to {args.out}")
    for failure in report.failed:
        print(f"error {failure}")
    print(f"added {len(report.added)}, skipped {len(report.skipped)}, failed {len(report.failed)}")
    return 1 if report.failed else 0


__all__ = ["main", "read_documents", "spark_ingest", "spark_session"]

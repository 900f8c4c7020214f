"""The ledger as the contract's Parquet dataset, written by the executors (``spark-ingest --out``).

The same dataset as ``counterclaim export --format parquet`` (:mod:`counterclaim.export.parquet`):
one row per line of the JSONL export (``n``, ``id``, ``doc``, ``line``), partitioned by
``kind``. Here each executor task reads one slice of the ledger (the documents, or the
mentions, claims... of one range of document ids; the entities; the relations) with the
export's own row builders, and Spark's DataFrame writer writes the files. Line numbers come
from ``zipWithIndex`` over the slices in export order.

What reaches the driver: the meta line's counts, the canonical entity map and the analysts'
verdicts (broadcast to the tasks), a few document ids bounding the ranges, and the number of
lines per task. A SQLite ledger is read by the executors when they share the driver's file
system (``local[N]``); on a cluster the driver streams it (:func:`export_parquet`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import TYPE_CHECKING, Any

from counterclaim.errors import ExportError
from counterclaim.export.rows import PER_DOCUMENT
from counterclaim.ledger.store import Ledger, sqlite_path

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

LINES_SCHEMA = "n long, kind string, id string, doc string, line string"
Task = tuple[str, str | None, str | None]  # (kind, first document id, document id it stops before)


# --- executor side ------------------------------------------------------------------------------
def _within(query: Any, column: Any, lo: str | None, hi: str | None) -> Any:
    if lo is not None:
        query = query.where(column >= lo)
    return query if hi is None else query.where(column < hi)


def _rejected_items(s: Any, review_map: dict[Any, Any]) -> Iterator[dict[str, Any]]:
    """The rejected figures, claims, techniques and attributions as bare rows: fed to the verdicts ahead of the
    relations, so that a relation to a rejected item is left out as the whole-ledger export leaves it out."""
    from sqlalchemy import select

    from counterclaim.corrections import span_columns

    models = {kind: model for kind, model, _build, _order in PER_DOCUMENT}
    for anchor, review in sorted(review_map.items(), key=lambda item: repr(item[0])):
        if review.status != "rejected" or anchor[0] not in models or len(anchor) != 4:
            continue
        kind, doc, start, end = anchor
        id_col, start_col, end_col, _text = span_columns(kind)
        query = select(id_col).where(models[kind].doc_id == doc, start_col == start, end_col == end)
        for item in s.scalars(query):
            span = {"start": start, "end": end}
            yield {"kind": kind, "id": item, "doc": doc, **span, "content": span}


def _slice(s: Any, task: Task, canon: dict[str, str], review_map: dict[Any, Any]) -> Iterable[dict[str, Any]]:
    """The contract rows of one task, in export order."""
    from sqlalchemy import select

    from counterclaim.export.rows import document_row, entity_rows, relation_row, resolve_ids
    from counterclaim.ledger.models import DocumentRow, RelationRow

    kind, lo, hi = task
    if kind == "document":
        query = _within(select(DocumentRow).order_by(DocumentRow.id), DocumentRow.id, lo, hi)
        return (resolve_ids(document_row(d), canon) for d in s.scalars(query).yield_per(200))
    if kind == "entity":
        return entity_rows(s, canon)
    if kind == "relation":
        query = select(RelationRow).order_by(RelationRow.type, RelationRow.a, RelationRow.b)
        relations = (resolve_ids(relation_row(r), canon) for r in s.scalars(query).yield_per(1000))
        return chain(_rejected_items(s, review_map), relations) if review_map else relations
    _kind, model, build, order = next(p for p in PER_DOCUMENT if p[0] == kind)
    query = _within(select(model).order_by(model.doc_id, *order), model.doc_id, lo, hi)
    return (resolve_ids(build(r), canon) for r in s.scalars(query).yield_per(1000))


def _lines(tasks: Iterable[Task], *, url: str, shared: Any) -> Iterator[tuple[str, str | None, str | None, str]]:
    """``(kind, id, doc, line)`` for every contract line of the given tasks (one task per Spark partition)."""
    from counterclaim import corrections as corr
    from counterclaim.export.jsonl import dumps_line
    from counterclaim.spark.write import worker_ledger

    canon, review_map = shared.value
    ledger = worker_ledger(url)
    for task in tasks:
        with ledger.session() as s:
            rows = _slice(s, task, canon, review_map)
            for row in corr.apply(rows, review_map, drop_rejected=True) if review_map else rows:
                doc = row["id"] if row["kind"] == "document" else row.get("doc")
                yield row["kind"], row.get("id"), doc, dumps_line(row).rstrip("\n")


# --- driver side --------------------------------------------------------------------------------
def _bounds(ledger: Ledger, parts: int) -> list[str]:
    """Document ids cutting the ledger's documents into ``parts`` ranges of about equal size."""
    from sqlalchemy import func, select

    from counterclaim.ledger.models import DocumentRow

    with ledger.session() as s:
        total = s.scalar(select(func.count()).select_from(DocumentRow)) or 0
        step = -(-total // max(parts, 1))
        query = select(DocumentRow.id).order_by(DocumentRow.id).limit(1)
        return [s.scalar(query.offset(k)) for k in range(step, total, step)] if step else []


def _exists(spark: SparkSession, folder: str) -> bool:
    """Whether ``folder`` exists, on whatever file system Spark writes it to (Hadoop's ``FileSystem``)."""
    jvm = spark.sparkContext._jvm  # noqa: SLF001 - PySpark has no public file system API
    path = jvm.org.apache.hadoop.fs.Path(folder)
    return bool(path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).exists(path))  # noqa: SLF001


def export_on_spark(spark: SparkSession, ledger: Ledger, folder: str, *, parts: int | None = None) -> int:
    """Write ``ledger`` under ``folder`` as :func:`counterclaim.export.parquet.export_parquet` does, from the
    executors (``parts`` ranges of documents per kind; default: one per core).

    Returns the number of lines. Raises ExportError (E403) when ``folder`` exists already or cannot be written.
    """
    from pyspark.errors import AnalysisException

    from counterclaim import __version__
    from counterclaim import corrections as corr
    from counterclaim.export.jsonl import dumps_line
    from counterclaim.export.parquet import export_parquet
    from counterclaim.export.rows import SCHEMA, contract_counts

    sc = spark.sparkContext
    if _exists(spark, folder):
        raise ExportError("cannot write the export there: the folder exists already", code="E403", path=folder)
    url = ledger.url
    if (path := sqlite_path(url)) is not None:
        if not sc.master.startswith("local"):  # the executors cannot open the driver's file
            return export_parquet(ledger, folder)
        url = f"sqlite:///{path.resolve()}"
    canon = ledger.canonical_map()
    review_map = corr.review_map(ledger)
    meta = {"kind": "meta", "schema": SCHEMA, "generator": f"counterclaim {__version__}",
            "counts": contract_counts(ledger, canon, review_map)}
    bounds = _bounds(ledger, parts or sc.defaultParallelism)
    ranges = list(zip([None, *bounds], [*bounds, None], strict=True))
    tasks: list[Task] = [("document", lo, hi) for lo, hi in ranges] + [("entity", None, None)]
    tasks += [(kind, lo, hi) for kind, *_rest in PER_DOCUMENT for lo, hi in ranges] + [("relation", None, None)]
    shared = sc.broadcast((canon, review_map))
    lines = sc.parallelize(tasks, len(tasks)).mapPartitions(functools.partial(_lines, url=url, shared=shared))
    lines = lines.persist()
    try:
        numbered = lines.zipWithIndex().map(lambda pair: (pair[1] + 1, *pair[0]))  # counts per task to the driver
        frame = spark.createDataFrame(numbered, LINES_SCHEMA).unionByName(
            spark.createDataFrame([(0, "meta", None, None, dumps_line(meta).rstrip("\n"))], LINES_SCHEMA))
        try:
            frame.write.partitionBy("kind").parquet(folder)  # refuses a folder that exists
        except AnalysisException as exc:  # created meanwhile, or not a place Spark can write
            message = str(exc).strip().splitlines()[0]
            raise ExportError(f"cannot write the export there: {message}", code="E403", path=folder) from None
        return lines.count() + 1
    finally:
        lines.unpersist()
        shared.unpersist()


__all__ = ["export_on_spark"]

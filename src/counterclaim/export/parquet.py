"""Parquet export: the contract's lines as a Parquet dataset, one folder per kind.

Each row is one line of ``export --format jsonl``: ``n`` (its line number, 0 the meta line),
``id`` and ``doc`` (null where the kind has none) for filtering and joins, and ``line``, the
JSON object exactly as the JSONL export writes it (so any reader of the contract parses it:
``json.loads``, Spark's ``from_json``). The folder is partitioned Hive-style by ``kind``
(``DIR/kind=claim/part-0.parquet``), so ``spark.read.parquet(DIR).where("kind = 'claim'")``
reads the claims only. Rows are streamed from the ledger in batches: memory stays flat.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from counterclaim.errors import ExportError, UsageError
from counterclaim.export.jsonl import dumps_line
from counterclaim.export.rows import iter_rows
from counterclaim.ledger.store import Ledger

BATCH = 5000  # lines per row group


def export_parquet(ledger: Ledger, folder: str) -> int:
    """Write the ledger's contract lines under ``folder`` (a path or a URI pyarrow opens: hdfs://, s3://).

    Returns the number of lines written. Raises ExportError (E403) when the folder cannot be written.
    """
    return write_lines(iter_rows(ledger), folder)


def write_lines(rows: Iterable[dict[str, Any]], folder: str) -> int:
    """Write contract rows (meta first) as the Parquet dataset described above."""
    try:
        import pyarrow as pa
        import pyarrow.fs as pafs
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise UsageError("the Parquet export needs pyarrow: pip install 'counterclaim[spark]'", code="E003") from exc

    schema = pa.schema([("n", pa.int64()), ("id", pa.string()), ("doc", pa.string()), ("line", pa.string())])
    try:
        fs, root = pafs.FileSystem.from_uri(folder) if "://" in folder else (pafs.LocalFileSystem(), folder)
        fs.create_dir(root, recursive=True)
        writers: dict[str, Any] = {}
        batches: dict[str, list[tuple[int, str | None, str | None, str]]] = {}

        def flush(kind: str) -> None:
            if kind not in writers:
                fs.create_dir(f"{root}/kind={kind}", recursive=True)
                writers[kind] = pq.ParquetWriter(f"{root}/kind={kind}/part-0.parquet", schema, filesystem=fs)
            cols = list(zip(*batches[kind], strict=True))
            writers[kind].write_table(pa.Table.from_arrays([pa.array(c, t) for c, t in zip(cols, schema.types,
                                                                                          strict=True)],
                                                           schema=schema))
            batches[kind] = []

        n = 0
        for n, row in enumerate(rows):  # noqa: B007 - n counts the lines
            kind = row["kind"]
            doc = row["id"] if kind == "document" else row.get("doc")
            batches.setdefault(kind, []).append((n, row.get("id"), doc, dumps_line(row).rstrip("\n")))
            if len(batches[kind]) >= BATCH:
                flush(kind)
        for kind, pending in batches.items():
            if pending:
                flush(kind)
        for writer in writers.values():
            writer.close()
    except OSError as exc:
        raise ExportError(f"cannot write the export there: {exc}", code="E403", path=folder) from None
    return n + 1 if batches else 0


def read_lines(folder: str) -> list[str]:
    """The JSONL lines of a dataset :func:`write_lines` wrote, in export order (for checks and tests)."""
    import pyarrow.dataset as ds

    table = ds.dataset(folder, format="parquet", partitioning="hive").to_table(columns=["n", "line"])
    return [line for _n, line in sorted(zip(table.column("n").to_pylist(), table.column("line").to_pylist(),
                                            strict=True))]

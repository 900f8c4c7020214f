"""Writing the analysed documents of a Spark job into the ledger.

* **PostgreSQL** (any server database): the executors write. Each task opens the ledger once
  per Python worker and stores its partition in batches (one pandas batch, at most
  ``ARROW_BATCH`` documents, per transaction, through :meth:`Ledger.add_documents`: entities
  upserted conflict-safe, in sorted order, as every writer does). Only a status row per
  document (its id, path and outcome; the error when it failed: no text, no analysis) comes
  back, and the driver reads those rows one partition at a time.
* **SQLite** is a file on the driver's machine: the driver streams the analysed partitions
  (``toLocalIterator``: one partition in memory at a time) into it, one transaction per
  document, as ``ingest`` does.
"""

from __future__ import annotations

import functools
import pickle
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from counterclaim.errors import CounterclaimError, LedgerError
from counterclaim.ledger.store import Ledger

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame

STATUS_SCHEMA = "order string, doc string, path string, outcome string, error binary"
ADDED, SKIPPED, FAILED = "added", "skipped", "failed"


def writes_on_executors(ledger: Ledger) -> bool:
    """Whether the executors write this ledger (a database server) or the driver does (a SQLite file)."""
    return not ledger.url.startswith("sqlite")


@functools.cache
def worker_ledger(url: str) -> Ledger:
    """The ledger at ``url``, opened once per Python worker."""
    return Ledger(url)


def _write(batches: Iterator[pd.DataFrame], *, url: str, fresh: bool) -> Iterator[pd.DataFrame]:
    """Store each pandas batch of analysed documents in one transaction; yield one status row per document."""
    import pandas as pd

    ledger = worker_ledger(url)
    for batch in batches:
        out: list[tuple[str, str | None, str | None, str, bytes | None]] = []
        pending = []
        for order, item, blob, analyzer in zip(batch["order"], batch["item"], batch["result"], batch["analyzer"],
                                               strict=True):
            result = pickle.loads(blob)
            if isinstance(result, CounterclaimError):  # unreadable input, metadata or analysis failure
                out.append((order, None, result.path, FAILED, blob))
            else:
                pending.append((order, pickle.loads(item), result, analyzer))
        stored = ledger.add_documents([(doc, result, name) for _o, doc, result, name in pending]) if pending else []
        for (order, doc, _r, _a), outcome in zip(pending, stored, strict=True):
            if isinstance(outcome, LedgerError):
                error = LedgerError(outcome.message, code=outcome.code, path=doc.path)
                out.append((order, doc.id, doc.path, FAILED, pickle.dumps(error)))
            else:
                # Into an empty ledger the job is the only writer of its (distinct) texts: a text found stored
                # was stored by an earlier attempt of this task (Spark retries failed tasks), so it counts as added.
                out.append((order, doc.id, doc.path, ADDED if outcome or fresh else SKIPPED, None))
        out.sort(key=lambda row: row[0])
        yield pd.DataFrame(out, columns=["order", "doc", "path", "outcome", "error"])


def write_on_executors(ledger: Ledger, analysed: DataFrame, *, fresh: bool) -> DataFrame:
    """Have the executors store ``analysed`` (``order, item, result, analyzer``) into ``ledger``.

    Returns the persisted status rows (``order, doc, path, outcome, error``), in ``order``; the
    writes are done when this returns (one Spark job, every partition at once; only its count
    reaches the driver).
    """
    if not writes_on_executors(ledger):
        raise LedgerError("a SQLite ledger is a file on the driver: the driver writes it", code="E201")
    status = (analysed.select("order", "item", "result", "analyzer")
              .mapInPandas(functools.partial(_write, url=ledger.url, fresh=fresh), STATUS_SCHEMA).persist())
    status.count()
    return status


def error_of(row: Any) -> CounterclaimError:
    """The failure a status row carries."""
    error: CounterclaimError = pickle.loads(row["error"])
    return error


__all__ = ["ADDED", "FAILED", "SKIPPED", "STATUS_SCHEMA", "error_of", "worker_ledger", "write_on_executors",
           "writes_on_executors"]

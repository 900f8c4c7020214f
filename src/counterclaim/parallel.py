"""The analysis in N processes: one spaCy pipeline per worker, results in input order.

:func:`analysis_stream` stands in for :func:`counterclaim.analyze.analyze_documents`:
documents go to the workers in small tasks (``TASK_DOCS`` each, so that no worker idles
through the last minutes while another finishes a big batch), at most ``2 × workers``
batches' worth are in flight (so the corpus is never held in memory), and the results come back in the order the
documents came in, so the single writer stores exactly what one process would have
stored, in the same order. Workers are started with ``spawn`` (no inherited threads or
sockets, nothing of the parent's ledger connection), load the pipeline once each, and
ignore SIGINT: Ctrl-C reaches the parent, which stops them and leaves the ledger holding
whole documents only.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from counterclaim.errors import AnalysisError
from counterclaim.ingest.document import Document
from counterclaim.records import Analysis

Result = Analysis | AnalysisError
# Documents per task handed to a worker. A document costs ~1 s of CPU, so a task of 16 left one core
# idle for ~8 s on average at the end of an ingest; 4 keeps the tail short and the IPC negligible.
TASK_DOCS = 4


def default_workers() -> int:
    """The number of cores this process may run on (the default of ``--workers``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _init_worker(threads: int = 1) -> None:
    """Run once in each worker: leave Ctrl-C to the parent, die with it, share the cores, load the pipeline.

    ``threads`` caps PyTorch's intra-op threads (the sentence model): N workers each using every
    core would fight over them, and ``--workers 2`` then ran slower than one process.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import torch

    torch.set_num_threads(max(1, threads))
    parent = multiprocessing.parent_process()
    if parent is not None:  # a parent killed with SIGKILL cannot stop its workers: they notice and exit
        threading.Thread(target=_exit_with, args=(parent,), name="counterclaim-parent-watch", daemon=True).start()
    from counterclaim.nlp import load_nlp

    load_nlp()


def _exit_with(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()
    os._exit(1)


def _analyze_batch(documents: list[Document], batch_size: int) -> list[Result]:
    """Worker side: the analysis of one batch (the documents themselves stay with the parent)."""
    from counterclaim.analyze import analyze_documents

    return [result for _, result in analyze_documents(documents, batch_size=batch_size)]


def _analyzer_name() -> str:
    from counterclaim.nlp import analyzer_name

    return analyzer_name()


class AnalysisPool:
    """N worker processes, each with its own pipeline; use as a context manager.

    Leaving the ``with`` block normally waits for the workers to exit; leaving it on an
    exception (Ctrl-C included) terminates them at once.
    """

    def __init__(self, workers: int, *, batch_size: int = 16) -> None:
        self.workers = workers
        self.batch_size = batch_size
        self.task_docs = max(1, min(batch_size, TASK_DOCS))
        self.in_flight = 2 * workers * -(-batch_size // self.task_docs)  # tasks: 2 × workers batches' worth
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_init_worker, initargs=(default_workers() // workers,))

    def __enter__(self) -> AnalysisPool:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self._pool.shutdown(wait=True)
        else:
            self.terminate()

    def terminate(self) -> None:
        """Stop every worker now (unfinished batches are dropped; nothing of theirs was stored)."""
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        manager = getattr(self._pool, "_executor_manager_thread", None)
        self._pool.shutdown(wait=False, cancel_futures=True)
        for proc in processes:
            proc.terminate()
        for proc in processes:
            proc.join(timeout=5)
        # The executor's manager thread notices the dead workers and closes its wake-up pipe. Left
        # running, it races the interpreter's exit hook, which writes to that pipe: a closed pipe
        # then printed "OSError: Bad file descriptor" after a clean Ctrl-C. Wait for it here.
        if manager is not None and manager is not threading.current_thread():
            manager.join(timeout=10)

    def analyzer_name(self) -> str:
        """The analysis version string, computed in a worker (the parent never loads the model)."""
        return self._pool.submit(_analyzer_name).result()

    def analyze(self, documents: Iterable[Document]) -> Iterator[tuple[Document, Result]]:
        """Each document with its analysis (or the error that stopped it), in input order."""
        pending: deque[tuple[list[Document], Future[list[Result]]]] = deque()
        batch: list[Document] = []

        def oldest() -> Iterator[tuple[Document, Result]]:
            docs, future = pending.popleft()
            try:
                results = future.result()
            except BrokenProcessPool as exc:
                raise AnalysisError(f"an analysis worker died ({exc}); the documents stored so far are whole",
                                    code="E304") from exc
            yield from zip(docs, results, strict=True)

        for document in documents:
            batch.append(document)
            if len(batch) >= self.task_docs:
                pending.append((batch, self._pool.submit(_analyze_batch, batch, self.task_docs)))
                batch = []
                while len(pending) >= self.in_flight:
                    yield from oldest()
        if batch:
            pending.append((batch, self._pool.submit(_analyze_batch, batch, self.task_docs)))
        while pending:
            yield from oldest()


@contextmanager
def analysis_stream(documents: Iterable[Document], *, workers: int = 1, batch_size: int = 16
                    ) -> Iterator[tuple[str, Iterator[tuple[Document, Result]]]]:
    """``(analyzer name, (document, result) pairs in input order)``, in this process or in ``workers``.

    One worker analyses in this process (no pool); more start an :class:`AnalysisPool`
    that lives as long as the ``with`` block, unless all the documents fit in one batch
    (starting workers would then only add their start-up time).
    """
    documents = iter(documents)
    head = list(itertools.islice(documents, batch_size + 1))
    documents = itertools.chain(head, documents)
    if workers <= 1 or len(head) <= batch_size:
        from counterclaim.analyze import analyze_documents
        from counterclaim.nlp import analyzer_name

        yield analyzer_name(), analyze_documents(documents, batch_size=batch_size)
        return
    with AnalysisPool(workers, batch_size=batch_size) as pool:
        yield pool.analyzer_name(), pool.analyze(documents)

"""A small registry of ingest jobs, run one at a time by a worker process.

The upload page stores each uploaded file under a generated name in a private temporary
directory, then :meth:`JobRegistry.submit` queues a job over those files. One thread per
registry (one registry per app) runs the jobs in order: a second upload waits until the
first is done. Each file goes through :func:`counterclaim.api.ingest` on its own (so its
outcome and the progress are known as soon as it is stored), in a separate worker process
(spawned once, kept while jobs come), so a long or hostile document costs the worker's
memory and time, never the server's; if the worker dies (out of memory), that file fails
with E304 and a new worker takes the next. The new documents are linked to the ledger once
at the end, in the worker too. The temporary directory is removed when the job ends,
whatever happens. ``in_process=True`` runs the same steps in the thread itself (for tests).

Everything a page shows comes from :meth:`JobRegistry.snapshot`, a plain dict copied
under the registry's lock.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import queue
import re
import secrets
import shutil
import threading
import time
import weakref
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from counterclaim.errors import CounterclaimError

log = logging.getLogger(__name__)

JOB_ID = re.compile(r"^[0-9a-f]{16}$")
KEEP_JOBS = 50  # finished jobs remembered (the oldest are forgotten first)
DISPLAY_PREFIX = "upload/"
IDLE_SECONDS = 30.0  # an idle worker thread ends; the next upload starts a new one


@dataclass
class FileJob:
    """One uploaded file and what became of it.

    ``path`` is the generated file in the job's temporary directory, or None when the
    upload itself was refused (``failed`` then already holds the reason).
    """

    name: str
    size: int
    path: Path | None = None
    note: str = ""  # appended to a failure's message (e.g. "'.exe' is not an accepted type")
    status: str = "waiting"  # waiting, analysing, added, skipped, failed, not processed
    added: list[str] = field(default_factory=list)
    skipped: int = 0
    failed: list[dict[str, str]] = field(default_factory=list)

    @property
    def shown(self) -> str:
        """The display path given to the library (never a filesystem path)."""
        return DISPLAY_PREFIX + self.name

    def fail(self, code: str, message: str, where: str | None = None) -> None:
        self.failed.append({"code": code, "message": message + self.note, "path": where or self.shown})

    def settle(self) -> None:
        self.status = "added" if self.added else "skipped" if self.skipped else "failed" if self.failed else "empty"

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "size": self.size, "status": self.status, "added": list(self.added),
                "skipped": self.skipped, "failed": [dict(f) for f in self.failed]}


@dataclass
class Job:
    """An ingest of one upload's files."""

    id: str
    files: list[FileJob]
    tempdir: Path
    max_bytes: int
    state: str = "queued"  # queued, running, done, failed
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    done: int = 0
    current: str | None = None
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        added = [doc for f in self.files for doc in f.added]
        return {
            "id": self.id,
            "url": f"/ingest/jobs/{self.id}",
            "state": self.state,
            "running": self.state in ("queued", "running"),
            "total": len(self.files),
            "done": self.done,
            "current": self.current,
            "created": _iso(self.created),
            "started": _iso(self.started),
            "finished": _iso(self.finished),
            "error": self.error,
            "counts": {
                "added": len(added),
                "skipped": sum(f.skipped for f in self.files),
                "failed": sum(len(f.failed) for f in self.files),
            },
            "added": added,
            "files": [f.as_dict() for f in self.files],
        }


def _iso(stamp: float | None) -> str | None:
    return None if stamp is None else time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(stamp))


class JobRegistry:
    """Jobs of one app: submitted, queued, run in order by one worker thread, kept for display.

    Args:
        ledger: the ledger every job writes to.
        keep: how many jobs to remember.
    """

    def __init__(self, ledger: Any, *, keep: int = KEEP_JOBS, in_process: bool = False) -> None:
        self.ledger = ledger
        self.keep = keep
        self.in_process = in_process
        self.worker_pid: int | None = None  # the process that ran the latest file
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._queue: queue.Queue[Job] = queue.Queue()
        self._worker: threading.Thread | None = None
        _LIVE.add(self)

    def submit(self, files: list[FileJob], tempdir: Path, *, max_bytes: int) -> dict[str, Any]:
        """Queue a job over ``files`` (their generated paths live in ``tempdir``); return its snapshot."""
        job = Job(id=secrets.token_hex(8), files=files, tempdir=tempdir, max_bytes=max_bytes)
        with self._lock:
            self._jobs[job.id] = job
            self._forget_old()
            if self._worker is None:
                self._worker = threading.Thread(target=self._work, name="counterclaim-ingest", daemon=True)
                self._worker.start()
            self._queue.put(job)
            return job.as_dict()

    def snapshot(self, job_id: str) -> dict[str, Any] | None:
        """The job as a plain dict, or None when the id is malformed or unknown."""
        if not JOB_ID.match(job_id):
            return None
        with self._lock:
            job = self._jobs.get(job_id)
            return job.as_dict() if job else None

    def recent(self, limit: int = 10) -> list[dict[str, Any]]:
        """The latest jobs first, without their per-file lists."""
        with self._lock:
            jobs = sorted(self._jobs.values(), key=lambda j: j.created, reverse=True)[:limit]
            out = [j.as_dict() for j in jobs]
        for item in out:
            item.pop("files")
        return out

    def wait(self, job_id: str, timeout: float = 60.0) -> dict[str, Any] | None:
        """Block until the job is over (for tests and scripts); its final snapshot."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            snap = self.snapshot(job_id)
            if snap is None or not snap["running"]:
                return snap
            time.sleep(0.05)
        return self.snapshot(job_id)

    def _forget_old(self) -> None:
        over = len(self._jobs) - self.keep
        if over > 0:
            old = [j for j in sorted(self._jobs.values(), key=lambda j: j.created) if j.state in ("done", "failed")]
            for job in old[:over]:
                del self._jobs[job.id]

    def _discard_pending(self) -> None:
        """At interpreter exit, remove the temporary directories of jobs that never ran to the end."""
        with self._lock:
            dirs = [j.tempdir for j in self._jobs.values() if j.finished is None]
        for d in dirs:
            shutil.rmtree(d, ignore_errors=True)

    # -- the worker ---------------------------------------------------------------
    def _work(self) -> None:
        while True:
            try:
                job = self._queue.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self._lock:  # submit() puts under the same lock: no job is left behind
                    if self._queue.empty():
                        self._worker = None
                        return
                continue
            try:
                self._run(job)
            finally:
                self._queue.task_done()

    def _run(self, job: Job) -> None:
        with self._lock:
            job.state, job.started = "running", time.time()
        try:
            self._ingest(job)
            with self._lock:
                job.state = "done"
        except BaseException as exc:  # noqa: BLE001 - the job is marked failed, the worker lives on
            log.exception("ingest job %s failed", job.id)
            with self._lock:
                job.state = "failed"
                job.error = _job_error(exc)
                for f in job.files:
                    if f.status in ("waiting", "analysing"):
                        f.status = "not processed"
        finally:
            shutil.rmtree(job.tempdir, ignore_errors=True)
            with self._lock:
                job.finished, job.current = time.time(), None

    def _ingest(self, job: Job) -> None:
        new_docs: list[str] = []
        for f in job.files:
            with self._lock:
                job.current = f.name
            if f.path is not None:
                self._mark(f, "analysing")
                try:
                    outcome = self._call(ingest_file, self._db(), str(f.path), f.shown, job.max_bytes)
                except BrokenProcessPool:
                    outcome = {"added": [], "skipped": 0, "pid": None, "failed": [
                        ("E304", "the analysis process stopped (out of memory?); the other files go on", f.shown)]}
                with self._lock:
                    self.worker_pid = outcome["pid"]
                    f.added.extend(outcome["added"])
                    f.skipped += outcome["skipped"]
                    for code, message, where in outcome["failed"]:
                        f.fail(code, message, where)
                new_docs.extend(outcome["added"])
                f.path.unlink(missing_ok=True)
            with self._lock:
                f.settle()
                job.done += 1
        with self._lock:
            job.current = "linking the new documents to the ledger"
        self._call(link_documents, self._db(), new_docs)  # also any an interrupted run left unlinked

    def _db(self) -> str:
        return str(self.ledger.url)

    def _call(self, fn: Any, *args: Any) -> Any:
        """``fn(*args)`` in the worker process (or here, ``in_process``)."""
        if self.in_process:
            return fn(*args, ledger=self.ledger)
        future: Future[Any] = _worker().submit(fn, *args)
        try:
            return future.result()
        except BrokenProcessPool:
            _discard_worker()
            raise

    def _mark(self, f: FileJob, status: str) -> None:
        with self._lock:
            f.status = status


def _job_error(exc: BaseException) -> str:
    """What a job page says about the exception that stopped it: never a SQL statement or document text."""
    from sqlalchemy.exc import SQLAlchemyError

    if isinstance(exc, CounterclaimError):
        return f"[{exc.code}] {exc.message}"
    if isinstance(exc, SQLAlchemyError):
        lines = str(getattr(exc, "orig", None) or type(exc).__name__).strip().splitlines()
        return f"[E204] the ledger refused a write: {lines[0] if lines else type(exc).__name__}"
    return f"the ingest stopped: {type(exc).__name__}: {exc}"


# -- the worker process -------------------------------------------------------------------------
_WORKER_LOCK = threading.Lock()
_WORKER: ProcessPoolExecutor | None = None
_LEDGERS: dict[str, Any] = {}  # in the worker: ledgers opened so far, by URL


def _worker() -> ProcessPoolExecutor:
    """The one worker process of this server (spawned, not forked: no copy of the server's threads)."""
    global _WORKER
    with _WORKER_LOCK:
        if _WORKER is None:
            from counterclaim.parallel import _init_worker, default_workers

            # The sentence model gets every core but one: the server keeps answering while a job runs.
            _WORKER = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                          initializer=_init_worker, initargs=(max(1, default_workers() - 1),))
        return _WORKER


def _discard_worker() -> None:
    global _WORKER
    with _WORKER_LOCK:
        if _WORKER is not None:
            _WORKER.shutdown(wait=False, cancel_futures=True)
        _WORKER = None


def _ledger_for(db: str, ledger: Any = None) -> Any:
    if ledger is not None:
        return ledger
    if db not in _LEDGERS:
        from counterclaim.api import open_ledger

        _LEDGERS[db] = open_ledger(db)
    return _LEDGERS[db]


def ingest_file(db: str, path: str, shown: str, max_bytes: int, *, ledger: Any = None) -> dict[str, Any]:
    """Ingest one uploaded file (in the worker process); its outcome as plain data."""
    from counterclaim import api

    report = api.ingest(_ledger_for(db, ledger), [], files=[(Path(path), shown)], max_bytes=max_bytes,
                        link_after=False)
    return {"added": list(report.added), "skipped": len(report.skipped), "pid": os.getpid(),
            "failed": [(e.code, e.message, e.path) for e in report.failed]}


def link_documents(db: str, new_docs: list[str], *, ledger: Any = None) -> None:
    """Link the new documents, and any left unlinked, to the ledger (in the worker process)."""
    from counterclaim import api

    api.link(_ledger_for(db, ledger), new_docs=new_docs)


_REGISTRIES_LOCK = threading.Lock()
_LIVE: weakref.WeakSet[JobRegistry] = weakref.WeakSet()


@atexit.register
def _discard_all_pending() -> None:
    for reg in list(_LIVE):
        reg._discard_pending()
    _discard_worker()


def registry_of(app: Any) -> JobRegistry:
    """The app's job registry, created on first use."""
    with _REGISTRIES_LOCK:
        reg = getattr(app.state, "ingest_jobs", None)
        if reg is None:
            reg = JobRegistry(app.state.ledger, in_process=bool(getattr(app.state, "ingest_in_process", False)))
            app.state.ingest_jobs = reg
        return reg

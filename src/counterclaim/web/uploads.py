"""The Ingest page: upload files from the browser, then follow their ingest job.

``POST /ingest`` (and ``POST /api/ingest``) read the multipart body as a stream: each
file is written, as it arrives, to a private temporary directory under a generated name
(``upload-<n><ext>``, the extension taken from a whitelist). The client's filename is never
a path: it is only shown, sanitised, and given to the library as the display path
``upload/<name>``. A file past the size limit stops being written and is reported with the
CLI's code for too-large files (E105); the other files of the request go on. Then a job
(:mod:`counterclaim.web.jobs`) ingests them in a background thread, and the browser is sent
to the job's page, which follows its progress.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import unicodedata
from pathlib import Path
from typing import Any, BinaryIO

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.exceptions import HTTPException

from counterclaim.errors import UsageError
from counterclaim.web.app import render, require_writable
from counterclaim.web.jobs import FileJob, registry_of

router = APIRouter()

# The client's lower-cased extension -> the extension of the generated file. Anything else is
# stored without a known extension, so the readers sniff it (as the CLI does for other names).
EXTENSIONS = {".txt": ".txt", ".text": ".txt", ".md": ".md", ".markdown": ".md", ".html": ".html",
              ".htm": ".html", ".pdf": ".pdf", ".jsonl": ".jsonl"}
SNIFFED = ".upload"
ACCEPTED = (".txt", ".md", ".html", ".htm", ".pdf", ".jsonl")
MAX_FILES = 200
MAX_NAME = 200
MAX_FIELDS = 20
MAX_FIELD_BYTES = 4096
_MB = 1024 * 1024


def max_request_bytes(request: Request) -> int:
    """The largest whole upload request (``app.state.max_request_bytes`` when set)."""
    given = getattr(request.app.state, "max_request_bytes", None)
    return int(given) if given else max(10 * request.app.state.max_upload_bytes, 64 * _MB)


def human_bytes(size: int) -> str:
    """20 MB, 1.5 KB, 900 bytes."""
    if size >= _MB:
        return f"{size / _MB:.3g} MB"
    if size >= 1024:
        return f"{size / 1024:.3g} KB"
    return f"{size} bytes"


def display_name(raw: str) -> str:
    """A client filename made fit to show: its last path component, no control or format
    characters (bidi overrides included), at most 200 characters, never empty or a dot name."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if not name.strip("."):
        name = "unnamed"
    if len(name) > MAX_NAME:
        stem, ext = os.path.splitext(name)
        ext = ext if len(ext) <= 16 else ""
        name = stem[: MAX_NAME - len(ext)] + ext
    return name


def _unique(name: str, taken: set[str]) -> str:
    stem, ext = os.path.splitext(name)
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem[: MAX_NAME - len(ext) - 8]} ({n}){ext}"
    taken.add(candidate)
    return candidate


class _Receiver:
    """Multipart callbacks that stream file parts to ``tempdir`` under generated names."""

    def __init__(self, tempdir: Path, max_bytes: int, charset: str) -> None:
        self.tempdir, self.max_bytes, self.charset = tempdir, max_bytes, charset
        self.files: list[FileJob] = []
        self.taken: set[str] = set()
        self.fields = 0
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""
        self._current: FileJob | None = None
        self._handle: BinaryIO | None = None
        self._field_bytes = 0
        self.complete = False  # the closing boundary was seen

    def callbacks(self) -> dict[str, Any]:
        return {"on_part_begin": self.on_part_begin, "on_part_data": self.on_part_data,
                "on_part_end": self.on_part_end, "on_header_field": self.on_header_field,
                "on_header_value": self.on_header_value, "on_header_end": self.on_header_end,
                "on_headers_finished": self.on_headers_finished, "on_end": self.on_end}

    def on_end(self) -> None:
        self.complete = True

    def on_part_begin(self) -> None:
        self._disposition, self._current, self._handle, self._field_bytes = b"", None, None, 0

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        if self._header_name.strip().lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name = self._header_value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        if b"filename" not in options:
            self.fields += 1
            if self.fields > MAX_FIELDS:
                raise UsageError(f"too many form fields (at most {MAX_FIELDS})", code="E001")
            return
        raw = options[b"filename"].decode(self.charset, errors="replace")
        if not raw:  # the browser's empty file input
            return
        if len(self.files) >= MAX_FILES:
            raise UsageError(f"too many files in one upload (at most {MAX_FILES}); send them in several "
                             "batches", code="E001")
        name = _unique(display_name(raw), self.taken)
        ext = os.path.splitext(raw.replace("\\", "/").rsplit("/", 1)[-1])[1].lower()
        known = EXTENSIONS.get(ext)
        path = self.tempdir / f"upload-{len(self.files) + 1}{known or SNIFFED}"
        note = "" if known else (f" ({ext or 'no extension'}: not an accepted type; accepted: "
                                 f"{' '.join(ACCEPTED)})")
        self._current = FileJob(name=name, size=0, path=path, note=note)
        self.files.append(self._current)
        # O_EXCL: the generated name is new in our own private directory, never followed if a link.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        self._handle = os.fdopen(fd, "wb")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        f = self._current
        if f is None:  # a plain field (ignored) or an empty file input
            self._field_bytes += end - start
            if self._field_bytes > MAX_FIELD_BYTES:
                raise UsageError(f"a form field is over {MAX_FIELD_BYTES} bytes", code="E001")
            return
        f.size += end - start
        if self._handle is None:
            return  # over the limit already: counted, not written
        if f.size > self.max_bytes:
            self._drop(f)
            return
        self._handle.write(data[start:end])

    def on_part_end(self) -> None:
        if self._handle is not None:
            self._handle.close()
        f = self._current
        if f is not None and f.size > self.max_bytes:
            f.fail("E105", f"file is {human_bytes(f.size)}, over this server's {human_bytes(self.max_bytes)} "
                           "upload limit")
        self._current, self._handle = None, None

    def _drop(self, f: FileJob) -> None:
        assert self._handle is not None and f.path is not None
        self._handle.close()
        self._handle = None
        f.path.unlink(missing_ok=True)
        f.path = None

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()


async def receive_upload(request: Request) -> dict[str, Any]:
    """Stream the request's files to a private temporary directory and queue their ingest job.

    Returns:
        The new job's snapshot.

    Raises:
        CounterclaimError: E507 read-only; E001 not a multipart upload, no file, too many files
            or fields, a malformed body.
        HTTPException: 413 when the whole request is over :func:`max_request_bytes`.
    """
    require_writable(request)
    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise UsageError("send the files as multipart/form-data (a form with enctype=multipart/form-data)",
                         code="E001")
    limit = max_request_bytes(request)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"the upload is {human_bytes(int(declared))}, over this server's "
                                 f"{human_bytes(limit)} limit for one request; send fewer files at a time")
    charset = params.get(b"charset", b"utf-8").decode("latin-1")
    try:
        "".encode(charset)
    except LookupError:
        charset = "utf-8"
    max_bytes = int(request.app.state.max_upload_bytes)
    tempdir = Path(tempfile.mkdtemp(prefix="counterclaim-upload-"))
    receiver = _Receiver(tempdir, max_bytes, charset)
    try:
        parser = MultipartParser(boundary, receiver.callbacks())
        seen = 0
        async for chunk in request.stream():
            seen += len(chunk)
            if seen > limit:
                raise HTTPException(413, f"the upload is over this server's {human_bytes(limit)} limit for "
                                         "one request; send fewer files at a time")
            parser.write(chunk)
        parser.finalize()
        receiver.close()
        if not receiver.complete:  # the parser does not check it: a cut body must not pass for a whole file
            raise UsageError("the upload was cut short (no closing multipart boundary); nothing was stored: "
                             "send the files again", code="E001")
        if not receiver.files:
            raise UsageError("no file was sent: choose one or more files", code="E001")
        return registry_of(request.app).submit(receiver.files, tempdir, max_bytes=max_bytes)
    except BaseException as exc:
        receiver.close()
        shutil.rmtree(tempdir, ignore_errors=True)
        if isinstance(exc, FormParserError):
            raise UsageError(f"malformed multipart upload ({exc})", code="E001") from None
        raise


def _form_context(request: Request) -> dict[str, Any]:
    max_bytes = int(request.app.state.max_upload_bytes)
    return {"accepted": list(ACCEPTED), "max_upload_bytes": max_bytes, "max_upload": human_bytes(max_bytes),
            "max_files": MAX_FILES, "max_request_bytes": max_request_bytes(request),
            "recent": registry_of(request.app).recent()}


def _job(request: Request, job_id: str) -> dict[str, Any]:
    snap = registry_of(request.app).snapshot(job_id)
    if snap is None:
        raise HTTPException(404, "no such ingest job (jobs are kept in memory until the server restarts)")
    return snap


@router.get("/ingest", response_class=HTMLResponse, include_in_schema=False)
def ingest_page(request: Request) -> HTMLResponse:
    """The upload form, the limits and the recent jobs."""
    require_writable(request)
    return render(request, "ingest.html", _form_context(request))


@router.get("/api/ingest", summary="What the ingest accepts, and recent jobs", tags=["ingest"])
def ingest_info(request: Request) -> dict[str, Any]:
    """Accepted types, size limits and the recent ingest jobs."""
    require_writable(request)
    return _form_context(request)


@router.post("/ingest", include_in_schema=False)
async def ingest_upload(request: Request) -> RedirectResponse:
    """Receive the form's files, queue their job, answer 303 to the job's page."""
    job = await receive_upload(request)
    return RedirectResponse(job["url"], status_code=303)


_MULTIPART_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["files"],
    "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}}}


@router.post("/api/ingest", status_code=202, summary="Upload documents", tags=["ingest"],
             openapi_extra=_MULTIPART_BODY)
async def ingest_upload_api(request: Request) -> JSONResponse:
    """Upload files (multipart/form-data, field ``files``); answers 202 with the queued job."""
    job = await receive_upload(request)
    return JSONResponse(job, status_code=202, headers={"Location": job["url"]})


@router.get("/ingest/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
def job_page(request: Request, job_id: str) -> HTMLResponse:
    """One job: progress bar, per-file outcomes, links to the added documents."""
    job = _job(request, job_id)
    return render(request, "ingest_job.html", {"job": job, "human_bytes": human_bytes})


@router.get("/api/ingest/jobs/{job_id}", summary="One upload job's progress", tags=["ingest"])
def job_json(request: Request, job_id: str) -> dict[str, Any]:
    """One job's progress and per-file outcomes."""
    return _job(request, job_id)


__all__ = ["ACCEPTED", "EXTENSIONS", "display_name", "receive_upload", "router"]

"""Corrections: the write path (form and JSON), the corrections page, Label Studio download and upload.

Every write goes through :func:`counterclaim.corrections.correct`; every read through
:mod:`counterclaim.corrections` and :mod:`counterclaim.labelstudio`. Both writes refuse a
read-only reader (403) and a cross-site request (403, the app's middleware).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from counterclaim import corrections as corr
from counterclaim import labelstudio
from counterclaim.errors import CorrectionError
from counterclaim.web.app import author_of, ledger_of, render, require_writable, wants_json

router = APIRouter()
PER_PAGE = 50


class CorrectionIn(BaseModel):
    """A correction as ``POST /api/corrections`` takes it."""

    kind: str = Field("", description="quantity, attribution, claim, technique, relation or entity_link")
    item_id: str = Field("", description="the item's id, as in the export or the document page")
    action: str = Field("", description="confirm, reject, fix or reset")
    field: str | None = Field(None, description="with fix: the field to set (see corrections.FIXABLE)")
    value: str | None = Field(None, description="with fix: the new value")
    author: str | None = Field(None, description="who makes it (else the cc_author cookie, else 'analyst')")


def safe_next(target: str | None) -> str:
    """``target`` when it is a path on this site (one leading slash, no scheme, no backslash), else /corrections."""
    if (not target or not target.startswith("/") or target.startswith("//") or "\\" in target
            or any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in target) or len(target) > 2000):
        return "/corrections"
    return target


def _write(request: Request, kind: Any, item_id: Any, action: Any, field: Any, value: Any,
           given: Any) -> tuple[int, str | None]:
    """Record one correction; returns its id and the author name to remember (if one was given)."""
    require_writable(request)
    name = str(given).strip() if given else ""
    author = author_of(request, name or None)
    cid = corr.correct(ledger_of(request), str(kind or ""), str(item_id or ""), str(action or ""),
                       author=author, field=str(field) if field else None,
                       value=str(value) if value is not None else None, source="web")
    return cid, (author if name else None)


def _remember(response: Response, author: str | None) -> Response:
    if author:
        response.set_cookie("cc_author", author, max_age=365 * 24 * 3600, samesite="strict", path="/")
    return response


@router.post("/corrections", include_in_schema=False)
async def post_correction_form(request: Request) -> Response:
    """The HTML form: record the correction, then go back to ``next`` (a local path) or /corrections."""
    require_writable(request)
    form = await request.form(max_files=0, max_fields=20)
    get = lambda key: form.get(key) if isinstance(form.get(key), str) else None  # noqa: E731
    _, author = _write(request, get("kind"), get("item_id"), get("action"), get("field"), get("value"),
                       get("author"))
    return _remember(RedirectResponse(safe_next(get("next")), status_code=303), author)


@router.post("/api/corrections", summary="Record a correction")
def post_correction_json(request: Request, body: CorrectionIn) -> Response:
    """Confirm, reject, fix or reset one item. Answers the correction id and the item's standing review
    (``null`` after a reset). Errors: 400 E501/E502/E504/E505, 404 E503, 403 read-only or cross-site."""
    cid, author = _write(request, body.kind, body.item_id, body.action, body.field, body.value, body.author)
    review = corr.review_of(ledger_of(request), body.kind, body.item_id)
    return _remember(JSONResponse({"id": cid, "review": review}), author)


def _page_data(request: Request, page: int) -> dict[str, Any]:
    data = corr.history_page(ledger_of(request), page=page, per_page=PER_PAGE)
    data["kinds"], data["actions"] = list(corr.KINDS), list(corr.ACTIONS)
    return data


def _page(request: Request, page: int, *, report: dict[str, Any] | None = None,
          error: dict[str, str] | None = None, status_code: int = 200) -> Response:
    ctx = {**_page_data(request, page), "report": report, "error": error}
    return render(request, "corrections.html", ctx, status_code=status_code)


@router.get("/api/corrections", summary="Corrections history")
def corrections_json(request: Request, page: int = Query(1, ge=1, le=1_000_000)) -> dict[str, Any]:
    """The corrections made, newest first (``PER_PAGE`` a page), each with the item's current id and text,
    and counts per action, kind and source."""
    return _page_data(request, page)


@router.get("/corrections", include_in_schema=False)
def corrections_page(request: Request, page: int = Query(1, ge=1, le=1_000_000)) -> Response:
    return _page(request, page)


@router.get("/corrections/labelstudio.json", summary="Label Studio tasks (download)")
def labelstudio_tasks(request: Request) -> Response:
    """Every document as a Label Studio task pre-annotated with the ledger's figures, claims and
    attributions (rejected items left out, fixes applied)."""
    ledger = ledger_of(request)
    return StreamingResponse(labelstudio.iter_json(ledger), media_type="application/json",
                             headers={"Content-Disposition": 'attachment; filename="counterclaim-labelstudio.json"'})


@router.get("/corrections/labelstudio-config.xml", summary="Label Studio labeling config")
def labelstudio_config() -> Response:
    """The labeling interface matching the exported tasks."""
    return Response(labelstudio.label_config(), media_type="application/xml",
                    headers={"Content-Disposition": 'attachment; filename="counterclaim-labelstudio-config.xml"'})


@router.post("/corrections/labelstudio", summary="Import a Label Studio export")
async def labelstudio_upload(request: Request) -> Response:
    """Upload Label Studio's JSON export (field ``file``): annotators' verdicts become corrections.
    Errors: E506 (unreadable or too large), shown on the corrections page."""
    require_writable(request)
    cap = int(request.app.state.max_upload_bytes)
    try:
        data = await _read_upload(request, cap)
        # parsing, checking and writing a large export takes seconds: not on the event loop
        report = await run_in_threadpool(labelstudio.import_file, ledger_of(request), data)
    except CorrectionError as exc:
        status = 413 if "larger than" in exc.message else 400
        if wants_json(request):
            return JSONResponse({"error": exc.message, "code": exc.code}, status_code=status)
        return _page(request, 1, error={"code": exc.code, "message": exc.message}, status_code=status)
    if wants_json(request):
        return JSONResponse(report.as_dict())
    return _page(request, 1, report=report.as_dict())


async def _read_upload(request: Request, cap: int) -> bytes:
    """The uploaded file's bytes, at most ``cap`` of them (E506 beyond, or when there is no file)."""
    too_big = CorrectionError(f"the file is larger than {cap:,} bytes, the most this reader accepts", code="E506")
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > cap + 64 * 1024:
        raise too_big
    # Read the body ourselves, stopping past the cap (a chunked upload declares no length), then let
    # Starlette parse the bytes we kept: request.stream() replays a body already read.
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > cap + 64 * 1024:
            raise too_big
    request._body = bytes(body)  # noqa: SLF001 - Starlette's own cache of a body read once
    form = await request.form(max_files=1, max_fields=10)
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise CorrectionError("choose a Label Studio JSON export to upload (field 'file')", code="E506")
    data = await upload.read(cap + 1)
    await upload.close()
    if len(data) > cap:
        raise too_big
    if not data.strip():
        raise CorrectionError("the uploaded file is empty", code="E506")
    return data

"""The web reader's application factory, security headers and shared helpers.

Every page and JSON endpoint lives in a router module (``pages``, ``boards``, ``review``,
``uploads``); each reads the ledger through :mod:`counterclaim.api` and renders one
template (autoescaped; document text is hostile input). No request value ever becomes a
filesystem path: templates and static files are served from this package only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes, urlencode, urlsplit

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.exceptions import HTTPException
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

from counterclaim import __version__
from counterclaim.errors import CounterclaimError
from counterclaim.records import describe_figure, format_number

HERE = Path(__file__).parent
# No inline script or style anywhere: scripts and styles come from /static only.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
DEFAULT_MAX_UPLOAD = 20 * 1024 * 1024
# Host names a browser may reach the reader under (DNS rebinding: a foreign name resolving to 127.0.0.1
# must not read the ledger); the bound host and any --allow-host are added.
LOCAL_HOSTS = ("127.0.0.1", "localhost")


def _marked(value: str | None) -> Markup:
    """Escape a search snippet, then turn its U+0001/U+0002 match markers into <mark>."""
    text = str(escape(value or ""))
    return Markup(text.replace("\x01", "<mark>").replace("\x02", "</mark>"))


_OPENING, _CLOSING = "\"'“«‘„‚‹", "\"'”»’›“"


def _unquoted(value: str | None) -> str:
    """Text for a <q> element, which adds its own quote marks: the text's own enclosing marks removed.

    A closing mark is only removed with its opening one, or when no opening mark is left in the text
    (a quotation cut at its start); a final apostrophe ("the Armenians'") stays.
    """
    text = (value or "").strip()
    opened = text[:1] in _OPENING
    if opened:
        text = text[1:].lstrip()
    if text[-1:] in _CLOSING and (opened or (text[-1] in "\"”»›" and not any(c in text for c in "“«‹"))):
        text = text[:-1].rstrip()
    return text


def _num(value: Any) -> str:
    """13,500 for 13500; 0.85 stays 0.85; None is an em dash."""
    return format_number(value, missing="—")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every template, whatever its name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["marked"] = _marked
    env.filters["num"] = _num
    env.filters["figure"] = describe_figure  # a figure as its source wrote it: 'nearly 4,000', 'hundreds'
    env.filters["unquoted"] = _unquoted
    env.tests["wordy"] = lambda value: any(c.isalpha() for c in str(value or ""))  # a cue that is a word, not ":"
    env.globals["version"] = __version__
    return env


templates = Jinja2Templates(env=_environment())


class SecurityHeaders(BaseHTTPMiddleware):
    """CSP and friends on every response; refuse cross-site writes (a page elsewhere POSTing here)."""

    async def dispatch(self, request: Request, call_next):  # type: ignore[no-untyped-def]
        if b"\x00" in request.url.path.encode() or b"\x00" in unquote_to_bytes(request.url.query or ""):
            # No database stores NUL in text (PostgreSQL refuses it): a parameter holding one names nothing.
            response = error_response(request, 400, "E009", "a NUL character in the address or its parameters")
            response.headers.update(SECURITY_HEADERS)
            return response
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            origin = request.headers.get("origin") or request.headers.get("referer")
            if origin and urlsplit(origin).netloc != request.headers.get("host", ""):
                return JSONResponse({"error": "cross-site request refused", "code": "E508"}, status_code=403,
                                    headers=SECURITY_HEADERS)
        response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response


class HeadAsGet:
    """Answer ``HEAD`` wherever ``GET`` is answered: the same status and headers, no body (RFC 9110 9.3.2)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Any) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body"):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


def create_app(db: str, *, read_only: bool = False, max_upload_bytes: int = DEFAULT_MAX_UPLOAD,
               ingest_in_process: bool = False, allowed_hosts: Sequence[str] = LOCAL_HOSTS,
               create: bool = True) -> FastAPI:
    """The web reader over the ledger at ``db`` (a path or SQLAlchemy URL).

    Args:
        db: the ledger, as ``--db`` takes it.
        read_only: refuse uploads and corrections (HTTP 403).
        max_upload_bytes: the largest file the ingest page accepts.
        ingest_in_process: run upload jobs in the server's own process instead of a worker
            process (for tests that replace the ingest function).
        allowed_hosts: the ``Host`` names answered (others get 400); ``*`` answers any.
        create: make a new SQLite ledger when none is at ``db`` (False: LedgerError E205).
    """
    from counterclaim.api import open_ledger
    from counterclaim.web import boards, incidents, pages, review, uploads

    app = FastAPI(title="counterclaim", version=__version__,
                  description="Read, check and correct a counterclaim ledger. Every HTML page has a JSON "
                              "twin under /api.",
                  # Swagger UI loads its scripts from a CDN (offline here, and against the CSP): /docs is
                  # our own server-rendered page over /openapi.json instead.
                  docs_url=None, redoc_url=None)
    app.state.ledger = open_ledger(db, create=create)
    app.state.read_only = read_only
    app.state.max_upload_bytes = max_upload_bytes
    app.state.ingest_in_process = ingest_in_process
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(dict.fromkeys(allowed_hosts)))
    app.add_middleware(SecurityHeaders)  # its headers also go on the refusal of a foreign Host
    app.add_middleware(HeadAsGet)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (pages, boards, incidents, review, uploads):
        app.include_router(module.router)

    @app.exception_handler(CounterclaimError)
    async def _counterclaim_error(request: Request, exc: CounterclaimError):  # type: ignore[no-untyped-def]
        status = 404 if exc.code in ("E203", "E503") else 403 if exc.code == "E507" else 400
        if wants_json(request):
            return JSONResponse({"error": exc.message, "code": exc.code}, status_code=status)
        return render(request, "error.html", {"status": status, "code": exc.code, "message": exc.message},
                      status_code=status)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException):  # type: ignore[no-untyped-def]
        if wants_json(request):
            return JSONResponse({"error": str(exc.detail), "code": f"HTTP{exc.status_code}"},
                                status_code=exc.status_code)
        return render(request, "error.html", {"status": exc.status_code, "code": f"HTTP {exc.status_code}",
                                              "message": str(exc.detail)}, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _bad_parameter(request: Request, exc: RequestValidationError):  # type: ignore[no-untyped-def]
        problems = "; ".join(_problem(e) for e in exc.errors())
        if wants_json(request):
            return JSONResponse({"error": f"bad parameter: {problems}", "code": "E001",
                                 "detail": jsonable_encoder(exc.errors())}, status_code=422)
        return error_response(request, 400, "E001", f"bad parameter: {problems}")

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception):  # type: ignore[no-untyped-def]
        # Starlette answers a crash outside every middleware: the security headers are added here.
        response = error_response(request, 500, "E000", "the reader failed on this request; the server log "
                                                         "says why")
        response.headers.update(SECURITY_HEADERS)
        return response

    return app


def _problem(error: dict[str, Any]) -> str:
    """'page: a whole number, not 'abc'' from one of FastAPI's validation errors."""
    where = ".".join(str(x) for x in error.get("loc", ())[1:]) or "request"
    given = error.get("input")
    wanted = {"int_parsing": "a whole number", "float_parsing": "a number", "greater_than_equal":
              "at least {ge}", "less_than_equal": "at most {le}", "missing": "required"}.get(error.get("type", ""))
    if wanted is None:
        return f"{where}: {error.get('msg', 'not accepted')}"
    wanted = wanted.format(**(error.get("ctx") or {}))
    return f"{where}: {wanted}" + (f", not {str(given)[:80]!r}" if given is not None and wanted != "required" else "")


def past_the_end(request: Request, page: int, pages: int) -> RedirectResponse | None:
    """``page=99`` of 2 on an HTML page: a 303 to the last page (the JSON twins carry ``page`` and ``pages``)."""
    if page <= max(1, pages):
        return None
    params = {**request.query_params, "page": str(max(1, pages))}
    return RedirectResponse(f"{request.url.path}?{urlencode(params)}", status_code=303)


def error_response(request: Request, status: int, code: str, message: str) -> Response:
    """An error as JSON under /api (or when JSON is asked for), else as an HTML page."""
    if wants_json(request):
        return JSONResponse({"error": message, "code": code}, status_code=status)
    return render(request, "error.html", {"status": status, "code": code, "message": message}, status_code=status)


def ledger_of(request: Request):  # type: ignore[no-untyped-def]
    """The ledger the app was started on."""
    return request.app.state.ledger


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def require_writable(request: Request) -> None:
    """403 on a ``--read-only`` server."""
    if request.app.state.read_only:
        raise CounterclaimError("this reader was started with --read-only: ingest and corrections are off",
                                code="E507")


_AUTHOR = re.compile(r"[^\w .@'-]+", re.UNICODE)


def author_of(request: Request, given: str | None = None) -> str:
    """Who makes a correction: the form/JSON value, else the ``cc_author`` cookie, else 'analyst'."""
    name = given or request.cookies.get("cc_author") or "analyst"
    return _AUTHOR.sub("", name).strip()[:80] or "analyst"


def render(request: Request, name: str, context: dict[str, Any], *, status_code: int = 200) -> HTMLResponse:
    """Render one page template with the shared context (read-only flag, query string)."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    ctx = {"read_only": request.app.state.read_only, "q": request.query_params.get("q", ""),
           "here": here, "author": author_of(request), **context}
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)

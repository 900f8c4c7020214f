"""The web reader's application factory, security headers and shared helpers.

Every page and JSON endpoint lives in a router module (``pages``, ``boards``, ``review``,
``uploads``); each reads the ledger through :mod:`counterclaim.api` and renders one
template (autoescaped; document text is hostile input). No request value ever becomes a
filesystem path: templates and static files are served from this package only.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.exceptions import HTTPException
from starlette.middleware.base import BaseHTTPMiddleware

from counterclaim import __version__
from counterclaim.errors import CounterclaimError
from counterclaim.records import describe_figure

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


def _marked(value: str | None) -> Markup:
    """Escape a search snippet, then turn its U+0001/U+0002 match markers into <mark>."""
    text = str(escape(value or ""))
    return Markup(text.replace("\x01", "<mark>").replace("\x02", "</mark>"))


def _num(value: Any) -> str:
    """13,500 for 13500; 0.85 stays 0.85; None is an em dash."""
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


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
    env.globals["version"] = __version__
    return env


templates = Jinja2Templates(env=_environment())


class SecurityHeaders(BaseHTTPMiddleware):
    """CSP and friends on every response; refuse cross-site writes (a page elsewhere POSTing here)."""

    async def dispatch(self, request: Request, call_next):  # type: ignore[no-untyped-def]
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
               ingest_in_process: bool = False) -> FastAPI:
    """The web reader over the ledger at ``db`` (a path or SQLAlchemy URL).

    Args:
        db: the ledger, as ``--db`` takes it.
        read_only: refuse uploads and corrections (HTTP 403).
        max_upload_bytes: the largest file the ingest page accepts.
        ingest_in_process: run upload jobs in the server's own process instead of a worker
            process (for tests that replace the ingest function).
    """
    from counterclaim.api import open_ledger
    from counterclaim.web import boards, incidents, pages, review, uploads

    app = FastAPI(title="counterclaim", version=__version__,
                  description="Read, check and correct a counterclaim ledger. Every HTML page has a JSON "
                              "twin under /api.",
                  # Swagger UI loads its scripts from a CDN (offline here, and against the CSP): /docs is
                  # our own server-rendered page over /openapi.json instead.
                  docs_url=None, redoc_url=None)
    app.state.ledger = open_ledger(db)
    app.state.read_only = read_only
    app.state.max_upload_bytes = max_upload_bytes
    app.state.ingest_in_process = ingest_in_process
    app.add_middleware(SecurityHeaders)
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

    return app


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

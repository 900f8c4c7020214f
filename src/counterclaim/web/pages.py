"""Overview, search and document pages, each with its JSON twin under /api.

The routes only call :mod:`counterclaim.query.overview` / :mod:`counterclaim.query.document`
and render one template; all the data gathering lives there.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from counterclaim.query.document import document_page
from counterclaim.query.overview import documents_page, overview, search
from counterclaim.web.app import ledger_of, past_the_end, render

router = APIRouter()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def overview_page(request: Request) -> HTMLResponse:
    return render(request, "overview.html", overview(ledger_of(request)))


@router.get("/api/overview", summary="Overview of the ledger", tags=["pages"])
def overview_json(request: Request) -> dict[str, Any]:
    """Counts per kind, date range, documents per asserter / type / outlet, the 20 latest documents."""
    return overview(ledger_of(request))


@router.get("/api/documents", summary="All documents, newest first", tags=["pages"])
def documents_json(request: Request, page: int = Query(1, ge=1), per_page: int = Query(50, ge=1, le=500)
                   ) -> dict[str, Any]:
    """The documents, newest first, one page at a time."""
    return documents_page(ledger_of(request), page, per_page)


@router.get("/documents", response_class=HTMLResponse, include_in_schema=False)
def documents_html(request: Request, page: int = Query(1, ge=1)) -> Any:
    view = documents_page(ledger_of(request), page)
    return past_the_end(request, page, view["pages"]) or render(request, "documents.html", {"view": view})


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
def search_page(request: Request, q: str = "") -> HTMLResponse:
    return render(request, "search.html", search(ledger_of(request), q))


@router.get("/api/search", summary="Search the texts", tags=["pages"])
def search_json(request: Request, q: str = "") -> dict[str, Any]:
    """Documents matching every word of ``q``; in ``snippet`` U+0001/U+0002 wrap the matches."""
    return search(ledger_of(request), q)


@router.get("/documents/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
def document_html(request: Request, doc_id: str) -> HTMLResponse:
    data = document_page(ledger_of(request), doc_id)
    items = {i["id"]: i for key in ("figures", "attributions", "claims", "mentions", "techniques")
             for i in data[key]}
    choices = {"category_choices": [(c, c) for c in data["categories"]],
               "claim_type_choices": [(c, c) for c in data["claim_types"]],
               "technique_choices": [(t, t.replace("_", " ")) for t in data["technique_labels"]],
               "entity_choices": [(e["id"], f"{e['name']} ({e['type']})") for e in data["entities"]]}
    return render(request, "document.html", {**data, **choices, "items": items})


@router.get("/api/documents/{doc_id}", summary="One document with its items and relations", tags=["pages"])
def document_json(request: Request, doc_id: str) -> dict[str, Any]:
    """One document (id, unique id prefix or ingest path) with its items, segment tree and relations."""
    return document_page(ledger_of(request), doc_id)

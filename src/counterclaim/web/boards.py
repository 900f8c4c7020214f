"""Entity pages, the claims board, the figures board and our own API page (``/docs``).

Each view calls one :mod:`counterclaim.query` function and renders one template; its JSON twin
under ``/api`` returns the same dict. HTML routes are left out of the OpenAPI schema (they are
pages, not an API); the JSON ones carry a summary and a description.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from counterclaim.query import claims as claims_q
from counterclaim.query import entities as entities_q
from counterclaim.query import figures as figures_q
from counterclaim.web.app import ledger_of, past_the_end, render
from counterclaim.web.svg import figure_chart

router = APIRouter()

Page = Query(1, ge=1, le=100_000, description="1-based page number")
_METHODS = ("get", "post", "put", "patch", "delete")


def _entity_url(prefix: str, entity_id: str) -> str:
    return prefix + quote(entity_id, safe=":")


def _canonical_or_redirect(request: Request, entity_id: str, prefix: str) -> str | RedirectResponse:
    key = entities_q.canonical_entity(ledger_of(request), entity_id)
    if key != entity_id:
        url = _entity_url(prefix, key)
        if request.url.query:
            url += "?" + request.url.query
        return RedirectResponse(url, status_code=307)
    return key


# -- entities -----------------------------------------------------------------------------------------------
@router.get("/entities", response_class=HTMLResponse, include_in_schema=False)
def entities_page(request: Request, page: int = Page) -> Any:
    view = entities_q.entity_list(ledger_of(request), page=page)
    return past_the_end(request, page, view["pages"]) or render(request, "entities.html", {"view": view})


@router.get("/api/entities", summary="All entities, most mentioned first", tags=["entities"])
def entities_json(request: Request, page: int = Page) -> dict[str, Any]:
    """Canonical entities (ids merged into another are left out) with their type and mention count, 100
    per page."""
    return entities_q.entity_list(ledger_of(request), page=page)


@router.get("/entities/{entity_id:path}", response_class=HTMLResponse, include_in_schema=False)
def entity_page(request: Request, entity_id: str, page: int = Page) -> Any:
    found = _canonical_or_redirect(request, entity_id, "/entities/")
    if isinstance(found, RedirectResponse):
        return found
    view = entities_q.entity_view(ledger_of(request), found, page=page)
    return past_the_end(request, page, view["documents"]["pages"]) or render(request, "entity.html", {"view": view})


@router.get("/api/entities/{entity_id:path}", summary="One entity: names, documents, claims by and about it",
            tags=["entities"])
def entity_json(request: Request, entity_id: str, page: int = Page) -> Any:
    """An entity with its aliases and roles (merged entities' included), the documents that mention it
    (paginated by ``page``) and that it asserts, the claims it asserts and those about it, the
    attributions where it speaks or relays, the figures it asserts and the relations touching it or
    its claims and documents. A merged id redirects (307) to its canonical id; an unknown one is 404."""
    found = _canonical_or_redirect(request, entity_id, "/api/entities/")
    if isinstance(found, RedirectResponse):
        return found
    return entities_q.entity_view(ledger_of(request), found, page=page)


# -- claims ---------------------------------------------------------------------------------------------------
def _board(request: Request, asserter: str | None, about: str | None, claim_type: str | None,
           polarity: str | None, date_from: str | None, date_to: str | None, page: int) -> dict[str, Any]:
    return claims_q.claims_board(ledger_of(request), asserter=asserter, about=about, claim_type=claim_type,
                                 polarity=polarity, date_from=date_from, date_to=date_to, page=page)


@router.get("/claims", response_class=HTMLResponse, include_in_schema=False)
def claims_page(request: Request, asserter: str | None = None, about: str | None = None,
                claim_type: str | None = None, polarity: str | None = None, date_from: str | None = None,
                date_to: str | None = None, page: int = Page) -> Any:
    board = _board(request, asserter, about, claim_type, polarity, date_from, date_to, page)
    if (last := past_the_end(request, page, board["pages"])) is not None:
        return last
    pairs = claims_q.contradictions(ledger_of(request))
    query = {k: v for k, v in board["filters"].items() if v}
    return render(request, "claims.html", {"board": board, "pairs": pairs, "query": query})


@router.get("/api/claims", summary="Claims ranked by check-worthiness, filtered, 50 per page", tags=["claims"])
def claims_json(request: Request,
                asserter: str | None = Query(None, description="entity id of the asserter (merged ids included)"),
                about: str | None = Query(None, description="entity id the claim is about"),
                claim_type: str | None = Query(None, description="accusation, figure, characterization, event, "
                                                                 "denial, demand or other"),
                polarity: str | None = Query(None, description="affirm or deny"),
                date_from: str | None = Query(None, description="document published on or after (YYYY-MM-DD)"),
                date_to: str | None = Query(None, description="document published on or before (YYYY-MM-DD)"),
                page: int = Page) -> dict[str, Any]:
    """Claims, highest check-worthiness first, each with its asserter, type, polarity, score, the
    entities it is about and its document's title and date; ``total``/``pages`` for paging and the
    asserters present (for a filter menu)."""
    return _board(request, asserter, about, claim_type, polarity, date_from, date_to, page)


@router.get("/api/contradictions", summary="Contradicting and rebutting pairs, side by side", tags=["claims"])
def contradictions_json(request: Request, page: int = Page) -> dict[str, Any]:
    """Relations of type ``contradicts`` and ``rebuts`` (best score first within each type), both ends
    described: text, asserter, document, date; the score and the evidence."""
    return claims_q.contradictions(ledger_of(request), page=page)


@router.get("/disputes", response_class=HTMLResponse, include_in_schema=False)
def disputes_page(request: Request, page: int = Page) -> Any:
    pairs = claims_q.contradictions(ledger_of(request), page=page)
    return past_the_end(request, page, pairs["pages"]) or render(request, "disputes.html", {"pairs": pairs})


# -- figures --------------------------------------------------------------------------------------------------
def _figures(request: Request, category: str | None, event: str | None, page: int) -> dict[str, Any]:
    return figures_q.figures_board(ledger_of(request), category=category, event=event, page=page)


@router.get("/figures", response_class=HTMLResponse, include_in_schema=False)
def figures_page(request: Request, category: str | None = None, event: str | None = None,
                 page: int = Page) -> Any:
    board = _figures(request, category, event, page)
    for g in board["groups"]:
        for f in g["figures"]:
            f["value_label"] = figures_q.value_label(f)
        title = f"{g['category']} · {g['event_name'] or 'no event'}"
        g["chart"] = figure_chart(g["figures"], title=title)
    query = {k: v for k, v in board["filters"].items() if v}
    return render(request, "figures.html", {"board": board, "query": query, "no_event": figures_q.NO_EVENT})


@router.get("/api/figures", summary="Figures per category and event, sources side by side", tags=["figures"])
def figures_json(request: Request,
                 category: str | None = Query(None, description="killed, injured, casualties, missing, …"),
                 event: str | None = Query(None, description="an event's entity id, or 'none' for figures tied "
                                                             "to no event"),
                 page: int = Page) -> dict[str, Any]:
    """Figures grouped by (category, event), at most 200 per group and page when a category is chosen
    (50 on the overview of all categories), each with its value,
    range, approximation, what is counted, subgroup, source (the document's asserter), date, and
    its ``figure_consistent`` / ``figure_mismatch`` links to other figures."""
    return _figures(request, category, event, page)


# -- /docs ----------------------------------------------------------------------------------------------------
def openapi_operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every (path, method) of an OpenAPI document with its summary, description and parameters."""
    out = []
    for path, item in sorted(spec.get("paths", {}).items()):
        for method in _METHODS:
            op = item.get(method)
            if not op:
                continue
            params = []
            for p in [*item.get("parameters", []), *op.get("parameters", [])]:
                schema = p.get("schema", {})
                kinds = [s.get("type") for s in schema.get("anyOf", [])] or [schema.get("type")]
                params.append({"name": p.get("name"), "in": p.get("in"), "required": bool(p.get("required")),
                               "type": " | ".join(k for k in kinds if k) or "any",
                               "description": p.get("description") or schema.get("description") or "",
                               "default": schema.get("default") if schema.get("default") != "" else None})
            body = op.get("requestBody", {}).get("content", {})
            summary = op.get("summary") or ""
            if summary and (op.get("operationId") or "").startswith(summary.replace(" ", "_").lower() + "_"):
                summary = ""  # FastAPI's own, made from the function name ('Incidents Json'): not a title
            title = summary or (op.get("description") or "").split(".")[0] or f"{method.upper()} {path}"
            out.append({"path": path, "method": method.upper(), "summary": summary, "title": title,
                        "description": " ".join((op.get("description") or "").replace("``", "").split()), "tags": op.get("tags", []),
                        "parameters": params, "body": sorted(body)})
    return out


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def api_docs(request: Request) -> Any:
    spec = request.app.openapi()
    return render(request, "api_docs.html", {"info": spec.get("info", {}), "operations": openapi_operations(spec)})

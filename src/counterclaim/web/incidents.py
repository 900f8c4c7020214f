"""The incident pages (the analyst's main view), each with its JSON twin under /api.

The routes only call :mod:`counterclaim.query.incidents` and render one template.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from counterclaim.query.incidents import incident_page, incidents_list
from counterclaim.web.app import ledger_of, render

router = APIRouter()


@router.get("/incidents", response_class=HTMLResponse, include_in_schema=False)
def incidents_html(request: Request) -> HTMLResponse:
    return render(request, "incidents.html", incidents_list(ledger_of(request)))


@router.get("/api/incidents", tags=["incidents"])
def incidents_json(request: Request) -> dict[str, Any]:
    """Every incident (EVENT entities the linker derived): type, place, date, sizes."""
    return incidents_list(ledger_of(request))


@router.get("/incidents/{incident_id:path}", response_class=HTMLResponse, include_in_schema=False)
def incident_html(request: Request, incident_id: str) -> HTMLResponse:
    return render(request, "incident.html", incident_page(ledger_of(request), incident_id))


@router.get("/api/incidents/{incident_id:path}", tags=["incidents"])
def incident_json(request: Request, incident_id: str) -> dict[str, Any]:
    """One incident: parties' claims side by side, figures per category and source, contradictions,
    rebuttals, figure links and documents."""
    return incident_page(ledger_of(request), incident_id)

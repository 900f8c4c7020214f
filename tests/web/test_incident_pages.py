"""The incident pages on the seeds: the list, one incident with its sides and figures, links to it."""

from __future__ import annotations

import re


def _incident_ids(client) -> list[str]:
    return [i["id"] for i in client.get("/api/incidents").json()["incidents"]]


def test_incident_list_and_json_twin(client):
    page = client.get("/incidents")
    assert page.status_code == 200 and "<h1>Incidents" in page.text
    ids = _incident_ids(client)
    assert ids and all(i.startswith("EVENT:incident-") for i in ids)
    assert any("khojaly" in i for i in ids)  # the Ombudsman's statement on the Khojaly killings


def test_incident_page_shows_sides_figures_and_documents(client):
    khojaly = next(i for i in _incident_ids(client) if "khojaly" in i and "genocide" in i)
    page = client.get(f"/incidents/{khojaly}")
    assert page.status_code == 200
    assert 'class="incident-side"' in page.text and 'id="figures"' in page.text
    data = client.get(f"/api/incidents/{khojaly}").json()
    killed = next(g for g in data["figure_groups"] if g["category"] == "killed")
    values = {f["value"]: f for f in killed["figures"]}
    assert values[613]["part_of"] is None and values[63]["part_of"] == "613"  # parts are marked
    assert data["incident"]["place"] and data["documents"]


def test_document_and_overview_link_to_their_incidents(client):
    doc = client.get("/api/incidents").json()["incidents"][0]
    data = client.get(f"/api/incidents/{doc['id']}").json()
    page = client.get(f"/documents/{data['documents'][0]['id']}")
    assert "Reports on" in page.text and re.search(r'href="/incidents/EVENT:incident-[^"]+"', page.text)
    assert 'id="h-incidents"' in client.get("/").text


def test_unknown_incident_is_404(client):
    assert client.get("/incidents/EVENT:incident-nowhere").status_code == 404
    assert client.get("/api/incidents/EVENT:incident-nowhere").status_code == 404

"""Every page of the reader on PostgreSQL (full-text search, JSON lists, corrections), same as SQLite."""

from __future__ import annotations

import os

import pytest

from tests.web.conftest import LOCAL

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not os.environ.get("COUNTERCLAIM_TEST_PG_URL"), reason="COUNTERCLAIM_TEST_PG_URL not set"),
]
TABLES = ("corrections", "relations", "entity_links", "quantities", "attributions", "claims", "mentions",
          "entity_aliases", "documents", "entities")


@pytest.fixture(scope="module")
def pg_client():
    from fastapi.testclient import TestClient

    from counterclaim.api import ingest, open_ledger
    from counterclaim.web import create_app
    from tests.conftest import SEEDS

    url = os.environ["COUNTERCLAIM_TEST_PG_URL"]
    ledger = open_ledger(url)
    with ledger.engine.begin() as conn:
        for table in TABLES:
            conn.exec_driver_sql(f"DELETE FROM {table}")
    assert len(ingest(ledger, [SEEDS]).added) == 5
    ledger.close()
    with TestClient(create_app(url), base_url=LOCAL) as client:
        yield client


def test_pages_and_json_twins_on_postgresql(pg_client):
    docs = pg_client.get("/api/documents").json()
    items = docs["documents"] if isinstance(docs, dict) else docs
    assert len(items) == 5
    khojaly = pg_client.get("/api/search", params={"q": "Khojaly"}).json()
    hits = khojaly["hits"] if isinstance(khojaly, dict) else khojaly
    assert len(hits) == 2
    doc_id = next(h["id"] for h in hits if "613" in pg_client.get(f"/api/documents/{h['id']}").text)
    page = pg_client.get(f"/documents/{doc_id}")
    assert page.status_code == 200 and "cat-killed" in page.text
    claims = pg_client.get("/api/claims").json()
    rows = claims["claims"]
    assert rows and rows[0]["checkworthy"] >= rows[-1]["checkworthy"]
    target = next(c["about"][0] for c in rows if c["about"])
    about = pg_client.get("/api/claims", params={"about": target}).json()["claims"]
    assert about and all(target in c["about"] for c in about)
    for path in ("/", "/claims", "/figures", "/corrections", "/ingest", "/docs", f"/entities/{target}",
                 "/search?q=genocide"):
        r = pg_client.get(path)
        assert r.status_code == 200, path


def test_a_correction_on_postgresql_reaches_the_export(pg_client):
    doc = pg_client.get("/api/search", params={"q": "Khojaly 613"}).json()
    hits = doc["hits"] if isinstance(doc, dict) else doc
    view = pg_client.get(f"/api/documents/{hits[0]['id']}").json()
    figure = next(f for f in view["figures"] if f["text"] == "613")
    r = pg_client.post("/api/corrections", json={"kind": "quantity", "item_id": figure["id"], "action": "reject",
                                                  "author": "pg-test"})
    assert r.status_code == 200 and r.json()["review"]["status"] == "rejected"
    tasks = pg_client.get("/corrections/labelstudio.json").json()
    regions = [x for t in tasks for p in t["predictions"] for x in p["result"]]
    assert regions and not any(x["meta"]["counterclaim_id"] == figure["id"] for x in regions)


@pytest.mark.parametrize("path", ["/documents/%00", "/api/documents/d381%00", "/entities/GPE:%00", "/search?q=%00",
                                  "/api/search?q=a%00b", "/claims?asserter=%00", "/api/claims?about=GPE%3A%00",
                                  "/figures?event=%00", "/ingest/jobs/%00"])
def test_nul_in_a_parameter_is_refused_on_postgresql(pg_client, path):
    r = pg_client.get(path)
    assert r.status_code == 400 and "NUL" in r.text


def test_search_forgives_on_postgresql(pg_client):
    for q, word in (("genocides", "genocide"), ("3890", "3,890")):
        hits = pg_client.get("/api/search", params={"q": q}).json()["hits"]
        assert any(word in h["snippet"].lower().replace("\x01", "").replace("\x02", "") for h in hits), q

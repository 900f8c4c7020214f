"""The reader's edges: foreign Host names, NUL in parameters, crashes, bad parameters, search snippets."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from counterclaim.web import create_app
from counterclaim.web.app import SECURITY_HEADERS
from tests.web.conftest import LOCAL


# -- 15.6 DNS rebinding ------------------------------------------------------------------------------------
@pytest.mark.parametrize("host, status", [("127.0.0.1", 200), ("localhost", 200), ("127.0.0.1:8000", 200),
                                          ("localhost:8000", 200), ("evil.example", 400),
                                          ("rebind.attacker.test:8000", 400), ("reader.lan", 400)])
def test_only_local_host_names_are_answered(client, host, status):
    r = client.get("/api/overview", headers={"host": host})
    assert r.status_code == status
    assert r.headers["content-security-policy"] == SECURITY_HEADERS["Content-Security-Policy"]


def test_allowed_hosts_add_to_the_local_ones(web_db):
    with TestClient(create_app(web_db, allowed_hosts=("reader.lan", "127.0.0.1")), base_url=LOCAL) as c:
        assert c.get("/", headers={"host": "reader.lan"}).status_code == 200
        assert c.post("/api/corrections", headers={"host": "evil.example"},
                      json={"kind": "claim", "item_id": "x", "action": "confirm"}).status_code == 400


# -- 15.10 NUL in parameters, headers on a crash ------------------------------------------------------------
@pytest.mark.parametrize("path", ["/documents/%00", "/api/documents/d381%00", "/entities/GPE:%00",
                                  "/api/entities/%00x", "/search?q=%00", "/api/search?q=a%00b",
                                  "/claims?asserter=%00", "/api/claims?about=GPE%3A%00", "/figures?event=%00",
                                  "/api/figures?category=%00", "/corrections?page=%00", "/ingest/jobs/%00"])
def test_nul_in_a_parameter_is_a_400(client, path):
    r = client.get(path)
    assert r.status_code == 400, (path, r.status_code)
    assert "NUL" in r.text and r.headers["x-frame-options"] == "DENY"


def test_a_crash_is_a_500_page_with_the_security_headers(web_db, monkeypatch):
    from counterclaim.query import overview

    def boom(*_a, **_k):
        raise RuntimeError("secret SQL with document text")

    app = create_app(web_db)
    monkeypatch.setattr(overview, "overview", boom)
    monkeypatch.setattr("counterclaim.web.pages.overview", boom)
    with TestClient(app, base_url=LOCAL, raise_server_exceptions=False) as c:
        for path in ("/", "/api/overview"):
            r = c.get(path)
            assert r.status_code == 500
            assert "secret SQL" not in r.text
            for key, value in SECURITY_HEADERS.items():
                assert r.headers[key.lower()] == value, key


# -- 16.11 bad parameters --------------------------------------------------------------------------------------
@pytest.mark.parametrize("path, words", [("/claims?page=abc", ["page", "a whole number", "'abc'"]),
                                         ("/figures?page=0", ["page", "at least 1"]),
                                         ("/entities/GPE:azerbaijan?page=x", ["page", "a whole number"])])
def test_bad_parameters_give_an_html_error_page(client, path, words):
    r = client.get(path)
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
    assert "<h1>Error 400</h1>" in r.text and all(w in r.text.replace("&#39;", "'") for w in words)


def test_bad_parameters_stay_json_under_api(client):
    r = client.get("/api/claims?page=abc")
    assert r.status_code == 422 and r.json()["code"] == "E001" and "page" in r.json()["error"]


# -- 15.11 and 16.12 search -------------------------------------------------------------------------------------
@pytest.mark.parametrize("q, expected", [("genocides", "genocide"), ("3890", "3,890"), ("hostages", "hostage")])
def test_search_forgives_forms_and_separators(client, q, expected):
    data = client.get("/api/search", params={"q": q}).json()
    assert data["hits"], q
    assert any(expected in h["snippet"].lower().replace("\x01", "").replace("\x02", "") for h in data["hits"])
    page = client.get("/search", params={"q": q})
    assert page.status_code == 200 and "<mark>" in page.text


def test_search_says_when_a_query_was_cut(client):
    q = " ".join(["genocide", "Khojaly", "the", "of"] * 40)
    page = client.get("/search", params={"q": q})
    assert page.status_code == 200
    assert "Only the first 300 characters of the query were read" in page.text
    assert "Common words ignored: the, of." in page.text


def test_control_characters_in_a_document_never_become_marks(web_db):
    import sqlite3

    con = sqlite3.connect(web_db)
    with con:
        con.execute("UPDATE documents SET text = replace(text, 'Khojaly', char(1) || 'Khojaly' || char(2) || "
                    "'<b>')")
    con.close()
    with TestClient(create_app(web_db), base_url=LOCAL) as c:
        page = c.get("/search", params={"q": "genocide"}).text
    assert "<mark>Khojaly" not in page and "<b>" not in page

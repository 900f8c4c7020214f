"""The corrections write path, the corrections page and the Label Studio routes, on a private copy of the seeds."""

from __future__ import annotations

import copy
import json

import pytest

from counterclaim import api
from counterclaim import corrections as corr

from tests.conftest import add_trend_story
from tests.web.conftest import LOCAL

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"


@pytest.fixture
def figs(web_db) -> dict[str, str]:
    """Ids of the Khojaly statement's figures by their text (613, 25, 106...)."""
    from counterclaim.export.rows import iter_rows

    assert api.open_ledger(web_db).corrections() == []  # a fresh copy
    rows = [r for r in iter_rows(api.open_ledger(web_db)) if r["kind"] == "quantity"]
    (doc,) = {r["doc"] for r in rows if r["text"] == "613"}
    return {r["text"]: r["id"] for r in rows if r["doc"] == doc} | {"doc": doc}


def standing(web_db, item_id: str) -> dict | None:
    return corr.review_of(api.open_ledger(web_db), "quantity", item_id)


def test_form_post_redirects_and_remembers_the_author(client, web_db, figs):
    r = client.post("/corrections", data={"kind": "quantity", "item_id": figs["613"], "action": "reject",
                                          "author": "Ana", "next": f"/documents/{figs['doc']}"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/documents/{figs['doc']}"
    cookie = r.headers["set-cookie"]
    assert "cc_author=Ana" in cookie and "samesite=strict" in cookie.lower()
    assert standing(web_db, figs["613"])["status"] == "rejected"
    # The next correction without a name is made by the remembered author.
    r = client.post("/corrections", data={"kind": "quantity", "item_id": figs["25"], "action": "fix",
                                          "field": "category", "value": "injured"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/corrections"
    assert standing(web_db, figs["25"]) == {**standing(web_db, figs["25"]), "status": "corrected", "by": "Ana",
                                            "fixes": {"category": "injured"}}


@pytest.mark.parametrize("target", ["//evil.com", "https://evil.com", "/\\evil.com", "\\\\evil.com",
                                    "evil.com", "/\t/evil.com", "javascript:alert(1)", ""])
def test_open_redirects_land_on_corrections(client, figs, target):
    r = client.post("/corrections", data={"kind": "quantity", "item_id": figs["106"], "action": "confirm",
                                          "next": target}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/corrections"


def test_json_post_answers_the_standing_review(client, figs):
    r = client.post("/api/corrections", json={"kind": "quantity", "item_id": figs["25"], "action": "fix",
                                              "field": "category", "value": "injured", "author": "Ben"})
    assert r.status_code == 200
    body = r.json()
    assert isinstance(body["id"], int)
    assert body["review"]["status"] == "corrected" and body["review"]["by"] == "Ben"
    assert body["review"]["fixes"] == {"category": "injured"}
    r = client.post("/api/corrections", json={"kind": "quantity", "item_id": figs["25"], "action": "reset"})
    assert r.status_code == 200 and r.json()["review"] is None


@pytest.mark.parametrize(("payload", "status", "code"), [
    ({"kind": "figures", "item_id": "X", "action": "confirm"}, 400, "E501"),
    ({"kind": "quantity", "item_id": "613", "action": "approve"}, 400, "E502"),
    ({"kind": "quantity", "item_id": "nope:q1", "action": "confirm"}, 404, "E503"),
    ({"kind": "quantity", "item_id": "613", "action": "fix", "field": "value", "value": "1"}, 400, "E504"),
    ({"kind": "quantity", "item_id": "613", "action": "fix", "field": "category", "value": XSS}, 400, "E505"),
])
def test_bad_corrections(client, figs, payload, status, code):
    payload = {**payload, "item_id": figs.get(payload["item_id"], payload["item_id"])}
    r = client.post("/api/corrections", json=payload)
    assert r.status_code == status and r.json()["code"] == code
    form = client.post("/corrections", data=payload, follow_redirects=False)
    assert form.status_code == status and code in form.text
    assert "<script>alert(1)" not in form.text


def test_read_only_refuses_writes(read_only_client, web_db, figs):
    c = read_only_client
    assert c.post("/api/corrections", json={"kind": "quantity", "item_id": figs["613"],
                                            "action": "reject"}).status_code == 403
    r = c.post("/corrections", data={"kind": "quantity", "item_id": figs["613"], "action": "reject"},
               follow_redirects=False)
    assert r.status_code == 403 and "E507" in r.text
    assert c.post("/corrections/labelstudio", files={"file": ("a.json", b"[]")}).status_code == 403
    page = c.get("/corrections")
    assert page.status_code == 200 and 'action="/corrections/labelstudio"' not in page.text
    assert api.open_ledger(web_db).corrections() == []


@pytest.mark.parametrize("origin", ["https://evil.com", "http://evil.com"])
def test_cross_site_posts_are_refused(client, web_db, figs, origin):
    r = client.post("/corrections", data={"kind": "quantity", "item_id": figs["613"], "action": "reject"},
                    headers={"Origin": origin}, follow_redirects=False)
    assert r.status_code == 403
    r = client.post("/api/corrections", json={"kind": "quantity", "item_id": figs["613"], "action": "reject"},
                    headers={"Origin": origin})
    assert r.status_code == 403 and r.json()["code"] == "E508"
    assert api.open_ledger(web_db).corrections() == []


def test_corrections_page_lists_what_was_done(client, figs):
    empty = client.get("/corrections")
    assert empty.status_code == 200 and "No corrections yet" in empty.text
    client.post("/corrections", data={"kind": "quantity", "item_id": figs["613"], "action": "reject",
                                      "author": "Ana"})
    client.post("/api/corrections", json={"kind": "quantity", "item_id": figs["25"], "action": "fix",
                                          "field": "category", "value": "injured", "author": XSS})
    page = client.get("/corrections")
    assert page.status_code == 200
    html = page.text
    assert "<q>613</q>" in html and "<q>25</q>" in html
    assert "category → <strong>injured</strong>" in html
    assert f'href="/documents/{figs["doc"]}"' in html and "STATEMENT of the Commissioner" in html
    assert f'name="item_id" value="{figs["613"]}"' in html and 'value="reset"' in html
    assert "<script>alert" not in html and "onerror=alert" not in html.replace("onerror=alert(2)&gt;", "")
    assert html.index("<q>25</q>") < html.index("<q>613</q>")  # newest first
    assert '/static/review.css' in html
    data = client.get("/api/corrections").json()
    assert data["total"] == 2 and [r["action"] for r in data["items"]] == ["fix", "reject"]
    assert data["counts"]["action"] == {"fix": 1, "reject": 1}
    assert data["items"][1]["author"] == "Ana" and data["items"][1]["current"] == figs["613"]
    # The reset button restores the figure.
    r = client.post("/corrections", data={"kind": "quantity", "item_id": figs["613"], "action": "reset",
                                          "next": "/corrections?page=1"}, follow_redirects=False)
    assert r.headers["location"] == "/corrections?page=1"
    assert client.get("/api/corrections").json()["counts"]["action"]["reset"] == 1


def test_corrections_page_paginates(client, figs):
    for _ in range(26):
        client.post("/api/corrections", json={"kind": "quantity", "item_id": figs["106"], "action": "confirm"})
        client.post("/api/corrections", json={"kind": "quantity", "item_id": figs["63"], "action": "confirm"})
    data = client.get("/api/corrections?page=2").json()
    assert (data["total"], data["pages"], data["page"], len(data["items"])) == (52, 2, 2, 2)
    html = client.get("/corrections?page=2").text
    assert 'href="/corrections?page=1"' in html and "page 2 of 2" in html
    assert client.get("/corrections?page=0").status_code in (400, 422)


def test_labelstudio_download_and_config(client):
    r = client.get("/corrections/labelstudio.json")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert r.headers["content-disposition"].startswith("attachment;")
    tasks = r.json()
    assert len(tasks) == 5
    assert any(reg["value"]["text"] == "613" and reg["value"]["labels"] == ["killed"]
               for t in tasks for reg in t["predictions"][0]["result"])
    cfg = client.get("/corrections/labelstudio-config.xml")
    assert cfg.status_code == 200 and "xml" in cfg.headers["content-type"]
    assert '<Labels name="label" toName="text">' in cfg.text and '<Label value="killed"' in cfg.text


def _annotated(tasks: list[dict]) -> list[dict]:
    out = copy.deepcopy(tasks)
    for t in out:
        result = [r for r in t["predictions"][0]["result"] if r["value"]["text"] != "613"]
        t["annotations"] = [{"id": 1, "completed_by": {"id": 2, "email": "ana@example.org"}, "result": result,
                             "was_cancelled": False, "created_at": "2026-01-01T00:00:00Z"}]
    return out


def test_labelstudio_upload(client, web_db, figs):
    tasks = client.get("/corrections/labelstudio.json").json()
    body = json.dumps(_annotated(tasks)).encode()
    r = client.post("/corrections/labelstudio", files={"file": ("project.json", body, "application/json")})
    assert r.status_code == 200 and "Label Studio import" in r.text
    assert "<strong>1</strong> rejected" in r.text
    assert standing(web_db, figs["613"])["status"] == "rejected"
    assert standing(web_db, figs["613"])["by"] == "ana@example.org"
    assert "labelstudio" in client.get("/api/corrections").json()["counts"]["source"]
    again = client.post("/corrections/labelstudio", files={"file": ("project.json", body, "application/json")},
                        headers={"Accept": "application/json"})
    assert again.status_code == 200 and again.json()["rejected"] == 0 and again.json()["confirmed"] == 0


@pytest.mark.parametrize(("files", "status"), [
    ({"file": ("x.json", b"{not json", "application/json")}, 400),
    ({"file": ("x.json", b"", "application/json")}, 400),
    ({"other": ("x.json", b"[]", "application/json")}, 400),
])
def test_labelstudio_upload_errors(client, web_db, files, status):
    r = client.post("/corrections/labelstudio", files=files)
    assert r.status_code == status and "E506" in r.text and 'role="alert"' in r.text
    assert api.open_ledger(web_db).corrections() == []


def test_labelstudio_upload_is_size_capped(web_db):
    from fastapi.testclient import TestClient

    from counterclaim.web import create_app

    with TestClient(create_app(web_db, max_upload_bytes=1000), base_url=LOCAL) as c:
        r = c.post("/corrections/labelstudio", files={"file": ("big.json", b"[" + b" " * 5000 + b"]")})
        assert r.status_code == 413 and "E506" in r.text
        r = c.post("/corrections/labelstudio", files={"file": ("big.json", b"[" + b" " * 5000 + b"]")},
                   headers={"Accept": "application/json"})
        assert r.status_code == 413 and r.json()["code"] == "E506"


def test_a_chunked_label_studio_upload_is_cut_at_the_cap(web_db):
    """No Content-Length (chunked): the body is refused once it passes the cap (the reader stops there;
    TestClient itself sends the whole generator, so only the answer is checked here)."""
    from fastapi.testclient import TestClient

    from counterclaim.web import create_app

    sent = {"bytes": 0}

    def body():
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="ls.json"\r\n\r\n['
        for _ in range(2000):  # 2000 x 1 KB, far past the 100 KB cap
            sent["bytes"] += 1024
            yield b" " * 1024
        yield b"]\r\n--b--\r\n"

    with TestClient(create_app(web_db, max_upload_bytes=100_000), base_url=LOCAL) as c:
        r = c.post("/corrections/labelstudio", content=body(), headers={
            "content-type": "multipart/form-data; boundary=b", "accept": "application/json"})
    assert r.status_code == 413 and r.json()["code"] == "E506"


def test_links_can_be_rejected_from_the_pages(client, web_db, tmp_path):
    """A relation (document page, claims board) and an entity merge (entity page) carry correction forms,
    and rejecting them takes effect: the relation is marked, the merged name becomes its own entity."""
    import re

    hits = client.get("/api/search", params={"q": "absurd groundless"}).json()
    doc_id = (hits["hits"] if isinstance(hits, dict) else hits)[0]["id"]
    page = client.get(f"/documents/{doc_id}").text
    rel = re.search(r'<li class="relation rel-contradicts" data-id="([^"]+)"', page)
    assert rel, "the contradicts relation is listed on the document page"
    rel_id = rel.group(1)
    assert f'name="item_id" value="{rel_id}"' in page
    assert f'name="item_id" value="{rel_id}"' in client.get("/claims").text  # the pair on the board too
    r = client.post("/corrections", data={"kind": "relation", "item_id": rel_id, "action": "reject",
                                          "author": "ana", "next": f"/documents/{doc_id}"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/documents/{doc_id}"
    assert f'data-id="{rel_id}" data-type="contradicts" data-status="rejected"' in client.get(
        f"/documents/{doc_id}").text

    add_trend_story(web_db, tmp_path)
    merged = client.get("/entities/ORG:trend", follow_redirects=False)
    assert merged.status_code in (307, 308) and merged.headers["location"].startswith("/entities/ORG:trend-news-agency")
    canonical = client.get("/entities/ORG:trend-news-agency").text
    assert 'name="kind" value="entity_link"' in canonical and 'name="item_id" value="ORG:trend"' in canonical
    r = client.post("/corrections", data={"kind": "entity_link", "item_id": "ORG:trend", "action": "reject",
                                          "author": "ana", "next": "/entities/ORG:trend-news-agency"},
                    follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/entities/ORG:trend", follow_redirects=False).status_code == 200  # its own entity again


def test_read_only_pages_have_no_link_forms(read_only_client):
    assert 'name="kind" value="relation"' not in read_only_client.get("/claims").text
    assert 'name="kind" value="entity_link"' not in read_only_client.get("/entities/ORG:trend-news-agency").text


def test_a_label_studio_import_does_not_block_other_requests(client, monkeypatch):
    """The import runs off the event loop: pages are served while it works."""
    import threading

    from counterclaim import labelstudio

    started, release = threading.Event(), threading.Event()
    real = labelstudio.import_file

    def slow(ledger, data):  # type: ignore[no-untyped-def]
        started.set()
        assert release.wait(30)
        return real(ledger, data)

    monkeypatch.setattr(labelstudio, "import_file", slow)
    results: list[int] = []
    upload = threading.Thread(target=lambda: results.append(client.post(
        "/corrections/labelstudio", files={"file": ("p.json", b"[]", "application/json")},
        headers={"accept": "application/json"}).status_code))
    upload.start()
    try:
        assert started.wait(30)
        assert client.get("/api/documents").status_code == 200  # served while the import waits
    finally:
        release.set()
        upload.join(30)
    assert results == [200]


def test_technique_correction_from_the_document_page(client, web_db, figs):
    from counterclaim.export.rows import iter_rows

    tech = next(r for r in iter_rows(api.open_ledger(web_db)) if r["kind"] == "technique")
    page = client.get(f"/documents/{tech['doc']}").text
    assert f'data-id="{tech["id"]}" data-kind="technique"' in page and 'name="value" aria-label="label"' in page
    r = client.post("/corrections", data={"kind": "technique", "item_id": tech["id"], "action": "fix",
                                          "field": "label", "value": "Loaded_Language",
                                          "next": f"/documents/{tech['doc']}"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/documents/{tech['doc']}"
    review = corr.review_of(api.open_ledger(web_db), "technique", tech["id"])
    assert review["status"] == "corrected" and review["fixes"] == {"label": "Loaded_Language"}

"""The Ingest page: browser uploads streamed to a private temporary directory, ingested by a job."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from counterclaim import api
from counterclaim.errors import IngestError
from counterclaim.web import create_app
from counterclaim.web.uploads import display_name
from tests.web.conftest import LOCAL, XSS

DRC = (
    "GOMA, 12 March 2024 - The United Nations Office for the Coordination of Humanitarian Affairs said on "
    "Tuesday that fighting around Sake had displaced 135,000 people in North Kivu since early February. "
    "OCHA spokesperson Jens Laerke said that 7.2 million people are now displaced across the Democratic "
    "Republic of the Congo, the highest figure ever recorded. According to the World Food Programme, "
    "23.4 million Congolese face acute hunger this year.\n"
)
SECOND = (
    "KINSHASA, 3 April 2024 - UNICEF said on Wednesday that 48 schools in Ituri had closed because of "
    "attacks by armed groups. The agency warned that 21,000 children were out of school in Djugu territory. "
    "Its representative Grant Leaity said that classrooms must never be targets.\n"
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00" + bytes(200)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(300)
JOB_URL = re.compile(r"^/ingest/jobs/[0-9a-f]{16}$")


def wait_job(client: TestClient, job_id: str, timeout: float = 120.0) -> dict:
    """Poll the job JSON until it is over."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        job = client.get(f"/api/ingest/jobs/{job_id}").json()
        if not job["running"]:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} still running after {timeout} s: {job}")


def upload(client: TestClient, files: list[tuple[str, bytes]], **kw):  # type: ignore[no-untyped-def]
    return client.post("/api/ingest", files=[("files", (name, data, "application/octet-stream"))
                                             for name, data in files], **kw)


def by_name(job: dict) -> dict[str, dict]:
    return {f["name"]: f for f in job["files"]}


@pytest.fixture
def spy(monkeypatch):
    """Record every (path, shown) pair the jobs hand to api.ingest, and whether the file existed then."""
    seen: list[tuple[Path, str, bool]] = []
    real = api.ingest

    def recording(ledger, paths, **kw):  # type: ignore[no-untyped-def]
        for path, shown in kw["files"]:
            seen.append((Path(path), shown, Path(path).is_file()))
        return real(ledger, paths, **kw)

    monkeypatch.setattr(api, "ingest", recording)
    return seen


@pytest.fixture
def small_client(web_db):
    with TestClient(create_app(web_db, max_upload_bytes=1000, ingest_in_process=True), base_url=LOCAL) as c:
        yield c


def test_form_page_lists_types_limit_and_no_inline_script(client):
    r = client.get("/ingest")
    assert r.status_code == 200
    html = r.text
    assert 'enctype="multipart/form-data"' in html and 'name="files" multiple' in html
    for ext in (".txt", ".md", ".html", ".htm", ".pdf", ".jsonl"):
        assert f"<code>{ext}</code>" in html
    assert "20 MB" in html  # the app's default max_upload_bytes
    assert '<script src="/static/ingest.js"' in html and "<script>" not in html and " style=" not in html
    assert client.get("/static/ingest.js").status_code == 200
    assert client.get("/static/ingest.css").status_code == 200
    info = client.get("/api/ingest").json()
    assert info["max_upload_bytes"] == 20 * 1024 * 1024 and ".jsonl" in info["accepted"]


def test_small_limit_is_shown(small_client):
    assert "1000 bytes" in small_client.get("/ingest").text
    assert small_client.get("/api/ingest").json()["max_upload_bytes"] == 1000


def test_good_file_is_added_then_skipped(client, web_db, spy):
    r = upload(client, [("drc-update.txt", DRC.encode())])
    assert r.status_code == 202 and JOB_URL.match(r.json()["url"]) and r.headers["location"] == r.json()["url"]
    job = wait_job(client, r.json()["id"])
    assert job["state"] == "done" and job["done"] == job["total"] == 1
    (f,) = job["files"]
    assert f["status"] == "added" and f["failed"] == [] and len(f["added"]) == 1
    doc_id = f["added"][0]
    assert job["counts"] == {"added": 1, "skipped": 0, "failed": 0}

    view = api.document_view(client.app.state.ledger, doc_id)
    assert view["document"]["path"] == "upload/drc-update.txt"
    assert view["document"]["id"] == doc_id and view["quantity"]  # analysed: its figures are there
    assert any(q.get("value") == 135000 for q in view["quantity"]), view["quantity"]
    page = client.get(f"/ingest/jobs/{job['id']}").text
    assert f'href="/documents/{doc_id}"' in page and "drc-update.txt" in page
    assert 'http-equiv="refresh"' not in page  # finished: no more refreshing
    assert f'<progress id="job-bar" max="1" value="1">' in page

    # the file was handed over under a generated name in a private directory, removed afterwards
    (path, shown, existed), = spy
    assert existed and shown == "upload/drc-update.txt" and path.name == "upload-1.txt"
    assert path.parent.name.startswith("counterclaim-upload-") and not path.parent.exists()

    again = wait_job(client, upload(client, [("copy.txt", DRC.encode())]).json()["id"])
    assert again["files"][0]["status"] == "skipped" and again["counts"] == {"added": 0, "skipped": 1, "failed": 0}
    recent = client.get("/api/ingest").json()["recent"]
    assert [j["id"] for j in recent] == [again["id"], job["id"]]


def test_form_post_redirects_to_the_job_page(client):
    r = client.post("/ingest", files=[("files", ("second.md", SECOND.encode(), "text/markdown"))],
                    follow_redirects=False)
    assert r.status_code == 303 and JOB_URL.match(r.headers["location"])
    job_id = r.headers["location"].rsplit("/", 1)[1]
    page = client.get(r.headers["location"])
    assert page.status_code == 200 and "<progress" in page.text and "second.md" in page.text
    done = wait_job(client, job_id)
    assert done["files"][0]["status"] == "added"
    assert job_id in client.get("/ingest").text  # listed under recent uploads


def test_bad_files_are_reported_and_good_ones_still_ingested(small_client, spy, tmp_path):
    files = [
        ("good.txt", SECOND.encode()),
        ("empty.txt", b""),
        ("picture.png", PNG),
        ("huge.txt", b"Lorem ipsum dolor sit amet. " * 80),
        ("setup.exe", EXE),
        ("../../etc/passwd.txt", DRC.encode()),
        ("..\\x.txt", b"\x00\x01\x02\x03" * 10),
    ]
    r = upload(small_client, files)
    assert r.status_code == 202
    job = wait_job(small_client, r.json()["id"])
    assert job["state"] == "done" and job["done"] == job["total"] == 7
    out = by_name(job)
    assert set(out) == {"good.txt", "empty.txt", "picture.png", "huge.txt", "setup.exe", "passwd.txt", "x.txt"}

    def codes(name: str) -> list[str]:
        return [e["code"] for e in out[name]["failed"]]

    assert out["good.txt"]["status"] == "added" and out["passwd.txt"]["status"] == "added"
    assert codes("empty.txt") == ["E102"] and "empty" in out["empty.txt"]["failed"][0]["message"]
    assert codes("picture.png") == ["E103"] and "PNG image" in out["picture.png"]["failed"][0]["message"]
    assert codes("huge.txt") == ["E105"] and out["huge.txt"]["size"] == 28 * 80
    assert "1000 bytes" in out["huge.txt"]["failed"][0]["message"]
    assert codes("setup.exe") == ["E103"]
    assert ".exe: not an accepted type" in out["setup.exe"]["failed"][0]["message"]
    assert codes("x.txt") == ["E103"]
    assert job["counts"] == {"added": 2, "skipped": 0, "failed": 5}
    assert {e["path"] for f in job["files"] for e in f["failed"]} == {
        "upload/empty.txt", "upload/picture.png", "upload/huge.txt", "upload/setup.exe", "upload/x.txt"}

    # the client names were only shown: files were written as upload-<n><ext> in one private directory
    handed = {shown: path for path, shown, _ in spy}
    assert "upload/huge.txt" not in handed  # refused while streaming, never written in full
    assert {p.name for p in handed.values()} == {"upload-1.txt", "upload-2.txt", "upload-3.upload",
                                                 "upload-5.upload", "upload-6.txt", "upload-7.txt"}
    assert len({p.parent for p in handed.values()}) == 1 and not next(iter(handed.values())).parent.exists()
    for root in (tmp_path, Path.cwd()):
        assert not list(root.rglob("passwd.txt")) and not list(root.rglob("upload-*"))

    page = small_client.get(job["url"]).text
    assert "<code>E105</code>" in page and "<code>E103</code>" in page and 'data-status="failed"' in page
    for doc in job["added"]:
        assert f'href="/documents/{doc}"' in page


def test_failed_upload_page_escapes_hostile_names(client):
    job = wait_job(client, upload(client, [(XSS + ".txt", b"")]).json()["id"])
    (f,) = job["files"]
    assert f["name"] == "script><img src=x onerror=alert(2)>.txt"  # the basename after the last "/"
    page = client.get(job["url"]).text
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(2)&gt;.txt" in page


@pytest.mark.parametrize(("raw", "shown"), [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\x.txt", "x.txt"),
    ("C:\\Users\\me\\report.pdf", "report.pdf"),
    ("a\x00b\x1b[31m\u202ec.txt", "ab[31mc.txt"),
    ("..", "unnamed"),
    ("", "unnamed"),
    ("dir/", "unnamed"),
    ("x" * 300 + ".txt", "x" * 196 + ".txt"),
])
def test_display_name(raw, shown):
    assert display_name(raw) == shown


def test_same_name_twice_in_one_upload_is_told_apart(client):
    job = wait_job(client, upload(client, [("a.txt", b""), ("a.txt", b" \n")]).json()["id"])
    assert [f["name"] for f in job["files"]] == ["a.txt", "a (2).txt"]


@pytest.mark.parametrize(("method", "url"), [("get", "/ingest"), ("get", "/api/ingest"),
                                             ("post", "/ingest"), ("post", "/api/ingest")])
def test_read_only_refuses(read_only_client, method, url):
    kw = {"files": [("files", ("a.txt", DRC.encode(), "text/plain"))]} if method == "post" else {}
    r = getattr(read_only_client, method)(url, **kw)
    assert r.status_code == 403
    assert "read-only" in r.text and "E507" in r.text


def test_read_only_nav_has_no_ingest_link(read_only_client):
    r = read_only_client.get("/ingest")
    assert r.status_code == 403 and 'href="/ingest"' not in r.text


def test_cross_site_upload_is_refused(client):
    r = upload(client, [("drc.txt", DRC.encode())], headers={"Origin": "https://evil.example"})
    assert r.status_code == 403 and r.json()["code"] == "E508"
    assert client.get("/api/ingest").json()["recent"] == []


@pytest.mark.parametrize("body", [
    {"data": {"x": "1"}},  # urlencoded, not multipart
    {"files": [("files", ("", b"", "application/octet-stream"))]},  # the empty file input
])
def test_no_file_is_a_usage_error(client, body):
    r = client.post("/api/ingest", **body)
    assert r.status_code == 400 and r.json()["code"] == "E001"


@pytest.mark.parametrize("cut", [0, 8, 40])  # bytes cut from the end: the closing boundary, its CRLF, some text
def test_a_truncated_upload_is_refused_and_nothing_stored(client, cut):
    boundary = "----counterclaimtest"
    whole = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"drc.txt\"\r\n"
             f"Content-Type: text/plain\r\n\r\n{DRC}\r\n--{boundary}--\r\n").encode()
    body = whole[: len(whole) - len(f"\r\n--{boundary}--\r\n") - cut]
    r = client.post("/api/ingest", content=body,
                    headers={"content-type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 400 and r.json()["code"] == "E001" and "cut short" in r.json()["error"]
    assert client.get("/api/ingest").json()["recent"] == []
    # the whole body is accepted
    r = client.post("/api/ingest", content=whole, headers={"content-type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 202


def test_request_size_and_file_count_caps(client, monkeypatch):
    client.app.state.max_request_bytes = 2000
    r = upload(client, [("big.txt", b"x" * 3000)])
    assert r.status_code == 413 and "limit for one request" in r.json()["error"]
    del client.app.state.max_request_bytes
    monkeypatch.setattr("counterclaim.web.uploads.MAX_FILES", 2)
    r = upload(client, [("a.txt", b"a"), ("b.txt", b"b"), ("c.txt", b"c")])
    assert r.status_code == 400 and r.json()["code"] == "E001" and "at most 2" in r.json()["error"]
    assert client.get("/api/ingest").json()["recent"] == []


@pytest.mark.parametrize("job_id", ["0123456789abcdef", "zz", "0123456789ABCDEF", "..%2f..%2fetc"])
def test_unknown_job_is_404(client, job_id):
    assert client.get(f"/api/ingest/jobs/{job_id}").status_code == 404
    assert client.get(f"/ingest/jobs/{job_id}").status_code == 404


def test_interrupted_job_is_marked_failed_and_cleaned_up(client, monkeypatch):
    handed: list[Path] = []

    def broken(ledger, paths, **kw):  # type: ignore[no-untyped-def]
        handed.extend(Path(p) for p, _ in kw["files"])
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(api, "ingest", broken)
    job = wait_job(client, upload(client, [("one.txt", DRC.encode()), ("two.txt", SECOND.encode())]).json()["id"])
    assert job["state"] == "failed" and "RuntimeError: disk on fire" in job["error"]
    assert [f["status"] for f in job["files"]] == ["not processed", "not processed"]
    assert handed and not handed[0].exists() and not handed[0].parent.exists()
    page = client.get(job["url"]).text
    assert "disk on fire" in page and 'data-state="failed"' in page
    # the worker survives: the next job runs
    monkeypatch.undo()
    assert wait_job(client, upload(client, [("ok.txt", b"")]).json()["id"])["state"] == "done"


def test_a_database_error_shows_no_sql_or_text(client, monkeypatch):
    from sqlalchemy.exc import DataError

    def refused(ledger, paths, **kw):  # type: ignore[no-untyped-def]
        raise DataError("INSERT INTO documents (text) VALUES (%(text)s)", {"text": "secret words"},
                        ValueError("PostgreSQL text fields cannot contain NUL (0x00) bytes"))

    monkeypatch.setattr(api, "ingest", refused)
    job = wait_job(client, upload(client, [("nul.txt", b"secret words")]).json()["id"])
    assert job["state"] == "failed" and job["error"].startswith("[E204]") and "NUL" in job["error"]
    page = client.get(job["url"]).text
    assert "INSERT" not in page and "secret words" not in page and "INSERT" not in job["error"]


@pytest.mark.slow
def test_jobs_run_in_a_worker_process_not_the_server(web_db):
    """The analysis of an upload costs a worker process's memory and time, never the server's."""
    import os

    from counterclaim.web import jobs

    with TestClient(create_app(web_db), base_url=LOCAL) as c:
        job = wait_job(c, upload(c, [("drc.txt", DRC.encode()), ("again.txt", DRC.encode())]).json()["id"], 600)
        assert job["state"] == "done"
        assert [f["status"] for f in job["files"]] == ["added", "skipped"]
        worker = jobs.registry_of(c.app).worker_pid
        assert worker is not None and worker != os.getpid()
        assert c.get(f"/api/documents/{job['added'][0]}").status_code == 200
    jobs._discard_worker()


def test_second_job_queues_behind_the_first(client, monkeypatch):
    gate, entered = threading.Event(), threading.Event()

    def slow(ledger, paths, **kw):  # type: ignore[no-untyped-def]
        entered.set()
        assert gate.wait(30)
        return api.IngestReport(failed=[IngestError("stub", code="E102", path=kw["files"][0][1])])

    monkeypatch.setattr(api, "ingest", slow)
    first = upload(client, [("1.txt", b"one")]).json()
    assert entered.wait(30)
    second = upload(client, [("2.txt", b"two")]).json()
    try:
        assert client.get(f"/api/ingest/jobs/{first['id']}").json()["state"] == "running"
        assert client.get(f"/api/ingest/jobs/{second['id']}").json()["state"] == "queued"
        page = client.get(first["url"]).text  # the no-JS page refreshes itself while running
        assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
        assert 'data-running="true"' in page and "1.txt" in page
    finally:
        gate.set()
    assert wait_job(client, first["id"])["state"] == "done"
    assert wait_job(client, second["id"])["files"][0]["failed"][0]["code"] == "E102"


def test_idle_worker_ends_and_the_next_upload_starts_another(client, monkeypatch):
    from counterclaim.web import jobs

    monkeypatch.setattr(jobs, "IDLE_SECONDS", 0.05)
    assert wait_job(client, upload(client, [("e.txt", b"")]).json()["id"])["state"] == "done"
    registry = jobs.registry_of(client.app)
    end = time.monotonic() + 10
    while registry._worker is not None and time.monotonic() < end:
        time.sleep(0.02)
    assert registry._worker is None
    job = wait_job(client, upload(client, [("f.txt", b"")]).json()["id"])
    assert job["state"] == "done" and job["files"][0]["failed"][0]["code"] == "E102"

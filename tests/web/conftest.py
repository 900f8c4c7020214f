"""Web reader fixtures: a private copy of the seeded ledger per test, and a TestClient on it."""

from __future__ import annotations

import pytest

from tests.conftest import copy_ledger

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"
# The reader answers only the hosts it is reached under on this machine (DNS rebinding); TestClient's
# default "testserver" is a foreign name.
LOCAL = "http://127.0.0.1"


@pytest.fixture
def web_db(seeded_ledger, tmp_path) -> str:
    """Path of a writable copy of the five analysed seeds (corrections may be written to it)."""
    return copy_ledger(seeded_ledger, tmp_path / "web.db")


@pytest.fixture
def client(web_db):
    from fastapi.testclient import TestClient

    from counterclaim.web import create_app

    with TestClient(create_app(web_db, ingest_in_process=True), base_url=LOCAL) as c:  # monkeypatched api.ingest is seen
        yield c


@pytest.fixture
def read_only_client(web_db):
    from fastapi.testclient import TestClient

    from counterclaim.web import create_app

    with TestClient(create_app(web_db, read_only=True), base_url=LOCAL) as c:
        yield c

"""Web reader fixtures: a private copy of the seeded ledger per test, and a TestClient on it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def copy_ledger(seeded_ledger, dest: Path) -> str:
    """A consistent copy of the seeded SQLite ledger (backup API, WAL included)."""
    src_path = seeded_ledger.url.removeprefix("sqlite:///")
    src, dst = sqlite3.connect(src_path), sqlite3.connect(dest)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    return str(dest)


@pytest.fixture
def web_db(seeded_ledger, tmp_path) -> str:
    """Path of a writable copy of the five analysed seeds (corrections may be written to it)."""
    return copy_ledger(seeded_ledger, tmp_path / "web.db")


@pytest.fixture
def client(web_db):
    from fastapi.testclient import TestClient

    from counterclaim.web import create_app

    with TestClient(create_app(web_db)) as c:
        yield c


@pytest.fixture
def read_only_client(web_db):
    from fastapi.testclient import TestClient

    from counterclaim.web import create_app

    with TestClient(create_app(web_db, read_only=True)) as c:
        yield c

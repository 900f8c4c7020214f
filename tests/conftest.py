"""Shared fixtures: the seed documents, their gold reading, one pipeline per session."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from hypothesis import settings

# CI replays the same examples every run (a red CI blocks everything); local runs
# keep exploring new random inputs and a failure there prints its reproducer.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "examples"
GOLD = ROOT / "tests" / "data" / "seeds.gold.json"


def _pg_database(base: str, name: str, *, create: bool) -> None:
    """Drop the database ``name`` on the server of ``base`` (a SQLAlchemy URL), then create it anew if ``create``."""
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(base).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')


def _with_database(base: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(base).set(database=name).render_as_string(hide_password=False)


def pytest_configure(config) -> None:
    """Under pytest-xdist each worker gets its own PostgreSQL database, so tests that empty the tables of
    COUNTERCLAIM_TEST_PG_URL never race another worker's."""
    worker, base = os.environ.get("PYTEST_XDIST_WORKER"), os.environ.get("COUNTERCLAIM_TEST_PG_URL")
    if not worker or not base:
        return
    from sqlalchemy.engine import make_url

    name = f"{make_url(base).database}_{worker}"
    _pg_database(base, name, create=True)
    config._counterclaim_pg_worker_db = (base, name)  # noqa: SLF001 - dropped in pytest_unconfigure
    os.environ["COUNTERCLAIM_TEST_PG_URL"] = _with_database(base, name)


def pytest_unconfigure(config) -> None:
    made = getattr(config, "_counterclaim_pg_worker_db", None)
    if made:
        base, name = made
        os.environ["COUNTERCLAIM_TEST_PG_URL"] = base
        _pg_database(base, name, create=False)


@pytest.fixture(scope="session")
def gold() -> dict:
    return json.loads(GOLD.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_paths() -> dict[str, Path]:
    """Seed files by their gold prefix ('000' ... '004')."""
    return {p.name[:3]: p for p in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture(scope="session")
def nlp():
    from counterclaim.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def seeded_ledger(tmp_path_factory):
    """A ledger holding the five seeds, analysed (shared, read-only for tests)."""
    from counterclaim.api import ingest, open_ledger

    db = tmp_path_factory.mktemp("seeded") / "seeds.db"
    ledger = open_ledger(str(db))
    report = ingest(ledger, [SEEDS])
    assert report.ok and len(report.added) == 5
    return ledger


@pytest.fixture(scope="session")
def seed_export(seeded_ledger) -> list[dict]:
    from io import StringIO

    from counterclaim.api import export_jsonl

    buf = StringIO()
    export_jsonl(seeded_ledger, buf)
    return [json.loads(line) for line in buf.getvalue().splitlines()]


def copy_ledger(seeded_ledger, dest: Path) -> str:
    """A private, writable copy of the seeded SQLite ledger (backup API, WAL included); returns its path."""
    src, dst = sqlite3.connect(seeded_ledger.url.removeprefix("sqlite:///")), sqlite3.connect(dest)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    return str(dest)


@pytest.fixture
def fresh_pg_url():
    """A new, empty PostgreSQL database (dropped afterwards) on the server of COUNTERCLAIM_TEST_PG_URL."""
    import uuid

    from sqlalchemy.engine import make_url

    base = os.environ.get("COUNTERCLAIM_TEST_PG_URL")
    if not base:
        pytest.skip("COUNTERCLAIM_TEST_PG_URL not set")
    name = f"{make_url(base).database}_{uuid.uuid4().hex[:10]}"
    _pg_database(base, name, create=True)
    yield _with_database(base, name)
    _pg_database(base, name, create=False)


# The seeds name Trend News Agency only in a boilerplate line ("Stay up-to-date with more news on Trend
# News Agency's WhatsApp channel"), which yields no entity: a wire story of our own names it in its text,
# so that "Trend" (seed 004) merges into it.
TREND_STORY = ("BAKU, Azerbaijan, October 4. Trend News Agency reported that the Ombudsman's Office had received "
               "40 new complaints from displaced families.\n")


def add_trend_story(db: str, folder: Path) -> None:
    """Ingest :data:`TREND_STORY` into the ledger at ``db`` (which then merges ORG:trend into it)."""
    from counterclaim.api import ingest, open_ledger

    story = folder / "trend_story.txt"
    story.write_text(TREND_STORY, encoding="utf-8")
    ledger = open_ledger(db)
    assert ingest(ledger, [story]).ok
    assert ledger.canonical_map().get("ORG:trend") == "ORG:trend-news-agency"
    ledger.close()

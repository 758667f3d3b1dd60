"""Fixtures for the ingest tests: an empty Beacon database of their own (SQLite, and PostgreSQL), and extracts."""

import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from data_access.store import open_store
from tests.conftest import TODAY, _pg_admin_engine, _pg_admin_url, _pg_url_for, PG_ENV

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
MAPPINGS = REPO / "mappings"


@pytest.fixture
def pg_database():
    """The URL of a new, empty PostgreSQL database of this test's own, dropped afterwards."""
    admin_url = _pg_admin_url()
    if admin_url is None:
        pytest.skip(f"PostgreSQL tests skipped: set {PG_ENV} to run them")
    name = f"beacon_ingest_{uuid.uuid4().hex[:10]}"
    admin = _pg_admin_engine(admin_url)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - no server reachable
        pytest.skip(f"PostgreSQL not reachable at {admin_url}: {exc}")
    yield _pg_url_for(admin_url, name)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _open(url: str, tmp_path: Path):
    return open_store(url, tmp_path / f"cache-{uuid.uuid4().hex[:6]}", fixed_today=TODAY)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_store(request, tmp_path):
    """An empty Beacon database (no force yet), once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ingest.db'}"
    else:
        url = request.getfixturevalue("pg_database")
    store = _open(url, tmp_path)
    yield store
    store.cache.close()
    store.engine.dispose()


@pytest.fixture
def sqlite_empty(tmp_path):
    """An empty Beacon database on SQLite only, for tests of the extract rather than of the database."""
    store = _open(f"sqlite:///{tmp_path / 'ingest-sqlite.db'}", tmp_path)
    yield store
    store.cache.close()
    store.engine.dispose()


@pytest.fixture
def second_sqlite(tmp_path):
    """Another empty SQLite database, for comparing two loads."""
    store = _open(f"sqlite:///{tmp_path / 'ingest-second.db'}", tmp_path)
    yield store
    store.cache.close()
    store.engine.dispose()


@pytest.fixture
def beacon_extract(tmp_path):
    """A private copy of samples/beacon-extract that a test may edit."""
    folder = tmp_path / "extract"
    shutil.copytree(SAMPLES / "beacon-extract", folder)
    return folder

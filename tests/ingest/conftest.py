"""Fixtures for the ingest tests: an empty Beacon database of their own (SQLite, and PostgreSQL), and extracts."""

import shutil
import uuid
from pathlib import Path

import pytest

from data_access.store import open_store
from tests.conftest import TODAY, new_pg_database

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
MAPPINGS = REPO / "mappings"


@pytest.fixture
def pg_database():
    """The URL of a new, empty PostgreSQL database of this test's own, dropped afterwards."""
    with new_pg_database("beacon_ingest") as url:
        yield url


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

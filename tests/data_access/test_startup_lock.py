"""Start-up steps that must happen once (tables, secret key, demo force) stay single when processes race."""

import fcntl
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from config import _secret_key
from data_access.db import make_engine
from data_access.startup_lock import PG_LOCK_KEY, lock_path, startup_lock
from data_access.store import open_store
from tests.conftest import TODAY, new_pg_database

ROOT = Path(__file__).resolve().parents[2]

# One worker's start-up as far as the demo force: says "ready" before it opens the store, then whether
# it generated the force or found it made.
SEED_CHILD = """
import demo.generate as generate_module
from app import _seed_if_empty
from config import from_env
from data_access.store import open_store_from

made = []
real = generate_module.generate
def counting(*args, **kwargs):
    made.append(1)
    return real(*args, **kwargs)
generate_module.generate = counting
config = from_env()
print("ready", flush=True)
store = open_store_from(config)
_seed_if_empty(store, config)
print("generated" if made else "found", flush=True)
"""


def _child_env(data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "SECRET_KEY", "BEACON_CACHE_DIR", "BEACON_RULES_FILE")}
    env.update(BEACON_DATA_DIR=str(data_dir), BEACON_TODAY=TODAY.isoformat(), BEACON_DEMO_PRESET="demo",
               BEACON_GENERATE_ON_EMPTY="1", PYTHONPATH=str(ROOT))
    return env


def test_two_processes_seeding_one_empty_sqlite_file_generate_one_force(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    database = make_engine(f"sqlite:///{data_dir / 'beacon.db'}")
    children = []
    try:
        # Both children queue behind a lock the test holds, so they reach the empty database together.
        with startup_lock(database):
            for _ in range(2):
                children.append(subprocess.Popen([sys.executable, "-c", SEED_CHILD], cwd=ROOT,
                                                 env=_child_env(data_dir), stdout=subprocess.PIPE,
                                                 stderr=subprocess.PIPE, text=True))
            for child in children:
                assert child.stdout.readline().strip() == "ready", child.stderr.read()
        outcomes = []
        for child in children:
            out, err = child.communicate(timeout=150)
            assert child.returncode == 0, err
            outcomes.append(out.strip())
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
    assert sorted(outcomes) == ["found", "generated"]
    with database.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM org_unit WHERE kind = 'force'")).scalar() == 1
    database.dispose()
    assert len((data_dir / "secret_key").read_text().strip()) == 64


def test_the_sqlite_lock_is_exclusive_while_held_and_free_after(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'beacon.db'}")
    path = lock_path(engine)
    assert path == tmp_path / "beacon.db.startup-lock"
    with startup_lock(engine):
        fd = os.open(path, os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(fd)
    engine.dispose()


def test_an_in_memory_database_needs_no_lock_file():
    engine = create_engine("sqlite://")
    assert lock_path(engine) is None
    with startup_lock(engine):
        pass


def test_workers_starting_together_read_one_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    data_dir = tmp_path / "data"
    start = threading.Barrier(8)
    keys = []

    def worker():
        start.wait()
        keys.append(_secret_key(data_dir))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and len(set(keys)) == 1 and len(keys[0]) == 64
    # The losers' temporary files are gone: the folder holds the key alone.
    assert [p.name for p in data_dir.iterdir()] == ["secret_key"]
    assert os.stat(data_dir / "secret_key").st_mode & 0o777 == 0o600


def test_an_empty_secret_key_file_stops_the_start(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    (tmp_path / "secret_key").write_text("")
    with pytest.raises(RuntimeError, match="empty"):
        _secret_key(tmp_path)


@pytest.fixture
def empty_pg():
    """URL of a new, empty PostgreSQL database (skips when no server is configured)."""
    with new_pg_database("beacon_lock") as url:
        yield url


@pytest.mark.postgres
def test_the_postgres_lock_is_exclusive_while_held_and_free_after(empty_pg):
    engine = make_engine(empty_pg)
    probe = make_engine(empty_pg).execution_options(isolation_level="AUTOCOMMIT")

    def try_lock() -> bool:
        with probe.connect() as conn:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": PG_LOCK_KEY}).scalar()
            if got:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_LOCK_KEY})
            return got

    with startup_lock(engine):
        assert not try_lock()
    assert try_lock()
    engine.dispose()
    probe.dispose()


@pytest.mark.postgres
def test_processes_opening_one_new_postgres_database_together_create_its_tables_once(empty_pg, tmp_path):
    start = threading.Barrier(3)
    errors, stores = [], []

    def worker(i):
        start.wait()
        try:
            stores.append(open_store(empty_pg, tmp_path / f"cache{i}"))
        except Exception as exc:  # noqa: BLE001 - the test reports whatever a racing start raised
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert "org_unit" in inspect(stores[0].engine).get_table_names()
    for store in stores:
        store.cache.close()
        store.engine.dispose()

"""Shared fixtures: a generated demo force on real SQLite and real PostgreSQL, the app and a login helper."""

import contextlib
import os
import shutil
import tempfile
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from data_access.db import make_engine
from data_access.store import open_store

DEMO_PASSWORD = "beacon-demo"
# The one date the test force is generated for and every test store treats as today, so the suite
# passes on any calendar day. BEACON_TEST_TODAY moves it (for example to a month end or 29 February).
TODAY = date.fromisoformat(os.environ.get("BEACON_TEST_TODAY", "2026-11-18"))
PG_ENV = "BEACON_TEST_PG_URL"
REDIS_ENV = "BEACON_TEST_REDIS_URL"


def pytest_setup_options():
    """ChromeOptions for dash[testing]: Debian's headless Chromium, no outside network."""
    from tests.browser_options import chrome_options

    return chrome_options()


@pytest.fixture(autouse=True)
def _remove_browser_profiles():
    """Delete each test's Chromium profiles after it; autouse, so torn down after dash_duo quits the browser."""
    yield
    from tests.browser_options import remove_profiles

    remove_profiles()


REPO_INSTANCE = Path(__file__).resolve().parent.parent / "instance"
_instance_existed = REPO_INSTANCE.exists()


def pytest_configure(config):
    """Anything that falls back to the default data folder writes under a temporary folder, not the clone."""
    if "BEACON_DATA_DIR" not in os.environ:
        os.environ["BEACON_DATA_DIR"] = config._beacon_data_dir = tempfile.mkdtemp(prefix="beacon-test-data-")


def pytest_unconfigure(config):
    """The temporary data folder made above goes with the run."""
    made = getattr(config, "_beacon_data_dir", None)
    if made:
        shutil.rmtree(made, ignore_errors=True)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1")


def pytest_sessionfinish(session, exitstatus):
    """Under CI a skipped test fails the run; any run fails if the tests wrote a data folder into the clone."""
    if hasattr(session.config, "workerinput"):
        return
    if REPO_INSTANCE.exists() and not _instance_existed:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line(f"tests wrote {REPO_INSTANCE}: tests must write only under temporary folders", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    if not _in_ci() or exitstatus != 0:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"CI: {len(skipped)} test(s) skipped (listed above with their reasons); "
                            f"every test must run in CI", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def redis_url():
    """The test Redis (scripts/test.sh sets it); CI fails rather than skips without one."""
    import redis

    url = os.environ.get(REDIS_ENV)
    if not url:
        if _in_ci():
            pytest.fail(f"{REDIS_ENV} must be set in CI so the Redis tests run")
        pytest.skip(f"Redis tests skipped: set {REDIS_ENV} (scripts/test.sh does this) to run them")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        if _in_ci():
            raise
        pytest.skip(f"Redis not reachable at {url}: {exc}")
    return url


def _pg_admin_url() -> str | None:
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} must be set in CI so the PostgreSQL tests run")
        return None
    return url


def _pg_url_for(admin_url: str, dbname: str) -> str:
    base = admin_url.rsplit("/", 1)[0]
    return f"{base}/{dbname}"


def _pg_admin_engine(admin_url: str):
    url = admin_url.replace("postgresql://", "postgresql+psycopg://", 1)
    return create_engine(url, isolation_level="AUTOCOMMIT")


@contextlib.contextmanager
def new_pg_database(prefix: str, template: str | None = None):
    """A new PostgreSQL database (a copy of template when given), its URL yielded, dropped afterwards."""
    admin_url = _pg_admin_url()
    if admin_url is None:
        pytest.skip(f"PostgreSQL tests skipped: set {PG_ENV} (scripts/test.sh does this) to run them")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = _pg_admin_engine(admin_url)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    except Exception as exc:  # noqa: BLE001 - any connection failure means no server
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL not reachable at {admin_url}: {exc}")
    try:
        yield _pg_url_for(admin_url, name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory):
    """Path of a SQLite file holding the demo force, generated once per test session."""
    from demo.generate import generate

    path = tmp_path_factory.mktemp("seed") / "demo.db"
    engine = make_engine(f"sqlite:///{path}")
    from data_access.db import create_schema

    create_schema(engine)
    generate(engine, preset="demo", seed=7, today=TODAY)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def seeded_pg():
    """Name of a PostgreSQL template database holding the demo force (skips when no server is configured)."""
    from data_access.db import create_schema
    from demo.generate import generate

    with new_pg_database("beacon_tmpl") as url:
        engine = make_engine(url)
        create_schema(engine)
        generate(engine, preset="demo", seed=7, today=TODAY)
        engine.dispose()
        yield _pg_admin_url(), url.rsplit("/", 1)[1]


def _sqlite_store(seeded_sqlite, tmp_path):
    path = tmp_path / "beacon.db"
    shutil.copy(seeded_sqlite, path)
    return open_store(f"sqlite:///{path}", tmp_path / "cache", fixed_today=TODAY)


@pytest.fixture
def sqlite_store(seeded_sqlite, tmp_path):
    """A private copy of the demo force on SQLite."""
    store = _sqlite_store(seeded_sqlite, tmp_path)
    yield store
    store.cache.close()
    store.engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """A private copy of the demo force, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        st = _sqlite_store(request.getfixturevalue("seeded_sqlite"), tmp_path)
        yield st
        st.cache.close()
        st.engine.dispose()
        return
    _admin_url, template = request.getfixturevalue("seeded_pg")
    with new_pg_database("beacon_t", template) as url:
        st = open_store(url, tmp_path / "cache", fixed_today=TODAY)
        yield st
        st.cache.close()
        st.engine.dispose()


def make_app(store, tmp_path, **settings):
    """A Beacon app over store, configured for tests (settings: further Config fields)."""
    from app import create_app
    from config import Config

    cfg = Config(database_url="sqlite://", secret_key="test-secret", data_dir=tmp_path,
                 cache_dir=tmp_path / "cache", testing=True, generate_on_empty=False, **settings)
    return create_app(cfg, store=store)


@pytest.fixture
def app(sqlite_store, tmp_path):
    return make_app(sqlite_store, tmp_path)


@pytest.fixture
def client(app):
    return app.server.test_client()


def login(client, username: str, password: str = DEMO_PASSWORD):
    """Sign in through the real login form (CSRF token included)."""
    client.get("/login")
    with client.session_transaction() as sess:
        token = sess["csrf"]
    return client.post("/login", data={"username": username, "password": password, "csrf": token})


def logout(client):
    """Sign out as the page does: POST with the session's token."""
    with client.session_transaction() as sess:
        token = sess.get("csrf", "")
    return client.post("/logout", data={"csrf": token})

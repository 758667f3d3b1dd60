"""PostgreSQL pools are sized from the configuration and page statements have a timeout that long jobs lift."""

import pytest
from sqlalchemy import text

import config
from data_access.db import PoolSettings, long_statements, make_engine
from data_access.store import open_store_from
from tests.conftest import new_pg_database


def test_pool_settings_are_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("BEACON_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "k")
    cfg = config.from_env()
    assert (cfg.db_pool_size, cfg.db_max_overflow, cfg.db_statement_timeout_ms) == (5, 10, 30_000)
    monkeypatch.setenv("BEACON_DB_POOL_SIZE", "3")
    monkeypatch.setenv("BEACON_DB_MAX_OVERFLOW", "0")
    monkeypatch.setenv("BEACON_DB_STATEMENT_TIMEOUT_MS", "1500")
    cfg = config.from_env()
    assert (cfg.db_pool_size, cfg.db_max_overflow, cfg.db_statement_timeout_ms) == (3, 0, 1500)
    monkeypatch.setenv("BEACON_DB_POOL_SIZE", "0")
    with pytest.raises(ValueError, match="BEACON_DB_POOL_SIZE"):
        config.from_env()


def test_sqlite_takes_no_pool_settings(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'b.db'}", PoolSettings(1, 0, 10))
    with engine.connect() as conn:
        assert conn.execute(text("select 1")).scalar() == 1
    engine.dispose()


@pytest.mark.postgres
def test_postgresql_pool_and_statement_timeout_come_from_the_configuration(tmp_path):
    with new_pg_database("beacon_pool") as url:
        cfg = config.Config(database_url=url, secret_key="k", data_dir=tmp_path, db_pool_size=3,
                            db_max_overflow=2, db_statement_timeout_ms=1500, generate_on_empty=False)
        store = open_store_from(cfg)
        try:
            assert store.engine.pool.size() == 3
            assert store.engine.pool._max_overflow == 2
            with store.engine.connect() as conn:
                assert conn.execute(text("SHOW statement_timeout")).scalar() == "1500ms"
            with long_statements():
                with store.engine.begin() as conn:
                    assert conn.execute(text("SHOW statement_timeout")).scalar() == "0"
            # SET LOCAL ended with that transaction: the pooled connection is back to the page limit.
            with store.engine.connect() as conn:
                assert conn.execute(text("SHOW statement_timeout")).scalar() == "1500ms"
        finally:
            store.cache.close()
            store.engine.dispose()


@pytest.mark.postgres
def test_a_statement_past_the_timeout_is_cancelled(tmp_path):
    from sqlalchemy.exc import OperationalError

    with new_pg_database("beacon_pool") as url:
        engine = make_engine(url, PoolSettings(statement_timeout_ms=50))
        try:
            with pytest.raises(OperationalError, match="statement timeout"):
                with engine.connect() as conn:
                    conn.execute(text("select pg_sleep(5)"))
        finally:
            engine.dispose()

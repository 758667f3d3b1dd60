"""Beacon's database, cache and key are readable only by the account running it."""

import os
import stat

from config import Config
from data_access.store import open_store


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_data_folder_database_cache_and_key_are_private(tmp_path):
    old = os.umask(0o022)  # a typical login's umask, which would leave new files world-readable
    try:
        data = tmp_path / "instance"
        config = Config(data_dir=data, testing=True, generate_on_empty=False)
        store = open_store(config.database_url, config.cache_dir)
        with store.engine.begin() as conn:
            conn.exec_driver_sql("select 1")
        store.cache.put("a crime reference", "x", "v", "scope")
    finally:
        os.umask(old)
    assert _mode(data) == 0o700
    assert _mode(data / "secret_key") == 0o600
    assert _mode(data / "beacon.db") == 0o600
    for extra in ("beacon.db-wal", "beacon.db-shm"):
        if (data / extra).exists():
            assert _mode(data / extra) == 0o600, extra
    assert _mode(config.cache_dir) == 0o700
    assert _mode(config.cache_dir / "cache.db") == 0o600
    store.cache.close()
    store.engine.dispose()


def test_an_existing_world_readable_database_is_tightened(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o755)
    path = shared / "old.db"
    path.touch()
    os.chmod(path, 0o644)
    store = open_store(f"sqlite:///{path}", tmp_path / "cache")
    assert _mode(path) == 0o600
    # A database placed in a folder Beacon did not make leaves that folder's mode alone.
    assert _mode(shared) == 0o755
    store.cache.close()
    store.engine.dispose()


def test_an_in_memory_database_leaves_no_file(tmp_path, monkeypatch):
    from data_access.db import make_engine

    monkeypatch.chdir(tmp_path)
    for url in ("sqlite://", "sqlite:///:memory:"):
        make_engine(url).dispose()
    assert list(tmp_path.iterdir()) == []

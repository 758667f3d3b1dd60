"""A lock across processes for start-up steps that must happen once: creating tables and the demo force."""

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from data_access.files import FILE_MODE

# Any fixed 64-bit number: PostgreSQL's advisory locks are per database, so this one is Beacon's start-up.
PG_LOCK_KEY = 0x6265_6163_6F6E_0001


def lock_path(engine: Engine) -> Path | None:
    """The lock file beside a SQLite database file, or None for an in-memory database (one process only)."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).with_name(Path(database).name + ".startup-lock")


@contextmanager
def startup_lock(engine: Engine):
    """Hold the database's start-up lock: other processes (gunicorn workers, a generator) wait until it ends."""
    if engine.dialect.name == "postgresql":
        with _pg_lock(engine):
            yield
    elif engine.dialect.name == "sqlite":
        with _file_lock(lock_path(engine)):
            yield
    else:
        raise RuntimeError(f"no start-up lock for the {engine.dialect.name} database")


@contextmanager
def _pg_lock(engine: Engine):
    # A session lock on a connection of its own, outside any transaction, so the locked work runs on other
    # connections and commits as usual; the lock ends with the session even if this process dies.
    conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": PG_LOCK_KEY})
        yield
    finally:
        # Unlocked at once, and the session closed rather than pooled, so the lock cannot outlive this block;
        # a server only notices a closed session a moment later, which alone would leave it held briefly.
        try:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": PG_LOCK_KEY})
        finally:
            conn.invalidate()
            conn.close()


@contextmanager
def _file_lock(path: Path | None):
    if path is None:
        yield
        return
    # flock ends when the file is closed, so a process that dies mid-generation never leaves it held.
    fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)

"""SQLite's writers take turns through one lock across threads and processes, so none waits unboundedly."""

import fcntl
import os
import sqlite3
import threading
import time
import weakref
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from data_access.files import FILE_MODE

# Statements that take SQLite's write lock; pysqlite opens its transaction just before the first of them.
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")
_HELD = "beacon_sqlite_writer"
# How often a process waiting for another process's writer looks again.
_POLL_S = 0.002

_LOCKS: "weakref.WeakSet[WriterLock]" = weakref.WeakSet()


class WriterLock:
    """One writer at a time: a lock between this process's threads, then a file lock between processes."""

    def __init__(self, path: Path, wait_s: float):
        self.path = path
        self.wait_s = wait_s
        self._reset()
        _LOCKS.add(self)

    def _reset(self) -> None:
        self._threads = threading.Lock()
        self._guard = threading.Lock()
        self._owner: int | None = None
        self._depth = 0
        self._fd: int | None = None
        self._fd_pid: int | None = None

    def acquire(self) -> bool:
        """Wait up to wait_s for the turn to write; False if another writer kept it that long."""
        me = threading.get_ident()
        with self._guard:
            if self._owner == me:
                # A second connection of this thread: it meets the first one's write in SQLite itself.
                self._depth += 1
                return True
        deadline = time.monotonic() + self.wait_s
        if not self._threads.acquire(timeout=self.wait_s):
            return False
        try:
            fd = self._file()
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    # Only one thread per process waits here, so the polling stays light; unlike SQLite's
                    # busy handler, whose sleeps grow to 100 ms, it does not leave long waiters behind.
                    if time.monotonic() >= deadline:
                        self._threads.release()
                        return False
                    time.sleep(_POLL_S)
        except BaseException:
            self._threads.release()
            raise
        with self._guard:
            self._owner, self._depth = me, 1
        return True

    def release(self) -> None:
        """Give the turn to the next writer (from any thread: a connection may be returned by another)."""
        with self._guard:
            self._depth -= 1
            if self._depth > 0:
                return
            self._owner = None
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._threads.release()

    def _file(self) -> int:
        # One open file per process: a forked child sharing its parent's would share its lock too.
        if self._fd is None or self._fd_pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
            self._fd_pid = os.getpid()
        return self._fd


def _forked() -> None:
    # A child forked while one of its parent's threads was writing would otherwise start with that turn held.
    for lock in list(_LOCKS):
        if lock._fd is not None:
            os.close(lock._fd)  # the parent's copy; closing it here leaves the parent's lock as it was
        lock._reset()


os.register_at_fork(after_in_child=_forked)


def writer_lock_path(database: str) -> Path:
    """The lock file beside a SQLite database file."""
    return Path(database).with_name(Path(database).name + ".writer-lock")


def take_turns(engine: Engine, database: str, wait_s: float) -> WriterLock:
    """Make engine's connections wait for a writer lock before their first write and free it when they end."""
    lock = WriterLock(writer_lock_path(database), wait_s)

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, _cursor, statement, parameters, _context, _executemany):
        if conn.info.get(_HELD) or not statement.lstrip()[:7].upper().startswith(_WRITES):
            return
        if not lock.acquire():
            raise OperationalError(statement, parameters, sqlite3.OperationalError(
                f"database is locked: another writer held it for more than {wait_s:g} s"))
        conn.info[_HELD] = True

    def _end(info) -> None:
        if info.pop(_HELD, False):
            lock.release()

    def _finish(conn, how: str) -> None:
        try:
            fairy = conn.connection
        except SQLAlchemyError:
            return  # invalidated or closed: returning it to the pool ends the turn
        if not fairy.info.get(_HELD):
            return
        try:
            # Ended here, so the next writer starts once SQLite has let go of the file, not just before;
            # SQLAlchemy's own commit or rollback that follows finds no transaction and does nothing.
            if fairy.dbapi_connection is not None:
                getattr(fairy.dbapi_connection, how)()
        finally:
            _end(fairy.info)

    event.listen(engine, "commit", lambda conn: _finish(conn, "commit"))
    event.listen(engine, "rollback", lambda conn: _finish(conn, "rollback"))
    # A connection returned without commit or rollback (autocommit, an invalidated one) ends its turn too.
    event.listen(engine.pool, "checkin", lambda _dbapi, record: _end(record.info))
    return lock

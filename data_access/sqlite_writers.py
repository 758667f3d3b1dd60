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
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from data_access.files import FILE_MODE

# Statements that take SQLite's write lock; pysqlite opens its transaction just before the first of them.
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")
_HELD = "beacon_sqlite_writer"
# How often a process waiting for another process's writer looks again.
_POLL_S = 0.002
# How long a process that has writers queued holds back its next one when another process is waiting:
# a few of that process's looks, so it gets the turn rather than watching this one's threads pass it by.
_HANDOFF_S = 0.006

_LOCKS: "weakref.WeakSet[WriterLock]" = weakref.WeakSet()


class WriterLock:
    """One writer at a time: a lock between this process's threads, then a file lock between processes."""

    def __init__(self, path: Path, wait_s: float):
        self.path = path
        # Held shared by every process whose writer is looking for the turn, so the holder knows to hand it on.
        self.waiting_path = path.with_name(path.name + "-waiting")
        self.wait_s = wait_s
        self._reset()
        _LOCKS.add(self)

    def _reset(self) -> None:
        self._threads = threading.Lock()
        self._guard = threading.Lock()
        self._owner: int | None = None
        self._depth = 0
        self._queued = 0  # this process's threads waiting for the turn
        self._fds: tuple[int, int] | None = None
        self._fd_pid: int | None = None

    def acquire(self) -> bool:
        """Wait up to wait_s for the turn to write; False if another writer kept it that long."""
        me = threading.get_ident()
        with self._guard:
            if self._owner == me:
                # A second connection of this thread: it meets the first one's write in SQLite itself.
                self._depth += 1
                return True
            self._queued += 1
        try:
            deadline = time.monotonic() + self.wait_s
            if not self._threads.acquire(timeout=self.wait_s):
                return False
        finally:
            with self._guard:
                self._queued -= 1
        try:
            if not self._take_file(deadline):
                self._threads.release()
                return False
        except BaseException:
            self._threads.release()
            raise
        with self._guard:
            self._owner, self._depth = me, 1
        return True

    def _take_file(self, deadline: float) -> bool:
        """The file lock between processes, looked for until deadline; only one thread per process is here."""
        turn, waiting = self._files()
        try:
            fcntl.flock(turn, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            pass
        announced = False
        try:
            while True:
                if not announced:
                    try:
                        fcntl.flock(waiting, fcntl.LOCK_SH | fcntl.LOCK_NB)
                        announced = True
                    except BlockingIOError:
                        pass  # a holder is checking for waiters this instant: announce at the next look
                # Short, even looks: SQLite's busy handler sleeps up to 100 ms between tries, so a writer
                # that had waited long lost every race to newer ones.
                time.sleep(_POLL_S)
                try:
                    fcntl.flock(turn, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return True
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        return False
        finally:
            if announced:
                fcntl.flock(waiting, fcntl.LOCK_UN)

    def release(self) -> None:
        """Give the turn to the next writer (from any thread: a connection may be returned by another)."""
        with self._guard:
            if self._depth <= 0:
                return  # a turn the parent process took before this one was forked: not this process's
            self._depth -= 1
            if self._depth > 0:
                return
            self._owner = None
            queued = self._queued
        turn, waiting = self._fds
        fcntl.flock(turn, fcntl.LOCK_UN)
        if queued and self._others_waiting(waiting):
            # This process's next thread would take the file lock at once, before a waiting process next
            # looks; held back a moment, the turn goes to the process that has waited.
            time.sleep(_HANDOFF_S)
        self._threads.release()

    @staticmethod
    def _others_waiting(waiting: int) -> bool:
        try:
            fcntl.flock(waiting, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(waiting, fcntl.LOCK_UN)
        return False

    def _files(self) -> tuple[int, int]:
        # One open file per process: a forked child sharing its parent's would share its lock too.
        if self._fds is None or self._fd_pid != os.getpid():
            self._fds = tuple(os.open(p, os.O_RDWR | os.O_CREAT, FILE_MODE) for p in (self.path, self.waiting_path))
            self._fd_pid = os.getpid()
        return self._fds


def _forked() -> None:
    # A child forked while one of its parent's threads was writing would otherwise start with that turn held.
    for lock in list(_LOCKS):
        for fd in lock._fds or ():
            try:
                os.close(fd)  # the parent's copy; closing it here leaves the parent's lock as it was
            except OSError:
                pass
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
        # Runs before every statement: the cheap test of the statement's first word comes first.
        if not statement[:24].lstrip()[:7].upper().startswith(_WRITES) or conn.info.get(_HELD):
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
        # Ended here, so the next writer starts once SQLite has let go of the file, not just before;
        # SQLAlchemy's own commit or rollback that follows finds no transaction and does nothing.
        if fairy.dbapi_connection is not None:
            try:
                getattr(fairy.dbapi_connection, how)()
            except sqlite3.Error as exc:
                # SQLite still holds the transaction: the turn ends with the rollback (or the return to
                # the pool) that follows. Raised as SQLAlchemy would have raised it.
                raise DBAPIError.instance(how.upper(), None, exc, sqlite3.Error) from exc
        _end(fairy.info)

    event.listen(engine, "commit", lambda conn: _finish(conn, "commit"))
    event.listen(engine, "rollback", lambda conn: _finish(conn, "rollback"))
    # A connection returned without commit or rollback (autocommit, an invalidated one) ends its turn too.
    event.listen(engine.pool, "checkin", lambda _dbapi, record: _end(record.info))
    return lock

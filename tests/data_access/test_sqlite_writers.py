"""SQLite writers take turns: across threads and processes none fails for want of the lock, and turns always end."""

import fcntl
import multiprocessing
import os
import threading
import time

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, event, func, select
from sqlalchemy.exc import OperationalError

from data_access.db import make_engine
from data_access import sqlite_writers
from data_access.sqlite_writers import take_turns, writer_lock_path

_meta = MetaData()
_rows = Table("turn_row", _meta, Column("id", Integer, primary_key=True), Column("writer", String(40)))

THREADS = 4
WRITES = 12


def _impatient(engine) -> None:
    # SQLite gives up on a busy database after 1 ms instead of 10 s: any two writers meeting there fail.
    @event.listens_for(engine, "connect")
    def _short_busy_timeout(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA busy_timeout=1")


def _write_in_turns(url: str, name: str, failures) -> None:
    """Writes from THREADS threads, each holding its transaction a moment; counts the ones SQLite refused."""
    engine = make_engine(url)
    _impatient(engine)

    def writer(thread: int) -> None:
        for i in range(WRITES):
            try:
                with engine.begin() as conn:
                    conn.execute(_rows.insert().values(writer=f"{name}-{thread}-{i}"))
                    time.sleep(0.003)  # work inside the transaction, as a completion derives tasks
            except OperationalError:
                with failures.get_lock():
                    failures.value += 1

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine.dispose()


def test_writers_in_several_processes_all_write(tmp_path):
    url = f"sqlite:///{tmp_path / 'turns.db'}"
    engine = make_engine(url)
    _meta.create_all(engine)
    spawn = multiprocessing.get_context("spawn")
    failures = spawn.Value("i", 0)
    workers = [spawn.Process(target=_write_in_turns, args=(url, f"p{n}", failures)) for n in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert [w.exitcode for w in workers] == [0, 0, 0]
    assert failures.value == 0
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(_rows)).scalar() == 3 * THREADS * WRITES


def test_writer_lock_file_sits_beside_the_database(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'beside.db'}")
    _meta.create_all(engine)
    path = writer_lock_path(str(tmp_path / "beside.db"))
    assert path.exists() and (path.stat().st_mode & 0o777) == 0o600


def _second_writer_result(engine, results) -> None:
    try:
        with engine.begin() as conn:
            conn.execute(_rows.insert().values(writer="second"))
        results.append("wrote")
    except OperationalError as exc:
        results.append(str(exc.orig))


@pytest.mark.parametrize("ending", ["commit", "rollback", "error", "close", "autocommit"])
def test_every_way_a_transaction_ends_gives_the_turn_back(tmp_path, ending):
    engine = make_engine(f"sqlite:///{tmp_path / 'end.db'}")
    _meta.create_all(engine)
    conn = engine.connect()
    conn.execute(_rows.insert().values(writer="first"))
    if ending == "commit":
        conn.commit()
    elif ending == "rollback":
        conn.rollback()
    elif ending == "autocommit":
        conn.close()
        conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        conn.execute(_rows.insert().values(writer="autocommit"))
    elif ending == "error":
        with pytest.raises(OperationalError):
            conn.exec_driver_sql("INSERT INTO no_such_table VALUES (1)")
        conn.rollback()
    conn.close()
    results: list = []
    other = threading.Thread(target=_second_writer_result, args=(engine, results))
    other.start()
    other.join()
    assert results == ["wrote"]


def test_a_second_connection_of_the_same_thread_does_not_wait_on_its_own_turn(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'nested.db'}")
    _meta.create_all(engine)
    _impatient(engine)
    engine.dispose()
    with engine.begin() as outer:
        outer.execute(_rows.insert().values(writer="outer"))
        # SQLite itself refuses the inner write at once, as it would without turns; nothing hangs.
        with pytest.raises(OperationalError, match="database is locked"):
            with engine.begin() as inner:
                inner.execute(_rows.insert().values(writer="inner"))
    results: list = []
    other = threading.Thread(target=_second_writer_result, args=(engine, results))
    other.start()
    other.join()
    assert results == ["wrote"]


def test_a_writer_kept_waiting_too_long_is_told_the_database_is_locked(tmp_path):
    db = tmp_path / "held.db"
    engine = create_engine(f"sqlite:///{db}")
    _meta.create_all(engine)
    take_turns(engine, str(db), 0.05)
    # A file description of its own stands for another process whose writer keeps its turn.
    fd = os.open(writer_lock_path(str(db)), os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        with pytest.raises(OperationalError, match="another writer held it"):
            with engine.begin() as conn:
                conn.execute(_rows.insert().values(writer="kept waiting"))
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    with engine.begin() as conn:
        conn.execute(_rows.insert().values(writer="after"))
    with engine.connect() as conn:
        assert conn.execute(select(_rows.c.writer)).scalars().all() == ["after"]


def test_a_process_forked_mid_write_starts_with_the_turn_free(tmp_path):
    db = tmp_path / "fork.db"
    engine = make_engine(f"sqlite:///{db}")
    _meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(_rows.insert().values(writer="parent"))
        pid = os.fork()
        if pid == 0:
            # The child's own threads' turn is free, and it will open the lock file afresh; the parent's file
            # lock still keeps its writes waiting until the parent commits.
            locks = [lk for lk in sqlite_writers._LOCKS if lk.path == writer_lock_path(str(db))]
            os._exit(0 if locks and all(not lk._threads.locked() and lk._fd is None for lk in locks) else 1)
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0

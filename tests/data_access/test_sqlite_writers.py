"""SQLite writers take turns: across threads and processes none fails for want of the lock, and turns always end."""

import fcntl
import multiprocessing
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, event, func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from data_access import sqlite_writers
from data_access.db import make_engine
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


def _turns_engine(tmp_path, name: str, wait_s: float = 1.0):
    """A SQLite engine whose writers take turns, waiting at most wait_s: a turn never given back shows at once."""
    db = tmp_path / name
    engine = create_engine(f"sqlite:///{db}")
    event.listen(engine, "connect", lambda c, _r: c.execute("PRAGMA foreign_keys=ON"))
    _meta.create_all(engine)
    return engine, take_turns(engine, str(db), wait_s)


def _second_write(engine) -> list:
    results: list = []
    other = threading.Thread(target=_second_writer_result, args=(engine, results))
    other.start()
    other.join()
    return results


@pytest.mark.parametrize("ending", ["commit", "rollback", "failed first write", "close", "autocommit",
                                    "invalidate"])
def test_every_way_a_transaction_ends_gives_the_turn_back(tmp_path, ending):
    engine, _ = _turns_engine(tmp_path, "end.db")
    conn = engine.connect()
    if ending == "failed first write":
        with pytest.raises(OperationalError):
            conn.exec_driver_sql("INSERT INTO no_such_table VALUES (1)")
        conn.rollback()
    elif ending == "autocommit":
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.execute(_rows.insert().values(writer="autocommit"))
    else:
        conn.execute(_rows.insert().values(writer="first"))
    if ending == "commit":
        conn.commit()
    elif ending == "rollback":
        conn.rollback()
    elif ending == "invalidate":
        conn.invalidate()  # no commit or rollback reaches the turn: only the return to the pool ends it
    if ending in ("close", "autocommit", "invalidate"):
        conn.close()
    # A commit or rollback alone ends the turn: the first connection stays open until the second has written.
    assert _second_write(engine) == ["wrote"]
    conn.close()


def test_the_turn_passes_on_only_once_the_write_is_committed(tmp_path):
    engine, lock = _turns_engine(tmp_path, "order.db")
    seen = []
    release = lock.release

    def release_and_look():
        # What any other reader sees at the moment the next writer may start.
        with sqlite3.connect(tmp_path / "order.db") as reader:
            seen.append(reader.execute("SELECT count(*) FROM turn_row").fetchone()[0])
        release()

    lock.release = release_and_look
    with engine.begin() as conn:
        conn.execute(_rows.insert().values(writer="first"))
    assert seen == [1]


def test_a_failed_commit_is_raised_as_sqlalchemy_raises_it_and_the_turn_ends_with_the_rollback(tmp_path):
    engine, _ = _turns_engine(tmp_path, "deferred.db")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        conn.exec_driver_sql("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER "
                             "REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)")
    # The missing parent is found only when the transaction commits.
    with pytest.raises(IntegrityError):
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO child (id, parent_id) VALUES (1, 99)")
    assert _second_write(engine) == ["wrote"]
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM child").scalar() == 0


def test_a_second_connection_of_the_same_thread_does_not_wait_on_its_own_turn(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'nested.db'}")
    _meta.create_all(engine)
    _impatient(engine)
    engine.dispose()
    with engine.begin() as outer:
        outer.execute(_rows.insert().values(writer="outer"))
        # SQLite itself refuses the inner write at once, as it would without turns; nothing hangs.
        with pytest.raises(OperationalError) as refused:
            with engine.begin() as inner:
                inner.execute(_rows.insert().values(writer="inner"))
        assert str(refused.value.orig) == "database is locked"
    assert _second_write(engine) == ["wrote"]


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
            os._exit(0 if locks and all(not lk._threads.locked() and lk._fds is None for lk in locks) else 1)
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def _busy_process(path: str, turns, stop) -> None:
    """Four threads that want the turn back to back, as a process under a burst of completions."""
    lock = sqlite_writers.WriterLock(Path(path), 30.0)

    def loop():
        while not stop.is_set():
            assert lock.acquire()
            with turns.get_lock():
                turns.value += 1
            time.sleep(0.002)  # the write itself
            lock.release()

    threads = [threading.Thread(target=loop) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_a_process_with_one_writer_is_not_overtaken_by_a_busy_process(tmp_path):
    path = str(tmp_path / "fair.writer-lock")
    spawn = multiprocessing.get_context("spawn")
    turns, stop = spawn.Value("i", 0), spawn.Event()
    busy = spawn.Process(target=_busy_process, args=(path, turns, stop))
    busy.start()
    lock = sqlite_writers.WriterLock(Path(path), 30.0)
    try:
        while turns.value < 20:  # the busy process is writing in turns
            time.sleep(0.01)
        overtaken = []
        for _ in range(10):
            before = turns.value
            assert lock.acquire()
            # Turns begun while this writer waited: the one in progress, and at most a stray one or two.
            overtaken.append(turns.value - before)
            lock.release()
            time.sleep(0.005)
    finally:
        stop.set()
        busy.join()
    assert busy.exitcode == 0
    assert max(overtaken) <= 5, overtaken

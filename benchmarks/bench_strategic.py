"""Strategic benchmarking benchmark: import time per shared file and for a 500,000-row all-forces month,
how long the big import holds SQLite's write lock and how long another writer waits meanwhile, then server
time of the Strategic tab's callback.

Usage: .venv/bin/python -m benchmarks.bench_strategic [--database-url URL] [--rows 500000]
Default database: a copy of /tmp/wm.db (the west-midlands preset) in a temporary folder.
The shared files are skipped when the shared folder is absent. Prints figures; asserts nothing.
"""

import argparse
import os
import random
import resource
import shutil
import sqlite3
import statistics
import threading
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event

from app import create_app
from benchmarks.bench_config import bench_config
from data_access import jobs
from data_access.db import SQLITE_BUSY_TIMEOUT_MS
from data_access.forces import FORCES
from data_access.importers import import_file, import_path, loading
from data_access.store import open_store_from
from data_access.strategic_imports import remove_batch
from tests.conftest import login
from tests.dash_requests import payload
from tests.helpers import actor_for
from tests.strategic_data import SHARED_FILES, missing_reason, public_dir

WM_DB = Path("/tmp/wm.db")
HEADER = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
          "Last outcome category,Context")
TYPES = ["Anti-social behaviour", "Burglary", "Violence and sexual offences", "Vehicle crime", "Shoplifting",
         "Criminal damage and arson", "Public order", "Other theft", "Drugs"]
OUTCOMES = ["Under investigation", "Investigation complete; no suspect identified", "Unable to prosecute suspect",
            "Awaiting court outcome", "Offender given a caution", "Local resolution", ""]


def synthetic_month(rows: int, seed: int = 7) -> bytes:
    """An all-forces street-level month in the data.police.uk layout, CRLF line endings."""
    rng = random.Random(seed)
    lines = [HEADER]
    for i in range(rows):
        _code, name, _region = FORCES[i % len(FORCES)]
        kind = rng.choice(TYPES)
        asb = kind == "Anti-social behaviour"
        crime_id = "" if asb else f"{rng.getrandbits(128):032x}"
        outcome = "" if asb else rng.choice(OUTCOMES)
        lines.append(f"{crime_id},2019-03,{name} Police,{name} Police,{rng.uniform(-3, 1):.6f},"
                     f"{rng.uniform(50, 55):.6f},On or near Somewhere,E01000001,Somewhere 001A,{kind},{outcome},")
    return ("\r\n".join(lines) + "\r\n").encode()


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:9.1f} ms"


class WriteLockWatch:
    """How long each transaction of this process held SQLite's write lock: from its first write to its end.

    SQLite takes the lock at a transaction's first INSERT, UPDATE or DELETE (reads before it take none).
    """

    def __init__(self, engine):
        self.holds: list[float] = []
        self._since: dict = {}
        event.listen(engine, "before_cursor_execute", self._statement)
        # A connection goes back to the pool once its transaction has committed or rolled back.
        event.listen(engine.pool, "checkin", self._end)

    def _statement(self, conn, _cursor, statement, *_args):
        if statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            self._since.setdefault(id(conn.connection.dbapi_connection), time.perf_counter())

    def _end(self, dbapi_connection, _record):
        start = self._since.pop(id(dbapi_connection), None)
        if start is not None:
            self.holds.append(time.perf_counter() - start)

    def reset(self) -> None:
        self.holds, self._since = [], {}


class OtherWriter(threading.Thread):
    """Another writer (a completed task, a sign-in): one small write every 20 ms on its own connection.

    Times how long it waits for the write lock (BEGIN IMMEDIATE, with the app's busy timeout), apart from its
    own commit, which may run a WAL checkpoint of the pages the import wrote.
    """

    def __init__(self, path: str):
        super().__init__(daemon=True)
        self.path, self.waits, self.failures = path, [], 0
        self._done = threading.Event()

    def run(self):
        conn = sqlite3.connect(self.path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        while not self._done.is_set():
            t0 = time.perf_counter()
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                self.failures += 1
                continue
            self.waits.append(time.perf_counter() - t0)
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('bench_probe', ?)", (str(t0),))
            conn.execute("COMMIT")
            self._done.wait(0.02)
        conn.close()

    def stop(self) -> "OtherWriter":
        self._done.set()
        self.join()
        return self


def _lock_line(what: str, watch: WriteLockWatch, other: OtherWriter | None) -> str:
    holds = sorted(watch.holds)
    text = (f"  {what}: {len(holds):,} write transactions, longest lock hold {_ms(holds[-1]).strip() if holds else '-'}"
            f", median {_ms(statistics.median(holds)).strip() if holds else '-'}")
    if other is not None and other.waits:
        waits = sorted(other.waits)
        text += (f"; another writer ({len(waits):,} writes) waited for the lock at most {_ms(waits[-1]).strip()}, "
                 f"99th percentile {_ms(waits[int(len(waits) * 0.99)]).strip()}, gave up {other.failures} times")
    return text


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--remove", action="store_true", help="also time removing the big import (then load it again)")
    parser.add_argument("--batch-rows", type=int, default=None, help="rows per load transaction (LOAD_BATCH_ROWS)")
    args = parser.parse_args(argv)
    if args.batch_rows:
        loading.LOAD_BATCH_ROWS = args.batch_rows
    config = bench_config(args.database_url, "beacon-bench-strategic-")
    workdir = config.data_dir
    url = config.database_url
    if not args.database_url:
        if WM_DB.exists():
            shutil.copy(WM_DB, workdir / "bench.db")
        print(f"database: copy of {WM_DB}" if WM_DB.exists() else "database: empty SQLite (no /tmp/wm.db)")
    store = open_store_from(config)
    admin = actor_for(store, "admin")

    print(f"{'file':58s} {'read':>8s} {'loaded':>8s} {'quar.':>6s} {'time':>12s}")
    if missing_reason():
        print(f"shared files skipped: {missing_reason()}")
    else:
        base = public_dir()
        for relative, kind, _ in SHARED_FILES:
            t0 = time.perf_counter()
            r = import_path(store, admin, kind, base / relative)
            print(f"{relative.rsplit('/', 1)[-1][:58]:58s} {r['rows_read']:>8,} {r['rows_loaded']:>8,} "
                  f"{r['rows_quarantined']:>6,} {_ms(time.perf_counter() - t0)}")
    data = synthetic_month(args.rows)
    on_sqlite = url.startswith("sqlite")
    watch = WriteLockWatch(store.engine) if on_sqlite else None
    other = OtherWriter(store.engine.url.database) if on_sqlite else None
    if other:
        other.start()
    t0 = time.perf_counter()
    r = import_file(store, admin, "street", data, "synthetic-all-forces-2019-03-street.csv")
    print(f"{'synthetic all-forces month':58s} {r['rows_read']:>8,} {r['rows_loaded']:>8,} "
          f"{r['rows_quarantined']:>6,} {_ms(time.perf_counter() - t0)}")
    if watch:
        print(_lock_line(f"batches of {loading.LOAD_BATCH_ROWS:,} rows", watch, other.stop()))
    t0 = time.perf_counter()
    again = import_file(store, admin, "street", data, "synthetic-all-forces-2019-03-street.csv")
    print(f"{'same file again (' + again['status'] + ')':58s} {'':>8s} {'':>8s} {'':>6s} "
          f"{_ms(time.perf_counter() - t0)}")
    if args.remove:
        if watch:
            watch.reset()
            other = OtherWriter(store.engine.url.database)
            other.start()
        t0 = time.perf_counter()
        removed = remove_batch(store, admin, r["batch_id"])
        print(f"{'remove the synthetic month':58s} {removed['rows']:>8,} {'':>8s} {'':>6s} "
              f"{_ms(time.perf_counter() - t0)}")
        if watch:
            print(_lock_line("removal", watch, other.stop()))
        jobs.runner(store).submit_task(lambda: None).result()
        import_file(store, admin, "street", data, "synthetic-all-forces-2019-03-street.csv")

    t0 = time.perf_counter()
    app = create_app(config, store=store)
    jobs.runner(store).submit_task(lambda: None).result()  # one job thread: this waits for the start-up warming
    print(f"{'start-up: app made and figures warmed':58s} {'':>8s} {'':>8s} {'':>6s} "
          f"{_ms(time.perf_counter() - t0)}")
    print(f"{'strategic tab (server time through Flask)':44s} {'cold':>12s} {'new day':>12s} {'warm':>12s}")
    today = store.today()
    for i, (username, area) in enumerate((("leader", "burglary"), ("analyst", "domestic_abuse"),
                                          ("admin", "anti_social_behaviour"))):
        client = app.server.test_client()
        login(client, username)
        body = payload(app, "st-kpis.children", {"st-area.value": area, "st-force.value": "west-midlands",
                                                 "st-period.value": None, "main-tabs.active_tab": "strategic"},
                       ["st-area.value"])
        # Cold: nothing cached (a wiped cache folder). New day: the BCU figures are recomputed once a day.
        store.cache.clear()
        t0 = time.perf_counter()
        status = client.post("/_dash-update-component", json=body).status_code
        cold = time.perf_counter() - t0
        store.fixed_today = today + timedelta(days=i + 1)
        t0 = time.perf_counter()
        client.post("/_dash-update-component", json=body)
        new_day = time.perf_counter() - t0
        warm = []
        for _ in range(5):
            t0 = time.perf_counter()
            client.post("/_dash-update-component", json=body)
            warm.append(time.perf_counter() - t0)
        print(f"{username + ' / ' + area + f' ({status})':44s} {_ms(cold)} {_ms(new_day)} "
              f"{_ms(statistics.median(warm))}")
    client = app.server.test_client()
    t0 = time.perf_counter()
    client.get("/public/")
    print(f"{'public page (warm cache)':44s} {_ms(time.perf_counter() - t0)}")
    print(f"peak memory (RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    store.cache.close()
    if not args.database_url and not os.environ.get("BEACON_BENCH_KEEP"):
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

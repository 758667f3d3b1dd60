"""Strategic benchmarking benchmark: import time per shared file and for a 500,000-row all-forces month,
then server time of the Strategic tab's callback.

Usage: .venv/bin/python -m benchmarks.bench_strategic [--database-url URL] [--rows 500000]
Default database: a copy of /tmp/wm.db (the west-midlands preset) in a temporary folder.
Prints figures; asserts nothing.
"""

import argparse
import os
import random
import resource
import shutil
import statistics
import time
from datetime import timedelta
from pathlib import Path

from app import create_app
from benchmarks.bench_config import bench_config
from data_access import jobs
from data_access.forces import FORCES
from data_access.importers import import_file, import_path
from data_access.store import open_store_from
from tests.conftest import login
from tests.dash_requests import payload
from tests.helpers import actor_for
from tests.strategic_data import SHARED_FILES, public_dir

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


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--rows", type=int, default=500_000)
    args = parser.parse_args(argv)
    config = bench_config(args.database_url, "beacon-bench-strategic-")
    workdir = config.data_dir
    if not args.database_url:
        if WM_DB.exists():
            shutil.copy(WM_DB, workdir / "bench.db")
        print(f"database: copy of {WM_DB}" if WM_DB.exists() else "database: empty SQLite (no /tmp/wm.db)")
    store = open_store_from(config)
    admin = actor_for(store, "admin")

    print(f"{'file':58s} {'read':>8s} {'loaded':>8s} {'quar.':>6s} {'time':>12s}")
    base = public_dir()
    for relative, kind, _ in SHARED_FILES:
        t0 = time.perf_counter()
        r = import_path(store, admin, kind, base / relative)
        print(f"{relative.rsplit('/', 1)[-1][:58]:58s} {r['rows_read']:>8,} {r['rows_loaded']:>8,} "
              f"{r['rows_quarantined']:>6,} {_ms(time.perf_counter() - t0)}")
    data = synthetic_month(args.rows)
    t0 = time.perf_counter()
    r = import_file(store, admin, "street", data, "synthetic-all-forces-2019-03-street.csv")
    print(f"{'synthetic all-forces month':58s} {r['rows_read']:>8,} {r['rows_loaded']:>8,} "
          f"{r['rows_quarantined']:>6,} {_ms(time.perf_counter() - t0)}")
    t0 = time.perf_counter()
    again = import_file(store, admin, "street", data, "synthetic-all-forces-2019-03-street.csv")
    print(f"{'same file again (' + again['status'] + ')':58s} {'':>8s} {'':>8s} {'':>6s} "
          f"{_ms(time.perf_counter() - t0)}")

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

"""Task engine benchmark: re-deriving every crime's tasks from its events, and one crime's after an event.

Usage: .venv/bin/python -m benchmarks.bench_task_engine [--preset west-midlands] [--database-url URL]
Prints figures; asserts nothing.
"""

import argparse
import resource
import shutil
import statistics
import time
from datetime import date, datetime, time as clock

from sqlalchemy import func, select

from benchmarks.bench_config import bench_config
from data_access.db import create_schema, drop_schema
from demo.generate import generate
from data_access.schema import crime, task
from data_access.schema_events import crime_event
from data_access.store import open_store_from
from data_access.task_derivation import derive_tasks, load_inputs
from scoring.task_engine import derive


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="west-midlands")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--today", default="2026-11-18")
    args = parser.parse_args(argv)
    today = date.fromisoformat(args.today)
    cfg = bench_config(args.database_url, "beacon-bench-engine-")
    store = open_store_from(cfg)
    drop_schema(store.engine)
    create_schema(store.engine)
    t0 = time.perf_counter()
    generate(store.engine, args.preset, 7, today, settings=store.settings)
    print(f"preset {args.preset}: generated in {time.perf_counter() - t0:.1f} s")
    with store.engine.connect() as conn:
        crimes = conn.execute(select(func.count()).select_from(crime)).scalar_one()
        open_crimes = conn.execute(select(func.count()).select_from(crime).where(crime.c.status == "open")).scalar_one()
        events = conn.execute(select(func.count()).select_from(crime_event)).scalar_one()
        tasks = conn.execute(select(func.count()).select_from(task)).scalar_one()
    print(f"crimes {crimes:,} (open {open_crimes:,}), events {events:,}, tasks {tasks:,}")

    with store.engine.connect() as conn:
        t0 = time.perf_counter()
        facts, evs, _ = load_inputs(conn, store.settings, None)
        read = time.perf_counter() - t0
    t0 = time.perf_counter()
    n = sum(len(derive(f, evs.get(cid, []), today, store.settings).tasks) for cid, f in facts.items())
    engine_s = time.perf_counter() - t0
    print(f"engine alone over all {len(facts):,} crimes: read {read:.1f} s, derive {engine_s:.1f} s ({n:,} tasks)")

    with store.engine.begin() as conn:
        t0 = time.perf_counter()
        counts = derive_tasks(conn, store.settings, today, None)
        full = time.perf_counter() - t0
    print(f"full re-derivation with writes (nothing changed): {full:.1f} s {counts}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory so far: {peak:,.0f} MB")

    with store.engine.connect() as conn:
        ids = [r[0] for r in conn.execute(select(crime.c.id).where(crime.c.status == "open")
                                          .order_by(crime.c.id).limit(200)).all()]
    times = []
    for cid in ids:
        with store.engine.begin() as conn:
            conn.execute(crime_event.insert().values(
                crime_id=cid, kind="log_entry", at=datetime.combine(today, clock(9)), origin="source",
                source_ref=f"BENCH/{cid}", recorded_at=datetime.combine(today, clock(9))))
            t0 = time.perf_counter()
            derive_tasks(conn, store.settings, today, [cid])
            times.append(time.perf_counter() - t0)
    print(f"one crime after a new event: median {statistics.median(times) * 1000:.1f} ms, "
          f"p95 {sorted(times)[int(len(times) * 0.95)] * 1000:.1f} ms over {len(times)} crimes")
    store.engine.dispose()
    shutil.rmtree(cfg.data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

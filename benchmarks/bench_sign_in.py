"""Benchmark the sign-in throttle: what counting and settling an attempt costs, alone and under a burst.

    python -m benchmarks.bench_sign_in [--database-url URL] [--attempts 400] [--threads 8]

The throttle's cost does not depend on the force's size (it reads and writes at most three rows per
attempt), so no force is generated; the database is a new SQLite file, or the PostgreSQL URL given,
whose `login_throttle` table is used. Prints the median and 95th percentile per attempt, sequential and
with --threads signing in at once (a shift change behind one station address).
"""

import argparse
import statistics
import threading
import time

from benchmarks.bench_config import bench_config
from data_access.store import open_store_from
from data_access.throttle import failed, forgive, reserve_attempt


def _one(store, username: str, address: str, ok: bool) -> float:
    start = time.perf_counter()
    if not reserve_attempt(store, username, address):
        (forgive if ok else failed)(store, username, address)
    return time.perf_counter() - start


def _report(label: str, seconds: list[float]) -> None:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[max(0, int(len(ms) * 0.95) - 1)]
    print(f"{label:<46} median {statistics.median(ms):7.2f} ms   p95 {p95:7.2f} ms   n={len(ms)}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_sign_in", description=__doc__.splitlines()[0])
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--attempts", type=int, default=400)
    ap.add_argument("--threads", type=int, default=8)
    args = ap.parse_args(argv)
    store = open_store_from(bench_config(args.database_url, "beacon-bench-sign-in-"))
    print(f"database: {store.engine.url.get_backend_name()}")
    # One in twenty-five attempts a typo, as at a busy station.
    _report("sequential, one address, many accounts",
            [_one(store, f"officer{i % 300}", "10.0.0.1", i % 25 != 0) for i in range(args.attempts)])
    times: list[float] = []
    lock = threading.Lock()

    def worker(w: int) -> None:
        mine = [_one(store, f"burst{w}-{i}", "10.0.0.2", True) for i in range(args.attempts // args.threads)]
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(args.threads)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    _report(f"{args.threads} threads at once, one address", times)
    print(f"{'burst throughput':<46} {len(times) / wall:7.1f} attempts/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

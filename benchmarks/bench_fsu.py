"""Frequent-service-user benchmark: the full run's wall time and peak RSS, and the server time of the views.

Usage: .venv/bin/python -m benchmarks.bench_fsu [--database-url URL] [--preset west-midlands]
Without --database-url a west-midlands force is generated into a temporary SQLite file. The run is
measured in a child process so its peak RSS is its own. Prints figures; asserts nothing.
"""

import argparse
import dataclasses
import multiprocessing as mp
import resource
import statistics
import time

from app import create_app
from benchmarks.bench_config import bench_config
from data_access import fsu
from data_access.db import is_empty
from demo.generate import generate
from data_access.store import open_store_from
from tests.conftest import login
from tests.dash_requests import payload
from tests.helpers import actor_for


def _run(config, out) -> None:
    store = open_store_from(config)
    t0 = time.perf_counter()
    result = fsu.run_now(store, actor_for(store, "analyst"))
    out.put((time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, result))


def _median_post(client, body, n=5) -> tuple[float, float]:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        resp = client.post("/_dash-update-component", json=body)
        times.append(time.perf_counter() - t0)
        assert resp.status_code == 200, resp.status_code
    return times[0], statistics.median(times)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database-url")
    ap.add_argument("--preset", default="west-midlands")
    args = ap.parse_args(argv)
    config = bench_config(args.database_url, "bench-fsu-")
    store = open_store_from(config)  # the rules file is read (and checked) before anything is generated
    if is_empty(store.engine):
        t0 = time.perf_counter()
        generate(store.engine, preset=args.preset, seed=7, today=store.today(), settings=store.settings)
        print(f"generated {args.preset} in {time.perf_counter() - t0:.1f} s")
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    proc = ctx.Process(target=_run, args=(config, q))
    proc.start()
    wall, rss, result = q.get()
    proc.join()
    print(f"full run: {wall:.1f} s wall, peak RSS {rss:.0f} MB; ranked {result['people_ranked']:,}, "
          f"listed {result['people_listed']}; links {result['link_counts']}")

    app = create_app(dataclasses.replace(config, testing=True), store=store)
    client = app.server.test_client()
    login(client, "analyst")
    main_body = payload(app, "fsu-grid.rowData", {"main-tabs.active_tab": "fsu", "fsu-themes.value": []},
                        ["main-tabs.active_tab"])
    first, warm = _median_post(client, main_body)
    print(f"main view (list, audited): first {first * 1000:.0f} ms, median {warm * 1000:.0f} ms")
    filt = payload(app, "fsu-grid.rowData", {"main-tabs.active_tab": "fsu", "fsu-themes.value": ["DA", "MH"]},
                   ["fsu-themes.value"])
    first, warm = _median_post(client, filt)
    print(f"main view filtered by two themes: first {first * 1000:.0f} ms, median {warm * 1000:.0f} ms")
    rows = fsu.list_view(store, actor_for(store, "analyst"))["rows"]
    for label, person in (("rank 1", rows[0]), ("busiest details", max(rows, key=lambda r: r["harm_caused"]))):
        body = payload(app, "fsu-details.children", {"fsu-person.data": person["person_id"]}, ["fsu-person.data"])
        first, warm = _median_post(client, body)
        print(f"details view ({label}): first {first * 1000:.0f} ms, median {warm * 1000:.0f} ms")
    chart = payload(app, "fsu-chart.figure", {"fsu-grid.selectedRows": [{"person_id": r["person_id"]}
                                                                         for r in rows[:10]]},
                    ["fsu-grid.selectedRows"])
    first, warm = _median_post(client, chart)
    print(f"chart of 10 people: first {first * 1000:.0f} ms, median {warm * 1000:.0f} ms")


if __name__ == "__main__":
    main()

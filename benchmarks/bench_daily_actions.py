"""Daily Actions benchmark: generation, then server time of the callbacks per scope, cold and warm.

Usage: .venv/bin/python -m benchmarks.bench_daily_actions [--preset west-midlands] [--database-url URL]
Prints figures; asserts nothing.
"""

import argparse
import dataclasses
import os
import resource
import shutil
import statistics
import time
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from app import create_app
from benchmarks.bench_config import bench_config
from data_access.actor import Actor
from data_access.db import create_schema, drop_schema, is_empty
from data_access.errors import AccessDenied
from demo.generate import generate
from data_access.schema import task, user_account
from data_access.scope import resolve_scope
from data_access.store import open_store_from
from data_access.tasks import complete_task
from data_access.worklist import scope_choices, worklist_view
from scoring.categories import COMPLETIONS
from tests.conftest import login
from tests.dash_requests import payload
from tests.helpers import actor_for as actor_by_username


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def _pick_accounts(store) -> dict:
    """One account per scope level: the busiest officer, their sergeant, a BCU leader, force admin."""
    with store.engine.connect() as conn:
        busiest = conn.execute(select(task.c.oic_id, func.count().label("n")).where(task.c.status == "open")
                               .group_by(task.c.oic_id).order_by(func.count().desc()).limit(1)).first()
        busiest_name = conn.execute(select(user_account.c.username).where(user_account.c.officer_id == busiest[0])
                                    .order_by(user_account.c.username).limit(1)).scalar()
    return {
        "officer (busiest)": busiest_name or "officer",
        "team (sergeant)": "sergeant",
        "BCU (leader)": "leader",
        "force (admin)": "admin",
    }


def _time_completion(store, actor) -> float:
    """Time to complete one of the actor's open tasks (transaction, audit row, follow-on task)."""
    # Some tasks are not the officer's to close (a review is signed off by a supervisor; a log update only
    # once due): the first of their tasks that is theirs now is timed.
    with store.engine.connect() as conn:
        candidates = conn.execute(select(task).where(task.c.status == "open", task.c.oic_id == actor.officer_id)
                                  .order_by(task.c.due_date.asc().nulls_last(), task.c.id).limit(50)).mappings().all()
    for t in candidates:
        action = next(a for a, _ in COMPLETIONS[t["kind"]] if a != "bail_extended")
        t0 = time.perf_counter()
        try:
            complete_task(store, actor, t["id"], action)
        except AccessDenied:
            continue
        return time.perf_counter() - t0
    raise RuntimeError(f"officer {actor.officer_id} has no open task they may complete now")


def _time_view(app, client, actor, scope_value, store) -> tuple[float, float]:
    """Server time of the Daily Actions render callback through Flask, cold then warm median."""
    body = payload(app, "da-badges.children", {"da-scope.value": scope_value}, ["da-scope.value"])
    store.cache.clear()
    t0 = time.perf_counter()
    resp = client.post("/_dash-update-component", json=body)
    cold = time.perf_counter() - t0
    assert resp.status_code == 200, resp.status_code
    warm = []
    for _ in range(5):
        t0 = time.perf_counter()
        client.post("/_dash-update-component", json=body)
        warm.append(time.perf_counter() - t0)
    return cold, statistics.median(warm), len(resp.data)


def _post(client, body) -> tuple[float, int]:
    t0 = time.perf_counter()
    resp = client.post("/_dash-update-component", json=body)
    assert resp.status_code == 200, resp.status_code
    return time.perf_counter() - t0, len(resp.data)


def _time_blocks(app, client, scope_value) -> list[tuple[str, float, int]]:
    """Server time and answer size of the grid's block requests after a render: first, next, sorted, filtered, CSV."""
    def block(start, sort=None, filters=None):
        request = {"startRow": start, "endRow": start + 100, "sortModel": sort or [], "filterModel": filters or {}}
        return payload(app, "da-grid.getRowsResponse",
                       {"da-grid.getRowsRequest": request, "da-grid-stamp.data": {"scope": scope_value}},
                       ["da-grid.getRowsRequest"])
    by_oic = [{"colId": "oic", "sort": "asc"}]
    reviews = {"flags": {"filterType": "text", "type": "contains", "filter": "Supervisor reviews"}}
    export = payload(app, "da-download.data", {"da-export.n_clicks": 1, "da-grid-stamp.data": {"scope": scope_value},
                                               "da-grid.getRowsRequest": {"startRow": 0, "endRow": 100}},
                     ["da-export.n_clicks"])
    return [("first block", *_post(client, block(0))), ("next block", *_post(client, block(100))),
            ("sorted by officer", *_post(client, block(0, by_oic))),
            ("sorted, next block", *_post(client, block(100, by_oic))),
            ("badge filter", *_post(client, block(0, None, reviews))),
            ("CSV export (all rows)", *_post(client, export))]


def _after_a_completion(app, store) -> None:
    """The leader's BCU view after a task is completed in another BCU (still cached) and in their own."""
    leader = actor_by_username(store, "leader")
    client = app.server.test_client()
    login(client, "leader")
    own_bcu = scope_choices(store, leader)[0]["value"]
    body = payload(app, "da-badges.children", {"da-scope.value": own_bcu}, ["da-scope.value"])
    client.post("/_dash-update-component", json=body)
    own_teams = resolve_scope(store, leader, own_bcu).team_ids
    mine = sorted(int(t) for t in own_teams)

    def an_oic(inside_bcu: bool):
        where = task.c.team_id.in_(mine) if inside_bcu else task.c.team_id.not_in(mine)
        with store.engine.connect() as conn:
            return conn.execute(select(task.c.oic_id).where(task.c.status == "open", task.c.oic_id.isnot(None),
                                                            task.c.kind != "supervisor_review",
                                                            task.c.due_date <= store.today(), where).limit(1)).scalar()

    # An officer's own list, kept warm alongside: a completion in another BCU is not one of their tasks.
    officer = actor_by_username(store, "officer")
    own_client = app.server.test_client()
    login(own_client, "officer")
    own_body = payload(app, "da-badges.children", {"da-scope.value": "mine"}, ["da-scope.value"])
    own_client.post("/_dash-update-component", json=own_body)
    elsewhere, inside = an_oic(False), an_oic(True)
    for label, oic in (("BCU after a completion elsewhere", elsewhere), ("BCU after one in the BCU", inside)):
        if oic is None:
            continue
        actor = Actor(user_id=0, username=f"bench-oic-{oic}", role="officer", officer_id=int(oic), scope_unit_id=None)
        _time_completion(store, actor)
        t0 = time.perf_counter()
        client.post("/_dash-update-component", json=body)
        print(f"{label:38s} {_ms(time.perf_counter() - t0)}")
        if oic == elsewhere and oic != officer.officer_id:
            t0 = time.perf_counter()
            own_client.post("/_dash-update-component", json=own_body)
            print(f"{'officer after a completion elsewhere':38s} {_ms(time.perf_counter() - t0)}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="west-midlands")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=None, help="default: a SQLite file in a scratch folder")
    parser.add_argument("--reuse", action="store_true", help="reuse a populated --database-url")
    args = parser.parse_args(argv)

    config = bench_config(args.database_url, "beacon-bench-")
    workdir, url = config.data_dir, config.database_url
    store = open_store_from(config)  # the rules file is read (and checked) before anything is generated
    engine = store.engine
    print(f"preset {args.preset}, seed {args.seed}, database {url.split(':', 1)[0]}, today {store.today()}")
    if args.reuse and not is_empty(engine):
        print("generation: skipped, reusing the populated database")
    else:
        drop_schema(engine)
        create_schema(engine)
        t0 = time.perf_counter()
        stats = generate(engine, preset=args.preset, seed=args.seed, today=store.today(), settings=store.settings)
        print(f"generation: {time.perf_counter() - t0:.1f} s")
        for name, count in sorted(stats["counts"].items()):
            print(f"  {name:20s} {count:>10,}")
    if url.startswith("sqlite"):
        db = Path(url.split("///", 1)[1])
        size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
        print(f"database size: {size / 1e6:.1f} MB")

    # testing=True: no housekeeping thread competing with the measurements.
    app = create_app(dataclasses.replace(config, testing=True), store=store)

    print(f"{'scope':22s} {'crimes':>8s} {'cold':>11s} {'warm':>11s} {'answer':>9s}"
          "   (server time of the worklist callback)")
    blocks = {}
    for label, username in _pick_accounts(store).items():
        client = app.server.test_client()
        assert login(client, username).status_code == 302, username
        actor = actor_by_username(store, username)
        scope_value = scope_choices(store, actor)[0]["value"]
        cold, warm, size = _time_view(app, client, actor, scope_value, store)
        n = worklist_view(store, actor, scope_value)["total_rows"]
        print(f"{label:22s} {n:>8,} {_ms(cold)} {_ms(warm)} {size / 1024:>6.0f} KB")
        blocks[label] = _time_blocks(app, client, scope_value)
    print("grid blocks after the render (server time, answer size):")
    for label, timings in blocks.items():
        print(f"  {label}: " + "; ".join(f"{what} {t * 1000:.1f} ms {size / 1024:.0f} KB"
                                         for what, t, size in timings))
    for label, username in (("demand: team", "sergeant"), ("demand: BCU", "leader"), ("demand: force", "admin")):
        client = app.server.test_client()
        login(client, username)
        actor = actor_by_username(store, username)
        scope_value = next(c["value"] for c in scope_choices(store, actor) if c["value"] != "mine")
        body = payload(app, "dm-capacity.figure", {"dm-scope.value": scope_value, "main-tabs.active_tab": "demand"},
                       ["dm-scope.value"])
        store.cache.clear()
        t0 = time.perf_counter()
        assert client.post("/_dash-update-component", json=body).status_code == 200
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        client.post("/_dash-update-component", json=body)
        print(f"{label:22s} {'':>8s} {_ms(cold)} {_ms(time.perf_counter() - t0)}")
    officer = actor_by_username(store, "officer")
    print(f"{'complete a task':22s} {'':>8s} {_ms(_time_completion(store, officer))}")
    _after_a_completion(app, store)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS): {peak:.0f} MB")
    store.cache.close()
    if not args.database_url and not os.environ.get("BEACON_BENCH_KEEP"):
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

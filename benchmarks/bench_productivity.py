"""Productivity benchmark: 12 months of daily productivity and every officer's availability score, then
the server time of the team and department views, cold and warm.

Usage: .venv/bin/python -m benchmarks.bench_productivity --database-url sqlite:////tmp/YOURCOPY.db
(a populated west-midlands database, generated with the productivity extension; without
--database-url a temporary one is generated). Prints figures; asserts nothing.
"""

import argparse
import shutil
import statistics
import time

from sqlalchemy import select

from app import create_app
from benchmarks.bench_config import bench_config
from data_access import productivity_inputs as inputs
from data_access.actor import Actor
from data_access.db import is_empty
from data_access.errors import AccessDenied, BadRequest
from demo.generate import generate
from data_access.productivity import periods, settings_of
from data_access.schema import task
from data_access.schema_productivity import ensure_core_indexes
from data_access.scope import resolve_scope
from data_access.store import open_store_from
from data_access.tasks import complete_task
from data_access.worklist import scope_choices
from scoring import availability as av
from scoring import productivity as pr
from scoring.categories import COMPLETIONS
from tests.conftest import login
from tests.dash_requests import payload
from tests.helpers import actor_for


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def _force_figures(store) -> None:
    st = settings_of(store)
    p = periods(store)
    with store.engine.connect() as conn:
        offs, t_off = _timed(lambda: inputs.officers(conn))
        sworn = offs[~offs["is_staff"]]
        raw, t_act = _timed(lambda: inputs.activity_inputs(conn, None, p["history_start"]))
        avin, t_av = _timed(lambda: inputs.availability_inputs(conn, None, None, p["today"],
                                                               st.availability_window_days))
    daily, t_daily = _timed(lambda: pr.daily_metrics(raw["deployments"], raw["arrests"], raw["activity"],
                                                     raw["outcomes"], store.settings.positive_outcomes))
    prep, t_prep = _timed(lambda: av.prepare(avin))
    crit, t_crit = _timed(lambda: av.availability_criteria(offs, None, prep["leave"], prep["restrictions"],
                                                           prep["training"], prep["psd"], prep["skills"],
                                                           prep["vacancy"], p["today"], st,
                                                           pieces=prep["pieces"]).loc[sworn["id"]])
    scores, t_topsis = _timed(lambda: av.availability_scores(crit, st))
    _, t_dep = _timed(lambda: av.deployable(sworn, None, prep["leave"], prep["training"], p["today"], st,
                                            pieces=prep["pieces"]))
    rows = sum(len(v) for v in raw.values())
    print(f"officers: {len(offs):,} ({len(sworn):,} warranted); activity rows read: {rows:,}; "
          f"officer-days with activity: {len(daily):,}")
    print(f"{'read officers':44s} {_ms(t_off)}")
    print(f"{'read 12 months of activity (force)':44s} {_ms(t_act)}")
    print(f"{'compute 12 months of daily productivity':44s} {_ms(t_daily)}")
    print(f"{'read availability inputs (force)':44s} {_ms(t_av)}")
    print(f"{'parse dates, cut shifts at midnight':44s} {_ms(t_prep)}")
    print(f"{'availability criteria, every officer':44s} {_ms(t_crit)}")
    print(f"{'anchored TOPSIS scores, every officer':44s} {_ms(t_topsis)}")
    print(f"{'deployable today, every officer':44s} {_ms(t_dep)}")
    print(f"{'criteria + TOPSIS + deployable':44s} {_ms(t_crit + t_topsis + t_dep)}")
    print(f"{'the same including date parsing':44s} {_ms(t_prep + t_crit + t_topsis + t_dep)}")
    print(f"  mean score {scores['score'].mean():.1f}, lowest {scores['score'].min():.1f}")


def _view_times(app, store, username: str, scope_value: str) -> tuple[float, float]:
    client = app.server.test_client()
    assert login(client, username).status_code == 302, username
    body = payload(app, "pa-team-grid.rowData", {"pa-scope.value": scope_value, "pa-metric.value": "arrests",
                                                 "main-tabs.active_tab": "productivity"}, ["pa-scope.value"])
    store.cache.clear()
    resp, cold = _timed(lambda: client.post("/_dash-update-component", json=body))
    assert resp.status_code == 200, resp.status_code
    warm = [_timed(lambda: client.post("/_dash-update-component", json=body))[1] for _ in range(5)]
    return cold, statistics.median(warm)


def _complete_one(store, where) -> bool:
    """Complete the most urgent open task matching where that its officer in charge may complete now."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(task).where(task.c.status == "open", task.c.oic_id.isnot(None), where)
                            .order_by(task.c.due_date, task.c.id).limit(100)).mappings().all()
    for t in rows:
        oic = Actor(user_id=0, username=f"bench-oic-{t['oic_id']}", role="officer", officer_id=int(t["oic_id"]),
                    scope_unit_id=None)
        for action, _label in COMPLETIONS.get(t["kind"], []):
            try:
                if complete_task(store, oic, t["id"], action)["status"] == "done":
                    return True
            except (AccessDenied, BadRequest):
                continue
    return False


def _after_a_completion(app, store) -> None:
    """The leader's BCU view warm, then its first request after a task is completed in another BCU and in its own."""
    leader = actor_for(store, "leader")
    bcu = next(c["value"] for c in scope_choices(store, leader) if c["value"].startswith("bcu"))
    mine = sorted(int(t) for t in resolve_scope(store, leader, bcu).team_ids)
    client = app.server.test_client()
    login(client, "leader")
    body = payload(app, "pa-team-grid.rowData", {"pa-scope.value": bcu, "pa-metric.value": "arrests",
                                                 "main-tabs.active_tab": "productivity"}, ["pa-scope.value"])
    client.post("/_dash-update-component", json=body)
    warm = statistics.median(_timed(lambda: client.post("/_dash-update-component", json=body))[1] for _ in range(5))
    print(f"{'BCU (leader) warm':34s} {'':>8s} {'':>11s} {_ms(warm)}")
    for label, where in (("BCU after a completion elsewhere", task.c.team_id.not_in(mine)),
                         ("BCU after one in the BCU", task.c.team_id.in_(mine))):
        if not _complete_one(store, where):
            continue
        resp, t = _timed(lambda: client.post("/_dash-update-component", json=body))
        assert resp.status_code == 200, resp.status_code
        print(f"{label:34s} {'':>8s} {'':>11s} {_ms(t)}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="west-midlands")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    config = bench_config(args.database_url, "beacon-bench-prod-")
    workdir, url = config.data_dir, config.database_url
    store = open_store_from(config)  # the rules file is read (and checked) before anything is generated
    if is_empty(store.engine):
        _, t = _timed(lambda: generate(store.engine, preset=args.preset, seed=args.seed, today=store.today(),
                                       settings=store.settings))
        print(f"generation: {t:.1f} s")
    ensure_core_indexes(store.engine)
    print(f"database {url.split(':', 1)[0]}, today {store.today()}")
    _force_figures(store)
    app = create_app(config, store=store)
    print(f"{'view':34s} {'officers':>8s} {'cold':>11s} {'warm':>11s}   (server time of the team callback)")
    for label, username, level in (("team (sergeant)", "sergeant", "team"),
                                   ("department (inspector)", "inspector", "department"),
                                   ("BCU (leader)", "leader", "bcu")):
        actor = actor_for(store, username)
        scope_value = next(c["value"] for c in scope_choices(store, actor) if c["value"].startswith(level))
        from data_access.productivity import team_view

        n = len(team_view(store, actor, scope_value)["rows"])
        cold, warm = _view_times(app, store, username, scope_value)
        print(f"{label:34s} {n:>8,} {_ms(cold)} {_ms(warm)}")
    _after_a_completion(app, store)
    store.cache.close()
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Daily Actions benchmark: generation, then server time of the callbacks per scope, cold and warm.

Usage: .venv/bin/python -m benchmarks.bench_daily_actions [--preset west-midlands] [--database-url URL]
Prints figures; asserts nothing.
"""

import argparse
import os
import resource
import shutil
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from data_access.accounts import load_actor
from data_access.db import create_schema, drop_schema, make_engine
from data_access.generate import generate
from data_access.schema import task, user_account
from data_access.store import open_store


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def _pick_accounts(store) -> dict:
    """One account per scope level: the busiest officer, their sergeant, a BCU leader, force admin."""
    with store.engine.connect() as conn:
        busiest = conn.execute(select(task.c.oic_id, func.count().label("n")).where(task.c.status == "open")
                               .group_by(task.c.oic_id).order_by(func.count().desc()).limit(1)).first()
        officer_user = conn.execute(select(user_account.c.id).where(user_account.c.officer_id == busiest[0])
                                    .where(user_account.c.role == "officer")).scalar()
        rows = conn.execute(select(user_account.c.id, user_account.c.username, user_account.c.role)).all()
    by_name = {r.username: r.id for r in rows}
    return {
        "officer (busiest)": officer_user or by_name["officer"],
        "team (sergeant)": by_name["sergeant"],
        "BCU (leader)": by_name["leader"],
        "force (admin)": by_name["admin"],
    }


def _time_view(app, client, actor, scope_value, store) -> tuple[float, float]:
    """Server time of the Daily Actions render callback through Flask, cold then warm median."""
    from tests.dash_requests import payload

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
    return cold, statistics.median(warm)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="west-midlands")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="beacon-bench-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    engine = make_engine(url)
    drop_schema(engine)
    create_schema(engine)
    t0 = time.perf_counter()
    stats = generate(engine, preset=args.preset, seed=args.seed, today=date.today())
    gen_s = time.perf_counter() - t0
    engine.dispose()
    print(f"preset {args.preset}, seed {args.seed}, database {url.split(':', 1)[0]}")
    print(f"generation: {gen_s:.1f} s")
    for name, count in sorted((stats.get("rows") or {}).items()):
        print(f"  {name:20s} {count:>10,}")
    if url.startswith("sqlite"):
        size = sum(p.stat().st_size for p in workdir.glob("bench.db*"))
        print(f"database size: {size / 1e6:.1f} MB")

    store = open_store(url, workdir / "cache")
    from app import create_app
    from config import Config
    from flask_login import login_user

    app = create_app(Config(database_url=url, secret_key="bench", data_dir=workdir, cache_dir=workdir / "cache",
                            generate_on_empty=False), store=store)
    from app import SessionUser

    print(f"{'scope':22s} {'tasks':>8s} {'cold':>11s} {'warm':>11s}")
    for label, user_id in _pick_accounts(store).items():
        actor = load_actor(store, user_id)
        client = app.server.test_client()
        with app.server.test_request_context():
            login_user(SessionUser(actor))
        # Sign in through the session cookie flask-login reads.
        with client.session_transaction() as sess:
            sess["_user_id"] = str(actor.user_id)
            sess["_fresh"] = True
        from data_access.worklist import scope_choices

        scope_value = scope_choices(store, actor)[0]["value"]
        cold, warm = _time_view(app, client, actor, scope_value, store)
        from data_access.worklist import worklist_view

        n = worklist_view(store, actor, scope_value)["total_rows"]
        print(f"{label:22s} {n:>8,} {_ms(cold)} {_ms(warm)}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS): {peak:.0f} MB")
    store.cache.close()
    if not args.database_url and not os.environ.get("BEACON_BENCH_KEEP"):
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Load test of a shift change with locust: per-callback p50/p95/p99, errors, requests a second, CPU and memory per process.

    python -m benchmarks.bench_shift_change [--users 100] [--workers 1] [--run-time 60] [--preset demo]
        [--database-url postgresql://postgres@127.0.0.1:5432/beacon_shift] [--redis-url redis://127.0.0.1:6379/14]
    python -m benchmarks.bench_shift_change --matrix --preset west-midlands [--database-url ...] [--run-time 90]
    python -m benchmarks.bench_shift_change --url http://127.0.0.1:8050 [--database-url URL-of-its-database]

Needs locust (`pip install -e '.[bench]'`). Without --url it prepares a force (the preset, generated once and
kept in --cache-folder for SQLite, or as a template database beside --database-url for PostgreSQL) with an
account for each simulated person, starts gunicorn with --workers on a fresh copy of it, runs the users of
benchmarks/shift_change_locustfile.py for --run-time seconds, and stops everything. With --url it loads a
server already running on this machine: with --database-url the accounts are made in that database, without
it every person shares the demo accounts (officer, officer2, sergeant, inspector, leader), which flatters the
cache. Only loopback addresses are ever a target. Prints figures; asserts nothing.
"""

import argparse
import csv
import json
import math
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from importlib.util import find_spec
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from benchmarks.loopback import NotLoopback, require_loopback
from data_access.accounts import create_account
from data_access.db import create_schema, is_empty, make_engine
from data_access.permissions import SYSTEM
from data_access.schema import officer, user_account
from data_access.store import open_store
from demo.generate import DEMO_ACCOUNTS, generate
from tests.servers import ROOT, free_port, gunicorn_env, start_gunicorn, stop, wait_until_healthy

LOCUSTFILE = Path(__file__).with_name("shift_change_locustfile.py")
# The people of a shift change, and the ranks whose officers their accounts belong to.
MIX = {"officer": 0.70, "sergeant": 0.20, "inspector": 0.08, "leader": 0.02}
RANKS = {"officer": ("PC", "DC"), "sergeant": ("PS", "DS"), "inspector": ("Insp",), "leader": ("Supt", "CI")}
ROLE_NAMES = {"officer": "officer", "sergeant": "supervisor", "inspector": "inspector", "leader": "senior_leader"}
PASSWORD = "shift-change-load-test"
MAX_RUN_TIME = 3600
# The matrix: worker processes, and people at the shift change.
MATRIX_WORKERS = (1, 2, 4)
MATRIX_USERS = (100, 250, 500)


def _accounts_needed(users: int) -> dict[str, int]:
    return {role: max(1, math.ceil(users * share)) for role, share in MIX.items()}


def _ensure_accounts(store, users: int) -> dict[str, list[str]]:
    """shift-ROLE-NNNN accounts enough for users people, made through data_access.accounts, each on an officer of the rank."""
    wanted = _accounts_needed(users)
    with store.engine.connect() as conn:
        have = set(conn.execute(select(user_account.c.username).where(user_account.c.username.like("shift-%")))
                   .scalars())
        collars = {role: list(conn.execute(select(officer.c.collar).where(officer.c.rank.in_(ranks))
                                           .order_by(officer.c.id)).scalars()) for role, ranks in RANKS.items()}
    names, todo = {}, []
    for role, count in wanted.items():
        if not collars[role]:
            raise SystemExit(f"the force has no officer of rank {', '.join(RANKS[role])} for the {role}s")
        names[role] = [f"shift-{role}-{i:04d}" for i in range(1, count + 1)]
        # More people than officers of a rank share officers (several accounts on one officer), in turn.
        todo += [(n, ROLE_NAMES[role], collars[role][i % len(collars[role])])
                 for i, n in enumerate(names[role]) if n not in have]
    if todo:
        print(f"creating {len(todo)} accounts (argon2 hashes take a while)", flush=True)
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda a: create_account(store, SYSTEM, a[0], PASSWORD, a[1], a[2]), todo))
    return names


def _prepare(engine, preset: str, today: date, users: int, cache_dir: Path) -> dict[str, list[str]]:
    """The force generated (when the database is empty) and the accounts made; the names of the accounts."""
    create_schema(engine)
    if is_empty(engine):
        print(f"generating the {preset!r} force for {today} (once; kept for later runs)", flush=True)
        generate(engine, preset=preset, seed=7, today=today)
    store = open_store(str(engine.url.render_as_string(hide_password=False)), cache_dir, fixed_today=today)
    try:
        return _ensure_accounts(store, users)
    finally:
        store.cache.close()
        store.engine.dispose()


def _sqlite_run_database(args, today: date, workdir: Path) -> tuple[str, dict]:
    """A copy, for this run, of the prepared SQLite force kept in the cache folder."""
    folder = Path(args.cache_folder)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    prepared = folder / f"shift-{args.preset}-{today}.db"
    if args.fresh:
        prepared.unlink(missing_ok=True)
    # Prepared under another name and renamed when whole, so an interrupted preparation is never reused.
    partial = prepared.with_suffix(".partial")
    if prepared.exists():
        shutil.copy(prepared, partial)
    engine = make_engine(f"sqlite:///{partial}")
    try:
        accounts = _prepare(engine, args.preset, today, args.users, workdir / "prep-cache")
    finally:
        engine.dispose()
    partial.replace(prepared)
    shutil.copy(prepared, workdir / "beacon.db")
    return f"sqlite:///{workdir / 'beacon.db'}", accounts


def _pg_admin(url: str):
    return create_engine(make_url(url).set(drivername="postgresql+psycopg", database="postgres"),
                         isolation_level="AUTOCOMMIT")


def _pg_run_database(args, today: date, workdir: Path) -> tuple[str, dict]:
    """--database-url made afresh from a template database holding the prepared force and accounts."""
    url = make_url(args.database_url)
    template = f"{url.database}_tmpl_{args.preset.replace('-', '_')}_{today:%Y%m%d}"
    admin = _pg_admin(args.database_url)
    try:
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": template}).first()
            if exists and args.fresh:
                conn.execute(text(f'DROP DATABASE "{template}" WITH (FORCE)'))
                exists = None
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{template}"'))
        engine = make_engine(url.set(database=template).render_as_string(hide_password=False))
        try:
            accounts = _prepare(engine, args.preset, today, args.users, workdir / "prep-cache")
        except BaseException:
            engine.dispose()
            if not exists:  # a half-made template is never reused
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
            raise
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{url.database}" TEMPLATE "{template}"'))
    finally:
        admin.dispose()
    return args.database_url, accounts


def _processes(root_pid: int) -> list:
    """The process and its children (gunicorn's master and workers), as psutil objects."""
    import psutil

    try:
        root = psutil.Process(root_pid)
        return [root] + root.children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _listener_pid(url: str) -> int | None:
    """The process listening on url's port on this machine (needs the right to see other processes' sockets)."""
    import psutil
    from urllib.parse import urlsplit

    port = urlsplit(url).port or 80
    try:
        for conn in psutil.net_connections(kind="tcp"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port and conn.pid:
                proc = psutil.Process(conn.pid)
                # gunicorn's workers listen on the master's socket: report the master and its workers.
                parent = proc.parent()
                return parent.pid if parent and "gunicorn" in " ".join(parent.cmdline()) else proc.pid
    except (psutil.AccessDenied, psutil.NoSuchProcess):
        return None
    return None


class Sampler:
    """CPU (percent of one core) and resident memory of each process, sampled once a second."""

    def __init__(self, groups: dict[str, int | None]):
        self.groups = {label: pid for label, pid in groups.items() if pid}
        self.seen: dict[int, dict] = {}

    def sample(self) -> None:
        import psutil

        for label, pid in self.groups.items():
            procs = _processes(pid)
            for i, found in enumerate(procs):
                try:
                    entry = self.seen.get(found.pid)
                    if entry is None:
                        role = label if len(procs) == 1 else f"{label} {'master' if i == 0 else 'worker'}"
                        entry = self.seen[found.pid] = {"label": role, "proc": found, "cpu": [], "rss": []}
                        found.cpu_percent(None)  # the first reading only starts the clock
                        continue
                    # The same psutil object each time: cpu_percent counts from its own previous reading.
                    entry["cpu"].append(entry["proc"].cpu_percent(None))
                    entry["rss"].append(entry["proc"].memory_info().rss)
                except psutil.NoSuchProcess:
                    continue

    def report(self) -> None:
        print(f"\n{'process':<28}{'pid':>8}{'cpu mean %':>12}{'cpu peak %':>12}{'rss mean MB':>13}{'rss peak MB':>13}")
        for pid, e in sorted(self.seen.items(), key=lambda kv: (kv[1]["label"], kv[0])):
            if not e["cpu"]:
                continue
            mb = [r / 2**20 for r in e["rss"]]
            print(f"{e['label']:<28}{pid:>8}{sum(e['cpu']) / len(e['cpu']):>12.1f}{max(e['cpu']):>12.1f}"
                  f"{sum(mb) / len(mb):>13.0f}{max(mb):>13.0f}")


def _print_stats(prefix: Path) -> list[dict]:
    """The locust CSV figures: per callback (or page) p50, p95, p99, errors and requests a second; the rows."""
    with open(f"{prefix}_stats.csv") as fh:
        rows = list(csv.DictReader(fh))
    print(f"\n{'request':<40}{'count':>8}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'req/s':>8}")
    for r in rows:
        name = "all requests" if r["Name"] == "Aggregated" else r["Name"]
        print(f"{name:<40}{r['Request Count']:>8}{r['Failure Count']:>8}{r['50%']:>9}{r['95%']:>9}"
              f"{r['99%']:>9}{float(r['Requests/s']):>8.1f}")
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        with open(failures) as fh:
            errors = sorted(csv.DictReader(fh), key=lambda e: -int(e["Occurrences"]))
        for e in errors[:8]:
            print(f"  error x{e['Occurrences']}: {e['Name']}: {e['Error'][:150]}")
    return rows


def _print_server_errors(log: Path) -> None:
    """The distinct exceptions the server logged (why a request answered 500), most frequent first."""
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return
    # The last line of each traceback names the exception and its message.
    raised = [lines[i + 1].strip() for i, line in enumerate(lines[:-1])
              if line.startswith("  ") and not lines[i + 1].startswith((" ", "Traceback"))
              and re.match(r"^[\w.]+(Error|Exception|Timeout)\b", lines[i + 1])]
    for text_, count in Counter(raised).most_common(5):
        print(f"  server raised x{count}: {text_[:200]}")


def _summary(args, rows: list[dict], sampler: "Sampler") -> dict:
    """One run's line of the matrix: throughput, errors, p50/p95 of all requests, the worst p95 after sign-in."""
    total = next(r for r in rows if r["Name"] == "Aggregated")
    # The requests people make once signed in (the worklist, bell, a record, a completion), apart from the
    # sign-in form and the page's first load, which a shift change sends all at once.
    working = [r for r in rows if r["Name"] != "Aggregated" and not r["Name"].startswith(("sign in", "page:"))]
    worst = max(working, key=lambda r: int(r["95%"] or 0), default=None)
    server_cpu = sum(sum(e["cpu"]) / len(e["cpu"]) for e in sampler.seen.values()
                     if e["cpu"] and not e["label"].startswith("locust"))
    return {"workers": args.workers, "users": args.users, "rps": float(total["Requests/s"]),
            "requests": int(total["Request Count"]), "errors": int(total["Failure Count"]),
            "p50": int(total["50%"] or 0), "p95": int(total["95%"] or 0),
            "sign_in_p95": next((int(r["95%"] or 0) for r in rows if r["Name"] == "sign in: submit"), 0),
            "worst": f"{worst['Name']} {int(worst['95%'] or 0):,}" if worst else "", "server_cpu": server_cpu}


def _print_matrix(summaries: list[dict], args) -> None:
    """The matrix's summary: a line per run."""
    where = "PostgreSQL" if args.database_url else "SQLite"
    print(f"\nshift change matrix, preset {args.preset}, {where}, {args.run_time} s a run, "
          f"{args.spawn_rate:g} signing in a second")
    print(f"{'workers':>8}{'people':>8}{'req/s':>8}{'requests':>10}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}"
          f"{'sign-in p95':>13}{'server cpu %':>14}  worst p95 once signed in (ms)")
    for m in summaries:
        if "rps" not in m:
            print(f"{m['workers']:>8}{m['users']:>8}  run failed (its output is above)")
            continue
        print(f"{m['workers']:>8}{m['users']:>8}{m['rps']:>8.1f}{m['requests']:>10,}{m['errors']:>8}{m['p50']:>9,}"
              f"{m['p95']:>9,}{m['sign_in_p95']:>13,}{m['server_cpu']:>14.0f}  {m['worst']}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_shift_change", description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=100)
    ap.add_argument("--spawn-rate", type=float, default=10, help="people signing in per second until all are in")
    ap.add_argument("--run-time", type=int, default=60, help=f"seconds, at most {MAX_RUN_TIME}")
    ap.add_argument("--workers", type=int, default=1, help="gunicorn worker processes (BEACON_WORKERS)")
    ap.add_argument("--threads", type=int, default=8, help="threads per worker (BEACON_THREADS)")
    ap.add_argument("--database-url", default=None, help="PostgreSQL: this database is made afresh for each run")
    ap.add_argument("--redis-url", default=None, help="BEACON_REDIS_URL for the server started")
    ap.add_argument("--preset", default="demo", help="the generated force (python -m demo.generate --help)")
    ap.add_argument("--today", type=date.fromisoformat,
                    default=date.fromisoformat(os.environ.get("BEACON_TODAY") or date.today().isoformat()))
    ap.add_argument("--cache-folder", default=str(Path(os.environ.get("BEACON_DATA_DIR") or tempfile.gettempdir())
                                                  / "beacon-bench-shift-change"),
                    help="where the prepared SQLite force is kept between runs")
    ap.add_argument("--fresh", action="store_true", help="generate the prepared force and accounts again")
    ap.add_argument("--url", default=None, help="load a server already running on this machine instead")
    ap.add_argument("--matrix", action="store_true",
                    help=f"run {MATRIX_WORKERS} workers at {MATRIX_USERS} people each and print a summary")
    args = ap.parse_args(argv)
    if not 1 <= args.run_time <= MAX_RUN_TIME:
        ap.error(f"--run-time must be 1 to {MAX_RUN_TIME} seconds")
    if args.matrix and args.url:
        ap.error("--matrix starts its own servers: it cannot load --url")
    if find_spec("locust") is None:
        print("locust is not installed: .venv/bin/pip install -e '.[bench]'", file=sys.stderr)
        return 2
    try:
        if args.url:
            require_loopback(args.url)
        if args.database_url:
            # The run drops and recreates this database (or adds load-test accounts to it): this machine's only.
            host = make_url(args.database_url).host or "127.0.0.1"
            require_loopback(f"http://{'[' + host + ']' if ':' in host else host}/")
    except NotLoopback as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2

    if not args.matrix:
        return 0 if _run_once(args) is not None else 1
    summaries = []
    for workers in MATRIX_WORKERS:
        for users in MATRIX_USERS:
            run = argparse.Namespace(**{**vars(args), "workers": workers, "users": users})
            print(f"\n===== {workers} worker(s), {users} people =====", flush=True)
            summaries.append(_run_once(run) or {"workers": workers, "users": users})
    _print_matrix(summaries, args)
    return 0


def _run_once(args) -> dict | None:
    """One load test: the server started (unless --url), the users run, the figures printed; its summary."""
    workdir = Path(tempfile.mkdtemp(prefix="beacon-shift-change-"))
    server, redis_prefix = None, None
    try:
        if args.url:
            base, server_pid = args.url.rstrip("/"), _listener_pid(args.url)
            if args.database_url:
                engine = make_engine(args.database_url)
                try:
                    accounts = {"password": PASSWORD, "roles": _prepare(engine, args.preset, args.today, args.users,
                                                                       workdir / "prep-cache")}
                finally:
                    engine.dispose()
            else:
                accounts = {"password": DEMO_ACCOUNTS[0]["password"],
                            "roles": {"officer": ["officer", "officer2"], "sergeant": ["sergeant"],
                                      "inspector": ["inspector"], "leader": ["leader"]}}
            where = base
        else:
            if args.database_url:
                url, roles = _pg_run_database(args, args.today, workdir)
            else:
                url, roles = _sqlite_run_database(args, args.today, workdir)
            accounts = {"password": PASSWORD, "roles": roles}
            port = free_port()
            (workdir / "metrics").mkdir()
            (workdir / "data").mkdir(mode=0o700)
            settings = dict(DATABASE_URL=url, SECRET_KEY=secrets.token_hex(32), BEACON_TODAY=args.today.isoformat(),
                            BEACON_GENERATE_ON_EMPTY="0", BEACON_WORKERS=str(args.workers),
                            BEACON_THREADS=str(args.threads), HOME=str(workdir),
                            PROMETHEUS_MULTIPROC_DIR=str(workdir / "metrics"))
            if args.redis_url:
                redis_prefix = f"beacon-bench:{secrets.token_hex(6)}:"
                settings.update(BEACON_REDIS_URL=args.redis_url, BEACON_REDIS_PREFIX=redis_prefix)
            log = workdir / "gunicorn.log"
            server = start_gunicorn(gunicorn_env(workdir / "data", port, **settings), log)
            base = f"http://127.0.0.1:{port}"
            wait_until_healthy(base, server, log)
            server_pid = server.pid
            backend = make_url(url).get_backend_name()
            where = f"gunicorn {args.workers} worker(s) x {args.threads} threads on {backend}, preset {args.preset}"
        (workdir / "accounts.json").write_text(json.dumps(accounts))
        mix = ", ".join(f"{share:.0%} {role}s" for role, share in MIX.items())
        print(f"shift change: {args.users} people ({mix}), {args.spawn_rate:g} signing in a second, "
              f"{args.run_time} s, against {where}", flush=True)
        prefix = workdir / "locust"
        env = dict(os.environ, BEACON_SHIFT_ACCOUNTS=str(workdir / "accounts.json"), PYTHONPATH=str(ROOT))
        cmd = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", base,
               "-u", str(args.users), "-r", str(args.spawn_rate), "--run-time", f"{args.run_time}s",
               "--stop-timeout", "10", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"]
        with open(workdir / "locust.log", "w") as out:
            runner = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        sampler = Sampler({"gunicorn" if server else "server": server_pid, "locust": runner.pid})
        deadline = time.monotonic() + args.run_time + 120
        while runner.poll() is None:
            if time.monotonic() > deadline:
                runner.kill()
                break
            sampler.sample()
            time.sleep(1)
        if not Path(f"{prefix}_stats.csv").exists():
            print((workdir / "locust.log").read_text()[-3000:], file=sys.stderr)
            return None
        rows = _print_stats(prefix)
        if server is not None:
            _print_server_errors(log)
        sampler.report()
        said = (workdir / "locust.log").read_text()
        if "Traceback" in said or "refused" in said:
            print("\nlocust said:\n" + said[-3000:])
        return _summary(args, rows, sampler)
    finally:
        if server is not None:
            stop(server)
        if redis_prefix:
            # This run's cache keys only; the server may be shared with other deployments.
            import redis

            cache = redis.Redis.from_url(args.redis_url)
            for key in cache.scan_iter(match=redis_prefix + "*"):
                cache.delete(key)
            cache.close()
        if args.database_url and not args.url:
            admin = _pg_admin(args.database_url)
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(args.database_url).database}" WITH (FORCE)'))
            admin.dispose()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())

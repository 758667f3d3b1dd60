"""Two hosts behind HAProxy on one PostgreSQL and one Redis: a session moves between them, and stopping one loses nothing."""

import json
import secrets
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select

from data_access.permissions import offered_actions
from data_access.schema import audit_log, bail, task
from data_access.schema_completions import completion_request
from data_access.schema_events import crime_event
from data_access.store import open_store
from scoring.task_version import task_version
from tests.conftest import DEMO_PASSWORD, TODAY, _in_ci, new_pg_database
from tests.dash_requests import ServedCallbacks, payload
from tests.helpers import actor_for
from tests.servers import (ROOT, free_port, gunicorn_env, haproxy_binary, sign_in, start_gunicorn, start_haproxy,
                           stop, wait_until_healthy)

# Two gunicorn hosts and HAProxy start, and stop, inside each test: more than the suite's 180 s on a slow machine.
pytestmark = [pytest.mark.postgres, pytest.mark.timeout(600)]

HOSTS = ("host1", "host2")
# The addresses docs/haproxy.cfg is written with, replaced by this test's free ports.
EXAMPLE_FRONT, EXAMPLE_HOSTS = "127.0.0.1:8080", ("127.0.0.1:8051", "127.0.0.1:8052")
BURST = 48


@dataclass
class Deployment:
    """The balancer's address, each host's gunicorn by name, and the database they share."""

    base: str
    hosts: dict
    database_url: str
    logs: list = field(default_factory=list)

    def tail(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in self.logs if p.exists())


def _balancer_config(path: Path, front: int, ports: list[int]) -> None:
    """docs/haproxy.cfg with this test's ports, so the documented file is the one tested."""
    text = (ROOT / "docs" / "haproxy.cfg").read_text()
    for old, new in zip((EXAMPLE_FRONT, *EXAMPLE_HOSTS), (front, *ports)):
        assert text.count(old) == 1, old
        text = text.replace(old, f"127.0.0.1:{new}")
    path.write_text(text)


@pytest.fixture
def deployment(seeded_pg, redis_url, tmp_path):
    """Two gunicorn hosts (own data and cache folders, one key) on a copy of the demo force, behind HAProxy."""
    if haproxy_binary() is None:
        if _in_ci():
            pytest.fail("haproxy is not installed; scripts/test.sh installs it")
        pytest.skip("haproxy is not installed (apt-get install haproxy; scripts/test.sh does this)")
    _admin_url, template = seeded_pg
    prefix = f"beacon-test:{uuid.uuid4().hex}:"
    with new_pg_database("beacon_2h", template) as url:
        secret, ports, procs, logs = secrets.token_hex(32), [], {}, []
        try:
            for name in HOSTS:
                data_dir = tmp_path / name
                data_dir.mkdir(mode=0o700)
                (tmp_path / f"{name}-metrics").mkdir()
                port = free_port()
                env = gunicorn_env(data_dir, port, DATABASE_URL=url, SECRET_KEY=secret, BEACON_REDIS_URL=redis_url,
                                   BEACON_REDIS_PREFIX=prefix, BEACON_TODAY=TODAY.isoformat(),
                                   BEACON_GENERATE_ON_EMPTY="0", BEACON_WORKERS="1", BEACON_THREADS="4",
                                   BEACON_TRUSTED_PROXIES="1", HOME=str(data_dir),
                                   PROMETHEUS_MULTIPROC_DIR=str(tmp_path / f"{name}-metrics"))
                logs.append(tmp_path / f"{name}.log")
                procs[name] = start_gunicorn(env, logs[-1])
                ports.append(port)
            for name, port in zip(HOSTS, ports):
                wait_until_healthy(f"http://127.0.0.1:{port}", procs[name], tmp_path / f"{name}.log")
            front = free_port()
            _balancer_config(tmp_path / "haproxy.cfg", front, ports)
            logs.append(tmp_path / "haproxy.log")
            procs["haproxy"] = start_haproxy(tmp_path / "haproxy.cfg", logs[-1])
            base = f"http://127.0.0.1:{front}"
            wait_until_healthy(base, procs["haproxy"], logs[-1], deadline_s=60)
            yield Deployment(base, {n: procs[n] for n in HOSTS}, url, logs)
        finally:
            # The balancer first, so no host waits on connections it still holds open.
            for proc in reversed(procs.values()):
                stop(proc)
            cache = redis.Redis.from_url(redis_url)
            for key in cache.scan_iter(match=prefix + "*"):
                cache.delete(key)
            cache.close()


def _request(browser, url: str, body: dict | None = None, headers: dict | None = None):
    """(status, parsed JSON or None, the host that answered); a dropped connection is status 0."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with browser.open(req, timeout=60) as resp:
            raw, status, host = resp.read(), resp.status, resp.headers.get("X-Beacon-Host")
    except urllib.error.HTTPError as exc:
        raw, status, host = exc.read(), exc.code, exc.headers.get("X-Beacon-Host")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, None, None
    try:
        return status, json.loads(raw), host
    except ValueError:
        return status, None, host


def _layout_value(node, ident: str):
    """The value of the component with this id in a /_dash-layout answer (None when absent)."""
    if isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict) and props.get("id") == ident:
            return props.get("value")
        node = list(node.values())
    if isinstance(node, list):
        for child in node:
            found = _layout_value(child, ident)
            if found is not None:
                return found
    return None


def _page_token(browser, base: str) -> str:
    """The session's token as the signed-in page carries it (the sign-out form's hidden field)."""
    status, layout, _host = _request(browser, base + "/_dash-layout")
    assert status == 200
    token = _layout_value(layout, "logout-csrf")
    assert token
    return token


def test_a_session_signed_in_through_the_balancer_works_on_both_hosts(deployment):
    browser = sign_in(deployment.base, "officer", DEMO_PASSWORD)
    status, deps, _host = _request(browser, deployment.base + "/_dash-dependencies")
    assert status == 200
    served = ServedCallbacks(deps)
    answered = Counter()
    # Round robin sends consecutive requests to alternate hosts; a bounded number, until both have answered.
    for _ in range(20):
        status, page, host = _request(browser, deployment.base + "/_dash-layout")
        assert status == 200 and _layout_value(page, "logout-csrf"), (status, host)
        answered[host] += 1
        status, out, host = _request(browser, deployment.base + "/_dash-update-component",
                                     payload(served, "da-scope.options", {"da-scope.id": "da-scope"},
                                             ["da-scope.id"]))
        # Signed out, a callback is 401; here the scope choices of the officer's own session come back.
        assert status == 200, (status, out, deployment.tail())
        assert out["response"]["da-scope"]["options"], out
        answered[host] += 1
        if len(answered) == 2 and min(answered.values()) >= 3:
            break
    assert set(answered) == set(HOSTS), answered


def _completable(store, username: str, count: int) -> list[dict]:
    """Open tasks username may complete now, one per crime (a completion re-derives its crime's other tasks)."""
    actor = actor_for(store, username)
    with store.engine.connect() as conn:
        rows = conn.execute(select(task).where(task.c.status == "open").order_by(task.c.id)).mappings().all()
        bails = {b["id"]: b for b in conn.execute(select(bail)).mappings()}
    chosen, crimes = [], set()
    for t in rows:
        if t["crime_id"] in crimes:
            continue
        offered = offered_actions(store, actor, t, bails.get(t["bail_id"]), store.today(), store.settings)
        if offered:
            crimes.add(t["crime_id"])
            chosen.append({"key": str(uuid.uuid4()), "task": t["id"], "crime_id": t["crime_id"],
                           "action": offered[0][0], "seen": task_version(t)})
        if len(chosen) == count:
            return chosen
    raise AssertionError(f"only {len(chosen)} tasks {username} may complete")


def test_stopping_a_host_mid_burst_loses_no_acknowledged_completion(deployment, tmp_path):
    store = open_store(deployment.database_url, tmp_path / "test-cache", fixed_today=TODAY)
    try:
        items = _completable(store, "inspector", BURST)
        browser = sign_in(deployment.base, "inspector", DEMO_PASSWORD)
        headers = {"X-Beacon-CSRF": _page_token(browser, deployment.base)}
        results, lock, stopped_at = {}, threading.Lock(), []

        def send(item):
            started = time.monotonic()
            status, answer, host = _request(browser, deployment.base + "/api/completions",
                                            {k: item[k] for k in ("key", "task", "action", "seen")}, headers)
            with lock:
                results[item["key"]] = {"status": status, "answer": answer, "host": host, "started": started}

        def acknowledged():
            with lock:
                return [r for r in results.values() if r["status"] == 200 and r["answer"]["status"] == "done"]

        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = [pool.submit(send, item) for item in items]
            # Host 1 is stopped once it has acknowledged some, with the rest of the burst still to send.
            deadline = time.monotonic() + 120
            while not (len(acknowledged()) >= 8 and any(r["host"] == "host1" for r in acknowledged())):
                assert time.monotonic() < deadline and not all(f.done() for f in futures), results
                time.sleep(0.005)
            deployment.hosts["host1"].terminate()  # SIGTERM: gunicorn finishes the requests it has begun
            stopped_at.append(time.monotonic())
            for f in futures:
                f.result()
        assert deployment.hosts["host1"].wait(timeout=90) == 0, deployment.tail()
        first = dict(results)
        late = [r for r in first.values() if r["started"] > stopped_at[0]]
        assert late, "the whole burst was sent before host 1 was stopped"
        acked_first = {k for k, r in first.items() if r["status"] == 200 and r["answer"]["status"] == "done"}

        # What was not acknowledged, the device sends again with the same key until it has an answer.
        for item in items:
            for _attempt in range(30):
                if results[item["key"]]["status"] in (200, 409):
                    break
                send(item)
            assert results[item["key"]]["status"] == 200, (results[item["key"]], deployment.tail())
            assert results[item["key"]]["answer"]["status"] == "done"

        keys = [item["key"] for item in items]
        with store.engine.connect() as conn:
            stored = Counter(conn.execute(select(completion_request.c.idem_key)
                                          .where(completion_request.c.idem_key.in_(keys))).scalars())
            done = dict(conn.execute(select(task.c.id, task.c.status)
                                     .where(task.c.id.in_([i["task"] for i in items]))).all())
            events = Counter(conn.execute(select(crime_event.c.crime_id).where(
                crime_event.c.crime_id.in_([i["crime_id"] for i in items]) & (crime_event.c.origin == "beacon")))
                .scalars())
            writes = Counter(conn.execute(select(audit_log.c.object_id).where(
                (audit_log.c.action == "write") & audit_log.c.object_id.in_([str(i["task"]) for i in items])))
                .scalars())
            recorded_200 = conn.execute(select(func.count()).select_from(completion_request).where(
                completion_request.c.idem_key.in_(keys) & (completion_request.c.http_status == 200))).scalar()
        # Every acknowledged completion, and every one retried after a failure, is recorded exactly once.
        assert acked_first <= set(stored)
        assert stored == Counter(keys) and recorded_200 == BURST
        assert set(done.values()) == {"done"}
        assert events == Counter(i["crime_id"] for i in items)
        assert writes == Counter(str(i["task"]) for i in items)
        # The same session goes on, on the host still running.
        status, page, host = _request(browser, deployment.base + "/_dash-layout")
        assert status == 200 and host == "host2" and _layout_value(page, "logout-csrf")
    finally:
        store.cache.close()
        store.engine.dispose()

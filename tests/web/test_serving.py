"""Serving a force: /healthz for load balancers, and gunicorn with several workers on an empty data folder."""

import os
import re
import runpy
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.conftest import DEMO_PASSWORD, TODAY, login
from tests.servers import free_port, gunicorn_env, sign_in, start_gunicorn, stop, wait_until_healthy

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_answers_without_a_session_and_says_nothing_else(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok"}
    assert resp.data.strip() == b'{"status":"ok"}'
    assert resp.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in resp.headers


def test_healthz_answers_the_same_when_signed_in(client):
    login(client, "officer")
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.get_json() == {"status": "ok"}


def test_healthz_is_503_when_the_database_does_not_answer(app, client, monkeypatch, tmp_path):
    unreachable = create_engine(f"sqlite:///{tmp_path / 'no-such-folder' / 'beacon.db'}")
    monkeypatch.setattr(app.beacon_store, "engine", unreachable)
    resp = client.get("/healthz")
    assert resp.status_code == 503
    # Nothing of the failure (driver, path, message) reaches an unauthenticated caller.
    assert resp.data.strip() == b'{"status":"unavailable"}'


def test_healthz_is_get_only(client):
    assert client.post("/healthz").status_code in (401, 405)


def test_gunicorn_settings_come_from_the_environment_and_are_documented(monkeypatch, tmp_path):
    for name in ("BEACON_WORKERS", "BEACON_THREADS", "BEACON_KEEPALIVE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "9001")
    monkeypatch.setenv("BEACON_WORKER_TIMEOUT", "90")
    # Reading the file sets the variable when it is unset; set here, it is restored after the test.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["bind"] == "0.0.0.0:9001"
    assert settings["workers"] == min(2 * (os.cpu_count() or 1) + 1, 8)
    assert settings["threads"] == 8 and settings["worker_class"] == "gthread"
    assert settings["timeout"] == 90 and settings["keepalive"] == 75
    # Each worker builds its own app, so no connection or thread is shared across a fork.
    assert settings["preload_app"] is False
    readme = (ROOT / "README.md").read_text()
    source = (ROOT / "gunicorn.conf.py").read_text()
    names = set(re.findall(r'_int\(\s*["\']([A-Z_]+)["\']', source)) | \
        set(re.findall(r"environ\.get\(\s*'([A-Z_]+)'", source))
    assert {"BEACON_WORKERS", "HOST", "PORT"} <= names
    assert [n for n in sorted(names) if f"`{n}`" not in readme] == []
    assert "gunicorn -c gunicorn.conf.py wsgi:server" in readme


def test_gunicorn_with_three_workers_on_an_empty_data_folder(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    log, access = tmp_path / "gunicorn.log", tmp_path / "access.log"
    (tmp_path / "metrics").mkdir()
    port = free_port()
    env = gunicorn_env(data_dir, port, BEACON_TODAY=TODAY.isoformat(), BEACON_DEMO_PRESET="demo",
                       BEACON_GENERATE_ON_EMPTY="1", BEACON_WORKERS="3", BEACON_THREADS="2", HOME=str(tmp_path),
                       BEACON_METRICS_TOKEN="scrape-token-0123456789",
                       PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
                       # Each line of the access log names the worker's process id.
                       GUNICORN_CMD_ARGS=f"--access-logfile {access} --access-logformat '%(p)s %(s)s %(m)s %(U)s'")
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(env, log)
    try:
        wait_until_healthy(base, server, log)
        browser = sign_in(base, "officer", DEMO_PASSWORD)

        def page(_):
            with browser.open(base + "/", timeout=60) as resp:
                return resp.status

        # Several at once, each on a new connection, so every worker is offered some. A worker still warming
        # up takes none, so bursts go on (a bounded number) until a second worker has answered.
        sent, pids = 0, set()
        with ThreadPoolExecutor(max_workers=6) as pool:
            for _burst in range(15):
                statuses = list(pool.map(page, range(20)))
                sent += len(statuses)
                assert statuses == [200] * 20
                pids = {line.split()[0] for line in access.read_text().splitlines() if line.endswith(" GET /")}
                if len(pids) >= 2:
                    break
        # Whichever worker answers, the session signed by another is honoured: one key, one database.
        assert len(pids) >= 2, access.read_text()
        # Whichever worker answers the scrape, it counts every worker's requests.
        scrape = urllib.request.Request(base + "/metrics",
                                        headers={"Authorization": "Bearer scrape-token-0123456789"})
        with urllib.request.urlopen(scrape, timeout=30) as resp:
            metrics = resp.read().decode()
        assert f'beacon_request_duration_seconds_count{{method="GET",route="/",status="200"}} {sent}.0' in metrics, \
            metrics
    finally:
        stop(server)
    engine = create_engine(f"sqlite:///{data_dir / 'beacon.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM org_unit WHERE kind = 'force'")).scalar() == 1
    engine.dispose()
    assert sorted(p.name for p in data_dir.glob("secret_key*")) == ["secret_key"]
    assert len((data_dir / "secret_key").read_text().strip()) == 64
    assert log.read_text().count("generating the 'demo' synthetic force") == 1

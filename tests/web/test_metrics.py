"""/metrics is never public, and every request is timed, logged as one JSON line and given a request id."""

import json
import logging

import pytest

from data_access.freshness import mark_loaded
from tests.conftest import TODAY, login, make_app
from tests.dash_requests import payload

TOKEN = "scraper-token-0123456789"


@pytest.fixture
def app(sqlite_store, tmp_path, monkeypatch):
    from datetime import datetime

    with sqlite_store.engine.begin() as conn:
        mark_loaded(conn, datetime.combine(TODAY, datetime.min.time()).replace(hour=6))
    return make_app(sqlite_store, tmp_path, metrics_token=TOKEN)


@pytest.fixture
def request_lines():
    """The request log's lines, parsed, caught on its own logger whatever propagation is set."""
    lines = []

    class Catch(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(record.getMessage()))

    logger = logging.getLogger("beacon.request")
    handler, level = Catch(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lines
    logger.removeHandler(handler)
    logger.setLevel(level)


def _plain_callback(app) -> str:
    return next(k for k in app.callback_map if "{" not in k and not k.startswith(".."))


def test_metrics_refused_without_a_session_or_the_token(client):
    resp = client.get("/metrics")
    assert resp.status_code == 401 and resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert b"beacon_" not in resp.data
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong-token-0123456789"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": TOKEN}).status_code == 401  # no scheme


def test_metrics_refused_to_a_signed_in_person_who_is_not_an_administrator(client):
    login(client, "officer")
    assert client.get("/metrics").status_code == 403


def test_metrics_served_with_the_token(app, client):
    key = _plain_callback(app)
    login(client, "admin")
    client.post("/_dash-update-component", json=payload(app, key, {}, []))
    client.get("/logout")
    resp = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/plain")
    text = resp.get_data(as_text=True)
    assert f'beacon_callback_duration_seconds_count{{callback="{key}"}}' in text
    assert 'beacon_request_duration_seconds_count{method="GET",route="/login"' in text
    assert 'beacon_jobs{status="queued"}' in text
    # Loaded at 06:00 on the fixed day: the age is counted on that day's clock, never negative.
    age = next(float(line.split()[-1]) for line in text.splitlines()
               if line.startswith("beacon_records_load_age_seconds "))
    assert 0 <= age < 24 * 3600


def test_metrics_served_to_an_administrators_session(client):
    login(client, "admin")
    resp = client.get("/metrics")
    assert resp.status_code == 200 and b"beacon_jobs" in resp.data


def test_an_unknown_callback_output_is_one_label(app, client):
    login(client, "admin")
    client.post("/_dash-update-component", json={"output": "made-up.children", "inputs": []})
    text = client.get("/metrics").get_data(as_text=True)
    assert "made-up" not in text and 'callback="unknown"' in text


def test_each_request_logs_one_json_line_with_its_id(client, request_lines):
    login(client, "officer")
    request_lines.clear()
    resp = client.get("/", headers={"X-Request-ID": "lb-1234.abc"})
    assert resp.headers["X-Request-ID"] == "lb-1234.abc"
    assert len(request_lines) == 1
    line = request_lines[0]
    assert line["request_id"] == "lb-1234.abc" and line["method"] == "GET" and line["path"] == "/"
    assert line["status"] == 200 and isinstance(line["duration_ms"], float) and isinstance(line["user_id"], int)
    assert "officer" not in json.dumps(line)  # the account's number, never a name


@pytest.mark.parametrize("forged", ["x\tfake=1", "a;b", "a" * 65, "<script>", "id with spaces", ""])
def test_an_unsafe_request_id_is_replaced(client, forged):
    resp = client.get("/healthz", headers={"X-Request-ID": forged})
    rid = resp.headers["X-Request-ID"]
    assert rid != forged and len(rid) == 32 and rid.isalnum()


def test_a_refused_request_is_logged_and_gets_an_id_too(client, request_lines):
    resp = client.get("/")
    assert resp.status_code == 302 and resp.headers["X-Request-ID"]
    assert request_lines[-1]["status"] == 302 and request_lines[-1]["request_id"] == resp.headers["X-Request-ID"]
    assert "user_id" not in request_lines[-1]


def test_a_short_metrics_token_is_refused(tmp_path):
    from config import Config

    with pytest.raises(ValueError, match="BEACON_METRICS_TOKEN"):
        Config(database_url="sqlite://", secret_key="k", data_dir=tmp_path, metrics_token="short")

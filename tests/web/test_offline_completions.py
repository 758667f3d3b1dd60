"""POST /api/completions: recorded once per key, conflicts answered plainly, every completion check kept."""

import json
import struct
import threading
import uuid
import zlib

import pytest
from sqlalchemy import func, select

from data_access.schema import audit_log, task
from data_access.schema_completions import completion_request
from data_access.schema_events import crime_event
from data_access.tasks import complete_queued, complete_task
from scoring.categories import COMPLETIONS
from scoring.task_version import task_version
from tests.conftest import login, make_app
from tests.helpers import actor_for, open_task_of, task_status
from web.device import ICON_SIZES

# Routes that carry nothing personal and are served without a session.
DEVICE_PATHS = ("/manifest.webmanifest", "/sw.js", "/offline.html", "/device-clear.js",
                *(f"/icons/beacon-{s}.png" for s in ICON_SIZES))


@pytest.fixture
def web(store, tmp_path):
    """An app over the parametrised store (SQLite, then PostgreSQL) and a test client."""
    app = make_app(store, tmp_path)
    return app, app.server.test_client()


def _token(client) -> str:
    with client.session_transaction() as sess:
        return sess["csrf"]


def _body(t: dict, **over) -> dict:
    body = {"key": str(uuid.uuid4()), "task": t["id"], "action": COMPLETIONS[t["kind"]][0][0],
            "seen": task_version(t)}
    return body | over


def _send(client, body, token=None):
    return client.post("/api/completions", json=body,
                       headers={"X-Beacon-CSRF": _token(client) if token is None else token})


def _officer_task(store) -> dict:
    return open_task_of(store, actor_for(store, "officer").officer_id, "named_suspect")


def _counts(store, t: dict) -> dict:
    with store.engine.connect() as conn:
        return {
            "events": conn.execute(select(func.count()).select_from(crime_event).where(
                (crime_event.c.crime_id == t["crime_id"]) & (crime_event.c.origin == "beacon"))).scalar(),
            "writes": conn.execute(select(func.count()).select_from(audit_log).where(
                (audit_log.c.action == "write") & (audit_log.c.object_id == str(t["id"])))).scalar(),
            "keys": conn.execute(select(func.count()).select_from(completion_request)).scalar(),
        }


def _audit(store, action: str) -> list[dict]:
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(audit_log).where(audit_log.c.action == action)).mappings()]


def test_the_same_key_sent_twice_is_recorded_once_and_answered_the_same(web, store):
    _app, client = web
    login(client, "officer")
    t = _officer_task(store)
    before = _counts(store, t)
    body = _body(t)
    first = _send(client, body)
    assert first.status_code == 200 and first.json["status"] == "done"
    assert first.json["message"] == f"{t['crime_ref']}: recorded."
    after = _counts(store, t)
    assert after == {"events": before["events"] + 1, "writes": before["writes"] + 1, "keys": before["keys"] + 1}
    for _ in range(3):
        again = _send(client, body)
        assert again.status_code == 200
        assert again.json == first.json | {"repeat": True}
    assert _counts(store, t) == after
    assert task_status(store, t["id"]) == "done"


def test_a_task_completed_meanwhile_is_a_conflict_that_names_who_and_when(web, store):
    _app, client = web
    login(client, "officer")
    t = _officer_task(store)
    action = COMPLETIONS[t["kind"]][0][0]
    complete_task(store, actor_for(store, "sergeant"), t["id"], action)
    before = _counts(store, t)
    resp = _send(client, _body(t))
    assert resp.status_code == 409
    answer = resp.json
    assert answer["status"] == "conflict" and answer["reason"] == "already_done" and answer["by_you"] is False
    sergeant = actor_for(store, "sergeant")
    assert answer["message"].startswith(f"{t['crime_ref']}: already completed by ")
    assert sergeant.display_name.split()[-1] in answer["message"] and " at " in answer["message"]
    assert _counts(store, t)["events"] == before["events"]
    assert [a["object_id"] for a in _audit(store, "conflict")] == [str(t["id"])]


def test_a_second_key_for_a_task_the_officer_already_completed_says_by_you(web, store):
    _app, client = web
    login(client, "officer")
    t = _officer_task(store)
    assert _send(client, _body(t)).status_code == 200
    resp = _send(client, _body(t))  # the same press queued twice (a new key: a different completion)
    assert resp.status_code == 409 and resp.json["by_you"] is True
    assert "already completed by you" in resp.json["message"]


def test_a_task_changed_since_the_device_saw_it_is_a_conflict_and_records_nothing(web, store):
    _app, client = web
    login(client, "officer")
    t = _officer_task(store)
    before = _counts(store, t)
    resp = _send(client, _body(t, seen="0" * 16))
    assert resp.status_code == 409 and resp.json["reason"] == "changed"
    assert "changed since you went offline" in resp.json["message"]
    assert task_status(store, t["id"]) == "open"
    after = _counts(store, t)
    assert (after["events"], after["writes"]) == (before["events"], before["writes"])
    # The conflict is the answer kept for that key.
    body = _body(t, seen="0" * 16)
    first = _send(client, body)
    assert _send(client, body).json == first.json | {"repeat": True}


def test_a_forged_task_outside_the_officers_scope_is_refused_and_audited(web, store):
    _app, client = web
    login(client, "officer2")
    t = _officer_task(store)
    before = _counts(store, t)
    resp = _send(client, _body(t))
    assert resp.status_code == 403 and resp.json == {"error": "forbidden"}
    denied = _audit(store, "denied")
    assert denied and denied[-1]["username"] == "officer2" and "/api/completions" in denied[-1]["detail"]
    assert _counts(store, t) == before
    assert task_status(store, t["id"]) == "open"


def test_without_a_session_the_endpoint_refuses(web, store):
    _app, client = web
    t = _officer_task(store)
    resp = client.post("/api/completions", json=_body(t), headers={"X-Beacon-CSRF": "x"})
    assert resp.status_code == 401
    assert task_status(store, t["id"]) == "open"


@pytest.mark.parametrize("token", ["", "forged"])
def test_without_the_pages_token_the_endpoint_refuses_and_audits(web, store, token):
    _app, client = web
    login(client, "officer")
    t = _officer_task(store)
    before = _counts(store, t)
    resp = _send(client, _body(t), token=token)
    assert resp.status_code == 403
    assert _audit(store, "denied")[-1]["username"] == "officer"
    assert _counts(store, t) == before


def test_a_form_post_or_bad_fields_are_refused(web, store):
    _app, client = web
    login(client, "officer")
    t = _officer_task(store)
    headers = {"X-Beacon-CSRF": _token(client)}
    # A form (what a cross-site page could send without a preflight) is not a completion.
    assert client.post("/api/completions", data=_body(t), headers=headers).status_code == 400
    for bad in ({"key": "not-a-uuid"}, {"key": str(uuid.uuid4()).upper()}, {"seen": None}, {"action": 7},
                {"action": "no_such_action"}, {"task": "x"}):
        assert _send(client, _body(t, **bad)).status_code == 400, bad
    assert task_status(store, t["id"]) == "open"


def test_a_key_reused_for_another_task_is_refused(web, store):
    _app, client = web
    login(client, "officer")
    t = _officer_task(store)
    body = _body(t)
    assert _send(client, body).status_code == 200
    other = open_task_of(store, actor_for(store, "officer").officer_id)
    assert _send(client, _body(other, key=body["key"])).status_code == 400
    assert task_status(store, other["id"]) == "open"


def test_the_same_key_sent_at_once_from_two_places_records_once(store):
    actor = actor_for(store, "officer")
    t = _officer_task(store)
    before = _counts(store, t)
    body = _body(t)
    answers, errors = [], []

    def send():
        try:
            answers.append(complete_queued(store, actor, body["task"], body["action"], body["key"], body["seen"]))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    assert {status for status, _ in answers} == {200}
    assert sum(1 for _, a in answers if not a.get("repeat")) == 1
    after = _counts(store, t)
    assert after == {"events": before["events"] + 1, "writes": before["writes"] + 1, "keys": before["keys"] + 1}


def test_device_files_are_served_without_a_session_and_name_nobody(app, client):
    for path in DEVICE_PATHS:
        resp = client.get(path)
        assert resp.status_code == 200, path
        assert "Set-Cookie" not in resp.headers, path
    manifest = client.get("/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    data = json.loads(manifest.data)
    assert data["start_url"] == "/" and data["display"] == "standalone"
    assert {i["sizes"] for i in data["icons"]} == {f"{s}x{s}" for s in ICON_SIZES}
    worker = client.get("/sw.js")
    assert worker.mimetype == "text/javascript" and worker.headers["Service-Worker-Allowed"] == "/"
    assert client.get("/icons/beacon-100.png").status_code == 404


@pytest.mark.parametrize("size", ICON_SIZES)
def test_icons_are_real_pngs_of_their_size(client, size):
    data = client.get(f"/icons/beacon-{size}.png").data
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (size, size)
    # The image data inflates to one filter byte plus three bytes a pixel for every row.
    idat_len = struct.unpack(">I", data[33:37])[0]
    assert data[37:41] == b"IDAT"
    assert len(zlib.decompress(data[41:41 + idat_len])) == size * (1 + 3 * size)


def test_the_app_page_links_the_manifest_and_the_policy_allows_the_worker(app, client):
    login(client, "officer")
    page = client.get("/")
    assert b'<link rel="manifest" href="/manifest.webmanifest">' in page.data
    policy = page.headers["Content-Security-Policy"]
    assert "worker-src 'self'" in policy and "manifest-src 'self'" in policy
    assert client.get("/assets/offline_queue.js").status_code == 200


def test_the_sign_in_page_loads_the_script_that_clears_the_device(client):
    page = client.get("/login")
    assert b'<script src="/device-clear.js"></script>' in page.data
    assert client.get("/device-clear.js").status_code == 200


def test_the_record_panel_carries_each_open_tasks_version(store):
    from components.record import record_body
    from data_access.records import get_record

    officer = actor_for(store, "officer")
    t = _officer_task(store)
    record = get_record(store, officer, t["crime_ref"])
    body = json.dumps([c.to_plotly_json() if hasattr(c, "to_plotly_json") else c
                       for c in record_body(record, store.today())], default=lambda o: o.to_plotly_json()
                      if hasattr(o, "to_plotly_json") else str(o))
    with store.engine.connect() as conn:
        row = conn.execute(select(task).where(task.c.id == t["id"])).mappings().one()
    assert f'"data-version": "{task_version(row)}"' in body

"""My settings (the digest choice), the overdue-task feed for browser notifications, the administrator's note."""

import json
from datetime import date, datetime

from sqlalchemy import select

from data_access.mail import MailSettings
from data_access.schema import audit_log
from data_access.schema_digest import digest_send
from tests.conftest import login
from tests.dash_requests import post
from tests.helpers import actor_for


def _response(resp) -> dict:
    assert resp.status_code == 200, resp.data[:300]
    return resp.get_json()["response"]


def test_an_officer_opens_my_settings_and_opts_in(app, client):
    login(client, "officer")
    opened = _response(post(client, app, "..my-settings-modal.is_open", {"my-settings-open.n_clicks": 1},
                            ["my-settings-open.n_clicks"]))
    assert opened["my-settings-modal"]["is_open"] is True
    assert opened["my-digest-optin"]["value"] == "off" and opened["my-digest-email"]["value"] == ""
    # No relay in the test configuration: the person is told their choice waits for one.
    assert "has not set up email" in json.dumps(opened["my-digest-note"])
    saved = _response(post(client, app, "my-settings-result.children",
                           {"my-settings-save.n_clicks": 1, "my-digest-optin.value": "on",
                            "my-digest-email.value": "officer@force.example"}, ["my-settings-save.n_clicks"]))
    assert "You will get the daily digest" in json.dumps(saved)
    again = _response(post(client, app, "..my-settings-modal.is_open", {"my-settings-open.n_clicks": 2},
                           ["my-settings-open.n_clicks"]))
    assert again["my-digest-optin"]["value"] == "on"
    assert again["my-digest-email"]["value"] == "officer@force.example"
    store = app.beacon_store
    with store.engine.connect() as conn:
        row = conn.execute(select(audit_log).where(audit_log.c.object_type == "digest_preference")).mappings().one()
    assert row["username"] == "officer" and row["action"] == "write"


def test_a_slip_in_the_form_is_answered_in_the_form(app, client):
    login(client, "officer")
    resp = _response(post(client, app, "my-settings-result.children",
                          {"my-settings-save.n_clicks": 1, "my-digest-optin.value": "on",
                           "my-digest-email.value": "not an address"}, ["my-settings-save.n_clicks"]))
    assert "does not look like an email address" in json.dumps(resp)


def test_the_notification_feed_carries_only_the_readers_overdue_tasks(app, client):
    login(client, "officer")
    resp = _response(post(client, app, "notify-red.children", {"bell-refresh.n_intervals": 1},
                          ["bell-refresh.n_intervals"]))
    feed = json.loads(resp["notify-red"]["children"])
    assert isinstance(feed, list)
    for item in feed:
        assert set(item) == {"key", "ref", "kind"}


def test_the_administrator_is_told_when_no_relay_is_configured(app, client):
    login(client, "admin")
    resp = _response(post(client, app, "audit-digest.children", {"main-tabs.active_tab": "audit"},
                          ["main-tabs.active_tab"]))
    text = json.dumps(resp)
    assert "No daily digest is being sent" in text and "BEACON_SMTP_HOST" in text


def test_the_administrator_sees_digests_that_were_not_delivered(app, client):
    store = app.beacon_store
    store.mail = MailSettings(host="relay.force.example", port=25, tls="none", sender="beacon@force.example")
    officer = actor_for(store, "officer")
    with store.engine.begin() as conn:
        conn.execute(digest_send.insert().values(account_id=officer.user_id, digest_on=date(2026, 11, 18),
                                                 status="failed", items=2, attempts=3,
                                                 started_at=datetime(2026, 11, 18, 6), error="SMTPDataError: 554 refused"))
    login(client, "admin")
    text = json.dumps(_response(post(client, app, "audit-digest.children", {"main-tabs.active_tab": "audit"},
                                     ["main-tabs.active_tab"])))
    assert "relay.force.example:25" in text and "Not delivered" in text and "officer" in text


def test_only_an_administrator_sees_the_digest_state(app, client):
    login(client, "officer")
    resp = post(client, app, "audit-digest.children", {"main-tabs.active_tab": "audit"}, ["main-tabs.active_tab"])
    assert resp.status_code == 403


def test_the_page_offers_my_settings_and_serves_the_notification_script(app, client):
    login(client, "officer")
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert "my-settings-open" in layout and "notify-red" in layout and "notify-enable" in layout
    page = client.get("/").get_data(as_text=True)
    assert "notify.js" in page
    script = client.get("/assets/notify.js")
    assert script.status_code == 200 and b"requestPermission" in script.data

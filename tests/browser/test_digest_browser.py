"""My settings in the browser: opting in to the digest, and one notification per task turning overdue."""

from datetime import datetime, timedelta

import pytest
from selenium.webdriver.support.ui import Select
from sqlalchemy import select

from data_access.digest import my_settings
from data_access.schema import crime, task
from tests.browser.steps import sign_in, tap, wait_until
from tests.helpers import actor_for, crime_of

pytestmark = pytest.mark.browser

# Headless Chromium cannot grant the permission itself: a stand-in Notification, installed before any page
# script runs, records what Beacon would show. Its permission survives reloads in sessionStorage.
STUB = """
(function () {
  function Stub(title, options) { window.__shown.push({title: title, body: options.body, tag: options.tag}); }
  window.__shown = [];
  Object.defineProperty(Stub, "permission", {get: function () {
    return sessionStorage.getItem("stub-permission") || "default"; }});
  Stub.requestPermission = function () {
    sessionStorage.setItem("stub-permission", "granted");
    return Promise.resolve("granted");
  };
  window.Notification = Stub;
})();
"""


def _feed_loaded(dash_duo) -> bool:
    return bool(dash_duo.driver.execute_script("const e = document.getElementById('notify-red');"
                                               "return e && e.textContent.startsWith('[');"))


def _shown(dash_duo) -> list:
    return dash_duo.driver.execute_script("return window.__shown")


def test_an_officer_opts_in_to_the_digest_from_my_settings(dash_duo, app):
    sign_in(dash_duo, app, "officer")
    tap(dash_duo, dash_duo.find_element("#my-settings-open"))
    dash_duo.wait_for_element("#my-settings-modal #my-digest-email", timeout=15)
    wait_until(dash_duo, lambda: dash_duo.find_element("#my-digest-note").text != "")
    Select(dash_duo.find_element("#my-digest-optin")).select_by_value("on")
    dash_duo.find_element("#my-digest-email").send_keys("officer@force.example")
    tap(dash_duo, dash_duo.find_element("#my-settings-save"))
    dash_duo.wait_for_element("#my-settings-saved", timeout=15)
    chosen = my_settings(app.beacon_store, actor_for(app.beacon_store, "officer"))
    assert chosen["opt_in"] is True and chosen["email"] == "officer@force.example"
    assert not dash_duo.get_logs()


def test_a_task_turning_overdue_is_notified_once_and_sign_out_forgets(dash_duo, app):
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": STUB})
    sign_in(dash_duo, app, "officer")
    wait_until(dash_duo, lambda: _feed_loaded(dash_duo))
    # Tasks already overdue when the page loads are on the bell: no notification for them.
    assert _shown(dash_duo) == []
    tap(dash_duo, dash_duo.find_element("#my-settings-open"))
    tap(dash_duo, dash_duo.wait_for_element("#notify-enable", timeout=15))
    wait_until(dash_duo, lambda: "on in this browser" in dash_duo.find_element("#notify-state").text)

    store = app.beacon_store
    officer = actor_for(store, "officer")
    ref = crime_of(store, officer.officer_id)
    with store.engine.begin() as conn:
        c = conn.execute(select(crime.c.id, crime.c.team_id).where(crime.c.crime_ref == ref)).one()
        conn.execute(task.insert().values(
            crime_id=c.id, team_id=c.team_id, oic_id=officer.officer_id, kind="victim_contact", rule_id="TEST",
            due_date=store.today() - timedelta(days=1), status="open", created_at=datetime(2026, 1, 1),
            detail="", task_key="TEST:browser"))
    dash_duo.driver.refresh()  # the bell's five-minute refresh, without the wait
    wait_until(dash_duo, lambda: len(_shown(dash_duo)) == 1)
    note = _shown(dash_duo)[0]
    assert note["title"] == "Beacon: a task is now overdue" and note["body"] == f"{ref}: Victim contact"

    dash_duo.driver.refresh()
    wait_until(dash_duo, lambda: _feed_loaded(dash_duo))
    assert _shown(dash_duo) == []  # once per task
    assert dash_duo.driver.execute_script("return localStorage.getItem('beacon-notified')") is not None
    tap(dash_duo, dash_duo.find_element("#logout"))
    dash_duo.wait_for_element("#username", timeout=15)
    assert dash_duo.driver.execute_script("return localStorage.getItem('beacon-notified')") is None

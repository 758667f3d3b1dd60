"""Headless Chromium, network off through DevTools: offline completions wait, arrive once; sign-out clears."""

import json

import pytest
from selenium.common.exceptions import ElementClickInterceptedException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from sqlalchemy import func, select

from data_access.accounts import end_sessions
from data_access.schema import audit_log, task
from data_access.schema_completions import completion_request
from data_access.schema_events import crime_event
from data_access.tasks import complete_task
from tests.browser.steps import WORKLIST_READY, sign_in, tap, wait_until
from tests.helpers import actor_for, task_status

pytestmark = pytest.mark.browser

STORE = "beacon.offline.v1"


def _set_network(dash_duo, online: bool) -> None:
    """Switch the page's network off or on as DevTools does, and wait for the page to see it."""
    driver = dash_duo.driver
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": not online, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    wait_until(dash_duo, lambda: driver.execute_script("return navigator.onLine") is online)


def _bell(dash_duo) -> int:
    return int(dash_duo.find_element("#bell-count").text)


def _open_first_record(dash_duo) -> None:
    for attempt in range(4):
        try:
            tap(dash_duo, dash_duo.wait_for_element(".worklist-grid .ag-row[row-index='0'] .grid-open-button",
                                                    timeout=15))
            break
        except (StaleElementReferenceException, ElementClickInterceptedException):
            if attempt == 3:
                raise
    dash_duo.wait_for_element("#record-ref", timeout=15)
    dash_duo.wait_for_element(".task-overdue .task-button", timeout=15)


def _completion_button(dash_duo):
    """The first action of an overdue task whose completion leaves nothing overdue behind it."""
    button = next(b for b in dash_duo.driver.find_elements(By.CSS_SELECTOR, ".task-overdue .task-button")
                  if "bail_extended" not in (b.get_attribute("id") or ""))
    return button, json.loads(button.get_attribute("id"))


def _queued(driver) -> list:
    saved = driver.execute_script(f"return window.localStorage.getItem('{STORE}')")
    return json.loads(saved)["pending"] if saved else []


def _counts(store, task_id: int, crime_id: int, key: str | None = None) -> dict:
    with store.engine.connect() as conn:
        events = conn.execute(select(func.count()).select_from(crime_event).where(
            (crime_event.c.crime_id == crime_id) & (crime_event.c.origin == "beacon"))).scalar()
        writes = conn.execute(select(func.count()).select_from(audit_log).where(
            (audit_log.c.action == "write") & (audit_log.c.object_type == "task")
            & (audit_log.c.object_id == str(task_id)))).scalar()
        keys = conn.execute(select(func.count()).select_from(completion_request).where(
            completion_request.c.idem_key == key)).scalar() if key else None
    return {"events": events, "writes": writes, "keys": keys}


def _crime_of_task(store, task_id: int) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(task.c.crime_id).where(task.c.id == task_id)).scalar_one()


RESEND = """
const done = arguments[arguments.length - 1];
fetch('/api/completions', {method: 'POST', headers: {'Content-Type': 'application/json',
      'X-Beacon-CSRF': document.getElementById('logout-csrf').value}, body: JSON.stringify(arguments[0])})
  .then(r => r.json().then(b => done({status: r.status, body: b})));
"""


def _queue_one_offline(dash_duo, app) -> dict:
    """Sign in as the officer, open a record and complete a task with the network off; its button's id."""
    sign_in(dash_duo, app, "officer", ready_css=WORKLIST_READY)
    _open_first_record(dash_duo)
    button, ident = _completion_button(dash_duo)
    _set_network(dash_duo, online=False)
    tap(dash_duo, button)
    wait_until(dash_duo, lambda: dash_duo.find_element("#offline-count").text == "1")
    return ident


def test_a_completion_made_offline_is_queued_then_recorded_once_when_the_signal_returns(dash_duo, app):
    store = app.beacon_store
    driver = dash_duo.driver
    sign_in(dash_duo, app, "officer", ready_css=WORKLIST_READY)
    wait_until(dash_duo, lambda: _bell(dash_duo) > 0)
    before = _bell(dash_duo)
    _open_first_record(dash_duo)
    button, ident = _completion_button(dash_duo)
    task_id = ident["task"]
    crime_id = _crime_of_task(store, task_id)
    start = _counts(store, task_id, crime_id)

    _set_network(dash_duo, online=False)
    tap(dash_duo, button)
    wait_until(dash_duo, lambda: dash_duo.find_element("#offline-count").text == "1")
    row = driver.find_element(By.CSS_SELECTOR, ".task-queued .task-waiting")
    assert row.text == "Waiting to send"
    assert "waiting to send" in dash_duo.find_element("#offline-panel").text
    [pending] = _queued(driver)
    assert (pending["task"], pending["action"]) == (task_id, ident["action"])
    # Nothing reached the server while the network was off.
    assert task_status(store, task_id) == "open"
    assert _counts(store, task_id, crime_id, pending["key"]) == start | {"keys": 0}
    assert _bell(dash_duo) == before

    _set_network(dash_duo, online=True)
    dash_duo.wait_for_element("#offline-panel .offline-recorded", timeout=20)
    assert "recorded" in dash_duo.find_element("#offline-panel .offline-recorded").text
    wait_until(dash_duo, lambda: _bell(dash_duo) == before - 1)
    assert _queued(driver) == []
    assert task_status(store, task_id) == "done"
    once = {"events": start["events"] + 1, "writes": start["writes"] + 1, "keys": 1}
    assert _counts(store, task_id, crime_id, pending["key"]) == once

    # The same completion sent again (a retry after a lost answer): the first answer, nothing written twice.
    body = {k: pending[k] for k in ("key", "task", "action", "seen")}
    for _ in range(2):
        answer = driver.execute_async_script(RESEND, body)
        assert answer["status"] == 200 and answer["body"]["status"] == "done" and answer["body"]["repeat"]
    assert _counts(store, task_id, crime_id, pending["key"]) == once
    tap(dash_duo, dash_duo.find_element("#offline-dismiss"))
    wait_until(dash_duo, lambda: not driver.find_elements(By.ID, "offline-panel"))


def test_a_task_completed_by_someone_else_meanwhile_is_shown_as_a_conflict(dash_duo, app):
    store = app.beacon_store
    driver = dash_duo.driver
    ident = _queue_one_offline(dash_duo, app)
    # Meanwhile the officer's sergeant completes it from the station.
    complete_task(store, actor_for(store, "sergeant"), ident["task"], ident["action"])
    crime_id = _crime_of_task(store, ident["task"])
    events = _counts(store, ident["task"], crime_id)["events"]

    _set_network(dash_duo, online=True)
    conflict = dash_duo.wait_for_element("#offline-panel .offline-conflict", timeout=20)
    assert "already completed by" in conflict.text and "nothing was recorded twice" in conflict.text
    assert _queued(driver) == []
    assert _counts(store, ident["task"], crime_id)["events"] == events
    # It stays until the officer dismisses it.
    assert driver.find_elements(By.ID, "offline-dismiss")


def test_sign_out_warns_of_an_unsent_completion_then_leaves_nothing_on_the_device(dash_duo, app):
    store = app.beacon_store
    driver = dash_duo.driver
    sign_in(dash_duo, app, "officer", ready_css=WORKLIST_READY)
    # The service worker is installed and has kept the app's static files.
    wait_until(dash_duo, lambda: driver.execute_async_script(
        "const done = arguments[0]; caches.keys().then(k => done(k.length > 0))"))
    _open_first_record(dash_duo)
    button, ident = _completion_button(dash_duo)
    _set_network(dash_duo, online=False)
    tap(dash_duo, button)
    wait_until(dash_duo, lambda: dash_duo.find_element("#offline-count").text == "1")
    # The signal returns but the completion cannot get through (the endpoint is unreachable).
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/api/completions*"]})
    _set_network(dash_duo, online=True)
    driver.find_element(By.CSS_SELECTOR, ".offcanvas.show .btn-close").click()
    wait_until(dash_duo, lambda: not driver.find_elements(By.CSS_SELECTOR, ".offcanvas.show"))

    tap(dash_duo, dash_duo.find_element("#logout"))
    warning = dash_duo.wait_for_element("#offline-panel .offline-warning", timeout=15)
    assert "will be lost if you sign out now" in warning.text
    assert dash_duo.find_element("#main-tabs")  # still signed in
    tap(dash_duo, dash_duo.find_element("#logout"))
    dash_duo.wait_for_element("#username", timeout=15)
    wait_until(dash_duo, lambda: driver.execute_script(
        "return document.documentElement.getAttribute('data-device-cleared') === 'true'"))
    # The officer chose to discard it on the page, so the sign-in page has nothing more to say about it.
    assert not driver.find_elements(By.ID, "unsent-notice")
    assert driver.execute_script("return window.localStorage.length + window.sessionStorage.length") == 0
    assert driver.execute_async_script("const done = arguments[0]; caches.keys().then(k => done(k))") == []
    wait_until(dash_duo, lambda: driver.execute_async_script(
        "const done = arguments[0]; navigator.serviceWorker.getRegistrations().then(r => done(r.length === 0))"))
    assert task_status(store, ident["task"]) == "open"


def test_a_session_that_ended_offline_says_what_was_not_sent_and_clears_the_device(dash_duo, app):
    store = app.beacon_store
    driver = dash_duo.driver
    ident = _queue_one_offline(dash_duo, app)
    # The session ends while the tablet has no signal (signed out elsewhere, or past its lifetime).
    end_sessions(store, actor_for(store, "officer"))

    _set_network(dash_duo, online=True)
    warning = dash_duo.wait_for_element("#offline-panel .offline-warning", timeout=20)
    assert "Your session ended before 1 completion was sent" in warning.text
    dash_duo.wait_for_element("#username", timeout=20)
    notice = dash_duo.wait_for_element("#unsent-notice", timeout=15)
    assert "1 completion was made without a signal and not sent" in notice.text
    wait_until(dash_duo, lambda: driver.execute_script(
        "return document.documentElement.getAttribute('data-device-cleared') === 'true'"))
    assert driver.execute_script("return window.localStorage.length + window.sessionStorage.length") == 0
    assert driver.execute_async_script("const done = arguments[0]; caches.keys().then(k => done(k))") == []
    assert task_status(store, ident["task"]) == "open"


def test_a_completion_whose_request_fails_on_a_live_network_is_queued_and_sent_later(dash_duo, app):
    store = app.beacon_store
    driver = dash_duo.driver
    sign_in(dash_duo, app, "officer", ready_css=WORKLIST_READY)
    _open_first_record(dash_duo)
    button, ident = _completion_button(dash_duo)
    crime_id = _crime_of_task(store, ident["task"])
    start = _counts(store, ident["task"], crime_id)
    # The browser still reports online, but the callback request cannot get through (a dead spot on Wi-Fi).
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/_dash-update-component*", "*/api/completions*"]})
    assert driver.execute_script("return navigator.onLine") is True
    tap(dash_duo, button)
    wait_until(dash_duo, lambda: dash_duo.find_element("#offline-count").text == "1")
    [pending] = _queued(driver)
    assert pending["task"] == ident["task"]
    assert task_status(store, ident["task"]) == "open"

    # The way clears; the page tries again on its own (every 20 seconds while anything waits).
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
    dash_duo.wait_for_element("#offline-panel .offline-recorded", timeout=45)
    assert _queued(driver) == []
    once = {"events": start["events"] + 1, "writes": start["writes"] + 1, "keys": 1}
    assert _counts(store, ident["task"], crime_id, pending["key"]) == once


def test_opening_beacon_without_a_signal_shows_the_offline_page_from_the_device(dash_duo, app):
    driver = dash_duo.driver
    base = sign_in(dash_duo, app, "officer", ready_css=WORKLIST_READY)
    wait_until(dash_duo, lambda: driver.execute_async_script(
        "const done = arguments[0]; caches.match('/offline.html').then(r => done(!!r))"))
    wait_until(dash_duo, lambda: driver.execute_script("return !!navigator.serviceWorker.controller"))
    # DevTools' offline switch covers the page, not its service worker's own fetches, so here the server
    # itself goes away: the worker's fetch fails as it would without a signal.
    dash_duo.server.stop()
    driver.get(base + "/")
    heading = dash_duo.wait_for_element("h1", timeout=15)
    assert heading.text == "No signal"
    assert not driver.find_elements(By.CSS_SELECTOR, ".worklist-grid")

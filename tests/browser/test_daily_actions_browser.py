"""Real headless Chromium: sign in, open a record by double-click, complete a task, watch the bell drop."""

import pytest
from selenium.common.exceptions import ElementClickInterceptedException, StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from tests.browser.steps import WORKLIST_READY, show, sign_in, tap, wait_until
from tests.helpers import actor_for, crime_of

pytestmark = pytest.mark.browser


def _sign_in(dash_duo, app, username):
    sign_in(dash_duo, app, username, ready_css=WORKLIST_READY)


def _bell(dash_duo) -> int:
    return int(dash_duo.find_element("#bell-count").text)


_show = show
_click = tap


def _click_css(dash_duo, css, attempts=4):
    """Find, scroll to and tap an element, finding it again if a re-render replaced it meanwhile."""
    for attempt in range(attempts):
        try:
            _click(dash_duo, dash_duo.wait_for_element(css, timeout=15))
            return
        except (StaleElementReferenceException, ElementClickInterceptedException):
            # A re-render replaced the element: find it again (wait_for_element waits for it).
            if attempt == attempts - 1:
                raise


_wait = wait_until


def test_officer_double_clicks_completes_and_bell_drops(dash_duo, app):
    _sign_in(dash_duo, app, "officer")
    _wait(dash_duo, lambda: _bell(dash_duo) > 0)
    before = _bell(dash_duo)
    assert "bell-red" in dash_duo.find_element("#bell").get_attribute("class")
    for attempt in range(4):
        try:
            cell = dash_duo.find_element(".worklist-grid .ag-center-cols-container .ag-row[row-index='0'] .ag-cell")
            _show(dash_duo, cell)
            ActionChains(dash_duo.driver).double_click(cell).perform()
            break
        except StaleElementReferenceException:
            if attempt == 3:
                raise
    dash_duo.wait_for_element("#record-ref", timeout=15)
    dash_duo.wait_for_element(".task-overdue .task-button", timeout=15)
    # The first action of an overdue task whose completion leaves nothing overdue behind it.
    button = next(b for b in dash_duo.driver.find_elements(By.CSS_SELECTOR, ".task-overdue .task-button")
                  if "bail_extended" not in (b.get_attribute("id") or ""))
    _click(dash_duo, button)
    _wait(dash_duo, lambda: _bell(dash_duo) == before - 1)
    dash_duo.wait_for_text_to_equal("#da-alert", "Recorded. The badge and bell are updated.", timeout=15)


def test_sergeant_sees_team_and_opens_with_touch_button(dash_duo, app):
    _sign_in(dash_duo, app, "sergeant")
    dash_duo.wait_for_contains_text("#da-summary", "My team", timeout=20)
    _wait(dash_duo, lambda: len({e.text for e in dash_duo.driver.find_elements(
        By.CSS_SELECTOR, ".ag-cell[col-id='oic']")}) > 1)
    _click_css(dash_duo, ".ag-row[row-index='0'] .grid-open-button")
    dash_duo.wait_for_element("#record-ref", timeout=15)
    assert dash_duo.driver.find_elements(By.CSS_SELECTOR, ".task-button")


def test_officer_of_another_team_cannot_see_the_record(dash_duo, app):
    store = app.beacon_store
    ref = crime_of(store, actor_for(store, "officer").officer_id)
    _sign_in(dash_duo, app, "officer2")
    refs = set(_grid_refs(dash_duo))
    assert refs and ref not in refs
    # A forged request from inside the signed-in browser is refused by the server.
    status = dash_duo.driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        fetch('/_dash-update-component', {method: 'POST', headers: {'Content-Type': 'application/json'},
              body: JSON.stringify(arguments[0])}).then(r => done(r.status));
        """,
        _record_request(app, ref),
    )
    assert status == 403


def _record_request(app, ref):
    from tests.dash_requests import payload

    return payload(app, "da-record-body.children", {"da-record-ref.data": ref}, ["da-record-ref.data"])


def test_an_empty_worklist_says_so_in_words_and_the_grid_refuses_no_option(dash_duo, app):
    sign_in(dash_duo, app, "staff", ready_css=".worklist-grid")
    wait_until(dash_duo, lambda: "Nothing owed in this scope." in dash_duo.find_element(".worklist-grid").text)
    refused = [e["message"] for e in dash_duo.driver.get_log("browser") if "Blocked a string" in e["message"]]
    assert refused == []


def test_worklist_csv_export_neutralises_formulas(dash_duo, app):
    from sqlalchemy import select, update

    from data_access.schema import crime, offence

    store = app.beacon_store
    officer = actor_for(store, "officer")
    formula = '=HYPERLINK("http://evil.invalid","click")'
    with store.engine.begin() as conn:
        code = conn.execute(select(crime.c.offence_code).where(crime.c.oic_id == officer.officer_id)
                            .order_by(crime.c.id).limit(1)).scalar_one()
        conn.execute(update(offence).where(offence.c.code == code).values(name=formula))
    _sign_in(dash_duo, app, "officer")
    wait_until(dash_duo, lambda: formula in dash_duo.find_element(".worklist-grid").text)
    # Keep what the grid hands the browser to download, then press the real Export button.
    dash_duo.driver.execute_script("""
        window.__csv = null;
        const make = URL.createObjectURL;
        URL.createObjectURL = function (blob) { blob.text().then(t => { window.__csv = t; }); return make(blob); };
    """)
    _click_css(dash_duo, "#da-export")
    wait_until(dash_duo, lambda: dash_duo.driver.execute_script("return window.__csv"))
    csv_text = dash_duo.driver.execute_script("return window.__csv")
    assert "'" + formula.replace('"', '""') in csv_text
    assert '"' + formula.replace('"', '""') not in csv_text


# The rows of the grid in its order, once every row up to the count is loaded from the server; else null.
_LOADED_ROWS = """
    const api = dash_ag_grid.getApi('da-grid'); const rows = [];
    for (let i = 0; i < api.getDisplayedRowCount(); i++) {
        const node = api.getDisplayedRowAtIndex(i);
        if (!node || !node.data) { return null; }
        rows.push(node.data);
    }
    return rows;"""


def _grid_rows(dash_duo) -> list:
    """The worklist rows in the grid's own order (the server's sort and filter applied)."""
    wait_until(dash_duo, lambda: dash_duo.driver.execute_script(_LOADED_ROWS) is not None)
    return dash_duo.driver.execute_script(_LOADED_ROWS)


def _grid_refs(dash_duo) -> list:
    return [r["crime_ref"] for r in _grid_rows(dash_duo)]


def test_officer_sees_work_above_the_fold_and_a_tapped_badge_shows_pressed(dash_duo, app):
    dash_duo.driver.set_window_size(768, 1024)
    _sign_in(dash_duo, app, "officer")
    first = dash_duo.find_element(".worklist-grid .ag-center-cols-container .ag-row[row-index='0']")
    inner = dash_duo.driver.execute_script("return window.innerHeight")
    assert first.rect["y"] + first.rect["height"] <= inner, "the first worklist row is below the fold"
    # The forward look says overdue once, in its own tile, not on every horizon.
    overdue_tiles = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#forward-overdue")
    assert len(overdue_tiles) == 1 and "overdue" in overdue_tiles[0].text
    assert not [t for t in dash_duo.driver.find_elements(By.CSS_SELECTOR, ".forward-tile")
                if t.get_attribute("id") != "forward-overdue" and "overdue" in t.text]
    badge = dash_duo.find_element(".notification-badge.state-red")
    assert badge.get_attribute("aria-pressed") == "false"
    _click(dash_duo, badge)
    _wait(dash_duo, lambda: dash_duo.find_element("#da-filter-label").text.startswith("Showing investigations with"))
    _wait(dash_duo, lambda: dash_duo.find_element(".notification-badge.is-selected").get_attribute("aria-pressed")
          == "true")
    heading = dash_duo.find_element("#da-grid-heading")
    _wait(dash_duo, lambda: 0 <= heading.rect["y"] - dash_duo.driver.execute_script("return window.scrollY")
          < dash_duo.driver.execute_script("return window.innerHeight"))


def test_sergeant_opens_an_officers_list_and_steps_through_records(dash_duo, app):
    _sign_in(dash_duo, app, "sergeant")
    row = dash_duo.wait_for_element("#da-officers .ag-center-cols-container .ag-row[row-index='0'] .ag-cell",
                                    timeout=15)
    name = row.text
    _click(dash_duo, row)
    _wait(dash_duo, lambda: dash_duo.find_element("#da-filter-label").text == f"Showing investigations of {name}")
    # The server filters: the grid's rows are then that officer's only, however many blocks they fill.
    _wait(dash_duo, lambda: {r["oic"] for r in (dash_duo.driver.execute_script(_LOADED_ROWS) or [])} == {name})
    refs = _grid_refs(dash_duo)
    assert len(refs) > 1
    _click_css(dash_duo, ".worklist-grid .ag-row[row-index='0'] .grid-open-button")
    dash_duo.wait_for_text_to_equal("#record-ref", refs[0], timeout=15)
    assert dash_duo.find_element("#da-record-pos").text == f"1 of {len(refs)} in the list"
    _click_css(dash_duo, "#da-next")
    dash_duo.wait_for_text_to_equal("#record-ref", refs[1], timeout=15)
    assert dash_duo.find_element("#da-record-pos").text == f"2 of {len(refs)} in the list"
    _click_css(dash_duo, "#da-prev")
    dash_duo.wait_for_text_to_equal("#record-ref", refs[0], timeout=15)

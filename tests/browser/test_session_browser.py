"""Every tab opens under the Content-Security-Policy for the roles that have it; sign-out and a lost session."""

import pytest
from selenium.common.exceptions import ElementClickInterceptedException
from selenium.webdriver.common.by import By

from data_access.accounts import end_sessions
from layouts.tabs import TAB_BY_ID, tabs_for
from tests.browser.steps import WORKLIST_READY, sign_in, tap, wait_until
from tests.helpers import actor_for

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("username", ["inspector", "admin", "analyst"])
def test_every_tab_of_the_role_opens_with_content(dash_duo, app, username):
    sign_in(dash_duo, app, username)
    tab_ids = tabs_for(actor_for(app.beacon_store, username))
    assert len(tab_ids) >= 2
    for tab_id in tab_ids:
        label = TAB_BY_ID[tab_id].label
        tap(dash_duo, dash_duo.driver.find_element(By.XPATH, f"//*[@id='main-tabs']//a[normalize-space()='{label}']"))
        wait_until(dash_duo, lambda: len(_active_pane(dash_duo).text.strip()) > 40)
    # No callback failed and the policy refused nothing (checked for every browser test at teardown).
    assert not dash_duo.get_logs()


def _active_pane(dash_duo):
    return dash_duo.driver.find_element(By.CSS_SELECTOR, "#main-tabs + .tab-content > .tab-pane.active")


def test_sign_out_button_posts_and_ends_the_session(dash_duo, app):
    base = sign_in(dash_duo, app, "officer")
    tap(dash_duo, dash_duo.find_element("#logout"))
    dash_duo.wait_for_element("#username", timeout=15)
    dash_duo.driver.get(base + "/")
    dash_duo.wait_for_element("#username", timeout=15)


def test_a_page_whose_session_ended_says_so_and_goes_to_sign_in(dash_duo, app):
    sign_in(dash_duo, app, "officer", ready_css=WORKLIST_READY)
    end_sessions(app.beacon_store, actor_for(app.beacon_store, "officer"))
    # Any action now reaches the server without a session: the page tells the officer and moves on. A grid
    # still fetching its rows may have reached it first, and then the notice already covers the bell.
    if not dash_duo.driver.find_elements(By.ID, "session-ended"):
        try:
            tap(dash_duo, dash_duo.find_element("#bell"))
        except ElementClickInterceptedException:
            pass
    notice = dash_duo.wait_for_element("#session-ended", timeout=15)
    assert "signed out" in notice.text
    dash_duo.wait_for_element("#username", timeout=15)
    assert "Your session ended" in dash_duo.find_element("#login-notice").text


def test_the_pack_opens_under_the_policy_with_a_print_button_that_needs_no_inline_script(dash_duo, app):
    base = sign_in(dash_duo, app, "leader")
    dash_duo.driver.get(base + "/strategic/pack")
    button = dash_duo.wait_for_element("button.print")
    assert button.get_attribute("onclick") is None and button.get_attribute("data-print") is not None
    # The listener is loaded: replace print so the headless browser does not open a dialog, then press.
    wait_until(dash_duo, lambda: dash_duo.driver.execute_script(
        "return Array.from(document.scripts).some(s => s.src.endsWith('/assets/print_button.js'))"))
    dash_duo.driver.execute_script("window.__printed = false; window.print = () => { window.__printed = true; };")
    button.click()
    wait_until(dash_duo, lambda: dash_duo.driver.execute_script("return window.__printed"))

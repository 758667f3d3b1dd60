"""Real headless Chromium: the analyst filters the frequent-service-user list, ticks, opens details, goes back."""


import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By

from tests.browser.steps import sign_in, tap, wait_until

pytestmark = pytest.mark.browser


def _sign_in(dash_duo, app, username):
    sign_in(dash_duo, app, username)


_click = tap
_wait = wait_until


def _ranks(dash_duo) -> dict:
    """Name -> overall rank of the rows on screen, read again until the grid stops redrawing under us."""
    seen = {}

    def read() -> bool:
        try:
            out = {}
            for r in dash_duo.driver.find_elements(By.CSS_SELECTOR, ".fsu-grid .ag-center-cols-container .ag-row"):
                name = r.find_element(By.CSS_SELECTOR, ".ag-cell[col-id='name']").text
                out[name] = r.find_element(By.CSS_SELECTOR, ".ag-cell[col-id='rank_overall']").text
        except StaleElementReferenceException:
            return False
        seen["ranks"] = out
        return True

    wait_until(dash_duo, read)
    return seen["ranks"]


def _open_tab(dash_duo):
    tab = next(a for a in dash_duo.driver.find_elements(By.CSS_SELECTOR, "#main-tabs a")
               if a.text == "Frequent service users")
    _click(dash_duo, tab)


def test_analyst_filters_ticks_and_opens_details(dash_duo, app):
    _sign_in(dash_duo, app, "analyst")
    _open_tab(dash_duo)
    dash_duo.wait_for_element(".fsu-grid .ag-row", timeout=30)
    assert "predicts nothing" in dash_duo.find_element("#fsu-statement").text
    before = _ranks(dash_duo)
    summary_before = dash_duo.find_element("#fsu-summary").text
    # Filter by a theme: fewer rows, and each shown row keeps its rank among everyone.
    theme = next(lbl for lbl in dash_duo.driver.find_elements(By.CSS_SELECTOR, "#fsu-themes label")
                   if lbl.text == "Domestic abuse")
    _click(dash_duo, theme)
    _wait(dash_duo, lambda: dash_duo.find_element("#fsu-summary").text != summary_before)
    after = _ranks(dash_duo)
    assert after and all(before.get(n, r) == r for n, r in after.items())
    # Tick the first person: the chart draws their investigations by LPA.
    box = dash_duo.find_element(".fsu-grid .ag-row[row-index='0'] .ag-selection-checkbox input, "
                                ".fsu-grid .ag-row[row-index='0'] .ag-checkbox-input")
    _click(dash_duo, box)
    _wait(dash_duo, lambda: dash_duo.driver.find_elements(By.CSS_SELECTOR, "#fsu-chart .bars path, #fsu-chart .bar"))
    # Open the details page with the Open button, then come back to the list.
    name = dash_duo.find_element(".fsu-grid .ag-row[row-index='0'] .ag-cell[col-id='name']").text
    _click(dash_duo, dash_duo.find_element(".fsu-grid .ag-row[row-index='0'] .grid-open-button"))
    dash_duo.wait_for_text_to_equal("#fsu-details-name", name, timeout=20)
    assert dash_duo.find_element("#fsu-main-page").value_of_css_property("display") == "none"
    assert dash_duo.driver.find_elements(By.CSS_SELECTOR, "#fsu-details a[href*='.invalid/']")
    _click(dash_duo, dash_duo.find_element("#fsu-back"))
    _wait(dash_duo, lambda: dash_duo.find_element("#fsu-main-page").value_of_css_property("display") == "block")


def test_analyst_refreshes_with_a_progress_bar(dash_duo, app):
    _sign_in(dash_duo, app, "analyst")
    _open_tab(dash_duo)
    # The generator wrote a first run; a refresh replaces it with a new version.
    dash_duo.wait_for_contains_text("#fsu-run-status", "people listed", timeout=20)
    _click(dash_duo, dash_duo.find_element("#fsu-refresh"))
    dash_duo.wait_for_contains_text("#fsu-job-state", "Refresh finished", timeout=120)
    dash_duo.wait_for_element(".fsu-grid .ag-row", timeout=30)
    from sqlalchemy import func, select

    from data_access.schema_fsu import fsu_run

    with app.beacon_store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(fsu_run).where(fsu_run.c.status == "succeeded")
                            ).scalar_one() == 2

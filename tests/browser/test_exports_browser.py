"""Grids other than the worklist export to CSV through their own buttons, and the audit log is readable."""

import re

import pytest
from selenium.webdriver.common.by import By

from tests.browser.steps import sign_in, tap, wait_until

pytestmark = pytest.mark.browser

CAPTURE = """
    window.__csv = null;
    const make = URL.createObjectURL;
    URL.createObjectURL = function (blob) { blob.text().then(t => { window.__csv = t; }); return make(blob); };
"""


def test_administrator_exports_a_readable_audit_log(dash_duo, app):
    sign_in(dash_duo, app, "admin")
    tap(dash_duo, dash_duo.driver.find_element(By.XPATH, "//*[@id='main-tabs']//a[normalize-space()='Audit log']"))
    wait_until(dash_duo, lambda: "login" in dash_duo.find_element("#audit-grid").text)
    # Laid out while hidden, the columns used to autosize to about 36 px: each heading must be readable.
    headers = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#audit-grid .ag-header-cell")
    assert len(headers) == 7 and min(h.size["width"] for h in headers) >= 100
    # The time is to the second and fits its column whole, not cut short with an ellipsis.
    when = dash_duo.driver.find_element(By.CSS_SELECTOR, "#audit-grid .ag-row [col-id='at']")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", when.text.strip())
    assert dash_duo.driver.execute_script("return arguments[0].scrollWidth <= arguments[0].clientWidth", when)
    dash_duo.driver.execute_script(CAPTURE)
    tap(dash_duo, dash_duo.find_element("#audit-export"))
    wait_until(dash_duo, lambda: dash_duo.driver.execute_script("return window.__csv"))
    first_line = dash_duo.driver.execute_script("return window.__csv").splitlines()[0]
    assert first_line == '"When","Who","Action","Object type","Object","Scope","Detail"'


def _export_first_line(dash_duo, tab_label: str, grid_css: str, button_css: str) -> str:
    driver = dash_duo.driver
    tap(dash_duo, driver.find_element(By.XPATH, f"//*[@id='main-tabs']//a[normalize-space()='{tab_label}']"))
    wait_until(dash_duo, lambda: driver.find_elements(By.CSS_SELECTOR, f"{grid_css} .ag-row"))
    driver.execute_script(CAPTURE)
    tap(dash_duo, dash_duo.find_element(button_css))
    wait_until(dash_duo, lambda: driver.execute_script("return window.__csv"))
    return driver.execute_script("return window.__csv").splitlines()[0]


def test_inspector_exports_the_usage_grid(dash_duo, app):
    sign_in(dash_duo, app, "inspector")
    first_line = _export_first_line(dash_duo, "Usage and adoption", "#us-grid", "#us-export")
    assert first_line.startswith('"Week beginning","Team","Task kind","Cleared","In Beacon"')


def test_analyst_exports_the_frequent_service_user_list(dash_duo, app):
    sign_in(dash_duo, app, "analyst")
    first_line = _export_first_line(dash_duo, "Frequent service users", "#fsu-grid", "#fsu-list-export")
    assert first_line.startswith('"Name","Rank: overall"') and '"Open"' not in first_line

"""Real headless Chromium: a leader opens the Strategic tab; anyone opens the public page."""

import pytest
from selenium.webdriver.common.by import By

from data_access.importers import import_file
from tests.browser.steps import sign_in, sign_out, tap, wait_until
from tests.helpers import actor_for

pytestmark = pytest.mark.browser


def _seed(store):
    admin = actor_for(store, "admin")
    forces = [("Merseyside", 3400, 4521), ("Cheshire", 2000, 4391), ("Kent", 3300, 12436), ("Dorset", 1200, 5930)]
    fte = "Force/Region,September 2017,March 2018\n" + "".join(f"{n},{f},{f}\n" for n, f, _ in forces)
    uof = "Region,Police Force,Total\n" + "".join(f"R,{n},{u}\n" for n, _, u in forces)
    import_file(store, admin, "workforce", fte.encode(), "fte.csv")
    import_file(store, admin, "use-of-force", uof.encode(), "april2017-march2018.csv")
    prc = ("Financial Year,Financial Quarter,Force Name,Offence Description,Offence Group,Offence Subgroup,"
           "Offence Code,Number of Offences\n") + "".join(
        f"2017/18,1,{n},Burglary,Theft offences,Domestic burglary,28,{u}\n" for n, _, u in forces)
    import_file(store, admin, "recorded-crime", prc.encode(), "prc.csv")


def _sign_in(dash_duo, app, username):
    return sign_in(dash_duo, app, username)


_click = tap
_wait = wait_until


def test_leader_opens_the_strategic_tab_then_the_public_page(dash_duo, app):
    _seed(app.beacon_store)
    base = _sign_in(dash_duo, app, "leader")
    tab = dash_duo.driver.find_element(By.XPATH, "//a[contains(@class,'nav-link') and normalize-space()='Strategic']")
    _click(dash_duo, tab)
    # The demo force is fictional and no administrator has said which force this is: the leader chooses.
    _wait(dash_duo, lambda: "Choose a force" in dash_duo.find_element("#st-kpis").text)
    _wait(dash_duo, lambda: len(dash_duo.driver.find_elements(By.CSS_SELECTOR, ".ranks-grid .ag-row")) >= 4)
    assert "(selected)" not in dash_duo.find_element(".ranks-grid").text
    dash_duo.driver.execute_script("document.querySelector('#st-force').scrollIntoView({block: 'center'})")
    _click(dash_duo, dash_duo.find_element("#st-force"))
    dash_duo.driver.switch_to.active_element.send_keys("Mersey")
    _click(dash_duo, dash_duo.driver.find_element(By.XPATH, "//*[@role='option' and normalize-space()='Merseyside']"))
    _wait(dash_duo, lambda: "of 43 forces" in dash_duo.find_element("#st-kpis").text)
    tiles = dash_duo.driver.find_elements(By.CSS_SELECTOR, ".kpi-tile")
    assert len(tiles) == 3 and "Data as of" in tiles[0].text
    _wait(dash_duo, lambda: "(selected)" in dash_duo.find_element(".ranks-grid").text)
    assert "synthetic" in dash_duo.find_element("#st-cost-note").text  # the demo's made-up figures say so
    pack = dash_duo.find_element("#st-pack-link")
    assert "area=burglary&force=merseyside" in pack.get_attribute("href")
    # Signed out, the public page still opens and shows aggregate figures only.
    sign_out(dash_duo)
    dash_duo.driver.get(base + "/public/")
    _wait(dash_duo, lambda: "open data" in dash_duo.driver.find_element(By.TAG_NAME, "h1").text)
    body = dash_duo.driver.find_element(By.TAG_NAME, "body").text
    assert "Kent" in body and "Northshire" not in body


def test_administrator_uploads_a_file_and_the_background_job_reports(dash_duo, app, tmp_path):
    path = tmp_path / "april2016-march2017.csv"
    path.write_text("Region,Police Force,Total\r\nR,Kent,120\r\nR,Total South East,999\r\nR,Atlantis,5\r\n")
    _sign_in(dash_duo, app, "admin")
    tab = dash_duo.driver.find_element(By.XPATH, "//a[contains(@class,'nav-link') and normalize-space()='Strategic']")
    _click(dash_duo, tab)
    dash_duo.wait_for_element("#st-upload", timeout=20)
    dash_duo.driver.execute_script("document.querySelector('#st-import-kind').scrollIntoView({block: 'center'})")
    # Choose the kind through the dropdown's search-free menu, as a tap would.
    _click(dash_duo, dash_duo.find_element("#st-import-kind"))
    option = dash_duo.driver.find_element(By.XPATH, "//*[normalize-space()='Home Office use of force']")
    option.click()
    dash_duo.driver.find_element(By.CSS_SELECTOR, "#st-upload input[type=file]").send_keys(str(path))
    _wait(dash_duo, lambda: "Imported" in dash_duo.find_element("#st-import-result").text, timeout=60)
    text = dash_duo.find_element("#st-import-result").text
    assert "Read 3, loaded 1, quarantined 2" in text and "unknown force name" in text
    _wait(dash_duo, lambda: "april2016-march2017.csv" in dash_duo.find_element("#st-history").text)

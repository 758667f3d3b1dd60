"""axe-core (WCAG 2.0-2.2 A and AA) and 44 px touch targets on every page of every role at tablet size."""

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from layouts.tabs import TAB_BY_ID, tabs_for
from tests.browser.steps import free_port, sign_in, tap, wait_until
from tests.helpers import actor_for

pytestmark = pytest.mark.browser

# Fetched once from the npm registry by scripts/test.sh (ensure_axe), so the tests need no internet.
AXE_JS = Path(__file__).resolve().parents[2] / ".cache" / "axe" / "package" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")
ROLES = ["officer", "sergeant", "inspector", "leader", "analyst", "staff", "admin"]
TABLET = (768, 1024)
MIN_TARGET = 44

# (rule id, CSS target) pairs a library renders and Beacon cannot change; each names the library bug.
KNOWN_LIBRARY_FINDINGS: set[tuple[str, str]] = set()

RUN_AXE = """
const done = arguments[arguments.length - 1];
// label-content-name-mismatch (WCAG 2.5.3) is still experimental in axe, so no tag selects it.
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations'],
                   rules: {'label-content-name-mismatch': {enabled: true}}})
  .then(r => done({violations: r.violations.map(v => ({
      id: v.id, impact: v.impact,
      nodes: v.nodes.map(n => ({target: n.target.join(' '), impact: n.impact}))}))}))
  .catch(e => done({error: String(e)}));
"""

# Every visible button (grid paging buttons are role=button), link, summary, tab and input smaller than the minimum; a link inside a paragraph's
# text is exempt (WCAG 2.5.8 "inline"), an input counts as its label when it has one, and an element
# that takes no taps (inert, or pointer-events none under the control that does) is not a target.
SMALL_TARGETS = """
const min = arguments[0];
const fits = el => { const r = el.getBoundingClientRect(); return r.width >= min - 0.5 && r.height >= min - 0.5; };
const shown = el => {
  const r = el.getBoundingClientRect(), s = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' && el.offsetParent !== null
    && s.pointerEvents !== 'none' && !el.closest('[inert]');
};
const name = el => {
  const id = el.id ? '#' + el.id : '';
  const cls = typeof el.className === 'string' && el.className.trim()
    ? '.' + el.className.trim().split(/\\s+/).slice(0, 3).join('.') : '';
  const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 30);
  return el.tagName.toLowerCase() + id + cls + (text ? ' "' + text + '"' : '');
};
const out = [];
for (const el of document.querySelectorAll('button, a[href], summary, [role=tab], [role=button], input:not([type=hidden])')) {
  if (!shown(el) || fits(el)) continue;
  if (el.tagName === 'A' && el.closest('p') && getComputedStyle(el).display === 'inline') continue;
  const label = el.labels && el.labels[0];
  if (label && shown(label) && fits(label)) continue;
  const r = el.getBoundingClientRect();
  out.push(name(el) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));
}
return out;
"""


def _axe_source() -> str:
    if not AXE_JS.exists():
        pytest.skip(f"axe-core not fetched: run scripts/test.sh once (it puts axe.min.js in {AXE_JS.parent})")
    return AXE_JS.read_text(encoding="utf-8")


def _check_page(driver, axe_source: str, page: str) -> list[str]:
    """Problems on the page as shown now: blocking axe violations and targets under 44x44 px."""
    if not driver.execute_script("return typeof axe !== 'undefined'"):
        driver.execute_script(axe_source)
    driver.set_script_timeout(60)
    result = driver.execute_async_script(RUN_AXE, AXE_TAGS)
    assert "violations" in result, f"{page}: axe did not run: {result}"
    print(f"{page}: axe found {len(result['violations'])} rule(s) violated")
    problems = []
    for v in result["violations"]:
        nodes = [n["target"] for n in v["nodes"] if (v["id"], n["target"]) not in KNOWN_LIBRARY_FINDINGS]
        print(f"{page}: {v['id']} ({v['impact']}) {len(v['nodes'])} node(s)")
        if nodes and v["impact"] in BLOCKING:
            problems.append(f"{page}: {v['id']} ({v['impact']}, {len(nodes)} node(s)): {', '.join(nodes[:3])}")
    small = driver.execute_script(SMALL_TARGETS, MIN_TARGET)
    if small:
        problems.append(f"{page}: {len(small)} target(s) under {MIN_TARGET}x{MIN_TARGET} px: {'; '.join(small[:12])}")
    return problems


def _active_pane(driver):
    return driver.find_element(By.CSS_SELECTOR, "#main-tabs + .tab-content > .tab-pane.active")


def _settled(driver) -> bool:
    """The active tab shows its content and no callback is still loading."""
    return (len(_active_pane(driver).text.strip()) > 40
            and not driver.find_elements(By.CSS_SELECTOR, "[data-dash-is-loading='true']"))


@pytest.mark.parametrize("username", ROLES)
def test_every_tab_of_the_role_passes_axe_and_has_44px_targets(dash_duo, app, username):
    axe_source = _axe_source()
    driver = _signed_in_on_a_tablet(dash_duo, app, username)
    problems = []
    for tab_id in tabs_for(actor_for(app.beacon_store, username)):
        label = TAB_BY_ID[tab_id].label
        tap(dash_duo, driver.find_element(By.XPATH, f"//*[@id='main-tabs']//a[normalize-space()='{label}']"))
        wait_until(dash_duo, lambda: _settled(driver))
        problems += _check_page(driver, axe_source, f"{username}/{tab_id}")
        if tab_id == "daily-actions":
            problems += _check_record_panel(dash_duo, axe_source, username)
    assert not problems, "\n".join(problems)


def _check_record_panel(dash_duo, axe_source: str, username: str) -> list[str]:
    """Open the worklist's first record in its panel, check the page with the panel shown, close it."""
    driver = dash_duo.driver
    buttons = driver.find_elements(By.CSS_SELECTOR, ".worklist-grid .grid-open-button")
    if not buttons:
        return []  # an empty worklist has no record to open
    tap(dash_duo, buttons[0])
    # Bootstrap marks the panel .showing while it slides in; colours are only final once it has gone.
    panel = ".offcanvas.show:not(.showing)"
    wait_until(dash_duo, lambda: len(driver.find_element(By.CSS_SELECTOR, panel).text.strip()) > 40)
    problems = _check_page(driver, axe_source, f"{username}/record-panel")
    driver.find_element(By.CSS_SELECTOR, f"{panel} .btn-close").click()
    wait_until(dash_duo, lambda: not driver.find_elements(By.CSS_SELECTOR, ".offcanvas.show"))
    return problems


def test_login_and_public_pages_pass_axe_and_have_44px_targets(dash_duo, app):
    axe_source = _axe_source()
    driver = dash_duo.driver
    driver.set_window_size(*TABLET)
    dash_duo.start_server(app, navigate=False, port=free_port())
    base = dash_duo.server.url.rstrip("/")
    problems = []
    for path, ready in (("/login", "#login-button"), ("/public/", "main")):
        driver.get(base + path)
        dash_duo.wait_for_element(ready)
        problems += _check_page(driver, axe_source, path)
    assert not problems, "\n".join(problems)


def _signed_in_on_a_tablet(dash_duo, app, username: str):
    """The browser at tablet size, signed in as username."""
    dash_duo.driver.set_window_size(*TABLET)
    sign_in(dash_duo, app, username)
    return dash_duo.driver


def test_pack_pages_pass_axe_and_have_44px_targets(dash_duo, app):
    axe_source = _axe_source()
    driver = _signed_in_on_a_tablet(dash_duo, app, "leader")
    base = dash_duo.server.url.rstrip("/")
    problems = []
    for path, ready in (("/strategic/pack", "h1"), ("/strategic/packs", "h1")):
        driver.get(base + path)
        wait_until(dash_duo, lambda: driver.find_elements(By.CSS_SELECTOR, ready))
        problems += _check_page(driver, axe_source, path)
    assert not problems, "\n".join(problems)


def test_my_settings_dialog_passes_axe_and_has_44px_targets(dash_duo, app):
    axe_source = _axe_source()
    driver = _signed_in_on_a_tablet(dash_duo, app, "officer")
    tap(dash_duo, driver.find_element(By.ID, "my-settings-open"))
    # The dialog fades in; colours are final once Bootstrap has finished showing it.
    wait_until(dash_duo, lambda: driver.find_elements(By.CSS_SELECTOR, ".modal.show #my-digest-optin"))
    wait_until(dash_duo, lambda: driver.execute_script(
        "const m = document.querySelector('.modal.show'); return m && getComputedStyle(m).opacity === '1'"))
    problems = _check_page(driver, axe_source, "officer/my-settings")
    assert not problems, "\n".join(problems)

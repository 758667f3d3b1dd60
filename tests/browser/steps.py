"""Shared browser-test steps: sign in through the real form, scroll and tap, wait for a condition."""

import socket

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import DEMO_PASSWORD


def free_port() -> int:
    """A port nobody listens on now, so parallel test workers never share a server port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The worklist has its rows: an Open button is drawn only once a row's block has arrived, so a row found
# before that is a placeholder the grid replaces (and a test holding it would hold a stale element).
WORKLIST_READY = ".worklist-grid .ag-row .grid-open-button"


def sign_in(dash_duo, app, username, port=None, ready_css="#main-tabs"):
    """Start the app on a free port, sign in through the login form and wait for ready_css; returns the base URL."""
    dash_duo.start_server(app, navigate=False, port=port or free_port())
    base = dash_duo.server.url.rstrip("/")
    sign_in_again(dash_duo, username, ready_css)
    dash_duo.server_url = base  # the setter loads the page, so only once signed in
    # It reloads the page: wait for it again, or a test acts on a page still loading.
    dash_duo.wait_for_element(ready_css, timeout=20)
    return base


def sign_in_again(dash_duo, username, ready_css="#main-tabs"):
    """Sign in through the login form of the app already running."""
    dash_duo.driver.get(dash_duo.server.url.rstrip("/") + "/login")
    dash_duo.wait_for_element("#username").send_keys(username)
    dash_duo.find_element("#password").send_keys(DEMO_PASSWORD)
    dash_duo.find_element("#login-button").click()
    dash_duo.wait_for_element(ready_css, timeout=20)


def sign_out(dash_duo):
    """Sign out through the confirmation form (sign-out is a POST) and wait for the login form."""
    dash_duo.driver.get(dash_duo.server.url.rstrip("/") + "/logout")
    dash_duo.wait_for_element("#signout-confirm").click()
    dash_duo.wait_for_element("#username", timeout=15)


def show(dash_duo, element):
    """Scroll the page so the element sits in the middle of the viewport."""
    dash_duo.driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "window.scrollBy(0, r.top - window.innerHeight / 2);", element)


def tap(dash_duo, element):
    """Scroll an element into view, then tap it."""
    show(dash_duo, element)
    element.click()


def wait_until(dash_duo, condition, timeout=20):
    """Wait until condition() is truthy; a grid redrawn mid-read just means reading again."""
    WebDriverWait(dash_duo.driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda _d: condition())

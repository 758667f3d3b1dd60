"""Chrome options for dash[testing]'s headless Chromium (see docs on testing).

tests/conftest.py returns ``chrome_options()`` from ``pytest_setup_options()``; Dash calls
that hook for every browser it starts, so each browser gets its own fresh profile, and
``remove_profiles()`` deletes them once the test's browsers have quit.
"""

import atexit
import os
import shutil
import tempfile

from selenium import webdriver

DEFAULT_CHROMIUM = "/usr/bin/chromium"

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
    # Without this Chromium makes ~100 DNS look-ups to outside hosts on every start.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
)


def chrome_options() -> webdriver.ChromeOptions:
    """Return ChromeOptions for a headless Chromium with a fresh, self-deleting profile."""
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("BEACON_CHROMIUM") or DEFAULT_CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="beacon-chromium-")
    _profiles.append(profile)
    options.add_argument(f"--user-data-dir={profile}")
    return options


# A profile is ~15 MB: kept for the whole run, a browser suite's profiles fill a small disk.
_profiles: list[str] = []


def remove_profiles() -> None:
    """Delete the profiles made so far (call once their browsers have quit)."""
    while _profiles:
        shutil.rmtree(_profiles.pop(), ignore_errors=True)


atexit.register(remove_profiles)

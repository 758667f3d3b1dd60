"""Real server processes for tests and benchmarks: gunicorn and HAProxy on loopback ports, signed in through the form."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Settings of the caller's own environment that would point a started server at another deployment.
_NOT_INHERITED = ("DATABASE_URL", "SECRET_KEY", "BEACON_CACHE_DIR", "BEACON_RULES_FILE", "BEACON_REDIS_URL",
                  "BEACON_REDIS_PREFIX", "BEACON_METRICS_TOKEN", "GUNICORN_CMD_ARGS", "BEACON_CELERY_BROKER_URL",
                  "BEACON_SOURCE", "BEACON_HOURLY_SOURCE", "BEACON_SOURCE_MAPPING", "BEACON_DIGEST_HOUR",
                  "BEACON_PACK_AS", "BEACON_FSU_AS", "BEACON_SMTP_HOST", "BEACON_SMTP_PORT", "BEACON_SMTP_USER",
                  "BEACON_SMTP_PASSWORD", "BEACON_SMTP_SENDER", "BEACON_SMTP_TLS")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects come back as HTTPError, so a test sees where sign-in sent it."""

    def redirect_request(self, *args, **kwargs):
        return None


def wait_until_healthy(base: str, server: subprocess.Popen, log: Path, deadline_s: float = 240) -> None:
    """Poll /healthz until a worker answers 200 (the first start generates the demo force first)."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        assert server.poll() is None, "server stopped:\n" + log.read_text()[-4000:]
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise AssertionError("server did not become healthy:\n" + log.read_text()[-4000:])


def gunicorn_env(data_dir: Path, port: int, **settings: str) -> dict:
    """The environment of a gunicorn on 127.0.0.1:port with its own data folder; settings are further variables."""
    env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    env.update(BEACON_DATA_DIR=str(data_dir), HOST="127.0.0.1", PORT=str(port), PYTHONPATH=str(ROOT))
    env.update(settings)
    return env


def start_gunicorn(env: dict, log: Path) -> subprocess.Popen:
    """`gunicorn -c gunicorn.conf.py wsgi:server` from the repository, its output in log."""
    with open(log, "w") as out:
        return subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:server"],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def stop(server: subprocess.Popen, grace_s: float = 60) -> int:
    """SIGTERM (gunicorn and HAProxy both finish what they are doing), then SIGKILL after grace_s."""
    if server.poll() is None:
        server.terminate()
    try:
        return server.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        server.kill()
        return server.wait()


def haproxy_binary() -> str | None:
    """Debian's haproxy (scripts/test.sh installs it), or None."""
    return shutil.which("haproxy") or next((p for p in ("/usr/sbin/haproxy",) if Path(p).exists()), None)


def start_haproxy(config: Path, log: Path) -> subprocess.Popen:
    """HAProxy in the foreground (-db) on config, its log in log; the configuration is checked first."""
    binary = haproxy_binary()
    check = subprocess.run([binary, "-c", "-f", str(config)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    with open(log, "w") as out:
        return subprocess.Popen([binary, "-db", "-f", str(config)], stdout=out, stderr=subprocess.STDOUT)


def sign_in(base: str, username: str, password: str):
    """Sign in through the form as a browser does; the opener (cookies kept, redirects not followed)."""
    jar = CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    with browser.open(base + "/login", timeout=30) as resp:
        # The form carries the token the session cookie holds.
        token = re.search(r'name="csrf" value="([^"]+)"', resp.read().decode()).group(1)
    form = urllib.parse.urlencode({"csrf": token, "username": username, "password": password}).encode()
    try:
        browser.open(base + "/login", data=form, timeout=30)
        raise AssertionError("sign-in did not redirect")
    except urllib.error.HTTPError as exc:
        assert exc.code == 302 and exc.headers["Location"] == "/", (exc.code, exc.read()[:300])
    return browser

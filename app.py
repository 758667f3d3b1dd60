"""Beacon: the Flask server, login, request guard and Dash app, built by create_app(config)."""

import logging
import os
import secrets
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dash
import flask
from dash.exceptions import CallbackException, InvalidCallbackReturnValue
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from markupsafe import escape
from sqlalchemy.exc import DataError, StatementError
from werkzeug.exceptions import HTTPException

import callbacks
from config import Config, from_env
from data_access.accounts import authenticate, end_sessions, load_actor, session_epoch
from data_access.audit import record_event
from data_access.db import is_empty
from data_access.demand import ensure_snapshot
from data_access import jobs
from data_access.errors import AccessDenied, BadRequest, NotFound
from data_access.store import Store, open_store_from
from data_access.throttle import forgive, reserve_attempt
from data_access.strategic import warm_force_figures
from layouts.shell import build_shell
from layouts.public import make_public_blueprint
from web.headers import add_security_headers, content_security_policy
from web.limits import DASH_UPDATE, body_limit, nul_in_request

ROOT = Path(__file__).resolve().parent
log = logging.getLogger("beacon")

# Bootstrap 5 and Bootstrap Icons ship inside the bootstrap-flask package, so the app needs no CDN.
VENDOR_DIR = Path(__import__("flask_bootstrap").__file__).parent / "static" / "bootstrap5"
STYLESHEETS = ["/vendor/css/bootstrap.min.css", "/vendor/css/font/bootstrap-icons.min.css"]
# Endpoints reachable without a session: the login form and static library CSS and fonts, no data.
PUBLIC_ENDPOINTS = {"login", "vendor"}
PUBLIC_PATHS = {"/assets/beacon.css"}
# A Flask blueprint with this name serves pages anyone may read (aggregate open data only).
PUBLIC_BLUEPRINT = "public"
# Callback inputs that fire on a timer, not a person: they must not keep an idle session alive.
BACKGROUND_TRIGGERS = {"bell-refresh.n_intervals", "st-import-poll.n_intervals", "fsu-poll.n_intervals"}
# What a malformed callback request raises inside Dash or Beacon (a string where a list belongs, an id
# no column can hold, a missing key): the browser sent something no page of Beacon sends.
MALFORMED = (KeyError, TypeError, ValueError, IndexError, AttributeError, OverflowError)


class SessionUser(UserMixin):
    """flask-login's view of an Actor."""

    def __init__(self, actor):
        self.actor = actor

    def get_id(self):
        return str(self.actor.user_id)


def _login_page(message: str = "", username: str = "", csrf: str = "", next_url: str = "/") -> str:
    alert = f'<div class="alert alert-danger" role="alert">{escape(message)}</div>' if message else ""
    css = "".join(f'<link rel="stylesheet" href="{href}">' for href in STYLESHEETS)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in - Beacon</title>{css}<link rel="stylesheet" href="/assets/beacon.css"></head>
<body class="login-body"><main class="login-card card shadow-sm">
<div class="card-body p-4">
<h1 class="h3 mb-1"><i class="bi bi-broadcast-pin" aria-hidden="true"></i> Beacon</h1>
<p class="text-body-secondary mb-4">Daily actions and performance</p>{alert}
<form method="post" action="/login" autocomplete="on">
<input type="hidden" name="csrf" value="{escape(csrf)}"><input type="hidden" name="next" value="{escape(next_url)}">
<div class="mb-3"><label class="form-label" for="username">Username</label>
<input class="form-control form-control-lg" id="username" name="username" value="{escape(username)}"
 autocapitalize="none" autocomplete="username" required></div>
<div class="mb-4"><label class="form-label" for="password">Password</label>
<input class="form-control form-control-lg" id="password" name="password" type="password"
 autocomplete="current-password" required></div>
<button class="btn btn-primary btn-lg w-100" id="login-button" type="submit">Sign in</button>
</form></div></main></body></html>"""


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths, so the login form cannot redirect off-site."""
    if not target or not target.startswith("/") or "\\" in target:
        return "/"
    # Browsers drop tabs and newlines, so "/\t/evil" would become "//evil": refuse any control character.
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target) or target.startswith("//"):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


def _session_expired(config: Config) -> str | None:
    """Why the session must end (its absolute lifetime from sign-in, or idleness), or None."""
    sess = flask.session
    now = time.time()
    # The lifetime counts from sign-in, however busy the session: a stolen cookie dies with it.
    if now - sess.get("signed_in_at", 0) > config.session_minutes * 60:
        return "lifetime"
    last = sess.get("last_active", now)
    if now - last > config.idle_minutes * 60:
        return "idle"
    req = flask.request
    timer_only = False
    if req.path == "/_dash-update-component" and req.is_json:
        changed = set((req.get_json(silent=True) or {}).get("changedPropIds") or [])
        timer_only = bool(changed) and changed <= BACKGROUND_TRIGGERS
    if not timer_only:
        sess["last_active"] = now
    return None


def _raised_in_beacon(exc: BaseException) -> bool:
    """True when the exception came from Beacon's own code (a bug), not from Dash parsing a bad request."""
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith(str(ROOT)) and "site-packages" not in filename and not filename.endswith("app.py"):
            return True
        tb = tb.tb_next
    return False


def _wants_json() -> bool:
    req = flask.request
    return req.path.startswith("/_") or req.method != "GET" or req.is_json


def _install_auth(server: flask.Flask, store: Store, config: Config) -> None:
    manager = LoginManager()
    manager.init_app(server)
    manager.session_protection = "strong"

    @manager.user_loader
    def _load(user_id):
        actor = load_actor(store, user_id)
        if actor is None or flask.session.get("epoch") != session_epoch(store, actor.user_id):
            return None
        return SessionUser(actor)

    @server.before_request
    def _guard_input():
        # Set before anything reads the body: only the administrator's upload may be large.
        actor = current_user.actor if current_user.is_authenticated else None
        flask.request.max_content_length = body_limit(actor, config.max_request_kb * 1024,
                                                      config.max_upload_mb * 1024 * 1024)
        if nul_in_request():
            raise BadRequest("the request contains a NUL character, which no Beacon form or page sends")
        return None

    @server.before_request
    def _require_login():
        endpoint = flask.request.endpoint or ""
        if endpoint in PUBLIC_ENDPOINTS or endpoint.startswith(PUBLIC_BLUEPRINT + ".") \
                or flask.request.path in PUBLIC_PATHS:
            return None
        if current_user.is_authenticated:
            reason = _session_expired(config)
            if reason:
                record_event(store, current_user.actor, "logout", "session", current_user.actor.username,
                             detail={"reason": reason})
                logout_user()
                flask.session.clear()
            else:
                return None
        if _wants_json():
            return flask.jsonify({"error": "login required"}), 401
        return flask.redirect("/login?next=" + flask.request.full_path.rstrip("?"))

    @server.route("/login", methods=["GET", "POST"], endpoint="login")
    def _login():
        sess = flask.session
        if flask.request.method == "GET":
            sess["csrf"] = sess.get("csrf") or secrets.token_urlsafe(24)
            return _login_page(csrf=sess["csrf"], next_url=_safe_next(flask.request.args.get("next")))
        form = flask.request.form
        next_url = _safe_next(form.get("next"))
        if not sess.get("csrf") or form.get("csrf") != sess.get("csrf"):
            sess["csrf"] = secrets.token_urlsafe(24)
            return _login_page("Your sign-in form expired. Please try again.", csrf=sess["csrf"],
                               next_url=next_url), 400
        username, remote = form.get("username", ""), flask.request.remote_addr
        wait = reserve_attempt(store, username, remote)
        if wait:
            minutes = max(1, round(wait / 60))
            record_event(store, None, "login_throttled", "session", username.strip().lower()[:60],
                         detail={"remote": remote, "wait_seconds": round(wait)})
            return _login_page(f"Too many failed attempts. Try again in {minutes} minute{'s' if minutes > 1 else ''}.",
                               username, sess["csrf"], next_url), 429
        actor = authenticate(store, username, form.get("password", ""), remote=remote)
        if actor is None:
            return _login_page("Username or password not recognised.", username, sess["csrf"], next_url), 401
        forgive(store, username, remote)
        sess.clear()
        # A browser-session cookie: flask-login's "strong" protection only acts on non-permanent sessions,
        # and the lifetime is enforced from signed_in_at, not by the cookie's expiry.
        sess.permanent = False
        sess["signed_in_at"] = sess["last_active"] = time.time()
        sess["epoch"] = session_epoch(store, actor.user_id)
        sess["csrf"] = secrets.token_urlsafe(24)
        login_user(SessionUser(actor))
        return flask.redirect(next_url)

    @server.route("/logout", methods=["GET", "POST"], endpoint="logout")
    def _logout():
        # Signing out changes state, so only a POST with the session's token does it; a GET (a link, an
        # image another site embeds) gets the confirmation form.
        if flask.request.method == "GET":
            return flask.render_template("signout.html", csrf=flask.session.get("csrf", ""),
                                         stylesheets=STYLESHEETS)
        if not flask.session.get("csrf") or flask.request.form.get("csrf") != flask.session.get("csrf"):
            raise BadRequest("your sign-out form expired; reload the page and sign out again")
        if current_user.is_authenticated:
            end_sessions(store, current_user.actor)
        logout_user()
        flask.session.clear()
        return flask.redirect("/login?signed_out=1")

    @server.route("/vendor/<path:filename>", endpoint="vendor")
    def _vendor(filename):
        if not (filename.startswith("css/") or filename.startswith("icons/")):
            flask.abort(404)
        return flask.send_from_directory(VENDOR_DIR, filename, max_age=86400)

    @server.errorhandler(AccessDenied)
    def _denied(exc):
        actor = getattr(current_user, "actor", None) if getattr(current_user, "is_authenticated", False) else None
        log.warning("access denied for %s on %s: %s", getattr(actor, "username", "-"), flask.request.path, exc)
        body = flask.request.get_json(silent=True) if flask.request.is_json else None
        target = (body or {}).get("output") if isinstance(body, dict) else None
        try:
            # Every refusal is kept, whichever door it came through: probing is itself worth reviewing.
            record_event(store, actor, "denied", "request", str(target or flask.request.path)[:60],
                         detail={"path": flask.request.path, "reason": str(exc)[:200]})
        except Exception:  # noqa: BLE001 - a failed audit write must not turn a 403 into a 500
            log.exception("could not audit a refusal")
        return flask.jsonify({"error": "forbidden"}), 403

    @server.errorhandler(NotFound)
    def _not_found(_exc):
        return flask.jsonify({"error": "not found"}), 404

    @server.errorhandler(BadRequest)
    def _bad(exc):
        return flask.jsonify({"error": str(exc)}), 400

    @server.errorhandler(Exception)
    def _unexpected(exc):
        if isinstance(exc, HTTPException):
            return exc
        if isinstance(exc, DataError) or (isinstance(exc, StatementError) and isinstance(exc.orig, MALFORMED)):
            # A value the database cannot hold (an id beyond its integer type, a NUL byte): the input is bad.
            log.warning("value out of range on %s: %s", flask.request.path, str(exc).splitlines()[0][:200])
            return flask.jsonify({"error": "a value in the request is out of range for Beacon's records"}), 400
        if flask.request.path == DASH_UPDATE and (isinstance(exc, MALFORMED) or (
                isinstance(exc, CallbackException) and not isinstance(exc, InvalidCallbackReturnValue))):
            # Logged with its traceback, so a Beacon bug that looks like bad input is still seen.
            log.warning("malformed callback request: %r", exc, exc_info=not isinstance(exc, IndexError)
                        and _raised_in_beacon(exc))
            return flask.jsonify({"error": "malformed callback request: an input is missing or of the wrong "
                                           "type"}), 400
        log.exception("unhandled error on %s", flask.request.path)
        return flask.jsonify({"error": "internal error"}), 500

    @server.after_request
    def _headers(resp):
        return add_security_headers(resp, server.config["BEACON_CSP"],
                                    bool(current_user and getattr(current_user, "is_authenticated", False)))


def _seed_if_empty(store: Store, config: Config) -> None:
    if config.generate_on_empty and is_empty(store.engine):
        from data_access.generate import generate

        log.warning("empty database: generating the %r synthetic force", config.demo_preset)
        generate(store.engine, preset=config.demo_preset, seed=7, today=store.today())


def create_app(config: Config | None = None, store: Store | None = None) -> dash.Dash:
    """Build the Flask server and Dash app for config (environment defaults when None)."""
    config = config or from_env()
    store = store or open_store_from(config)
    _seed_if_empty(store, config)
    ensure_snapshot(store)

    server = flask.Flask(__name__)
    server.config.update(
        SECRET_KEY=config.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.secure_cookies,
        # Largest request accepted (an import upload arrives base64-encoded inside a callback).
        MAX_CONTENT_LENGTH=config.max_upload_mb * 1024 * 1024,
        # Flask rejects a signed cookie older than this; the lifetime itself is checked from signed_in_at.
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=config.session_minutes),
        TESTING=config.testing,
    )
    _install_auth(server, store, config)
    # [strategic public routes]
    server.register_blueprint(make_public_blueprint(store))

    app = dash.Dash(
        __name__,
        server=server,
        title="Beacon",
        update_title=None,
        assets_folder=str(ROOT / "assets"),
        external_stylesheets=STYLESHEETS,
        suppress_callback_exceptions=True,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    # Screen readers pick their voice from the page's language (WCAG 3.1.1); Dash's template names none.
    app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)
    app.layout = lambda: build_shell(current_user.actor if current_user.is_authenticated else None,
                                     csrf=flask.session.get("csrf", ""))
    # The renderer's inline start-up script is allowed by its hash, so no page needs 'unsafe-inline'.
    server.config["BEACON_CSP"] = content_security_policy(app.csp_hashes())
    callbacks.register(app, store)
    app.beacon_store = store
    if not config.testing:
        # On the job thread, now and every few minutes: today's worklist snapshot (the demand trend needs
        # one a day even when nobody opens the tab), and the benchmark and BCU figures, which take a
        # second or so from cold, so the first leader to open the Strategic tab does not wait.
        app.beacon_housekeeping = jobs.start_housekeeping(store, [ensure_snapshot, warm_force_figures],
                                                          config.housekeeping_minutes * 60)
    return app


def main() -> None:
    """Serve Beacon on HOST:PORT with waitress, a production WSGI server (BEACON_THREADS request threads)."""
    from waitress import serve

    logging.basicConfig(level=logging.INFO)
    # Everything the server writes (database, cache, uploads in transit) is private to its account.
    os.umask(0o077)
    config = from_env()
    app = create_app(config)
    print(f"Beacon is running on http://{config.host}:{config.port}/  (demo logins: see README.md)", flush=True)
    # The body limit matches Flask's own, so an oversized upload gets the same clear refusal.
    serve(app.server, host=config.host, port=config.port, threads=config.threads,
          max_request_body_size=config.max_upload_mb * 1024 * 1024 + 1024 * 1024, ident="Beacon")


if __name__ == "__main__":
    main()

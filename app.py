"""Beacon: the Flask server, login, request guard and Dash app, built by create_app(config)."""

import hashlib
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
from sqlalchemy.exc import DataError, StatementError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

import callbacks
from config import DEMO_EXTRACT, Config, from_env
from data_access.accounts import authenticate, end_sessions, load_session_actor, session_epoch
from data_access.audit import record_event
from data_access.db import is_empty
from data_access.demand import ensure_snapshot
from data_access import jobs
from data_access.errors import AccessDenied, BadRequest, NotFound
from data_access.freshness import freshness
from data_access.digest import housekeeping_task
from data_access.mail import mail_settings
from data_access.meta_memo import end_request, start_request
from data_access.startup_lock import startup_lock
from data_access.task_derivation import rederive_on_rule_change
from data_access.store import Store, open_store_from
from data_access.throttle import failed, forgive, prune, reserve_attempt
from data_access.strategic import warm_force_figures
from layouts.shell import build_shell
from layouts.public import make_public_blueprint
from web.device import PUBLIC as DEVICE_ENDPOINTS, THEME, make_device_blueprint
from web.headers import add_security_headers, content_security_policy
from web.health import make_health_blueprint
from web.limits import DASH_UPDATE, body_limit, nul_in_request
from web.metrics import METRICS_ENDPOINT, install_request_hooks, make_metrics_blueprint
from web.warmup import warm_up

ROOT = Path(__file__).resolve().parent
log = logging.getLogger("beacon")

# Bootstrap 5 and Bootstrap Icons ship inside the bootstrap-flask package, so the app needs no CDN.
VENDOR_DIR = Path(__import__("flask_bootstrap").__file__).parent / "static" / "bootstrap5"
STYLESHEETS = ["/vendor/css/bootstrap.min.css", "/vendor/css/font/bootstrap-icons.min.css"]
# Endpoints reachable without a session: the login form and static library CSS and fonts, no data.
PUBLIC_ENDPOINTS = {"login", "logout", "vendor", "health.healthz", *DEVICE_ENDPOINTS}
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


# What the sign-in page says when it was reached because a session ended (?expired=1, ?signed_out=1).
LOGIN_NOTICES = {"expired": "Your session ended. Sign in again to carry on.",
                 "signed_out": "You have signed out."}


def _login_page(message: str = "", username: str = "", csrf: str = "", next_url: str = "/",
                notice: str = "") -> str:
    return flask.render_template("login.html", message=message, username=username, csrf=csrf, next_url=next_url,
                                 notice=notice, stylesheets=STYLESHEETS)


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


def _session_ended(config: Config) -> str | None:
    """Why the session must end (its absolute lifetime from sign-in, or idleness), or None; reads no body."""
    sess = flask.session
    now = time.time()
    # The lifetime counts from sign-in, however busy the session: a stolen cookie dies with it.
    if now - sess.get("signed_in_at", 0) > config.session_minutes * 60:
        return "lifetime"
    if now - sess.get("last_active", now) > config.idle_minutes * 60:
        return "idle"
    return None


def _note_activity() -> None:
    """Count this request as the person's activity unless only a timer sent it."""
    req = flask.request
    timer_only = False
    if req.path == DASH_UPDATE and req.is_json:
        changed = set((req.get_json(silent=True) or {}).get("changedPropIds") or [])
        timer_only = bool(changed) and changed <= BACKGROUND_TRIGGERS
    if not timer_only:
        flask.session["last_active"] = time.time()


def _raised_in_beacon(exc: BaseException) -> bool:
    """True when the exception came from Beacon's own code (a bug), not from Dash parsing a bad request."""
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith(str(ROOT)) and "site-packages" not in filename and not filename.endswith("app.py"):
            return True
        tb = tb.tb_next
    return False


# PostgreSQL's "numeric value out of range": an integer parameter beyond the column's type.
OUT_OF_RANGE_SQLSTATES = {"22003"}


def _out_of_range(exc: BaseException) -> bool:
    """True for a parameter no column can hold: beyond SQLite's 64 bits or PostgreSQL's integer types."""
    if isinstance(exc, OverflowError):
        return True  # Python raises it only turning an int into a fixed-size one: SQLite's 64-bit parameter
    if not isinstance(exc, StatementError):
        return False
    orig = getattr(exc, "orig", None)
    return isinstance(orig, OverflowError) or (
        isinstance(exc, DataError) and getattr(orig, "sqlstate", None) in OUT_OF_RANGE_SQLSTATES)


def _wants_json() -> bool:
    req = flask.request
    return req.path.startswith("/_") or req.method != "GET" or req.is_json


def install_meta_memo(server) -> None:
    """Each request reads the meta table's versions once (and again after a commit), not at every question."""
    server.before_request(start_request)
    server.teardown_request(lambda _exc: end_request())


def _install_auth(server: flask.Flask, store: Store, config: Config) -> None:
    manager = LoginManager()
    manager.init_app(server)
    manager.session_protection = "strong"

    @manager.user_loader
    def _load(user_id):
        # The account and its session epoch in one read: this runs on every request.
        actor, epoch = load_session_actor(store, user_id)
        if actor is None or flask.session.get("epoch") != epoch:
            return None
        return SessionUser(actor)

    def _identifier():
        # flask-login's own reads X-Forwarded-For, which a client can forge; remote_addr is the peer, or the
        # client as a trusted proxy reports it when BEACON_TRUSTED_PROXIES is set (ProxyFix).
        agent = flask.request.headers.get("User-Agent", "")
        return hashlib.sha512(f"{flask.request.remote_addr}|{agent}".encode()).hexdigest()

    manager._session_identifier_generator = _identifier

    @server.before_request
    def _guard():
        # In this order: end a lapsed session (no body read), size the body by who is still signed in,
        # refuse NUL input, then require a session for everything not public.
        ended = None
        if current_user.is_authenticated:
            ended = _session_ended(config)
            if ended:
                record_event(store, current_user.actor, "logout", "session", current_user.actor.username,
                             detail={"reason": ended})
                logout_user()
                flask.session.clear()
        actor = current_user.actor if current_user.is_authenticated else None
        flask.request.max_content_length = body_limit(actor, config.max_request_kb * 1024,
                                                      config.max_upload_mb * 1024 * 1024)
        if nul_in_request():
            raise BadRequest("the request contains a NUL character, which no Beacon form or page sends")
        if actor is not None:
            _note_activity()
        endpoint = flask.request.endpoint or ""
        # /metrics decides itself: a scraper's bearer token or an administrator's session, never public.
        if actor is not None or endpoint in PUBLIC_ENDPOINTS or endpoint == METRICS_ENDPOINT \
                or endpoint.startswith(PUBLIC_BLUEPRINT + ".") or flask.request.path in PUBLIC_PATHS:
            return None
        if _wants_json():
            return flask.jsonify({"error": "login required"}), 401
        return flask.redirect("/login?" + ("expired=1&" if ended else "") + "next="
                              + flask.request.full_path.rstrip("?"))

    @server.route("/login", methods=["GET", "POST"], endpoint="login")
    def _login():
        sess = flask.session
        if flask.request.method == "GET":
            sess["csrf"] = sess.get("csrf") or secrets.token_urlsafe(24)
            notice = next((text for key, text in LOGIN_NOTICES.items() if flask.request.args.get(key)), "")
            return _login_page(csrf=sess["csrf"], next_url=_safe_next(flask.request.args.get("next")), notice=notice)
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
            failed(store, username, remote)
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
        if not current_user.is_authenticated:
            # Already signed out (the session ended while the page was open): nothing to confirm.
            return flask.redirect("/login?expired=1")
        if flask.request.method == "GET":
            flask.session["csrf"] = flask.session.get("csrf") or secrets.token_urlsafe(24)
            return flask.render_template("signout.html", csrf=flask.session["csrf"], stylesheets=STYLESHEETS)
        if not flask.session.get("csrf") or flask.request.form.get("csrf") != flask.session.get("csrf"):
            # A stale form (signed in again in another tab): ask again with a fresh token, not a bare error.
            flask.session["csrf"] = secrets.token_urlsafe(24)
            return flask.render_template("signout.html", csrf=flask.session["csrf"], stylesheets=STYLESHEETS,
                                         message="That sign-out form had expired. Sign out again?"), 400
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
        if _out_of_range(exc):
            # A value no column can hold (an id beyond the integer type): the request is bad, not Beacon.
            log.warning("value out of range on %s: %s", flask.request.path, str(exc).splitlines()[0][:200])
            return flask.jsonify({"error": "a value in the request is out of range for Beacon's records"}), 400
        if flask.request.path == DASH_UPDATE and not _raised_in_beacon(exc) and (isinstance(exc, MALFORMED) or (
                isinstance(exc, CallbackException) and not isinstance(exc, InvalidCallbackReturnValue))):
            # Raised while Dash unpacked the request, before any Beacon code ran: the request is malformed.
            log.warning("malformed callback request: %r", exc)
            return flask.jsonify({"error": "malformed callback request: an input is missing or of the wrong "
                                           "type"}), 400
        log.exception("unhandled error on %s", flask.request.path)
        return flask.jsonify({"error": "internal error"}), 500

    @server.after_request
    def _headers(resp):
        return add_security_headers(resp, server.config["BEACON_CSP"],
                                    bool(current_user and getattr(current_user, "is_authenticated", False)))


def _seed_if_empty(store: Store, config: Config) -> None:
    if not config.generate_on_empty:
        return
    # Workers starting together all find the database empty: one generates while the others wait, then
    # find the force. Emptiness is read only under the lock: the generator commits the force before its
    # extensions' data, so a worker looking mid-generation would otherwise serve a half-made force.
    with startup_lock(store.engine):
        if not is_empty(store.engine):
            return
        from demo.generate import generate

        log.warning("empty database: generating the %r synthetic force", config.demo_preset)
        generate(store.engine, preset=config.demo_preset, seed=7, today=store.today(),
                 extract_dir=config.data_dir / DEMO_EXTRACT)


def create_app(config: Config | None = None, store: Store | None = None) -> dash.Dash:
    """Build the Flask server and Dash app for config (environment defaults when None)."""
    config = config or from_env()
    store = store or open_store_from(config)
    _seed_if_empty(store, config)
    if store.source is None and (Path(config.data_dir) / DEMO_EXTRACT).is_dir():
        store.source = str(Path(config.data_dir) / DEMO_EXTRACT)  # the demo's extract, kept by its first start
    with startup_lock(store.engine):
        # A changed rule setting (victim_update_days, say) moves every due date it governs.
        rederive_on_rule_change(store)
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
    if config.trusted_proxies:
        # Only behind proxies that set X-Forwarded-For: otherwise a client could choose its own address.
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=config.trusted_proxies, x_proto=config.trusted_proxies)
    install_meta_memo(server)
    install_request_hooks(server, lambda: app.callback_map, log_to_stderr=not config.testing)
    _install_auth(server, store, config)
    # [strategic public routes]
    server.register_blueprint(make_public_blueprint(store))
    server.register_blueprint(make_health_blueprint(store))
    server.register_blueprint(make_metrics_blueprint(store, config.metrics_token))
    # [installable app and offline completions]
    server.register_blueprint(make_device_blueprint(store))

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
    # The manifest makes Beacon installable on a tablet's home screen (its worker is registered by
    # assets/offline_queue.js).
    app.index_string = app.index_string.replace(
        "{%favicon%}", f'<link rel="manifest" href="/manifest.webmanifest"><meta name="theme-color" content="{THEME}">'
        '<link rel="apple-touch-icon" href="/icons/beacon-192.png">{%favicon%}', 1)
    app.layout = lambda: build_shell(current_user.actor if current_user.is_authenticated else None,
                                     csrf=flask.session.get("csrf", ""),
                                     fresh=freshness(store) if current_user.is_authenticated else None)
    callbacks.register(app, store)
    # The renderer's inline scripts are allowed by their hashes, taken once every callback is registered.
    server.config["BEACON_CSP"] = content_security_policy(app.csp_hashes())
    if store.mail is None:
        store.mail = mail_settings(config)
    app.beacon_store = store
    if not config.testing:
        # On the job thread, now and every few minutes: today's worklist snapshot (the demand trend needs
        # one a day even when nobody opens the tab), and the benchmark and BCU figures, which take a
        # second or so from cold, so the first leader to open the Strategic tab does not wait; and the sign-in
        # throttle rows whose failures are forgotten; and the uploads of jobs whose worker was stopped mid-job.
        tasks = [ensure_snapshot, warm_force_figures, prune, jobs.sweep_uploads]
        if config.digest_hour is not None and not config.celery_broker_url:
            # The day's digests from BEACON_DIGEST_HOUR, for a deployment without a scheduler of its own
            # (with Celery, beat sends them: data_access/schedule.py).
            tasks.append(housekeeping_task(config.digest_hour))
        app.beacon_housekeeping = jobs.start_housekeeping(store, tasks, config.housekeeping_minutes * 60)
        # Plotly's first figure and the first full garbage collection cost 0.2-0.4 s: paid here, not by the
        # first person to open a chart. Not in tests, where many apps share one process.
        warm_up()
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

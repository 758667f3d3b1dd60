"""Operations: Prometheus metrics behind authentication, and one JSON log line per request with its id."""

import hmac
import json
import logging
import os
import re
import time
import uuid
from datetime import datetime

import flask
from flask_login import current_user
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from data_access.clock import now_local
from data_access.db import get_meta
from data_access.freshness import LOADED_KEY
from data_access.permissions import role_allows
from data_access.schema import job
from web.limits import DASH_UPDATE

REQUEST_LOG = logging.getLogger("beacon.request")
# An incoming X-Request-ID is kept only when it is this short and plain, so a log line cannot be forged
# or bloated through it; anything else is replaced by a new id.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
METRICS_ENDPOINT = "metrics.metrics"

# One registry for the process; under gunicorn with PROMETHEUS_MULTIPROC_DIR the values go to files there
# and every worker's are added up at scrape time. prometheus_client chooses files or memory when it is
# imported, so the scrape follows the same reading, not the variable as it is later.
MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
REGISTRY = CollectorRegistry(auto_describe=True)
_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
ROUTE_SECONDS = Histogram("beacon_request_duration_seconds", "Time to answer a request, by route",
                          ["route", "method", "status"], registry=REGISTRY, buckets=_BUCKETS)
CALLBACK_SECONDS = Histogram("beacon_callback_duration_seconds", "Time to answer a Dash callback, by its output",
                             ["callback"], registry=REGISTRY, buckets=_BUCKETS)


def _request_id() -> str:
    given = flask.request.headers.get("X-Request-ID", "")
    return given if SAFE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def _callback_label(callback_map) -> str:
    """The callback's output as registered; anything else is 'unknown', so labels stay few."""
    request = flask.request
    if request.max_content_length is not None and (request.content_length or 0) > request.max_content_length:
        return "unknown"  # refused for its size: its body is never read, here or anywhere
    body = request.get_json(silent=True, cache=True)
    output = body.get("output") if isinstance(body, dict) else None
    return output if isinstance(output, str) and output in callback_map else "unknown"


def install_request_hooks(server: flask.Flask, callback_map, log_to_stderr: bool) -> None:
    """Time and log every request of server, and echo its request id; callback_map() gives Dash's callbacks.

    Installed before the sign-in guard, so a refused request is timed and logged too.
    """
    if log_to_stderr and not REQUEST_LOG.handlers:
        # The line is the JSON alone, on stderr, whatever logging the server (waitress, gunicorn) set up.
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        REQUEST_LOG.addHandler(handler)
        REQUEST_LOG.setLevel(logging.INFO)
        REQUEST_LOG.propagate = False

    @server.before_request
    def _start():
        flask.g.request_started = time.perf_counter()
        flask.g.request_id = _request_id()

    @server.after_request
    def _finish(resp):
        started = flask.g.get("request_started")
        if started is None:
            return resp
        seconds = time.perf_counter() - started
        req = flask.request
        route = req.url_rule.rule if req.url_rule is not None else "unmatched"
        ROUTE_SECONDS.labels(route, req.method, str(resp.status_code)).observe(seconds)
        line = {"request_id": flask.g.request_id, "method": req.method, "path": req.path,
                "status": resp.status_code, "duration_ms": round(seconds * 1000, 1)}
        if req.path == DASH_UPDATE and req.method == "POST":
            line["callback"] = _callback_label(callback_map())
            CALLBACK_SECONDS.labels(line["callback"]).observe(seconds)
        # The account's number only: names stay in the audit trail, not in logs shipped elsewhere.
        if current_user and getattr(current_user, "is_authenticated", False):
            line["user_id"] = current_user.actor.user_id
        REQUEST_LOG.info(json.dumps(line))
        resp.headers["X-Request-ID"] = flask.g.request_id
        return resp


class _StoreCollector:
    """Figures read from the database at scrape time, the same whichever worker answers."""

    def __init__(self, store):
        self.store = store

    def collect(self):
        depth = GaugeMetricFamily("beacon_jobs", "Background jobs by status", labels=["status"])
        with self.store.engine.connect() as conn:
            counts = dict(conn.execute(select(job.c.status, func.count()).group_by(job.c.status)).all())
        for status in ("queued", "running", "succeeded", "failed"):
            depth.add_metric([status], counts.get(status, 0))
        yield depth
        raw = get_meta(self.store.engine, LOADED_KEY)
        if raw is not None:
            # As the freshness banner counts it: a deployment with a fixed today reads the clock as that day.
            now = now_local()
            today = self.store.today()
            now = now if now.date() == today else datetime.combine(today, now.time())
            age = max((now - datetime.fromisoformat(raw)).total_seconds(), 0.0)
            yield GaugeMetricFamily("beacon_records_load_age_seconds",
                                    "Seconds since the last successful load of the force's records", value=age)


def _scrape(store) -> bytes:
    if MULTIPROCESS:
        from prometheus_client import multiprocess

        shared = CollectorRegistry()
        multiprocess.MultiProcessCollector(shared)
        body = generate_latest(shared)
    else:
        body = generate_latest(REGISTRY)
    figures = CollectorRegistry(auto_describe=False)
    figures.register(_StoreCollector(store))
    return body + generate_latest(figures)


def make_metrics_blueprint(store, token: str | None) -> flask.Blueprint:
    """GET /metrics for an administrator's session or a scraper holding BEACON_METRICS_TOKEN; never public."""
    bp = flask.Blueprint("metrics", __name__)

    @bp.route("/metrics", methods=["GET"])
    def metrics():
        header = flask.request.headers.get("Authorization", "")
        by_token = bool(token) and header.startswith("Bearer ") and hmac.compare_digest(
            header[len("Bearer "):].strip().encode(), token.encode())
        signed_in = bool(current_user and getattr(current_user, "is_authenticated", False))
        if not by_token:
            if not signed_in:
                resp = flask.jsonify({"error": "login or token required"})
                resp.status_code = 401
                resp.headers["WWW-Authenticate"] = 'Bearer realm="beacon-metrics"'
                return resp
            if not role_allows(current_user.actor, "metrics.read"):
                return flask.jsonify({"error": "not allowed"}), 403
        resp = flask.Response(_scrape(store), mimetype=CONTENT_TYPE_LATEST)
        resp.headers["Cache-Control"] = "no-store"
        return resp

    return bp

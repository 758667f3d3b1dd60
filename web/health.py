"""GET /healthz for load balancers and process supervisors: whether this worker's database answers."""

import logging

import flask
from sqlalchemy import text

log = logging.getLogger(__name__)

def make_health_blueprint(store) -> flask.Blueprint:
    """The 'health' blueprint: GET /healthz only."""
    bp = flask.Blueprint("health", __name__)

    @bp.route("/healthz", methods=["GET"])
    def healthz():
        # Anyone may ask, so the answer is one word: no version, count or error text to help an attacker.
        try:
            with store.engine.connect() as conn:
                conn.execute(text("select 1"))
        except Exception:  # noqa: BLE001 - whatever the database raised, this worker cannot serve
            log.warning("health check: the database did not answer", exc_info=True)
            body, status = {"status": "unavailable"}, 503
        else:
            body, status = {"status": "ok"}, 200
        resp = flask.jsonify(body)
        resp.status_code = status
        # A balancer must see the worker's state now, not a proxy's copy.
        resp.headers["Cache-Control"] = "no-store"
        return resp

    return bp

"""Installing Beacon on a tablet and working without a signal: manifest, icons, worker, queued completions."""

# The manifest, icons, service worker, offline page and the sign-in page's clearing script carry nothing
# personal and are served without a session; POST /api/completions needs a session and the page's token.

import secrets
import struct
import zlib
from functools import lru_cache
from pathlib import Path

import flask
from flask_login import current_user

from data_access.errors import AccessDenied, BadRequest
from data_access.tasks import complete_queued

STATIC = Path(__file__).resolve().parent / "device"
THEME = "#14213d"  # the navbar's colour, so the installed app's title bar matches
ICON_SIZES = (192, 512)
CSRF_HEADER = "X-Beacon-CSRF"
# Served without a session: none of them holds or reveals anything personal.
PUBLIC = {"device.service_worker", "device.manifest", "device.icon", "device.offline_page", "device.clear_script"}


def _png(size: int) -> bytes:
    """A square icon drawn here: a light beacon (a ring round a dot) on the theme colour; no artwork copied."""
    bg, fg = (0x14, 0x21, 0x3D), (0xFF, 0xC1, 0x07)
    c = (size - 1) / 2
    rows = []
    for y in range(size):
        row = bytearray(b"\x00")  # filter type: none
        for x in range(size):
            d = ((x - c) ** 2 + (y - c) ** 2) ** 0.5 / size
            row += bytes(fg if d < 0.12 or 0.22 < d < 0.30 else bg)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + chunk(b"IEND", b""))


@lru_cache(maxsize=len(ICON_SIZES))
def icon_bytes(size: int) -> bytes:
    """The icon at one of ICON_SIZES, drawn once per process."""
    return _png(size)


def manifest() -> dict:
    """The web app manifest that lets a tablet put Beacon on its home screen."""
    return {
        "name": "Beacon", "short_name": "Beacon", "description": "Daily actions and performance",
        "start_url": "/", "scope": "/", "display": "standalone", "orientation": "any",
        "background_color": "#ffffff", "theme_color": THEME,
        "icons": [{"src": f"/icons/beacon-{s}.png", "sizes": f"{s}x{s}", "type": "image/png", "purpose": "any"}
                  for s in ICON_SIZES],
    }


def _static(name: str, mimetype: str) -> flask.Response:
    resp = flask.send_from_directory(STATIC, name, mimetype=mimetype, max_age=0)
    # Always asked again, so a new release's worker and page replace the old at once.
    resp.headers["Cache-Control"] = "no-cache"
    return resp


def make_device_blueprint(store) -> flask.Blueprint:
    """The 'device' blueprint: installable-app files and the queued-completion endpoint."""
    bp = flask.Blueprint("device", __name__)

    @bp.route("/manifest.webmanifest", methods=["GET"], endpoint="manifest")
    def _manifest():
        resp = flask.jsonify(manifest())
        resp.mimetype = "application/manifest+json"
        return resp

    @bp.route("/icons/beacon-<int:size>.png", methods=["GET"], endpoint="icon")
    def _icon(size):
        if size not in ICON_SIZES:
            flask.abort(404)
        resp = flask.Response(icon_bytes(size), mimetype="image/png")
        resp.headers["Cache-Control"] = "public, max-age=86400"
        return resp

    @bp.route("/sw.js", methods=["GET"], endpoint="service_worker")
    def _service_worker():
        resp = _static("sw.js", "text/javascript")
        resp.headers["Service-Worker-Allowed"] = "/"
        return resp

    @bp.route("/offline.html", methods=["GET"], endpoint="offline_page")
    def _offline_page():
        return _static("offline.html", "text/html")

    @bp.route("/device-clear.js", methods=["GET"], endpoint="clear_script")
    def _clear_script():
        return _static("device-clear.js", "text/javascript")

    @bp.route("/api/completions", methods=["POST"], endpoint="completions")
    def _completions():
        # The request guard has already required a session. Like the sign-out form, a write needs the
        # session's token, sent in a header only a script on Beacon's own pages can set.
        token = flask.session.get("csrf")
        sent = flask.request.headers.get(CSRF_HEADER, "")
        if not token or not secrets.compare_digest(sent.encode(), token.encode()):
            # Refused and audited like any forged request (the AccessDenied handler writes the row).
            raise AccessDenied("the page's token is missing or out of date")
        body = flask.request.get_json(silent=True) if flask.request.is_json else None
        if not isinstance(body, dict):
            raise BadRequest("send the completion as a JSON object")
        status, answer = complete_queued(store, current_user.actor, body.get("task"), body.get("action"),
                                         body.get("key"), body.get("seen"))
        resp = flask.jsonify(answer)
        resp.status_code = status
        return resp

    return bp

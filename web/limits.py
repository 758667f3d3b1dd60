"""How large a request may be and which inputs are refused before any code reads them."""

import flask

from data_access.permissions import role_allows

DASH_UPDATE = "/_dash-update-component"


def body_limit(actor, small_bytes: int, upload_bytes: int) -> int:
    """The largest body this request may carry: only an administrator's callback (the import upload) is large."""
    if actor is not None and flask.request.path == DASH_UPDATE and role_allows(actor, "strategic.admin"):
        return upload_bytes
    return small_bytes


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def nul_in_request() -> bool:
    """True when any query, form or JSON value holds a NUL character (no input legitimately does)."""
    req = flask.request
    if any(_has_nul(k) or _has_nul(v) for k, v in req.args.items(multi=True)):
        return True
    if req.method not in ("POST", "PUT", "PATCH"):
        return False
    if req.is_json:
        return _has_nul(req.get_json(silent=True))
    return any(_has_nul(k) or _has_nul(v) for k, v in req.form.items(multi=True))

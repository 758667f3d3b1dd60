"""How large a request may be and which inputs are refused before any code reads them."""

import flask

from data_access.errors import BadRequest
from data_access.permissions import role_allows

DASH_UPDATE = "/_dash-update-component"


def body_limit(actor, small_bytes: int, upload_bytes: int) -> int:
    """The largest body this request may carry: only an administrator's callback (the import upload) is large."""
    if actor is not None and flask.request.path == DASH_UPDATE and role_allows(actor, "strategic.admin"):
        return upload_bytes
    return small_bytes


# Deeper than any Beacon page nests its callback values; a deeper body is refused, not walked.
MAX_DEPTH = 64


def _has_nul(value) -> bool:
    """True when any string in value (keys included) holds a NUL; walked with a stack, not recursion."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, (dict, list)):
            if depth >= MAX_DEPTH:
                raise BadRequest(f"the request nests values more than {MAX_DEPTH} deep")
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def nul_in_request() -> bool:
    """True when any query, form or JSON value holds a NUL character (no input legitimately does)."""
    req = flask.request
    if any(_has_nul(k) or _has_nul(v) for k, v in req.args.items(multi=True)):
        return True
    if req.method not in ("POST", "PUT", "PATCH"):
        return False
    if req.is_json:
        try:
            body = req.get_json(silent=True)
        except RecursionError as exc:  # json's own parser gives up on very deep nesting
            raise BadRequest("the request nests values too deeply") from exc
        return _has_nul(body)
    return any(_has_nul(k) or _has_nul(v) for k, v in req.form.items(multi=True))

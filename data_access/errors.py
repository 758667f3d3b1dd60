"""Errors data_access raises; the web layer maps them to HTTP status codes."""


class AccessDenied(Exception):
    """The actor may not see or change this object (HTTP 403)."""


class NotFound(Exception):
    """No such object, or none the actor may know about (HTTP 404)."""


class BadRequest(Exception):
    """The request is malformed or names an unknown action (HTTP 400)."""

"""The actor behind a callback request; a request without a session never reaches data."""

from flask_login import current_user
from werkzeug.exceptions import Unauthorized

from data_access.permissions import require


def current_actor():
    """The logged-in actor, or HTTP 401."""
    if not getattr(current_user, "is_authenticated", False):
        raise Unauthorized("login required")
    return require(current_user.actor, "session")

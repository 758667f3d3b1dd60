"""The force's clock: deadlines are days in England and Wales, whatever time zone the server keeps."""

from datetime import datetime
from zoneinfo import ZoneInfo

FORCE_TIMEZONE = ZoneInfo("Europe/London")


def now_local() -> datetime:
    """The current wall-clock time in England and Wales, without tzinfo (as stored)."""
    return datetime.now(FORCE_TIMEZONE).replace(tzinfo=None)

"""When the force's records were last loaded, and whether that is too long ago to trust the figures."""

from __future__ import annotations

from datetime import datetime

from data_access.clock import now_local
from data_access.db import set_meta
from data_access.meta_memo import meta_values

LOADED_KEY = "records_loaded_at"


def mark_loaded(conn, at: datetime) -> None:
    """Record a successful load of the force's records, inside the load's transaction."""
    set_meta(conn, LOADED_KEY, at.isoformat(timespec="seconds"))


def freshness(store) -> dict:
    """The last successful load, hours since, and whether every screen should warn that it is stale."""
    raw = meta_values(store.engine).get(LOADED_KEY)
    today = store.today()
    now = now_local()
    # On a deployment with a fixed today (training, tests), the clock reads as that day.
    now = now if now.date() == today else datetime.combine(today, now.time())
    if raw is None:
        return {"loaded_at": None, "hours": None, "stale": True,
                "label": "The force's records have not been loaded yet."}
    loaded = datetime.fromisoformat(raw)
    hours = max((now - loaded).total_seconds() / 3600, 0.0)
    stale = hours > store.settings.stale_load_hours
    when = f"{loaded.day} {loaded:%b %H:%M}"
    label = (f"Records last loaded {when}, {hours / 24:.0f} days ago" if hours >= 48 else
             f"Records last loaded {when}, {hours:.0f} hours ago") if stale else f"Records loaded {when}"
    return {"loaded_at": loaded, "hours": round(hours, 1), "stale": stale, "label": label,
            "short": f"Loaded {when}"}

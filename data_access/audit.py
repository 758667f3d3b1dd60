"""Audit rows: who read personal data or wrote anything, when, and from which scope."""

import json

import pandas as pd
from sqlalchemy import select

from data_access.actor import Actor
from data_access.clock import now_local
from data_access.permissions import require
from data_access.schema import audit_log


def audit_row(actor: Actor | None, action: str, object_type: str, object_id=None, scope: str | None = None,
              detail: dict | None = None, at=None) -> dict:
    """The values of one audit row, stamped now unless at is given."""
    if scope is None and actor is not None:
        # Record where the actor's access hung from at the time, for later review of the access.
        scope = f"{actor.role}@unit:{actor.scope_unit_id}"
    return {"at": at or now_local(), "user_id": actor.user_id if actor and actor.user_id else None,
            "username": actor.username if actor else None, "action": action, "object_type": object_type,
            "object_id": None if object_id is None else str(object_id), "scope": scope,
            "detail": json.dumps(detail, default=str) if detail else None}


def write_audit(conn, actor: Actor | None, action: str, object_type: str, object_id=None,
                scope: str | None = None, detail: dict | None = None) -> None:
    """Insert one audit row inside the caller's transaction."""
    conn.execute(audit_log.insert().values(**audit_row(actor, action, object_type, object_id, scope, detail)))


def record_event(store, actor: Actor | None, action: str, object_type: str, object_id=None,
                 scope: str | None = None, detail: dict | None = None) -> None:
    """Write one audit row in its own transaction (logins, logouts)."""
    with store.engine.begin() as conn:
        write_audit(conn, actor, action, object_type, object_id, scope, detail)


def recent_audit(store, actor: Actor, limit: int = 200) -> pd.DataFrame:
    """The newest audit rows; administrators only."""
    require(actor, "audit.read", reason="only administrators may read the audit log")
    with store.engine.connect() as conn:
        rows = conn.execute(select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)).mappings().all()
    return pd.DataFrame(rows, columns=[c.name for c in audit_log.columns])


def record_export(store, actor: Actor, read_action: str, grid: str, detail: dict | None = None) -> None:
    """Audit a grid exported to CSV by someone allowed to read it (an export takes data out of Beacon)."""
    require(actor, read_action, reason="this export needs the permission to read the grid")
    record_event(store, actor, "export", "grid", grid, detail=detail)

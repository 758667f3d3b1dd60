"""A short fingerprint of what a task asks for, so a completion queued offline can tell it has changed."""

import hashlib


def task_version(t) -> str:
    """Fingerprint of the fields a completion depends on: status, owner, rule and due date."""
    due = t["due_date"].isoformat() if t["due_date"] is not None else ""
    parts = [t["status"], str(t["oic_id"]), t["kind"], t["rule_id"], due]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]

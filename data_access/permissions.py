"""Who may do what: one table of role and action, the duty rules behind completions, and the checks."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date

from data_access.actor import Actor
from data_access.errors import AccessDenied
from scoring.categories import COMPLETIONS
from scoring.duties import Duty, duty_for, may_perform
from scoring.duties import actionable as _actionable

# Command-line and scheduled jobs act as this actor, so what they may do is in the table like anyone's.
SYSTEM = Actor(user_id=0, username="system", role="system", officer_id=None, scope_unit_id=None,
               display_name="Beacon (scheduled job)")

EVERYONE = frozenset({"officer", "staff", "supervisor", "inspector", "senior_leader", "analyst",
                      "administrator"})
COMMAND = frozenset({"supervisor", "inspector", "senior_leader"})
READ_ONLY = frozenset({"analyst", "administrator"})

# action -> (roles granted it, a named Actor permission that also grants it). Default deny: an
# action missing here is refused to everyone.
ACTIONS: dict[str, tuple[frozenset, str | None]] = {
    "session": (EVERYONE, None),  # any signed-in person reaching a callback
    "worklist.read": (EVERYONE, None),
    "record.read": (EVERYONE, None),  # and the crime sits in the reader's command, or is their own
    "task.complete": (COMMAND | {"officer", "staff"}, None),  # and the duty allows it (see below)
    "demand.read": (COMMAND | READ_ONLY, None),
    # How far Beacon is used (sign-ins, tasks cleared, timeliness), by team: for the superintendent's meeting.
    "usage.read": (frozenset({"inspector", "senior_leader", "administrator"}), None),
    "productivity.own": (EVERYONE, None),
    # Open to all, as the West Midlands seed's section access says; availability in it stays with the chain.
    "productivity.team": (EVERYONE, None),
    "availability.read": (EVERYONE, None),  # and the officer is the reader or in their chain
    "feedback.give": (EVERYONE, None),  # on their own figures only
    "feedback.answer": (COMMAND | {"staff", "administrator"}, None),  # and the reader manages them
    "feedback.answer_any": (frozenset({"administrator"}), None),  # anyone's, not only their reports'
    "fsu.read": (frozenset(), "can_view_fsu"),
    "fsu.refresh": (frozenset({"system"}), "can_view_fsu"),
    "strategic.read": (frozenset({"senior_leader", "analyst", "administrator"}), None),
    "strategic.admin": (frozenset({"administrator", "system"}), None),
    "audit.read": (frozenset({"administrator"}), None),
    "metrics.read": (frozenset({"administrator"}), None),  # /metrics in a browser; scrapers use a token
    "account.admin": (frozenset({"administrator", "system"}), None),  # activate, deactivate, end sessions
    "job.read": (EVERYONE, None),  # and the job is the reader's own
    # Loading the force's records and exporting Beacon's completions back to its records system.
    "records.load": (frozenset({"administrator", "system"}), None),
    "records.export_completions": (frozenset({"administrator", "system"}), None),
    # The daily digest: each person chooses their own; only the scheduled job sends.
    "digest.own": (EVERYONE, None),
    "digest.send": (frozenset({"system"}), None),
    "digest.status": (frozenset({"administrator", "system"}), None),
}

# Every check made in the current request, as (action, allowed), when a caller asks for the record
# (the tests that show which checks each callback ran).
_checks: ContextVar[list | None] = ContextVar("beacon_permission_checks", default=None)


def start_recording() -> list:
    """Record every permission check made from now on in this context; returns the list filled."""
    log: list = []
    _checks.set(log)
    return log


def _note(action: str, ok: bool) -> None:
    log = _checks.get()
    if log is not None:
        log.append((action, ok))


def _grants(actor: Actor | None, action: str) -> bool:
    if actor is None or action not in ACTIONS:
        return False
    roles, permission = ACTIONS[action]
    return actor.role in roles or bool(permission and getattr(actor, permission, False))


def role_allows(actor: Actor | None, action: str) -> bool:
    """True when the actor's role or a permission they hold grants the action (no resource rule)."""
    ok = _grants(actor, action)
    _note(action, ok)
    return ok


def allowed(actor: Actor | None, action: str, resource_ok: bool = True) -> bool:
    """True when the table grants the action and the resource rule (already evaluated) holds."""
    ok = _grants(actor, action) and bool(resource_ok)
    _note(action, ok)
    return ok


def require(actor: Actor | None, action: str, resource_ok: bool = True, reason: str = "") -> Actor:
    """The actor, when allowed; AccessDenied (HTTP 403, audited by the web layer) otherwise."""
    if not allowed(actor, action, resource_ok):
        who = getattr(actor, "username", "nobody")
        raise AccessDenied(reason or f"{who} may not {action}")
    return actor


# ----- completing a task: the duty, the chain of command and the panel's rule --------------------
def completion_duty(task_row, bail_row, settings) -> dict[str, Duty]:
    """The duty behind each completion action of a task."""
    stage = bail_row["stage"] if bail_row is not None else None
    arrested = bail_row["arrested_on"] if bail_row is not None else None
    return {action: duty_for(task_row["kind"], action, stage, arrested, settings)
            for action, _ in COMPLETIONS.get(task_row["kind"], [])}


def relation(store, actor: Actor, oic_id: int | None, team_id: int | None) -> dict:
    """How the actor stands to an investigation: its officer in charge, in their chain, in command."""
    from data_access.org import load_tree
    from data_access.scope import record_team_ids

    command = team_id is not None and team_id in record_team_ids(store, actor)
    is_oic = actor.officer_id is not None and oic_id == actor.officer_id
    if actor.officer_id is None:
        in_chain = False
    elif oic_id is None:
        # An unallocated crime has no officer in charge: its team's supervisors and commanders act for it.
        in_chain = actor.role in COMMAND and command
    else:
        in_chain = actor.officer_id in load_tree(store).chain_of_command(oic_id)
    return {"is_oic": is_oic, "in_chain": in_chain, "in_command": command}


def may_complete_any(store, actor: Actor, oic_id: int | None, team_id: int | None) -> bool:
    """True when the actor may complete some work on this investigation (the panel's Complete column)."""
    if not role_allows(actor, "task.complete"):
        return False
    rel = relation(store, actor, oic_id, team_id)
    return rel["is_oic"] or rel["in_chain"]


def offered_actions(store, actor: Actor, task_row, bail_row, today: date, settings,
                    rel: dict | None = None) -> list[tuple[str, str]]:
    """The completion buttons this actor may press on this task now; the server accepts nothing else.

    Work not yet due offers no button, so a second tap after a completion cannot complete the
    follow-on task that replaced it. Lapsed bail cannot be extended, only recorded as ended. Each
    action needs its duty: a supervisor review by a supervisor in the chain, never the officer in
    charge; a bail extension by the rank PACE names for the next stage.
    """
    if task_row["status"] != "open" or not role_allows(actor, "task.complete"):
        return []
    if not _actionable(task_row["kind"], task_row["due_date"], today, settings):
        return []
    rel = rel or relation(store, actor, task_row["oic_id"], task_row["team_id"])
    duties = completion_duty(task_row, bail_row, settings)
    out = []
    for action, label in COMPLETIONS.get(task_row["kind"], []):
        if action == "bail_extended" and task_row["due_date"] is not None and task_row["due_date"] < today:
            continue
        if may_perform(duties[action], actor.rank, rel["is_oic"], rel["in_chain"], rel["in_command"]):
            out.append((action, label))
    return out


def withheld_reasons(task_row, bail_row, settings, offered) -> list[str]:
    """Who may sign off the actions this reader is not offered, in words, for the panel."""
    offered = {a for a, _ in offered}
    return sorted({d.words for a, d in completion_duty(task_row, bail_row, settings).items()
                   if a not in offered and (d.sign_off or d.kind == "court")})

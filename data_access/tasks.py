"""Completing a task: one transaction with an audit row, idempotent, and only by whoever the duty names."""

import json
import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from data_access.actor import Actor
from data_access.clock import now_local
from data_access.audit import write_audit
from data_access.errors import AccessDenied, BadRequest
from data_access.permissions import completion_duty, may_complete_any, offered_actions
from data_access.schema import bail, crime, officer, task
from data_access.schema_completions import completion_request
from data_access.schema_events import crime_event
from data_access.store import bump_officer_versions, bump_team_versions, bump_version
from data_access.task_derivation import derive_tasks
from scoring.categories import COMPLETIONS
from scoring.events import COMPLETION_EVENT
from scoring.task_engine import DATA_QUALITY_KINDS
from scoring.task_version import task_version

# A device's idempotency key: a UUID as crypto.randomUUID() writes it.
KEY_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _parse_task_id(task_id) -> int:
    if isinstance(task_id, bool) or not isinstance(task_id, (int, str)):
        raise BadRequest("task id must be an integer")
    try:
        value = int(task_id)
    except ValueError as exc:
        raise BadRequest("task id must be an integer") from exc
    if value <= 0:
        raise BadRequest("task id must be positive")
    if value > 2**31 - 1:
        # Beyond a 32-bit key no task can exist, and PostgreSQL would reject the parameter.
        raise AccessDenied("task not available to this actor")
    return value


def _now(today):
    # On a deployment with a fixed today (training, tests) the completion happens on that day.
    now = now_local()
    return now if now.date() == today else datetime.combine(today, now.time())


def complete_task(store, actor: Actor, task_id, action: str) -> dict:
    """Mark a task done; a second completion of the same task records nothing and says so."""
    task_id = _parse_task_id(task_id)
    with store.engine.begin() as conn:
        return _complete(conn, store, actor, task_id, action)


def _complete(conn, store, actor: Actor, task_id: int, action: str, seen: str | None = None) -> dict:
    """The completion inside the caller's transaction; seen (a queued completion) turns a change into a conflict."""
    today = store.today()
    now = _now(today)
    settings = store.settings
    t = conn.execute(select(task, crime.c.crime_ref)
                     .select_from(task.join(crime, crime.c.id == task.c.crime_id))
                     .where(task.c.id == task_id)).mappings().first()
    if t is None:
        raise AccessDenied("task not available to this actor")
    if not may_complete_any(store, actor, t["oic_id"], t["team_id"]):
        raise AccessDenied("only the officer in charge and their chain of command may complete this task")
    if not isinstance(action, str) or action not in {a for a, _ in COMPLETIONS.get(t["kind"], [])}:
        raise BadRequest(f"action {action!r} does not apply to a {t['kind']} task")
    if t["status"] != "open":
        if seen is not None:
            return _already_done(conn, actor, t)
        return {"status": "already_done", "task_id": task_id, "crime_ref": t["crime_ref"]}
    if seen is not None and seen != task_version(t):
        # Re-derivation moved its due date or rule, or it changed hands: the officer decides again.
        return {"status": "conflict", "reason": "changed", "task_id": task_id, "crime_ref": t["crime_ref"],
                "message": f"{t['crime_ref']}: this task changed since you went offline, so nothing was "
                           f"recorded. Open the record and check it again."}
    b = conn.execute(select(bail).where(bail.c.id == t["bail_id"])).mappings().first() \
        if t["bail_id"] is not None else None
    if action == "bail_extended" and t["due_date"] is not None and t["due_date"] < today:
        raise BadRequest(f"bail lapsed on {t['due_date']:%d %b %Y} and cannot be extended; record it as ended")
    # The panel's rule, applied again here: only a button the panel would offer this actor now.
    offered = {a for a, _ in offered_actions(store, actor, t, b, today, settings)}
    if action not in offered:
        duty = completion_duty(t, b, settings)[action]
        raise AccessDenied(f"{action} on a {t['kind']} task is not open to {actor.username} now "
                           f"(needs {duty.words}, when the work is due)")
    # The status guard makes a double tap record once: the second update matches no row.
    updated = conn.execute(
        task.update().where((task.c.id == task_id) & (task.c.status == "open"))
        .values(status="done", completed_at=now, completed_by=actor.officer_id, completion=action)
    ).rowcount
    if not updated:
        # Completed by another request between the read and the update.
        if seen is not None:
            return _already_done(conn, actor, conn.execute(
                select(task, crime.c.crime_ref).select_from(task.join(crime, crime.c.id == task.c.crime_id))
                .where(task.c.id == task_id)).mappings().first())
        return {"status": "already_done", "task_id": task_id, "crime_ref": t["crime_ref"]}
    # The completion is a Beacon event; the engine closes the task with it and opens what follows.
    event_id = record_completion(conn, t, b, action, actor, now)
    derive_tasks(conn, settings, today, [t["crime_id"]], bump=False)
    closed = conn.execute(select(task.c.status).where(task.c.id == task_id)).scalar()
    if closed != "done":
        # The event must close the task it was pressed on; if the rules disagree, nothing is kept.
        raise BadRequest(f"{action} does not close this {t['kind']} task under the rules in force")
    follow_on = conn.execute(
        select(task.c.id).where((task.c.crime_id == t["crime_id"]) & (task.c.kind == t["kind"]) &
                                (task.c.status == "open") & (task.c.id != task_id))
        .order_by(task.c.id.desc()).limit(1)).scalar()
    detail = {"action": action, "kind": t["kind"], "crime_ref": t["crime_ref"], "follow_on": follow_on,
              "event_id": event_id}
    if action == "bail_extended":
        detail["authorised_by"] = {"officer_id": actor.officer_id, "rank": actor.rank,
                                   "needs": completion_duty(t, b, settings)[action].words}
    write_audit(conn, actor, "write", "task", task_id, detail=detail)
    bump_version(conn)
    bump_team_versions(conn, [t["team_id"]])
    bump_officer_versions(conn, [t["oic_id"]])
    return {"status": "done", "task_id": task_id, "crime_ref": t["crime_ref"], "follow_on": follow_on}


def _already_done(conn, actor: Actor, t) -> dict:
    """The conflict a queued completion meets when the task was closed meanwhile: by whom and when."""
    by_you = False
    if t["completion"] == "crime_finalised":
        who = "the crime being finalised"
    elif t["completed_by"] is None:
        who = "the records system"
    else:
        o = conn.execute(select(officer.c.rank, officer.c.forename, officer.c.surname)
                         .where(officer.c.id == t["completed_by"])).mappings().first()
        by_you = actor.officer_id is not None and t["completed_by"] == actor.officer_id
        who = "you" if by_you else (f"{o['rank']} {o['forename']} {o['surname']}" if o else "another officer")
        if t["completed_in"] == "source":
            who += " in the records system"
    at = f" at {t['completed_at']:%H:%M on %d %b %Y}" if t["completed_at"] else ""
    return {"status": "conflict", "reason": "already_done", "task_id": t["id"], "crime_ref": t["crime_ref"],
            "by_you": by_you, "completed_at": t["completed_at"].isoformat() if t["completed_at"] else None,
            "message": f"{t['crime_ref']}: already completed by {who}{at}; nothing was recorded twice."}


class _Repeat(Exception):
    """The idempotency key is already stored: this completion arrived before."""


def complete_queued(store, actor: Actor, task_id, action, key, seen) -> tuple[int, dict]:
    """A device's queued completion, recorded once per key: (HTTP status, answer), the first answer on repeats."""
    # 200 when recorded, 409 when the task was completed or changed meanwhile. Refusals (AccessDenied,
    # BadRequest) are raised as for any completion and store no key, so a repeat is checked and refused again.
    task_id = _parse_task_id(task_id)
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise BadRequest("the idempotency key must be a lower-case UUID")
    if not isinstance(seen, str) or len(seen) > 64:
        raise BadRequest("seen must be the task version the device showed")
    if not isinstance(action, str) or len(action) > 40:
        raise BadRequest("action must be a completion's name")
    try:
        with store.engine.begin() as conn:
            try:
                # The key is claimed first: a concurrent send of the same key waits here on the unique
                # index and then fails, instead of completing the task a second time.
                conn.execute(completion_request.insert().values(
                    idem_key=key, user_id=actor.user_id, task_id=task_id, action=action, http_status=0,
                    result="", received_at=_now(store.today())))
            except IntegrityError as exc:
                raise _Repeat from exc
            answer = _complete(conn, store, actor, task_id, action, seen=seen)
            if answer["status"] == "done":
                http = 200
                answer["message"] = f"{answer['crime_ref']}: recorded."
            else:
                http = 409
                write_audit(conn, actor, "conflict", "task", task_id,
                            detail={"action": action, "reason": answer["reason"], "crime_ref": answer["crime_ref"]})
            conn.execute(completion_request.update().where(completion_request.c.idem_key == key)
                         .values(http_status=http, result=json.dumps(answer)))
        return http, answer
    except _Repeat:
        pass
    with store.engine.connect() as conn:
        row = conn.execute(select(completion_request).where(completion_request.c.idem_key == key)).mappings().first()
    if row is None or row["user_id"] != actor.user_id or row["task_id"] != task_id or row["action"] != action:
        raise BadRequest("this idempotency key belongs to another completion")
    return row["http_status"], json.loads(row["result"]) | {"repeat": True}


def _person_of(t, b) -> int | None:
    """The suspect a task concerns: its bail episode's, or the one its key names (a named suspect)."""
    if b is not None:
        return b["person_id"]
    key = t.get("task_key") or ""
    if key.startswith("NS:") and key[3:].isdigit():
        return int(key[3:])
    return None


def record_completion(conn, t, b, action: str, actor: Actor, now) -> int:
    """Keep a completion made in Beacon as an event, pending until the records system shows it."""
    res = conn.execute(crime_event.insert().values(
        crime_id=t["crime_id"], kind=COMPLETION_EVENT[action], at=now, officer_id=actor.officer_id,
        officer_rank=(actor.rank or None), person_id=_person_of(t, b),
        rule_id=t["rule_id"] if t["kind"] in DATA_QUALITY_KINDS else None,
        detail=f"{t['kind'].replace('_', ' ')} completed in Beacon ({action})"[:240],
        origin="beacon", reconciliation="pending", recorded_at=now))
    return int(res.inserted_primary_key[0])

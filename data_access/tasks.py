"""Completing a task: one transaction with an audit row, idempotent, and only by whoever the duty names."""


from sqlalchemy import select

from data_access.actor import Actor
from data_access.clock import now_local
from data_access.audit import write_audit
from data_access.errors import AccessDenied, BadRequest
from data_access.permissions import completion_duty, may_complete_any, offered_actions
from data_access.schema import bail, crime, task
from data_access.store import bump_officer_versions, bump_team_versions, bump_version
from scoring.bail import bail_end, next_authority, next_stage
from scoring.categories import COMPLETIONS
from scoring.deadlines import next_due

FOLLOW_ON_RULES = {
    "supervisor_review": "REV-PERIODIC",
    "oel_update": "OEL-14",
    "victim_contact": "VC-UPDATE",
    "rui": "RUI-REVIEW",
}
FOLLOW_ON_DETAIL = {
    "supervisor_review": "Next periodic supervisor review.",
    "oel_update": "Next investigation log (OEL) update.",
    "victim_contact": "Next agreed update to the victim.",
    "rui": "Next review of the released-under-investigation suspect.",
}
STAGE_RULES = {"initial": "BAIL-INITIAL", "first_extension": "BAIL-EXT1", "second_extension": "BAIL-EXT2",
               "complex": "BAIL-COMPLEX"}


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


def complete_task(store, actor: Actor, task_id, action: str) -> dict:
    """Mark a task done; a second completion of the same task records nothing and says so."""
    task_id = _parse_task_id(task_id)
    now = now_local()
    today = store.today()
    settings = store.settings
    with store.engine.begin() as conn:
        t = conn.execute(select(task, crime.c.crime_ref)
                         .select_from(task.join(crime, crime.c.id == task.c.crime_id))
                         .where(task.c.id == task_id)).mappings().first()
        if t is None:
            raise AccessDenied("task not available to this actor")
        if not may_complete_any(store, actor, t["oic_id"], t["team_id"]):
            raise AccessDenied("only the officer in charge and their chain of command may complete this task")
        if action not in {a for a, _ in COMPLETIONS.get(t["kind"], [])}:
            raise BadRequest(f"action {action!r} does not apply to a {t['kind']} task")
        if t["status"] != "open":
            return {"status": "already_done", "task_id": task_id, "crime_ref": t["crime_ref"]}
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
            return {"status": "already_done", "task_id": task_id, "crime_ref": t["crime_ref"]}
        follow_on = _follow_on(conn, t, action, today, settings, now, actor)
        detail = {"action": action, "kind": t["kind"], "crime_ref": t["crime_ref"], "follow_on": follow_on}
        if action == "bail_extended":
            detail["authorised_by"] = {"officer_id": actor.officer_id, "rank": actor.rank,
                                       "needs": completion_duty(t, b, settings)[action].words}
        write_audit(conn, actor, "write", "task", task_id, detail=detail)
        bump_version(conn)
        bump_team_versions(conn, [t["team_id"]])
        bump_officer_versions(conn, [t["oic_id"]])
    return {"status": "done", "task_id": task_id, "crime_ref": t["crime_ref"], "follow_on": follow_on}


def _new_task(conn, t, kind, rule_id, due, detail, now, basis, bail_id=None) -> int:
    res = conn.execute(task.insert().values(
        crime_id=t["crime_id"], team_id=t["team_id"], oic_id=t["oic_id"], kind=kind, rule_id=rule_id,
        basis_date=basis, due_date=due, detail=detail, status="open", created_at=now, bail_id=bail_id))
    return int(res.inserted_primary_key[0])


def _follow_on(conn, t, action, today, settings, now, actor) -> int | None:
    """Create whatever the completion makes due next, by the scoring rules."""
    kind = t["kind"]
    if kind in FOLLOW_ON_RULES:
        due = next_due(kind, today, settings)
        if due is not None:
            return _new_task(conn, t, kind, FOLLOW_ON_RULES[kind], due, FOLLOW_ON_DETAIL[kind], now, today)
        return None
    if kind == "bail" and t["bail_id"] is not None:
        b = conn.execute(select(bail).where(bail.c.id == t["bail_id"])).mappings().first()
        if b is None:
            return None
        if action == "bail_ended":
            conn.execute(bail.update().where(bail.c.id == b["id"]).values(status="ended", updated_at=now))
            return None
        stage = next_stage(b["stage"], b["arrested_on"], settings)
        ends = bail_end(b["bail_start"], stage, b["arrested_on"], settings) if stage else None
        # Who authorised the extension is kept with the bail record, as PACE requires it be recorded.
        conn.execute(bail.update().where(bail.c.id == b["id"])
                     .values(stage=stage or "court", ends_on=ends, updated_at=now,
                             authorised_by=actor.officer_id, authorised_rank=actor.rank or None))
        if ends is None:
            return None
        detail = (f"Bail ends {ends:%d %b %Y} ({(stage or '').replace('_', ' ')}). "
                  f"Next extension needs {next_authority(stage, b['arrested_on'], settings)}.")
        rule = STAGE_RULES.get(stage, "BAIL-OLD") if b["arrested_on"] >= settings.pace_2022_commencement \
            else "BAIL-OLD"
        return _new_task(conn, t, "bail", rule, ends, detail, now, b["bail_start"], bail_id=b["id"])
    return None



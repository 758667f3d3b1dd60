"""One crime record with its people, links and tasks, for the record panel (an audited read)."""

from datetime import date, datetime

from sqlalchemy import or_, select

from data_access.actor import Actor
from data_access.audit import write_audit
from data_access.errors import AccessDenied, BadRequest
from data_access.org import load_tree
from data_access.schema import bail, crime, crime_link, crime_person, offence, person, task
from data_access.scope import record_team_ids
from scoring.categories import CATEGORY_BY_ID, COMPLETIONS
from scoring.deadlines import explain


SUPERVISING_ROLES = ("supervisor", "inspector", "senior_leader")


def may_read_crime(store, actor: Actor, team_id: int, oic_id: int | None) -> bool:
    """True when the crime sits in the actor's own command, or the actor is its OIC."""
    if actor.officer_id is not None and oic_id == actor.officer_id:
        return True
    return team_id in record_team_ids(store, actor)


def may_complete(store, actor: Actor, oic_id: int | None, team_id: int | None = None) -> bool:
    """Only the officer in charge and their chain of command may complete a task.

    An unallocated crime has no OIC, so its team's supervisors and their commanders act for it.
    """
    if actor.officer_id is None:
        return False
    if oic_id is None:
        return (actor.role in SUPERVISING_ROLES and team_id is not None
                and team_id in record_team_ids(store, actor))
    if actor.officer_id == oic_id:
        return True
    return actor.officer_id in load_tree(store).chain_of_command(oic_id)


def get_record(store, actor: Actor, crime_ref: str) -> dict:
    """The crime, its people, linked crimes and every task; AccessDenied outside the actor's scope."""
    if not isinstance(crime_ref, str) or not crime_ref or len(crime_ref) > 40:
        raise BadRequest("a crime reference is a short string")
    tree = load_tree(store)
    with store.engine.begin() as conn:
        c = conn.execute(
            select(crime, offence.c.name.label("offence_name"), offence.c.category,
                   offence.c.summary_only, offence.c.harm_days)
            .select_from(crime.outerjoin(offence, offence.c.code == crime.c.offence_code))
            .where(crime.c.crime_ref == crime_ref)).mappings().first()
        # Unknown and out-of-scope references answer alike, so probing reveals nothing.
        if c is None:
            raise AccessDenied("crime not available to this actor")
        if not may_read_crime(store, actor, c["team_id"], c["oic_id"]):
            raise AccessDenied("crime outside the actor's scope")
        people = conn.execute(
            select(crime_person.c.role, crime_person.c.enhanced_rights, crime_person.c.suspect_status,
                   crime_person.c.arrested_on, crime_person.c.relationship, person.c.forename,
                   person.c.surname, person.c.dob)
            .select_from(crime_person.join(person, person.c.id == crime_person.c.person_id))
            .where(crime_person.c.crime_id == c["id"])
            .order_by(crime_person.c.role, person.c.surname)).mappings().all()
        links = conn.execute(
            select(crime.c.crime_ref, crime.c.status, crime.c.team_id, crime.c.oic_id, crime_link.c.reason,
                   offence.c.name.label("offence_name"))
            .select_from(crime_link.join(crime, or_(
                (crime_link.c.crime_id == c["id"]) & (crime.c.id == crime_link.c.linked_crime_id),
                (crime_link.c.linked_crime_id == c["id"]) & (crime.c.id == crime_link.c.crime_id)))
                .outerjoin(offence, offence.c.code == crime.c.offence_code))
            .where(or_(crime_link.c.crime_id == c["id"], crime_link.c.linked_crime_id == c["id"]))
        ).mappings().all()
        tasks = conn.execute(select(task).where(task.c.crime_id == c["id"])).mappings().all()
        # Sorted here, not in SQL: SQLite and PostgreSQL put missing dates at opposite ends.
        tasks = sorted(tasks, key=lambda t: t["completed_at"] or datetime.max, reverse=True)
        tasks = sorted(tasks, key=lambda t: (t["status"] != "open", t["due_date"] or date.max))
        bails = conn.execute(select(bail).where(bail.c.crime_id == c["id"])).mappings().all()
        write_audit(conn, actor, "read", "crime_record", crime_ref,
                    detail={"people": len(people), "tasks": len(tasks)})
    can_complete = may_complete(store, actor, c["oic_id"], c["team_id"])
    settings = store.settings
    return {
        "crime_ref": c["crime_ref"],
        "offence": c["offence_name"] or "Unclassified",
        "category": c["category"],
        "summary_only": bool(c["summary_only"]),
        "harm_days": c["harm_days"],
        "status": c["status"],
        "outcome_code": c["outcome_code"],
        "occurred_on": c["occurred_on"],
        "reported_at": c["reported_at"],
        "recorded_at": c["recorded_at"],
        "domestic_abuse": bool(c["domestic_abuse"]),
        "hate_crime": bool(c["hate_crime"]),
        "flags": c["flags"],
        "location": c["location"],
        "summary": c["summary"],
        "oic": tree.officer_names.get(c["oic_id"], "Unallocated"),
        "team": tree.units["name"].get(c["team_id"], ""),
        "people": [dict(p) for p in people],
        "links": [
            {"crime_ref": lk["crime_ref"], "reason": lk["reason"], "status": lk["status"],
             "offence": lk["offence_name"] or "Unclassified",
             "in_scope": may_read_crime(store, actor, lk["team_id"], lk["oic_id"])}
            for lk in links
        ],
        "bail": [dict(b) for b in bails],
        "tasks": [
            {
                "id": t["id"], "kind": t["kind"],
                "label": CATEGORY_BY_ID[t["kind"]].label if t["kind"] in CATEGORY_BY_ID else t["kind"],
                "rule_id": t["rule_id"], "rule": _explain(t["rule_id"], t["detail"], settings),
                "due_date": t["due_date"], "amber_days": _amber_days(t["kind"], settings),
                "detail": t["detail"], "status": t["status"],
                "completed_at": t["completed_at"], "completion": t["completion"],
                "actions": _actions(t, store.today(), settings) if t["status"] == "open" and can_complete else [],
            }
            for t in tasks
        ],
        "can_complete": can_complete,
    }


def _actions(t, today, settings) -> list:
    """Completion buttons for an open task that needs action now.

    Work not yet due offers no button, so a second tap after completing a task cannot complete the
    follow-on task that appears in its place. Lapsed bail cannot be extended, only recorded as ended.
    """
    actions = COMPLETIONS.get(t["kind"], [])
    if t["due_date"] is not None and (t["due_date"] - today).days > _amber_days(t["kind"], settings):
        return []
    if t["kind"] == "bail" and t["due_date"] is not None and t["due_date"] < today:
        actions = [a for a in actions if a[0] != "bail_extended"]
    return actions


def _amber_days(kind: str, settings) -> int:
    """Days before its due date that work turns amber and its completion is offered (bail warns earlier)."""
    return settings.bail_warning_days if kind == "bail" else settings.due_soon_days


def _explain(rule_id: str, detail: str, settings) -> str:
    try:
        return explain(rule_id, settings)
    except KeyError:
        # CDI and detection-mismatch explanations travel in the task's detail text.
        return detail

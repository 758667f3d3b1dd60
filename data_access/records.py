"""One crime record with its people, links and tasks, for the record panel (an audited read)."""

from datetime import date, datetime
from urllib.parse import quote

from sqlalchemy import or_, select

from data_access.actor import Actor
from data_access.audit import write_audit
from data_access.errors import AccessDenied, BadRequest
from data_access.org import load_tree
from data_access.permissions import allowed, may_complete_any, offered_actions, relation, withheld_reasons
from data_access.schema import bail, crime, crime_link, crime_person, offence, person, task
from data_access.schema_events import crime_event
from data_access.scope import record_team_ids
from scoring.categories import CATEGORY_BY_ID
from scoring.deadlines import explain
from scoring.duties import action_window_days


def may_read_crime(store, actor: Actor, team_id: int, oic_id: int | None) -> bool:
    """True when the crime sits in the actor's own command, or the actor is its OIC."""
    if actor.officer_id is not None and oic_id == actor.officer_id:
        resource = True
    else:
        resource = team_id in record_team_ids(store, actor)
    return allowed(actor, "record.read", resource)


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
        held = {e["id"]: e for e in conn.execute(
            select(crime_event.c.id, crime_event.c.origin, crime_event.c.reconciliation)
            .where(crime_event.c.crime_id == c["id"])).mappings().all()}
        write_audit(conn, actor, "read", "crime_record", crime_ref,
                    detail={"people": len(people), "tasks": len(tasks)})
    settings = store.settings
    today = store.today()
    rel = relation(store, actor, c["oic_id"], c["team_id"])
    can_complete = may_complete_any(store, actor, c["oic_id"], c["team_id"])
    bail_by_id = {b["id"]: b for b in bails}
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
            _task_entry(store, actor, t, bail_by_id.get(t["bail_id"]), today, settings, rel) | {
                "held_by": held_by(t, held)} for t in tasks
        ],
        "can_complete": can_complete,
        "source_url": source_record_url(settings, c["crime_ref"]),
    }


def source_record_url(settings, crime_ref: str) -> str | None:
    """The crime's page in the force's records system, from the configured template; None when unset."""
    template = settings.crime_record_url
    return template.replace("{crime_ref}", quote(crime_ref, safe="")) if template else None


def held_by(t, held: dict) -> str | None:
    """Which system holds a done task's completion, in words, so nobody keys it twice unknowingly."""
    if t["status"] == "open":
        return None
    e = held.get(t["event_id"])
    if e is None:
        return "closed with the crime" if t["completion"] == "crime_finalised" else None
    if e["origin"] == "source":
        return "recorded in the records system"
    return {"pending": "recorded in Beacon; not yet in the records system",
            "missing": "recorded in Beacon; still not in the records system: key it there",
            "contradicted": "recorded in Beacon; the records system says otherwise: check it",
            "confirmed": "recorded in Beacon and in the records system"}.get(e["reconciliation"],
                                                                           "recorded in Beacon")


def _task_entry(store, actor, t, bail_row, today, settings, rel) -> dict:
    """One task for the panel, with the buttons this reader may press and who signs off the rest."""
    actions = offered_actions(store, actor, t, bail_row, today, settings, rel)
    return {
        "id": t["id"], "kind": t["kind"], "oic_id": t["oic_id"],
        "label": CATEGORY_BY_ID[t["kind"]].label if t["kind"] in CATEGORY_BY_ID else t["kind"],
        "rule_id": t["rule_id"], "rule": _explain(t["rule_id"], t["detail"], settings),
        "due_date": t["due_date"], "detail": t["detail"], "status": t["status"],
        "completed_at": t["completed_at"], "completion": t["completion"],
        "actions": actions,
        "needs": withheld_reasons(t, bail_row, settings, actions) if t["status"] == "open" else [],
        "amber_days": action_window_days(t["kind"], settings),
    }


def _explain(rule_id: str, detail: str, settings) -> str:
    try:
        return explain(rule_id, settings)
    except KeyError:
        # CDI and detection-mismatch explanations travel in the task's detail text.
        return detail

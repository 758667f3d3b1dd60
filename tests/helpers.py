"""Small lookups over the generated demo force, for tests."""

from sqlalchemy import and_, select

from data_access.accounts import load_actor
from data_access.schema import crime, officer, task, user_account


def actor_for(store, username: str):
    """The Actor of a demo account."""
    with store.engine.connect() as conn:
        uid = conn.execute(select(user_account.c.id).where(user_account.c.username == username)).scalar_one()
    return load_actor(store, uid)


def open_task_of(store, oic_id: int, kind: str | None = None) -> dict:
    """The most urgent open task on a crime whose OIC is oic_id (undated last, then by id, on both databases)."""
    cond = and_(task.c.status == "open", task.c.oic_id == oic_id)
    if kind:
        cond = and_(cond, task.c.kind == kind)
    with store.engine.connect() as conn:
        row = conn.execute(select(task, crime.c.crime_ref).select_from(task.join(crime, crime.c.id == task.c.crime_id))
                           .where(cond).order_by(task.c.due_date.asc().nulls_last(), task.c.id).limit(1)).mappings().first()
    assert row is not None, f"no open task for officer {oic_id}"
    return dict(row)


def crime_of(store, oic_id: int) -> str:
    """A crime reference whose OIC is oic_id."""
    with store.engine.connect() as conn:
        return conn.execute(select(crime.c.crime_ref).where(crime.c.oic_id == oic_id).order_by(crime.c.id).limit(1)).scalar_one()


def team_of(store, officer_id: int) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(officer.c.team_id).where(officer.c.id == officer_id)).scalar_one()


def task_status(store, task_id: int) -> str:
    with store.engine.connect() as conn:
        return conn.execute(select(task.c.status).where(task.c.id == task_id)).scalar_one()


def put_on_bail(store, t: dict, stage: str, arrested_on, ends) -> dict:
    """Rewrite the events of a bail task's suspect so bail sits at this stage ending on `ends`; the task then."""
    from datetime import datetime, time

    from data_access.schema import bail
    from data_access.schema_events import crime_event
    from data_access.task_derivation import derive_tasks
    from scoring.bail import stages_for

    with store.engine.begin() as conn:
        person = conn.execute(select(bail.c.person_id).where(bail.c.id == t["bail_id"])).scalar_one()
        conn.execute(crime_event.delete().where(
            (crime_event.c.crime_id == t["crime_id"]) & (crime_event.c.person_id == person) &
            crime_event.c.kind.in_(["arrest", "bail_granted", "bail_extended", "bail_ended", "rui", "fts"])))
        steps = [s.id for s in stages_for(arrested_on, store.settings)]
        path = steps[:steps.index(stage) + 1]
        at = datetime.combine(arrested_on, time(10))
        rows = [{"kind": "arrest", "stage": None, "ends_on": None}]
        rows += [{"kind": "bail_granted" if i == 0 else "bail_extended", "stage": s,
                  "ends_on": ends if i == len(path) - 1 else None} for i, s in enumerate(path)]
        for i, r in enumerate(rows):
            conn.execute(crime_event.insert().values(
                crime_id=t["crime_id"], at=at.replace(minute=i), person_id=person, origin="source",
                source_ref=f"TEST/{t['crime_id']}/{person}/{i}", recorded_at=at, **r))
        derive_tasks(conn, store.settings, store.today(), [t["crime_id"]])
        row = conn.execute(select(task, crime.c.crime_ref).select_from(task.join(crime, crime.c.id == task.c.crime_id))
                           .where((task.c.crime_id == t["crime_id"]) & (task.c.kind == "bail") & (task.c.status == "open") &
            (task.c.bail_id.in_(select(bail.c.id).where(bail.c.person_id == person))))).mappings().one()
    return dict(row)

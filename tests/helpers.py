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

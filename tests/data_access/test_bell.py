"""The navbar bell counts what the reader may act on, and no one is told to do what is not theirs."""

from datetime import timedelta

from sqlalchemy import func, select, update

from data_access.schema import crime, task
from data_access.store import bump_officer_versions, bump_team_versions, bump_version
from data_access.worklist import bell_view, worklist_view
from tests.helpers import actor_for, open_task_of


def _reviews(view) -> dict:
    return next(b for b in view["badges"] if b["id"] == "supervisor_review")


def test_read_only_roles_have_a_quiet_bell(store):
    for username in ("analyst", "admin"):
        bell = bell_view(store, actor_for(store, username))
        assert bell["total"] == 0 and bell["state"] == "grey"


def test_an_officers_bell_leaves_out_the_reviews_of_their_own_work(store):
    officer = actor_for(store, "officer")
    view = worklist_view(store, officer, None)
    reviews = _reviews(view)
    assert reviews["overdue"] + reviews["due_soon"] > 0  # the demo officer has reviews owed on their cases
    bell = bell_view(store, officer)
    owed = sum(b["overdue"] + b["due_soon"] for b in view["badges"])
    assert bell["total"] == owed - reviews["overdue"] - reviews["due_soon"]


def _owed_reviews(store, **where) -> int:
    """Open reviews due within the amber window, on crimes matching where (column=value)."""
    cond = (task.c.kind == "supervisor_review") & (task.c.status == "open") & (
        task.c.due_date <= store.today() + timedelta(days=store.settings.due_soon_days))
    for column, value in where.items():
        cond = cond & (task.c[column] == value)
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(task).where(cond)).scalar_one()


def test_a_sergeants_bell_counts_the_teams_reviews_but_not_those_of_their_own_investigations(store):
    officer, sergeant = actor_for(store, "officer"), actor_for(store, "sergeant")
    team_owed = sum(b["overdue"] + b["due_soon"] for b in worklist_view(store, sergeant, None)["badges"])
    before = bell_view(store, sergeant)
    assert before["total"] == team_owed - _owed_reviews(store, oic_id=sergeant.officer_id)
    # Hand one of the officer's reviewed crimes to the sergeant: its review is no longer theirs to sign off.
    t = open_task_of(store, officer.officer_id, "supervisor_review")
    moved = _owed_reviews(store, crime_id=t["crime_id"])
    assert moved >= 1
    with store.engine.begin() as conn:
        conn.execute(update(crime).where(crime.c.id == t["crime_id"]).values(oic_id=sergeant.officer_id))
        conn.execute(update(task).where(task.c.crime_id == t["crime_id"]).values(oic_id=sergeant.officer_id))
        bump_version(conn)
        bump_team_versions(conn, [t["team_id"]])
        bump_officer_versions(conn, [officer.officer_id, sergeant.officer_id])
    after = bell_view(store, sergeant)
    assert sum(b["overdue"] + b["due_soon"] for b in worklist_view(store, sergeant, None)["badges"]) == team_owed
    assert after["total"] == before["total"] - moved

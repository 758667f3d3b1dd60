"""The navbar bell counts what the reader may act on, and no one is told to do what is not theirs."""

from datetime import timedelta

from sqlalchemy import func, select, update

from data_access.schema import crime, task
from data_access.store import bump_team_versions, bump_version
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


def test_a_sergeants_bell_counts_the_teams_reviews_but_not_those_of_their_own_investigations(store):
    officer, sergeant = actor_for(store, "officer"), actor_for(store, "sergeant")
    before = bell_view(store, sergeant)
    team_view = worklist_view(store, sergeant, None)
    assert before["total"] == sum(b["overdue"] + b["due_soon"] for b in team_view["badges"])
    # Hand one of the officer's reviewed crimes to the sergeant: its review is no longer theirs to sign off.
    t = open_task_of(store, officer.officer_id, "supervisor_review")
    with store.engine.begin() as conn:
        conn.execute(update(crime).where(crime.c.id == t["crime_id"]).values(oic_id=sergeant.officer_id))
        conn.execute(update(task).where(task.c.crime_id == t["crime_id"]).values(oic_id=sergeant.officer_id))
        bump_version(conn)
        bump_team_versions(conn, [t["team_id"]])
    after = bell_view(store, sergeant)
    team_after = worklist_view(store, sergeant, None)
    assert sum(b["overdue"] + b["due_soon"] for b in team_after["badges"]) == before["total"]
    with store.engine.connect() as conn:
        owed_reviews = conn.execute(select(func.count()).select_from(task).where(
            (task.c.crime_id == t["crime_id"]) & (task.c.kind == "supervisor_review") & (task.c.status == "open")
            & (task.c.due_date <= store.today() + timedelta(days=store.settings.due_soon_days)))).scalar_one()
    assert owed_reviews >= 1
    assert after["total"] == before["total"] - owed_reviews

"""Duties no one can sign off for themselves: reviews by a supervisor, bail extensions by PACE rank."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from data_access.errors import AccessDenied
from data_access.records import get_record
from data_access.schema import audit_log, bail, crime, task
from data_access.tasks import complete_task
from tests.helpers import actor_for, open_task_of, put_on_bail, task_status

# The demo force's chain above `officer` (a PC): sergeant (PS), inspector (Insp), a chief inspector,
# leader (Supt), and the force's assistant chief constable, who signs in with collar 2978.
ACC = "2978"


def _audits(store, action=None) -> int:
    q = select(func.count()).select_from(audit_log)
    if action:
        q = q.where(audit_log.c.action == action)
    with store.engine.connect() as conn:
        return conn.execute(q).scalar_one()


def _panel_task(store, actor, t) -> dict:
    record = get_record(store, actor, t["crime_ref"])
    return next(x for x in record["tasks"] if x["id"] == t["id"])


def _bail_task(store, stage: str, arrested_on: date) -> dict:
    """The officer's first bail task, its suspect's bail put at this stage of the scheme, ending in 3 days."""
    officer = actor_for(store, "officer")
    t = open_task_of(store, officer.officer_id, "bail")
    return put_on_bail(store, t, stage, arrested_on, store.today() + timedelta(days=3))


def test_officer_is_offered_no_review_of_their_own_investigation_and_cannot_force_one(store):
    officer = actor_for(store, "officer")
    t = open_task_of(store, officer.officer_id, "supervisor_review")
    panel = _panel_task(store, officer, t)
    assert panel["actions"] == []
    assert any("never the officer in charge" in words for words in panel["needs"])
    with pytest.raises(AccessDenied):
        complete_task(store, officer, t["id"], "review_done")
    assert task_status(store, t["id"]) == "open"


def test_sergeant_reviewing_a_crime_they_are_in_charge_of_is_refused(store):
    officer, sergeant = actor_for(store, "officer"), actor_for(store, "sergeant")
    t = open_task_of(store, officer.officer_id, "supervisor_review")
    with store.engine.begin() as conn:
        conn.execute(update(crime).where(crime.c.id == t["crime_id"]).values(oic_id=sergeant.officer_id))
        conn.execute(update(task).where(task.c.crime_id == t["crime_id"]).values(oic_id=sergeant.officer_id))
    assert _panel_task(store, sergeant, t)["actions"] == []
    with pytest.raises(AccessDenied):
        complete_task(store, sergeant, t["id"], "review_done")
    # Their inspector may review it.
    assert complete_task(store, actor_for(store, "inspector"), t["id"], "review_done")["status"] == "done"


def test_staff_and_constables_in_the_chain_cannot_review(store):
    officer = actor_for(store, "officer")
    t = open_task_of(store, officer.officer_id, "supervisor_review")
    for username in ("officer2", "staff", "analyst", "admin"):
        with pytest.raises(AccessDenied):
            complete_task(store, actor_for(store, username), t["id"], "review_done")
    assert task_status(store, t["id"]) == "open"


@pytest.mark.parametrize("stage, arrested_on, refused, allowed", [
    # 2022 scheme: an inspector extends from the initial period (s47ZD) ...
    ("initial", date(2026, 9, 1), ["officer", "sergeant"], "inspector"),
    # ... a superintendent from the first extension (s47ZDA) ...
    ("first_extension", date(2026, 3, 1), ["sergeant", "inspector", "4541"], "leader"),
    # ... a commander or assistant chief constable from the second (s47ZDB).
    ("second_extension", date(2026, 1, 5), ["inspector", "leader"], ACC),
    # 2017 scheme: the one extension needs a superintendent.
    ("initial", date(2022, 6, 1), ["sergeant", "inspector"], "leader"),
])
def test_bail_extension_needs_the_rank_pace_names_and_records_who_authorised_it(
        store, stage, arrested_on, refused, allowed):
    t = _bail_task(store, stage, arrested_on)
    for username in refused:
        actor = actor_for(store, username)
        assert "bail_extended" not in {a for a, _ in _panel_task(store, actor, t)["actions"]}
        with pytest.raises(AccessDenied):
            complete_task(store, actor, t["id"], "bail_extended")
    assert task_status(store, t["id"]) == "open"
    authoriser = actor_for(store, allowed)
    assert "bail_extended" in {a for a, _ in _panel_task(store, authoriser, t)["actions"]}
    assert complete_task(store, authoriser, t["id"], "bail_extended")["status"] == "done"
    with store.engine.connect() as conn:
        b = conn.execute(select(bail).where(bail.c.id == t["bail_id"])).mappings().one()
        detail = conn.execute(select(audit_log.c.detail).where(
            (audit_log.c.object_type == "task") & (audit_log.c.object_id == str(t["id"])))).scalar_one()
    assert b["authorised_by"] == authoriser.officer_id and b["authorised_rank"] == authoriser.rank
    assert '"authorised_by"' in detail


def test_officer_may_still_record_bail_ended(store):
    t = _bail_task(store, "initial", date(2026, 9, 1))
    officer = actor_for(store, "officer")
    assert [a for a, _ in _panel_task(store, officer, t)["actions"]] == ["bail_ended"]
    assert complete_task(store, officer, t["id"], "bail_ended")["status"] == "done"


def test_past_the_complex_stage_only_a_court_extends(store):
    t = _bail_task(store, "complex", date(2025, 12, 1))
    acc = actor_for(store, ACC)
    panel = _panel_task(store, acc, t)
    assert "bail_extended" not in {a for a, _ in panel["actions"]}
    assert any("magistrates' court" in words for words in panel["needs"])
    with pytest.raises(AccessDenied):
        complete_task(store, acc, t["id"], "bail_extended")


def test_work_not_yet_due_offers_no_button_and_a_forged_completion_is_refused(store):
    officer = actor_for(store, "officer")
    t = open_task_of(store, officer.officer_id, "victim_contact")
    later = store.today() + timedelta(days=store.settings.due_soon_days + 10)
    with store.engine.begin() as conn:
        conn.execute(update(task).where(task.c.id == t["id"]).values(due_date=later))
    assert _panel_task(store, officer, t)["actions"] == []
    with pytest.raises(AccessDenied):
        complete_task(store, officer, t["id"], "victim_contacted")
    assert task_status(store, t["id"]) == "open"
    # Once it falls within the amber window the button appears and the completion is accepted.
    soon = store.today() + timedelta(days=store.settings.due_soon_days)
    with store.engine.begin() as conn:
        conn.execute(update(task).where(task.c.id == t["id"]).values(due_date=soon))
    assert _panel_task(store, officer, t)["actions"]
    assert complete_task(store, officer, t["id"], "victim_contacted")["status"] == "done"

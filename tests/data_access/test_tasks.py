"""Completing tasks: transaction, audit, idempotency, chain of command, follow-on deadlines."""

import pytest
from sqlalchemy import func, select

from data_access.errors import AccessDenied, BadRequest
from data_access.records import get_record
from data_access.schema import audit_log, task
from data_access.tasks import complete_task
from data_access.worklist import worklist_view
from scoring.categories import COMPLETIONS
from tests.helpers import actor_for, crime_of, open_task_of, task_status


def _audit_count(store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(audit_log)).scalar_one()


def test_sergeant_completes_the_officers_review_once(store):
    officer = actor_for(store, "officer")
    sergeant = actor_for(store, "sergeant")
    t = open_task_of(store, officer.officer_id, "supervisor_review")
    before = worklist_view(store, officer, None)
    audits = _audit_count(store)
    result = complete_task(store, sergeant, t["id"], "review_done")
    assert result["status"] == "done"
    assert task_status(store, t["id"]) == "done"
    assert _audit_count(store) == audits + 1
    # A double tap records once.
    assert complete_task(store, sergeant, t["id"], "review_done")["status"] == "already_done"
    assert _audit_count(store) == audits + 1
    after = worklist_view(store, officer, None)
    b_before = next(b for b in before["badges"] if b["id"] == "supervisor_review")
    b_after = next(b for b in after["badges"] if b["id"] == "supervisor_review")
    # The completed review is replaced by the next periodic one, which is not yet due.
    assert b_after["overdue"] + b_after["due_soon"] <= b_before["overdue"] + b_before["due_soon"]
    with store.engine.connect() as conn:
        follow = conn.execute(select(task).where(task.c.id == result["follow_on"])).mappings().one()
    assert follow["rule_id"] == "REV-PERIODIC" and follow["status"] == "open"


def test_sergeant_in_chain_of_command_may_complete(store):
    officer = actor_for(store, "officer")
    sergeant = actor_for(store, "sergeant")
    t = open_task_of(store, officer.officer_id, "victim_contact")
    assert complete_task(store, sergeant, t["id"], "victim_contacted")["status"] == "done"


def test_peer_may_not_complete_and_nothing_is_written(store):
    officer = actor_for(store, "officer")
    peer = actor_for(store, "officer2")
    t = open_task_of(store, officer.officer_id, "victim_contact")
    audits = _audit_count(store)
    with pytest.raises(AccessDenied):
        complete_task(store, peer, t["id"], "victim_contacted")
    assert task_status(store, t["id"]) == "open"
    assert _audit_count(store) == audits


@pytest.mark.parametrize("username", ["analyst", "admin", "staff"])
def test_roles_outside_the_chain_may_not_complete(store, username):
    officer = actor_for(store, "officer")
    t = open_task_of(store, officer.officer_id, "victim_contact")
    with pytest.raises(AccessDenied):
        complete_task(store, actor_for(store, username), t["id"], "victim_contacted")


@pytest.mark.parametrize("bad_id", [0, -1, "abc", None, 1.5, True, [1], 10**12])
def test_bad_task_ids(store, bad_id):
    officer = actor_for(store, "officer")
    # Malformed ids are refused as bad requests; unknown ones exactly like another team's task.
    with pytest.raises((BadRequest, AccessDenied)):
        complete_task(store, officer, bad_id, "review_done")


def test_wrong_action_for_kind(store):
    officer = actor_for(store, "officer")
    t = open_task_of(store, officer.officer_id, "supervisor_review")
    with pytest.raises(BadRequest):
        complete_task(store, officer, t["id"], "bail_extended")
    assert task_status(store, t["id"]) == "open"


def test_lapsed_bail_cannot_be_extended(store):
    from sqlalchemy import update

    officer = actor_for(store, "officer")
    t = open_task_of(store, officer.officer_id, "bail")
    with store.engine.begin() as conn:
        conn.execute(update(task).where(task.c.id == t["id"]).values(due_date=store.today().replace(year=2020)))
    with pytest.raises(BadRequest):
        complete_task(store, actor_for(store, "inspector"), t["id"], "bail_extended")
    assert task_status(store, t["id"]) == "open"
    assert complete_task(store, officer, t["id"], "bail_ended")["status"] == "done"


def test_bail_can_be_extended_from_its_warning_date(store):
    """Bail is due soon bail_warning_days (14) before it ends: amber in the panel, its completion offered."""
    from datetime import timedelta

    from dash import html
    from sqlalchemy import update

    from components.record import record_body

    officer = actor_for(store, "officer")
    t = open_task_of(store, officer.officer_id, "bail")

    def shown(days_left):
        with store.engine.begin() as conn:
            conn.execute(update(task).where(task.c.id == t["id"]).values(
                due_date=store.today() + timedelta(days=days_left)))
        record = get_record(store, officer, t["crime_ref"])
        row = next(c for c in html.Div(record_body(record, store.today()))._traverse()
                   if getattr(c, "id", None) == {"type": "task-row", "task": t["id"]})
        return next(x for x in record["tasks"] if x["id"] == t["id"]), row.className

    due_today, _ = shown(0)
    in_ten, panel = shown(10)
    assert in_ten["amber_days"] == store.settings.bail_warning_days == 14
    assert in_ten["actions"] == due_today["actions"]  # offered from the warning date, as when due today
    assert "task-due_soon" in panel  # amber in the record panel too
    in_fifteen, panel = shown(15)
    assert in_fifteen["actions"] == [] and "task-upcoming" in panel  # not yet due: no button


def test_record_read_is_scoped_and_audited(store):
    officer = actor_for(store, "officer")
    peer = actor_for(store, "officer2")
    ref = crime_of(store, officer.officer_id)
    audits = _audit_count(store)
    record = get_record(store, officer, ref)
    assert record["crime_ref"] == ref and record["can_complete"]
    assert _audit_count(store) == audits + 1
    with pytest.raises(AccessDenied):
        get_record(store, peer, ref)
    with pytest.raises(AccessDenied):
        get_record(store, officer, "NO/SUCH/REF")
    with pytest.raises(BadRequest):
        get_record(store, officer, {"crime_ref": ref})
    sergeant_view = get_record(store, actor_for(store, "sergeant"), ref)
    assert sergeant_view["can_complete"]
    admin_view = get_record(store, actor_for(store, "admin"), ref)
    assert not admin_view["can_complete"]
    assert all(not t["actions"] for t in admin_view["tasks"])


def test_inspector_compares_the_bcu_but_opens_records_only_in_own_department(store):
    from sqlalchemy import select

    from data_access.org import load_tree
    from data_access.schema import crime
    from data_access.scope import allowed_scopes, record_team_ids

    inspector = actor_for(store, "inspector")
    assert any(s.level == "bcu" for s in allowed_scopes(store, inspector))
    own = record_team_ids(store, inspector)
    bcu_teams = next(s for s in allowed_scopes(store, inspector) if s.level == "bcu").team_ids
    outside = sorted(bcu_teams - own)
    assert outside and own
    with store.engine.connect() as conn:
        foreign = conn.execute(select(crime.c.crime_ref).where(crime.c.team_id == outside[0]).limit(1)).scalar_one()
    with pytest.raises(AccessDenied):
        get_record(store, inspector, foreign)
    assert load_tree(store)


def test_unallocated_crime_can_be_completed_by_its_team_supervisor(store):
    from sqlalchemy import update

    officer = actor_for(store, "officer")
    t = open_task_of(store, officer.officer_id, "victim_contact")
    with store.engine.begin() as conn:
        conn.execute(update(task).where(task.c.crime_id == t["crime_id"]).values(oic_id=None))
    with pytest.raises(AccessDenied):
        complete_task(store, officer, t["id"], "victim_contacted")
    assert complete_task(store, actor_for(store, "sergeant"), t["id"], "victim_contacted")["status"] == "done"


def test_a_completion_makes_stale_only_the_views_that_hold_its_team(store, monkeypatch):
    import data_access.worklist as worklist

    officer, inspector = actor_for(store, "officer"), actor_for(store, "inspector")
    t = open_task_of(store, officer.officer_id, "victim_contact")
    own_team = f"team:{t['team_id']}"
    other_team = next(c["value"] for c in worklist.scope_choices(store, inspector)
                      if c["value"].startswith("team:") and c["value"] != own_team)
    department = worklist.scope_choices(store, inspector)[0]["value"]
    for scope in (own_team, other_team, department):
        worklist_view(store, inspector, scope)  # cached now
    computed = []
    real = worklist._summarise
    monkeypatch.setattr(worklist, "_summarise", lambda st, scope, version: computed.append(scope.value) or real(st, scope, version))
    assert complete_task(store, officer, t["id"], COMPLETIONS[t["kind"]][0][0])["status"] == "done"
    worklist_view(store, inspector, other_team)
    assert computed == []  # another team's view is still good
    worklist_view(store, inspector, own_team)
    worklist_view(store, inspector, department)
    assert computed == [own_team, department]  # the views holding the team are worked out afresh


def test_a_completion_keeps_the_organisation_tree_in_memory(store):
    from data_access.org import load_tree

    officer = actor_for(store, "officer")
    tree = load_tree(store)
    t = open_task_of(store, officer.officer_id, "victim_contact")
    complete_task(store, officer, t["id"], COMPLETIONS[t["kind"]][0][0])
    assert load_tree(store) is tree  # no unit or officer changed

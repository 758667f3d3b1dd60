"""Productivity and availability reads on real SQLite and PostgreSQL: access, audit, feedback, generator."""

import pytest
from sqlalchemy import func, select

from data_access.errors import AccessDenied, BadRequest
from data_access.feedback import answer_feedback, feedback_queue, my_feedback, submit_feedback
from data_access.org import load_tree
from data_access.productivity import availability_for, force_frames, may_view_availability, productivity_for, team_view
from data_access.schema import audit_log
from data_access.schema_productivity import (
    core_skill,
    duty_restriction,
    figure_feedback,
    officer_activity,
    psd_matter,
    team_establishment,
)
from tests.helpers import actor_for


def _count(store, table, *where):
    with store.engine.connect() as conn:
        stmt = select(func.count()).select_from(table)
        return conn.execute(stmt.where(*where) if where else stmt).scalar_one()


def test_generator_filled_the_new_tables(store):
    for table in (officer_activity, duty_restriction, psd_matter, core_skill, team_establishment):
        assert _count(store, table) > 0, table.name
    # 12 months of activity for officers only.
    with store.engine.connect() as conn:
        first, last = conn.execute(select(func.min(officer_activity.c.occurred_at),
                                          func.max(officer_activity.c.occurred_at))).one()
    assert (last - first).days > 300


def test_own_figures_and_audit(store):
    officer = actor_for(store, "officer")
    before = _count(store, audit_log, audit_log.c.object_type == "availability")
    view = availability_for(store, officer, officer.officer_id)
    assert 0 <= view["score"] <= 100 and len(view["criteria"]) == 10
    assert _count(store, audit_log, audit_log.c.object_type == "availability") == before + 1
    prod = productivity_for(store, officer, officer.officer_id)
    assert prod["applicable"] and {m["id"] for m in prod["metrics"]} >= {"arrests", "pirs", "positive_outcomes"}


def test_staff_have_no_productivity_but_own_availability(store):
    staff = actor_for(store, "staff")
    assert productivity_for(store, staff, staff.officer_id)["applicable"] is False
    assert availability_for(store, staff, staff.officer_id)["officer_id"] == staff.officer_id


@pytest.mark.parametrize("username, allowed", [
    ("officer", True), ("sergeant", True), ("inspector", True), ("leader", True),
    ("officer2", False), ("staff", False), ("analyst", False), ("admin", False),
])
def test_availability_access_matrix(store, username, allowed):
    target = actor_for(store, "officer").officer_id
    actor = actor_for(store, username)
    assert may_view_availability(store, actor, target) is allowed
    if allowed:
        availability_for(store, actor, target)
    else:
        with pytest.raises(AccessDenied, match=f"availability of officer {target} "):
            availability_for(store, actor, target)


def test_police_staff_see_only_direct_reports(store):
    tree = load_tree(store)
    staff = actor_for(store, "staff")
    manager = tree.manager_of[staff.officer_id]
    # Staff never see their own manager or peers, and a staff actor's chain rule is direct reports only.
    assert not may_view_availability(store, staff, manager)
    from dataclasses import replace

    # A police-staff manager of the sergeant's team (hypothetical) may see direct reports only.
    sergeant = actor_for(store, "sergeant")
    as_staff = replace(sergeant, role="staff", rank="staff")
    direct = next(i for i, m in tree.manager_of.items() if m == sergeant.officer_id)
    assert may_view_availability(store, as_staff, direct)
    inspector_staff = replace(actor_for(store, "inspector"), role="staff", rank="staff")
    assert not may_view_availability(store, inspector_staff, actor_for(store, "officer").officer_id)


def test_team_view_never_ranks_and_audits(store):
    sergeant = actor_for(store, "sergeant")
    view = team_view(store, sergeant, None)
    assert len(view["rows"]) >= 5
    assert all(r["availability"] is not None for r in view["rows"])
    assert _count(store, audit_log, audit_log.c.object_type == "availability_team") == 1
    # Rows arrive in surname order, never by availability.
    names = [r["officer"].split(" ")[-1] for r in view["rows"]]
    assert names == sorted(names)


def test_officers_and_staff_see_their_own_teams_output_and_no_ones_availability(store):
    tree = load_tree(store)
    for username in ("officer", "staff"):
        actor = actor_for(store, username)
        view = team_view(store, actor, None)
        team = tree.unit(actor.scope_unit_id)
        assert view["scope_value"] == f"team:{actor.scope_unit_id}" and team["name"] in view["scope_label"]
        assert view["rows"] and not view["availability_shown"]
        assert all(r["availability"] is None and r["deployable"] == "Restricted" for r in view["rows"])
        assert all(t["availability"] is None for t in view["by_team"])
        names = [r["officer"].split(" ")[-1] for r in view["rows"]]
        assert names == sorted(names)  # never ranked
        # Another team, a wider scope or the worklist's own scope are refused outright.
        for scope in ("mine", "force:1", f"bcu:{team['bcu_id']}"):
            with pytest.raises(AccessDenied):
                team_view(store, actor, scope)


def test_feedback_round_trip(store):
    officer, sergeant, admin = (actor_for(store, u) for u in ("officer", "sergeant", "admin"))
    generated = _count(store, figure_feedback)
    assert generated > 0  # the generator leaves a few items for the administrators' queue
    assert feedback_queue(store, sergeant).empty  # none on the demo sergeant's line
    first = submit_feedback(store, officer, "arrests", "Missed an arrest on Tuesday", "p")
    again = submit_feedback(store, officer, "arrests", "Missed an arrest on Tuesday", "p")
    assert first["created"] and not again["created"] and first["id"] == again["id"]
    assert _count(store, audit_log, audit_log.c.object_type == "figure_feedback") == 1
    queue = feedback_queue(store, sergeant)
    assert first["id"] in set(queue["id"])
    assert first["id"] in set(feedback_queue(store, admin)["id"])
    assert feedback_queue(store, actor_for(store, "officer2")).empty
    with pytest.raises(BadRequest):
        answer_feedback(store, sergeant, first["id"], "rejected", "")
    with pytest.raises(AccessDenied):
        answer_feedback(store, actor_for(store, "officer2"), first["id"], "accepted", None)
    assert answer_feedback(store, sergeant, first["id"], "rejected", "Custody shows one arrest")["changed"]
    assert not answer_feedback(store, sergeant, first["id"], "rejected", "Custody shows one arrest")["changed"]
    with pytest.raises(BadRequest):
        answer_feedback(store, admin, first["id"], "accepted", None)
    mine = my_feedback(store, officer)
    row = mine[mine["id"] == first["id"]].iloc[0]
    assert row["status"] == "rejected" and row["reason"] == "Custody shows one arrest"
    assert _count(store, audit_log, audit_log.c.object_type == "figure_feedback") == 2
    assert _count(store, figure_feedback) == generated + 1


@pytest.mark.parametrize("metric, message", [("salary", "x"), ("arrests", ""), ("arrests", "x" * 1001),
                                              ("arrests", 42)])
def test_feedback_validation(store, metric, message):
    with pytest.raises(BadRequest):
        submit_feedback(store, actor_for(store, "officer"), metric, message, "p")


def test_unknown_feedback_answers_like_forbidden(store):
    with pytest.raises(AccessDenied):
        answer_feedback(store, actor_for(store, "sergeant"), 999_999, "accepted", None)


def test_force_frames_score_every_officer(store):
    frames = force_frames(store)
    avail = frames["availability"]
    assert avail["score"].between(0, 100).all() and len(avail) > 100
    assert not frames["daily"].empty


# ----- whose score can move when someone joins (docs/productivity.md, "What depends on colleagues") ---
COMPARED = ["score", "work_availability", "vacancy_rate"]


def _availability(store):
    return force_frames(store)["availability"]


def _join(store, team_id: int, *, staff=False, tutor_id=None) -> int:
    """A new officer (a student when tutor_id is given, police staff when staff) joins team_id today."""
    from data_access.schema import officer

    with store.engine.begin() as conn:
        force_id = conn.execute(select(officer.c.force_id).limit(1)).scalar_one()
        new_id = conn.execute(select(func.max(officer.c.id))).scalar_one() + 1
        conn.execute(officer.insert().values(
            id=new_id, collar=f"NEW{new_id}", forename="New", surname="Joiner", rank="staff" if staff else "PC",
            is_staff=staff, team_id=team_id, is_student=tutor_id is not None, tutor_id=tutor_id,
            start_date=store.today(), weekly_hours=40.0, force_id=force_id))
    return new_id


def _moved(before, after) -> set:
    after = after.loc[before.index, COMPARED]
    changed = ~((before[COMPARED] - after).abs() < 1e-12).all(axis=1)
    return set(before.index[changed.to_numpy()])


def _members(store, team_id) -> set:
    from data_access.schema import officer

    with store.engine.connect() as conn:
        return set(conn.execute(select(officer.c.id).where(officer.c.team_id == team_id)).scalars())


def _vacancies(store) -> dict:
    from data_access.productivity_inputs import vacancy_rates

    with store.engine.connect() as conn:
        return vacancy_rates(conn, None, store.today())


def test_a_joiner_moves_their_teams_scores_through_the_vacancy_rate_and_nobody_elses(store):
    team = next(t for t, rate in sorted(_vacancies(store).items()) if rate > 0)
    before = _availability(store)
    _join(store, team)
    after = _availability(store)
    team_members = _members(store, team) & set(before.index)
    assert _moved(before, after) == team_members
    members = sorted(team_members)
    assert (after.loc[members, "vacancy_rate"] < before.loc[members, "vacancy_rate"]).all()
    assert (after.loc[members, "work_availability"] == before.loc[members, "work_availability"]).all()


def test_joining_a_team_at_establishment_or_as_police_staff_moves_nobody(store):
    vacancy = _vacancies(store)
    full = next(t for t, rate in sorted(vacancy.items()) if rate == 0)  # at or over establishment
    short = next(t for t, rate in sorted(vacancy.items()) if rate > 0)
    before = _availability(store)
    _join(store, full)
    _join(store, short, staff=True)  # police staff are not warranted strength
    assert _moved(before, _availability(store)) == set()


def test_a_students_arrival_moves_only_their_tutor_and_only_the_first_time(store):
    team = next(t for t, rate in sorted(_vacancies(store).items()) if rate == 0)  # stays at establishment
    before = _availability(store)
    # A tutor with no student yet whose work availability is not capped at 1 even before the reduction.
    free = before[(~before["tutoring"].astype(bool)) & (before["work_availability"] > 0)
                  & (before["work_availability"] < 0.85)]
    tutor = int(free.index[0])
    _join(store, team, tutor_id=tutor)
    after = _availability(store)
    assert _moved(before, after) == {tutor}
    assert after.loc[tutor, "work_availability"] < before.loc[tutor, "work_availability"]
    _join(store, team, tutor_id=tutor)  # a second student: the reduction is a fixed share, taken once
    assert _moved(after, _availability(store)) == set()

"""The team view's rows and team totals, built from whole frames, equal the one-by-one construction they replaced."""

import pandas as pd
import pytest

from data_access import productivity as prod
from data_access.org import load_tree
from data_access.scope import resolve_scope
from data_access.worklist import scope_choices
from scoring import productivity as pr
from tests.helpers import actor_for


def _rows_one_by_one(offs, recent, rates, avail, tree, visible) -> list[dict]:
    """The previous implementation, kept as the reference."""
    rows = []
    for o in offs.itertuples():
        r = {"officer_id": int(o.id), "officer": f"{o.rank} {o.forename} {o.surname}",
             "team": tree.units["name"].get(o.team_id, "")}
        for m in pr.METRICS:
            r[m.id] = pr.as_float(recent.at[o.id, m.id])
            if m.rate:
                r[f"{m.id}_rate"] = pr.as_float(rates.at[o.id, m.id])
        if int(o.id) in visible:
            a = avail.loc[o.id]
            r["availability"] = float(a["score"])
            r["deployable"] = "Yes" if a["deployable"] else "No: " + a["reasons"]
        else:
            r["availability"] = None
            r["deployable"] = "Restricted"
        rows.append(r)
    return rows


def _by_team_one_by_one(recent, offs, tree, avail, visible) -> list:
    """The previous per-team implementation, kept as the reference."""
    frame = recent.copy()
    frame["team_id"] = offs.set_index("id")["team_id"].reindex(frame.index)
    out = []
    for team_id, grp in frame.groupby("team_id"):
        row = {"team_id": int(team_id), "team": tree.units["name"].get(team_id, ""), "officers": len(grp)}
        for m in pr.METRICS:
            vals = grp[m.id]
            value = vals.mean() if m.id.startswith("response") else vals.sum()
            row[m.id] = None if pd.isna(value) else round(float(value), 1)
        ids = {int(i) for i in grp.index}
        row["availability"] = round(float(avail.loc[list(ids), "score"].mean()), 1) if ids <= visible else None
        out.append(row)
    return out


def _typed(rows):
    return [[(k, type(v).__name__, v) for k, v in r.items()] for r in rows]


@pytest.mark.parametrize("username,level", [("sergeant", "team"), ("inspector", "department"),
                                            ("inspector", "bcu"), ("leader", "bcu")])
def test_rows_equal_the_one_by_one_construction(store, username, level):
    actor = actor_for(store, username)
    value = next(s["value"] for s in scope_choices(store, actor) if s["value"].startswith(level))
    view = prod.team_view(store, actor, value)
    # The same inputs team_view used, to build the reference rows from.
    tree = load_tree(store)
    teams = sorted(int(t) for t in resolve_scope(store, actor, value).team_ids)
    with store.engine.connect() as conn:
        offs = prod.inputs.officers(conn, team_ids=teams)
    offs = offs[~offs["is_staff"]].sort_values(["surname", "forename", "id"]).reset_index(drop=True)
    frames = prod.group_frames(store, offs, teams, "scope:" + resolve_scope(store, actor, value).key)
    avail = frames["availability"]
    recent, _year, rates = prod._productivity_rows(frames["daily"], offs, avail["available_hours"],
                                                   prod.periods(store))
    visible = {int(i) for i in offs["id"] if prod._may_view(tree, actor, int(i))}
    expected = _rows_one_by_one(offs, recent, rates, avail, tree, visible)
    assert len(expected) == len(view["rows"]) > 0
    assert _typed(view["rows"]) == _typed(expected)
    assert _typed(view["by_team"]) == _typed(_by_team_one_by_one(recent, offs, tree, avail, visible))
    # The view's trend and spread, from its cached per-day sums and totals, equal those of the daily frame.
    p = prod.periods(store)
    trend = pr.daily_trend(frames["daily"], offs["id"].tolist(), "incidents_attended", p["history_start"], p["end"],
                           prod.settings_of(store).trend_rolling_days)
    pd.testing.assert_frame_equal(view["trend"], trend, check_exact=True)
    pd.testing.assert_frame_equal(view["distribution"], pr.team_distribution(recent), check_exact=True)
    if (username, level) == ("inspector", "bcu"):
        # Both kinds of row occur: availability shown in the inspector's chain, restricted outside it.
        assert {r["deployable"] == "Restricted" for r in expected} == {True, False}
    if level == "bcu":
        assert any(r["response_emergency"] is None for r in expected)  # 'no data' rows are covered too


@pytest.mark.parametrize("username,level", [("sergeant", "team"), ("leader", "bcu")])
def test_availability_equals_that_computed_with_every_officer_read(store, monkeypatch, username, level):
    """Reading only the students whose tutors are in the group scores the group as reading everyone did."""
    actor = actor_for(store, username)
    value = next(s["value"] for s in scope_choices(store, actor) if s["value"].startswith(level))
    teams = sorted(int(t) for t in resolve_scope(store, actor, value).team_ids)
    with store.engine.connect() as conn:
        offs = prod.inputs.officers(conn, team_ids=teams)
    offs = offs[~offs["is_staff"]].sort_values(["surname", "forename", "id"]).reset_index(drop=True)
    avail = prod._compute_availability(store, offs, teams)
    if level == "bcu":
        assert avail["tutoring"].any()  # tutors are covered
    monkeypatch.setattr(prod, "_students_of",
                        lambda conn, _ids: prod.inputs.officers(conn)[["id", "is_student", "tutor_id"]])
    pd.testing.assert_frame_equal(avail, prod._compute_availability(store, offs, teams), check_exact=True)

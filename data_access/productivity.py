"""Productivity and availability reads with section access: availability only for the chain of command."""

from datetime import timedelta

import pandas as pd

from data_access import productivity_inputs as inputs
from data_access.actor import Actor
from data_access.audit import write_audit
from data_access.errors import AccessDenied, BadRequest
from data_access.permissions import allowed, require
from data_access.org import OrgTree, load_tree
from data_access.scope import pick_scope, productivity_scopes
from data_access.store import productivity_version
from scoring import availability as av
from scoring import productivity as pr
from scoring.settings_productivity import CRITERIA, DEFAULT_PRODUCTIVITY_SETTINGS, ProductivitySettings


def settings_of(store) -> ProductivitySettings:
    """The productivity settings in force (a store may carry its own; defaults otherwise)."""
    return getattr(store, "productivity_settings", None) or DEFAULT_PRODUCTIVITY_SETTINGS


def periods(store) -> dict:
    """The complete days measured: the availability window and the 12-month history, both to yesterday."""
    st = settings_of(store)
    today = store.today()
    end = today - timedelta(days=1)
    return {"today": today, "end": end, "window_start": today - timedelta(days=st.availability_window_days),
            "history_start": today - timedelta(days=st.productivity_history_days)}


# ----- section access -----------------------------------------------------------------------------
def _is_staff(tree: OrgTree, actor: Actor) -> bool:
    return actor.rank == "staff" or actor.role == "staff"


def _may_view(tree: OrgTree, actor: Actor, officer_id: int) -> bool:
    if actor.officer_id is None or officer_id is None or officer_id not in tree.manager_of:
        return False
    if officer_id == actor.officer_id:
        return True
    if _is_staff(tree, actor):
        return tree.manager_of.get(officer_id) == actor.officer_id
    return actor.officer_id in tree.chain_of_command(officer_id)


def may_view_availability(store, actor: Actor, officer_id: int) -> bool:
    """The officer, their chain of command; police staff only their own and their direct reports'."""
    return allowed(actor, "availability.read", _may_view(load_tree(store), actor, officer_id))


def _check_officer_id(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise BadRequest("officer id must be a whole number") from None


# ----- computation (cached by productivity version and the officer set) ------------------------------------
def _compute_daily(store, ids, history_start) -> pd.DataFrame:
    with store.engine.connect() as conn:
        raw = inputs.activity_inputs(conn, ids, history_start)
    return pr.daily_metrics(raw["deployments"], raw["arrests"], raw["activity"], raw["outcomes"],
                            store.settings.positive_outcomes)


def _compute_availability(store, offs: pd.DataFrame, team_ids) -> pd.DataFrame:
    st = settings_of(store)
    today = store.today()
    ids = offs["id"].tolist()
    with store.engine.connect() as conn:
        raw = inputs.availability_inputs(conn, ids, team_ids, today, st.availability_window_days)
        # Tutoring is a fact about the students, who may sit in another team: ask for them by tutor.
        tutored = _students_of(conn, ids)
    everyone = pd.concat([offs, tutored[~tutored["id"].isin(offs["id"])]], ignore_index=True)
    raw = av.prepare(raw)
    pieces = raw["pieces"]
    crit = av.availability_criteria(everyone, raw["shifts"], raw["leave"], raw["restrictions"], raw["training"],
                                    raw["psd"], raw["skills"], raw["vacancy"], today, st, pieces=pieces)
    crit = crit.loc[offs["id"].to_numpy()]
    scores = av.availability_scores(crit, st)
    dep = av.deployable(offs, raw["shifts"], raw["leave"], raw["training"], today, st, pieces=pieces) \
        .set_index("officer_id")
    return pd.concat([crit, scores, dep], axis=1)


def _students_of(conn, tutor_ids) -> pd.DataFrame:
    """Student officers (id, is_student, tutor_id) whose tutor is one of tutor_ids, in any team."""
    students = inputs.students(conn)
    return students[students["tutor_id"].isin([int(i) for i in tutor_ids])].reset_index(drop=True)


def _key(ids) -> str:
    return "officers:" + ",".join(str(i) for i in sorted(ids))


def _daily_frame(store, ids, key: str, version: str) -> pd.DataFrame:
    p = periods(store)
    return store.cache.get_or_compute("prod_daily", version, key,
                                      lambda: _compute_daily(store, ids, p["history_start"]),
                                      p["today"], store.settings.positive_outcomes)


def _availability_frame(store, offs: pd.DataFrame, team_ids, key: str, version: str) -> pd.DataFrame:
    return store.cache.get_or_compute("prod_avail", version, key,
                                      lambda: _compute_availability(store, offs, team_ids),
                                      store.today(), settings_of(store))


def group_frames(store, offs: pd.DataFrame, team_ids, key: str) -> dict:
    """Daily productivity and availability for a group of officers, memoised per productivity version."""
    ids = offs["id"].tolist()
    # Task completions write none of these inputs, so they do not make these frames stale.
    version = productivity_version(store)
    return {"daily": _daily_frame(store, ids, key, version),
            "availability": _availability_frame(store, offs, team_ids, key, version)}


def _compute_scope_figures(store, ids) -> dict:
    p = periods(store)
    daily = _compute_daily(store, ids, p["history_start"])
    return {"recent": pr.totals(daily, ids, p["window_start"], p["end"]), "days": pr.day_sums(daily, ids)}


def scope_frames(store, offs: pd.DataFrame, team_ids, key: str) -> dict:
    """A group's recent totals, per-day sums of every count metric and availability, memoised per
    productivity version: what the team view shows, without the officer-day rows behind it."""
    p = periods(store)
    ids = offs["id"].tolist()
    version = productivity_version(store)
    figures = store.cache.get_or_compute("prod_scope", version, key, lambda: _compute_scope_figures(store, ids),
                                         p["today"], store.settings.positive_outcomes, settings_of(store))
    return figures | {"availability": _availability_frame(store, offs, team_ids, key, version)}


def force_frames(store) -> dict:
    """Every officer's 12 months of daily productivity and availability score (benchmarks, analysts' exports)."""
    with store.engine.connect() as conn:
        offs = inputs.officers(conn)
    p = periods(store)
    daily = _compute_daily(store, None, p["history_start"])
    sworn = offs[~offs["is_staff"]]
    return {"daily": daily, "availability": _compute_availability_all(store, sworn)}


def _compute_availability_all(store, offs):
    return _compute_availability(store, offs, None)


# ----- presentation-ready reads --------------------------------------------------------------------
def _productivity_rows(daily, offs, avail_hours, p) -> pd.DataFrame:
    ids = offs["id"].tolist()
    recent = pr.totals(daily, ids, p["window_start"], p["end"])
    year = pr.totals(daily, ids, p["history_start"], p["end"])
    rates = pr.per_hour(recent, avail_hours)
    return recent, year, rates


def _metric_rows(recent, year, rates, officer_id) -> list[dict]:
    rows = []
    for m in pr.METRICS:
        rows.append({"id": m.id, "label": m.label, "method": m.method, "source": m.source,
                     "recent": pr.as_float(recent.at[officer_id, m.id]),
                     "year": pr.as_float(year.at[officer_id, m.id]),
                     "rate": pr.as_float(rates.at[officer_id, m.id]) if m.rate else None})
    return rows


def _availability_detail(row) -> dict:
    return {
        "score": float(row["score"]),
        "deployable": bool(row["deployable"]),
        "reasons": row["reasons"],
        "available_hours": round(float(row["available_hours"]), 1),
        "expected_hours": round(float(row["expected_hours"]), 1),
        "tutoring": bool(row["tutoring"]),
        "criteria": [{"id": c, "label": av.CRITERION_LABELS[c], "value": round(float(row[c]), 3),
                      "lost": float(row[f"lost_{c}"])} for c in CRITERIA],
    }


def _one_officer(store, officer_id: int) -> pd.DataFrame:
    with store.engine.connect() as conn:
        offs = inputs.officers(conn, officer_ids=[officer_id])
    if offs.empty:
        raise AccessDenied("no such officer")
    return offs


def _single(store, officer_id: int) -> tuple[pd.DataFrame, dict]:
    offs = _one_officer(store, officer_id)
    team = {int(offs.iloc[0]["team_id"])}
    return offs, group_frames(store, offs, team, _key([officer_id]))


def productivity_for(store, actor: Actor, officer_id) -> dict:
    """One officer's productivity figures; open to everyone with access (police staff have none)."""
    require(actor, "productivity.own")
    officer_id = _check_officer_id(officer_id)
    offs, frames = _single(store, officer_id)
    p = periods(store)
    row = offs.iloc[0]
    base = {"officer_id": officer_id, "name": f"{row['rank']} {row['forename']} {row['surname']}",
            "data_as_of": store.data_as_of(), "window_start": p["window_start"].isoformat(),
            "end": p["end"].isoformat(), "history_start": p["history_start"].isoformat()}
    if bool(row["is_staff"]):
        return base | {"applicable": False, "metrics": []}
    hours = frames["availability"]["available_hours"]
    recent, year, rates = _productivity_rows(frames["daily"], offs, hours, p)
    return base | {"applicable": True, "metrics": _metric_rows(recent, year, rates, officer_id)}


def availability_for(store, actor: Actor, officer_id) -> dict:
    """One officer's availability score and criteria: the officer and their chain of command only (audited)."""
    officer_id = _check_officer_id(officer_id)
    if not may_view_availability(store, actor, officer_id):
        # Audited once, by the web layer's AccessDenied handler, whose 'denied' row keeps this reason.
        raise AccessDenied(f"availability of officer {officer_id} is restricted to the officer and their "
                           "chain of command")
    _offs, frames = _single(store, officer_id)
    row = frames["availability"].loc[officer_id]
    with store.engine.begin() as conn:
        write_audit(conn, actor, "read", "availability", officer_id)
    p = periods(store)
    return _availability_detail(row) | {"officer_id": officer_id, "data_as_of": store.data_as_of(),
                                        "window_start": p["window_start"].isoformat(), "end": p["end"].isoformat()}


def direct_reports(store, actor: Actor) -> list[dict]:
    """The actor's direct reports (id and name), whose availability they may open."""
    if actor.officer_id is None:
        return []
    tree = load_tree(store)
    ids = sorted(i for i, m in tree.manager_of.items() if m == actor.officer_id)
    return [{"id": i, "name": tree.officer_names.get(i, str(i))} for i in ids]


def trend_for(store, actor: Actor, officer_id, metric: str) -> dict:
    """Daily trend of one productivity metric for one officer (productivity: open to everyone)."""
    require(actor, "productivity.own")
    officer_id = _check_officer_id(officer_id)
    if metric not in pr.COUNT_METRICS:
        raise BadRequest("unknown metric")
    _one_officer(store, officer_id)
    # The daily frame only: the officer's availability is not needed for a trend.
    daily = _daily_frame(store, [officer_id], _key([officer_id]), productivity_version(store))
    p = periods(store)
    trend = pr.daily_trend(daily, [officer_id], metric, p["history_start"], p["end"],
                           settings_of(store).trend_rolling_days)
    return {"trend": trend, "data_as_of": store.data_as_of()}


def team_scope_choices(store, actor: Actor) -> list[dict]:
    """Options of the team productivity view's scope selector (default first)."""
    require(actor, "productivity.team")
    return [{"value": s.value, "label": s.label} for s in productivity_scopes(store, actor)]


def team_view(store, actor: Actor, scope_value: str | None, metric: str = "incidents_attended") -> dict:
    """Productivity by officer (and by team above team level) for a scope; availability only where the
    actor is in the officer's chain of command, never ranked. Audited when any availability is shown."""
    require(actor, "productivity.team")
    if metric not in pr.COUNT_METRICS:
        raise BadRequest("unknown metric")
    scope = pick_scope(productivity_scopes(store, actor), actor, scope_value)
    if scope.empty or scope.level == "mine":
        return {"empty": True, "data_as_of": store.data_as_of()}
    tree = load_tree(store)
    teams = sorted(int(t) for t in scope.team_ids)
    with store.engine.connect() as conn:
        offs = inputs.officers(conn, team_ids=teams)
    # Alphabetical, in Python so SQLite and PostgreSQL collations agree; never ordered by a score.
    offs = offs[~offs["is_staff"]].sort_values(["surname", "forename", "id"]).reset_index(drop=True)
    p = periods(store)
    frames = scope_frames(store, offs, teams, "scope:" + scope.key)
    avail, recent = frames["availability"], frames["recent"]
    rates = pr.per_hour(recent, avail["available_hours"])
    # Officers and staff see their team's output but nobody's availability, their own included, in this view.
    peers = actor.role in ("officer", "staff")
    visible = [] if peers else [int(i) for i in offs["id"] if _may_view(tree, actor, int(i))]
    rows = _officer_rows(offs, recent, rates, avail, tree, set(visible))
    by_team = _by_team(recent, offs, tree, avail, set(visible))
    # Every per-officer read is audited, whether or not availability was visible in it.
    with store.engine.begin() as conn:
        write_audit(conn, actor, "read", "productivity_team", scope.value,
                    detail={"officers": len(offs)})
        if visible:
            write_audit(conn, actor, "read", "availability_team", scope.value,
                        detail={"officers": visible, "count": len(visible)})
    trend = pr.trend_of(frames["days"], metric, p["history_start"], p["end"], settings_of(store).trend_rolling_days)
    return {"empty": False, "scope_label": scope.label, "scope_value": scope.value, "level": scope.level,
            "rows": rows, "by_team": by_team, "distribution": pr.team_distribution(recent),
            "trend": trend, "availability_shown": bool(visible), "data_as_of": store.data_as_of(),
            "window_start": p["window_start"].isoformat(), "end": p["end"].isoformat()}


def _nullable(values) -> list:
    """Python floats of a numeric column, NaN ('no data') as None, as pr.as_float gives one at a time."""
    return [None if v != v else v for v in pd.to_numeric(values).astype(float).tolist()]


def _officer_rows(offs: pd.DataFrame, recent: pd.DataFrame, rates: pd.DataFrame, avail: pd.DataFrame,
                  tree: OrgTree, visible: set) -> list[dict]:
    """One row per officer in offs' order: figures, rates, and availability only where visible."""
    ids = offs["id"]
    rec, rat, a = recent.reindex(ids), rates.reindex(ids), avail.reindex(ids)
    cols = {"officer_id": ids.astype(int).tolist(),
            "officer": (offs["rank"].astype(str) + " " + offs["forename"].astype(str) + " "
                        + offs["surname"].astype(str)).tolist(),
            "team": offs["team_id"].map(tree.units["name"]).fillna("").tolist()}
    for m in pr.METRICS:
        cols[m.id] = _nullable(rec[m.id])
        if m.rate:
            cols[f"{m.id}_rate"] = _nullable(rat[m.id])
    shown = ids.isin(visible).tolist()
    cols["availability"] = [float(v) if s else None for v, s in zip(a["score"].tolist(), shown)]
    cols["deployable"] = [("Yes" if d else "No: " + r) if s else "Restricted"
                          for d, r, s in zip(a["deployable"].tolist(), a["reasons"].tolist(), shown)]
    keys = list(cols)
    return [dict(zip(keys, values)) for values in zip(*cols.values())]


def _one_place(value):
    return None if pd.isna(value) else round(float(value), 1)


def _by_team(recent: pd.DataFrame, offs: pd.DataFrame, tree: OrgTree, avail: pd.DataFrame, visible: set) -> list:
    """Totals per team; mean availability only for a team whose every officer the actor may see."""
    team = offs.set_index("id")["team_id"].reindex(recent.index)
    groups = recent.groupby(team)
    means = [m.id for m in pr.METRICS if m.id.startswith("response")]
    sums = [m.id for m in pr.METRICS if m.id not in means]
    figures = pd.concat([groups[sums].sum(), groups[means].mean()], axis=1)[[m.id for m in pr.METRICS]]
    shown = pd.Series(recent.index.isin(list(visible)), index=recent.index).groupby(team).all()
    score = avail["score"].reindex(recent.index).groupby(team).mean()
    out = figures.reset_index(names="team_id")
    out.insert(1, "team", out["team_id"].map(tree.units["name"]).fillna(""))
    out.insert(2, "officers", groups.size().to_numpy())
    out["team_id"] = out["team_id"].astype(int)
    out["availability"] = score.where(shown.to_numpy()).to_numpy()
    rows = out.to_dict("records")
    # Python's round, one team at a time as before: numpy's rounds some halves the other way.
    for row in rows:
        for col in figures.columns.tolist() + ["availability"]:
            row[col] = _one_place(row[col])
    return rows

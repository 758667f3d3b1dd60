"""Strategic benchmarking reads: forces compared across imported public data, and BCUs inside the force."""

from datetime import timedelta

import pandas as pd
from sqlalchemy import and_, case, func, or_, select

from data_access import jobs
from data_access.audit import write_audit
from data_access.clock import now_local
from data_access.errors import AccessDenied, BadRequest
from data_access.permissions import require
from data_access.forces import FORCE_NAMES, force_code
from data_access.importers.base import ensure_forces, row_key
from data_access.org import load_tree
from data_access.db import set_meta
from data_access.schema import crime, meta, offence, officer, org_unit
from data_access.schema_strategic import (
    bench_cost,
    bench_outcome,
    bench_recorded_crime,
    bench_stop_search,
    bench_street_crime,
    bench_tactic,
    bench_use_of_force,
    bench_workforce,
    import_batch,
    import_quarantine,
)
from data_access.store import bump_version
from scoring import benchmarking as bm
from scoring.settings_strategic import DEFAULT_STRATEGIC, MEASURES, StrategicSettings

TIDY = ["unit", "period", "measure", "value", "n"]


def strategic_settings(store) -> StrategicSettings:
    """The strategic settings in force (a store may carry its own; tests use that)."""
    return getattr(store, "strategic", None) or DEFAULT_STRATEGIC


def check_reader(actor) -> None:
    """Strategic figures are for senior leaders, analysts and administrators."""
    require(actor, "strategic.read",
            reason="strategic benchmarking is for senior leaders, analysts and administrators")


def _df(conn, query, columns) -> pd.DataFrame:
    return pd.DataFrame(conn.execute(query).all(), columns=columns)


# Rows of administrators' own edits (tactics) carry batch 0, which is no import.
OWN_EDITS = 0


def visible_batches(conn) -> list[int]:
    """The batches whose rows readers may see: loaded imports, and administrators' own edits.

    An import writes its rows in several transactions under a batch marked 'loading' and marks it 'loaded' in
    one last one, so every read of a bench_* table takes only these batches and never sees part of a file.
    Read once per set of queries, so they all see the same imports.
    """
    loaded = conn.execute(select(import_batch.c.id).where(import_batch.c.status == "loaded")).scalars().all()
    return [OWN_EDITS, *loaded]


def _fte(conn, visible: list) -> pd.DataFrame:
    """Officer FTE per force and financial year: the latest date within the year."""
    df = _df(conn, select(bench_workforce.c.force_code, bench_workforce.c.fin_year, bench_workforce.c.as_at,
                          bench_workforce.c.officer_fte).where(bench_workforce.c.batch_id.in_(visible)),
             ["unit", "period", "as_at", "fte"])
    if df.empty:
        return pd.DataFrame(columns=["unit", "period", "fte"])
    return df.sort_values("as_at").groupby(["unit", "period"], as_index=False).last()[["unit", "period", "fte"]]


def _street(conn, visible: list) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Street-level counts by force, year, month, crime type and outcome code (one covering-index scan),
    and the outcome codes by force, year and crime type once the outcomes files' latest entry wins."""
    s = bench_street_crime.c
    # Grouped by batch too, in the covering index's order, then added up here.
    agg = _df(conn, select(s.batch_id, s.force_code, s.fin_year, s.month, s.crime_type, s.outcome_code, func.count())
              .where(s.batch_id.in_(visible))
              .group_by(s.batch_id, s.force_code, s.fin_year, s.month, s.crime_type, s.outcome_code),
              ["batch", "unit", "period", "month", "crime_type", "code", "n"])
    agg = agg.groupby(["unit", "period", "month", "crime_type", "code"], as_index=False, dropna=False)["n"].sum()
    outcomes = agg.groupby(["unit", "period", "crime_type", "code"], as_index=False, dropna=False)["n"].sum()
    o = bench_outcome.c
    later = _df(conn, select(s.force_code, s.fin_year, s.crime_type, s.outcome_code, o.crime_id, o.month,
                             o.outcome_code)
                .select_from(bench_outcome.join(bench_street_crime, s.crime_id == o.crime_id))
                .where(s.batch_id.in_(visible), o.batch_id.in_(visible)),
                ["unit", "period", "crime_type", "old", "crime_id", "month", "new"])
    if not later.empty:
        # Outcomes files mostly describe crimes of earlier months: their latest entry replaces the street file's.
        later = later.sort_values("month").groupby("crime_id", as_index=False).last()
        minus = later.groupby(["unit", "period", "crime_type", "old"], dropna=False).size().rename("minus")
        plus = later.groupby(["unit", "period", "crime_type", "new"], dropna=False).size().rename("plus")
        outcomes = outcomes.set_index(["unit", "period", "crime_type", "code"])["n"]
        outcomes = outcomes.sub(minus.rename_axis(outcomes.index.names), fill_value=0) \
            .add(plus.rename_axis(outcomes.index.names), fill_value=0).reset_index(name="n")
    return agg, outcomes


def _measures(store, visible: list) -> pd.DataFrame:
    """Every measure of every area for every force and financial year, tidy: area, unit, period, measure, value, n."""
    settings = strategic_settings(store)
    positive = set(store.settings.positive_outcomes)
    prc_c, sas_c, uof_c = bench_recorded_crime.c, bench_stop_search.c, bench_use_of_force.c
    with store.engine.connect() as conn:
        fte = _fte(conn, visible)
        prc = _df(conn, select(prc_c.force_code, prc_c.fin_year, prc_c.offence_subgroup, func.sum(prc_c.offences))
                  .where(prc_c.batch_id.in_(visible))
                  .group_by(prc_c.force_code, prc_c.fin_year, prc_c.offence_subgroup),
                  ["unit", "period", "subgroup", "n"])
        agg, outcomes = _street(conn, visible)
        street = agg.groupby(["unit", "period", "crime_type"], as_index=False)["n"].sum()
        months = agg.groupby(["unit", "period"], as_index=False)["month"].nunique().rename(columns={"month": "months"})
        sas = _df(conn, select(sas_c.force_code, sas_c.fin_year, func.count(),
                               func.sum(case((sas_c.arrest.is_(True), 1), else_=0)))
                  .where(sas_c.batch_id.in_(visible)).group_by(sas_c.force_code, sas_c.fin_year),
                  ["unit", "period", "n", "arrests"])
        uof = _df(conn, select(uof_c.force_code, uof_c.fin_year, uof_c.incidents).where(uof_c.batch_id.in_(visible)),
                  ["unit", "period", "n"])
    fte_of = {(r.unit, r.period): r.fte for r in fte.itertuples()}
    rows = []

    def add(area, unit, period, measure, value, n):
        if value is not None and not pd.isna(value):
            rows.append((area, unit, period, measure, float(value), int(n)))

    for area in settings.area_ids():
        subgroups, types = settings.offences(area)
        basket = settings.basket(area)
        if "recorded_per_1000_officers" in basket and subgroups:
            agg = prc[prc["subgroup"].isin(subgroups)].groupby(["unit", "period"], as_index=False)["n"].sum()
            for r in agg.itertuples():
                if fte_of.get((r.unit, r.period)):
                    add(area, r.unit, r.period, "recorded_per_1000_officers", r.n / fte_of[(r.unit, r.period)] * 1000, r.n)
        if "positive_outcome_rate" in basket and types:
            sub = outcomes[outcomes["crime_type"].isin(types) & outcomes["code"].notna() & (outcomes["code"] != 0)]
            sub = sub.assign(pos=sub["code"].astype(int).isin(positive) * sub["n"])
            agg = sub.groupby(["unit", "period"], as_index=False)[["n", "pos"]].sum()
            for r in agg.itertuples():
                add(area, r.unit, r.period, "positive_outcome_rate", 100 * r.pos / r.n if r.n else None, r.n)
        if "asb_per_1000_officers" in basket:
            asb = street[street["crime_type"] == "Anti-social behaviour"].merge(months, on=["unit", "period"])
            for r in asb.itertuples():
                if fte_of.get((r.unit, r.period)):
                    # Street files are monthly: scale the months loaded to a year so forces compare.
                    yearly = r.n / r.months * 12
                    add(area, r.unit, r.period, "asb_per_1000_officers", yearly / fte_of[(r.unit, r.period)] * 1000, r.n)
        if "stop_search_arrest_rate" in basket:
            for r in sas.itertuples():
                add(area, r.unit, r.period, "stop_search_arrest_rate", 100 * r.arrests / r.n if r.n else None, r.n)
        if "use_of_force_per_officer" in basket:
            for r in uof.itertuples():
                if fte_of.get((r.unit, r.period)):
                    add(area, r.unit, r.period, "use_of_force_per_officer", r.n / fte_of[(r.unit, r.period)], r.n)
    return pd.DataFrame(rows, columns=["area"] + TIDY)


def _costs(store, visible: list) -> pd.DataFrame:
    with store.engine.connect() as conn:
        costs = _df(conn, select(bench_cost.c.force_code, bench_cost.c.area, bench_cost.c.fin_year,
                                 bench_cost.c.cost_gbp, bench_cost.c.synthetic)
                    .where(bench_cost.c.batch_id.in_(visible)), ["unit", "area", "period", "cost", "synthetic"])
        fte = _fte(conn, visible)
    if costs.empty:
        return costs.assign(cost_per_officer=[])
    costs = costs.merge(fte, on=["unit", "period"], how="left")
    costs["cost_per_officer"] = costs["cost"] / costs["fte"]
    return costs


def _as_of(store) -> str | None:
    with store.engine.connect() as conn:
        at = conn.execute(select(func.max(import_batch.c.imported_at))
                          .where(import_batch.c.status == "loaded")).scalar()
    return at.isoformat(timespec="seconds") if at else None


def has_synthetic(store) -> bool:
    """True when the demo generator's synthetic figures are loaded (every screen must then say so)."""
    with store.engine.connect() as conn:
        return conn.execute(select(import_batch.c.id).where(import_batch.c.synthetic.is_(True),
                                                            import_batch.c.status == "loaded").limit(1)).first() \
            is not None


def home_force(store) -> str | None:
    """This deployment's force code: the setting, else an administrator's choice, else the organisation
    tree's force name if it matches a territorial force; None when nothing says."""
    settings = strategic_settings(store)
    if settings.home_force in FORCE_NAMES:
        return settings.home_force
    with store.engine.connect() as conn:
        chosen = conn.execute(select(meta.c.value).where(meta.c.key == "home_force")).scalar()
        if chosen in FORCE_NAMES:
            return chosen
        name = conn.execute(select(org_unit.c.name).where(org_unit.c.kind == "force").limit(1)).scalar()
    return force_code(name or "")


def home_force_is_configured(store) -> bool:
    """True when the rules file names the force, so the screen cannot change it."""
    return strategic_settings(store).home_force in FORCE_NAMES


def set_home_force(store, actor, force: str | None) -> bool:
    """Record which territorial force this deployment is (None clears it); administrators only."""
    require(actor, "strategic.admin", reason="only administrators may set this deployment's force")
    if force is not None and (not isinstance(force, str) or force not in FORCE_NAMES):
        raise BadRequest(f"unknown force {force!r}")
    if home_force_is_configured(store):
        raise BadRequest("this deployment's force is set in the rules file (strategic home_force); change it there")
    with store.engine.begin() as conn:
        before = conn.execute(select(meta.c.value).where(meta.c.key == "home_force")).scalar()
        if (before or None) == force:
            return False
        if force is None:
            conn.execute(meta.delete().where(meta.c.key == "home_force"))
        else:
            set_meta(conn, "home_force", force)
        write_audit(conn, actor, "write", "home_force", force or "", detail={"before": before, "after": force})
    return True


def import_version(store) -> str:
    """Changes only when an import lands or is removed: completing a task does not move the benchmark figures,
    nor does an import that is still loading, was refused or failed."""
    loaded = import_batch.c.status == "loaded"
    with store.engine.connect() as conn:
        row = conn.execute(select(func.max(case((loaded, import_batch.c.id))), func.sum(case((loaded, 1), else_=0)),
                                  func.sum(case((import_batch.c.status == "removed", 1), else_=0)))
                           .select_from(import_batch)).first()
    return f"imports:{row[0]}:{row[1] or 0}:{row[2] or 0}"


# Cache names carry the shape of what they hold: a cache folder kept across an upgrade then misses
# instead of handing new code an old shape.
MEASURES_CACHE = "strategic-measures/2"
BCU_CACHE = "strategic-bcu/2"
BCU_LATEST_CACHE = "strategic-bcu-latest/2"


def _area_figures(tidy: pd.DataFrame, settings) -> dict:
    """Per area: its rows, the financial years with data, every year's ranks and the default year."""
    out = {}
    for area in settings.area_ids():
        sub = tidy[tidy["area"] == area]
        periods = sorted(sub["period"].unique(), reverse=True)
        trend = bm.rank_trend(sub, settings.basket(area), settings.min_forces_to_rank)
        ranked = sorted(trend["period"].unique(), reverse=True)
        # Default to the latest year in which forces can be ranked, not a year with one force's figures.
        out[area] = {"rows": sub, "periods": periods, "trend": trend,
                     "default": ranked[0] if ranked else (periods[0] if periods else None)}
    return out


def _cached_measures(store) -> dict:
    def compute():
        settings = strategic_settings(store)
        with store.engine.connect() as conn:
            visible = visible_batches(conn)
        measures = _measures(store, visible)
        return {"measures": measures, "areas": _area_figures(measures, settings), "costs": _costs(store, visible),
                "as_of": _as_of(store), "synthetic": has_synthetic(store)}
    return store.cache.get_or_compute(MEASURES_CACHE, import_version(store), "all", compute,
                                      store.settings.positive_outcomes, strategic_settings(store))


def warm_cache(store) -> None:
    """Compute the benchmark figures now (after an import), so the next reader does not wait."""
    _cached_measures(store)


def _tactics(store, area: str) -> pd.DataFrame:
    with store.engine.connect() as conn:
        return _df(conn, select(bench_tactic.c.force_code, bench_tactic.c.tactic, bench_tactic.c.in_use,
                                bench_tactic.c.note).where(bench_tactic.c.area == area,
                                                           bench_tactic.c.batch_id.in_(visible_batches(conn))),
                   ["unit", "tactic", "in_use", "note"])


def period_choices(store, actor, area: str) -> tuple[list, str | None]:
    """Financial years with data for an area, newest first, and the one shown by default."""
    check_reader(actor)
    settings = strategic_settings(store)
    if area not in settings.area_ids():
        raise BadRequest(f"unknown area {area!r}")
    figures = _cached_measures(store)["areas"][area]
    return figures["periods"], figures["default"]


def benchmark_view(store, actor, area: str, force: str | None = None, period: str | None = None) -> dict:
    """Ranks, quadrant, trend, KPIs and recommendations for one area and one selected force."""
    check_reader(actor)
    settings = strategic_settings(store)
    if area not in settings.area_ids():
        raise BadRequest(f"unknown area {area!r}")
    if force is not None and (not isinstance(force, str) or force not in FORCE_NAMES):
        raise BadRequest(f"unknown force {force!r}")
    data = _cached_measures(store)
    figures = data["areas"][area]
    periods, trend, sub = figures["periods"], figures["trend"], figures["rows"]
    force = force or home_force(store)
    if period is not None and period not in periods:
        raise BadRequest(f"no data for period {period!r}")
    basket = settings.basket(area)
    period = period or figures["default"]
    current = sub[sub["period"] == period]
    ranks = trend.loc[trend["period"] == period, bm.RANK_COLUMNS].reset_index(drop=True) \
        if period in set(trend["period"]) else bm.performance_ranks(current, basket, settings.min_forces_to_rank)
    costs = data["costs"]
    cost_now = costs[(costs["area"] == area) & (costs["period"] == period)] if not costs.empty else costs
    cranks = bm.cost_ranks(cost_now) if not cost_now.empty else bm.cost_ranks(pd.DataFrame(columns=["unit", "cost_per_officer"]))
    table = ranks.merge(cranks, on="unit", how="outer")
    table["name"] = table["unit"].map(FORCE_NAMES)
    table["quadrant"] = [bm.quadrant(r.rank, r.ranked_of, r.cost_rank, r.cost_ranked_of, settings.quadrant_split)
                         for r in table.itertuples()]
    previous = next((p for p in periods if period and p < period), None)
    kpis = []
    for measure in basket:
        now = current[current["measure"] == measure]
        before = sub[(sub["period"] == previous) & (sub["measure"] == measure)] if previous else now.iloc[0:0]
        mine = now.loc[now["unit"] == force, "value"]
        prev = before.loc[before["unit"] == force, "value"]
        tile = bm.kpi(mine.iloc[0] if len(mine) else None, prev.iloc[0] if len(prev) else None,
                      int(now["unit"].nunique()), settings.territorial_forces)
        kpis.append(tile | {"measure": measure, **MEASURES[measure], "period": period, "previous_period": previous})
    tactics = _tactics(store, area)
    recs = bm.recommendations(tactics, ranks, force, settings.recommendation_limit) if force else []
    return {"area": area, "area_label": settings.area_label(area), "force": force,
            "force_name": FORCE_NAMES.get(force, "no force selected"), "period": period, "periods": periods,
            "table": table.sort_values(["rank", "cost_rank", "name"], na_position="last").reset_index(drop=True),
            "kpis": kpis, "trend": trend[trend["unit"] == force] if force else trend.iloc[0:0],
            "recommendations": [r | {"peer_names": [(FORCE_NAMES.get(u, u), k) for u, k in r["peers"]]} for r in recs],
            "tactics_in_use": sorted(tactics.loc[(tactics["unit"] == force) & tactics["in_use"].astype(bool), "tactic"]),
            "has_costs": not cost_now.empty, "synthetic_costs": bool(not cost_now.empty and cost_now["synthetic"].any()),
            "data_as_of": data["as_of"], "empty": ranks.empty, "synthetic_data": data["synthetic"]}


def _actor_force(store, actor) -> int | None:
    tree = load_tree(store)
    unit = tree.unit(actor.scope_unit_id) if actor.scope_unit_id is not None else None
    if unit is None:
        return None
    return int(unit["force_id"] if unit["kind"] != "force" else actor.scope_unit_id)


def _area_condition(settings, area: str):
    cats = settings.own_categories(area)
    conds = []
    offence_cats = [c for c in cats if c not in ("domestic_abuse", "ASB")]
    if offence_cats:
        conds.append(offence.c.category.in_(offence_cats))
    if "domestic_abuse" in cats:
        conds.append(crime.c.domestic_abuse.is_(True))
    if "ASB" in cats:
        conds.append(crime.c.flags.like("%ASB%"))
    return or_(*conds) if conds else None


def _own_measures(store, force_id: int) -> tuple[pd.DataFrame, dict]:
    """BCU-level measures of every area from the force's own crimes over the comparison period (one scan)."""
    settings = strategic_settings(store)
    tree = load_tree(store)
    bcus = tree.units[(tree.units["kind"] == "bcu") & (tree.units["force_id"] == force_id)]
    names = bcus["name"].to_dict()
    areas = [(a, c) for a in settings.area_ids() if (c := _area_condition(settings, a)) is not None]
    if not areas or not names:
        return pd.DataFrame(columns=["area"] + TIDY), names
    since = store.today() - timedelta(days=settings.bcu_period_days)
    positive = sorted(store.settings.positive_outcomes)
    final = and_(crime.c.finalised.is_(True), crime.c.outcome_code != 0)
    good = and_(crime.c.finalised.is_(True), crime.c.outcome_code.in_(positive))
    columns = []
    for _area, cond in areas:
        columns += [func.sum(case((cond, 1), else_=0)), func.sum(case((and_(cond, final), 1), else_=0)),
                    func.sum(case((and_(cond, good), 1), else_=0))]
    with store.engine.connect() as conn:
        counts = conn.execute(select(crime.c.bcu_id, *columns)
                              .select_from(crime.outerjoin(offence, offence.c.code == crime.c.offence_code))
                              .where(and_(crime.c.bcu_id.in_(list(names)), crime.c.occurred_on >= since))
                              .group_by(crime.c.bcu_id)).all()
        staff = conn.execute(select(officer.c.team_id, func.count()).where(officer.c.is_staff.is_(False))
                             .group_by(officer.c.team_id)).all()
    team_bcu = tree.units["bcu_id"].to_dict()
    officers: dict = {}
    for team_id, n in staff:
        b = team_bcu.get(team_id)
        if b in names:
            officers[b] = officers.get(b, 0) + n
    rows = []
    for bcu_id, *sums in counts:
        for i, (area, _cond) in enumerate(areas):
            n, finalised, pos = (int(v or 0) for v in sums[3 * i:3 * i + 3])
            if n and officers.get(bcu_id):
                rows.append((area, names[bcu_id], None, "recorded_per_1000_officers", n / officers[bcu_id] * 1000, n))
            if finalised:
                rows.append((area, names[bcu_id], None, "positive_outcome_rate", 100 * pos / finalised, finalised))
    return pd.DataFrame(rows, columns=["area"] + TIDY), names


BCU_KEEP_SECONDS = 2 * 24 * 3600  # today's figures last the day; the latest are kept to serve the next morning


def _own_figures(store, force_id: int) -> dict:
    """The force's BCU figures, computed once a day and shared by every reader of that force."""
    # A year of crimes compared across BCUs moves little within a day, so they are not rescanned after each
    # completed task. On a new day the last figures are served (their 'data as of' says when they were
    # made) while the job thread works out today's, so the first reader of the day does not wait.
    settings, positive = strategic_settings(store), store.settings.positive_outcomes
    day, scope = store.today().isoformat(), f"force:{force_id}"

    def compute():
        tidy, names = _own_measures(store, force_id)
        figures = {"tidy": tidy, "bcus": len(names), "ids": {name: int(i) for i, name in names.items()},
                   "data_as_of": now_local().isoformat(timespec="seconds")}
        store.cache.put(figures, BCU_LATEST_CACHE, "any-day", scope, settings, positive,
                        expire=BCU_KEEP_SECONDS)
        return figures

    def today_figures():
        return store.cache.get_or_compute(BCU_CACHE, day, scope, compute, settings, positive,
                                          expire=BCU_KEEP_SECONDS)

    today = store.cache.peek(BCU_CACHE, day, scope, settings, positive)
    if today is not None:
        return today
    latest = store.cache.peek(BCU_LATEST_CACHE, "any-day", scope, settings, positive)
    if latest is None:
        return today_figures()
    jobs.runner(store).submit_task(today_figures, once=f"strategic-bcu:{scope}:{day}")
    return latest


def bcu_view(store, actor, area: str) -> dict:
    """The same comparison across the BCUs of the actor's force, from the force's own crime records."""
    check_reader(actor)
    settings = strategic_settings(store)
    if area not in settings.area_ids():
        raise BadRequest(f"unknown area {area!r}")
    force_id = _actor_force(store, actor)
    own = _own_figures(store, force_id) if force_id is not None else \
        {"tidy": pd.DataFrame(columns=["area"] + TIDY), "bcus": 0, "ids": {}, "data_as_of": None}
    tidy = own["tidy"][own["tidy"]["area"] == area].drop(columns="area")
    basket = ("recorded_per_1000_officers", "positive_outcome_rate")
    # Inside one force a handful of BCUs is all there is: rank from two upwards.
    ranks = bm.performance_ranks(tidy, basket, min_units=2)
    wide = tidy.pivot_table(index="unit", columns="measure", values="value").reset_index() \
        if not tidy.empty else pd.DataFrame(columns=["unit"])
    # Inside Beacon the rates are shown whatever their size, but one resting on a count the public page
    # would withhold carries a warning: a few crimes either way move it a long way.
    percent = {m for m in basket if MEASURES[m]["unit"] == "%"}
    small = bm.small_numbers(tidy, settings.suppression_threshold, percent) if not tidy.empty else set()
    return {"bcus": own["bcus"], "table": wide.merge(ranks, on="unit", how="left"), "tidy": tidy,
            "ids": own["ids"], "data_as_of": own["data_as_of"], "period_days": settings.bcu_period_days,
            "small": small, "threshold": settings.suppression_threshold}


def bcu_pack_views(store, actor, bcu_id) -> tuple[str, str, list[dict]]:
    """(BCU name, force name, every area's BCU comparison) for a pack on one BCU of the reader's own force."""
    check_reader(actor)
    settings = strategic_settings(store)
    force_id = _actor_force(store, actor)
    tree = load_tree(store)
    try:
        unit = tree.unit(int(bcu_id))
    except (TypeError, ValueError):
        unit = None
    # Another force's BCU, a team id and a made-up id all look the same: no such BCU.
    if force_id is None or unit is None or unit["kind"] != "bcu" or int(unit["force_id"]) != force_id:
        raise AccessDenied("no such BCU")
    force = tree.unit(force_id)
    views = [bcu_view(store, actor, area) | {"area": area, "area_label": settings.area_label(area)}
             for area in settings.area_ids()]
    return unit["name"], force["name"] if force is not None else "", views


def warm_force_figures(store) -> None:
    """Compute the benchmark figures and every force's BCU figures now, so the first reader does not wait."""
    _cached_measures(store)
    tree = load_tree(store)
    for force_id in tree.units.index[tree.units["kind"] == "force"]:
        _own_figures(store, int(force_id))


def force_choices() -> list[dict]:
    return [{"label": name, "value": code} for code, name in sorted(FORCE_NAMES.items(), key=lambda kv: kv[1])]


def tactics_table(store, actor, area: str) -> pd.DataFrame:
    """Every force's tactics for an area (public process information, no personal data)."""
    check_reader(actor)
    df = _tactics(store, area)
    df["force"] = df["unit"].map(FORCE_NAMES)
    return df.sort_values(["tactic", "force"]).reset_index(drop=True)


def set_tactic(store, actor, force: str, area: str, tactic: str, in_use: bool, note: str | None = None) -> bool:
    """Add a tactic for a force or change whether it is in use; administrators only. True if anything changed."""
    require(actor, "strategic.admin", reason="only administrators may edit tactics")
    settings = strategic_settings(store)
    if not all(isinstance(v, str) for v in (force, area, tactic or "")):
        raise BadRequest("a tactic's force, area and name are text")
    tactic = (tactic or "").strip()
    if force not in FORCE_NAMES or area not in settings.area_ids() or not tactic or len(tactic) > 160:
        raise BadRequest("a tactic needs a known force, a known area and a name of at most 160 characters")
    key = row_key("tactic", force, area, tactic.lower())
    with store.engine.begin() as conn:
        ensure_forces(conn)
        row = conn.execute(select(bench_tactic.c.id, bench_tactic.c.in_use, bench_tactic.c.batch_id)
                           .where(bench_tactic.c.row_key == key)).first()
        if row is not None and row.batch_id not in visible_batches(conn):
            raise BadRequest("an import holding this tactic is still loading or being removed; try again shortly")
        if row is not None and bool(row.in_use) == bool(in_use):
            return False
        if row is None:
            conn.execute(bench_tactic.insert().values(batch_id=0, force_code=force, row_key=key, area=area,
                                                      tactic=tactic, in_use=bool(in_use), note=note))
        else:
            conn.execute(bench_tactic.update().where(bench_tactic.c.id == row.id).values(in_use=bool(in_use)))
        write_audit(conn, actor, "write", "bench_tactic", key[:16],
                    detail={"force": force, "area": area, "tactic": tactic, "in_use": bool(in_use)})
        bump_version(conn)
    return True


def import_history(store, actor, limit: int = 50) -> pd.DataFrame:
    """Recent import batches; administrators only."""
    require(actor, "strategic.admin", reason="only administrators may see imports")
    with store.engine.connect() as conn:
        rows = conn.execute(select(import_batch).order_by(import_batch.c.id.desc()).limit(limit)).mappings().all()
    return pd.DataFrame(rows, columns=[c.name for c in import_batch.columns])


def quarantine_rows(store, actor, batch_id: int, limit: int = 500) -> pd.DataFrame:
    """Quarantined lines of one batch with line number and reason; administrators only."""
    require(actor, "strategic.admin", reason="only administrators may see quarantined rows")
    with store.engine.connect() as conn:
        rows = conn.execute(select(import_quarantine).where(import_quarantine.c.batch_id == int(batch_id))
                            .order_by(import_quarantine.c.line_number).limit(limit)).mappings().all()
    return pd.DataFrame(rows, columns=[c.name for c in import_quarantine.columns])

"""Strategic reads over imported data in the real layouts: ranks, KPIs, costs, BCUs, tactics, access, public
suppression; and, where the shared folder is present, over the real files."""


import pytest
from sqlalchemy import delete, func, select

from data_access.errors import AccessDenied, BadRequest
from data_access.importers import import_file, import_path
from data_access.public import as_frame, public_summary
from data_access.schema import audit_log, org_unit
from data_access.schema_strategic import bench_cost, bench_tactic
from data_access.strategic import bcu_view, benchmark_view, set_tactic
from tests.helpers import actor_for
from tests.strategic_data import SHARED_FILES, drop_demo_data, needs_public_data, public_dir
from tests.strategic_files import all_forces, use_of_force_csv, workforce_csv


def _load_shared(store, kinds=("workforce", "use-of-force", "recorded-crime", "street")):
    admin = actor_for(store, "admin")
    for relative, kind, _ in SHARED_FILES:
        if kind in kinds and not relative.endswith(".ods"):
            import_path(store, admin, kind, public_dir() / relative)


def _load_written(store, tmp_path):
    """Officer FTE and use of force for all 43 forces in 2017/18 and 2018/19, in the published layouts."""
    admin = actor_for(store, "admin")
    fte = {code: (v, v + 5, v + 10, v + 15) for code, v in all_forces(1000, 50).items()}
    files = {"officer-fte-2019.csv": ("workforce", workforce_csv(
                 fte, ("September 2017", "March 2018", "September 2018", "March 2019"))),
             "april2017-march2018.csv": ("use-of-force", use_of_force_csv(all_forces(2100, 35))),
             "april2018-march2019.csv": ("use-of-force", use_of_force_csv(all_forces(2000, 37)))}
    for name, (kind, data) in files.items():
        (tmp_path / name).write_bytes(data)
        assert import_path(store, admin, kind, tmp_path / name)["rows_loaded"] == 43


@needs_public_data
def test_forces_ranked_on_real_data_with_kpis(store):
    drop_demo_data(store)
    _load_shared(store)
    view = benchmark_view(store, actor_for(store, "analyst"), "domestic_abuse", "merseyside")
    assert view["period"] == "2019/20" and view["periods"][:3] == ["2019/20", "2018/19", "2017/18"]
    table = view["table"]
    assert table["rank"].notna().sum() == 43 and table["rank"].min() == 1
    tiles = {t["measure"]: t for t in view["kpis"]}
    uof = tiles["use_of_force_per_officer"]
    assert uof["coverage"] == "43 of 43 forces" and uof["previous_period"] == "2018/19"
    assert uof["value"] == pytest.approx(4000 / 3000, rel=1) and uof["change"] is not None
    assert tiles["recorded_per_1000_officers"]["value"] is None  # no 2019/20 recorded crime loaded: no data
    earlier = benchmark_view(store, actor_for(store, "analyst"), "domestic_abuse", "merseyside", "2017/18")
    assert {t["measure"]: t["reporting"] for t in earlier["kpis"]}["recorded_per_1000_officers"] == 43
    assert len(view["trend"]) == 3  # a rank in each of three years


def test_without_cost_data_ranks_on_performance_alone(sqlite_store, tmp_path):
    drop_demo_data(sqlite_store)
    _load_written(sqlite_store, tmp_path)
    with sqlite_store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(bench_cost)).scalar() == 0
    view = benchmark_view(sqlite_store, actor_for(sqlite_store, "leader"), "public_contact", "kent")
    assert not view["has_costs"] and view["table"]["cost_rank"].isna().all()
    assert view["period"] == "2018/19" and view["table"]["rank"].notna().sum() == 43


def test_synthetic_demo_data_and_costs_are_flagged(sqlite_store, tmp_path):
    _load_written(sqlite_store, tmp_path)
    view = benchmark_view(sqlite_store, actor_for(sqlite_store, "leader"), "public_contact", "kent", "2018/19")
    assert view["has_costs"] and view["synthetic_costs"] and view["synthetic_data"]
    assert public_summary(sqlite_store)["synthetic"]
    assert view["table"]["cost_rank"].notna().sum() == 43


def test_recommendations_come_from_better_ranked_forces(sqlite_store, tmp_path):
    _load_written(sqlite_store, tmp_path)
    with sqlite_store.engine.begin() as conn:
        conn.execute(delete(bench_tactic))
    admin = actor_for(sqlite_store, "admin")
    view = benchmark_view(sqlite_store, admin, "public_contact", "merseyside", "2018/19")
    own = int(view["table"].set_index("unit").loc["merseyside", "rank"])
    best = view["table"].iloc[0]["unit"]
    worst = view["table"].iloc[-1]["unit"]
    assert set_tactic(sqlite_store, admin, best, "public_contact", "Live web chat", True)
    assert set_tactic(sqlite_store, admin, worst, "public_contact", "Carrier pigeons", True)
    recs = benchmark_view(sqlite_store, admin, "public_contact", "merseyside", "2018/19")["recommendations"]
    assert [r["tactic"] for r in recs] == ["Live web chat"] and own > 1
    assert not set_tactic(sqlite_store, admin, best, "public_contact", "live web chat", True)  # already recorded
    with sqlite_store.engine.connect() as conn:
        assert conn.execute(select(func.count()).where(audit_log.c.object_type == "bench_tactic")).scalar() == 2


def test_bcu_comparison_from_the_forces_own_records(store):
    view = bcu_view(store, actor_for(store, "leader"), "burglary")
    assert view["bcus"] >= 1
    table = view["table"]
    assert not table.empty and table["positive_outcome_rate"].between(0, 100).all()
    assert bcu_view(store, actor_for(store, "analyst"), "public_contact")["table"].empty


def test_bcu_figures_are_shared_per_force_and_refreshed_behind_the_first_reader_of_a_day(sqlite_store):
    from datetime import timedelta

    from data_access import jobs
    from data_access.strategic import BCU_CACHE, BCU_LATEST_CACHE, strategic_settings

    store = sqlite_store

    def store_force_id(store):
        with store.engine.connect() as conn:
            return conn.execute(select(org_unit.c.id).where(org_unit.c.kind == "force")).scalar_one()

    first = bcu_view(store, actor_for(store, "leader"), "burglary")
    # Another reader of the same force gets the same figures, not a second scan of their own.
    assert bcu_view(store, actor_for(store, "analyst"), "burglary")["data_as_of"] == first["data_as_of"]
    store.fixed_today = store.today() + timedelta(days=1)
    next_day = bcu_view(store, actor_for(store, "leader"), "burglary")
    assert next_day["data_as_of"] == first["data_as_of"]  # yesterday's, labelled with when they were made
    jobs.runner(store).submit_task(lambda: None).result(timeout=60)  # the job thread has made today's
    made = store.cache.peek(BCU_CACHE, store.today().isoformat(), f"force:{store_force_id(store)}",
                            strategic_settings(store), store.settings.positive_outcomes)
    assert made is not None and made["data_as_of"] >= first["data_as_of"]
    assert bcu_view(store, actor_for(store, "leader"), "burglary")["data_as_of"] == made["data_as_of"]
    # Both entries outlive the result cache's hour: the latest must still be there next morning.
    left = store.cache.seconds_left(BCU_LATEST_CACHE, "any-day", f"force:{store_force_id(store)}",
                                    strategic_settings(store), store.settings.positive_outcomes)
    assert left > 24 * 3600


@pytest.mark.parametrize("username", ["officer", "sergeant", "inspector", "staff"])
def test_other_roles_are_refused(sqlite_store, username):
    actor = actor_for(sqlite_store, username)
    with pytest.raises(AccessDenied):
        benchmark_view(sqlite_store, actor, "burglary")
    with pytest.raises(AccessDenied):
        bcu_view(sqlite_store, actor, "burglary")


def test_only_administrators_edit_tactics_and_bad_input_is_refused(sqlite_store):
    with pytest.raises(AccessDenied):
        set_tactic(sqlite_store, actor_for(sqlite_store, "analyst"), "kent", "burglary", "x", True)
    with pytest.raises(BadRequest):
        set_tactic(sqlite_store, actor_for(sqlite_store, "admin"), "kent", "robbery", "x", True)
    with pytest.raises(BadRequest):
        benchmark_view(sqlite_store, actor_for(sqlite_store, "admin"), "burglary", "kent", "1999/00")


def test_public_summary_suppresses_small_counts(sqlite_store):
    drop_demo_data(sqlite_store)
    admin = actor_for(sqlite_store, "admin")
    fte = "Force/Region,September 2017,March 2018\n" + "".join(
        f"{n},1000,1000\n" for n in ("Kent", "Dorset", "Cheshire", "Gwent"))
    uof = "Region,Police Force,Total\nR,Kent,5\nR,Dorset,500\nR,Cheshire,9\nR,Gwent,10\n"
    import_file(sqlite_store, admin, "workforce", fte.encode(), "fte.csv")
    import_file(sqlite_store, admin, "use-of-force", uof.encode(), "april2017-march2018.csv")
    summary = public_summary(sqlite_store)
    frame = as_frame(summary, "public_contact").set_index("force")["use_of_force_per_officer"]
    assert frame["Dorset"] == 0.5 and frame["Gwent"] == 0.01
    assert frame[["Kent", "Cheshire"]].isna().all()  # 5 and 9 incidents: withheld
    block = next(a for a in summary["areas"] if a["area"] == "public_contact")
    cells = {r["force"]: r["cells"]["use_of_force_per_officer"] for r in block["rows"]}
    assert cells["Kent"] == {"value": None, "count": None, "suppressed": True}


def test_public_rates_never_give_away_a_small_count(sqlite_store):
    drop_demo_data(sqlite_store)
    admin = actor_for(sqlite_store, "admin")
    head = "Type,Date,Outcome,Object of search\n"
    for force, arrests, searches in (("kent", 3, 40), ("dorset", 20, 40), ("gwent", 37, 40)):
        rows = [f"Person search,2019-06-0{1 + i % 9}T10:00:00+00:00,{'Arrest' if i < arrests else 'A no further action disposal'},Drugs\n"
                for i in range(searches)]
        import_file(sqlite_store, admin, "stop-search", (head + "".join(rows)).encode(),
                    f"2019-06-{force}-stop-and-search.csv")
    block = next(a for a in public_summary(sqlite_store)["areas"] if a["area"] == "burglary")
    cells = {r["force"]: r["cells"]["stop_search_arrest_rate"] for r in block["rows"]}
    assert cells["Dorset"] == {"value": 50.0, "count": 40, "suppressed": False}
    assert cells["Kent"]["suppressed"] and cells["Kent"]["value"] is None   # 3 arrests
    assert cells["Gwent"]["suppressed"] and cells["Gwent"]["value"] is None  # 3 searches without an arrest


def test_home_force_comes_from_the_setting_then_the_administrator_then_the_organisation_name(store):
    import dataclasses

    from data_access.strategic import home_force, set_home_force, strategic_settings

    admin = actor_for(store, "admin")
    assert home_force(store) is None  # "Northshire Police (synthetic)" is no territorial force
    with pytest.raises(AccessDenied):
        set_home_force(store, actor_for(store, "leader"), "kent")
    with pytest.raises(BadRequest):
        set_home_force(store, admin, "atlantis")
    assert set_home_force(store, admin, "kent") and not set_home_force(store, admin, "kent")
    assert home_force(store) == "kent"
    assert benchmark_view(store, actor_for(store, "leader"), "burglary")["force"] == "kent"
    store.strategic = dataclasses.replace(strategic_settings(store), home_force="dorset")
    assert home_force(store) == "dorset"  # a deployment's rules file wins over the screen
    with pytest.raises(BadRequest, match="rules file"):
        set_home_force(store, admin, "kent")  # and the screen cannot pretend to change it
    store.strategic = None
    assert set_home_force(store, admin, None) and home_force(store) is None
    with store.engine.connect() as conn:
        writes = conn.execute(select(func.count()).where(audit_log.c.object_type == "home_force")).scalar()
    assert writes == 2


def test_internal_bcu_rates_from_small_counts_carry_a_warning(sqlite_store):
    import dataclasses

    from callbacks.strategic import _bcu_table
    from data_access.strategic import strategic_settings

    leader = actor_for(sqlite_store, "leader")
    view = bcu_view(sqlite_store, leader, "burglary")
    counts = view["tidy"].set_index(["unit", "measure"])["n"]
    assert view["threshold"] == strategic_settings(sqlite_store).suppression_threshold
    assert view["small"] == {k for k, n in counts.items() if n < view["threshold"]} | \
        {k for k in view["small"] if k[1] == "positive_outcome_rate"}
    # Past every count the force holds, every internal figure rests on a small number and says so.
    sqlite_store.strategic = dataclasses.replace(strategic_settings(sqlite_store),
                                                 suppression_threshold=int(counts.max()) + 1)
    view = bcu_view(sqlite_store, leader, "burglary")
    assert view["small"] == set(counts.index)
    text = str(_bcu_table(view))
    assert text.count("small number") == len(counts) and "st-bcu-small" in text
    assert f"fewer than {int(counts.max()) + 1} crimes" in text

"""One configuration path: every entry point honours BEACON_RULES_FILE, BEACON_DATA_DIR, DATABASE_URL and BEACON_TODAY."""

import dataclasses
import importlib
import json

import pytest
from sqlalchemy import func, select

from config import from_env
from data_access.db import make_engine
from data_access.schema import meta, task
from data_access.schema_fsu import fsu_run
from data_access.schema_strategic import bench_cost, import_batch
from tests.conftest import TODAY

RULES = {"named_suspect_days": 10,
         "frequent_service_users": {"fsu_list_top_n": 3},
         "strategic": {"areas": [["burglary", "Burglary", ["recorded_per_1000_officers"]],
                                 ["robbery", "Robbery", ["recorded_per_1000_officers"]]]}}


def _configure(monkeypatch, data_dir, rules, database_url=None):
    """The environment a deployment would set: its data folder, rules file, fixed today and maybe a database."""
    path = data_dir / "rules.json"
    data_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rules))
    monkeypatch.setenv("BEACON_DATA_DIR", str(data_dir))
    monkeypatch.setenv("BEACON_RULES_FILE", str(path))
    monkeypatch.setenv("BEACON_TODAY", TODAY.isoformat())
    monkeypatch.delenv("BEACON_CACHE_DIR", raising=False)
    if database_url:
        monkeypatch.setenv("DATABASE_URL", database_url)
    else:
        monkeypatch.delenv("DATABASE_URL", raising=False)


def _configured(monkeypatch, store, tmp_path, rules=RULES):
    """Point the environment at store's database: through the data folder on SQLite, DATABASE_URL otherwise."""
    url = store.engine.url
    if url.get_backend_name() == "sqlite":
        # The SQLite store fixture's file is tmp_path / beacon.db: exactly the data folder's database.
        _configure(monkeypatch, tmp_path, rules)
    else:
        _configure(monkeypatch, tmp_path, rules, url.render_as_string(hide_password=False))


def test_generate_uses_the_data_folder_the_rules_file_and_today(monkeypatch, tmp_path):
    from demo.generate import main

    data_dir = tmp_path / "data"
    _configure(monkeypatch, data_dir, {"named_suspect_days": 10})
    assert main(["--preset", "demo"]) == 0
    engine = make_engine(f"sqlite:///{data_dir / 'beacon.db'}")
    with engine.connect() as conn:
        as_of = conn.execute(select(meta.c.value).where(meta.c.key == "data_as_of")).scalar_one()
        spans = conn.execute(select(task.c.basis_date, task.c.due_date).where(task.c.kind == "named_suspect")).all()
    engine.dispose()
    assert as_of.startswith(TODAY.isoformat())
    assert spans and all((due - basis).days == 10 for basis, due in spans)


@pytest.mark.parametrize("module", ["demo.generate", "data_access.fsu_run", "data_access.importers.__main__"])
def test_a_mistake_in_the_rules_file_stops_a_command_before_it_writes(monkeypatch, tmp_path, module):
    _configure(monkeypatch, tmp_path, {"frequent_service_users": {"fsu_list_top_n": 0}})
    argv = {"demo.generate": ["--preset", "demo"], "data_access.fsu_run": ["--as", "analyst"],
            "data_access.importers.__main__": ["costs", str(tmp_path / "costs.csv")]}[module]
    with pytest.raises(ValueError, match="fsu_list_top_n"):
        importlib.import_module(module).main(argv)
    assert not (tmp_path / "beacon.db").exists()


def test_fsu_run_ranks_by_the_rules_file_in_the_configured_database(monkeypatch, store, tmp_path):
    from data_access.fsu_run import main

    _configured(monkeypatch, store, tmp_path)
    assert main(["--as", "analyst"]) == 0
    with store.engine.connect() as conn:
        run = conn.execute(select(fsu_run).order_by(fsu_run.c.id.desc()).limit(1)).mappings().one()
    assert json.loads(run["parameters"])["fsu_list_top_n"] == 3
    assert run["run_date"] == TODAY
    assert 3 <= run["people_listed"] <= 12  # the union of four top-3s, not of four top-100s


def test_importer_uses_the_configured_database_and_the_rules_files_areas(monkeypatch, store, tmp_path):
    from data_access.importers.__main__ import main

    _configured(monkeypatch, store, tmp_path)
    costs = tmp_path / "costs.csv"
    costs.write_text("force,area,financial_year,cost_gbp\nMerseyside,robbery,2009/10,1200\n"
                     "Merseyside,burglary,2009/10,900\n")
    assert main(["costs", str(costs)]) == 0
    with store.engine.connect() as conn:
        batch = conn.execute(select(import_batch).order_by(import_batch.c.id.desc()).limit(1)).mappings().one()
        areas = set(conn.execute(select(bench_cost.c.area).where(bench_cost.c.fin_year == "2009/10")).scalars())
    assert batch["file_name"] == "costs.csv" and batch["rows_loaded"] == 2 and batch["rows_quarantined"] == 0
    assert areas == {"robbery", "burglary"}  # robbery is an area only the rules file adds


def test_app_opens_the_configured_store(monkeypatch, store, tmp_path):
    from app import create_app

    _configured(monkeypatch, store, tmp_path)
    config = from_env()
    app = create_app(dataclasses.replace(config, testing=True, generate_on_empty=False))
    opened = app.beacon_store
    try:
        assert opened.engine.url.render_as_string(hide_password=False) == \
            store.engine.url.render_as_string(hide_password=False)
        assert opened.settings.named_suspect_days == 10 and opened.fsu_settings.fsu_list_top_n == 3
        assert "robbery" in opened.strategic.area_ids()
        assert opened.today() == TODAY
        assert opened.cache.directory == tmp_path / "cache"
    finally:
        opened.cache.close()
        opened.engine.dispose()


@pytest.mark.parametrize("module", ["benchmarks.bench_daily_actions", "benchmarks.bench_productivity",
                                    "benchmarks.bench_fsu", "benchmarks.bench_strategic"])
def test_benchmarks_read_the_rules_file_and_work_in_the_data_folder(monkeypatch, tmp_path, module):
    from benchmarks.bench_config import bench_config

    _configure(monkeypatch, tmp_path, {"due_soon_days": 5})
    config = bench_config(None, "bench-")
    assert config.data_dir.parent == tmp_path and config.database_url == f"sqlite:///{config.data_dir / 'bench.db'}"
    assert config.rules_file == str(tmp_path / "rules.json") and config.today == TODAY
    # Each benchmark's main reads that configuration first: a mistake stops it before it generates anything.
    (tmp_path / "rules.json").write_text(json.dumps({"no_such_rule": 1}))
    with pytest.raises(ValueError, match="no_such_rule"):
        importlib.import_module(module).main([])
    assert not list(tmp_path.rglob("*.db"))


def test_cost_rows_of_an_area_no_rule_names_are_still_quarantined(monkeypatch, store, tmp_path):
    from data_access.importers.__main__ import main

    _configured(monkeypatch, store, tmp_path, rules={})
    costs = tmp_path / "costs.csv"
    costs.write_text("force,area,financial_year,cost_gbp\nMerseyside,robbery,2009/10,1200\n")
    main(["costs", str(costs)])
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(bench_cost).where(bench_cost.c.area == "robbery")).scalar() == 0

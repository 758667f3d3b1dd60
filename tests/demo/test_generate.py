"""The synthetic force generator: deterministic, well-shaped, and safe to run against a live database."""

from datetime import date, datetime, time

import pandas as pd
import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, func, insert, select, text

from data_access import schema as S
from data_access.db import make_engine
from demo.generate import (DEMO_ACCOUNTS, DEMO_PASSWORD, PRESETS, AlreadyPopulated, generate,
                                  main)
from scoring.categories import CATEGORY_IDS
from scoring.settings import RuleSettings
from tests.conftest import new_pg_database

TODAY = date(2026, 11, 20)
SEED = 7
COMPARED = (S.officer, S.crime, S.task)


@pytest.fixture(autouse=True)
def configuration(monkeypatch, tmp_path):
    """The command line reads the app's configuration: keep it in this test's folder, not the caller's."""
    monkeypatch.setenv("BEACON_DATA_DIR", str(tmp_path))
    for name in ("DATABASE_URL", "BEACON_CACHE_DIR", "BEACON_RULES_FILE", "BEACON_TODAY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One demo force in a SQLite file, shared by the read-only tests."""
    path = tmp_path_factory.mktemp("gen") / "demo.db"
    engine = make_engine(f"sqlite:///{path}")
    stats = generate(engine, "demo", seed=SEED, today=TODAY)
    yield engine, stats
    engine.dispose()


def frame(engine, sql: str) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(text(sql), conn)


def rows(engine, table):
    with engine.connect() as conn:
        return conn.execute(select(table).order_by(table.c.id)).all()


def test_stats_count_every_table(demo):
    engine, stats = demo
    assert stats["preset"] == "demo" and stats["seconds"] > 0
    for table in S.metadata.sorted_tables:
        if table.name in ("audit_log", "job", "job_upload", "team_version", "officer_version", "login_throttle",
                          "source_quarantine", "completion_request", "digest_preference", "digest_send",
                          "monthly_pack"):
            continue  # written by people using the app, not by the generator
        with engine.connect() as conn:
            n = conn.execute(select(func.count()).select_from(table)).scalar()
        assert stats["counts"][table.name] == n, table.name
        assert n > 0, f"{table.name} is empty"


def test_same_seed_and_today_give_identical_rows(demo, tmp_path):
    engine, _ = demo
    other = make_engine(f"sqlite:///{tmp_path / 'again.db'}")
    generate(other, "demo", seed=SEED, today=TODAY)
    for table in COMPARED:
        assert rows(engine, table) == rows(other, table), table.name
    other.dispose()


def test_demo_preset_has_one_bcu_and_its_size(demo):
    engine, _ = demo
    kinds = frame(engine, "SELECT kind, COUNT(*) AS n FROM org_unit GROUP BY kind").set_index("kind")["n"]
    assert kinds["force"] == 1 and kinds["bcu"] == 1 and kinds["department"] == 4
    n_officers = frame(engine, "SELECT COUNT(*) AS n FROM officer")["n"][0]
    assert abs(n_officers - PRESETS["demo"].officers) <= 5
    crimes = frame(engine, "SELECT status, COUNT(*) AS n FROM crime GROUP BY status").set_index("status")["n"]
    assert 0.8 * PRESETS["demo"].crimes_per_year < crimes.sum() < 1.2 * PRESETS["demo"].crimes_per_year
    assert 0.15 <= crimes["open"] / crimes.sum() <= 0.25


def test_every_unit_carries_its_ancestors(demo):
    engine, _ = demo
    units = frame(engine, "SELECT * FROM org_unit")
    assert units["force_id"].notna().all()
    below_force = units[units["kind"] != "force"]
    assert below_force["bcu_id"].notna().all()
    lower = units[units["kind"].isin(["department", "team"])]
    assert lower["department_id"].notna().all()
    assert set(lower["strand"]) == {"response", "neighbourhood", "investigations", "public_protection"}


def test_every_team_has_one_sergeant_and_eight_to_twelve_members(demo):
    engine, _ = demo
    teams = frame(engine, """
        SELECT u.id, COUNT(o.id) AS members, SUM(o.rank IN ('PS', 'DS')) AS sergeants
        FROM org_unit u LEFT JOIN officer o ON o.team_id = u.id
        WHERE u.kind = 'team' GROUP BY u.id""")
    assert (teams["sergeants"] == 1).all()
    assert teams["members"].between(8, 12).all()


def test_students_have_tutors_in_their_own_team_but_a_few(demo):
    engine, _ = demo
    students = frame(engine, """
        SELECT s.id, s.team_id, t.team_id AS tutor_team, t.rank AS tutor_rank, t.is_student AS tutor_student
        FROM officer s LEFT JOIN officer t ON t.id = s.tutor_id WHERE s.is_student""")
    constables = frame(engine, "SELECT COUNT(*) AS n FROM officer WHERE rank IN ('PC', 'DC')")["n"][0]
    assert 0.04 <= len(students) / constables <= 0.12
    tutored = students[students["tutor_team"].notna()]
    untutored = len(students) - len(tutored)
    assert 1 <= untutored <= max(2, 0.1 * len(students))
    assert (tutored["tutor_team"] == tutored["team_id"]).all()
    assert tutored["tutor_rank"].isin(["PC", "DC"]).all() and not tutored["tutor_student"].any()


def test_line_managers_follow_the_chain_of_command(demo):
    engine, _ = demo
    pairs = frame(engine, """
        SELECT o.rank, m.rank AS manager_rank FROM officer o JOIN officer m ON m.id = o.line_manager_id""")
    allowed = {"PC": {"PS", "DS"}, "DC": {"DS"}, "staff": {"DS", "PS", "ACC"}, "PS": {"Insp"},
               "DS": {"Insp"}, "Insp": {"CI"}, "CI": {"Supt"}, "Supt": {"ACC"}}
    for rank, manager in pairs.itertuples(index=False):
        assert manager in allowed[rank], (rank, manager)
    no_manager = frame(engine, "SELECT rank FROM officer WHERE line_manager_id IS NULL")["rank"]
    assert list(no_manager) == ["ACC"]


def test_open_crime_tasks_carry_the_crime_team_and_oic(demo):
    engine, _ = demo
    bad = frame(engine, """
        SELECT COUNT(*) AS n FROM task t JOIN crime c ON c.id = t.crime_id
        WHERE c.status = 'open' AND (t.team_id <> c.team_id
              OR COALESCE(t.oic_id, -1) <> COALESCE(c.oic_id, -1))""")["n"][0]
    assert bad == 0
    # Deadline work only on open crimes; finalised ones may only carry data-quality errors.
    stray = frame(engine, """
        SELECT COUNT(*) AS n FROM task t JOIN crime c ON c.id = t.crime_id
        WHERE t.status = 'open' AND c.status <> 'open' AND t.kind NOT IN ('cdi', 'detection_mismatch')""")
    assert stray["n"][0] == 0


def test_due_dates_fall_on_both_sides_of_today(demo):
    engine, _ = demo
    tasks = frame(engine, "SELECT kind, due_date FROM task WHERE status = 'open' AND due_date IS NOT NULL")
    due = pd.to_datetime(tasks["due_date"])
    overdue = due < pd.Timestamp(TODAY)
    assert overdue.any() and (~overdue).any()
    assert 0.12 <= overdue.mean() <= 0.30
    ahead = (due[~overdue] - pd.Timestamp(TODAY)).dt.days
    assert (ahead <= 90).mean() > 0.85
    assert set(tasks["kind"]) >= {"supervisor_review", "oel_update", "victim_contact", "bail", "rui",
                                  "time_limit"}


def test_named_suspect_tasks_fall_due_named_suspect_days_after_naming(demo):
    engine, _ = demo
    tasks = frame(engine, "SELECT basis_date, due_date FROM task WHERE kind = 'named_suspect'")
    assert len(tasks) > 0
    assert tasks["due_date"].notna().all(), "a named-suspect task has no due date, so it never turns amber or red"
    days = (pd.to_datetime(tasks["due_date"]) - pd.to_datetime(tasks["basis_date"])).dt.days
    assert (days == RuleSettings().named_suspect_days).all()


def test_done_history_is_completed_by_someone(demo):
    engine, _ = demo
    done = frame(engine, "SELECT completed_at, completed_by, completion FROM task WHERE status = 'done'")
    assert len(done) > 0
    assert done["completed_at"].notna().all() and done["completion"].notna().all()
    assert done["completed_by"].notna().mean() > 0.95


def test_cdi_and_detection_mismatch_tasks_come_from_the_rules(demo):
    engine, _ = demo
    tasks = frame(engine, """
        SELECT kind, rule_id, due_date, detail FROM task
        WHERE kind IN ('cdi', 'detection_mismatch') AND status = 'open'""")
    cdi = tasks[tasks["kind"] == "cdi"]
    assert len(cdi) > 0 and cdi["rule_id"].str.startswith("CDI-").all()
    assert {"CDI-01", "CDI-02"} <= set(cdi["rule_id"])
    dm = tasks[tasks["kind"] == "detection_mismatch"]
    assert len(dm) > 0 and dm["rule_id"].str.startswith("DM-").all()
    assert tasks["due_date"].isna().all() and (tasks["detail"].str.len() > 20).all()
    late = frame(engine, """
        SELECT AVG((julianday(recorded_at) - julianday(reported_at)) > 1) AS late FROM crime""")["late"][0]
    assert 0.01 < late < 0.06


def test_bail_end_dates_straddle_today_and_some_expired(demo):
    engine, _ = demo
    bail = frame(engine, "SELECT status, stage, ends_on FROM bail WHERE status = 'bail'")
    ends = pd.to_datetime(bail["ends_on"])
    assert (ends < pd.Timestamp(TODAY)).sum() >= 1
    assert (ends >= pd.Timestamp(TODAY)).sum() > (ends < pd.Timestamp(TODAY)).sum()
    assert {"initial", "first_extension", "second_extension"} <= set(bail["stage"])
    statuses = set(frame(engine, "SELECT DISTINCT status FROM bail")["status"])
    assert {"bail", "rui", "fts"} <= statuses


def test_repeat_victims_are_heavy_tailed(demo):
    engine, _ = demo
    counts = frame(engine, """
        SELECT person_id, COUNT(*) AS n FROM crime_person WHERE role = 'victim' GROUP BY person_id""")["n"]
    repeat = counts[counts >= 2]
    assert len(repeat) > 50
    assert repeat.max() >= 5 * repeat.median()


def test_crime_mix_proportions(demo):
    engine, _ = demo
    mix = frame(engine, "SELECT AVG(domestic_abuse) AS da, AVG(hate_crime) AS hate FROM crime")
    assert 0.10 <= mix["da"][0] <= 0.20
    assert 0.005 <= mix["hate"][0] <= 0.04
    aliases = frame(engine, """
        SELECT (SELECT COUNT(DISTINCT person_id) FROM person_alias) * 1.0 / COUNT(*) AS share FROM person""")
    assert 0.05 <= aliases["share"][0] <= 0.2
    linked = frame(engine, """
        SELECT COUNT(*) AS n FROM (SELECT crime_id FROM crime_link UNION SELECT linked_crime_id FROM crime_link)""")
    total = frame(engine, "SELECT COUNT(*) AS n FROM crime")["n"][0]
    assert 0.02 <= linked["n"][0] / total <= 0.08


def test_nothing_happens_after_data_as_of(demo):
    engine, _ = demo
    meta = dict(frame(engine, "SELECT key, value FROM meta").itertuples(index=False))
    assert meta["data_version"] == "1" and meta["preset"] == "demo" and meta["seed"] == str(SEED)
    as_of = datetime.fromisoformat(meta["data_as_of"])
    assert as_of.date() == TODAY
    datetime.fromisoformat(meta["generated_at"])
    checks = [(S.crime, "reported_at"), (S.crime, "recorded_at"), (S.task, "created_at"),
              (S.task, "completed_at"), (S.custody, "arrived_at"), (S.custody, "released_at"),
              (S.incident, "opened_at"), (S.deployment, "released_at"), (S.bail, "updated_at")]
    with engine.connect() as conn:
        for table, col in checks:
            latest = conn.execute(select(func.max(table.c[col]))).scalar()
            assert latest <= as_of, (table.name, col, latest)


def test_event_dates_come_in_order(demo):
    engine, _ = demo
    checks = {
        "recorded before reported": "SELECT COUNT(*) FROM crime WHERE recorded_at < reported_at",
        "occurred after reported": "SELECT COUNT(*) FROM crime WHERE occurred_on > DATE(reported_at)",
        "allocated before recorded": "SELECT COUNT(*) FROM crime WHERE allocated_on < DATE(recorded_at)",
        "outcome before recorded": "SELECT COUNT(*) FROM crime WHERE outcome_date < DATE(recorded_at)",
        "open with an outcome": """SELECT COUNT(*) FROM crime WHERE status = 'open'
                                   AND (outcome_code <> 0 OR outcome_date IS NOT NULL OR finalised)""",
        "arrest before recorded": """SELECT COUNT(*) FROM crime_person p JOIN crime c ON c.id = p.crime_id
                                     WHERE p.arrested_on < DATE(c.recorded_at)""",
        "charge before arrest": "SELECT COUNT(*) FROM crime_person WHERE charged_on < arrested_on",
        "custody before report": """SELECT COUNT(*) FROM custody u JOIN crime c ON c.id = u.crime_id
                                    WHERE u.arrived_at < c.reported_at OR u.released_at < u.arrived_at""",
        "task done before created": "SELECT COUNT(*) FROM task WHERE completed_at < created_at",
        "bail ends before start": "SELECT COUNT(*) FROM bail WHERE ends_on < bail_start",
    }
    with engine.connect() as conn:
        broken = {name: conn.execute(text(sql)).scalar() for name, sql in checks.items()}
    assert broken == {name: 0 for name in checks}


def test_rosters_leave_and_training(demo):
    engine, _ = demo
    officers = frame(engine, "SELECT COUNT(*) AS n FROM officer")["n"][0]
    on_leave = frame(engine, f"""
        SELECT kind, COUNT(DISTINCT officer_id) AS n FROM leave
        WHERE starts_on <= '{TODAY}' AND ends_on >= '{TODAY}' GROUP BY kind""").set_index("kind")["n"]
    assert 0.04 <= on_leave["annual"] / officers <= 0.13
    assert 0.01 <= on_leave["sick"] / officers <= 0.08
    assert 0.005 <= on_leave["restricted"] / officers <= 0.06
    shifts = frame(engine, "SELECT officer_id, starts_at, ends_at, attended FROM shift")
    start = pd.to_datetime(shifts["starts_at"])
    hours = (pd.to_datetime(shifts["ends_at"]) - start).dt.total_seconds() / 3600
    assert set(hours.unique()) <= {8, 10, 12} and len(set(hours.unique())) >= 2
    assert start.min().date() == date(2026, 10, 23) and start.max().date() == date(2026, 12, 4)
    as_of = pd.Timestamp(TODAY) + pd.Timedelta(hours=6)
    ended = pd.to_datetime(shifts["ends_at"]) <= as_of
    assert shifts.loc[~ended, "attended"].isna().all()  # running or still to come
    assert shifts.loc[ended, "attended"].notna().all()
    assert 0.95 < shifts.loc[ended, "attended"].mean() < 1
    assert shifts["officer_id"].nunique() > 0.9 * officers
    training = frame(engine, f"""
        SELECT AVG(expires_on < '{TODAY}') AS expired FROM training WHERE critical AND expires_on IS NOT NULL""")
    assert 0.01 <= training["expired"][0] <= 0.10


def test_incidents_and_deployments(demo):
    engine, _ = demo
    crimes = frame(engine, "SELECT COUNT(*) AS n FROM crime")["n"][0]
    with_crime = frame(engine, "SELECT COUNT(DISTINCT crime_id) AS n FROM incident WHERE crime_id IS NOT NULL")
    assert 0.5 <= with_crime["n"][0] / crimes <= 0.7
    bad = frame(engine, """
        SELECT COUNT(*) AS n FROM deployment d JOIN incident i ON i.id = d.incident_id
        WHERE d.assigned_at < i.opened_at OR d.deployed_at < d.assigned_at OR d.arrived_at < d.deployed_at
              OR d.released_at < d.arrived_at""")
    assert bad["n"][0] == 0
    per = frame(engine, "SELECT incident_id, COUNT(*) AS n FROM deployment GROUP BY incident_id")["n"]
    assert per.min() >= 1 and per.max() <= 3


def test_worklist_history_backfills_six_weeks_but_not_today(demo):
    engine, _ = demo
    snaps = frame(engine, "SELECT * FROM worklist_snapshot")
    days = pd.to_datetime(snaps["snapshot_on"])
    assert days.max().date() == date(2026, 11, 19) and days.nunique() == 42
    assert set(snaps["kind"]) == {"all", "supervisor_review", "victim_contact"}
    teams = frame(engine, "SELECT COUNT(*) AS n FROM org_unit WHERE kind = 'team'")["n"][0]
    assert len(snaps) == teams * 42 * 3
    daily = snaps[snaps["kind"] == "all"].groupby("snapshot_on")[["overdue", "new_crimes"]].sum()
    assert daily["overdue"].iloc[:7].mean() > daily["overdue"].iloc[-7:].mean()  # backlog falling
    assert (snaps["overdue"] <= snaps["outstanding"]).all()


def test_demo_accounts_exist_and_the_password_verifies(demo):
    engine, _ = demo
    assert [a["username"] for a in DEMO_ACCOUNTS] == [
        "officer", "officer2", "sergeant", "inspector", "leader", "analyst", "staff", "admin"]
    accounts = frame(engine, """
        SELECT a.username, a.role, a.password_hash, a.can_view_fsu, a.scope_unit_id, o.rank, o.team_id,
               o.is_staff, u.kind AS scope_kind, u.strand AS scope_strand
        FROM user_account a JOIN officer o ON o.id = a.officer_id JOIN org_unit u ON u.id = a.scope_unit_id
        """).set_index("username")
    hasher = PasswordHasher()
    assert accounts["password_hash"].nunique() == 1  # hashed once, shared
    assert hasher.verify(accounts["password_hash"].iloc[0], DEMO_PASSWORD)
    for spec in DEMO_ACCOUNTS:
        row = accounts.loc[spec["username"]]
        assert row["role"] == spec["role"] and spec["password"] == DEMO_PASSWORD and spec["description"]
    a = accounts
    assert a.loc["officer", "rank"] == "PC" and a.loc["officer2", "rank"] == "PC"
    assert a.loc["officer", "team_id"] != a.loc["officer2", "team_id"]
    assert a.loc["sergeant", "team_id"] == a.loc["officer", "team_id"]
    assert a.loc["officer", "scope_kind"] == "team" and a.loc["sergeant", "scope_kind"] == "team"
    assert a.loc["inspector", "scope_kind"] == "department" and a.loc["inspector", "rank"] == "Insp"
    assert a.loc["leader", "scope_kind"] == "bcu" and a.loc["leader", "rank"] == "Supt"
    assert a.loc["analyst", "scope_kind"] == "force" and bool(a.loc["analyst", "can_view_fsu"])
    assert a.loc["admin", "scope_kind"] == "force"
    assert bool(a.loc["staff", "is_staff"]) and a.loc["staff", "scope_strand"] == "investigations"
    # Everyone else logs in with their collar number; roles follow rank.
    roles = frame(engine, """
        SELECT o.rank, a.role FROM user_account a JOIN officer o ON o.id = a.officer_id
        WHERE a.username = LOWER(o.collar)""").drop_duplicates()
    expected = {"PC": "officer", "DC": "officer", "PS": "supervisor", "DS": "supervisor",
                "Insp": "inspector", "CI": "inspector", "Supt": "senior_leader", "ACC": "senior_leader",
                "staff": "staff"}
    assert all(expected[r] == role for r, role in roles.itertuples(index=False))


def test_demo_officer_owes_work_of_every_kind(demo):
    engine, _ = demo
    kinds = frame(engine, """
        SELECT t.kind, COUNT(*) AS n FROM task t JOIN user_account a ON a.officer_id = t.oic_id
        WHERE a.username = 'officer' AND t.status = 'open' GROUP BY t.kind""").set_index("kind")["n"]
    assert set(kinds.index) == set(CATEGORY_IDS)
    assert kinds.sum() >= 100


def test_refuses_a_populated_database_without_reset(demo, capsys):
    engine, stats = demo
    with pytest.raises(AlreadyPopulated):
        generate(engine, "demo", seed=SEED, today=TODAY)
    url = engine.url.render_as_string(hide_password=False)
    assert main(["--preset", "demo", "--database-url", url, "--today", TODAY.isoformat()]) == 2
    assert "--reset" in capsys.readouterr().err
    with engine.connect() as conn:  # untouched
        assert conn.execute(select(func.count()).select_from(S.crime)).scalar() == stats["counts"]["crime"]


def test_reset_replaces_the_force(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'reset.db'}"
    engine = make_engine(url)
    with engine.begin() as conn:
        S.metadata.create_all(conn)
        conn.execute(insert(S.org_unit).values(id=1, kind="force", name="Old force"))
    engine.dispose()
    assert main(["--preset", "demo", "--database-url", url, "--reset", "--seed", "3",
                 "--today", TODAY.isoformat()]) == 0
    assert "crime" in capsys.readouterr().out
    engine = make_engine(url)
    with engine.connect() as conn:
        names = conn.execute(select(S.org_unit.c.name).where(S.org_unit.c.kind == "force")).scalars().all()
    assert names == [PRESETS["demo"].force_name]
    engine.dispose()


def test_cli_default_database_is_the_configured_one(monkeypatch, tmp_path):
    """No --database-url: DATABASE_URL, else beacon.db in the data folder, as the app itself would open."""
    monkeypatch.setenv("BEACON_RULES_FILE", str(tmp_path / "rules.json"))
    (tmp_path / "rules.json").write_text('{"no_such_rule": 1}')  # stops the run before anything is written
    with pytest.raises(ValueError, match="no_such_rule"):
        main(["--preset", "demo"])
    assert not (tmp_path / "beacon.db").exists()
    (tmp_path / "rules.json").write_text("{}")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    engine = make_engine(f"sqlite:///{tmp_path / 'elsewhere.db'}")
    with engine.begin() as conn:
        S.metadata.create_all(conn)
        conn.execute(insert(S.org_unit).values(id=1, kind="force", name="Old force"))
    engine.dispose()
    assert main(["--preset", "demo"]) == 2  # refused: the configured database already holds a force
    assert not (tmp_path / "beacon.db").exists()


def test_unknown_preset_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown preset"):
        generate(make_engine(f"sqlite:///{tmp_path / 'x.db'}"), "atlantis")


@pytest.fixture
def pg_database():
    """A throwaway PostgreSQL database on the server named by BEACON_TEST_PG_URL."""
    with new_pg_database("beacon_gen") as url:
        yield url


@pytest.mark.postgres
def test_postgresql_gets_the_same_force(demo, pg_database):
    sqlite_engine, _ = demo
    engine = make_engine(pg_database)
    try:
        stats = generate(engine, "demo", seed=SEED, today=TODAY)
        assert stats["counts"]["crime"] > 0
        for table in COMPARED:
            assert rows(engine, table) == rows(sqlite_engine, table), table.name
        with engine.begin() as conn:  # sequences moved past the explicit ids
            audits = conn.execute(select(func.count()).select_from(S.audit_log)).scalar_one()  # the load's own
            new_id = conn.execute(insert(S.audit_log).values(
                at=datetime.combine(TODAY, time(9)), action="test", object_type="generator")).inserted_primary_key[0]
            task_id = conn.execute(insert(S.task).values(
                crime_id=1, team_id=1, kind="oel_update", rule_id="OEL-14", status="open",
                created_at=datetime.combine(TODAY, time(9)))).inserted_primary_key[0]
        assert new_id == audits + 1
        assert task_id == stats["counts"]["task"] + 1
        with pytest.raises(AlreadyPopulated):
            generate(engine, "demo", seed=SEED, today=TODAY)
    finally:
        engine.dispose()



def test_an_index_added_by_a_later_release_is_created_on_an_existing_database(tmp_path):
    from sqlalchemy import create_engine, inspect, text

    from data_access.db import create_schema

    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    create_schema(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_shift_officer_start"))  # as a database made before the index existed
    assert "ix_shift_officer_start" not in {i["name"] for i in inspect(engine).get_indexes("shift")}
    create_schema(engine)
    assert "ix_shift_officer_start" in {i["name"] for i in inspect(engine).get_indexes("shift")}
    create_schema(engine)  # and again: nothing left to do, nothing fails

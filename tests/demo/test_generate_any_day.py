"""The demo force keeps its promises whatever day it is generated on."""

from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import func, select, text

from data_access import schema as S
from data_access.db import make_engine
from data_access.demand import demand_view
from demo.generate import generate
from data_access.store import open_store
from scoring.calendar import is_working_day
from scoring.categories import CATEGORY_IDS
from tests.helpers import actor_for, team_of

DAYS = [
    date(2027, 1, 31),   # a month end, on a Sunday
    date(2028, 2, 29),   # 29 February
    date(2026, 12, 25),  # Christmas Day
    date(2027, 3, 31),   # the week the clocks go forward (28 March 2027), and a quarter end
    date(2027, 5, 3),    # a bank-holiday Monday
    date(2026, 11, 30),  # a Monday: the latest full week ended yesterday
]


def _frame(engine, sql: str) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(text(sql), conn)


@pytest.mark.parametrize("today", DAYS, ids=[d.isoformat() for d in DAYS])
def test_demo_force_invariants_hold_on_any_day(tmp_path, today):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    engine = make_engine(url)
    generate(engine, "demo", seed=7, today=today)
    engine.dispose()
    store = open_store(url, tmp_path / "cache", fixed_today=today)
    engine = store.engine

    # Nothing is dated after the data-as-of moment, which is on the day itself.
    as_of = datetime.fromisoformat(_frame(engine, "SELECT value FROM meta WHERE key = 'data_as_of'")["value"][0])
    assert as_of.date() == today
    with engine.connect() as conn:
        for table, col in [(S.crime, "reported_at"), (S.crime, "recorded_at"), (S.task, "completed_at"),
                           (S.custody, "released_at"), (S.incident, "opened_at")]:
            latest = conn.execute(select(func.max(table.c[col]))).scalar()
            assert latest <= as_of, (table.name, col, latest)

    # Work falls due on both sides of today, and the demo officer owes work of every kind.
    tasks = _frame(engine, "SELECT kind, rule_id, due_date, oic_id FROM task WHERE status = 'open'")
    due = pd.to_datetime(tasks["due_date"])
    assert (due < pd.Timestamp(today)).any() and (due >= pd.Timestamp(today)).any()
    officer = actor_for(store, "officer")
    mine = tasks[tasks["oic_id"] == officer.officer_id]
    assert set(mine["kind"]) == set(CATEGORY_IDS)

    # Victims' Code contacts are due on working days (weekends and bank holidays skipped).
    contacts = tasks[tasks["rule_id"].isin(["VC-STD", "VC-ENH"]) & tasks["due_date"].notna()]
    assert len(contacts) > 0
    off_days = [d for d in pd.to_datetime(contacts["due_date"]).dt.date if not is_working_day(d, store.settings)]
    assert off_days == []

    # Some bail has lapsed and more is still running, at every stage of the 2022 scheme.
    bail = _frame(engine, "SELECT stage, ends_on FROM bail WHERE status = 'bail'")
    ends = pd.to_datetime(bail["ends_on"])
    assert (ends < pd.Timestamp(today)).any() and (ends >= pd.Timestamp(today)).sum() > (ends < pd.Timestamp(today)).sum()

    # Six weeks of daily history up to yesterday, none for today.
    snaps = _frame(engine, "SELECT DISTINCT snapshot_on FROM worklist_snapshot")
    days = pd.to_datetime(snaps["snapshot_on"]).dt.date
    assert days.max() == today - timedelta(days=1) and len(days) == 42

    # The planted surge shows as a jump in demand in the latest full week.
    jumps = demand_view(store, actor_for(store, "inspector"), None)["jumps"]
    assert team_of(store, actor_for(store, "officer2").officer_id) in set(jumps["unit_id"])
    store.cache.close()
    engine.dispose()

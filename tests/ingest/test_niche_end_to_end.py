"""A second records system's extract, through its mapping alone, gives the same owed work as Beacon's own shape."""

from pathlib import Path

from sqlalchemy import select

from data_access.accounts import authenticate, create_account
from data_access.ingest.loader import load_extract
from data_access.permissions import SYSTEM
from data_access.schema import crime, task
from data_access.worklist import worklist_view

ROOT = Path(__file__).resolve().parents[2]


def _owed(store) -> set:
    with store.engine.connect() as conn:
        rows = conn.execute(select(crime.c.crime_ref, task.c.task_key, task.c.rule_id, task.c.due_date, task.c.status)
                            .select_from(task.join(crime, crime.c.id == task.c.crime_id))).all()
    return {tuple(r) for r in rows}


def test_both_shapes_give_the_same_tasks_and_a_sergeant_sees_them(sqlite_empty, second_sqlite):
    niche = load_extract(sqlite_empty, ROOT / "mappings" / "niche-style.yaml", ROOT / "samples" / "niche-style")
    own = load_extract(second_sqlite, ROOT / "mappings" / "beacon-extract.yaml", ROOT / "samples" / "beacon-extract")
    assert (niche.status, own.status) == ("loaded", "loaded")
    assert niche.derived["inserted"] > 0
    assert _owed(sqlite_empty) == _owed(second_sqlite)
    # A new user's path: an account for a loaded sergeant, signed in, sees the team's owed work.
    create_account(sqlite_empty, SYSTEM, "ben", "a-long-passphrase", "supervisor", collar="C4101")
    actor = authenticate(sqlite_empty, "ben", "a-long-passphrase")
    view = worklist_view(sqlite_empty, actor, None)
    assert sum(b["total"] for b in view["badges"]) > 0

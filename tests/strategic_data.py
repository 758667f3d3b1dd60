"""Where the shared real public data lives for the strategic tests, and how to import it."""

import os
from pathlib import Path

import pytest

SHARED_ENV = "BEACON_SHARED_DIR"
REPO = Path(__file__).resolve().parent.parent

# Every shared file, the importer kind that reads it, and the quarantine reasons expected in it.
SHARED_FILES = [
    ("police_uk/street/police-uk-2017-01-merseyside-street.csv", "street", set()),
    ("police_uk/street/police-uk-2018-12-merseyside-street.csv", "street", set()),
    ("police_uk/stop_and_search/2019-06-greater-manchester-stop-and-search.csv", "stop-search", set()),
    ("home_office/prc/prc-pfa-mar2013-onwards-tables201718.csv", "recorded-crime", {"not a territorial police force"}),
    ("home_office/workforce/officer-fte/2015.csv", "workforce",
     {"regional total, not a force", "total row, not a force", "not a territorial police force"}),
    ("home_office/workforce/officer-fte/2016.csv", "workforce",
     {"regional total, not a force", "total row, not a force", "not a territorial police force"}),
    ("home_office/workforce/officer-fte/2017.csv", "workforce",
     {"regional total, not a force", "total row, not a force", "not a territorial police force"}),
    ("home_office/workforce/officer-fte/2018.csv", "workforce",
     {"regional total, not a force", "total row, not a force", "not a territorial police force"}),
    ("home_office/workforce/officer-fte/2019.csv", "workforce",
     {"regional total, not a force", "total row, not a force", "not a territorial police force"}),
    ("home_office/workforce/police-workforce-sep18-tables.ods", "workforce",
     {"regional total, not a force", "total row, not a force", "not a territorial police force"}),
    ("home_office/use_of_force/incidents/april2017-march2018.csv", "use-of-force", {"total row, not a force"}),
    ("home_office/use_of_force/incidents/april2018-march2019.csv", "use-of-force", {"total row, not a force"}),
    ("home_office/use_of_force/incidents/april2019-march2020.csv", "use-of-force", {"total row, not a force"}),
]
LOOKUP = ("lookups/Local_Authority_District_to_Community_Safety_Partnerships_to_Police_Force_Areas__"
          "December_2016__Lookup_in_England_and_Wales.csv")


def in_ci() -> bool:
    """True on the CI runner (CI=true), where the shared data must be present."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _shared_path() -> Path:
    base = os.environ.get(SHARED_ENV)
    return Path(base) / "data" / "public" if base else REPO.parent / "shared" / "data" / "public"


def missing_reason() -> str | None:
    """Why the real public files cannot be read here, or None when they can."""
    path = _shared_path()
    if (path / "README.md").exists():
        return None
    return f"real public data files not found at {path}; set {SHARED_ENV} to the shared/ folder"


_MISSING = missing_reason()
# Marks a test that reads the real public files: outside CI it skips, saying why, when they are absent; in CI
# it runs, and public_dir() fails it.
needs_public_data = pytest.mark.skipif(_MISSING is not None and not in_ci(),
                                       reason=f"a check against the real public files: {_MISSING}")


def public_dir() -> Path:
    """The shared public data folder: BEACON_SHARED_DIR, else shared/ beside the checkout.

    Read in place (never copied). Absent outside CI: skip with the reason. Absent in CI (CI=true): fail, the
    data must be there.
    """
    reason = missing_reason()
    if reason:
        if in_ci():
            pytest.fail(f"CI needs the real public data files: {reason}")
        pytest.skip(f"a check against the real public files: {reason}")
    return _shared_path()


def drop_demo_data(store) -> None:
    """Remove the demo generator's synthetic benchmark rows, for tests that count real imports only."""
    from sqlalchemy import delete, select

    from data_access.schema_strategic import IMPORTED_TABLES, import_batch, import_quarantine

    with store.engine.begin() as conn:
        ids = [r[0] for r in conn.execute(select(import_batch.c.id).where(import_batch.c.synthetic.is_(True)))]
        for table in (*IMPORTED_TABLES, import_quarantine):
            conn.execute(delete(table).where(table.c.batch_id.in_(ids)))
        conn.execute(delete(import_batch).where(import_batch.c.id.in_(ids)))


def needs_odfpy() -> None:
    """Skip a test that reads the ODS workbook when odfpy (pandas' ODS reader) is not installed."""
    pytest.importorskip("odf", reason="reading .ods needs odfpy: add \"odfpy>=1.4.1\" to pyproject dependencies")

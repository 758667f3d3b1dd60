"""The monthly pack as PDF: made on the first working day, kept, listed and downloaded by strategic readers."""

import shutil
import subprocess
from datetime import date

import pytest
from sqlalchemy import select

from data_access.errors import AccessDenied
from data_access.packs import list_packs, make_monthly_pack, pack_due
from data_access.schema import audit_log
from tests.conftest import login
from tests.helpers import actor_for

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="pdftotext missing: apt-get install poppler-utils")


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_the_pack_is_due_on_the_first_working_day_only(sqlite_store):
    settings = sqlite_store.settings
    assert pack_due(date(2026, 12, 1), settings) and pack_due(date(2027, 1, 4), settings)
    assert not pack_due(date(2027, 1, 1), settings) and not pack_due(date(2026, 11, 18), settings)
    result = make_monthly_pack(sqlite_store, actor_for(sqlite_store, "leader"))  # today is 18 November
    assert result == {"status": "not_due", "month": "2026-11", "due_on": "2026-11-02"}
    assert list_packs(sqlite_store, actor_for(sqlite_store, "leader")) == []


def test_only_strategic_readers_make_or_list_packs(sqlite_store):
    for username in ("officer", "sergeant", "inspector"):
        with pytest.raises(AccessDenied):
            make_monthly_pack(sqlite_store, actor_for(sqlite_store, username), force=True)
        with pytest.raises(AccessDenied):
            list_packs(sqlite_store, actor_for(sqlite_store, username))


@needs_pdftotext
def test_a_made_pack_is_kept_listed_and_downloaded_as_a_pdf_with_the_packs_text(app, client, sqlite_store,
                                                                                   tmp_path):
    leader = actor_for(sqlite_store, "leader")
    made = make_monthly_pack(sqlite_store, leader, force=True)
    again = make_monthly_pack(sqlite_store, leader, force=True)  # a second run replaces the month's pack
    assert made["status"] == again["status"] == "made" and made["id"] == again["id"]
    (kept,) = list_packs(sqlite_store, leader)
    assert kept["month"] == "2026-11" and kept["title"].startswith("Monthly performance pack")

    login(client, "leader")
    page = client.get("/strategic/packs").get_data(as_text=True)
    assert f"/strategic/packs/{kept['id']}" in page and "2026-11" in page
    resp = client.get(f"/strategic/packs/{kept['id']}")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert "beacon-monthly-pack-2026-11.pdf" in resp.headers["Content-Disposition"]
    text = _text(resp.data, tmp_path)
    assert "Monthly performance pack" in text and "BCUs" in text
    assert "Print or save as PDF" not in text  # the print button is for the browser only
    with sqlite_store.engine.connect() as conn:
        actions = conn.execute(select(audit_log.c.username, audit_log.c.action).where(
            audit_log.c.object_type == "monthly_pack")).all()
    assert ("leader", "export") in actions and actions.count(("leader", "write")) == 2
    assert client.get("/strategic/packs/999999").status_code == 404


def test_packs_are_refused_to_those_without_the_strategic_tab(app, client, sqlite_store):
    login(client, "inspector")
    assert client.get("/strategic/packs").status_code == 403
    assert client.get("/strategic/packs/1").status_code == 403

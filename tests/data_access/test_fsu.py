"""Frequent service users on real SQLite and PostgreSQL: runs, versions, access, audit, linking quality."""

import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from data_access import fsu, jobs
from data_access.errors import AccessDenied, BadRequest
from data_access.schema import audit_log, incident, user_account
from data_access.schema_fsu import fsu_result, fsu_run, incident_party, missing_episode
from scoring.settings_fsu import describe_fsu_settings
from tests.helpers import actor_for

NO_PERMISSION = ["officer", "officer2", "sergeant", "inspector", "leader", "staff", "admin"]


@pytest.fixture
def analyst(store):
    return actor_for(store, "analyst")


@pytest.fixture
def ran(store, analyst):
    result = fsu.run_now(store, analyst)
    assert result["status"] == "succeeded", result
    return result


def _audits(store, action, object_type):
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(audit_log).where(
            (audit_log.c.action == action) & (audit_log.c.object_type == object_type))).scalar_one()


def test_generator_wrote_parties_and_missing_episodes(store):
    with store.engine.connect() as conn:
        parties = conn.execute(select(func.count()).select_from(incident_party)).scalar_one()
        named = conn.execute(select(func.count()).select_from(incident).where(
            incident.c.originator_person_id.isnot(None))).scalar_one()
        episodes = conn.execute(select(func.count()).select_from(missing_episode)).scalar_one()
    assert parties >= named > 0
    assert episodes > 0


def test_run_lists_the_union_of_top_100s_and_links_only_the_right_people(store, ran):
    assert 100 <= ran["people_listed"] <= 400
    counts = ran["link_counts"]
    assert counts["pnc"] + counts["name_dob"] > 0 and counts["no_match"] > 0 and counts["missing_details"] > 0
    with store.engine.connect() as conn:
        rows = conn.execute(select(fsu_result).where(fsu_result.c.run_id == ran["run_id"])).mappings().all()
    listed = {r["person_id"] for r in rows}
    top = {r["person_id"] for r in rows if min(r["rank_inv_custody"], r["rank_originator"], r["rank_subject"],
                                                r["rank_overall"]) <= 100}
    assert listed == top


def test_linked_incidents_match_the_generators_truth(store, analyst, ran):
    # The generator knows who each typed party really is (incident.originator/subject_person_id).
    from data_access.schema_fsu import fsu_result_incident

    with store.engine.connect() as conn:
        rows = conn.execute(select(fsu_result_incident.c.person_id, fsu_result_incident.c.role,
                                   incident.c.originator_person_id, incident.c.subject_person_id)
                            .select_from(fsu_result_incident.join(incident,
                                                                  incident.c.id == fsu_result_incident.c.incident_id))
                            .where(fsu_result_incident.c.run_id == ran["run_id"])).all()
    assert rows
    wrong = [r for r in rows if r.person_id != (r.originator_person_id if r.role == "originator"
                                               else r.subject_person_id)]
    # Only people who share a name and date of birth with an alias of someone else could differ.
    assert len(wrong) <= len(rows) * 0.005


@pytest.mark.parametrize("username", NO_PERMISSION)
def test_every_read_and_write_needs_the_permission(store, username, ran):
    actor = actor_for(store, username)
    for call in (lambda: fsu.list_view(store, actor), lambda: fsu.run_status(store, actor),
                 lambda: fsu.person_details(store, actor, 1), lambda: fsu.export_summary(store, actor, 1),
                 lambda: fsu.investigation_lpas(store, actor, [1]), lambda: fsu.request_run(store, actor),
                 lambda: fsu.run_now(store, actor)):
        with pytest.raises(AccessDenied):
            call()


def test_details_and_export_are_audited_and_unlisted_people_refused(store, analyst, ran):
    view = fsu.list_view(store, analyst)
    pid = view["rows"][0]["person_id"]
    before = _audits(store, "read", "fsu_person"), _audits(store, "export", "fsu_person")
    d = fsu.person_details(store, analyst, pid)
    out = fsu.export_summary(store, analyst, pid)
    assert d["summary"][0][0] == "name"
    assert d["investigations"] or d["incidents"]["rows"]
    assert out["content"].startswith("field,value") and "predict nothing" in out["content"]
    assert (_audits(store, "read", "fsu_person"), _audits(store, "export", "fsu_person")) == \
        (before[0] + 1, before[1] + 1)
    with store.engine.connect() as conn:
        listed = {r[0] for r in conn.execute(select(fsu_result.c.person_id).where(fsu_result.c.run_id == ran["run_id"]))}
    unlisted = next(i for i in range(1, 100000) if i not in listed)
    for bad in (unlisted, 99_999_999):
        with pytest.raises(AccessDenied):
            fsu.person_details(store, analyst, bad)
    with pytest.raises(BadRequest):
        fsu.person_details(store, analyst, "1; DROP TABLE person")


def test_filters_hide_rows_and_never_re_rank(store, analyst, ran):
    full = {r["person_id"]: r for r in fsu.list_view(store, analyst)["rows"]}
    lpa = fsu.list_view(store, analyst)["lpa_options"][0]["value"]
    for kwargs in ({"lpas": [lpa]}, {"themes": ["DA"]}, {"themes": ["MISSING"]},
                   {"categories": ["violence with injury"]}, {"lpas": ["unknown"], "themes": ["MH", "CA"]}):
        rows = fsu.list_view(store, analyst, **kwargs)["rows"]
        assert len(rows) <= len(full)
        for r in rows:
            assert r == full[r["person_id"]]
    with pytest.raises(BadRequest):
        fsu.list_view(store, analyst, themes=["NOPE"])
    with pytest.raises(BadRequest):
        fsu.list_view(store, analyst, lpas=["99999"])


def test_failed_run_keeps_the_last_good_run_and_says_so(store, analyst, ran, monkeypatch):
    good = fsu.list_view(store, analyst)

    def boom(*_a, **_k):
        raise RuntimeError("warehouse unavailable")

    monkeypatch.setattr("data_access.fsu.rank_people", boom)
    result = fsu.run_now(store, analyst)
    assert result["status"] == "failed" and "warehouse unavailable" in result["message"]
    after = fsu.list_view(store, analyst)
    assert after["rows"] == good["rows"]
    assert after["shown_run"]["id"] == ran["run_id"]
    assert after["latest_run"]["status"] == "failed"


def test_refresh_runs_as_a_job_that_only_its_starter_can_follow(store, analyst):
    job_id = fsu.start_refresh(store, analyst)
    with pytest.raises(BadRequest):
        fsu.request_run(store, analyst)  # one at a time
    jobs.runner(store).wait(job_id, timeout=120)
    state = jobs.state(store, analyst, job_id)
    assert state["status"] == "succeeded" and state["percent"] == 100
    assert state["result"]["status"] == "succeeded" and state["result"]["people_listed"] > 0
    with store.engine.connect() as conn:
        run = conn.execute(select(fsu_run).where(fsu_run.c.id == state["result"]["run_id"])).mappings().one()
    assert run["status"] == "succeeded" and json.loads(run["link_counts"])
    for other in (actor_for(store, "admin"), actor_for(store, "leader"), None):
        with pytest.raises(AccessDenied):
            jobs.state(store, other, job_id)


def test_refresh_rechecks_the_permission_when_the_job_starts(store, analyst):
    gate = threading.Event()
    blocker = jobs.start(store, analyst, "test-block", lambda progress: gate.wait(60) and {})
    job_id = fsu.start_refresh(store, analyst)  # waits behind the blocker
    with store.engine.begin() as conn:
        conn.execute(user_account.update().where(user_account.c.id == analyst.user_id).values(can_view_fsu=False))
    gate.set()
    jobs.runner(store).wait(blocker, timeout=60)
    jobs.runner(store).wait(job_id, timeout=60)
    state = jobs.state(store, analyst, job_id)
    assert state["status"] == "failed" and "refused" in state["message"]
    with store.engine.connect() as conn:
        run = conn.execute(select(fsu_run).order_by(fsu_run.c.id.desc())).mappings().first()
    assert run["status"] == "failed" and "lost the permission" in run["message"]


def test_chart_ignores_people_not_on_the_list(store, analyst, ran):
    pid = fsu.list_view(store, analyst)["rows"][0]["person_id"]
    rows = fsu.investigation_lpas(store, analyst, [pid, 99_999_999])
    assert rows and {r["person"] for r in rows} == {fsu.list_view(store, analyst)["rows"][0]["name"]}
    with pytest.raises(BadRequest):
        fsu.investigation_lpas(store, analyst, list(range(51)))


def test_command_line_runs_as_a_named_account(sqlite_store, tmp_path, capsys, monkeypatch):
    from data_access.fsu_run import main
    from tests.conftest import TODAY

    # The run dates itself by the configuration's today, which must be the test force's, whatever the calendar.
    monkeypatch.setenv("BEACON_TODAY", TODAY.isoformat())
    url = sqlite_store.engine.url.render_as_string(hide_password=False)
    assert main(["--as", "analyst", "--database-url", url, "--cache-dir", str(tmp_path / "c")]) == 0
    assert main(["--as", "officer", "--database-url", url, "--cache-dir", str(tmp_path / "c")]) == 2
    assert "succeeded" in capsys.readouterr().out


def test_every_fsu_setting_is_documented():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "fsu.md").read_text()
    missing = [d["name"] for d in describe_fsu_settings() if f"`{d['name']}`" not in doc]
    assert not missing


def test_export_cells_cannot_run_as_spreadsheet_formulas():
    from data_access.fsu import _cell

    assert _cell('=HYPERLINK("http://x","x")') == '\'=HYPERLINK("http://x","x")'
    assert _cell("+44 7700") == "'+44 7700" and _cell("@SUM(A1)") == "'@SUM(A1)"
    assert _cell("SMITH, John") == "SMITH, John" and _cell(12) == 12

"""Force records tab: only administrators load, see quarantines or export completions, forged requests included."""

import pytest
from sqlalchemy import func, select

from data_access.errors import AccessDenied, BadRequest
from data_access.records_admin import load_history, quarantine_of, start_load
from data_access.schema import audit_log
from tests.conftest import login
from tests.dash_requests import post
from tests.helpers import actor_for


@pytest.mark.parametrize("output, values, triggered", [
    ("..rec-job.data", {"rec-load.n_clicks": 1}, ["rec-load.n_clicks"]),
    ("rec-export-file.data", {"rec-export.n_clicks": 1}, ["rec-export.n_clicks"]),
    ("rec-quarantine.rowData", {"rec-history.selectedRows": [{"id": 1}]}, ["rec-history.selectedRows"]),
])
@pytest.mark.parametrize("username", ["officer", "sergeant", "leader", "analyst"])
def test_a_forged_request_from_anyone_but_an_administrator_is_refused(app, client, output, values, triggered,
                                                                      username):
    login(client, username)
    resp = post(client, app, output, values, triggered)
    assert resp.status_code == 403


def test_the_demo_load_is_in_the_history_and_its_quarantine_read_is_audited(app):
    store = app.beacon_store
    admin = actor_for(store, "admin")
    history = load_history(store, admin)
    assert history and history[-1]["status"] == "loaded" and history[-1]["quarantined"] == 0
    assert history[-1]["inserted"] > 0
    assert quarantine_of(store, admin, history[-1]["id"]) == []
    with store.engine.connect() as conn:
        reads = conn.execute(select(func.count()).select_from(audit_log)
                             .where(audit_log.c.object_type == "source_quarantine")).scalar_one()
    assert reads == 1
    with pytest.raises(AccessDenied):
        load_history(store, actor_for(store, "inspector"))
    with pytest.raises(BadRequest):
        quarantine_of(store, admin, "1 OR 1=1")


def test_a_load_needs_a_configured_extract(app):
    store = app.beacon_store
    store.source = None
    with pytest.raises(BadRequest, match="BEACON_SOURCE"):
        start_load(store, actor_for(store, "admin"), dry_run=False)

"""Strategic tab over HTTP: who sees it, forged callbacks, the printable pack, and the public page's isolation."""

import json

import pytest
from sqlalchemy import select

from data_access.importers import import_file
from data_access.schema import officer, person
from layouts.tabs import tabs_for
from tests.conftest import login, logout
from tests.dash_requests import find_callback, payload, post
from tests.helpers import actor_for

READERS = {"leader", "analyst", "admin"}
OTHERS = {"officer", "officer2", "sergeant", "inspector", "staff"}


def _render(client, app, area="domestic_abuse", force="merseyside"):
    return post(client, app, "st-kpis.children",
                {"st-area.value": area, "st-force.value": force, "st-period.value": None,
                 "main-tabs.active_tab": "strategic"}, ["st-force.value"])


def post_with_state(client, app, output, values, triggered):
    """Like tests.dash_requests.post, with the callback's State values filled in too."""
    body = payload(app, output, values, triggered)
    _, entry = find_callback(app, output)
    body["state"] = [{"id": d["id"], "property": d["property"], "value": values.get(f"{d['id']}.{d['property']}")}
                     for d in entry.get("state", [])]
    return client.post("/_dash-update-component", json=body)


def _uof(store):
    text = "Region,Police Force,Total\n" + "\n".join(
        f"R,{name},{n}" for name, n in [("Merseyside", 4521), ("Cheshire", 4391), ("Kent", 12436), ("Dorset", 5930)])
    fte = "Force/Region,September 2017,March 2018,September 2018\n" + "\n".join(
        f"{name},{f},{f},{f}" for name, f in [("Merseyside", 3400), ("Cheshire", 2000), ("Kent", 3300), ("Dorset", 1200)])
    admin = actor_for(store, "admin")
    import_file(store, admin, "workforce", fte.encode(), "fte.csv")
    import_file(store, admin, "use-of-force", text.encode(), "april2017-march2018.csv")


@pytest.mark.parametrize("username", sorted(READERS | OTHERS))
def test_tab_shown_to_leaders_analysts_and_administrators_only(sqlite_store, username):
    assert ("strategic" in tabs_for(actor_for(sqlite_store, username))) == (username in READERS)


@pytest.mark.parametrize("username", sorted(OTHERS))
def test_forged_strategic_callback_is_refused_to_other_roles(app, client, username):
    login(client, username)
    assert _render(client, app).status_code == 403


def test_leader_gets_the_benchmark(app, client, sqlite_store):
    _uof(sqlite_store)
    login(client, "leader")
    resp = _render(client, app)
    assert resp.status_code == 200
    body = json.dumps(resp.get_json())
    assert "of 43 forces" in body and "Data as of" in body and "Merseyside" in body


def test_unknown_area_or_force_is_a_bad_request(app, client):
    login(client, "analyst")
    assert _render(client, app, area="robbery").status_code == 400
    assert _render(client, app, force="atlantis").status_code == 400


def test_pack_needs_a_reader(app, client, sqlite_store):
    _uof(sqlite_store)
    anon = client.get("/strategic/pack")
    assert anon.status_code in (302, 401)
    login(client, "officer")
    assert client.get("/strategic/pack").status_code == 403
    logout(client)
    login(client, "leader")
    resp = client.get("/strategic/pack?force=merseyside")
    assert resp.status_code == 200
    text = resp.get_data(as_text=True)
    assert "Monthly performance pack: Merseyside" in text and "@media print" in text
    assert "Domestic abuse" in text and "Burglary" in text


def test_import_upload_is_for_administrators_only(app, client):
    login(client, "analyst")
    resp = post_with_state(client, app, "st-import-job.data",
                {"st-upload.contents": "data:text/csv;base64,YQ==", "st-upload.filename": "x.csv",
                 "st-import-kind.value": "street"}, ["st-upload.contents"])
    assert resp.status_code == 403


def test_tactic_edit_is_for_administrators_only(app, client):
    login(client, "leader")
    resp = post_with_state(client, app, "st-tactic-result.children",
                {"st-tactic-save.n_clicks": 1, "st-tactic-force.value": "kent", "st-tactic-area.value": "burglary",
                 "st-tactic-name.value": "x", "st-tactic-in-use.value": ["yes"]}, ["st-tactic-save.n_clicks"])
    assert resp.status_code == 403


def test_public_page_needs_no_login_and_leaks_nothing(app, client, sqlite_store):
    _uof(sqlite_store)
    resp = client.get("/public/")
    assert resp.status_code == 200
    text = resp.get_data(as_text=True)
    assert "Merseyside" in text
    with sqlite_store.engine.connect() as conn:
        surnames = {r[0] for r in conn.execute(select(person.c.surname).limit(200))} | \
            {r[0] for r in conn.execute(select(officer.c.surname).limit(200))}
        collars = {r[0] for r in conn.execute(select(officer.c.collar).limit(200))}
    assert not [s for s in surnames if f">{s}<" in text or f" {s} " in text]
    assert not [c for c in collars if c in text]
    assert "Northshire" not in text  # the force's own organisation is not on the public page


def test_public_blueprint_reaches_nothing_else(app, client):
    public = [r for r in app.server.url_map.iter_rules() if r.endpoint.startswith("public.")]
    assert [(r.rule, sorted(r.methods - {"HEAD", "OPTIONS"})) for r in public] == [("/public/", ["GET"])]
    assert client.post("/public/").status_code in (401, 405)
    # Without a session every other door stays shut, including Dash callbacks and the pack.
    assert post(client, app, "st-kpis.children", {"st-area.value": "burglary", "st-force.value": "kent",
                                                  "st-period.value": None, "main-tabs.active_tab": "strategic"},
                ["st-area.value"]).status_code == 401
    assert client.get("/strategic/pack").status_code in (302, 401)
    assert client.get("/_dash-layout").status_code == 401
    assert client.get("/public/../strategic/pack").status_code in (302, 401, 404)


def _follow(client, app, job_id):
    return post_with_state(client, app, "st-progress.value@",
                           {"st-import-poll.n_intervals": 1, "st-import-job.data": job_id}, ["st-import-poll.n_intervals"])


def test_administrator_uploads_and_follows_the_import_job(app, client, sqlite_store):
    import base64

    from data_access import jobs
    from data_access.schema_strategic import bench_use_of_force
    from tests.strategic_data import drop_demo_data

    drop_demo_data(sqlite_store)
    login(client, "admin")
    csv_text = "Region,Police Force,Total\nR,Kent,12\nR,Total South East,99\n"
    data_url = "data:text/csv;base64," + base64.b64encode(csv_text.encode()).decode()
    resp = post_with_state(client, app, "st-import-job.data",
                           {"st-upload.contents": data_url, "st-upload.filename": "april2018-march2019.csv",
                            "st-import-kind.value": "use-of-force"}, ["st-upload.contents"])
    assert resp.status_code == 200
    started = resp.get_json()["response"]
    job_id = started["st-import-job"]["data"]
    assert started["st-import-poll"]["disabled"] is False
    jobs.runner(app.beacon_store).wait(job_id, timeout=60)
    done = _follow(client, app, job_id).get_json()["response"]
    assert done["st-import-poll"]["disabled"] is True and done["st-progress"]["label"] == "done"
    assert done["st-data-changed"]["data"] == f"import:{job_id}"  # the figures above redraw
    assert "Read 2, loaded 1, quarantined 1" in json.dumps(done["st-import-result"])
    with sqlite_store.engine.connect() as conn:
        assert conn.execute(select(bench_use_of_force.c.incidents)).scalars().all() == [12]
    # Another account, even another administrator's session, cannot follow this job; nor a made-up id.
    logout(client)
    login(client, "leader")
    assert _follow(client, app, job_id).status_code == 403
    assert _follow(client, app, 10**9).status_code == 403
    assert _follow(client, app, "x").status_code == 403


def test_administrator_edits_a_tactic(app, client, sqlite_store):
    login(client, "admin")
    values = {"st-tactic-save.n_clicks": 1, "st-tactic-force.value": "kent", "st-tactic-area.value": "burglary",
              "st-tactic-name.value": "Drone patrols", "st-tactic-in-use.value": ["yes"]}
    first = post_with_state(client, app, "st-tactic-result.children", values, ["st-tactic-save.n_clicks"])
    again = post_with_state(client, app, "st-tactic-result.children", values, ["st-tactic-save.n_clicks"])
    assert "Saved." in json.dumps(first.get_json()) and "Nothing to change" in json.dumps(again.get_json())


@pytest.mark.parametrize("username", ["leader", "analyst", "officer"])
def test_only_administrators_set_the_deployments_force(app, client, username):
    login(client, username)
    resp = post_with_state(client, app, "st-home-result.children",
                           {"st-home-save.n_clicks": 1, "st-home-force.value": "kent"}, ["st-home-save.n_clicks"])
    assert resp.status_code == 403


def test_administrator_sets_the_force_the_tab_opens_on(app, client):
    login(client, "admin")
    resp = post_with_state(client, app, "st-home-result.children",
                           {"st-home-save.n_clicks": 1, "st-home-force.value": "kent"}, ["st-home-save.n_clicks"])
    assert resp.status_code == 200 and "Saved" in json.dumps(resp.get_json())
    opened = post(client, app, "st-force.options", {"st-force.id": "st-force"}, ["st-force.id"]).get_json()
    assert opened["response"]["st-force"]["value"] == "kent"


def _remove_requests(app, batch_id):
    ask = payload(app, "st-remove-pending.data", {}, [])
    ask["inputs"] = [[{"id": {"type": "st-remove", "batch": batch_id}, "property": "n_clicks", "value": 1}]]
    ask["changedPropIds"] = [json.dumps({"batch": batch_id, "type": "st-remove"}, separators=(",", ":")) + ".n_clicks"]
    confirm = payload(app, "st-remove-result.children...st-data-changed", {"st-remove-confirm.submit_n_clicks": 1},
                      ["st-remove-confirm.submit_n_clicks"])
    confirm["state"] = [{"id": "st-remove-pending", "property": "data", "value": batch_id}]
    return ask, confirm


def _demo_batch(store):
    from data_access.schema_strategic import import_batch
    with store.engine.connect() as conn:
        return conn.execute(select(import_batch.c.id).where(import_batch.c.synthetic.is_(True))).scalar_one()


@pytest.mark.parametrize("username", ["leader", "analyst", "sergeant"])
def test_only_administrators_remove_an_import(app, client, sqlite_store, username):
    login(client, username)
    for body in _remove_requests(app, _demo_batch(sqlite_store)):
        assert client.post("/_dash-update-component", json=body).status_code == 403


def test_administrator_confirms_and_removes_the_demo_import(app, client, sqlite_store):
    batch = _demo_batch(sqlite_store)
    login(client, "admin")
    ask, confirm = _remove_requests(app, batch)
    asked = client.post("/_dash-update-component", json=ask).get_json()["response"]
    assert asked["st-remove-pending"]["data"] == batch and asked["st-remove-confirm"]["displayed"] is True
    assert "synthetic" in asked["st-remove-confirm"]["message"]
    done = client.post("/_dash-update-component", json=confirm)
    assert done.status_code == 200 and "Removed import" in json.dumps(done.get_json())
    assert done.get_json()["response"]["st-data-changed"]["data"] == f"removed:{batch}"
    assert client.post("/_dash-update-component", json=confirm).status_code == 400  # a second confirm: nothing left


def _units(store, kind):
    from data_access.schema import org_unit
    with store.engine.connect() as conn:
        return conn.execute(select(org_unit.c.id, org_unit.c.name).where(org_unit.c.kind == kind)).all()


def test_a_reader_prints_the_pack_of_one_bcu_of_their_own_force(app, client, sqlite_store):
    (bcu_id, bcu_name), = _units(sqlite_store, "bcu")
    login(client, "leader")
    resp = client.get(f"/strategic/pack?bcu={bcu_id}")
    assert resp.status_code == 200
    text = resp.get_data(as_text=True)
    assert f"Monthly performance pack: {bcu_name}" in text and "class='selected'" in text
    assert "Burglary" in text and "Domestic abuse" in text and "@media print" in text
    # The BCU table on the tab links to it.
    shown = _render(client, app, area="burglary").get_json()["response"]
    assert f"/strategic/pack?bcu={bcu_id}" in json.dumps(shown["st-bcu"])


@pytest.mark.parametrize("forged", ["team", "force", "999999", "abc", "-1"])
def test_a_bcu_pack_for_anything_but_a_bcu_of_the_readers_force_is_refused(app, client, sqlite_store, forged):
    ids = {"team": _units(sqlite_store, "team")[0][0], "force": _units(sqlite_store, "force")[0][0]}
    login(client, "leader")
    assert client.get(f"/strategic/pack?bcu={ids.get(forged, forged)}").status_code == 403


def test_the_bcu_pack_is_for_strategic_readers_only(app, client, sqlite_store):
    (bcu_id, _name), = _units(sqlite_store, "bcu")
    login(client, "sergeant")
    assert client.get(f"/strategic/pack?bcu={bcu_id}").status_code == 403


def test_an_empty_upload_is_refused_with_a_message_and_starts_nothing(app, client):
    login(client, "admin")
    resp = post_with_state(client, app, "st-import-job.data",
                           {"st-upload.contents": "data:text/csv;base64,", "st-upload.filename": "empty.csv",
                            "st-import-kind.value": "street"}, ["st-upload.contents"])
    assert resp.status_code == 200
    shown = resp.get_json()["response"]
    assert "Not imported: the upload is empty" in json.dumps(shown["st-import-result"])
    assert "st-import-job" not in shown and shown["st-import-poll"]["disabled"] is True

"""Login, logout, session expiry and the guard on every route and callback."""

from sqlalchemy import select

from data_access.schema import audit_log
from tests.conftest import login, logout
from tests.dash_requests import payload


def test_login_page_is_public_and_dashboard_is_not(client):
    assert client.get("/login").status_code == 200
    resp = client.get("/")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")


def test_bad_password_is_refused_and_audited(client, app):
    resp = login(client, "officer", "wrong")
    assert resp.status_code == 401
    assert b"not recognised" in resp.data
    assert client.get("/").status_code == 302
    with app.beacon_store.engine.connect() as conn:
        actions = [r.action for r in conn.execute(select(audit_log.c.action))]
    assert "login_failed" in actions


def test_login_without_csrf_token_fails(client):
    client.get("/login")
    resp = client.post("/login", data={"username": "officer", "password": "beacon-demo", "csrf": "forged"})
    assert resp.status_code == 400
    assert client.get("/").status_code == 302


def test_login_and_logout(client):
    resp = login(client, "officer")
    assert resp.status_code == 302
    assert client.get("/").status_code == 200
    logout(client)
    assert client.get("/").status_code == 302


def test_signing_out_with_an_ended_session_goes_to_the_sign_in_page(client):
    for method in ("GET", "POST"):
        resp = client.open("/logout", method=method, data={"csrf": "x"})
        assert resp.status_code == 302 and resp.headers["Location"] == "/login?expired=1", method


def test_open_redirect_is_refused(client):
    client.get("/login")
    with client.session_transaction() as sess:
        token = sess["csrf"]
    resp = client.post("/login", data={"username": "officer", "password": "beacon-demo", "csrf": token,
                                       "next": "//evil.example/"})
    assert resp.headers["Location"] == "/"


def test_session_ends_at_its_lifetime_from_sign_in_however_busy(app, client):
    import time

    login(client, "officer")
    assert client.get("/").status_code == 200
    # Busy all along (last action a second ago), but signed in 721 minutes ago: the 720-minute limit holds.
    with client.session_transaction() as sess:
        sess["signed_in_at"] = time.time() - 721 * 60
        sess["last_active"] = time.time() - 1
    assert client.get("/").status_code == 302


def test_session_cookie_is_not_permanent_so_strong_protection_applies(client):
    login(client, "officer")
    cookie = client.get_cookie("session")
    assert cookie.expires is None  # a browser-session cookie


def test_a_copied_cookie_from_another_browser_is_refused(app):
    first = app.server.test_client()
    first.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (force tablet)"
    login(first, "officer")
    copy = app.server.test_client()
    copy.set_cookie("session", first.get_cookie("session").value)
    assert copy.get("/", headers={"User-Agent": "Mozilla/5.0 (force tablet)"}).status_code == 200
    assert copy.get("/", headers={"User-Agent": "Mozilla/5.0 (another machine)"}).status_code == 302


def test_reactivating_an_account_does_not_revive_its_old_sessions(app, client):
    from data_access.accounts import set_account_active
    from data_access.permissions import SYSTEM

    login(client, "officer")
    assert client.get("/").status_code == 200
    set_account_active(app.beacon_store, SYSTEM, "officer", False)
    assert client.get("/").status_code == 302
    set_account_active(app.beacon_store, SYSTEM, "officer", True)
    assert client.get("/").status_code == 302
    assert login(client, "officer").status_code == 302 and client.get("/").status_code == 200


def test_only_the_account_administrator_may_stop_an_account(app):
    import pytest

    from data_access.accounts import load_actor, set_account_active
    from data_access.errors import AccessDenied
    from data_access.schema import user_account

    with app.beacon_store.engine.connect() as conn:
        sergeant_id = conn.execute(select(user_account.c.id).where(user_account.c.username == "sergeant")).scalar()
    with pytest.raises(AccessDenied):
        set_account_active(app.beacon_store, load_actor(app.beacon_store, sergeant_id), "officer", False)


def test_sign_out_needs_a_post_with_the_session_token(client):
    login(client, "officer")
    page = client.get("/logout")
    assert page.status_code == 200 and b'method="post"' in page.data
    assert client.get("/").status_code == 200  # a GET (a link, an embedded image) does not sign out
    assert client.post("/logout", data={"csrf": "forged"}).status_code == 400
    assert client.get("/").status_code == 200
    resp = logout(client)
    assert resp.status_code == 302 and resp.headers["Location"] == "/login?signed_out=1"
    assert b"You have signed out." in client.get(resp.headers["Location"]).data
    assert client.get("/").status_code == 302


def test_every_route_needs_login(app, client):
    public = {"/login", "/logout", "/vendor/<path:filename>", "/static/<path:filename>", "/healthz",
              # The installable app's files: the same for everyone, nothing personal (test_offline_completions).
              "/manifest.webmanifest", "/sw.js", "/offline.html", "/device-clear.js", "/icons/beacon-<int:size>.png"}
    for rule in app.server.url_map.iter_rules():
        # The public blueprint is deliberately open; its own tests prove it serves aggregates only.
        if rule.rule in public or rule.endpoint.startswith("public."):
            continue
        path = rule.rule.replace("<path:path>", "x").replace("<path:filename>", "x").replace("<string:", "<")
        path = path.split("<")[0] or "/"
        methods = rule.methods - {"HEAD", "OPTIONS"}
        for method in methods:
            resp = client.open(path, method=method)
            assert resp.status_code in (302, 401, 403), (rule.rule, method, resp.status_code)
            if resp.status_code == 302:
                assert resp.headers["Location"].startswith("/login")


def test_every_callback_needs_login(app, client):
    assert len(app.callback_map) >= 8
    for key in app.callback_map:
        body = payload(app, key, {}, [])
        resp = client.post("/_dash-update-component", json=body)
        assert resp.status_code == 401, (key, resp.status_code)
        assert b"rowData" not in resp.data and b"crime_ref" not in resp.data


def test_dash_internal_routes_need_login(client):
    for path in ("/_dash-layout", "/_dash-dependencies", "/_reload-hash"):
        assert client.get(path).status_code == 401, path


def test_vendor_assets_are_served_without_login(client):
    assert client.get("/vendor/css/bootstrap.min.css").status_code == 200
    assert client.get("/vendor/../app.py").status_code == 404


def test_control_characters_cannot_smuggle_an_off_site_redirect(client):
    for target in ("/\t/evil.example", "/\n/evil.example", "https://evil.example/", "/\\evil.example"):
        client.get("/login")
        with client.session_transaction() as sess:
            token = sess["csrf"]
        resp = client.post("/login", data={"username": "officer", "password": "beacon-demo", "csrf": token,
                                           "next": target})
        assert resp.headers["Location"] == "/", target
        logout(client)


def test_idle_session_ends_and_the_bell_timer_does_not_keep_it_alive(app, client):
    import time

    from tests.dash_requests import post

    login(client, "officer")
    with client.session_transaction() as sess:
        sess["last_active"] = time.time() - 30 * 60
    # A timer-driven bell refresh is served but does not count as activity.
    resp = post(client, app, "da-badges.children", {"da-scope.value": "mine"}, ["bell-refresh.n_intervals"])
    assert resp.status_code == 200
    with client.session_transaction() as sess:
        assert time.time() - sess["last_active"] > 29 * 60
        sess["last_active"] = time.time() - 61 * 60
    assert client.get("/").status_code == 302


def test_repeated_failures_make_the_account_wait(client):
    for _ in range(5):
        assert login(client, "sergeant", "wrong").status_code == 401
    resp = login(client, "sergeant")
    assert resp.status_code == 429 and b"Try again in 1 minute" in resp.data
    assert client.get("/").status_code == 302


def test_login_page_styles_load_without_a_session(client):
    assert client.get("/assets/beacon.css").status_code == 200


def test_sign_out_voids_copies_of_the_session_cookie(app):
    first = app.server.test_client()
    login(first, "officer")
    cookie = first.get_cookie("session").value
    copy = app.server.test_client()
    copy.set_cookie("session", cookie)
    assert copy.get("/").status_code == 200
    logout(first)
    assert copy.get("/").status_code == 302


"""Usage and adoption tab over HTTP: who sees it, forged callbacks refused, figures with method notes and dates."""

import base64
import json

import numpy as np
import pytest

from data_access.worklist import scope_choices
from layouts.tabs import tabs_for
from layouts.usage import CLEARED_METHOD, DAYS_METHOD, GRID_METHOD, ON_TIME_METHOD, SIGN_INS_METHOD
from tests.conftest import login
from tests.dash_requests import post
from tests.helpers import actor_for

READERS = {"inspector", "leader", "admin"}
OTHERS = {"officer", "officer2", "sergeant", "analyst", "staff"}


def _render(client, app, scope):
    return post(client, app, "us-sign-ins.figure", {"us-scope.value": scope, "main-tabs.active_tab": "usage"},
                ["us-scope.value"])


@pytest.mark.parametrize("username", sorted(READERS | OTHERS))
def test_tab_shown_to_inspectors_leaders_and_administrators_only(sqlite_store, username):
    assert ("usage" in tabs_for(actor_for(sqlite_store, username))) == (username in READERS)


@pytest.mark.parametrize("username", sorted(OTHERS))
def test_forged_usage_callback_is_refused_to_other_roles(app, client, username):
    login(client, username)
    assert _render(client, app, "force:1").status_code == 403


def test_inspector_sees_each_figure_with_its_method_note_and_data_as_of(app, client, sqlite_store):
    login(client, "inspector")
    scope = scope_choices(sqlite_store, actor_for(sqlite_store, "inspector"), "usage.read", own=False)[0]["value"]
    resp = _render(client, app, scope)
    assert resp.status_code == 200
    response = resp.get_json()["response"]
    body = json.dumps(response)
    for method in (SIGN_INS_METHOD, CLEARED_METHOD, ON_TIME_METHOD, DAYS_METHOD, GRID_METHOD):
        assert method in body
    assert body.count("Data as of") == 5
    rows = response["us-grid"]["rowData"]
    assert rows and {"week", "team_name", "kind_label", "cleared", "in_beacon", "on_time_pct"} <= set(rows[0])
    assert response["us-cleared"]["figure"]["data"], "the demo force has cleared tasks to chart"
    (heatmap,) = response["us-sign-ins"]["figure"]["data"]  # the demo's sign-in history, per team and week
    assert heatmap["type"] == "heatmap" and len(heatmap["y"]) > 1 and _cells(heatmap["z"]).sum() > 0


def _cells(z) -> np.ndarray:
    """A figure's z as an array: a list of lists, or Plotly's typed array (base64 bytes, dtype and shape)."""
    if isinstance(z, dict):
        shape = tuple(int(n) for n in str(z["shape"]).split(","))
        return np.frombuffer(base64.b64decode(z["bdata"]), dtype=z["dtype"]).reshape(shape)
    return np.asarray(z, dtype=float)

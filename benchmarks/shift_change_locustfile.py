"""Locust users of a shift change: 70% officers, 20% sergeants, 8% inspectors, 2% leaders working their lists.

Run through `python -m benchmarks.bench_shift_change`, which prepares the accounts and reads the figures. Each
person signs in through the form and loads the page, then, 1-3 s apart, over and over: their worklist, the
bell, a record from the list, and a completion of a task in it, as the page's callbacks send them. The
accounts come from the JSON file named by BEACON_SHIFT_ACCOUNTS ({"password": ..., "roles": {"officer":
[usernames], "sergeant": [...], "inspector": [...], "leader": [...]}}). Only a loopback --host is accepted.
"""

import itertools
import json
import os
import random
import re
import sys
from pathlib import Path

from locust import HttpUser, SequentialTaskSet, between, events, task

from benchmarks.loopback import NotLoopback, require_loopback
from tests.dash_requests import ServedCallbacks, payload

ACCOUNTS = json.loads(Path(os.environ["BEACON_SHIFT_ACCOUNTS"]).read_text())
_next = {role: itertools.cycle(names) for role, names in ACCOUNTS["roles"].items()}
# The callback map is the same for every reader; the first person to load the page keeps it for all.
_served: list[ServedCallbacks] = []

SCOPE = "..da-scope.options...da-scope.value.."
BELL = "..bell.children...bell.className.."
OPEN = "..da-record-ref.data...da-record.is_open.."
BUTTONS = '{"action":["ALL"],"task":["ALL"],"type":"task-action"}'


@events.init.add_listener
def _loopback_only(environment, **_kwargs):
    try:
        require_loopback(environment.host or "")
    except NotLoopback as exc:
        sys.exit(f"refused: {exc}")


def _render_key() -> str:
    return next(k for k in _served[0].callback_map if "da-badges.children" in k)


def _buttons(node) -> list[dict]:
    """The completion buttons (their ids) in a record panel's component tree."""
    found = []
    if isinstance(node, dict):
        ident = node.get("id")
        if isinstance(ident, dict) and ident.get("type") == "task-action":
            found.append(ident)
        for value in node.values():
            found += _buttons(value)
    elif isinstance(node, list):
        for value in node:
            found += _buttons(value)
    return found


class ShiftWork(SequentialTaskSet):
    """Worklist, bell, a record, a completion: the loop of a person at the start of a shift."""

    def _callback(self, name: str, output: str, values: dict, triggered: list[str]) -> dict | None:
        body = payload(_served[0], output, values, triggered)
        with self.client.post("/_dash-update-component", json=body, name=name, catch_response=True) as resp:
            if resp.status_code != 200:
                resp.failure(f"{resp.status_code}: {resp.text[:120]}")
                return None
            return resp.json().get("response", {})

    def _render(self, name: str, trigger: str, record=None, pressed=None) -> dict | None:
        values = {"da-scope.value": self.user.scope, "da-record-ref.data": record, "da-synced.data": None,
                  "da-kind-filter.data": None, BUTTONS: [(pressed, 1)] if pressed else []}
        return self._callback(name, _render_key(), values, [trigger])

    @task
    def worklist(self):
        out = self._render("callback render: worklist", "da-scope.value")
        if out is None:
            return
        # The grids then ask for their first block, as the browser's grids do once told to refresh.
        first = {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}
        block = self._callback("callback grid_block", "da-grid.getRowsResponse",
                               {"da-grid.getRowsRequest": first, "da-grid-stamp.data": {"scope": self.user.scope}},
                               ["da-grid.getRowsRequest"])
        if block is not None:
            self.user.rows = [r["crime_ref"] for r in block["da-grid"]["getRowsResponse"]["rowData"]]
        if not out.get("da-officers-section", {}).get("hidden", True):
            self._callback("callback officers_block", "da-officers.getRowsResponse",
                           {"da-officers.getRowsRequest": first | {"endRow": 50},
                            "da-grid-stamp.data": {"scope": self.user.scope}},
                           ["da-officers.getRowsRequest"])

    @task
    def bell(self):
        self.user.ticks += 1
        self._callback("callback refresh_bell", BELL, {"bell-refresh.n_intervals": self.user.ticks},
                       ["bell-refresh.n_intervals"])

    @task
    def open_record(self):
        self.user.record, self.user.pressable = None, []
        if not self.user.rows:
            return
        ref = random.choice(self.user.rows)
        if self._callback("callback open_record", OPEN, {"da-grid.cellRendererData": {"rowId": ref}},
                          ["da-grid.cellRendererData"]) is None:
            return
        out = self._render("callback render: record", "da-record-ref.data", record=ref)
        if out is not None:
            self.user.record = ref
            self.user.pressable = _buttons(out.get("da-record-body", {}).get("children"))

    @task
    def complete(self):
        if not self.user.pressable:
            return  # nothing this person may complete in that record: they read it and move on
        button = random.choice(self.user.pressable)
        trigger = json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"
        self._render("callback render: complete", trigger, record=self.user.record, pressed=button)
        self.user.pressable = []


class _Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    tasks = [ShiftWork]
    role = ""

    def on_start(self):
        require_loopback(self.host)
        self.rows, self.ticks, self.record, self.pressable, self.scope = [], 0, None, [], None
        username = next(_next[self.role])
        with self.client.get("/login", name="sign in: form", catch_response=True) as resp:
            token = re.search(r'name="csrf" value="([^"]+)"', resp.text or "")
            if token is None:
                resp.failure(f"no sign-in form ({resp.status_code})")
                return
        form = {"csrf": token.group(1), "username": username, "password": ACCOUNTS["password"]}
        with self.client.post("/login", data=form, name="sign in: submit", allow_redirects=False,
                              catch_response=True) as resp:
            if resp.status_code != 302:
                resp.failure(f"sign-in answered {resp.status_code}, not a redirect")
                return
        self.client.get("/", name="page: shell")
        self.client.get("/_dash-layout", name="page: layout")
        with self.client.get("/_dash-dependencies", name="page: dependencies", catch_response=True) as resp:
            if resp.status_code == 200 and not _served:
                _served.append(ServedCallbacks(resp.json()))
        if _served:
            with self.client.post("/_dash-update-component", name="callback scope_options", catch_response=True,
                                  json=payload(_served[0], SCOPE, {"da-scope.id": "da-scope"},
                                               ["da-scope.id"])) as resp:
                if resp.status_code == 200:
                    self.scope = resp.json()["response"]["da-scope"]["value"]
                else:
                    resp.failure(f"{resp.status_code}")


class Officer(_Person):
    weight = 70
    role = "officer"


class Sergeant(_Person):
    weight = 20
    role = "sergeant"


class Inspector(_Person):
    weight = 8
    role = "inspector"


class Leader(_Person):
    weight = 2
    role = "leader"

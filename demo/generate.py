"""Synthetic force generator: a seeded, deterministic force with realistic shapes.

    python -m demo.generate --preset demo --seed 7 [--database-url URL] [--reset]
                                   [--today YYYY-MM-DD]

What it makes (sizes from docs/domain.md section 9): a force > BCUs > one department per strand >
teams of 8-12 with a sergeant, constables, student officers with tutors and some police staff;
twelve months of crimes with outcomes, victims (heavy-tailed repeat victimisation), suspects,
witnesses, linked series, bail and custody; the open tasks owed on them, dated by the `scoring`
rules; incidents and deployments; rosters, leave and training; six weeks of worklist history; and
one login per officer plus the demo accounts in DEMO_ACCOUNTS.

Everything is drawn from one numpy Generator seeded by `seed`, and every date is an offset from
`today`, so the same seed and the same `today` give identical rows. Timestamps are no later than
06:00 on `today` (an overnight warehouse load), which is `data_as_of`.

The work is vectorised over numpy arrays; rows become Python dicts only in chunks at insert time.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Engine

from data_access import schema as S
from data_access.db import create_schema, drop_schema, long_statements, set_meta
from data_access.freshness import mark_loaded
from data_access.ingest.loader import load_extract
from data_access.reference import ENHANCED_OFFENCES, OFFENCES, SEXUAL_OFFENCES, VICTIMLESS_OFFENCES, load_reference
from data_access.schema_events import crime_event
from data_access.schema_ingest import source_key, source_load
from data_access.store import bump_productivity_version
from data_access.task_derivation import mark_rules
from demo import names as N
from demo.events import build_events
from demo.extract import MAPPING, Extract
from scoring.bail import bail_end, bail_start_from_arrest
from scoring.settings import RuleSettings, load_settings
from scoring.worklist import ERROR_KINDS

DATA_VERSION = "1"
DEMO_PASSWORD = "beacon-demo"
AS_OF_HOUR = 6  # data is "as of" 06:00 on the generation day
HISTORY_DAYS = 365
SNAPSHOT_DAYS = 42
SHIFT_PAST_DAYS = 28
SHIFT_FUTURE_DAYS = 14
CHUNK = 10_000
NA = -(10**9)  # missing day offset / minute in integer arrays
# A few teams take a sharp, sudden rise in new crimes over the last two weeks (the Merseyside
# seed's "sharp, sudden increases in demand"); two weeks so the latest full week is always in it.
SURGE_FACTOR = 2.5

STRANDS = ("response", "neighbourhood", "investigations", "public_protection")
STRAND_LABEL = {"response": "Response", "neighbourhood": "Neighbourhood",
                "investigations": "Investigations", "public_protection": "Public Protection"}
# Share of the BCU's team officers, and of its recorded crime, per strand.
STRAND_OFFICER_SHARE = np.array([0.40, 0.20, 0.25, 0.15])
STRAND_CRIME_SHARE = np.array([0.42, 0.20, 0.23, 0.15])
# Chance that a constable is a student officer, per strand (about 8% overall).
STUDENT_RATE = np.array([0.16, 0.08, 0.03, 0.02])


@dataclass(frozen=True)
class Preset:
    """Size and naming of one synthetic force."""

    name: str
    force_name: str
    prefix: str  # crime reference prefix, e.g. MP in MP/0001234/26
    bcus: tuple[str, ...]
    officers: int
    crimes_per_year: int
    noncrime_incidents_per_crime: float = 0.5
    # The territorial force whose published figures stand for this one in benchmarking (None: choose).
    benchmark_as: str | None = None


PRESETS: dict[str, Preset] = {
    "demo": Preset("demo", "Northshire Police (synthetic)", "NS", ("Eastbrook",), 300, 9_000),
    "merseyside": Preset("merseyside", "Merseyside-sized force (synthetic)", "MP",
                         ("Liverpool North", "Liverpool South", "Wirral", "Sefton",
                          "Knowsley and St Helens"), 4_150, 168_000, benchmark_as="merseyside"),
    "west-midlands": Preset("west-midlands", "West Midlands-sized force (synthetic)", "WM",
                            ("Birmingham East", "Birmingham West", "Coventry", "Dudley", "Sandwell",
                             "Solihull", "Walsall", "Wolverhampton"), 8_100, 310_000,
                            benchmark_as="west-midlands"),
}

DEMO_ACCOUNTS: list[dict] = [
    {"username": "officer", "password": DEMO_PASSWORD, "role": "officer",
     "description": "PC in response team T1, officer in charge of open crimes with tasks of every kind."},
    {"username": "officer2", "password": DEMO_PASSWORD, "role": "officer",
     "description": "PC in response team T2 (same department as T1; its demand jumped in the last week)."},
    {"username": "sergeant", "password": DEMO_PASSWORD, "role": "supervisor",
     "description": "Sergeant of team T1: sees the team's worklist."},
    {"username": "inspector", "password": DEMO_PASSWORD, "role": "inspector",
     "description": "Inspector of T1's response department: sees its teams."},
    {"username": "leader", "password": DEMO_PASSWORD, "role": "senior_leader",
     "description": "Superintendent commanding T1's BCU."},
    {"username": "analyst", "password": DEMO_PASSWORD, "role": "analyst",
     "description": "Force performance analyst (police staff): force-wide, may view frequent service users."},
    {"username": "staff", "password": DEMO_PASSWORD, "role": "staff",
     "description": "Police staff investigator in an investigations team."},
    {"username": "admin", "password": DEMO_PASSWORD, "role": "administrator",
     "description": "System administrator (police staff), force scope."},
]

# Offence mix per strand (relative weights over offence codes).
STRAND_OFFENCE_WEIGHTS = {
    "response": {"CASLT": 14, "ABH": 8, "AEW": 3, "POA4A": 6, "POA4": 3, "DRUNK": 3, "CDAM": 12,
                 "THEFT": 10, "SHOP": 10, "TFMV": 5, "VINT": 2, "BURR": 4, "WEAP": 3, "DRUGP": 5,
                 "TFP": 2, "HARASS": 5, "MALCOM": 3, "TMV": 2},
    "neighbourhood": {"SHOP": 18, "CDAM": 14, "THEFT": 12, "CYCLE": 6, "TMV": 4, "TFMV": 8, "VINT": 3,
                      "POA4A": 8, "POA4": 3, "HARASS": 7, "DRUGP": 7, "DRUGT": 3, "BURR": 3,
                      "CASLT": 5, "OTH": 2},
    "investigations": {"BURR": 18, "BURB": 10, "ROBP": 8, "ROBB": 3, "GBH": 6, "ABH": 12, "WEAP": 6,
                       "DRUGT": 7, "ARSON": 3, "TMV": 8, "STALK": 4, "MALCOM": 4, "HOM": 0.3,
                       "TFP": 4, "THEFT": 5, "OTH": 2},
    "public_protection": {"RAPE": 10, "SXA": 14, "SXE": 4, "CASLT": 22, "ABH": 16, "GBH": 3,
                          "HARASS": 10, "STALK": 9, "MALCOM": 8, "CDAM": 4, "OTH": 2},
}
# Chance a crime is domestic abuse, per strand and offence (about 15% overall).
DA_RATE = {
    "response": {"CASLT": 0.30, "ABH": 0.30, "HARASS": 0.25, "MALCOM": 0.25, "CDAM": 0.08},
    "neighbourhood": {"HARASS": 0.15, "CASLT": 0.20},
    "investigations": {"ABH": 0.10, "GBH": 0.10, "STALK": 0.40},
    "public_protection": {"CASLT": 0.75, "ABH": 0.75, "GBH": 0.6, "HARASS": 0.75, "STALK": 0.75,
                          "MALCOM": 0.7, "CDAM": 0.75, "RAPE": 0.35, "SXA": 0.2},
}
HATE_RATE = {"POA4A": 0.12, "POA4": 0.10, "MALCOM": 0.08, "HARASS": 0.05, "CASLT": 0.03, "ABH": 0.03,
             "CDAM": 0.02, "AEW": 0.02}
# Offences that recur against the same victim (repeat victims are steered towards these).
REPEATABLE = frozenset({"CASLT", "ABH", "HARASS", "STALK", "MALCOM", "CDAM", "POA4A", "POA4", "THEFT"})
# Offences committed in series (linked crimes).
SERIES_OFFENCES = frozenset({"BURR", "BURB", "TFMV", "TMV", "SHOP", "ROBP", "CYCLE", "THEFT", "ROBB"})

# Home Office outcome codes for finalised crimes (docs/domain.md section 1): default mix.
OUTCOME_BASE = {18: 30, 14: 18, 16: 20, 15: 7, 1: 9, 8: 4, 3: 1.2, 2: 0.6, 6: 0.5, 10: 1, 21: 3,
                20: 1.5, 22: 0.5, 9: 0.3, 17: 0.3, 13: 0.2, 12: 0.2, 11: 0.2, 5: 0.05, 4: 0.3}
OUTCOME_BY_OFFENCE = {
    "DRUGP": {7: 25, 1: 20, 22: 10, 8: 5, 3: 8, 10: 5, 21: 5, 18: 2, 15: 5, 6: 3},
    "DRUGT": {1: 45, 15: 20, 21: 10, 10: 5, 3: 5, 18: 5, 2: 2},
    "WEAP": {1: 45, 15: 20, 21: 10, 10: 5, 3: 5, 18: 5, 2: 2},
    "DRUNK": {6: 40, 1: 25, 10: 15, 3: 10, 21: 10},
    "OTH": {1: 30, 15: 20, 21: 20, 10: 10, 3: 5, 18: 15},
    "HOM": {1: 80, 5: 5, 15: 10, 18: 5},
}
OUTCOME_WITH_OFFENDER = frozenset({1, 2, 3, 4, 6, 7, 8, 22})
OUTCOME_NO_SUSPECT = frozenset({14, 18, 19})


# Scenarios forced onto the demo 'officer' account's crimes so every kind of task appears.
# name -> (youngest, oldest) age in days of the crime's recording.
SHOWCASE = [
    ("bail_initial", 12, 60), ("bail_initial", 20, 70), ("bail_expired", 100, 160),
    ("bail_ext1", 100, 170), ("bail_ext2", 190, 260), ("rui", 20, 120), ("rui", 30, 140),
    ("fts", 100, 200), ("named", 3, 40), ("named", 5, 60), ("cdi_late", 10, 60),
    ("cdi_nocode", 2, 20), ("dm_custody", 5, 60), ("linked", 5, 90), ("linked", 5, 90),
    ("tl_s39a", 20, 120), ("tl_s127", 30, 150), ("recent_event", 5, 25),
]
SHOWCASE_MIN_OPEN = 28
# What the loader fills from the demo extract (with its own bookkeeping), and the engine from the events.
LOADED = (S.org_unit, S.officer, S.person, S.crime, S.crime_person, crime_event, S.crime_link, S.incident,
          S.deployment, S.custody, S.shift, S.leave, S.training, S.person_alias, S.person_address)


class AlreadyPopulated(RuntimeError):
    """The target database already holds a force; generate with reset to replace it."""


def _now_iso() -> str:
    return datetime.now().isoformat(timespec="seconds")


class _Gen:
    """Holds the random generator, the calendar anchor and the generated arrays."""

    def __init__(self, preset: Preset, seed: int, today: date, settings: RuleSettings):
        self.p = preset
        self.rng = np.random.default_rng(seed)
        self.today = today
        # The surge starts on the Monday that opens the latest full week (weeks run Monday to Sunday),
        # so that week jumps and the baseline weeks before it stay untouched, whatever today's weekday.
        self.surge_days = 7 + today.weekday()
        self.settings = settings
        self.d0 = np.datetime64(today, "D")
        self.m0 = np.datetime64(datetime.combine(today, datetime.min.time()), "m")
        self.as_of = AS_OF_HOUR * 60  # minutes after midnight today
        self._date_cache: dict[int, date] = {}

    # ----- conversions --------------------------------------------------------------------------
    def day(self, off: int) -> date:
        """Python date for a day offset (cached: scoring functions are called per unique date)."""
        d = self._date_cache.get(off)
        if d is None:
            d = self.today + timedelta(days=int(off))
            self._date_cache[off] = d
        return d

    def offset_of(self, d: date | None) -> int:
        return NA if d is None else (d - self.today).days

    def dates(self, days) -> np.ndarray:
        a = np.asarray(days, dtype=np.int64)
        missing = a == NA
        out = self.d0 + np.where(missing, 0, a).astype("timedelta64[D]")
        out[missing] = np.datetime64("NaT")
        return out

    def datetimes(self, minutes) -> np.ndarray:
        a = np.asarray(minutes, dtype=np.int64)
        missing = a == NA
        out = (self.m0 + np.where(missing, 0, a).astype("timedelta64[m]")).astype("datetime64[us]")
        out[missing] = np.datetime64("NaT")
        return out

    def _apply_unique(self, fn: Callable, cols, conv: Callable, dtype) -> np.ndarray:
        """Call a scalar scoring function once per distinct argument row; broadcast the results.

        Each col is a (kind, array) pair: kind 'day' passes a day offset as a date (NA as None),
        kind 'val' passes the integer as it is.
        """
        if len(cols[0][1]) == 0:
            return np.zeros(0, dtype=dtype)
        stacked = np.stack([np.asarray(a, dtype=np.int64) for _, a in cols], axis=1)
        uniq, inv = np.unique(stacked, axis=0, return_inverse=True)
        kinds = [k for k, _ in cols]
        res = np.empty(len(uniq), dtype=dtype)
        for i, row in enumerate(uniq.tolist()):
            args = [(None if v == NA else self.day(v)) if k == "day" else v for k, v in zip(kinds, row)]
            res[i] = conv(fn(*args))
        return res[np.asarray(inv).ravel()]

    def map_days(self, fn: Callable, *cols) -> np.ndarray:
        """Scalar date function over arrays of day offsets; the result as day offsets (NA = None)."""
        return self._apply_unique(fn, cols, self.offset_of, np.int64)

    def map_values(self, fn: Callable, *cols) -> np.ndarray:
        """Scalar function over arrays of day offsets/values; results as an object array."""
        return self._apply_unique(fn, cols, lambda x: x, object)

    def pick(self, options: list, weights, size: int) -> np.ndarray:
        w = np.asarray(weights, dtype=float)
        return np.asarray(options)[self.rng.choice(len(options), size=size, p=w / w.sum())]

    # ----- organisation and officers -------------------------------------------------------------
    def build_org(self) -> None:
        p, rng = self.p, self.rng
        units: list[dict] = []

        def unit(kind, name, parent, strand=None, force=None, bcu=None, dept=None) -> int:
            uid = len(units) + 1
            units.append({"id": uid, "parent_id": parent, "kind": kind, "name": name, "strand": strand,
                          "force_id": force or uid, "bcu_id": bcu if bcu else (uid if kind == "bcu" else None),
                          "department_id": dept if dept else (uid if kind == "department" else None)})
            return uid

        force = unit("force", p.force_name, None)
        officers: list[dict] = []

        def add(rank, team, manager, strand, bcu, dept, *, staff=False, student=False, level="team"):
            oid = len(officers) + 1
            officers.append({"id": oid, "rank": rank, "is_staff": staff, "team_id": team,
                             "line_manager_id": manager, "is_student": student, "tutor_id": None,
                             "strand": strand, "bcu": bcu, "dept": dept, "level": level})
            return oid

        acc = add("ACC", force, None, None, None, None, level="command")
        self.analyst_id = add("staff", force, acc, None, None, None, staff=True, level="force_staff")
        self.admin_id = add("staff", force, acc, None, None, None, staff=True, level="force_staff")

        n_bcu = len(p.bcus)
        command = 1 + 2 + n_bcu * 6
        share = rng.uniform(0.8, 1.2, n_bcu)
        share /= share.sum()
        per_bcu = np.floor(share * (p.officers - command)).astype(int)
        per_bcu[0] += (p.officers - command) - per_bcu.sum()

        teams: list[dict] = []
        self.supt_of, self.insp_of = {}, {}
        for b, bname in enumerate(p.bcus):
            bcu = unit("bcu", bname, force, force=force)
            supt = add("Supt", bcu, acc, None, bcu, None, level="command")
            ci = add("CI", bcu, supt, None, bcu, None, level="command")
            self.supt_of[bcu] = supt
            counts = np.floor(STRAND_OFFICER_SHARE * per_bcu[b]).astype(int)
            counts[0] += per_bcu[b] - counts.sum()
            for s, strand in enumerate(STRANDS):
                dept = unit("department", f"{bname} {STRAND_LABEL[strand]}", bcu, strand, force, bcu)
                insp = add("Insp", dept, ci, strand, bcu, dept, level="command")
                self.insp_of[dept] = insp
                n = counts[s]
                k = max(1, int(round(n / 10)))
                sizes = np.full(k, n // k)
                sizes[: n % k] += 1
                for _ in range(k):  # jitter sizes within 8..12 keeping the total
                    a, c = rng.integers(0, k, 2)
                    if a != c and sizes[a] > 8 and sizes[c] < 12:
                        sizes[a] -= 1
                        sizes[c] += 1
                detective = strand in ("investigations", "public_protection")
                for t in range(k):
                    tname = f"{bname} {STRAND_LABEL[strand]} Team {t + 1}"
                    tid = unit("team", tname, dept, strand, force, bcu, dept)
                    size = int(sizes[t])
                    sgt = add("DS" if detective else "PS", tid, insp, strand, bcu, dept)
                    n_staff = 0
                    if strand == "investigations":
                        n_staff = (1 if t == 0 else int(rng.random() < 0.5)) + int(rng.random() < 0.15)
                    n_const = max(size - 1 - n_staff, 2)
                    student = rng.random(n_const) < STUDENT_RATE[s]
                    student[0] = False  # at least one tutor-capable constable
                    if strand == "public_protection":
                        cranks = np.where(rng.random(n_const) < 0.3, "PC", "DC")
                    else:
                        cranks = np.full(n_const, "DC" if detective else "PC")
                    regular = [add(str(cranks[i]), tid, sgt, strand, bcu, dept)
                               for i in range(n_const) if not student[i]]
                    for _ in range(n_staff):
                        add("staff", tid, sgt, strand, bcu, dept, staff=True)
                    studs = [add(str(cranks[i]), tid, sgt, strand, bcu, dept, student=True)
                             for i in range(n_const) if student[i]]
                    for sid in studs:
                        officers[sid - 1]["tutor_id"] = int(regular[rng.integers(len(regular))])
                    teams.append({"id": tid, "bcu_idx": b, "bcu": bcu, "dept": dept, "strand": strand,
                                  "strand_idx": s, "sergeant": sgt, "index": t, "name": tname})

        off = pd.DataFrame(officers)
        n = len(off)
        # A few students without a tutor (the tool must show them as not deployable alone).
        studs = np.flatnonzero(off["is_student"].to_numpy())
        if len(studs):
            no_tutor = studs[rng.random(len(studs)) < 0.03]
            if len(no_tutor) == 0:
                no_tutor = studs[[rng.integers(len(studs))]]
            off.loc[no_tutor, "tutor_id"] = None
        # Names, collars, service and hours.
        off["forename"] = self.pick(N.FORENAMES, np.ones(len(N.FORENAMES)), n)
        off["surname"] = self.pick(N.SURNAMES, np.ones(len(N.SURNAMES)), n)
        sworn = ~off["is_staff"].to_numpy()
        numbers = rng.choice(np.arange(1000, 1000 + 12 * n), size=n, replace=False)
        off["collar"] = [str(v) if s else f"S{v}" for v, s in zip(numbers.tolist(), sworn.tolist())]
        years = np.clip(rng.exponential(8.0, n), 0.3, 32)
        rank = off["rank"].to_numpy()
        years = np.where(np.isin(rank, ["PS", "DS"]), rng.uniform(5, 25, n), years)
        years = np.where(np.isin(rank, ["Insp", "CI"]), rng.uniform(12, 28, n), years)
        years = np.where(np.isin(rank, ["Supt", "ACC"]), rng.uniform(18, 30, n), years)
        years = np.where(off["is_student"].to_numpy(), rng.uniform(0.1, 2.0, n), years)
        off["start_day"] = -np.round(years * 365.25).astype(np.int64)
        part_time = (rng.random(n) < 0.06) & ~off["is_student"].to_numpy()
        off["weekly_hours"] = np.where(part_time, 30.0, 40.0)
        off["force_id"] = force

        self.force = force
        self.units = pd.DataFrame(units)
        self.teams = pd.DataFrame(teams)
        self.off = off
        self._choose_demo_people()

    def _choose_demo_people(self) -> None:
        off, teams = self.off, self.teams
        resp = teams[(teams["bcu_idx"] == 0) & (teams["strand"] == "response")].sort_values("index")
        self.t1 = int(resp.iloc[0]["id"])
        self.t2 = int(resp.iloc[1]["id"]) if len(resp) > 1 else self.t1

        def first_pc(team):
            m = off[(off["team_id"] == team) & (off["rank"] == "PC") & ~off["is_student"]]
            return int(m.iloc[0]["id"])

        self.demo_officer = first_pc(self.t1)
        self.demo_officer2 = first_pc(self.t2) if self.t2 != self.t1 else int(
            off[(off["team_id"] == self.t1) & (off["rank"] == "PC") & ~off["is_student"]].iloc[1]["id"])
        t1 = teams[teams["id"] == self.t1].iloc[0]
        self.demo_sergeant = int(t1["sergeant"])
        self.demo_inspector = self.insp_of[int(t1["dept"])]
        self.demo_leader = self.supt_of[int(t1["bcu"])]
        inv = teams[(teams["bcu_idx"] == 0) & (teams["strand"] == "investigations")].sort_values("index")
        inv_team = int(inv.iloc[0]["id"])
        self.demo_staff = int(off[(off["team_id"] == inv_team) & off["is_staff"]].iloc[0]["id"])

    def officer_table(self) -> dict:
        o = self.off
        return {
            "id": o["id"].to_numpy(), "collar": o["collar"].tolist(), "forename": o["forename"].tolist(),
            "surname": o["surname"].tolist(), "rank": o["rank"].tolist(),
            "is_staff": o["is_staff"].to_numpy(bool), "team_id": o["team_id"].to_numpy(),
            "line_manager_id": optional_ints(o["line_manager_id"]),
            "is_student": o["is_student"].to_numpy(bool),
            "tutor_id": optional_ints(o["tutor_id"]),
            "start_date": self.dates(o["start_day"].to_numpy()),
            "weekly_hours": o["weekly_hours"].to_numpy(float), "force_id": o["force_id"].to_numpy(),
        }

    def accounts(self, password_hash: str) -> dict:
        o = self.off
        unit_dept = dict(zip(self.units["id"], self.units["department_id"]))
        role_of = {"PC": "officer", "DC": "officer", "PS": "supervisor", "DS": "supervisor",
                   "Insp": "inspector", "CI": "inspector", "Supt": "senior_leader", "ACC": "senior_leader",
                   "staff": "staff"}
        rows = []
        for r in o.itertuples():
            if r.level == "force_staff":
                continue  # their logins are the named analyst/admin accounts
            role = role_of[r.rank]
            scope = r.team_id  # team; department for Insp (placed on it); BCU for CI/Supt; force for ACC
            if r.rank == "Insp":
                scope = unit_dept.get(r.team_id) or r.team_id
            rows.append({"username": r.collar.lower(), "officer_id": int(r.id), "role": role,
                         "can_view_fsu": False, "scope_unit_id": int(scope)})
        team_of = dict(zip(o["id"], o["team_id"]))
        named = [
            ("officer", self.demo_officer, "officer", False, team_of[self.demo_officer]),
            ("officer2", self.demo_officer2, "officer", False, team_of[self.demo_officer2]),
            ("sergeant", self.demo_sergeant, "supervisor", False, team_of[self.demo_sergeant]),
            ("inspector", self.demo_inspector, "inspector", False, team_of[self.demo_inspector]),
            ("leader", self.demo_leader, "senior_leader", False, team_of[self.demo_leader]),
            ("analyst", self.analyst_id, "analyst", True, self.force),
            ("staff", self.demo_staff, "staff", False, team_of[self.demo_staff]),
            ("admin", self.admin_id, "administrator", False, self.force),
        ]
        for username, oid, role, fsu, scope in named:
            rows.append({"username": username, "officer_id": int(oid), "role": role, "can_view_fsu": fsu,
                         "scope_unit_id": int(scope)})
        n = len(rows)
        return {
            "id": np.arange(1, n + 1), "username": [r["username"] for r in rows],
            "password_hash": [password_hash] * n, "officer_id": [r["officer_id"] for r in rows],
            "role": [r["role"] for r in rows], "can_view_fsu": [r["can_view_fsu"] for r in rows],
            "scope_unit_id": [r["scope_unit_id"] for r in rows], "active": [True] * n,
            "last_login_at": [None] * n,
        }

    def _plant_surge(self, team: np.ndarray, rep_day: np.ndarray, teams: pd.DataFrame) -> None:
        """Make each surge team's latest full week a jump by the demand rule, whatever the dice gave.

        The weighted draw makes a jump likely, not certain: with a handful of crimes a week, chance alone
        sometimes hides it. Crimes of the same week are moved from the team's neighbours (same BCU and
        strand), so the BCU's and strand's totals are unchanged.
        """
        s = self.settings
        start = -self.surge_days  # the Monday that opens the latest full week
        latest = (rep_day >= start) & (rep_day < start + 7)
        before = (rep_day >= start - 7 * s.demand_baseline_weeks) & (rep_day < start)
        group = teams.set_index("id")[["bcu_idx", "strand_idx"]]
        for t in self.surge_teams:
            baseline = ((team == t) & before).sum() / s.demand_baseline_weeks
            # Two above the threshold: a few crimes are recorded a day or two after they are reported.
            need = max(s.demand_jump_min_new, int(np.ceil(s.demand_jump_ratio * baseline))) + 2
            short = need - int(((team == t) & latest).sum())
            if short <= 0:
                continue
            peers = group.index[(group["bcu_idx"] == group.at[t, "bcu_idx"])
                                & (group["strand_idx"] == group.at[t, "strand_idx"])].to_numpy()
            donors = np.flatnonzero(latest & np.isin(team, peers) & ~np.isin(team, self.surge_teams))
            if len(donors):
                team[self.rng.choice(donors, size=min(short, len(donors)), replace=False)] = t

    # ----- crimes -------------------------------------------------------------------------------
    def build_crimes(self) -> None:
        p, rng = self.p, self.rng
        days = np.arange(-HISTORY_DAYS, 1)
        dates = self.d0 + days.astype("timedelta64[D]")
        weekday = (dates.astype("datetime64[D]").astype(np.int64) + 3) % 7  # Monday = 0
        dow = np.array([0.95, 0.95, 0.97, 1.0, 1.08, 1.12, 0.93])[weekday]
        doy = (dates - dates.astype("datetime64[Y]")).astype(np.int64)
        season = 1 + 0.08 * np.cos(2 * np.pi * (doy - 200) / 365.25)
        rate = p.crimes_per_year / 365.25 * dow * season
        rate[-1] *= AS_OF_HOUR / 24 * 0.6  # overnight hours of today only
        counts = rng.poisson(rate)
        rep_day = np.repeat(days, counts)
        n = len(rep_day)
        # Time of report: quieter overnight, busiest late afternoon and evening.
        hour_w = np.array([3, 2.5, 2, 1.5, 1, 1, 1.5, 2.5, 3.5, 4.5, 5, 5, 5, 5, 5.5, 6, 6.5, 6.5, 6.5,
                           6, 5.5, 5, 4.5, 4])
        hour = rng.choice(24, size=n, p=hour_w / hour_w.sum())
        today_mask = rep_day == 0
        hour[today_mask] = rng.integers(0, AS_OF_HOUR, today_mask.sum())
        minute = rep_day * 1440 + hour * 60 + rng.integers(0, 60, n)
        minute[today_mask] = np.minimum(minute[today_mask], self.as_of - 10)

        # BCU, strand, team.
        teams = self.teams
        bcu_share = np.array([(self.off["bcu"] == b).sum() for b in teams.groupby("bcu_idx")["bcu"].first()],
                             dtype=float)
        bcu_idx = rng.choice(len(p.bcus), size=n, p=bcu_share / bcu_share.sum())
        strand_idx = rng.choice(4, size=n, p=STRAND_CRIME_SHARE)
        team = np.zeros(n, dtype=np.int64)
        load = rng.gamma(8.0, 1 / 8.0, len(teams))
        team_size = self.off.groupby("team_id").size().reindex(teams["id"]).to_numpy(float)
        n_surge = max(1, int(round(0.05 * len(teams))))
        surge_ids = set(rng.choice(teams["id"].to_numpy(), size=n_surge, replace=False).tolist())
        surge_ids.discard(self.t1)
        surge_ids.add(self.t2)
        self.surge_teams = np.array(sorted(surge_ids))
        surge = teams["id"].isin(self.surge_teams).to_numpy()
        recent = rep_day >= -self.surge_days
        for (b, s), grp in teams.groupby(["bcu_idx", "strand_idx"], sort=True):
            gi = grp.index.to_numpy()
            w = load[gi] * team_size[gi]
            w_recent = w * np.where(surge[gi], SURGE_FACTOR, 1.0)
            for mask_recent, weights in ((False, w), (True, w_recent)):
                idx = np.flatnonzero((bcu_idx == b) & (strand_idx == s) & (recent == mask_recent))
                if len(idx):
                    team[idx] = grp["id"].to_numpy()[rng.choice(len(gi), size=len(idx),
                                                                p=weights / weights.sum())]
        self._plant_surge(team, rep_day, teams)
        # Offence, DA, hate.
        offence = np.empty(n, dtype=object)
        da = np.zeros(n, dtype=bool)
        for s, strand in enumerate(STRANDS):
            idx = np.flatnonzero(strand_idx == s)
            wmap = STRAND_OFFENCE_WEIGHTS[strand]
            offence[idx] = self.pick(list(wmap), list(wmap.values()), len(idx))
            da_p = np.array([DA_RATE[strand].get(c, 0.0) for c in offence[idx]])
            da[idx] = rng.random(len(idx)) < da_p
        hate_p = np.array([HATE_RATE.get(c, 0.004) for c in offence])
        hate = (rng.random(n) < hate_p) & ~da

        # Dates: occurred before reported; recorded within 24h except ~3% late.
        delay = np.where(rng.random(n) < 0.75, 0, rng.geometric(0.35, n))
        long_delay = rng.random(n) < 0.05
        delay = np.where(long_delay, rng.integers(4, 60, n), delay)
        sexual = np.isin(offence, list(SEXUAL_OFFENCES))
        historic = sexual & (rng.random(n) < 0.3)
        delay = np.where(historic, rng.integers(60, 700, n), delay)
        summary = np.isin(offence, [o["code"] for o in OFFENCES if o["summary_only"]])
        delay = np.where(summary, np.minimum(delay, 10), delay)
        occurred = rep_day - delay
        rec_delay = np.minimum(np.round(rng.lognormal(np.log(90), 1.0, n)), 23 * 60).astype(np.int64)
        late = (rng.random(n) < 0.03) & (rep_day <= -6)
        rec_delay = np.where(late, rng.integers(25 * 60, 6 * 1440, n), rec_delay)
        recorded = np.minimum(minute + rec_delay, self.as_of - 1)
        order = np.lexsort((team, recorded))  # ids follow recording order
        arrays = dict(rep_min=minute, rec_min=recorded, occurred=occurred, bcu_idx=bcu_idx,
                      strand_idx=strand_idx, team=team, offence=offence, da=da, hate=hate, late=late)
        cr = pd.DataFrame({k: v[order] for k, v in arrays.items()})
        cr["id"] = np.arange(1, n + 1)
        cr["rec_day"] = np.floor_divide(cr["rec_min"].to_numpy(), 1440)
        self.cr = cr
        self._status_and_outcomes()
        self._allocate()
        self._showcase()
        self._outcome_details()

    def _status_and_outcomes(self) -> None:
        cr, rng = self.cr, self.rng
        n = len(cr)
        age = -cr["rec_day"].to_numpy()
        p_open = 0.07 + 0.9 * np.exp(-age / 50.0)
        # Summary-only cases rarely stay open past their six-month limit: most are closed in time.
        summary = np.isin(cr["offence"].to_numpy(), [o["code"] for o in OFFENCES if o["summary_only"]])
        p_open = np.where(summary & (-cr["occurred"].to_numpy() > 150), p_open * 0.2, p_open)
        is_open = rng.random(n) < p_open
        duration = np.round(rng.lognormal(np.log(18), 1.0, n)).astype(np.int64)
        outcome_day = np.where(is_open, NA, cr["rec_day"].to_numpy() + np.minimum(duration, age))
        outcome = np.zeros(n, dtype=np.int64)
        off = cr["offence"].to_numpy()
        da = cr["da"].to_numpy()
        for code in np.unique(off):
            for is_da in (False, True):
                idx = np.flatnonzero(~is_open & (off == code) & (da == is_da))
                if not len(idx):
                    continue
                dist = dict(OUTCOME_BY_OFFENCE.get(code, OUTCOME_BASE))
                if code == "SHOP":
                    dist[1] = dist[1] * 2.5
                if code in SEXUAL_OFFENCES:
                    dist[16] *= 1.5
                    dist[15] *= 1.5
                    dist[1] *= 0.5
                if is_da:
                    dist[16] = dist.get(16, 0) * 1.8
                    dist[14] = dist.get(14, 0) * 1.2
                outcome[idx] = self.pick(list(dist), list(dist.values()), len(idx))
        cr["open"] = is_open
        cr["outcome"] = outcome
        cr["outcome_day"] = outcome_day

    def _allocate(self) -> None:
        """Officer in charge: a constable of the crime's team (sergeant now and then)."""
        cr, off, rng = self.cr, self.off, self.rng
        n = len(cr)
        oic = np.full(n, NA, dtype=np.int64)
        team = cr["team"].to_numpy()
        elig = off[(off["level"] == "team") & ~off["is_staff"]]
        for tid, members in elig.groupby("team_id", sort=True):
            idx = np.flatnonzero(team == tid)
            if not len(idx):
                continue
            w = np.where(members["rank"].isin(["PS", "DS"]), 0.15,
                         np.where(members["is_student"], 0.6, 1.0))
            w = np.where(members["id"] == self.demo_officer, 3.0, w)
            oic[idx] = members["id"].to_numpy()[rng.choice(len(members), size=len(idx), p=w / w.sum())]
        rec_day = cr["rec_day"].to_numpy()
        alloc = rec_day + self.pick([0, 1, 2, 3, 4, 5], [60, 25, 6, 4, 3, 2], n)
        alloc = np.minimum(alloc, 0)
        unalloc = (rec_day >= -1) & (rng.random(n) < 0.25) & cr["open"].to_numpy()
        oic[unalloc] = NA
        alloc[unalloc] = NA
        cr["oic"] = oic
        cr["alloc_day"] = alloc

    def _showcase(self) -> None:
        """Give the demo officer open crimes that carry every kind of task."""
        cr, rng = self.cr, self.rng
        cr["scenario"] = ""
        in_t1 = cr["team"].to_numpy() == self.t1
        age = -cr["rec_day"].to_numpy()
        used = np.zeros(len(cr), dtype=bool)
        for name, lo, hi in SHOWCASE:
            cand = np.flatnonzero(in_t1 & ~used & (age >= lo) & (age <= hi))
            if not len(cand):
                cand = np.flatnonzero(~used & (cr["strand_idx"].to_numpy() == 0) & (age >= lo) & (age <= hi))
            # Prefer crimes already open and already the officer's.
            pref = cand[cr["open"].to_numpy()[cand] & (cr["oic"].to_numpy()[cand] == self.demo_officer)]
            pool = pref if len(pref) else cand
            if not len(pool):
                continue  # too small a force for this scenario
            i = int(pool[rng.integers(len(pool))])
            used[i] = True
            cr.loc[i, ["scenario", "team", "oic", "open", "outcome", "outcome_day", "bcu_idx",
                       "strand_idx"]] = [name, self.t1, self.demo_officer, True, 0, NA,
                                         int(self.teams.loc[self.teams["id"] == self.t1, "bcu_idx"].iloc[0]),
                                         0]
            if cr.at[i, "alloc_day"] == NA:
                cr.at[i, "alloc_day"] = min(int(cr.at[i, "rec_day"]) + 1, 0)
            if name == "tl_s39a":
                cr.loc[i, ["offence", "da", "hate"]] = ["CASLT", True, False]
            elif name == "tl_s127":
                cr.loc[i, ["offence", "da"]] = ["HARASS", False]
            elif name == "recent_event":
                cr.loc[i, ["offence", "da"]] = ["ABH", True]
            elif name == "cdi_late":
                cr.at[i, "late"] = True
                cr.at[i, "rec_min"] = int(cr.at[i, "rep_min"]) + 30 * 60
                cr.at[i, "alloc_day"] = max(int(cr.at[i, "alloc_day"]), int(cr.at[i, "rec_min"]) // 1440)
            elif name in ("bail_initial", "bail_expired", "bail_ext1", "bail_ext2", "rui", "fts",
                          "dm_custody", "named") and cr.at[i, "offence"] in VICTIMLESS_OFFENCES:
                cr.at[i, "offence"] = "THEFT"
        # Top up the officer's open caseload so the worklist looks like a real one.
        mine = (cr["oic"].to_numpy() == self.demo_officer) & cr["open"].to_numpy()
        short = SHOWCASE_MIN_OPEN - int(mine.sum())
        if short > 0:
            cand = np.flatnonzero(in_t1 & ~mine & cr["open"].to_numpy() & (cr["scenario"] == "").to_numpy())
            take = cand[rng.permutation(len(cand))[:short]]
            cr.loc[take, "oic"] = self.demo_officer
            fix = take[cr.loc[take, "alloc_day"].to_numpy() == NA]
            cr.loc[fix, "alloc_day"] = np.minimum(cr.loc[fix, "rec_day"].to_numpy() + 1, 0)
        cr["rec_day"] = np.floor_divide(cr["rec_min"].to_numpy(), 1440)

    def _outcome_details(self) -> None:
        """Outcome-dependent fields, deliberate CDI faults, flags, locations and references."""
        cr, rng, p = self.cr, self.rng, self.p
        n = len(cr)
        is_open = cr["open"].to_numpy()
        outcome = cr["outcome"].to_numpy().copy()
        off = cr["offence"].to_numpy()
        victimless = np.isin(off, list(VICTIMLESS_OFFENCES))
        # Victim decision.
        u = rng.random(n)
        dec = np.where(u < 0.55, "supports", np.where(u < 0.8, "not_asked", None)).astype(object)
        dec = np.where(np.isin(outcome, [14, 16]), "withdraws", dec)
        dec = np.where(outcome == 15, "supports", dec)
        dec = np.where(outcome == 1, np.where(u < 0.85, "supports", "not_asked"), dec)
        dec = np.where(outcome == 8, np.where(u < 0.5, "view_recorded", "supports"), dec)
        dec = np.where(np.isin(outcome, [18, 20, 21, 10]), np.where(u < 0.5, "supports", "not_asked"), dec)
        dec = np.where(victimless, np.where(outcome == 15, "supports",
                                            np.where(outcome == 8, "view_recorded", None)), dec)
        # Deliberate CDI faults on finalised records.
        fault = rng.random(n)
        dec = np.where(np.isin(outcome, [15, 16]) & (fault < 0.02), None, dec)
        dec = np.where((outcome == 8) & (fault < 0.03), None, dec)
        zero_final = ~is_open & (fault > 0.997)
        outcome = np.where(zero_final, 0, outcome)
        cr["victim_decision"] = dec
        cr["outcome"] = outcome
        cr["finalised"] = ~is_open
        # Unclassified offence on about 1% of open crimes.
        nocode = (is_open & (rng.random(n) < 0.01)) | (cr["scenario"] == "cdi_nocode").to_numpy()
        cr["offence_code"] = np.where(nocode, None, off)
        # First witness statement for domestic abuse (feeds the s39A time limit).
        da = cr["da"].to_numpy()
        fs = cr["rec_day"].to_numpy() + rng.integers(0, 10, n)
        fs = np.where(da & (rng.random(n) < 0.8), np.minimum(fs, 0), NA)
        fs = np.where(cr["scenario"] == "tl_s39a", np.minimum(cr["rec_day"].to_numpy() + 2, 0), fs)
        cr["first_statement_day"] = fs
        # Flags text.
        u2 = rng.random((n, 5))
        strand = cr["strand_idx"].to_numpy()
        violent = np.isin(off, ["CASLT", "ABH", "GBH", "AEW", "POA4", "POA4A", "DRUNK", "ROBP"])
        parts = [np.where(da, "DA", ""), np.where(cr["hate"].to_numpy(), "HATE", ""),
                 np.where(u2[:, 0] < 0.05, "MH", ""),
                 np.where((strand == 1) & np.isin(off, ["POA4A", "POA4", "CDAM", "HARASS"]) &
                          (u2[:, 1] < 0.35), "ASB", ""),
                 np.where((strand == 3) & (u2[:, 2] < 0.10), "CA", ""),
                 np.where((strand == 3) & sexual_mask(off) & (u2[:, 3] < 0.10), "CSE", ""),
                 np.where(violent & (u2[:, 4] < 0.2), "ALC", "")]
        flags = parts[0].astype(object)
        for part in parts[1:]:
            flags = np.where(part == "", flags, np.where(flags == "", part, flags + "," + part))
        cr["flags"] = flags
        # Crime reference: force prefix / sequence within the recording year / two-digit year.
        rec_dates = self.dates(cr["rec_day"].to_numpy())
        year = rec_dates.astype("datetime64[Y]").astype(np.int64) + 1970
        first_day_in_window = np.datetime64(self.today, "D") - np.timedelta64(HISTORY_DAYS, "D")
        seq = np.zeros(n, dtype=np.int64)
        for y in np.unique(year):
            idx = np.flatnonzero(year == y)
            jan1 = np.datetime64(f"{y}-01-01", "D")
            before = max(0, int((first_day_in_window - jan1).astype(np.int64)))
            seq[idx] = int(before * p.crimes_per_year / 365.25) + np.arange(1, len(idx) + 1)
        cr["crime_ref"] = [f"{p.prefix}/{s:07d}/{y % 100:02d}" for s, y in zip(seq.tolist(), year.tolist())]

    # ----- people --------------------------------------------------------------------------------
    def _heavy_counts(self, n_rows: int, repeat_p: float, alpha: float, scale: float,
                      cap: int) -> np.ndarray:
        """Rows per person: most once, a repeat minority with a Pareto tail (capped)."""
        rng = self.rng
        m = n_rows + 10
        counts = np.ones(m, dtype=np.int64)
        rep = rng.random(m) < repeat_p
        counts[rep] = np.minimum(2 + np.floor(rng.pareto(alpha, int(rep.sum())) * scale).astype(np.int64), cap)
        cum = np.cumsum(counts)
        k = int(np.searchsorted(cum, n_rows)) + 1
        counts = counts[:k].copy()
        counts[-1] -= int(cum[k - 1] - n_rows)
        return counts[counts > 0]

    def _assign(self, rows: np.ndarray, key: np.ndarray, counts: np.ndarray, first_id: int) -> np.ndarray:
        """Person id per row: the heaviest repeaters take the rows with the lowest key."""
        order_rows = rows[np.argsort(key, kind="stable")]
        order_people = np.argsort(-counts, kind="stable")
        ids = np.repeat(order_people + first_id, counts[order_people])
        out = np.empty(len(rows), dtype=np.int64)
        pos = np.searchsorted(rows, order_rows)
        out[pos] = ids[: len(rows)]
        return out

    def build_people(self) -> None:
        cr, rng = self.cr, self.rng
        n = len(cr)
        off = cr["offence"].to_numpy()
        outcome = cr["outcome"].to_numpy()
        is_open = cr["open"].to_numpy()
        scen = cr["scenario"].to_numpy()
        victimless = np.isin(off, list(VICTIMLESS_OFFENCES))
        business = np.isin(off, ["SHOP", "BURB", "ROBB"])
        n_vict = np.where(victimless | business, 0, 1 + (rng.random(n) < 0.05))
        # Suspects: finalised crimes follow their outcome; open ones depend on the offence.
        p_susp = np.full(n, 0.45)
        p_susp[np.isin(off, ["CASLT", "ABH", "GBH", "HARASS", "STALK", "MALCOM", "AEW", "POA4",
                             "POA4A", "RAPE", "SXA"])] = 0.85
        p_susp[np.isin(off, ["BURR", "BURB", "TMV", "TFMV", "CYCLE", "THEFT", "TFP"])] = 0.3
        p_susp[np.isin(off, ["SHOP"])] = 0.7
        p_susp[victimless] = 1.0
        has_susp = np.where(is_open, rng.random(n) < p_susp, ~np.isin(outcome, list(OUTCOME_NO_SUSPECT)))
        has_susp |= np.isin(scen, ["bail_initial", "bail_expired", "bail_ext1", "bail_ext2", "rui", "fts",
                                   "named", "dm_custody", "recent_event", "tl_s39a"])
        has_susp &= ~((outcome == 1) & (rng.random(n) < 0.003))  # CDI-03: charge with no suspect
        n_susp = np.where(has_susp, 1 + (rng.random(n) < 0.12), 0)
        n_wit = np.where(rng.random(n) < 0.25, 1 + (rng.random(n) < 0.3), 0)

        bcu = cr["bcu_idx"].to_numpy()
        da = cr["da"].to_numpy()
        v_crime = np.repeat(np.arange(n), n_vict)
        s_crime = np.repeat(np.arange(n), n_susp)
        w_crime = np.repeat(np.arange(n), n_wit)
        v_person = np.empty(len(v_crime), dtype=np.int64)
        s_person = np.empty(len(s_crime), dtype=np.int64)
        next_id = 1
        pkind: list[np.ndarray] = []  # per person: 0 victim pool, 1 suspect pool, 2 witness, 3 partner
        pbcu: list[np.ndarray] = []
        cap_v = max(20, len(v_crime) // (2000 * len(self.p.bcus)) + 20)
        for b in range(len(self.p.bcus)):
            vr = np.flatnonzero(bcu[v_crime] == b)
            counts = self._heavy_counts(len(vr), 0.12, 1.2, 1.5, cap_v)
            repeatable = np.isin(off[v_crime[vr]], list(REPEATABLE)) | da[v_crime[vr]]
            key = rng.random(len(vr)) - 0.6 * repeatable
            v_person[vr] = self._assign(vr, key, counts, next_id)
            pkind.append(np.zeros(len(counts), dtype=np.int8))
            pbcu.append(np.full(len(counts), b))
            v_first = next_id
            next_id += len(counts)
            sr = np.flatnonzero(bcu[s_crime] == b)
            counts = self._heavy_counts(len(sr), 0.2, 1.3, 2.0, cap_v)
            # About 15% of suspects are also victims: their pool overlaps the victim pool's end.
            overlap = min(int(0.15 * len(counts)), next_id - v_first)
            s_first = next_id - overlap
            key = rng.random(len(sr))
            s_person[sr] = self._assign(sr, key, counts, s_first)
            new = len(counts) - overlap
            pkind.append(np.ones(new, dtype=np.int8))
            pbcu.append(np.full(new, b))
            next_id += new
        # Domestic abuse: the same partner is the suspect each time a victim reports.
        s_da = da[s_crime] & (np.r_[True, s_crime[1:] != s_crime[:-1]])  # first suspect of DA crimes
        v_first_of_crime = np.full(n, -1, dtype=np.int64)
        first_v = np.r_[True, v_crime[1:] != v_crime[:-1]] if len(v_crime) else np.zeros(0, bool)
        v_first_of_crime[v_crime[first_v]] = v_person[first_v]
        da_victims = v_first_of_crime[s_crime[s_da]]
        has_v = da_victims >= 0
        uniq_v = np.unique(da_victims[has_v])
        partner = np.arange(next_id, next_id + len(uniq_v))
        # Some partners are already known suspects elsewhere: reuse a suspect-pool id.
        reuse = rng.random(len(uniq_v)) < 0.3
        if reuse.any() and len(s_person):
            partner[reuse] = s_person[rng.integers(0, len(s_person), int(reuse.sum()))]
        new_partners = ~reuse
        # Renumber new partners densely.
        partner[new_partners] = next_id + np.arange(int(new_partners.sum()))
        pkind.append(np.full(int(new_partners.sum()), 3, dtype=np.int8))
        pb = np.zeros(len(uniq_v), dtype=np.int64)
        if len(uniq_v):
            vb = np.concatenate(pbcu)[uniq_v - 1]
            pb = vb
        pbcu.append(pb[new_partners])
        next_id += int(new_partners.sum())
        sel = np.flatnonzero(s_da)[has_v]
        s_person[sel] = partner[np.searchsorted(uniq_v, da_victims[has_v])]
        # Witnesses: mostly new people, a few known victims.
        w_person = np.arange(next_id, next_id + len(w_crime))
        known = rng.random(len(w_crime)) < 0.05
        if known.any() and len(v_person):
            w_person[known] = v_person[rng.integers(0, len(v_person), int(known.sum()))]
        fresh = ~known
        w_person[fresh] = next_id + np.arange(int(fresh.sum()))
        pkind.append(np.full(int(fresh.sum()), 2, dtype=np.int8))
        pbcu.append(bcu[w_crime[fresh]])
        next_id += int(fresh.sum())

        self.person_kind = np.concatenate(pkind)
        self.person_bcu = np.concatenate(pbcu).astype(np.int64)
        assert len(self.person_kind) == next_id - 1
        self.v = pd.DataFrame({"crime": v_crime, "person": v_person})
        # Victims' Code enhanced rights: by the crime (DA, hate, serious/sexual) or ~10% vulnerable.
        enh_crime = da | cr["hate"].to_numpy() | np.isin(off, list(ENHANCED_OFFENCES))
        self.v["enhanced"] = enh_crime[v_crime] | (rng.random(len(v_crime)) < 0.10)
        self.s = pd.DataFrame({"crime": s_crime, "person": s_person})
        self.s["first"] = np.r_[True, s_crime[1:] != s_crime[:-1]] if len(s_crime) else np.zeros(0, bool)
        self.w = pd.DataFrame({"crime": w_crime, "person": w_person})

    def suspect_status(self) -> None:
        """Suspect status, arrest and charge dates, consistent with the crime's outcome."""
        cr, s, rng = self.cr, self.s, self.rng
        c = s["crime"].to_numpy()
        k = len(c)
        first = s["first"].to_numpy(bool)
        outcome = cr["outcome"].to_numpy()[c]
        is_open = cr["open"].to_numpy()[c]
        scen = cr["scenario"].to_numpy()[c]
        u = rng.random(k)
        status = np.where(u < 0.6, "interviewed", np.where(u < 0.85, "arrested", "named")).astype(object)
        status = np.where(np.isin(outcome, list(OUTCOME_WITH_OFFENDER)), "interviewed", status)
        status = np.where(outcome == 1, np.where(first | (u < 0.5), "charged", "eliminated"), status)
        status = np.where(np.isin(outcome, [5, 11]), "named", status)
        # Open crimes.
        open_status = self.pick(["named", "arrested", "interviewed", "eliminated"], [35, 30, 30, 5], k)
        status = np.where(is_open, open_status, status)
        force = {"named": "named", "bail_initial": "arrested", "bail_expired": "interviewed",
                 "bail_ext1": "interviewed", "bail_ext2": "interviewed", "rui": "interviewed",
                 "fts": "arrested", "dm_custody": "interviewed", "recent_event": "arrested",
                 "tl_s39a": "interviewed"}
        for name, st in force.items():
            status = np.where(first & (scen == name), st, status)
        # Deliberate detection mismatches on finalised records.
        fault = rng.random(k)
        status = np.where((outcome == 1) & (status == "charged") & (fault < 0.005), "interviewed", status)
        positive = np.isin(outcome, list(self.settings.positive_outcomes)) & (outcome != 1)
        status = np.where(positive & ~is_open & (fault > 0.997), "eliminated", status)
        # Roles: those given a disposal are offenders.
        role = np.where(np.isin(outcome, list(OUTCOME_WITH_OFFENDER)) & np.isin(
            status, ["charged", "interviewed"]) & ~is_open, "offender", "suspect").astype(object)
        rec_day = cr["rec_day"].to_numpy()[c]
        out_day = cr["outcome_day"].to_numpy()[c]
        latest = np.where(is_open, 0, out_day)
        quick = rng.random(k) < 0.45
        delay = np.where(quick, rng.integers(0, 2, k), np.round(rng.exponential(12, k)).astype(np.int64))
        arrest = np.minimum(rec_day + delay, latest)
        # Showcase arrests sit where their bail stage needs them.
        age = -rec_day
        arrest = np.where(scen == "recent_event", np.maximum(rec_day, -2), arrest)
        arrest = np.where(np.isin(scen, ["bail_initial", "rui", "dm_custody", "tl_s39a"]),
                          np.minimum(rec_day + np.minimum(3, age // 3), -1), arrest)
        for name, lo, hi in (("bail_expired", 95, 130), ("bail_ext1", 95, 150), ("bail_ext2", 186, 240),
                             ("fts", 95, 160)):
            m = scen == name
            arrest = np.where(m, np.clip(rec_day + 1, -hi, -lo), arrest)
        arrested = np.isin(status, ["arrested", "interviewed", "charged"]) | (
            (status == "eliminated") & (u < 0.3))
        # Interviewed suspects on finalised out-of-court disposals were often not arrested.
        voluntary = np.isin(outcome, [2, 3, 6, 7, 8, 22]) & (rng.random(k) < 0.5) & ~is_open
        arrested &= ~voluntary
        arrested |= np.isin(scen, list(force)) & first & (scen != "named")
        s["status"] = status
        s["role"] = role
        s["arrest_day"] = np.where(arrested, arrest, NA)
        charge = np.where(np.isin(outcome, [1]) & (status == "charged"),
                          np.where(arrested, np.minimum(arrest + rng.integers(0, 2, k), latest), out_day), NA)
        s["charge_day"] = charge
        s["named_day"] = np.minimum(rec_day + rng.integers(0, 4, k), 0)

    def people_tables(self) -> tuple[dict, dict, dict]:
        rng = self.rng
        n = len(self.person_kind)
        kind = self.person_kind
        ids = np.arange(1, n + 1)
        fore = self.pick(N.FORENAMES, np.ones(len(N.FORENAMES)), n)
        sur = self.pick(N.SURNAMES, np.ones(len(N.SURNAMES)), n)
        age = np.where(kind == 1, 15 + rng.gamma(2.2, 6.5, n),  # suspects: young-skewed
                       np.where(kind == 3, 20 + rng.gamma(3.0, 5.0, n), 12 + rng.gamma(2.5, 12.0, n)))
        age = np.clip(age, 10, 92)
        dob = -np.round(age * 365.25).astype(np.int64) - rng.integers(0, 365, n)
        dob_known = rng.random(n) < np.where(kind == 2, 0.6, 0.97)
        dob = np.where(dob_known, dob, NA)
        suspect_ids = np.unique(self.s["person"].to_numpy())
        has_pnc = np.zeros(n, dtype=bool)
        has_pnc[suspect_ids - 1] = True
        has_pnc &= rng.random(n) < 0.9
        pnc_year = (self.today.year - 2 - rng.integers(0, 20, n)) % 100
        letters = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ"))
        pnc_letter = letters[ids % len(letters)]
        pnc = [f"{y:02d}/{i:07d}{l}" if h else None
               for y, i, l, h in zip(pnc_year.tolist(), ids.tolist(), pnc_letter.tolist(), has_pnc.tolist())]
        person = {"id": ids, "forename": fore.tolist(), "surname": sur.tolist(), "dob": self.dates(dob),
                  "pnc_id": pnc, "force_id": np.full(n, self.force)}
        # Aliases: about 10% of people, more for suspects, each 1-2 spelling variants.
        p_alias = np.where(kind == 1, 0.25, 0.07)
        who = np.flatnonzero(rng.random(n) < p_alias)
        reps = 1 + (rng.random(len(who)) < 0.3)
        who = np.repeat(who, reps)
        a_fore, a_sur = [], []
        which = rng.random(len(who))
        picks = rng.integers(0, 1_000_000, len(who))
        for i, w, k in zip(who.tolist(), which.tolist(), picks.tolist()):
            f, s_ = str(fore[i]), str(sur[i])
            if w < 0.5:
                f = name_variant(f, N.FORENAME_VARIANTS, k)
            else:
                s_ = name_variant(s_, N.SURNAME_VARIANTS, k)
            a_fore.append(f)
            a_sur.append(s_)
        a_dob = dob[who].copy()
        shift = rng.random(len(who)) < 0.15
        a_dob = np.where(shift & (a_dob != NA), a_dob + rng.choice([-1, 1, -365, 365], len(who)), a_dob)
        alias = {"id": np.arange(1, len(who) + 1), "person_id": who + 1, "forename": a_fore,
                 "surname": a_sur, "dob": self.dates(a_dob)}
        # Addresses: one current per person, some with a previous one.
        prev = rng.random(n) < 0.2
        a_pid = np.concatenate([ids, ids[prev]])
        m = len(a_pid)
        street = self.pick(N.STREET_NAMES, np.ones(len(N.STREET_NAMES)), m)
        suffix = self.pick(N.STREET_SUFFIXES, np.ones(len(N.STREET_SUFFIXES)), m)
        num = rng.integers(1, 240, m)
        bcu = self.person_bcu[a_pid - 1]
        bnames = np.array(self.p.bcus, dtype=object)[bcu]
        addr = [f"{h} {st} {sf}, {bn}" for h, st, sf, bn in zip(num.tolist(), street.tolist(),
                                                                 suffix.tolist(), bnames.tolist())]
        from_day = np.concatenate([-rng.integers(30, 3000, n), -rng.integers(3000, 6000, int(prev.sum()))])
        bcu_unit = self.bcu_unit_ids()[bcu]
        address = {"id": np.arange(1, m + 1), "person_id": a_pid, "address": addr, "lpa_id": bcu_unit,
                   "from_date": self.dates(from_day)}
        self.person_address = dict(zip(ids.tolist(), addr[:n]))
        return person, alias, address

    def bcu_unit_ids(self) -> np.ndarray:
        return self.teams.groupby("bcu_idx")["bcu"].first().sort_index().to_numpy()

    # ----- crime table --------------------------------------------------------------------------
    def crime_table(self) -> dict:
        cr, rng = self.cr, self.rng
        n = len(cr)
        off = cr["offence"].to_numpy()
        bcu_ids = self.bcu_unit_ids()
        bnames = np.array(self.p.bcus, dtype=object)[cr["bcu_idx"].to_numpy()]
        # Location: the victim's home for domestic abuse and burglary, otherwise a public place.
        street = self.pick(N.STREET_NAMES, np.ones(len(N.STREET_NAMES)), n)
        suffix = self.pick(N.STREET_SUFFIXES, np.ones(len(N.STREET_SUFFIXES)), n)
        tmpl = self.pick(N.PREMISES, np.ones(len(N.PREMISES)), n)
        num = rng.integers(1, 240, n)
        loc = [t.format(n=h, street=f"{st} {sf}") + f", {bn}" for t, h, st, sf, bn in
               zip(tmpl.tolist(), num.tolist(), street.tolist(), suffix.tolist(), bnames.tolist())]
        home = cr["da"].to_numpy() | np.isin(off, ["BURR"])
        first_v = self.v.drop_duplicates("crime")
        vmap = dict(zip(first_v["crime"].tolist(), first_v["person"].tolist()))
        for i in np.flatnonzero(home).tolist():
            pid = vmap.get(i)
            if pid is not None:
                loc[i] = self.person_address[pid]
        names = {o["code"]: o["name"] for o in OFFENCES}
        code = np.array(_strs(cr["offence_code"]), dtype=object)
        summary = [
            (f"{names[o]}{' (domestic)' if d else ''} reported at {lc}." if o is not None else
             f"Incident reported at {lc}; offence not yet classified.")
            for o, d, lc in zip(code.tolist(), cr["da"].tolist(), loc)
        ]
        status = np.where(cr["open"].to_numpy(), "open", "finalised")
        return {
            "id": cr["id"].to_numpy(), "crime_ref": cr["crime_ref"].tolist(),
            "force_id": np.full(n, self.force), "bcu_id": bcu_ids[cr["bcu_idx"].to_numpy()],
            "team_id": cr["team"].to_numpy(), "oic_id": optional_ints(cr["oic"].to_numpy()),
            "offence_code": code.tolist(), "occurred_on": self.dates(cr["occurred"].to_numpy()),
            "reported_at": self.datetimes(cr["rep_min"].to_numpy()),
            "recorded_at": self.datetimes(cr["rec_min"].to_numpy()),
            "allocated_on": self.dates(cr["alloc_day"].to_numpy()), "status": status.tolist(),
            "finalised": cr["finalised"].to_numpy(bool), "outcome_code": cr["outcome"].to_numpy(),
            "outcome_date": self.dates(cr["outcome_day"].to_numpy()),
            "domestic_abuse": cr["da"].to_numpy(bool), "hate_crime": cr["hate"].to_numpy(bool),
            "flags": [x or "" for x in _strs(cr["flags"])], "victim_decision": _strs(cr["victim_decision"]),
            "first_statement_on": self.dates(cr["first_statement_day"].to_numpy()),
            "location": loc, "lpa_id": bcu_ids[cr["bcu_idx"].to_numpy()], "summary": summary,
        }

    def crime_person_table(self) -> dict:
        cr = self.cr
        v, s, w = self.v, self.s, self.w
        v_enh = v["enhanced"].to_numpy(bool)
        da_v = cr["da"].to_numpy()[v["crime"].to_numpy()]
        rel_da = self.pick(["partner", "ex-partner", "family member"], [45, 40, 15], len(v))
        v_rel = np.where(da_v, rel_da, None)
        da_s = cr["da"].to_numpy()[s["crime"].to_numpy()]
        s_rel = np.where(da_s, self.pick(["partner", "ex-partner", "family member"], [45, 40, 15], len(s)),
                         self.pick(["stranger", "acquaintance", "neighbour", None], [45, 30, 10, 15], len(s)))
        crime_ids = cr["id"].to_numpy()
        parts = [
            (crime_ids[v["crime"].to_numpy()], v["person"].to_numpy(), np.full(len(v), "victim", object),
             v_enh, np.full(len(v), None, object), np.full(len(v), NA), np.full(len(v), NA), v_rel),
            (crime_ids[s["crime"].to_numpy()], s["person"].to_numpy(), s["role"].to_numpy(object),
             np.zeros(len(s), bool), s["status"].to_numpy(object), s["arrest_day"].to_numpy(),
             s["charge_day"].to_numpy(), s_rel),
            (crime_ids[w["crime"].to_numpy()], w["person"].to_numpy(), np.full(len(w), "witness", object),
             np.zeros(len(w), bool), np.full(len(w), None, object), np.full(len(w), NA), np.full(len(w), NA),
             np.full(len(w), None, object)),
        ]
        cols = [np.concatenate([p[i] for p in parts]) for i in range(8)]
        order = np.argsort(cols[0], kind="stable")
        cols = [c[order] for c in cols]
        m = len(cols[0])
        return {"id": np.arange(1, m + 1), "crime_id": cols[0], "person_id": cols[1],
                "role": _strs(cols[2]), "enhanced_rights": cols[3].astype(bool),
                "suspect_status": _strs(cols[4]), "arrested_on": self.dates(cols[5]),
                "charged_on": self.dates(cols[6]), "relationship": _strs(cols[7])}

    # ----- links ---------------------------------------------------------------------------------
    def build_links(self) -> dict:
        cr, rng = self.cr, self.rng
        n = len(cr)
        off = cr["offence"].to_numpy()
        series = np.isin(off, list(SERIES_OFFENCES))
        idx = np.flatnonzero(series)
        order = idx[np.lexsort((cr["rec_min"].to_numpy()[idx], off[idx].astype(str),
                                cr["bcu_idx"].to_numpy()[idx]))]
        group = cr["bcu_idx"].to_numpy()[order].astype(str) + "|" + off[order].astype(str)
        heads = np.flatnonzero(rng.random(len(order)) < 0.05)
        pairs: list[tuple[int, int]] = []
        taken = np.zeros(n, dtype=bool)
        sizes = rng.integers(1, 5, len(heads))
        for h, k in zip(heads.tolist(), sizes.tolist()):
            head = order[h]
            if taken[head]:
                continue
            members = []
            for j in range(h + 1, min(h + 1 + 3 * k, len(order))):
                if group[j] != group[h]:
                    break
                if not taken[order[j]] and rng.random() < 0.5:
                    members.append(order[j])
                if len(members) == k:
                    break
            if not members:
                continue
            taken[head] = True
            for mbr in members:
                taken[mbr] = True
                pairs.append((int(mbr), int(head)))
        # The showcase pair.
        sc = np.flatnonzero(cr["scenario"].to_numpy() == "linked")
        if len(sc) >= 2:
            pairs.append((int(sc[1]), int(sc[0])))
            taken[sc] = True
        # Series members share the head's suspect where both have one.
        first_s = self.s[self.s["first"]]
        susp_of = dict(zip(first_s["crime"].tolist(), first_s.index.tolist()))
        for mbr, head in pairs:
            if mbr in susp_of and head in susp_of and rng.random() < 0.6:
                self.s.at[susp_of[mbr], "person"] = self.s.at[susp_of[head], "person"]
        self.linked = taken
        labels = {o["code"]: o["name"].lower() for o in OFFENCES}
        ids = cr["id"].to_numpy()
        reasons = [f"Series: {labels[off[h]]}" if off[h] in labels else "Series" for _, h in pairs]
        return {"id": np.arange(1, len(pairs) + 1), "crime_id": np.array([ids[m] for m, _ in pairs]),
                "linked_crime_id": np.array([ids[h] for _, h in pairs]), "reason": reasons}

    # ----- bail and custody ---------------------------------------------------------------------
    def build_bail(self) -> dict:
        cr, s, rng, st = self.cr, self.s, self.rng, self.settings
        c = s["crime"].to_numpy()
        is_open = cr["open"].to_numpy()[c]
        scen = cr["scenario"].to_numpy()[c]
        first = s["first"].to_numpy()
        arrest = s["arrest_day"].to_numpy()
        cand = is_open & (arrest != NA) & np.isin(s["status"].to_numpy(), ["arrested", "interviewed"])
        k = len(c)
        u = rng.random(k)
        status = np.where(u < 0.28, "bail", np.where(u < 0.84, "rui", np.where(u < 0.88, "fts", "ended")))
        status = status.astype(object)
        for name, val in (("bail_initial", "bail"), ("bail_expired", "bail"), ("bail_ext1", "bail"),
                          ("bail_ext2", "bail"), ("rui", "rui"), ("fts", "fts"), ("dm_custody", "rui"),
                          ("recent_event", "bail"), ("tl_s39a", "rui")):
            status = np.where(first & (scen == name), val, status)
        since = -arrest - 1  # days since bail start
        old_enough_fts = since > 93
        status = np.where((status == "fts") & ~old_enough_fts, "rui", status)
        # Stage by time on bail; some left a stage behind (expired, never extended).
        v = rng.random(k)
        stage = np.full(k, "initial", dtype=object)
        stage = np.where(since >= 88, np.where(v < 0.85, "first_extension", "initial"), stage)
        stage = np.where(since >= 178, np.where(v < 0.80, "second_extension",
                                                np.where(v < 0.95, "first_extension", "complex")), stage)
        stage = np.where(since >= 268, np.where(v < 0.5, "complex", np.where(v < 0.8, "court",
                                                                           "second_extension")), stage)
        forced = {"bail_initial": "initial", "bail_expired": "initial", "bail_ext1": "first_extension",
                  "bail_ext2": "second_extension", "recent_event": "initial", "fts": "initial"}
        for name, val in forced.items():
            stage = np.where(first & (scen == name), val, stage)
        stage = np.where(status == "fts", "initial", stage)
        rows = np.flatnonzero(cand)
        arrest_r = arrest[rows]
        stage_r = stage[rows]
        status_r = status[rows]
        start_r = arrest_r + 1
        codes = {"initial": 0, "first_extension": 1, "second_extension": 2, "complex": 3, "court": 4}
        names = list(codes)
        stage_code = np.array([codes[x] for x in stage_r], dtype=np.int64)
        ends = self.map_days(lambda a, sc: bail_end(bail_start_from_arrest(a), names[sc], a, st),
                             ("day", arrest_r), ("val", stage_code))
        court = stage_r == "court"
        ends = np.where(court, start_r + 365 + rng.integers(20, 90, len(rows)), ends)
        ends = np.where(np.isin(status_r, ["bail", "fts"]), ends, NA)
        bail_start = np.where(np.isin(status_r, ["bail", "fts"]), start_r, NA)
        stage_out = np.where(np.isin(status_r, ["bail", "fts"]), stage_r, None)
        # Last change: the latest extension for bail, else the release from custody.
        upd = np.where(status_r == "bail", np.minimum(arrest_r + np.where(stage_code > 0, 85, 0), 0),
                       np.minimum(arrest_r + 1, 0))
        upd_min = np.minimum(upd * 1440 + 10 * 60, self.as_of - 30)
        self.bail = pd.DataFrame({"s_row": rows, "crime": c[rows], "person": s["person"].to_numpy()[rows],
                                  "arrest": arrest_r, "start": bail_start, "stage": stage_out,
                                  "ends": ends, "status": status_r})
        self.bail["id"] = np.arange(1, len(rows) + 1)
        ids = cr["id"].to_numpy()
        return {"id": self.bail["id"].to_numpy(), "crime_id": ids[c[rows]],
                "person_id": self.bail["person"].to_numpy(), "arrested_on": self.dates(arrest_r),
                "bail_start": self.dates(bail_start), "stage": stage_out.tolist(),
                "ends_on": self.dates(ends), "status": status_r.tolist(),
                "updated_at": self.datetimes(upd_min)}

    def build_custody(self) -> dict:
        cr, s, rng = self.cr, self.s, self.rng
        rows = np.flatnonzero(s["arrest_day"].to_numpy() != NA)
        c = s["crime"].to_numpy()[rows]
        k = len(rows)
        outcome = cr["outcome"].to_numpy()[c]
        status = s["status"].to_numpy()[rows]
        bail_status = np.full(len(s), None, dtype=object)
        bail_status[self.bail["s_row"].to_numpy()] = self.bail["status"].to_numpy()
        bstat = bail_status[rows]
        out = np.where(status == "charged", "charged", "nfa").astype(object)
        out = np.where(np.isin(outcome, [2, 3]), "caution", out)
        out = np.where(outcome == 8, "community resolution", out)
        out = np.where(outcome == 6, "penalty notice", out)
        out = np.where(np.isin(outcome, [15, 16, 9, 10, 21]) & (rng.random(k) < 0.4), "rui", out)
        out = np.where(np.isin(bstat, ["bail", "fts"]), "bail", out)
        out = np.where(bstat == "rui", "rui", out)
        out = np.where((bstat == None) & (outcome == 0) & (status != "eliminated"), "rui", out)  # noqa: E711
        # About 1% recorded as charged in custody though the crime says otherwise (DM-01).
        mismatch = (rng.random(k) < 0.01) & (outcome != 1) & (outcome != 0)
        first = s["first"].to_numpy()[rows]
        mismatch |= (cr["scenario"].to_numpy()[c] == "dm_custody") & first
        out = np.where(mismatch, "charged", out)
        arrest = s["arrest_day"].to_numpy()[rows]
        arrive = arrest * 1440 + rng.integers(0, 1440, k)
        # Not before the crime was reported (a same-day arrest), and not after the data's cut-off.
        reported = cr["rep_min"].to_numpy()[c]
        arrive = np.minimum(np.maximum(arrive, reported + 30), self.as_of - 1)
        stay = np.minimum(np.round(rng.lognormal(np.log(10 * 60), 0.6, k)), 36 * 60).astype(np.int64)
        released = arrive + stay
        released = np.where(released > self.as_of, NA, released)
        off = self.cr["oic"].to_numpy()[c]
        ids = np.arange(1, k + 1)
        yy = self.dates(arrest).astype("datetime64[Y]").astype(np.int64) % 100
        refs = [f"{self.p.prefix}C/{y:02d}/{i:07d}" for y, i in zip(yy.tolist(), ids.tolist())]
        self.custody_rows = pd.DataFrame({"crime": c, "outcome": out})
        return {"id": ids, "custody_ref": refs, "force_id": np.full(k, self.force),
                "person_id": s["person"].to_numpy()[rows], "crime_id": cr["id"].to_numpy()[c],
                "arresting_officer_id": optional_ints(off), "arrived_at": self.datetimes(arrive),
                "released_at": self.datetimes(released), "outcome": out.tolist()}

    # ----- tasks ---------------------------------------------------------------------------------
    def open_tasks_from(self, conn) -> None:
        """The open tasks the engine derived, as day offsets, for today's worklist snapshot."""
        rows = pd.DataFrame(conn.execute(select(S.task.c.crime_id, S.task.c.kind, S.task.c.due_date)
                                         .where(S.task.c.status == "open")).all(), columns=["crime_id", "kind", "due"])
        index = pd.Series(np.arange(len(self.cr)), index=self.cr["id"].to_numpy())
        due = pd.to_datetime(rows["due"])
        self.tasks = pd.DataFrame({
            "crime": index.loc[rows["crime_id"].to_numpy()].to_numpy(np.int64), "kind": rows["kind"].to_numpy(),
            "due": np.where(due.isna(), NA, (due - pd.Timestamp(self.today)).dt.days.fillna(0).astype(np.int64)),
            "status": "open"})

    # ----- incidents and deployments -------------------------------------------------------------
    def build_incidents(self) -> tuple[dict, dict]:
        cr, rng, p = self.cr, self.rng, self.p
        n = len(cr)
        strand = cr["strand_idx"].to_numpy()
        p_inc = np.array([0.8, 0.45, 0.5, 0.6])[strand]
        has = rng.random(n) < p_inc
        ci = np.flatnonzero(has)
        k1 = len(ci)
        cat = {o["code"]: o["category"] for o in OFFENCES}
        itype = np.array([N.INCIDENT_TYPES[cat[o]] for o in cr["offence"].to_numpy()[ci]], dtype=object)
        itype = np.where(cr["da"].to_numpy()[ci], "Domestic incident", itype)
        sev = np.isin(cr["offence"].to_numpy()[ci], ["HOM", "RAPE", "GBH", "ROBP", "ROBB", "WEAP", "ABH", "BURR"])
        g = rng.random(k1)
        grade = np.where(sev, np.where(g < 0.45, "emergency", np.where(g < 0.9, "priority", "scheduled")),
                         np.where(g < 0.1, "emergency", np.where(g < 0.45, "priority",
                                                                 np.where(g < 0.85, "scheduled", "resolution"))))
        grade = np.where(cr["da"].to_numpy()[ci] & (g < 0.8), np.where(g < 0.35, "emergency", "priority"), grade)
        opened = cr["rep_min"].to_numpy()[ci] - rng.integers(0, 30, k1)
        first_v = self.v.drop_duplicates("crime")
        vmap = np.full(n, NA, dtype=np.int64)
        vmap[first_v["crime"].to_numpy()] = first_v["person"].to_numpy()
        first_s = self.s[self.s["first"]]
        smap = np.full(n, NA, dtype=np.int64)
        smap[first_s["crime"].to_numpy()] = first_s["person"].to_numpy()
        orig = np.where(rng.random(k1) < 0.7, vmap[ci], NA)
        subj = np.where(rng.random(k1) < 0.6, smap[ci], NA)
        bcu1 = cr["bcu_idx"].to_numpy()[ci]
        # Calls that raised no crime: concern for safety, ASB, mental health... heavy-tailed callers.
        k2 = int(round(n * p.noncrime_incidents_per_crime))
        nc_min = rng.integers(-HISTORY_DAYS * 1440, self.as_of - 5, k2)
        types, weights = zip(*N.NON_CRIME_INCIDENT_TYPES)
        nc_type = self.pick(list(types), list(weights), k2)
        g = rng.random(k2)
        nc_grade = np.where(g < 0.12, "emergency", np.where(g < 0.45, "priority",
                                                           np.where(g < 0.8, "scheduled", "resolution")))
        nc_bcu = rng.integers(0, len(p.bcus), k2)
        n_people = len(self.person_kind)
        callers = self._heavy_counts(k2, 0.15, 1.1, 2.0, max(30, k2 // 1500))
        # Frequent callers are mostly people already known as victims.
        caller_pool = rng.permutation(n_people)[: len(callers)] + 1 if len(callers) <= n_people else \
            rng.integers(1, n_people + 1, len(callers))
        nc_orig = np.repeat(caller_pool, callers)[rng.permutation(k2)]
        nc_orig = np.where(rng.random(k2) < 0.25, NA, nc_orig)
        nc_subj = np.where(np.isin(nc_type, ["Mental health", "Concern for safety", "Missing person"]),
                           np.where(rng.random(k2) < 0.5, nc_orig, rng.integers(1, n_people + 1, k2)), NA)
        inc = pd.DataFrame({
            "opened": np.concatenate([opened, nc_min]), "type": np.concatenate([itype, nc_type.astype(object)]),
            "grade": np.concatenate([grade, nc_grade]), "bcu": np.concatenate([bcu1, nc_bcu]),
            "orig": np.concatenate([orig, nc_orig]), "subj": np.concatenate([subj, nc_subj]),
            "crime": np.concatenate([ci, np.full(k2, NA)]),
        })
        inc = inc.sort_values(["opened", "crime"], kind="stable", ignore_index=True)
        m = len(inc)
        ids = np.arange(1, m + 1)
        day = np.floor_divide(inc["opened"].to_numpy(), 1440)
        seq = inc.groupby(day).cumcount().to_numpy() + 1
        ymd = np.char.replace(np.datetime_as_string(self.dates(day), unit="D"), "-", "")
        refs = [f"{p.prefix}-{d}-{s_:05d}" for d, s_ in zip(ymd.tolist(), seq.tolist())]
        calls = np.round(rng.lognormal(np.log(240), 0.6, m)).astype(np.int64)
        pre_planned = (inc["grade"].to_numpy() == "scheduled") & (rng.random(m) < 0.3)
        bcu_ids = self.bcu_unit_ids()
        street = self.pick(N.STREET_NAMES, np.ones(len(N.STREET_NAMES)), m)
        suffix = self.pick(N.STREET_SUFFIXES, np.ones(len(N.STREET_SUFFIXES)), m)
        bn = np.array(self.p.bcus, dtype=object)[inc["bcu"].to_numpy()]
        loc = [f"{a} {b}, {c}" for a, b, c in zip(street.tolist(), suffix.tolist(), bn.tolist())]
        crime_col = inc["crime"].to_numpy()
        incident = {
            "id": ids, "incident_ref": refs, "force_id": np.full(m, self.force),
            "bcu_id": bcu_ids[inc["bcu"].to_numpy()], "lpa_id": bcu_ids[inc["bcu"].to_numpy()],
            "opened_at": self.datetimes(inc["opened"].to_numpy()), "incident_type": inc["type"].tolist(),
            "grade": inc["grade"].tolist(), "pre_planned": pre_planned, "location": loc,
            "call_seconds": calls, "originator_person_id": optional_ints(inc["orig"].to_numpy()),
            "subject_person_id": optional_ints(inc["subj"].to_numpy()),
            "crime_id": optional_ints(np.where(crime_col != NA, cr["id"].to_numpy()[np.where(crime_col != NA,
                                                                                          crime_col, 0)], NA)),
        }
        # Deployments: 1-3 resources for emergency/priority, 0-1 for scheduled, none for resolution.
        grade_arr = inc["grade"].to_numpy()
        u = rng.random(m)
        nd = np.where(grade_arr == "emergency", 1 + (u < 0.6) + (u < 0.2),
                      np.where(grade_arr == "priority", 1 + (u < 0.35) + (u < 0.05),
                               np.where(grade_arr == "scheduled", (u < 0.7).astype(int), 0)))
        di = np.repeat(np.arange(m), nd)
        kd = len(di)
        itypes = inc["type"].to_numpy()[di]
        r = rng.random(kd)
        group = np.where(itypes == "Road traffic collision", np.where(r < 0.6, "traffic", "response"),
                         np.where(itypes == "Anti-social behaviour", np.where(r < 0.6, "neighbourhood", "response"),
                                  np.where(r < 0.82, "response", np.where(r < 0.94, "neighbourhood",
                                                                         np.where(r < 0.98, "dog section",
                                                                                  "armed response")))))
        officer = np.full(kd, NA, dtype=np.int64)
        dbcu = inc["bcu"].to_numpy()[di]
        o = self.off
        for b in range(len(p.bcus)):
            for grp, strand in (("response", "response"), ("neighbourhood", "neighbourhood")):
                pool = o[(o["bcu"] == self.bcu_unit_ids()[b]) & (o["strand"] == strand) & ~o["is_staff"]
                         & (o["level"] == "team")]["id"].to_numpy()
                idx = np.flatnonzero((dbcu == b) & (group == grp))
                if len(idx) and len(pool):
                    officer[idx] = pool[rng.integers(0, len(pool), len(idx))]
        gd = grade_arr[di]
        base = inc["opened"].to_numpy()[di]
        assign = base + np.where(gd == "emergency", rng.integers(0, 4, kd),
                                 np.where(gd == "priority", rng.integers(2, 45, kd), rng.integers(30, 2880, kd)))
        deployed = assign + rng.integers(0, 6, kd)
        travel = np.where(gd == "emergency", rng.lognormal(np.log(9), 0.4, kd),
                          np.where(gd == "priority", rng.lognormal(np.log(25), 0.5, kd),
                                   rng.lognormal(np.log(20), 0.5, kd)))
        arrived = deployed + np.round(travel).astype(np.int64)
        released = arrived + np.round(rng.lognormal(np.log(75), 0.7, kd)).astype(np.int64)
        cut = self.as_of

        def upto(x, prev):
            return np.where((x > cut) | (prev == NA), NA, x)
        assign = np.where(assign > cut, NA, assign)
        deployed = upto(deployed, assign)
        arrived = upto(arrived, deployed)
        released = upto(released, arrived)
        deployment = {
            "id": np.arange(1, kd + 1), "incident_id": ids[di], "officer_id": optional_ints(officer),
            "resource_group": group.tolist(), "assigned_at": self.datetimes(assign),
            "deployed_at": self.datetimes(deployed), "arrived_at": self.datetimes(arrived),
            "released_at": self.datetimes(released),
        }
        return incident, deployment

    # ----- leave, shifts, training ------------------------------------------------------------
    def build_leave(self) -> dict:
        rng = self.rng
        o = self.off
        n = len(o)
        u = rng.random(n)
        kinds, starts, ends, who = [], [], [], []

        def add(mask, kind, s, e):
            idx = np.flatnonzero(mask)
            who.append(idx)
            kinds.append(np.full(len(idx), kind, dtype=object))
            starts.append(np.asarray(s)[idx] if np.ndim(s) else np.full(len(idx), s))
            ends.append(np.asarray(e)[idx] if np.ndim(e) else np.full(len(idx), e))

        demo = np.isin(o["id"].to_numpy(), [self.demo_officer, self.demo_sergeant])
        annual = (u < 0.08) & ~demo
        sick = (u >= 0.08) & (u < 0.12) & ~demo
        restricted = (u >= 0.12) & (u < 0.15) & ~demo
        maternity = (u >= 0.15) & (u < 0.155) & ~demo
        s0 = -rng.integers(0, 7, n)
        add(annual, "annual", s0, s0 + rng.integers(3, 15, n) - 1 + np.maximum(0, -s0 - 2))
        s1 = -rng.integers(0, 21, n)
        add(sick, "sick", s1, rng.integers(0, 15, n))
        s2 = -rng.integers(30, 200, n)
        add(restricted, "restricted", s2, rng.integers(30, 180, n))
        s3 = -rng.integers(30, 250, n)
        add(maternity, "maternity", s3, s3 + 270 + rng.integers(0, 120, n))
        # Other annual leave in the window around today, not covering today.
        past = rng.random(n) < 0.5
        ps = -rng.integers(12, 60, n)
        add(past, "annual", ps, np.minimum(ps + rng.integers(1, 10, n), -1))
        fut = rng.random(n) < 0.35
        fs = rng.integers(1, 30, n)
        add(fut, "annual", fs, fs + rng.integers(1, 10, n))
        old_sick = rng.random(n) < 0.12
        osd = -rng.integers(8, 50, n)
        add(old_sick & ~sick, "sick", osd, np.minimum(osd + rng.integers(0, 6, n), -1))
        who_a = np.concatenate(who)
        lv = pd.DataFrame({"off": who_a, "kind": np.concatenate(kinds), "start": np.concatenate(starts),
                           "end": np.concatenate(ends)})
        lv = lv.sort_values(["off", "start"], kind="stable", ignore_index=True)
        lv["officer_id"] = o["id"].to_numpy()[lv["off"].to_numpy()]
        self.leave = lv
        m = len(lv)
        return {"id": np.arange(1, m + 1), "officer_id": lv["officer_id"].to_numpy(),
                "kind": lv["kind"].tolist(), "starts_on": self.dates(lv["start"].to_numpy()),
                "ends_on": self.dates(lv["end"].to_numpy())}

    def _absence_grid(self, first_day: int, n_days: int, kinds) -> np.ndarray:
        """Officers x days boolean: on leave of one of these kinds."""
        grid = np.zeros((len(self.off), n_days), dtype=bool)
        lv = self.leave[self.leave["kind"].isin(list(kinds))]
        for o_, s, e in zip(lv["off"].tolist(), lv["start"].tolist(), lv["end"].tolist()):
            a, b = max(s, first_day), min(e, first_day + n_days - 1)
            if a <= b:
                grid[o_, a - first_day: b - first_day + 1] = True
        return grid

    def build_shifts(self) -> dict:
        rng = self.rng
        o = self.off
        n = len(o)
        first, n_days = -SHIFT_PAST_DAYS, SHIFT_PAST_DAYS + SHIFT_FUTURE_DAYS + 1
        days = np.arange(first, first + n_days)
        ordinal = self.today.toordinal() + days
        weekday = (ordinal - 1) % 7  # date.toordinal(1 Jan 0001) is a Monday -> 0
        team_ix = dict(zip(self.teams["id"], range(len(self.teams))))
        offset = np.array([team_ix.get(t, 0) for t in o["team_id"]])
        strand = o["strand"].fillna("").to_numpy()
        # Pattern per officer: 0 = 12h 2 days/2 nights/4 off, 1 = 10h six on/four off,
        # 2 = 8h earlies/lates five on two off, 3 = 8h Monday-Friday.
        dept_pattern = {d: int(rng.integers(0, 2)) for d in sorted(set(o["dept"].dropna().astype(int)))}
        pattern = np.full(n, 3)
        is_resp = (strand == "response") & (o["level"] == "team").to_numpy() & ~o["is_staff"].to_numpy()
        pattern[is_resp] = [dept_pattern[int(d)] for d in o["dept"].to_numpy()[is_resp]]
        pattern[(strand == "neighbourhood") & ~o["is_staff"].to_numpy() & (o["level"] == "team").to_numpy()] = 2
        start_h = np.zeros((n, n_days), dtype=np.int64)
        length = np.zeros((n, n_days), dtype=np.int64)
        works = np.zeros((n, n_days), dtype=bool)
        od = ordinal[None, :] + offset[:, None]
        # 12h: D D N N - - - -
        c8 = od % 8
        m = pattern == 0
        works[m] = (c8 < 4)[m]
        start_h[m] = np.where(c8 < 2, 7, 19)[m]
        length[m] = 12
        # 10h: E E L L N N - - - -
        c10 = od % 10
        m = pattern == 1
        works[m] = (c10 < 6)[m]
        start_h[m] = np.select([c10 < 2, c10 < 4], [7, 14], 22)[m]
        length[m] = 10
        # 8h earlies/lates: five on two off in a 7-day cycle; alternate weeks early/late.
        c7 = od % 7
        wk = (od // 7) % 2
        m = pattern == 2
        works[m] = (c7 < 5)[m]
        start_h[m] = np.where(wk == 0, 7, 15)[m]
        length[m] = 8
        m = pattern == 3
        works[m] = np.broadcast_to(weekday < 5, (n, n_days))[m]
        start_h[m] = 8
        length[m] = 8
        # Part-timers drop about a quarter of their shifts.
        pt = (o["weekly_hours"].to_numpy() < 40)[:, None] & (rng.random((n, n_days)) < 0.25)
        works &= ~pt
        off_leave = self._absence_grid(first, n_days, ("annual", "maternity", "other"))
        sick = self._absence_grid(first, n_days, ("sick",))
        works &= ~off_leave
        oi, di = np.nonzero(works)
        starts = days[di] * 1440 + start_h[oi, di] * 60
        ends_ = starts + length[oi, di] * 60
        att = np.where(rng.random(len(oi)) < 0.985, 1, 0)
        att = np.where(sick[oi, di], 0, att)
        att_obj = np.where(ends_ <= self.as_of, att.astype(bool), None).astype(object)
        k = len(oi)
        self.works = works
        return {"id": np.arange(1, k + 1), "officer_id": o["id"].to_numpy()[oi],
                "team_id": o["team_id"].to_numpy()[oi], "starts_at": self.datetimes(starts),
                "ends_at": self.datetimes(ends_), "attended": att_obj.tolist()}

    def build_training(self) -> dict:
        rng = self.rng
        o = self.off
        n = len(o)
        sworn = ~o["is_staff"].to_numpy()
        strand = o["strand"].fillna("").to_numpy()
        rows = []
        # (course, critical, validity days or None, who)
        courses = [
            ("Officer safety training", True, 365, sworn),
            ("Emergency first aid", True, 3 * 365, np.ones(n, bool)),
            ("Taser (conducted energy device)", False, 365, sworn & (strand == "response") & (rng.random(n) < 0.35)),
            ("Response driving", False, 3 * 365, sworn & (strand == "response") & (rng.random(n) < 0.5)),
            ("PIP level 2 investigator", True, None, sworn & np.isin(strand, ["investigations", "public_protection"])),
            ("Domestic abuse matters", False, None, sworn & np.isin(strand, ["response", "public_protection"])
             & (rng.random(n) < 0.7)),
            ("Information security", False, 2 * 365, np.ones(n, bool) & (rng.random(n) < 0.8)),
        ]
        for course, critical, valid, who in courses:
            idx = np.flatnonzero(who)
            k = len(idx)
            if valid is None:
                passed = -rng.integers(30, 3000, k)
                expires = np.full(k, NA)
            else:
                expired = rng.random(k) < 0.05
                remaining = np.where(expired, -rng.integers(1, 120, k), rng.integers(0, valid, k))
                expires = remaining
                passed = expires - valid
            start = o["start_day"].to_numpy()[idx]
            passed = np.maximum(passed, start)
            if valid is not None:
                expires = passed + valid
            rows.append(pd.DataFrame({"off": idx, "course": course, "critical": critical, "passed": passed,
                                      "expires": expires}))
        t = pd.concat(rows, ignore_index=True).sort_values(["off", "course"], kind="stable", ignore_index=True)
        k = len(t)
        return {"id": np.arange(1, k + 1), "officer_id": o["id"].to_numpy()[t["off"].to_numpy()],
                "course": t["course"].tolist(), "critical": t["critical"].to_numpy(bool),
                "passed_on": self.dates(t["passed"].to_numpy()), "expires_on": self.dates(t["expires"].to_numpy())}

    # ----- worklist history ------------------------------------------------------------------------
    def build_snapshots(self) -> dict:
        rng = self.rng
        cr = self.cr
        teams = self.teams["id"].to_numpy()
        tix = {t: i for i, t in enumerate(teams.tolist())}
        nt = len(teams)
        days = np.arange(-SNAPSHOT_DAYS, 0)
        nd = len(days)
        # Crimes open at the end of each day, and recorded that day.
        team_i = np.searchsorted(teams, cr["team"].to_numpy())
        rec = cr["rec_day"].to_numpy()
        closed = np.where(cr["outcome_day"].to_numpy() == NA, 10**6, cr["outcome_day"].to_numpy())
        open_c = np.zeros((nt, nd), dtype=np.int64)
        new_c = np.zeros((nt, nd), dtype=np.int64)
        for j, d in enumerate(days.tolist()):
            m = (rec <= d) & (closed > d)
            open_c[:, j] = np.bincount(team_i[m], minlength=nt)
            new_c[:, j] = np.bincount(team_i[rec == d], minlength=nt)
        # Available: sworn officers of the team not absent that day (as data_access counts them).
        o = self.off
        sworn = (~o["is_staff"].to_numpy()) & o["team_id"].isin(teams).to_numpy()
        absent = self._absence_grid(-SNAPSHOT_DAYS, nd, ("annual", "sick", "maternity", "other"))
        o_team = np.array([tix.get(t, -1) for t in o["team_id"]])
        avail = np.zeros((nt, nd), dtype=np.int64)
        for j in range(nd):
            m = sworn & ~absent[:, j]
            avail[:, j] = np.bincount(o_team[m], minlength=nt)
        # Today's owed work per team, from the generated open tasks.
        t = self.tasks[self.tasks["status"] == "open"]
        tt = team_i[t["crime"].to_numpy()]
        # Overdue as data_access counts it: past due, or an undated error to correct.
        due = t["due"].to_numpy()
        over = ((due != NA) & (due < 0)) | ((due == NA) & t["kind"].isin(sorted(ERROR_KINDS)).to_numpy())
        rows = []
        drift = rng.uniform(0.4, 1.6, nt)  # how much higher the overdue count was six weeks ago
        age = -days / SNAPSHOT_DAYS
        surge = np.isin(teams, self.surge_teams)
        for kind in ("all", "supervisor_review", "victim_contact"):
            m = np.ones(len(t), bool) if kind == "all" else (t["kind"] == kind).to_numpy()
            out_now = np.bincount(tt[m], minlength=nt).astype(float)
            over_now = np.bincount(tt[m & over], minlength=nt).astype(float)
            # Scaled so yesterday's history meets today's live snapshot without a step.
            ratio = open_c / np.maximum(open_c[:, -1:], 1)
            outstanding = out_now[:, None] * ratio * (1 + 0.25 * drift[:, None] * age[None, :])
            overdue = over_now[:, None] * (1 + drift[:, None] * age[None, :]) * np.where(
                surge[:, None] & (days[None, :] < -self.surge_days), 0.6, 1.0)
            noise = rng.normal(0, 0.06, (nt, nd))
            outstanding = np.maximum(np.round(outstanding * (1 + noise)), 0).astype(np.int64)
            overdue = np.minimum(np.maximum(np.round(overdue * (1 + noise)), 0).astype(np.int64), outstanding)
            ti, dj = np.meshgrid(np.arange(nt), np.arange(nd), indexing="ij")
            is_all = kind == "all"
            rows.append(pd.DataFrame({
                "day": days[dj.ravel()], "team": teams[ti.ravel()], "kind": kind,
                "outstanding": outstanding.ravel(), "overdue": overdue.ravel(),
                "open_crimes": open_c.ravel() if is_all else 0, "new_crimes": new_c.ravel() if is_all else 0,
                "available": avail.ravel() if is_all else 0}))
        s = pd.concat(rows, ignore_index=True).sort_values(["day", "team", "kind"], kind="stable",
                                                            ignore_index=True)
        k = len(s)
        return {"id": np.arange(1, k + 1), "snapshot_on": self.dates(s["day"].to_numpy()),
                "team_id": s["team"].to_numpy(), "kind": s["kind"].tolist(),
                "outstanding": s["outstanding"].to_numpy(), "overdue": s["overdue"].to_numpy(),
                "open_crimes": s["open_crimes"].to_numpy(), "new_crimes": s["new_crimes"].to_numpy(),
                "available_officers": s["available"].to_numpy()}


def sexual_mask(off: np.ndarray) -> np.ndarray:
    return np.isin(off, list(SEXUAL_OFFENCES))


def name_variant(name: str, known: dict, k: int) -> str:
    """A plausible misspelling or known variant of a name (deterministic from k)."""
    options = known.get(name)
    if options:
        return options[k % len(options)]
    if len(name) < 4:
        return name + name[-1]
    i = 1 + k % (len(name) - 2)
    op = (k // 7) % 3
    if op == 0:  # swap two adjacent letters
        return name[:i] + name[i + 1] + name[i] + name[i + 2:]
    if op == 1:  # double a letter
        return name[: i + 1] + name[i] + name[i + 1:]
    return name[:i] + name[i + 1:]  # drop a letter


def optional_ints(a) -> list:
    """Integer array (NA, NaN or None for missing) as a list of Python ints and None."""
    if isinstance(a, pd.Series):
        a = a.to_numpy(dtype=object)
    a = np.asarray(a)
    if a.dtype == object or a.dtype.kind == "f":
        missing = pd.isna(a)
        a = np.where(missing, NA, a).astype(np.int64)
    else:
        a = a.astype(np.int64)
    out = a.astype(object)
    out[a == NA] = None
    return out.tolist()


def _strs(a) -> list:
    """Text column as a list of str and None (pandas 3 stores missing text as NaN)."""
    vals = a.to_numpy(dtype=object) if isinstance(a, pd.Series) else np.asarray(a, dtype=object)
    return [None if v is None or v != v else str(v) for v in vals.tolist()]


def _sqlite_col(col) -> list:
    """Column slice as SQLite-ready values, in SQLAlchemy's own storage formats.

    Dates become 'YYYY-MM-DD', datetimes 'YYYY-MM-DD HH:MM:SS.ffffff' and booleans 0/1, exactly
    what SQLAlchemy's SQLite types write and read back, so the bulk path and the app agree.
    """
    if isinstance(col, np.ndarray):
        if col.dtype.kind == "M":
            unit = "D" if col.dtype == np.dtype("datetime64[D]") else "us"
            text_ = np.datetime_as_string(col, unit=unit)
            if unit == "us":
                text_ = np.char.replace(text_, "T", " ")
            out = text_.astype(object)
            out[np.isnat(col)] = None
            return out.tolist()
        if col.dtype.kind == "b":
            return col.astype(np.int64).tolist()
        return col.tolist()
    return list(col)  # already Python values (sqlite3 stores bool as 0/1 itself)


def _py(col) -> list:
    """Column slice as Python values (date, datetime, bool, int, str, None)."""
    return col.tolist() if isinstance(col, np.ndarray) else list(col)


def insert_columns(conn, table, cols: dict, chunk: int = CHUNK) -> int:
    """Insert column arrays as rows, chunk by chunk, inside the caller's transaction.

    SQLite: driver executemany with tuples. PostgreSQL (psycopg): COPY. Anything else: SQLAlchemy
    executemany with dicts.
    """
    keys = list(cols)
    n = len(cols[keys[0]])
    for k in keys:
        if len(cols[k]) != n:
            raise ValueError(f"{table.name}.{k}: {len(cols[k])} values, expected {n}")
    if not n:
        return 0
    dialect = conn.dialect.name
    quote = conn.dialect.identifier_preparer.quote
    names = ", ".join(quote(k) for k in keys)
    if dialect == "sqlite":
        sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({', '.join('?' * len(keys))})"
        for start in range(0, n, chunk):
            parts = [_sqlite_col(cols[k][start:start + chunk]) for k in keys]
            conn.exec_driver_sql(sql, list(zip(*parts)))
        return n
    if dialect == "postgresql" and conn.dialect.driver == "psycopg":
        raw = conn.connection.driver_connection
        with raw.cursor() as cur:
            with cur.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy:
                for start in range(0, n, chunk):
                    parts = [_py(cols[k][start:start + chunk]) for k in keys]
                    for row in zip(*parts):
                        copy.write_row(row)
        return n
    for start in range(0, n, chunk):
        parts = [_py(cols[k][start:start + chunk]) for k in keys]
        conn.execute(table.insert(), [dict(zip(keys, vals)) for vals in zip(*parts)])
    return n


_CHECK_TABLES = ("org_unit", "officer", "user_account", "crime", "task")


def _populated(engine: Engine) -> bool:
    existing = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        for name in _CHECK_TABLES:
            if name in existing and conn.execute(select(func.count()).select_from(S.metadata.tables[name])).scalar():
                return True
    return False


def fix_sequences(conn) -> None:
    """PostgreSQL: move each serial sequence past the ids inserted explicitly."""
    if conn.dialect.name != "postgresql":
        return
    for table in S.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and pk[0].name == "id" and isinstance(pk[0].type, S.Integer):
            conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))


def _check_ids_kept(conn) -> None:
    """The loader gave every record the id the generator did: accounts and extensions refer to them by it."""
    for entity in ("org_units", "officers", "persons"):
        rows = conn.execute(select(source_key.c.source_key, source_key.c.beacon_id)
                            .where(source_key.c.entity == entity)).all()
        moved = [k for k, i in rows if int(k[1:]) != int(i)]
        if moved:
            raise RuntimeError(f"the loader renumbered {len(moved)} {entity} (e.g. {moved[0]}); "
                               f"generate into an empty database")
    crimes = conn.execute(select(source_key.c.beacon_id, S.crime.c.id).select_from(
        source_key.join(S.crime, S.crime.c.crime_ref == source_key.c.source_key))
        .where(source_key.c.entity == "crimes")).all()
    if any(a != b for a, b in crimes):
        raise RuntimeError("the loader renumbered crimes; generate into an empty database")


@long_statements()
def generate(engine: Engine, preset: str = "demo", seed: int = 7, today: date | None = None,
             progress: Callable[[float, str], None] | None = None, *, reset: bool = False,
             settings: RuleSettings | None = None, extract_dir: Path | None = None) -> dict:
    """Fill an empty database with a synthetic force; return counts per table and the seconds taken.

    Raises AlreadyPopulated when the database already holds a force, unless reset=True (which drops
    and recreates every table first). progress, if given, is called as progress(fraction, message).
    """
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
    t0 = time.perf_counter()
    today = today or date.today()
    settings = settings or load_settings()
    if reset:
        drop_schema(engine)
    create_schema(engine)
    if _populated(engine):
        raise AlreadyPopulated("the database already holds data; use --reset (reset=True) to replace it")

    def step(fraction: float, message: str) -> None:
        if progress is not None:
            progress(fraction, message)

    from data_access.accounts import hash_password
    password_hash = hash_password(DEMO_PASSWORD)  # hashed once, shared by every account

    g = _Gen(PRESETS[preset], seed, today, settings)
    # Model first (numpy arrays), then each table is built just before it is written and freed
    # after, so peak memory stays near one table's rows.
    step(0.02, "organisation and officers")
    g.build_org()
    step(0.06, "crimes")
    g.build_crimes()
    step(0.14, "people")
    g.build_people()
    links = g.build_links()
    g.suspect_status()

    def people():
        person_t, alias_t, address_t = g.people_tables()
        return [(S.person, person_t), (S.person_alias, alias_t), (S.person_address, address_t)]

    def incidents():
        incident_t, deployment_t = g.build_incidents()
        return [(S.incident, incident_t), (S.deployment, deployment_t)]

    def org():
        return [(S.org_unit, {c: _strs(g.units[c]) if c in ("kind", "name", "strand") else
                              optional_ints(g.units[c]) for c in g.units.columns})]

    def leave_and_shifts():
        leave_t = g.build_leave()
        return [(S.leave, leave_t), (S.shift, g.build_shifts())]

    # (progress fraction, label, builder returning [(table, columns)]). The force's records go into an
    # extract in Beacon's own shape, loaded by the same loader and task engine a force uses; Beacon's own
    # data (accounts) is written directly once the records are in.
    plan = [
        (0.20, "organisation", org),
        (0.21, "officers", lambda: [(S.officer, g.officer_table())]),
        (0.22, "accounts", lambda: [(S.user_account, g.accounts(password_hash))]),
        (0.24, "people", people),
        (0.34, "crimes", lambda: [(S.crime, g.crime_table())]),
        (0.40, "victims, suspects and witnesses", lambda: [(S.crime_person, g.crime_person_table())]),
        (0.42, "linked crimes", lambda: [(S.crime_link, links)]),
        # Bail rows are the engine's (from the events); the generator's model of them shapes custody and events.
        (0.43, "bail", lambda: g.build_bail() and []),
        (0.44, "custody", lambda: [(S.custody, g.build_custody())]),
        (0.46, "investigation events", lambda: [(crime_event, build_events(g))]),
        (0.50, "incidents and deployments", incidents),
        (0.55, "leave and rosters", leave_and_shifts),
        (0.58, "training", lambda: [(S.training, g.build_training())]),
    ]
    counts: dict[str, int] = {}
    as_of = datetime.combine(today, datetime.min.time()) + timedelta(hours=AS_OF_HOUR)
    with engine.begin() as conn:
        counts["offence"] = load_reference(conn)
    direct = []
    with tempfile.TemporaryDirectory(prefix="beacon-demo-extract-") as scratch:
        # Kept in extract_dir when asked (the app's demo keeps it, so the Force records tab can load it again).
        folder = Path(extract_dir) if extract_dir else Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        extract = Extract(folder)
        for fraction, label, build in plan:
            step(fraction, label)
            for table, cols in build():
                if extract.takes(table):
                    extract.write(table, cols)
                else:
                    direct.append((table, cols))
                del cols
        step(0.60, "loading the records through the loader and the task engine")
        loaded = load_extract(SimpleNamespace(engine=engine, settings=settings, today=lambda: today),
                              MAPPING, folder)
    if loaded.status != "loaded" or loaded.quarantined:
        reasons = "; ".join(f"{q['source_table']} line {q['line']}: {q['reason']}" for q in loaded.quarantined[:5])
        raise RuntimeError(f"the demo extract did not load cleanly: {loaded.message} {reasons}")
    with engine.begin() as conn:
        _check_ids_kept(conn)
        for table, cols in direct:
            insert_columns(conn, table, cols)
        step(0.90, "worklist history")
        g.open_tasks_from(conn)
        insert_columns(conn, S.worklist_snapshot, g.build_snapshots())
        for table in [*(t for t, _ in direct), S.worklist_snapshot, S.task, S.bail, *LOADED]:
            counts[table.name] = conn.execute(select(func.count()).select_from(table)).scalar_one()
        generated_at = _now_iso()
        # org_version: bump it whenever org_unit or officer rows change (load_tree is keyed by it).
        for key, value in (("data_version", DATA_VERSION), ("generated_at", generated_at),
                           ("data_as_of", as_of.isoformat(timespec="seconds")), ("preset", preset),
                           ("seed", str(seed)), ("org_version", generated_at)):
            set_meta(conn, key, value)
        mark_loaded(conn, as_of)
        mark_rules(conn, settings)
        counts["meta"] = conn.execute(select(func.count()).select_from(S.meta)).scalar_one()
        if g.p.benchmark_as:
            set_meta(conn, "home_force", g.p.benchmark_as)
            counts["meta"] += 1
        fix_sequences(conn)
    from demo.extensions import EXTENSIONS

    for extend in EXTENSIONS:
        step(0.97, getattr(extend, "__doc__", None) or "extensions")
        counts.update(extend(engine, preset=preset, seed=seed, today=today, settings=settings,
                             extract_dir=Path(extract_dir) if extract_dir else None))
    # The extensions write productivity inputs after the core transaction: a view cached in between is stale.
    with engine.begin() as conn:
        bump_productivity_version(conn)
        # The extensions' loads stamped the wall clock; the demo's records are as of as_of, on its first version.
        mark_loaded(conn, as_of)
        set_meta(conn, "data_version", DATA_VERSION)
        set_meta(conn, "data_as_of", as_of.isoformat(timespec="seconds"))
        for table in (source_key, source_load):  # the extensions' records came through the loader too
            counts[table.name] = conn.execute(select(func.count()).select_from(table)).scalar_one()
    counts["meta"] += 1
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    step(1.0, "done")
    return {"preset": preset, "seed": seed, "today": today.isoformat(), "counts": counts,
            "seconds": round(time.perf_counter() - t0, 2)}


def _parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m demo.generate",
                                 description="Fill a database with a synthetic police force.")
    ap.add_argument("--preset", choices=sorted(PRESETS), default="demo")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--database-url", default=None,
                    help="default: $DATABASE_URL, else beacon.db in the data folder ($BEACON_DATA_DIR, else instance/)")
    ap.add_argument("--reset", action="store_true", help="drop and recreate every table first")
    ap.add_argument("--today", type=date.fromisoformat, default=None,
                    help="anchor date YYYY-MM-DD (default: $BEACON_TODAY, else the real date)")
    return ap.parse_args(argv)


def main(argv=None) -> int:
    """The app's configuration (config.from_env), the options overriding it; tasks dated by its rules file."""
    from config import from_env
    from data_access.store import open_store_from

    args = _parse_args(argv)
    config = from_env()
    if args.database_url:
        config = dataclasses.replace(config, database_url=args.database_url)
    store = open_store_from(config)  # a mistake in the rules file stops here, before anything is written
    engine = store.engine
    last = [-1]

    def progress(fraction: float, message: str) -> None:
        pct = int(fraction * 100)
        if pct != last[0]:
            last[0] = pct
            print(f"\r{pct:3d}% {message:<40}", end="", file=sys.stderr, flush=True)

    try:
        stats = generate(engine, args.preset, args.seed, args.today or store.today(), progress, reset=args.reset,
                         settings=store.settings)
    except AlreadyPopulated:
        print(f"\nRefusing to generate: {engine.url.render_as_string(hide_password=True)} already holds "
              f"data. Run again with --reset to drop it and generate a new force.", file=sys.stderr)
        return 2
    finally:
        store.cache.close()
        engine.dispose()
    print(file=sys.stderr)
    print(f"Generated preset {stats['preset']} (seed {stats['seed']}, today {stats['today']}) "
          f"in {stats['seconds']} s")
    for name, count in stats["counts"].items():
        print(f"  {name:<18} {count:>10,}")
    print("Demo logins (password 'beacon-demo'): " + ", ".join(a["username"] for a in DEMO_ACCOUNTS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

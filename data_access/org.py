"""The organisation tree and line-management chains, loaded once per data version."""

import threading
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import select

from data_access.meta_memo import meta_values
from data_access.schema import officer, org_unit

STRANDS = ("response", "neighbourhood", "investigations", "public_protection")
STRAND_LABELS = {
    "response": "Response",
    "neighbourhood": "Neighbourhood",
    "investigations": "Investigations",
    "public_protection": "Public protection",
}


@dataclass
class OrgTree:
    """Units (force > BCU > department > team) and who manages whom."""

    units: pd.DataFrame
    manager_of: dict
    team_of: dict
    officer_names: dict
    # Per-version memo of derived answers (team sets, scope lists); the tree itself never changes.
    memo: dict = field(default_factory=dict)

    def __post_init__(self):
        self._teams = self.units[self.units["kind"] == "team"]
        self.unit_names = self.units["name"].to_dict()

    def unit(self, unit_id: int) -> dict | None:
        if unit_id not in self.units.index:
            return None
        return self.units.loc[unit_id].to_dict() | {"id": unit_id}

    def teams(self) -> pd.DataFrame:
        return self._teams

    def teams_under(self, unit_id: int) -> frozenset:
        """Every team at or below unit_id."""
        key = ("teams_under", unit_id)
        if key not in self.memo:
            self.memo[key] = self._teams_under(unit_id)
        return self.memo[key]

    def _teams_under(self, unit_id: int) -> frozenset:
        u = self.unit(unit_id)
        if u is None:
            return frozenset()
        teams = self.teams()
        kind = u["kind"]
        if kind == "team":
            return frozenset([unit_id])
        col = {"department": "department_id", "bcu": "bcu_id", "force": "force_id"}[kind]
        return frozenset(teams.index[teams[col] == unit_id].tolist())

    def strand_teams(self, strand: str, bcu_id: int | None) -> frozenset:
        """Teams of one strand, within one BCU or (bcu_id None) force-wide."""
        key = ("strand", strand, bcu_id)
        if key in self.memo:
            return self.memo[key]
        teams = self.teams()
        mask = teams["strand"] == strand
        if bcu_id is not None:
            mask &= teams["bcu_id"] == bcu_id
        self.memo[key] = frozenset(teams.index[mask].tolist())
        return self.memo[key]

    def children(self, unit_id: int, kind: str) -> pd.DataFrame:
        rows = self.units[(self.units["parent_id"] == unit_id) & (self.units["kind"] == kind)]
        return rows.sort_values("name")

    def chain_of_command(self, officer_id: int) -> list[int]:
        """Line managers above officer_id, nearest first (cycles are cut)."""
        chain, seen = [], {officer_id}
        current = self.manager_of.get(officer_id)
        while current is not None and current not in seen:
            chain.append(current)
            seen.add(current)
            current = self.manager_of.get(current)
        return chain


_lock = threading.Lock()
_trees: dict = {}


def _org_version(store) -> str:
    # Completing a task changes no unit or officer, so the tree is keyed by its own version (written with
    # the organisation); a database without one falls back to the data version, which every write bumps.
    rows = meta_values(store.engine)
    return "org:" + rows["org_version"] if "org_version" in rows else "data:" + rows.get("data_version", "0")


def load_tree(store) -> OrgTree:
    """Return the organisation tree for the store's current organisation version (memoised per process)."""
    key = (id(store.engine), _org_version(store))
    with _lock:
        tree = _trees.get(key)
    if tree is not None:
        return tree
    with store.engine.connect() as conn:
        units = pd.DataFrame(conn.execute(select(org_unit)).mappings().all(),
                             columns=[c.name for c in org_unit.columns])
        officers = conn.execute(select(officer.c.id, officer.c.line_manager_id, officer.c.team_id,
                                       officer.c.forename, officer.c.surname, officer.c.rank)).all()
    units = units.set_index("id")
    for col in ("parent_id", "force_id", "bcu_id", "department_id"):
        units[col] = units[col].astype("Int64")
    tree = OrgTree(
        units=units,
        manager_of={o.id: o.line_manager_id for o in officers},
        team_of={o.id: o.team_id for o in officers},
        officer_names={o.id: f"{o.rank} {o.forename} {o.surname}" for o in officers},
    )
    with _lock:
        # Keep only the newest version per engine so memory stays flat.
        for k in [k for k in _trees if k[0] == key[0]]:
            del _trees[k]
        _trees[key] = tree
    return tree

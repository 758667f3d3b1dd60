"""Which investigations an actor may see, computed on the server from the organisation tree."""

from dataclasses import dataclass

from data_access.actor import Actor
from data_access.errors import AccessDenied
from data_access.org import STRAND_LABELS, STRANDS, OrgTree, load_tree


@dataclass(frozen=True)
class Scope:
    """A resolved scope: either one officer's own investigations or a set of teams."""

    value: str
    label: str
    level: str  # mine | team | department | strand | bcu | force | none
    team_ids: frozenset = frozenset()
    oic_id: int | None = None

    @property
    def key(self) -> str:
        """Cache key: two actors with the same key see exactly the same rows."""
        return f"mine:{self.oic_id}" if self.level == "mine" else self.value

    @property
    def empty(self) -> bool:
        return self.level == "none" or (self.level != "mine" and not self.team_ids)


NO_SCOPE = Scope(value="none", label="Nothing in scope", level="none")


def _unit_options(tree: OrgTree, unit_id: int, include_teams: bool) -> list[Scope]:
    u = tree.unit(unit_id)
    if u is None:
        return []
    out: list[Scope] = []
    if u["kind"] == "team":
        out.append(Scope(f"team:{unit_id}", f"My team: {u['name']}", "team", tree.teams_under(unit_id)))
        return out
    if u["kind"] == "department":
        out.append(Scope(f"department:{unit_id}", f"Department: {u['name']}", "department",
                         tree.teams_under(unit_id)))
        if include_teams:
            for tid, t in tree.children(unit_id, "team").iterrows():
                out.append(Scope(f"team:{tid}", f"Team: {t['name']}", "team", frozenset([tid])))
        bcu_id = u["bcu_id"]
        if bcu_id is not None:
            out.extend(_unit_options(tree, int(bcu_id), include_teams=False))
        return out
    if u["kind"] == "bcu":
        out.append(Scope(f"bcu:{unit_id}", f"BCU: {u['name']}", "bcu", tree.teams_under(unit_id)))
        for s in STRANDS:
            out.append(Scope(f"strand:{unit_id}:{s}", f"Strand: {STRAND_LABELS[s]} ({u['name']})",
                             "strand", tree.strand_teams(s, unit_id)))
        for did, d in tree.children(unit_id, "department").iterrows():
            out.append(Scope(f"department:{did}", f"Department: {d['name']}", "department",
                             tree.teams_under(did)))
        return out
    if u["kind"] == "force":
        out.append(Scope(f"force:{unit_id}", f"Force: {u['name']}", "force", tree.teams_under(unit_id)))
        for s in STRANDS:
            out.append(Scope(f"strand:force:{s}", f"Strand: {STRAND_LABELS[s]} (force-wide)", "strand",
                             tree.strand_teams(s, None)))
        for bid, b in tree.children(unit_id, "bcu").iterrows():
            out.append(Scope(f"bcu:{bid}", f"BCU: {b['name']}", "bcu", tree.teams_under(bid)))
        return out
    return out


def allowed_scopes(store, actor: Actor) -> list[Scope]:
    """Every scope the actor may choose, default first; an empty list means no rows at all."""
    tree = load_tree(store)
    key = ("scopes", actor.role, actor.scope_unit_id, actor.officer_id)
    if key not in tree.memo:
        unique: dict = {}
        for opt in _allowed(tree, actor):
            unique.setdefault(opt.value, opt)
        tree.memo[key] = list(unique.values())
    return list(tree.memo[key])


def _allowed(tree: OrgTree, actor: Actor) -> list[Scope]:
    mine = [Scope("mine", "My investigations", "mine", oic_id=actor.officer_id)] if actor.officer_id else []
    unit_id = actor.scope_unit_id
    role = actor.role
    if role in ("officer", "staff") or unit_id is None:
        return mine
    if role == "supervisor":
        return _unit_options(tree, unit_id, include_teams=False) + mine
    if role in ("inspector", "senior_leader", "analyst", "administrator"):
        opts = _unit_options(tree, unit_id, include_teams=True)
        return opts + mine if role in ("inspector", "senior_leader") else opts
    return []


def productivity_scopes(store, actor: Actor) -> list[Scope]:
    """Scopes of the team productivity view: as for worklists, and an officer's or staff member's own team."""
    # The West Midlands seed opens productivity figures to everyone; availability stays with the chain.
    if actor.role in ("officer", "staff") and actor.scope_unit_id is not None:
        return _unit_options(load_tree(store), actor.scope_unit_id, include_teams=False)
    return [s for s in allowed_scopes(store, actor) if s.level != "mine"]


def resolve_scope(store, actor: Actor, requested: str | None) -> Scope:
    """The scope to use: the requested one if the actor may have it, else AccessDenied."""
    return pick_scope(allowed_scopes(store, actor), actor, requested)


def pick_scope(options: list[Scope], actor: Actor, requested: str | None) -> Scope:
    """The requested scope if it is among the actor's options (the first when none is asked), else AccessDenied."""
    if not options:
        return NO_SCOPE
    if not requested:
        return options[0]
    for opt in options:
        if opt.value == requested:
            return opt
    raise AccessDenied(f"scope {requested!r} is not available to {actor.username}")


def record_team_ids(store, actor: Actor) -> frozenset:
    """Teams whose crime records (with victims' and suspects' details) the actor may open.

    Narrower than the worklist scopes: an inspector may compare the whole BCU's workload, but opens
    records only within their own command (their scope unit); officers and staff only their own.
    """
    if actor.role in ("officer", "staff") or actor.scope_unit_id is None:
        return frozenset()
    return load_tree(store).teams_under(actor.scope_unit_id)


def readable_team_ids(store, actor: Actor) -> frozenset:
    """Union of the teams in every scope the actor may choose."""
    teams: set = set()
    for opt in allowed_scopes(store, actor):
        teams |= set(opt.team_ids)
    return frozenset(teams)

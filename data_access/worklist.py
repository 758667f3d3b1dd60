"""Daily Actions reads: the open tasks in an actor's scope, scored into badges, bell and grid rows."""

import pandas as pd
from sqlalchemy import String, and_, select, type_coerce

from data_access.actor import Actor
from data_access.org import load_tree
from data_access.permissions import require, role_allows
from data_access.schema import crime, offence, task
from data_access.scope import Scope, allowed_scopes, resolve_scope
from data_access.store import officer_tasks_version, tasks_version
from scoring import worklist as wl
from scoring.duties import SERGEANT, rank_level

TASK_COLUMNS = ["task_id", "crime_id", "crime_ref", "kind", "rule_id", "due_date",
                "oic_id", "team_id", "offence_code", "occurred_on", "status"]


def _scope_filter(tree, scope: Scope):
    """SQL condition restricting tasks to the scope; None when the scope is empty."""
    if scope.empty:
        return None
    if scope.level == "mine":
        return task.c.oic_id == scope.oic_id
    if scope.level == "force" and len(scope.team_ids) == len(tree.teams()):
        return task.c.team_id.isnot(None)
    return task.c.team_id.in_(sorted(int(t) for t in scope.team_ids))


def open_tasks(store, scope: Scope) -> pd.DataFrame:
    """Open tasks in scope joined to their crime; an empty scope gives no rows."""
    tree = load_tree(store)
    cond = _scope_filter(tree, scope)
    if cond is None:
        return pd.DataFrame(columns=TASK_COLUMNS)
    stmt = (
        # Dates come back raw and are parsed column-wise by pandas: per-row date objects cost more
        # than the query itself on SQLite.
        select(task.c.id.label("task_id"), task.c.crime_id, crime.c.crime_ref, task.c.kind, task.c.rule_id,
               type_coerce(task.c.due_date, String).label("due_date"), task.c.oic_id,
               task.c.team_id, crime.c.offence_code,
               type_coerce(crime.c.occurred_on, String).label("occurred_on"), crime.c.status)
        .select_from(task.join(crime, crime.c.id == task.c.crime_id))
        .where(and_(task.c.status == "open", cond))
    )
    with store.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    # Column-wise construction avoids pandas probing every Row object.
    columns = list(zip(*rows)) if rows else [[] for _ in TASK_COLUMNS]
    df = pd.DataFrame(dict(zip(TASK_COLUMNS, columns)), columns=TASK_COLUMNS)
    df["due_date"] = pd.to_datetime(df["due_date"])
    return df


def offence_names(store) -> dict:
    """Offence code to name, from the (small, editable) offence table."""
    with store.engine.connect() as conn:
        return dict(conn.execute(select(offence.c.code, offence.c.name)).all())


def _crime_frame(tasks: pd.DataFrame, tree, offences: dict) -> pd.DataFrame:
    crimes = tasks.drop_duplicates("crime_id")[["crime_id", "crime_ref", "offence_code", "oic_id", "team_id",
                                                "status", "occurred_on"]].copy()
    crimes["offence"] = crimes["offence_code"].map(offences)
    crimes["oic_name"] = crimes["oic_id"].map(tree.officer_names).fillna("Unallocated")
    team_names = tree.units["name"].to_dict()
    crimes["team_name"] = crimes["team_id"].map(team_names).fillna("")
    crimes["offence"] = crimes["offence"].fillna("Unclassified")
    crimes["occurred_on"] = crimes["occurred_on"].astype(str)
    return crimes


def _summarise(store, scope: Scope) -> dict:
    settings = store.settings
    today = store.today()
    tree = load_tree(store)
    tasks = open_tasks(store, scope)
    classified = wl.classify(tasks, today, settings)
    counts = wl.badge_counts(classified)
    rows = wl.worklist_rows(classified, _crime_frame(tasks, tree, offence_names(store)), settings)
    total_rows = int(rows.attrs.get("total_rows", len(rows)))
    limit = settings.worklist_row_limit
    return {
        "badges": counts,
        "bell": wl.bell(counts),
        "own_reviews": wl.owed_by_oic(classified, "supervisor_review"),
        "forward": wl.forward_look(classified, today, settings),
        "rows": rows.head(limit).to_dict("records"),
        "officers": ([] if scope.level == "mine" else
                     wl.officer_summary(classified, tree.officer_names).to_dict("records")),
        "total_rows": total_rows,
        "shown_rows": min(total_rows, limit),
        "today": today.isoformat(),
    }


def worklist_view(store, actor: Actor, requested_scope: str | None) -> dict:
    """Badges, bell, forward look and grid rows for the scope the actor asked for."""
    require(actor, "worklist.read")
    scope = resolve_scope(store, actor, requested_scope)
    if scope.empty:
        version = store.data_version()
    elif scope.level == "mine":
        # One officer's cases may sit in several teams: keyed by their own counter, not those teams'.
        version = officer_tasks_version(store, scope.oic_id)
    else:
        # Only a write to one of the scope's own teams makes a team, BCU or force view stale.
        whole = scope.level == "force" and len(scope.team_ids) == len(load_tree(store).teams())
        version = tasks_version(store, scope.team_ids, whole_force=whole)
    summary = store.cache.get_or_compute(
        "worklist", version, scope.key, lambda: _summarise(store, scope), store.today(),
        store.settings)
    return summary | {"scope_value": scope.value, "scope_label": scope.label,
                      "data_as_of": store.data_as_of()}


def bell_view(store, actor: Actor) -> dict:
    """The navbar bell: what the actor may act on in their default scope (nothing for read-only roles)."""
    options = allowed_scopes(store, actor)
    if not options or not role_allows(actor, "task.complete"):
        return {"total": 0, "overdue": 0, "due_soon": 0, "state": "grey", "label": "Nothing for you to complete"}
    view = worklist_view(store, actor, options[0].value)
    own = view.get("own_reviews", {}).get(str(actor.officer_id))
    return wl.actionable_bell(view["badges"], rank_level(actor.rank) >= SERGEANT, own)


def scope_choices(store, actor: Actor, action: str = "worklist.read", own: bool = True) -> list[dict]:
    """Dropdown options of the scope selector for a view needing action (default first); own=False leaves
    out the actor's own investigations, for views that compare units."""
    require(actor, action)
    return [{"value": s.value, "label": s.label} for s in allowed_scopes(store, actor)
            if own or s.level != "mine"]

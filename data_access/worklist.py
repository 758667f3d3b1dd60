"""Daily Actions reads: the open tasks in an actor's scope, scored into badges, bell and grid rows."""

import numpy as np
import pandas as pd
from sqlalchemy import String, and_, cast, select

from data_access.actor import Actor
from data_access.audit import record_export
from data_access.column_read import read_columns
from data_access.grid_page import block_bounds, model_key, ordered_positions
from data_access.org import load_tree
from data_access.permissions import require, role_allows
from data_access.schema import crime, offence, task
from data_access.scope import Scope, allowed_scopes, resolve_scope
from data_access.store import officer_tasks_version, tasks_version
from scoring import worklist as wl
from scoring.duties import SERGEANT, rank_level

TASK_COLUMNS = ["task_id", "crime_id", "crime_ref", "kind", "rule_id", "due_date", "oic_id", "team_id",
                "offence_code"]
_TASK_READ = ["task_id", "crime_id", "kind", "rule_id", "due_date", "oic_id", "team_id"]
_CRIME_READ = ["crime_id", "crime_ref", "offence_code"]


def _scope_filter(tree, scope: Scope):
    """SQL condition restricting tasks to the scope; None when the scope is empty."""
    if scope.empty:
        return None
    if scope.level == "mine":
        return task.c.oic_id == scope.oic_id
    if scope.level == "force" and len(scope.team_ids) == len(tree.teams()):
        return task.c.team_id.isnot(None)
    return task.c.team_id.in_(sorted(int(t) for t in scope.team_ids))


def _open_reads(store, tree, scope: Scope) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Open tasks in scope, and their crimes' references and offence codes; an empty scope gives no rows."""
    cond = _scope_filter(tree, scope)
    if cond is None:
        return pd.DataFrame(columns=_TASK_READ), pd.DataFrame(columns=_CRIME_READ)
    # Two reads rather than a join: a crime has several open tasks, and reading its row once per crime
    # rather than once per task halves the time of a force-wide read.
    # Due dates are read as text, the same on both databases, and parsed column-wise by numpy.
    open_in_scope = and_(task.c.status == "open", cond)
    task_stmt = select(task.c.id, task.c.crime_id, task.c.kind, task.c.rule_id, cast(task.c.due_date, String),
                       task.c.oic_id, task.c.team_id).where(open_in_scope)
    crime_stmt = select(crime.c.id, crime.c.crime_ref, crime.c.offence_code).where(
        crime.c.id.in_(select(task.c.crime_id).where(open_in_scope).scalar_subquery()))
    with store.engine.connect() as conn:
        task_id, crime_id, kind, rule_id, due, oic_id, team_id = read_columns(conn, task_stmt)
        crime_ids, refs, offence_codes = read_columns(conn, crime_stmt)
    tasks = pd.DataFrame({
        "task_id": task_id.astype(np.int64), "crime_id": crime_id.astype(np.int64),
        # Kinds and rules have a few dozen values: as categories they cost a code per task, not a string.
        "kind": pd.Categorical(kind), "rule_id": pd.Categorical(rule_id),
        "due_date": pd.to_datetime(due.astype("datetime64[D]")),
        # Ids as floats: NaN where there is none (an unallocated investigation).
        "oic_id": oic_id.astype(float), "team_id": team_id.astype(float)})
    crimes = pd.DataFrame({"crime_ref": refs, "offence_code": offence_codes}, dtype=object)
    crimes.insert(0, "crime_id", crime_ids.astype(np.int64))
    return tasks, crimes


def open_tasks(store, scope: Scope) -> pd.DataFrame:
    """Open tasks in scope with their crime's reference and offence code; an empty scope gives no rows."""
    tasks, crimes = _open_reads(store, load_tree(store), scope)
    return tasks.merge(crimes, on="crime_id", how="left")[TASK_COLUMNS]


def offence_names(store) -> dict:
    """Offence code to name, from the (small, editable) offence table."""
    with store.engine.connect() as conn:
        return dict(conn.execute(select(offence.c.code, offence.c.name)).all())


def _crime_frame(tasks: pd.DataFrame, crimes: pd.DataFrame, tree, offences: dict) -> pd.DataFrame:
    """One row per crime with open tasks: reference, offence, and the names of its officer in charge and team."""
    out = tasks.drop_duplicates("crime_id")[["crime_id", "oic_id", "team_id"]].merge(crimes, on="crime_id",
                                                                                     how="left")
    out["offence"] = _names(out["offence_code"], offences, "Unclassified")
    out["oic_name"] = _names(out["oic_id"], tree.officer_names, "Unallocated")
    out["team_name"] = _names(out["team_id"], tree.unit_names, "")
    return out


def _names(keys: pd.Series, names: dict, missing: str) -> np.ndarray:
    """The name of each key, looked up once per distinct key; missing where there is none."""
    # Series.map(dict) turns the whole dict (8,100 officers) into a Series on every call.
    codes, uniques = pd.factorize(keys)
    found = [names.get(int(k) if isinstance(k, float) else k, missing) for k in uniques]
    return np.array(found + [missing], dtype=object)[codes]


# Grid columns a reader may filter (by filter type) and sort on the server; every one is a column of the frame.
FILTERABLE = {"crime_ref": "text", "offence": "text", "state_label": "text", "next_due": "date",
              "next_kind": "text", "oic": "text", "oic_key": "text", "team": "text", "flags": "text",
              "next_rule": "text", "n_overdue": "number", "n_due_soon": "number"}
# The "By officer in charge" grid: a force has thousands of officers, so it pages the same way.
OFFICER_FILTERABLE = {"oic": "text", "open": "number", "overdue": "number", "due_soon": "number",
                      "oldest_overdue": "date"}
# Few distinct values each: held as categories, the frame pickles small and filters on its categories.
_CATEGORY_COLUMNS = ("offence", "oic", "oic_key", "team", "flags", "next_due", "next_kind", "next_rule")
_SENT_COLUMNS = ["crime_ref", "offence", "state", "state_label", "next_due", "next_kind", "oic", "n_overdue",
                 "n_due_soon", "flags", "team", "next_rule"]


def _grid_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Every row of the scope, most urgent first, with the status words; text columns as sorted categories."""
    # The rows' text columns already hold text ('' where blank), so no column is converted whole.
    out = pd.DataFrame({"crime_ref": rows["crime_ref"].to_numpy(dtype=object)})
    for name in _CATEGORY_COLUMNS:
        out[name] = _category(rows[name].to_numpy(dtype=object))
    out["state"] = pd.Categorical(rows["state"], categories=list(wl.STATES))
    # Sorting by status sorts by urgency, not alphabetically.
    out["state_label"] = pd.Categorical.from_codes(out["state"].cat.codes,
                                                   categories=[wl.STATE_LABELS[s] for s in wl.STATES])
    for name in ("n_overdue", "n_due_soon"):
        out[name] = rows[name].to_numpy(dtype=np.int64)
    return out


def _category(values: np.ndarray) -> pd.Categorical:
    """Text as a categorical whose categories sort as text."""
    # From codes, with the categories kept as Python strings: a few times faster than pd.Categorical(values).
    codes, uniques = pd.factorize(values, sort=True)
    return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(pd.Index(uniques, dtype=object)))


def _scored(store, scope: Scope) -> tuple[dict, dict]:
    """The scope's summary (badges, bell, forward look, counts) and its grids' frames."""
    settings = store.settings
    today = store.today()
    tree = load_tree(store)
    tasks, crimes = _open_reads(store, tree, scope)
    classified = wl.classify(tasks, today, settings)
    counts = wl.badge_counts(classified)
    frame = _grid_frame(wl.worklist_rows(classified, _crime_frame(tasks, crimes, tree, offence_names(store))))
    officers = (wl.officer_summary(classified.iloc[:0], {}) if scope.level == "mine" else
                wl.officer_summary(classified, tree.officer_names))
    summary = {
        "badges": counts,
        "bell": wl.bell(counts),
        "own_reviews": wl.owed_by_oic(classified, "supervisor_review"),
        "forward": wl.forward_look(classified, today, settings),
        "officer_count": len(officers),
        "total_rows": len(frame),
        "today": today.isoformat(),
    }
    return summary, {"rows": frame, "officers": officers}


def _summarise(store, scope: Scope, version: str) -> dict:
    summary, frames = _scored(store, scope)
    # The grids page through these frames next: stored now, they are not scored a second time.
    for grid, frame in frames.items():
        store.cache.put(frame, "worklist_" + grid, version, scope.key, store.today(), store.settings)
    return summary


def _scope_version(store, scope: Scope) -> str:
    if scope.empty:
        return store.data_version()
    if scope.level == "mine":
        # One officer's cases may sit in several teams: keyed by their own counter, not those teams'.
        return officer_tasks_version(store, scope.oic_id)
    # Only a write to one of the scope's own teams makes a team, BCU or force view stale.
    whole = scope.level == "force" and len(scope.team_ids) == len(load_tree(store).teams())
    return tasks_version(store, scope.team_ids, whole_force=whole)


def _summary(store, scope: Scope, version: str) -> dict:
    return store.cache.get_or_compute("worklist", version, scope.key, lambda: _summarise(store, scope, version),
                                      store.today(), store.settings)


def worklist_view(store, actor: Actor, requested_scope: str | None) -> dict:
    """Badges, bell, forward look and officer summary for the scope the actor asked for (rows come by page)."""
    require(actor, "worklist.read")
    scope = resolve_scope(store, actor, requested_scope)
    summary = _summary(store, scope, _scope_version(store, scope))
    return summary | {"scope_value": scope.value, "scope_label": scope.label,
                      "data_as_of": store.data_as_of()}


# grid -> the columns it may filter (by filter type) and sort on, and the columns its rows carry.
_GRIDS = {"rows": (FILTERABLE, _SENT_COLUMNS),
          "officers": (OFFICER_FILTERABLE, list(wl.OFFICER_COLUMNS))}


def _frame(store, scope: Scope, grid: str) -> tuple[pd.DataFrame, str]:
    """One of the scope's grid frames and the key it is memoised under."""
    version = _scope_version(store, scope)
    extra = (store.today(), store.settings)
    name = "worklist_" + grid

    def compute():
        # Through the summary's lock, so a render and the grid's first request score the scope once.
        _summary(store, scope, version)
        frame = store.cache.peek(name, version, scope.key, *extra)
        if frame is None:  # the cache dropped it (a Redis error, an eviction): score it here
            frame = _scored(store, scope)[1][grid]
        return frame

    frame = store.cache.get_or_compute_local(name, version, scope.key, compute, *extra)
    return frame, store.cache.make_key(name, version, scope.key, *extra)


def _ordered(store, scope: Scope, request: dict, grid: str) -> tuple[pd.DataFrame, np.ndarray]:
    """The scope's frame and the positions of its rows under the request's filter and sort."""
    frame, key = _frame(store, scope, grid)
    filterable = _GRIDS[grid][0]
    # Scrolling asks block after block under one sort and filter: ordered once per process.
    positions = store.cache.memo(key + "|" + model_key(request),
                                 lambda: ordered_positions(frame, request, filterable, set(filterable)))
    return frame, positions


def worklist_page(store, actor: Actor, requested_scope: str | None, request: dict, grid: str = "rows") -> dict:
    """One block of a scope's grid (investigations, or officers in charge) under the grid's sort and filter,
    and how many rows pass the filter; a malformed request (startRow, endRow, sortModel, filterModel) raises
    ValueError."""
    require(actor, "worklist.read")
    if not isinstance(request, dict):
        raise ValueError("a page request must be an object")
    start, end = block_bounds(request)
    scope = resolve_scope(store, actor, requested_scope)
    frame, positions = _ordered(store, scope, request, grid)
    block = frame.iloc[positions[start:end]][_GRIDS[grid][1]]
    return {"rowData": block.astype(object).to_dict("records"), "rowCount": int(len(positions))}


def officer_in_charge(store, actor: Actor, requested_scope: str | None, key) -> str | None:
    """The name the officers grid shows for an officer's key in the actor's scope; None outside it."""
    require(actor, "worklist.read")
    if not isinstance(key, str) or len(key) > 20:
        return None
    frame, _ = _frame(store, resolve_scope(store, actor, requested_scope), "officers")
    names = frame.loc[frame["oic_key"] == key, "oic"]
    return str(names.iloc[0]) if len(names) else None


def worklist_export(store, actor: Actor, requested_scope: str | None, request: dict | None) -> list[dict]:
    """Every row the reader's grid shows (its sort and filter), for a CSV file; the export is audited."""
    require(actor, "worklist.read")
    request = request if isinstance(request, dict) else {}
    scope = resolve_scope(store, actor, requested_scope)
    frame, positions = _ordered(store, scope, request, "rows")
    record_export(store, actor, "worklist.read", "worklist",
                  {"scope": scope.value, "rows": int(len(positions)), "filter": request.get("filterModel") or {},
                   "sort": request.get("sortModel") or []})
    return frame.iloc[positions][_SENT_COLUMNS].astype(object).to_dict("records")


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

"""Worklist scoring: task states, category badges, the notification bell, forward look and grid rows."""

# Every function is vectorised with numpy over the task table, because a force-wide view holds
# hundreds of thousands of open tasks and these run on each page load.
#
# The bell counts work that is owed now: tasks overdue or due soon. Due soon (amber) is within
# `due_soon_days` of the due date, except bail, which turns amber `bail_warning_days` before the bail
# end date so the next authority level has time to review an extension. Error flags
# (CDI, detection mismatch, failed to surrender) carry no deadline but are classed overdue, so they
# are in the bell too. Upcoming tasks and undated information flags (e.g. linked crimes with no
# review date) are not: the bell is for what needs doing this week, the badges show everything open.

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from scoring.calendar import as_date
from scoring.categories import CATEGORIES, CATEGORY_BY_ID, CATEGORY_IDS
from scoring.settings import RuleSettings, resolve

# Order matters: it is the urgency order used for sorting (overdue first).
STATES = ("overdue", "due_soon", "upcoming", "info")
OVERDUE, DUE_SOON, UPCOMING, INFO = range(4)
STATE_LABELS = {"overdue": "Overdue", "due_soon": "Due soon", "upcoming": "Upcoming", "info": "For information"}

# Kinds that are errors or breaches needing action now, so no deadline still means overdue.
ERROR_KINDS = frozenset({"cdi", "detection_mismatch", "fts"})

ROW_COLUMNS = ["crime_id", "crime_ref", "offence", "oic", "oic_key", "team", "flags", "n_overdue",
               "n_due_soon", "next_due", "next_kind", "next_rule", "state"]
# The grid key of investigations with no officer in charge; any other officer's key is their id as text.
UNALLOCATED_KEY = "unallocated"

_NO_DATE = np.iinfo(np.int64).max  # sorts undated tasks after dated ones


def _due_days(due: pd.Series) -> np.ndarray:
    """Due dates as days since the epoch in a float array, NaN where there is no date."""
    if not pd.api.types.is_datetime64_any_dtype(due):
        due = pd.to_datetime(due)
    if getattr(due.dt, "tz", None) is not None:
        due = due.dt.tz_localize(None)
    days = due.to_numpy(dtype="datetime64[D]")
    out = days.astype("int64").astype(float)
    out[np.isnat(days)] = np.nan
    return out


def _today_days(today: date) -> int:
    """Today as days since the epoch."""
    return int(np.datetime64(as_date(today), "D").astype("int64"))


def _state_codes(kind: pd.Series, days_left: np.ndarray, settings: RuleSettings) -> np.ndarray:
    """Urgency code per task (index into STATES)."""
    no_date = np.isnan(days_left)
    error = kind.isin(sorted(ERROR_KINDS)).to_numpy()
    # Bail warns earlier, so the next authority level has time to review before it ends.
    soon = np.where((kind == "bail").to_numpy(), settings.bail_warning_days, settings.due_soon_days)
    with np.errstate(invalid="ignore"):  # NaN comparisons are False, and handled by no_date
        return np.select(
            [no_date & error, no_date, days_left < 0, days_left <= soon],
            [OVERDUE, INFO, OVERDUE, DUE_SOON],
            UPCOMING,
        ).astype(np.int8)


def classify(tasks: pd.DataFrame, today: date, settings: RuleSettings | None = None) -> pd.DataFrame:
    """Copy of tasks with `state` (ordered categorical of STATES) and `days_left` (float, NaN undated)."""
    settings = resolve(settings)
    out = tasks.copy()
    days_left = _due_days(out["due_date"]) - _today_days(today)
    codes = _state_codes(out["kind"], days_left, settings)
    out["state"] = pd.Categorical.from_codes(codes, categories=list(STATES), ordered=True)
    out["days_left"] = days_left
    return out


def _codes(values: pd.Series, categories) -> np.ndarray:
    """Integer codes of values against fixed categories (-1 when not one of them)."""
    if isinstance(values.dtype, pd.CategoricalDtype) and list(values.cat.categories) == list(categories):
        return values.cat.codes.to_numpy()
    # Hash-factorize then map the few distinct values: several times faster than pd.Categorical.
    codes, uniques = pd.factorize(values)
    position = {c: i for i, c in enumerate(categories)}
    lookup = np.array([position.get(u, -1) for u in uniques] + [-1], dtype=np.int64)
    return lookup[codes]  # factorize gives -1 for missing, which picks the trailing -1


def _badge_state(total: int, overdue: int, due_soon: int) -> str:
    """Badge colour: red for overdue, amber for due soon, neutral for open work, clear for none."""
    if overdue:
        return "red"
    if due_soon:
        return "amber"
    return "neutral" if total else "clear"


def badge_counts(classified: pd.DataFrame) -> list[dict]:
    """One badge per category, in CATEGORIES order, including empty ones; unknown kinds are ignored."""
    n_cat, n_state = len(CATEGORIES), len(STATES)
    kc = _codes(classified["kind"], CATEGORY_IDS).astype(np.int64)
    sc = _codes(classified["state"], STATES).astype(np.int64)
    ok = (kc >= 0) & (sc >= 0)
    grid = np.bincount(kc[ok] * n_state + sc[ok], minlength=n_cat * n_state).reshape(n_cat, n_state)
    badges = []
    for cat, row in zip(CATEGORIES, grid):
        total, overdue, due_soon = int(row.sum()), int(row[OVERDUE]), int(row[DUE_SOON])
        upcoming, info = int(row[UPCOMING]), int(row[INFO])
        # The bubble counts what needs attention now: dated work later than the horizon waits.
        badges.append({"id": cat.id, "label": cat.label, "icon": cat.icon,
                       "description": cat.description, "total": total, "overdue": overdue,
                       "due_soon": due_soon, "upcoming": upcoming, "info": info,
                       "owed": overdue + due_soon + info,
                       "state": _badge_state(total, overdue, due_soon)})
    return badges


def bell(counts: list[dict]) -> dict:
    """Notification bell from the badges: what is owed now (overdue + due soon; see module doc)."""
    overdue = sum(b["overdue"] for b in counts)
    due_soon = sum(b["due_soon"] for b in counts)
    total = overdue + due_soon
    if overdue:
        state = "red"
    elif due_soon:
        state = "amber"
    else:
        state = "grey"
    label = f"{total} owed, {overdue} overdue" if total else "Nothing owed"
    return {"total": total, "overdue": overdue, "due_soon": due_soon, "state": state, "label": label}


def forward_look(classified: pd.DataFrame, today: date,
                 settings: RuleSettings | None = None) -> list[dict]:
    """Per horizon: tasks falling due from today to today+h, and all overdue (never hidden)."""
    settings = resolve(settings)
    days_left = _due_days(classified["due_date"]) - _today_days(today)
    overdue = int((_state_codes(classified["kind"], days_left, settings) == OVERDUE).sum())
    with np.errstate(invalid="ignore"):
        return [{"horizon": int(h), "due": int(((days_left >= 0) & (days_left <= h)).sum()),
                 "overdue": overdue} for h in settings.forward_horizons]


def _flag_labels(masks: np.ndarray, labels: list[str]) -> np.ndarray:
    """Comma text of category labels for each bitmask (few distinct masks, so map via unique)."""
    uniq, inverse = np.unique(masks, return_inverse=True)
    texts = np.array([", ".join(lab for bit, lab in enumerate(labels) if int(m) >> bit & 1)
                      for m in uniq], dtype=object)
    return texts[inverse.ravel()]


def worklist_rows(classified: pd.DataFrame, crimes: pd.DataFrame) -> pd.DataFrame:
    """One grid row per crime with open tasks, most urgent first (overdue, then next deadline, then reference)."""
    if classified.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ROW_COLUMNS})

    # Kinds outside CATEGORIES still get a code, so nothing is silently dropped from the grid.
    kinds = classified["kind"]
    extra = sorted({str(k) for k in pd.unique(kinds.dropna())} - set(CATEGORY_IDS))
    kind_ids = list(CATEGORY_IDS) + extra
    kind_labels = [CATEGORY_BY_ID[k].label if k in CATEGORY_BY_ID else k for k in kind_ids]
    kc = _codes(kinds, kind_ids).astype(np.int64)
    sc = _codes(classified["state"], STATES).astype(np.int64)
    due = _due_days(classified["due_date"])
    due_key = np.full(len(due), _NO_DATE, dtype=np.int64)
    dated = ~np.isnan(due)
    due_key[dated] = due[dated].astype(np.int64)
    ccode, crime_ids = pd.factorize(classified["crime_id"], sort=False)
    n = len(crime_ids)

    n_overdue = np.bincount(ccode, weights=(sc == OVERDUE), minlength=n).astype(np.int64)
    n_due_soon = np.bincount(ccode, weights=(sc == DUE_SOON), minlength=n).astype(np.int64)

    # The crime's "next" task: most urgent state, then earliest date, then category order.
    order = np.lexsort((kc, due_key, sc, ccode))
    sorted_c = ccode[order]
    starts = np.flatnonzero(np.r_[True, sorted_c[1:] != sorted_c[:-1]])
    first = order[starts]  # one task per crime, in crime-code order
    next_state = sc[first]
    next_key = due_key[first]

    # Rank crimes: overdue first, then by next due date, then reference, so the order is total.
    info = crimes.drop_duplicates("crime_id").set_index("crime_id").reindex(crime_ids)
    if "crime_ref" in classified:
        refs = classified["crime_ref"].to_numpy(dtype=object)[first]
    else:  # the references come with the crimes
        refs = _column(info, "crime_ref")
    refs = _text(np.where(pd.isna(refs), np.asarray(crime_ids, dtype=object), refs))
    ref_rank = pd.factorize(refs, sort=True)[0]  # lexsort needs numbers
    sel = np.lexsort((ref_rank, next_key, next_state))

    # Flags: OR of one bit per kind over each crime's tasks (tasks are already grouped by crime).
    masks = np.bitwise_or.reduceat(np.left_shift(np.int64(1), kc[order]), starts)

    keys = next_key[sel]
    next_due = np.where(keys == _NO_DATE, "",
                        np.where(keys == _NO_DATE, 0, keys).astype("datetime64[D]").astype(str))
    rule = classified["rule_id"]
    rules = (rule.cat.codes.to_numpy(), np.asarray(rule.cat.categories, dtype=object)) \
        if isinstance(rule.dtype, pd.CategoricalDtype) else pd.factorize(rule.to_numpy(dtype=object))
    rows = {
        "crime_id": np.asarray(crime_ids)[sel],
        "crime_ref": refs[sel],
        "offence": _text(_column(info, "offence"))[sel],
        "oic": _text(_column(info, "oic_name"))[sel],
        "oic_key": officer_keys(_column(info, "oic_id"))[sel],
        "team": _text(_column(info, "team_name"))[sel],
        "flags": _flag_labels(masks[sel], kind_labels),
        "n_overdue": n_overdue[sel],
        "n_due_soon": n_due_soon[sel],
        "next_due": next_due.astype(object),
        "next_kind": np.asarray(kind_labels, dtype=object)[kc[first][sel]],
        "next_rule": _text(_pick(rules, first[sel])),
        "state": np.asarray(STATES, dtype=object)[next_state[sel]],
    }
    # Built as object columns: text stays as the Python strings it holds, on every pandas version.
    out = pd.DataFrame(rows, dtype=object)
    for name in ("crime_id", "n_overdue", "n_due_soon"):
        out[name] = rows[name]
    return out


def officer_keys(ids: np.ndarray) -> np.ndarray:
    """Each officer in charge's grid key as text (names repeat across a force; ids do not)."""
    codes, uniques = pd.factorize(np.asarray(ids, dtype=object))
    keys = [str(int(u)) for u in uniques] + [UNALLOCATED_KEY]
    return np.array(keys, dtype=object)[codes]


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A column as an object array, or missing values when the frame lacks it."""
    return frame[name].to_numpy(dtype=object) if name in frame else np.full(len(frame), None, dtype=object)


def _pick(factorized: tuple, at: np.ndarray) -> np.ndarray:
    """Values at positions from (codes, uniques), None where the code is missing."""
    codes, uniques = factorized
    return np.append(np.asarray(uniques, dtype=object), None)[codes[at]]


def _text(values: np.ndarray) -> np.ndarray:
    """Values as text in an object array, '' where missing; each distinct value is converted once."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    return np.array([str(u) for u in uniques] + [""], dtype=object)[codes]


def owed_by_oic(classified: pd.DataFrame, kind: str) -> dict[str, list[int]]:
    """Per officer in charge, [overdue, due soon] tasks of one kind (the reviews a reader may not sign off)."""
    sel = classified[(classified["kind"] == kind) & classified["state"].isin(["overdue", "due_soon"])]
    sel = sel[sel["oic_id"].notna()]
    if sel.empty:
        return {}
    # Counted with numpy: a BCU has thousands of officers, and a crosstab walked row by row took ~35 ms.
    oics, inverse = np.unique(sel["oic_id"].to_numpy(np.int64), return_inverse=True)
    overdue = np.bincount(inverse, weights=(sel["state"] == "overdue").to_numpy(), minlength=len(oics))
    due_soon = np.bincount(inverse, weights=(sel["state"] == "due_soon").to_numpy(), minlength=len(oics))
    return {str(oic): [int(o), int(d)] for oic, o, d in zip(oics.tolist(), overdue, due_soon)}


def actionable_bell(counts: list[dict], can_review: bool, own_reviews: list[int] | None) -> dict:
    """The bell for one reader: what they may act on, leaving out reviews that are not theirs to sign off."""
    kept = []
    for b in counts:
        if b["id"] == "supervisor_review":
            if not can_review:
                continue
            if own_reviews:
                # Reviews of the reader's own investigations need someone else in the chain.
                b = b | {"overdue": max(b["overdue"] - own_reviews[0], 0),
                         "due_soon": max(b["due_soon"] - own_reviews[1], 0)}
        kept.append(b)
    return bell(kept)


OFFICER_COLUMNS = ["oic_id", "oic_key", "oic", "open", "overdue", "due_soon", "oldest_overdue"]


def officer_summary(classified: pd.DataFrame, names: dict) -> pd.DataFrame:
    """Per officer in charge: investigations with work owed, overdue and due-soon tasks, oldest overdue date."""
    if classified.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in OFFICER_COLUMNS})
    # Counted with numpy over codes: a force has 8,000 officers in charge and 237,000 open tasks.
    oic = classified["oic_id"].to_numpy(dtype=float, na_value=np.nan)
    oics, at = np.unique(np.where(np.isnan(oic), -1, oic).astype(np.int64), return_inverse=True)
    at = at.ravel()
    n = len(oics)
    sc = _codes(classified["state"], STATES)
    overdue = np.bincount(at, weights=(sc == OVERDUE), minlength=n).astype(np.int64)
    due_soon = np.bincount(at, weights=(sc == DUE_SOON), minlength=n).astype(np.int64)
    # Investigations per officer: distinct (officer, crime) pairs, each pair one integer.
    crime_code = pd.factorize(classified["crime_id"])[0].astype(np.int64)
    stride = crime_code.max() + 1
    pairs = np.unique(at.astype(np.int64) * stride + crime_code)
    open_ = np.bincount(pairs // stride, minlength=n).astype(np.int64)
    oldest = np.full(n, np.inf)
    due = _due_days(classified["due_date"])
    late = (sc == OVERDUE) & ~np.isnan(due)  # an undated error is overdue but has no date to show
    np.minimum.at(oldest, at[late], due[late])
    dated = np.isfinite(oldest)
    # ISO text, so the grid sorts it as it shows it and an officer with nothing overdue sorts last.
    oldest_text = np.full(n, "", dtype=object)
    oldest_text[dated] = oldest[dated].astype(np.int64).astype("datetime64[D]").astype(str)
    labels = np.array([names.get(int(i), "Unallocated") if i >= 0 else "Unallocated" for i in oics], dtype=object)
    order = np.lexsort((pd.factorize(labels, sort=True)[0], -due_soon, -overdue))
    ids = np.array([int(i) if i >= 0 else None for i in oics], dtype=object)
    out = pd.DataFrame({"oic_id": ids, "oic_key": officer_keys(ids), "oic": labels}, dtype=object)
    out["open"], out["overdue"], out["due_soon"] = open_, overdue, due_soon
    out["oldest_overdue"] = pd.Series(oldest_text, dtype=object)
    return out.iloc[order][OFFICER_COLUMNS].reset_index(drop=True)

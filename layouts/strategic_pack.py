"""The printable monthly performance pack: one HTML page built from the same figures as the tab.

Figures are formatted here; templates/pack.html and templates/bcu_pack.html only lay them out.
"""

from datetime import date, timedelta

import flask
import pandas as pd

from components.notes import as_of_text
from components.strategic import fmt
from layouts.strategic import BCU_METHOD, RANKS_METHOD
from scoring.categories import CATEGORY_BY_ID, CATEGORY_IDS
from scoring.digest import kind_words

BCU_HEADERS = ["BCU", "Crimes per 1,000 officers", "Positive-outcome rate", "Rank"]
# The months of these figures are the setting pack_months; each is read on its last day, or today.
OPEN_CRIMES_METHOD = ("Investigations recorded by the month's last day (today for this month) and not finalised by "
                      "then, counted with the team that holds them now.")
NEW_CRIMES_METHOD = "Crimes recorded in the month (this month to date), counted with the team that holds them now."
OPEN_TASKS_METHOD = ("Tasks owed at the month's last day (today for this month): created by then and not completed "
                     "by then.")
OVERDUE_METHOD = ("Tasks past their due date and not completed at the month's last day (today for this month), "
                  "rebuilt from each task's dates; undated CDI, detection-mismatch and failed-to-surrender tasks are "
                  "overdue from creation; tasks withdrawn since (crime finalised) are not counted.")
FSU_METHOD = ("People on the latest frequent-service-user list, by overall rank (bands: setting "
              "pack_fsu_rank_bands), theme and home LPA; counts only, no names. Ranks count past interactions and "
              "predict nothing.")
FSU_NOT_INCLUDED = ("Not included for this reader: frequent-service-user figures are shown only to those who hold "
                    "the frequent-service-user permission.")
MEASURE_TITLES = {"open_crimes": ("Open investigations at month end", OPEN_CRIMES_METHOD),
                  "new_crimes": ("New crimes recorded each month", NEW_CRIMES_METHOD),
                  "open_tasks": ("Open tasks at month end", OPEN_TASKS_METHOD)}


def _note(method: str, as_of: str) -> str:
    return f"{method} · {as_of}"


def _month_headers(labels: list, readings: list) -> list:
    out = []
    for label, reading in zip(labels, readings):
        first = date.fromisoformat(f"{label}-01")
        ends_early = (reading + timedelta(days=1)).month == reading.month
        out.append(f"1-{reading.day} {first:%b %Y}" if ends_early else f"{first:%b %Y}")
    return out


def _count_table(frame: pd.DataFrame, names: list, months: list, headers: list, note: str) -> dict:
    rows = [{"cells": [*(str(r[n]) for n in names), *(f"{int(r[m]):,}" for m in months)]}
            for r in frame.to_dict("records")]
    return {"headers": headers, "rows": rows, "method": note, "empty": "No data in this scope."}


def _workload(work: dict | None) -> dict | None:
    """The backlog, demand and overdue tables, formatted; None when the pack has none."""
    if work is None:
        return None
    as_of = as_of_text(work["data_as_of"])
    if work["empty"]:
        return {"scope": work["scope_label"], "empty": "Nothing in this reader's scope.", "as_of": as_of}
    months, heads = work["months"], _month_headers(work["months"], work["readings"])
    out = {"scope": work["scope_label"], "empty": None, "departments": [], "teams": []}
    for measure, (title, method) in MEASURE_TITLES.items():
        out["departments"].append({"title": title, "table": _count_table(
            work["by_department"][measure], ["department"], months, ["Department", *heads], _note(method, as_of))})
        out["teams"].append({"title": title, "table": _count_table(
            work["by_team"][measure], ["team", "department"], months, ["Team", "Department", *heads],
            _note(method, as_of))})
    # Every kind of task in the worklist's badge order, a kind with nothing overdue as zeros.
    counted = work["overdue"].set_index("kind")
    kinds = list(CATEGORY_IDS) + sorted(k for k in counted.index if k not in CATEGORY_IDS)
    overdue = counted.reindex(kinds).reindex(columns=months).fillna(0).astype(int).rename_axis("kind").reset_index()
    overdue["label"] = overdue["kind"].map(lambda k: CATEGORY_BY_ID[k].label if k in CATEGORY_BY_ID else kind_words(k))
    total = {"label": "All kinds", **{m: int(overdue[m].sum()) for m in months}}
    overdue = pd.concat([overdue, pd.DataFrame([total])], ignore_index=True)
    out["overdue"] = _count_table(overdue, ["label"], months, ["Kind of task", *heads], _note(OVERDUE_METHOD, as_of))
    return out


def _fsu(fsu: dict | None) -> dict | None:
    """The FSU counts as three small tables, or the words saying they are not included."""
    if fsu is None:
        return None
    if not fsu["included"]:
        return {"included": False, "text": FSU_NOT_INCLUDED}
    run = fsu["run"]
    if run is None:
        return {"included": True, "text": "No frequent-service-user list has been made yet.", "tables": []}
    note = _note(FSU_METHOD, as_of_text(run["finished_at"]))

    def table(first: str, pairs: list) -> dict:
        return {"headers": [first, "People"], "rows": [{"cells": [k, f"{v:,}"]} for k, v in pairs], "method": note,
                "empty": "Nobody on the list."}

    return {"included": True, "text": f"{fsu['listed']:,} people on the list.",
            "tables": [table("Overall rank", fsu["bands"]), table("Theme", fsu["themes"]),
                       table("Home LPA", fsu["lpas"])]}


def _tiles(view: dict) -> list:
    out = []
    for t in view["kpis"]:
        change = "no previous figure" if t["change"] is None else f"{fmt(t['change'], t['unit'])} since {t['previous_period']}"
        out.append({"label": t["label"], "value": fmt(t["value"], t["unit"]),
                    "notes": [f"{change} · coverage {t['coverage'] or ''}", t["method"]]})
    return out


def _ranks(view: dict, limit: int = 50) -> dict:
    rows = []
    for r in view["table"].head(limit).itertuples():
        rank = "not ranked" if pd.isna(r.rank) else f"{int(r.rank)} of {int(r.ranked_of)}"
        cost = "no cost data" if pd.isna(r.cost_rank) else f"{int(r.cost_rank)} of {int(r.cost_ranked_of)}"
        rows.append({"cells": [r.name, rank, cost, r.quadrant], "selected": r.unit == view["force"]})
    return {"headers": ["Force", "Performance rank", "Cost rank", "Quadrant"], "rows": rows, "empty": None}


def _flagged(bcu: dict, unit: str, measure: str, suffix: str = "") -> str:
    """A BCU figure, marked in words when it rests on a count under the suppression threshold."""
    text = fmt(bcu["table"].loc[bcu["table"]["unit"] == unit, measure].iloc[0]
               if measure in bcu["table"] else None, suffix)
    return f"{text} (small number)" if (unit, measure) in bcu.get("small", set()) else text


def small_number_note(bcu: dict) -> str | None:
    """The warning under a BCU table that has figures resting on small counts."""
    if not bcu.get("small"):
        return None
    return (f"Small number: the figure rests on fewer than {bcu['threshold']} crimes (setting "
            "suppression_threshold), so a few crimes either way move it a long way.")


def _bcus(bcu: dict, selected: str | None = None) -> dict:
    table = bcu["table"]
    records = [] if table is None or table.empty else table.to_dict("records")
    rows = [{"cells": [r["unit"], _flagged(bcu, r["unit"], "recorded_per_1000_officers"),
                       _flagged(bcu, r["unit"], "positive_outcome_rate", "%"),
                       "not ranked" if pd.isna(r.get("rank")) else str(int(r["rank"]))],
             "selected": r["unit"] == selected} for r in records]
    return {"headers": BCU_HEADERS, "rows": rows, "note": small_number_note(bcu),
            "empty": "No data: the force's own records have no crimes of this area in the period."}


def _bcu_tiles(bcu_name: str, bcu: dict) -> list:
    table = bcu["table"]
    row = table[table["unit"] == bcu_name].to_dict("records") if table is not None and not table.empty else []
    if not row:
        return []
    r = row[0]
    ranked = not pd.isna(r.get("rank"))
    tiles = [("Crimes per 1,000 officers", _flagged(bcu, bcu_name, "recorded_per_1000_officers"), ""),
             ("Positive-outcome rate", _flagged(bcu, bcu_name, "positive_outcome_rate", "%"), ""),
             ("Rank in the force", f"{int(r['rank'])} of {int(r['ranked_of'])}" if ranked else "not ranked",
              "among the force's BCUs" if ranked else "fewer than two BCUs have figures")]
    return [{"label": label, "value": value, "notes": [note]} for label, value, note in tiles]


def bcu_pack_html(bcu_name: str, force_name: str, views: list, method: str, generated: str) -> str:
    """A BCU's pack: every area's comparison with the other BCUs of the force, this BCU marked."""
    areas = [{"heading": f"{view['area_label']} · last {view['period_days']} days",
              "tiles": _bcu_tiles(bcu_name, view), "bcus": _bcus(view, bcu_name)} for view in views]
    return flask.render_template("bcu_pack.html", bcu_name=bcu_name, force_name=force_name, method=method,
                                 generated=generated, as_of=as_of_text(views[0]["data_as_of"]), areas=areas)


def pack_html(views: list, bcus: list, generated: str, workload: dict | None = None, fsu: dict | None = None,
              force_name: str | None = None) -> str:
    """The whole pack: the reader's own backlog, demand, overdue work and FSU counts, then every benchmark area."""
    first = views[0]
    as_of = as_of_text(first["data_as_of"])
    areas = []
    for view, bcu in zip(views, bcus):
        costs = ("Costs are synthetic demo figures." if view["synthetic_costs"] else
                 "" if view["has_costs"] else "No cost data loaded: ranked on performance alone.")
        ranks = _ranks(view) | {"method": _note(RANKS_METHOD, as_of_text(view["data_as_of"]))}
        bcu_table = _bcus(bcu) | {"method": _note(BCU_METHOD, as_of_text(view["data_as_of"]))}
        areas.append({"heading": f"Cross-force benchmark: {view['area_label']} · {view['period'] or 'no data'}",
                      "costs": costs, "tiles": _tiles(view), "ranks": ranks,
                      "recommendations": view["recommendations"], "bcus": bcu_table})
    return flask.render_template("pack.html", force_name=force_name or first["force_name"], generated=generated, as_of=as_of,
                                 synthetic=bool(first.get("synthetic_data")), areas=areas,
                                 workload=_workload(workload), fsu=_fsu(fsu))

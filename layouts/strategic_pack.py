"""The printable monthly performance pack: one HTML page built from the same figures as the tab.

Figures are formatted here; templates/pack.html and templates/bcu_pack.html only lay them out.
"""

import flask
import pandas as pd

from components.notes import as_of_text
from components.strategic import fmt

BCU_HEADERS = ["BCU", "Crimes per 1,000 officers", "Positive-outcome rate", "Rank"]


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


def pack_html(views: list, bcus: list, generated: str) -> str:
    """The whole pack: every area for the selected force, and its BCUs."""
    first = views[0]
    areas = []
    for view, bcu in zip(views, bcus):
        costs = ("Costs are synthetic demo figures." if view["synthetic_costs"] else
                 "" if view["has_costs"] else "No cost data loaded: ranked on performance alone.")
        areas.append({"heading": f"{view['area_label']} · {view['period'] or 'no data'}", "costs": costs,
                      "tiles": _tiles(view), "ranks": _ranks(view), "recommendations": view["recommendations"],
                      "bcus": _bcus(bcu)})
    return flask.render_template("pack.html", force_name=first["force_name"], generated=generated,
                                 as_of=as_of_text(first["data_as_of"]), synthetic=bool(first.get("synthetic_data")),
                                 areas=areas)

"""Figures for the public transparency page: force-level aggregates of imported open data only.

Nothing here reads the force's own records, accounts or audit log, and every count under the
suppression threshold, including one a rate and its denominator would give away, is withheld before it
leaves this module.
"""

import pandas as pd

from data_access.forces import FORCE_NAMES
from data_access.strategic import _cached_measures, import_version, strategic_settings
from scoring.benchmarking import suppress, withhold_rate
from scoring.settings_strategic import MEASURES

# Measures that are rates over counts: shown only when the count behind them reaches the threshold.
PUBLIC_MEASURES = ("recorded_per_1000_officers", "positive_outcome_rate", "stop_search_arrest_rate",
                   "use_of_force_per_officer")


def public_summary(store) -> dict:
    """Per area, the latest financial year's force-level measures, counts suppressed under the threshold."""
    settings = strategic_settings(store)
    threshold = settings.suppression_threshold

    def compute():
        figures = _cached_measures(store)
        tidy = figures["measures"]
        areas = []
        for area in settings.area_ids():
            sub = tidy[(tidy["area"] == area) & tidy["measure"].isin(PUBLIC_MEASURES)]
            if sub.empty:
                areas.append({"area": area, "label": settings.area_label(area), "period": None, "rows": [],
                              "measures": []})
                continue
            period = max(sub["period"])
            now = sub[sub["period"] == period]
            measures = [m for m in settings.basket(area) if m in set(now["measure"])]
            rows = []
            for unit, group in now.groupby("unit"):
                cells = {}
                for r in group.itertuples():
                    shown = suppress(r.n, threshold)
                    if shown is not None and MEASURES[r.measure]["unit"] == "%":
                        # n is the rate's denominator: value and n together give the numerator away.
                        if withhold_rate(round(r.value * r.n / 100), r.n, threshold):
                            shown = None
                    cells[r.measure] = {"value": None if shown is None else round(float(r.value), 2),
                                        "count": shown, "suppressed": shown is None}
                rows.append({"force": FORCE_NAMES.get(unit, unit), "cells": cells})
            rows.sort(key=lambda r: r["force"])
            areas.append({"area": area, "label": settings.area_label(area), "period": period, "rows": rows,
                          "measures": [{"id": m, "label": MEASURES[m]["label"], "unit": MEASURES[m]["unit"],
                                        "method": MEASURES[m]["method"]} for m in measures]})
        return {"areas": areas, "threshold": threshold, "synthetic": figures["synthetic"],
                "data_as_of": figures["as_of"]}

    # Built from imported open data only, so it changes with an import or a removal, not with every write.
    return store.cache.get_or_compute("strategic-public/2", import_version(store), "public", compute,
                                      settings, store.settings.positive_outcomes)


def as_frame(summary: dict, area: str) -> pd.DataFrame:
    """One area of the summary as a flat table (for tests and downloads)."""
    block = next(a for a in summary["areas"] if a["area"] == area)
    return pd.DataFrame([{"force": r["force"], **{m: c["value"] for m, c in r["cells"].items()}} for r in block["rows"]])

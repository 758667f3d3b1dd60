"""Strategic benchmarking components: KPI tiles, the quadrant and trend charts, recommendation cards."""

import math

import dash_ag_grid as dag
import pandas as pd
import plotly.graph_objects as go
from dash import html

from components.charts import _base, empty_figure
from components.grid import csv_export, no_rows
from components.notes import method_note


def fmt(value, unit: str = "") -> str:
    """A figure as people read it; None is 'no data', never 0."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no data"
    if unit == "%":
        return f"{value:.1f}%"
    return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"


def _change(tile: dict) -> html.Span:
    change = tile["change"]
    if change is None:
        return html.Span(f"no figure for {tile['previous_period']}" if tile.get("previous_period")
                         else "no previous period", className="kpi-change text-body-secondary")
    better = (change < 0) if tile["better"] == "lower" else (change > 0)
    word = "better" if better else ("worse" if change else "no change")
    arrow = "bi-arrow-up" if change > 0 else ("bi-arrow-down" if change < 0 else "bi-dash")
    # Colour is never the only signal: the arrow and the word say it too.
    return html.Span([html.I(className=f"bi {arrow} me-1", **{"aria-hidden": "true"}),
                      f"{fmt(abs(change), tile['unit'])} since {tile['previous_period']} ({word})"],
                     className=f"kpi-change {'text-success' if better else 'text-danger' if change else ''}")


def kpi_tile(tile: dict, as_of: str | None) -> html.Div:
    """One GDS-style tile: value, change, coverage, data as of, method note."""
    return html.Div(html.Div([
        html.H3(tile["label"], className="h6 mb-1"),
        html.Div(fmt(tile["value"], tile["unit"]), className="kpi-value display-6"),
        html.Div(f"{tile['unit']} · {tile['period'] or 'no period'}", className="small text-body-secondary"),
        _change(tile),
        html.Div(f"Coverage: {tile['coverage']}", className="small kpi-coverage"),
        method_note(tile["method"] + (" Lower is better." if tile["better"] == "lower" else " Higher is better."),
                    as_of),
    ], className="card-body"), className="card kpi-tile h-100")


def ranks_grid(grid_id: str) -> dag.AgGrid:
    cols = [("Force", "name", 180), ("Performance rank", "rank_text", 150), ("Score", "score_text", 100),
            ("Measures", "measures_used", 110), ("Cost rank", "cost_rank_text", 120),
            ("Cost per officer (£)", "cost_text", 150), ("Quadrant", "quadrant", 260)]
    return dag.AgGrid(
        id=grid_id, rowData=[],
        columnDefs=[{"headerName": h, "field": f, "minWidth": w} for h, f, w in cols],
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions=grid_options([]),
        csvExportParams=csv_export("beacon-force-ranks.csv", [f for _h, f, _w in cols]),
        columnSize="responsiveSizeToFit", style={"height": "420px", "width": "100%"}, className="ranks-grid")


def grid_options(pinned: list) -> dict:
    """Grid options with the selected force pinned above the ranking, so it is always in view."""
    return {"rowHeight": 48, "headerHeight": 44, "animateRows": False, "pinnedTopRowData": pinned,
            **no_rows("No data: import public data to rank forces.")}


def rank_rows(table: pd.DataFrame, selected: str | None) -> list[dict]:
    rows = []
    for r in table.itertuples():
        rows.append({
            # The selected force is marked in words, not only by colour.
            "name": f"{r.name} (selected)" if r.unit == selected else r.name,
            "rank_text": "not ranked" if pd.isna(r.rank) else f"{int(r.rank)} of {int(r.ranked_of)}",
            "score_text": "no data" if pd.isna(r.score) else f"{r.score:.2f}",
            "measures_used": None if pd.isna(r.measures_used) else int(r.measures_used),
            "cost_rank_text": "no cost data" if pd.isna(r.cost_rank) else f"{int(r.cost_rank)} of {int(r.cost_ranked_of)}",
            "cost_text": "no data" if pd.isna(r.cost_per_officer) else f"{r.cost_per_officer:,.0f}",
            "quadrant": r.quadrant})
    return rows


def quadrant_figure(table: pd.DataFrame, selected: str | None) -> go.Figure:
    """Performance rank against cost rank (1 = best on both, top right); the selected force stands out."""
    both = table.dropna(subset=["rank", "cost_rank"])
    if both.empty:
        return empty_figure("No cost data loaded: ranked on performance alone")
    chosen = both["unit"] == selected
    fig = go.Figure()
    for mask, name, colour, symbol, size in ((~chosen, "Other forces", "#6c757d", "circle", 11),
                                             (chosen, "Selected force", "#1f4e79", "star", 20)):
        part = both[mask]
        fig.add_trace(go.Scatter(x=part["cost_rank"], y=part["rank"], mode="markers+text" if name == "Selected force" else "markers",
                                 text=part["name"], textposition="top center", name=name,
                                 marker={"color": colour, "symbol": symbol, "size": size},
                                 hovertemplate="%{text}<br>cost rank %{x}, performance rank %{y}<extra></extra>"))
    mid_x = both["cost_ranked_of"].max() / 2 + 0.5
    mid_y = both["ranked_of"].max() / 2 + 0.5
    fig.add_vline(x=mid_x, line_dash="dot", line_color="#999")
    fig.add_hline(y=mid_y, line_dash="dot", line_color="#999")
    fig.update_xaxes(title="Cost rank (1 = lowest cost per officer)", autorange="reversed")
    fig.update_yaxes(title="Performance rank (1 = best)", autorange="reversed")
    return _base(fig)


def trend_figure(trend: pd.DataFrame) -> go.Figure:
    if trend is None or trend.empty:
        return empty_figure("No ranked period for this force yet")
    fig = go.Figure(go.Scatter(x=trend["period"], y=trend["rank"], mode="lines+markers+text",
                               text=[f"{int(r)} of {int(o)}" for r, o in zip(trend["rank"], trend["ranked_of"])],
                               textposition="top center", line={"color": "#1f4e79", "width": 3}, name="Rank",
                               cliponaxis=False))
    fig.update_yaxes(title="Performance rank (1 = best)", autorange="reversed", rangemode="tozero")
    fig.update_xaxes(title="Financial year", type="category")
    return _base(fig)


def recommendation_list(recs: list, force_name: str) -> html.Div:
    if not recs:
        return html.P(f"No recommendation: no better-ranked force records a tactic that {force_name} does not use.",
                      className="mb-1")
    items = []
    for r in recs:
        peers = ", ".join(f"{n} (rank {k})" for n, k in r["peer_names"])
        others = ("" if r["share_others"] is None else
                  f"; used by {r['others_using']} of {r['others_total']} forces ranked level or below")
        items.append(html.Li([html.Strong(r["tactic"]),
                              html.Div(f"Used by {r['better_using']} of {r['better_total']} better-ranked forces: "
                                       f"{peers}{others}.", className="small")], className="list-group-item"))
    return html.Ul(items, className="list-group recommendations")

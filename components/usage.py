"""Figures and the grid of the usage and adoption tab."""

import re

import dash_ag_grid as dag
import pandas as pd
import plotly.graph_objects as go

from components.charts import empty_figure
from components.grid import csv_export, no_rows

# Colour-blind-safe palette (Okabe-Ito), one colour per task kind in the order they are first met.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8a5a00", "#5b2a86",
           "#1f4e79", "#b3261e"]


def _base(fig: go.Figure) -> go.Figure:
    fig.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10}, template="plotly_white", font={"size": 14},
                      legend={"orientation": "h", "y": -0.25})
    return fig


def _week_labels(weeks) -> list[str]:
    return [f"{w:%d %b}" for w in weeks]


def _natural(name: str) -> list:
    """A sort key that orders the numbers inside a name by value."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", str(name))]


def sign_ins_figure(sign_ins: pd.DataFrame, weeks) -> go.Figure:
    """Teams down, weeks across, each cell the week's sign-ins (people signed in on hover)."""
    if sign_ins is None or sign_ins.empty:
        return empty_figure("No sign-ins in scope")
    counts = sign_ins.pivot_table(index="team_name", columns="week_start", values="sign_ins", aggfunc="sum",
                                  fill_value=0).reindex(columns=weeks, fill_value=0)
    # Team 2 before Team 10, as a reader counts them.
    counts = counts.reindex(sorted(counts.index, key=_natural))
    people = sign_ins.pivot_table(index="team_name", columns="week_start", values="people", aggfunc="sum",
                                  fill_value=0).reindex(index=counts.index, columns=weeks, fill_value=0)
    fig = go.Figure(go.Heatmap(
        z=counts.to_numpy(), x=_week_labels(weeks), y=list(counts.index), customdata=people.to_numpy(),
        text=counts.to_numpy(), texttemplate="%{text}", colorscale="Blues", showscale=False, xgap=2, ygap=2,
        hovertemplate="%{y}, week of %{x}<br>%{z} sign-ins by %{customdata} people<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="Week beginning", type="category", tickangle=-45)
    return _base(fig)


def cleared_figure(cleared: pd.DataFrame, weeks) -> go.Figure:
    """Stacked bars of tasks cleared per week, one colour per kind of task."""
    if cleared is None or cleared.empty:
        return empty_figure("No tasks cleared in scope")
    per = cleared.pivot_table(index="week_start", columns="kind_label", values="cleared", aggfunc="sum",
                              fill_value=0).reindex(weeks, fill_value=0)
    order = per.sum().sort_values(ascending=False).index
    fig = go.Figure([go.Bar(x=_week_labels(weeks), y=per[k], name=k, marker_color=PALETTE[i % len(PALETTE)],
                            hovertemplate=f"{k}<br>week of %{{x}}: %{{y}} cleared<extra></extra>")
                     for i, k in enumerate(order)])
    # The legend of kinds sits under the weeks, so the axis is named in the card's title rather than under it.
    fig.update_layout(barmode="stack", legend={"orientation": "h", "yanchor": "top", "y": -0.22})
    fig.update_xaxes(type="category", tickangle=-45)
    fig.update_yaxes(title="Tasks cleared", rangemode="tozero")
    return _base(fig)


def timeliness_figure(timeliness: pd.DataFrame, weeks) -> go.Figure:
    """Share of dated tasks done by their due date per week (bars), with the median days from due to done."""
    if timeliness is None or timeliness["dated"].sum() == 0:
        return empty_figure("No dated tasks cleared in scope")
    t = timeliness.set_index("week_start").reindex(weeks)
    share = (t["share_on_time"] * 100).round(0)
    labels = [("" if pd.isna(s) else f"{s:.0f}%") for s in share]
    median = ["no dated task" if pd.isna(m) else f"{m:+.0f} days" for m in t["median_days"]]
    fig = go.Figure(go.Bar(
        x=_week_labels(weeks), y=share, text=labels, textposition="outside", textangle=0, cliponaxis=False, marker_color="#0072B2",
        customdata=list(zip(t["dated"].fillna(0).astype(int), median)),
        hovertemplate="Week of %{x}: %{y:.0f}% of %{customdata[0]} on time<br>"
                      "median from due to done %{customdata[1]}<extra></extra>"))
    fig.update_xaxes(title="Week beginning", type="category", tickangle=-45)
    fig.update_yaxes(title="Done by due date (%)", range=[0, 100])
    return _base(fig)


def days_figure(timeliness: pd.DataFrame, weeks) -> go.Figure:
    """Median days from due date to done per week: below zero early, above zero late."""
    if timeliness is None or timeliness["dated"].sum() == 0:
        return empty_figure("No dated tasks cleared in scope")
    t = timeliness.set_index("week_start").reindex(weeks)
    colours = ["#D55E00" if (not pd.isna(m) and m > 0) else "#009E73" for m in t["median_days"]]
    fig = go.Figure(go.Bar(
        x=_week_labels(weeks), y=t["median_days"], marker_color=colours,
        text=["" if pd.isna(m) else f"{m:+.0f}" for m in t["median_days"]], textposition="outside", textangle=0,
        cliponaxis=False,
        hovertemplate="Week of %{x}: median %{y:+.1f} days from due to done<extra></extra>"))
    fig.update_xaxes(title="Week beginning", type="category", tickangle=-45)
    fig.update_yaxes(title="Days after due date (median)", zeroline=True, zerolinewidth=2)
    return _base(fig)


USAGE_COLUMNS = [("Week beginning", "week", 170), ("Team", "team_name", 260), ("Task kind", "kind_label", 170),
                 ("Cleared", "cleared", 110), ("In Beacon", "in_beacon", 120), ("With a due date", "dated", 150),
                 ("On time", "on_time", 110), ("On time (%)", "on_time_pct", 130),
                 ("Median days due to done", "median_days", 200)]


def usage_rows(cleared: pd.DataFrame) -> list[dict]:
    """Grid rows: one per team, week and kind of task, newest week first."""
    if cleared is None or cleared.empty:
        return []
    df = cleared.sort_values(["week_start", "team_name", "kind_label"], ascending=[False, True, True],
                             kind="stable")
    return [{"week": r.week_start.isoformat(), "team_name": r.team_name, "kind_label": r.kind_label,
             "cleared": int(r.cleared), "in_beacon": int(r.in_beacon), "dated": int(r.dated),
             "on_time": int(r.on_time),
             "on_time_pct": None if pd.isna(r.share_on_time) else round(float(r.share_on_time) * 100),
             "median_days": None if pd.isna(r.median_days) else float(r.median_days)}
            for r in df.itertuples()]


def usage_grid(grid_id: str) -> dag.AgGrid:
    """Tasks cleared per team, week and kind, with their timeliness."""
    numeric = {"cleared", "in_beacon", "dated", "on_time", "on_time_pct", "median_days"}
    return dag.AgGrid(
        id=grid_id, rowData=[],
        columnDefs=[{"headerName": h, "field": f, "minWidth": w, "flex": 1,
                     **({"type": "numericColumn", "filter": "agNumberColumnFilter"} if f in numeric else {})}
                    for h, f, w in USAGE_COLUMNS],
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions={"rowHeight": 44, "headerHeight": 44, "animateRows": False, "pagination": True,
                         "paginationPageSize": 50, **no_rows("No tasks cleared in this scope.")},
        csvExportParams=csv_export("beacon-usage.csv", [f for _h, f, _w in USAGE_COLUMNS]),
        className="usage-grid", style={"height": "480px", "width": "100%"})

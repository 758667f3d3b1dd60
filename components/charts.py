"""Plotly figure builders for the demand and capacity tab."""

import pandas as pd
import plotly.graph_objects as go

LEVEL_LABELS = {"team": "Team", "department": "Department", "bcu": "BCU"}
TREND_LINES = [
    ("all_outstanding", "All open tasks", "#1f4e79", "solid"),
    ("all_overdue", "All overdue", "#b3261e", "solid"),
    ("supervisor_review_overdue", "Overdue supervisor reviews", "#8a5a00", "dash"),
    ("victim_contact_overdue", "Overdue victim contacts", "#5b2a86", "dot"),
]


def _base(fig: go.Figure) -> go.Figure:
    fig.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10}, template="plotly_white",
                      font={"size": 14}, legend={"orientation": "h", "y": -0.2})
    return fig


def empty_figure(text: str) -> go.Figure:
    """A blank figure that says why it is blank."""
    fig = go.Figure()
    fig.add_annotation(text=text, showarrow=False, font={"size": 16})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _base(fig)


def capacity_figure(capacity: pd.DataFrame, level: str) -> go.Figure:
    """Horizontal bars of open investigations per available officer, busiest at the top."""
    if capacity is None or capacity.empty:
        return empty_figure("No data")
    df = capacity.sort_values("open_per_officer", ascending=True, na_position="first").tail(30)
    labels = df["open_per_officer"].map(lambda v: "no officer available" if pd.isna(v) else f"{v:.1f}")
    fig = go.Figure(go.Bar(
        x=df["open_per_officer"].fillna(0), y=df["unit_name"], orientation="h", text=labels,
        textposition="auto", marker_color="#1f4e79",
        customdata=df[["open_crimes", "available_officers"]].to_numpy(),
        hovertemplate="%{y}<br>%{customdata[0]} open / %{customdata[1]} available officers<extra></extra>",
    ))
    fig.update_xaxes(title=f"Per available officer, by {LEVEL_LABELS.get(level, level).lower()}")
    return _base(fig)


def trend_figure(trend: pd.DataFrame) -> go.Figure:
    """Lines of outstanding and overdue tasks per day."""
    if trend is None or trend.empty:
        return empty_figure("No history yet")
    fig = go.Figure()
    for col, name, colour, dash in TREND_LINES:
        if col in trend.columns:
            fig.add_trace(go.Scatter(x=trend["snapshot_on"], y=trend[col], name=name, mode="lines",
                                     line={"color": colour, "dash": dash, "width": 3}))
    fig.update_yaxes(title="Tasks", rangemode="tozero")
    return _base(fig)

"""Building blocks of the productivity tab: figure tables, availability breakdown, trend and feedback lists."""

import pandas as pd
import plotly.graph_objects as go
from dash import html

from components.charts import empty_figure

STATUS_WORDS = {"open": "Open: waiting for an answer", "accepted": "Accepted", "rejected": "Rejected"}
STATUS_ICONS = {"open": "bi-hourglass-split", "accepted": "bi-check-circle-fill", "rejected": "bi-x-circle-fill"}


def number(value, digits: int = 1) -> str:
    """A figure for the screen; missing is 'no data', never 0."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "no data"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{digits}f}"


def feedback_button(metric: str, label: str) -> html.Button:
    """A 44 px icon button that questions one figure; its name says which."""
    return html.Button(html.I(className="bi bi-chat-left-text", **{"aria-hidden": "true"}),
                       id={"type": "pa-fb-open", "metric": metric}, className="btn btn-outline-secondary btn-sm "
                       "touch-button pa-feedback-button", n_clicks=0, title=f"Feedback on {label}",
                       **{"aria-label": f"Feedback: say the figure '{label}' is wrong"})


def productivity_table(view: dict) -> html.Div:
    """Figures grouped by the system they come from: the source and period said once per group."""
    if not view.get("applicable"):
        return html.P("Productivity figures apply to police officers only; police staff have none at this stage.",
                      id="pa-not-applicable")
    head = html.Thead(html.Tr([html.Th("Figure"), html.Th("Last four weeks"), html.Th("12 months"),
                               html.Th("Per available hour"), html.Th(html.Span("Feedback", className="visually-hidden"))]))
    body, source = [], None
    for m in view["metrics"]:
        if m["source"] != source:
            source = m["source"]
            body.append(html.Tr(html.Th(f"From {source[:1].lower() + source[1:]}", colSpan=5, scope="colgroup",
                                        className="pa-source small text-body-secondary fw-normal")))
        body.append(html.Tr([
            html.Td([html.Div(m["label"], className="fw-semibold"),
                     html.Div(m["method"], className="small text-body-secondary")]),
            html.Td(number(m["recent"]), id=f"pa-fig-{m['id']}"),
            html.Td(number(m["year"])),
            html.Td(number(m["rate"], 3) if m["rate"] is not None else "—"),
            html.Td(feedback_button(m["id"], m["label"])),
        ]))
    period = f"Last four weeks: {view['window_start']} to {view['end']}; 12 months to {view['end']}."
    return html.Div([html.Table([head, html.Tbody(body)], className="table table-sm align-middle mb-1 pa-figures"),
                     html.Div(period, className="method-note", id="pa-figures-period")],
                    className="table-responsive")


def availability_card(view: dict, with_feedback: bool = True) -> html.Div:
    """Score 0-100, deployable today in words, and each criterion with the points it costs."""
    deploy_word = "Yes" if view["deployable"] else "No"
    deploy_icon = "bi-check-circle-fill text-success" if view["deployable"] else "bi-x-circle-fill text-danger"
    rows = [html.Tr([html.Td(c["label"]), html.Td(f"{c['value'] * 100:.0f}%"), html.Td(number(c["lost"])),
                     html.Td(feedback_button(c["id"], c["label"]) if with_feedback else "")])
            for c in view["criteria"]]
    return html.Div([
        html.Div([
            html.Div([html.Div(number(view["score"]), className="display-6 fw-bold", id="pa-score"),
                      html.Div("availability score out of 100", className="small")], className="me-4"),
            html.Div([html.Div([html.I(className=f"bi {deploy_icon} me-1", **{"aria-hidden": "true"}),
                                f"Deployable today: {deploy_word}"], className="fw-semibold", id="pa-deployable"),
                      html.Div(view["reasons"] or "On duty, training in date, tutored if a student.",
                               className="small"),
                      html.Div(f"Available {number(view['available_hours'])} of {number(view['expected_hours'])} "
                               f"expected hours, {view['window_start']} to {view['end']}"
                               + (" (tutoring a student: reduction applied)" if view["tutoring"] else ""),
                               className="small")], className="me-3"),
            html.Div(feedback_button("availability_score", "Availability score") if with_feedback else None),
        ], className="d-flex flex-wrap align-items-center mb-2"),
        # The score and today's answer come first; the criteria behind them open on a tap, so the page
        # stays about two tablet screens long.
        html.Details([
            html.Summary(f"The {len(rows)} criteria behind the score, and the points each costs",
                         className="fw-semibold"),
            html.Div(html.Table([html.Thead(html.Tr([html.Th("Criterion"), html.Th("Your value"),
                                                     html.Th("Points it costs"), html.Th("")])),
                                 html.Tbody(rows)], className="table table-sm align-middle mb-1"),
                     className="table-responsive"),
        ], className="mb-1"),
    ], id=f"pa-availability-{view['officer_id']}")


def feedback_list(frame: pd.DataFrame, with_officer: bool = False) -> html.Div:
    """Feedback items with status in words and an icon, and the answer when there is one."""
    if frame is None or frame.empty:
        return html.P("No feedback yet.", className="mb-0")
    items = []
    for r in frame.itertuples():
        who = f"{r.officer} · " if with_officer else ""
        answer = f"Answer: {r.reason}" if isinstance(r.reason, str) and r.reason else ""
        items.append(html.Li([
            html.Div([html.I(className=f"bi {STATUS_ICONS.get(r.status, 'bi-circle')} me-1",
                             **{"aria-hidden": "true"}),
                      html.Span(f"#{r.id} · {who}{r.metric.replace('_', ' ')} · ", className="fw-semibold"),
                      html.Span(STATUS_WORDS.get(r.status, r.status), className="feedback-status")]),
            html.Div(r.message, className="small"),
            html.Div(answer, className="small fst-italic") if answer else None,
        ], className="list-group-item", id=f"pa-feedback-{r.id}"))
    return html.Ul(items, className="list-group")


def trend_figure(trend: pd.DataFrame, label: str) -> go.Figure:
    """Daily bars with a rolling-mean line."""
    if trend is None or trend.empty:
        return empty_figure("No data")
    fig = go.Figure()
    fig.add_trace(go.Bar(x=trend["day"], y=trend["value"], name=f"{label} per day", marker_color="#9fb3c8"))
    fig.add_trace(go.Scatter(x=trend["day"], y=trend["rolling"], name="Rolling mean", mode="lines",
                             line={"color": "#1f4e79", "width": 3}))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10}, template="plotly_white", font={"size": 14},
                      legend={"orientation": "h", "y": -0.2})
    fig.update_yaxes(rangemode="tozero")
    return fig


def by_team_table(rows: list, labels: dict) -> html.Div:
    if not rows:
        return html.P("No data", className="mb-0")
    keys = ["officers"] + list(labels) + ["availability"]
    head = html.Thead(html.Tr([html.Th("Team")] + [html.Th("Officers")] + [html.Th(labels[k]) for k in labels]
                              + [html.Th("Mean availability")]))
    body = [html.Tr([html.Td(r["team"])] + [html.Td(number(r[k]) if k != "availability" or r[k] is not None
                                                    else "restricted") for k in keys]) for r in rows]
    return html.Div(html.Table([head, html.Tbody(body)], className="table table-sm mb-1", id="pa-by-team-table"),
                    className="table-responsive")


def distribution_table(dist: pd.DataFrame, labels: dict) -> html.Div:
    if dist is None or dist.empty:
        return html.P("No data", className="mb-0")
    head = html.Thead(html.Tr([html.Th("Figure"), html.Th("Lowest"), html.Th("Lower quarter"), html.Th("Median"),
                               html.Th("Upper quarter"), html.Th("Highest")]))
    body = [html.Tr([html.Td(labels.get(k, k))] + [html.Td(number(v)) for v in row])
            for k, row in zip(dist.index, dist[["min", "q1", "median", "q3", "max"]].itertuples(index=False))]
    return html.Div(html.Table([head, html.Tbody(body)], className="table table-sm mb-1"),
                    className="table-responsive")

"""Productivity and availability tab: my figures, team and department views, and the feedback queue."""

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from components.grid import csv_export, export_button, no_rows
from data_access.permissions import role_allows
from scoring.productivity import COUNT_METRICS, METRIC_BY_ID


WORKLOAD_NOTE = ("These figures are not an officer's whole workload: much good police work (safeguarding, "
                 "victim care, case files, training others) leaves no count here. Use them to start a "
                 "conversation, never to end one.")
PRODUCTIVITY_METHOD = ("Counts from command and control, custody, stop and search, use of force, intelligence "
                       "and crime records for complete days; rates divide by the hours you were rostered and "
                       "present in the same four weeks.")
AVAILABILITY_METHOD = ("Score 0-100 by TOPSIS over ten criteria, each a share from 0 to 1, weighted as set in "
                       "the settings; it measures how close you are to a reference officer who is fully "
                       "available, fully trained and tutoring no student (100) and how far from one who is off "
                       "duty, lacks training and tutors a student (0). Other officers never move your score.")
DEPLOYABLE_METHOD = ("Deployable today: rostered on duty and not on leave, every critical course in date "
                     "(a course expiring today is out of date), and a student officer has a tutor.")
TEAM_METHOD = ("Productivity of each officer in the scope over the last four weeks, in alphabetical order; "
               "availability appears only for officers whose chain of command you are in and is never ranked.")
TREND_METHOD = "Daily total in the scope over 12 months, with a rolling mean; days with nothing recorded show 0."
DISTRIBUTION_METHOD = "Spread of each figure across the officers in the scope over the last four weeks."
QUEUE_METHOD = "Feedback from the officers you line-manage (administrators: everyone); newest open items first."

METRIC_OPTIONS = [{"label": METRIC_BY_ID[m].label, "value": m} for m in COUNT_METRICS]

TEAM_COLUMNS = [
    # No default sort: rows arrive in surname order from the server.
    {"headerName": "Officer", "field": "officer", "pinned": "left", "minWidth": 180},
    {"headerName": "Team", "field": "team", "minWidth": 160},
] + [
    {"headerName": METRIC_BY_ID[m].label, "field": m, "type": "numericColumn", "minWidth": 120,
     "valueFormatter": {"function": "params.value == null ? 'no data' : d3.format(',.1~f')(params.value)"}}
    for m in METRIC_BY_ID
] + [
    # Availability is shown, never sorted or filtered: no view ranks individuals' availability.
    {"headerName": "Availability (0-100)", "field": "availability", "sortable": False, "filter": False,
     "minWidth": 150, "valueFormatter": {"function": "params.value == null ? 'restricted' : params.value"}},
    {"headerName": "Deployable today", "field": "deployable", "sortable": False, "filter": False, "minWidth": 200},
]


def _card(title: str, body: list, card_id: str | None = None) -> dbc.Card:
    kwargs = {"id": card_id} if card_id else {}
    return dbc.Card(dbc.CardBody([html.H2(title, className="h6")] + body), className="mb-3", **kwargs)


def _feedback_modal() -> dbc.Modal:
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle("Tell us a figure is wrong", id="pa-fb-title")),
        dbc.ModalBody([
            html.Label("What is wrong, and what should it be?", htmlFor="pa-fb-message", className="form-label"),
            dcc.Textarea(id="pa-fb-message", className="form-control", style={"minHeight": "120px"},
                         maxLength=1000),
            html.Div(id="pa-fb-error", className="text-danger small mt-1"),
        ]),
        dbc.ModalFooter([
            dbc.Button("Cancel", id="pa-fb-cancel", color="secondary", className="touch-button"),
            dbc.Button("Send feedback", id="pa-fb-submit", color="primary", className="touch-button"),
        ]),
    ], id="pa-fb-modal", is_open=False, centered=True)


def _my_section(actor) -> list:
    return [
        _card("My productivity", [html.Div(id="pa-my-productivity"), html.Div(id="pa-my-productivity-note")],
              "pa-my-productivity-card"),
        _card("My availability", [html.Div(id="pa-my-availability"), html.Div(id="pa-my-availability-note")],
              "pa-my-availability-card"),
        _card("My daily trend", [
            html.Label("Figure", htmlFor="pa-my-trend-metric", className="form-label small mb-1"),
            dcc.Dropdown(id="pa-my-trend-metric", options=METRIC_OPTIONS, value="incidents_attended",
                         clearable=False, searchable=False, className="scope-dropdown"),
            dcc.Loading(dcc.Graph(id="pa-my-trend", config={"displayModeBar": False}, style={"height": "240px"})),
            html.Div(id="pa-my-trend-note"),
        ]),
        _card("My feedback and the answers", [html.Div(id="pa-my-feedback")]),
        _card("Someone I line-manage", [
            html.Label("Officer or member of staff", htmlFor="pa-officer", className="form-label small mb-1"),
            dcc.Dropdown(id="pa-officer", clearable=True, searchable=False, className="scope-dropdown"),
            html.Div(id="pa-officer-availability", className="mt-2"),
        ], "pa-reports-card"),
    ]


def _team_section() -> list:
    return [
        dbc.Row([
            dbc.Col([html.Label("Scope", htmlFor="pa-scope", className="form-label small mb-1"),
                     dcc.Dropdown(id="pa-scope", clearable=False, searchable=False, className="scope-dropdown")],
                    xs=12, md=6),
            dbc.Col([html.Label("Trend figure", htmlFor="pa-metric", className="form-label small mb-1"),
                     dcc.Dropdown(id="pa-metric", options=METRIC_OPTIONS, value="incidents_attended",
                                  clearable=False, searchable=False, className="scope-dropdown")], xs=12, md=6),
        ], className="g-2 mb-3"),
        _card("Productivity by officer, last four weeks", [
            dag.AgGrid(id="pa-team-grid", columnDefs=TEAM_COLUMNS, rowData=[], getRowId="params.data.officer_id",
                       defaultColDef={"sortable": True, "filter": True, "resizable": True,
                                      "wrapHeaderText": True, "autoHeaderHeight": True},
                       dashGridOptions={"rowHeight": 48, "headerHeight": 44, "animateRows": False,
                                        "pagination": True, "paginationPageSize": 50,
                                        **no_rows("No officers in this scope."),
                                        "suppressColumnVirtualisation": True},
                       csvExportParams=csv_export("beacon-productivity.csv",
                                                  [c["field"] for c in TEAM_COLUMNS if "field" in c]),
                       columnSize="autoSize", className="productivity-grid",
                       style={"height": "460px", "width": "100%"}),
            html.Div([html.Div(id="pa-team-note"), export_button("pa-export")],
                     className="d-flex flex-wrap align-items-start justify-content-between gap-2 mt-2"),
        ], "pa-team-card"),
        _card("By team", [html.Div(id="pa-by-team"), html.Div(id="pa-by-team-note")]),
        _card("Spread within the scope", [html.Div(id="pa-distribution"), html.Div(id="pa-distribution-note")]),
        _card("Daily trend", [dcc.Loading(dcc.Graph(id="pa-team-trend", config={"displayModeBar": False},
                                                    style={"height": "320px"})),
                              html.Div(id="pa-team-trend-note")]),
    ]


def _queue_section() -> list:
    return [_card("Feedback queue", [
        html.Div(id="pa-queue"),
        dbc.Row([
            dbc.Col([html.Label("Feedback item", htmlFor="pa-q-item", className="form-label small mb-1"),
                     dcc.Dropdown(id="pa-q-item", searchable=False, className="scope-dropdown")], xs=12, md=4),
            dbc.Col([html.Label("Answer", htmlFor="pa-q-decision", className="form-label small mb-1"),
                     dbc.RadioItems(id="pa-q-decision", options=[{"label": "Accept", "value": "accepted"},
                                                                 {"label": "Reject", "value": "rejected"}],
                                    value="accepted", inline=True, className="pt-2")], xs=12, md=3),
            dbc.Col([html.Label("Reason (required to reject)", htmlFor="pa-q-reason",
                                className="form-label small mb-1"),
                     dcc.Input(id="pa-q-reason", type="text", className="form-control", maxLength=1000,
                               style={"minHeight": "44px"})], xs=12, md=5),
        ], className="g-2 mt-2"),
        dbc.Button("Record answer", id="pa-q-submit", color="primary", className="touch-button mt-2"),
        html.Div(id="pa-q-alert", className="mt-2"),
        html.Div(id="pa-queue-note"),
    ], "pa-queue-card")]


def layout(actor) -> html.Div:
    sections = [dbc.Tab(html.Div(_my_section(actor), className="pt-3"), label="My figures", tab_id="pa-mine")]
    if role_allows(actor, "productivity.team"):
        sections.append(dbc.Tab(html.Div(_team_section(), className="pt-3"), label="Team and department",
                                tab_id="pa-team"))
    if role_allows(actor, "feedback.answer"):
        sections.append(dbc.Tab(html.Div(_queue_section(), className="pt-3"), label="Feedback queue",
                                tab_id="pa-queue-tab"))
    return html.Div([
        dbc.Alert([html.I(className="bi bi-info-circle-fill me-2", **{"aria-hidden": "true"}), WORKLOAD_NOTE],
                  color="info", className="mt-3 mb-2", id="pa-workload-note"),
        dbc.Tabs(sections, id="pa-sections", active_tab="pa-mine"),
        dcc.Store(id="pa-fb-metric"),
        dcc.Store(id="pa-refresh", data=0),
        dcc.Store(id="pa-q-refresh", data=0),
        html.Div(id="pa-fb-alert"),
        _feedback_modal(),
    ], className="productivity-tab")

"""Usage and adoption tab: how far Beacon is used, by team, from its own records."""

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.grid import export_button
from components.usage import usage_grid

SIGN_INS_METHOD = ("Successful sign-ins per week from Beacon's audit log, counted to the team (or, for commanders, "
                   "the department or BCU) each person is posted to now; accounts with no officer record are not "
                   "counted, and the latest week is not over.")
CLEARED_METHOD = ("Tasks marked done each week, by the day they were done, whether in Beacon or in the force's "
                  "records system (the grid says how many in Beacon).")
ON_TIME_METHOD = ("Of the tasks with a due date cleared each week, the share done on or before that date; errors "
                  "to correct have no due date and are left out.")
DAYS_METHOD = ("Median days from a task's due date to the day it was done, tasks with a due date cleared each "
               "week; below zero is early.")
GRID_METHOD = ("One row per week, team and kind of task; 'In Beacon' counts completions recorded in Beacon, the "
               "rest came from the records system; on time means done by the due date.")
# Usage figures sit next to team names, so they carry their own caution as the worklist does.
USAGE_CAVEAT = ("These counts show how much Beacon is used, not how well anyone works: a team that records its "
                "work elsewhere signs in less and is not doing less.")


def _figure(title: str, graph_id: str, note_id: str) -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.H2(title, className="h6"),
        dcc.Loading(dcc.Graph(id=graph_id, config={"displayModeBar": False}, style={"height": "380px"})),
        html.Div(id=note_id),
    ]), className="h-100")


def layout(actor) -> html.Div:
    return html.Div([
        dbc.Row([
            dbc.Col([
                html.Label("Scope", htmlFor="us-scope", className="form-label small mb-1"),
                dcc.Dropdown(id="us-scope", clearable=False, searchable=False, className="scope-dropdown"),
            ], xs=12, md=6, lg=5),
            dbc.Col(html.P([html.I(className="bi bi-exclamation-circle me-1", **{"aria-hidden": "true"}),
                            USAGE_CAVEAT], id="us-caveat", className="workload-caveat small", role="note"),
                    xs=12, md=6, lg=7, className="d-flex align-items-end"),
        ], className="g-2 mt-2 mb-3"),
        dbc.Row([
            dbc.Col(_figure("Sign-ins per team, each week", "us-sign-ins", "us-sign-ins-note"), xs=12, lg=6,
                    className="mb-3"),
            dbc.Col(_figure("Tasks cleared by kind, by week beginning", "us-cleared", "us-cleared-note"), xs=12, lg=6,
                    className="mb-3"),
        ]),
        dbc.Row([
            dbc.Col(_figure("Done by the due date", "us-on-time", "us-on-time-note"), xs=12, lg=6, className="mb-3"),
            dbc.Col(_figure("Days from due to done", "us-days", "us-days-note"), xs=12, lg=6, className="mb-3"),
        ]),
        dbc.Card(dbc.CardBody([
            html.Div([html.H2("Tasks cleared by team, week and kind", className="h6 mb-0"),
                      export_button("us-export")],
                     className="d-flex flex-wrap align-items-center justify-content-between gap-2 mb-2"),
            usage_grid("us-grid"),
            html.Div(id="us-grid-note"),
        ]), className="mb-3"),
    ], className="usage-tab")

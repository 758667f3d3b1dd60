"""Demand and capacity tab: open investigations per available officer, backlog trend, demand jumps."""

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.notes import workload_caveat

CAPACITY_METHOD = ("Open investigations divided by officers in post and not on leave today, per unit; "
                   "police staff and officers on annual, sick, maternity or other leave are not counted.")
TREND_METHOD = ("Daily snapshot of open and overdue tasks in scope over the last six weeks; "
                "falling overdue lines are the dashboard's own measure of success.")
JUMPS_METHOD = ("Teams whose new crimes in the latest week reached the jump ratio times their average of "
                "the four weeks before (settings demand_jump_ratio and demand_jump_min_new).")


def layout(actor) -> html.Div:
    return html.Div([
        dbc.Row([
            dbc.Col([
                html.Label("Scope", htmlFor="dm-scope", className="form-label small mb-1"),
                dcc.Dropdown(id="dm-scope", clearable=False, searchable=False, className="scope-dropdown"),
            ], xs=12, md=6, lg=5),
            dbc.Col(workload_caveat("dm-caveat"), xs=12, md=6, lg=7, className="d-flex align-items-end"),
        ], className="g-2 mt-2 mb-3"),
        dbc.Row([
            dbc.Col(dbc.Card(dbc.CardBody([
                html.H2("Open investigations per available officer", className="h6"),
                dcc.Loading(dcc.Graph(id="dm-capacity", config={"displayModeBar": False},
                                      style={"height": "360px"})),
                html.Div(id="dm-capacity-note"),
            ])), xs=12, lg=6, className="mb-3"),
            dbc.Col(dbc.Card(dbc.CardBody([
                html.H2("Outstanding and overdue, last six weeks", className="h6"),
                dcc.Loading(dcc.Graph(id="dm-trend", config={"displayModeBar": False}, style={"height": "360px"})),
                html.Div(id="dm-trend-note"),
            ])), xs=12, lg=6, className="mb-3"),
        ]),
        dbc.Card(dbc.CardBody([
            html.H2("Where demand has jumped", className="h6"),
            html.Div(id="dm-jumps"),
            html.Div(id="dm-jumps-note"),
        ])),
    ], className="demand-tab")

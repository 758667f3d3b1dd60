"""Daily Actions tab: scope selector, badges, forward look, worklist grid and record panel."""

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.grid import export_button, worklist_grid
from components.notes import workload_caveat
from scoring.categories import CATEGORIES

WORKLIST_METHOD = (
    "Open tasks on investigations in the chosen scope. Red: past its deadline, or an error to correct; amber: "
    "due within the due-soon horizon (setting due_soon_days, 7 days by default), or for bail from "
    "bail_warning_days (14 by default) before the bail end date, so an extension can be reviewed in time; "
    "grey: for action with no deadline. The bell counts red and amber only. "
    "Deadlines come from the rules named on each task."
)
GRID_METHOD = ("One row per investigation with work owed, overdue first, then by next deadline; "
               "double-click a row or tap Open to see the record.")
FORWARD_METHOD = "Tasks falling due from today to each horizon; overdue tasks stay counted until done."


def layout(actor) -> html.Div:
    return html.Div([
        dbc.Row([
            dbc.Col([
                html.Label("Scope", htmlFor="da-scope", className="form-label small mb-1"),
                dcc.Dropdown(id="da-scope", clearable=False, searchable=False, className="scope-dropdown"),
            ], xs=12, md=6, lg=5),
            dbc.Col(html.Div(id="da-summary", className="scope-summary", role="status"), xs=12, md=6, lg=7,
                    className="d-flex align-items-end"),
        ], className="g-2 mt-2 mb-2"),
        html.Section([
            html.H2("What is owed", className="visually-hidden"),
            html.Div(id="da-badges", className="badge-grid"),
            html.Div(id="da-badges-note"),
            html.Details([html.Summary("What each badge means"),
                          html.Dl([item for c in CATEGORIES for item in (html.Dt(c.label), html.Dd(c.description))],
                                  className="badge-legend")], className="small mt-1"),
        ], className="mb-3"),
        html.Section([
            html.H2("Coming up", className="h6 text-uppercase text-body-secondary mb-2"),
            html.Div(id="da-forward", className="forward-look"),
            html.Div(id="da-forward-note"),
        ], className="mb-3"),
        html.Section([
            html.Div([
                html.H2("Investigations", className="h5 mb-0"),
                html.Div([
                    dbc.Button([html.I(className="bi bi-funnel me-1"), "Show all"], id="da-clear-filter",
                               color="secondary", outline=True, className="me-2 touch-button"),
                    export_button("da-export"),
                ]),
            ], className="d-flex justify-content-between align-items-center mb-2 flex-wrap gap-2"),
            html.Div(id="da-filter-label", className="small text-body-secondary mb-1"),
            worklist_grid("da-grid"),
            html.Div(id="da-grid-note"),
            workload_caveat("da-caveat"),
        ]),
        dcc.Store(id="da-record-ref"),
        # Set by assets/offline_queue.js when completions queued without a signal have been sent.
        dcc.Store(id="da-synced"),
        dcc.Store(id="da-kind-filter"),
        dbc.Offcanvas(html.Div(id="da-record-body"), id="da-record", title="Investigation", placement="end",
                      is_open=False, scrollable=True, className="record-panel"),
    ], className="daily-actions")

"""Daily Actions tab: scope selector, badges, forward look, worklist grid and record panel."""

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from components.grid import export_button, no_rows, worklist_grid
from components.notes import workload_caveat
from scoring.categories import CATEGORIES

# One line under the badges; the colours and horizons are spelt out in "What each badge means".
WORKLIST_METHOD = ("Badge numbers count tasks owed on investigations in the chosen scope; red is past its deadline "
                   "or an error, amber due within due_soon_days (7) or, for bail, bail_warning_days (14).")
BADGE_DETAIL = ("Red: past its deadline, or an error to correct. Amber: due within the due-soon horizon (setting "
                "due_soon_days, 7 days by default), or for bail from bail_warning_days (14 by default) before the "
                "bail end date, so an extension can be reviewed in time. Grey: for action with no deadline. The "
                "bell counts the red and amber tasks you may complete yourself. Deadlines come from the rules named "
                "on each task.")
GRID_METHOD = ("One row per investigation with work owed, overdue first, then by next deadline (sorted and "
               "filtered on the server, over every row of the scope); double-click a row or tap Open to see the record.")
FORWARD_METHOD = "Tasks falling due from today to each horizon; overdue tasks are counted once, in the first tile."
OFFICER_METHOD = ("Per officer in charge in this scope: investigations with work owed, overdue and due-soon tasks, "
                  "and the earliest deadline already passed; tap a row to list that officer's investigations.")

OFFICER_COLUMNS = [
    {"headerName": "Officer in charge", "field": "oic", "minWidth": 200, "filter": "agTextColumnFilter"},
    {"headerName": "Investigations", "field": "open", "type": "numericColumn", "minWidth": 140},
    {"headerName": "Overdue tasks", "field": "overdue", "type": "numericColumn", "minWidth": 140,
     "cellClassRules": {"cell-overdue": "params.value > 0"}},
    {"headerName": "Due soon", "field": "due_soon", "type": "numericColumn", "minWidth": 120},
    {"headerName": "Oldest overdue", "field": "oldest_overdue", "minWidth": 150, "filter": "agDateColumnFilter",
     "valueFormatter": {"function": "dayMonthYear(params.value)"}},
]


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
            html.Details([html.Summary("What each badge means"), html.P(BADGE_DETAIL, className="mb-1"),
                          html.Dl([item for c in CATEGORIES for item in (html.Dt(c.label), html.Dd(c.description))],
                                  className="badge-legend")], className="small mt-1"),
        ], className="mb-3"),
        # A sergeant's review starts here: who in the team owes what, each row opening that officer's list.
        html.Section([
            html.H2("By officer in charge", className="h5 mt-3 mb-2"),
            # Paged from the server like the worklist: a force has thousands of officers in charge.
            dag.AgGrid(id="da-officers", columnDefs=OFFICER_COLUMNS, rowModelType="infinite",
                       getRowId="params.data.oic_key", defaultColDef={"sortable": True, "resizable": True},
                       dashGridOptions={"rowHeight": 48, "headerHeight": 44, "domLayout": "autoHeight",
                                        "pagination": True, "paginationPageSize": 10, "cacheBlockSize": 50,
                                        "maxConcurrentDatasourceRequests": 1,
                                        "paginationPageSizeSelector": False, **no_rows("No one owes work here.")},
                       columnSize="responsiveSizeToFit", className="officer-grid", style={"width": "100%"}),
            html.Div(id="da-officers-note"),
        ], id="da-officers-section", hidden=True),
        html.Section([
            html.Div([
                html.H2("Investigations", className="h5 mb-0", id="da-grid-heading"),
                html.Div([
                    dbc.Button([html.I(className="bi bi-funnel me-1"), "Show all"], id="da-clear-filter",
                               color="secondary", outline=True, className="me-2 touch-button"),
                    export_button("da-export"),
                ]),
            ], className="d-flex justify-content-between align-items-center mb-2 flex-wrap gap-2"),
            html.Div(id="da-filter-label", className="small text-body-secondary mb-1", role="status"),
            worklist_grid("da-grid"),
            html.Div(id="da-grid-note"),
        ], id="da-grid-section"),
        html.Section([
            html.H2("Coming up", className="h6 text-uppercase text-body-secondary mt-3 mb-2"),
            html.Div(id="da-forward", className="forward-look"),
            html.Div(id="da-forward-note"),
        ], className="mb-3"),
        workload_caveat("da-caveat"),
        dcc.Store(id="da-record-ref"),
        # Set by assets/offline_queue.js when completions queued without a signal have been sent.
        dcc.Store(id="da-synced"),
        dcc.Store(id="da-kind-filter"),
        # Set when the worklist changed (scope, completion): the grid then asks the server for its rows again.
        dcc.Store(id="da-grid-stamp"),
        dcc.Store(id="da-grid-refreshed"),
        dcc.Download(id="da-download"),
        dbc.Offcanvas([
            # Ten reviews in a row need no trip back to the grid: previous and next follow its sort and filter.
            html.Nav([
                dbc.Button([html.I(className="bi bi-chevron-left me-1", **{"aria-hidden": "true"}), "Previous"],
                           id="da-prev", color="secondary", outline=True, className="touch-button", n_clicks=0),
                html.Span(id="da-record-pos", className="small text-body-secondary", role="status"),
                dbc.Button(["Next", html.I(className="bi bi-chevron-right ms-1", **{"aria-hidden": "true"})],
                           id="da-next", color="secondary", outline=True, className="touch-button", n_clicks=0),
            ], className="record-nav d-flex justify-content-between align-items-center mb-2",
                **{"aria-label": "Investigations in the list"}),
            html.Div(id="da-record-body"),
        ], id="da-record", title="Investigation", placement="end", is_open=False, scrollable=True,
            className="record-panel"),
    ], className="daily-actions")

"""Frequent service users tab: the list (main page), one person's details, the method and the refresh."""

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from components.grid import csv_export, export_button, no_rows
from components.jobs import job_tracker
from scoring.settings_fsu import THEME_LABELS, THEMES, describe_fsu_settings

STATEMENT = ("This list counts past interactions with the police. It predicts nothing about anyone's behaviour, "
             "and it must never be used to lower the service anyone receives: it is here so that support and "
             "partner agencies can be focused on the people who need them.")
GRID_METHOD = ("Ranks are among everyone with at least one interaction in the window, not among the rows shown; "
               "filters hide rows and never re-rank. Harm is the sum of Cambridge Crime Harm Index days over "
               "investigations as suspect or offender (caused) and as victim (received).")
CHART_METHOD = "Investigations in the window by the LPA where they took place, for each ticked person."
METHOD_TEXT = [
    "Window: the 12 months before the run date (setting fsu_window_months).",
    "Nine totals per person: suspect, offender and victim counts (distinct investigations recorded in the "
    "window), custody records and custody hours (each stay clamped to 0-200 hours; a stay not yet ended counts "
    "to the run date), calls and resource hours as originator, calls and resource hours as subject. Resource "
    "time per incident is summed over every resource, each from its earliest of assigned, deployed or arrived "
    "to released; pre-planned events are excluded.",
    "Incident parties link to a person by an exact PNC id, or by forename, surname and date of birth matching "
    "one version of exactly one person (case, spaces and punctuation ignored). Anything else stays unlinked "
    "and is counted on the run: nothing is guessed.",
    "Each total is divided by the mean of its 1,000 largest non-zero values. Reading (a), the default "
    "(fsu_normalisation = cap): the result is capped at 1, so one extreme person cannot squash everyone else. "
    "Reading (b) (minmax) divides again by the largest result.",
    "Four metrics, each the plain mean of its totals: investigations and custody (totals 1-5), originator "
    "(6-7), subject (8-9) and overall (all nine). Ties are broken by the mean uncapped ratio, then by the "
    "overall score; people equal on all three share a rank.",
    "The list is the distinct union of the top 100 of each metric.",
]


def _grid() -> dag.AgGrid:
    rank = {"type": "numericColumn", "width": 120, "filter": "agNumberColumnFilter"}
    cols = [
        # Wide enough for the Open button and a 44px selection checkbox side by side.
        {"headerName": "", "field": "open", "cellRenderer": "OpenButton", "width": 156, "minWidth": 156,
         "maxWidth": 156, "pinned": "left", "resizable": False, "suppressAutoSize": True,
         "sortable": False, "filter": False, "checkboxSelection": True, "headerCheckboxSelection": False},
        {"headerName": "Name", "field": "name", "minWidth": 190, "filter": "agTextColumnFilter"},
        {"headerName": "Rank: overall", "field": "rank_overall", "sort": "asc", **rank},
        {"headerName": "Rank: investigations and custody", "field": "rank_inv_custody", **rank},
        {"headerName": "Rank: originator", "field": "rank_originator", **rank},
        {"headerName": "Rank: subject", "field": "rank_subject", **rank},
        {"headerName": "Harm caused", "field": "harm_caused", "type": "numericColumn", "width": 130},
        {"headerName": "Harm received", "field": "harm_received", "type": "numericColumn", "width": 130},
        {"headerName": "LPA", "field": "lpa", "minWidth": 150},
        {"headerName": "Themes", "field": "themes", "minWidth": 150},
    ]
    exported = [c["field"] for c in cols if c["field"] != "open"]
    return dag.AgGrid(
        id="fsu-grid", columnDefs=cols, rowData=[], getRowId="params.data.person_id",
        defaultColDef={"sortable": True, "resizable": True},
        dashGridOptions={"rowHeight": 52, "headerHeight": 44, "rowSelection": "multiple",
                         "suppressRowClickSelection": True, "pagination": True, "paginationPageSize": 50,
                         **no_rows("No one on the list matches these filters, or no run yet."),
                         "suppressColumnVirtualisation": True},
        csvExportParams=csv_export("beacon-frequent-service-users.csv", exported),
        className="fsu-grid", style={"height": "520px", "width": "100%"},
    )


def _settings_table() -> html.Table:
    rows = [html.Tr([html.Td(html.Code(d["name"])), html.Td(d["value_text"]), html.Td(d["doc"])])
            for d in describe_fsu_settings()]
    return html.Table([html.Thead(html.Tr([html.Th("Setting"), html.Th("Value"), html.Th("Meaning")])),
                       html.Tbody(rows)], className="table table-sm small")


def _main_page() -> html.Div:
    return html.Div([
        dbc.Row([
            dbc.Col([html.Label("LPA (home address)", htmlFor="fsu-lpa", className="form-label small mb-1"),
                     dcc.Dropdown(id="fsu-lpa", multi=True, placeholder="All LPAs", className="scope-dropdown")],
                    xs=12, md=4),
            dbc.Col([html.Div("Themes", className="form-label small mb-1", id="fsu-themes-label"),
                     dbc.Checklist(id="fsu-themes", inline=True, value=[],
                                   options=[{"label": THEME_LABELS[t], "value": t} for t in THEMES],
                                   input_class_name="fsu-check", label_class_name="fsu-check-label")],
                    xs=12, md=4),
            dbc.Col([html.Label("Priority crime types", htmlFor="fsu-priority", className="form-label small mb-1"),
                     dcc.Dropdown(id="fsu-priority", multi=True, placeholder="Any", className="scope-dropdown")],
                    xs=12, md=4),
        ], className="g-2 mb-2"),
        html.Div([html.Div(id="fsu-summary", className="small", role="status"), export_button("fsu-list-export")],
                 className="d-flex flex-wrap align-items-center justify-content-between gap-2 mb-1"),
        _grid(),
        html.Div(id="fsu-grid-note"),
        dbc.Card(dbc.CardBody([
            html.H2("Where each ticked person's investigations took place", className="h6"),
            dcc.Graph(id="fsu-chart", config={"displayModeBar": False}, style={"height": "320px"}),
            html.Div(id="fsu-chart-note"),
        ]), className="mt-3"),
    ], id="fsu-main-page")


def layout(actor) -> html.Div:
    return html.Div([
        dbc.Alert([html.I(className="bi bi-shield-exclamation me-2", **{"aria-hidden": "true"}), STATEMENT],
                  color="warning", className="mt-2 py-2", id="fsu-statement"),
        html.Div([
            html.Div(id="fsu-run-status", className="me-auto", role="status"),
            dbc.Button([html.I(className="bi bi-arrow-repeat me-1", **{"aria-hidden": "true"}), "Refresh the list"],
                       id="fsu-refresh", color="secondary", outline=True, className="touch-button"),
        ], className="d-flex align-items-center flex-wrap gap-2 mb-2"),
        html.Div(dbc.Progress(id="fsu-progress", value=0, label="", className="mb-1", style={"height": "22px"}),
                 **{"data-progress-name": "Progress of the list refresh"}),
        html.Div(id="fsu-job-state", className="small mb-2", role="status"),
        _main_page(),
        html.Div([
            html.Div([
                dbc.Button([html.I(className="bi bi-arrow-left me-1", **{"aria-hidden": "true"}), "Back to the list"],
                           id="fsu-back", color="secondary", outline=True, className="touch-button"),
                dbc.Button([html.I(className="bi bi-download me-1", **{"aria-hidden": "true"}), "Export summary"],
                           id="fsu-export", color="primary", className="touch-button"),
            ], className="d-flex gap-2 mb-2 flex-wrap"),
            html.Div(id="fsu-details"),
        ], id="fsu-details-page", style={"display": "none"}),
        html.Details([html.Summary("How the list is made"), html.Ul([html.Li(t) for t in METHOD_TEXT]),
                      _settings_table()], className="small mt-3", id="fsu-method"),
        dcc.Store(id="fsu-person"),
        *job_tracker("fsu"),
        dcc.Store(id="fsu-run-done"),
        dcc.Download(id="fsu-download"),
    ], className="fsu-tab")

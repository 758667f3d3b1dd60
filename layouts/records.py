"""Force records tab for administrators: load the force's extract, see each load and its quarantine, export completions."""

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from components.grid import csv_export, export_button
from components.jobs import job_tracker

HISTORY_COLUMNS = [("Load", "id", 80), ("Status", "status", 110), ("Mapping", "mapping", 140),
                   ("Started", "started_at", 170), ("By", "started_by", 100), ("Read", "read", 90),
                   ("New", "inserted", 90), ("Changed", "updated", 100), ("Deleted", "deleted", 90),
                   ("Quarantined", "quarantined", 120), ("Result", "message", 320)]
QUARANTINE_COLUMNS = [("Table", "source_table", 120), ("File", "file", 200), ("Line", "line", 80),
                      ("Reason", "reason", 480)]


def _grid(grid_id: str, columns, height: str, file_name: str) -> dag.AgGrid:
    return dag.AgGrid(
        id=grid_id, rowData=[],
        columnDefs=[{"field": f, "headerName": h, "minWidth": w, "tooltipField": f} for h, f, w in columns],
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions={"pagination": True, "paginationPageSize": 20, "rowHeight": 40,
                         "rowSelection": {"mode": "singleRow", "enableClickSelection": True}},
        csvExportParams=csv_export(file_name, [f for _h, f, _w in columns]),
        columnSize="responsiveSizeToFit", style={"height": height, "width": "100%"})


def layout(actor) -> html.Div:
    card = lambda title, *children: dbc.Card(dbc.CardBody([html.H2(title, className="h6"), *children]),  # noqa: E731
                                             className="mb-3")
    return html.Div([
        card("Load the force's records",
             html.Div(id="rec-source", className="small mb-2"),
             dbc.Row([
                 dbc.Col(dbc.Button("Check only", id="rec-check", color="secondary", outline=True,
                                    className="w-100 touch"), xs=6, md=3),
                 dbc.Col(dbc.Button("Load now", id="rec-load", color="primary", className="w-100 touch"), xs=6, md=3),
             ], className="g-2 mb-2"),
             *job_tracker("rec"),
             html.Div(dbc.Progress(id="rec-progress", value=0, label="", className="mb-2", style={"height": "24px"}),
                      **{"data-progress-name": "Load progress"}),
             html.Div(id="rec-result", role="status"),
             html.P("A check reads and validates the extract and records what it would quarantine, changing nothing. "
                    "A load is one transaction: it is all in, or none of it is. Schedule: see docs/data-contract.md.",
                    className="small text-body-secondary mb-0")),
        card("Recent loads",
             html.Div([html.P("Select a load to see the rows it quarantined, with their file, line and reason.",
                             className="small text-body-secondary mb-0"), export_button("rec-history-export")],
                      className="d-flex flex-wrap align-items-center justify-content-between gap-2 mb-2"),
             _grid("rec-history", HISTORY_COLUMNS, "360px", "beacon-record-loads.csv"),
             html.Div([html.H3("Quarantined rows of the selected load", className="h6 mb-0"),
                       export_button("rec-quarantine-export")],
                      className="d-flex flex-wrap align-items-center justify-content-between gap-2 mt-3 mb-2"),
             _grid("rec-quarantine", QUARANTINE_COLUMNS, "320px", "beacon-quarantined-rows.csv")),
        card("Completions made in Beacon",
             html.Div(id="rec-reconciliation", className="small mb-2"),
             dbc.Button([html.I(className="bi bi-download me-1", **{"aria-hidden": "true"}),
                         "Export completions to key into the records system"], id="rec-export",
                        color="secondary", outline=True, className="touch"),
             dcc.Download(id="rec-export-file")),
    ], className="mt-3 records-tab")

"""AG Grid factory for the investigations worklist."""

import csv
import io

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html


COLUMNS = [
    {"headerName": "", "field": "open", "cellRenderer": "OpenButton", "width": 92, "minWidth": 92, "maxWidth": 92,
     "pinned": "left", "sortable": False, "filter": False, "resizable": False, "suppressHeaderMenuButton": True,
     "suppressAutoSize": True},
    # Reference, offence and state first: what a tablet in portrait shows without scrolling sideways.
    {"headerName": "Crime ref", "field": "crime_ref", "minWidth": 150, "filter": "agTextColumnFilter"},
    # Capped, so a long offence name never pushes the status and deadline off a portrait screen.
    {"headerName": "Offence", "field": "offence", "minWidth": 170, "maxWidth": 230, "tooltipField": "offence"},
    {"headerName": "Status", "field": "state_label", "minWidth": 120, "filter": "agTextColumnFilter",
     "cellClassRules": {"cell-overdue": "params.data && params.data.state == 'overdue'",
                        "cell-due-soon": "params.data && params.data.state == 'due_soon'"}},
    {"headerName": "Next deadline", "field": "next_due", "minWidth": 140, "sort": None,
     "filter": "agDateColumnFilter",
     "valueFormatter": {"function": "dayMonthYear(params.value)"}},
    {"headerName": "Next task", "field": "next_kind", "minWidth": 160},
    {"headerName": "Officer in charge", "field": "oic", "minWidth": 170},
    # Hidden: the officers grid filters by it, because two officers in a force can share a name.
    {"headerName": "", "field": "oic_key", "hide": True, "filter": "agTextColumnFilter",
     "suppressColumnsToolPanel": True},
    {"headerName": "Overdue", "field": "n_overdue", "type": "numericColumn", "width": 110,
     "filter": "agNumberColumnFilter"},
    {"headerName": "Due soon", "field": "n_due_soon", "type": "numericColumn", "width": 110,
     "filter": "agNumberColumnFilter"},
    {"headerName": "Flags", "field": "flags", "minWidth": 220, "tooltipField": "flags"},
    {"headerName": "Team", "field": "team", "minWidth": 150},
    {"headerName": "Rule", "field": "next_rule", "minWidth": 110},
]


def csv_export(file_name: str, columns: list[str] | None = None) -> dict:
    """CSV export settings for a grid: its file name, its columns, and cells made safe to open in a spreadsheet."""
    params = {"fileName": file_name, "processCellCallback": {"function": "csvSafeCell(params)"}}
    if columns:
        params["columnKeys"] = columns
    return params


def csv_safe_cell(value):
    """A cell a spreadsheet will not run as a formula (as assets/dashAgGridFunctions.js csvSafeCell does)."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_download(rows: list[dict], columns: list[dict], file_name: str) -> dict:
    """A dcc.Download of rows as CSV under the grid's column headers, cells made safe for a spreadsheet."""
    shown = [c for c in columns if c.get("headerName")]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c["headerName"] for c in shown])
    for row in rows:
        writer.writerow([csv_safe_cell(row.get(c["field"])) for c in shown])
    return dcc.send_string(out.getvalue(), file_name, type="text/csv")


def export_button(button_id: str, label: str = "Export CSV"):
    """The button that downloads a grid's rows as CSV (its callback audits the export)."""
    return dbc.Button([html.I(className="bi bi-download me-1", **{"aria-hidden": "true"}), label], id=button_id,
                      color="secondary", outline=True, className="export-button", n_clicks=0)


def no_rows(message: str) -> dict:
    """Grid options that show message, as text, when a grid has no rows."""
    # dash-ag-grid refuses overlayNoRowsTemplate strings (they are raw HTML), so a component renders it.
    return {"noRowsOverlayComponent": "NoRows", "noRowsOverlayComponentParams": {"message": message}}


WORKLIST_BLOCK = 100  # rows the grid asks the server for at a time


def worklist_grid(grid_id: str) -> dag.AgGrid:
    """The worklist grid: one row per investigation, keyed by crime reference, paged from the server."""
    return dag.AgGrid(
        id=grid_id,
        columnDefs=COLUMNS,
        # A force holds tens of thousands of investigations: the server sorts and filters them and sends
        # the block in view, so a BCU or force scope costs the reader one block, not every row.
        rowModelType="infinite",
        getRowId="params.data.crime_ref",
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "floatingFilter": False},
        dashGridOptions={
            "rowHeight": 52,
            "headerHeight": 44,
            "animateRows": False,
            "pagination": True,
            "paginationPageSize": 50,
            "paginationPageSizeSelector": [25, 50, 100],
            "cacheBlockSize": WORKLIST_BLOCK,
            "maxBlocksInCache": 20,
            # dash-ag-grid answers only the newest request: two at once would leave one block loading.
            "maxConcurrentDatasourceRequests": 1,
            **no_rows("Nothing owed in this scope."),
            "enableCellTextSelection": True,
            "suppressCellFocus": False,
            # Every column rendered, so autosize and a tablet's sideways scroll both see them all.
            "suppressColumnVirtualisation": True,
        },
        columnSize="autoSize",
        className="worklist-grid",
        style={"height": "560px", "width": "100%"},
    )


AUDIT_COLUMNS = [("When", "at", 200), ("Who", "username", 130), ("Action", "action", 120),
                 ("Object type", "object_type", 140), ("Object", "object_id", 160), ("Scope", "scope", 160),
                 ("Detail", "detail", 320)]


def audit_grid(grid_id: str) -> dag.AgGrid:
    """Read-only grid of audit rows."""
    return dag.AgGrid(
        id=grid_id,
        # Minimum widths, because the grid is laid out while its tab is hidden and autosize then squashes it.
        columnDefs=[{"field": f, "headerName": h, "minWidth": w, "tooltipField": f} for h, f, w in AUDIT_COLUMNS],
        rowData=[],
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions={"pagination": True, "paginationPageSize": 50, "rowHeight": 40},
        csvExportParams=csv_export("beacon-audit-log.csv", [f for _h, f, _w in AUDIT_COLUMNS]),
        columnSize="responsiveSizeToFit",
        style={"height": "600px", "width": "100%"},
    )

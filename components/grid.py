"""AG Grid factory for the investigations worklist."""

import dash_ag_grid as dag

STATE_WORDS = {"overdue": "Overdue", "due_soon": "Due soon", "upcoming": "Upcoming", "info": "For information"}

COLUMNS = [
    {"headerName": "", "field": "open", "cellRenderer": "OpenButton", "width": 92, "minWidth": 92, "maxWidth": 92,
     "pinned": "left", "sortable": False, "filter": False, "resizable": False, "suppressHeaderMenuButton": True,
     "suppressAutoSize": True},
    {"headerName": "Crime ref", "field": "crime_ref", "minWidth": 150, "filter": "agTextColumnFilter"},
    {"headerName": "Status", "field": "state_label", "minWidth": 120, "filter": "agTextColumnFilter",
     "cellClassRules": {"cell-overdue": "params.data.state == 'overdue'",
                        "cell-due-soon": "params.data.state == 'due_soon'"}},
    {"headerName": "Next deadline", "field": "next_due", "minWidth": 130, "sort": None},
    {"headerName": "Next task", "field": "next_kind", "minWidth": 160},
    {"headerName": "Overdue", "field": "n_overdue", "type": "numericColumn", "width": 110,
     "filter": "agNumberColumnFilter"},
    {"headerName": "Due soon", "field": "n_due_soon", "type": "numericColumn", "width": 110,
     "filter": "agNumberColumnFilter"},
    {"headerName": "Flags", "field": "flags", "minWidth": 220, "tooltipField": "flags"},
    {"headerName": "Offence", "field": "offence", "minWidth": 170},
    {"headerName": "Officer in charge", "field": "oic", "minWidth": 170},
    {"headerName": "Team", "field": "team", "minWidth": 150},
    {"headerName": "Rule", "field": "next_rule", "minWidth": 110},
]


def csv_export(file_name: str, columns: list[str] | None = None) -> dict:
    """CSV export settings for a grid: its file name, its columns, and cells made safe to open in a spreadsheet."""
    params = {"fileName": file_name, "processCellCallback": {"function": "csvSafeCell(params)"}}
    if columns:
        params["columnKeys"] = columns
    return params


def no_rows(message: str) -> dict:
    """Grid options that show message, as text, when a grid has no rows."""
    # dash-ag-grid refuses overlayNoRowsTemplate strings (they are raw HTML), so a component renders it.
    return {"noRowsOverlayComponent": "NoRows", "noRowsOverlayComponentParams": {"message": message}}


def worklist_grid(grid_id: str) -> dag.AgGrid:
    """The worklist grid: one row per investigation, keyed by crime reference."""
    return dag.AgGrid(
        id=grid_id,
        columnDefs=COLUMNS,
        rowData=[],
        getRowId="params.data.crime_ref",
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "floatingFilter": False},
        dashGridOptions={
            "rowHeight": 52,
            "headerHeight": 44,
            "animateRows": False,
            "pagination": True,
            "paginationPageSize": 50,
            "paginationPageSizeSelector": [25, 50, 100, 500],
            **no_rows("Nothing owed in this scope."),
            "enableCellTextSelection": True,
            "suppressCellFocus": False,
            # Every column rendered, so autosize and a tablet's sideways scroll both see them all.
            "suppressColumnVirtualisation": True,
        },
        csvExportParams=csv_export("beacon-worklist.csv", [c["field"] for c in COLUMNS if c["field"] != "open"]),
        columnSize="autoSize",
        className="worklist-grid",
        style={"height": "560px", "width": "100%"},
    )


def audit_grid(grid_id: str) -> dag.AgGrid:
    """Read-only grid of audit rows."""
    cols = ["at", "username", "action", "object_type", "object_id", "scope", "detail"]
    return dag.AgGrid(
        id=grid_id,
        columnDefs=[{"field": c, "headerName": c.replace("_", " ").capitalize()} for c in cols],
        rowData=[],
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions={"pagination": True, "paginationPageSize": 50, "rowHeight": 40},
        columnSize="autoSize",
        style={"height": "600px", "width": "100%"},
    )

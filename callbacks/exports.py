"""CSV export of each grid: the browser writes the file from the rows it holds; the server checks and audits.

The worklist grid holds only the block in view, so its file is written by the server (callbacks/daily_actions.py).
"""

from dash import Input, Output
from dash.exceptions import PreventUpdate

from callbacks.auth import current_actor
from data_access.audit import record_export

# grid id, its export button, the permission that reads the grid, the name the audit row gives it.
EXPORTS = [
    ("pa-team-grid", "pa-export", "productivity.team", "productivity_team"),
    ("st-ranks", "st-export", "strategic.read", "strategic_ranks"),
    ("audit-grid", "audit-export", "audit.read", "audit_log"),
    ("us-grid", "us-export", "usage.read", "usage"),
    ("fsu-grid", "fsu-list-export", "fsu.read", "frequent_service_users"),
    ("rec-history", "rec-history-export", "records.load", "record_loads"),
    ("rec-quarantine", "rec-quarantine-export", "records.load", "quarantined_rows"),
]


def _register_one(app, store, grid_id: str, button_id: str, action: str, name: str) -> None:
    @app.callback(Output(grid_id, "exportDataAsCsv"), Input(button_id, "n_clicks"), prevent_initial_call=True)
    def export(n_clicks):
        actor = current_actor()
        if not n_clicks:
            raise PreventUpdate
        record_export(store, actor, action, name)
        return True


def register(app, store) -> None:
    for grid_id, button_id, action, name in EXPORTS:
        _register_one(app, store, grid_id, button_id, action, name)

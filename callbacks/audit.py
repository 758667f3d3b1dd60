"""Audit tab callback: administrators only, enforced in data_access."""

import pandas as pd
from dash import Input, Output
from dash.exceptions import PreventUpdate

from callbacks.auth import current_actor
from data_access.audit import recent_audit


def register(app, store) -> None:
    @app.callback(Output("audit-grid", "rowData"), Input("main-tabs", "active_tab"), prevent_initial_call=True)
    def render(active_tab):
        actor = current_actor()
        if active_tab != "audit":
            raise PreventUpdate
        frame = recent_audit(store, actor)
        # To the second: the microseconds stored with each row pushed the time itself out of the column.
        frame["at"] = pd.to_datetime(frame["at"]).dt.strftime("%Y-%m-%d %H:%M:%S")
        return frame.to_dict("records")

"""Demand and capacity callbacks: scope options and the three figures."""

import plotly.graph_objects as go
from dash import Input, Output, html
from dash.exceptions import PreventUpdate

from callbacks.auth import current_actor
from components.charts import capacity_figure, empty_figure, trend_figure
from components.notes import method_note
from data_access.demand import demand_view
from data_access.worklist import scope_choices
from layouts.demand import CAPACITY_METHOD, JUMPS_METHOD, TREND_METHOD


def _jumps_table(jumps) -> html.Div:
    if jumps is None or jumps.empty:
        return html.P("No team's new crimes jumped in the latest week.", className="mb-1")
    rows = [html.Tr([html.Td(r.unit_name), html.Td(f"{r.latest:.0f}"), html.Td(f"{r.baseline:.1f}"),
                     html.Td(f"{r.ratio:.1f}×")]) for r in jumps.itertuples()]
    return html.Table([html.Thead(html.Tr([html.Th("Team"), html.Th("New crimes, latest week"),
                                           html.Th("Weekly average before"), html.Th("Ratio")])),
                       html.Tbody(rows)], className="table table-sm mb-1", id="dm-jumps-table")


def register(app, store) -> None:
    @app.callback(Output("dm-scope", "options"), Output("dm-scope", "value"), Input("dm-scope", "id"))
    def scope_options(_):
        choices = scope_choices(store, current_actor(), "demand.read", own=False)
        return choices, (choices[0]["value"] if choices else None)

    @app.callback(
        Output("dm-capacity", "figure"), Output("dm-capacity-note", "children"),
        Output("dm-trend", "figure"), Output("dm-trend-note", "children"),
        Output("dm-jumps", "children"), Output("dm-jumps-note", "children"),
        Input("dm-scope", "value"), Input("main-tabs", "active_tab"),
        prevent_initial_call=True,
    )
    def render(scope_value, active_tab):
        actor = current_actor()
        if active_tab != "demand" or not scope_value:
            raise PreventUpdate
        view = demand_view(store, actor, scope_value)
        as_of = view["data_as_of"]
        if view["empty"]:
            fig: go.Figure = empty_figure("No data in this scope")
            return fig, method_note(CAPACITY_METHOD, as_of), fig, method_note(TREND_METHOD, as_of), \
                html.P("No data"), method_note(JUMPS_METHOD, as_of)
        return (capacity_figure(view["capacity"], view["level"]), method_note(CAPACITY_METHOD, as_of),
                trend_figure(view["trend"]), method_note(TREND_METHOD, as_of),
                _jumps_table(view["jumps"]), method_note(JUMPS_METHOD, as_of))

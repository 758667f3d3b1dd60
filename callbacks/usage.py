"""Usage and adoption callbacks: scope options, the four figures and the grid."""

from dash import Input, Output
from dash.exceptions import PreventUpdate

from callbacks.auth import current_actor
from components.charts import empty_figure
from components.notes import method_note
from components.usage import cleared_figure, days_figure, sign_ins_figure, timeliness_figure, usage_rows
from data_access.usage import usage_view
from data_access.worklist import scope_choices
from layouts.usage import CLEARED_METHOD, DAYS_METHOD, GRID_METHOD, ON_TIME_METHOD, SIGN_INS_METHOD


def register(app, store) -> None:
    @app.callback(Output("us-scope", "options"), Output("us-scope", "value"), Input("us-scope", "id"))
    def scope_options(_):
        choices = scope_choices(store, current_actor(), "usage.read", own=False)
        return choices, (choices[0]["value"] if choices else None)

    @app.callback(
        Output("us-sign-ins", "figure"), Output("us-sign-ins-note", "children"),
        Output("us-cleared", "figure"), Output("us-cleared-note", "children"),
        Output("us-on-time", "figure"), Output("us-on-time-note", "children"),
        Output("us-days", "figure"), Output("us-days-note", "children"),
        Output("us-grid", "rowData"), Output("us-grid-note", "children"),
        Input("us-scope", "value"), Input("main-tabs", "active_tab"),
        prevent_initial_call=True,
    )
    def render(scope_value, active_tab):
        actor = current_actor()
        if active_tab != "usage" or not scope_value:
            raise PreventUpdate
        view = usage_view(store, actor, scope_value)
        as_of = view["data_as_of"]
        notes = [method_note(m, as_of) for m in (SIGN_INS_METHOD, CLEARED_METHOD, ON_TIME_METHOD, DAYS_METHOD,
                                                  GRID_METHOD)]
        if view["empty"]:
            fig = empty_figure("No data in this scope")
            return fig, notes[0], fig, notes[1], fig, notes[2], fig, notes[3], [], notes[4]
        weeks = view["weeks"]
        return (sign_ins_figure(view["sign_ins"], weeks), notes[0],
                cleared_figure(view["cleared"], weeks), notes[1],
                timeliness_figure(view["timeliness"], weeks), notes[2],
                days_figure(view["timeliness"], weeks), notes[3],
                usage_rows(view["cleared"]), notes[4])

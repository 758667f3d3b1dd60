"""Productivity and availability callbacks: my figures, a report's availability, team view, feedback."""

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate

from callbacks.auth import current_actor
from components.charts import empty_figure
from components.notes import method_note
from components.productivity import (
    availability_card,
    by_team_table,
    distribution_table,
    feedback_list,
    productivity_table,
    trend_figure,
)
from data_access.feedback import answer_feedback, feedback_queue, my_feedback, submit_feedback
from data_access.productivity import (
    availability_for,
    direct_reports,
    productivity_for,
    team_scope_choices,
    team_view,
    trend_for,
)
from layouts.productivity import (
    AVAILABILITY_METHOD,
    DEPLOYABLE_METHOD,
    DISTRIBUTION_METHOD,
    PRODUCTIVITY_METHOD,
    QUEUE_METHOD,
    TEAM_METHOD,
    TREND_METHOD,
)
from scoring.availability import CRITERION_LABELS
from scoring.productivity import METRIC_BY_ID

TAB = "productivity"
LABELS = {m.id: m.label for m in METRIC_BY_ID.values()}
ALL_LABELS = LABELS | CRITERION_LABELS | {"availability_score": "Availability score"}


def _active(tab) -> None:
    if tab != TAB:
        raise PreventUpdate


def register(app, store) -> None:
    @app.callback(
        Output("pa-my-productivity", "children"), Output("pa-my-productivity-note", "children"),
        Output("pa-my-availability", "children"), Output("pa-my-availability-note", "children"),
        Output("pa-my-feedback", "children"), Output("pa-officer", "options"), Output("pa-reports-card", "style"),
        Input("main-tabs", "active_tab"), Input("pa-refresh", "data"), Input("pa-q-refresh", "data"),
    )
    def my_figures(tab, _refresh, _q):
        _active(tab)
        actor = current_actor()
        reports = [{"label": r["name"], "value": r["id"]} for r in direct_reports(store, actor)]
        # Only someone with people to manage has a use for the card.
        reports_style = None if reports else {"display": "none"}
        if actor.officer_id is None:
            none = html.P("No data: this account is not linked to an officer or member of staff.")
            return none, None, none, None, none, reports, reports_style
        prod = productivity_for(store, actor, actor.officer_id)
        avail = availability_for(store, actor, actor.officer_id)
        return (productivity_table(prod), method_note(PRODUCTIVITY_METHOD, prod["data_as_of"]),
                availability_card(avail), method_note(AVAILABILITY_METHOD + " " + DEPLOYABLE_METHOD,
                                                      avail["data_as_of"]),
                feedback_list(my_feedback(store, actor)), reports, reports_style)

    @app.callback(Output("pa-my-trend", "figure"), Output("pa-my-trend-note", "children"),
                  Input("pa-my-trend-metric", "value"), Input("main-tabs", "active_tab"))
    def my_trend(metric, tab):
        _active(tab)
        actor = current_actor()
        if actor.officer_id is None or not metric:
            return empty_figure("No data"), None
        view = trend_for(store, actor, actor.officer_id, metric)
        return trend_figure(view["trend"], LABELS.get(metric, metric)), method_note(TREND_METHOD, view["data_as_of"])

    @app.callback(Output("pa-officer-availability", "children"), Input("pa-officer", "value"),
                  prevent_initial_call=True)
    def officer_availability(officer_id):
        actor = current_actor()
        if officer_id in (None, ""):
            return None
        # availability_for refuses (403) anyone outside the actor's chain of command.
        avail = availability_for(store, actor, officer_id)
        prod = productivity_for(store, actor, officer_id)
        return [html.H3(prod["name"], className="h6"), availability_card(avail, with_feedback=False),
                method_note(AVAILABILITY_METHOD, avail["data_as_of"]), productivity_table(prod) if
                prod["applicable"] else None]

    @app.callback(Output("pa-scope", "options"), Output("pa-scope", "value"), Input("pa-scope", "id"))
    def scope_options(_):
        choices = team_scope_choices(store, current_actor())
        return choices, (choices[0]["value"] if choices else None)

    @app.callback(
        Output("pa-team-grid", "rowData"), Output("pa-team-note", "children"),
        Output("pa-by-team", "children"), Output("pa-by-team-note", "children"),
        Output("pa-distribution", "children"), Output("pa-distribution-note", "children"),
        Output("pa-team-trend", "figure"), Output("pa-team-trend-note", "children"),
        Input("pa-scope", "value"), Input("pa-metric", "value"), Input("main-tabs", "active_tab"),
        prevent_initial_call=True,
    )
    def team(scope_value, metric, tab):
        _active(tab)
        actor = current_actor()
        if not scope_value:
            raise PreventUpdate
        view = team_view(store, actor, scope_value, metric or "incidents_attended")
        as_of = view["data_as_of"]
        if view["empty"]:
            return [], method_note(TEAM_METHOD, as_of), html.P("No data"), None, html.P("No data"), None, \
                empty_figure("No data"), None
        return (view["rows"], method_note(TEAM_METHOD, as_of),
                by_team_table(view["by_team"], LABELS), method_note(TEAM_METHOD, as_of),
                distribution_table(view["distribution"], LABELS), method_note(DISTRIBUTION_METHOD, as_of),
                trend_figure(view["trend"], LABELS.get(metric, metric)), method_note(TREND_METHOD, as_of))

    @app.callback(
        Output("pa-fb-modal", "is_open"), Output("pa-fb-metric", "data"), Output("pa-fb-title", "children"),
        Output("pa-fb-error", "children"), Output("pa-fb-alert", "children"), Output("pa-refresh", "data"),
        Output("pa-fb-message", "value"),
        Input({"type": "pa-fb-open", "metric": ALL}, "n_clicks"), Input("pa-fb-submit", "n_clicks"),
        Input("pa-fb-cancel", "n_clicks"),
        State("pa-fb-metric", "data"), State("pa-fb-message", "value"), State("pa-refresh", "data"),
        prevent_initial_call=True,
    )
    def feedback(_opens, _submit, _cancel, metric, message, refresh):
        actor = current_actor()
        trig = ctx.triggered_id
        if isinstance(trig, dict) and trig.get("type") == "pa-fb-open":
            if not ctx.triggered[0]["value"]:
                raise PreventUpdate  # a button was drawn, not pressed
            label = ALL_LABELS.get(trig["metric"], trig["metric"])
            return True, trig["metric"], f"Feedback on: {label}", None, no_update, no_update, ""
        if trig == "pa-fb-cancel":
            return False, no_update, no_update, None, no_update, no_update, no_update
        if trig != "pa-fb-submit":
            raise PreventUpdate
        if not isinstance(message, str) or not message.strip():
            return no_update, no_update, no_update, "Please say what is wrong.", no_update, no_update, no_update
        from data_access.productivity import periods

        p = periods(store)
        result = submit_feedback(store, actor, metric, message, f"{p['window_start']} to {p['end']}")
        text = "Thank you: your feedback is with your line manager." if result["created"] else \
            "You had already sent this; nothing was sent twice."
        alert = dbc.Alert(text, color="success", duration=8000, id="pa-fb-done", className="mt-2")
        return False, None, no_update, None, alert, (refresh or 0) + 1, ""

    @app.callback(Output("pa-queue", "children"), Output("pa-q-item", "options"), Output("pa-q-item", "value"),
                  Output("pa-queue-note", "children"),
                  Input("main-tabs", "active_tab"), Input("pa-q-refresh", "data"), Input("pa-refresh", "data"))
    def queue(tab, _q, _r):
        _active(tab)
        actor = current_actor()
        frame = feedback_queue(store, actor)
        options = [{"label": f"#{r.id} {r.officer}: {ALL_LABELS.get(r.metric, r.metric)}", "value": int(r.id)}
                   for r in frame.itertuples() if r.status == "open"]
        # The oldest open item is chosen first, so a queue is worked through in order.
        first = options[-1]["value"] if options else None
        return feedback_list(frame, with_officer=True), options, first, method_note(QUEUE_METHOD, store.data_as_of())

    @app.callback(Output("pa-q-alert", "children"), Output("pa-q-refresh", "data"),
                  Input("pa-q-submit", "n_clicks"), State("pa-q-item", "value"), State("pa-q-decision", "value"),
                  State("pa-q-reason", "value"), State("pa-q-refresh", "data"), prevent_initial_call=True)
    def answer(n_clicks, item, decision, reason, refresh):
        actor = current_actor()
        if not n_clicks or item in (None, ""):
            raise PreventUpdate
        if decision == "rejected" and not (reason or "").strip():
            return dbc.Alert("A rejection needs a reason the officer can read.", color="warning"), no_update
        result = answer_feedback(store, actor, item, decision, reason)
        text = "Answer recorded; the officer can see it." if result["changed"] else "That answer was already recorded."
        return dbc.Alert(text, color="success", duration=8000, id="pa-q-done"), (refresh or 0) + 1

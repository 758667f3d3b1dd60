"""Frequent service users callbacks: the list, the chart, the details page, the export and the refresh job."""

import flask
from dash import Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate
from flask_login import current_user

from callbacks.auth import current_actor
from components.fsu import details_body, lpa_figure, run_banner
from components.jobs import failure_text, progress_label
from components.notes import method_note
from data_access import fsu
from data_access.errors import AccessDenied
from data_access.permissions import role_allows
from data_access.jobs import state as job_state
from layouts.fsu import CHART_METHOD, GRID_METHOD

HIDDEN, SHOWN = {"display": "none"}, {"display": "block"}
FSU_PREFIX = "fsu-"


def _fsu_request_denied() -> bool:
    """True for a callback request that writes an fsu-* output from someone without the permission."""
    req = flask.request
    if req.path != "/_dash-update-component" or not req.is_json:
        return False
    body = req.get_json(silent=True) or {}
    if FSU_PREFIX not in str(body.get("output", "")):
        return False
    actor = getattr(current_user, "actor", None) if getattr(current_user, "is_authenticated", False) else None
    return actor is not None and not role_allows(actor, "fsu.read")


def register(app, store) -> None:
    @app.server.before_request
    def _fsu_guard():
        # Refused here, before Dash runs anything, as well as inside every data_access call.
        if _fsu_request_denied():
            raise AccessDenied("the frequent-service-user permission is required")
        return None

    @app.callback(
        Output("fsu-grid", "rowData"), Output("fsu-grid-note", "children"), Output("fsu-summary", "children"),
        Output("fsu-run-status", "children"), Output("fsu-lpa", "options"), Output("fsu-priority", "options"),
        Input("fsu-lpa", "value"), Input("fsu-themes", "value"), Input("fsu-priority", "value"),
        Input("main-tabs", "active_tab"), Input("fsu-run-done", "data"),
    )
    def render_list(lpas, themes, categories, active_tab, _done):
        actor = current_actor()
        if active_tab != "fsu":
            raise PreventUpdate
        view = fsu.list_view(store, actor, lpas, themes, categories)
        shown = view["shown_run"]
        summary = (f"Showing {len(view['rows'])} of {view['total']} listed people." if shown
                   else "No list yet.")
        return (view["rows"], method_note(GRID_METHOD, view["data_as_of"]), summary,
                run_banner(shown, view["latest_run"]), view["lpa_options"],
                [{"label": c.capitalize(), "value": c} for c in view["category_options"]])

    @app.callback(Output("fsu-chart", "figure"), Output("fsu-chart-note", "children"),
                  Input("fsu-grid", "selectedRows"), prevent_initial_call=True)
    def render_chart(selected):
        actor = current_actor()
        ids = [r.get("person_id") for r in (selected if isinstance(selected, list) else [])
               if isinstance(r, dict)][:50]
        rows = fsu.investigation_lpas(store, actor, ids)
        status = fsu.run_status(store, actor)["shown"]
        return lpa_figure(rows), method_note(CHART_METHOD, (status or {}).get("finished_at"))

    @app.callback(Output("fsu-person", "data"),
                  Input("fsu-grid", "cellRendererData"), Input("fsu-grid", "cellDoubleClicked"),
                  Input("fsu-back", "n_clicks"), prevent_initial_call=True)
    def choose_person(renderer, double_clicked, _back):
        current_actor()
        if ctx.triggered_id == "fsu-back":
            return None
        event = renderer if ctx.triggered[0]["prop_id"].endswith("cellRendererData") else double_clicked
        ref = event.get("rowId") if isinstance(event, dict) else None
        if not isinstance(ref, str) or not ref.isdigit():
            raise PreventUpdate
        return int(ref)

    @app.callback(Output("fsu-details", "children"), Output("fsu-main-page", "style"),
                  Output("fsu-details-page", "style"), Input("fsu-person", "data"), prevent_initial_call=True)
    def render_details(person_id):
        actor = current_actor()
        if person_id is None:
            fsu.require_fsu(store, actor)
            return [], SHOWN, HIDDEN
        details = fsu.person_details(store, actor, person_id)
        status = fsu.run_status(store, actor)["shown"]
        return details_body(details, (status or {}).get("finished_at")), HIDDEN, SHOWN

    @app.callback(Output("fsu-download", "data"), Input("fsu-export", "n_clicks"), State("fsu-person", "data"),
                  prevent_initial_call=True)
    def export(n, person_id):
        actor = current_actor()
        if not n or person_id is None:
            fsu.require_fsu(store, actor)
            raise PreventUpdate
        out = fsu.export_summary(store, actor, person_id)
        return dcc.send_string(out["content"], out["filename"])

    @app.callback(Output("fsu-job", "data"), Output("fsu-poll", "disabled"), Output("fsu-poll", "n_intervals"),
                  Output("fsu-job-state", "children"),
                  Output("fsu-refresh", "disabled"),
                  Input("fsu-refresh", "n_clicks"), prevent_initial_call=True)
    def request_refresh(n):
        actor = current_actor()
        if not n:
            fsu.require_fsu(store, actor)
            raise PreventUpdate
        return fsu.start_refresh(store, actor), False, 0, html.Span("Refresh queued…"), True

    @app.callback(
        Output("fsu-run-done", "data"), Output("fsu-job-state", "children", allow_duplicate=True),
        Output("fsu-progress", "value"), Output("fsu-progress", "label"),
        Output("fsu-poll", "disabled", allow_duplicate=True), Output("fsu-refresh", "disabled", allow_duplicate=True),
        Input("fsu-poll", "n_intervals"), State("fsu-job", "data"),
        prevent_initial_call=True,
    )
    def follow_refresh(_n, job_id):
        state = job_state(store, current_actor(), job_id)
        if not state["finished"]:
            return no_update, no_update, state["percent"], progress_label(state), False, True
        result = state["result"] or {}
        if state["status"] == "succeeded" and result.get("status") == "succeeded":
            done = html.Span([html.I(className="bi bi-check-circle me-1", **{"aria-hidden": "true"}),
                              f"Refresh finished: {result['people_listed']} people listed."])
            return result, done, 100, "100% done", True, False
        failed = dict(state, message=result.get("message") or state["message"])
        return (result or no_update, [failure_text(failed, "Refresh"), " The last good list is still shown."],
                100, "failed", True, False)

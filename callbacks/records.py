"""Force records tab callbacks: thin, with every check in data_access.records_admin."""

from dash import Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate

from callbacks.auth import current_actor
from components.jobs import failure_text, progress_label
from data_access.errors import BadRequest
from data_access.jobs import state as job_state
from data_access.records_admin import (completions_file, job_summary, load_history, quarantine_of, source_view,
                                       start_load)

STATE_WORDS = {"pending": "not yet in the records system", "missing": "still not there after the window: key them",
               "contradicted": "contradicted by the records system: check them", "confirmed": "confirmed"}


def _source_text(view: dict) -> list:
    fresh = view["freshness"]
    return [html.Div(["Extract: ", html.Code(view["source"] or "not configured (set BEACON_SOURCE)")]),
            html.Div(["Mapping: ", html.Code(view["mapping"] or "")]),
            html.Div(fresh["label"] + (" (stale)" if fresh["stale"] else ""),
                     className="text-warning-emphasis" if fresh["stale"] else "")]


def _reconciliation_text(view: dict) -> html.Div:
    r = view["reconciliation"]
    parts = [f"{r[k]:,} {STATE_WORDS[k]}" for k in ("pending", "missing", "contradicted", "confirmed")]
    oldest = f" Oldest not yet in the records system: {r['oldest_open']}." if r.get("oldest_open") else ""
    return html.Div("Completions made in Beacon: " + "; ".join(parts) + "." + oldest)


def register(app, store) -> None:
    @app.callback(Output("rec-source", "children"), Output("rec-reconciliation", "children"),
                  Output("rec-history", "rowData"),
                  Input("main-tabs", "active_tab"), Input("rec-result", "children"))
    def render(active_tab, _result):
        if active_tab != "records":
            raise PreventUpdate
        actor = current_actor()
        view = source_view(store, actor)
        rows = load_history(store, actor)
        for r in rows:
            r["started_at"] = f"{r['started_at']:%d %b %Y %H:%M}" if r["started_at"] else ""
            r["finished_at"] = f"{r['finished_at']:%d %b %Y %H:%M}" if r["finished_at"] else ""
        return _source_text(view), _reconciliation_text(view), rows

    @app.callback(Output("rec-job", "data"), Output("rec-poll", "disabled"), Output("rec-poll", "n_intervals"),
                  Output("rec-result", "children", allow_duplicate=True), Output("rec-progress", "value"),
                  Output("rec-progress", "label"),
                  Input("rec-check", "n_clicks"), Input("rec-load", "n_clicks"), prevent_initial_call=True)
    def start(check, load):
        dry_run = ctx.triggered_id == "rec-check"
        try:
            job_id = start_load(store, current_actor(), dry_run)
        except BadRequest as exc:
            return no_update, True, no_update, html.Div(f"Not started: {exc}", className="alert alert-danger py-2"), \
                0, ""
        what = "Checking" if dry_run else "Loading"
        return job_id, False, 0, html.Div(f"{what} the extract...", className="text-body-secondary"), 0, "queued"

    @app.callback(Output("rec-result", "children"), Output("rec-progress", "value", allow_duplicate=True),
                  Output("rec-progress", "label", allow_duplicate=True),
                  Output("rec-poll", "disabled", allow_duplicate=True),
                  Input("rec-poll", "n_intervals"), State("rec-job", "data"), prevent_initial_call=True)
    def follow(_n, job_id):
        state = job_state(store, current_actor(), job_id)
        if not state["finished"]:
            return no_update, state["percent"], progress_label(state), False
        if state["status"] != "succeeded":
            return failure_text(state, "The load"), 100, "failed", True
        result = state["result"]
        ok = result["status"] in ("loaded", "validated")
        return (html.Div(job_summary(result), className=f"alert {'alert-success' if ok else 'alert-danger'} py-2",
                         id="rec-summary"), 100, "done", True)

    @app.callback(Output("rec-quarantine", "rowData"), Input("rec-history", "selectedRows"),
                  prevent_initial_call=True)
    def quarantine(selected):
        if not selected:
            return []
        # The selection comes from the browser: data_access checks the reader first, then the id.
        first = selected[0] if isinstance(selected, list) else None
        return quarantine_of(store, current_actor(), first.get("id") if isinstance(first, dict) else first)

    @app.callback(Output("rec-export-file", "data"), Input("rec-export", "n_clicks"), prevent_initial_call=True)
    def export(_n):
        text = completions_file(store, current_actor())
        return {"content": text, "filename": "beacon-completions.csv", "type": "text/csv"}

"""Daily Actions callbacks: scope, badges, bell, forward look, grid, record panel and task completion."""
import time

import dash_bootstrap_components as dbc
from dash import ALL, ClientsideFunction, Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate

from callbacks.auth import current_actor
from components.badges import bell_class, bell_contents, notification_badge
from components.grid import COLUMNS, csv_download
from components.notes import method_note
from components.record import record_body
from data_access.records import get_record
from data_access.tasks import complete_task
from data_access.worklist import (bell_view, officer_in_charge, scope_choices, worklist_export, worklist_page,
                                  worklist_view)
from layouts.daily_actions import FORWARD_METHOD, GRID_METHOD, OFFICER_METHOD, WORKLIST_METHOD
from scoring.categories import CATEGORY_BY_ID

DONE_MESSAGES = {"done": "Recorded. The badge and bell are updated.",
                 "already_done": "That task was already recorded as done; nothing was written twice."}


def _forward_tiles(forward: list) -> list:
    # Overdue is counted once, in its own first tile; nothing overdue is said calmly, not as a red "0".
    if not forward:
        return []
    overdue = forward[0]["overdue"]
    first = html.Div([html.Div(f"{overdue:,}", className="forward-count"),
                      html.Div(f"task{'' if overdue == 1 else 's'} already overdue" if overdue
                               else "nothing overdue", className="forward-label")],
                     className="forward-tile " + ("forward-overdue-tile" if overdue else "forward-clear-tile"),
                     id="forward-overdue")
    return [first] + [html.Div([html.Div(f"{f['due']:,}", className="forward-count"),
                                html.Div(f"task{'' if f['due'] == 1 else 's'} due within {f['horizon']} days",
                                         className="forward-label")],
                               className="forward-tile", id=f"forward-{f['horizon']}") for f in forward]


def _drawn_scope(stamp) -> str | None:
    # The scope the page last drew, not the selector's value: a block or a file never mixes two scopes.
    return stamp.get("scope") if isinstance(stamp, dict) else None


def register(app, store) -> None:
    @app.callback(Output("da-scope", "options"), Output("da-scope", "value"), Input("da-scope", "id"))
    def scope_options(_):
        choices = scope_choices(store, current_actor())
        return choices, (choices[0]["value"] if choices else None)

    @app.callback(
        Output("da-badges", "children"), Output("da-badges-note", "children"),
        Output("da-forward", "children"), Output("da-forward-note", "children"),
        Output("da-grid-stamp", "data"), Output("da-grid-note", "children"), Output("da-summary", "children"),
        Output("bell", "children", allow_duplicate=True), Output("bell", "className", allow_duplicate=True),
        Output("da-record-body", "children"),
        Output("da-officers-note", "children"), Output("da-officers-section", "hidden"),
        Input("da-scope", "value"), Input("da-record-ref", "data"),
        Input({"type": "task-action", "task": ALL, "action": ALL}, "n_clicks"), Input("da-synced", "data"),
        State("da-kind-filter", "data"),
        prevent_initial_call=True,
    )
    def render(scope_value, record_ref, _clicks, _synced, chosen):
        actor = current_actor()
        trig = ctx.triggered_id
        message = None
        completed = False
        if isinstance(trig, dict) and trig.get("type") == "task-action":
            if not ctx.triggered[0]["value"]:
                raise PreventUpdate  # a button was rendered, not pressed
            result = complete_task(store, actor, trig["task"], trig["action"])
            completed = True
            # Shown inside the record panel, where the officer's eyes are.
            message = dbc.Alert(DONE_MESSAGES[result["status"]], color="success", duration=8000,
                                className="py-2", id="da-alert")
        elif trig == "da-synced":
            # Completions queued without a signal were sent (the device shows each answer): redraw all.
            completed = True
        record = no_update
        if record_ref and (trig in ("da-record-ref", "da-synced") or isinstance(trig, dict)):
            record = [message] + record_body(get_record(store, actor, record_ref), store.today())
        if trig == "da-record-ref":
            return (no_update,) * 9 + (record,) + (no_update,) * 2
        view = worklist_view(store, actor, scope_value)
        as_of = view["data_as_of"]
        total = view["total_rows"]
        # The bell changes only when this reader completed something; its timer has its own callback.
        bell = bell_view(store, actor) if completed else None
        selected = chosen.get("kind") if isinstance(chosen, dict) else None
        return (
            [notification_badge(c, selected=c["id"] == selected) for c in view["badges"]],
            method_note(WORKLIST_METHOD, as_of),
            _forward_tiles(view["forward"]),
            method_note(FORWARD_METHOD, as_of),
            # The grid asks for its rows a block at a time; this tells it to ask again. The officers grid
            # is hidden for an officer's own list, and is not asked to refresh then.
            {"scope": view["scope_value"], "total": total, "officers": bool(view["officer_count"]),
             "at": time.time()},
            method_note(GRID_METHOD, as_of),
            html.Span([html.Strong(f"{total:,}"), f" investigations with work owed · {view['scope_label']}"]),
            bell_contents(bell) if bell else no_update, bell_class(bell) if bell else no_update,
            record,
            method_note(OFFICER_METHOD, as_of), not view["officer_count"],
        )

    def _block(request, stamp, grid):
        actor = current_actor()
        try:
            return worklist_page(store, actor, _drawn_scope(stamp), request, grid)
        except ValueError:
            # A request the grid would never send (a forged column, a huge block): nothing to show.
            return {"rowData": [], "rowCount": 0}

    @app.callback(Output("da-grid", "getRowsResponse"), Input("da-grid", "getRowsRequest"),
                  State("da-grid-stamp", "data"), prevent_initial_call=True)
    def grid_block(request, stamp):
        return _block(request, stamp, "rows")

    @app.callback(Output("da-officers", "getRowsResponse"), Input("da-officers", "getRowsRequest"),
                  State("da-grid-stamp", "data"), prevent_initial_call=True)
    def officers_block(request, stamp):
        return _block(request, stamp, "officers")

    app.clientside_callback(ClientsideFunction("beacon", "refreshGrid"),
                            Output("da-grid-refreshed", "data"), Input("da-grid-stamp", "data"),
                            prevent_initial_call=True)

    @app.callback(Output("da-download", "data"), Input("da-export", "n_clicks"),
                  State("da-grid-stamp", "data"), State("da-grid", "getRowsRequest"), prevent_initial_call=True)
    def export_worklist(n_clicks, stamp, request):
        actor = current_actor()
        if not n_clicks:
            raise PreventUpdate
        # The file holds every row the grid would show under its sort and filter, not just those loaded.
        try:
            rows = worklist_export(store, actor, _drawn_scope(stamp), request)
        except ValueError:
            raise PreventUpdate from None
        return csv_download(rows, COLUMNS, "beacon-worklist.csv")

    @app.callback(Output("bell", "children"), Output("bell", "className"), Input("bell-refresh", "n_intervals"))
    def refresh_bell(_tick):
        bell = bell_view(store, current_actor())
        return bell_contents(bell), bell_class(bell)

    @app.callback(Output("da-record-ref", "data"), Output("da-record", "is_open"),
                  Input("da-grid", "cellDoubleClicked"), Input("da-grid", "cellRendererData"),
                  prevent_initial_call=True)
    def open_record(double_clicked, renderer_data):
        current_actor()
        prop = ctx.triggered[0]["prop_id"]
        event = double_clicked if prop.endswith("cellDoubleClicked") else renderer_data
        ref = event.get("rowId") if isinstance(event, dict) else None
        if not isinstance(ref, str) or not ref:
            raise PreventUpdate
        return ref, True

    # Previous and next step through the grid's rows as the server ordered them; the record is then read,
    # and scope-checked, on the server.
    app.clientside_callback(ClientsideFunction("beacon", "stepRecord"),
                            Output("da-record-ref", "data", allow_duplicate=True),
                            Input("da-prev", "n_clicks"), Input("da-next", "n_clicks"),
                            State("da-record-ref", "data"), prevent_initial_call=True)
    app.clientside_callback(ClientsideFunction("beacon", "recordPosition"),
                            Output("da-record-pos", "children"), Input("da-record-ref", "data"),
                            prevent_initial_call=True)

    @app.callback(Output("da-grid", "filterModel"), Output("da-filter-label", "children"),
                  Output("da-kind-filter", "data"),
                  Input({"type": "badge", "kind": ALL}, "n_clicks"), Input("da-clear-filter", "n_clicks"),
                  Input("da-officers", "cellClicked"), State("da-grid-stamp", "data"),
                  prevent_initial_call=True)
    def filter_by_badge(_badges, _clear, officer_cell, stamp):
        actor = current_actor()
        trig = ctx.triggered_id
        if isinstance(trig, dict) and ctx.triggered[0]["value"]:
            cat = CATEGORY_BY_ID.get(trig.get("kind"))
            if cat is None:
                raise PreventUpdate
            model = {"flags": {"filterType": "text", "type": "contains", "filter": cat.label}}
            return model, f"Showing investigations with: {cat.label}", {"kind": cat.id}
        if trig == "da-officers":
            # Keyed by officer, not name: two officers in a BCU can share a name. The key is only a filter
            # over rows the server already chose for this reader's scope, and is named only from within it.
            key = officer_cell.get("rowId") if isinstance(officer_cell, dict) else None
            name = officer_in_charge(store, actor, _drawn_scope(stamp), key)
            if name is None:
                raise PreventUpdate
            return ({"oic_key": {"filterType": "text", "type": "equals", "filter": key}},
                    f"Showing investigations of {name}", {"oic_key": key})
        if trig == "da-clear-filter":
            return {}, "", None
        raise PreventUpdate

    # In the browser: the chosen badge shows as pressed at once, and the filtered list comes into view.
    app.clientside_callback(ClientsideFunction("beacon", "showFilteredList"),
                            Output("da-grid-section", "className"), Input("da-kind-filter", "data"),
                            prevent_initial_call=True)

    @app.callback(Output("main-tabs", "active_tab"), Input("bell", "n_clicks"), prevent_initial_call=True)
    def bell_opens_worklist(n):
        current_actor()
        if not n:
            raise PreventUpdate
        return "daily-actions"

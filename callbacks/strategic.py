"""Strategic tab callbacks: selectors, the benchmark figures, imports and tactic edits; the printable pack route."""

import flask
import pandas as pd
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate

from callbacks.auth import current_actor
from components.jobs import failure_text, progress_label
from components.notes import method_note
from components.strategic import (
    fmt,
    grid_options,
    kpi_tile,
    quadrant_figure,
    rank_rows,
    recommendation_list,
    trend_figure,
)
from data_access.clock import now_local
from data_access.strategic import (
    bcu_pack_views,
    bcu_view,
    benchmark_view,
    check_reader,
    force_choices,
    home_force,
    home_force_is_configured,
    import_history,
    period_choices,
    set_home_force,
    set_tactic,
    strategic_settings,
)
from data_access.errors import BadRequest
from data_access.jobs import state as job_state
from data_access.strategic_imports import batch_summary, remove_batch, start_import
from layouts.strategic import (
    BCU_METHOD,
    QUADRANT_METHOD,
    RANKS_METHOD,
    RECS_METHOD,
    TREND_METHOD,
)
from data_access.packs import list_packs, pack_html_for, pack_pdf
from layouts.strategic_pack import bcu_pack_html


NO_FORCE = html.Div([html.I(className="bi bi-info-circle me-2", **{"aria-hidden": "true"}),
                     "Choose a force above to see its KPIs, trend and recommendations. An administrator can set "
                     "this deployment's own force under Imports so that it opens here."],
                    className="alert alert-info py-2 mb-0")


def _cost_note(view: dict):
    if view.get("synthetic_data"):
        return html.Div([html.I(className="bi bi-exclamation-triangle me-2", **{"aria-hidden": "true"}),
                         "Demo data: figures include synthetic data made by the demo generator (costs too); "
                         "they are not real force figures."], className="alert alert-warning py-2")
    if view["synthetic_costs"]:
        return html.Div([html.I(className="bi bi-exclamation-triangle me-2", **{"aria-hidden": "true"}),
                         "Costs shown are synthetic demo figures, not real force costs."],
                        className="alert alert-warning py-2")
    if not view["has_costs"]:
        return html.Div([html.I(className="bi bi-info-circle me-2", **{"aria-hidden": "true"}),
                         "No cost data loaded for this area and year: forces are ranked on performance alone."],
                        className="alert alert-info py-2")
    return None


def _bcu_table(bcu: dict):
    table = bcu["table"]
    if table is None or table.empty:
        return html.P("No data: the force's own records have no crimes of this area in the period.")
    ids = bcu.get("ids", {})
    small = bcu.get("small", set())

    def cell(row, measure, suffix=""):
        text = fmt(row.get(measure), suffix)
        if (row["unit"], measure) not in small:
            return html.Td(text)
        # Marked in words, not by colour alone.
        return html.Td([text, " ", html.Span("small number", className="badge text-bg-warning small-number")])

    rows = [html.Tr([html.Td(r["unit"]), cell(r, "recorded_per_1000_officers"),
                     cell(r, "positive_outcome_rate", "%"),
                     html.Td("not ranked" if pd.isna(r.get("rank")) else f"{int(r['rank'])} of {int(r['ranked_of'])}"),
                     html.Td(_bcu_pack_link(r["unit"], ids.get(r["unit"])))])
            for r in table.sort_values("rank", na_position="last").to_dict("records")]
    table_html = html.Table([html.Thead(html.Tr([html.Th("BCU"), html.Th("Crimes per 1,000 officers"),
                                                 html.Th("Positive-outcome rate"), html.Th("Rank"), html.Th("")])),
                             html.Tbody(rows)], className="table table-sm mb-1", id="st-bcu-table")
    if not small:
        return table_html
    return html.Div([table_html, html.P(
        [html.I(className="bi bi-exclamation-triangle me-1", **{"aria-hidden": "true"}),
         f"'Small number': the figure rests on fewer than {bcu['threshold']} crimes (setting "
         "suppression_threshold), so a few crimes either way move it a long way; the public page withholds "
         "such figures."], className="small mb-1", id="st-bcu-small", role="note")])


def _bcu_pack_link(name: str, bcu_id):
    if bcu_id is None:
        return None
    return html.A([html.I(className="bi bi-printer me-1", **{"aria-hidden": "true"}), "Pack"],
                  href=f"/strategic/pack?bcu={bcu_id}", target="_blank", title=f"Monthly pack for {name}",
                  className="btn btn-sm btn-outline-primary text-nowrap")


def _tactics_line(view: dict):
    if not view["force"]:
        return html.P("Choose a force to compare its tactics with those of better-ranked forces.", className="mb-2")
    used = view["tactics_in_use"]
    text = ", ".join(used) if used else "none recorded"
    return html.P([html.Strong(f"{view['force_name']} uses: "), text], className="mb-2")


def _remove_button(r):
    if r.status != "loaded":
        return None
    return dbc.Button([html.I(className="bi bi-trash me-1", **{"aria-hidden": "true"}), "Remove"],
                      id={"type": "st-remove", "batch": int(r.id)}, color="danger", outline=True, size="sm",
                      className="text-nowrap",
                      title=f"Remove the rows this import loaded from {r.file_name}")


def _history(df: pd.DataFrame):
    if df.empty:
        return html.P("No imports yet.")
    rows = [html.Tr([html.Td(f"{r.imported_at:%d %b %Y %H:%M}"), html.Td(r.kind), html.Td(r.file_name),
                     html.Td(r.status + (" (synthetic)" if r.synthetic else "")),
                     html.Td(f"{r.rows_read:,} read, {r.rows_loaded:,} loaded, {r.rows_quarantined:,} quarantined, "
                             f"{r.rows_duplicated:,} duplicated"), html.Td(_remove_button(r))])
            for r in df.itertuples()]
    head = ["When", "Kind", "File", "Status", "Rows", ""]
    return html.Div(html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
                               className="table table-sm"), className="table-responsive")


def report_text(report: dict) -> html.Div:
    """An import's outcome in words: counts, the reasons rows were quarantined, unknown labels."""
    status = {"loaded": "Imported", "rejected": "Rejected", "already_imported": "Already imported"}[report["status"]]
    items = [html.Li(f"{n:,} quarantined: {reason}") for reason, n in sorted(report["reasons"].items())]
    for kind, counts in report["notes"].items():
        if kind.startswith("unknown"):
            items.append(html.Li(f"{kind.replace('_', ' ')}: " + ", ".join(f"{k} ({v})" for k, v in counts.items())))
    return html.Div([
        html.Strong(f"{status}: {report['file_name']}. "),
        html.Span(f"Read {report['rows_read']:,}, loaded {report['rows_loaded']:,}, quarantined "
                  f"{report['rows_quarantined']:,}, duplicated {report['rows_duplicated']:,}."),
        html.Div(report["message"]) if report["message"] else None, html.Ul(items) if items else None,
    ], className=f"alert {'alert-danger' if report['status'] == 'rejected' else 'alert-success'} py-2",
        id="st-import-report")


def _area_options(store) -> tuple[list, str]:
    areas = strategic_settings(store).areas
    return [{"label": label, "value": area} for area, label, _basket in areas], areas[0][0]


def _pack_view(store):
    """GET /strategic/pack?area=&force= (or ?bcu=): the printable pack for the signed-in reader."""
    actor = current_actor()
    check_reader(actor)
    if flask.request.args.get("bcu"):
        name, force_name, views = bcu_pack_views(store, actor, flask.request.args["bcu"])
        return flask.Response(bcu_pack_html(name, force_name, views, BCU_METHOD, now_local().strftime("%d %b %Y %H:%M")),
                              mimetype="text/html")
    area = flask.request.args.get("area")
    _title, html_text, _fsu = pack_html_for(store, actor, [area] if area else None,
                                            flask.request.args.get("force") or None)
    return flask.Response(html_text, mimetype="text/html")


def _packs_list(store):
    """GET /strategic/packs: the monthly packs kept as PDF, for strategic readers."""
    packs = [{"id": p["id"], "month": p["month"], "title": p["title"], "may_download": p["may_download"],
              "includes_fsu": p["includes_fsu"],
              "made": f"{p['generated_at']:%d %b %Y %H:%M}", "size": f"{p['size_bytes'] / 1024:,.0f} KB"}
             for p in list_packs(store, current_actor())]
    return flask.render_template("packs.html", packs=packs)


def _pack_download(store, pack_id):
    """GET /strategic/packs/<id>: one kept pack as a PDF download."""
    name, pdf = pack_pdf(store, current_actor(), pack_id)
    return flask.Response(pdf, mimetype="application/pdf",
                          headers={"Content-Disposition": f'attachment; filename="{name}"'})


def register(app, store) -> None:
    app.server.add_url_rule("/strategic/pack", "strategic_pack", lambda: _pack_view(store))
    app.server.add_url_rule("/strategic/packs", "strategic_packs", lambda: _packs_list(store))
    app.server.add_url_rule("/strategic/packs/<pack_id>", "strategic_pack_pdf",
                            lambda pack_id: _pack_download(store, pack_id))

    @app.callback(Output("st-area", "options"), Output("st-area", "value"), Input("st-area", "id"))
    def area_options(_):
        check_reader(current_actor())
        return _area_options(store)

    @app.callback(Output("st-tactic-area", "options"), Output("st-tactic-area", "value"),
                  Input("st-tactic-area", "id"))
    def tactic_area_options(_):
        check_reader(current_actor())
        return _area_options(store)

    @app.callback(Output("st-force", "options"), Output("st-force", "value"), Input("st-force", "id"))
    def force_options(_):
        check_reader(current_actor())
        return force_choices(), home_force(store)

    @app.callback(Output("st-period", "options"), Output("st-period", "value"), Input("st-area", "value"))
    def period_options(area):
        periods, default = period_choices(store, current_actor(), area)
        return [{"label": p, "value": p} for p in periods], default

    @app.callback(
        Output("st-kpis", "children"), Output("st-ranks", "rowData"), Output("st-ranks", "dashGridOptions"),
        Output("st-ranks-note", "children"),
        Output("st-quadrant", "figure"), Output("st-quadrant-note", "children"),
        Output("st-trend", "figure"), Output("st-trend-note", "children"),
        Output("st-bcu", "children"), Output("st-bcu-note", "children"),
        Output("st-tactics", "children"), Output("st-recs", "children"), Output("st-recs-note", "children"),
        Output("st-cost-note", "children"), Output("st-pack-link", "href"),
        Input("st-area", "value"), Input("st-force", "value"), Input("st-period", "value"),
        Input("main-tabs", "active_tab"), Input("st-data-changed", "data"),
        prevent_initial_call=True,
    )
    def render(area, force, period, active_tab, _changed):
        actor = current_actor()
        if active_tab != "strategic" or not area:
            raise PreventUpdate
        view = benchmark_view(store, actor, area, force, period)
        force = view["force"]
        bcu = bcu_view(store, actor, area)
        as_of = view["data_as_of"]
        tiles = [html.Div(kpi_tile(t, as_of), className="col-12 col-md-6 col-xl-4") for t in view["kpis"]] \
            if force else [html.Div(NO_FORCE, className="col-12")]
        period_text = f" Financial year {view['period']}." if view["period"] else " No data loaded."
        rows = rank_rows(view["table"], force)
        pinned = [r for r in rows if r["name"].endswith("(selected)")]
        return (tiles, rows, grid_options(pinned), method_note(RANKS_METHOD + period_text, as_of),
                quadrant_figure(view["table"], force), method_note(QUADRANT_METHOD, as_of),
                trend_figure(view["trend"]), method_note(TREND_METHOD, as_of),
                _bcu_table(bcu), method_note(BCU_METHOD, bcu["data_as_of"]),
                _tactics_line(view),
                recommendation_list(view["recommendations"], view["force_name"]) if force else None,
                method_note(RECS_METHOD, as_of), _cost_note(view),
                f"/strategic/pack?area={area}" + (f"&force={force}" if force else ""))

    @app.callback(Output("st-import-job", "data"), Output("st-import-poll", "disabled"),
                  Output("st-import-poll", "n_intervals"), Output("st-import-result", "children"),
                  Output("st-progress", "value"), Output("st-progress", "label"),
                  Input("st-upload", "contents"), State("st-upload", "filename"), State("st-import-kind", "value"),
                  prevent_initial_call=True)
    def start(contents, filename, kind):
        try:
            job_id = start_import(store, current_actor(), kind, contents, filename)
        except BadRequest as exc:
            # An empty or unreadable upload is the administrator's to fix: say so where they look.
            return (no_update, True, no_update,
                    html.Div(f"Not imported: {exc}", className="alert alert-danger py-2"), 0, "")
        return job_id, False, 0, html.Div(f"Importing {filename}...", className="text-body-secondary"), 0, "queued"

    @app.callback(Output("st-import-result", "children", allow_duplicate=True),
                  Output("st-progress", "value", allow_duplicate=True),
                  Output("st-progress", "label", allow_duplicate=True),
                  Output("st-import-poll", "disabled", allow_duplicate=True),
                  Output("st-data-changed", "data", allow_duplicate=True),
                  Input("st-import-poll", "n_intervals"), State("st-import-job", "data"),
                  prevent_initial_call=True)
    def follow(_n, job_id):
        state = job_state(store, current_actor(), job_id)
        if not state["finished"]:
            return no_update, state["percent"], progress_label(state), False, no_update
        if state["status"] != "succeeded":
            return failure_text(state, "The import"), 100, "failed", True, no_update
        loaded = state["result"].get("rows_loaded")
        return report_text(state["result"]), 100, "done", True, f"import:{job_id}" if loaded else no_update

    @app.callback(Output("st-history", "children"), Input("st-import-result", "children"),
                  Input("st-remove-result", "children"), Input("st-history", "id"))
    def history(_result, _removed, _):
        return _history(import_history(store, current_actor()))

    @app.callback(Output("st-remove-pending", "data"), Output("st-remove-confirm", "message"),
                  Output("st-remove-confirm", "displayed"),
                  Output("st-remove-result", "children", allow_duplicate=True),
                  Input({"type": "st-remove", "batch": ALL}, "n_clicks"), prevent_initial_call=True)
    def ask_remove(clicks):
        actor = current_actor()
        # A redrawn history table fires this with no click: only a real tap asks.
        if not ctx.triggered_id or not any(clicks or []) or not ctx.triggered[0]["value"]:
            raise PreventUpdate
        found = batch_summary(store, actor, ctx.triggered_id["batch"])
        if found["blocked"]:
            return None, no_update, False, html.Div(found["blocked"], className="alert alert-warning py-2")
        what = "the demo generator's synthetic figures" if found["synthetic"] else found["file_name"]
        return found["id"], (f"Remove import {found['id']} ({what}, {found['kind']})? Its {found['rows']:,} rows "
                             "are deleted from the benchmark; the history keeps a record of it."), True, None

    @app.callback(Output("st-remove-result", "children"), Output("st-data-changed", "data", allow_duplicate=True),
                  Input("st-remove-confirm", "submit_n_clicks"), State("st-remove-pending", "data"),
                  prevent_initial_call=True)
    def remove(n_clicks, batch_id):
        if not n_clicks:
            raise PreventUpdate
        done = remove_batch(store, current_actor(), batch_id)
        return (html.Div(f"Removed import {done['id']} ({done['file_name']}): {done['rows']:,} rows deleted.",
                         className="alert alert-success py-2"), f"removed:{done['id']}")

    @app.callback(Output("st-home-force", "options"), Output("st-home-force", "value"),
                  Output("st-home-force", "disabled"), Output("st-home-save", "disabled"),
                  Output("st-home-result", "children", allow_duplicate=True),
                  Input("st-home-force", "id"), prevent_initial_call="initial_duplicate")
    def home_force_options(_):
        check_reader(current_actor())
        if home_force_is_configured(store):
            return (force_choices(), home_force(store), True, True,
                    html.Div("Set in this deployment's rules file (strategic home_force); change it there.",
                             className="small text-body-secondary"))
        return force_choices(), home_force(store), False, False, None

    @app.callback(Output("st-home-result", "children"), Input("st-home-save", "n_clicks"),
                  State("st-home-force", "value"), prevent_initial_call=True)
    def save_home_force(n_clicks, force):
        if not n_clicks:
            raise PreventUpdate
        changed = set_home_force(store, current_actor(), force or None)
        return html.Div("Saved: the Strategic tab now opens on this force." if changed else "Nothing to change.",
                        className="alert alert-success py-2" if changed else "alert alert-secondary py-2")

    @app.callback(Output("st-tactic-force", "options"), Output("st-tactic-force", "value"),
                  Input("st-tactic-force", "id"))
    def tactic_forces(_):
        check_reader(current_actor())
        return force_choices(), home_force(store)

    @app.callback(Output("st-tactic-result", "children"), Input("st-tactic-save", "n_clicks"),
                  State("st-tactic-force", "value"), State("st-tactic-area", "value"),
                  State("st-tactic-name", "value"), State("st-tactic-in-use", "value"), prevent_initial_call=True)
    def save_tactic(n_clicks, force, area, tactic, in_use):
        if not n_clicks:
            raise PreventUpdate
        changed = set_tactic(store, current_actor(), force, area, tactic, bool(in_use))
        return html.Div("Saved." if changed else "Nothing to change: already recorded.",
                        className="alert alert-success py-2" if changed else "alert alert-secondary py-2")


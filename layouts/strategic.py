"""Strategic tab: forces compared on performance and cost, KPI tiles, BCUs, tactics; imports for administrators."""

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.jobs import job_tracker
from components.grid import export_button
from components.strategic import ranks_grid
from data_access.permissions import role_allows

RANKS_METHOD = ("Each measure in the area's basket places every force with data from best (1.0) to worst (0.0); "
                "a force's score is the mean over its measures, and forces are ranked on the score. Cost rank: "
                "cost per officer FTE, lowest first.")
QUADRANT_METHOD = ("Performance rank against cost rank for forces with both; dotted lines split each axis at its "
                   "middle (setting quadrant_split).")
TREND_METHOD = "The selected force's performance rank in each financial year with enough forces to rank."
BCU_METHOD = ("The force's own crime records over the comparison period (setting bcu_period_days): crimes of the "
              "area per 1,000 officers in the BCU's teams and the positive-outcome rate of finalised crimes.")
RECS_METHOD = ("Tactics that forces ranked above the selected force use and it does not, most common among them "
               "first, with how common each is among the other forces.")
IMPORT_KINDS = [("street", "data.police.uk street-level crimes"), ("outcomes", "data.police.uk outcomes"),
                ("stop-search", "data.police.uk stop and search"),
                ("recorded-crime", "Home Office recorded crime by force"),
                ("workforce", "Home Office officer FTE (CSV or ODS)"), ("use-of-force", "Home Office use of force"),
                ("costs", "Cost table"), ("tactics", "Tactics table")]


def _card(title: str, *children, **kw) -> dbc.Card:
    return dbc.Card(dbc.CardBody([html.H2(title, className="h6"), *children]), className="mb-3", **kw)


def _imports() -> html.Div:
    """The administrators' Imports area: upload, background job with progress, history, tactic editing."""
    return html.Div([
        _card("Imports", dbc.Row([
            dbc.Col([html.Label("Kind of file", htmlFor="st-import-kind", className="form-label small mb-1"),
                     dcc.Dropdown(id="st-import-kind", options=[{"label": t, "value": k} for k, t in IMPORT_KINDS],
                                  value="street", clearable=False, searchable=False)], xs=12, md=4),
            # The label names the upload's file input (its keyboard target) and opens the file chooser on a
            # tap, so the drop zone's own click is off and the chooser opens once.
            dbc.Col(html.Label(dcc.Upload(id="st-upload", children=html.Div(
                [html.I(className="bi bi-upload me-2", **{"aria-hidden": "true"}), "Choose a file to import"]),
                className="upload-box btn btn-outline-primary w-100 py-3", multiple=False, disable_click=True),
                className="d-block m-0"), xs=12, md=8),
        ], className="g-2 mb-2"),
            *job_tracker("st-import"),
            html.Div(dbc.Progress(id="st-progress", value=0, label="", className="mb-2", style={"height": "24px"}),
                     **{"data-progress-name": "Import progress"}),
            html.Div(id="st-import-result", role="status"),
            html.H3("Recent imports", className="h6 mt-3"),
            html.Div(id="st-remove-result", role="status"),
            html.Div(id="st-history"),
            dcc.Store(id="st-remove-pending"),
            dcc.ConfirmDialog(id="st-remove-confirm"),
            id="st-imports-card"),
        _card("This deployment's force", html.P(
            "The force selected when a leader opens this tab, and the one the monthly pack is for. Needed when "
            "the organisation's name does not match a published force name.", className="small text-body-secondary"),
            dbc.Row([
                dbc.Col(dcc.Dropdown(id="st-home-force", placeholder="Not set", searchable=True), xs=12, md=6),
                dbc.Col(dbc.Button("Save", id="st-home-save", color="primary", className="w-100 touch"), xs=6, md=2),
            ], className="g-2 align-items-center"), html.Div(id="st-home-result", role="status", className="mt-2")),
        _card("Edit a force's tactics", dbc.Row([
            dbc.Col(dcc.Dropdown(id="st-tactic-force", placeholder="Force", searchable=True), xs=12, md=3),
            dbc.Col(dcc.Dropdown(id="st-tactic-area", clearable=False, searchable=False), xs=12, md=3),
            dbc.Col(dbc.Input(id="st-tactic-name", placeholder="Tactic, e.g. 'Burglary dispatch within 1 hour'",
                              maxLength=160), xs=12, md=3),
            dbc.Col(dbc.Checklist(id="st-tactic-in-use", options=[{"label": "In use", "value": "yes"}], value=["yes"],
                                  switch=True), xs=6, md=1),
            dbc.Col(dbc.Button("Save", id="st-tactic-save", color="primary", className="w-100 touch"), xs=6, md=2),
        ], className="g-2 align-items-center"), html.Div(id="st-tactic-result", role="status", className="mt-2")),
    ], id="st-admin")


def layout(actor) -> html.Div:
    # Areas are settings (a deployment may add one), so their options come from a callback.
    return html.Div([
        dbc.Row([
            dbc.Col([html.Label("Area", htmlFor="st-area", className="form-label small mb-1"),
                     dcc.Dropdown(id="st-area", clearable=False, searchable=False)], xs=12, md=3),
            dbc.Col([html.Label("Force", htmlFor="st-force", className="form-label small mb-1"),
                     dcc.Dropdown(id="st-force", clearable=False, placeholder="Choose a force")], xs=12, md=4),
            dbc.Col([html.Label("Financial year", htmlFor="st-period", className="form-label small mb-1"),
                     dcc.Dropdown(id="st-period", clearable=False, searchable=False)], xs=6, md=2),
            dbc.Col(html.A([html.I(className="bi bi-printer me-2", **{"aria-hidden": "true"}), "Monthly pack"],
                           id="st-pack-link", href="/strategic/pack", target="_blank",
                           className="btn btn-outline-primary w-100 touch mt-md-4"), xs=6, md=3),
            dbc.Col(html.A([html.I(className="bi bi-file-earmark-pdf me-2", **{"aria-hidden": "true"}),
                            "Kept monthly packs (PDF)"], id="st-packs-link", href="/strategic/packs", target="_blank",
                           className="btn btn-outline-secondary touch"), xs=12, className="text-md-end"),
        ], className="g-2 mt-2 mb-2"),
        html.Div(id="st-cost-note", role="note"),
        dcc.Store(id="st-data-changed"),  # set when an import or removal lands, so the figures redraw
        dcc.Loading(html.Div(id="st-kpis", className="row g-2 mb-3")),
        dbc.Row([
            dbc.Col(_card("Performance and cost ranks", ranks_grid("st-ranks"),
                          html.Div([html.Div(id="st-ranks-note"), export_button("st-export")],
                                   className="d-flex flex-wrap align-items-start justify-content-between gap-2 mt-2")),
                    xs=12, lg=7),
            dbc.Col(_card("Performance against cost",
                          dcc.Graph(id="st-quadrant", config={"displayModeBar": False}, style={"height": "380px"}),
                          html.Div(id="st-quadrant-note")), xs=12, lg=5),
        ]),
        dbc.Row([
            dbc.Col(_card("Rank over time", dcc.Graph(id="st-trend", config={"displayModeBar": False},
                                                       style={"height": "300px"}), html.Div(id="st-trend-note")),
                    xs=12, lg=5),
            dbc.Col(_card("BCUs inside the force", html.Div(id="st-bcu"), html.Div(id="st-bcu-note")), xs=12, lg=7),
        ]),
        _card("What better-ranked forces do", html.Div(id="st-tactics"), html.Div(id="st-recs"),
              html.Div(id="st-recs-note")),
        _imports() if role_allows(actor, "strategic.admin") else html.Div(),
    ], className="strategic-tab")

"""The page shell: navbar with the bell, the role's tabs, and shared stores."""

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.badges import bell_class, bell_contents
from layouts.my_settings import notify_holder, settings_button, settings_modal
from layouts.tabs import TAB_BY_ID, tabs_for

ROLE_LABELS = {
    "officer": "Officer", "supervisor": "Supervisor", "inspector": "Inspector", "senior_leader": "Senior leader",
    "analyst": "Analyst", "staff": "Police staff", "administrator": "Administrator",
}


def signout_form(csrf: str) -> html.Form:
    """Sign out by POST with the session's token, so no link or embedded image can end a session."""
    return html.Form([
        dcc.Input(type="hidden", name="csrf", value=csrf, id="logout-csrf"),
        html.Button([html.I(className="bi bi-box-arrow-right me-1", **{"aria-hidden": "true"}), "Sign out"],
                    type="submit", className="btn btn-outline-light signout", id="logout"),
    ], method="POST", action="/logout", className="m-0")


def stale_warning(fresh: dict | None):
    """A warning under the navbar when the force's records have not been loaded for too long."""
    if not fresh or not fresh["stale"]:
        return None
    return dbc.Alert([html.I(className="bi bi-exclamation-triangle me-2", **{"aria-hidden": "true"}),
                      fresh["label"], ": figures may be out of date. Tell your systems team if this persists."],
                     color="warning", className="py-2 mb-0 rounded-0 small", id="stale-warning", role="status")


def navbar(actor, csrf: str = "", fresh: dict | None = None) -> dbc.Navbar:
    return dbc.Navbar(
        dbc.Container([
            html.A([html.I(className="bi bi-broadcast-pin me-2", **{"aria-hidden": "true"}), "Beacon"],
                   className="navbar-brand fw-semibold", href="/"),
            html.Div([
                html.Button(bell_contents({"total": 0, "state": "grey", "label": "Loading"}), id="bell",
                            className=bell_class({"state": "grey"}), n_clicks=0),
                html.Span([html.Span(fresh["label"], className="d-none d-lg-inline"),
                           # Tablets get the short form: the navbar has room for the time, not the sentence.
                           html.Span(fresh["short"], className="d-lg-none")],
                          className="records-loaded small", id="records-loaded")
                if fresh and not fresh["stale"] else None,
                html.Span([html.Span(actor.display_name, className="fw-semibold"),
                           html.Span(ROLE_LABELS.get(actor.role, actor.role), className="role-label")],
                          className="user-label d-none d-md-flex"),
                settings_button(),
                signout_form(csrf),
            ], className="d-flex align-items-center gap-2 ms-auto"),
        ], fluid=True),
        color="dark", dark=True, className="beacon-navbar",
    )


def build_shell(actor, csrf: str = "", fresh: dict | None = None):
    """The whole page for a logged-in actor (the request guard keeps anonymous users out)."""
    if actor is None:
        return html.Div("Please sign in.", className="p-4")
    tab_ids = tabs_for(actor)
    tabs = [dbc.Tab(TAB_BY_ID[t].layout(actor), label=TAB_BY_ID[t].label, tab_id=t, id=f"tab-{t}")
            for t in tab_ids]
    return html.Div([
        navbar(actor, csrf, fresh),
        stale_warning(fresh),
        dbc.Container([
            dbc.Tabs(tabs, id="main-tabs", active_tab=tab_ids[0] if tab_ids else None, className="mt-2"),
        ], fluid=True, className="pb-4"),
        dcc.Interval(id="bell-refresh", interval=5 * 60 * 1000),
        settings_modal(),
        notify_holder(),
    ])

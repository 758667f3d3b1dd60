"""My settings: the reader's own choices, reached from the navbar (the daily digest, browser notifications)."""

import dash_bootstrap_components as dbc
from dash import html

DIGEST_CHOICES = [{"label": "Off", "value": "off"}, {"label": "On: email me each day", "value": "on"}]


def settings_button() -> html.Button:
    # On a phone the icon stands alone; its accessible name stays "My settings".
    return html.Button([html.I(className="bi bi-gear", **{"aria-hidden": "true"}),
                        html.Span("My settings", className="ms-1 d-none d-sm-inline")],
                       id="my-settings-open", n_clicks=0, type="button", title="My settings",
                       className="btn btn-outline-light my-settings-button", **{"aria-label": "My settings"})


def settings_modal() -> dbc.Modal:
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle("My settings")),
        dbc.ModalBody([
            html.H2("Daily digest by email", className="h6"),
            html.P("Each morning: what turned amber or red since your last digest, what falls due by the end of the "
                   "next working day, and a link into Beacon. It carries crime references, task kinds and due dates "
                   "only, never anyone's name or details, because mail leaves Beacon.",
                   className="small text-body-secondary"),
            html.Div(id="my-digest-note"),
            html.Label("Daily digest", htmlFor="my-digest-optin", className="form-label"),
            dbc.Select(id="my-digest-optin", options=DIGEST_CHOICES, value="off", className="mb-2 touch-input"),
            html.Label("Send it to (your work address)", htmlFor="my-digest-email", className="form-label"),
            dbc.Input(id="my-digest-email", type="email", maxLength=254, autoComplete="email",
                      className="mb-2 touch-input"),
            html.Div(id="my-settings-result", role="status"),
            html.Hr(),
            html.H2("Notifications in this browser", className="h6"),
            html.P("While Beacon is open, your browser can tell you when one of your tasks becomes overdue, "
                   "once per task. It shows the crime reference and the kind of task only.",
                   className="small text-body-secondary"),
            html.Button("Turn on browser notifications", id="notify-enable", type="button",
                        className="btn btn-outline-primary touch-button"),
            html.Div(id="notify-state", className="small mt-2", role="status"),
        ]),
        dbc.ModalFooter([
            dbc.Button("Close", id="my-settings-close", color="secondary", className="touch-button"),
            dbc.Button("Save", id="my-settings-save", color="primary", className="touch-button"),
        ]),
    ], id="my-settings-modal", is_open=False, centered=True)


def notify_holder() -> html.Div:
    """The reader's overdue tasks as JSON text, refreshed with the bell; assets/notify.js reads it."""
    return html.Div(id="notify-red", hidden=True, children="")

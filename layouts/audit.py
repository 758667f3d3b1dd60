"""Audit tab for administrators: the newest audit rows."""

from dash import html

from components.grid import audit_grid


def layout(actor) -> html.Div:
    return html.Div([
        html.P("Every read of personal data, every write, and every sign-in, newest first.",
               className="mt-3 text-body-secondary"),
        audit_grid("audit-grid"),
    ])

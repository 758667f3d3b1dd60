"""Audit tab for administrators: the newest audit rows."""

from dash import html

from components.grid import audit_grid, export_button


def layout(actor) -> html.Div:
    return html.Div([
        html.Div(id="audit-digest", className="mt-3"),
        html.Div([html.P("Every read of personal data, every write, and every sign-in, newest first.",
                         className="mb-0 text-body-secondary"), export_button("audit-export")],
                 className="d-flex flex-wrap align-items-center justify-content-between gap-2 mt-3 mb-2"),
        audit_grid("audit-grid"),
    ])

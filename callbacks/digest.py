"""My settings (the digest choice), the browser's overdue-task feed, and the digest's state for administrators."""

import json

import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate

from callbacks.auth import current_actor
from data_access.digest import digest_status, my_red_tasks, my_settings, save_my_settings
from data_access.errors import BadRequest


def _settings_note(s: dict):
    if not s["has_tasks"]:
        return dbc.Alert("Your account has no investigations of its own, so there is nothing to put in a digest.",
                         color="secondary", className="py-2 small")
    if not s["relay_configured"]:
        return dbc.Alert("Your force has not set up email for Beacon yet, so no digest is sent for now. "
                         "Your choice is kept for when it does.", color="warning", className="py-2 small")
    if s["chosen"] is None and s["default_on"]:
        return html.P("Your force sends the digest unless you switch it off.", className="small")
    return None


def digest_note(status: dict):
    """What the administrator is told about the daily digest: no relay, or the latest day's outcome."""
    if not status["configured"]:
        return dbc.Alert([html.Strong("No daily digest is being sent: "),
                          f"no mail relay is configured ({status['missing']} not set). "
                          f"{status['subscribers']} people have asked for it. See README, Daily digest."],
                         color="warning", className="py-2 small", id="digest-no-relay")
    counts = status["counts"]
    parts = [f"Daily digest through {status['relay']}: {status['subscribers']} people receive it."]
    if status["day"]:
        parts.append(f" {status['day']:%d %b %Y}: {counts.get('sent', 0)} sent, "
                     f"{counts.get('nothing', 0)} with nothing to say, {counts.get('failed', 0)} failed.")
    failed = status["failed"]
    if failed:
        names = ", ".join(f["username"] for f in failed[:10]) + (" ..." if len(failed) > 10 else "")
        parts.append(f" Not delivered (the next run tries again): {names}. Last error: {failed[0]['error']}")
    return dbc.Alert(parts, color="warning" if failed else "secondary", className="py-2 small", id="digest-state")


def register(app, store) -> None:
    @app.callback(Output("my-settings-modal", "is_open"), Output("my-digest-optin", "value"),
                  Output("my-digest-email", "value"), Output("my-digest-note", "children"),
                  Output("my-settings-result", "children", allow_duplicate=True),
                  Input("my-settings-open", "n_clicks"), Input("my-settings-close", "n_clicks"),
                  prevent_initial_call=True)
    def open_settings(_open, _close):
        actor = current_actor()
        if ctx.triggered_id == "my-settings-close":
            return False, no_update, no_update, no_update, None
        s = my_settings(store, actor)
        return True, "on" if s["opt_in"] else "off", s["email"], _settings_note(s), None

    @app.callback(Output("my-settings-result", "children"), Input("my-settings-save", "n_clicks"),
                  State("my-digest-optin", "value"), State("my-digest-email", "value"), prevent_initial_call=True)
    def save_settings(clicks, choice, email):
        actor = current_actor()
        if not clicks:
            raise PreventUpdate
        if choice not in ("on", "off"):
            raise BadRequest("the digest choice is on or off")
        try:
            s = save_my_settings(store, actor, choice == "on", email)
        except BadRequest as exc:
            # A slip in the form is answered in the form, not as a failed request.
            return dbc.Alert(str(exc), color="danger", className="py-2 small", id="my-settings-error")
        words = "You will get the daily digest." if s["opt_in"] else "You will not get the daily digest."
        return dbc.Alert(f"Saved. {words}", color="success", className="py-2 small", id="my-settings-saved")

    @app.callback(Output("notify-red", "children"), Input("bell-refresh", "n_intervals"))
    def red_tasks(_n):
        actor = current_actor()
        return json.dumps(my_red_tasks(store, actor))

    @app.callback(Output("audit-digest", "children"), Input("main-tabs", "active_tab"), prevent_initial_call=True)
    def admin_note(active_tab):
        actor = current_actor()
        if active_tab != "audit":
            raise PreventUpdate
        return digest_note(digest_status(store, actor))

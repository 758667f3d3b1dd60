"""Method notes and 'data as of' stamps that go with every figure."""

from datetime import datetime

from dash import html


def as_of_text(as_of: str | None) -> str:
    """'Data as of 22 Nov 2026 09:14', or 'No data' when nothing has been loaded."""
    if not as_of:
        return "No data loaded"
    try:
        stamp = datetime.fromisoformat(as_of)
    except ValueError:
        return f"Data as of {as_of}"
    return f"Data as of {stamp:%d %b %Y %H:%M}"


def method_note(text: str, as_of: str | None = None, note_id: str | None = None) -> html.Div:
    """A one-line method note with the data-as-of stamp."""
    kwargs = {"id": note_id} if note_id else {}
    return html.Div(
        [html.I(className="bi bi-info-circle me-1", **{"aria-hidden": "true"}),
         html.Span(text), html.Span(" · " + as_of_text(as_of), className="as-of")],
        className="method-note", **kwargs)


# The Merseyside force's own caution about its dashboard, shown wherever teams' figures are compared.
WORKLOAD_CAVEAT = ("This shows deadlines from crime records only: it is not an officer's or a team's whole "
                   "workload, and not a measure of anyone's performance.")


def workload_caveat(note_id: str) -> html.P:
    """The caution that a worklist is neither a whole workload nor a performance measure."""
    return html.P([html.I(className="bi bi-exclamation-circle me-1", **{"aria-hidden": "true"}), WORKLOAD_CAVEAT],
                  id=note_id, className="workload-caveat small", role="note")

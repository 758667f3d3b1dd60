"""The pieces a screen needs to follow a background job: its id, a poll timer and the progress wording."""

from dash import dcc, html

POLL_MS = 800
# The timer gives up after an hour even if no answer ever says the job ended (signed out, server gone).
POLL_LIMIT = 3600 * 1000 // POLL_MS


def job_tracker(prefix: str) -> list:
    """A store for the running job's id and a poll timer, off until a job starts."""
    return [dcc.Store(id=f"{prefix}-job"),
            dcc.Interval(id=f"{prefix}-poll", interval=POLL_MS, disabled=True, max_intervals=POLL_LIMIT)]


def progress_label(state: dict) -> str:
    """The words on the progress bar: percentage and step, so progress is not shown by length alone."""
    return f"{state['percent']}% {state['label']}".strip()


def failure_text(state: dict, what: str) -> html.Span:
    """A failed job in words; the screen keeps what it showed before."""
    return html.Span([html.I(className="bi bi-x-octagon me-1", **{"aria-hidden": "true"}),
                      f"{what} failed: {state.get('message') or 'no reason recorded'}."], className="text-danger")

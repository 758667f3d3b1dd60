"""The record panel's contents: the crime, its people, linked crimes and every task with its rule."""

from datetime import date, datetime

import dash_bootstrap_components as dbc
from dash import html

from scoring.task_version import task_version

ROLE_ORDER = {"victim": 0, "suspect": 1, "offender": 2, "witness": 3}


def _fmt(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return f"{value:%d %b %Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d %b %Y}"
    return str(value)


def _due_text(task: dict, today: date) -> tuple[str, str]:
    due = task["due_date"]
    if task["status"] != "open":
        return f"Done {_fmt(task['completed_at'])}", "done"
    if due is None:
        return "Action needed" if task["kind"] in ("cdi", "detection_mismatch", "fts") else "For information", \
            "overdue" if task["kind"] in ("cdi", "detection_mismatch", "fts") else "info"
    days = (due - today).days
    if days < 0:
        return f"Overdue by {-days} day{'s' if days != -1 else ''} (due {_fmt(due)})", "overdue"
    if days == 0:
        return f"Due today ({_fmt(due)})", "due_soon"
    amber = task.get("amber_days", 7)
    return f"Due in {days} day{'s' if days != 1 else ''} ({_fmt(due)})", "due_soon" if days <= amber else "upcoming"


def _task_item(task: dict, today: date) -> html.Li:
    due_text, state = _due_text(task, today)
    buttons = [
        dbc.Button(label, id={"type": "task-action", "task": task["id"], "action": action}, n_clicks=0,
                   color="success" if i == 0 else "secondary", outline=i > 0, className="task-button me-2")
        for i, (action, label) in enumerate(task["actions"])
    ]
    return html.Li(
        [
            html.Div([html.Strong(task["label"]), html.Span(due_text, className=f"due-pill due-{state} ms-2")],
                     className="d-flex flex-wrap align-items-center gap-1"),
            html.Div(task["detail"], className="small mt-1"),
            html.Div([html.I(className="bi bi-database-check me-1", **{"aria-hidden": "true"}), task["held_by"]],
                     className="small task-held-by") if task.get("held_by") else None,
            html.Div([html.Span(task["rule_id"], className="rule-id me-1"), task["rule"]],
                     className="small text-body-secondary"),
            html.Div(buttons, className="mt-2") if buttons else None,
            html.Div([html.I(className="bi bi-person-check me-1", **{"aria-hidden": "true"}),
                      "Signed off by " + "; or ".join(task["needs"]) + "."],
                     className="small mt-1 task-needs") if task.get("needs") else None,
        ],
        className=f"list-group-item task-item task-{state}",
        id={"type": "task-row", "task": task["id"]},
        # What the officer saw, sent with a completion queued offline so a change meanwhile is caught.
        **{"data-version": task_version(task)},
    )


def record_body(record: dict, today: date) -> list:
    """Component tree for one crime record."""
    facts = [
        ("Offence", record["offence"]), ("Status", record["status"]),
        ("Outcome", "open (0)" if not record["outcome_code"] else record["outcome_code"]),
        ("Occurred", _fmt(record["occurred_on"])), ("Reported", _fmt(record["reported_at"])),
        ("Recorded", _fmt(record["recorded_at"])), ("Officer in charge", record["oic"]),
        ("Team", record["team"]), ("Location", record["location"]),
        ("Harm (CCHI days)", _fmt(record["harm_days"])),
        ("Flags", ", ".join(filter(None, ["domestic abuse" if record["domestic_abuse"] else "",
                                          "hate crime" if record["hate_crime"] else "", record["flags"]])) or "none"),
    ]
    people = sorted(record["people"], key=lambda p: (ROLE_ORDER.get(p["role"], 9), p["surname"]))
    urgency = {"overdue": 0, "due_soon": 1, "upcoming": 2, "info": 3}
    open_tasks = sorted((t for t in record["tasks"] if t["status"] == "open"),
                        key=lambda t: (urgency[_due_text(t, today)[1]], t["due_date"] or date.max))
    done_tasks = [t for t in record["tasks"] if t["status"] != "open"]
    notice = None if record["can_complete"] else dbc.Alert(
        "You can read this record. Only the officer in charge and their chain of command can complete its tasks.",
        color="secondary", className="py-2 small")
    return [
        html.H2(record["crime_ref"], className="h4 mb-1", id="record-ref"),
        html.Div(record["summary"] or "", className="text-body-secondary mb-2"),
        html.A([html.I(className="bi bi-box-arrow-up-right me-1", **{"aria-hidden": "true"}),
                "Open in the records system"], href=record["source_url"], target="_blank",
               rel="noopener noreferrer", className="small d-inline-block mb-2", id="record-source-link")
        if record.get("source_url") else None,
        html.H3("Tasks", className="h5 mt-3"),
        notice,
        html.Ul([_task_item(t, today) for t in open_tasks] or [html.Li("Nothing outstanding.",
                                                                        className="list-group-item")],
                className="list-group mb-3", id="record-open-tasks"),
        html.H3("Record", className="h5"),
        html.Dl([item for k, v in facts for item in (html.Dt(k), html.Dd(_fmt(v)))], className="record-facts mb-3"),
        html.H3("People", className="h5"),
        html.Ul([html.Li([html.Strong(f"{p['forename']} {p['surname']}"), f" — {p['role']}",
                          " (enhanced rights)" if p["enhanced_rights"] else "",
                          f", {p['suspect_status']}" if p.get("suspect_status") else ""],
                         className="list-group-item") for p in people] or
                [html.Li("No people recorded.", className="list-group-item")], className="list-group mb-3"),
        html.H3("Linked crimes", className="h5"),
        html.Ul([html.Li([html.Strong(lk["crime_ref"]), f" — {lk['offence']}, {lk['status']} ({lk['reason']})",
                          "" if lk["in_scope"] else " · outside your scope"], className="list-group-item")
                 for lk in record["links"]] or [html.Li("None.", className="list-group-item")],
                className="list-group mb-3"),
        html.Details([html.Summary(f"Completed tasks ({len(done_tasks)})"),
                      html.Ul([_task_item(t, today) for t in done_tasks], className="list-group mt-2")],
                     className="mb-3"),
    ]

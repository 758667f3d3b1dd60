"""Pieces of the frequent-service-users tab: the run banner, the LPA chart and the details page."""

import pandas as pd
import plotly.graph_objects as go
from dash import html

from components.charts import _base, empty_figure
from components.notes import method_note

NO_DATA = "no data"


def run_banner(shown: dict | None, latest: dict | None) -> html.Div:
    """Which run the list comes from, and whether a newer one is running or failed (in words and an icon)."""
    parts = []
    if shown:
        parts.append(html.Span([html.I(className="bi bi-check-circle me-1", **{"aria-hidden": "true"}),
                                f"List from the run of {shown['run_date']} ({shown['people_listed']} people listed "
                                f"of {shown['people_ranked']:,} ranked)."]))
    else:
        parts.append(html.Span("No list yet: an analyst must run the refresh."))
    if latest and shown and latest["id"] != shown["id"] or latest and not shown:
        if latest["status"] == "failed":
            parts.append(html.Span([html.I(className="bi bi-x-octagon me-1 ms-2", **{"aria-hidden": "true"}),
                                    f"The latest refresh failed ({latest.get('message') or 'no reason recorded'}); "
                                    "the list shown is the last good run."], className="text-danger fw-semibold",
                                   id="fsu-run-failed"))
        elif latest["status"] in ("queued", "running"):
            parts.append(html.Span([html.I(className="bi bi-hourglass-split me-1 ms-2", **{"aria-hidden": "true"}),
                                    "A refresh is in progress; the list shown is the last good run."]))
    return html.Div(parts)


def lpa_figure(rows: list[dict]) -> go.Figure:
    """Grouped bars: investigations per LPA for each chosen person."""
    if not rows:
        return empty_figure("Tick people in the list to compare where their investigations took place")
    df = pd.DataFrame(rows)
    fig = go.Figure()
    for person, part in df.groupby("person", sort=False):
        fig.add_trace(go.Bar(x=part["lpa"], y=part["count"], name=person, text=part["count"], textposition="auto"))
    fig.update_layout(barmode="group")
    fig.update_yaxes(title="Investigations", rangemode="tozero")
    return _base(fig)


def _link(ref: str, url: str | None):
    return html.A(ref, href=url, target="_blank", rel="noopener") if url else ref


def _table(rows: list[dict], cols: list[tuple], table_id: str) -> html.Div:
    if not rows:
        return html.P(NO_DATA, className="text-body-secondary")
    head = html.Thead(html.Tr([html.Th(label) for _, label in cols]))
    body = html.Tbody([html.Tr([html.Td(_link(r["ref"], r.get("url")) if key == "ref" else
                                        (NO_DATA if r.get(key) is None else str(r.get(key))))
                                for key, _ in cols]) for r in rows])
    return html.Div(html.Table([head, body], className="table table-sm", id=table_id), className="table-responsive")


def _counts(d: dict) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(d.items())) if d else NO_DATA


def details_body(d: dict, as_of: str | None) -> list:
    """The details page of one person."""
    inc = d["incidents"]
    note = f"Records in the run's 12-month window to {d['run_date']}; references open the source system."
    return [
        html.H2(d["name"], className="h4", id="fsu-details-name"),
        html.Dl([x for k, v in d["summary"][1:10] for x in (html.Dt(k), html.Dd(str(v)))],
                className="fsu-summary-list small"),
        method_note(note, as_of),
        html.H3("Investigations", className="h5 mt-3"),
        html.P(f"By role: {_counts(d['roles'])}", className="small"),
        _table(d["investigations"], [("ref", "Reference"), ("recorded", "Recorded"), ("role", "Role"),
                                     ("offence", "Offence"), ("harm", "Harm (days)"), ("location", "Location"),
                                     ("lpa", "LPA"), ("outcome", "Outcome or group"),
                                     ("relationship", "Relationship to other party")], "fsu-investigations"),
        html.H3("Incidents", className="h5 mt-3"),
        html.P([f"{len(inc['rows'])} incidents; attended: {inc['attended']}; types: {_counts(inc['types'])}; "
                f"grades: {_counts(inc['grades'])}; units by group: {_counts(inc['units'])}; hours by group: "
                f"{_counts(inc['hours'])}; call handling: "
                f"{NO_DATA if inc['call_minutes'] is None else str(inc['call_minutes']) + ' minutes'}."],
               className="small"),
        _table(inc["rows"], [("ref", "Log"), ("opened", "Opened"), ("role", "Role"), ("type", "Type"),
                             ("grade", "Grade"), ("location", "Location"), ("attended", "Attended"),
                             ("hours", "Resource hours"), ("call_minutes", "Call minutes"),
                             ("caller", "Caller")], "fsu-incidents"),
        html.H3("Custody", className="h5 mt-3"),
        html.P(f"{len(d['custody'])} records; outcomes: {_counts(d['custody_outcomes'])}.", className="small"),
        _table(d["custody"], [("ref", "Custody record"), ("arrived", "Arrived"), ("released", "Released"),
                              ("hours", "Hours (capped)"), ("outcome", "Outcome")], "fsu-custody"),
        html.H3("Arrests", className="h5 mt-3"),
        _table(d["arrests"], [("ref", "Investigation"), ("arrested_on", "Arrested"), ("offence", "Offence")],
               "fsu-arrests"),
        html.H3("Missing episodes", className="h5 mt-3"),
        _table(d["missing"], [("ref", "Report"), ("reported", "Reported"), ("found", "Found"), ("risk", "Risk")],
               "fsu-missing"),
    ]


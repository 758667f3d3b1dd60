"""The public transparency page: server-rendered HTML, no login, no Dash callbacks behind it.

The blueprint is named "public" so the request guard in app.py lets anyone read it; it has one GET
route and reads only data_access.public, which holds force-level aggregates of open data.
"""

import flask

from components.notes import as_of_text
from data_access.public import public_summary


def _cell(cell: dict | None, unit: str) -> str:
    if cell is None:
        return "no data"
    if cell["suppressed"]:
        return "withheld (small number)"
    value = cell["value"]
    return f"{value:.1f}%" if unit == "%" else f"{value:,.2f}"


def _area(block: dict) -> dict:
    """One area's heading, table and method notes as plain text for templates/public.html."""
    measures = block["measures"]
    return {"heading": block["label"] + (f" · {block['period']}" if block["period"] else ""),
            "headers": ["Force"] + [f"{m['label']} ({m['unit']})" for m in measures],
            "rows": [[r["force"]] + [_cell(r["cells"].get(m["id"]), m["unit"]) for m in measures]
                     for r in block["rows"]],
            "notes": [f"{m['label']}: {m['method']}" for m in measures]}


def render_page(summary: dict) -> str:
    """The page's HTML from the public summary (inside a request: it renders templates/public.html)."""
    return flask.render_template("public.html", as_of=as_of_text(summary["data_as_of"]),
                                 threshold=summary["threshold"], synthetic=bool(summary.get("synthetic")),
                                 areas=[_area(block) for block in summary["areas"]])


def make_public_blueprint(store) -> flask.Blueprint:
    """The 'public' blueprint: GET /public/ only."""
    bp = flask.Blueprint("public", __name__, url_prefix="/public")

    @bp.route("/", methods=["GET"])
    def transparency():
        resp = flask.Response(render_page(public_summary(store)), mimetype="text/html")
        resp.headers["Cache-Control"] = "public, max-age=300"
        return resp

    return bp

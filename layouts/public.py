"""The public transparency page: server-rendered HTML, no login, no Dash callbacks behind it.

The blueprint is named "public" so the request guard in app.py lets anyone read it; it has one GET
route and reads only data_access.public, which holds force-level aggregates of open data.
"""

import flask
from markupsafe import escape

from components.notes import as_of_text
from data_access.public import public_summary

PAGE_CSS = """
body{font-family:system-ui,Arial,sans-serif;margin:0;color:#111}
header{background:#1f4e79;color:#fff;padding:16px 24px} main{padding:16px 24px;max-width:1200px}
h1{font-size:1.5rem;margin:0} h2{font-size:1.2rem;margin-top:28px}
table{border-collapse:collapse;width:100%} th,td{border:1px solid #bbb;padding:8px;text-align:left}
th{background:#eef3f8} .note{font-size:.9rem;color:#333} .wrap{overflow-x:auto}
@media print{header{background:none;color:#000}}
"""


def _cell(cell: dict | None, unit: str) -> str:
    if cell is None:
        return "no data"
    if cell["suppressed"]:
        return "withheld (small number)"
    value = cell["value"]
    return f"{value:.1f}%" if unit == "%" else f"{value:,.2f}"


def render_page(summary: dict) -> str:
    """The page's HTML from the public summary."""
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
             f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
             f"<title>Police performance: open data</title><style>{PAGE_CSS}</style></head><body>"
             "<header><h1>Police performance compared: open data</h1></header><main>",
             f"<p class='note'>Force-level figures from data.police.uk and Home Office open data. "
             f"{escape(as_of_text(summary['data_as_of']))}. Figures resting on fewer than "
             f"{summary['threshold']} events are withheld.</p>"]
    if summary.get("synthetic"):
        parts.append("<p class='note'><strong>Demonstration site: some figures are synthetic, made up for the "
                     "demo, and are not real police data.</strong></p>")
    for block in summary["areas"]:
        parts.append(f"<h2>{escape(block['label'])}" + (f" · {escape(block['period'])}" if block["period"] else "")
                     + "</h2>")
        if not block["rows"]:
            parts.append("<p>No data.</p>")
            continue
        head = "".join(f"<th>{escape(m['label'])} ({escape(m['unit'])})</th>" for m in block["measures"])
        rows = "".join("<tr><td>" + escape(r["force"]) + "</td>" + "".join(
            f"<td>{escape(_cell(r['cells'].get(m['id']), m['unit']))}</td>" for m in block["measures"]) + "</tr>"
            for r in block["rows"])
        notes = "".join(f"<li>{escape(m['label'])}: {escape(m['method'])}</li>" for m in block["measures"])
        parts.append(f"<div class='wrap'><table><thead><tr><th>Force</th>{head}</tr></thead><tbody>{rows}</tbody>"
                     f"</table></div><ul class='note'>{notes}</ul>")
    parts.append("<p class='note'>Contains public sector information licensed under the Open Government Licence "
                 "v3.0.</p></main></body></html>")
    return "".join(parts)


def make_public_blueprint(store) -> flask.Blueprint:
    """The 'public' blueprint: GET /public/ only."""
    bp = flask.Blueprint("public", __name__, url_prefix="/public")

    @bp.route("/", methods=["GET"])
    def transparency():
        resp = flask.Response(render_page(public_summary(store)), mimetype="text/html")
        resp.headers["Cache-Control"] = "public, max-age=300"
        return resp

    return bp

"""The printable monthly performance pack: one HTML page built from the same figures as the tab."""

import pandas as pd
from markupsafe import escape

from components.notes import as_of_text
from components.strategic import fmt

PRINT_CSS = """
body{font-family:system-ui,Arial,sans-serif;margin:24px;color:#111}
h1{font-size:1.6rem;margin:0 0 4px} h2{font-size:1.2rem;margin:24px 0 8px;border-bottom:2px solid #1f4e79}
table{border-collapse:collapse;width:100%;margin-bottom:8px} th,td{border:1px solid #bbb;padding:6px 8px;text-align:left}
th{background:#eef3f8} .tiles{display:grid;grid-template-columns:repeat(3,1fr);gap:8px}
.tile{border:1px solid #bbb;padding:8px} .value{font-size:1.6rem;font-weight:700}
.note{font-size:.85rem;color:#444} .selected{font-weight:700;background:#e7f0fa}
.print{padding:10px 16px;font-size:1rem;min-height:44px}
@media print{.print{display:none} h2{page-break-after:avoid} table{page-break-inside:auto} tr{page-break-inside:avoid}}
"""


def _tiles(view: dict) -> str:
    out = []
    for t in view["kpis"]:
        change = "no previous figure" if t["change"] is None else f"{fmt(t['change'], t['unit'])} since {t['previous_period']}"
        out.append(f"<div class='tile'><div>{escape(t['label'])}</div><div class='value'>{escape(fmt(t['value'], t['unit']))}"
                   f"</div><div class='note'>{escape(change)} · coverage {escape(t['coverage'] or '')}</div>"
                   f"<div class='note'>{escape(t['method'])}</div></div>")
    return "<div class='tiles'>" + "".join(out) + "</div>"


def _ranks(view: dict, limit: int = 50) -> str:
    rows = []
    for r in view["table"].head(limit).itertuples():
        cls = " class='selected'" if r.unit == view["force"] else ""
        rank = "not ranked" if pd.isna(r.rank) else f"{int(r.rank)} of {int(r.ranked_of)}"
        cost = "no cost data" if pd.isna(r.cost_rank) else f"{int(r.cost_rank)} of {int(r.cost_ranked_of)}"
        rows.append(f"<tr{cls}><td>{escape(r.name)}</td><td>{rank}</td><td>{cost}</td><td>{escape(r.quadrant)}</td></tr>")
    return ("<table><thead><tr><th>Force</th><th>Performance rank</th><th>Cost rank</th><th>Quadrant</th></tr></thead>"
            "<tbody>" + "".join(rows) + "</tbody></table>")


def _bcus(bcu: dict, selected: str | None = None) -> str:
    table = bcu["table"]
    if table is None or table.empty:
        return "<p>No data: the force's own records have no crimes of this area in the period.</p>"
    marked = " class='selected'"
    rows = "".join(
        f"<tr{marked if r['unit'] == selected else ''}><td>{escape(r['unit'])}</td>"
        f"<td>{escape(fmt(r.get('recorded_per_1000_officers')))}</td>"
        f"<td>{escape(fmt(r.get('positive_outcome_rate'), '%'))}</td>"
        f"<td>{'not ranked' if pd.isna(r.get('rank')) else int(r['rank'])}</td></tr>"
        for r in table.to_dict("records"))
    return ("<table><thead><tr><th>BCU</th><th>Crimes per 1,000 officers</th><th>Positive-outcome rate</th>"
            "<th>Rank</th></tr></thead><tbody>" + rows + "</tbody></table>")


def _bcu_tiles(bcu_name: str, bcu: dict) -> str:
    table = bcu["table"]
    row = table[table["unit"] == bcu_name].to_dict("records") if table is not None and not table.empty else []
    if not row:
        return "<p>No data: the force's own records have no crimes of this area in the period for this BCU.</p>"
    r = row[0]
    ranked = not pd.isna(r.get("rank"))
    tiles = [("Crimes per 1,000 officers", fmt(r.get("recorded_per_1000_officers")), ""),
             ("Positive-outcome rate", fmt(r.get("positive_outcome_rate"), "%"), ""),
             ("Rank in the force", f"{int(r['rank'])} of {int(r['ranked_of'])}" if ranked else "not ranked",
              "among the force's BCUs" if ranked else "fewer than two BCUs have figures")]
    return "<div class='tiles'>" + "".join(
        f"<div class='tile'><div>{escape(label)}</div><div class='value'>{escape(value)}</div>"
        f"<div class='note'>{escape(note)}</div></div>" for label, value, note in tiles) + "</div>"


def bcu_pack_html(bcu_name: str, force_name: str, views: list, method: str, generated: str) -> str:
    """A BCU's pack: every area's comparison with the other BCUs of the force, this BCU marked."""
    first = views[0]
    title = f"Monthly performance pack: {escape(bcu_name)}"
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
             f"<style>{PRINT_CSS}</style></head><body>",
             "<button class='print' onclick='window.print()'>Print or save as PDF</button>",
             f"<h1>{title}</h1><p>A BCU of {escape(force_name)}, compared with the force's other BCUs.</p>",
             f"<p class='note'>Generated {escape(generated)} · {escape(as_of_text(first['data_as_of']))} · "
             f"{escape(method)} Built from the same figures as Beacon's Strategic tab; no figure is typed by "
             "hand.</p>"]
    for view in views:
        parts.append(f"<h2>{escape(view['area_label'])} · last {view['period_days']} days</h2>"
                     f"{_bcu_tiles(bcu_name, view)}{_bcus(view, bcu_name)}")
    parts.append("</body></html>")
    return "".join(parts)


def pack_html(views: list, bcus: list, generated: str) -> str:
    """The whole pack: every area for the selected force, and its BCUs."""
    first = views[0]
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Monthly performance pack - "
             f"{escape(first['force_name'])}</title><style>{PRINT_CSS}</style></head><body>",
             "<button class='print' onclick='window.print()'>Print or save as PDF</button>",
             f"<h1>Monthly performance pack: {escape(first['force_name'])}</h1>",
             f"<p class='note'>Generated {escape(generated)} · {escape(as_of_text(first['data_as_of']))} · "
             "built from the same figures as Beacon's Strategic tab; no figure is typed by hand.</p>"]
    if first.get("synthetic_data"):
        parts.append("<p><strong>Demo data: figures include synthetic data made by the demo generator; they are "
                     "not real force figures.</strong></p>")
    for view, bcu in zip(views, bcus):
        costs = ("Costs are synthetic demo figures." if view["synthetic_costs"] else
                 "" if view["has_costs"] else "No cost data loaded: ranked on performance alone.")
        parts.append(f"<h2>{escape(view['area_label'])} · {escape(view['period'] or 'no data')}</h2>"
                     f"<p class='note'>{escape(costs)}</p>{_tiles(view)}{_ranks(view)}")
        recs = view["recommendations"]
        if recs:
            parts.append("<h3>Tactics used by better-ranked forces</h3><ul>" + "".join(
                f"<li><strong>{escape(r['tactic'])}</strong>: {r['better_using']} of {r['better_total']} "
                f"better-ranked forces</li>" for r in recs) + "</ul>")
        parts.append(f"<h3>BCUs</h3>{_bcus(bcu)}")
    parts.append("<p class='note'>Contains public sector information licensed under the Open Government Licence "
                 "v3.0.</p></body></html>")
    return "".join(parts)

"""The server-rendered pages (login, public, packs): their HTML structure, and data shown as text, never markup."""

from html.parser import HTMLParser

import pandas as pd

from layouts.public import render_page
from layouts.strategic_pack import bcu_pack_html, pack_html
from tests.conftest import login
from tests.web.test_strategic_web import _units, _uof

# Elements HTML never closes, so the tree builder must not wait for their end tag.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# What the page's own tags and escapes look like when they end up in text (hostile data holds none of these).
LEAKS = ("<tr", "</tr", "<td", "</td", "<th", "<li", "<div", "<table", "&lt;", "&gt;", "&amp;", "&#")
HOSTILE = "<script>alert('x')</script> & Sons \"Ltd\""


def only_the_print_script(root) -> bool:
    """A pack's one script is the print button's file: no inline script, nothing from data."""
    return [(s.attrs.get("src"), s.text().strip()) for s in root.all("script")] == [
        ("/assets/print_button.js", "")]


class Node:
    """An element of a parsed page: its tag, attributes and children (Nodes and text)."""

    def __init__(self, tag: str, attrs: dict):
        self.tag, self.attrs, self.children = tag, attrs, []

    def all(self, tag: str) -> list:
        """Every descendant element with this tag, in document order."""
        found = []
        for child in self.children:
            if isinstance(child, Node):
                found += ([child] if child.tag == tag else []) + child.all(tag)
        return found

    def kids(self, tag: str) -> list:
        """The direct children with this tag."""
        return [c for c in self.children if isinstance(c, Node) and c.tag == tag]

    def text(self) -> str:
        """The text inside, as a reader sees it (entities decoded), whitespace collapsed."""
        return " ".join("".join(c if isinstance(c, str) else c.text() for c in self.children).split())

    def classes(self) -> set:
        """The class attribute's names."""
        return set((self.attrs.get("class") or "").split())


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.texts = []

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag):
        # An end tag with no open element of its name would be a broken page: fail loudly.
        assert any(n.tag == tag for n in self.stack[1:]), f"</{tag}> closes nothing"
        while self.stack.pop().tag != tag:
            pass

    def handle_data(self, data):
        self.stack[-1].children.append(data)
        self.texts.append(data)


def parse(page: str) -> tuple[Node, list]:
    """The page's element tree and every text node in it; every element must be closed."""
    builder = _Builder()
    builder.feed(page)
    builder.close()
    assert [n.tag for n in builder.stack] == ["#document"], "unclosed elements"
    return builder.root, builder.texts


def assert_no_markup_in_text(texts: list) -> None:
    """No text node holds tags, which is what escaping markup twice shows the reader."""
    leaked = [t for t in texts if any(mark in t for mark in LEAKS)]
    assert not leaked, leaked


def table_shape(table: Node) -> tuple[list, list]:
    """The header cells' texts and, per body row, its cells' texts."""
    (thead,), (tbody,) = table.kids("thead"), table.kids("tbody")
    (head_row,) = thead.kids("tr")
    return ([th.text() for th in head_row.kids("th")],
            [[td.text() for td in tr.kids("td")] for tr in tbody.kids("tr")])


def _summary(force: str = HOSTILE) -> dict:
    measures = [{"id": "rate", "label": "Positive-outcome rate", "unit": "%", "method": "Outcomes <b>over</b> crimes."},
                {"id": "per", "label": "Crimes per 1,000 officers", "unit": "per 1,000 officers", "method": "A & B."}]
    rows = [{"force": force, "cells": {"rate": {"value": 12.345, "count": 40, "suppressed": False},
                                       "per": {"value": 1234.5, "count": 40, "suppressed": False}}},
            {"force": "Kent", "cells": {"rate": {"value": None, "count": None, "suppressed": True}}}]
    return {"areas": [{"area": "burglary", "label": "Burglary & <em>theft</em>", "period": "2024-25", "rows": rows,
                       "measures": measures},
                      {"area": "robbery", "label": "Robbery", "period": None, "rows": [], "measures": []}],
            "threshold": 10, "synthetic": True, "data_as_of": "2026-11-18T09:14:00"}


def test_public_page_lays_out_a_real_table_with_data_as_text(app):
    with app.server.test_request_context("/public/"):
        page = render_page(_summary())
    root, texts = parse(page)
    assert_no_markup_in_text(texts)
    assert not root.all("script") and not root.all("em") and not root.all("b")
    (html,) = root.all("html")
    assert html.attrs["lang"] == "en"
    assert root.all("meta")[1].attrs == {"name": "viewport", "content": "width=device-width, initial-scale=1"}
    (table,) = root.all("table")
    head, body = table_shape(table)
    assert head == ["Force", "Positive-outcome rate (%)", "Crimes per 1,000 officers (per 1,000 officers)"]
    assert body == [[HOSTILE, "12.3%", "1,234.50"], ["Kent", "withheld (small number)", "no data"]]
    assert [h.text() for h in root.all("h2")] == ["Burglary & <em>theft</em> · 2024-25", "Robbery"]
    assert "No data." in [p.text() for p in root.all("p")]
    notes = [li.text() for li in root.all("li")]
    assert notes == ["Positive-outcome rate: Outcomes <b>over</b> crimes.", "Crimes per 1,000 officers: A & B."]
    paragraphs = " ".join(p.text() for p in root.all("p"))
    assert "Data as of 18 Nov 2026 09:14" in paragraphs and "fewer than 10 events are withheld" in paragraphs
    assert "some figures are synthetic" in paragraphs


def test_public_page_over_http_has_one_table_per_area_with_data(app, client, sqlite_store):
    _uof(sqlite_store)
    resp = client.get("/public/")
    assert resp.status_code == 200
    root, texts = parse(resp.get_data(as_text=True))
    assert_no_markup_in_text(texts)
    tables = root.all("table")
    assert tables
    for table in tables:
        head, body = table_shape(table)
        assert head[0] == "Force" and len(head) > 1 and all(h.endswith(")") for h in head[1:])
        assert body and all(len(row) == len(head) for row in body)
    forces = [row[0] for table in tables for row in table_shape(table)[1]]
    assert "Merseyside" in forces


def test_login_page_is_a_form_with_its_fields(client):
    resp = client.get("/login?next=/strategic")
    root, texts = parse(resp.get_data(as_text=True))
    assert_no_markup_in_text(texts)
    assert root.all("html")[0].attrs["lang"] == "en"
    (form,) = root.all("form")
    assert form.attrs["method"] == "post" and form.attrs["action"] == "/login"
    inputs = {i.attrs["name"]: i.attrs for i in form.all("input")}
    assert set(inputs) == {"csrf", "next", "username", "password"}
    with client.session_transaction() as sess:
        assert inputs["csrf"] == {"type": "hidden", "name": "csrf", "value": sess["csrf"]}
    assert inputs["next"] == {"type": "hidden", "name": "next", "value": "/strategic"}
    assert inputs["password"]["type"] == "password"
    assert [b.attrs["id"] for b in form.all("button")] == ["login-button"]
    assert [link.attrs["href"] for link in root.all("link")] == [
        "/vendor/css/bootstrap.min.css", "/vendor/css/font/bootstrap-icons.min.css", "/assets/beacon.css",
        "/manifest.webmanifest"]
    assert not [d for d in root.all("div") if "alert" in d.classes()]


def test_login_page_shows_a_typed_username_as_text(client):
    resp = login(client, HOSTILE, "wrong")
    assert resp.status_code == 401
    root, _texts = parse(resp.get_data(as_text=True))
    # The one script is Beacon's own file that clears the device (docs/device-data.md); nothing inline.
    assert [(sc.attrs, sc.text()) for sc in root.all("script")] == [({"src": "/device-clear.js"}, "")]
    (alert,) = [d for d in root.all("div") if "alert" in d.classes()]
    assert alert.text() == "Username or password not recognised." and alert.attrs["role"] == "alert"
    (username,) = [i for i in root.all("input") if i.attrs["name"] == "username"]
    assert username.attrs["value"] == HOSTILE


def test_login_message_is_escaped(app):
    from app import _login_page

    with app.server.test_request_context("/login"):
        page = _login_page("<b>Bad</b> & worse", "o'brien", "tok\"en", "/x?a=1&b=2")
    root, _texts = parse(page)
    assert not root.all("b")
    (alert,) = [d for d in root.all("div") if "alert" in d.classes()]
    assert alert.text() == "<b>Bad</b> & worse"
    values = {i.attrs["name"]: i.attrs.get("value") for i in root.all("input")}
    assert values == {"csrf": "tok\"en", "next": "/x?a=1&b=2", "username": "o'brien", "password": None}


def _tiles(root: Node) -> list:
    return [d for d in root.all("div") if "tiles" in d.classes()]


def test_the_force_pack_has_tiles_and_tables_per_area(app, client, sqlite_store):
    _uof(sqlite_store)
    login(client, "leader")
    resp = client.get("/strategic/pack?force=merseyside")
    root, texts = parse(resp.get_data(as_text=True))
    assert_no_markup_in_text(texts)
    assert root.all("html")[0].attrs["lang"] == "en"
    assert root.all("h1")[0].text() == "Monthly performance pack: Merseyside"
    assert [b.attrs["class"] for b in root.all("button")] == ["print"]
    areas = [h for h in root.all("h2") if "area" in h.classes()]
    assert len(areas) >= 2 and len(_tiles(root)) == len(areas)
    own = [h.text() for h in root.all("h2") if "own" in h.classes()]
    assert [t.split(" · ")[0] for t in own] == ["Backlog and demand by department", "Overdue tasks by kind",
                                                 "Backlog and demand by team", "Frequent service users"]
    for tiles in _tiles(root):
        assert tiles.kids("div") and all("tile" in t.classes() for t in tiles.kids("div"))
    ranks = [t for t in root.all("table") if table_shape(t)[0][0] == "Force"]
    assert len(ranks) == len(areas)
    for table in ranks:
        head, body = table_shape(table)
        assert head == ["Force", "Performance rank", "Cost rank", "Quadrant"]
        assert body and all(len(row) == 4 for row in body)
        selected = [tr for tr in table.all("tr") if "selected" in tr.classes()]
        assert [tr.kids("td")[0].text() for tr in selected] == ["Merseyside"]
    assert [h.text() for h in root.all("h3")].count("BCUs") == len(areas)


def test_the_bcu_pack_marks_its_bcu(app, client, sqlite_store):
    (bcu_id, bcu_name), = _units(sqlite_store, "bcu")
    login(client, "leader")
    root, texts = parse(client.get(f"/strategic/pack?bcu={bcu_id}").get_data(as_text=True))
    assert_no_markup_in_text(texts)
    assert root.all("title")[0].text() == root.all("h1")[0].text() == f"Monthly performance pack: {bcu_name}"
    for table in root.all("table"):
        head, body = table_shape(table)
        assert head == ["BCU", "Crimes per 1,000 officers", "Positive-outcome rate", "Rank"]
        assert all(len(row) == 4 for row in body)
        assert [tr.kids("td")[0].text() for tr in table.all("tr") if "selected" in tr.classes()] == [bcu_name]
    assert root.all("table") and len(_tiles(root)) == len(root.all("table"))


def _pack_views() -> tuple[list, list]:
    kpis = [{"label": "Rate <i>", "value": 12.34, "unit": "%", "change": -1.5, "previous_period": "2023-24",
             "coverage": "40 of 43 forces", "method": "Outcomes & <b>crimes</b>."}]
    table = pd.DataFrame([{"unit": "x", "name": HOSTILE, "rank": 1, "ranked_of": 2, "cost_rank": None,
                           "cost_ranked_of": None, "quadrant": "better & cheaper"},
                          {"unit": "kent", "name": "Kent", "rank": None, "ranked_of": 2, "cost_rank": 1,
                           "cost_ranked_of": 2, "quadrant": "worse"}])
    bcu = {"table": pd.DataFrame([{"unit": "North <b>", "recorded_per_1000_officers": 1500.0,
                                   "positive_outcome_rate": 9.87, "rank": 1, "ranked_of": 1}])}
    view = {"force_name": HOSTILE, "force": "x", "data_as_of": None, "synthetic_data": True, "area_label": "A & <b>",
            "period": None, "period_days": 28, "synthetic_costs": False, "has_costs": False, "kpis": kpis,
            "table": table, "recommendations": [{"tactic": "<script>t</script>", "better_using": 1, "better_total": 2}]}
    return [view], [bcu]


def test_the_force_pack_shows_names_as_text(app):
    views, bcus = _pack_views()
    with app.server.test_request_context("/strategic/pack"):
        root, texts = parse(pack_html(views, bcus, "18 Nov 2026 09:14"))
    assert_no_markup_in_text(texts)
    assert only_the_print_script(root) and not root.all("b") and not root.all("i")
    assert root.all("title")[0].text() == f"Monthly performance pack - {HOSTILE}"
    assert [h.text() for h in root.all("h2")] == ["Cross-force benchmark: A & <b> · no data"]
    (tile,) = [d for d in root.all("div") if "tile" in d.classes()]
    assert [d.text() for d in tile.kids("div")] == [
        "Rate <i>", "12.3%", "-1.5% since 2023-24 · coverage 40 of 43 forces", "Outcomes & <b>crimes</b>."]
    ranks, bcu_table = root.all("table")
    assert table_shape(ranks)[1] == [[HOSTILE, "1 of 2", "no cost data", "better & cheaper"],
                                     ["Kent", "not ranked", "1 of 2", "worse"]]
    assert [tr.kids("td")[0].text() for tr in ranks.all("tr") if "selected" in tr.classes()] == [HOSTILE]
    assert table_shape(bcu_table)[1] == [["North <b>", "1,500", "9.9%", "1"]]
    assert [li.text() for li in root.all("li")] == ["<script>t</script>: 1 of 2 better-ranked forces"]
    paragraphs = [p.text() for p in root.all("p")]
    assert "No cost data loaded: ranked on performance alone." in paragraphs
    assert any("synthetic data made by the demo generator" in p for p in paragraphs)


def test_the_bcu_pack_shows_names_as_text_and_says_when_it_has_no_data(app):
    views, bcus = _pack_views()
    empty = dict(views[0], table=None, area_label="Robbery")
    with app.server.test_request_context("/strategic/pack"):
        root, texts = parse(bcu_pack_html("North <b>", HOSTILE, [dict(views[0], table=bcus[0]["table"]), empty],
                                          "Method & notes.", "18 Nov 2026 09:14"))
    assert_no_markup_in_text(texts)
    assert only_the_print_script(root) and not root.all("b")
    assert root.all("h1")[0].text() == "Monthly performance pack: North <b>"
    assert [h.text() for h in root.all("h2")] == ["A & <b> · last 28 days", "Robbery · last 28 days"]
    (tiles,) = [d for d in root.all("div") if "tiles" in d.classes()]
    assert [t.kids("div")[1].text() for t in tiles.kids("div")] == ["1,500", "9.9%", "1 of 1"]
    (table,) = root.all("table")
    assert [tr.kids("td")[0].text() for tr in table.all("tr") if "selected" in tr.classes()] == ["North <b>"]
    paragraphs = [p.text() for p in root.all("p")]
    assert f"A BCU of {HOSTILE}, compared with the force's other BCUs." in paragraphs
    assert any("no crimes of this area in the period for this BCU" in p for p in paragraphs)
    assert any("no crimes of this area in the period." in p for p in paragraphs)


def test_the_pack_marks_bcu_figures_resting_on_small_numbers(app):
    views, bcus = _pack_views()
    bcus[0] |= {"small": {("North <b>", "positive_outcome_rate")}, "threshold": 10}
    with app.server.test_request_context("/strategic/pack"):
        root, texts = parse(pack_html(views, bcus, "18 Nov 2026 09:14"))
    assert_no_markup_in_text(texts)
    _ranks, bcu_table = root.all("table")
    assert table_shape(bcu_table)[1] == [["North <b>", "1,500", "9.9% (small number)", "1"]]
    assert any(t.startswith("Small number: the figure rests on fewer than 10 crimes") for t in texts)

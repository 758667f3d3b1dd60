"""Cautions the seeds ask for appear where their figures are shown."""

from tests.conftest import login


def test_daily_actions_and_demand_say_they_are_not_a_whole_workload(client):
    from components.notes import WORKLOAD_CAVEAT

    login(client, "inspector")
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert layout.count(WORKLOAD_CAVEAT) == 2 and '"da-caveat"' in layout and '"dm-caveat"' in layout


def test_forward_tiles_say_what_they_count_and_stay_calm_when_nothing_is_overdue():
    from callbacks.daily_actions import _forward_tiles

    def texts(tiles):
        return [[c.children for c in t.children] for t in tiles]

    calm = _forward_tiles([{"horizon": 7, "due": 0, "overdue": 0}, {"horizon": 28, "due": 1, "overdue": 0}])
    assert texts(calm) == [["0", "nothing overdue"], ["0", "tasks due within 7 days"], ["1", "task due within 28 days"]]
    assert "forward-overdue" not in calm[0].className and "forward-clear-tile" in calm[0].className
    busy = _forward_tiles([{"horizon": 7, "due": 3, "overdue": 28}, {"horizon": 28, "due": 1, "overdue": 28}])
    # Overdue is said once, in its own tile, never repeated on each horizon.
    assert texts(busy) == [["28", "tasks already overdue"], ["3", "tasks due within 7 days"],
                           ["1", "task due within 28 days"]]
    assert "forward-overdue-tile" in busy[0].className
    assert _forward_tiles([]) == []

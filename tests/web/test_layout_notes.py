"""Cautions the seeds ask for appear where their figures are shown."""

from tests.conftest import login


def test_daily_actions_and_demand_say_they_are_not_a_whole_workload(client):
    from components.notes import WORKLOAD_CAVEAT

    login(client, "inspector")
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert layout.count(WORKLOAD_CAVEAT) == 2 and '"da-caveat"' in layout and '"dm-caveat"' in layout


def test_forward_tiles_say_what_they_count_and_stay_calm_when_nothing_is_overdue():
    from callbacks.daily_actions import _forward_tiles

    calm, busy = _forward_tiles([{"horizon": 7, "due": 0, "overdue": 0}, {"horizon": 28, "due": 1, "overdue": 28}])
    calm_text = [c.children for c in calm.children]
    busy_text = [c.children for c in busy.children]
    assert calm_text == ["0", "tasks due within 7 days", "none overdue"]
    assert "forward-overdue" not in str(calm)
    assert busy_text == ["1", "task due within 28 days", "plus 28 already overdue"]

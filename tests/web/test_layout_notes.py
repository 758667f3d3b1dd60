"""Cautions the seeds ask for appear where their figures are shown."""

from tests.conftest import login


def test_daily_actions_and_demand_say_they_are_not_a_whole_workload(client):
    from components.notes import WORKLOAD_CAVEAT

    login(client, "inspector")
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert layout.count(WORKLOAD_CAVEAT) == 2 and '"da-caveat"' in layout and '"dm-caveat"' in layout

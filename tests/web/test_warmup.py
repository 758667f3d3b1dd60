"""The start-up warm-up builds a figure the way the chart builders do, without touching any data."""

import plotly.io as pio

from web.warmup import warm_plotly


def test_warm_plotly_builds_and_serialises_a_figure():
    assert warm_plotly() >= 0
    # The template it loaded is the one every chart uses.
    assert "plotly_white" in pio.templates

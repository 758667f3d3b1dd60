"""Start-up warm-up: pay Plotly's first-figure cost when a process starts, not on someone's first chart."""

import gc
import logging
import time

log = logging.getLogger(__name__)


def warm_plotly() -> float:
    """Build and serialise one small figure as the chart builders do; return the seconds it took."""
    started = time.perf_counter()
    import plotly.graph_objects as go
    import plotly.io as pio

    # The first figure imports the trace and layout validators and loads the plotly_white template; the
    # JSON encoder is what Dash uses to send a figure. Later figures reuse all of it.
    fig = go.Figure([go.Bar(x=[1.0], y=["a"], orientation="h", text=["1"]),
                     go.Scatter(x=["2026-11-17", "2026-11-18"], y=[1, 2], mode="lines")])
    fig.add_annotation(text="warm-up", showarrow=False)
    fig.update_layout(template="plotly_white", margin={"l": 10, "r": 10, "t": 10, "b": 10}, font={"size": 14})
    fig.update_xaxes(visible=False)
    pio.to_json(fig)
    return time.perf_counter() - started


def settle_heap() -> float:
    """Collect once and freeze what start-up built; return the seconds it took.

    A new process holds hundreds of thousands of young objects from its imports (Dash, pandas, Plotly),
    and the first full garbage collection walks them all, 0.1-0.2 s inside whichever request triggers
    it. Collected here instead and frozen (gc.freeze), later full collections skip them.
    """
    started = time.perf_counter()
    gc.collect()
    gc.freeze()
    return time.perf_counter() - started


def warm_up() -> None:
    """Everything a worker does once at start so its first requests run at the usual speed."""
    plotly_s = warm_plotly()
    heap_s = settle_heap()
    log.info("warmed up: first figure %.2f s, garbage collection %.2f s", plotly_s, heap_s)

"""First-chart cost in a new process, with and without the start-up warm-up.

    .venv/bin/python -m benchmarks.bench_first_chart [runs]

Each run is a new interpreter that imports the app's modules (as a worker does before its first request),
then times the demand tab's capacity chart built and serialised once, then again; "warm" runs
web.warmup.warm_up first, as create_app does.
"""

import json
import subprocess
import sys

CHILD = r"""
import json, sys, time
import app  # noqa: F401  - what a worker has imported before its first request
import pandas as pd
import plotly.io as pio
from components.charts import capacity_figure
from web.warmup import warm_up

t = time.perf_counter()
if sys.argv[1] == "warm":
    warm_up()  # as create_app does outside tests
warm = time.perf_counter() - t if sys.argv[1] == "warm" else None
df = pd.DataFrame({"unit_name": ["Team A", "Team B"], "open_per_officer": [3.5, 1.0],
                   "open_crimes": [7, 2], "available_officers": [2, 2]})
times = []
for _ in range(2):
    t = time.perf_counter()
    pio.to_json(capacity_figure(df, "team"))
    times.append(time.perf_counter() - t)
print(json.dumps({"warm_up": warm, "first": times[0], "second": times[1]}))
"""


def main(runs: int = 3) -> None:
    for mode in ("cold", "warm"):
        rows = []
        for _ in range(runs):
            out = subprocess.run([sys.executable, "-c", CHILD, mode], capture_output=True, text=True, check=True)
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        firsts = sorted(r["first"] for r in rows)
        seconds = sorted(r["second"] for r in rows)
        line = f"{mode}: first chart median {firsts[len(firsts) // 2] * 1000:.0f} ms, " \
               f"second {seconds[len(seconds) // 2] * 1000:.0f} ms"
        if mode == "warm":
            warms = sorted(r["warm_up"] for r in rows)
            line += f"; warm-up at start {warms[len(warms) // 2] * 1000:.0f} ms"
        print(line, flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)

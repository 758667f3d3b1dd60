"""Ingest benchmark: wall time and peak RSS of a full load from CSV and from Parquet, and of one day's changes.

Usage: .venv/bin/python -m benchmarks.bench_ingest [--database-url URL] [--scale 1.0]
The extract is synthesised here with numpy at west-midlands scale (about 320,000 crimes a year, scale 1.0)
in Beacon's own shape (mappings/beacon-extract.yaml). Each load runs in a child process so its peak RSS is
its own; the CSV load goes into one new database, the Parquet load into another, and the day's changes are
loaded on top of the CSV one. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing as mp
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from benchmarks.bench_config import bench_config

MAPPING = Path(__file__).resolve().parent.parent / "mappings" / "beacon-extract.yaml"
CRIMES = 320_000  # West Midlands records about 303,000-323,000 crimes a year (docs/domain.md section 9)
OFFICERS = 8_000
TEAMS = 120
EVENTS_PER_CRIME = (("allocated", 1.0), ("supervisor_review", 1.0), ("victim_contact", 1.4), ("log_entry", 1.2),
                    ("arrest", 0.35))
START = np.datetime64("2025-11-01T00:00")
# The load's day: after the synthetic year's last event (START + 365 days + up to 40 days), so no row is dated
# in the future whatever the calendar says.
TODAY = date(2026, 12, 15)


def synthesise(scale: float, seed: int = 7) -> dict:
    """The extract's tables as DataFrames (text and typed columns), at scale times west-midlands size."""
    rng = np.random.default_rng(seed)
    n_crimes, n_officers = int(CRIMES * scale), max(40, int(OFFICERS * scale))
    units = [{"unit_ref": "F", "parent_ref": None, "kind": "force", "name": "Bench force", "strand": None}]
    for b in range(6):
        units.append({"unit_ref": f"B{b}", "parent_ref": "F", "kind": "bcu", "name": f"BCU {b}", "strand": None})
        units.append({"unit_ref": f"D{b}", "parent_ref": f"B{b}", "kind": "department", "name": f"Dept {b}",
                      "strand": "response"})
    for t in range(TEAMS):
        units.append({"unit_ref": f"T{t}", "parent_ref": f"D{t % 6}", "kind": "team", "name": f"Team {t}",
                      "strand": "response"})
    o = np.arange(n_officers)
    officers = pd.DataFrame({
        "officer_ref": [f"S{i}" for i in o], "collar": [f"C{i}" for i in o], "forename": "Sam",
        "surname": [f"Officer{i}" for i in o], "rank": np.where(o % 8 == 0, "PS", "PC"), "is_staff": False,
        "unit_ref": [f"T{i % TEAMS}" for i in o], "line_manager_ref": [f"S{i - i % 8}" if i % 8 else None for i in o],
        "tutor_ref": None, "is_student": o % 13 == 0, "start_date": np.datetime64("2015-01-01") + (o % 3000),
        "weekly_hours": 40.0})
    c = np.arange(n_crimes)
    reported = START + rng.integers(0, 365 * 24 * 60, n_crimes).astype("timedelta64[m]")
    codes = np.array(["CASLT", "ABH", "BURR", "CDAM", "SHOP", "THEFT", "HARASS", "TFMV"])
    status = np.where(rng.random(n_crimes) < 0.6, "finalised", "open")
    crimes = pd.DataFrame({
        "crime_ref": [f"WM/{i}/25" for i in c], "offence_code": codes[rng.integers(0, len(codes), n_crimes)],
        "occurred_on": reported.astype("datetime64[D]") - rng.integers(0, 3, n_crimes),
        "reported_at": reported, "recorded_at": reported + rng.integers(10, 2000, n_crimes).astype("timedelta64[m]"),
        "unit_ref": [f"T{i % TEAMS}" for i in c], "oic_ref": [f"S{i}" for i in rng.integers(0, n_officers, n_crimes)],
        "status": status, "outcome_code": np.where(status == "finalised", rng.choice([1, 14, 16, 18], n_crimes), 0),
        "domestic_abuse": rng.random(n_crimes) < 0.15, "hate_crime": rng.random(n_crimes) < 0.02,
        "location": "High Street", "summary": "Synthetic benchmark crime"})
    n_persons = int(n_crimes * 1.4)
    p = np.arange(n_persons)
    persons = pd.DataFrame({"person_ref": [f"N{i}" for i in p], "forename": "Alex",
                            "surname": [f"Person{i}" for i in p],
                            "date_of_birth": np.datetime64("1970-01-01") + rng.integers(0, 18000, n_persons)})
    suspects = rng.random(n_crimes) < 0.4
    victim_of = c
    suspect_of = c[suspects]
    parties = pd.DataFrame({
        "party_ref": [f"P{i}" for i in range(len(victim_of) + len(suspect_of))],
        "crime_ref": [f"WM/{i}/25" for i in np.concatenate([victim_of, suspect_of])],
        "person_ref": [f"N{i}" for i in rng.integers(0, n_persons, len(victim_of) + len(suspect_of))],
        "role": ["victim"] * len(victim_of) + ["suspect"] * len(suspect_of), "enhanced_rights": False})
    frames = []
    for kind, rate in EVENTS_PER_CRIME:
        n = int(n_crimes * rate)
        which = rng.integers(0, n_crimes, n) if rate != 1.0 else c
        frame = pd.DataFrame({"crime_ref": which, "kind": kind,
                              "at": reported[which] + rng.integers(60, 60 * 24 * 40, n).astype("timedelta64[m]"),
                              "officer_ref": [f"S{i}" for i in rng.integers(0, n_officers, n)]})
        # An arrest names its suspect (the contract requires it); other events here name nobody.
        frame["person_ref"] = [f"N{i}" for i in rng.integers(0, n_persons, n)] if kind == "arrest" else None
        frames.append(frame)
    events = pd.concat(frames, ignore_index=True)
    events.insert(0, "event_ref", [f"E{i}" for i in range(len(events))])
    events["crime_ref"] = [f"WM/{i}/25" for i in events["crime_ref"]]
    return {"org_units": pd.DataFrame(units), "officers": officers, "crimes": crimes, "persons": persons,
            "parties": parties, "crime_events": events}


def one_day(tables: dict, seed: int = 8) -> dict:
    """A day's incremental extract: about 900 new crimes with their parties and events, 2,500 crimes changed."""
    rng = np.random.default_rng(seed)
    crimes = tables["crimes"]
    changed = crimes.iloc[rng.choice(len(crimes), min(2500, len(crimes)), replace=False)].copy()
    changed["status"], changed["outcome_code"] = "finalised", 16
    new = crimes.iloc[:900].copy()
    new["crime_ref"] = [f"WM/N{i}/26" for i in range(len(new))]
    parties = pd.DataFrame({"party_ref": [f"PN{i}" for i in range(len(new))], "crime_ref": new["crime_ref"].to_numpy(),
                            "person_ref": tables["persons"]["person_ref"].iloc[:len(new)].to_numpy(), "role": "victim",
                            "enhanced_rights": False})
    events = pd.DataFrame({"event_ref": [f"EN{i}" for i in range(len(new))], "crime_ref": new["crime_ref"].to_numpy(),
                           "kind": "allocated", "at": new["recorded_at"].to_numpy(),
                           "officer_ref": new["oic_ref"].to_numpy()})
    return {"crimes": pd.concat([changed, new]), "parties": parties, "crime_events": events}


def write(tables: dict, folder: Path, fmt: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        if fmt == "csv":
            frame = frame.copy()
            for col in frame.columns:  # dates as 2026-11-18, times as 2026-11-18 09:30, as the mapping expects
                if pd.api.types.is_datetime64_any_dtype(frame[col]):
                    day_only = col.endswith(("_on", "_date")) or col == "date_of_birth"
                    frame[col] = frame[col].dt.strftime("%Y-%m-%d" if day_only else "%Y-%m-%d %H:%M")
            frame.to_csv(folder / f"{name}.csv", index=False)
        else:
            pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), folder / f"{name}.parquet")


def _load(config, folder, out) -> None:
    from data_access.ingest.loader import load_extract
    from data_access.store import open_store_from

    store = open_store_from(config)
    t0 = time.perf_counter()
    result = load_extract(store, MAPPING, folder)
    out.put((time.perf_counter() - t0, _peak_mb(), result.status, result.totals(), len(result.changed_crime_ids),
             result.message))


def _peak_mb() -> float:
    """This process's own peak resident memory in MB."""
    # A spawned child's ru_maxrss starts at the parent's resident size when it forked (Linux keeps the peak
    # across exec), and the parent holds the synthesised extract; VmHWM counts the child's own memory only.
    try:
        with open("/proc/self/status") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(label: str, config, folder: Path) -> None:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    proc = ctx.Process(target=_load, args=(config, folder, q))
    proc.start()
    wall, rss, status, totals, crimes, message = q.get()
    proc.join()
    print(f"{label}: {wall:.1f} s wall, peak RSS {rss:.0f} MB; {status}; read {totals['read']:,}, inserted "
          f"{totals['inserted']:,}, updated {totals['updated']:,}, unchanged {totals['unchanged']:,}, quarantined "
          f"{totals['quarantined']:,}; {crimes:,} crimes changed" + ("" if status == "loaded" else f"\n  {message}"))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database-url", help="for the CSV load and the day's changes (default: a new SQLite file)")
    ap.add_argument("--scale", type=float, default=1.0, help="1.0 = west-midlands, about 320,000 crimes")
    args = ap.parse_args(argv)
    config = dataclasses.replace(bench_config(args.database_url, "bench-ingest-"), today=TODAY)
    parquet_config = dataclasses.replace(config, database_url=f"sqlite:///{config.data_dir / 'parquet.db'}")
    work = Path(tempfile.mkdtemp(prefix="extract-", dir=config.data_dir))
    t0 = time.perf_counter()
    tables = synthesise(args.scale)
    write(tables, work / "csv", "csv")
    write(tables, work / "parquet", "parquet")
    write(one_day(tables), work / "day", "csv")
    rows = sum(len(f) for f in tables.values())
    print(f"synthesised {len(tables['crimes']):,} crimes, {rows:,} rows in {time.perf_counter() - t0:.1f} s; "
          f"loaded as of {TODAY:%d %b %Y}")
    measure("full load from CSV", config, work / "csv")
    measure("full load from Parquet", parquet_config, work / "parquet")
    measure("incremental load of one day's changes (CSV)", config, work / "day")
    measure("the same day's extract again (nothing changes)", config, work / "day")


if __name__ == "__main__":
    main()

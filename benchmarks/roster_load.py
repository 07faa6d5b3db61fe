"""Time read_roster on generated rosters (10k and 100k rows; plain and human-number files).

Run: ``python benchmarks/roster_load.py``.  Prints the median wall-clock and
CPU (process) time of 5 loads, and the machine's load average (other work on
the machine inflates wall time but hardly CPU time).
"""

import os

import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from lineup.io.roster import read_roster
from lineup.io.synthetic import generate_roster, write_roster_csv

NICHES = [f"niche{k}" for k in range(50)]


def humanise(df):
    """The same roster written the way people type it: 12.5K followers, 3.4% ER, £1,200 fees."""
    out = df.copy()
    er, fee = (pd.to_numeric(df[c], errors="coerce") for c in ("engagement_rate", "fee"))
    out["followers"] = (df["followers"] / 1000).round(1).astype(str) + "K"
    out["engagement_rate"] = ((er * 100).round(2).astype(str) + "%").where(er.notna(), "")
    out["fee"] = ("£" + fee.map("{:,.0f}".format)).where(fee.notna(), "N/A")
    return out


def time_load(path, repeats=5):
    wall, cpu = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        roster, _ = read_roster(path, platform="instagram")
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu), len(roster)


def main():
    with tempfile.TemporaryDirectory() as d:
        for n in (10_000, 100_000):
            df = generate_roster(n, niches=NICHES, platforms={"instagram": 0.6, "tiktok": 0.3, "youtube": 0.1},
                                 seed=1, blank_rate=0.05)
            for label, frame in (("plain", df), ("human numbers", humanise(df))):
                path = Path(d) / f"r{n}_{label[0]}.csv"
                write_roster_csv(frame, path)
                wall, cpu, rows = time_load(path)
                size = path.stat().st_size / 1e6
                print(f"{n:>7,} rows ({label:13s}, {size:4.1f} MB): median wall {wall:.3f} s, cpu {cpu:.3f} s "
                      f"over 5 loads ({rows:,} rows read; load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()

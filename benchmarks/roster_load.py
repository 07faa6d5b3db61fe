"""Time read_roster on generated rosters (10k and 100k rows; plain and human-number files).

Run: ``python benchmarks/roster_load.py [--sizes 10000 100000] [--repeats 5]``
(``--help`` lists the options).  Prints the median wall-clock and CPU (process)
time of the loads, and the machine's load average (other work on
the machine inflates wall time but hardly CPU time).
"""

import argparse
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


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], metavar="ROWS",
                        help="roster sizes to time (default: 10000 100000)")
    parser.add_argument("--repeats", type=int, default=5, help="loads per file; the median is shown (default: 5)")
    args = parser.parse_args(argv)
    if args.repeats < 1 or min(args.sizes) < 1:
        parser.error("--sizes and --repeats must be at least 1")
    return args


def main(argv=None):
    args = parse_args(argv)
    with tempfile.TemporaryDirectory() as d:
        for n in args.sizes:
            df = generate_roster(n, niches=NICHES, platforms={"instagram": 0.6, "tiktok": 0.3, "youtube": 0.1},
                                 seed=1, blank_rate=0.05)
            for label, frame in (("plain", df), ("human numbers", humanise(df))):
                path = Path(d) / f"r{n}_{label[0]}.csv"
                write_roster_csv(frame, path)
                wall, cpu, rows = time_load(path, args.repeats)
                size = path.stat().st_size / 1e6
                print(f"{n:>7,} rows ({label:13s}, {size:4.1f} MB): median wall {wall:.3f} s, cpu {cpu:.3f} s "
                      f"over {args.repeats} loads ({rows:,} rows read; load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()

"""Choosing for word of mouth at scale: a 1,000,000-person population and a 10,000-creator roster.

Run by hand::

    python benchmarks/talkers_scale.py                      # 1M people, 10k creators, HiGHS, 60 s per MILP
    python benchmarks/talkers_scale.py --people 200000 --creators 2000 --check 5

Writes a generated roster (scenarios' generator: 70 % micro, 23 % mid, 7 % macro by default mix of
:func:`lineup.io.synthetic.generate_roster`) and a scenario with ``objective: {talkers: 1, engagement: 0}``,
every default of ``objective.sampling`` unless given, word of mouth ``ic``; then runs ``lineup solve`` in a
child process (python start to output written) under ``/usr/bin/time -v``.  Prints the wall time, peak
resident memory, the RR sets used, the certified lower bound and ratio, the predicted and simulated
talkers.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lineup.io.synthetic import generate_roster, write_roster_csv

SCENARIO = """\
name: Buzz at scale
currency: USD
budget: {budget}
roster: roster.csv
objective:
  talkers: 1.0
  engagement: 0
  sampling: {{max_sets: {max_sets}, check_replications: {check}, populations: {populations}}}
constraints:
  influencers: {{max: 40}}
  tiers: {{macro: {{max: 3}}}}
solver: {{time_limit: {time_limit}}}
simulation:
  days: 30
  seed: 7
  population: {{size: {people}}}
  word_of_mouth: {{model: ic}}
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, default=1_000_000)
    ap.add_argument("--creators", type=int, default=10_000)
    ap.add_argument("--budget", type=float, default=100_000)
    ap.add_argument("--max-sets", type=int, default=2_000_000)
    ap.add_argument("--populations", type=int, default=2)
    ap.add_argument("--check", type=int, default=3, help="simulation check replications")
    ap.add_argument("--time-limit", type=float, default=60)
    ap.add_argument("--solver", default="highs")
    ap.add_argument("--json", type=Path, help="also write the solve's JSON output here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        frame = generate_roster(args.creators, niches=["skincare", "makeup", "vegan", "wellness"],
                                platforms={"instagram": 0.6, "tiktok": 0.3, "youtube": 0.1}, seed=11)
        write_roster_csv(frame, folder / "roster.csv")
        (folder / "s.yaml").write_text(SCENARIO.format(budget=args.budget, max_sets=args.max_sets, check=args.check,
                                                       populations=args.populations, time_limit=args.time_limit,
                                                       people=args.people))
        cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "lineup.cli", "solve", str(folder / "s.yaml"),
               "--solver", args.solver, "--format", "json", "--what-if", "0"]
        t0 = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if out.returncode != 0:
            print(out.stderr[-3000:])
            raise SystemExit(f"lineup solve failed with exit code {out.returncode}")
        rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr)
        data = json.loads(out.stdout)
        if args.json is not None:
            args.json.write_text(out.stdout, encoding="utf-8")
        t = data["talkers"]
        print(f"{args.people:,} people, {args.creators:,} creators, solver {args.solver}: status {data['status']}, "
              f"{data['influencers']} chosen, spend {data['spend']:,.0f} of {args.budget:,.0f}")
        print(f"  wall {wall:.1f} s (talkers rounds {t['seconds']:.1f} s incl. the check), peak RSS "
              f"{int(rss.group(1)) / 1e6 if rss else float('nan'):.2f} GB")
        print(f"  RR sets {t['rr_sets']:,} per optimisation sample ({t['rr_sets_stored']:,} stored), rounds "
              f"{t['rounds']}, populations {t['populations']}")
        print(f"  predicted talkers {t['estimate']:,.0f} ± {1.96 * t['standard_error']:,.0f}; certified lower bound "
              f"{t['lower_bound']:,.0f}; best portfolio ≤ {t['best_upper_bound']:,.0f}; ratio {t['ratio']:.3f} "
              f"(confidence {t['confidence']:.0%})")
        sim = t.get("simulated")
        if sim:
            print(f"  simulated talkers {sim['mean']:,.0f} (95% CI {sim['ci_low']:,.0f}–{sim['ci_high']:,.0f}, "
                  f"{sim['replications']} replications)")
        for line in out.stderr.splitlines():
            if line.startswith(("Round", "Drawing", "Validating", "Checking")):
                print("   ", line)


if __name__ == "__main__":
    main()

"""Sensitivity benchmark: ``lineup sensitivity`` of a scenario, wall and CPU seconds per stage.

Acceptance (issue 13): ``lineup sensitivity scenarios/micro_vs_macro.yaml`` with 64 design
points x 20 replications in < 5 minutes on 2 cores.  Prints the settings, the wall-clock
seconds, the CPU seconds of this process and of its worker processes (so a loaded machine
shows as wall >> CPU / workers), the seconds per simulated replication (all strategies) and
the win probabilities of cost per talker.

    python benchmarks/sensitivity.py                                  # the acceptance case, 2 workers
    python benchmarks/sensitivity.py --points 8 --replications 5 --workers 1
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" / "micro_vs_macro.yaml"))
    parser.add_argument("--points", type=int, default=64)
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--method", choices=["lhs", "morris"], default="lhs")
    parser.add_argument("--population", type=int, default=None, help="simulated people (default: lineup's)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.points < 2 or args.replications < 2 or args.workers < 1:
        parser.error("--points and --replications must be at least 2, --workers at least 1")

    from lineup import load_scenario, sensitivity

    t0, c0 = time.perf_counter(), _cpu()
    sc = load_scenario(args.scenario)
    t1 = time.perf_counter()
    res = sensitivity(sc, points=args.points, replications=args.replications, seed=args.seed, method=args.method,
                      population=args.population, workers=args.workers)
    t2 = time.perf_counter()
    res.indices()
    t3, c3 = time.perf_counter(), _cpu()
    runs = res.points * args.replications
    print(f"scenario {sc.name}: {len(res.strategies)} strategies, {len(res.ranges)} assumptions, {res.points} points "
          f"({res.method}) x {args.replications} replications = {runs:,} replications, "
          f"population {res.population['size']:,} ({res.population['source']}), workers {args.workers}")
    print(f"portfolios solved {res.portfolios['solved']}")
    print(f"wall {t3 - t0:.1f} s (load {t1 - t0:.1f} s, design + simulations {t2 - t1:.1f} s, indices {t3 - t2:.1f} s);"
          f" CPU {c3 - c0:.1f} s; {(t2 - t1) * args.workers / runs:.3f} worker-seconds per replication")
    wins = res.win_probabilities()["cost_per_talker"]
    print("cost per talker, P(win): " + ", ".join(f"{s} {v['p']:.0%} [{v['ci_low']:.0%}-{v['ci_high']:.0%}]"
                                                  for s, v in wins.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

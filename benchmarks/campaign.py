"""Campaign simulation benchmark: population generation and one 30-day replication.

Every case runs in a fresh subprocess (so peak memory is the case's own) and
prints seconds for each stage and the peak resident memory
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``).  Targets (DESIGN §8):
generate 1M people (mean degree ~10) < 10 s; one 30-day replication of a
25-influencer campaign on 1M people < 10 s; peak memory < 1.5 GB.

    python benchmarks/campaign.py                     # 100k and 1M, 3 repeats, medians
    python benchmarks/campaign.py --sizes 100000 --repeat 1 --p 0.05
    python benchmarks/campaign.py --sizes 1000000 3000000 --mc 4   # + Monte Carlo, vary true / false

The generate rows also show *gen2 s*: a second population generated in the same process
(what every further Monte Carlo replication pays: the memory is already mapped).
``--mc R`` adds, per size, :func:`lineup.simulation.montecarlo.monte_carlo` of the same
25 influencers with ``R`` replications on one worker, with ``population: {vary: true}``
(a population per replication, the default) and ``{vary: false}`` (one for all): wall
seconds per replication, CPU seconds and the peak memory of the process.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

CASE = r"""
import json, resource, sys, time
import numpy as np
from lineup.domain.campaign import SimulationSpec
from lineup.domain.portfolio import Portfolio
from lineup.domain.priors import engagement_prior
from lineup.domain.roster import Roster
from lineup.domain.tiers import Tiers
from lineup.simulation.audiences import draw_audiences
from lineup.simulation.campaign import Influencers, simulate_campaign
from lineup.simulation.population import generate_population

size, p, mode, reps = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], int(sys.argv[4])
only_generate = mode == "1"
niches = ["beauty", "fitness", "food", "gaming", "travel"]
t0, c0 = time.perf_counter(), time.process_time()
pop = generate_population(size, niches=niches, mean_degree=10, seed=1)
t1, c1 = time.perf_counter(), time.process_time()
out = {"size": size, "generate_s": t1 - t0, "generate_cpu": c1 - c0, "mean_degree": pop.graph.m / size}
if only_generate:
    del pop
    t2 = time.perf_counter()
    generate_population(size, niches=niches, mean_degree=10, seed=2)
    out["generate2_s"] = time.perf_counter() - t2
if mode in ("0", "mc-vary", "mc-fixed"):
    # 25 influencers: 8 nano/micro, 10 mid, 6 macro, 1 mega; 3 posts each
    followers = np.array([800, 2e3, 4e3, 6e3, 8e3, 5e3, 3e3, 9e3] + [2e4 * (k + 1) for k in range(10)]
                         + [2e5, 3e5, 4e5, 5e5, 6e5, 8e5] + [3e6])
    n = len(followers)
    roster = Roster.from_columns(ids=[f"inf{k}" for k in range(n)], followers=followers,
                                 engagement_rate=engagement_prior(followers), fee=followers / 100,
                                 posts=np.full(n, 3), niches=[[niches[k % 5]] for k in range(n)])
    spec = SimulationSpec(word_of_mouth={"p": p})
    inf = Influencers.from_portfolio(Portfolio(roster, np.arange(n)), Tiers(), spec.talk_prob)
if mode in ("mc-vary", "mc-fixed"):
    from lineup.simulation.montecarlo import monte_carlo
    del pop
    spec = SimulationSpec(word_of_mouth={"p": p}, population={"size": size, "vary": mode == "mc-vary"})
    t2, c2 = time.perf_counter(), time.process_time()
    res = monte_carlo(inf, spec, niches=niches, replications=reps, seed=1)
    out = {"size": size, "per_rep_s": (time.perf_counter() - t2) / reps, "cpu_s": time.process_time() - c2,
           "talkers": float(res.totals["talkers"].mean)}
elif mode == "0":
    aud = draw_audiences(pop, inf.real_followers, inf.niches, seed=2)
    t2 = time.perf_counter()
    m = simulate_campaign(pop, aud, inf, spec, seed=3)
    t3, c3 = time.perf_counter(), time.process_time()
    out.update(audiences_s=t2 - t1, campaign_s=t3 - t2, replication_s=t3 - t1, replication_cpu=c3 - c1,
               scale=aud.scale,
               talkers=float(m["talkers"][-1]), wom_share=float(m["wom_share"][-1]))
out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def run_case(size: int, p: float, only_generate: bool, mode: str | None = None, reps: int = 0) -> dict:
    mode = mode or ("1" if only_generate else "0")
    done = subprocess.run([sys.executable, "-c", CASE, str(size), str(p), mode, str(reps)],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def median_of(runs: list[dict]) -> dict:
    return {k: statistics.median(r[k] for r in runs) if isinstance(runs[0][k], float) else runs[0][k]
            for k in runs[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per case; medians are shown")
    parser.add_argument("--p", type=float, default=0.01, help="word-of-mouth p (default: the scenario default)")
    parser.add_argument("--mc", type=int, default=0, help="also Monte Carlo with this many replications")
    args = parser.parse_args()
    print(f"{'case':<28}{'people':>10}{'gen s':>8}{'aud s':>8}{'camp s':>8}{'rep s':>8}{'cpu s':>7}{'peak MB':>9}"
          f"{'k':>8}{'talkers':>12}{'wom':>6}{'gen2 s':>8}")
    for size in args.sizes:
        gen = median_of([run_case(size, args.p, True) for _ in range(args.repeat)])
        print(f"{'generate (mean degree 10)':<28}{size:>10,}{gen['generate_s']:>8.2f}{'':>8}{'':>8}{'':>8}"
              f"{gen['generate_cpu']:>7.2f}{gen['peak_mb']:>9.0f}{'':>8}{'':>12}{'':>6}"
              f"{gen.get('generate2_s', float('nan')):>8.2f}")
        rep = median_of([run_case(size, args.p, False) for _ in range(args.repeat)])
        print(f"{'replication (25 inf, 30 d)':<28}{size:>10,}{rep['generate_s']:>8.2f}{rep['audiences_s']:>8.2f}"
              f"{rep['campaign_s']:>8.2f}{rep['replication_s']:>8.2f}{rep['replication_cpu']:>7.2f}"
              f"{rep['peak_mb']:>9.0f}{rep['scale']:>8.1f}"
              f"{rep['talkers']:>12,.0f}{rep['wom_share']:>6.2f}")
        for mode in ("mc-vary", "mc-fixed") if args.mc else ():
            mc = median_of([run_case(size, args.p, False, mode, args.mc) for _ in range(args.repeat)])
            label = f"MC x{args.mc}, vary {'true' if mode == 'mc-vary' else 'false'} (s/rep)"
            print(f"{label:<28}{size:>10,}{'':>8}{'':>8}{'':>8}{mc['per_rep_s']:>8.2f}{mc['cpu_s']:>7.2f}"
                  f"{mc['peak_mb']:>9.0f}{'':>8}{mc['talkers']:>12,.0f}")


if __name__ == "__main__":
    main()

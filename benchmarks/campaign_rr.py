"""RR sampling of the campaign model (lineup.simulation.campaign_rr) at scale.

Builds a scenario-like candidate roster (micro / mid / macro creators, follower counts
log-uniform within each tier's bounds, engagement rates from the tier prior, 1–3 posts),
generates the population(s), draws the roster's audiences, then times the RR sets.
Every stage prints its wall and CPU seconds; the last line is the process's peak
resident memory (``ru_maxrss``), everything included.

    python benchmarks/campaign_rr.py                                   # 1M people, 10k creators, 1M sets
    python benchmarks/campaign_rr.py --people 100000 --creators 1000 --sets 100000
    python benchmarks/campaign_rr.py --populations 4 --sets 10000000 --workers 1 2
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

TIERS = {"micro": (1_000, 10_000, 0.70), "mid": (10_000, 100_000, 0.23), "macro": (100_000, 1_000_000, 0.07)}
NICHES = ["beauty", "fitness", "food", "gaming", "travel"]


def roster(creators: int, seed: int):
    from lineup.domain.priors import engagement_prior
    from lineup.domain.roster import Roster

    rng = np.random.default_rng(seed)
    names = list(TIERS)
    tier = rng.choice(len(names), size=creators, p=[TIERS[t][2] for t in names])
    lo = np.log10([TIERS[t][0] for t in names])[tier]
    hi = np.log10([TIERS[t][1] for t in names])[tier] - 1e-6
    followers = np.floor(10 ** rng.uniform(lo, hi))
    return Roster.from_columns(ids=[f"c{k}" for k in range(creators)], followers=followers,
                               engagement_rate=engagement_prior(followers), fee=followers / 100,
                               posts=rng.choice([1, 2, 3], size=creators, p=[0.5, 0.3, 0.2]),
                               niches=[[NICHES[k % len(NICHES)]] for k in range(creators)])


class Clock:
    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self, label: str, extra: str = "") -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        print(f"{label:<34}{wall - self.wall:>9.2f} s wall{cpu - self.cpu:>9.2f} s cpu  {extra}", flush=True)
        self.wall, self.cpu = wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_000_000, help="simulated population size")
    parser.add_argument("--creators", type=int, default=10_000, help="candidate influencers in the roster")
    parser.add_argument("--sets", type=int, default=1_000_000, help="RR sets to draw")
    parser.add_argument("--populations", type=int, default=1, help="independent population draws")
    parser.add_argument("--p", type=float, default=0.01, help="word-of-mouth p (default: the scenario default)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="threads drawing the sets (each timed)")
    parser.add_argument("--model", default="ic", choices=["ic", "none"], help="word-of-mouth model")
    args = parser.parse_args()

    from lineup.domain.campaign import SimulationSpec
    from lineup.domain.portfolio import Portfolio
    from lineup.domain.tiers import Tiers
    from lineup.simulation.campaign import Influencers
    from lineup.simulation.campaign_rr import CampaignSampler

    clock = Clock()
    r = roster(args.creators, seed=1)
    spec = SimulationSpec(population={"size": args.people}, word_of_mouth={"model": args.model, "p": args.p})
    inf = Influencers.from_portfolio(Portfolio(r, np.arange(args.creators)), Tiers(), spec.talk_prob)
    clock.lap(f"roster ({args.creators:,} creators)")
    sampler = CampaignSampler.from_spec(inf, spec, niches=NICHES, populations=args.populations, seed=2)
    w = sampler.worlds[0]
    clock.lap(f"populations + audiences (x{args.populations})",
              f"k = {w.scale:,.0f}, {len(w.f_items):,} follows, {len(w.in_indices):,} arcs per population, "
              f"branching {sampler.branching:.2f}")
    sampler.sample(1_000, seed=0)
    clock.lap("warm-up (numba cache / compile)")
    for workers in args.workers:
        rr = sampler.sample(args.sets, seed=3, workers=workers)
        clock.lap(f"{args.sets:,} RR sets, {workers} thread(s)", f"{rr.stored:,} non-empty, {len(rr.members):,} "
                  f"members, mean size {rr.sizes().mean() if rr.stored else 0:.2f}")
    top = np.argsort(-rr.singles() - np.bincount(rr.members, minlength=rr.n))[:50]
    print(f"top-50 by coverage: talkers ≈ {rr.estimate(top):,.0f} ± {rr.standard_error(top):,.0f} "
          f"(real people of {sampler.people:,.0f})")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()

"""RR sampling of the campaign model (lineup.simulation.campaign_rr) at scale.

Builds a scenario-like candidate roster (micro / mid / macro creators, follower counts
log-uniform within each tier's bounds, engagement rates from the tier prior, 1–3 posts),
generates the population(s), draws the roster's audiences, then times the RR sets,
importance-weighted (the default) and plain (``weighted=False``), on the same worlds.
Every stage prints its wall and CPU seconds; then, per kind, sets per second, the
share of non-empty sets and the relative standard error of the talkers of one portfolio
(the 50 creators with the most followers) from the same number of sets, and the
variance ratio plain / weighted.  The last line is the process's peak resident memory
(``ru_maxrss``), everything included.

    python benchmarks/campaign_rr.py                                   # 1M people, 10k creators, 1M sets
    python benchmarks/campaign_rr.py --people 100000 --creators 1000 --sets 100000
    python benchmarks/campaign_rr.py --populations 4 --sets 10000000 --workers 1 2
    python benchmarks/campaign_rr.py --kinds weighted                 # the weighted sets only
"""

from __future__ import annotations

import argparse
import math
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


def talkers(rr, chosen) -> tuple[float, float]:
    """Estimate and standard error of ``chosen``'s talkers (weights, if any, included)."""
    hit = rr.hits(chosen)
    w = np.ones(rr.stored) if rr.weights is None else rr.weights
    mean, square = (w * hit).sum() / rr.count, (w * w * hit).sum() / rr.count
    return rr.people * mean, rr.people * math.sqrt(max(square - mean ** 2, 0.0) / rr.count)


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
    parser.add_argument("--kinds", nargs="+", default=["weighted", "plain"], choices=["weighted", "plain"],
                        help="RR sets to draw: importance-weighted and/or plain (weighted=False)")
    args = parser.parse_args()

    from lineup.domain.campaign import SimulationSpec
    from lineup.domain.portfolio import Portfolio
    from lineup.domain.tiers import Tiers
    from lineup.simulation.campaign import Influencers
    from lineup.simulation.campaign_rr import CampaignSampler, draw_worlds

    clock = Clock()
    r = roster(args.creators, seed=1)
    spec = SimulationSpec(population={"size": args.people}, word_of_mouth={"model": args.model, "p": args.p})
    inf = Influencers.from_portfolio(Portfolio(r, np.arange(args.creators)), Tiers(), spec.talk_prob)
    clock.lap(f"roster ({args.creators:,} creators)")
    worlds = draw_worlds(inf, spec, niches=NICHES, populations=args.populations, seed=2)
    samplers = {kind: CampaignSampler(worlds, inf, spec, weighted=kind == "weighted") for kind in args.kinds}
    sampler = samplers[args.kinds[0]]
    w = sampler.worlds[0]
    clock.lap(f"populations + audiences (x{args.populations})",
              f"k = {w.scale:,.0f}, {len(w.f_items):,} follows, {len(w.in_indices):,} arcs per population, "
              f"branching {sampler.branching:.2f}")
    top = np.argsort(-np.asarray(inf.real_followers))[:50]
    figures = {}
    for kind in args.kinds:
        sampler = samplers[kind]
        sampler.sample(1_000, seed=0)
        clock.lap(f"warm-up, {kind} (numba cache)")
        for workers in args.workers:
            t0 = time.perf_counter()
            rr = sampler.sample(args.sets, seed=3, workers=workers)
            seconds = time.perf_counter() - t0
            clock.lap(f"{args.sets:,} {kind} sets, {workers} thread(s)",
                      f"{args.sets / seconds:,.0f} sets/s, {rr.stored:,} non-empty ({rr.stored / rr.count:.3%}), "
                      f"mean size {rr.sizes().mean() if rr.stored else 0:.2f}")
        estimate, se = talkers(rr, top)
        figures[kind] = se
        mean_weight = f", mean weight {rr.weights.mean():.4f}" if rr.weights is not None and rr.stored else ""
        print(f"  top-50 by followers ({kind}): talkers ≈ {estimate:,.0f} ± {se:,.0f} "
              f"(relative SE {se / estimate if estimate else float('nan'):.2%}{mean_weight}; "
              f"real people {sampler.people:,.0f})")
    if len(figures) == 2 and figures["weighted"] > 0:
        print(f"variance plain / weighted, same sets: {(figures['plain'] / figures['weighted']) ** 2:,.1f}x")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()

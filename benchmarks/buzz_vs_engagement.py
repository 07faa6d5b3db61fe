"""Buzz (talkers-optimised) vs engagement-optimised portfolio: a paired out-of-sample RR estimate.

``lineup compare scenarios/micro_vs_macro.yaml --strategies optimised,buzz`` simulates both
portfolios on the same populations; its paired interval on talkers is as wide as the
replication noise (about ±3 % with 30 replications).  This script resolves smaller
differences: it solves both strategies, then draws ``--sets`` fresh RR sets (a seed the
solve never used) over the union of their creators, and reports each portfolio's expected
talkers and their paired difference (per set ``w·[A covers] − w·[B covers]``, mean ± 1.96 SE)
on the same sets.

    python benchmarks/buzz_vs_engagement.py                        # micro_vs_macro, 2,000,000 sets
    python benchmarks/buzz_vs_engagement.py --sets 500000 --seed 7
    python benchmarks/buzz_vs_engagement.py --no-validation         # the optimum on R1 as it is
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

import lineup
from lineup._rng import as_seed_sequence, streams
from lineup.optimize.model import model_of
from lineup.workflows.compare import strategy_scenario
from lineup.workflows import talkers
from lineup.workflows.talkers import _sampled_decisions, _without_talkers, solve, talker_sampler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", nargs="?", default="scenarios/micro_vs_macro.yaml")
    parser.add_argument("--a", default="buzz", help="strategy A (default buzz)")
    parser.add_argument("--b", default="optimised", help="strategy B (default optimised)")
    parser.add_argument("--sets", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=99, help="seed of the fresh RR sample (not the solve's)")
    parser.add_argument("--over", choices=["all", "union"], default="all",
                        help="sample over every candidate (the solve's audience scale; default) or the two portfolios")
    parser.add_argument("--no-validation", action="store_true",
                        help="take the optimum on R1 as it is (skip the validation against the proxy portfolio)")
    parser.add_argument("--worlds", choices=["fresh", "solve"], default="fresh",
                        help="fresh populations and audiences (default), or the ones the solve sampled on")
    args = parser.parse_args()
    sc = lineup.load_scenario(args.scenario)
    if args.no_validation:
        talkers._against_proxy = lambda res, forecast, *_, **__: (res, forecast)
    t0 = time.perf_counter()
    chosen = {}
    for name in (args.a, args.b):
        res = solve(strategy_scenario(sc, name), check=False)
        chosen[name] = res.portfolio
        print(f"{name}: {len(res.portfolio.ids)} creators, spend {res.portfolio.spend:,.0f}, "
              f"solved in {time.perf_counter() - t0:.0f} s")
    base = _without_talkers(sc)
    m = model_of(base)
    masks = {k: m.mask_of(p) for k, p in chosen.items()}
    decisions = (_sampled_decisions(m) if args.over == "all" else np.flatnonzero(masks[args.a] | masks[args.b]))
    world_seed, sample_seed = streams(as_seed_sequence(args.seed), 2)
    if args.worlds == "solve":   # the solve's worlds (talkers.solve: streams(simulation.seed, 3)[0]), fresh sets
        world_seed = streams(as_seed_sequence(sc.spec.simulation.seed), 3)[0]
    rr = talker_sampler(base, decisions, seed=world_seed).sample(args.sets, seed=sample_seed)
    w = rr.weight()
    per = {k: np.where(rr.hits(mask[decisions]), w, 0.0) for k, mask in masks.items()}
    for k, x in per.items():
        print(f"{k}: expected talkers {rr.people * x.sum() / rr.count:,.0f} ± "
              f"{1.96 * rr.people * _se(x, rr.count):,.0f} (95 %)")
    diff = per[args.a] - per[args.b]
    est, half = rr.people * diff.sum() / rr.count, 1.96 * rr.people * _se(diff, rr.count)
    print(f"{args.a} - {args.b}: {est:+,.0f} talkers (95 % {est - half:+,.0f} to {est + half:+,.0f}), "
          f"{rr.count:,} sets over {len(decisions)} creators, {time.perf_counter() - t0:.0f} s in all")


def _se(x: np.ndarray, count: int) -> float:
    """SE of the mean over ``count`` sets of which ``len(x)`` are stored (the rest are 0)."""
    mean, square = x.sum() / count, (x ** 2).sum() / count
    return math.sqrt(max(square - mean ** 2, 0.0) / count)


if __name__ == "__main__":
    main()

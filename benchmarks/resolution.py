"""Resolution error of word of mouth: a shipped scenario at the auto population size and at twice it.

Run: ``python benchmarks/resolution.py scenarios/multi_platform.yaml [--replications 12]
[--max-degree 150] [--seed 5]`` (``--help`` lists the options).  Solves the scenario,
simulates the optimised portfolio at the auto size N and at 2N with the same seed, and
prints talkers and reach (mean and 95 % interval, real people) at both, and whether the
means differ by less than the two half-widths.  ``--max-degree 1e6`` reproduces the
earlier cap, √(N × mean_degree) alone.
"""

import argparse
import time

from lineup.io.scenario import load_scenario
from lineup.optimize import solve
from lineup.workflows.simulate import simulate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario")
    parser.add_argument("--replications", type=int, default=12)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--max-degree", type=float, default=None, help="population.max_degree (default: the scenario's)")
    args = parser.parse_args()
    population = {"size": "auto"} | ({"max_degree": args.max_degree} if args.max_degree else {})
    sc = load_scenario(args.scenario).with_overrides(simulation__population=population)
    portfolio = solve(sc).portfolio
    runs = []
    for size in ("auto", None):
        over = population | {"size": size or 2 * runs[0].population_size}
        t = time.perf_counter()
        res = simulate(sc.with_overrides(simulation__population=over), portfolio,
                       replications=args.replications, seed=args.seed)
        runs.append(res)
        print(f"N = {res.population_size:>9,}  k = {res.scale:6.2f}  ({time.perf_counter() - t:5.1f} s)")
        for metric in ("talkers", "reach"):
            m = res.totals[metric]
            print(f"  {metric:<8} {m.mean:>12,.0f}  [{m.ci_low:,.0f} – {m.ci_high:,.0f}]")
    for metric in ("talkers", "reach"):
        a, b = runs[0].totals[metric], runs[1].totals[metric]
        room = (a.ci_high - a.ci_low) / 2 + (b.ci_high - b.ci_low) / 2
        verdict = "inside" if abs(a.mean - b.mean) <= room else "OUTSIDE"
        print(f"{metric}: N→2N moves the mean by {abs(a.mean - b.mean):,.0f}; half-widths sum {room:,.0f} ({verdict})")


if __name__ == "__main__":
    main()

"""The greedy for a chance constraint (``constraints.target_probability``) and the cheapest portfolio that
reaches a target (``objective.minimise: cost``), side by side with the MILP, on issue 10's model with every
rule kind (``solve_scaling.py --full``; the cheapest portfolio without its minimum spend, which would set
the answer).

Run by hand::

    python benchmarks/chance_greedy.py                                  # 1k × 200 and 10k × 200
    python benchmarks/chance_greedy.py --cases 1000x100 1000x500 --probability 0.9 --time-limit 120

The target is ``--target-share`` of what the plain greedy's portfolio (the same rules, no target) reaches
in a share ``--probability`` of the planning scenarios, so that it is reachable within the budget.  For
each case it prints the plain greedy's objective and the target, then for each mode (most engagement with
the rule; the cheapest portfolio with the rule) the greedy's time, objective and bound (the LP relaxation
of the full model), then the MILP's (HiGHS, ``--time-limit``), and whether each portfolio keeps every
rule.  One run each: the greedy is deterministic.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from solve_scaling import make_scenario  # noqa: E402

import numpy as np  # noqa: E402

from lineup.domain.outcomes import Delivery, OutcomeSpec  # noqa: E402
from lineup.optimize import solve  # noqa: E402
from lineup.optimize.model import model_of  # noqa: E402
from lineup.optimize.result import relative_gap  # noqa: E402
from lineup.optimize.rules import violations  # noqa: E402
from lineup.workflows.plan import draw_outcome_sample  # noqa: E402


def chance_scenario(n: int, scenarios: int, probability: float, share: float, cheapest: bool, time_limit: float):
    sc, _ = make_scenario(n, full=True)
    first = solve(sc, backend="greedy")
    plain = model_of(sc).mask_of(first.portfolio)
    outcomes = OutcomeSpec(delivery=Delivery(default=0.9, by_tier={"macro": 0.85, "mega": 0.85}), platform_shock=0.2,
                           seed=7, planning_scenarios=scenarios)
    constraints = sc.spec.constraints.model_copy(update={"target_probability": probability,
                                                         **({"min_spend": None} if cheapest else {})})
    solver = sc.spec.solver.model_copy(update={"time_limit": time_limit})
    objective = sc.spec.objective.model_copy(update={"target": 1.0, "minimise": "cost" if cheapest else None})
    spec = sc.spec.model_copy(update={"objective": objective, "constraints": constraints, "outcomes": outcomes,
                                      "solver": solver})
    sc = draw_outcome_sample(replace(sc, spec=spec))
    reached = np.quantile(sc.outcome_sample[:, plain].sum(axis=1), 1 - probability)
    objective = objective.model_copy(update={"target": round(share * float(reached))})
    return replace(sc, spec=sc.spec.model_copy(update={"objective": objective})), first.objective


def _run(sc, backend: str) -> dict:
    t0 = time.perf_counter()
    res = solve(sc, backend=backend)
    seconds = time.perf_counter() - t0
    ok = res.portfolio is not None and not violations(sc, model_of(sc).mask_of(res.portfolio))
    gap = relative_gap(res.objective, res.bound)      # as lineup reports it: (bound − objective) / |objective|
    return {"seconds": seconds, "status": res.status.value, "method": res.method, "objective": res.objective,
            "bound": res.bound, "gap": gap, "rules": "ok" if ok else "—"}


def _fmt(r: dict) -> str:
    obj = "—" if r["objective"] is None else f"{r['objective']:,.0f}"
    bound = "—" if r["bound"] is None else f"{r['bound']:,.0f}"
    gap = "—" if r["gap"] is None else f"{100 * r['gap']:.2f} %"
    return f"{r['seconds']:7.2f} s {r['status']:>10} {r['method']:>8} {obj:>12} {bound:>12} {gap:>9} {r['rules']:>5}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", nargs="+", default=["1000x200", "10000x200"], help="influencers x scenarios")
    ap.add_argument("--probability", type=float, default=0.8)
    ap.add_argument("--target-share", type=float, default=0.9)
    ap.add_argument("--time-limit", type=float, default=60.0, help="the MILP's (and the LP bound's) seconds")
    args = ap.parse_args(argv)
    print(f"p {args.probability}, target {args.target_share} x the plain greedy's P{100 * (1 - args.probability):.0f}, "
          f"MILP: highs, {args.time_limit:g} s")
    print(f"{'case':>13} {'mode':>9} {'solver':>7} {'time':>9} {'status':>10} {'method':>8} {'objective':>12} "
          f"{'bound':>12} {'gap':>9} {'rules':>5}")
    for case in args.cases:
        n, s = (int(v) for v in case.lower().split("x"))
        for cheapest in (False, True):
            sc, plain = chance_scenario(n, s, args.probability, args.target_share, cheapest, args.time_limit)
            mode = "cheapest" if cheapest else "most"
            if not cheapest:
                print(f"{n:>6,} × {s:<4} the plain greedy (no target): objective {plain:,.0f}; "
                      f"target {sc.spec.objective.target:,.0f}")
            for backend in ("greedy", "highs"):
                print(f"{n:>6,} × {s:<4} {mode:>9} {backend:>7} {_fmt(_run(sc, backend))}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

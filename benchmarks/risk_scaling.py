"""How the mean–CVaR solve (``objective.risk``, sample-average approximation) scales with influencers n
and outcome scenarios S, on issue 10's model with every rule kind (``solve_scaling.py --full``: packages,
management hours in the budget, team hours, custom rules, counts, tiers, platform shares, includes,
excludes, conflicts, min spend, 20 niches with coverage).

Run by hand::

    python benchmarks/risk_scaling.py                         # the acceptance cases: 1k × 500, 10k × 200
    python benchmarks/risk_scaling.py --cases 1000x100 1000x200 1000x500 --repeat 3
    python benchmarks/risk_scaling.py --beta 1.0 --backend cbc

For each case it prints the time to draw the S × decisions outcome sample, the model's size, the solve's
wall time (median of ``--repeat``, each from a fresh sample of the same seed), status, gap, method, the
out-of-sample CVaR_alpha of the chosen portfolio (10,000 independent scenarios) beside its in-sample
value, and whether the portfolio keeps every rule.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from solve_scaling import make_scenario  # noqa: E402

from lineup.domain.outcomes import Delivery, OutcomeSpec, RiskSpec  # noqa: E402
from lineup.optimize.formulation import build  # noqa: E402
from lineup.optimize.model import model_of  # noqa: E402
from lineup.optimize.rules import candidates, violations  # noqa: E402
from lineup.workflows.plan import draw_outcome_sample, solve  # noqa: E402


def risk_scenario(n: int, scenarios: int, beta: float, alpha: float, gap: float, time_limit: float):
    sc, _ = make_scenario(n, full=True)
    objective = sc.spec.objective.model_copy(update={"risk": RiskSpec(beta=beta, alpha=alpha)})
    outcomes = OutcomeSpec(delivery=Delivery(default=0.9, by_tier={"macro": 0.85, "mega": 0.85}), platform_shock=0.2,
                           seed=7, planning_scenarios=scenarios)
    solver = sc.spec.solver.model_copy(update={"gap": gap, "time_limit": time_limit})
    return replace(sc, spec=sc.spec.model_copy(update={"objective": objective, "outcomes": outcomes,
                                                       "solver": solver}))


def run_case(n: int, scenarios: int, args) -> dict:
    times, res, sample_s = [], None, []
    for _ in range(args.repeat):
        sc = risk_scenario(n, scenarios, args.beta, args.alpha, args.gap, args.time_limit)
        t0 = time.perf_counter()
        with_sample = draw_outcome_sample(sc)
        sample_s.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        res = solve(with_sample, backend=args.backend)
        times.append(time.perf_counter() - t0)
    shape = build(with_sample, candidates(with_sample)).shape
    f = res.forecast
    return {"case": f"{n:,} × {scenarios}", "decisions": model_of(with_sample).n, "rows×cols": f"{shape[0]:,}×{shape[1]:,}",
            "sample_s": statistics.median(sample_s), "solve_s": statistics.median(times),
            "all_s": [round(t, 2) for t in times], "status": res.status.value,
            "gap": "—" if res.gap is None else f"{100 * res.gap:.3f} %", "method": res.method,
            "cvar_in": f.in_sample_cvar, "cvar_out": f.cvar, "mean_out": f.mean,
            "rules": "ok" if not violations(with_sample, model_of(with_sample).mask_of(res.portfolio)) else "BROKEN"}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", nargs="+", default=["1000x500", "10000x200"], help="n×S cases, e.g. 1000x500")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--beta", type=float, default=0.5)
    p.add_argument("--alpha", type=float, default=0.1)
    p.add_argument("--gap", type=float, default=0.005)
    p.add_argument("--time-limit", type=float, default=300.0)
    p.add_argument("--backend", default="highs", choices=["cbc", "highs"])
    args = p.parse_args(argv)
    print(f"beta {args.beta}, alpha {args.alpha}, gap {100 * args.gap:g} %, {args.backend}, median of {args.repeat}")
    head = f"{'case':>12} {'decisions':>9} {'rows×cols':>16} {'sample s':>8} {'solve s':>8} {'status':>10} {'gap':>9} " \
           f"{'method':>7} {'CVaR in':>10} {'CVaR out':>10} {'mean out':>10} rules  runs"
    print(head)
    for case in args.cases:
        n, s = (int(v) for v in case.lower().split("x"))
        r = run_case(n, s, args)
        print(f"{r['case']:>12} {r['decisions']:>9,} {r['rows×cols']:>16} {r['sample_s']:>8.2f} {r['solve_s']:>8.2f} "
              f"{r['status']:>10} {r['gap']:>9} {r['method']:>7} {r['cvar_in']:>10,.0f} {r['cvar_out']:>10,.0f} "
              f"{r['mean_out']:>10,.0f} {r['rules']:>5}  {r['all_s']}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

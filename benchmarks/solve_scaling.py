"""How the portfolio MILP scales: 1k, 10k, 100k influencers, 50 niches, every constraint kind.

Run by hand::

    python benchmarks/solve_scaling.py                     # 1k, 10k, 100k; cbc and highs
    python benchmarks/solve_scaling.py --sizes 1000 10000 --backends cbc --e2e
    python benchmarks/solve_scaling.py --full --backends cbc --e2e --no-naive   # issue 10's model

``--full`` adds what issue 10 brought: 3 deliverable packages ("1 post", "3 posts", "reel")
on a third of the rows (a rate card file end to end), management hours by tier at an hourly
rate counted in the budget, a team-hours cap and three custom rules (a CO2 sum, a follower-
weighted audience share, a count of verified creators) over extra roster columns.

For each size and backend it prints: the array model build time (candidates, pre-check
and :func:`lineup.optimize.formulation.build`), the solve time, status, objective,
bound and gap, all measured by :func:`lineup.optimize.solve`; once per size the time to
turn the arrays into a PuLP problem (``to_pulp``, ``LpAffineExpression``) and the time of
a naive PuLP build with one ``lpSum`` per constraint over per-row comprehensions.
``--e2e`` also times the whole ``lineup solve FILE --output DIR`` process (python start
to files written), on a CSV + YAML written to a temporary folder.  ``--repeat N`` solves
each case N times and shows the median solve time (the other columns are the last run's;
the solves are deterministic).  *rules* is ``ok`` when the portfolio breaks no rule
(:func:`lineup.optimize.rules.violations`); *via* is ``r&f`` when LP relax-and-fix ended the
solve (:func:`lineup.optimize.warmstart.relax_and_fix`), else the backend's name.

100k influencers to gap 0.5 % (``--sizes 100000 --backends cbc --no-naive --repeat 3``):
CBC alone 3.4–3.8 s, LP relax-and-fix 0.57–0.88 s (medians of 3 on a shared machine; see
``benchmarks/README.md``, "Issue 14").
"""

from __future__ import annotations

import argparse
import resource
import statistics
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from lineup.domain import Roster, Scenario, ScenarioSpec
from lineup.io.synthetic import generate_roster, write_roster_csv
from lineup.optimize import solve
from lineup.optimize.backends import to_pulp
from lineup.optimize.formulation import build
from lineup.optimize.rules import candidates, violations

NICHES = [f"niche{k:02d}" for k in range(50)]
PLATFORMS = {"instagram": 0.6, "tiktok": 0.3, "youtube": 0.1}


def add_extra_columns(frame, seed: int = 7):
    """Extra roster columns for the custom rules: co2_kg, verified (yes/no), audience_female (fraction)."""
    rng = np.random.default_rng(seed)
    n = len(frame)
    frame = frame.copy()
    frame["co2_kg"] = np.round(rng.uniform(2, 60, n), 1)
    frame["verified"] = np.where(rng.random(n) < 0.4, "yes", "no")
    frame["audience_female"] = np.round(rng.uniform(0.2, 0.9, n), 3)
    return frame


def rate_card(frame, seed: int = 8):
    """3 packages on every third row: a post (the roster fee), three posts (2.5× fee) and a reel
    (1.6× fee, 1.5× engagement rate, usage rights); one package elsewhere (the roster's, 'standard')."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    rows = frame.iloc[::3]
    fee = rows["fee"].to_numpy(float)
    parts = [pd.DataFrame({"id": rows["id"], "package": "1 post", "fee": fee, "posts": 1}),
             pd.DataFrame({"id": rows["id"], "package": "3 posts", "fee": np.round(fee * rng.uniform(2.3, 2.7, len(rows))),
                           "posts": 3}),
             pd.DataFrame({"id": rows["id"], "package": "reel", "fee": np.round(fee * 1.6), "posts": 1,
                           "engagement_rate": np.minimum(1.0, rows["engagement_rate"].to_numpy(float) * 1.5),
                           "usage_rights": "yes"})]
    return pd.concat(parts, ignore_index=True)


FULL = {
    "costs": {"management": {"hours": {"nano": 3, "micro": 4, "mid": 6, "macro": 10, "mega": 15},
                             "hourly_rate": 45, "count_in_budget": True}},
    "team_hours": 300,
    "custom": [{"column": "co2_kg", "max": 1_500}, {"count_where": "verified", "min": 10},
               {"share_of": "followers", "column": "audience_female", "min": 0.5}],
}


def scenario_dict(frame, roster_path: str = "roster.csv", full: bool = False) -> dict:
    """All constraint kinds; 20 niches in the objective (5 with a minimum), 50 in the roster.

    ``full``: also management costs, team hours and the custom rules (:data:`FULL`); the
    packages come from the rate card file (end to end) or :func:`packages_of` (in memory).
    """
    ok = (frame["followers"].between(1_000, 9_999) & (frame["fee"] < 1_500) & (frame["authenticity"] >= 0.8)
          & frame["country"].isin(["GB", "US", "IE"]))
    ids = frame.loc[ok, "id"].tolist()  # rules refer to allowed micro creators
    out = {
        "name": f"scaling {len(frame)}", "currency": "GBP", "budget": 50_000, "roster": roster_path,
        "objective": {"engagement": 1.0, "coverage": 2_000},
        "niches": {s: {"weight": 1 + k % 3, "target": 1 + k % 4, "min_influencers": 1 if k < 5 else 0}
                   for k, s in enumerate(NICHES[:20])},
        "constraints": {
            "min_spend": 45_000, "influencers": {"min": 15, "max": 60},
            "tiers": {"micro": {"min": 15}, "macro": {"max": 2}},
            "platforms": {"instagram": {"min_share": 0.4}, "youtube": {"max_share": 0.3}},
            "max_budget_share": 0.2, "min_authenticity": 0.75, "countries": ["GB", "US", "IE"],
            "include": ids[:2], "exclude": ids[2:4], "conflicts": [ids[4:6], ids[6:9], ids[9:11]],
        },
    }
    if full:
        out["costs"] = FULL["costs"]
        out["constraints"].update(team_hours=FULL["team_hours"], custom=FULL["custom"])
        out["budget"] = 60_000                      # the same fees plus management
        out["constraints"]["min_spend"] = 50_000
    return out


def packages_of(roster, cards):
    """The rate card as :class:`~lineup.domain.packages.Packages` (influencers without one keep their fee)."""
    from lineup.domain.packages import Packages

    rows = np.asarray([roster.index_of(i) for i in cards["id"]], dtype=np.int64)
    er = cards["engagement_rate"].to_numpy(float) if "engagement_rate" in cards else np.full(len(cards), np.nan)
    alone = np.setdiff1d(np.arange(roster.n), rows)
    return Packages.from_columns(
        row=np.r_[rows, alone], name=[*cards["package"], *["standard"] * alone.size],
        fee=np.r_[cards["fee"].to_numpy(float), roster.fee[alone]], posts=np.r_[cards["posts"].to_numpy(float),
                                                                                   roster.posts[alone]],
        engagement_rate=np.r_[er, np.full(alone.size, np.nan)],
        usage_rights=np.r_[cards.get("usage_rights", "no").eq("yes").to_numpy(), np.zeros(alone.size, bool)])


def make_scenario(n: int, seed: int = 1, full: bool = False):
    frame = generate_roster(n, niches=NICHES, platforms=PLATFORMS, seed=seed)
    if full:
        frame = add_extra_columns(frame)
    extra = {} if not full else {"co2_kg": frame["co2_kg"], "verified": (frame["verified"] == "yes").astype(float),
                                 "audience_female": frame["audience_female"]}
    roster = Roster.from_columns(
        ids=frame["id"], followers=frame["followers"], engagement_rate=frame["engagement_rate"],
        fee=frame["fee"], platform=frame["platform"], authenticity=frame["authenticity"],
        posts=frame["posts"], country=frame["country"],
        niches=[[t.split(":")[0] for t in cell.split(";")] for cell in frame["niches"]], extra=extra,
    )
    packages = packages_of(roster, rate_card(frame)) if full else None
    spec = ScenarioSpec.model_validate(scenario_dict(frame, full=full))
    return Scenario(spec=spec, roster=roster, packages=packages), frame


def naive_pulp(sc: Scenario) -> float:
    """Seconds to build the same model the naive way: per-row comprehensions inside lpSum."""
    import pulp

    t0 = time.perf_counter()
    r, spec, cand = sc.roster, sc.spec, candidates(sc)
    rows = np.flatnonzero(cand.mask).tolist()
    fee, e, plat = r.fee.tolist(), r.expected_engagement.tolist(), r.platform.tolist()
    tier = sc.tiers.codes_of(r.followers).tolist()
    niches = r.niche_lists()
    prob = pulp.LpProblem("naive", pulp.LpMaximize)
    x = {i: pulp.LpVariable(f"x_{i}", cat=pulp.LpBinary) for i in rows}
    y = {s: pulp.LpVariable(f"y_{s}", 0, 1) for s in spec.niches}
    prob += pulp.lpSum(e[i] * x[i] for i in rows) + pulp.lpSum(
        spec.objective.coverage * ns.weight * y[s] for s, ns in spec.niches.items())
    spend = pulp.lpSum(fee[i] * x[i] for i in rows)
    prob += spend <= sc.budget, "budget"
    prob += spend >= spec.constraints.min_spend, "min_spend"
    prob += pulp.lpSum(x[i] for i in rows) >= spec.constraints.influencers.min, "inf_min"
    prob += pulp.lpSum(x[i] for i in rows) <= spec.constraints.influencers.max, "inf_max"
    prob += pulp.lpSum(x[i] for i in rows if tier[i] == 1) >= 15, "micro_min"
    prob += pulp.lpSum(x[i] for i in rows if tier[i] == 3) <= 2, "macro_max"
    for s, ns in spec.niches.items():
        members = pulp.lpSum(x[i] for i in rows if s in niches[i])
        prob += ns.target * y[s] <= members, f"cov_{s}"
        if ns.min_influencers:
            prob += members >= ns.min_influencers, f"min_{s}"
    prob += pulp.lpSum(fee[i] * x[i] for i in rows if plat[i] == "instagram") >= 0.4 * spend, "insta"
    prob += pulp.lpSum(fee[i] * x[i] for i in rows if plat[i] == "youtube") <= 0.3 * spend, "yt"
    for i in cand.include_rows.tolist():
        prob += x[i] == 1
    for g, group in enumerate(spec.constraints.conflicts):
        prob += pulp.lpSum(x[r.index_of(i)] for i in group if r.index_of(i) in x) <= 1, f"conflict_{g}"
    return time.perf_counter() - t0


def time_to_pulp(sc: Scenario) -> float:
    cand = candidates(sc)
    t0 = time.perf_counter()
    to_pulp(build(sc, cand))
    return time.perf_counter() - t0


def time_build(sc: Scenario) -> float:
    cand = candidates(sc)
    t0 = time.perf_counter()
    build(sc, cand)
    return time.perf_counter() - t0


def _child_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def end_to_end(frame, backend: str, time_limit: float, full: bool = False) -> tuple[float, float]:
    """Wall and CPU seconds of ``lineup solve`` as a fresh process (start to files written).

    CPU time (the process and its solver child) is the steadier figure on a busy machine.
    """
    import yaml

    exe = shutil.which("lineup")
    cmd = [exe] if exe else [sys.executable, "-m", "lineup.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        write_roster_csv(frame, Path(tmp) / "roster.csv")
        spec = scenario_dict(frame, full=full)
        if full:
            write_roster_csv(rate_card(frame), Path(tmp) / "cards.csv")
            spec["roster"] = {"path": "roster.csv", "rate_card": "cards.csv"}
        spec["solver"] = {"backend": backend, "time_limit": time_limit, "gap": 0.005 if len(frame) > 50_000 else 1e-4}
        (Path(tmp) / "s.yaml").write_text(yaml.safe_dump(spec))
        cpu0, t0 = _child_cpu(), time.perf_counter()
        proc = subprocess.run([*cmd, "solve", str(Path(tmp) / "s.yaml"), "--output", str(Path(tmp) / "out"),
                               "--format", "json"], capture_output=True, text=True)
        dt, cpu = time.perf_counter() - t0, _child_cpu() - cpu0
        if proc.returncode not in (0, 3):
            print(f"  e2e failed (exit {proc.returncode}): {proc.stderr.strip()[-300:]}")
    return dt, cpu


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    ap.add_argument("--backends", nargs="+", default=["cbc", "highs"])
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--no-naive", action="store_true", help="skip the naive PuLP build")
    ap.add_argument("--e2e", action="store_true", help="also time the lineup CLI end to end")
    ap.add_argument("--full", action="store_true", help="packages, management, team hours and custom rules too")
    ap.add_argument("--repeat", type=int, default=1, help="solves per case; the median solve time is shown")
    args = ap.parse_args(argv)
    head = f"{'n':>7} {'backend':>7} {'method':>8} {'build s':>8} {'solve s':>8} {'status':>10} {'objective':>14} {'bound':>14} " \
           f"{'gap':>9} {'rules':>5} {'via':>5} {'e2e s':>7} {'e2e cpu':>7}"
    print(head)
    for n in args.sizes:
        sc, frame = make_scenario(n, full=args.full)
        for backend in args.backends:
            gap = 0.005 if n > 50_000 else 1e-4
            runs = [solve(sc, backend=backend, time_limit=args.time_limit, gap=gap) for _ in range(args.repeat)]
            res, seconds = runs[-1], statistics.median(r.solve_seconds for r in runs)
            ok = "-" if res.portfolio is None else ("ok" if not violations(sc, res.portfolio) else "BROKEN")
            via = "r&f" if any("relax-and-fix" in note for note in res.notes) else res.backend
            e2e = "{:7.2f} {:7.2f}".format(*end_to_end(frame, backend, args.time_limit, args.full)) if args.e2e else "-"
            obj = "-" if res.objective is None else f"{res.objective:14,.1f}"
            bound = "-" if res.bound is None else f"{res.bound:14,.1f}"
            g = "-" if res.gap is None else f"{res.gap:9.2e}"
            print(f"{n:>7} {res.backend:>7} {res.method:>8} {res.build_seconds:8.3f} {seconds:8.3f} {res.status.value:>10} "
                  f"{obj:>14} {bound:>14} {g:>9} {ok:>5} {via:>5} {e2e}", flush=True)
        naive = "skipped" if args.no_naive or args.full else f"{naive_pulp(sc):.3f} s"
        print(f"{n:>7}   model build {time_build(sc):.3f} s | to_pulp (LpAffineExpression) "
              f"{time_to_pulp(sc):.3f} s | naive per-row lpSum {naive}", flush=True)


if __name__ == "__main__":
    main()

"""Invariants of the optimisation model with deliverable packages, management effort and custom rules.

Random rosters of ≤ 12 influencers, up to 3 packages on some of them (so every brute force
stays ≤ 65,536 selections), management hours by tier with an hourly rate counted in the
budget or not, team hours, custom sums, weighted shares and flagged counts, on top of the
built-in rules and audience overlap.  Checked: (a) the MILP equals brute force over every
selection of at most one package per influencer; (b) the greedy never breaks a rule and the
MILP is never below it; (c) a returned portfolio holds one package per influencer and counts
count influencers.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lineup._rng import as_generator
from lineup.domain import Roster, Scenario, ScenarioSpec
from lineup.domain.packages import Packages
from lineup.optimize import SolveStatus, solve
from lineup.optimize.model import model_of
from lineup.optimize.precheck import emptied
from lineup.optimize.rules import candidates, evaluate, violations

from .conftest import random_constraints, random_overlap

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
seeds = st.integers(0, 2**32 - 1)
HOURS = {"nano": 2.0, "micro": 3.0, "mid": 5.0, "macro": 8.0, "mega": 12.0}


def _roster(rng, n: int) -> Roster:
    followers = np.round(10 ** rng.uniform(2.5, 6.5, n))
    niches = ("skincare", "vegan", "fitness")
    member = rng.random((n, len(niches))) < 0.4
    return Roster.from_columns(
        ids=[f"c{k:02d}" for k in range(n)], followers=followers,
        engagement_rate=np.round(rng.uniform(0.01, 0.09, n), 4),
        fee=np.round(followers * rng.uniform(0.004, 0.012, n) + rng.uniform(20, 80, n)),
        niches=[[s for s, m in zip(niches, row) if m] for row in member],
        platform=rng.choice(["instagram", "tiktok"], n), country=rng.choice(["gb", "us"], n),
        authenticity=np.round(rng.uniform(0.6, 1.0, n), 2),
        extra={"co2_kg": np.round(rng.uniform(1, 40, n), 1), "verified": (rng.random(n) < 0.5).astype(float),
               "audience_female": np.round(rng.uniform(0.2, 0.9, n), 2)},
    )


def _packages(rng, roster: Roster, multi: int) -> Packages:
    """One package per influencer, 2-3 on ``multi`` of them: a post, three posts, a reel."""
    counts = np.ones(roster.n, dtype=int)
    counts[rng.permutation(roster.n)[:multi]] = rng.integers(2, 4, multi)
    rows, names, fees, posts, rates, rights = [], [], [], [], [], []
    for i, k in enumerate(counts):
        for name, mult, p, er in [("1 post", 1.0, 1, np.nan), ("3 posts", 2.5, 3, np.nan),
                                  ("reel", 1.6, 1, 1.5)][:k]:
            rows.append(i), names.append(name), fees.append(round(roster.fee[i] * mult * rng.uniform(0.9, 1.1)))
            posts.append(p), rates.append(er if np.isnan(er) else min(1.0, roster.engagement_rate[i] * er))
            rights.append(name == "reel")
    return Packages.from_columns(row=rows, name=names, fee=fees, posts=posts, engagement_rate=rates,
                                 usage_rights=rights)


def packaged_scenario(seed, n: int, p: float = 0.4) -> Scenario:
    """A random scenario with packages on some influencers and each new rule kind with probability ``p``."""
    rng = as_generator(seed)
    roster = _roster(rng, n)
    multi = int(rng.integers(0, min(n, 4) + 1))
    packages = _packages(rng, roster, multi) if multi or rng.random() < 0.5 else None
    c = random_constraints(rng, roster, p * 0.6)
    custom = []
    if rng.random() < p:
        custom.append({"column": "co2_kg", "max": float(rng.uniform(20, 120))})
    if rng.random() < p:
        custom.append({"count_where": "verified", "min": int(rng.integers(0, 3))})
    if rng.random() < p:
        custom.append({"share_of": "followers", "column": "audience_female", "min": float(rng.uniform(0.3, 0.6))})
    if custom:
        c["custom"] = custom
    spec = {"name": "packaged", "currency": "GBP", "roster": "<memory>",
            "budget": float(roster.fee.sum() * rng.uniform(0.2, 0.7)),
            "objective": {"engagement": 1.0, "coverage": float(rng.uniform(0, 2) * roster.expected_engagement.mean())},
            "niches": {s: {"weight": float(rng.integers(1, 3)), "target": int(rng.integers(1, 3))}
                       for s in roster.niche_names}, "constraints": c}
    if rng.random() < p:
        spec["costs"] = {"management": {"hours": HOURS if rng.random() < 0.5 else 4.0,
                                        "hourly_rate": float(rng.choice([0.0, 25.0, 60.0])),
                                        "count_in_budget": bool(rng.random() < 0.7)}}
        if rng.random() < 0.5:
            c["team_hours"] = float(rng.uniform(5, 25))
    overlap = random_overlap(rng, roster, 2 * n) if n >= 2 and rng.random() < 0.4 else None
    return Scenario(spec=ScenarioSpec.model_validate(spec), roster=roster, overlap=overlap, packages=packages)


def selections(sc: Scenario):
    """Every selection of at most one package per influencer, as bool masks over the decisions."""
    d = model_of(sc).decisions
    options = [[None, *np.flatnonzero(d.row == r).tolist()] for r in range(sc.roster.n)]
    for pick in itertools.product(*options):
        mask = np.zeros(d.n, dtype=bool)
        mask[[k for k in pick if k is not None]] = True
        yield mask


def brute_force(sc: Scenario):
    d, best = model_of(sc).decisions, None
    for mask in selections(sc):
        if d.cost[mask].sum() > sc.budget * (1 + 1e-9):   # breaks the budget anyway
            continue
        if not violations(sc, mask):
            v = evaluate(sc, mask).objective
            best = v if best is None else max(best, v)
    return best


def assert_milp_equals_brute_force(sc: Scenario, backend: str = "highs"):
    """The MILP's optimum equals brute force over every selection (or both find none); the result."""
    best = brute_force(sc)
    res = solve(sc, gap=0.0, backend=backend)
    if best is None or emptied(sc, candidates(sc)):
        assert res.status is SolveStatus.INFEASIBLE
        return res
    assert res.status is SolveStatus.OPTIMAL, res.diagnosis
    assert res.objective == pytest.approx(best, rel=1e-7, abs=1e-6)
    return res


@settings(max_examples=40, **SETTINGS)
@given(seed=seeds, n=st.integers(1, 8))
def test_milp_equals_brute_force(seed, n):
    sc = packaged_scenario(seed, n)
    best = brute_force(sc)
    res = solve(sc, gap=0.0, backend="highs")
    if best is None or emptied(sc, candidates(sc)):
        assert res.status is SolveStatus.INFEASIBLE
    else:
        assert res.status is SolveStatus.OPTIMAL, res.diagnosis
        assert res.objective == pytest.approx(best, rel=1e-7, abs=1e-6)


@pytest.mark.slow
@settings(max_examples=25, **SETTINGS)
@given(seed=seeds, n=st.integers(9, 12))
def test_milp_equals_brute_force_up_to_12_influencers(seed, n):
    test_milp_equals_brute_force.hypothesis.inner_test(seed, n)


@settings(max_examples=40, **SETTINGS)
@given(seed=seeds, n=st.integers(1, 40))
def test_greedy_breaks_no_rule_and_milp_is_never_below_it(seed, n):
    from lineup.optimize import greedy

    sc = packaged_scenario(seed, n)
    cand = candidates(sc)
    mask = greedy.greedy(sc, cand)
    if mask is None or emptied(sc, cand):
        return
    assert violations(sc, mask) == []
    res = solve(sc, gap=0.0, backend="highs")
    g = evaluate(sc, mask).objective
    assert res.status is SolveStatus.OPTIMAL
    assert res.objective >= g - 1e-6 * max(1.0, abs(g))


@settings(max_examples=30, **SETTINGS)
@given(seed=seeds, n=st.integers(1, 30))
def test_portfolio_holds_one_package_per_influencer_and_counts_influencers(seed, n):
    sc = packaged_scenario(seed, n)
    res = solve(sc, backend="cbc")
    if res.portfolio is None:
        return
    p, d = res.portfolio, model_of(sc).decisions
    assert len(p.rows) == len(set(p.rows.tolist()))
    assert res.evaluation.fees == pytest.approx(p.spend)
    if sc.packages is not None:
        assert p.package is not None and len(p.package) == len(p)
        chosen = [int(np.flatnonzero((d.row == r) & (d.package == name))[0]) for r, name in zip(p.rows, p.package)]
        assert p.roster.fee[p.rows] == pytest.approx(d.fee[chosen])
    mgmt = sc.spec.costs.management
    if mgmt is not None:
        assert res.evaluation.total_cost == pytest.approx(p.total_cost)
        counted = mgmt.count_in_budget
        assert res.evaluation.spend == pytest.approx(p.total_cost if counted else p.spend)
        assert res.evaluation.spend <= sc.budget * (1 + 1e-6)


def _lp_rows_hold(sc: Scenario, mask: np.ndarray, tol: float = 1e-6) -> bool:
    """Whether the rules' LP rows hold at the selection ``mask`` (over candidates), within ``tol``."""
    from lineup.optimize.formulation import build

    cand = candidates(sc)
    lm = build(sc, cand)
    x = mask[lm.decisions].astype(float)
    act = lm.A[:, :lm.n_x] @ x
    rule_rows = np.asarray([o is not None for o in lm.owners])
    scale = tol * np.maximum(1.0, np.maximum(np.abs(np.nan_to_num(lm.limit)), np.abs(lm.scale)))
    lo_ok = act >= np.where(np.isfinite(lm.row_lo), lm.row_lo, -np.inf) - scale
    hi_ok = act <= np.where(np.isfinite(lm.row_hi), lm.row_hi, np.inf) + scale
    return bool((lo_ok & hi_ok)[rule_rows].all())


@settings(max_examples=60, **SETTINGS)
@given(seed=seeds, n=st.integers(1, 20), pick=st.integers(0, 2**32 - 1))
def test_a_selection_breaks_a_rule_exactly_when_a_rule_row_is_broken(seed, n, pick):
    """Every rule's LP rows and its check of a selection agree (both come from the rule's class)."""
    sc = packaged_scenario(seed, n)
    cand = candidates(sc)
    d = model_of(sc).decisions
    rng = np.random.default_rng(pick)
    mask = np.zeros(d.n, dtype=bool)
    for row in rng.permutation(sc.roster.n)[: rng.integers(0, sc.roster.n + 1)]:  # ≤ one package each
        options = np.flatnonzero((d.row == row) & cand.mask)
        if options.size:
            mask[rng.choice(options)] = True
    broken = violations(sc, mask)
    assert (broken == []) == _lp_rows_hold(sc, mask), broken

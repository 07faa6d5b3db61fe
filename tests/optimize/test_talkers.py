"""The talkers objective term: maximum coverage of RR sets under every planner rule.

Random RR samples over the decisions of the random packaged scenarios of
test_model_properties (packages, management, custom rules, conflicts...): the MILP equals
brute force; the greedy breaks no rule, its exact marginal gains match re-evaluation, and the
MILP is never below it; the solver-free bound is never below the optimum.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lineup._rng import as_generator
from lineup.domain.rrsets import RRSets
from lineup.errors import ScenarioError
from lineup.optimize import SolveStatus, solve
from lineup.optimize.greedy import greedy, knapsack_bound
from lineup.optimize.model import model_of
from lineup.optimize.precheck import emptied
from lineup.optimize.rules import candidates, evaluate, violations

from .test_model_properties import SETTINGS, brute_force, packaged_scenario, seeds


def random_rr(rng, n: int, sets: int = 60, people: float = 10_000.0) -> RRSets:
    """``sets`` RR sets over ``n`` items: a third empty, most singletons, some of 2-4 items; importance
    weights in (0, 1] half of the time."""
    lists = []
    for _ in range(sets):
        k = rng.choice([0, 1, 1, 2, 3, 4], p=[0.3, 0.25, 0.2, 0.1, 0.1, 0.05])
        lists.append(rng.choice(n, size=min(k, n), replace=False))
    weights = rng.uniform(0.01, 1.0, sets) if rng.random() < 0.5 else None
    return RRSets.from_lists(lists, count=sets, n=n, people=people, weights=weights)


def talkers_scenario(seed, n: int, engagement: float = 0.0):
    sc = packaged_scenario(seed, n)
    rng = as_generator(seed + 1)
    spec = sc.spec.model_copy(update={"objective": sc.spec.objective.model_copy(
        update={"talkers": 1.0, "engagement": engagement})})
    d = model_of(sc).decisions
    return replace(sc, spec=spec, talkers=random_rr(rng, d.n))


@settings(max_examples=40, **SETTINGS)
@given(seed=seeds, n=st.integers(1, 8), mixed=st.booleans())
def test_milp_equals_brute_force(seed, n, mixed):
    sc = talkers_scenario(seed, n, engagement=0.5 if mixed else 0.0)
    best = brute_force(sc)
    res = solve(sc, gap=0.0, backend="highs")
    if best is None or emptied(sc, candidates(sc)):
        assert res.status is SolveStatus.INFEASIBLE
        return
    assert res.status is SolveStatus.OPTIMAL, res.diagnosis
    assert res.objective == pytest.approx(best, rel=1e-7, abs=1e-6)
    # the objective is the RR estimate of the portfolio's talkers (plus engagement when mixed)
    mask = model_of(sc).mask_of(res.portfolio)
    assert evaluate(sc, mask).objective == pytest.approx(res.objective, rel=1e-7, abs=1e-6)


@pytest.mark.slow
@settings(max_examples=20, **SETTINGS)
@given(seed=seeds, n=st.integers(9, 12))
def test_milp_equals_brute_force_up_to_12_influencers(seed, n):
    test_milp_equals_brute_force.hypothesis.inner_test(seed, n, False)


@settings(max_examples=40, **SETTINGS)
@given(seed=seeds, n=st.integers(1, 40))
def test_greedy_breaks_no_rule_milp_never_below_it_and_bound_holds(seed, n):
    sc = talkers_scenario(seed, n)
    cand = candidates(sc)
    mask = greedy(sc, cand)
    if mask is None or emptied(sc, cand):
        return
    assert violations(sc, mask) == []
    res = solve(sc, gap=0.0, backend="highs")
    g = evaluate(sc, mask).objective
    assert res.status is SolveStatus.OPTIMAL
    assert res.objective >= g - 1e-6 * max(1.0, abs(g))
    assert knapsack_bound(sc, cand) >= res.objective - 1e-6 * max(1.0, res.objective)


@settings(max_examples=30, **SETTINGS)
@given(seed=seeds, n=st.integers(2, 30), order=st.integers(0, 2**32 - 1))
def test_greedy_tracker_keeps_marginal_gains_exact(seed, n, order):
    sc = talkers_scenario(seed, n)
    m = model_of(sc)
    term = m.objective.talkers
    tracker, gain = term.tracker(m), term.gain(m).copy()
    mask = np.zeros(m.n, dtype=bool)
    for r in np.random.default_rng(order).permutation(m.n)[: max(1, m.n // 2)].tolist():
        tracker.add(r, gain)
        mask[r] = True
        base = term.rr.estimate(mask)
        for j in range(m.n):
            if not mask[j]:
                plus = mask.copy()
                plus[j] = True
                assert gain[j] == pytest.approx(term.rr.estimate(plus) - base, abs=1e-9)


def test_without_a_sample_the_optimiser_says_what_is_missing_and_checks_still_work():
    sc = packaged_scenario(3, 4)
    spec = sc.spec.model_copy(update={"objective": sc.spec.objective.model_copy(update={"talkers": 1.0})})
    bare = replace(sc, spec=spec)
    with pytest.raises(ScenarioError, match="RR sets"):
        solve(bare)
    assert model_of(bare).objective.talkers is None           # evaluating and filtering need no sample
    assert candidates(bare).mask.shape == (model_of(bare).n,)


def test_no_talkers_weight_adds_no_term_and_keeps_the_lp():
    from lineup.optimize.formulation import build

    sc = packaged_scenario(5, 6)
    with_sample = replace(sc, talkers=random_rr(np.random.default_rng(0), model_of(sc).n))
    assert model_of(with_sample).objective.talkers is None
    a, b = build(sc, candidates(sc)), build(with_sample, candidates(with_sample))
    assert a.col_names == b.col_names and (a.A != b.A).nnz == 0

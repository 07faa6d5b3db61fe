"""Invariants of solve over random small scenarios (hypothesis draws the seed and size).

(a) a returned portfolio never breaks a rule; infeasible means no portfolio;
(b) the MILP is never worse than the greedy;
(c) on ≤ 14 influencers the MILP equals brute force over all 2**n selections.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lineup.optimize import SolveStatus, solve
from lineup.optimize.precheck import emptied
from lineup.optimize.rules import candidates, evaluate, violations

from .conftest import random_scenario

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
seeds = st.integers(0, 2**32 - 1)


@settings(max_examples=40, **SETTINGS)
@given(seed=seeds, n=st.integers(0, 25), backend=st.sampled_from(["cbc", "highs"]))
def test_returned_portfolio_breaks_no_rule(seed, n, backend):
    sc = random_scenario(seed, n, p=0.35)
    res = solve(sc, backend=backend)
    if res.status is SolveStatus.INFEASIBLE:
        assert res.portfolio is None and res.diagnosis
    else:
        assert res.status is SolveStatus.OPTIMAL
        assert violations(sc, res.portfolio.mask) == []
        assert res.objective == pytest.approx(res.evaluation.objective, rel=1e-6, abs=1e-6)


@settings(max_examples=30, **SETTINGS)
@given(seed=seeds, n=st.integers(1, 40))
def test_milp_never_below_greedy(seed, n):
    greedy = pytest.importorskip("lineup.optimize.greedy")
    sc = random_scenario(seed, n, p=0.3)
    mask = greedy.greedy(sc, candidates(sc))
    if mask is None or emptied(sc, candidates(sc)):  # filters that leave no one: reported as infeasible
        return
    assert violations(sc, mask) == []
    res = solve(sc, gap=0.0)
    g = evaluate(sc, mask).objective
    assert res.status is SolveStatus.OPTIMAL
    assert res.objective >= g - 1e-6 * max(1.0, abs(g))


def brute_force(sc) -> float | None:
    """Best objective over all selections that break no rule (None when there is none)."""
    n = sc.roster.n
    masks = np.array(list(itertools.product([False, True], repeat=n)), dtype=bool).reshape(2**n, n)
    spend = masks @ sc.roster.fee
    best = None
    for mask in masks[spend <= sc.budget * (1 + 1e-9)]:  # over budget breaks `budget` anyway
        if not violations(sc, mask):
            value = evaluate(sc, mask).objective
            best = value if best is None else max(best, value)
    return best


def _check_brute_force(seed: int, n: int) -> None:
    sc = random_scenario(seed, n, p=0.35)
    best = brute_force(sc)
    res = solve(sc, gap=0.0)
    if best is None or emptied(sc, candidates(sc)):  # filters that leave no one: reported as infeasible
        assert res.status is SolveStatus.INFEASIBLE
    else:
        assert res.status is SolveStatus.OPTIMAL
        assert res.objective == pytest.approx(best, rel=1e-7, abs=1e-6)
        assert res.evaluation.objective == pytest.approx(best, rel=1e-7, abs=1e-6)


@settings(max_examples=40, **SETTINGS)
@given(seed=seeds, n=st.integers(0, 9))
def test_milp_equals_brute_force(seed, n):
    _check_brute_force(seed, n)


@pytest.mark.slow
@settings(max_examples=30, **SETTINGS)
@given(seed=seeds, n=st.integers(10, 14))
def test_milp_equals_brute_force_up_to_14(seed, n):
    _check_brute_force(seed, n)

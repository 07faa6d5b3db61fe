"""Tail cuts: the mean–CVaR model solved through CVaR's dual form and a small branch and bound.

Against brute force over every selection on random packaged scenarios with every rule kind (the same
optimum), against the dense Rockafellar–Uryasev formulation (same LP bound at the root), and for the
invariants of what it returns: the full model's values keep every row and price the portfolio exactly,
the bound is never below the portfolio, and a large risk model is routed through it by ``solve``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lineup.domain.outcomes import cvar
from lineup.optimize import solve, tailcuts, warmstart
from lineup.optimize.backends import solve_model
from lineup.optimize.formulation import build
from lineup.optimize.model import model_of
from lineup.optimize.precheck import emptied
from lineup.optimize.rules import candidates, evaluate, violations

from .test_model_properties import SETTINGS, brute_force, seeds
from .test_risk import risk_scenario


def keeps_every_row(model, values, tol=1e-6):
    lhs = model.A @ values
    scale = np.maximum(1.0, np.abs(lhs))
    return bool(np.all(lhs >= model.row_lo - tol * scale) and np.all(lhs <= model.row_hi + tol * scale)
                and np.all(values >= model.lb - tol) and np.all(values <= model.ub + tol))


@settings(max_examples=200, **SETTINGS)
@given(totals=st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=60),
       alpha=st.sampled_from([0.01, 0.05, 0.1, 0.25, 0.33, 0.5, 1.0]))
def test_tail_weights_price_the_cvar(totals, alpha):
    T = np.array(totals)
    q = tail_weights = tailcuts.tail_weights(T, alpha * T.size)
    assert np.all(q >= 0) and np.all(q <= 1 / (alpha * T.size) + 1e-12)
    assert tail_weights.sum() == pytest.approx(1.0)
    assert q @ T == pytest.approx(float(cvar(T, alpha)), rel=1e-9, abs=1e-6)


@settings(max_examples=40, **SETTINGS)
@given(seed=seeds, n=st.integers(1, 10), beta=st.sampled_from([0.3, 0.7, 1.0]),
       alpha=st.sampled_from([0.05, 0.1, 0.25, 0.5]), scenarios=st.integers(10, 50))
def test_tail_cuts_equal_brute_force(seed, n, beta, alpha, scenarios):
    sc = risk_scenario(seed, n, beta, alpha, scenarios)
    cand = candidates(sc)
    best = brute_force(sc)
    if emptied(sc, cand):
        return
    model = build(sc, cand)
    out = tailcuts.solve(model, gap=0.0)
    if best is None:
        assert out.status == "infeasible" and out.values is None
        return
    assert out.status == "optimal"
    assert out.objective == pytest.approx(best, rel=1e-7, abs=1e-6)
    assert out.bound >= out.objective
    assert keeps_every_row(model, out.values)
    mask = np.zeros(model_of(sc).n, dtype=bool)
    mask[model.decisions[out.values[: model.n_x] > 0.5]] = True
    assert not violations(sc, mask)
    assert evaluate(sc, mask).objective == pytest.approx(out.objective, rel=1e-7, abs=1e-6)


@settings(max_examples=15, **SETTINGS)
@given(seed=seeds, n=st.integers(5, 12))
def test_root_bound_is_the_dense_lp_relaxation(seed, n):
    """The cut loop converges to the dense formulation's LP optimum (the same relaxation)."""
    sc = risk_scenario(seed, n, 0.6, 0.1, 40)
    model = build(sc, candidates(sc))
    lp = solve_model(model, "highs", relax=True)
    if lp.status != "optimal":
        return
    before = tailcuts.solve(model, time_limit=0.0)     # stopped before the root: nothing known, nothing proven
    assert (before.status, before.nodes, before.values, before.bound) == ("time_limit", 0, None, None)
    root = tailcuts.solve(model, gap=1.0)     # any portfolio within 100 %: the root's LP and its heuristic
    if root.status == "infeasible":             # the LP has points, no selection keeps every rule
        return
    assert root.bound <= lp.objective * (1 + 1e-7) + 1e-6
    if root.nodes == 1 and root.values is not None:
        assert root.bound == pytest.approx(lp.objective, rel=1e-7, abs=1e-6)


def test_time_limit_keeps_the_start():
    sc = risk_scenario(8, 10, 0.5, 0.1, 40)
    model = build(sc, candidates(sc))
    exact = tailcuts.solve(model, gap=0.0)
    assert exact.status == "optimal" and exact.nodes > 1
    out = tailcuts.solve(model, time_limit=0.0, start=(exact.values, exact.objective))
    assert out.status == "time_limit" and out.nodes == 0
    assert out.objective == pytest.approx(exact.objective)
    assert out.bound is None                # no LP solved: nothing proven
    some = tailcuts.solve(model, gap=0.0, start=(exact.values, exact.objective))
    assert some.objective == pytest.approx(exact.objective) and some.bound >= some.objective


def test_infeasible_model_says_so():
    sc = risk_scenario(5, 6, 0.5, 0.2, 20)
    model = build(sc, candidates(sc))
    budget = model.row_names.index("budget")
    lo = model.row_lo.copy()
    lo[budget] = model.row_hi[budget] + 1.0       # spend more than the budget: nothing keeps it
    out = tailcuts.solve(replace(model, row_lo=lo), gap=0.0)
    assert out.status == "infeasible" and out.values is None


def test_full_values_price_the_portfolio_in_the_dense_model():
    sc = risk_scenario(21, 10, 0.8, 0.1, 30)
    model = build(sc, candidates(sc))
    out = tailcuts.solve(model, gap=0.0)
    assert float(model.c @ out.values) == pytest.approx(out.objective, rel=1e-9)
    dense = solve_model(model, "highs", gap=0.0)
    assert out.objective == pytest.approx(dense.objective, rel=1e-7)


@pytest.mark.parametrize("backend", ["highs", "cbc"])
def test_solve_routes_large_risk_models_through_tail_cuts(monkeypatch, backend):
    sc = risk_scenario(8, 10, 0.5, 0.1, 40)
    plain = solve(sc, gap=0.0, backend="highs")
    monkeypatch.setattr(warmstart, "WARM_START_NONZEROS", 1)
    res = solve(sc, gap=0.0, backend=backend, time_limit=60)
    assert res.status is plain.status
    assert any("tail cuts" in note for note in res.notes), res.notes
    assert res.objective == pytest.approx(plain.objective, rel=1e-7)
    assert not violations(sc, model_of(sc).mask_of(res.portfolio))


def test_short_time_limits_use_tail_cuts_and_keep_them(monkeypatch):
    """Below the head start's 10 s minimum the risk model still goes to tail cuts, which keep the limit."""
    sc = risk_scenario(8, 10, 0.5, 0.1, 40)
    monkeypatch.setattr(warmstart, "WARM_START_NONZEROS", 1)
    res = solve(sc, gap=0.0, backend="highs", time_limit=5)
    assert any("tail cuts" in note for note in res.notes)


def test_time_left_counts_from_the_instances_run_time():
    """HiGHS's time_limit is cumulative over runs of one instance: a later run still gets its seconds."""
    import highspy

    sc = risk_scenario(8, 10, 0.5, 0.1, 40)
    tc = tailcuts.TailCuts.of(build(sc, candidates(sc)))
    h = tailcuts._master(highspy, tc, 1.0)
    for _ in range(3):
        tailcuts._run(h)
    spent = h.getRunTime()
    assert spent > 0
    tailcuts._time_left(h, 60.0)
    assert h.getOptionValue("time_limit")[1] == pytest.approx(spent + 60.0)
    tailcuts._run(h)
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal

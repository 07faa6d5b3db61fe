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
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lineup.domain.outcomes import cvar
from lineup.errors import SolverError
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


def weighted(sc, weight: float):
    """``sc`` with its engagement and coverage weights multiplied by ``weight``."""
    obj = sc.spec.objective
    obj = obj.model_copy(update={"engagement": obj.engagement * weight, "coverage": obj.coverage * weight})
    return replace(sc, spec=sc.spec.model_copy(update={"objective": obj}))


@settings(max_examples=20, **SETTINGS)
@given(seed=seeds, n=st.integers(4, 11), beta=st.sampled_from([0.5, 0.7, 1.0]),
       alpha=st.sampled_from([0.07, 0.1]), weight=st.sampled_from([1e-3, 1e3, 1e6, 1e12]),
       scenarios=st.integers(10, 60))
@example(seed=778142, n=10, beta=1.0, alpha=0.07, weight=1e6, scenarios=10)
@example(seed=670790, n=11, beta=0.5, alpha=0.1, weight=1e12, scenarios=51)
def test_weights_of_any_size_reach_the_brute_force_optimum(seed, n, beta, alpha, weight, scenarios):
    """The cut loop's tolerance is in t's own units: a large objective weight does not stop it early (which
    closed nodes at a point whose t overstated its CVaR: a wrong optimum and a bound below it)."""
    sc = weighted(risk_scenario(seed, n, beta, alpha, scenarios, 0.5), weight)
    cand = candidates(sc)
    best = brute_force(sc)
    if best is None or emptied(sc, cand):
        return
    out = tailcuts.solve(build(sc, cand), gap=0.0)
    assert out.status == "optimal"
    assert out.objective == pytest.approx(best, rel=1e-7)
    assert out.bound >= best * (1 - 1e-9)


@pytest.mark.parametrize("stop_at", [1, 2, 3, 5, 8, 12, 20, 40])
def test_ctrl_c_keeps_a_bound_that_holds(monkeypatch, stop_at):
    """Ctrl-C (KeyboardInterrupt from a HiGHS run, as run_highs re-raises it) at any point of the search
    leaves the node being solved open: the bound reported is never below the optimum."""
    sc = risk_scenario(8, 10, 0.5, 0.1, 40)
    model = build(sc, candidates(sc))
    exact = tailcuts.solve(model, gap=0.0)
    real, runs = tailcuts._run, []

    def interrupted(h):
        runs.append(1)
        if len(runs) == stop_at:
            raise KeyboardInterrupt
        real(h)

    monkeypatch.setattr(tailcuts, "_run", interrupted)
    out = tailcuts.solve(model, gap=0.0)
    if len(runs) < stop_at:                 # the search ended first
        assert out.status == "optimal"
        return
    assert out.status == "interrupted"
    if out.bound is not None:
        assert out.bound >= exact.objective * (1 - 1e-9)
    if out.objective is not None:
        assert out.objective <= exact.objective * (1 + 1e-9)


def test_no_lp_starts_after_the_deadline(monkeypatch):
    """The cut loop inside a node checks the clock before each re-solve."""
    import time

    sc = risk_scenario(11, 60, 0.5, 0.07, 200, 0.5)
    model = build(sc, candidates(sc))
    real, starts = tailcuts._run, []
    t0 = time.perf_counter()

    def slow(h):
        starts.append(time.perf_counter() - t0)
        time.sleep(0.05)
        real(h)

    monkeypatch.setattr(tailcuts, "_run", slow)
    out = tailcuts.solve(model, gap=0.0, time_limit=0.5)
    assert out.status == "time_limit"
    assert max(starts) <= 0.5


class _Stubborn:
    """A stand-in for a HiGHS instance whose LP ends ``Unknown`` the first ``times`` runs."""

    def __init__(self, hs, times):
        self.hs, self.times, self.runs, self.cleared = hs, times, 0, 0

    def getModelStatus(self):
        return self.hs.HighsModelStatus.kUnknown if self.runs <= self.times else self.hs.HighsModelStatus.kOptimal

    def clearSolver(self):
        self.cleared += 1

    def modelStatusToString(self, st):
        return "Unknown"


@pytest.mark.parametrize("times", [1, 2])
def test_an_unknown_lp_status_is_retried_from_scratch(monkeypatch, times):
    import highspy

    h = _Stubborn(highspy, times)

    def run(h):
        h.runs += 1

    monkeypatch.setattr(tailcuts, "_run", run)
    if times == 1:
        assert tailcuts._optimal_lp(highspy, h) == highspy.HighsModelStatus.kOptimal
        assert (h.runs, h.cleared) == (2, 1)
    else:
        with pytest.raises(SolverError, match="Unknown"):
            tailcuts._optimal_lp(highspy, h)


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

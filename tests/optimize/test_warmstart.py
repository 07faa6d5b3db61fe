"""The head start of wide MILPs (lineup.optimize.warmstart): its start is a feasible portfolio and
its reduced-cost fixing never loses the optimum; ``solve`` on a wide model keeps its answer."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lineup.optimize import SolveStatus, solve, warmstart
from lineup.optimize.backends import Solution, solve_model
from lineup.optimize.formulation import build
from lineup.optimize.precheck import emptied, precheck
from lineup.optimize.rules import candidates

from .test_model_properties import packaged_scenario

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _feasible(model, values, tol=1e-6) -> bool:
    act = model.A @ values
    return bool(np.all(act >= model.row_lo - tol) & np.all(act <= model.row_hi + tol)
                & np.all(values >= model.lb - tol) & np.all(values <= model.ub + tol))


def _wide(monkeypatch):
    """Every model counts as wide."""
    monkeypatch.setattr(warmstart, "WARM_START_ABOVE", 0)


def _solvable(sc) -> bool:
    cand = candidates(sc)
    return not (emptied(sc, cand) or precheck(sc, cand))


@settings(max_examples=30, **SETTINGS)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(3, 30))
def test_fixing_keeps_the_optimum_and_the_start_is_feasible(monkeypatch, seed, n):
    _wide(monkeypatch)
    sc = packaged_scenario(seed, n, p=0.6)
    if not _solvable(sc):
        return
    model = build(sc, candidates(sc))
    full = solve_model(model, "highs", gap=0.0)
    head = warmstart.prepare(model, None)
    if head is None:  # LP infeasible, or the restricted MILP found nothing: the solve goes on without a start
        return
    assert full.status != "infeasible"
    assert _feasible(model, head.values)
    assert head.objective == pytest.approx(float(model.c @ head.values))
    assert head.objective <= full.objective + 1e-6 * max(1.0, abs(full.objective))
    assert full.objective <= head.lp_bound + 1e-6 * max(1.0, abs(full.objective))
    fixed = solve_model(head.model, "highs", gap=0.0, start=head.values)
    assert fixed.objective == pytest.approx(full.objective, rel=1e-7, abs=1e-6)


def test_fixing_sets_only_upper_bounds_of_unused_x_columns(monkeypatch):
    _wide(monkeypatch)
    sc = packaged_scenario(9, 30, p=0.6)
    model = build(sc, candidates(sc))
    head = warmstart.prepare(model, None)
    assert head is not None
    changed = np.flatnonzero(head.model.ub != model.ub)
    assert np.all(changed < model.n_x) and np.all(head.model.ub[changed] == 0)
    assert changed.size > 0 and np.all(head.values[changed] == 0) and head.fixed == changed.size


@pytest.mark.parametrize("backend", ["cbc", "highs"])
def test_the_rest_of_a_probed_solve_reaches_the_optimum(monkeypatch, backend):
    """After a probe that stopped with nothing, the start and the fixed model give the same optimum."""
    from lineup.optimize import _solve_from_start

    _wide(monkeypatch)
    sc = packaged_scenario(11, 30, p=0.6)
    assert _solvable(sc)
    model = build(sc, candidates(sc))
    best = solve_model(model, backend, gap=0.0)
    probe = Solution("time_limit", None, None, None, 0.0, backend)
    sol = _solve_from_start(model, backend, 30.0, 0.0, None, probe)
    assert sol.status == "optimal"
    assert sol.objective == pytest.approx(best.objective, rel=1e-7, abs=1e-6)
    assert _feasible(model, sol.values)


def test_solve_on_a_wide_model_equals_the_plain_solve(monkeypatch):
    sc = packaged_scenario(5, 30, p=0.6)
    plain = solve(sc, backend="cbc", gap=0.0)
    _wide(monkeypatch)
    monkeypatch.setattr(warmstart, "probe_seconds", lambda time_limit: 1e-3)
    wide = solve(sc, backend="cbc", gap=0.0)
    assert wide.status is plain.status
    if plain.status is SolveStatus.OPTIMAL:
        assert wide.objective == pytest.approx(plain.objective, rel=1e-7, abs=1e-6)


def test_small_models_get_no_head_start():
    sc = packaged_scenario(5, 10)
    assert warmstart.prepare(build(sc, candidates(sc)), None) is None


def test_ctrl_c_while_the_head_start_is_prepared_keeps_the_probes_portfolio(monkeypatch):
    from lineup.optimize import _solve_from_start

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(warmstart, "prepare", interrupted)
    sc = packaged_scenario(9, 30, p=0.6)
    model = build(sc, candidates(sc))
    values = solve_model(model, "highs").values
    probe = Solution("time_limit", values, float(model.c @ values), None, 0.0, "highs")
    sol = _solve_from_start(model, "highs", 30.0, 0.0, None, probe)
    assert sol.status == "interrupted" and sol.values is values


def test_no_head_start_under_a_short_time_limit(monkeypatch):
    """A short limit is the solver's alone: the LP and the restricted MILP would overrun it."""
    _wide(monkeypatch)
    model = build(packaged_scenario(5, 30, p=0.6), candidates(packaged_scenario(5, 30, p=0.6)))
    assert warmstart.applies(model, None) and warmstart.applies(model, warmstart.MIN_TIME_LIMIT)
    assert not warmstart.applies(model, warmstart.MIN_TIME_LIMIT - 0.5)


@settings(max_examples=30, **SETTINGS)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(3, 30))
def test_relax_and_fix_gives_a_portfolio_of_the_full_model_and_a_proven_bound(seed, n):
    sc = packaged_scenario(seed, n, p=0.6)
    if not _solvable(sc):
        return
    model = build(sc, candidates(sc))
    head = warmstart.relax_and_fix(model)
    if head is None:  # LP infeasible, or the small MILP found nothing
        return
    full = solve_model(model, "highs", gap=0.0)
    assert _feasible(model, head.values)
    assert head.objective == pytest.approx(float(model.c @ head.values))
    assert head.objective <= full.objective + 1e-6 * max(1.0, abs(full.objective))
    assert full.objective <= head.bound + 1e-6 * max(1.0, abs(full.objective))   # the LP bound is proven
    assert min(model.n_x, 1) <= head.columns <= model.n_x


def test_relax_and_fix_keeps_every_rule_kind_of_the_rate_cards_scenario(monkeypatch):
    """A solve that relax-and-fix ends: every rule holds, the bound is the full LP's and says so."""
    from lineup.io.scenario import load_scenario
    from lineup.optimize import rules

    from ..conftest import REPO

    sc = load_scenario(REPO / "scenarios" / "rate_cards.yaml")
    best = solve(sc, backend="highs", gap=0.0)
    _wide(monkeypatch)
    model = build(sc, candidates(sc))
    head = warmstart.relax_and_fix(model)
    res = solve(sc, backend="cbc", gap=max(head.gap, 1e-4) * 1.01)   # generous enough for relax-and-fix to end it
    assert res.status is SolveStatus.OPTIMAL and any("relax-and-fix" in note for note in res.notes)
    assert rules.violations(sc, res.portfolio) == []
    assert res.objective == pytest.approx(head.objective) and res.bound == pytest.approx(head.bound)
    assert res.objective <= best.objective + 1e-6 and best.objective <= res.bound + 1e-6


def test_a_wide_solve_that_relax_and_fix_cannot_end_keeps_the_exact_answer(monkeypatch):
    """gap = 0: relax-and-fix only offers its portfolio and caps the bound; the optimum is the plain solve's."""
    sc = packaged_scenario(9, 30, p=0.6)
    plain = solve(sc, backend="highs", gap=0.0)
    _wide(monkeypatch)
    monkeypatch.setattr(warmstart, "probe_seconds", lambda time_limit: 1.0)
    wide = solve(sc, backend="highs", gap=0.0)
    assert wide.status is plain.status is SolveStatus.OPTIMAL
    assert wide.objective == pytest.approx(plain.objective, rel=1e-7, abs=1e-6)
    assert not any("relax-and-fix" in note for note in wide.notes)


def test_ctrl_c_during_relax_and_fix_stops_the_solve(monkeypatch):
    from lineup.optimize import _solve_with_start

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    _wide(monkeypatch)
    monkeypatch.setattr(warmstart, "relax_and_fix", interrupted)
    sc = packaged_scenario(9, 30, p=0.6)
    sol = _solve_with_start(build(sc, candidates(sc)), "highs", 30.0, 0.0, None)
    assert sol.status == "interrupted" and sol.values is None

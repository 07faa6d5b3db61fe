"""Solves that stop early: the default time limit, Ctrl-C (status ``interrupted``), live progress."""

from __future__ import annotations

import time

import numpy as np
import pytest

from lineup._rng import as_generator
from lineup.domain import Roster
from lineup.optimize import SolveProgress, SolveStatus, backends, solve
from lineup.optimize.formulation import tiny_scenario
from lineup.optimize.rules import violations

from .conftest import scenario_from


def hard_knapsack(n: int = 5_000, budget: float = 1_000_003.0, seed: int = 3):
    """Budget only; engagement = fee + 1,000 (a strongly correlated knapsack: near-equal ratios,
    an LP bound no integer portfolio reaches), which CBC and HiGHS cannot close in seconds."""
    fee = as_generator(seed).integers(1_000, 10_000, n).astype(float)
    roster = Roster.from_columns(ids=[f"c{k}" for k in range(n)], followers=(fee + 1_000) * 20,
                                 engagement_rate=np.full(n, 0.05), fee=fee)
    return scenario_from(roster, budget)


def _interrupt_when(condition):
    """A progress callback that presses Ctrl-C (raises KeyboardInterrupt) once ``condition(progress)`` holds."""
    seen: list[SolveProgress] = []

    def progress(p: SolveProgress) -> None:
        seen.append(p)
        if condition(p) and sum(map(condition, seen)) == 1:
            raise KeyboardInterrupt

    return progress, seen


def test_progress_type_is_public():
    import lineup

    assert lineup.SolveProgress is SolveProgress and "SolveProgress" in lineup.__all__


def test_default_time_limit_is_60_seconds_and_recorded():
    sc = tiny_scenario()
    assert sc.spec.solver.time_limit == 60
    res = solve(sc)
    assert res.time_limit == 60 and res.gap_tolerance == sc.spec.solver.gap
    assert solve(sc, time_limit=5).time_limit == 5
    assert solve(sc.with_overrides(solver__time_limit=None)).time_limit is None


@pytest.mark.parametrize("backend", ["cbc", "highs"])
def test_time_limit_returns_the_best_portfolio_with_its_gap(backend):
    sc = hard_knapsack()
    t0 = time.perf_counter()
    res = solve(sc, backend=backend, time_limit=1.0, gap=0.0)
    assert time.perf_counter() - t0 < 4.0
    assert res.status is SolveStatus.TIME_LIMIT and res.time_limit == 1.0
    assert res.portfolio is not None and len(res.portfolio) > 0 and violations(sc, res.portfolio.mask) == []
    assert res.bound is not None and res.gap is not None and res.gap > 0


@pytest.mark.parametrize("backend", ["cbc", "highs"])
def test_progress_reports_incumbent_and_bound_and_prints_nothing(backend, capfd):
    # stop (Ctrl-C) at the third report with an incumbent and a bound, however loaded the machine
    seen: list[SolveProgress] = []

    def progress(p: SolveProgress) -> None:
        seen.append(p)
        if sum(q.incumbent is not None and q.bound is not None for q in seen) == 3 and p.incumbent is not None:
            raise KeyboardInterrupt

    res = solve(hard_knapsack(), backend=backend, time_limit=30, gap=0.0, progress=progress)
    assert capfd.readouterr() == ("", "")
    assert res.status in (SolveStatus.INTERRUPTED, SolveStatus.TIME_LIMIT)
    assert seen and all(p.backend == backend for p in seen)
    assert [p.seconds for p in seen] == sorted(p.seconds for p in seen)
    known = [p for p in seen if p.incumbent is not None and p.bound is not None]
    assert known, seen[-3:]
    assert all(p.bound >= p.incumbent - 1e-6 and p.gap >= 0 for p in known)
    assert known[-1].bound == pytest.approx(res.bound, rel=1e-3)


def test_no_progress_callback_no_calls(monkeypatch):
    calls = []
    monkeypatch.setattr(backends, "SolveProgress", lambda *a: calls.append(a))
    solve(hard_knapsack(n=300, budget=20_003.0), backend="cbc", time_limit=1.0)
    assert calls == []


@pytest.mark.parametrize("backend", ["cbc", "highs"])
def test_ctrl_c_returns_the_incumbent_with_status_interrupted(backend):
    sc = hard_knapsack()
    progress, seen = _interrupt_when(lambda p: p.incumbent is not None)
    t0 = time.perf_counter()
    res = solve(sc, backend=backend, time_limit=60, gap=0.0, progress=progress)
    assert time.perf_counter() - t0 < 20  # not the 60 s limit
    assert res.status is SolveStatus.INTERRUPTED
    assert res.portfolio is not None and len(res.portfolio) > 0 and violations(sc, res.portfolio.mask) == []
    assert res.objective >= max(p.incumbent for p in seen if p.incumbent is not None) - 1e-6
    assert res.bound is not None and res.gap is not None


def test_ctrl_c_at_once_still_returns_a_portfolio():
    """Interrupted before CBC has an incumbent (or even its signal handler): the greedy's portfolio."""
    sc = hard_knapsack()
    progress, _ = _interrupt_when(lambda p: True)
    res = solve(sc, backend="cbc", time_limit=60, gap=0.0, progress=progress)
    assert res.status is SolveStatus.INTERRUPTED
    assert res.portfolio is not None and violations(sc, res.portfolio.mask) == []
    assert res.bound is not None and res.gap is not None and res.bound >= res.objective


def test_greedy_replaces_a_worse_incumbent_and_says_so():
    sc = hard_knapsack()
    res = solve(sc, backend="cbc", time_limit=0.5, gap=0.0)
    greedy = solve(sc, backend="greedy")
    assert res.status is SolveStatus.TIME_LIMIT
    assert res.objective >= greedy.objective - 1e-6  # never worse than the greedy
    if any("greedy heuristic's" in n for n in res.notes):
        assert res.objective == pytest.approx(greedy.objective)


def test_cbc_log_after_ctrl_c_is_interrupted_not_an_error():
    log = ("Cbc0027I Exiting on user event\nResult - User ctrl-cuser ctrl-c\n\n"
           "Objective value:                -1899121.00000000\nLower bound:                    -1900788.422\n")
    values = np.ones(3)
    status, got, obj, bound = backends._cbc_outcome(log, "Stopped on iterations - objective value -1899121\n",
                                                   values, relax=False)
    assert (status, obj, bound) == ("interrupted", 1899121.0, 1900788.422) and got is values

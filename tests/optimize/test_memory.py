"""lineup.optimize.memory: model size before building, the estimate, the cap and the refusal."""

from __future__ import annotations

import pytest

from lineup.errors import ModelTooLargeError
from lineup.optimize import SolveStatus, memory, solve
from lineup.optimize.formulation import build
from lineup.optimize.rules import candidates

from .conftest import random_scenario


@pytest.mark.parametrize("seed", range(30))
def test_model_size_matches_the_built_model(seed):
    sc = random_scenario(seed, 60, p=0.7)
    cand = candidates(sc)
    m = build(sc, cand)
    size = memory.model_size(sc, cand)
    assert size.cols == m.n_cols
    # conflict groups and includes of filtered rows are counted as if whole: never an under-estimate
    assert m.shape[0] <= size.rows <= m.shape[0] + len(sc.spec.constraints.conflicts)
    assert m.A.nnz <= size.nnz <= m.A.nnz + sum(len(g) for g in sc.spec.constraints.conflicts) + len(
        sc.spec.constraints.include)


def test_estimate_grows_with_the_model_and_cbc_needs_more():
    small, big = memory.ModelSize(1_000, 40, 10_000), memory.ModelSize(1_000_000, 40, 10_000_000)
    assert memory.estimate_bytes(big, "cbc") > 100 * memory.estimate_bytes(small, "cbc")
    assert memory.estimate_bytes(big, "cbc") > memory.estimate_bytes(big, "highs")


def test_cap_is_the_scenario_limit_or_most_of_the_available_memory(monkeypatch):
    sc = random_scenario(1, 20)
    monkeypatch.setattr(memory, "_available_bytes", lambda: 10e9)
    assert memory.memory_cap(sc) == (8e9, "80% of the 10.0 GB of available memory")
    assert memory.memory_cap(sc.with_overrides(solver__memory_limit=2.5)) == (2.5e9, "solver.memory_limit = 2.5 GB")
    monkeypatch.setattr(memory, "_available_bytes", lambda: None)
    assert memory.memory_cap(sc)[0] == 8e9


@pytest.mark.parametrize("backend", ["cbc", "highs"])
def test_a_milp_over_the_cap_is_refused_before_it_is_built(monkeypatch, backend):
    from lineup.optimize import formulation

    sc = random_scenario(3, 2_000, p=0.0)
    monkeypatch.setattr(memory, "_available_bytes", lambda: 50e6)          # 40 MB cap
    monkeypatch.setattr(formulation, "build", lambda *a: pytest.fail("built a model over the cap"))
    with pytest.raises(ModelTooLargeError) as info:
        solve(sc, backend=backend)
    text = str(info.value)
    assert info.value.exit_code == 4
    assert f"with {backend}" in text and "GB" in text and "0.0 GB (80% of" in text
    assert "backend='greedy'" in text and "solver.memory_limit" in text   # the CLI says --solver greedy


def test_greedy_over_the_cap_skips_the_lp_bound_and_says_so(monkeypatch):
    sc = random_scenario(3, 2_000, p=0.0).with_overrides(solver__memory_limit=0.01)
    res = solve(sc, backend="greedy")
    assert res.status is SolveStatus.FEASIBLE and res.method == "greedy"
    assert res.bound >= res.objective
    assert "LP relaxation bound is unavailable" in res.notes[0] and "solver.memory_limit = 0.01 GB" in res.notes[0]


def test_greedy_failure_then_milp_over_the_cap_names_both(monkeypatch):
    from lineup.optimize import greedy

    sc = random_scenario(3, 2_000, p=0.0).with_overrides(solver__memory_limit=0.01)
    monkeypatch.setattr(greedy, "greedy", lambda scenario, cand: None)
    with pytest.raises(ModelTooLargeError, match="the greedy found no portfolio") as info:
        solve(sc, backend="greedy")
    assert "--solver greedy" not in str(info.value)


@pytest.mark.slow
def test_a_200k_roster_is_refused_quickly_under_a_low_cap():
    import time

    sc = random_scenario(4, 200_000, p=0.0, overlap=False, coverage=False).with_overrides(
        solver__memory_limit=0.05, solver__greedy_above=10**7)
    t0 = time.perf_counter()
    with pytest.raises(ModelTooLargeError, match="200,000 candidates|candidates"):
        solve(sc, backend="cbc")
    assert time.perf_counter() - t0 < 5

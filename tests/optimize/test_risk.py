"""The risk term: mean–CVaR of engagements on sampled outcome scenarios (Rockafellar–Uryasev SAA).

On the random packaged scenarios of test_model_properties (packages, management, custom rules,
conflicts...) with random outcome samples: the MILP equals brute force over selections; beta = 0
gives the plain optimum exactly; the greedy keeps every rule, its marginal gains match
re-evaluation, and the MILP is never below it.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lineup.domain.outcomes import Delivery, OutcomeSpec, RiskSpec, cvar
from lineup.errors import ScenarioError
from lineup.optimize import solve
from lineup.optimize.greedy import greedy
from lineup.optimize.model import model_of
from lineup.optimize.objective import GREEDY_MEAN_SHARE
from lineup.optimize.precheck import emptied
from lineup.optimize.rules import candidates, evaluate, violations
from lineup.workflows.plan import draw_outcome_sample

from .test_model_properties import SETTINGS, assert_milp_equals_brute_force, packaged_scenario, seeds


def risk_scenario(seed, n: int, beta: float, alpha: float, scenarios: int, delivery: float = 0.9):
    """A packaged scenario with ``objective.risk`` and its outcome sample (the outcome model's own draws)."""
    sc = packaged_scenario(seed, n)
    spec = sc.spec.model_copy(update={
        "objective": sc.spec.objective.model_copy(
            update={"risk": RiskSpec(beta=beta, alpha=alpha)}),
        "outcomes": OutcomeSpec(delivery=Delivery(default=delivery), platform_shock=0.3, seed=int(seed) % 1000,
                                planning_scenarios=scenarios)})
    return draw_outcome_sample(replace(sc, spec=spec))


@settings(max_examples=40, **SETTINGS)
@given(seed=seeds, n=st.integers(1, 8), beta=st.sampled_from([0.0, 0.3, 0.7, 1.0]),
       alpha=st.sampled_from([0.05, 0.1, 0.25, 0.5, 1.0]), scenarios=st.integers(10, 50))
def test_saa_milp_equals_brute_force(seed, n, beta, alpha, scenarios):
    sc = risk_scenario(seed, n, beta, alpha, scenarios)
    assert model_of(sc).objective.risk is not None
    assert_milp_equals_brute_force(sc)


@settings(max_examples=15, **SETTINGS)
@given(seed=seeds, n=st.integers(9, 12), beta=st.sampled_from([0.5, 1.0]), alpha=st.sampled_from([0.1, 0.2]))
def test_saa_milp_equals_brute_force_on_12_influencers(seed, n, beta, alpha):
    assert_milp_equals_brute_force(risk_scenario(seed, n, beta, alpha, 50))


@settings(max_examples=25, **SETTINGS)
@given(seed=seeds, n=st.integers(1, 10))
def test_beta_zero_gives_todays_optimum_exactly(seed, n):
    """With every creator delivering (the default), beta = 0 is the plain objective, column for column."""
    plain = packaged_scenario(seed, n)
    sc = risk_scenario(seed, n, 0.0, 0.1, 20, delivery=1.0)
    a, b = solve(plain, gap=0.0, backend="highs"), solve(sc, gap=0.0, backend="highs")
    assert a.status is b.status
    if a.portfolio is not None:
        assert b.objective == pytest.approx(a.objective, rel=1e-12, abs=1e-9)
        assert evaluate(sc, model_of(sc).mask_of(a.portfolio)).objective == pytest.approx(a.objective, rel=1e-12)


def test_objective_value_is_the_mean_cvar_mix():
    sc = risk_scenario(3, 6, 0.4, 0.2, 30, delivery=0.8)
    m = model_of(sc)
    term = m.objective.risk
    mask = np.zeros(m.n, dtype=bool)
    mask[:3] = True
    want = 0.6 * float(term.mean[mask].sum()) + 0.4 * float(cvar(sc.outcome_sample[:, mask].sum(axis=1), 0.2))
    assert term.of_mask(mask) == pytest.approx(want * sc.spec.objective.engagement)
    assert np.allclose(term.mean, 0.8 * m.decisions.gain_e)


@settings(max_examples=30, **SETTINGS)
@given(seed=seeds, n=st.integers(2, 12), beta=st.sampled_from([0.5, 1.0]))
def test_greedy_keeps_the_rules_and_its_gains_are_exact(seed, n, beta):
    sc = risk_scenario(seed, n, beta, 0.2, 30)
    mask = greedy(sc, candidates(sc))
    if mask is None or emptied(sc, candidates(sc)):
        return
    assert not violations(sc, mask)
    res = solve(sc, gap=0.0, backend="highs")
    assert res.objective >= evaluate(sc, mask).objective - 1e-6 * max(1.0, abs(res.objective))
    # the tracker's gains are the true marginal values
    m = model_of(sc)
    term = m.objective.risk
    tracker = term.tracker(m)
    gain = term.gain(m).copy()
    tracker.start(gain)
    share = GREEDY_MEAN_SHARE * term.weight * term.mean
    chosen = np.zeros(m.n, dtype=bool)
    for r in np.flatnonzero(mask)[:3]:
        tracker.add(int(r), gain)
        chosen[r] = True
        for j in range(m.n):
            if not chosen[j]:
                both = chosen.copy()
                both[j] = True
                want = term.of_mask(both) - term.of_mask(chosen) + share[j]
                assert gain[j] == pytest.approx(want, rel=1e-9, abs=1e-6)


def test_optimiser_alone_refuses_risk_without_a_sample():
    sc = risk_scenario(1, 4, 0.5, 0.1, 20)
    with pytest.raises(ScenarioError, match="objective.risk: the optimiser needs outcome scenarios"):
        solve(replace(sc, outcome_sample=None))


def test_a_sample_for_another_scenario_is_refused():
    sc = risk_scenario(1, 4, 0.5, 0.1, 20)
    other = replace(sc, outcome_sample=np.ones((20, model_of(sc).n + 1)))
    with pytest.raises(ScenarioError, match="covers"):
        solve(other)


def test_greedy_is_not_stopped_by_zero_tails():
    """With beta = 1, a tail share below the miss rate and delivery < 1, every creator's CVaR alone is 0; the
    greedy still builds a portfolio (the mean breaks the ties) and never beats the MILP."""
    for seed in range(6):
        sc = risk_scenario(seed, 10, 1.0, 0.05, 40, delivery=0.8)
        cand = candidates(sc)
        if emptied(sc, cand):
            continue
        term = model_of(sc).objective.risk
        assert np.all(term.gain(model_of(sc))[cand.mask] == 0)
        mask = greedy(sc, cand)
        if mask is None:
            continue
        assert mask.any()
        assert solve(sc, gap=0.0, backend="highs").objective >= evaluate(sc, mask).objective - 1e-6


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_tighten_keeps_a_portfolio_and_a_proven_bound(seed):
    """The partial-integrality relaxation bounds the optimum from above and never loosens the LP's bound;
    its restricted MILP's portfolio keeps every rule and is no worse than relax-and-fix's."""
    from lineup.optimize import _mask
    from lineup.optimize.backends import solve_model
    from lineup.optimize.formulation import build
    from lineup.optimize.warmstart import relax_and_fix, tighten

    sc = risk_scenario(seed, 12, 1.0, 0.1, 60, delivery=0.7)
    if emptied(sc, candidates(sc)):
        return
    model = build(sc, candidates(sc))
    head = relax_and_fix(model, 30)
    if head is None:
        return
    best = solve_model(model, "highs", gap=0.0)
    tight = tighten(model, head, 30)
    if tight is None:
        return
    assert tight.bound <= head.bound + 1e-9
    assert tight.bound >= best.objective - 1e-6 * max(1.0, abs(best.objective))
    assert tight.objective >= head.objective - 1e-9
    assert not violations(sc, _mask(sc, model, tight.values))

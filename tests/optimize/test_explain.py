"""Why an empty portfolio or an objective of 0: each cause named (issue 8)."""

from __future__ import annotations

from lineup.optimize import solve
from lineup.optimize.explain import empty_reason, zero_reason

from .test_rules import ROWS, make


def test_nothing_fits_the_budget():
    res = solve(make(ROWS, {"budget": 50}))
    assert res.portfolio is not None and len(res.portfolio) == 0
    assert res.empty_reason == "no candidate fits the budget: the cheapest fee is £100 and the budget is £50"


def test_objective_weights_all_zero():
    res = solve(make(ROWS, {"objective": {"engagement": 0, "coverage": 0}}))
    assert len(res.portfolio) == 0
    assert res.empty_reason == ("the objective weights are all zero (objective.engagement = 0 and "
                                "objective.coverage = 0)")


def test_coverage_weight_but_no_niche_named():
    res = solve(make(ROWS, {"objective": {"engagement": 0, "coverage": 100}}))
    assert res.empty_reason == ("objective.engagement = 0 and no niche to cover has a weight above 0 "
                                "(no niches named)")


def test_no_candidate_has_engagement_or_a_niche():
    rows = [dict(r, engagement_rate=0.0, niches=["vegan"]) for r in ROWS]
    rows[3]["niches"] = ["skincare"]  # d: over the budget
    res = solve(make(rows, {"objective": {"coverage": 100}, "niches": {"skincare": {}}}))
    assert res.empty_reason == ("every candidate has an expected engagement of 0 (engagement rate, authenticity or "
                                "followers of 0) and no candidate is in a niche to cover (skincare)")
    res = solve(make(rows, {"objective": {"engagement": 0, "coverage": 100}, "niches": {"vegan": {"weight": 0}}}))
    assert res.empty_reason == ("objective.engagement = 0 and no niche to cover has a weight above 0 "
                                "(every niches.<name>.weight is 0)")


def test_candidates_with_zero_engagement():
    rows = [dict(r, engagement_rate=0.0) for r in ROWS]
    res = solve(make(rows))
    assert res.empty_reason == ("every candidate has an expected engagement of 0 (engagement rate, "
                                "authenticity or followers of 0)")


def test_zero_objective_of_a_forced_portfolio():
    res = solve(make(ROWS, {"objective": {"engagement": 0}, "constraints": {"influencers": {"min": 1}}}))
    assert len(res.portfolio) == 1 and res.objective == 0
    assert res.empty_reason is None
    assert res.zero_reason.startswith("the objective weights are all zero")
    assert zero_reason(res.scenario, res.portfolio.mask, 5.0) is None
    assert empty_reason(res.scenario, res.portfolio.mask) is None


def test_a_normal_portfolio_has_no_reason():
    res = solve(make(ROWS))
    assert len(res.portfolio) and res.empty_reason is None and res.zero_reason is None

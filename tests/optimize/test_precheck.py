"""Tests of lineup.optimize.precheck: every message is a proof of infeasibility."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lineup.optimize.precheck import precheck
from lineup.optimize.rules import candidates

from .test_rules import ROWS, brute_force, make, tiny_instance


def check(sc):
    return precheck(sc, candidates(sc))


def micro(k, fee=900, step=10, **extra):
    return [{"id": f"m{i}", "followers": 5_000, "fee": fee + step * i, **extra} for i in range(k)]


# ------------------------------------------------------------------ property
@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2 ** 32 - 1))
def test_messages_only_when_brute_force_finds_nothing(seed):
    sc = tiny_instance(seed)
    msgs = check(sc)
    if msgs:
        _, ok, _ = brute_force(sc)
        assert not ok.any(), msgs


def test_property_test_exercises_messages():
    """The random instances do trigger precheck (else the property above tests nothing)."""
    hits = infeasible = 0
    for seed in range(150):
        sc = tiny_instance(seed)
        hits += bool(check(sc))
        infeasible += not brute_force(sc)[1].any()
    assert hits >= 15
    assert hits <= infeasible        # measured over seeds 0..999: 673 flagged of 723 infeasible


# ------------------------------------------------------------------ feasible: no messages
def test_feasible_scenario_has_no_messages():
    sc = make(ROWS, {"budget": 20_000, "constraints": {"influencers": {"min": 2, "max": 4}, "include": ["a"],
                                                      "tiers": {"micro": {"min": 1}}, "min_spend": 1_000}})
    assert check(sc) == []


# ------------------------------------------------------------------ counts
def test_tier_min_cost_over_budget_names_numbers():
    sc = make(micro(30), {"budget": 15_000, "constraints": {"tiers": {"micro": {"min": 20}}}})
    assert check(sc) == ["constraints.tiers.micro.min = 20 needs at least £19,900 for the 20 cheapest "
                         "micro influencers; budget is £15,000"]


def test_min_cost_counts_includes():
    rows = micro(5) + [{"id": "star", "followers": 2e6, "fee": 9_000}]
    sc = make(rows, {"budget": 10_000, "constraints": {"influencers": {"min": 3}, "include": ["star"]}})
    assert check(sc) == ["constraints.influencers.min = 3 needs at least £10,810 for the 3 cheapest influencers "
                         "together with the 1 included influencer; budget is £10,000"]


def test_not_enough_candidates_after_filters():
    sc = make(micro(10, authenticity=0.5) + [{"id": "x", "followers": 5_000, "fee": 10, "authenticity": 0.9}],
              {"constraints": {"tiers": {"micro": {"min": 4}}, "min_authenticity": 0.7}})
    assert check(sc) == ["constraints.tiers.micro.min = 4 needs 4 micro influencers; only 1 is left after the "
                         "filters (constraints.min_authenticity removed 10); the roster's authenticity: "
                         "min 0.50, median 0.50, max 0.90"]


def test_niche_min_and_conflicts():
    rows = [dict(r, niches=["vegan"]) for r in micro(3)]
    sc = make(rows, {"niches": {"vegan": {"min_influencers": 3}}, "constraints": {"conflicts": [["m0", "m1"]]}})
    assert check(sc) == ["niches.vegan.min_influencers = 3 needs 3 influencers in vegan; 3 are left after the "
                         "filters but constraints.conflicts allow at most 2 of them"]


def test_influencers_min_against_tier_maxima():
    sc = make(micro(5), {"constraints": {"influencers": {"min": 3}, "tiers": {"micro": {"max": 2}}}})
    assert check(sc) == ["constraints.influencers.min = 3 needs 3 influencers; the tiers allow at most 2 (micro 2)"]


def test_tier_minimums_over_influencers_max():
    rows = micro(5) + [{"id": f"n{i}", "followers": 500, "fee": 50} for i in range(5)]
    sc = make(rows, {"constraints": {"influencers": {"max": 4},
                                     "tiers": {"micro": {"min": 3}, "nano": {"min": 2}}}})
    assert check(sc) == ["constraints.tiers.*.min need 5 influencers together (nano 2, micro 3, counting the "
                         "included ones) but constraints.influencers.max = 4"]


def test_tier_minimums_together_over_budget():
    rows = micro(5) + [{"id": f"n{i}", "followers": 500, "fee": 500} for i in range(5)]
    sc = make(rows, {"budget": 3_000, "constraints": {"tiers": {"micro": {"min": 2}, "nano": {"min": 3}}}})
    assert check(sc) == ["constraints.tiers.*.min together (micro 2, nano 3) need at least £3,310 for the "
                         "cheapest influencers of each tier; budget is £3,000"]


# ------------------------------------------------------------------ includes
def test_include_removed_by_filter_names_filter():
    sc = make(ROWS, {"budget": 5_000, "constraints": {"include": ["b", "c", "d"], "min_authenticity": 0.7,
                                                     "countries": ["gb", "us"]}})
    msgs = check(sc)
    assert msgs[:3] == [
        "constraints.include[b]: b is removed by constraints.min_authenticity (authenticity 0.60 is below 0.7)",
        "constraints.include[c]: c is removed by constraints.countries (no country, allowed gb, us)",
        "constraints.include[d]: d is removed by constraints.countries (country 'fr', allowed gb, us)",
    ]
    assert "constraints.include: the 3 included influencers cost £15,800 together; budget is £5,000" in msgs


def test_include_removed_by_budget_share():
    sc = make(ROWS, {"budget": 5_000, "constraints": {"include": ["c"], "max_budget_share": 0.5}})
    assert check(sc) == ["constraints.include[c]: c is removed by constraints.max_budget_share "
                         "(fee £3,000 is above 50% of the budget, £2,500)"]


def test_includes_in_one_conflict_group_and_over_maxima():
    sc = make(ROWS, {"constraints": {"include": ["a", "b", "e"], "conflicts": [["a", "b", "c"]],
                                     "influencers": {"max": 2}, "tiers": {"micro": {"max": 1}}}})
    assert check(sc) == [
        "constraints.conflicts[a|b|c]: a, b are all in constraints.include, but at most one may be chosen",
        "constraints.influencers.max = 2 but constraints.include has 3 influencers (a, b, e)",
        "constraints.tiers.micro.max = 1 but constraints.include has 2 micro influencers (b, e)",
    ]


# ------------------------------------------------------------------ spend
def test_min_spend_above_budget():
    sc = make(ROWS, {"budget": 5_000, "constraints": {"min_spend": 6_000}})
    assert check(sc) == ["constraints.min_spend = £6,000 is above the budget £5,000"]


def test_min_spend_unreachable():
    sc = make(ROWS, {"budget": 20_000, "constraints": {"min_spend": 16_000, "influencers": {"max": 2}}})
    assert check(sc) == ["constraints.min_spend = £16,000 cannot be reached: the 2 most expensive candidates "
                         "allowed (constraints.influencers.max = 2) cost £15,000 together"]
    sc = make(ROWS, {"budget": 20_000, "constraints": {"min_spend": 16_000, "tiers": {"macro": {"max": 0}}}})
    assert check(sc)[0].startswith("constraints.min_spend = £16,000 cannot be reached: all candidates allowed cost")


# ------------------------------------------------------------------ platforms
def test_platform_min_share_without_candidates():
    sc = make(ROWS, {"constraints": {"platforms": {"tiktok": {"min_share": 0.3}}, "countries": ["gb", "us"],
                                     "exclude": ["e"], "influencers": {"min": 1}}})
    assert check(sc) == ["constraints.platforms.tiktok.min_share = 30% of spend, but no candidate on tiktok is "
                         "left after the filters; every portfolio spends at least £100"]


def test_platform_min_share_without_candidates_but_empty_portfolio_allowed():
    sc = make(ROWS, {"constraints": {"platforms": {"tiktok": {"min_share": 0.3}}, "countries": ["gb", "us"],
                                     "exclude": ["e"]}})
    assert check(sc) == []          # the empty portfolio satisfies every rule


def test_platform_min_shares_add_up_over_one_are_refused_by_the_schema():
    import pytest

    with pytest.raises(ValueError, match="add up to 110% of spend"):
        make(ROWS, {"constraints": {"platforms": {"tiktok": {"min_share": 0.6}, "instagram": {"min_share": 0.5}}}})


# ------------------------------------------------------------------ filters that empty the roster
def test_filters_that_leave_no_one_are_reported_with_the_roster_values():
    from lineup.optimize import SolveStatus, solve
    from lineup.optimize.precheck import emptied, filter_problems

    sc = make(ROWS, {"constraints": {"countries": ["de"], "min_authenticity": 0.7}})
    [msg] = emptied(sc, candidates(sc))
    assert msg.startswith("the filters leave no candidate: of 5 influencers, constraints.min_authenticity removed 1, "
                          "constraints.countries removed 4 (countries allowed: de (DE); authenticity at least 0.7)")
    assert "the roster's countries: (blank) 1, 'GB' (GB) 1, 'fr' (FR) 1" in msg
    assert "the roster's authenticity: min 0.60" in msg
    assert [name for name, _ in filter_problems(sc)] == ["constraints.min_authenticity"]
    res = solve(sc)
    assert res.status is SolveStatus.INFEASIBLE and res.diagnosis == (msg,) and res.portfolio is None


def test_budget_alone_emptying_the_roster_is_not_a_filter_problem():
    from lineup.optimize.precheck import emptied, filter_problems

    sc = make(ROWS, {"budget": 50})
    assert emptied(sc, candidates(sc)) == [] and filter_problems(sc) == []


def test_includes_keep_a_filtered_roster_from_being_empty():
    from lineup.optimize.precheck import emptied

    sc = make(ROWS, {"constraints": {"countries": ["gb"], "include": ["a"], "exclude": ["e"]}})
    assert emptied(sc, candidates(sc)) == []

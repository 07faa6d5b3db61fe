"""costs.management, constraints.team_hours and constraints.custom: schema, helpers, checks against the roster."""

import numpy as np
import pytest
from pydantic import ValidationError

from lineup.domain.columns import column_problem, flag_column, numeric_column
from lineup.domain.costs import management_cost, management_hours
from lineup.domain.roster import Roster
from lineup.domain.scenario import CountRule, ScenarioSpec, ShareRule, SumRule, check_against_roster
from lineup.errors import UsageError


def _spec(**extra):
    return ScenarioSpec.model_validate({"name": "x", "budget": 1000, "roster": "r.csv", **extra}, strict=True)


def _roster():
    return Roster.from_columns(
        ids=["ann", "bob", "cid", "dee"], followers=[500, 5_000, 50_000, 2_000_000],
        engagement_rate=[0.05, 0.04, 0.03, 0.01], fee=[50, 300, 1_500, 20_000],
        extra={"co2_kg": [1, 2, 3, 40], "audience_female": [0.7, 0.6, 0.5, 0.4], "verified": [1, 0, 1, 1],
               "gaps": [1, np.nan, 2, 3], "score": [-1, 2, 3, 4]})


HOURS = {"nano": 1, "micro": 2, "mid": 4, "macro": 8, "mega": 16}


def test_management_hours_by_tier_follow_the_scenario_tiers():
    spec = _spec(costs={"management": {"hours": HOURS, "hourly_rate": 50}})
    assert management_hours(spec, _roster()).tolist() == [1, 2, 4, 16]
    assert management_cost(spec, _roster()).tolist() == [50, 100, 200, 800]
    moved = _spec(costs={"management": {"hours": HOURS}}, tiers={"nano": 600})
    assert management_hours(moved, _roster())[0] == 1  # 500 followers: still nano
    assert management_cost(moved, _roster()).tolist() == [0, 0, 0, 0]  # default rate 0


def test_flat_hours_and_no_management():
    assert management_hours(_spec(costs={"management": {"hours": 3}}), _roster()).tolist() == [3] * 4
    assert management_hours(_spec(), _roster()).tolist() == [0] * 4
    assert _spec(costs={"management": {"hours": 3}}).costs.management.count_in_budget is True


def test_hours_by_tier_must_name_every_tier():
    with pytest.raises(ValidationError, match="no hours for tiers mid, macro, mega"):
        _spec(costs={"management": {"hours": {"nano": 1, "micro": 2}}})


@pytest.mark.parametrize("management", [{"hours": -1}, {"hours": 2, "hourly_rate": -5}, {"hours": 2, "rate": 5}])
def test_bad_management_values(management):
    with pytest.raises(ValidationError):
        _spec(costs={"management": management})


def test_custom_rule_kinds_names_and_report_names():
    spec = _spec(constraints={"custom": [{"column": "CO2 kg", "max": 500},
                                         {"share_of": "followers", "column": "audience_female", "min": 0.6},
                                         {"count_where": "verified", "min": 2, "name": "verified_min"}]})
    rules = spec.constraints.custom
    assert [type(r) for r in rules] == [SumRule, ShareRule, CountRule]
    assert [r.key for r in rules] == ["co2_kg", "audience_female", "verified_min"]
    assert rules[0].rule_name("max") == "constraints.custom.co2_kg.max"


@pytest.mark.parametrize("rule, message", [
    ({"column": "co2_kg"}, "give min, max or both"),
    ({"column": "co2_kg", "min": 5, "max": 1}, r"min \(5\) is greater than max \(1\)"),
    ({"column": "co2_kg", "max": 1, "name": "a b"}, "only letters, digits"),
    ({"count_where": "verified", "column": "x", "min": 1}, "Extra inputs"),
])
def test_custom_rule_schema_errors(rule, message):
    with pytest.raises(ValidationError, match=message):
        _spec(constraints={"custom": [rule]})


def test_custom_rule_names_must_be_unique():
    with pytest.raises(ValidationError, match="entries 0 and 1 are both named 'co2_kg'"):
        _spec(constraints={"custom": [{"column": "co2_kg", "max": 5}, {"column": "CO2-kg", "min": 1}]})


def test_numeric_column_standard_and_extra_by_any_spelling():
    r = _roster()
    assert numeric_column(r, "fee").tolist() == [50, 300, 1_500, 20_000]
    assert numeric_column(r, "Expected engagement") == pytest.approx(r.expected_engagement)
    assert numeric_column(r, "CO2-kg").tolist() == [1, 2, 3, 40]
    assert flag_column(r, "verified").tolist() == [True, False, True, True]
    with pytest.raises(UsageError, match="did you mean 'co2_kg'"):
        numeric_column(r, "co2_gk")


def test_column_problems():
    r = _roster()
    assert column_problem(r, "co2_kg") is None
    assert "blank for 1 influencer (bob on line 3)" in column_problem(r, "gaps")
    assert "not a flag" in column_problem(r, "co2_kg", "flag")
    assert "negative values" in column_problem(r, "score", "weights")
    assert column_problem(r, "score", "sum") is None


def test_check_against_roster_locates_custom_rule_problems():
    spec = _spec(constraints={"team_hours": 40, "custom": [
        {"column": "c02_kg", "max": 5}, {"share_of": "score", "column": "audience_female", "min": 0.5},
        {"count_where": "co2_kg", "min": 1}, {"column": "gaps", "max": 9}]})
    problems = dict(check_against_roster(spec, _roster()))
    assert "did you mean 'co2_kg'" in problems["constraints", "custom", 0, "column"]
    assert "negative" in problems["constraints", "custom", 1, "share_of"]
    assert "not a flag" in problems["constraints", "custom", 2, "count_where"]
    assert "blank" in problems["constraints", "custom", 3, "column"]
    assert "costs.management.hours gives none" in problems["constraints", "team_hours"]


def test_team_hours_with_hours_is_fine():
    spec = _spec(constraints={"team_hours": 40}, costs={"management": {"hours": 2}})
    assert check_against_roster(spec, _roster()) == []


def test_text_column_says_where_its_first_text_is():
    r = Roster(**{**{f: getattr(_roster(), f) for f in (
        "ids", "platform", "followers", "engagement_rate", "fee", "authenticity", "posts", "country", "niche_names",
        "niche_matrix", "er_estimated", "fee_estimated", "line")}, "non_numeric": {"notes": "r.csv, line 4: 'hi'"}})
    spec = _spec(constraints={"custom": [{"column": "Notes", "max": 1}]})
    assert dict(check_against_roster(spec, r))["constraints", "custom", 0, "column"] == (
        "column 'Notes' holds text, not numbers (r.csv, line 4: 'hi')")

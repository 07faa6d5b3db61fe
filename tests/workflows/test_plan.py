"""lineup.solve with forecasts and objective.risk: the API, the CLI and the out-of-sample check."""

from __future__ import annotations

import json
import textwrap

import numpy as np
import pytest
from click.testing import CliRunner

import lineup
from lineup.cli import app
from lineup.errors import ScenarioError, UsageError
from lineup.optimize.formulation import tiny_scenario
from lineup.workflows.plan import OVERFIT_TOLERANCE, PortfolioForecast, forecast, solve, with_objective

from ..conftest import TINY_SCENARIO, write_case


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_every_solve_carries_a_forecast():
    res = lineup.solve(tiny_scenario(), seed=4)
    f = res.forecast
    assert isinstance(f, PortfolioForecast) and f.scenarios == 10_000
    assert f.cvar <= f.p10 <= f.p50 <= f.p90
    assert f.mean == pytest.approx(res.evaluation.raw_engagement, rel=0.03)   # delivery 1, mean-1 factors
    assert f.in_sample_cvar is None
    frame = f.to_frame()
    assert set(frame.index) == {"mean", "p10", "p50", "p90", "cvar"}
    fig = f.plot()
    assert fig.axes and fig.axes[0].get_xlabel().startswith("engagements")


def test_same_seed_same_numbers_another_seed_others():
    a, b = lineup.solve(tiny_scenario(), seed=4), lineup.solve(tiny_scenario(), seed=4)
    assert np.array_equal(a.forecast.outcomes, b.forecast.outcomes)
    assert not np.array_equal(lineup.solve(tiny_scenario(), seed=5).forecast.outcomes, a.forecast.outcomes)


def test_target_probability():
    sc = tiny_scenario()
    res = lineup.solve(sc, objective={"target": 3_000}, seed=1)
    f = res.forecast
    assert f.target == 3_000 and f.p_target == pytest.approx(np.mean(f.outcomes >= 3_000))
    low, high = f.intervals()["p_target"][1:]
    assert low <= f.p_target <= high


def test_objective_override_merges_and_validates():
    sc = with_objective(tiny_scenario(), {"risk": {"beta": 1.0}})
    assert sc.spec.objective.risk.beta == 1.0 and sc.spec.objective.risk.alpha == 0.1
    assert sc.spec.objective.coverage == 100.0
    with pytest.raises(ScenarioError, match="beta"):
        with_objective(tiny_scenario(), {"risk": {"beta": 2}})
    with pytest.raises(UsageError, match="objective must be a mapping"):
        with_objective(tiny_scenario(), 0.5)


def test_risk_raises_the_tail_and_never_the_mean():
    """CVaR alone: out of sample, the tail is at least as good as the plain optimum's up to Monte Carlo noise,
    and the expected-value optimum keeps the higher mean."""
    sc = tiny_scenario().with_overrides(outcomes={"delivery": {"default": 0.8}})
    plain = lineup.solve(sc, seed=2)
    safe = lineup.solve(sc.with_overrides(outcomes__planning_scenarios=400), objective={"risk": {"beta": 1.0}},
                        seed=2)
    assert safe.status.value == "optimal"
    assert safe.forecast.in_sample_cvar is not None and safe.forecast.plan_scenarios == 400
    assert safe.forecast.cvar >= plain.forecast.cvar * 0.97
    assert plain.evaluation.raw_engagement >= safe.evaluation.raw_engagement - 1e-6


def test_too_few_planning_scenarios_get_a_note():
    sc = tiny_scenario().with_overrides(outcomes={"delivery": {"default": 0.7}, "planning_scenarios": 10})
    res = solve(sc, objective={"risk": {"beta": 1.0, "alpha": 0.1}}, seed=3)
    f = res.forecast
    if f.overfit > OVERFIT_TOLERANCE:
        assert any("raise outcomes.planning_scenarios" in n for n in res.notes)
    else:
        assert not any("raise outcomes.planning_scenarios" in n for n in res.notes)


def test_forecast_of_a_portfolio_matches_the_solve():
    sc = tiny_scenario()
    res = lineup.solve(sc, seed=9)
    again = forecast(sc, res.portfolio, seed=9)
    assert np.array_equal(again.outcomes, res.forecast.outcomes)


RISK_SCENARIO = TINY_SCENARIO.replace("  coverage: 500\n", """\
  coverage: 500
  target: 4000
  risk: {beta: 0.7, alpha: 0.2}
""") + """\
outcomes:
  planning_scenarios: 60
  delivery: {default: 0.85, by_tier: {mega: 0.7}}
  platform_shock: 0.2
  scenarios: 2000
"""


def test_cli_solve_reports_the_forecast_and_the_in_sample_numbers(tmp_path):
    path = write_case(tmp_path, RISK_SCENARIO)
    res = run("solve", path, "--format", "json", "--what-if", "0")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    f = data["forecast"]
    assert f["scenarios"] == 2000 and f["alpha"] == 0.2 and f["target"] == 4000
    assert set(f["engagements"]) == {"mean", "p10", "p50", "p90", "cvar", "p_target"}
    assert f["in_sample"]["scenarios"] == 60
    assert data["assumptions"]["outcomes.delivery.default"]["value"] == 0.85
    table = run("solve", path, "--what-if", "0")
    assert "Forecast of engagements (2,000 outcome scenarios" in table.stdout
    assert "Planned on 60 other scenarios" in table.stdout
    md = run("solve", path, "--format", "markdown", "--what-if", "0")
    assert "Downside: the worst 20% of outcomes average" in md.stdout


@pytest.mark.parametrize("outcomes, message", [
    ("  delivery: {column: probability}", "outcomes.delivery.column"),
    ("  delivery: {by_tier: {gaint: 0.5}}", "unknown tier 'gaint'"),
    ("  post_spread: {default: -1}", "outcomes.post_spread.default"),
])
def test_bad_outcomes_exit_2_with_a_located_message(tmp_path, outcomes, message):
    path = write_case(tmp_path, TINY_SCENARIO + "outcomes:\n" + outcomes + "\n")
    res = run("solve", path)
    assert res.exit_code == 2
    assert message in res.output and "Traceback" not in res.output


def test_delivery_column_from_the_roster(tmp_path):
    roster = textwrap.dedent("""\
        id,platform,followers,engagement_rate,fee,niches,authenticity,country,p_deliver
        alice,instagram,5.2K,4.1%,400,skincare;vegan,0.95,GB,0.5
        bob,instagram,8k,3.5%,650,skincare,0.9,GB,
        carol,tiktok,2500,3%,220,makeup|skincare,0.85,GB,1
        """)
    path = write_case(tmp_path, TINY_SCENARIO.replace("min: 2, max: 4", "min: 3, max: 3")
                      + "outcomes: {delivery: {default: 0.9, column: p_deliver}}\n", roster)
    sc = lineup.load_scenario(path)
    f = lineup.solve(sc, seed=1).forecast
    from lineup.workflows.plan import portfolio_items

    items = portfolio_items(sc, lineup.solve(sc, seed=1).portfolio)
    assert sorted(items.delivery.tolist()) == [0.5, 0.9, 1.0]
    assert f.mean == pytest.approx(float(items.mean().sum()), rel=0.05)


CHEAPEST = TINY_SCENARIO.replace("  coverage: 500\n", "  coverage: 500\n  target: 300\n  minimise: cost\n").replace(
    "  min_authenticity: 0.75\n", "  min_authenticity: 0.75\n  target_probability: 0.7\n") + """\
outcomes: {planning_scenarios: 40, scenarios: 2000, delivery: {default: 0.9}}
"""


def test_cli_cheapest_portfolio_that_reaches_the_target(tmp_path):
    path = write_case(tmp_path, CHEAPEST)
    res = run("solve", path, "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["minimise"] == "cost" and data["budget_what_if"] is None
    assert data["objective"] == pytest.approx(-data["spend"])
    assert data["forecast"]["engagements"]["p_target"]["estimate"] > 0.5
    assert any(b["name"] == "constraints.target_probability" for b in data["binding"]) or data["influencers"] >= 2
    table = run("solve", path)
    assert "minimised total cost £" in table.stdout and "no portfolio under £" in table.stdout


def test_a_sample_that_would_not_fit_in_memory_is_refused(monkeypatch):
    from lineup.errors import ModelTooLargeError
    from lineup.optimize import memory

    monkeypatch.setattr(memory, "_available_bytes", lambda: 20_000.0)   # 16 kB for samples
    sc = tiny_scenario().with_overrides(solver__memory_limit=10)          # the MILP's own cap: 10 GB
    with pytest.raises(ModelTooLargeError, match="lower outcomes.planning_scenarios"):
        lineup.solve(sc, objective={"risk": {"beta": 0.5}})               # 200 × 5 × 32 bytes
    with pytest.raises(ModelTooLargeError, match="lower outcomes.scenarios"):
        lineup.solve(sc)                                                  # 10,000 × 2 × 32 bytes

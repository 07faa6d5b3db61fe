"""The budget / coverage-weight frontier and the ``lineup frontier`` command."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from click.testing import CliRunner

from lineup.commands.frontier import frontier as frontier_command
from lineup.errors import UsageError
from lineup.optimize import solve
from lineup.optimize.formulation import tiny_scenario
from lineup.workflows.frontier import Frontier, frontier, marginal_values, parse_range, point_scenario

from ..conftest import write_case

SIM = {"days": 6, "replications": 3, "seed": 4, "population": {"size": 1_500}}


@pytest.fixture(scope="module")
def budget_sweep() -> Frontier:
    return frontier(tiny_scenario(), budgets="100:2400:8")


# --------------------------------------------------------------------------- parse_range
def test_parse_range_inclusive_linspace_and_lists():
    np.testing.assert_allclose(parse_range("5000:50000:10"), np.linspace(5000, 50000, 10))
    assert parse_range("5000:50000:10")[-1] == 50000.0
    assert parse_range("20000,5000, 10000,5000").tolist() == [5000.0, 10000.0, 20000.0]
    assert parse_range("7:7:1").tolist() == [7.0] and parse_range("1_000").tolist() == [1000.0]


@pytest.mark.parametrize("text, message", [
    ("5000:x:4", "'x' is not a number"),
    ("5000:50000", "START:STOP:COUNT"),
    ("1:2:3:4", "START:STOP:COUNT"),
    ("5000:50000:2.5", "COUNT must be a whole number"),
    ("5000:50000:1", "COUNT must be a whole number"),
    ("9000:1000:3", "STOP .* is below START"),
    ("", "START:STOP:COUNT"),
    ("1000,nan", "not a finite number"),
])
def test_parse_range_rejects_bad_text_naming_it(text, message):
    with pytest.raises(UsageError, match=message) as info:
        parse_range(text, option="budgets")
    assert info.value.exit_code == 2 and info.value.message.startswith("budgets ")
    assert info.value.in_terms(lambda name: f"--{name}").message.startswith("--budgets ")


def test_sweep_needs_exactly_one_kind_and_valid_values():
    with pytest.raises(UsageError, match="exactly one"):
        frontier(tiny_scenario())
    with pytest.raises(UsageError, match="exactly one"):
        frontier(tiny_scenario(), budgets=[1000], coverage_weights=[1])
    with pytest.raises(UsageError, match="budgets must be > 0"):
        frontier(tiny_scenario(), budgets=[0, 1000])
    with pytest.raises(UsageError, match="weights must be ≥ 0"):
        frontier(tiny_scenario(), coverage_weights="-1,2")


# --------------------------------------------------------------------------- budget frontier
def test_budget_frontier_is_monotone_and_matches_independent_solves(budget_sweep):
    f = budget_sweep
    assert f.kind == "budget" and len(f.values) == 8 and set(f.status) == {"optimal"}
    assert np.all(np.diff(f.objective) >= -1e-6)
    assert np.all(f.spend <= f.values + 1e-6)
    for k in (0, 4, 7):
        alone = solve(point_scenario(tiny_scenario(), "budget", f.values[k]))
        assert f.objective[k] == pytest.approx(alone.evaluation.objective)
        assert f.results[k].portfolio.ids == alone.portfolio.ids


def test_marginal_value_is_objective_gain_per_currency_unit(budget_sweep):
    f = budget_sweep
    assert np.isnan(f.marginal_value[0])
    np.testing.assert_allclose(f.marginal_value[1:], np.diff(f.objective) / np.diff(f.values))
    m = marginal_values(np.array([1000.0, 3000.0, 4000.0, 5000.0]), np.array([100.0, 500.0, np.nan, 900.0]))
    assert np.isnan(m[0]) and m[1] == pytest.approx(0.2) and np.isnan(m[2]) and np.isnan(m[3])


def test_infeasible_low_budgets_are_reported_not_raised():
    f = frontier(tiny_scenario(influencers={"min": 2}), budgets=[50, 100, 1000])
    assert f.status[:2] == ("infeasible", "infeasible") and f.status[2] == "optimal"
    assert np.isnan(f.objective[:2]).all() and np.isnan(f.marginal_value).all()
    d = f.to_dict()
    assert d["points"][0]["objective"] is None and d["points"][0]["diagnosis"]
    assert d["points"][0]["influencers"] is None and d["points"][2]["influencers"] == 2
    frame = f.to_frame()
    assert frame["influencers"].isna().tolist() == [True, True, False]
    json.dumps(d, allow_nan=False)


def test_frame_and_dict_are_complete_and_deterministic(budget_sweep):
    frame = budget_sweep.to_frame()
    assert list(frame.columns) == ["budget", "status", "spend", "unspent", "influencers", "engagement", "coverage_value",
                                   "objective", "bound", "gap", "marginal_value"]
    assert frame["objective"].tolist() == budget_sweep.objective.tolist()
    again = frontier(tiny_scenario(), budgets="100:2400:8")
    assert json.dumps(again.to_dict()) == json.dumps(budget_sweep.to_dict())


def test_pool_sweep_equals_serial_sweep():
    one = frontier(tiny_scenario(), budgets=[300, 900, 1500])
    two = frontier(tiny_scenario(), budgets=[300, 900, 1500], workers=2)
    assert one.to_dict() == two.to_dict()


# --------------------------------------------------------------------------- coverage sweep
def test_coverage_sweep_trades_engagement_for_coverage():
    weights = [0, 50, 200, 1000, 5000]
    f = frontier(tiny_scenario(), coverage_weights=weights)
    assert f.kind == "coverage" and f.values.tolist() == weights and np.isnan(f.marginal_value).all()
    assert f.coverage_value[0] == 0.0
    covered = f.coverage_value[1:] / f.values[1:]  # Σ weight_s y_s, independent of the weight
    assert np.all(np.diff(covered) >= -1e-9) and np.all(np.diff(f.engagement) <= 1e-6)
    # a high enough weight buys the vegan niche too, at the cost of the macro creator's engagement
    assert covered[0] == pytest.approx(2.0) and covered[-1] == pytest.approx(3.0)
    assert f.engagement[-1] < f.engagement[0]
    assert f.to_frame().columns[0] == "coverage_weight"
    np.testing.assert_array_equal(f.budgets, np.full(5, 1000.0))


# --------------------------------------------------------------------------- simulation
def test_simulated_points_share_random_numbers():
    sc = tiny_scenario().with_overrides(simulation=SIM)
    calls = []
    f = frontier(sc, budgets=[50, 1000, 2000], simulate=True, progress=lambda d, t: calls.append((d, t)))
    sims = f.simulations
    assert len(sims) == 3 and all(s.replications == 3 and s.seed == 4 for s in sims)
    # 3 solves, then 3 replications (each simulating every point)
    assert calls[-1] == (3 + 3, 3 + 3) and [d for d, _ in calls] == sorted(d for d, _ in calls)
    frame = f.to_frame()
    assert {"reach", "reach_ci_low", "talkers_ci_high"} <= set(frame.columns)
    assert f.to_dict()["points"][1]["simulation"]["reach"]["mean"] == pytest.approx(sims[1].totals["reach"].mean)
    # same seed → the same populations: repeating the sweep reproduces every point exactly
    again = frontier(sc, budgets=[50, 1000, 2000], simulate=True, workers=2)
    assert again.to_dict() == f.to_dict()


def test_plot_returns_a_figure(budget_sweep):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = budget_sweep.plot()
    assert fig.axes and fig.axes[0].get_xlabel().startswith("budget")
    plt.close(fig)


# --------------------------------------------------------------------------- command
def _run(*args):
    return CliRunner().invoke(frontier_command, [str(a) for a in args])


def test_command_prints_table_and_writes_files(tmp_path):
    case = write_case(tmp_path)
    out = tmp_path / "out"
    res = _run(case, "--budgets", "1000:7000:4", "--output", out)
    assert res.exit_code == 0, res.output
    assert "budget frontier" in res.output and "optimal" in res.output
    assert "note: budget 1,000: £380 of £1,000 unspent (38%); stopped by budget binding" in res.output
    assert {p.name for p in out.iterdir()} == {"frontier.csv", "frontier.json", "frontier.png", "frontier.svg",
                                               "lineup-manifest.json"}
    data = json.loads((out / "frontier.json").read_text())
    assert [p["budget"] for p in data["points"]] == [1000.0, 3000.0, 5000.0, 7000.0]
    assert (out / "frontier.csv").read_text().splitlines()[0].startswith("budget,status,spend")
    assert (out / "frontier.png").read_bytes()[:4] == b"\x89PNG"


def test_command_json_coverage_and_simulation(tmp_path):
    case = write_case(tmp_path)
    res = _run(case, "--coverage-weights", "0,500", "--simulate", "-r", "2", "--seed", "3", "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["kind"] == "coverage" and data["simulated"] and data["replications"] == 2 and data["seed"] == 3


def test_command_table_shows_simulated_reach_and_talkers_with_intervals(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "220")
    res = _run(write_case(tmp_path), "--budgets", "100,3000", "--simulate", "-r", "3", "--seed", "5")
    assert res.exit_code == 0, res.output
    assert "unique reach (real people)" in res.output and "talkers (real people)" in res.output
    words = " ".join(res.output.split())
    assert "over 3 replications" in words and "same seed 5" in words
    rows = [line for line in res.output.splitlines() if "infeasible" in line or "optimal" in line]
    assert "—" in rows[0] and re.search(r"\d \[\d[\d,]*–\d[\d,]*\]", rows[1]), rows


@pytest.mark.parametrize("args", [["--budgets", "5000:x:3"], [], ["--budgets", "1000", "--coverage-weights", "1"]])
def test_command_bad_sweep_exits_2(tmp_path, args):
    res = _run(write_case(tmp_path), *args)
    assert res.exit_code == 2 and "error:" in res.output


def test_points_state_unspent_budget_and_the_rule_that_stopped_spending():
    from lineup.optimize.formulation import tiny_scenario

    f = frontier(tiny_scenario(), budgets=[500, 1000, 50_000])
    frame = f.to_frame()
    assert frame["unspent"].tolist() == pytest.approx((frame["budget"] - frame["spend"]).tolist())
    point = f.to_dict()["points"][2]
    assert point["unspent"] == pytest.approx(48_000) and "constraints.influencers.max" in point["stopped_by"]
    assert f.notes == ("budget 50,000: £48,000 of £50,000 unspent (96%); stopped by constraints.influencers.max "
                       "binding (3 influencers selected, the maximum; it blocks 2 affordable candidates)",)
    assert f.to_dict()["notes"] == list(f.notes)


def test_risk_sweep_trades_mean_for_tail_in_sample():
    """Along beta the optimum's in-sample CVaR − mean never falls (parametric optimisation of
    g + beta·h: h at the optimum is non-decreasing in beta); both axes are reported out of sample."""
    from lineup.optimize.formulation import tiny_scenario
    from lineup.workflows.frontier import frontier as sweep

    sc = tiny_scenario().with_overrides(outcomes={"delivery": {"default": 0.7}, "planning_scenarios": 80},
                                        solver={"gap": 0.0})
    f = sweep(sc, risk=[0.0, 0.3, 0.6, 1.0], backend="highs")
    assert f.kind == "risk" and f.value_name == "beta" and set(f.status) == {"optimal"}
    inside = np.array([r.forecast.in_sample_cvar - r.forecast.in_sample_mean for r in f.results])
    assert np.all(np.diff(inside) >= -1e-6 * np.abs(inside).max())
    frame = f.to_frame()
    assert {"outcome_mean", "outcome_p10", "outcome_cvar", "in_sample_cvar"} <= set(frame.columns)
    assert all(p["forecast"]["scenarios"] == 10_000 for p in f.to_dict()["points"])
    fig = f.plot()
    assert fig.axes[0].get_xlabel().startswith("CVaR 10 %")


def test_cli_risk_sweep_and_its_errors(tiny_case):
    from click.testing import CliRunner

    from lineup.cli import app

    ok = CliRunner().invoke(app, ["frontier", str(tiny_case), "--risk", "0,1", "--format", "json"])
    assert ok.exit_code == 0, ok.output
    data = json.loads(ok.stdout)
    assert data["kind"] == "risk" and [p["beta"] for p in data["points"]] == [0.0, 1.0]
    table = CliRunner().invoke(app, ["frontier", str(tiny_case), "--risk", "0:1:3"])
    assert "mean–risk frontier" in table.stdout and "CVaR planned" in table.stdout
    bad = CliRunner().invoke(app, ["frontier", str(tiny_case), "--risk", "0,2"])
    assert bad.exit_code == 2 and "--risk: risk weights (beta) must lie in [0, 1], got 2" in bad.output
    both = CliRunner().invoke(app, ["frontier", str(tiny_case), "--risk", "0,1", "--budgets", "100,200"])
    assert both.exit_code == 2 and "exactly one of --budgets, --coverage-weights and --risk" in both.output

"""lineup solve with objective.talkers: RR rounds, certificate, simulation check, compare's buzz strategy."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from click.testing import CliRunner

from lineup.cli import app
from lineup.errors import ScenarioError
from lineup.io.scenario import load_scenario
from lineup.io.synthetic import generate_roster, write_roster_csv
from lineup.optimize.model import model_of
from lineup.optimize.rules import candidates, violations
from lineup.workflows.compare import build_portfolios
from lineup.workflows.talkers import forecast_talkers, solve

SCENARIO = """\
name: Buzz test
currency: GBP
budget: {budget}
roster: roster.csv
objective: {{talkers: 1.0, engagement: 0, sampling: {{first_sets: 4000, max_sets: 16000, populations: 2,
            check_replications: {check}}}}}
constraints:
  influencers: {{max: 6}}
  tiers: {{micro: {{min: 2}}}}
simulation:
  days: 14
  seed: 11
  population: {{size: 3000}}
  word_of_mouth: {{model: {wom}}}
{extra}"""


def _case(tmp_path, *, budget=6000, check=0, wom="ic", extra="", n=60, rate_card=None):
    frame = generate_roster(n, niches=["skincare", "vegan"], platforms={"instagram": 0.7, "tiktok": 0.3}, seed=3)
    write_roster_csv(frame, tmp_path / "roster.csv")
    if rate_card is not None:
        (tmp_path / "card.csv").write_text(rate_card)
    path = tmp_path / "scenario.yaml"
    path.write_text(SCENARIO.format(budget=budget, check=check, wom=wom, extra=extra))
    return path


def test_talkers_solve_certifies_its_portfolio_and_keeps_every_rule(tmp_path):
    sc = load_scenario(_case(tmp_path))
    res = solve(sc, backend="highs")
    f = res.talkers
    assert res.portfolio is not None and f is not None
    assert violations(res.scenario, model_of(res.scenario).mask_of(res.portfolio)) == []
    assert 0 <= f.lower <= f.estimate
    assert f.best_upper is not None and f.best_upper >= f.lower
    assert 0 < f.ratio <= 1
    assert f.sets >= 4000 and f.sets <= 16000
    # the in-sample objective is the R1 estimate of the same portfolio
    assert res.objective == pytest.approx(res.scenario.talkers.estimate(model_of(res.scenario).mask_of(res.portfolio)))


def test_same_seed_same_portfolio_and_numbers(tmp_path):
    sc = load_scenario(_case(tmp_path))
    a, b = solve(sc, backend="highs"), solve(sc, backend="highs")
    assert a.portfolio.ids == b.portfolio.ids
    assert a.talkers.estimate == b.talkers.estimate and a.talkers.lower == b.talkers.lower
    c = solve(sc, backend="highs", seed=99)
    assert c.talkers.estimate != a.talkers.estimate


def test_talkers_portfolio_beats_engagement_portfolio_on_its_own_check_sample(tmp_path):
    sc = load_scenario(_case(tmp_path))
    buzz = solve(sc, backend="highs")
    eng = solve(sc.with_overrides(objective__talkers=0.0, objective__engagement=1.0), backend="highs")
    other = forecast_talkers(sc, eng.portfolio, sets=16000, seed=5)
    mine = forecast_talkers(sc, buzz.portfolio, sets=16000, seed=5)
    assert mine.estimate >= other.estimate - 3 * np.hypot(mine.standard_error, other.standard_error)


def test_greedy_backend_gives_a_rule_abiding_portfolio_with_a_forecast(tmp_path):
    sc = load_scenario(_case(tmp_path))
    res = solve(sc, backend="greedy")
    assert res.portfolio is not None and res.talkers is not None
    assert violations(res.scenario, model_of(res.scenario).mask_of(res.portfolio)) == []
    assert res.talkers.ratio is None or res.talkers.ratio <= 1


def test_packages_are_chosen_for_talkers(tmp_path):
    frame = generate_roster(30, niches=["skincare", "vegan"], platforms={"instagram": 1.0}, seed=4)
    ids = frame["id"].tolist()
    card = "id,package,fee,posts\n" + "".join(
        f"{i},1 post,{int(f)},1\n{i},4 posts,{int(3 * f)},4\n" for i, f in zip(ids, frame["fee"].fillna(300)))
    path = _case(tmp_path, extra="", n=30)
    write_roster_csv(frame, tmp_path / "roster.csv")
    (tmp_path / "card.csv").write_text(card)
    text = path.read_text().replace("roster: roster.csv", "roster: {path: roster.csv, rate_card: card.csv}")
    path.write_text(text)
    sc = load_scenario(path)
    res = solve(sc, backend="highs")
    assert res.portfolio is not None and res.portfolio.package is not None
    assert len(set(res.portfolio.ids)) == len(res.portfolio.ids)
    assert res.talkers.estimate > 0


@pytest.mark.parametrize("model", ["threshold", "bass"])
def test_word_of_mouth_that_is_not_a_triggering_model_is_refused(tmp_path, model):
    sc = load_scenario(_case(tmp_path, wom=model))
    with pytest.raises(ScenarioError, match="word_of_mouth"):
        solve(sc, backend="highs")


def test_cli_prints_predicted_and_simulated_talkers(tmp_path):
    path = _case(tmp_path, check=4)
    out = CliRunner().invoke(app, ["solve", str(path), "--solver", "highs", "--what-if", "0"])
    assert out.exit_code == 0, out.output
    assert "Expected talkers: predicted" in out.output and "simulated" in out.output
    js = CliRunner().invoke(app, ["solve", str(path), "--solver", "highs", "--format", "json", "--what-if", "0"])
    data = json.loads(js.stdout)
    t = data["talkers"]
    assert t["simulated"]["replications"] == 4 and t["lower_bound"] <= t["estimate"]


def test_what_if_reuses_the_sample(tmp_path):
    out = CliRunner().invoke(app, ["solve", str(_case(tmp_path)), "--solver", "highs", "--what-if", "20",
                                    "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["budget_what_if"] is not None


def test_compare_buzz_strategy_is_solved_for_talkers(tmp_path):
    extra = "strategies:\n  optimised: {objective: engagement}\n  buzz: {objective: talkers}\n"
    sc = load_scenario(_case(tmp_path, extra=extra))
    built = build_portfolios(sc, backend="highs")
    assert built["buzz"].solve.talkers is not None and built["optimised"].solve.talkers is None
    assert built["buzz"].portfolio is not None


@pytest.mark.parametrize("command", [["validate"], ["simulate", "-r", "2"], ["compare", "-r", "2"],
                                     ["frontier", "--budgets", "5000,6000"]])
def test_every_command_runs_on_a_scenario_whose_objective_is_talkers(tmp_path, command):
    path = _case(tmp_path)
    out = CliRunner().invoke(app, [command[0], str(path), *command[1:]])
    assert out.exit_code == 0, out.output


def test_ctrl_c_stops_the_rounds(tmp_path, monkeypatch):
    import lineup.optimize as optimize
    from lineup.optimize import SolveStatus

    calls = []
    real = optimize.solve

    def interrupted(*args, **kwargs):
        calls.append(1)
        return replace(real(*args, **kwargs), status=SolveStatus.INTERRUPTED)

    monkeypatch.setattr(optimize, "solve", interrupted)
    res = solve(load_scenario(_case(tmp_path)), backend="highs")
    assert len(calls) == 1 and res.status is SolveStatus.INTERRUPTED and res.talkers is not None


def test_a_budget_what_if_sees_creators_the_budget_filters_left_out(tmp_path):
    """The sample covers creators the cost filters removed, so a bigger budget can choose them."""
    sc = load_scenario(_case(tmp_path, budget=3000))
    res = solve(sc.with_overrides(constraints__max_budget_share=0.2), backend="highs")
    bigger = res.scenario.with_overrides(budget=6000)
    assert bigger.talkers is res.scenario.talkers
    m = model_of(bigger)
    newly = candidates(bigger).mask & ~candidates(res.scenario).mask
    assert newly.any() and (m.objective.talkers.alone()[newly] > 0).any()


def _validation_case(r2_favours_proxy: bool):
    """tiny_scenario for talkers alone; R1 favours ann+bob+cat, R2 the engagement optimum (ann+eve) or R1's choice."""
    import time

    from lineup.domain.rrsets import RRSets
    from lineup.optimize import solve as optimise
    from lineup.optimize.formulation import tiny_scenario
    from lineup.workflows import talkers

    base = tiny_scenario()
    objective = base.spec.objective.model_copy(update={"talkers": 1.0, "engagement": 0.0, "coverage": 0.0})
    sc = replace(base, spec=base.spec.model_copy(update={"objective": objective}))
    r1 = RRSets.from_lists([[1], [2]] * 10 + [[0]], count=100, n=5, people=1000.0)
    favoured = [[0], [4]] if r2_favours_proxy else [[1], [2]]
    r2 = RRSets.from_lists(favoured * 40 + [[1]], count=400, n=5, people=1000.0)
    res = optimise(replace(sc, talkers=r1))
    assert res.portfolio.ids == ["ann", "bob", "cat"]
    opts = sc.spec.objective.sampling
    forecast = talkers._certify(res, r1, r2, 0.01, opts, True, 1, 1, time.perf_counter())
    kept, forecast = talkers._against_proxy(res, forecast, r1, r2, 0.01, opts, True, 1, 1, time.perf_counter(),
                                            lambda _: None, optimise)
    return replace(kept, talkers=replace(forecast, check_sample=r2)), forecast


def test_validation_keeps_the_proxy_when_the_check_sample_prefers_it():
    res, forecast = _validation_case(r2_favours_proxy=True)
    assert res.portfolio.ids == ["ann", "eve"]                  # the engagement optimum
    assert res.status.value == "feasible" and "validation:" in res.notes[-1]
    assert res.gap > 0 and res.bound >= res.objective            # still bounded by the R1 optimum
    assert forecast.estimate == pytest.approx(1000.0 * 80 / 400)  # R2's estimate of the kept portfolio
    assert forecast.best_upper is not None and forecast.lower <= forecast.estimate


def test_validation_keeps_the_optimum_when_the_check_sample_agrees():
    res, forecast = _validation_case(r2_favours_proxy=False)
    assert res.portfolio.ids == ["ann", "bob", "cat"] and res.status.value == "optimal"
    assert not any("validation:" in n for n in res.notes)
    assert forecast.estimate == pytest.approx(1000.0 * 81 / 400)


def test_the_budget_what_if_chooses_and_scores_like_the_validation():
    """At the same budget the what-if finds nothing to gain (it must not return to the rejected R1 optimum)."""
    from lineup.workflows.whatif import budget_what_if

    res, _ = _validation_case(r2_favours_proxy=True)
    same = budget_what_if(res.scenario, res, factor=1.0)
    assert same.objective_gain == pytest.approx(0.0) and same.added == () and same.removed == ()
    more = budget_what_if(res.scenario, res, factor=2.0)
    assert more.objective_gain >= 0


def test_ctrl_c_in_the_validation_stops_the_solve(tmp_path, monkeypatch):
    import lineup.optimize as optimize

    real = optimize.solve

    def solve_but_interrupt_the_proxy(sc, **kw):
        res = real(sc, **kw)
        return replace(res, status=optimize.SolveStatus.INTERRUPTED) if sc.talkers is None else res

    monkeypatch.setattr(optimize, "solve", solve_but_interrupt_the_proxy)
    res = solve(load_scenario(_case(tmp_path, check=2)), backend="highs")
    assert res.status.value == "interrupted" and res.talkers.simulated is None
    assert any("interrupted" in n for n in res.notes)

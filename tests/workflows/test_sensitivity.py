"""lineup.sensitivity: win probabilities, indices and flips over a design of the uncertain assumptions."""

from __future__ import annotations

import numpy as np
import pytest

import lineup
from lineup.errors import InfeasibleError, ScenarioError, UsageError
from lineup.io.writers import to_json
from lineup.render.sensitivity import sensitivity_files
from lineup.workflows.sensitivity import METRICS, sensitivity, sensitivity_ranges, wilson

from ..conftest import TINY_SCENARIO, write_case

#: Two creators, one per strategy: 'small' (micro tier) and 'big' (mid tier); no word of mouth, so a
#: strategy's talkers are its engaged followers × its tier's talk probability.
TOY_ROSTER = """\
id,platform,followers,engagement_rate,fee,niches
small,instagram,5000,20%,100,skincare
big,instagram,50000,20%,1000,skincare
"""

TOY_SCENARIO = """\
name: Toy $5k plan
currency: GBP
budget: 2000
roster: roster.csv
simulation:
  days: 5
  organic_reach: 1.0
  start_window_days: 0
  population: {size: 20000}
  talk_prob: {mid: 0.01}
  word_of_mouth: {model: none}
strategies:
  small: {ids: [small]}
  big: {ids: [big]}
uncertain:
  simulation.talk_prob.micro: [0.0, 0.2]      # decides: 'small' has a tenth of the followers, so they tie at 0.1
  engagement_prior_scale: [0.5, 1.5]          # does not enter (the roster gives every engagement rate)
"""


def _toy(tmp_path, scenario: str = TOY_SCENARIO):
    return lineup.load_scenario(write_case(tmp_path, scenario, TOY_ROSTER))


def _tiny(tmp_path, extra: str = ""):
    text = TINY_SCENARIO + """\
simulation:
  days: 5
  population: {size: 2000}
strategies:
  small: {tiers: [nano, micro]}
  big: {ids: [dave]}
""" + extra
    return lineup.load_scenario(write_case(tmp_path, text))


def test_win_probabilities_sum_to_one_and_intervals_hold_them(tmp_path):
    res = sensitivity(_tiny(tmp_path), points=6, replications=3, seed=2)
    wins = res.win_probabilities()
    assert set(wins) == set(METRICS)
    for metric, by in wins.items():
        assert sum(v["p"] for v in by.values()) == pytest.approx(1.0), metric
        for v in by.values():
            assert v["ci_low"] <= v["p"] <= v["ci_high"] and 0 <= v["decisive"] <= v["p"] + 1e-12
    assert res.points == 6 and res.to_frame().shape[0] == 6
    assert "SensitivityResult(" in repr(res) and "<table" in res._repr_html_()


def test_the_prior_scale_multiplies_only_estimated_rates_capped_at_one(tmp_path):
    from lineup.workflows.sensitivity import point_scenario

    sc = _tiny(tmp_path)
    r = sc.roster
    assert r.er_estimated.sum() == 1  # carol's rate is blank in the roster
    scaled = point_scenario(sc, {"engagement_prior_scale": 1.5}).roster
    est = r.er_estimated
    assert np.allclose(scaled.engagement_rate[est], 1.5 * r.engagement_rate[est])
    assert np.array_equal(scaled.engagement_rate[~est], r.engagement_rate[~est])
    assert (point_scenario(sc, {"engagement_prior_scale": 10.0}).roster.engagement_rate <= 1).all()
    assert point_scenario(sc, {"simulation.organic_reach": 0.2}).spec.simulation.organic_reach == 0.2


def test_defaults_listed_when_the_scenario_has_no_uncertain_section(tmp_path):
    sc = _tiny(tmp_path)
    ranges = sensitivity_ranges(sc)
    assert {"simulation.talk_prob.micro", "simulation.organic_reach", "simulation.word_of_mouth.p",
            "simulation.word_of_mouth.decay", "engagement_prior_scale"} <= set(ranges)
    assert all(r["source"] == "default" and r["reason"] and r["low"] < r["high"] for r in ranges.values())
    data = sensitivity(sc, points=4, replications=2, seed=1).to_dict()
    for key in ("ranges", "design", "seed", "points", "replications", "population", "assumptions"):
        assert key in data
    assert data["population"]["size"] == 2000 and len(data["design"]) == 4


def test_a_range_that_always_favours_one_strategy_gives_probability_one(tmp_path):
    text = TOY_SCENARIO.replace("{mid: 0.01}", "{mid: 0.0}").replace("[0.0, 0.2]", "[0.1, 0.2]")  # 'big': nobody talks
    res = sensitivity(_toy(tmp_path, text), points=8, replications=4, seed=5)
    wins = res.win_probabilities()
    assert wins["talkers"]["small"]["p"] == 1.0 and wins["talkers"]["big"]["p"] == 0.0
    assert wins["talkers"]["small"]["decisive"] == 1.0
    low, high = wilson(8, 8)
    assert wins["talkers"]["small"]["ci_low"] == pytest.approx(low) and high == 1.0 and low < 1.0


def test_the_deciding_assumption_has_the_largest_index_and_an_absent_one_none(tmp_path):
    sc = _toy(tmp_path)
    morris = sensitivity(sc, points=60, replications=3, seed=4, method="morris", common_random_numbers=True)
    idx = morris.indices()["talkers"]["big"]["indices"]
    assert idx["engagement_prior_scale"]["mu_star"] == 0.0  # same runs whatever the scale: no effect at all
    assert idx["simulation.talk_prob.micro"]["mu_star"] > 0
    lhs = sensitivity(sc, points=48, replications=3, seed=4)
    s1 = {a: v["S1"] for a, v in lhs.indices()["talkers"]["big"]["indices"].items()}
    assert s1["simulation.talk_prob.micro"] > 0.5 > abs(s1["engagement_prior_scale"])
    flips = lhs.flips()["simulation.talk_prob.micro"]["talkers"]
    assert flips["flips"] and flips["lower_half_winner"] == "big" and flips["upper_half_winner"] == "small"
    assert 0.05 < flips["trend"]["big"]["flip_at"] < 0.15  # the truth: 0.1


def _same(sc, **where):
    return to_json(sensitivity(sc, points=5, replications=3, seed=9, **where).to_dict())


def test_identical_on_one_worker_two_workers_and_dask(tmp_path, dask_address):
    sc = _tiny(tmp_path)  # carol's engagement rate is estimated: every point re-solves
    assert "engagement_prior_scale" in sensitivity_ranges(sc)
    serial = _same(sc)
    assert _same(sc, workers=2) == serial
    assert _same(sc, scheduler=dask_address) == serial
    assert '"solved": "per design point' in serial


@pytest.mark.slow
def test_identical_on_a_new_local_dask_cluster(tmp_path):
    sc = _tiny(tmp_path)
    assert _same(sc, dask_local=2) == _same(sc)


def test_populations_per_point_when_the_design_varies_them(tmp_path):
    sc = _tiny(tmp_path, "uncertain:\n  simulation.population.mixing: [0.1, 0.4]\n")
    res = sensitivity(sc, points=4, replications=2, seed=1)
    assert res.population["shared"] is False
    assert to_json(res.to_dict()) == to_json(sensitivity(sc, points=4, replications=2, seed=1, workers=2).to_dict())


@pytest.mark.parametrize("entry, where, says", [
    ("simulation.talk_prob.micor: [0.02, 0.1]", "line 15", "did you mean 'simulation.talk_prob.micro'"),
    ("simulation.organic_reach: [0.1, 1.5]", "line 15", "high 1.5 is outside the field's validated range"),
    ("engagement_prior_scale: [1.3, 0.7]", "line 15", "low 1.3 must be below high 0.7"),
    ("simulation.word_of_mouth.p: [0.1]", "line 15", "at least 2 items"),
    ("simulation.days: [5, 10]", "line 15", "is not allowed"),
    ("{}", "line 14", "must list at least one assumption"),
])
def test_bad_uncertain_entries_are_located(tmp_path, entry, where, says):
    path = write_case(tmp_path, TINY_SCENARIO + (f"uncertain:\n  {entry}\n" if entry != "{}" else "uncertain: {}\n"))
    with pytest.raises(ScenarioError) as info:
        lineup.load_scenario(path)
    text = "\n".join(info.value.problems) or str(info.value)
    field = "uncertain" if entry == "{}" else f"uncertain.{entry.split(':')[0]}"
    assert where in text and f"field '{field}'" in text and says in text


def test_bad_arguments_and_too_few_strategies(tmp_path):
    sc = _tiny(tmp_path)
    with pytest.raises(UsageError, match="did you mean 'lhs'"):
        sensitivity(sc, method="lhd")
    with pytest.raises(UsageError, match="points and replications"):
        sensitivity(sc, points=1)
    with pytest.raises(InfeasibleError, match="two strategies"):
        sensitivity(sc, names=["small"], points=4, replications=2)


def test_files_are_written_and_user_text_escaped(tmp_path):
    res = sensitivity(_toy(tmp_path), points=8, replications=2, seed=1)
    files = sensitivity_files(res)
    assert {"sensitivity.json", "points.csv", "flips.png", "flips.svg", "tornado.png", "tornado.svg"} <= set(files)
    assert files["flips.png"][:4] == b"\x89PNG"
    header = files["points.csv"].splitlines()[0]
    assert "simulation.talk_prob.micro" in header and "small.talkers" in header and "winner.talkers" in header
    fig = res.plot("flips", "talkers")
    assert r"Toy \$5k plan" in fig._suptitle.get_text()
    assert r"Toy \$5k plan" in res.plot("tornado")._suptitle.get_text()
    with pytest.raises(UsageError, match="did you mean 'flips'"):
        res.plot("flip")
    rows = np.loadtxt(files["points.csv"].splitlines()[1:], delimiter=",", usecols=(1, 2))
    assert rows.shape == (8, 2)


def test_a_network_scenario_keeps_its_network(tmp_path):
    text = TOY_SCENARIO.replace("  population: {size: 20000}\n", "  network: edges.txt\n")
    sc = _toy(tmp_path, text)
    (tmp_path / "edges.txt").write_text("".join(f"{k} {(k + 1) % 500}\n" for k in range(500)))
    res = sensitivity(sc, points=4, replications=2, seed=1)
    assert res.population["source"] == "network" and res.population["shared"] is True
    assert to_json(res.to_dict()) == to_json(sensitivity(sc, points=4, replications=2, seed=1, workers=2).to_dict())
    with pytest.raises(UsageError, match="its network"):
        sensitivity(sc, points=4, replications=2, population=1000)


# --------------------------------------------------------------------------- review fixes


def test_a_population_below_a_varied_mean_degree_is_a_usage_error_naming_the_range(tmp_path):
    sc = _tiny(tmp_path, "uncertain:\n  simulation.population.mean_degree: [5, 60]\n")
    says = r"larger population: uncertain\.simulation\.population\.mean_degree: high 60 .*below size \(40\)"
    with pytest.raises(UsageError, match=says):
        sensitivity(sc, points=4, replications=2, population=40)


def test_points_without_a_value_have_no_winner_and_are_left_out(tmp_path):
    # 'big' never has a talker; 'small' only when micro's talk probability is above 0 (the lower half: none)
    text = (TOY_SCENARIO.replace("{mid: 0.01}", "{mid: 0.0}")
            .replace("[0.0, 0.2]", "[0.0, 0.2]\n  simulation.talk_prob.nano: [0.0, 0.1]"))
    text = text.replace("simulation.talk_prob.micro: [0.0, 0.2]", "simulation.organic_reach: [0.1, 1.0]")
    text = text.replace("  talk_prob: {mid: 0.0}", "  talk_prob: {mid: 0.0, micro: 0.0}")
    res = sensitivity(_toy(tmp_path, text), points=8, replications=2, seed=5)
    cpt = res.win_probabilities()["cost_per_talker"]
    assert cpt["small"]["left_out"] == 8 and cpt["small"]["points"] == 0 and cpt["small"]["p"] is None
    assert cpt["big"]["p"] is None  # nobody wins a point without a cost per talker
    assert any("cost_per_talker: 8 of 8 design points have no value" in n for n in res.notes)
    assert set(res.to_frame()["winner.cost_per_talker"]) == {"none (no value)"}
    talkers = res.win_probabilities()["talkers"]
    assert talkers["small"]["left_out"] == 0  # 0 talkers is a value: a tie, split
    assert "<table" in res._repr_html_() and "SensitivityResult(" in repr(res)


def test_no_winner_points_do_not_count_as_shared_wins(tmp_path):
    from lineup.workflows.sensitivity import _point_winner

    empty = {"spend": np.array([10.0, 10.0]), "talkers": np.zeros(2), "reach": np.zeros(2), "engagements": np.zeros(2)}
    some = {**empty, "talkers": np.array([1.0, 2.0])}
    share, decisive = _point_winner({"a": empty, "b": empty}, ("a", "b"), "cost_per_talker")
    assert share == {"a": 0.0, "b": 0.0} and decisive is None
    share, decisive = _point_winner({"a": some, "b": empty}, ("a", "b"), "cost_per_talker")
    assert share == {"a": 1.0, "b": 0.0} and decisive is None  # no interval to an undefined cost: not decisive


def test_a_tie_between_halves_is_reported_not_given_to_the_first_strategy(tmp_path):
    text = TOY_SCENARIO.replace("{mid: 0.01}", "{mid: 0.0}").replace("[0.0, 0.2]", "[0.0, 0.0001]")
    res = sensitivity(_toy(tmp_path, text), points=8, replications=2, seed=5)
    f = res.flips()["engagement_prior_scale"]["talkers"]  # almost nobody talks anywhere: most points tie
    tied = [half for half in ("lower_half", "upper_half") if f[half]["small"] == f[half]["big"]]
    assert tied  # the case under test
    for half in tied:
        assert f[f"{half}_winner"] is None and f[f"{half}_tie"] == ["small", "big"]
    assert not f["flips"]


def test_morris_uses_common_random_numbers_by_default_and_says_so(tmp_path):
    sc = _toy(tmp_path)
    morris = sensitivity(sc, points=6, replications=2, seed=1, method="morris")
    assert morris.common_random_numbers is True
    assert morris.to_dict()["assumptions"]["common_random_numbers"]["source"] == "default"
    assert any("approximate" in n for n in morris.notes)
    lhs = sensitivity(sc, points=6, replications=2, seed=1)
    assert lhs.common_random_numbers is False
    off = sensitivity(sc, points=6, replications=2, seed=1, method="morris", common_random_numbers=False)
    assert off.common_random_numbers is False
    assert off.to_dict()["assumptions"]["common_random_numbers"]["source"] == "argument"


def test_few_points_are_flagged_and_a_null_confidence_explained(tmp_path):
    res = sensitivity(_toy(tmp_path), points=8, replications=2, seed=1)
    assert any("fewer than 32 points are unreliable" in n for n in res.notes)
    entry = res.indices()["talkers"]["big"]
    assert "unreliable" in entry["note"]
    conf = [v["S1_conf"] for v in entry["indices"].values()]
    if None in conf:
        assert "S1_conf not computed" in entry["note"]


def test_unused_word_of_mouth_parameters_are_refused_naming_the_model(tmp_path):
    path = write_case(tmp_path, TINY_SCENARIO + "uncertain:\n  simulation.word_of_mouth.phi: [0.1, 0.4]\n")
    with pytest.raises(ScenarioError) as info:
        lineup.load_scenario(path)
    assert "line 15" in str(info.value) and "model 'ic' does not use phi" in str(info.value)
    assert "decay, mean_delay_days, p" in str(info.value)


def test_a_typo_hint_comes_before_the_list_of_allowed_paths(tmp_path):
    path = write_case(tmp_path, TINY_SCENARIO + "uncertain:\n  simulation.talk_prob.micor: [0.02, 0.1]\n")
    with pytest.raises(ScenarioError) as info:
        lineup.load_scenario(path)
    text = str(info.value)
    assert text.index("did you mean") < text.index("expected")


def test_max_degree_may_be_varied_and_then_each_point_draws_its_population(tmp_path):
    sc = _tiny(tmp_path, "uncertain:\n  simulation.population.max_degree: [20, 150]\n")
    res = sensitivity(sc, points=4, replications=2, seed=1)
    assert res.population["shared"] is False and "simulation.population.max_degree" in res.ranges


def test_the_shared_population_uses_the_scenarios_degree_cap(tmp_path, monkeypatch):
    import lineup.simulation.population as population

    seen = []
    real = population.generate_population
    monkeypatch.setattr(population, "generate_population",
                        lambda *a, **k: seen.append(k.get("max_degree")) or real(*a, **k))
    text = TINY_SCENARIO + """\
simulation:
  days: 5
  population: {size: 2000, max_degree: 40}
strategies:
  small: {tiers: [nano, micro]}
  big: {ids: [dave]}
uncertain:
  simulation.organic_reach: [0.1, 0.5]
"""
    sensitivity(lineup.load_scenario(write_case(tmp_path, text)), points=4, replications=2, seed=1)
    assert seen and set(seen) == {40.0}


def test_figures_raise_no_matplotlib_warning_on_control_characters_or_flat_indices(tmp_path):
    import warnings

    text = TOY_SCENARIO.replace("name: Toy $5k plan", 'name: "Toy \\e[31m $5k plan"')
    res = sensitivity(_toy(tmp_path, text), points=8, replications=2, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        files = sensitivity_files(res)
    assert files["tornado.png"][:4] == b"\x89PNG"
    assert "\x1b" not in res.plot("flips", "talkers")._suptitle.get_text()
    one = sensitivity(_tiny(tmp_path, "uncertain:\n  simulation.talk_prob.micro: [0.02, 0.1]\n"), points=4,
                      replications=2, seed=1, method="morris")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # one assumption: no collapsed layout
        sensitivity_files(one)


def test_the_tornado_has_a_proper_axis_when_every_index_is_negative():
    import warnings

    from lineup.io.figures import _demo_sensitivity, tornado_figure

    res = _demo_sensitivity()
    for by in res.indices().values():  # RBD-FAST's bias correction can make every S1 slightly negative
        for entry in by.values():
            for v in entry["indices"].values():
                v[res.index_name] = -0.05
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # main: "Attempting to set identical low and high xlims"
        fig = tornado_figure(res)
    assert all(ax.get_xlim()[1] > ax.get_xlim()[0] == 0 for ax in fig.axes)

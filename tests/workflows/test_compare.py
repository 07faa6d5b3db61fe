"""lineup compare: strategies → portfolios → simulations on common random numbers."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from lineup.errors import InfeasibleError, UsageError
from lineup.io.scenario import load_scenario
from lineup.io.writers import to_json
from lineup.workflows.compare import (METRICS, build_portfolios, compare, strategy_scenario, strategy_specs)

from ..conftest import REPO, TINY_SCENARIO, write_case

#: The tiny test scenario with a budget that affords its one skincare macro creator (erin, GBP 22,000).
SCENARIO = TINY_SCENARIO.replace("budget: 6000", "budget: 25000")

SIM = """\
simulation:
  days: 10
  replications: 3
  seed: 5
  population: {size: 2000}
"""

STRATEGIES = """\
strategies:
  micro: {tiers: [nano, micro]}
  macro: {tiers: [macro, mega], influencers: {max: 2}}
  optimised: {}
  handpicked: {ids: [alice, dave, erin]}
"""


def _case(tmp_path: Path, extra: str = STRATEGIES, scenario: str = SCENARIO) -> Path:
    return write_case(tmp_path, textwrap.dedent(scenario) + SIM + textwrap.dedent(extra))


@pytest.fixture
def scenario(tmp_path):
    return load_scenario(_case(tmp_path))


@pytest.fixture
def cli():
    from lineup.commands.compare import compare as command

    return lambda args: CliRunner().invoke(command, [str(a) for a in args])


def _tiers(sc, portfolio) -> set[str]:
    return set(sc.tiers.names_of(sc.roster.followers[portfolio.rows]).tolist())


# ---------------------------------------------------------------------- strategies


def test_strategies_are_honoured(scenario):
    built = build_portfolios(scenario)
    assert list(built) == ["micro", "macro", "optimised", "handpicked"]
    micro, macro = built["micro"].portfolio, built["macro"].portfolio
    assert _tiers(scenario, micro) <= {"nano", "micro"} and len(micro) >= 2
    assert _tiers(scenario, macro) <= {"macro", "mega"} and 1 <= len(macro) <= 2
    assert built["optimised"].solve.status.value == "optimal"
    # the strategy's rules replace the scenario's (influencers.min 2 is gone for macro)
    assert built["macro"].scenario.spec.constraints.influencers.min is None


def test_explicit_ids_are_taken_as_given_and_flagged_over_budget(scenario):
    hand = build_portfolios(scenario, names=["handpicked"])["handpicked"]
    assert hand.status == "explicit" and hand.solve is None
    assert hand.portfolio.ids == ["alice", "dave", "erin"]
    assert hand.portfolio.spend > scenario.budget
    assert any("over the budget" in n for n in hand.notes)


def test_tier_minimum_of_an_excluded_tier_is_dropped_with_a_note(tmp_path):
    sc = load_scenario(_case(tmp_path, STRATEGIES, SCENARIO + "  tiers: {micro: {min: 2}}\n"))
    macro = build_portfolios(sc, names=["macro"])["macro"]
    assert macro.ok, macro.diagnosis
    assert macro.scenario.spec.constraints.tiers["micro"].min is None
    assert any("dropped constraints.tiers.micro.min = 2" in n for n in macro.notes)
    # the micro strategy keeps the minimum of an allowed tier
    assert strategy_scenario(sc, "micro").spec.constraints.tiers["micro"].min == 2


def test_platforms_and_budget_of_a_strategy(tmp_path):
    extra = """\
    strategies:
      gram: {platforms: [instagram], budget: 1200}
    """
    scenario = SCENARIO + "  platforms: {tiktok: {min_share: 0.1}}\n  include: [carol]\n"
    sc = load_scenario(_case(tmp_path, extra, scenario))
    built = build_portfolios(sc)["gram"]
    c = built.scenario.spec.constraints
    assert built.scenario.budget == 1200
    assert c.platforms["tiktok"].max_share == 0 and c.platforms["tiktok"].min_share is None
    assert c.platforms["youtube"].max_share == 0 and c.platforms["instagram"].max_share is None
    assert c.include == []  # carol is on tiktok
    assert any("min_share" in n for n in built.notes) and any("'carol'" in n for n in built.notes)
    assert set(sc.roster.platform[built.portfolio.rows]) == {"instagram"}
    assert built.portfolio.spend <= 1200


def test_defaults_when_the_scenario_names_no_strategy(tiny_case):
    sc = load_scenario(tiny_case)
    assert list(strategy_specs(sc)) == ["optimised", "micro", "macro"]
    assert strategy_scenario(sc, "macro").spec.constraints.influencers.max == 2


def test_unknown_strategy_is_a_usage_error_with_a_hint(scenario):
    with pytest.raises(UsageError) as info:
        strategy_specs(scenario, ["micro", "makro"])
    assert "did you mean 'macro'" in info.value.describe()


# ---------------------------------------------------------------------- compare


def test_infeasible_strategy_is_reported_and_left_out(tmp_path):
    extra = """\
    strategies:
      micro: {tiers: [nano, micro]}
      everyone: {influencers: {min: 6}}
    """
    sc = load_scenario(_case(tmp_path, extra))
    cmp = compare(sc)
    assert cmp.strategies == ("micro",)
    assert cmp.solves["everyone"].status.value == "infeasible"
    data = cmp.to_dict()
    assert data["left_out"]["everyone"]["status"] == "infeasible"
    assert data["left_out"]["everyone"]["diagnosis"]
    assert any("'everyone' left out" in n for n in cmp.notes)


def test_an_empty_portfolio_is_simulated_as_zeros_with_a_note(tmp_path):
    extra = """\
    strategies:
      micro: {tiers: [nano, micro]}
      broke: {budget: 10}
    """
    plain = "name: plain\ncurrency: GBP\nbudget: 6000\nroster: roster.csv\n"
    cmp = compare(load_scenario(_case(tmp_path, extra, scenario=plain)), replications=2)
    assert cmp.portfolios["broke"].ids == [] and cmp.simulations["broke"].totals["talkers"].mean == 0
    assert any("'broke': the portfolio is empty" in n for n in cmp.notes)


@pytest.mark.parametrize("network", [False, True])
def test_coarse_audiences_are_flagged_with_advice_that_fits(tmp_path, network):
    sim = ("simulation: {days: 5, replications: 2, network: {path: edges.txt}}\n" if network
           else "simulation: {days: 5, replications: 2, population: {size: 300}}\n")
    path = write_case(tmp_path, textwrap.dedent(SCENARIO) + sim + textwrap.dedent(STRATEGIES))
    (tmp_path / "edges.txt").write_text("".join(f"{k} {(k + 1) % 300}\n" for k in range(300)))
    notes = " ".join(compare(load_scenario(path)).notes)
    assert "fewer than 20 simulated followers" in notes
    assert ("the network has only 300 people" in notes) == network
    assert ("raise simulation.population.size" in notes) != network


def test_all_strategies_infeasible_raises(tmp_path):
    extra = """\
    strategies:
      a: {influencers: {min: 6}}
      b: {tiers: [mega], influencers: {min: 2}}
    """
    with pytest.raises(InfeasibleError) as info:
        compare(load_scenario(_case(tmp_path, extra)))
    assert len(info.value.problems) == 2


def test_common_random_numbers_identical_strategies_differ_by_exactly_zero(tmp_path):
    extra = """\
    strategies:
      first: {tiers: [nano, micro]}
      second: {tiers: [nano, micro]}
    """
    cmp = compare(load_scenario(_case(tmp_path, extra)), replications=4)
    a, b = cmp.samples("first"), cmp.samples("second")
    assert np.array_equal(a["talkers"], b["talkers"]) and np.ptp(a["talkers"]) > 0  # replications vary
    for metric, d in cmp.differences("second").items():
        assert (d.mean, d.ci_low, d.ci_high) == (0.0, 0.0, 0.0), metric
    frame = cmp.to_frame()
    assert (frame.filter(like="diff_").to_numpy() == 0).all()


def test_paired_difference_is_the_mean_of_per_replication_differences(scenario):
    # one common scale (set by erin, 1.1M followers) leaves micro creators few simulated
    # followers in 2,000 people: simulate 20,000 so that both strategies make talkers
    scenario = scenario.with_overrides(simulation__population__size=20_000, simulation__replications=6)
    cmp = compare(scenario, names=["micro", "macro"])
    d = cmp.samples("macro")["talkers"] - cmp.samples("micro")["talkers"]
    band = cmp.differences("macro")["talkers"]
    assert band.mean == pytest.approx(d.mean())
    assert band.ci_low < band.mean < band.ci_high


def test_strategies_share_one_audience_scale(scenario):
    cmp = compare(scenario, names=["micro", "macro"])
    scales = {name: cmp.simulations[name].scale for name in cmp.strategies}
    assert len(set(scales.values())) == 1, scales
    real = scenario.roster.followers * scenario.roster.authenticity
    assert scales["macro"] >= real[scenario.roster.index_of("erin")] / (0.5 * 2000)


def test_frame_columns_and_values(scenario):
    cmp = compare(scenario, names=["micro", "macro", "handpicked"])
    frame = cmp.to_frame()
    assert frame["strategy"].tolist() == ["micro", "macro", "handpicked"]
    for m in METRICS:
        for col in (m, f"{m}_ci_low", f"{m}_ci_high", f"diff_{m}", f"diff_{m}_ci_low", f"diff_{m}_ci_high"):
            assert col in frame.columns
    row = frame.set_index("strategy").loc["handpicked"]
    assert row["influencers"] == 3 and row["spend"] == pytest.approx(cmp.portfolios["handpicked"].spend)
    assert row["diff_influencers"] == 3 - len(cmp.portfolios["micro"])
    assert (frame["talkers_ci_low"] <= frame["talkers"]).all() and (frame["talkers"] <= frame["talkers_ci_high"]).all()


def test_same_seed_same_json_on_one_and_two_workers(scenario):
    one = to_json(compare(scenario, names=["micro", "macro"], seed=11, workers=1).to_dict())
    two = to_json(compare(scenario, names=["micro", "macro"], seed=11, workers=2).to_dict())
    assert one == two
    other = to_json(compare(scenario, names=["micro", "macro"], seed=12, workers=1).to_dict())
    assert other != one
    data = json.loads(one)
    assert data["seed"] == 11 and data["baseline"] == "micro" and "_seconds" not in one  # no timings
    assert str(scenario.path.parent) not in one


def test_progress_counts_replications_each_covering_every_strategy(scenario):
    seen = []
    compare(scenario, names=["micro", "macro"], progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_each_simulation_is_what_simulate_gives_for_that_portfolio(scenario):
    from lineup.workflows.simulate import simulate

    cmp = compare(scenario, names=["micro", "macro"], seed=4)
    alone = simulate(scenario, cmp.portfolios["macro"], seed=4)
    together, single = cmp.simulations["macro"].to_dict(), alone.to_dict()
    # the resolution audit covers every portfolio simulated on the shared population, not one; a simulation on
    # its own also carries the scenario's roster warnings (compare carries them once, on top)
    for data in (together, single):
        data.pop("resolution")
        data["warnings"] = [w for w in data["warnings"] if "simulated followers" not in w
                            and w not in scenario.warnings]
    assert to_json(together) == to_json(single)


def test_same_json_on_one_worker_and_on_dask_with_two(scenario, dask_address):
    serial = to_json(compare(scenario, names=["micro", "macro"], seed=11).to_dict())
    dask = to_json(compare(scenario, names=["micro", "macro"], seed=11, scheduler=dask_address).to_dict())
    assert dask == serial


# ---------------------------------------------------------------------- command


def test_command_writes_table_json_and_figures(tmp_path, cli):
    path = _case(tmp_path)
    out = tmp_path / "out"
    res = cli([path, "--strategies", "micro,macro", "--output", out])
    assert res.exit_code == 0, res.output
    assert "paired difference to 'micro'" in res.stdout and "talkers" in res.stdout
    names = sorted(p.name for p in out.iterdir())
    assert names == ["buzz.png", "buzz.svg", "comparison.csv", "comparison.json", "coverage.png", "coverage.svg",
                     "lineup-manifest.json", "reach_vs_spend.png", "reach_vs_spend.svg"]
    assert json.loads((out / "comparison.json").read_text())["strategies"] == ["micro", "macro"]
    assert (out / "buzz.png").read_bytes()[:4] == b"\x89PNG"


def test_command_json_and_exit_codes(tmp_path, cli):
    path = _case(tmp_path)
    res = cli([path, "--format", "json", "-r", "2", "--seed", "3", "--strategies", "optimised,handpicked"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["replications"] == 2 and data["seed"] == 3 and data["strategies"] == ["optimised", "handpicked"]
    assert cli([path, "--strategies", "nope"]).exit_code == 2
    (tmp_path / "bad").mkdir()
    res = cli([_case(tmp_path / "bad", "strategies:\n  a: {influencers: {min: 6}}\n")])
    assert res.exit_code == 3 and "no strategy could be solved" in res.output


def test_micro_vs_macro_scenario_compares(tmp_path, cli):
    res = cli([REPO / "scenarios" / "micro_vs_macro.yaml", "-r", "2", "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["strategies"] == ["micro", "macro", "optimised", "buzz", "handpicked"]
    macro = data["results"]["macro"]
    assert macro["metrics"]["influencers"]["mean"] <= 2
    assert data["results"]["micro"]["metrics"]["influencers"]["mean"] >= 15
    assert macro["difference"]["talkers"]["ci_low"] is not None


def test_plot_kinds(scenario):
    from matplotlib.figure import Figure

    cmp = compare(scenario, names=["micro", "macro"], replications=2)
    assert all(isinstance(cmp.plot(kind), Figure) for kind in ("buzz", "reach_vs_spend", "coverage"))
    with pytest.raises(UsageError, match="did you mean 'buzz'"):
        cmp.plot("buz")
    assert list(cmp.penetration().index) == ["micro", "macro"]


# ---------------------------------------------------------------------- defensible numbers (issue 9)


def test_costs_are_ratios_of_means_and_unspent_budget_is_stated(scenario):
    cmp = compare(scenario, seed=2)
    data = cmp.to_dict()
    for name in cmp.strategies:
        sim, result = cmp.simulations[name], data["results"][name]
        talkers = sim.samples["talkers"]
        if talkers.mean() > 0:
            assert cmp.bands(name)["cost_per_talker"].mean == pytest.approx(sim.samples["spend"].mean() / talkers.mean())
        else:  # nobody talked in any replication: undefined, said so, never a silent NaN-dropped mean
            assert np.isnan(cmp.bands(name)["cost_per_talker"].mean)
            assert result["metrics"]["cost_per_talker"]["mean"] is None
            assert result["zero_denominator_replications"]["cost_per_talker"] == cmp.replications
            assert any(f"strategy {name!r}: every replication had no talker" in n for n in cmp.notes)
        assert result["unspent"] == pytest.approx(result["budget"] - cmp.portfolios[name].spend)
        assert result["metrics"]["unspent"]["mean"] == pytest.approx(result["unspent"])
    assert "strategy 'micro': £23,730 of its £25,000 budget unspent (95%); stopped by" in " ".join(cmp.notes)
    diff = cmp.differences("macro")["cost_per_engagement"]
    base, macro = cmp.bands("micro")["cost_per_engagement"], cmp.bands("macro")["cost_per_engagement"]
    assert diff.mean == pytest.approx(macro.mean - base.mean) and diff.ci_low < diff.mean < diff.ci_high
    assert "spend differs" in data["spend_summary"]
    sim = cmp.simulations["macro"]
    per, diff = cmp.per_spend("macro")["reach_per_1k"]
    assert per.mean == pytest.approx(1_000 * sim.samples["reach"].mean() / sim.samples["spend"].mean())
    assert diff.mean == pytest.approx(per.mean - cmp.per_spend("micro")["reach_per_1k"][0].mean)
    assert data["results"]["macro"]["per_1k_spend"]["reach_per_1k"]["mean"] == pytest.approx(per.mean)

"""Resolution chosen, not guessed (issue 9, item 3): population.size auto."""

from __future__ import annotations

import numpy as np
import pytest

from lineup.domain.campaign import SimulationSpec
from lineup.domain.portfolio import Portfolio
from lineup.io.scenario import load_scenario
from lineup.simulation.resolution import MIN_SIMULATED_FOLLOWERS, choose_size
from lineup.workflows.simulate import simulate

from ..conftest import REPO, TINY_SCENARIO, write_case

SIM = """\
simulation:
  days: 5
  replications: 2
  seed: 3
"""


def test_auto_population_gives_every_influencer_twenty_simulated_followers(tmp_path):
    sc = load_scenario(write_case(tmp_path, TINY_SCENARIO + SIM))
    portfolio = Portfolio.from_ids(sc.roster, ["frank", "erin"])   # 630 and 880,000 real followers
    res = simulate(sc, portfolio)
    how = res.resolution
    assert how["source"] == "auto" and how["influencers_below"] == 0
    assert how["smallest_audience"] >= MIN_SIMULATED_FOLLOWERS
    assert res.population_size == how["size"] > 10_000            # the old fixed default gave frank 4 people
    assert round(630 / res.scale) >= MIN_SIMULATED_FOLLOWERS
    assert res.to_dict()["resolution"]["min_followers"] == MIN_SIMULATED_FOLLOWERS
    assert not any("simulated followers" in w for w in res.warnings)


def test_an_explicit_size_is_kept_and_audited(tmp_path):
    sc = load_scenario(write_case(tmp_path, TINY_SCENARIO + SIM + "  population: {size: 3000}\n"))
    res = simulate(sc, Portfolio.from_ids(sc.roster, ["frank", "erin"]))
    assert res.population_size == 3_000 and res.resolution["source"] == "scenario"
    assert res.resolution["influencers_below"] == 1 and res.resolution["needed"] > 3_000
    assert any("fewer than 20 simulated followers" in w and "'auto' would simulate" in w for w in res.warnings)


def test_auto_says_why_when_the_memory_cap_stops_it():
    how = choose_size([np.array([100.0, 5e6])], SimulationSpec(), people_that_fit=1_000_000)
    assert how.size == 1_000_000 and how.limited_by == "memory" and how.below == 1
    assert "2,000,040 people would be needed" in how.note and "the memory available" in how.note
    capped = choose_size([np.array([100.0, 5e6])], SimulationSpec(), max_people=500_000)
    assert capped.size == 500_000 and "its cap" in capped.note


def test_size_auto_is_accepted_in_a_scenario(tmp_path):
    sc = load_scenario(write_case(tmp_path, TINY_SCENARIO + SIM + "  population: {size: auto, mean_degree: 8}\n"))
    assert sc.spec.simulation.auto_size and sc.spec.simulation.population.mean_degree == 8


SHIPPED = sorted((REPO / "scenarios").glob("*.yaml"))


@pytest.mark.slow
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_resolution_error_at_the_default_is_inside_the_intervals(path):
    """The optimised portfolio at the auto size and at twice that: the means differ by less than the intervals."""
    from lineup.optimize import solve

    sc = load_scenario(path).with_overrides(simulation__population={"size": "auto"})
    portfolio = solve(sc).portfolio
    coarse = simulate(sc, portfolio, replications=24, seed=5)
    fine = simulate(sc.with_overrides(simulation__population={"size": 2 * coarse.population_size}), portfolio,
                    replications=24, seed=5)
    for metric in ("talkers", "reach", "cost_per_talker"):
        a, b = coarse.totals[metric], fine.totals[metric]
        room = (a.ci_high - a.ci_low) / 2 + (b.ci_high - b.ci_low) / 2
        assert abs(a.mean - b.mean) <= room, (metric, a.mean, b.mean, room)

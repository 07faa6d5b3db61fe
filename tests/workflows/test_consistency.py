"""The simulator's engagements agree with the optimiser's (issue 9, item 5); caps are named warnings."""

from __future__ import annotations

import subprocess
import sys

import pytest

from lineup.io.scenario import load_scenario
from lineup.optimize import solve
from lineup.simulation.audiences import audience_sizes
from lineup.simulation.campaign import Influencers, expected_engagements
from lineup.workflows.simulate import simulate

from ..conftest import REPO, TINY_SCENARIO, write_case

SHIPPED = sorted((REPO / "scenarios").glob("*.yaml"))
SLOW = {"micro_vs_macro", "skincare_launch", "multi_platform"}


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem, marks=[pytest.mark.slow] if p.stem in SLOW else [])
                                  for p in SHIPPED])
def test_simulated_engagements_match_the_optimiser_within_monte_carlo_error(path):
    sc = load_scenario(path)
    result = solve(sc)
    portfolio = result.portfolio
    sim = simulate(sc, portfolio, replications=40, seed=17)
    optimiser = result.evaluation.raw_engagement          # the simulator does not de-duplicate shared audiences
    band = sim.totals["engagements"]
    # rounding every audience to whole simulated people: known exactly, at most a few per mille at 'auto'
    inf = Influencers.from_portfolio(portfolio, sc.tiers, sc.spec.simulation.talk_prob)
    sizes = audience_sizes(inf.real_followers, sim.population_size, sim.scale)
    rounding = float(expected_engagements(inf, sc.spec.simulation, sizes, sim.scale).sum()) - optimiser
    assert abs(rounding) <= 0.01 * optimiser
    monte_carlo = 3.29 / 1.96 * (band.ci_high - band.mean)  # 99.9 % half-width
    assert abs(band.mean - optimiser - rounding) <= monte_carlo, (band.mean, optimiser, rounding, monte_carlo)
    assert not any("capped" in w for w in sim.warnings)


HIGH_ER_ROSTER = """\
id,platform,followers,engagement_rate,fee,niches,authenticity,country
alice,instagram,5200,4.1%,400,skincare;vegan,0.95,GB
viral.vic,tiktok,8000,45%,650,skincare,0.9,GB
carol,tiktok,2500,3%,220,makeup|skincare,0.85,GB
"""

SCENARIO = """\
name: High engagement
currency: GBP
budget: 2000
roster: roster.csv
simulation: {days: 10, replications: 3, seed: 1}
"""


def test_engagement_cap_is_a_warning_naming_the_influencers(tmp_path):
    path = write_case(tmp_path, SCENARIO, HIGH_ER_ROSTER)
    proc = subprocess.run([sys.executable, "-m", "lineup.cli", "simulate", str(path)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = " ".join((proc.stdout + proc.stderr).split())
    assert "simulated engagements are capped below the optimiser's expected" in out
    assert "engagement rate above organic_reach 0.3, so a post engages at most the people it reaches: viral.vic" in out


def test_simulation_gives_the_capped_expectation(tmp_path):
    sc = load_scenario(write_case(tmp_path, SCENARIO, HIGH_ER_ROSTER))
    portfolio = solve(sc).portfolio
    sim = simulate(sc, portfolio, replications=30, seed=2)
    inf = Influencers.from_portfolio(portfolio, sc.tiers, sc.spec.simulation.talk_prob)
    sizes = audience_sizes(inf.real_followers, sim.population_size, sim.scale)
    capped = float(expected_engagements(inf, sc.spec.simulation, sizes, sim.scale).sum())
    band = sim.totals["engagements"]
    assert capped < 0.9 * float(sc.roster.expected_engagement[portfolio.rows].sum())
    assert band.ci_low - 0.5 * (band.ci_high - band.ci_low) <= capped <= band.ci_high + 0.5 * (band.ci_high - band.ci_low)

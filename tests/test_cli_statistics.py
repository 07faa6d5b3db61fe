"""Defensible numbers from the real CLI (issue 9): spend honesty, ratios of means, stated defaults."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from .conftest import REPO

LINEUP = [sys.executable, "-m", "lineup.cli"]
MICRO_VS_MACRO = REPO / "scenarios" / "micro_vs_macro.yaml"


def lineup(*args, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the CLI as a process (it inherits PYTHONPATH, so it runs this checkout's code)."""
    return subprocess.run([*LINEUP, *map(str, args)], capture_output=True, text=True, timeout=timeout, cwd=REPO)


@pytest.fixture(scope="module")
def micro_vs_macro_json() -> dict:
    proc = lineup("compare", MICRO_VS_MACRO, "-r", "4", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return {"data": json.loads(proc.stdout), "stderr": proc.stderr}


@pytest.mark.slow  # the whole micro_vs_macro scenario, as a planner runs it
def test_compare_states_spend_and_unspent_budget_per_strategy(micro_vs_macro_json):
    data = micro_vs_macro_json["data"]
    for name, result in data["results"].items():
        assert result["budget"] == 25_000
        assert result["unspent"] == pytest.approx(result["budget"] - result["spend"])
        assert result["metrics"]["unspent"]["mean"] == pytest.approx(result["unspent"])
    notes = " ".join(data["notes"])
    assert "spend differs" in data["spend_summary"] and "every strategy spends the same" not in data["spend_summary"]
    unspent = {n: r for n, r in data["results"].items() if r["unspent_share"] > data["unspent_note_share"]}
    assert unspent  # the hand-picked shortlist leaves most of the budget unspent
    for name, result in data["results"].items():
        noted = re.search(rf"strategy '{name}': \S+ of its £25,000 budget unspent \(\d+%\); stopped by ", notes)
        assert bool(noted) == (name in unspent), name
        if name in unspent:
            assert result["stopped_by"] and f"stopped by {result['stopped_by']}" in notes


@pytest.mark.slow
def test_cost_per_talker_is_spend_over_mean_talkers_for_every_strategy(micro_vs_macro_json):
    for name, result in micro_vs_macro_json["data"]["results"].items():
        m = result["metrics"]
        assert m["cost_per_talker"]["mean"] == pytest.approx(m["spend"]["mean"] / m["talkers"]["mean"], rel=1e-9)
        assert m["cost_per_engagement"]["mean"] > 0 and m["cost_per_reach"]["mean"] > 0


@pytest.mark.slow  # the whole micro_vs_macro scenario, as a planner runs it
def test_compare_table_shows_spend_unspent_and_per_spend_metrics():
    proc = lineup("compare", MICRO_VS_MACRO, "-r", "3", "--strategies", "micro,macro", "--normalise", "spend")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for text in ("spend (GBP)", "unspent budget (GBP)", "cost per talker (GBP)", "talkers per 1,000 GBP",
                 "spend differs: micro £", " of £25,000, macro £"):
        assert text in " ".join(out.split()), text
    assert "same GBP 25,000 spent" not in out + proc.stderr


def test_shipped_scenario_description_does_not_claim_equal_spend():
    text = MICRO_VS_MACRO.read_text()
    assert "spent four ways" not in text and "unspent" in text


# ---------------------------------------------------------------------- defaults that speak (item 6)

NO_COVERAGE = """\
name: Weights without coverage
currency: GBP
budget: 6000
roster: roster.csv
niches:
  skincare: {weight: 3, target: 2}
  vegan: {weight: 1}
simulation: {days: 5, replications: 2, seed: 4}
"""

#: Every default a result depends on, as named in the ``assumptions`` block.
DEPENDS_ON = ("solver.time_limit", "solver.gap", "solver.backend", "objective.coverage", "priors.engagement_rate",
              "priors.fee_per_1k")
SIMULATION_DEPENDS_ON = ("simulation.population.size", "simulation.replications", "simulation.seed",
                         "simulation.organic_reach", "simulation.talk_prob.micro", "simulation.word_of_mouth.p",
                         "confidence", "ratio_method", "simulation.min_simulated_followers")


def test_niche_weights_without_coverage_warn(tmp_path):
    from .conftest import write_case

    path = write_case(tmp_path, NO_COVERAGE)
    proc = lineup("solve", path)
    assert proc.returncode == 0, proc.stderr
    text = " ".join((proc.stdout + proc.stderr).split())
    assert "warning: objective.coverage is 0 (the default), so the niche weights (skincare 3, vegan 1) do nothing" \
        in text
    data = json.loads(lineup("solve", path, "--format", "json").stdout)
    assert any("objective.coverage is 0" in w for w in data["warnings"])
    assert data["assumptions"]["objective.coverage"] == {
        "value": 0.0, "source": "default", "meaning": data["assumptions"]["objective.coverage"]["meaning"]}
    for key in DEPENDS_ON:
        assert key in data["assumptions"], key


@pytest.mark.slow  # three real CLI runs
def test_every_default_is_listed_in_simulate_and_compare_json(tmp_path):
    from .conftest import write_case

    path = write_case(tmp_path, NO_COVERAGE)
    sim = json.loads(lineup("simulate", path, "--format", "json", "--seed", "9").stdout)
    cmp = lineup("compare", path, "--format", "json", "--strategies", "micro,optimised")
    assert cmp.returncode == 0, cmp.stderr
    cmp = json.loads(cmp.stdout)
    for data in (sim["assumptions"], cmp["assumptions"]):
        for key in DEPENDS_ON + SIMULATION_DEPENDS_ON:
            assert key in data, key
        assert data["simulation.population.size"]["source"] == "auto"
        assert data["confidence"]["value"] == 0.95
        assert data["simulation.replications"] == {"value": 2, "source": "scenario",
                                                   "meaning": data["simulation.replications"]["meaning"]}
    assert sim["assumptions"]["simulation.seed"]["source"] == "command line"
    assert sim["assumptions"]["simulation.population.size"]["value"] == sim["population_size"]
    assert cmp["assumptions"]["unspent_note_share"]["value"] == 0.10
    assert any("objective.coverage is 0" in n for n in cmp["notes"])

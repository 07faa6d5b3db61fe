"""``lineup sensitivity`` and ``lineup compare --sensitivity``: outputs, files and exit codes."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from lineup.cli import app

from .conftest import TINY_SCENARIO, write_case

SCENARIO = TINY_SCENARIO + """\
simulation:
  days: 5
  population: {size: 2000}
strategies:
  small: {tiers: [nano, micro]}
  big: {ids: [dave]}
uncertain:
  simulation.talk_prob.micro: [0.02, 0.1]
  simulation.organic_reach: [0.1, 0.5]
"""


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def case(tmp_path):
    return write_case(tmp_path, SCENARIO)


def test_table_shows_win_probabilities_indices_and_settings(case):
    res = run("sensitivity", case, "--points", 8, "-r", 3, "--seed", 1)
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "probability of winning over 8 design points" in out and "decisive" in out
    assert "simulation.talk_prob.micro" in out and "RBD-FAST" in out
    assert "seed 1 · 2,000 simulated people (scenario)" in out
    assert "\\n" not in out  # one strategy per line in the index cells, not an escaped newline


def test_json_lists_ranges_design_seed_and_population(case):
    res = run("sensitivity", case, "--points", 6, "-r", 2, "--seed", 4, "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["seed"] == 4 and data["points"] == 6 and data["replications"] == 2
    assert data["population"]["size"] == 2000 and len(data["design"]) == 6
    assert data["ranges"]["simulation.organic_reach"] == {"low": 0.1, "high": 0.5, "source": "scenario",
                                                          "reason": "given in the scenario"}
    for by in data["win_probability"].values():
        assert sum(v["p"] for v in by.values()) == pytest.approx(1.0)


def test_csv_has_one_row_per_design_point(case):
    res = run("sensitivity", case, "--points", 5, "-r", 2, "--format", "csv")
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert len(rows) == 5 and {"simulation.talk_prob.micro", "small.talkers", "big.cost_per_talker"} <= set(rows[0])


def test_output_directory_gets_json_points_and_figures(case, tmp_path):
    out = tmp_path / "out"
    res = run("sensitivity", case, "--points", 8, "-r", 2, "--method", "morris", "--output", out)
    assert res.exit_code == 0, res.output
    for name in ("sensitivity.json", "points.csv", "flips.png", "flips.svg", "tornado.png", "tornado.svg"):
        assert (out / name).stat().st_size > 0, name
    data = json.loads((out / "sensitivity.json").read_text())
    assert data["method"] == "morris" and data["index"] == "mu_star" and data["points"] == 6  # 2 trajectories of 3


def test_compare_sensitivity_runs_the_same_engine(case):
    a = run("compare", case, "--sensitivity", "--points", 5, "-r", 2, "--seed", 3, "--format", "json")
    b = run("sensitivity", case, "--points", 5, "-r", 2, "--seed", 3, "--format", "json")
    assert a.exit_code == 0 and b.exit_code == 0, a.output + b.output
    assert a.stdout == b.stdout
    plain = run("compare", case, "-r", 2, "--format", "csv")    # without --sensitivity: comparison.csv's rows
    assert plain.exit_code == 0 and plain.stdout.startswith("strategy,status,")


@pytest.mark.parametrize("extra, says", [
    ("  simulation.talk_prob.micor: [0.02, 0.1]\n", "did you mean 'simulation.talk_prob.micro'"),
    ("  simulation.word_of_mouth.decay: [0.0, 0.5]\n", "low 0 is outside the field's validated range"),
])
def test_bad_uncertain_entries_exit_2_with_their_line(tmp_path, extra, says):
    path = write_case(tmp_path, SCENARIO + extra)
    res = run("sensitivity", path, "--points", 4, "-r", 2)
    assert res.exit_code == 2
    assert "line 23" in res.stderr and says in res.stderr and "Traceback" not in res.output


def test_bad_options_exit_2(case):
    assert run("sensitivity", case, "--method", "sobol").exit_code == 2
    assert run("sensitivity", case, "--points", 1).exit_code == 2
    res = run("sensitivity", case, "--strategies", "small", "--points", 4, "-r", 2)
    assert res.exit_code == 3 and "two strategies" in res.stderr


@pytest.mark.parametrize("extra", [("--points", 8), ("--method", "morris"), ("--population", 5000),
                                   ("--common-random-numbers",), ("--no-common-random-numbers",)])
def test_compare_refuses_sensitivity_options_without_sensitivity(case, extra):
    res = run("compare", case, *extra)
    assert res.exit_code == 2 and "only with --sensitivity" in res.stderr and "Traceback" not in res.output


def test_population_below_a_varied_mean_degree_exits_2_naming_the_range(tmp_path):
    path = write_case(tmp_path, SCENARIO + "  simulation.population.mean_degree: [5, 60]\n")
    res = run("sensitivity", path, "--points", 4, "-r", 2, "--population", 40)
    assert res.exit_code == 2, res.output
    assert "uncertain.simulation.population.mean_degree: high 60" in res.stderr and "Traceback" not in res.output


def test_morris_says_common_random_numbers_are_on_by_default(case):
    res = run("sensitivity", case, "--points", 6, "-r", 2, "--method", "morris")
    assert res.exit_code == 0, res.output
    assert "common random numbers on (default)" in res.stdout and "approximate" in res.stdout
    res = run("sensitivity", case, "--points", 6, "-r", 2, "--method", "morris", "--no-common-random-numbers")
    assert "common random numbers off (argument)" in res.stdout

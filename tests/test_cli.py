"""CLI contract: outputs and every documented exit code."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from lineup.cli import app

from .conftest import REPO, TINY_SCENARIO, write_case

REPO_SCENARIOS = REPO / "scenarios"


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_solve_json_contract(tiny_case):
    res = run("solve", tiny_case, "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    for key in ("status", "objective", "bound", "gap", "spend", "expected_engagement", "selected", "niche_coverage"):
        assert key in data
    assert data["status"] == "optimal"
    assert data["spend"] <= 6000
    assert {"id", "fee", "expected_engagement"} <= set(data["selected"][0])
    assert set(data["niche_coverage"]) == {"skincare", "vegan"}
    what_if = data["budget_what_if"]
    assert what_if["budget"] == pytest.approx(6600) and what_if["objective_gain"] >= 0
    assert json.loads(run("solve", tiny_case, "--format", "json", "--what-if", "0").stdout)["budget_what_if"] is None


def test_solve_table_and_output_files(tiny_case, tmp_path):
    out = tmp_path / "out"
    res = run("solve", tiny_case, "--output", out)
    assert res.exit_code == 0, res.output
    assert "Portfolio" in res.stdout and "status" in res.stdout
    data = json.loads((out / "portfolio.json").read_text())
    csv_lines = (out / "portfolio.csv").read_text().strip().splitlines()
    assert len(csv_lines) == 1 + len(data["selected"])
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temp files left


def test_solve_highs_matches_cbc(tiny_case):
    a = json.loads(run("solve", tiny_case, "--format", "json").stdout)
    b = json.loads(run("solve", tiny_case, "--format", "json", "--solver", "highs").stdout)
    assert a["objective"] == pytest.approx(b["objective"], rel=1e-6)


@pytest.mark.parametrize(
    "scenario, roster_change, message",
    [
        ("name: x\nbudget: [1\n", None, "invalid YAML"),
        (TINY_SCENARIO.replace("budget: 6000", "budget: -1"), None, "budget"),
        (TINY_SCENARIO.replace("budget: 6000", "budget: lots"), None, "budget"),
        (TINY_SCENARIO.replace("vegan: {weight: 1}", "vegn: {weight: 1}"), None, "did you mean 'vegan'"),
        (TINY_SCENARIO + "  include: [nobody]\n", None, "nobody"),
        (TINY_SCENARIO, "id,followers,fee\nalice,12x,100\n", "line 2"),
        (TINY_SCENARIO, "id,followers,fee\n", "no data rows"),
    ],
    ids=["yaml", "negative-budget", "budget-type", "unknown-niche", "unknown-include", "garbage-number",
         "empty-roster"],
)
def test_bad_input_exits_2_with_located_message(tmp_path, scenario, roster_change, message):
    path = write_case(tmp_path, scenario) if roster_change is None else write_case(tmp_path, scenario, roster_change)
    res = run("solve", path)
    assert res.exit_code == 2, res.output
    assert message.lower() in res.stderr.lower()
    assert "Traceback" not in res.output


def test_missing_scenario_exits_2(tmp_path):
    res = run("solve", tmp_path / "missing.yaml")
    assert res.exit_code == 2 and "not found" in res.stderr


def test_infeasible_exits_3_and_explains(tmp_path):
    path = write_case(tmp_path, TINY_SCENARIO.replace("budget: 6000", "budget: 100"))
    res = run("solve", path, "--format", "json")
    assert res.exit_code == 3, res.output
    data = json.loads(res.stdout)
    assert data["status"] == "infeasible" and data["selected"] == []
    assert any("budget" in line for line in data["diagnosis"])


def test_solver_unavailable_exits_4(tiny_case, monkeypatch):
    import lineup.optimize as opt
    from lineup.errors import SolverUnavailableError

    def boom(*a, **k):
        raise SolverUnavailableError("highs is not installed: pip install highspy")

    monkeypatch.setattr(opt, "solve", boom)
    res = run("solve", tiny_case)
    assert res.exit_code == 4 and "highspy" in res.stderr


def test_internal_error_exits_1_without_traceback(tiny_case, monkeypatch):
    import lineup.optimize as opt

    monkeypatch.setattr(opt, "solve", lambda *a, **k: 1 / 0)
    res = run("solve", tiny_case)
    assert res.exit_code == 1
    assert "internal error: ZeroDivisionError" in res.stderr and "Traceback" not in res.stderr
    res = run("solve", tiny_case, "--debug")
    assert isinstance(res.exception, ZeroDivisionError)


def test_usage_error_exits_2(tiny_case):
    assert run("solve", tiny_case, "--format", "xml").exit_code == 2
    assert run("solve", tiny_case, "--time-limit", "-3").exit_code == 2


def test_validate_and_schema(tiny_case):
    res = run("validate", tiny_case)
    assert res.exit_code == 0 and "6 influencers" in res.stdout
    schema = json.loads(run("schema").stdout)
    assert schema["properties"]["budget"]["exclusiveMinimum"] == 0


def test_real_process_has_no_traceback(tmp_path):
    path = write_case(tmp_path, "name: x\nbudget: nope\nroster: roster.csv\n")
    proc = subprocess.run([sys.executable, "-m", "lineup.cli", "solve", str(path)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr


def test_simulate_json_and_files(tiny_case, tmp_path):
    out = tmp_path / "sim"
    res = run("simulate", tiny_case, "-r", "3", "--seed", "5", "--format", "json", "--output", out)
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["replications"] == 3 and data["seed"] == 5
    talkers = data["series"]["talkers"]["mean"]
    assert len(talkers) == len(data["days"]) and talkers == sorted(talkers)  # cumulative buzz never falls
    assert {"simulation.json", "daily.csv", "totals.csv"} <= {p.name for p in out.iterdir()}
    again = json.loads(run("simulate", tiny_case, "-r", "3", "--seed", "5", "--format", "json", "-w", "2").stdout)
    assert again["totals"] == data["totals"]


def test_simulate_table_and_portfolio_file(tiny_case, tmp_path):
    (tmp_path / "mine.csv").write_text("id\nalice\nbob\n")
    res = run("simulate", tiny_case, "-r", "2", "--portfolio", tmp_path / "mine.csv")
    assert res.exit_code == 0, res.output
    assert "talkers (real people)" in res.stdout and "2 influencers" in res.stdout
    (tmp_path / "bad.csv").write_text("id\nalcie\n")
    res = run("simulate", tiny_case, "-r", "2", "--portfolio", tmp_path / "bad.csv")
    assert res.exit_code == 2 and "alcie" in res.stderr


# ------------------------------------------------------------------ solver robustness (issue 15)
def _shipped(tmp_path, name: str, *replacements) -> str:
    """A copy of ``scenarios/<name>.yaml`` (and its rosters) in tmp_path, with text replaced."""
    import shutil

    shutil.copytree(REPO / "scenarios" / "rosters", tmp_path / "rosters")
    text = (REPO / "scenarios" / f"{name}.yaml").read_text()
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    (tmp_path / f"{name}.yaml").write_text(text)
    return str(tmp_path / f"{name}.yaml")


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "lineup.cli", *map(str, args)], capture_output=True, text=True)


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_huge_objective_weights_solve_like_weight_one(tmp_path, solver):
    """objective.engagement: 1e20 made CBC claim infeasibility (exit 3) and HiGHS fail (exit 4)."""
    plain = _cli("solve", REPO_SCENARIOS / "small_budget.yaml", "--solver", solver, "--format", "json")
    path = _shipped(tmp_path, "small_budget", ("engagement: 1.0 ", "engagement: 1.0e+20 "),
                    ("coverage: 500 ", "coverage: 5.0e+22 "))
    big = _cli("solve", path, "--solver", solver, "--format", "json")
    assert big.returncode == 0, big.stderr
    a, b = json.loads(plain.stdout), json.loads(big.stdout)
    assert b["status"] == "optimal" and [s["id"] for s in b["selected"]] == [s["id"] for s in a["selected"]]
    assert b["objective"] == pytest.approx(1e20 * a["objective"], rel=1e-6)  # JSON rounds the plain objective to 0.1


def test_milp_over_the_memory_cap_exits_4_with_the_estimate(tmp_path):
    path = _shipped(tmp_path, "small_budget", ("constraints:\n", "solver: {memory_limit: 0.0001}\nconstraints:\n"))
    proc = _cli("solve", path)
    assert proc.returncode == 4
    assert proc.stderr.startswith("error: the MILP for ") and "Traceback" not in proc.stderr
    for words in ("GB with cbc", "the cap is 0.0 GB (solver.memory_limit = 0.0001 GB)", "--solver greedy"):
        assert words in proc.stderr


def test_greedy_over_the_memory_cap_still_answers_and_warns(tmp_path):
    path = _shipped(tmp_path, "small_budget", ("constraints:\n", "solver: {memory_limit: 0.0001}\nconstraints:\n"))
    proc = _cli("solve", path, "--solver", "greedy", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["status"] == "feasible" and data["selected"] and data["bound"] >= data["objective"]
    assert any("LP relaxation bound is unavailable" in w for w in data["warnings"])


@pytest.mark.slow
def test_frontier_json_is_byte_identical_across_runs():
    args = ("frontier", REPO_SCENARIOS / "coffee_overlap.yaml", "--budgets", "1000:6000:6", "--format", "json")
    outs = [_cli(*args) for _ in range(3)]
    assert all(p.returncode == 0 for p in outs), outs[0].stderr
    assert outs[0].stdout and outs[0].stdout == outs[1].stdout == outs[2].stdout


def test_a_reader_that_closes_stdout_early_is_not_an_error(tiny_case):
    """`lineup solve … | head -c 0`: the run succeeded, the pipe just closed (no 'internal error: BrokenPipeError')."""
    proc = subprocess.Popen([sys.executable, "-m", "lineup.cli", "solve", str(tiny_case), "--format", "json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert b"internal error" not in err and b"Traceback" not in err


def test_an_internal_error_is_one_line(monkeypatch, tiny_case):
    import lineup.optimize

    def boom(*args, **kwargs):
        raise ValueError("first line\n  second line\n  third line")

    monkeypatch.setattr(lineup.optimize, "solve", boom)
    res = run("solve", tiny_case)
    assert res.exit_code == 1
    assert res.stderr.count("\n") == 1 and "first line" in res.stderr and "second" not in res.stderr

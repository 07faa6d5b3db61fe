"""Faults an adversarial review found after the hardening landed: each through the real CLI.

A FIFO as a network file, integers of thousands of digits, a repeated header,
line breaks in user text, unbounded ``--workers``/``--seed``, memory advice that
names the real cost, the seed a run used, and a closed stdout pipe.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .conftest import TINY_ROSTER, TINY_SCENARIO, write_case

SIMULATION = "simulation: {replications: 2, days: 5, population: {size: 500}}\n"


def lineup(*args, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lineup.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


def _case(tmp_path, extra: str = SIMULATION, roster: str = TINY_ROSTER):
    return write_case(tmp_path, TINY_SCENARIO + extra, roster)


@pytest.mark.parametrize("field", ["path: fifo", "path: edges.txt, communities: fifo"])
def test_a_fifo_as_network_or_communities_file_is_refused_not_waited_on(tmp_path, field):
    (tmp_path / "edges.txt").write_text("1 2\n2 3\n")
    os.mkfifo(tmp_path / "fifo")
    path = _case(tmp_path, "simulation: {replications: 2, days: 5, network: {" + field + "}}\n")
    proc = lineup("simulate", path, timeout=60)  # a regression hangs: the timeout fails the test
    assert proc.returncode == 2, proc.stderr
    assert "named pipe (FIFO)" in proc.stderr and "Traceback" not in proc.stderr


def test_integers_of_thousands_of_digits_are_input_errors(tmp_path):
    path = _case(tmp_path)
    (tmp_path / "big.json").write_text("[" + "9" * 5000 + "]")
    proc = lineup("simulate", path, "--portfolio", tmp_path / "big.json")
    assert proc.returncode == 2 and "internal error" not in proc.stderr, proc.stderr
    (tmp_path / "edges.txt").write_text("0 1\n1 " + "9" * 5000 + "\n")
    path = _case(tmp_path, "simulation: {replications: 2, days: 5, network: {path: edges.txt}}\n")
    proc = lineup("simulate", path)
    assert proc.returncode == 2, proc.stderr
    assert "does not fit a 64-bit integer" in proc.stderr and "internal error" not in proc.stderr


def test_a_repeated_header_name_is_an_error_not_a_silent_first_pick(tmp_path):
    lines = TINY_ROSTER.splitlines()
    roster = "\n".join([lines[0] + ",followers"] + [row + ",999999999" for row in lines[1:]]) + "\n"
    proc = lineup("validate", _case(tmp_path, "", roster))
    assert proc.returncode == 2
    assert "2 columns named 'followers' (columns 3, 9)" in proc.stderr


def test_line_breaks_in_user_text_cannot_fake_output_lines(tmp_path):
    scenario = TINY_SCENARIO.replace("name: Tiny test campaign", 'name: "Real title\\nstatus optimal · objective 999"')
    roster = TINY_ROSTER.replace("alice,", '"mia\n=HYPERLINK(""x"")",')
    proc = lineup("solve", write_case(tmp_path, scenario, roster))
    assert proc.returncode == 0, proc.stderr
    assert not any(line.startswith("status optimal · objective 999") for line in proc.stdout.splitlines())
    assert "Real title\\nstatus optimal" in proc.stdout
    assert not any(line.lstrip("│ ").startswith("=HYPERLINK") for line in proc.stdout.splitlines())


@pytest.mark.parametrize("args", [("-w", "1000"), ("--dask-local", "1000"), ("--seed", str(2**63))])
def test_workers_and_seed_are_bounded(tmp_path, args):
    proc = lineup("simulate", _case(tmp_path), *args)
    assert proc.returncode == 2 and "is not in the range" in proc.stderr


def test_the_seed_used_is_the_seed_reported(tmp_path):
    proc = lineup("simulate", _case(tmp_path), "--seed", "7", "-r", "3", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["seed"] == data["parameters"]["seed"] == 7
    assert data["replications"] == data["parameters"]["replications"] == 3


def test_memory_advice_names_replications_and_days_when_they_are_the_cost():
    from lineup.errors import ScenarioError
    from lineup.simulation.memory import MemoryEstimate, check_memory

    kept_results = MemoryEstimate(per_worker=10**6, workers=1, shared=20 * 10**9, per_person=732,
                                  available=24 * 10**9)
    with pytest.raises(ScenarioError, match="lower simulation.replications or simulation.days"):
        check_memory(kept_results, "s.yaml", generated=True)
    people = MemoryEstimate(per_worker=60 * 10**9, workers=1, shared=0, per_person=600, available=16 * 10**9)
    with pytest.raises(ScenarioError, match="lower population.size"):
        check_memory(people, "s.yaml", generated=True)


@pytest.mark.parametrize("objective", ["objective: {engagement: 1.0e+306, coverage: 500}",
                                       "objective: {engagement: 1.0, coverage: 1.0e+306}"])
def test_objective_weights_that_would_overflow_are_refused_with_their_line(tmp_path, objective):
    scenario = TINY_SCENARIO.replace("objective:\n  engagement: 1.0\n  coverage: 500", objective)
    proc = lineup("solve", write_case(tmp_path, scenario))
    assert proc.returncode == 2, proc.stdout
    assert "line 5" in proc.stderr and "1e+100" in proc.stderr


def test_an_output_path_with_an_escape_is_echoed_escaped(tmp_path):
    out = tmp_path / "out\x1b[31mred"
    proc = lineup("solve", write_case(tmp_path), "--output", out)
    assert proc.returncode == 0, proc.stderr
    assert "\x1b" not in proc.stderr and "out\\x1b[31mred" in proc.stderr


# ------------------------------------------------------------------ issue 8 review: real rosters end to end

NO_NICHES_ROSTER = """\
Username,Followers,ER,Fee
big_one,1234567,0.0123456,12345.67
big_two,98765432,0.02,123456.78
small,5000,0.05,
"""
NO_NICHES_SCENARIO = """\
name: Top list
currency: USD
budget: 200000
roster: {path: roster.csv, platform: instagram}
simulation: {replications: 2, days: 5, population: {size: 2000}}
"""


def test_portfolio_csv_keeps_fees_and_followers_exact(tmp_path):
    proc = lineup("solve", write_case(tmp_path, NO_NICHES_SCENARIO, NO_NICHES_ROSTER), "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    rows = {r.split(",")[0]: r for r in proc.stdout.splitlines()[1:]}
    assert ",98765432," in rows["big_two"] and ",123456.78," in rows["big_two"]
    assert ",1234567," in rows["big_one"] and ",12345.67," in rows["big_one"] and "e+" not in proc.stdout


def test_csv_and_json_formats_print_the_estimates_and_warnings_on_stderr(tmp_path):
    path = write_case(tmp_path, NO_NICHES_SCENARIO, NO_NICHES_ROSTER.replace("0.05,", "0.60,"))
    for fmt in ("csv", "json"):
        proc = lineup("solve", path, "--format", fmt)
        assert proc.returncode == 0, proc.stderr
        assert "Estimates: " in proc.stderr and "implausible" in proc.stderr
        assert "Estimates" not in proc.stdout.splitlines()[0]


def test_a_report_on_a_roster_without_niches(tmp_path):
    proc = lineup("report", write_case(tmp_path, NO_NICHES_SCENARIO, NO_NICHES_ROSTER), "-o", tmp_path / "rep",
                  "-r", "2", "--frontier-points", "0", timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "rep" / "report.html").exists()

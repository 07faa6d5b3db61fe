"""``lineup solve`` on models the solver cannot close: the default time limit, Ctrl-C, live progress.

The signal tests run the real ``lineup`` process (it inherits PYTHONPATH, so it runs this
checkout's code) and send SIGINT to it — not to CBC — once it reports progress on stderr.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from io import StringIO

import numpy as np
import pytest
from click.testing import CliRunner

from lineup.cli import app
from lineup.commands._common import progress_line, solver_progress
from lineup.optimize import SolveProgress

LINEUP = [sys.executable, "-m", "lineup.cli"]
PROGRESS = re.compile(r"^(cbc|highs): (incumbent [\d,]+ bound [\d,—]+ gap [\d.]+ %|no portfolio yet, bound \S+) "
                      r"after \d+ s$")
needs_sigint = pytest.mark.skipif(not hasattr(signal, "SIGINT") or sys.platform == "win32", reason="POSIX signals")


def hard_case(folder, n: int) -> str:
    """Budget only over ``n`` influencers with engagement = fee + 1,000 (near-equal ratios): CBC cannot
    close the gap in seconds.  Returns the scenario path."""
    fee = np.random.default_rng(3).integers(1_000, 10_000, n)
    lines = [f"c{k},instagram,{(f + 1_000) * 20},0.05,{f},1,1" for k, f in enumerate(fee.tolist())]
    (folder / "roster.csv").write_text("id,platform,followers,engagement_rate,fee,authenticity,posts\n"
                                       + "\n".join(lines) + "\n")
    path = folder / "scenario.yaml"
    path.write_text(f"name: hard {n}\ncurrency: GBP\nbudget: 1000003\nroster: roster.csv\n")
    return str(path)


@pytest.fixture(scope="module")
def hard_5k(tmp_path_factory):
    return hard_case(tmp_path_factory.mktemp("hard5k"), 5_000)


@pytest.fixture(scope="module")
def hard_35k(tmp_path_factory):
    return hard_case(tmp_path_factory.mktemp("hard35k"), 35_000)


def solve_then_sigint(scenario: str, *args: str) -> tuple[subprocess.CompletedProcess, float]:
    """Start ``lineup solve``, wait for its first progress line on stderr, send SIGINT to it."""
    proc = subprocess.Popen([*LINEUP, "solve", scenario, "--format", "json", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stderr.readline()
        assert PROGRESS.match(first.strip()), first
        proc.send_signal(signal.SIGINT)
        sent = time.perf_counter()
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, first + err), time.perf_counter() - sent


def assert_interrupted(proc: subprocess.CompletedProcess) -> dict:
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "warning: interrupted: returning the best portfolio found so far" in proc.stderr
    data = json.loads(proc.stdout)  # progress never reaches stdout
    assert data["status"] == "interrupted" and data["influencers"] > 0
    assert data["spend"] <= data["budget"] and data["gap"] is not None and data["bound"] >= data["objective"]
    assert any("interrupted" in w for w in data["warnings"])
    return data


# ------------------------------------------------------------------ the time limit
def test_default_time_limit_is_in_json_and_the_footer(tiny_case):
    data = json.loads(CliRunner().invoke(app, ["solve", str(tiny_case), "--format", "json"]).stdout)
    assert data["solver"]["time_limit"] == 60
    assert json.loads(CliRunner().invoke(app, ["solve", str(tiny_case), "--format", "json", "--time-limit", "7"]
                                         ).stdout)["solver"]["time_limit"] == 7
    table = CliRunner().invoke(app, ["solve", str(tiny_case)]).stdout
    assert "(time limit 60 s)" in table


@pytest.mark.slow
def test_35k_budget_only_roster_stops_at_the_limit_with_a_gap(hard_35k):
    t0 = time.perf_counter()
    proc = subprocess.run([*LINEUP, "solve", hard_35k, "--format", "json", "--time-limit", "2"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["status"] == "time_limit" and data["influencers"] > 0
    assert data["solver"]["time_limit"] == 2 and data["solver"]["solve_seconds"] < 2 + 3
    assert data["gap"] > 0 and data["bound"] > data["objective"]
    assert any("time limit (2 s)" in w for w in data["warnings"])
    assert time.perf_counter() - t0 < 30


# ------------------------------------------------------------------ Ctrl-C
@needs_sigint
@pytest.mark.slow  # about 5 s: the first progress line comes after 2 s of solving
def test_sigint_returns_the_incumbent(hard_5k):
    proc, stopped_in = solve_then_sigint(hard_5k, "--time-limit", "60", "--what-if", "0")
    assert_interrupted(proc)
    assert stopped_in < 10


@needs_sigint
@pytest.mark.slow
@pytest.mark.parametrize("backend", ["cbc", "highs"])
def test_sigint_on_a_35k_roster_returns_the_incumbent(hard_35k, backend):
    proc, stopped_in = solve_then_sigint(hard_35k, "--time-limit", "300", "--solver", backend)
    data = assert_interrupted(proc)
    assert data["solver"]["backend"] == backend and data["budget_what_if"] is None
    assert stopped_in < 30


# ------------------------------------------------------------------ progress
def test_progress_line_format():
    assert PROGRESS.match(progress_line(SolveProgress("cbc", 6.4, 12_345.0, 12_400.0)))
    assert PROGRESS.match(progress_line(SolveProgress("highs", 2.0, None, 99.0)))


def test_piped_progress_is_plain_lines_every_two_seconds(capsys):
    from rich.console import Console

    console = Console(file=StringIO(), force_terminal=False)
    with solver_progress(console, "Solving") as update:
        for t in np.arange(0, 7, 0.25):
            update(SolveProgress("cbc", float(t), 100.0, 101.0))
    lines = capsys.readouterr().err.splitlines()
    assert [line.rsplit(" ", 2)[1] for line in lines] == ["2", "4", "6"]
    assert all(PROGRESS.match(line) for line in lines) and console.file.getvalue() == ""


def test_terminal_progress_updates_the_spinner_with_the_line():
    from rich.console import Console

    console = Console(file=StringIO(), force_terminal=True, width=120)
    with solver_progress(console, "Solving [x]") as update:
        update(SolveProgress("highs", 3.0, 1_000.0, 1_010.0))
        assert "Solving [x] highs: incumbent 1,000 bound 1,010 gap 1.00 % after 3 s" in str(
            solver_progress_text(update))


def solver_progress_text(update) -> str:
    """The text the spinner shows now (the bound method's instance holds the rich Status)."""
    return update.__self__.status.renderable.text


def test_ctrl_c_outside_a_solve_is_one_line_and_exit_130():
    import click

    from lineup.commands._common import guarded

    @click.command()
    @guarded
    def stuck() -> int:
        raise KeyboardInterrupt

    res = CliRunner().invoke(stuck, [])
    assert res.exit_code == 130
    assert res.stderr == "error: interrupted (Ctrl-C) before a result was ready\n"

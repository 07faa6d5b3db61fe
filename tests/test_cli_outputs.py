"""``--output DIR`` under crashes and concurrency, run as real processes: one whole set, one writer."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys

import pytest
from click.testing import CliRunner

from lineup.cli import app
from lineup.io.writers import MANIFEST, verify_outputs

from .conftest import HOLD_OUTPUT, TINY_SCENARIO, pause_at_rename, write_case

LINEUP = [sys.executable, "-m", "lineup.cli"]

HOLD = HOLD_OUTPUT

#: ``lineup solve SCENARIO -o DIR`` that pauses (to be killed) once argv[3] renames are done.
KILLED_SOLVE = pause_at_rename(3) + """
from lineup.cli import main
sys.argv = ["lineup", "solve", sys.argv[1], "-o", sys.argv[2], "--what-if", "0", "--format", "json"]
main()
"""


def _hold(directory):
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(directory)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def _stop(proc):
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()


def _hidden(directory):
    return [p.name for p in directory.iterdir() if p.name.startswith(".")]


def test_a_run_on_a_busy_output_directory_fails_at_once_with_exit_5(tiny_case, tmp_path):
    out = tmp_path / "out\x1b[2J"
    holder = _hold(out)
    try:
        proc = subprocess.run([*LINEUP, "compare", tiny_case, "-r", "2", "-o", out], capture_output=True, text=True,
                              timeout=120)
        message = (f"error: another lineup run is writing {tmp_path}/out\\x1b[2J (pid {holder.pid}); "
                   "wait for it to finish or choose another --output directory\n")
        assert proc.returncode == 5 and proc.stderr == message
        for command in (["solve"], ["simulate"], ["frontier", "--budgets", "1000,2000"], ["report"]):
            res = CliRunner().invoke(app, [*command, str(tiny_case), "-o", str(out)])
            assert res.exit_code == 5 and res.stderr == message, command
        assert sorted(p.name for p in out.iterdir()) == [".lineup.lock"]
    finally:
        _stop(holder)
    res = CliRunner().invoke(app, ["solve", str(tiny_case), "-o", str(out)])
    assert res.exit_code == 0, res.output  # kill -9 left no lock that blocks
    assert verify_outputs(out) == ["portfolio.csv", "portfolio.json"] and not _hidden(out)


def test_a_solve_removes_work_directories_that_killed_solves_leaked(tiny_case, tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    leaked = tmp_path / "tmp" / f"lineup-cbc-{dead.pid}-abcd_123"
    leaked.mkdir(parents=True)
    (leaked / "model.mps").write_text("NAME")
    env = {**os.environ, "TMPDIR": str(leaked.parent)}
    proc = subprocess.run([*LINEUP, "solve", tiny_case, "--what-if", "0"], capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert list(leaked.parent.iterdir()) == []


def _portfolio(out):
    """(ids in portfolio.csv, ids in portfolio.json, budget in portfolio.json)."""
    rows = list(csv.DictReader(io.StringIO((out / "portfolio.csv").read_text())))
    data = json.loads((out / "portfolio.json").read_text())
    return [r["id"] for r in rows], [s["id"] for s in data["selected"]], data["budget"]


@pytest.mark.slow
@pytest.mark.parametrize("renames_done", range(6))
def test_a_solve_killed_while_writing_leaves_one_whole_set(tmp_path, renames_done):
    case = write_case(tmp_path)
    small = tmp_path / "small.yaml"
    small.write_text(TINY_SCENARIO.replace("budget: 6000", "budget: 3000"))
    out = tmp_path / "out"
    assert CliRunner().invoke(app, ["solve", str(case), "-o", str(out), "--what-if", "0"]).exit_code == 0
    proc = subprocess.Popen([sys.executable, "-c", KILLED_SOLVE, str(small), str(out), str(renames_done)],
                            stdout=subprocess.PIPE, text=True)
    assert "paused" in proc.stdout.read(6), "the solve ended without pausing"
    _stop(proc)  # kill -9 between two renames
    journal = (out / ".lineup-journal.json").exists()
    if (out / MANIFEST).exists():  # the manifest vouches for a whole set, old or new
        verify_outputs(out)
        csv_ids, json_ids, budget = _portfolio(out)
        assert csv_ids == json_ids and budget in (6000, 3000)
    else:
        assert journal  # missing only while a roll-forward is pending
    res = CliRunner().invoke(app, ["validate", str(case)])  # a run that writes nothing leaves DIR alone
    assert res.exit_code == 0 and _hidden(out)
    res = CliRunner().invoke(app, ["solve", str(case), "-o", str(out), "--what-if", "0"])  # the next run
    assert res.exit_code == 0, res.output
    assert verify_outputs(out) == ["portfolio.csv", "portfolio.json"] and not _hidden(out)
    csv_ids, json_ids, budget = _portfolio(out)
    assert csv_ids == json_ids and budget == 6000


@pytest.mark.slow
def test_two_compares_on_one_directory_at_once(tiny_case, tmp_path):
    out = tmp_path / "out"
    procs = {seed: subprocess.Popen([*LINEUP, "compare", tiny_case, "-r", "5", "--seed", str(seed), "-o", out],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
             for seed in (1, 2)}
    codes = {seed: proc.wait(timeout=300) for seed, proc in procs.items()}
    errors = {seed: proc.stderr.read() for seed, proc in procs.items()}
    for proc in procs.values():
        proc.stderr.close()
    assert sorted(codes.values()) in ([0, 0], [0, 5]), errors
    for seed, code in codes.items():
        if code == 5:
            other = procs[3 - seed].pid
            assert f"another lineup run is writing {out} (pid {other})" in errors[seed]
    names = verify_outputs(out)  # figures and tables of one run
    assert {"comparison.json", "buzz.png", "coverage.svg"} <= set(names) and not _hidden(out)
    seed = json.loads((out / "comparison.json").read_text())["seed"]
    assert codes[seed] == 0

"""The benchmark scripts answer --help and take their sizes from the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(BENCH / "roster_load.py"), *args], capture_output=True, text=True,
                          timeout=timeout, env=os.environ.copy())


def test_roster_load_help_prints_the_options_and_runs_nothing():
    proc = run("--help", timeout=20)
    assert proc.returncode == 0, proc.stderr
    assert "--sizes" in proc.stdout and "--repeats" in proc.stdout and "median wall" not in proc.stdout


def test_roster_load_times_the_sizes_asked_for():
    proc = run("--sizes", "300", "--repeats", "1")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 2 and all(line.lstrip().startswith("300 rows") and "over 1 loads" in line for line in lines)


def test_roster_load_refuses_a_size_of_zero():
    proc = run("--sizes", "0", timeout=20)
    assert proc.returncode == 2 and "at least 1" in proc.stderr


def test_sensitivity_benchmark_help_names_its_options():
    proc = subprocess.run([sys.executable, str(BENCH / "sensitivity.py"), "--help"], capture_output=True, text=True,
                          timeout=20, env=os.environ.copy())
    assert proc.returncode == 0, proc.stderr
    assert "--points" in proc.stdout and "--replications" in proc.stdout and "wall" not in proc.stdout.split("\n")[-2]

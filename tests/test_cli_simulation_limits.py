"""`lineup simulate` / `lineup validate` as real processes on out-of-range simulations and bad network files.

Each case exits 2 with a located one-line message (no traceback, no control
characters), instead of a MemoryError, a hang, exit 0 with absurd numbers, or
an OverflowError.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import TINY_SCENARIO, write_case


def lineup(*args, cwd=None):
    # the subprocess inherits PYTHONPATH, so it runs this checkout's lineup
    return subprocess.run([sys.executable, "-m", "lineup.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def _scenario(tmp_path, simulation: str):
    return write_case(tmp_path, TINY_SCENARIO + "simulation:\n  replications: 2\n" + simulation)


def _clean(stderr: str) -> bool:
    return "Traceback" not in stderr and all(ch.isprintable() or ch == "\n" for ch in stderr)


def test_subprocess_runs_this_checkout():
    import lineup

    proc = subprocess.run([sys.executable, "-c", "import lineup; print(lineup.__file__)"], capture_output=True,
                          text=True)
    assert proc.stdout.strip() == lineup.__file__


@pytest.mark.parametrize("command", ["simulate", "validate"])
@pytest.mark.parametrize("setting, field", [
    ("  population: {size: 1000000000000}\n", "simulation.population.size"),
    ("  recurring_every_days: 1.0e-9\n", "simulation.recurring_every_days"),
    ("  word_of_mouth: {model: bass, steps_per_day: 1000000000000}\n", "simulation.word_of_mouth.steps_per_day"),
    ("  audience_cap: 1.0e-300\n", "simulation.audience_cap"),
], ids=["size", "recurring", "steps", "audience-cap"])
def test_out_of_range_parameters_exit_2_with_the_line_and_field(tmp_path, command, setting, field):
    proc = lineup(command, _scenario(tmp_path, setting))
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: ") and f"line 16, field '{field}'" in proc.stderr and _clean(proc.stderr)


@pytest.mark.parametrize("command", ["simulate", "validate"])
def test_a_population_too_big_for_the_memory_exits_2_with_the_estimate(tmp_path, command):
    path = _scenario(tmp_path, "  population: {size: 50000000, mean_degree: 1000}\n")
    proc = lineup(command, path)
    assert proc.returncode == 2, proc.stderr
    assert f"{path}, field 'simulation.population.size': simulating needs about" in proc.stderr
    assert "GB of memory" in proc.stderr and "people fit" in proc.stderr and _clean(proc.stderr)


@pytest.mark.parametrize("content, expected", [
    (b"0 1\n1 9223372036854775808\n", "edges.txt, line 2: node id '9223372036854775808' does not fit"),
    (b"\x1b]0;owned\x07 \x1b[2J\n0 1\n", "holds control characters"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\n", "edges.txt, line 3: a NUL byte"),
], ids=["id-beyond-int64", "escape-sequences", "binary"])
def test_bad_network_files_exit_2_located_and_escaped(tmp_path, content, expected):
    (tmp_path / "edges.txt").write_bytes(content)
    proc = lineup("simulate", _scenario(tmp_path, "  network: edges.txt\n"))
    assert proc.returncode == 2, proc.stderr
    assert expected in proc.stderr and _clean(proc.stderr)


def test_a_two_person_network_warns_why_the_numbers_are_zero(tmp_path):
    (tmp_path / "edges.txt").write_text("0 1\n")
    proc = lineup("simulate", _scenario(tmp_path, "  network: edges.txt\n"), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["population_size"] == 2
    too_small = [w for w in data["warnings"] if "too small" in w]
    assert len(too_small) == 1  # and the resolution and zero-denominator warnings that go with it
    assert data["resolution"]["source"] == "network" and data["resolution"]["influencers_below"] > 0
    assert data["ratios"]["cost_per_talker"]["zero_denominator_replications"] == data["replications"]
    assert "warning: the simulated population is too small" in proc.stderr and "count nobody" in proc.stderr

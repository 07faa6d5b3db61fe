"""Bad scenario, overlap and portfolio files through the real ``lineup`` process: exit 2, one located line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import TINY_SCENARIO, write_case

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


def lineup(*args, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run the CLI as a process (it inherits PYTHONPATH, so it runs this checkout's code)."""
    return subprocess.run([sys.executable, "-m", "lineup.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


def assert_input_error(proc: subprocess.CompletedProcess, *fragments: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr
    for fragment in fragments:
        assert fragment in proc.stderr


@needs_fifo
def test_fifo_scenario_is_refused_not_waited_on(tmp_path):
    os.mkfifo(tmp_path / "s.yaml")
    assert_input_error(lineup("validate", tmp_path / "s.yaml", timeout=30), "s.yaml: is a named pipe (FIFO)")


def test_symlink_loop_scenario(tmp_path):
    (tmp_path / "s.yaml").symlink_to(tmp_path / "s.yaml")
    assert_input_error(lineup("solve", tmp_path / "s.yaml"), "symlink loop")


@pytest.mark.parametrize("kind", ["directory", "fifo", "loop"])
def test_unusable_overlap_file(tmp_path, kind):
    # an unreadable (chmod 000) file cannot be made for root, who reads everything; these fail the same way
    path = write_case(tmp_path, TINY_SCENARIO + "overlap: {path: ov.csv}\n")
    ov = tmp_path / "ov.csv"
    if kind == "directory":
        ov.mkdir()
    elif kind == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no named pipes here")
        os.mkfifo(ov)
    else:
        ov.symlink_to(ov)  # was exit 1: RuntimeError from Path.resolve
    assert_input_error(lineup("validate", path, timeout=30), "ov.csv: ")


@pytest.mark.parametrize("budget, shown", [("06000", "budget 6,000.00 GBP")])
def test_leading_zero_budget_is_decimal(tmp_path, budget, shown):
    proc = lineup("validate", write_case(tmp_path, TINY_SCENARIO.replace("budget: 6000", f"budget: {budget}")))
    assert proc.returncode == 0 and shown in proc.stdout  # YAML 1.1 read 06000 as octal: 3,072


def test_sexagesimal_budget_is_a_located_error(tmp_path):
    proc = lineup("solve", write_case(tmp_path, TINY_SCENARIO.replace("budget: 6000", "budget: 60:00")))
    assert_input_error(proc, "line 3, field 'budget': input should be a valid number, got '60:00'")


def test_deeply_nested_portfolio_json(tmp_path):
    path = write_case(tmp_path)
    (tmp_path / "p.json").write_text("[" * 100_000 + "]" * 100_000)
    assert_input_error(lineup("simulate", path, "-r", "1", "--portfolio", tmp_path / "p.json"),
                       "p.json: the JSON is nested too deeply")


@needs_fifo
def test_fifo_portfolio(tmp_path):
    path = write_case(tmp_path)
    os.mkfifo(tmp_path / "p.csv")
    assert_input_error(lineup("simulate", path, "-r", "1", "--portfolio", tmp_path / "p.csv", timeout=30),
                       "p.csv: is a named pipe (FIFO)")


def test_control_characters_never_reach_the_terminal(tmp_path):
    path = write_case(tmp_path, TINY_SCENARIO + '"\\e]0;pwned\\a\\e[2J": 1\n')
    proc = lineup("validate", path)
    assert_input_error(proc, "unknown key '\\x1b]0;pwned\\x07\\x1b[2J'")
    assert not any(ch in proc.stderr for ch in "\x1b\x07\r")
    # whatever module words the message (here the roster reader), the CLI escapes it
    proc = lineup("validate", write_case(tmp_path, TINY_SCENARIO.replace("roster.csv", '"\\e[2Jr.csv"')))
    assert proc.returncode == 2 and "\\x1b[2Jr.csv" in proc.stderr and "\x1b" not in proc.stderr

"""The curated API raises only LineupError subclasses for problems a user causes."""

from __future__ import annotations

import os

import pytest

import lineup

from .conftest import TINY_SCENARIO, write_case


def test_every_error_class_is_exported():
    import lineup.errors

    for name in lineup.errors.__all__:
        if name != "Problem":
            assert issubclass(getattr(lineup, name), lineup.LineupError)


def _scenario_cases(tmp_path):
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop.yaml")
    (tmp_path / "latin1.yaml").write_bytes(TINY_SCENARIO.replace("GBP", "\xa3").encode("latin-1"))
    (tmp_path / "deep.yaml").write_text("a: " + "[" * 50_000 + "]" * 50_000 + "\n")
    cases = {"directory": tmp_path, "loop": tmp_path / "loop.yaml", "latin-1": tmp_path / "latin1.yaml",
             "deep": tmp_path / "deep.yaml", "nul": str(tmp_path / "a\0.yaml"),
             "sexagesimal": write_case(tmp_path / "x", TINY_SCENARIO.replace("budget: 6000", "budget: 1:30:00"))}
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "fifo.yaml")
        cases["fifo"] = tmp_path / "fifo.yaml"
    return cases


def test_load_scenario_raises_input_errors_only(tmp_path):
    (tmp_path / "x").mkdir()
    for label, path in _scenario_cases(tmp_path).items():
        with pytest.raises(lineup.InputError) as info:
            lineup.load_scenario(path)
        assert info.value.exit_code == 2, label
        assert "\0" not in str(info.value), label


def test_load_portfolio_raises_input_errors_only(tmp_path):
    roster = lineup.load_scenario(write_case(tmp_path)).roster
    bad = {"deep.json": "[" * 100_000 + "]" * 100_000, "types.json": '{"selected": [{"id": {"x": 1}}]}',
           "latin1.csv": b"id\n\xe9\n", "empty.csv": ""}
    for name, content in bad.items():
        path = tmp_path / name
        (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
        with pytest.raises(lineup.UsageError):
            lineup.load_portfolio(path, roster)

"""Defensible numbers from the real CLI (issue 9): spend honesty, ratios of means, stated defaults."""

from __future__ import annotations

import json
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


def test_compare_states_spend_and_unspent_budget_per_strategy(micro_vs_macro_json):
    data = micro_vs_macro_json["data"]
    for name, result in data["results"].items():
        assert result["budget"] == 25_000
        assert result["unspent"] == pytest.approx(result["budget"] - result["spend"])
        assert result["metrics"]["unspent"]["mean"] == pytest.approx(result["unspent"])
    micro = data["results"]["micro"]
    assert micro["unspent"] > 20_000 and "constraints.influencers.max" in micro["stopped_by"]
    assert "spend differs" in data["spend_summary"] and "same" not in data["spend_summary"]
    notes = " ".join(data["notes"])
    assert "strategy 'micro': £21,171.42 of its £25,000 budget unspent" in notes
    assert "constraints.influencers.max binding" in notes


def test_cost_per_talker_is_spend_over_mean_talkers_for_every_strategy(micro_vs_macro_json):
    for name, result in micro_vs_macro_json["data"]["results"].items():
        m = result["metrics"]
        assert m["cost_per_talker"]["mean"] == pytest.approx(m["spend"]["mean"] / m["talkers"]["mean"], rel=1e-9)
        assert m["cost_per_engagement"]["mean"] > 0 and m["cost_per_reach"]["mean"] > 0


def test_compare_table_shows_spend_unspent_and_per_spend_metrics():
    proc = lineup("compare", MICRO_VS_MACRO, "-r", "3", "--strategies", "micro,macro", "--normalise", "spend")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for text in ("spend (GBP)", "unspent budget (GBP)", "21,171", "cost per talker (GBP)", "talkers per 1,000 GBP",
                 "spend differs: micro £3,828.58 of £25,000, macro £23,748 of £25,000"):
        assert text in out, text
    assert "same GBP 25,000 spent" not in out + proc.stderr


def test_shipped_scenario_description_does_not_claim_equal_spend():
    text = MICRO_VS_MACRO.read_text()
    assert "spent four ways" not in text and "unspent" in text

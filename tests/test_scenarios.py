"""Every shipped scenario validates, solves (exit 0) and gives a rule-abiding portfolio."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from lineup.cli import app

from .conftest import REPO

SCENARIOS = sorted((REPO / "scenarios").glob("*.yaml"))


def test_there_are_example_scenarios():
    assert len(SCENARIOS) >= 3


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario_solves(path: Path):
    from lineup.io.scenario import load_scenario
    from lineup.optimize.rules import violations

    res = CliRunner().invoke(app, ["solve", str(path), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["status"] in ("optimal", "feasible")
    sc = load_scenario(path)
    chosen = np.zeros(sc.roster.n, dtype=bool)
    chosen[[sc.roster.index_of(r["id"]) for r in data["selected"]]] = True
    assert violations(sc, chosen) == []


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario_simulates(path: Path):
    res = CliRunner().invoke(app, ["simulate", str(path), "-r", "2", "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["replications"] == 2 and len(data["days"]) == data["parameters"]["days"]

"""Every shipped scenario validates, solves (exit 0) with a rule-abiding portfolio, simulates and compares."""

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
    from lineup.domain.portfolio import Portfolio
    from lineup.io.scenario import load_scenario
    from lineup.optimize.model import model_of
    from lineup.optimize.rules import violations

    res = CliRunner().invoke(app, ["solve", str(path), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["status"] in ("optimal", "feasible")
    sc = load_scenario(path)
    rows = [sc.roster.index_of(r["id"]) for r in data["selected"]]
    packages = [r["package"] for r in data["selected"]] if sc.packages is not None else None
    chosen = model_of(sc).mask_of(Portfolio(sc.roster, rows, package=packages))  # with packages: the one bought
    assert violations(sc, chosen) == []


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario_simulates(path: Path):
    res = CliRunner().invoke(app, ["simulate", str(path), "-r", "2", "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["replications"] == 2 and len(data["days"]) == data["parameters"]["days"]


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario_compares_and_writes_table_and_figures(path: Path, tmp_path: Path):
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["compare", str(path), "-r", "2", "--output", str(out)])
    assert res.exit_code == 0, res.output
    names = {p.name for p in out.iterdir()}
    assert {"comparison.csv", "comparison.json"} <= names
    assert {f"{fig}.{ext}" for fig in ("buzz", "reach_vs_spend", "coverage") for ext in ("png", "svg")} <= names
    data = json.loads((out / "comparison.json").read_text())
    assert len(data["strategies"]) >= 2 and data["replications"] == 2


def _solved(name: str):
    from lineup.io.scenario import load_scenario
    from lineup.optimize import solve

    sc = load_scenario(REPO / "scenarios" / f"{name}.yaml")
    return sc, solve(sc).portfolio


def test_small_budget_description_states_the_roster_and_the_solve():
    sc, portfolio = _solved("small_budget")
    r, tiers = sc.roster, sc.tiers.names_of(sc.roster.followers)
    text = " ".join(sc.spec.description.split())
    assert f"the cheapest costs GBP {r.fee[tiers == 'macro'].min():,.0f}" in text
    assert f"at most one mid-tier creator (from GBP {r.fee[tiers == 'mid'].min():,.0f})" in text
    assert r.fee[tiers == "mid"].min() <= sc.budget < np.sort(r.fee[tiers == "mid"])[:2].sum()
    chosen = tiers[portfolio.rows].tolist()
    assert set(chosen) == {"nano", "micro"}
    assert (f"buys {len(chosen)} nano and micro creators ({chosen.count('nano')} nano, "
            f"{chosen.count('micro')} micro)") in text


def test_skincare_launch_comment_states_the_included_creators_fee():
    sc, _ = _solved("skincare_launch")
    r = sc.roster
    k = r.index_of("sunny.journal3")
    text = (REPO / "scenarios" / "skincare_launch.yaml").read_text()
    assert f"a GBP {r.fee[k]:,.0f} skincare micro creator" in text
    assert sc.tiers.names_of(r.followers[[k]]).tolist() == ["micro"] and "skincare" in r.niche_lists([k])[0]


def test_micro_vs_macro_description_states_each_strategys_spend():
    from lineup.io.scenario import load_scenario
    from lineup.workflows.compare import build_portfolios

    sc = load_scenario(REPO / "scenarios" / "micro_vs_macro.yaml")
    text = " ".join(sc.spec.description.split())
    built = build_portfolios(sc, names=["micro", "handpicked"])
    micro, hand = (built[n].portfolio for n in ("micro", "handpicked"))
    assert f"(at most 30: GBP {micro.spend:,.0f} of it spent)" in text and len(micro) <= 30
    assert f"a hand-picked shortlist of five (GBP {hand.spend:,.0f}, most of the budget unspent)" in text
    assert len(hand) == 5 and hand.spend < sc.budget / 2

"""Outputs with deliverable packages and management effort: the package bought per creator,
fees, management cost and hours and total cost in solve, compare, report and simulate."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from lineup.cli import app

ROSTER = """\
    id,platform,followers,engagement_rate,fee,niches,authenticity,posts
    ann,instagram,800,0.08,60,vegan,0.95,1
    bob,instagram,5000,0.05,250,vegan;skincare,0.9,1
    cat,tiktok,9000,0.04,400,skincare,0.85,1
    dan,instagram,40000,0.03,700,vegan,0.9,1
    eve,instagram,300000,0.015,900,skincare,0.9,1
"""

#: bob sells a reel (a higher rate, usage rights) and one post; "=cmd" sells a package named like a formula.
RATE_CARD = """\
    id,package,fee,posts,engagement_rate,usage_rights
    bob,1 post,250,1,,no
    bob,reel,300,1,0.12,yes
    cat,=cmd,400,1,,no
"""

SCENARIO = """\
    name: packs
    currency: GBP
    budget: {budget}
    roster: {{path: roster.csv, rate_card: card.csv}}
    objective: {{coverage: 500}}
    niches:
      vegan: {{weight: 1}}
      skincare: {{weight: 1}}
    costs:
      management: {{hours: 2, hourly_rate: 50, count_in_budget: {counted}}}
    constraints:
      influencers: {{max: 5}}
    strategies:
      optimised: {{}}
      picked: {{ids: [bob, ann]}}
    simulation:
      days: 30
      population: {{size: 3000}}
"""

PLAIN = """\
    name: plain
    currency: GBP
    budget: 1000
    roster: roster.csv
    objective: {coverage: 500}
    niches:
      vegan: {weight: 1}
    simulation:
      days: 5
      population: {size: 2000}
"""


def _case(tmp_path: Path, *, budget: float = 1600, counted: bool = True) -> Path:
    (tmp_path / "roster.csv").write_text(textwrap.dedent(ROSTER))
    (tmp_path / "card.csv").write_text(textwrap.dedent(RATE_CARD))
    path = tmp_path / "packs.yaml"
    path.write_text(textwrap.dedent(SCENARIO.format(budget=budget, counted=str(counted).lower())))
    return path


def _solve_json(path: Path) -> dict:
    res = CliRunner().invoke(app, ["solve", str(path), "--format", "json", "--what-if", "0"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_solve_json_shows_each_package_and_every_cost(tmp_path):
    data = _solve_json(_case(tmp_path))
    rows = {r["id"]: r for r in data["selected"]}
    assert rows["bob"]["package"] == "reel" and rows["bob"]["usage_rights"] is True
    assert rows["bob"]["fee"] == 300  # the reel's fee, not the roster's (cheapest package's) 250
    assert rows["ann"]["package"] == "standard" and rows["ann"]["usage_rights"] is False
    for r in rows.values():
        assert r["management_hours"] == 2 and r["management_cost"] == 100
        assert r["total_cost"] == pytest.approx(r["fee"] + 100)
    fees = sum(r["fee"] for r in rows.values())
    assert data["fees"] == pytest.approx(fees)
    assert data["management_cost"] == pytest.approx(100 * len(rows))
    assert data["management_hours"] == pytest.approx(2 * len(rows))
    assert data["total_cost"] == pytest.approx(data["spend"]) == pytest.approx(fees + 100 * len(rows))
    assert data["budget_left"] == pytest.approx(data["budget"] - data["total_cost"])


def test_management_beside_the_budget_leaves_spend_as_the_fees(tmp_path):
    data = _solve_json(_case(tmp_path, counted=False))
    assert data["spend"] == pytest.approx(data["fees"])
    assert data["total_cost"] == pytest.approx(data["fees"] + data["management_cost"])
    assert data["total_cost"] > data["spend"]
    res = CliRunner().invoke(app, ["solve", str(tmp_path / "packs.yaml"), "--what-if", "0"])
    assert "management beside the budget" in res.output


def test_solve_table_says_fees_plus_management_and_the_package(tmp_path):
    res = CliRunner().invoke(app, ["solve", str(_case(tmp_path)), "--what-if", "0"], env={"COLUMNS": "250"})
    assert res.exit_code == 0, res.output
    assert "reel (usage rights)" in res.output
    assert "(fees £" in res.output and "+ management £" in res.output and " h)" in res.output


def test_solve_csv_has_the_new_columns_spreadsheet_safe(tmp_path):
    path = _case(tmp_path, budget=3000)
    res = CliRunner().invoke(app, ["solve", str(path), "--format", "csv", "--what-if", "0"])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert {"package", "usage_rights", "management_hours", "management_cost", "total_cost"} <= set(rows[0])
    cat = next(r for r in rows if r["id"] == "cat")
    assert cat["package"] == "'=cmd"  # a formula-like package name is neutralised


def test_output_files_carry_the_package(tmp_path):
    path = _case(tmp_path)
    res = CliRunner().invoke(app, ["solve", str(path), "-o", str(tmp_path / "out"), "--what-if", "0"])
    assert res.exit_code == 0, res.output
    header = (tmp_path / "out" / "portfolio.csv").read_text().splitlines()[0].split(",")
    assert header.index("package") == header.index("fee") + 1
    saved = json.loads((tmp_path / "out" / "portfolio.json").read_text())
    assert {r["id"]: r["package"] for r in saved["selected"]}["bob"] == "reel"


def test_scenario_without_packages_or_management_keeps_its_columns(tmp_path):
    (tmp_path / "roster.csv").write_text(textwrap.dedent(ROSTER))
    (tmp_path / "plain.yaml").write_text(textwrap.dedent(PLAIN))
    data = _solve_json(tmp_path / "plain.yaml")
    assert not {"fees", "management_cost", "management_hours", "total_cost"} & set(data)
    assert not {"package", "usage_rights", "management_hours", "total_cost"} & set(data["selected"][0])


def test_compare_shows_costs_per_strategy_and_cost_per_talker_on_total_cost(tmp_path):
    from lineup.io.scenario import load_scenario
    from lineup.simulation.result import linearised
    from lineup.workflows.compare import compare

    cmp = compare(load_scenario(_case(tmp_path)), replications=3, seed=2)
    assert cmp.managed and "total_cost_per_talker" in cmp.to_frame().columns
    for name in cmp.strategies:
        p, samples = cmp.portfolios[name], cmp.simulations[name].samples
        bands = cmp.bands(name)
        assert float(bands["management_cost"].mean) == pytest.approx(100 * len(p))
        assert float(bands["total_cost"].mean) == pytest.approx(np.mean(samples["spend"]) + 100 * len(p))
        ratio, _ = linearised(samples["spend"] + p.management_cost, samples["talkers"])
        np.testing.assert_allclose(float(bands["total_cost_per_talker"].mean), float(ratio), equal_nan=True)
        costs = cmp.to_dict()["results"][name]
        assert costs["total_cost"] == pytest.approx(costs["fees"] + costs["management_cost"]) == costs["spend"]
    assert np.isfinite(float(cmp.bands("optimised")["total_cost_per_talker"].mean))  # a ratio of means
    picked = cmp.portfolios["picked"]
    assert dict(zip(picked.ids, picked.package.tolist())) == {"ann": "standard", "bob": "1 post"}  # the cheapest
    assert any("each hired with its cheapest package" in n for n in cmp.notes)


def test_compare_terminal_and_files_name_the_cost_rows(tmp_path):
    path = _case(tmp_path)
    res = CliRunner().invoke(app, ["compare", str(path), "-r", "2", "-o", str(tmp_path / "out")],
                             env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    for label in ("fees (GBP)", "management cost (GBP)", "total cost: fees + management (GBP)",
                  "cost per talker on total cost (GBP per person)"):
        assert label in res.output
    header = (tmp_path / "out" / "comparison.csv").read_text().splitlines()[0].split(",")
    assert {"total_cost", "total_cost_per_talker", "diff_total_cost_per_talker"} <= set(header)


def test_compare_without_management_is_unchanged(tmp_path):
    from lineup.optimize.formulation import tiny_scenario
    from lineup.workflows.compare import METRICS, compare

    sc = tiny_scenario().with_overrides(simulation={"days": 5, "population": {"size": 2000}})
    cmp = compare(sc, names=["micro", "macro"], replications=2, seed=1)
    assert not cmp.managed and list(cmp.metrics) == list(METRICS)
    assert "total_cost" not in cmp.to_frame().columns and "fees" not in cmp.to_dict()["results"]["micro"]


def test_report_shows_packages_and_cost_rows(tmp_path):
    path = _case(tmp_path)
    res = CliRunner().invoke(app, ["report", str(path), "-o", str(tmp_path / "out"), "-r", "2",
                                   "--frontier-points", "0"])
    assert res.exit_code == 0, res.output
    html = (tmp_path / "out" / "report.html").read_text()
    assert "<th>package</th>" in html and "reel (usage rights)" in html
    assert "total cost: fees + management (GBP)" in html and "cost per talker on total cost" in html
    assert "+ management £" in html


def test_simulating_ids_buys_the_cheapest_package(tmp_path):
    from lineup.domain.portfolio import Portfolio
    from lineup.io.scenario import load_scenario
    from lineup.workflows.simulate import priced, simulate

    sc = load_scenario(_case(tmp_path))
    p = priced(sc, Portfolio.from_ids(sc.roster, ["bob"]))
    assert p.package.tolist() == ["1 post"] and p.management_cost == 100 and p.roster.fee[p.rows[0]] == 250
    by_ids, by_portfolio = (simulate(sc, x, replications=2, seed=1) for x in (["bob"], p))
    assert float(by_ids.totals["spend"].mean) == float(by_portfolio.totals["spend"].mean) > 0


def test_validate_counts_the_packages(tmp_path):
    res = CliRunner().invoke(app, ["validate", str(_case(tmp_path))])
    assert res.exit_code == 0, res.output
    assert "packages: 6 for 5 influencers (1 sells more than one; 1 includes usage rights)" in res.output

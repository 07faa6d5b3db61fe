"""The HTML report: sections, content, escaping, determinism, and the ``lineup report`` command."""

from __future__ import annotations

import base64
import re

import numpy as np
import pytest
from click.testing import CliRunner

import lineup
from lineup.commands.report import report as report_command
from lineup.io.scenario import load_scenario
from lineup.render.report import SECTIONS, build_report
from tests.conftest import TINY_ROSTER, TINY_SCENARIO, write_case

SMALL_SIMULATION = """\
simulation:
  days: 6
  replications: 3
  seed: 11
  population: {size: 600}
"""


@pytest.fixture(scope="module")
def scenario_path(tmp_path_factory):
    return write_case(tmp_path_factory.mktemp("report"), TINY_SCENARIO + SMALL_SIMULATION)


@pytest.fixture(scope="module")
def built(scenario_path):
    return build_report(load_scenario(scenario_path), replications=3, seed=5, generated="2025-03-01")


def test_every_section_heading_is_present(built):
    for key, title in SECTIONS.items():
        assert f'<section id="{key}"><h2>{title}</h2>' in built.html


def test_portfolio_ids_seed_and_version_are_shown(built, scenario_path):
    chosen = lineup.solve(load_scenario(scenario_path)).portfolio.ids
    assert chosen
    for i in chosen:
        assert f"<td>{i}</td>" in built.html
    assert "<dt>Seed</dt><dd>5</dd>" in built.html
    assert f"<dt>lineup version</dt><dd>{lineup.__version__}</dd>" in built.html
    assert "2025-03-01" in built.html


def test_figures_are_embedded_and_written(built):
    images = re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', built.html)
    assert len(images) == 4  # buzz, reach vs spend, coverage, frontier
    assert all(base64.b64decode(s).lstrip().startswith(b"<?xml") for s in images)
    for name in ("buzz", "reach_vs_spend", "coverage", "frontier"):
        assert built.files[f"{name}.png"][:8] == b"\x89PNG\r\n\x1a\n"
        assert b"<svg" in built.files[f"{name}.svg"]
    assert built.files["report.html"] == built.html


def test_page_is_self_contained(built):
    assert "<script" not in built.html
    # nothing is loaded from elsewhere; the only external hrefs are the influencers' profile links (anchors)
    assert not re.search(r'src="(https?:)?//', built.html)
    assert not re.search(r'<(?!a )[^>]*href="(https?:)?//', built.html)
    assert all('rel="noopener noreferrer"' in a for a in re.findall(r'<a [^>]*href="https?://[^>]*>', built.html))
    assert "@media print" in built.html


def test_comparison_table_has_intervals_and_differences(built):
    section = built.html.split('<section id="comparison">')[1].split("</section>")[0]
    assert "Paired difference to optimised" in section
    assert '<span class="ci">[' in section
    assert "talkers (real people)" in section


def test_same_seed_same_page_except_the_date(built, scenario_path):
    again = build_report(load_scenario(scenario_path), replications=3, seed=5, generated="2025-03-02")
    assert again.html != built.html
    assert again.html.replace("2025-03-02", "X") == built.html.replace("2025-03-01", "X")
    assert again.files["buzz.svg"] == built.files["buzz.svg"]


def test_user_text_is_escaped(tmp_path):
    text = TINY_SCENARIO.replace("name: Tiny test campaign",
                                 'name: "<script>alert(1)</script> & co"\ndescription: "<b>bold</b>"')
    sc = load_scenario(write_case(tmp_path, text + SMALL_SIMULATION))
    page = build_report(sc, replications=2, seed=1, frontier_points=0).html
    assert "<script>" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page


def test_report_command_writes_the_page_and_figures(scenario_path, tmp_path):
    out = tmp_path / "out"
    res = CliRunner().invoke(report_command, [str(scenario_path), "--output", str(out), "--replications", "2",
                                              "--seed", "3", "--frontier-points", "0"])
    assert res.exit_code == 0, res.output
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Tiny test campaign" in page
    assert {"buzz.png", "buzz.svg", "coverage.svg"} <= {p.name for p in out.iterdir()}
    assert "frontier.png" not in {p.name for p in out.iterdir()}


def test_report_runs_its_simulations_and_frontier_on_dask_with_the_same_page(scenario_path, dask_address):
    from lineup.execution import RunOptions

    sc = load_scenario(scenario_path)
    here = build_report(sc, run=RunOptions(replications=2, seed=5), frontier_points=3, generated="2025-03-01")
    there = build_report(sc, run=RunOptions(replications=2, seed=5, scheduler=dask_address), frontier_points=3,
                         generated="2025-03-01")
    assert "frontier.svg" in here.files
    assert here.html == there.html


def test_report_command_takes_the_scale_out_options_and_names_its_flags(scenario_path, tmp_path):
    res = CliRunner().invoke(report_command, [str(scenario_path), "--output", str(tmp_path / "o"),
                                              "--scheduler", "tcp://127.0.0.1:1", "--replications", "2"])
    assert res.exit_code == 2, res.output
    assert "error: --scheduler 'tcp://127.0.0.1:1': cannot reach a Dask scheduler there" in res.output
    assert "or use --dask-local N" in res.output
    assert not (tmp_path / "o" / "report.html").exists()


def test_report_command_maps_errors_to_exit_codes(tmp_path):
    res = CliRunner().invoke(report_command, [str(tmp_path / "missing.yaml"), "--output", str(tmp_path / "o")])
    assert res.exit_code == 2
    assert "missing.yaml" in res.output
    assert not (tmp_path / "o").exists()


def test_comparison_states_spend_and_unspent_budget_per_strategy(built):
    section = built.html.split('<section id="comparison">')[1].split("</section>")[0]
    assert "unspent budget (GBP)" in section and "spend (GBP)" in section
    assert "cost per person reached (GBP per person)" in section
    assert ("spend differs:" in section or "every strategy spends the same:" in section) and "ratios of means" in section


def test_every_setting_the_numbers_depend_on_is_listed(built):
    section = built.html.split('<section id="assumptions">')[1].split("</section>")[0]
    assert "Every setting the numbers depend on" in section
    for key in ("solver.time_limit", "solver.gap", "simulation.population.size", "simulation.replications",
                "simulation.seed", "confidence", "ratio_method", "priors.fee_per_1k"):
        assert f"<code>{key}</code>" in section, key


def test_the_estimate_summary_is_at_the_top_and_flags_are_in_the_table(tmp_path):
    # bob's 60 % engagement rate is implausible (kept and flagged); carol's rate and erin's fee are blank
    roster = TINY_ROSTER.replace("bob,instagram,8k,3.5%,650", "bob,instagram,8k,60%,650")
    sc = load_scenario(write_case(tmp_path, TINY_SCENARIO + SMALL_SIMULATION, roster))
    page = build_report(sc, replications=2, seed=5, generated="2025-03-01", frontier_points=0).html
    columns = lineup.solve(sc).portfolio_columns()
    n, fees, rates = len(columns["id"]), sum(columns["fee_estimated"]), sum(columns["er_estimated"])
    assert "bob" in columns["id"]
    share = round(100 * float(columns["fee"][columns["fee_estimated"]].sum() / columns["fee"].sum()))
    summary = (f"{fees} of {n} chosen fees and {rates} of {n} engagement rates are estimated; "
               f"{share} % of the spend is estimated")
    assert page.index('<dt>Estimates</dt><dd><span class="estimates">' + summary) < page.index('id="portfolio"')
    assert f"1 of {n} chosen influencers has implausible values (flagged)" in page
    assert '<span class="flag">implausible engagement_rate</span>' in page


# ---------------------------------------------------------------- issue 9, item 8: a report that recommends


def _section_html(page: str, key: str) -> str:
    return page.split(f'<section id="{key}">', 1)[1].split("</section>", 1)[0]


def test_summary_comes_first_and_names_winners_with_intervals(built):
    page = built.html
    starts = [page.index(f'<section id="{key}">') for key in SECTIONS]
    assert list(SECTIONS)[0] == "summary" and starts == sorted(starts)
    summary = _section_html(page, "summary")
    assert "Who wins on which metric" in summary
    for label in ("talkers (real people)", "expected engagements (roster estimate, interactions)"):
        assert label in summary
    assert '<span class="ci">[' in summary  # intervals
    assert "paired" in summary or "intervals" in summary  # whether the lead is beyond the noise


@pytest.fixture(scope="module")
def comparison(scenario_path):
    """The comparison inside ``built`` (same scenario, replications and seed)."""
    return lineup.compare(load_scenario(scenario_path), replications=3, seed=5)


def test_summary_states_spend_and_unspent_per_strategy(built, comparison):
    from lineup.optimize.rules import format_money
    from lineup.render.report import UNSPENT_NOTE_SHARE

    summary = _section_html(built.html, "summary")
    for name in comparison.strategies:
        spend = comparison.portfolios[name].spend
        budget = comparison.built[name].scenario.budget
        assert format_money(spend, "GBP") in summary and format_money(budget - spend, "GBP") in summary, name
        if (budget - spend) / budget > UNSPENT_NOTE_SHARE:
            assert f"<strong>{name}</strong>: " in summary.split("Caveats", 1)[1]
    caveats = summary.split("Caveats", 1)[1]
    assert "Resolution." in caveats and "real people" in caveats
    assert "planner's words" in caveats


def test_every_strategy_portfolio_is_listed_collapsible(built, comparison):
    section = _section_html(built.html, "portfolio")
    assert section.count("<details class=strategy>") == len(comparison.strategies)
    assert "::details-content { content-visibility: visible" in built.html  # printed open
    for name in comparison.strategies:
        for i in comparison.portfolios[name].ids:
            assert f"<td>{i}</td>" in section
    assert "<th class=num>engagement rate</th>" in section
    # instagram handles give profile links (lineup.domain.links): a column in every strategy's table
    assert section.count("<th>profile</th>") == len(comparison.strategies) + 1
    assert '<a href="https://www.instagram.com/bob/" rel="noopener noreferrer">profile</a>' in section


def test_labels_read_well(built):
    page = built.html
    for bad in ("influencers (influencers)", "estimate))", " ER, ", "0 fees", "(fraction)"):
        assert bad not in page, bad


def test_frontier_table_names_each_points_binding_rule(built):
    figures = _section_html(built.html, "figures")
    table = figures.split('<table class="frontier">', 1)[1].split("</table>", 1)[0]
    assert "<th>binding rules</th>" in table and "<th class=num>unspent</th>" in table
    assert table.count("<code>") >= 1


def test_coverage_frontier_table_has_no_column_of_dashes():
    from lineup.optimize.formulation import tiny_scenario
    from lineup.render.report import _frontier_table

    html = _frontier_table(lineup.frontier(tiny_scenario(), coverage_weights=[0, 500]), "GBP")
    assert "marginal value" not in html and "per extra" not in html
    assert "<th>coverage weight</th>" in html


def test_profile_links_show_only_when_the_roster_has_them():
    from lineup.optimize.formulation import tiny_scenario
    from lineup.render.report import _link, _portfolio_table

    sc = tiny_scenario()
    row = {"id": "ann", "platform": "instagram", "tier": "nano", "niches": "vegan", "followers": 900.0,
           "engagement_rate": 0.05, "er_estimated": False, "fee": 60.0, "fee_estimated": True,
           "expected_engagement": 45.0, "budget_share": 0.06}
    assert "profile" not in _portfolio_table(sc, [row])
    with_link = _portfolio_table(sc, [{**row, "profile_url": "https://instagram.com/ann?x=1&y=2"}])
    assert "<th>profile</th>" in with_link
    assert '<a href="https://instagram.com/ann?x=1&amp;y=2" rel="noopener noreferrer">profile</a>' in with_link
    assert "<script>" not in _portfolio_table(sc, [{**row, "profile_url": 'https://x.example/"><script>'}])
    assert _link("javascript:alert(1)") == ""  # never a link
    assert "1 fee estimated" in with_link


def test_coverage_heatmap_cells_use_the_scale_s_decimals():
    from lineup.io.figures import _demo_comparison, coverage_heatmap, percent_decimals

    from lineup.io.figures import _penetration

    comparison = _demo_comparison()
    fig = coverage_heatmap(comparison)
    values = np.array([[_penetration(comparison.simulations[s], n) for n in comparison.niches]
                       for s in comparison.strategies]) * 100
    digits = percent_decimals(float(values.max()))
    texts = [t.get_text().split("\n")[0] for t in fig.axes[0].texts]
    assert texts == [f"{v:.{digits}f} %" for v in values.ravel()]
    assert percent_decimals(0.14) == 2  # a 0–0.14 % scale shows 0.14 %, not 0.1 % or 0.0 %


@pytest.mark.slow
def test_micro_vs_macro_report_states_unspent_budget_and_the_rule():
    """Acceptance (issue 9): the shipped equal-budget study says what each strategy left unspent and why."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "scenarios" / "micro_vs_macro.yaml"
    from lineup.optimize.rules import format_money
    from lineup.render.report import UNSPENT_NOTE_SHARE, _stopped_by

    sc = load_scenario(path).with_overrides(simulation__population__size=4000, simulation__days=5)
    page = build_report(sc, replications=2, seed=1, frontier_points=0, generated="2025-01-01").html
    comparison = lineup.compare(sc, replications=2, seed=1)
    spend_table, caveats = _section_html(page, "summary").split("<h3>Spend</h3>", 1)[1].split("Caveats", 1)
    assert comparison.strategies == ("micro", "macro", "optimised", "handpicked")
    for name in comparison.strategies:
        spend, budget = comparison.portfolios[name].spend, comparison.built[name].scenario.budget
        row = spend_table.split(f"<strong>{name}</strong>", 1)[1].split("</tr>", 1)[0]
        assert format_money(spend, "GBP") in row and format_money(budget - spend, "GBP") in row
        stopped = _stopped_by(comparison, name)
        assert stopped in row
        noted = f"<strong>{name}</strong>: {stopped}; {format_money(budget - spend, 'GBP')} of " in caveats
        assert noted == ((budget - spend) / budget > UNSPENT_NOTE_SHARE), name
    assert "<strong>handpicked</strong>: an explicit list of ids (not solved);" in caveats  # 5 ids, ~60 % unspent


def test_profile_links_are_escaped_anchors_and_empty_portfolio_says_why(tmp_path):
    from tests.test_cli_links import ROSTER as LINK_ROSTER, SCENARIO as LINK_SCENARIO

    built = build_report(load_scenario(write_case(tmp_path, LINK_SCENARIO + SMALL_SIMULATION, LINK_ROSTER)),
                         replications=2, seed=5, generated="x")
    anchors = re.findall(r"<a [^>]*>[^<]*</a>", built.html)
    assert '<a href="https://www.instagram.com/ann/" rel="noopener noreferrer">profile</a>' in anchors
    assert ('<a href="https://evil.example/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" '
            'rel="noopener noreferrer">profile</a>') in anchors
    assert "<script>" not in built.html and 'href="javascript' not in built.html
    assert all('rel="noopener noreferrer"' in a and 'href="https://' in a for a in anchors)
    (tmp_path / "zero").mkdir()
    zero = write_case(tmp_path / "zero", LINK_SCENARIO + "objective: {engagement: 0}\n" + SMALL_SIMULATION,
                      LINK_ROSTER)
    html = build_report(load_scenario(zero), replications=2, seed=5, generated="x").html
    assert ('<p class="warning">The best portfolio is empty because the objective weights are all zero '
            "(objective.engagement = 0 and objective.coverage = 0).</p>") in html

"""The HTML report: sections, content, escaping, determinism, and the ``lineup report`` command."""

from __future__ import annotations

import base64
import re

import pytest
from click.testing import CliRunner

import lineup
from lineup.commands.report import report as report_command
from lineup.io.scenario import load_scenario
from lineup.workflows.report import SECTIONS, build_report
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


def test_report_command_maps_errors_to_exit_codes(tmp_path):
    res = CliRunner().invoke(report_command, [str(tmp_path / "missing.yaml"), "--output", str(tmp_path / "o")])
    assert res.exit_code == 2
    assert "missing.yaml" in res.output
    assert not (tmp_path / "o").exists()


def test_comparison_states_spend_and_unspent_budget_per_strategy(built):
    section = built.html.split('<section id="comparison">')[1].split("</section>")[0]
    assert "unspent (GBP)" in section and "spend (GBP)" in section
    assert "cost per reach (GBP per person)" in section
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

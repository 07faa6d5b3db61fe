"""Regressions from the adversarial review of the optimisation model (issue 10): packages in custom
rules and binding, ranges of extra and rate-card columns, the greedy's packages, influencer counts."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from click.testing import CliRunner

from lineup.cli import app

ROSTER = """\
id,platform,followers,engagement_rate,fee,niches,authenticity,posts,audience_female,co2_kg
ann,instagram,10000,0.05,100,coffee,0.9,1,0.9,5
bob,tiktok,20000,0.04,600,coffee,0.9,1,0.1,3
"""
CARDS = """\
id,package,fee,posts
ann,1 post,100,1
ann,5 posts,700,5
"""


def _case(tmp_path: Path, scenario: str, roster: str = ROSTER, cards: str | None = CARDS) -> Path:
    (tmp_path / "roster.csv").write_text(roster)
    if cards is not None:
        (tmp_path / "cards.csv").write_text(cards)
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent(scenario))
    return path


def _solve(path: Path, *args: str) -> tuple[int, dict]:
    res = CliRunner().invoke(app, ["solve", str(path), "--format", "json", "--what-if", "0", *args])
    return res.exit_code, (json.loads(res.stdout) if res.stdout.startswith("{") else {"output": res.output})


HEAD = """\
name: review
currency: GBP
budget: {budget}
roster: {{path: roster.csv, rate_card: cards.csv}}
"""


def test_a_custom_rule_on_fee_or_posts_sums_the_package_bought(tmp_path):
    path = _case(tmp_path, HEAD.format(budget=2000) + """\
constraints:
  custom:
    - {column: fee, max: 300, name: fee_cap}
    - {column: posts, max: 2, name: posts_cap}
""")
    code, data = _solve(path)
    assert code == 0 and data["status"] == "optimal"
    assert [(r["id"], r["package"]) for r in data["selected"]] == [("ann", "1 post")]  # not 5 posts at £700


def test_the_budget_binds_when_only_another_package_of_a_chosen_influencer_would_fit(tmp_path):
    code, data = _solve(_case(tmp_path, HEAD.format(budget=1000)))
    assert code == 0 and [(r["id"], r["package"]) for r in data["selected"]] == [("ann", "5 posts")]
    assert [b["name"] for b in data["binding"]] == ["budget"]
    assert "£600" in data["binding"][0]["detail"]              # bob, not ann's own £100 package


def test_a_custom_minimum_that_blocks_candidates_is_listed_as_binding(tmp_path):
    path = _case(tmp_path, """\
name: share
currency: GBP
budget: 1000
roster: roster.csv
constraints:
  custom:
    - {share_of: followers, column: audience_female, min: 0.6}
""", cards=None)
    code, data = _solve(path)
    assert code == 0 and [r["id"] for r in data["selected"]] == ["ann"]
    names = [b["name"] for b in data["binding"]]
    assert "constraints.custom.audience_female.min" in names, data["binding"]


def test_the_greedy_moves_an_included_influencer_to_a_better_package(tmp_path):
    path = _case(tmp_path, HEAD.format(budget=1000) + "constraints: {include: [ann]}\n")
    code, data = _solve(path, "--solver", "greedy")
    assert code == 0 and [(r["id"], r["package"]) for r in data["selected"]] == [("ann", "5 posts")]


def test_filters_count_influencers_not_packages(tmp_path):
    cards = CARDS + "bob,1 post,600,1\nbob,reel,5000,1\n"
    code, data = _solve(_case(tmp_path, HEAD.format(budget=1000), cards=cards))
    assert code == 0 and data["removed_by_filters"] == {}     # bob's reel is over budget, bob is not


def test_out_of_range_columns_are_input_errors(tmp_path):
    roster = ROSTER.replace("0.9,5\n", "0.9,1e300\n", 1)
    path = _case(tmp_path, HEAD.format(budget=1000) + "constraints: {custom: [{column: co2_kg, max: 500}]}\n",
                 roster=roster)
    res = CliRunner().invoke(app, ["validate", str(path)])
    assert res.exit_code == 2 and "co2_kg" in res.output and "1e+300" in res.output
    path = _case(tmp_path, HEAD.format(budget=1000), cards=CARDS.replace("ann,5 posts,700,5", "ann,5 posts,700,5000"))
    res = CliRunner().invoke(app, ["validate", str(path)])
    assert res.exit_code == 2 and "posts must be at most 1,000" in res.output


def test_validate_checks_the_schedule_of_the_largest_package(tmp_path):
    path = _case(tmp_path, HEAD.format(budget=1000) + "simulation: {days: 3650, post_spacing_days: 0.05, "
                                                      "recurring_every_days: 1}\n",
                 cards=CARDS.replace("ann,5 posts,700,5", "ann,daily,700,50"))
    res = CliRunner().invoke(app, ["validate", str(path)])
    assert res.exit_code == 2 and "ann" in res.output, res.output


def test_a_small_decimal_bound_is_written_as_a_decimal(tmp_path):
    path = _case(tmp_path, HEAD.format(budget=1000) + "simulation: {post_spacing_days: 0.01}\n")
    res = CliRunner().invoke(app, ["validate", str(path)])
    assert res.exit_code == 2 and "e+16" not in res.output and "0.041666" in res.output, res.output

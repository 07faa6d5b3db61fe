"""Implausible values and estimated fees through the real ``lineup`` process (issue 8).

Every output says how much of the result rests on estimates, and flags implausible values;
``roster.implausible`` decides whether such rows are flagged, skipped or refused.
"""

from __future__ import annotations

import csv
import json

from .conftest import TINY_ROSTER, TINY_SCENARIO, write_case
from .test_cli_inputs import assert_input_error, lineup

# bob's 60 % engagement rate (a rate from one or two posts) is implausible, and the optimiser loves it
ROSTER = TINY_ROSTER.replace("bob,instagram,8k,3.5%,650", "bob,instagram,8k,60%,650")


def case(tmp_path, mode: str | None = None, roster: str = ROSTER):
    source = "roster.csv" if mode is None else f"{{path: roster.csv, implausible: {mode}}}"
    return write_case(tmp_path, TINY_SCENARIO.replace("roster: roster.csv", f"roster: {source}"), roster)


def test_flagged_rows_are_shown_in_every_solve_output(tmp_path):
    path = case(tmp_path)
    proc = lineup("solve", path, "--format", "json", "--output", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    bob = next(r for r in data["selected"] if r["id"] == "bob")
    assert bob["implausible"] == "engagement_rate"
    assert any(w.endswith("roster.csv: 1 implausible engagement rates, flagged (roster.implausible: flag): "
                          "line 3 (bob): engagement rate 60.00% is outside the plausible 0.05%–25% for a micro "
                          "creator on instagram") for w in data["warnings"])
    assert data["estimated"]["implausible"] == 1
    rows = list(csv.DictReader((tmp_path / "out" / "portfolio.csv").open()))
    assert {r["id"]: r["implausible"] for r in rows}["bob"] == "engagement_rate"

    table = lineup("solve", path)
    assert table.returncode == 0, table.stderr
    assert "implausible engagement_rate" in table.stdout and "line 3 (bob)" in table.stdout


def test_skip_drops_the_rows_and_says_so(tmp_path):
    proc = lineup("solve", case(tmp_path, "skip"), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert "bob" not in [r["id"] for r in data["selected"]]
    assert any("skipped (roster.implausible: skip): line 3 (bob)" in w for w in data["warnings"])
    validate = lineup("validate", case(tmp_path, "skip"))
    assert validate.returncode == 0 and "roster: 5 influencers" in validate.stdout
    assert "skipped (roster.implausible: skip): line 3 (bob)" in validate.stdout


def test_error_stops_with_the_located_rows_escaped(tmp_path):
    roster = ROSTER.replace("bob,", "bob\x1b[31m,")
    for command in ("validate", "solve"):
        proc = lineup(command, case(tmp_path, "error", roster))
        assert_input_error(proc, "roster.csv: 1 implausible value (roster.implausible: error",
                           "roster.csv, line 3: engagement rate 60.00% is outside the plausible 0.05%–25% for a "
                           "micro creator on instagram")
        assert "\x1b" not in proc.stderr


def test_a_bare_percentage_among_fractions_stops_the_cli(tmp_path):
    roster = ("id,followers,engagement_rate,fee,niches\na,5000,0.034,300,skincare\nb,6000,0.05,300,vegan\n"
              "c,7000,1.20755,300,skincare\n")
    proc = lineup("validate", write_case(tmp_path, roster=roster))
    assert_input_error(proc, "roster.csv, line 4, column 'engagement_rate': 1.20755 in a column of fractions")


def test_the_estimate_summary_is_at_the_top_of_the_solve_outputs(tmp_path):
    # every fee blank: all chosen fees (and so 100 % of the spend) come from the rate card
    roster = "\n".join(",".join(cells[:4] + [""] + cells[5:]) if k else line
                       for k, line in enumerate(TINY_ROSTER.strip().splitlines())
                       for cells in [line.split(",")]) + "\n"
    path = case(tmp_path, roster=roster)
    data = json.loads(lineup("solve", path, "--format", "json").stdout)
    n = data["influencers"]
    carol = [r["id"] for r in data["selected"]].count("carol")  # carol's rate is the roster's only blank one
    assert n >= 2 and data["estimated"]["fee"] == n and data["estimated"]["spend_share"] == 1.0
    assert data["estimated"]["summary"] == (f"{n} of {n} chosen fees and {carol} of {n} engagement rates are "
                                            f"estimated; 100 % of the spend is estimated")
    out = lineup("solve", path).stdout
    head = out[:out.index("Portfolio")]
    assert f"Estimates: {n} of {n} chosen fees" in head and "100 % of the spend is estimated" in head


# ------------------------------------------------------------------ compare, simulate, frontier, report

FAST = "simulation: {days: 5, replications: 2, population: {size: 600}}\n"
IMPLAUSIBLE = ("roster.csv: 1 implausible engagement rates, flagged (roster.implausible: flag): line 3 (bob): "
               "engagement rate 60.00% is outside the plausible 0.05%–25% for a micro creator on instagram")


def fast_case(tmp_path):
    return write_case(tmp_path, TINY_SCENARIO + FAST, ROSTER)


def warned_once(stderr: str, text: str) -> bool:
    return sum(line.startswith("warning: ") and line.endswith(text) for line in stderr.splitlines()) == 1


def carries(warnings: list[str], text: str) -> bool:
    return sum(w.endswith(text) for w in warnings) == 1


def test_compare_carries_roster_warnings_estimates_and_flags(tmp_path):
    path = fast_case(tmp_path)
    proc = lineup("compare", path, "--strategies", "optimised,micro", "--format", "json", timeout=120)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert carries(data["warnings"], IMPLAUSIBLE) and warned_once(proc.stderr, IMPLAUSIBLE)
    for name, result in data["results"].items():
        assert result["estimated"]["influencers"] == len(result["portfolio"])
        assert result["estimated"]["summary"].startswith(f"{result['estimated']['fee']} of ")
        flagged = {row["id"]: row for row in result["implausible"]}
        assert ("bob" in flagged) == ("bob" in result["portfolio"])
    bob = next(r for r in data["results"].values() if "bob" in r["portfolio"])
    assert {"id": "bob", "line": 3, "rules": "engagement_rate"} in bob["implausible"]
    assert bob["estimated"]["implausible"] == 1
    table = lineup("compare", path, "--strategies", "optimised", timeout=120)
    assert table.returncode == 0 and warned_once(table.stderr, IMPLAUSIBLE)


def test_simulate_carries_roster_warnings_once(tmp_path):
    path = fast_case(tmp_path)
    proc = lineup("simulate", path, "--format", "json", timeout=120)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert carries(data["warnings"], IMPLAUSIBLE) and warned_once(proc.stderr, IMPLAUSIBLE)
    table = lineup("simulate", path, timeout=120)
    assert table.returncode == 0 and warned_once(table.stderr, IMPLAUSIBLE) and IMPLAUSIBLE not in table.stdout


def test_frontier_carries_roster_warnings_estimates_and_flags(tmp_path):
    path = fast_case(tmp_path)
    proc = lineup("frontier", path, "--budgets", "3000,6000", "--format", "json", timeout=120)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert carries(data["warnings"], IMPLAUSIBLE) and warned_once(proc.stderr, IMPLAUSIBLE)
    for point in data["points"]:
        assert point["estimated"]["influencers"] == len(point["ids"])
        assert ("bob" in point["ids"]) == any(row["id"] == "bob" for row in point["implausible"])
    table = lineup("frontier", path, "--budgets", "3000,6000", timeout=120)
    assert table.returncode == 0 and warned_once(table.stderr, IMPLAUSIBLE)


def test_report_prints_roster_warnings_once(tmp_path):
    proc = lineup("report", fast_case(tmp_path), "--output", tmp_path / "out", "--frontier-points", "0", timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert warned_once(proc.stderr, IMPLAUSIBLE)

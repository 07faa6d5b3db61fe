"""Filters through the real CLI: country spellings, filters that empty the roster, niches_only (issue 8)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import SHARED_DATA, TINY_SCENARIO, write_case

#: A roster whose country column spells out names (as the public top lists do).
ROSTER = """\
id,platform,followers,engagement_rate,fee,niches,country
ann,instagram,5200,4%,400,skincare;vegan,United States
bob,instagram,8000,3.5%,650,skincare,U.S.A
cat,tiktok,2500,5%,220,makeup,United States
dan,instagram,150000,2%,4200,fitness,Canada
eve,youtube,11000,1.8%,900,skincare,Worldwide
"""

SCENARIO = """\
name: Filters
currency: USD
budget: 3000
roster: roster.csv
constraints:
"""


def lineup(*args) -> subprocess.CompletedProcess:
    """Run the CLI as a process (it inherits PYTHONPATH, so it runs this checkout's code)."""
    return subprocess.run([sys.executable, "-m", "lineup.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=120)


def case(tmp_path, constraints: str, roster: str = ROSTER):
    return write_case(tmp_path, SCENARIO + constraints, roster)


@pytest.mark.parametrize("spelling", ["us", "USA", "United States", "U.S.", "U.S.A"])
def test_countries_filter_matches_every_spelling(tmp_path, spelling):
    path = case(tmp_path, f"  countries: [{spelling!r}]\n")
    proc = lineup("solve", path, "--format", "json", "--what-if", "0")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert {s["id"] for s in data["selected"]} <= {"ann", "bob", "cat"} and data["selected"]
    assert data["removed_by_filters"] == {"constraints.countries": 2, "budget": 0} or \
        data["removed_by_filters"].get("constraints.countries") == 2
    assert any("'worldwide' (1 row)" in w for w in data["warnings"])  # unknown value reported once


def test_filter_that_empties_the_roster_validate_exit_2(tmp_path):
    path = case(tmp_path, "  countries: [fr]\n")
    proc = lineup("validate", path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    err = proc.stderr
    assert "Traceback" not in err
    assert "line 6, field 'constraints.countries'" in err
    assert "constraints.countries leaves no candidate" in err and "countries allowed: fr (FR)" in err
    assert "'united states' (US) 2" in err and "'canada' (CA) 1" in err and "'worldwide' (not a country) 1" in err


def test_filter_that_empties_the_roster_solve_exit_3(tmp_path):
    path = case(tmp_path, "  countries: [fr]\n")
    proc = lineup("solve", path, "--format", "json", "--what-if", "0")
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "constraints.countries leaves no candidate" in proc.stderr and "'u.s.a' (US) 1" in proc.stderr
    data = json.loads(proc.stdout)
    assert data["status"] == "infeasible" and "the roster's countries" in data["diagnosis"][0]


def test_filter_leaving_fewer_than_the_count_min_validate_2_solve_3(tmp_path):
    path = case(tmp_path, "  countries: [worldwide]\n  influencers: {min: 2}\n")
    proc = lineup("validate", path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "constraints.influencers.min = 2 needs 2 influencers; only 1 is left after the filters " \
           "(constraints.countries removed 4" in proc.stderr
    assert "'united states' (US) 2" in proc.stderr
    proc = lineup("solve", path, "--what-if", "0")
    assert proc.returncode == 3 and "constraints.countries removed 4" in proc.stderr


def test_filter_leaving_fewer_than_a_tier_min(tmp_path):
    path = case(tmp_path, "  niches_only: [skincare]\n  tiers: {macro: {min: 1}}\n")
    proc = lineup("validate", path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "constraints.tiers.macro.min = 1" in proc.stderr and "constraints.niches_only removed 1" in proc.stderr
    assert "the roster's niches: 'skincare' 3" in proc.stderr


def test_niches_only_keeps_rows_with_a_listed_niche(tmp_path):
    path = case(tmp_path, "  niches_only: [MakeUp, Vegan]\n")
    proc = lineup("solve", path, "--format", "json", "--what-if", "0")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert {s["id"] for s in data["selected"]} == {"ann", "cat"}
    assert data["removed_by_filters"]["constraints.niches_only"] == 3


def test_niches_only_unknown_name_did_you_mean(tmp_path):
    proc = lineup("validate", case(tmp_path, "  niches_only: [skincre]\n"))
    assert proc.returncode == 2
    assert "field 'constraints.niches_only.0'" in proc.stderr and "did you mean 'skincare'" in proc.stderr


def test_unknown_country_value_did_you_mean(tmp_path):
    proc = lineup("validate", case(tmp_path, "  countries: [Untied States]\n"))
    assert proc.returncode == 2
    assert "field 'constraints.countries.0'" in proc.stderr and "did you mean 'united states'" in proc.stderr


def test_filter_message_escapes_control_characters(tmp_path):
    roster = ROSTER.replace("Worldwide", "Mars\x1b[31m")
    proc = lineup("validate", case(tmp_path, "  countries: [fr]\n", roster))
    assert proc.returncode == 2 and "\x1b" not in proc.stderr and r"'mars\x1b[31m' (not a country)" in proc.stderr


def test_validate_still_ok_when_filters_leave_enough(tmp_path):
    proc = lineup("validate", write_case(tmp_path, TINY_SCENARIO + "  countries: [gb, us]\n"))
    assert proc.returncode == 0, proc.stderr


def test_empty_portfolio_says_why_in_json_and_table(tmp_path):
    path = write_case(tmp_path, SCENARIO.replace("budget: 3000", "budget: 100") + "  min_spend: 0\n", ROSTER)
    proc = lineup("solve", path, "--format", "json", "--what-if", "0")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["selected"] == [] and data["empty_reason"] == (
        "no candidate fits the budget: the cheapest fee is $220 and the budget is $100")
    assert "the best portfolio is empty because no candidate fits the budget" in data["warnings"][-1]
    table = lineup("solve", path, "--what-if", "0")
    assert table.returncode == 0 and "the best portfolio is empty because no candidate fits" in table.stdout


def test_zero_objective_says_why(tmp_path):
    path = case(tmp_path, "  influencers: {min: 1}\nobjective: {engagement: 0}\n")
    data = json.loads(lineup("solve", path, "--format", "json", "--what-if", "0").stdout)
    assert data["objective"] == 0 and len(data["selected"]) == 1 and data["empty_reason"] is None
    assert data["zero_objective_reason"].startswith("the objective weights are all zero")
    assert any(w.startswith("the objective is 0 because the objective weights are all zero") for w in data["warnings"])


# ------------------------------------------------------------------ real exports (skipped without ../shared/data)
TIKTOK = SHARED_DATA / "influencers" / "tiktok_top250" / "top-250-tiktokers.csv"
INSTAGRAM = SHARED_DATA / "influencers" / "instagram_top200" / "influencers.csv"


@pytest.mark.skipif(not TIKTOK.exists(), reason="real data folder absent")
def test_real_tiktok_top_list_us_filter_matches_usa_and_links_profiles(tmp_path):
    from lineup.domain.countries import country_code

    path = tmp_path / "s.yaml"
    path.write_text(f"name: tt\nbudget: 100000\nroster: {{path: '{TIKTOK}', platform: tiktok}}\n"
                    "constraints:\n  countries: [us]\n")
    proc = lineup("solve", path, "--format", "json", "--what-if", "0")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["selected"] and all(country_code(r["country"]) == "US" for r in data["selected"])
    assert all(r["profile_url"] == f"https://www.tiktok.com/@{r['id']}" for r in data["selected"])


@pytest.mark.slow
@pytest.mark.skipif(not INSTAGRAM.exists(), reason="real data folder absent")
def test_real_instagram_top_list_filter_error_shows_the_roster_countries(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(f"name: ig\nbudget: 1000\nroster: {{path: '{INSTAGRAM}', platform: instagram, "
                    "columns: {posts: null}}\nconstraints:\n  countries: [Atlantis]\n")
    proc = lineup("validate", path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "field 'constraints.countries.0'" in proc.stderr and "names no country" in proc.stderr
    path.write_text(path.read_text().replace("Atlantis", "USA"))
    proc = lineup("validate", path)
    assert proc.returncode == 2 and "'united states' (US)" in proc.stderr and "budget" in proc.stderr
    assert lineup("solve", path, "--what-if", "0").returncode == 3

"""Priors files: written by calibrate, read back, used by scenarios for blank values, named in the outputs."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from lineup.errors import ScenarioError, UsageError
from lineup.io.posts import Posts
from lineup.io.priors import priors_yaml, rates_csv, read_priors
from lineup.io.scenario import load_scenario
from lineup.io.synthetic import generate_posts
from lineup.render.calibration import backtest_files
from lineup.workflows.calibrate import backtest, calibrate

ROSTER = """\
id,platform,followers,engagement_rate,fee
creator00001,instagram,20000,,300
newbie,instagram,20000,,300
given,instagram,20000,3%,300
tok,tiktok,20000,,300
"""

SCENARIO = """\
name: Fitted priors
budget: 1000
roster: roster.csv
priors: {priors}
"""


@pytest.fixture(scope="module")
def fitted():
    posts, truth = generate_posts(120, seed=21, fees=True)
    return posts, calibrate(posts)


def _case(tmp_path, fitted, priors="{file: priors.yaml}", influencers="rates.csv"):
    posts, cal = fitted
    (tmp_path / "rates.csv").write_text(rates_csv(cal))
    (tmp_path / "priors.yaml").write_text(priors_yaml(cal, ["posts.csv"], influencers=influencers))
    (tmp_path / "roster.csv").write_text(ROSTER)
    path = tmp_path / "scenario.yaml"
    path.write_text(SCENARIO.format(priors=priors))
    return path


def test_blank_rates_follow_roster_then_influencer_rate_then_fitted_curve_then_built_in(tmp_path, fitted):
    _, cal = fitted
    sc = load_scenario(_case(tmp_path, fitted))
    er = dict(zip(sc.roster.ids, sc.roster.engagement_rate))
    rates = cal.influencer_rates().set_index("id")["engagement_rate"]
    assert er["creator00001"] == pytest.approx(rates["creator00001"], rel=1e-5)
    assert er["newbie"] == pytest.approx(cal.group("instagram").typical([20000])["mean"][0], rel=1e-3)
    assert er["given"] == 0.03
    from lineup.domain.priors import engagement_prior

    assert er["tok"] == pytest.approx(engagement_prior(np.array([20000.0]))[0])  # no tiktok curve in the file
    assert sc.roster.er_estimated.tolist() == [True, True, False, True]


def test_the_scenario_may_name_the_influencer_rates_itself(tmp_path, fitted):
    path = _case(tmp_path, fitted, priors="{file: priors.yaml, influencers: mine.csv}", influencers=None)
    (tmp_path / "mine.csv").write_text("id,platform,engagement_rate\nnewbie,instagram,0.2\n")
    er = dict(zip(*[load_scenario(path).roster.ids, load_scenario(path).roster.engagement_rate]))
    assert er["newbie"] == 0.2


def test_a_fitted_rate_card_prices_blank_fees_and_the_scenario_card_wins(tmp_path, fitted):
    _, cal = fitted
    card = cal.fees[0].card
    fp = read_priors(_case(tmp_path, fitted).parent / "priors.yaml")
    assert fp.cards["instagram"]["mid"] == pytest.approx(card["mid"], rel=1e-5)
    assert fp.card({"instagram": {"mid": [1.0, 2.0]}})["instagram"]["mid"] == [1.0, 2.0]


def test_solve_outputs_name_the_priors_file_as_the_source(tmp_path, fitted):
    from lineup.domain.assumptions import assumptions

    sc = load_scenario(_case(tmp_path, fitted))
    a = assumptions(sc.spec, sc.fitted)
    assert a["priors.engagement_rate"]["source"].startswith("priors file ") and "priors.yaml" in a["priors.file"]["value"]["file"]
    assert a["priors.file"]["value"]["influencer_rates"].endswith("rates.csv")
    assert "priors.rate_card_fitted" in a
    from lineup.optimize import solve
    from lineup.io.solve_data import solve_to_dict

    data = solve_to_dict(solve(sc, backend="greedy"))
    assert data["assumptions"]["priors.file"]["source"] == "priors file"


@pytest.mark.parametrize("text, where, what", [
    ("format: lineup-priors/9\nplatforms: {}\n", "line 1, field 'format'", "not a lineup priors file"),
    ("format: lineup-priors/1\nplatforms:\n  instagram:\n    use: sponsored\n    groups: {}\n",
     "line 3, field 'platforms.instagram'", "use: 'sponsored' names no group"),
    ("format: lineup-priors/1\nplatforms:\n  x:\n    groups:\n      all:\n        posts: 1\n        creators: 1\n"
     "        followers_range: [1, 2]\n        spline_df: 3\n        dispersion: {between_creators: 0, within_creator: 0}\n"
     "        curve:\n          - {followers: 10, median: 0.1, low: 0.2, high: 0.3, mean: 0.1}\n",
     "line 12, field 'platforms.x.groups.all.curve.0'", "low ≤ median ≤ high does not hold"),
    ("format: lineup-priors/1\nplatfroms: {}\n", "line 2, field 'platfroms'", "unknown key 'platfroms'"),
])
def test_a_bad_priors_file_is_a_located_scenario_error(tmp_path, fitted, text, where, what):
    path = _case(tmp_path, fitted)
    (tmp_path / "priors.yaml").write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    shown = "\n".join(info.value.problems) or str(info.value)
    assert f"priors.yaml, {where}" in shown and what in shown


def test_bad_influencer_rates_are_located_by_line_and_column(tmp_path, fitted):
    path = _case(tmp_path, fitted)
    (tmp_path / "rates.csv").write_text("id,platform,engagement_rate\nann,instagram,0.1\nbob,instagram,-1\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert "rates.csv, line 3, column 'engagement_rate'" in "\n".join(info.value.problems)


def test_influencers_without_a_priors_file_is_an_error(tmp_path, fitted):
    path = _case(tmp_path, fitted, priors="{influencers: rates.csv}")
    with pytest.raises(ScenarioError, match="priors.influencers.*needs priors.file"):
        load_scenario(path)


def test_the_priors_file_round_trips_its_curves(tmp_path, fitted):
    _, cal = fitted
    fp = read_priors(_case(tmp_path, fitted).parent / "priors.yaml")
    grid = cal.group("instagram").grid()
    np.testing.assert_allclose(fp.curves["instagram"][1], grid["mean"], rtol=1e-5)
    assert fp.groups == {"instagram": "all"} and len(fp.rates) == 120


def test_workflow_errors_are_usage_errors_naming_the_files():
    posts, _ = generate_posts(3, seed=1, posts=(2, 3))
    posts = Posts.from_frame(posts.frame, source=("few.csv",))
    with pytest.raises(UsageError, match="few.csv: too few posts"):
        calibrate(posts)
    with pytest.raises(UsageError, match="^split 'soon'"):
        backtest(posts, "soon")


def test_backtest_files_are_json_csv_and_a_figure(fitted):
    posts, _ = fitted
    files = backtest_files(backtest(posts, "2024-10-01"))
    assert set(files) == {"backtest.json", "forecasts.csv", "backtest.png", "backtest.svg"}
    assert files["forecasts.csv"].splitlines()[0].startswith("post_id,influencer_id,platform,posted_at")


def test_the_terminal_footnote_and_the_report_name_the_priors_file(tmp_path, fitted):
    import io

    from lineup.render.solve import render_solve
    from lineup.render.terminal import console
    from lineup.optimize import solve
    from lineup.render.report import _priors

    sc = load_scenario(_case(tmp_path, fitted))
    out = console(file=io.StringIO(), width=200)
    render_solve(solve(sc, backend="greedy"), out)
    assert "Estimated values come from the priors file" in out.file.getvalue()
    assert "priors.yaml" in out.file.getvalue()
    assert "Priors file" in _priors(sc) and "rates.csv" in _priors(sc)


def test_blank_rates_outside_the_fitted_range_take_the_edge_value_with_a_warning(tmp_path, fitted):
    path = _case(tmp_path, fitted)
    (tmp_path / "roster.csv").write_text("id,platform,followers,engagement_rate,fee\nbig,instagram,90000000,,300\n"
                                         "mid,instagram,20000,,300\n")
    sc = load_scenario(path)
    assert any("1 blank engagement rate on instagram lies outside the follower range" in w for w in sc.warnings)


def test_platform_short_names_match_on_every_side(tmp_path, fitted):
    # a priors file keyed IG:, a rates CSV saying Ig, and a roster saying ig all mean instagram
    path = _case(tmp_path, fitted)
    prior = tmp_path / "priors.yaml"
    prior.write_text(prior.read_text().replace("\n  instagram:\n", "\n  IG:\n"))
    (tmp_path / "rates.csv").write_text("id,platform,engagement_rate\ngiven2,Ig,0.25\n")
    (tmp_path / "roster.csv").write_text(ROSTER + "given2,instagram,20000,,300\nalias,ig,20000,,300\n")
    sc = load_scenario(path)
    er = dict(zip(sc.roster.ids, sc.roster.engagement_rate))
    _, cal = fitted
    assert er["given2"] == 0.25
    assert er["newbie"] == pytest.approx(cal.group("instagram").typical([20000])["mean"][0], rel=1e-3)
    assert er["alias"] == er["newbie"]
    assert read_priors(prior).card()["ig"] == read_priors(prior).cards["instagram"]


@pytest.mark.parametrize("text, where, what", [
    ("id,platform,engagement_rate\nann,instagram,0.1\nbob,instagram,0.2\n@ANN,IG,0.3\n",
     "line 4, column 'id'", "'ann' on instagram is repeated (lines 2, 4)"),
    ("id,platform,engagement_rate\nann,,0.1\n", "line 2, column 'platform'", "blank platform"),
])
def test_repeated_ids_and_blank_platforms_in_the_rates_are_located(tmp_path, fitted, text, where, what):
    path = _case(tmp_path, fitted)
    (tmp_path / "rates.csv").write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert any(f"rates.csv, {where}" in p and what in p for p in info.value.problems), info.value.problems


def test_a_repeated_rates_header_is_refused(tmp_path, fitted):
    path = _case(tmp_path, fitted)
    (tmp_path / "rates.csv").write_text("id,platform,engagement_rate,engagement_rate\nann,instagram,0.1,0.2\n")
    with pytest.raises(ScenarioError, match="rates.csv: the header has 2 columns named 'engagement_rate'"):
        load_scenario(path)


def test_rates_that_match_no_roster_row_are_one_warning(tmp_path, fitted):
    path = _case(tmp_path, fitted)
    (tmp_path / "rates.csv").write_text("id,platform,engagement_rate\nnewbie,instagram,0.1\nzed,instagram,0.2\n"
                                        "amy,instagram,0.2\n")
    lost = [w for w in load_scenario(path).warnings if "match no roster row" in w]
    assert len(lost) == 1 and "2 creator rates" in lost[0] and "instagram/amy, instagram/zed" in lost[0]


def _edited(tmp_path, fitted, old, new):
    path = _case(tmp_path, fitted)
    prior = tmp_path / "priors.yaml"
    text = prior.read_text()
    assert old in text
    prior.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize("old, new, what", [
    ("platforms:\n  instagram:\n", "platforms:\n  '':\n", "blank platform name"),
    ("platforms:\n", "platforms:\n  Instagram: {groups: {all: {posts: 1, creators: 1, followers_range: [1, 2], "
     "spline_df: 1, dispersion: {between_creators: 0, within_creator: 0}, curve: [{followers: 10, median: 0.1, "
     "low: 0.1, high: 0.1, mean: 0.1}]}}}\n", "'instagram' is the platform 'Instagram' names again"),
    ("mean: ", "mean: '0.02', x: ", "valid number"),
    ("median: ", "median: true, x: ", "valid number"),
    ("median: ", "median: 2, x: ", "less than or equal to 1"),
    ("followers_range: [", "followers_range: [1.0e+9, 1, 1, ", "list should have at most 2 items"),
])
def test_loose_or_clashing_priors_entries_are_located_errors(tmp_path, fitted, old, new, what):
    path = _edited(tmp_path, fitted, old, new)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    shown = "\n".join(info.value.problems) or str(info.value)
    assert "priors.yaml, line " in shown and what in shown, shown
    assert "scenario" not in str(info.value)


def test_a_reversed_followers_range_is_a_located_error(tmp_path, fitted):
    import re

    path = _case(tmp_path, fitted)
    prior = tmp_path / "priors.yaml"
    prior.write_text(re.sub(r"followers_range: \[([^,]+), ([^\]]+)\]", r"followers_range: [\2, \1]", prior.read_text()))
    with pytest.raises(ScenarioError, match=r"priors.yaml, line \d+, field 'platforms.instagram.groups.all."
                                            r"followers_range': followers_range: expected \[low, high\]"):
        load_scenario(path)


def test_a_huge_priors_file_is_refused_before_reading(tmp_path, fitted, monkeypatch):
    import lineup.io.priors as priors

    monkeypatch.setattr(priors, "MAX_PRIORS_BYTES", 100)
    with pytest.raises(ScenarioError, match="too large for a priors file"):
        load_scenario(_case(tmp_path, fitted))

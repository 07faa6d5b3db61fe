"""``lineup calibrate`` and ``lineup backtest`` end to end: files, outputs, exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lineup.cli import app
from lineup.io.synthetic import generate_posts
from lineup.io.writers import verify_outputs

from .conftest import write_case


def _posts_csv(path, creators=80, seed=1, **kw):
    posts, truth = generate_posts(creators, seed=seed, **kw)
    frame = posts.frame.drop(columns=["engagements"])
    frame["posted_at"] = frame["posted_at"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    frame.to_csv(path, index=False)
    return path


def test_calibrate_writes_a_priors_file_and_rates_that_a_scenario_uses(tmp_path):
    posts = _posts_csv(tmp_path / "posts.csv", fees=True)
    res = CliRunner().invoke(app, ["calibrate", str(posts), "-o", str(tmp_path / "priors.yaml"),
                                   "--influencers", str(tmp_path / "rates.csv")])
    assert res.exit_code == 0, res.output
    assert "instagram" in res.stdout and "1,000,000" in res.stdout and "[95 % CI: pointwise, conditional on the chosen spline size]" in " ".join(res.stdout.split())
    assert "fitted rate card per post micro" in res.stdout
    text = (tmp_path / "priors.yaml").read_text()
    assert "format: lineup-priors/1" in text and "influencers: rates.csv" in text and "rate_card:" in text
    assert (tmp_path / "rates.csv").read_text().startswith("id,platform,engagement_rate,low,high,posts,raw_rate")
    scenario = write_case(tmp_path, scenario="name: x\nbudget: 5000\nroster: roster.csv\npriors: {file: priors.yaml}\n",
                          roster="id,platform,followers,engagement_rate,fee\ncreator00003,instagram,5000,,\n"
                                 "new,instagram,20000,,100\n")
    res = CliRunner().invoke(app, ["solve", str(scenario), "--format", "json", "--what-if", "0"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["assumptions"]["priors.file"]["value"]["file"].endswith("priors.yaml")
    assert data["assumptions"]["priors.file"]["value"]["creators_with_rates"] == 80


def test_calibrate_json_is_the_whole_fit(tmp_path):
    posts = _posts_csv(tmp_path / "posts.csv")
    res = CliRunner().invoke(app, ["calibrate", str(posts), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [g["group"] for g in data["groups"]] == ["all"] and data["groups"][0]["creators"] == 80
    assert "no fees in the posts: the built-in rate card stays" in res.stderr


def test_backtest_prints_scores_and_writes_its_files_atomically(tmp_path):
    posts = _posts_csv(tmp_path / "posts.csv", creators=150)
    out = tmp_path / "bt"
    res = CliRunner().invoke(app, ["backtest", str(posts), "--split", "2024-10-01", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "MdAPE" in res.stdout and "calibrated" in res.stdout and "last post" in res.stdout
    assert {p.name for p in out.iterdir()} >= {"backtest.json", "forecasts.csv", "backtest.png", "backtest.svg"}
    assert sorted(verify_outputs(out)) == ["backtest.json", "backtest.png", "backtest.svg", "forecasts.csv"]
    data = json.loads((out / "backtest.json").read_text())
    cal = next(s for s in data["scores"] if s["method"] == "calibrated" and s["creators"] == "all")
    assert 0.7 <= cal["coverage"] <= 0.9


@pytest.mark.parametrize("args, message", [
    (["--split", "soon"], "--split 'soon': expected a date"),
    (["--split", "2030-01-01"], "no posts on or after the split 2030-01-01"),
    (["--split", "2024-06-01", "--platform", "tiktok"], "no posts on platform 'tiktok'"),
])
def test_backtest_usage_errors_exit_2_with_one_line(tmp_path, args, message):
    posts = _posts_csv(tmp_path / "posts.csv", creators=20)
    res = CliRunner().invoke(app, ["backtest", str(posts), *args])
    assert res.exit_code == 2 and message in res.stderr and "Traceback" not in res.output


def test_calibrate_errors_exit_2(tmp_path):
    res = CliRunner().invoke(app, ["calibrate", str(tmp_path / "missing.csv")])
    assert res.exit_code == 2 and res.stderr.startswith("error:")
    few = _posts_csv(tmp_path / "few.csv", creators=3, posts=(2, 3))
    res = CliRunner().invoke(app, ["calibrate", str(few)])
    assert res.exit_code == 2 and "too few posts to fit a curve" in res.stderr


def test_a_bad_priors_file_named_by_a_scenario_exits_2_located(tmp_path):
    (tmp_path / "priors.yaml").write_text("format: lineup-priors/1\nplatforms: {}\n")
    scenario = write_case(tmp_path, scenario="name: x\nbudget: 5000\nroster: roster.csv\npriors: {file: priors.yaml}\n")
    res = CliRunner().invoke(app, ["solve", str(scenario)])
    assert res.exit_code == 2 and "priors.yaml, line 2, field 'platforms'" in res.stderr


def test_generate_posts_writes_a_history_that_calibrate_reads(tmp_path):
    out = tmp_path / "posts.csv"
    res = CliRunner().invoke(app, ["generate-posts", "-n", "30", "--seed", "4", "--sponsored", "0.2", "--fees",
                                   "-o", str(out)])
    assert res.exit_code == 0 and "by 30 creators" in res.stderr
    again = tmp_path / "again.csv"
    CliRunner().invoke(app, ["generate-posts", "-n", "30", "--seed", "4", "--sponsored", "0.2", "--fees",
                             "-o", str(again)])
    assert out.read_bytes() == again.read_bytes()
    res = CliRunner().invoke(app, ["calibrate", str(out), "--format", "json"])
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("split", ["-1", "", "NaT", "now", "today", "1e5", "0202-10-01", "2024-13-01"])
def test_a_split_that_is_not_an_explicit_date_exits_2(tmp_path, split):
    posts = _posts_csv(tmp_path / "posts.csv", creators=20)
    res = CliRunner().invoke(app, ["backtest", str(posts), "--split", split])
    assert res.exit_code == 2 and "expected a date such as 2020-10-01" in res.stderr, res.output
    assert "Traceback" not in res.output and "internal error" not in res.output


def test_no_later_post_on_a_fitted_platform_exits_2_saying_why(tmp_path):
    import pandas as pd

    early = pd.read_csv(_posts_csv(tmp_path / "a.csv", creators=40, seed=2))
    late = pd.read_csv(_posts_csv(tmp_path / "b.csv", creators=40, seed=3)).assign(platform="tiktok")
    split = "2024-07-01"
    both = pd.concat([early[early["posted_at"] < split], late[late["posted_at"] >= split]])
    both.to_csv(tmp_path / "posts.csv", index=False)
    res = CliRunner().invoke(app, ["backtest", str(tmp_path / "posts.csv"), "--split", split])
    assert res.exit_code == 2, res.output
    assert ("no posts after the split on a fitted platform (tiktok not fitted: no posts before the split)"
            in res.stderr)


@pytest.mark.parametrize("command", [["calibrate"], ["backtest", "--split", "2024-10-01"]])
def test_platform_option_takes_short_names(tmp_path, command):
    posts = _posts_csv(tmp_path / "posts.csv", creators=40)
    res = CliRunner().invoke(app, [command[0], str(posts), *command[1:], "--platform", "IG", "--format", "json"])
    assert res.exit_code == 0, res.output
    assert "instagram" in res.stdout


def test_calibrate_writes_both_files_or_neither(tmp_path):
    posts = _posts_csv(tmp_path / "posts.csv", creators=40)
    (tmp_path / "taken").mkdir()  # the priors file cannot be written: the rates CSV must not be either
    res = CliRunner().invoke(app, ["calibrate", str(posts), "-o", str(tmp_path / "taken"),
                                   "--influencers", str(tmp_path / "rates.csv")])
    assert res.exit_code == 2 and "a directory; cannot write output there" in res.stderr, res.output
    assert not (tmp_path / "rates.csv").exists()
    same = CliRunner().invoke(app, ["calibrate", str(posts), "-o", str(tmp_path / "x.yaml"),
                                    "--influencers", str(tmp_path / "x.yaml")])
    assert same.exit_code == 2 and "name the same file" in same.stderr


def test_calibrate_holds_both_output_directories(tmp_path):
    from .test_cli_outputs import _hold, _stop

    posts = _posts_csv(tmp_path / "posts.csv", creators=40)
    holder = _hold(tmp_path / "p")
    try:
        res = CliRunner().invoke(app, ["calibrate", str(posts), "-o", str(tmp_path / "p" / "priors.yaml"),
                                       "--influencers", str(tmp_path / "rates" / "rates.csv")])
        assert res.exit_code == 5 and "another lineup run is writing" in res.stderr, res.output
        assert not (tmp_path / "rates" / "rates.csv").exists()
    finally:
        _stop(holder)
    res = CliRunner().invoke(app, ["calibrate", str(posts), "-o", str(tmp_path / "p" / "priors.yaml"),
                                   "--influencers", str(tmp_path / "rates" / "rates.csv")])
    assert res.exit_code == 0, res.output
    assert "influencers: ../rates/rates.csv" in (tmp_path / "p" / "priors.yaml").read_text()
    assert (tmp_path / "rates" / "rates.csv").read_text().startswith("id,platform,engagement_rate")


def test_generate_posts_counts_in_words_and_caps_creators_for_memory(tmp_path):
    res = CliRunner().invoke(app, ["generate-posts", "-n", "1", "-o", str(tmp_path / "one.csv")])
    assert res.exit_code == 0 and " by 1 creator to " in res.stderr, res.output
    res = CliRunner().invoke(app, ["generate-posts", "-n", "100001", "-o", str(tmp_path / "big.csv")])
    assert res.exit_code == 2 and "100001 is not in the range 1<=x<=100000" in res.stderr
    assert "built in memory" in CliRunner().invoke(app, ["generate-posts", "--help"]).stdout

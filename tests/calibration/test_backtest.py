"""The back-test's 80 % intervals cover about 80 % of a synthetic history; the scores are defined as documented."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lineup.calibration.backtest import backtest
from lineup.io.synthetic import generate_posts


@pytest.mark.parametrize("seed", [0, 1])
def test_calibrated_80_percent_intervals_cover_80_percent_within_10_points(seed):
    posts, _ = generate_posts(250, seed=seed)
    s = backtest(posts.frame, "2024-10-01").scores().set_index(["method", "creators"])
    assert 0.70 <= s.loc[("calibrated", "all"), "coverage"] <= 0.90
    # the calibrated forecast beats the built-in priors and the naive last post on MdAPE
    assert s.loc[("calibrated", "all"), "mdape"] < s.loc[("last post", "all"), "mdape"]
    assert s.loc[("calibrated", "all"), "mdape"] < s.loc[("built-in", "all"), "mdape"]


def test_new_creators_are_forecast_from_the_curve_and_reported_apart():
    posts, _ = generate_posts(200, seed=3)
    frame = posts.frame
    late = frame["influencer_id"].isin(frame["influencer_id"].unique()[:40])
    frame = frame[~late | (frame["posted_at"] >= pd.Timestamp("2024-10-01", tz="UTC"))]
    bt = backtest(frame, "2024-10-01")
    s = bt.scores().set_index(["method", "creators"])
    assert s.loc[("calibrated", "new"), "creators_scored"] == frame.loc[late.reindex(frame.index), "influencer_id"].nunique()
    assert s.loc[("calibrated", "new"), "creators_scored"] > 30
    assert 0.65 <= s.loc[("calibrated", "new"), "coverage"] <= 0.95
    assert s.loc[("last post", "new"), "posts"] == 0  # no earlier post: no naive forecast
    assert np.isnan(s.loc[("last post", "all"), "coverage"])


def test_scores_follow_their_definitions():
    posts, _ = generate_posts(60, seed=4)
    bt = backtest(posts.frame, "2024-09-01")
    f = bt.forecasts
    ape = (f["calibrated"] - f["actual"]).abs() / f["actual"]
    inside = (f["calibrated_low"] <= f["actual"]) & (f["actual"] <= f["calibrated_high"])
    s = bt.scores().set_index(["method", "creators"]).loc[("calibrated", "all")]
    assert s["mdape"] == pytest.approx(ape[f["actual"] > 0].median())
    ale = np.abs(np.log(f["calibrated"] / f["actual"]))
    assert s["mdale"] == pytest.approx(ale[f["actual"] > 0].median())
    assert s["coverage"] == pytest.approx(inside.mean())
    assert (f["posted_at"] >= pd.Timestamp("2024-09-01", tz="UTC")).all()
    assert set(bt.to_dict()) >= {"split", "scores", "skipped", "definitions", "calibration"}


def test_a_split_outside_the_posts_is_a_value_error_naming_the_range():
    posts, _ = generate_posts(20, seed=5)
    with pytest.raises(ValueError, match="no posts before the split 2020-01-01 .posts run from 2024-01-01"):
        backtest(posts.frame, "2020-01-01")


def test_one_post_per_creator_before_the_split_still_covers_80_percent():
    # σ² cannot be separated from τ²: the creators take the curve and the whole residual variance
    posts, _ = generate_posts(250, seed=6)
    frame = posts.frame.sort_values("posted_at")
    split = pd.Timestamp("2024-10-01", tz="UTC")
    early = frame[frame["posted_at"] < split].groupby("influencer_id").head(1)
    bt = backtest(pd.concat([early, frame[frame["posted_at"] >= split]]), split)
    s = bt.scores().set_index(["method", "creators"])
    assert s.loc[("calibrated", "with history"), "posts"] > 500
    assert 0.72 <= s.loc[("calibrated", "all"), "coverage"] <= 0.88
    assert any("every creator has one post" in n for n in bt.calibration.notes)


def test_the_figure_counts_the_posts_the_table_counts():
    from lineup.io.figures import backtest_figure

    posts, _ = generate_posts(60, seed=4)
    frame = posts.frame.copy()
    late = frame["posted_at"] >= pd.Timestamp("2024-09-01", tz="UTC")
    frame.loc[frame.index[late][:5], "engagements"] = 0.0
    bt = backtest(frame, "2024-09-01")
    s = bt.scores().set_index(["method", "creators"]).loc[("calibrated", "all")]
    subtitle = backtest_figure(bt).axes[0].get_title(loc="left")
    assert f"{int(s['posts']):,} posts; 5 with 0 engagements not drawn" in subtitle
    assert f"coverage {100 * s['coverage']:.1f}" in subtitle

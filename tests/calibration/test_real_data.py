"""Fit and back-test on the real post histories in ../shared/data (skipped when the folder is absent)."""

from __future__ import annotations

import numpy as np
import pytest

from ..conftest import SHARED_DATA

TIKTOK = SHARED_DATA / "posts" / "tiktok_2020"
INSTAGRAM = SHARED_DATA / "influencers" / "instagram_micro_2022" / "profiles.csv"


def _read(paths, platform):
    from lineup.io.posts import read_posts

    return read_posts(paths, platform=platform)


@pytest.mark.slow
@pytest.mark.skipif(not TIKTOK.is_dir(), reason="shared TikTok post histories not available")
def test_tiktok_fit_and_backtest():
    from lineup.workflows.calibrate import backtest, calibrate

    posts = _read(sorted(TIKTOK.glob("*vids*.csv")), "tiktok")
    cal = calibrate(posts, platform="tiktok")
    fit = cal.group("tiktok")
    assert fit.posts > 49_000 and fit.creators > 1_700
    at = fit.typical([1e4, 1e5, 1e6, 1e7])
    assert (at["low"] < at["median"]).all() and (at["median"] < at["high"]).all()
    assert ((at["median"] > 0.005) & (at["median"] < 0.2)).all()
    assert {g.group for g in cal.groups} == {"all", "sponsored", "organic"}
    s = backtest(posts, "2020-10-15", platform="tiktok").scores().set_index(["method", "creators"])
    assert 0.70 <= s.loc[("calibrated", "all"), "coverage"] <= 0.90


@pytest.mark.skipif(not INSTAGRAM.is_file(), reason="shared Instagram profiles not available")
def test_instagram_micro_fit_and_backtest():
    from lineup.workflows.calibrate import backtest, calibrate

    posts = _read([INSTAGRAM], "instagram")
    fit = calibrate(posts, platform="instagram").group("instagram")
    assert fit.creators >= 55 and fit.posts >= 700
    lo, hi = (10 ** np.array(fit.curve.x_range)).round()
    assert 1_000 <= lo < 2_000 and 50_000 < hi < 60_000
    s = backtest(posts, "2021-09-01", platform="instagram").scores().set_index(["method", "creators"])
    assert 0 < s.loc[("calibrated", "all"), "coverage"] <= 1 and s.loc[("calibrated", "all"), "posts"] > 200

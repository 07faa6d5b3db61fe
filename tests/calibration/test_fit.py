"""Recovery of a known truth: the curve's interval covers it, shrinkage beats raw means, groups and fees."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lineup.calibration.curve import Dispersion, dispersion, shrink
from lineup.calibration.fit import CHECK_FOLLOWERS, Calibration, calibrate
from lineup.io.synthetic import generate_posts

CHECK = 10 ** np.linspace(3.1, 6.9, 20)


@pytest.mark.parametrize("curve", ["inverted_u", "falling"])
def test_the_curve_interval_covers_the_true_curve_at_90_percent_of_check_points(curve):
    covered = []
    for seed in range(5):
        posts, truth = generate_posts(200, seed=seed, curve=curve)
        fit = calibrate(posts.frame).group("instagram")
        at = fit.typical(CHECK)
        true = truth.curve(CHECK)
        covered += ((at["low"] <= true) & (true <= at["high"])).tolist()
    assert np.mean(covered) >= 0.90


def test_an_inverted_u_is_recovered_not_forced_monotone():
    posts, truth = generate_posts(300, seed=11, curve="inverted_u")
    median = calibrate(posts.frame).group("instagram").typical([1e3, 3e4, 1e7])["median"].to_numpy()
    assert median[1] > median[0] and median[1] > median[2]
    np.testing.assert_allclose(median, truth.curve(np.array([1e3, 3e4, 1e7])), rtol=0.35)


def test_the_dispersion_recovers_between_and_within_creator_variances():
    posts, truth = generate_posts(400, seed=4, between=0.3, within=0.1)
    d = calibrate(posts.frame).group("instagram").dispersion
    assert d.between == pytest.approx(0.3, rel=0.2)
    assert d.within == pytest.approx(0.1, rel=0.1)


def test_shrinkage_lowers_the_error_of_creator_rates_against_raw_means():
    posts, truth = generate_posts(300, seed=5, posts=(1, 8))
    rates = calibrate(posts.frame).influencer_rates().set_index("id")
    true = truth.creators.set_index("id")["expected_rate"].reindex(rates.index)
    log_err = lambda est: np.mean(np.log(est / true) ** 2)  # noqa: E731
    assert log_err(rates["engagement_rate"]) < 0.8 * log_err(rates["raw_rate"])
    # the 95 % intervals of the creators' rates cover the truth about as often as claimed
    inside = ((rates["low"] <= true) & (true <= rates["high"])).mean()
    assert 0.88 <= inside <= 0.99


def test_shrinkage_weights_grow_with_posts_and_follow_the_formula():
    w, v = shrink(np.zeros(3), np.array([1, 4, 40]), Dispersion(between=0.2, within=0.4))
    np.testing.assert_allclose(w, [1 / 3, 4 / 6, 40 / 42])
    np.testing.assert_allclose(v, w * 0.4 / np.array([1, 4, 40]))
    assert shrink(np.zeros(2), np.array([3, 5]), Dispersion(0.0, 0.4))[0].tolist() == [0.0, 0.0]


def test_single_post_creators_put_all_variance_between():
    d = dispersion(np.array([0.1, -0.2, 0.3]), np.array(["a", "b", "c"]))
    assert d.within == 0.0 and d.between > 0


def test_sponsored_and_organic_are_fitted_apart_when_both_are_large_enough():
    posts, _ = generate_posts(200, seed=6, sponsored=0.3, sponsored_effect=0.6)
    cal = calibrate(posts.frame)
    assert [g.group for g in cal.groups] == ["all", "sponsored", "organic"]
    ratio = cal.group("instagram", "sponsored").typical([3e4])["median"][0] / \
        cal.group("instagram", "organic").typical([3e4])["median"][0]
    assert ratio == pytest.approx(0.6, rel=0.2)


def test_a_thin_sponsored_group_is_pooled_with_a_note():
    posts, _ = generate_posts(100, seed=7, sponsored=0.02)
    cal = calibrate(posts.frame)
    assert [g.group for g in cal.groups] == ["all"]
    assert any("pooled" in n and "sponsored" in n for n in cal.notes)


def test_fees_give_a_rate_card_and_a_fee_curve_else_the_note_says_the_built_in_card_stays():
    posts, _ = generate_posts(200, seed=8, fees=True)
    cal = calibrate(posts.frame)
    fee = cal.fees[0]
    assert fee.curve is not None and set(fee.card) >= {"micro", "mid", "macro"}
    for low, high in fee.card.values():
        assert 0 < low <= high
    plain = calibrate(generate_posts(50, seed=8)[0].frame)
    assert not plain.fees and "instagram: no fees in the posts: the built-in rate card stays" in plain.notes


def test_a_calibration_is_a_frozen_value_with_a_short_repr_and_a_dict():
    cal = calibrate(generate_posts(40, seed=9)[0].frame)
    assert isinstance(cal, Calibration) and repr(cal).startswith("Calibration(") and len(repr(cal)) < 200
    with pytest.raises(AttributeError):
        cal.posts = 3
    d = cal.to_dict()
    g = d["groups"][0]
    assert [p["followers"] for p in g["at"]] == list(CHECK_FOLLOWERS)
    assert all(p["low"] <= p["median"] <= p["high"] for p in g["curve"])


def test_points_outside_the_fitted_range_are_flagged_and_held_at_the_edge():
    posts, _ = generate_posts(60, seed=10, followers=(1e4, 1e6))
    fit = calibrate(posts.frame).group("instagram")
    at = fit.typical([1e3, 1e5, 1e8])
    assert at["outside"].tolist() == [True, False, True]
    edge = fit.typical([10 ** fit.curve.x_range[0]])["median"][0]
    assert at["median"][0] == pytest.approx(edge)


def test_too_few_posts_and_an_unknown_platform_are_value_errors():
    posts, _ = generate_posts(3, seed=1, posts=(2, 3))
    with pytest.raises(ValueError, match="too few posts"):
        calibrate(posts.frame)
    with pytest.raises(ValueError, match="no posts on platform 'tiktok'.*instagram"):
        calibrate(posts.frame, platform="tiktok")


def test_posts_without_engagement_counts_are_left_out_with_a_note():
    frame = generate_posts(40, seed=2)[0].frame.copy()
    frame.loc[:4, "engagements"] = np.nan
    cal = calibrate(frame)
    assert cal.posts == len(frame) - 5 and "5 posts have no engagement counts: left out of the fit" in cal.notes


def test_the_same_posts_give_the_same_numbers():
    frame = generate_posts(50, seed=3)[0].frame
    a, b = calibrate(frame).to_dict(), calibrate(frame.sample(frac=1.0, random_state=1)).to_dict()
    pd.testing.assert_frame_equal(pd.DataFrame(a["groups"][0]["curve"]), pd.DataFrame(b["groups"][0]["curve"]))


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(n=st.lists(st.integers(1, 500), min_size=1, max_size=20), between=st.floats(1e-4, 5), within=st.floats(1e-4, 5))
def test_shrinkage_weights_are_fractions_growing_with_posts_and_variances_below_the_prior(n, between, within):
    n = np.sort(np.array(n))
    w, v = shrink(np.zeros(len(n)), n, Dispersion(between, within))
    assert ((0 < w) & (w < 1)).all() and (np.diff(w) >= 0).all()
    assert (v <= between * (1 + 1e-12)).all() and (np.diff(v) <= 1e-15).all()


def test_one_post_per_creator_is_said():
    posts, _ = generate_posts(40, seed=12, posts=(1, 1))
    assert any("every creator has one post" in n for n in calibrate(posts.frame).notes)


def test_few_creators_get_a_straight_line_and_one_follower_count_a_constant_with_a_note():
    from lineup.calibration.fit import calibrate

    posts, _ = generate_posts(12, seed=8)
    cal = calibrate(posts.frame)
    assert cal.group("instagram").curve.df == 1
    assert any("straight line in log10(followers)" in n for n in cal.notes)
    same = posts.frame.assign(followers=10_000.0)
    cal = calibrate(same)
    g = cal.group("instagram")
    assert g.curve.df == 0 and any("every post has the same follower count" in n for n in cal.notes)
    t = g.typical([1e3, 1e4, 1e6])
    assert t["median"].nunique() == 1 and t["low"].iloc[0] < t["median"].iloc[0] < t["high"].iloc[0]

import numpy as np

from lineup.domain.priors import ER_ANCHORS, engagement_prior, fee_prior


def test_engagement_prior_hits_published_tier_medians():
    for followers, rate in ER_ANCHORS:
        assert engagement_prior(np.array([followers]))[0] == pytest_approx(rate)


def pytest_approx(x):
    import pytest

    return pytest.approx(x, rel=1e-9)


def test_engagement_prior_is_monotone_non_increasing():
    f = np.logspace(0, 9, 500)
    er = engagement_prior(f)
    assert np.all(np.diff(er) <= 1e-15)
    assert er.max() <= 0.08 and er.min() >= 0.016


def test_fee_prior_uses_platform_rate_and_override():
    f = np.array([10_000.0, 10_000.0, 10_000.0])
    p = np.array(["instagram", "youtube", "myspace"], dtype=object)
    posts = np.array([1.0, 1.0, 2.0])
    assert fee_prior(f, p, posts).tolist() == [65.0, 200.0, 130.0]
    assert fee_prior(f, p, posts, {"instagram": 9.0, "default": 1.0}).tolist() == [90.0, 200.0, 20.0]

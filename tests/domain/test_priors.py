import numpy as np

import pytest

from lineup.domain.priors import ER_ANCHORS, RATE_CARDS, card_fee_per_post, engagement_prior, fee_prior, rate_card
from lineup.domain.tiers import TIER_NAMES, Tiers


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


def test_fee_per_1k_is_an_opt_in_per_platform():
    f = np.array([10_000.0, 10_000.0, 10_000.0])
    p = np.array(["instagram", "youtube", "myspace"], dtype=object)
    posts = np.array([1.0, 1.0, 2.0])
    # the default is the rate card (10k followers = the top of micro / bottom of mid)
    assert fee_prior(f, p, posts).tolist() == [500.0, 1000.0, 1000.0]
    # listed platforms follow the per-1k rule; 'default' covers every platform not listed
    assert fee_prior(f, p, posts, {"instagram": 9.0}).tolist() == [90.0, 1000.0, 1000.0]
    assert fee_prior(f, p, posts, {"instagram": 9.0, "default": 1.0}).tolist() == [90.0, 10.0, 20.0]


# published card (USD per post) of each platform × tier, as documented in docs/model.md
CARDS = {
    "instagram": [(10, 100), (100, 500), (500, 5_000), (5_000, 10_000), (10_000, 100_000)],
    "tiktok": [(5, 25), (25, 125), (125, 1_250), (1_250, 2_500), (2_500, 25_000)],
    "youtube": [(20, 200), (200, 1_000), (1_000, 10_000), (10_000, 20_000), (20_000, 200_000)],
}
# a follower count at the bottom, the geometric middle and the top of each default tier
BOTTOM = [100, 1_000, 10_000, 100_000, 1_000_000]
MIDDLE = [10**2.5, 10**3.5, 10**4.5, 10**5.5, 10**6.5]


@pytest.mark.parametrize("platform", sorted(CARDS))
def test_rate_card_prior_per_platform_and_tier(platform):
    assert [RATE_CARDS[platform][t] for t in TIER_NAMES] == CARDS[platform]
    n = len(TIER_NAMES)
    plat = np.array([platform] * n, dtype=object)
    low, high = np.array(CARDS[platform], dtype=float).T
    # the tier's lower bound costs the card's low end, its geometric middle the geometric midpoint
    np.testing.assert_allclose(card_fee_per_post(np.array(BOTTOM, float), plat), low)
    np.testing.assert_allclose(card_fee_per_post(np.array(MIDDLE, float), plat), np.sqrt(low * high))
    # floors and caps: nothing below the nano floor, nothing above the mega cap; monotone in followers
    f = np.logspace(0, 10, 400)
    fee = card_fee_per_post(f, np.array([platform] * len(f), dtype=object))
    assert fee.min() == pytest.approx(low[0]) and fee.max() == pytest.approx(high[-1])
    assert np.all(np.diff(fee) >= -1e-9)


def test_rate_card_prior_fixes_the_reported_fees():
    f = np.array([1_292.0, 106_000.0])
    fee = fee_prior(f, np.array(["instagram", "instagram"], dtype=object), np.ones(2))
    assert 100 <= fee[0] <= 500 and 5_000 <= fee[1] <= 10_000  # was 8.40 and 689 with the per-1k rule


def test_rate_card_overrides_and_scenario_tiers():
    card = {"instagram": {"micro": (200.0, 800.0)}, "default": {"nano": (1.0, 2.0)}}
    assert rate_card("instagram", card)["micro"] == (200.0, 800.0)
    assert rate_card("instagram", card)["mid"] == (500, 5_000)      # other tiers keep the published card
    assert rate_card("myspace", card)["nano"] == (1.0, 2.0)          # default: platforms without a card
    assert rate_card("tiktok", card)["nano"] == (5, 25)              # platforms with a card ignore 'default'
    plat = np.array(["instagram", "myspace"], dtype=object)
    assert fee_prior(np.array([1_000.0, 100.0]), plat, np.array([2.0, 1.0]), card=card).tolist() == [400.0, 1.0]
    # the tiers are the scenario's: with micro starting at 5k, nano spans 500–5k followers for $10–100,
    # and 1k followers lies log10(2) of the way: 10 × 10 ** 0.301 = 20
    tiers = Tiers.from_mapping({"nano": 5_000})
    assert card_fee_per_post(np.array([1_000.0]), plat[:1], tiers=tiers).tolist() == [pytest.approx(20.0)]

"""Documented priors for values a roster leaves blank.

Engagement rate
    A monotone, non-increasing curve of follower count, interpolated linearly in
    ``log10(followers)`` between published tier medians of Instagram like rates
    (study of ~2 million accounts, reported by Marketing Dive and Digiday, 2016):
    8 % under 1k, 4 % at 1k–10k, 2.4 % at 10k–100k, 1.7 % at 1M–10M and 1.6 % at
    10M+; 100k–1M, not reported there, is set to 1.8 % between its neighbours.
    Each median is placed at the geometric middle of its tier.

Fee
    ``posts × followers / 1000 × rate[platform]``: a per-1,000-followers price per
    post.  The industry rule of thumb is $4–$9 per 1,000 followers per post on
    Instagram; lineup uses the midpoint, 6.5.  YouTube videos are priced higher
    (~$20 per 1,000 subscribers), TikTok and Facebook a little lower, X/Twitter
    lowest.  Rates are in the scenario's currency; override them in the scenario
    (``priors.fee_per_1k``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["ER_ANCHORS", "FEE_PER_1K", "DEFAULT_FEE_PER_1K", "engagement_prior", "fee_prior"]

#: (followers, engagement rate) anchor points of the engagement prior.
ER_ANCHORS: tuple[tuple[float, float], ...] = (
    (10**2.5, 0.080),
    (10**3.5, 0.040),
    (10**4.5, 0.024),
    (10**5.5, 0.018),
    (10**6.5, 0.017),
    (10**7.5, 0.016),
)

#: Price per 1,000 followers per post, by platform (scenario currency).
FEE_PER_1K: dict[str, float] = {
    "instagram": 6.5,
    "tiktok": 5.0,
    "youtube": 20.0,
    "facebook": 4.0,
    "x": 2.0,
    "twitter": 2.0,
}
#: Rate for platforms not listed in :data:`FEE_PER_1K`.
DEFAULT_FEE_PER_1K = 6.5


def engagement_prior(followers: np.ndarray) -> np.ndarray:
    """Prior engagement rate (a fraction) for each follower count.

    Examples
    --------
    >>> engagement_prior(np.array([100, 3162.3, 1e9])).round(3).tolist()
    [0.08, 0.04, 0.016]
    """
    x = np.log10(np.maximum(np.asarray(followers, dtype=float), 1.0))
    ax = np.log10([a for a, _ in ER_ANCHORS])
    ay = np.array([b for _, b in ER_ANCHORS])
    return np.interp(x, ax, ay)


def fee_prior(
    followers: np.ndarray,
    platform: np.ndarray,
    posts: np.ndarray,
    rates: dict[str, float] | None = None,
) -> np.ndarray:
    """Prior fee for each influencer: ``posts × followers / 1000 × rate[platform]``.

    Examples
    --------
    >>> fee_prior(np.array([10_000.0]), np.array(["instagram"]), np.array([2.0])).tolist()
    [130.0]
    """
    table = {**FEE_PER_1K, **(rates or {})}
    platform = np.asarray(platform, dtype=object)
    rate = np.full(len(platform), table.get("default", DEFAULT_FEE_PER_1K), dtype=float)
    for name in np.unique(platform):
        if name in table:
            rate[platform == name] = table[name]
    with np.errstate(over="ignore"):  # absurd rates give inf, which the roster reader reports with the row
        return np.asarray(posts, dtype=float) * np.asarray(followers, dtype=float) / 1000.0 * rate

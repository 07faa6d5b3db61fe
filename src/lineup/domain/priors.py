"""Documented priors for values a roster leaves blank.

Engagement rate
    A monotone, non-increasing curve of follower count, interpolated linearly in
    ``log10(followers)`` between published tier medians of Instagram like rates
    (study of ~2 million accounts, reported by Marketing Dive and Digiday, 2016):
    8 % under 1k, 4 % at 1k–10k, 2.4 % at 10k–100k, 1.7 % at 1M–10M and 1.6 % at
    10M+; 100k–1M, not reported there, is set to 1.8 % between its neighbours.
    Each median is placed at the geometric middle of its tier.

Fee (the default: a rate card)
    ``posts × card fee per post``, where the card (:data:`RATE_CARDS`) gives a
    ``(low, high)`` price per post for each platform × tier, from published
    2021–2023 compilations (sources in docs/model.md): Instagram nano $10–100,
    micro $100–500, mid $500–5k, macro $5k–10k, mega $10k+; TikTok lower, YouTube
    higher per video.  Inside a tier the price grows linearly in ``log10(followers)``
    from ``low`` at the tier's lower follower bound to ``high`` at its upper bound
    (nano starts at a tenth of its upper bound, mega ends at ten times its lower
    bound), so the geometric midpoint ``sqrt(low × high)`` falls at the tier's
    geometric middle and ``low`` is a floor: no estimate is below the nano floor.
    Cards are in the scenario's currency units and USD-based (lineup does not
    convert currencies); override them in the scenario (``priors.rate_card``).
    Platforms without a card use :data:`DEFAULT_RATE_CARD` (Instagram's).

Fee (opt-in: per 1,000 followers)
    Platforms listed in the scenario's ``priors.fee_per_1k`` (``default`` for all
    others) use ``posts × followers / 1000 × rate`` instead.  :data:`FEE_PER_1K`
    keeps the rule-of-thumb rates ($4–$9 per 1,000 followers per post on
    Instagram, midpoint 6.5) for reference and for the simulator's reports.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .tiers import TIER_NAMES, Tiers

__all__ = ["ER_ANCHORS", "FEE_PER_1K", "DEFAULT_FEE_PER_1K", "RATE_CARDS", "DEFAULT_RATE_CARD",
           "engagement_prior", "fee_prior", "rate_card", "card_ranges"]

#: (followers, engagement rate) anchor points of the engagement prior.
ER_ANCHORS: tuple[tuple[float, float], ...] = (
    (10**2.5, 0.080),
    (10**3.5, 0.040),
    (10**4.5, 0.024),
    (10**5.5, 0.018),
    (10**6.5, 0.017),
    (10**7.5, 0.016),
)

#: Price per 1,000 followers per post, by platform (scenario currency): the opt-in per-1k rule.
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

Card = Mapping[str, tuple[float, float]]

#: Price per post ``(low, high)`` by platform and tier (USD-based, scenario currency units).
#: Mega's ``high`` is lineup's assumption (10 × its low end): the sources give only a floor.
RATE_CARDS: dict[str, dict[str, tuple[float, float]]] = {
    "instagram": {"nano": (10, 100), "micro": (100, 500), "mid": (500, 5_000), "macro": (5_000, 10_000),
                  "mega": (10_000, 100_000)},
    "tiktok": {"nano": (5, 25), "micro": (25, 125), "mid": (125, 1_250), "macro": (1_250, 2_500),
               "mega": (2_500, 25_000)},
    "youtube": {"nano": (20, 200), "micro": (200, 1_000), "mid": (1_000, 10_000), "macro": (10_000, 20_000),
                "mega": (20_000, 200_000)},
}
#: Card of platforms without one of their own (``default`` in ``priors.rate_card`` overrides it).
DEFAULT_RATE_CARD: dict[str, tuple[float, float]] = RATE_CARDS["instagram"]


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


def rate_card(platform: str, overrides: Mapping[str, Card] | None = None) -> dict[str, tuple[float, float]]:
    """The ``tier → (low, high)`` card of ``platform``, scenario overrides applied tier by tier.

    Examples
    --------
    >>> rate_card("tiktok")["micro"]
    (25, 125)
    >>> rate_card("instagram", {"instagram": {"micro": (150, 600)}})["micro"]
    (150, 600)
    >>> rate_card("myspace")["nano"]  # no card: the default (Instagram's)
    (10, 100)
    """
    overrides = overrides or {}
    base = RATE_CARDS.get(platform, {**DEFAULT_RATE_CARD, **overrides.get("default", {})})
    return {**base, **overrides.get(platform, {})}


def card_ranges(platform: np.ndarray, codes: np.ndarray,
                overrides: Mapping[str, Card] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the ``(low, high)`` card price per post of its platform and tier code (0 = nano).

    Examples
    --------
    >>> low, high = card_ranges(np.array(["instagram", "youtube"], dtype=object), np.array([1, 4]))
    >>> low.tolist(), high.tolist()
    ([100.0, 20000.0], [500.0, 200000.0])
    """
    platform = np.asarray(platform, dtype=object)
    low, high = np.zeros(len(platform)), np.zeros(len(platform))
    for name in np.unique(platform).tolist() if len(platform) else []:
        card = rate_card(name, overrides)
        table = np.array([card[t] for t in TIER_NAMES], dtype=float)
        rows = platform == name
        low[rows], high[rows] = table[codes[rows], 0], table[codes[rows], 1]
    return low, high


def _position_in_tier(followers: np.ndarray, codes: np.ndarray, tiers: Tiers) -> np.ndarray:
    """Where each follower count lies in its tier, 0 (lower bound) to 1 (upper), in log10."""
    bounds = np.asarray(tiers.bounds, dtype=float)
    lows = np.concatenate(([bounds[0] / 10], bounds))
    highs = np.concatenate((bounds, [bounds[-1] * 10]))
    lo, hi = np.log10(lows[codes]), np.log10(highs[codes])
    x = np.log10(np.maximum(np.asarray(followers, dtype=float), 1.0))
    return np.clip((x - lo) / (hi - lo), 0.0, 1.0)


def card_fee_per_post(followers: np.ndarray, platform: np.ndarray, *, tiers: Tiers | None = None,
                      card: Mapping[str, Card] | None = None) -> np.ndarray:
    """Rate-card price of one post: ``low × (high / low) ** position in the tier`` (see the module docstring).

    Examples
    --------
    >>> card_fee_per_post(np.array([50, 1_000, 3_162.28, 10_000, 5e8]), np.array(["instagram"] * 5)).round(0).tolist()
    [10.0, 100.0, 224.0, 500.0, 100000.0]
    """
    tiers = tiers or Tiers()
    codes = tiers.codes_of(followers)
    low, high = card_ranges(platform, codes, card)
    with np.errstate(over="ignore"):
        return low * (high / low) ** _position_in_tier(followers, codes, tiers)


def fee_prior(
    followers: np.ndarray,
    platform: np.ndarray,
    posts: np.ndarray,
    rates: dict[str, float] | None = None,
    *,
    card: Mapping[str, Card] | None = None,
    tiers: Tiers | None = None,
) -> np.ndarray:
    """Prior fee for each influencer: ``posts ×`` the rate-card price per post of its platform and tier.

    Platforms in ``rates`` (``priors.fee_per_1k``; its ``default`` entry covers every
    platform not listed) use ``posts × followers / 1000 × rate`` instead.

    Examples
    --------
    >>> fee_prior(np.array([1_292.0, 106_000.0]), np.array(["instagram"] * 2), np.array([1.0, 1.0])).round(0).tolist()
    [120.0, 5088.0]
    >>> fee_prior(np.array([10_000.0]), np.array(["instagram"]), np.array([2.0]), {"instagram": 6.5}).tolist()
    [130.0]
    """
    platform = np.asarray(platform, dtype=object)
    followers = np.asarray(followers, dtype=float)
    per_post = card_fee_per_post(followers, platform, tiers=tiers, card=card)
    rates = rates or {}
    for name in np.unique(platform).tolist() if rates else []:
        rate = rates.get(name, rates.get("default"))
        if rate is not None:
            rows = platform == name
            with np.errstate(over="ignore"):  # absurd rates give inf, which the roster reader reports with the row
                per_post[rows] = followers[rows] / 1000.0 * rate
    with np.errstate(over="ignore"):
        return np.asarray(posts, dtype=float) * per_post

"""Seeded example rosters whose distributions follow published tier figures.

Every random draw comes from one generator, ``lineup._rng.as_generator(seed)``,
so the same arguments give the same table.

Distributions (all parameters are module constants, listed here):

tier
    Categorical over nano/micro/mid/macro/mega with :data:`DEFAULT_TIER_MIX`
    (0.15, 0.55, 0.22, 0.07, 0.01), chosen to resemble the tier counts that
    creator-marketing platforms report: most creators are micro, few are
    macro or mega.  ``tier_mix`` overrides it.
followers
    Log-uniform within the tier's range (:data:`TIER_RANGES`: the default
    bounds of :class:`~lineup.domain.tiers.Tiers`, nano from 100, mega up to
    50 M), so the share of creators per decade of followers falls 55 % →
    22 % → 7 % → ~0.6 % from 1k–10k up to 1M–10M: a heavy, roughly power-law
    tail.
engagement rate
    ``engagement_prior(followers) × LogNormal(0, 0.45)``, capped at the top of the
    plausible band of the tier (:data:`~lineup.domain.plausibility.ER_HIGH`: 30 % for
    nano … 15 % for mega on Instagram): the median follows the published tier medians
    (8 % < 1k … 1.6 % at 10M+).
posts
    1, 2 or 3 with probabilities 0.5, 0.3, 0.2.
fee
    ``posts × clip(card price per post × LogNormal(0, 0.35), low, high)`` rounded to
    whole currency units, where the card price and its ``(low, high)`` range are the
    platform × tier rate card of :mod:`lineup.domain.priors` (Instagram micro
    100–500 per post, …): the fees a planner would be quoted, never outside the card.
authenticity
    Mixture: 92 % Beta(30, 3.5) (mean 0.90, mostly 0.80–0.98) and 8 %
    Beta(6, 4) (mean 0.6, suspect audiences below the 0.75 vendor flag);
    clipped to [0.3, 0.995], 3 decimals.
niches
    1, 2 or 3 distinct niches (probabilities 0.45, 0.35, 0.2), drawn without
    replacement with popularity weights ``1/sqrt(rank)`` over the given list
    (first = most common).  30 % of multi-niche creators state audience shares
    drawn from Dirichlet(2, …) (rounded to 2 decimals, at least 0.01), written ``skincare:0.62;vegan:0.38``.
platform, country
    Categorical with the given probabilities (countries: a sequence means uniform).
blanks
    ``blank_rate`` of engagement rates and (independently) fees are left blank,
    so that loading exercises the priors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import UsageError
from .._rng import SeedLike, as_generator
from ..domain.plausibility import er_high
from ..domain.priors import card_fee_per_post, card_ranges, engagement_prior
from ..domain.tiers import TIER_NAMES, Tiers

__all__ = ["DEFAULT_TIER_MIX", "TIER_RANGES", "generate_roster", "generate_overlap", "write_roster_csv",
           "generate_posts", "PostsTruth", "TRUE_CURVES"]

DEFAULT_TIER_MIX: dict[str, float] = {"nano": 0.15, "micro": 0.55, "mid": 0.22, "macro": 0.07, "mega": 0.01}
#: Follower range of each tier for generation (low inclusive, high exclusive).
TIER_RANGES: dict[str, tuple[float, float]] = {
    "nano": (100, 1_000), "micro": (1_000, 10_000), "mid": (10_000, 100_000),
    "macro": (100_000, 1_000_000), "mega": (1_000_000, 50_000_000),
}
ER_SIGMA, FEE_SIGMA = 0.45, 0.35
_WORDS_A = np.array(["glow", "skin", "vegan", "daily", "pure", "mia", "leo", "sunny", "urban", "green", "bella",
                     "fit", "wild", "cosy", "honest", "little", "bright", "calm", "nova", "sage"], dtype=object)
_WORDS_B = np.array(["lab", "diary", "notes", "life", "studio", "edit", "kitchen", "journal", "club", "talks",
                     "beauty", "vibes", "corner", "files", "world"], dtype=object)


def generate_roster(
    n: int,
    *,
    niches: Sequence[str],
    platforms: Mapping[str, float],
    seed: SeedLike,
    tier_mix: Mapping[str, float] | None = None,
    countries: Mapping[str, float] | Sequence[str] = ("GB", "US", "IE", "FR", "DE"),
    blank_rate: float = 0.0,
) -> pd.DataFrame:
    """A synthetic roster with the canonical columns (see the module docstring).

    Examples
    --------
    >>> df = generate_roster(5, niches=["skincare", "vegan"], platforms={"instagram": 1.0}, seed=1)
    >>> list(df.columns)
    ['id', 'platform', 'followers', 'engagement_rate', 'fee', 'niches', 'authenticity', 'posts', 'country']
    >>> df.equals(generate_roster(5, niches=["skincare", "vegan"], platforms={"instagram": 1.0}, seed=1))
    True
    """
    rng = as_generator(seed)
    followers = _followers(rng, n, tier_mix or DEFAULT_TIER_MIX)
    platform = _categorical(rng, platforms, n)
    posts = rng.choice([1, 2, 3], size=n, p=[0.5, 0.3, 0.2])
    codes = Tiers().codes_of(followers)
    er = np.minimum(engagement_prior(followers) * rng.lognormal(0.0, ER_SIGMA, n), er_high(platform, codes))
    low, high = card_ranges(platform, codes)
    per_post = np.clip(card_fee_per_post(followers, platform) * rng.lognormal(0.0, FEE_SIGMA, n), low, high)
    fee = posts * per_post
    country = _categorical(rng, countries if isinstance(countries, Mapping) else dict.fromkeys(countries, 1.0), n)
    frame = pd.DataFrame({
        "id": _handles(rng, n), "platform": platform, "followers": followers.astype(np.int64),
        "engagement_rate": er.round(4), "fee": fee.round(0), "niches": _niche_cells(rng, n, list(niches)),
        "authenticity": _authenticity(rng, n), "posts": posts, "country": country,
    })
    return _blank_out(rng, frame, blank_rate)


def _categorical(rng: np.random.Generator, weights: Mapping[str, float], n: int) -> np.ndarray:
    names = np.array(list(weights), dtype=object)
    p = np.array(list(weights.values()), dtype=float)
    if not len(p) or not np.all(np.isfinite(p)) or np.any(p < 0) or p.sum() <= 0:
        raise UsageError(f"weights must be finite, non-negative and not all zero, got {dict(weights)}")
    return names[rng.choice(len(names), size=n, p=p / p.sum())]


def _followers(rng: np.random.Generator, n: int, mix: Mapping[str, float]) -> np.ndarray:
    p = np.array([mix.get(t, 0.0) for t in TIER_NAMES], dtype=float)
    tier = rng.choice(len(TIER_NAMES), size=n, p=p / p.sum())
    lo = np.log10([TIER_RANGES[t][0] for t in TIER_NAMES])[tier]
    hi = np.log10([TIER_RANGES[t][1] for t in TIER_NAMES])[tier]
    return np.floor(10 ** rng.uniform(lo, hi))


def _authenticity(rng: np.random.Generator, n: int) -> np.ndarray:
    suspect = rng.random(n) < 0.08
    a = np.where(suspect, rng.beta(6, 4, n), rng.beta(30, 3.5, n))
    return np.clip(a, 0.3, 0.995).round(3)


def _handles(rng: np.random.Generator, n: int) -> np.ndarray:
    a = _WORDS_A[rng.integers(0, len(_WORDS_A), n)]
    b = _WORDS_B[rng.integers(0, len(_WORDS_B), n)]
    sep = np.array(["", "_", "."], dtype=object)[rng.integers(0, 3, n)]
    return a + sep + b + np.arange(n).astype(str).astype(object)


def _niche_cells(rng: np.random.Generator, n: int, names: list[str]) -> np.ndarray:
    """``n`` niche cells: 1–3 distinct niches (Gumbel top-k), some with shares."""
    s = len(names)
    count = np.minimum(rng.choice([1, 2, 3], size=n, p=[0.45, 0.35, 0.2]), s)
    keys = -0.5 * np.log(np.arange(1, s + 1)) + rng.gumbel(size=(n, s))
    order = np.argsort(-keys, axis=1)[:, :3]
    with_shares = (count > 1) & (rng.random(n) < 0.3)
    shares = rng.dirichlet(np.full(3, 2.0), size=n)
    shares[:, :3] = np.where(np.arange(3) < count[:, None], shares, 0.0)
    shares = np.maximum((shares / shares.sum(axis=1, keepdims=True)).round(2), 0.01)
    label = np.asarray(names, dtype=object)
    cell = np.full(n, "", dtype=object)
    for k in range(3):
        part = label[order[:, min(k, s - 1)]] + np.where(with_shares, ":" + shares[:, k].astype(str).astype(object), "")
        cell = np.where(count > k, cell + np.where(k > 0, ";", "") + part, cell)
    return cell


def _blank_out(rng: np.random.Generator, frame: pd.DataFrame, rate: float) -> pd.DataFrame:
    if rate <= 0:
        return frame
    frame = frame.astype({"engagement_rate": object, "fee": object})
    frame.loc[rng.random(len(frame)) < rate, "engagement_rate"] = ""
    frame.loc[rng.random(len(frame)) < rate, "fee"] = ""
    return frame


def generate_overlap(frame: pd.DataFrame, pairs: int, *, seed: SeedLike) -> pd.DataFrame:
    """Random audience-overlap table (``id_a, id_b, shared`` in followers) for ``frame``.

    Pairs are distinct; ``shared`` = Beta(2, 8) × the smaller audience.

    Examples
    --------
    >>> df = generate_roster(20, niches=["a"], platforms={"instagram": 1}, seed=0)
    >>> generate_overlap(df, 5, seed=0).shape
    (5, 3)
    """
    rng = as_generator(seed)
    n = len(frame)
    i, j = rng.integers(0, n, 4 * pairs), rng.integers(0, n, 4 * pairs)
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    key = pd.unique(lo[lo != hi] * n + hi[lo != hi])[:pairs]
    lo, hi = key // n, key % n
    smaller = np.minimum(frame["followers"].to_numpy()[lo], frame["followers"].to_numpy()[hi])
    shared = np.floor(rng.beta(2, 8, len(key)) * smaller).astype(np.int64)
    return pd.DataFrame({"id_a": frame["id"].to_numpy()[lo], "id_b": frame["id"].to_numpy()[hi], "shared": shared})


def write_roster_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` as UTF-8 CSV atomically (see :func:`lineup.io.writers.write_files`; no manifest)."""
    from .writers import write_files

    path = Path(path)
    return write_files(path.parent, {path.name: frame.to_csv(index=False)}, manifest=False)[0]


# --------------------------------------------------------------------------- post histories


def _inverted_u(followers: np.ndarray) -> np.ndarray:
    """Typical rate peaking at 3 % near 30k followers: 1.4 % at 1k, 0.34 % at 10M (an inverted U)."""
    x = np.log10(np.asarray(followers, dtype=float))
    return 0.03 * np.exp(-0.5 * ((x - 4.5) / 1.2) ** 2)


#: Named true curves of :func:`generate_posts`: typical (median) engagement rate at a follower count.
TRUE_CURVES = {"inverted_u": _inverted_u, "falling": engagement_prior}


class PostsTruth:
    """What :func:`generate_posts` drew: the true curve, dispersion and creators.

    ``curve(followers)`` is the typical (median) rate; ``creators`` has ``id``,
    ``followers`` (at the first post), ``effect`` (u_i, log scale) and
    ``expected_rate`` (``curve × exp(u_i + σ²/2)`` at those followers: the creator's mean
    rate per post).
    """

    def __init__(self, curve, between: float, within: float, creators: pd.DataFrame, sponsored_effect: float):
        self.curve, self.between, self.within = curve, between, within
        self.creators, self.sponsored_effect = creators, sponsored_effect

    def __repr__(self) -> str:
        return f"PostsTruth(τ²={self.between:g}, σ²={self.within:g}, {len(self.creators):,} creators)"


def generate_posts(
    creators: int = 200,
    *,
    seed: SeedLike,
    curve="inverted_u",
    between: float = 0.25,
    within: float = 0.16,
    posts: tuple[int, int] = (5, 40),
    followers: tuple[float, float] = (1e3, 1e7),
    days: int = 365,
    start: str = "2024-01-01",
    growth: float = 0.2,
    platform: str = "instagram",
    sponsored: float = 0.0,
    sponsored_effect: float = 1.0,
    fees: bool = False,
):
    """A synthetic post history with a known truth: ``(Posts, PostsTruth)``.

    Creators: followers log-uniform in ``followers`` (1k–10M), growing by up to
    ``growth`` (a uniform fraction) over ``days``; ``posts`` (uniform integers) posts each
    at uniform times.  A post's rate is ``curve(followers) × exp(u_i + e_ij)`` with
    ``u_i ~ N(0, between)`` and ``e_ij ~ N(0, within)`` (× ``sponsored_effect`` when the
    post is sponsored, a ``sponsored`` share of posts); its engagements are Poisson with
    mean ``followers × rate``, split 90/8/2 % into likes, comments and shares.  With
    ``fees``, sponsored posts (all posts when ``sponsored`` is 0) carry the rate-card
    price per post × LogNormal(0, 0.35).

    Examples
    --------
    >>> posts, truth = generate_posts(10, seed=1)
    >>> len(posts.frame) == posts.frame["post_id"].nunique(), bool(posts.frame["followers"].min() >= 1000)
    (True, True)
    >>> generate_posts(10, seed=1)[0].frame.equals(posts.frame)
    True
    """
    from .posts import Posts

    rng = as_generator(seed)
    true = TRUE_CURVES[curve] if isinstance(curve, str) else curve
    lo, hi = np.log10(followers)
    f0 = 10 ** rng.uniform(lo, hi, creators)
    u = rng.normal(0.0, np.sqrt(between), creators)
    n = rng.integers(posts[0], posts[1] + 1, creators)
    who = np.repeat(np.arange(creators), n)
    t = rng.uniform(0.0, 1.0, len(who))
    f = np.floor(f0[who] * (1 + rng.uniform(0, growth, creators)[who] * t))
    paid = rng.random(len(who)) < sponsored
    rate = true(f) * np.exp(u[who] + rng.normal(0.0, np.sqrt(within), len(who))) * np.where(paid, sponsored_effect, 1.0)
    eng = rng.poisson(f * rate).astype(float)
    likes, comments = np.floor(eng * 0.9), np.floor(eng * 0.08)
    ids = np.array([f"creator{i:05d}" for i in range(creators)], dtype=object)
    fee = np.full(len(who), np.nan)
    if fees:
        priced = paid if sponsored > 0 else np.ones(len(who), bool)
        card = card_fee_per_post(f, np.full(len(who), platform, dtype=object))
        fee[priced] = np.round(card[priced] * rng.lognormal(0.0, 0.35, int(priced.sum())))
    when = pd.Timestamp(start, tz="UTC") + pd.to_timedelta(np.round(t * days * 86400), unit="s")
    frame = pd.DataFrame({
        "post_id": [f"p{k:07d}" for k in range(len(who))], "influencer_id": ids[who], "platform": platform,
        "followers": f, "likes": likes, "comments": comments, "shares": eng - likes - comments, "views": np.nan,
        "engagements": eng, "posted_at": when.astype("datetime64[ns, UTC]"), "sponsored": paid, "fee": fee,
    })
    frame = frame.sort_values(["posted_at", "post_id"], kind="mergesort").reset_index(drop=True)
    truth = PostsTruth(true, between, within, pd.DataFrame({
        "id": ids, "followers": f0, "effect": u, "expected_rate": true(f0) * np.exp(u + within / 2)}), sponsored_effect)
    return Posts.from_frame(frame, source=("synthetic",), has_sponsored_flag=sponsored > 0), truth

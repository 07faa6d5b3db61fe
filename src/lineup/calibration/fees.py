"""Fees paid per post: a fee curve against log10(followers) and a rate card per tier.

* Fee curve: ``log(fee)`` on the same natural spline of ``log10(followers)`` as the
  engagement curve (:func:`lineup.calibration.curve.fit_curve`: df by creator-grouped
  cross-validation, cluster-robust 95 % interval); reported as the median fee.
* Rate card: per tier (lineup's tier bounds), ``low``/``high`` = the 10th/90th
  percentiles of the fees paid per post in that tier, from :data:`MIN_TIER_FEES`
  fees; thinner tiers keep the built-in card (listed in the notes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..domain.tiers import TIER_NAMES, Tiers
from .curve import Curve, fit_curve

__all__ = ["FeeFit", "fit_fees", "MIN_TIER_FEES", "MIN_FEES", "CARD_QUANTILES"]

#: A tier's card is fitted from at least this many fees.
MIN_TIER_FEES = 10
#: A fee curve needs at least this many fees.
MIN_FEES = 20
#: Quantiles of the fees per post that make a tier's (low, high).
CARD_QUANTILES = (0.10, 0.90)


@dataclass(frozen=True)
class FeeFit:
    """A platform's fee curve (``None`` when too few fees) and its fitted rate-card tiers."""

    platform: str
    fees: int
    curve: Curve | None
    card: dict
    notes: tuple[str, ...]

    def median_fee(self, followers) -> pd.DataFrame:
        """Median fee per post at ``followers`` with its 95 % interval (``None`` curve: empty)."""
        followers = np.asarray(followers, dtype=float)
        if self.curve is None:
            return pd.DataFrame(columns=["followers", "median", "low", "high", "outside"])
        g, se = self.curve.predict(followers)
        q = self.curve.quantile(0.95)
        return pd.DataFrame({"followers": followers, "median": np.exp(g), "low": np.exp(g - q * se),
                             "high": np.exp(g + q * se), "outside": self.curve.outside(followers)})

    def to_dict(self) -> dict:
        out = {"platform": self.platform, "fees": self.fees, "rate_card": {t: list(r) for t, r in self.card.items()},
               "notes": list(self.notes)}
        if self.curve is not None:
            lo, hi = self.curve.x_range
            points = self.median_fee(10 ** np.linspace(lo, hi, 11))
            out["curve"] = [{k: float(v) for k, v in row.items() if k != "outside"} for row in points.to_dict("records")]
            out["followers_range"] = [float(10 ** lo), float(10 ** hi)]
        return out


def fit_fees(platform: str, posts: pd.DataFrame, tiers: Tiers | None = None) -> FeeFit | None:
    """Fee curve and rate card from the posts' ``fee`` column (``None`` when no post has a fee).

    Examples
    --------
    >>> df = pd.DataFrame({"fee": [100.0] * 12 + [np.nan], "followers": [5000.0] * 13,
    ...                    "influencer_id": list("abcdefghijklm")})
    >>> fit = fit_fees("instagram", df)
    >>> fit.card, fit.curve is None
    ({'micro': (100.0, 100.0)}, True)
    """
    paid = posts[posts["fee"].notna() & (posts["fee"] > 0)]
    if paid.empty:
        return None
    tiers = tiers or Tiers()
    followers, fee = paid["followers"].to_numpy(float), paid["fee"].to_numpy(float)
    codes = tiers.codes_of(followers)
    card, notes = {}, []
    for k, name in enumerate(TIER_NAMES):
        here = fee[codes == k]
        if len(here) >= MIN_TIER_FEES:
            low, high = np.quantile(here, CARD_QUANTILES)
            card[name] = (float(low), float(high))
        elif len(here):
            notes.append(f"{name}: {len(here)} fee(s), fewer than {MIN_TIER_FEES}: the built-in card stays")
    curve = None
    if len(fee) >= MIN_FEES and paid["influencer_id"].nunique() >= 5:
        curve = fit_curve(followers, np.log(fee), paid["influencer_id"].to_numpy(object))
    else:
        notes.append(f"{len(fee)} fees: fewer than {MIN_FEES} (by 5 creators), no fee curve")
    return FeeFit(platform, int(len(fee)), curve, card, tuple(notes))

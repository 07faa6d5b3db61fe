"""Priors fitted from a post history (a priors file, ``priors: {file: ...}``) in place of the built-in ones.

Precedence for a roster row's engagement rate: the roster's own value > the
creator's shrunk rate from the influencer-rates file (matched by platform and id) >
the fitted curve of the row's platform (its ``mean`` column: the expected rate of
a post by an unknown creator with that many followers, linear in log10(followers)
between the file's points, held at the edge outside them) > the built-in curve
(:func:`lineup.domain.priors.engagement_prior`) for platforms the file does not cover.
Fees: the file's rate card (when fitted) replaces the built-in card tier by tier;
the scenario's own ``priors.rate_card`` still wins over both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .links import PLATFORM_ALIASES, platform_name
from .priors import engagement_prior
from .roster import id_keys

__all__ = ["FittedPriors"]


@dataclass(frozen=True)
class FittedPriors:
    """Curves, rate cards and creator rates read from a priors file.

    ``curves``: platform → ``(followers, mean rate)`` points; ``cards``: platform →
    tier → ``(low, high)``; ``rates``: ``(platform, id key)`` → rate; ``source``: the
    file as shown to users; ``rates_source``: the influencer-rates file, if any.

    Examples
    --------
    >>> fp = FittedPriors("p.yaml", {"tiktok": (np.array([1e3, 1e5]), np.array([0.08, 0.04]))},
    ...                   rates={("tiktok", "ann"): 0.2})
    >>> rate, how = fp.engagement(np.array([1e4, 1e4, 1e4]), np.array(["tiktok", "tiktok", "x"], dtype=object),
    ...                           np.array(["@Ann", "bob", "cy"], dtype=object))
    >>> rate.round(3).tolist(), how.tolist()
    ([0.2, 0.06, 0.032], ['influencer rate', 'fitted curve', 'built-in curve'])

    Platforms are matched by :func:`~lineup.domain.links.platform_name` on both sides, so a
    roster's ``tt`` rows take the file's ``tiktok`` curve:

    >>> fp.engagement(np.array([1e4]), np.array(["TT"], dtype=object), np.array(["bob"], dtype=object))[1].tolist()
    ['fitted curve']
    """

    source: str
    curves: dict = field(default_factory=dict)
    cards: dict = field(default_factory=dict)
    rates: dict = field(default_factory=dict)
    rates_source: str | None = None
    groups: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        return (f"FittedPriors({self.source!r}, curves: {', '.join(sorted(self.curves)) or 'none'}, "
                f"cards: {', '.join(sorted(self.cards)) or 'none'}, {len(self.rates):,} creator rates)")

    def engagement(self, followers, platform, ids) -> tuple[np.ndarray, np.ndarray]:
        """Each row's rate and where it came from (``influencer rate``/``fitted curve``/``built-in curve``)."""
        followers = np.asarray(followers, dtype=float)
        platform = _canonical(platform)
        rate = engagement_prior(followers)
        how = np.full(len(followers), "built-in curve", dtype=object)
        x = np.log10(np.maximum(followers, 1.0))
        for name, (points, mean) in self.curves.items():
            rows = platform == name
            rate[rows] = np.interp(x[rows], np.log10(points), mean)
            how[rows] = "fitted curve"
        if self.rates:
            keys = id_keys(ids)
            known = np.array([self.rates.get((p, k), np.nan) for p, k in zip(platform.tolist(), keys)], dtype=float)
            hit = ~np.isnan(known)
            rate[hit], how[hit] = known[hit], "influencer rate"
        return rate, how

    def held_at_edge(self, followers, platform, ids) -> dict[str, int]:
        """Per platform, how many rows :meth:`engagement` fills from a curve outside its fitted follower range.

        >>> fp = FittedPriors("p.yaml", {"tiktok": (np.array([1e3, 1e5]), np.array([0.08, 0.04]))})
        >>> fp.held_at_edge(np.array([500.0, 1e4, 1e6]), np.array(["tiktok"] * 3, dtype=object), np.array(["a", "b", "c"]))
        {'tiktok': 2}
        """
        followers = np.asarray(followers, dtype=float)
        platform = _canonical(platform)
        how = self.engagement(followers, platform, ids)[1]
        out = {}
        for name, (points, _) in sorted(self.curves.items()):
            rows = (platform == name) & (how == "fitted curve")
            n = int((rows & ((followers < points[0]) | (followers > points[-1]))).sum())
            if n:
                out[name] = n
        return out

    def unmatched_rates(self, platform, ids) -> list[tuple[str, str]]:
        """The creator rates no roster row matches (platform, id key), sorted.

        >>> FittedPriors("p.yaml", rates={("tiktok", "ann"): 0.2, ("tiktok", "zed"): 0.1}).unmatched_rates(
        ...     np.array(["tt"], dtype=object), np.array(["@Ann"], dtype=object))
        [('tiktok', 'zed')]
        """
        used = set(zip(_canonical(platform).tolist(), id_keys(ids)))
        return sorted(k for k in self.rates if k not in used)

    def card(self, overrides=None) -> dict:
        """The rate-card overrides to use: the file's cards, then the scenario's (tier by tier) on top.

        A file's card also answers to its platform's short names (``ig`` for ``instagram``), which
        rosters may use as they are.

        >>> FittedPriors("p.yaml", cards={"instagram": {"micro": (1.0, 2.0)}}).card({"ig": {"nano": (0.5, 1.0)}})["ig"]
        {'micro': (1.0, 2.0), 'nano': (0.5, 1.0)}
        """
        out = {p: dict(c) for p, c in self.cards.items()}
        out.update({alias: dict(out[p]) for alias, p in PLATFORM_ALIASES.items() if p in out and alias not in out})
        for p, c in (overrides or {}).items():
            out[p] = {**out.get(p, {}), **c}
        return out

    def describe(self) -> dict:
        """What the file provides, for ``assumptions``/``parameters`` outputs."""
        return {"file": self.source, "platforms": {p: self.groups.get(p, "all") for p in sorted(self.curves)},
                "rate_card_platforms": sorted(self.cards), "influencer_rates": self.rates_source,
                "creators_with_rates": len(self.rates)}


def _canonical(platform) -> np.ndarray:
    """:func:`~lineup.domain.links.platform_name` of each platform (once per distinct name)."""
    platform = np.asarray(platform, dtype=object)
    names, codes = np.unique(platform.astype(str), return_inverse=True)
    return np.array([platform_name(n) for n in names], dtype=object)[codes.reshape(-1)] if len(platform) else platform

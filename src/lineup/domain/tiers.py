"""Influencer tiers by follower count.

Defaults (upper bounds, exclusive): nano < 1,000 ≤ micro < 10,000 ≤ mid <
100,000 ≤ macro < 1,000,000 ≤ mega.  A scenario may move the boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["TIER_NAMES", "DEFAULT_BOUNDS", "Tiers"]

TIER_NAMES: tuple[str, ...] = ("nano", "micro", "mid", "macro", "mega")
#: Upper follower bound (exclusive) of every tier but the last.
DEFAULT_BOUNDS: dict[str, float] = {"nano": 1_000, "micro": 10_000, "mid": 100_000, "macro": 1_000_000}


@dataclass(frozen=True)
class Tiers:
    """Tier boundaries: ``bounds[k]`` is the exclusive upper follower count of tier ``k``.

    Examples
    --------
    >>> t = Tiers()
    >>> t.names_of([500, 1_000, 99_999, 5_000_000]).tolist()
    ['nano', 'micro', 'mid', 'mega']
    """

    bounds: tuple[float, float, float, float] = tuple(DEFAULT_BOUNDS.values())  # type: ignore[assignment]

    def __post_init__(self) -> None:
        b = np.asarray(self.bounds, dtype=float)
        if b.shape != (4,) or np.any(np.diff(b) <= 0) or b[0] <= 0:
            from ._invalid import InvalidValue

            raise InvalidValue(f"tier bounds must be 4 increasing positive numbers, got {self.bounds}")

    @classmethod
    def from_mapping(cls, bounds: dict[str, float]) -> "Tiers":
        """Build from ``{"nano": 1000, ...}``; missing tiers keep their defaults."""
        merged = {**DEFAULT_BOUNDS, **bounds}
        return cls(tuple(float(merged[k]) for k in TIER_NAMES[:-1]))  # type: ignore[arg-type]

    def codes_of(self, followers: np.ndarray) -> np.ndarray:
        """Tier index (0 = nano … 4 = mega) of each follower count."""
        return np.searchsorted(np.asarray(self.bounds), np.asarray(followers, dtype=float), side="right").astype(np.int8)

    def names_of(self, followers: np.ndarray) -> np.ndarray:
        """Tier name of each follower count."""
        return np.asarray(TIER_NAMES, dtype=object)[self.codes_of(followers)]

    def range_of(self, tier: str) -> tuple[float, float]:
        """``(low, high)`` follower range of ``tier``, low inclusive, high exclusive.

        >>> Tiers().range_of("micro")
        (1000.0, 10000.0)
        """
        k = TIER_NAMES.index(tier)
        lows = (0.0, *self.bounds)
        highs = (*self.bounds, float("inf"))
        return float(lows[k]), float(highs[k])

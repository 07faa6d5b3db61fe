"""How many people to simulate: chosen for the portfolios, not guessed.

One simulated person stands for ``k`` real people
(:func:`~lineup.simulation.audiences.audience_scale`), so an influencer with
``f`` real followers gets about ``f / k`` simulated ones.  With only a handful
(a 2,000-follower creator at ``k = 388`` gets 5) its engagements, talkers and
word of mouth are drawn from too few people and the numbers carry a
*resolution error* that the Monte Carlo intervals do not show.

By default (``simulation.population.size: auto``) :func:`choose_size` sizes
the population so that every simulated influencer of every portfolio gets at
least :data:`MIN_SIMULATED_FOLLOWERS` simulated followers under the common
scale, between :data:`AUTO_MIN_PEOPLE` and :data:`AUTO_MAX_PEOPLE` people and
within the memory the machine has (:mod:`lineup.simulation.memory`).  When
the cap stops it, the :class:`Resolution` says so (and how many influencers
stay below).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from lineup.domain.campaign import AUTO_MIN_PEOPLE, SimulationSpec

from .audiences import audience_scale, audience_sizes

__all__ = ["MIN_SIMULATED_FOLLOWERS", "AUTO_MIN_PEOPLE", "AUTO_MAX_PEOPLE", "Resolution", "needed_people",
           "choose_size", "fixed_resolution"]

#: Simulated followers every influencer should get (the resolution target).
MIN_SIMULATED_FOLLOWERS = 20
#: Most people ``auto`` chooses (a replication then takes seconds; more is a scenario's explicit choice).
AUTO_MAX_PEOPLE = 2_000_000


@dataclass(frozen=True)
class Resolution:
    """The simulated population's size and why.

    ``source``: ``"auto"`` (chosen here), ``"scenario"`` (``population.size``) or
    ``"network"`` (a loaded network); ``needed``: people for every influencer
    to get ``min_followers`` simulated followers (``None`` for a network);
    ``limit`` / ``limited_by``: the cap that stopped ``auto`` short
    (``"memory"`` or ``"people cap"``), if any; ``below``: influencers (over
    every portfolio) still under ``min_followers``; ``smallest``: the smallest
    simulated audience.
    """

    size: int
    source: str
    needed: int | None
    min_followers: int
    below: int
    smallest: int
    limit: int | None = None
    limited_by: str | None = None

    @property
    def note(self) -> str | None:
        """Why the resolution target was not reached, or ``None``."""
        if self.below == 0:
            return None
        head = (f"{self.below:,} simulated influencer{'s have' if self.below != 1 else ' has'} fewer than "
                f"{self.min_followers} simulated followers (smallest audience {self.smallest:,}) at "
                f"{self.size:,} simulated people")
        if self.source == "auto" and self.limited_by is not None:
            return (f"{head}: {self.needed:,} people would be needed, but 'auto' stops at {self.limit:,} "
                    f"({'the memory available' if self.limited_by == 'memory' else 'its cap'}); the numbers "
                    f"of the smallest creators carry a resolution error the intervals do not show")
        if self.source == "auto":
            return f"{head}: their real audiences are smaller than {self.min_followers} people"
        where = "the network" if self.source == "network" else "simulation.population.size"
        return (f"{head} ({where}); 'auto' would simulate {self.needed:,} people" if self.needed
                else f"{head} ({where})")

    def to_dict(self) -> dict:
        return {"size": self.size, "source": self.source, "needed": self.needed, "min_followers": self.min_followers,
                "influencers_below": self.below, "smallest_audience": self.smallest, "limit": self.limit,
                "limited_by": self.limited_by, "auto_range": [AUTO_MIN_PEOPLE, AUTO_MAX_PEOPLE], "note": self.note}


def needed_people(real_sets: list[np.ndarray], audience_cap: float,
                  min_followers: int = MIN_SIMULATED_FOLLOWERS) -> int:
    """People for every influencer of every portfolio to get ``min_followers`` simulated followers.

    The common scale is ``k = max_p Σ real_p / (cap × N)``; the smallest audience
    ``min real / k`` reaches ``min_followers`` when ``N ≥ max_p Σ real_p × min_followers /
    (cap × min real)`` (``k`` is at least 1, so audiences smaller than the target stay so).

    Examples
    --------
    >>> needed_people([np.array([2_000.0, 500_000.0])], 0.5)
    10040
    >>> needed_people([np.array([800.0]), np.array([4e5, 4e5])], 0.5)
    40000
    """
    real = np.concatenate([np.asarray(r, dtype=float) for r in real_sets]) if real_sets else np.zeros(0)
    real = real[real > 0]
    if real.size == 0:
        return AUTO_MIN_PEOPLE
    k = max(1.0, float(real.min()) / min_followers)
    biggest = max(float(np.sum(r)) for r in real_sets)
    return int(math.ceil(biggest / (audience_cap * k)))


def _audit(real_sets: list[np.ndarray], size: int, audience_cap: float, min_followers: int) -> tuple[int, int]:
    """``(influencers below min_followers, smallest audience)`` at ``size`` people under the common scale."""
    k = max((audience_scale(r, size, audience_cap) for r in real_sets), default=1.0)
    sizes = [audience_sizes(r, size, k) for r in real_sets if len(r)]
    if not sizes:
        return 0, 0
    every = np.concatenate(sizes)
    return int((every < min_followers).sum()), int(every.min())


def choose_size(real_sets: Iterable[np.ndarray], spec: SimulationSpec, *, people_that_fit: int | None = None,
                min_followers: int = MIN_SIMULATED_FOLLOWERS, max_people: int = AUTO_MAX_PEOPLE) -> Resolution:
    """The ``auto`` population size for portfolios with these real follower counts.

    ``people_that_fit`` is the largest population the memory allows (``None``
    or 0: unknown, not limited).

    Examples
    --------
    >>> spec = SimulationSpec()
    >>> r = choose_size([np.array([50.0, 60_000.0])], spec)
    >>> r.size, r.below, r.smallest
    (48040, 0, 20)
    >>> r = choose_size([np.array([100.0, 5e6])], spec, people_that_fit=1_000_000)
    >>> r.size, r.limited_by, r.below, r.smallest
    (1000000, 'memory', 1, 10)
    """
    real_sets = [np.asarray(r, dtype=float) for r in real_sets]
    cap = spec.audience_cap
    needed = needed_people(real_sets, cap, min_followers)
    limit, limited_by = max_people, "people cap"
    if people_that_fit and people_that_fit < limit:
        limit, limited_by = max(int(people_that_fit), 10), "memory"
    size = min(max(needed, AUTO_MIN_PEOPLE), limit)
    size = max(size, int(math.floor(spec.population_or_default.mean_degree)) + 1)
    below, smallest = _audit(real_sets, size, cap, min_followers)
    stopped = needed > limit
    return Resolution(size=size, source="auto", needed=needed, min_followers=min_followers, below=below,
                      smallest=smallest, limit=limit if stopped else None, limited_by=limited_by if stopped else None)


def fixed_resolution(real_sets: Iterable[np.ndarray], spec: SimulationSpec, size: int, source: str,
                     min_followers: int = MIN_SIMULATED_FOLLOWERS) -> Resolution:
    """The :class:`Resolution` of a size the scenario (or its network) fixed.

    >>> fixed_resolution([np.array([100.0, 60_000.0])], SimulationSpec(), 20_000, "scenario").note[:60]
    '1 simulated influencer has fewer than 20 simulated followers'
    """
    real_sets = [np.asarray(r, dtype=float) for r in real_sets]
    below, smallest = _audit(real_sets, size, spec.audience_cap, min_followers)
    needed = needed_people(real_sets, spec.audience_cap, min_followers) if source == "scenario" else None
    return Resolution(size=int(size), source=source, needed=needed, min_followers=min_followers, below=below,
                      smallest=smallest)

"""Followers of each influencer, drawn from the simulated population.

* **Scale.**  One simulated person stands for
  ``k = max(1, Σ real followers / (audience_cap × N))`` real people, where
  real followers = followers × authenticity (default ``audience_cap`` 0.5, so
  the audiences together hold at most half the population before overlap).
* **Size.**  Influencer ``i`` gets ``min(N, round(followers_i ×
  authenticity_i / k))`` followers (at least one when it has any real ones).
* **Who.**  A fraction ``niche_focus`` (default 0.8) is drawn uniformly,
  without replacement, from people whose primary niche is one of the
  influencer's niches (all of them when the niche is smaller); the rest from
  everyone not already drawn.  Influencers without a niche in the
  population draw from everyone.  Draws are independent per influencer, so
  audiences overlap naturally.

Roster niches are matched to the population's niche names; when none match
(e.g. a real network whose communities are numbered), the ``j``-th roster
niche (sorted by name) is mapped to the ``j``-th largest community
(wrapping around).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lineup._rng import SeedLike, as_generator

from .population import Population

__all__ = ["Audiences", "audience_scale", "audience_sizes", "draw_audiences", "map_niches"]


@dataclass(frozen=True, eq=False)
class Audiences:
    """Follower sets as CSR arrays: influencer ``i`` follows ``members[indptr[i]:indptr[i+1]]``.

    ``scale`` is the number of real people one simulated person stands for.

    Examples
    --------
    >>> a = Audiences(np.array([0, 2, 3]), np.array([4, 7, 7]), scale=2.0)
    >>> a.n, a.sizes().tolist(), a.of(1).tolist()
    (2, [2, 1], [7])
    """

    indptr: np.ndarray
    members: np.ndarray
    scale: float = 1.0

    @property
    def n(self) -> int:
        """Number of influencers."""
        return len(self.indptr) - 1

    def sizes(self) -> np.ndarray:
        """Simulated followers of each influencer."""
        return np.diff(self.indptr)

    def of(self, i: int) -> np.ndarray:
        """Simulated followers (person indices, sorted) of influencer ``i``."""
        return self.members[self.indptr[i]:self.indptr[i + 1]]


def audience_scale(real_followers: np.ndarray, population_size: int, audience_cap: float = 0.5) -> float:
    """Real people per simulated person, ``max(1, Σ real followers / (cap × N))``.

    Examples
    --------
    >>> audience_scale(np.array([3e6, 2e6]), 1_000_000, 0.5)
    10.0
    >>> audience_scale(np.array([1e3]), 1_000_000)
    1.0
    """
    return max(1.0, float(np.sum(real_followers)) / (audience_cap * population_size))


def audience_sizes(real_followers: np.ndarray, population_size: int, scale: float) -> np.ndarray:
    """Simulated followers of each influencer: ``min(N, round(real / k))``, at least one if it has any.

    Examples
    --------
    >>> audience_sizes(np.array([2_000.0, 30_000.0, 1.0, 0.0]), 10_000, 6.4).tolist()
    [312, 4688, 1, 0]
    """
    real = np.asarray(real_followers, dtype=float)
    sizes = np.minimum(population_size, np.round(real / scale)).astype(np.int64)
    sizes[(sizes == 0) & (real > 0)] = 1
    return sizes


def map_niches(influencer_niches: Sequence[str], population: Population) -> dict[str, int]:
    """Population niche code of each roster niche name (see the module notes).

    Examples
    --------
    >>> from lineup.simulation.graph import from_edges
    >>> pop = Population(from_edges([0], [1], 3), np.array([1, 1, 0], dtype=np.int16), ("10", "20"))
    >>> map_niches(["vegan", "golf", "yoga"], pop)
    {'golf': 1, 'vegan': 0, 'yoga': 1}
    >>> map_niches(["20"], pop)
    {'20': 1}
    """
    pos = {name: k for k, name in enumerate(population.niche_names)}
    if any(name in pos for name in influencer_niches) or not population.niche_names:
        return {name: pos[name] for name in influencer_niches if name in pos}
    by_size = np.argsort(-population.niche_sizes(), kind="stable")
    return {name: int(by_size[j % len(by_size)]) for j, name in enumerate(sorted(influencer_niches))}


def _niche_pools(population: Population) -> tuple[np.ndarray, np.ndarray]:
    """People sorted by niche and the start of each niche's run (CSR over niches)."""
    members = np.flatnonzero(population.niche >= 0)
    order = members[np.argsort(population.niche[members], kind="stable")]
    indptr = np.zeros(len(population.niche_names) + 1, dtype=np.int64)
    np.cumsum(population.niche_sizes(), out=indptr[1:])
    return order, indptr


def _nth_outside(taken: np.ndarray, j: np.ndarray) -> np.ndarray:
    """The ``j``-th smallest non-negative integers not in ``taken`` (sorted, unique), without listing them.

    >>> _nth_outside(np.array([2, 5]), np.array([0, 2, 3, 4])).tolist()
    [0, 3, 4, 6]
    """
    return j + np.searchsorted(taken - np.arange(len(taken)), j, side="right")


def _pool_at(codes: np.ndarray, pools, positions: np.ndarray) -> np.ndarray:
    """Members at ``positions`` of the niches ``codes`` laid end to end (without concatenating them)."""
    order, indptr = pools
    lengths = indptr[codes + 1] - indptr[codes]
    ends = np.cumsum(lengths)
    seg = np.searchsorted(ends, positions, side="right")
    return order[indptr[codes[seg]] + positions - (ends[seg] - lengths[seg])]


def _draw_one(size: int, codes: np.ndarray, pools, n: int, focus: float, rng) -> np.ndarray:
    """``Binomial(size, focus)`` people from the niche pool, the rest from everybody else.

    Works in ``O(size log size)``, never in ``O(n)``: the pool and the people outside
    the chosen are indexed, not built.
    """
    order, indptr = pools
    pool_size = int((indptr[codes + 1] - indptr[codes]).sum()) if len(codes) else 0
    n_focus = min(int(rng.binomial(size, focus)) if pool_size else 0, pool_size)
    chosen = _pool_at(codes, pools, rng.choice(pool_size, n_focus, replace=False)) if n_focus else order[:0]
    chosen = np.sort(chosen)
    rest = _nth_outside(chosen, rng.choice(n - len(chosen), size - n_focus, replace=False).astype(np.int64))
    return np.sort(np.concatenate([chosen, rest]))


def draw_audiences(
    population: Population,
    real_followers: np.ndarray,
    niches: Sequence[Sequence[str]],
    *,
    niche_focus: float = 0.8,
    audience_cap: float = 0.5,
    scale: float | None = None,
    seed: SeedLike = None,
) -> Audiences:
    """Draw each influencer's simulated followers.

    Parameters
    ----------
    population : Population
        The people to draw from.
    real_followers : numpy.ndarray
        Real followers of each influencer (followers × authenticity).
    niches : sequence of sequences of str
        Roster niche names of each influencer.
    niche_focus : float
        Fraction of followers drawn from the influencer's niches (default 0.8).
    audience_cap : float
        Audiences sum to at most ``audience_cap × N`` simulated people (default 0.5).
    scale : float, optional
        Real people per simulated person.  Default: :func:`audience_scale` of this
        portfolio.  Comparisons pass one common scale (the largest of their
        portfolios') so that every strategy is simulated in the same real population.
    seed : int, Generator or None
        Randomness.

    Examples
    --------
    >>> from lineup.simulation.population import generate_population
    >>> pop = generate_population(10_000, niches=["a", "b"], seed=0)
    >>> aud = draw_audiences(pop, np.array([2_000.0, 30_000.0]), [["a"], ["b"]], seed=1)
    >>> aud.scale, aud.sizes().tolist()
    (6.4, [312, 4688])
    >>> draw_audiences(pop, np.array([2_000.0]), [["a"]], scale=6.4, seed=1).sizes().tolist()
    [312]
    """
    real = np.asarray(real_followers, dtype=float)
    n = population.size
    if scale is not None and not scale >= 1:
        raise ValueError(f"scale must be at least 1 real person per simulated person, got {scale}")
    scale = audience_scale(real, n, audience_cap) if scale is None else float(scale)
    sizes = audience_sizes(real, n, scale)
    rng = as_generator(seed)
    code_of = map_niches(sorted({s for row in niches for s in row}), population)
    pools = _niche_pools(population)
    parts = []
    for i, size in enumerate(sizes.tolist()):  # one vectorised draw per influencer
        codes = np.unique([code_of[s] for s in niches[i] if s in code_of]).astype(np.int64)
        parts.append(_draw_one(size, codes, pools, n, niche_focus, rng))
    indptr = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum([len(p) for p in parts], out=indptr[1:])
    members = np.concatenate(parts) if parts else np.zeros(0, np.int64)
    return Audiences(indptr=indptr, members=members.astype(np.int64), scale=scale)

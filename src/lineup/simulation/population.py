"""Simulated people: a primary niche each and a social graph.

:func:`generate_population` draws a degree-corrected stochastic block model:

* **Niches.**  Each person is "general" (no niche, code ``-1``) with
  probability ``general_share`` (default 0.3); the others are spread evenly
  over the campaign's niches.
* **Expected degrees** ``θ_i`` are Pareto with tail exponent
  ``degree_exponent`` (α, default 2.5: ``P(θ > x) ~ x^(1-α)``), rescaled to
  mean ``mean_degree`` (default 10 ties/person) and capped at
  ``max_degree`` (default 150, Dunbar's number) and at ``sqrt(size ×
  mean_degree)`` so that no pair probability exceeds one.  The cap is a
  number of people, not a share of the population: with a tail exponent
  below 3 the second moment of the degrees, and with it the reach of word of
  mouth, would otherwise grow with the population size, and a finer
  resolution would simulate a different (more connected) society.
* **Ties.**  A niche member spends a fraction ``1 - mixing`` of its expected
  degree on ties inside its niche and ``mixing`` (default 0.2) on ties to
  people of other niches or none; general people tie to anyone.  Edges are
  sampled block by block, Chung–Lu style, with endpoints proportional to
  ``θ``: every person gets Poisson(θ/2) first and Poisson(θ/2) second edge
  ends, and the second ends are shuffled (:func:`shuffled`) and paired with
  the first ones (Norros–Reittu, the Poisson version of Chung–Lu).  Cross ties that land in
  a single niche are rejected (their count is inflated beforehand so that the
  expected degree is kept).  Self-loops and duplicate ties are dropped, so
  realised degrees are slightly below ``θ``.

numpy draws every random number; two numba kernels (the shuffle and the CSR
build, :mod:`lineup.simulation._build_jit`) do the passes numpy cannot do in
cache, with Python/numpy twins that give the same arrays without numba.  1M
people with mean degree 10 take 0.85 s once the process is warm, 1.7 s in a fresh
one (numba's start-up included; ``benchmarks/campaign.py``, 2026-12-02).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from lineup._rng import SeedLike, as_generator
from lineup.domain.campaign import (
    DEFAULT_MAX_DEGREE,
    MAX_DEGREE_EXPONENT,
    MAX_MAX_DEGREE,
    MAX_PEOPLE,
    MIN_DEGREE_EXPONENT,
)
from lineup.errors import UsageError

from .graph import CSRGraph, build_kernels, from_edges

__all__ = ["Population", "generate_population", "pareto_degrees", "shuffled"]


@dataclass(frozen=True, eq=False)
class Population:
    """People (graph nodes) with a primary niche each.

    Parameters
    ----------
    graph : CSRGraph
        Social ties; ``graph.n`` is the number of people.
    niche : numpy.ndarray
        ``int32`` index into ``niche_names`` of each person's primary niche,
        ``-1`` for none.
    niche_names : tuple of str
        Names of the niches (communities).
    scale : float
        Real people per simulated person (set when audiences are drawn).

    Examples
    --------
    >>> pop = generate_population(1000, niches=["a", "b"], seed=1)
    >>> pop.size, pop.niche_names, int(pop.niche_sizes().sum()) <= 1000
    (1000, ('a', 'b'), True)
    """

    graph: CSRGraph
    niche: np.ndarray
    niche_names: tuple[str, ...]
    scale: float = 1.0

    def __post_init__(self) -> None:
        if len(self.niche) != self.graph.n:
            raise UsageError(f"niche must have one entry per person ({self.graph.n}), got {len(self.niche)}")

    @property
    def size(self) -> int:
        """Number of simulated people."""
        return self.graph.n

    def niche_sizes(self) -> np.ndarray:
        """People whose primary niche is each of ``niche_names``."""
        known = self.niche[self.niche >= 0]
        return np.bincount(known, minlength=len(self.niche_names)).astype(np.int64)

    def with_scale(self, scale: float) -> "Population":
        """A copy standing for ``scale`` real people per simulated person."""
        return replace(self, scale=float(scale))


def pareto_degrees(size: int, mean: float, exponent: float, rng: np.random.Generator,
                   max_degree: float = DEFAULT_MAX_DEGREE) -> np.ndarray:
    """Heavy-tailed expected degrees: Pareto(α = ``exponent``) rescaled to ``mean``, capped.

    The cap is ``min(max_degree, sqrt(size × mean))``; after the last
    rescale to ``mean`` it may be exceeded by a fraction of a percent.

    Examples
    --------
    >>> th = pareto_degrees(100_000, 10.0, 2.5, as_generator(0))
    >>> bool(abs(th.mean() - 10) < 1e-6), bool(th.max() > 10 * th.min()), bool(th.max() < 151)
    (True, True, True)
    """
    theta = (1.0 - rng.random(size)) ** (-1.0 / (exponent - 1.0))
    cap = min(float(max_degree), np.sqrt(size * mean))
    for _ in range(6):  # rescale, cap, repeat: converges in a few rounds
        theta *= mean / theta.mean()
        np.minimum(theta, cap, out=theta)
    return theta * (mean / theta.mean())


def _assign_niches(size: int, n_niches: int, general_share: float, rng: np.random.Generator) -> np.ndarray:
    if n_niches == 0:
        return np.full(size, -1, dtype=np.int32)
    niche = rng.integers(0, n_niches, size=size).astype(np.int32)
    niche[rng.random(size) < general_share] = -1
    return niche


def _pair_stubs(people: np.ndarray, weight: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Chung–Lu style edges among ``people``: Poisson(weight) edge ends each, randomly paired.

    Each person gets ``Poisson(weight_i / 2)`` "first" ends, kept in person
    order, and ``Poisson(weight_i / 2)`` "second" ends, shuffled; first end
    ``k`` is paired with second end ``k``; the surplus of the longer list
    (``≈ sqrt(Σ weight)`` ends, taken at random) is paired among itself.  A
    person's ends are ``Poisson(weight_i)`` in all and
    ``P(i ~ j) ≈ weight_i weight_j / Σ weight`` (Norros–Reittu), as with one
    shuffled list of ``Poisson(weight_i)`` ends cut in two halves — but only
    half the ends are shuffled.
    """
    first = np.repeat(people, rng.poisson(weight / 2))
    second = shuffled(np.repeat(people, rng.poisson(weight / 2)), rng)
    if len(first) > len(second):
        spare = rng.choice(len(first), size=len(first) - len(second), replace=False)
        extra, first = first[spare], np.delete(first, spare)
        rng.shuffle(extra)
    else:
        extra, second = second[len(first):], second[:len(first)]
    half = len(extra) // 2
    return np.concatenate([first, extra[:half]]), np.concatenate([second, extra[half:2 * half]])


#: groups of the shuffle's first level (a group of 5M / 256 ids fits the CPU's L2 cache)
SHUFFLE_BUCKETS = 256


def shuffled(items: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A uniformly random permutation of ``items`` (a new array), cache-friendly on long arrays.

    One level of the Rao–Sandelius shuffle: every item draws one of
    :data:`SHUFFLE_BUCKETS` groups (``rng.integers``), the groups are laid out in
    order (items keep their order inside a group), and each group is shuffled by
    Fisher–Yates with one ``rng.random`` double per item, ``j = floor(u × (i + 1))``
    (a bias below ``i / 2^53``).  Every order is equally likely: given the groups,
    each group's order is uniform, and the groups are i.i.d. uniform.  numpy's own
    shuffle visits random places of the whole array; this one stays inside a group
    that fits the CPU cache (5M ids: 0.08 s against 0.29 s).  The numba kernel
    (:func:`lineup.simulation._build_jit.bucket_shuffle`) and the Python loop used
    without numba give the same array.

    Examples
    --------
    >>> x = shuffled(np.arange(10), np.random.default_rng(3))
    >>> sorted(x.tolist()) == list(range(10)), x.tolist() == shuffled(np.arange(10), np.random.default_rng(3)).tolist()
    (True, True)
    """
    group = rng.integers(0, SHUFFLE_BUCKETS, size=len(items), dtype=np.uint8)
    uniform = rng.random(len(items))
    kernels = build_kernels()
    if kernels is not None:
        return kernels.bucket_shuffle(items, group, uniform, SHUFFLE_BUCKETS)
    order = np.argsort(group, kind="stable")
    out = items[order]
    starts = np.searchsorted(group[order], np.arange(SHUFFLE_BUCKETS + 1))
    for lo, hi in zip(starts[:-1].tolist(), starts[1:].tolist()):
        for i in range(hi - 1, lo, -1):
            j = lo + int(uniform[i] * (i - lo + 1))
            out[i], out[j] = out[j], out[i]
    return out


def _within_edges(theta_in: np.ndarray, niche: np.ndarray, n_niches: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """Edges inside every niche block (one vectorised draw per niche)."""
    blocks = [np.flatnonzero(niche == k).astype(np.int32) for k in range(n_niches)]   # members, in person order
    parts = [_pair_stubs(people, theta_in[people], rng) for people in blocks]
    return np.concatenate([q[0] for q in parts]), np.concatenate([q[1] for q in parts])


def _cross_edges(theta_x: np.ndarray, niche: np.ndarray, n_niches: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """Edges between niches (or with general people); same-niche pairs are rejected.

    Stubs are inflated by ``1 / (1 - P(same niche))`` so that degrees are kept.
    """
    total = theta_x.sum()
    if total <= 0:
        return np.zeros(0, np.int32), np.zeros(0, np.int32)
    share = np.bincount(niche[niche >= 0], weights=theta_x[niche >= 0], minlength=n_niches) / total
    inflate = 1.0 / max(1.0 - float((share**2).sum()), 1e-9)
    src, dst = _pair_stubs(np.arange(len(theta_x), dtype=np.int32), theta_x * inflate, rng)
    keep = (niche[src] != niche[dst]) | (niche[src] < 0)
    return src[keep], dst[keep]


def generate_population(
    size: int,
    *,
    niches: Sequence[str] = (),
    mean_degree: float = 10.0,
    mixing: float = 0.2,
    degree_exponent: float = 2.5,
    general_share: float = 0.3,
    seed: SeedLike = None,
    max_degree: float = DEFAULT_MAX_DEGREE,
) -> Population:
    """Generate ``size`` people with niches and an undirected social graph.

    Parameters
    ----------
    size : int
        Number of people.
    niches : sequence of str
        Niche names; people are spread evenly over them (after the general share).
    mean_degree : float
        Target mean number of ties per person (default 10).
    mixing : float
        Fraction of a niche member's ties outside its niche (default 0.2).
    degree_exponent : float
        Pareto tail exponent of the expected degrees (in (2, 100], default 2.5).
    general_share : float
        Fraction of people with no niche (default 0.3).
    max_degree : float
        Cap on the expected degrees (ties/person, above ``mean_degree``;
        default 150, Dunbar's number).
    seed : int, Generator or None
        Randomness (see :mod:`lineup._rng`).

    Examples
    --------
    >>> pop = generate_population(2000, niches=["fitness", "vegan"], mean_degree=8, seed=3)
    >>> bool(6.5 < pop.graph.m / pop.size < 8.5)
    True
    """
    _check_args(size, mean_degree, mixing, degree_exponent, general_share, max_degree)
    rng = as_generator(seed)
    names = tuple(str(s) for s in niches)
    niche = _assign_niches(size, len(names), general_share, rng)
    theta = pareto_degrees(size, mean_degree, degree_exponent, rng, max_degree)
    member = niche >= 0
    theta_in = np.where(member, theta * (1.0 - mixing), 0.0)
    theta_x = theta - theta_in
    parts = [_within_edges(theta_in, niche, len(names), rng)] if names else []
    parts.append(_cross_edges(theta_x, niche, len(names), rng))
    src = np.concatenate([p[0] for p in parts])
    dst = np.concatenate([p[1] for p in parts])
    graph = from_edges(src, dst, size, directed=False)
    return Population(graph=graph, niche=niche, niche_names=names)


def _check_args(size, mean_degree, mixing, degree_exponent, general_share, max_degree) -> None:
    problems = []
    if not 2 <= int(size) <= MAX_PEOPLE:
        problems.append(f"size must be between 2 and {MAX_PEOPLE:,} people, got {size}")
    if not mean_degree > 0 or mean_degree >= size:
        problems.append(f"mean_degree must be in (0, size), got {mean_degree}")
    if not 0 <= mixing <= 1:
        problems.append(f"mixing must be in [0, 1], got {mixing}")
    if not MIN_DEGREE_EXPONENT < degree_exponent <= MAX_DEGREE_EXPONENT:
        problems.append(f"degree_exponent must be in ({MIN_DEGREE_EXPONENT:g}, {MAX_DEGREE_EXPONENT:g}], "
                        f"got {degree_exponent}")
    if not mean_degree < max_degree <= MAX_MAX_DEGREE:
        problems.append(f"max_degree must be above mean_degree and at most {MAX_MAX_DEGREE:,}, got {max_degree}")
    if not 0 <= general_share < 1:
        problems.append(f"general_share must be in [0, 1), got {general_share}")
    if problems:
        raise UsageError("invalid population parameters", problems)

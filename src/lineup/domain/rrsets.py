"""Reverse-reachable (RR) sets: a sample of *who would make a random person talk*.

An RR set is drawn by picking a target person uniformly at random and collecting
every item (an influencer, or a seed node) whose activation would make that person
active in one random draw of the live edges (Borgs et al. 2014; Tang et al. 2014).
For any selection ``S`` of items,

.. math::

    E[\\text{spread}(S)] = \\text{people} \\times P(S \\cap R \\neq \\emptyset),

so the share of the ``θ`` sampled sets that ``S`` covers, times the number of people
targets are drawn from, is an unbiased estimate of the expected spread.  Maximising
the covered share is a maximum-coverage problem: the optimiser's ``talkers`` term and
:func:`lineup.maximize_influence` both work on this value.

Only non-empty sets are stored (``count`` is ``θ``, empty ones included): most random
people are out of every audience's reach, so the empty sets are most of the sample.

A sample may be **importance-weighted**: set ``r`` carries a weight ``w_r ∈ (0, 1]`` (the
probability that its target's set was non-empty, the set itself drawn conditioned on that),
and ``covered(S) = Σ_r w_r [S ∩ R_r ≠ ∅]`` — still an unbiased estimate of ``θ × P(S ∩ R ≠ ∅)``
with a far smaller variance when most sets would be empty.  Unweighted sets weigh 1.

Bounds (OPIM-C, Tang, Tang, Xiao & Yuan, SIGMOD 2018, eqs. 7–8, from martingale
concentration; ``a = ln(1/δ)``):

* a **lower bound** on the spread of a fixed ``S`` from ``Λ`` = the sets it covers in a
  sample drawn independently of how ``S`` was chosen:
  ``((√(Λ + 2a/9) − √(a/2))² − a/18) × people / θ``, holding with probability ``≥ 1 − δ``;
* an **upper bound** on the best spread any allowed selection reaches, from an upper
  bound ``Λᵘ`` on the best coverage in the sample the selection was optimised on:
  ``(√(Λᵘ + a/2) + √(a/2))² × people / θ``, with probability ``≥ 1 − δ``.

Their ratio is a certified approximation ratio of the chosen selection (with
probability ``≥ 1 − δ₁ − δ₂``).

Examples
--------
>>> import numpy as np
>>> rr = RRSets.from_lists([[0], [0, 2], [1]], count=10, n=3, people=1_000)
>>> rr.covered([0]), rr.estimate([0]), rr.estimate(np.array([True, True, False]))
(2.0, 200.0, 300.0)
>>> rr.singles().tolist(), len(rr.multiples()[2])
([1.0, 1.0, 0.0], 1)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["RRSets", "Cover", "TalkersForecast", "lower_bound", "bernstein_lower_bound", "upper_bound",
           "bernstein_upper_bound", "sets_needed"]


def lower_bound(covered: float, count: int, people: float, delta: float) -> float:
    """Spread a fixed selection reaches with probability ``≥ 1 − delta`` (OPIM-C eq. 7).

    ``covered`` sets out of ``count`` drawn independently of the selection.

    Examples
    --------
    >>> round(lower_bound(500, 10_000, 1e6, 0.01), 1)
    43513.9
    >>> lower_bound(0, 10_000, 1e6, 0.01)
    0.0
    """
    a = math.log(1.0 / delta)
    inner = math.sqrt(covered + 2.0 * a / 9.0) - math.sqrt(a / 2.0)
    value = (max(inner, 0.0) ** 2 - a / 18.0) * people / count
    return max(0.0, value)


def bernstein_lower_bound(covered: float, squares: float, count: int, people: float, delta: float) -> float:
    """Spread a fixed selection reaches with probability ``≥ 1 − delta``, from the empirical Bernstein
    bound (Maurer & Pontil 2009, thm. 4) on its per-set values ``X_r = w_r [S ∩ R_r ≠ ∅] ∈ [0, 1]``:
    ``mean − √(2 V ln(2/δ) / θ) − 7 ln(2/δ) / (3(θ − 1))``, ``V`` the sample variance.

    ``covered`` = Σ X_r and ``squares`` = Σ X_r² over ``count`` sets.  Far tighter than
    :func:`lower_bound` for importance-weighted sets (small ``X_r``, small variance) once ``θ`` is large.

    Examples
    --------
    >>> round(bernstein_lower_bound(500, 500, 10_000, 1e6, 0.01), 1)     # 0/1 values: looser than OPIM-C
    41668.6
    >>> round(bernstein_lower_bound(50, 0.5, 1_000_000, 1e6, 0.01), 1)  # weights ~0.01: the estimate is 50
    35.3
    """
    if count < 2:
        return 0.0
    a = math.log(2.0 / delta)
    mean = covered / count
    var = max(squares / count - mean ** 2, 0.0) * count / (count - 1)
    return max(0.0, mean - math.sqrt(2.0 * var * a / count) - 7.0 * a / (3.0 * (count - 1))) * people


def upper_bound(covered: float, count: int, people: float, delta: float) -> float:
    """Highest spread the best selection can reach, with probability ``≥ 1 − delta`` (OPIM-C eq. 8).

    ``covered`` is an upper bound on the coverage of the best selection in the
    sample it was optimised on (a proven bound of the MILP, or greedy ÷ (1 − 1/e) under a cardinality
    constraint alone).

    Examples
    --------
    >>> round(upper_bound(500, 10_000, 1e6, 0.01), 1)
    57262.3
    """
    a = math.log(1.0 / delta)
    return (math.sqrt(covered + a / 2.0) + math.sqrt(a / 2.0)) ** 2 * people / count


def bernstein_upper_bound(covered: float, squares: float, count: int, people: float, delta: float) -> float:
    """Highest spread the best selection can reach, with probability ``≥ 1 − delta``, for weighted sets.

    ``covered`` bounds the best selection's coverage Σ X_r on the sample it was optimised on (as in
    :func:`upper_bound`) and ``squares`` bounds its Σ X_r² there (e.g. Σ w_r² over *every* set of the
    sample, or max w × ``covered``: ``X = w [S ∩ R ≠ ∅] ≤ w``), so that ``v`` below bounds ``E[X²] ≥ Var X``.  With ``a = ln(2/δ)``:
    ``v = (√(squares + a/2) + √(a/2))² / θ`` (an upper confidence bound on ``E[w²]``, probability
    ``1 − δ/2``), then Bernstein's inequality for the best selection's mean (``1 − δ/2``):
    ``μ ≤ covered/θ + a/(3θ) + √((a/(3θ))² + 2 v a / θ)``.  Much tighter than :func:`upper_bound` when
    the weights are small, since ``upper_bound`` must allow a variance as large as the mean.

    Examples
    --------
    >>> round(bernstein_upper_bound(50, 2.0, 1_000_000, 1e6, 0.01), 1), round(upper_bound(50, 1_000_000, 1e6, 0.01), 1)
    (64.2, 76.6)
    """
    a = math.log(2.0 / delta)
    v = min(1.0, (math.sqrt(squares + a / 2.0) + math.sqrt(a / 2.0)) ** 2 / count)
    r = a / (3.0 * count)
    return (covered / count + r + math.sqrt(r * r + 2.0 * v * a / count)) * people


def sets_needed(share: float, epsilon: float, delta: float) -> int:
    """RR sets whose covered count estimates a share ``share`` within relative error ``epsilon``
    with probability ``≥ 1 − delta`` (a Chernoff bound: ``(2 + 2ε/3) ln(2/δ) / (ε² share)``).

    Examples
    --------
    >>> sets_needed(0.01, 0.1, 0.01)
    109499
    """
    share = min(max(share, 1e-12), 1.0)
    return int(math.ceil((2.0 + 2.0 * epsilon / 3.0) * math.log(2.0 / delta) / (epsilon ** 2 * share)))


def _as_mask(chosen, n: int) -> np.ndarray:
    a = np.asarray(chosen)
    if a.dtype == bool:
        if a.shape != (n,):
            raise ValueError(f"a mask over {n:,} items was expected, got shape {a.shape}")
        return a
    mask = np.zeros(n, dtype=bool)
    mask[a.astype(np.int64)] = True
    return mask


@dataclass(frozen=True, eq=False)
class RRSets:
    """``count`` RR sets over ``n`` items; the non-empty ones as CSR arrays.

    Set ``r`` holds the items ``members[indptr[r]:indptr[r + 1]]`` (sorted, unique, at
    least one); ``count - len(indptr) + 1`` sets are empty.  ``people`` is the number of
    people targets were drawn from (real people: simulated population × audience scale),
    so ``estimate(S) = people × covered(S) / count``.
    """

    indptr: np.ndarray
    members: np.ndarray
    count: int
    n: int
    people: float

    weights: np.ndarray | None = None

    @classmethod
    def from_lists(cls, sets: Sequence, *, count: int, n: int, people: float, weights=None) -> "RRSets":
        """Build from a list of item lists (empty ones are dropped and counted), optionally weighted."""
        kept = [np.unique(np.asarray(s, dtype=np.int64)) for s in sets]
        full = [k for k, s in enumerate(kept) if len(s)]
        kept = [kept[k] for k in full]
        indptr = np.zeros(len(kept) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum([len(s) for s in kept])
        members = np.concatenate(kept).astype(np.int64) if kept else np.zeros(0, dtype=np.int64)
        w = None if weights is None else np.asarray(weights, dtype=float)[full]
        return cls(indptr, members, int(count), int(n), float(people), w)

    def weight(self) -> np.ndarray:
        """The weight of each stored set (1 when unweighted)."""
        return np.ones(self.stored) if self.weights is None else np.asarray(self.weights, dtype=float)

    @property
    def stored(self) -> int:
        """Non-empty sets."""
        return len(self.indptr) - 1

    def hits(self, chosen) -> np.ndarray:
        """Which stored sets ``chosen`` (a mask over the items or their indices) covers."""
        if self.stored == 0:
            return np.zeros(0, dtype=bool)
        mask = _as_mask(chosen, self.n)
        return np.logical_or.reduceat(mask[self.members], self.indptr[:-1])

    def covered(self, chosen) -> float:
        """Sets ``chosen`` covers (their total weight)."""
        hit = self.hits(chosen)
        return float(np.count_nonzero(hit)) if self.weights is None else float(self.weight()[hit].sum())

    def estimate(self, chosen) -> float:
        """Expected spread of ``chosen``: ``people × covered / count``."""
        return self.people * self.covered(chosen) / self.count

    def squares(self, chosen) -> float:
        """Σ of the squared weights of the sets ``chosen`` covers (the second moment's numerator)."""
        return float((self.weight()[self.hits(chosen)] ** 2).sum())

    def standard_error(self, chosen) -> float:
        """Standard error of :meth:`estimate` (binomial; with weights, of the weighted mean over ``θ`` sets)."""
        hit = self.hits(chosen)
        w = self.weight()[hit]
        mean, square = w.sum() / self.count, (w ** 2).sum() / self.count
        return self.people * math.sqrt(max(square - mean ** 2, 0.0) / self.count)

    def sizes(self) -> np.ndarray:
        """Items in each stored set."""
        return np.diff(self.indptr)

    def singles(self) -> np.ndarray:
        """Per item, the number of sets that hold that item alone (covered exactly when it is chosen)."""
        one = self.sizes() == 1
        return np.bincount(self.members[self.indptr[:-1][one]], weights=self.weight()[one],
                           minlength=self.n).astype(float)

    def multiples(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The sets with two or more items, identical ones merged: ``(indptr, members, weight)``.

        ``weight`` is the total weight of the sampled sets each distinct set stands for (their number
        when unweighted).
        """
        sizes = self.sizes()
        many = np.flatnonzero(sizes >= 2)
        if not len(many):
            return np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
        keyed: dict[bytes, int] = {}
        order: list[np.ndarray] = []
        weight: list[float] = []
        per_set = self.weight()
        for r in many.tolist():
            s = self.members[self.indptr[r]:self.indptr[r + 1]]
            key = s.tobytes()
            k = keyed.get(key)
            if k is None:
                keyed[key] = len(order)
                order.append(s)
                weight.append(float(per_set[r]))
            else:
                weight[k] += float(per_set[r])
        indptr = np.zeros(len(order) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum([len(s) for s in order])
        return indptr, np.concatenate(order).astype(np.int64), np.asarray(weight)

    def by_item(self) -> tuple[np.ndarray, np.ndarray]:
        """Inverted index: item ``i`` is in the stored sets ``sets[indptr[i]:indptr[i + 1]]`` (ascending).

        scipy's CSR → CSC conversion: a counting sort, ``O(n + Σ|R|)`` (an argsort of the
        members is ~10× slower on millions of sets).

        Examples
        --------
        >>> rr = RRSets.from_lists([[0, 2], [2], [1, 2]], count=3, n=4, people=4)
        >>> [a.tolist() for a in rr.by_item()]
        [[0, 1, 2, 5, 5], [0, 2, 0, 1, 2]]
        """
        from scipy.sparse import csr_matrix

        ones = np.ones(len(self.members), dtype=np.int8)
        csc = csr_matrix((ones, self.members, self.indptr), shape=(self.stored, self.n)).tocsc()
        return csc.indptr.astype(np.int64, copy=False), csc.indices.astype(np.int64, copy=False)

    def cover(self, index: tuple | None = None) -> "Cover":
        """An empty selection's :class:`Cover` (``index``: :meth:`by_item`, if already built)."""
        ptr, sets = self.by_item() if index is None else index
        weight = self.weight()
        gain = np.bincount(self.members, weights=np.repeat(weight, self.sizes()), minlength=self.n)
        return Cover(self, ptr, sets, weight, np.zeros(self.stored, dtype=bool), gain)

    def merged(self, other: "RRSets") -> "RRSets":
        """Both samples as one (same items, same people)."""
        if other.n != self.n or not math.isclose(other.people, self.people):
            raise ValueError("RR samples over different items or people cannot be merged")
        weights = None if self.weights is None and other.weights is None else \
            np.concatenate([self.weight(), other.weight()])
        return RRSets(np.concatenate([self.indptr, other.indptr[1:] + self.indptr[-1]]),
                      np.concatenate([self.members, other.members]), self.count + other.count, self.n, self.people,
                      weights)

    def restricted(self, keep: np.ndarray) -> "RRSets":
        """The same sample over the items ``keep`` (a mask) renumbered ``0 .. keep.sum() - 1``;
        sets left empty count as empty."""
        keep = np.asarray(keep, dtype=bool)
        new = np.cumsum(keep) - 1
        inside = keep[self.members]
        owner = np.repeat(np.arange(self.stored, dtype=np.int64), self.sizes())[inside]
        sizes = np.bincount(owner, minlength=self.stored)
        left = sizes > 0
        indptr = np.zeros(int(left.sum()) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum(sizes[left])
        return RRSets(indptr, new[self.members[inside]].astype(np.int64), self.count, int(keep.sum()), self.people,
                      None if self.weights is None else self.weight()[left])


@dataclass(eq=False)
class Cover:
    """The sets a growing selection covers, and every item's marginal coverage (``gain``, the weight of
    its uncovered sets): taking an item covers its sets and lowers the gain of every member of them.

    Examples
    --------
    >>> c = RRSets.from_lists([[0], [0, 1], [1, 2]], count=4, n=3, people=4).cover()
    >>> c.gain.tolist(), c.take(1), c.gain.tolist()
    ([2.0, 2.0, 1.0], 2.0, [1.0, 0.0, 0.0])
    """

    rr: RRSets
    ptr: np.ndarray
    sets: np.ndarray
    weight: np.ndarray
    covered: np.ndarray
    gain: np.ndarray
    #: (items, how much their gain fell) at the last :meth:`take`
    last: tuple = (np.zeros(0, dtype=np.int64), np.zeros(0))

    def take(self, item: int) -> float:
        """Cover the sets of ``item``; returns the weight newly covered (``gain`` and :attr:`last` updated)."""
        new = self.sets[self.ptr[item]:self.ptr[item + 1]]
        new = new[~self.covered[new]]
        if not new.size:
            self.last = (np.zeros(0, dtype=np.int64), np.zeros(0))
            return 0.0
        self.covered[new] = True
        starts, lengths = self.rr.indptr[new], self.rr.indptr[new + 1] - self.rr.indptr[new]
        flat = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(int(lengths.sum()))
        touched, at = np.unique(self.rr.members[flat], return_inverse=True)
        drop = np.bincount(at, weights=np.repeat(self.weight[new], lengths), minlength=touched.size)
        self.gain[touched] -= drop
        self.last = (touched, drop)
        return float(self.weight[new].sum())

    def copy(self) -> "Cover":
        return Cover(self.rr, self.ptr, self.sets, self.weight, self.covered.copy(), self.gain.copy())


@dataclass(frozen=True)
class TalkersForecast:
    """Expected talkers of a chosen portfolio, estimated on RR sets, with its certificate.

    ``estimate`` (± ``standard_error``) comes from the *check* sample, drawn independently
    of the choice (so it is unbiased for the chosen portfolio); ``lower`` is its OPIM-C
    lower bound.  When the objective is talkers alone, ``best_upper`` bounds the talkers
    of the best portfolio the rules allow and ``ratio = lower / best_upper`` is a certified
    fraction of the best; both bounds hold together with probability ``≥ confidence``, given the
    sampled populations and audiences (the simulation model's assumptions are not sampling error).
    ``simulated`` is the independent simulation check (mean and interval of the simulated
    talkers on fresh seeds) when it ran.  Talkers are real people.

    Examples
    --------
    >>> f = TalkersForecast(estimate=1200.0, standard_error=30.0, lower=1100.0, best_upper=1300.0,
    ...                     ratio=1100 / 1300, target=0.9, confidence=0.95, sets=100_000, rounds=2,
    ...                     populations=4, seconds=1.5)
    >>> f.certified, f.to_dict()["ratio"]
    (False, 0.846154)
    """

    estimate: float
    standard_error: float
    lower: float
    best_upper: float | None
    ratio: float | None
    target: float
    confidence: float
    sets: int
    rounds: int
    populations: int
    seconds: float
    stored: int = 0
    check_sets: int = 0
    simulated: dict | None = None
    notes: tuple[str, ...] = ()
    #: The check sample itself (R2), for what-ifs that must score portfolios the same way; not in ``to_dict``.
    check_sample: "RRSets | None" = field(default=None, repr=False, compare=False)

    @property
    def certified(self) -> bool:
        """Whether the certified ratio reached the target ``1 − epsilon``."""
        return self.ratio is not None and self.ratio >= self.target

    def to_dict(self) -> dict:
        """JSON-ready (talkers rounded to 0.01, ratios to 6 digits)."""
        r2 = lambda x: None if x is None else round(float(x), 2)  # noqa: E731
        return {
            "estimate": r2(self.estimate), "standard_error": r2(self.standard_error), "lower_bound": r2(self.lower),
            "best_upper_bound": r2(self.best_upper),
            "ratio": None if self.ratio is None else round(float(self.ratio), 6),
            "target_ratio": round(float(self.target), 6), "certified": self.certified,
            "confidence": self.confidence, "rr_sets": int(self.sets), "rr_sets_stored": int(self.stored),
            "check_sets": int(self.check_sets),
            "rounds": int(self.rounds), "populations": int(self.populations), "seconds": round(self.seconds, 3),
            "simulated": self.simulated, "notes": list(self.notes),
        }

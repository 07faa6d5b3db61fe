"""Maximum coverage over RR sets: the greedy choice and an upper bound on the best choice.

Choosing seeds ``S`` to maximise the number of RR sets they cover is a monotone
submodular maximisation.  Two constraints:

* **cardinality** ``|S| ≤ k``: the greedy (take the item covering most uncovered
  sets, ``k`` times) covers at least ``(1 − 1/e)`` of the best ``k`` items
  (Nemhauser, Wolsey & Fisher 1978);
* **budget** ``Σ_{i∈S} c_i ≤ B``: the *cost-effective* greedy (take the
  affordable item with the most uncovered sets per unit cost until nothing
  affordable adds coverage), compared with the best single affordable item;
  the better of the two covers at least ``(1 − 1/e) / 2`` of the best affordable
  selection (Khuller, Moss & Naor 1999; Tang, Tang & Xiao 2021 prove ≈ 0.405
  for this algorithm, but ``(1 − 1/e) / 2`` is what is claimed here).

Marginal coverages are kept exact, not lazily: every item's count of uncovered
sets lives in one array, and when a set becomes covered it is taken off the
counts of all its items (found with the inverted index
:meth:`~lineup.domain.rrsets.RRSets.by_item`), so each set is visited once
and each step is one vectorised arg-max — ``O(steps × n + Σ|R|)``.  The exact
counts also give, at every step ``i``, the upper bound on the best coverage
used by OPIM-C (Tang et al. 2018):

.. math::

    \\text{cov}(S^*) \\le \\text{cov}(S_i) + \\max_{T \\text{ feasible}} \\sum_{v \\in T} \\Delta(v \\mid S_i),

(submodularity), the right-hand maximum being the ``k`` largest marginal counts
(cardinality) or the fractional-knapsack relaxation of the marginal counts
(budget, an upper bound on the integer one).  The minimum over the greedy's
prefixes is returned.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lineup.domain.rrsets import RRSets


__all__ = ["Coverage", "greedy_k", "greedy_budget", "CARDINALITY_RATIO", "BUDGET_RATIO"]

#: Guaranteed share of the best coverage: greedy with ``|S| ≤ k``.
CARDINALITY_RATIO = 1.0 - 1.0 / math.e
#: Guaranteed share of the best coverage: best of cost-effective greedy and best single item.
BUDGET_RATIO = (1.0 - 1.0 / math.e) / 2.0

# Beyond this many items the upper bound is refreshed only at steps 1, 2, 4, 8, ... and the last
# (still a valid bound: a minimum over fewer prefixes).
_EVERY_STEP_UP_TO = 200_000


@dataclass(frozen=True)
class Coverage:
    """A chosen item set and what it covers in the sample it was chosen on.

    Attributes
    ----------
    items : numpy.ndarray
        Chosen item positions in the order chosen (``int64``).
    gains : numpy.ndarray
        Sets each item newly covered when chosen (sum = ``covered``).
    covered : int
    upper : float
        Upper bound on the coverage of the best feasible selection in the same sample.
    """

    items: np.ndarray
    gains: np.ndarray
    covered: int
    upper: float


def _top_sum(gain: np.ndarray, k: int) -> float:
    """Sum of the ``k`` largest values."""
    if k >= len(gain):
        return float(gain.sum())
    return float(np.partition(gain, len(gain) - k)[len(gain) - k:].sum())


def _fractional_knapsack(gain: np.ndarray, costs: np.ndarray, budget: float) -> float:
    """Best value of items (fractions allowed) of total cost ≤ ``budget``.

    Examples
    --------
    >>> _fractional_knapsack(np.array([6.0, 4.0, 3.0]), np.array([2.0, 2.0, 0.0]), 3.0)
    11.0
    """
    use = gain > 0
    g, c = gain[use], costs[use]
    free = c <= 0
    total = float(g[free].sum())
    g, c = g[~free], c[~free]
    with np.errstate(over="ignore"):
        order = np.argsort(-(g / c), kind="stable")
    g, c = g[order], c[order]
    spent = np.cumsum(c)
    whole = int(np.searchsorted(spent, budget, side="right"))
    total += float(g[:whole].sum())
    if whole < len(g):
        room = budget - (spent[whole - 1] if whole else 0.0)
        total += float(g[whole] * room / c[whole])
    return total


def _refresh(step: int, n: int) -> bool:
    return n <= _EVERY_STEP_UP_TO or step & (step - 1) == 0


def greedy_k(rr: RRSets, k: int) -> Coverage:
    """The greedy ``k`` items (ties: lowest position) and the OPIM upper bound.

    Examples
    --------
    >>> rr = RRSets.from_lists([[0, 1], [1], [2], [2, 3], [3]], count=5, n=4, people=4)
    >>> c = greedy_k(rr, 2)
    >>> c.items.tolist(), c.gains.tolist(), c.covered, c.upper
    ([1, 2], [2, 2], 4, 4.0)
    """
    counts = rr.cover()
    items, gains, cov, upper = [], [], 0, math.inf
    for step in range(min(k, rr.n)):
        if _refresh(step, rr.n):
            upper = min(upper, cov + _top_sum(counts.gain, k))
        gain = counts.gain.copy()
        gain[items] = -1.0
        best = int(np.argmax(gain))
        items.append(best)
        gains.append(int(round(counts.take(best))))
        cov += gains[-1]
    upper = min(upper, cov + _top_sum(counts.gain, k))
    return Coverage(np.asarray(items, dtype=np.int64), np.asarray(gains, dtype=np.int64), cov, float(upper))


def greedy_budget(rr: RRSets, costs: np.ndarray, budget: float) -> Coverage:
    """Best of the cost-effective greedy and the best single item of cost ≤ ``budget``.

    ``costs`` holds one non-negative cost per item (``inf``: never chosen).
    Items of cost 0 that cover something are taken first.

    Examples
    --------
    >>> rr = RRSets.from_lists([[0], [0], [1], [2], [2, 3]], count=5, n=4, people=4)
    >>> c = greedy_budget(rr, np.array([1.0, 1.0, 3.0, 1.0]), 2.0)
    >>> c.items.tolist(), c.covered
    ([0, 1], 3)
    >>> greedy_budget(rr, np.array([5.0, 5.0, 2.0, 5.0]), 2.0).items.tolist()   # one item fits
    [2]
    """
    costs = np.asarray(costs, dtype=np.float64)
    ratio_pick = _ratio_greedy(rr, costs, budget)
    single = _best_single(rr, costs, budget)
    if single is not None and single.covered > ratio_pick.covered:
        return Coverage(single.items, single.gains, single.covered, ratio_pick.upper)
    return ratio_pick


def _ratio_greedy(rr: RRSets, costs: np.ndarray, budget: float) -> Coverage:
    counts = rr.cover()
    items, gains, cov, upper, left = [], [], 0, math.inf, float(budget)
    chosen = np.zeros(rr.n, dtype=bool)
    step = 0
    while True:
        if _refresh(step, rr.n):
            upper = min(upper, cov + _fractional_knapsack(counts.gain, costs, budget))
        best = _best_ratio(counts.gain, costs, chosen, left)
        if best < 0:
            break
        chosen[best] = True
        items.append(best)
        gains.append(int(round(counts.take(best))))
        cov += gains[-1]
        left -= costs[best]
        step += 1
    upper = min(upper, cov + _fractional_knapsack(counts.gain, costs, budget))
    return Coverage(np.asarray(items, dtype=np.int64), np.asarray(gains, dtype=np.int64), cov, float(upper))


def _best_ratio(gain: np.ndarray, costs: np.ndarray, chosen: np.ndarray, left: float) -> int:
    """Affordable unchosen item with the most coverage per unit cost, or -1."""
    ok = (gain > 0) & ~chosen & (costs <= left + 1e-12 * max(1.0, left))
    if not ok.any():
        return -1
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(ok, gain / costs, -1.0)        # cost 0: +inf, taken first
    return int(np.argmax(ratio))


def _best_single(rr: RRSets, costs: np.ndarray, budget: float) -> Coverage | None:
    gain = np.bincount(rr.members, minlength=rr.n).astype(np.float64)
    ok = costs <= budget * (1 + 1e-12)
    if not ok.any():
        return None
    best = int(np.argmax(np.where(ok, gain, -1.0)))
    return Coverage(np.array([best], dtype=np.int64), np.array([int(gain[best])]), int(gain[best]), math.inf)

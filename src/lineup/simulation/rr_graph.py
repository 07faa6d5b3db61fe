"""Reverse-reachable (RR) sets on a graph: who could have made a random node active.

One RR set is drawn by picking a *root* and walking the arcs backwards through a
random draw of the live arcs:

``"ic"`` (independent cascade)
    every arc ``u -> v`` is live independently with its probability ``p(u, v)``;
    the RR set is every node with a live path to the root (a reverse BFS that
    flips each in-arc of a reached node once, and only if its source is not
    reached yet: an arc into an already reached node cannot change the set).
``"lt"`` (linear threshold)
    every node keeps at most one live in-arc, ``u -> v`` with probability
    ``w(u, v)`` and none with ``1 − Σ_u w(u, v)`` (Kempe, Kleinberg & Tardos 2003):
    the RR set is the reverse random walk from the root, stopped when it has no
    live in-arc or comes back to a node already in the set.

The walk runs in a numba kernel (``@njit(cache=True)``; compiled on first use,
then cached next to this file).  Its randomness is counter-based: RR set ``i`` of
a call uses a SplitMix64 stream keyed by ``(key, i)``, where ``key`` is one 64-bit
number drawn from the caller's :class:`numpy.random.Generator` — so a seed fixes
every set, whatever the batch sizes, and numba's global random state is never used.

:func:`rr_sets` is the entry point for influence maximisation (uniform roots, one
item per node); :func:`reverse_reach` is the reusable step for samplers that pick
their own roots and map reached nodes to other items (e.g. people to audiences).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from lineup._rng import SeedLike, as_generator
from lineup.domain.rrsets import RRSets
from lineup.errors import UsageError

from ._jit import grow, sort_range
from .graph import CSRGraph

__all__ = ["rr_sets", "reverse_reach", "in_arcs", "InArcs", "Sampler"]

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_UNIT = 1.0 / 9007199254740992.0          # 2**-53


@njit(cache=True, inline="always")
def _mix(z):
    """SplitMix64 finaliser (a bijection of uint64)."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(cache=True, inline="always")
def _next(state):
    """Advance a SplitMix64 state; returns ``(state, uniform in [0, 1))``."""
    state = state + _GAMMA
    return state, float(_mix(state) >> _S11) * _UNIT




@njit(cache=True, inline="always")
def _push(members, pos, mark, w, r):
    """Add node ``w`` to set ``r`` unless it is there; returns ``(members, pos)``."""
    if mark[w] != r:
        mark[w] = r
        members = grow(members, pos + 1)
        members[pos] = w
        pos += 1
    return members, pos


@njit(cache=True)
def _ic_row_uniform(members, pos, mark, indices, lo, hi, q, r, state):
    """IC in-arcs ``lo .. hi-1`` all live with probability ``q``: geometric gaps between live
    arcs, one uniform per live arc (+1) instead of one per arc."""
    if q <= 0.0:
        return members, pos, state
    if q >= 1.0:
        for a in range(lo, hi):
            members, pos = _push(members, pos, mark, indices[a], r)
        return members, pos, state
    scale = 1.0 / np.log1p(-q)
    a = lo - 1
    while True:
        state, u = _next(state)
        gap = np.floor(np.log(1.0 - u) * scale)
        if gap >= hi - a - 1:
            return members, pos, state
        a += 1 + int(gap)
        members, pos = _push(members, pos, mark, indices[a], r)


@njit(cache=True)
def _ic_per_arc(members, pos, mark, indices, prob, lo, hi, r, state):
    """IC in-arcs ``lo .. hi-1`` with their own probabilities; arcs from reached nodes skipped."""
    for a in range(lo, hi):
        w = indices[a]
        if mark[w] == r:
            continue
        state, u = _next(state)
        if u < prob[a]:
            members, pos = _push(members, pos, mark, w, r)
    return members, pos, state


@njit(cache=True)
def _lt_pick(indices, prob, row_p, v, lo, hi, u):
    """The live in-arc's source for a uniform ``u``, or -1 (no live in-arc)."""
    if len(prob) == 0:
        k = int(u / row_p[v]) if row_p[v] > 0.0 else hi - lo
        return indices[lo + k] if k < hi - lo else -1
    acc = 0.0
    for a in range(lo, hi):
        acc += prob[a]
        if u < acc:
            return indices[a]
    return -1


@njit(cache=True)
def _walk(indptr, indices, prob, row_p, lt, roots, key):
    """RR sets from ``roots`` on the in-arc CSR ``(indptr, indices)``.

    ``prob`` holds one value per in-arc; when it is empty every in-arc of ``v``
    has the value ``row_p[v]``.  Returns ``(set_indptr, members)``.
    """
    count = len(roots)
    mark = np.full(len(indptr) - 1, -1, dtype=np.int64)
    out_ptr = np.zeros(count + 1, dtype=np.int64)
    members = np.empty(max(16, 2 * count), dtype=np.int64)
    pos = 0
    for r in range(count):
        state = _mix(key ^ _mix(np.uint64(r) + _GAMMA))
        start = pos
        members, pos = _push(members, pos, mark, roots[r], r)
        head = start
        while head < pos:
            v = members[head]
            head += 1
            lo, hi = indptr[v], indptr[v + 1]
            if lt:
                state, u = _next(state)
                w = _lt_pick(indices, prob, row_p, v, lo, hi, u)
                if w >= 0:
                    members, pos = _push(members, pos, mark, w, r)
            elif len(prob) == 0:
                members, pos, state = _ic_row_uniform(members, pos, mark, indices, lo, hi, row_p[v], r, state)
            else:
                members, pos, state = _ic_per_arc(members, pos, mark, indices, prob, lo, hi, r, state)
        sort_range(members, start, pos)
        out_ptr[r + 1] = pos
    return out_ptr, members[:pos].copy()


@dataclass(frozen=True, eq=False)
class InArcs:
    """A graph's in-arcs with their values, laid out for :func:`reverse_reach`.

    Row ``v`` of ``graph`` lists the sources of the arcs into ``v``.  ``arc`` holds
    one value per in-arc, or is empty when every in-arc of ``v`` has the value
    ``row[v]`` (one number for the graph, weighted cascade's ``1 / in-degree``,
    LT's default weights): the IC walk then skips geometrically from one live
    arc to the next.
    """

    graph: CSRGraph
    arc: np.ndarray
    row: np.ndarray


def in_arcs(graph: CSRGraph, prob) -> InArcs:
    """The in-arcs of ``graph`` with ``prob`` (one float, or one value per stored arc).

    Examples
    --------
    >>> from lineup.simulation.graph import from_edges
    >>> g = from_edges([0, 1, 0], [2, 2, 1], directed=True)
    >>> a = in_arcs(g, np.array([0.5, 0.25, 0.75]))            # arcs 0->1, 0->2, 1->2
    >>> a.graph.indices[a.graph.indptr[2]:a.graph.indptr[3]].tolist(), a.arc.tolist()
    ([0, 1], [0.5, 0.25, 0.75])
    >>> in_arcs(g, np.array([0.5, 0.5, 0.5])).row.tolist()      # constant per row: no arc array
    [0.0, 0.5, 0.5]
    """
    if np.ndim(prob) == 0:
        rev = CSRGraph(graph.indptr, graph.indices, True).reverse()
        return InArcs(rev, np.zeros(0), np.full(graph.n, float(prob)))
    rev = CSRGraph(graph.indptr, graph.indices, True, np.asarray(prob, dtype=np.float64)).reverse()
    first = np.zeros(graph.n)
    has = np.diff(rev.indptr) > 0
    first[has] = rev.weights[rev.indptr[:-1][has]]
    if np.array_equal(rev.weights, np.repeat(first, np.diff(rev.indptr))):
        return InArcs(rev, np.zeros(0), first)
    return InArcs(rev, rev.weights, np.zeros(graph.n))


def reverse_reach(arcs: InArcs, roots, *, lt: bool = False, seed: SeedLike = None) -> tuple[np.ndarray, np.ndarray]:
    """One RR set per root, walking the in-arcs ``arcs`` (from :func:`in_arcs`).

    Parameters
    ----------
    arcs : InArcs
        IC activation probabilities or LT in-weights along the in-arcs.
    roots : array_like of int
        Node positions to start from (one set each; repeats allowed).
    lt : bool
        Linear threshold (one live in-arc per node) instead of independent cascade.
    seed : int, SeedSequence or Generator, optional
        One 64-bit key is drawn from it; set ``i`` uses the stream ``(key, i)``.

    Returns
    -------
    indptr, nodes : numpy.ndarray
        Set ``i`` is ``nodes[indptr[i]:indptr[i + 1]]`` (sorted, root included).

    Examples
    --------
    >>> from lineup.simulation.graph import from_edges
    >>> arcs = in_arcs(from_edges([0, 1], [1, 2], directed=True), 1.0)   # 0 -> 1 -> 2
    >>> ptr, nodes = reverse_reach(arcs, [2, 0], seed=1)
    >>> ptr.tolist(), nodes.tolist()
    ([0, 3, 4], [0, 1, 2, 0])
    """
    key = np.uint64(as_generator(seed).integers(0, 2**63, dtype=np.int64))
    roots = np.ascontiguousarray(roots, dtype=np.int64)
    rev = arcs.graph
    return _walk(rev.indptr, rev.indices.astype(np.int64, copy=False), arcs.arc, arcs.row, bool(lt), roots, key)


def rr_sets(graph, count: int, *, model: str = "ic", p=None, seed: SeedLike = None) -> RRSets:
    """``count`` RR sets of ``graph`` from uniformly random roots, as :class:`RRSets`.

    Items are the nodes (``n = people = graph.n``, in the graph's node order), so for
    a node set ``S`` ``estimate(S)`` is an unbiased estimate of its expected spread,
    seeds included — the quantity :func:`lineup.spread` simulates.

    Parameters
    ----------
    graph : networkx graph, CSRGraph or (src, dst) edge arrays
        As for :func:`lineup.spread`.
    count : int
        Number of sets (≥ 1).
    model : {"ic", "lt"}
    p : float, str or numpy.ndarray, optional
        As for :func:`lineup.spread`: IC probability (a number, an edge attribute,
        one value per stored arc, or ``"wc"`` for ``1 / in-degree``); LT in-weights
        (default ``1 / in-degree``).
    seed : int, SeedSequence or Generator, optional
        Roots and walks come from it: same seed, same sets.

    Examples
    --------
    >>> from lineup.simulation.graph import from_edges
    >>> g = from_edges([0, 1, 2], [1, 2, 3])                 # a path, undirected
    >>> rr = rr_sets(g, 1000, p=1.0, seed=1)                  # every arc live
    >>> rr.count, rr.estimate([0])
    (1000, 4.0)
    >>> rr_sets(g, 5, model="lt", seed=1).sizes().min() >= 1
    np.True_
    """
    from .spread import resolve_arcs

    csr, prob, lt = resolve_arcs(graph, model, p)
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 1:
        raise UsageError(f"count must be an integer ≥ 1, got {count!r}")
    return Sampler(csr, prob, lt).draw(int(count), as_generator(seed))


class Sampler:
    """Draws RR sets of one graph and arc model; the in-arc CSR is built once.

    Examples
    --------
    >>> from lineup.simulation.graph import from_edges
    >>> s = Sampler(from_edges([0], [1], directed=True), 1.0, lt=False)
    >>> rng = np.random.default_rng(1)
    >>> a = s.draw(10, rng); b = s.draw(10, rng)            # 0 -> 1, always live
    >>> a.merged(b).count, a.estimate([0])
    (20, 2.0)
    """

    def __init__(self, graph: CSRGraph, prob, lt: bool):
        self.n = graph.n
        self.arcs = in_arcs(graph, prob)
        self.lt = bool(lt)

    def draw(self, count: int, rng: np.random.Generator) -> RRSets:
        """``count`` more sets from uniform roots (the generator is advanced)."""
        roots = rng.integers(0, self.n, size=int(count), dtype=np.int64)
        indptr, nodes = reverse_reach(self.arcs, roots, lt=self.lt, seed=rng)
        return RRSets(indptr, nodes, int(count), self.n, float(self.n))


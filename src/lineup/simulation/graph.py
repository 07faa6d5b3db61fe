"""Graphs as compressed sparse row (CSR) arrays.

A :class:`CSRGraph` stores, for every node ``v``, its out-neighbours
``indices[indptr[v]:indptr[v + 1]]`` (sorted, no duplicates, no self-loops).
An undirected graph stores each edge in both directions, so every kernel can
treat it as a directed graph whose arcs come in pairs.

Graphs are built from edge arrays with :func:`from_edges` (vectorised, fit for
millions of edges) or from a networkx graph with :func:`from_networkx` (for
small and medium graphs: networkx itself is the bottleneck beyond ~10^5 edges).
:func:`barabasi_albert` generates preferential-attachment graphs directly as
arrays.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lineup._rng import SeedLike, as_generator
from lineup.errors import UsageError

__all__ = ["CSRGraph", "from_edges", "from_networkx", "barabasi_albert", "arc_ranges"]


@dataclass(frozen=True, eq=False)
class CSRGraph:
    """A directed or undirected graph held as CSR arrays.

    Parameters
    ----------
    indptr : numpy.ndarray
        ``int64``, shape ``(n + 1,)``; the out-neighbours of ``v`` are
        ``indices[indptr[v]:indptr[v + 1]]``.
    indices : numpy.ndarray
        ``int32`` (``int64`` when ``n >= 2**31``) arc targets, sorted within
        each row, without duplicates or self-loops.
    directed : bool
        ``False``: every edge is stored in both directions.
    weights : numpy.ndarray or None
        ``float64`` value per stored arc (aligned with ``indices``), e.g. an
        edge attribute.
    labels : numpy.ndarray or None
        Original node ids (index ``i`` is node ``labels[i]``); ``None`` means
        the nodes are ``0 .. n-1``.

    Examples
    --------
    >>> g = from_edges([0, 1], [1, 2], directed=True)
    >>> g.n, g.m, g.out_degree().tolist(), g.in_degree().tolist()
    (3, 2, [1, 1, 0], [0, 1, 1])
    >>> g.reverse().indices.tolist()
    [0, 1]
    """

    indptr: np.ndarray
    indices: np.ndarray
    directed: bool
    weights: np.ndarray | None = None
    labels: np.ndarray | None = None
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.indptr) - 1

    @property
    def m(self) -> int:
        """Number of stored arcs (twice the number of edges when undirected)."""
        return len(self.indices)

    def out_degree(self) -> np.ndarray:
        """Out-degree of every node (``int64``)."""
        return np.diff(self.indptr)

    def in_degree(self) -> np.ndarray:
        """In-degree of every node (``int64``); equals the degree when undirected."""
        if not self.directed:
            return self.out_degree()
        if "in_degree" not in self._cache:
            self._cache["in_degree"] = np.bincount(self.indices, minlength=self.n).astype(np.int64)
        return self._cache["in_degree"]

    def reverse(self) -> "CSRGraph":
        """The graph with every arc reversed (in-neighbour CSR); ``self`` when undirected."""
        if not self.directed:
            return self
        if "reverse" not in self._cache:
            self._cache["reverse"] = _transpose(self)
        return self._cache["reverse"]

    def arc_sources(self) -> np.ndarray:
        """Source node of every stored arc, aligned with ``indices``."""
        return np.repeat(np.arange(self.n, dtype=self.indices.dtype), self.out_degree())

    def index_of(self, nodes) -> np.ndarray:
        """Positions of node labels ``nodes``; raises :class:`UsageError` naming unknown ones.

        Examples
        --------
        >>> g = from_edges([0], [1], labels=["a", "b"])
        >>> g.index_of(["b"]).tolist()
        [1]
        """
        nodes = list(nodes)
        if self.labels is None:
            return _int_positions(nodes, self.n)
        lookup = self._cache.get("lookup")
        if lookup is None:
            lookup = self._cache["lookup"] = {x: i for i, x in enumerate(self.labels.tolist())}
        missing = [x for x in nodes if x not in lookup]
        if missing:
            raise UsageError(f"seed node(s) not in the graph: {_show(missing)}")
        return np.array([lookup[x] for x in nodes], dtype=np.int64)


def _int_positions(nodes: list, n: int) -> np.ndarray:
    bad = [x for x in nodes if not isinstance(x, (int, np.integer)) or not 0 <= int(x) < n]
    if bad:
        raise UsageError(f"seed node(s) not in the graph (nodes are 0..{n - 1}): {_show(bad)}")
    return np.asarray(nodes, dtype=np.int64)


def _show(items: list, limit: int = 10) -> str:
    text = ", ".join(repr(x) for x in items[:limit])
    return text + (f" ... ({len(items)} in all)" if len(items) > limit else "")


def _transpose(g: CSRGraph) -> CSRGraph:
    order = np.argsort(g.indices, kind="stable")  # rows already sorted by source
    indptr = np.zeros(g.n + 1, dtype=np.int64)
    np.cumsum(np.bincount(g.indices, minlength=g.n), out=indptr[1:])
    sources = g.arc_sources()[order]
    weights = None if g.weights is None else g.weights[order]
    return CSRGraph(indptr, sources, True, weights, g.labels)


def _index_dtype(n: int):
    return np.int32 if n < 2**31 else np.int64


def from_edges(src, dst, n: int | None = None, *, directed: bool = False, weights=None, labels=None) -> CSRGraph:
    """Build a :class:`CSRGraph` from integer edge arrays (vectorised).

    Self-loops are dropped; of duplicate arcs the first one (and its weight)
    is kept.  An undirected graph stores each edge in both directions.

    Parameters
    ----------
    src, dst : array_like of int
        Edge endpoints, node positions in ``0 .. n-1``.
    n : int, optional
        Number of nodes; default ``max(src, dst) + 1`` (or ``len(labels)``).
    directed : bool
        Whether ``src -> dst`` is one-way.
    weights : array_like of float, optional
        One value per edge.
    labels : array_like, optional
        Original node ids, one per node.

    Examples
    --------
    >>> g = from_edges([0, 1, 1, 2], [1, 0, 2, 2])     # duplicate + self-loop
    >>> g.indptr.tolist(), g.indices.tolist()
    ([0, 1, 3, 4], [1, 0, 2, 1])
    """
    src, dst, w = _check_edges(src, dst, weights)
    labels = None if labels is None else _as_labels(labels)
    n = _node_count(src, dst, n, labels)
    if not directed and w is None:
        indptr, indices = _undirected_csr(src, dst, n)
        return CSRGraph(indptr, indices, False, None, labels)
    if not directed:
        src, dst, w = np.concatenate([src, dst]), np.concatenate([dst, src]), np.concatenate([w, w])
    keep = src != dst
    src, dst = src[keep], dst[keep]
    key, first = _sorted_unique(_pair_key(src, dst, n), need_first=w is not None)
    rows, indices = _split_key(key, n)
    indptr = _indptr(np.bincount(rows, minlength=n), n)
    w = None if w is None else w[keep][first]
    return CSRGraph(indptr, indices, bool(directed), w, labels)


def _pair_key(src: np.ndarray, dst: np.ndarray, n: int) -> np.ndarray:
    """One ``int64`` per arc ordering arcs by (source, target): ``src << 32 | dst`` when ids fit 32 bits."""
    key = src.astype(np.int64)
    if n <= 2**32:
        key <<= 32
        key |= dst
    else:
        key *= n
        key += dst
    return key


def _split_key(key: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of :func:`_pair_key`: (sources, targets), both of the index dtype."""
    dtype = _index_dtype(n)
    if n <= 2**32:
        return (key >> 32).astype(dtype), (key & 0xFFFFFFFF).astype(dtype)
    return (key // n).astype(dtype), (key % n).astype(dtype)


def _indptr(counts: np.ndarray, n: int) -> np.ndarray:
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return indptr


#: edge lists at least this long are symmetrised by the numba counting sort
#: (:mod:`lineup.simulation._build_jit`) when numba imports; shorter ones by numpy
#: sorts (no numba start-up).  Both give the same arrays.
COUNTING_SORT_MIN_EDGES = 1 << 18


def _undirected_csr(src: np.ndarray, dst: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """CSR arrays of the simple undirected graph on the edges ``src[k] - dst[k]``.

    Rows are sorted; self-loops and duplicate ties are dropped.  Long edge
    lists go to a numba counting sort (:data:`COUNTING_SORT_MIN_EDGES`), the
    rest (or all, without numba) to :func:`_undirected_csr_sorted`.
    """
    kernels = build_kernels() if len(src) >= COUNTING_SORT_MIN_EDGES else None
    if kernels is None:
        return _undirected_csr_sorted(src, dst, n)
    starts = kernels.row_starts(src, dst, n)
    buffer = np.empty(int(starts[-1]), dtype=_index_dtype(n))
    indptr = kernels.fill_rows(src, dst, starts, buffer)
    size = int(indptr[-1])          # duplicates are a few percent: keep the buffer unless they are many
    return indptr, (buffer[:size] if size >= 0.9 * len(buffer) else buffer[:size].copy())


@functools.cache
def build_kernels():
    """:mod:`lineup.simulation._build_jit`, or ``None`` when numba does not import (tried once per process)."""
    try:
        from . import _build_jit
    except Exception:                    # ImportError, or numba's own version checks
        return None
    return _build_jit


def _undirected_csr_sorted(src: np.ndarray, dst: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_undirected_csr` with numpy sorts only.

    The edges are deduplicated once as ordered pairs ``lo < hi`` (one sort of
    ``m`` keys, not ``2 m``), then placed directly: row ``v`` is its smaller
    neighbours (the ``lo`` of pairs with ``hi = v``, sorted by a second sort)
    followed by its larger ones (the ``hi`` of pairs with ``lo = v``, already
    sorted), so no symmetrised copy of the edge list is ever sorted.
    """
    keep = src != dst
    lo, hi = np.minimum(src, dst)[keep], np.maximum(src, dst)[keep]
    key = _pair_key(lo, hi, n)
    del lo, hi, keep
    key.sort()
    key = key[_firsts(key)]
    lo, hi = _split_key(key, n)
    del key
    below, above = np.bincount(hi, minlength=n), np.bincount(lo, minlength=n)
    indptr = _indptr(below + above, n)
    indices = np.empty(indptr[-1], dtype=_index_dtype(n))
    indices[_positions(indptr[:-1] + below - _starts(above), lo, len(indices))] = hi      # larger neighbours, in order
    rev = _pair_key(hi, lo, n)
    del lo, hi
    rev.sort()
    hi, lo = _split_key(rev, n)
    del rev
    indices[_positions(indptr[:-1] - _starts(below), hi, len(indices))] = lo              # smaller neighbours
    return indptr, indices


def _positions(offset: np.ndarray, groups: np.ndarray, size: int) -> np.ndarray:
    """``offset[groups[k]] + k``: where item ``k`` of a list grouped by ``groups`` goes (all ``< size``)."""
    dtype = np.int32 if size < 2**31 else np.int64
    pos = offset.astype(dtype)[groups]
    pos += np.arange(len(groups), dtype=dtype)
    return pos


def _starts(counts: np.ndarray) -> np.ndarray:
    """Exclusive running sum: where each group starts in a list grouped by key."""
    out = np.cumsum(counts)
    out -= counts
    return out


def _sorted_unique(key: np.ndarray, need_first: bool):
    """Sorted distinct keys (and, if asked, the position of each one's first occurrence)."""
    order = np.argsort(key, kind="stable") if need_first else None
    key = key[order] if need_first else np.sort(key)
    new = _firsts(key)
    return key[new], (order[new] if need_first else None)


def _firsts(key: np.ndarray) -> np.ndarray:
    """Mask of the first of every run of equal values in a sorted array."""
    new = np.ones(len(key), dtype=bool)
    np.not_equal(key[1:], key[:-1], out=new[1:])
    return new


def _check_edges(src, dst, weights):
    src = np.asarray(src).ravel()
    dst = np.asarray(dst).ravel()
    if src.shape != dst.shape:
        raise UsageError(f"src and dst must have the same length, got {len(src)} and {len(dst)}")
    for name, a in (("src", src), ("dst", dst)):
        if a.size and not np.issubdtype(a.dtype, np.integer):
            raise UsageError(f"{name} must hold integer node positions, got dtype {a.dtype}")
        if a.size and a.min() < 0:
            raise UsageError(f"{name} holds a negative node position: {int(a.min())}")
    w = None
    if weights is not None:
        w = np.asarray(weights, dtype=np.float64).ravel()
        if w.shape != src.shape:
            raise UsageError(f"weights must have one value per edge ({len(src)}), got {len(w)}")
    return _as_ids(src), _as_ids(dst), w


def _as_ids(a: np.ndarray) -> np.ndarray:
    """Node positions as ``int32`` or ``int64``, without a copy when they already are."""
    return a if a.dtype in (np.int32, np.int64) else a.astype(np.int64)


def _node_count(src, dst, n, labels) -> int:
    top = int(max(src.max(initial=-1), dst.max(initial=-1))) + 1
    if n is None:
        n = len(labels) if labels is not None else top
    if n < top:
        raise UsageError(f"n = {n} but the edges mention node position {top - 1}")
    if labels is not None and len(labels) != n:
        raise UsageError(f"labels must have one entry per node ({n}), got {len(labels)}")
    return int(n)


def _as_labels(labels) -> np.ndarray:
    if isinstance(labels, np.ndarray):
        return labels
    labels = list(labels)
    return np.fromiter(labels, dtype=object, count=len(labels))


def from_networkx(G: Any, weight: str | None = None) -> CSRGraph:
    """Convert a networkx graph; ``labels`` are ``list(G.nodes)``.

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
        Multigraph arcs are merged (first one kept).
    weight : str, optional
        Edge attribute copied into ``weights``; every edge must have it.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph(); G.add_edge("a", "b", p=0.5)
    >>> g = from_networkx(G, weight="p")
    >>> g.labels.tolist(), g.indices.tolist(), g.weights.tolist()
    (['a', 'b'], [1], [0.5])
    """
    labels = _as_labels(G.nodes)
    pos = {x: i for i, x in enumerate(labels.tolist())}
    edges = list(G.edges(data=weight)) if weight is not None else list(G.edges())
    src = np.fromiter((pos[e[0]] for e in edges), dtype=np.int64, count=len(edges))
    dst = np.fromiter((pos[e[1]] for e in edges), dtype=np.int64, count=len(edges))
    w = None
    if weight is not None:
        missing = [(e[0], e[1]) for e in edges if e[2] is None]
        if missing:
            raise UsageError(f"edge attribute {weight!r} is missing on edge(s) {_show(missing)}")
        w = np.fromiter((e[2] for e in edges), dtype=np.float64, count=len(edges))
    return from_edges(src, dst, len(labels), directed=G.is_directed(), weights=w, labels=labels)


def arc_ranges(indptr: np.ndarray, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of every arc leaving ``nodes``, and the per-node arc counts.

    The concatenation of ``range(indptr[v], indptr[v + 1])`` for ``v`` in
    ``nodes``, built without a Python loop (the repeat/cumsum trick).

    Examples
    --------
    >>> arcs, counts = arc_ranges(np.array([0, 2, 2, 5]), np.array([2, 0]))
    >>> arcs.tolist(), counts.tolist()
    ([2, 3, 4, 0, 1], [3, 2])
    """
    starts = indptr[nodes]
    counts = indptr[nodes + 1] - starts
    total = int(counts.sum())
    shift = starts - (np.cumsum(counts) - counts)
    return np.repeat(shift, counts) + np.arange(total, dtype=np.int64), counts


def barabasi_albert(n: int, m: int, *, seed: SeedLike = None) -> CSRGraph:
    """An undirected preferential-attachment graph, generated as arrays.

    Batagelj–Brandes linked-list construction: node ``v >= 1`` sends ``m``
    edges; each picks an endpoint of a uniformly random earlier edge slot, so
    a node is chosen with probability proportional to its current degree.
    The chains of "copy the target of an earlier edge" are resolved with
    vectorised pointer jumping instead of a Python loop (1M nodes, m = 5 in a
    couple of seconds).  Duplicate edges and self-loops are dropped, so the
    mean degree is slightly below ``2 m``.

    Examples
    --------
    >>> g = barabasi_albert(1000, 3, seed=1)
    >>> g.n, bool(5.5 < g.m / g.n < 6.0), int(g.out_degree().min()) >= 1
    (1000, True, True)
    """
    if n < 2 or m < 1:
        raise UsageError(f"barabasi_albert needs n >= 2 and m >= 1, got n={n}, m={m}")
    rng = as_generator(seed)
    k = (n - 1) * m
    src = np.arange(k, dtype=np.int64) // m + 1
    slot = (rng.random(k) * (2 * np.arange(k))).astype(np.int64)  # uniform in [0, 2j)
    slot[0] = 0
    dst = _resolve_slots(src, slot)
    return from_edges(src, dst, n)


def _resolve_slots(src: np.ndarray, slot: np.ndarray) -> np.ndarray:
    """Edge j's target is the node in slot ``slot[j]`` (even: a source, odd: a target)."""
    dst = np.full(len(src), -1, dtype=np.int64)
    even = slot % 2 == 0
    dst[even] = src[slot[even] // 2]
    dst[0] = 0
    ptr = slot // 2                      # for odd slots: edge whose target we copy
    todo = np.flatnonzero(dst < 0)
    while todo.size:
        known = dst[ptr[todo]]
        done = known >= 0
        dst[todo[done]] = known[done]
        todo = todo[~done]
        ptr[todo] = ptr[ptr[todo]]       # jump: copy from further back
    return dst

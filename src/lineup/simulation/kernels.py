"""Diffusion kernels over :class:`~lineup.simulation.graph.CSRGraph` arrays.

Every kernel works on the *frontier* only (the nodes activated in the last
step) and is vectorised with numpy: the arcs leaving the frontier are
gathered with the repeat/cumsum trick, tried at once, and the new frontier is
the sorted set of targets that were hit and were not active yet.

Full cascades are simulated for a *batch* of runs at once: run ``r`` and node
``v`` share one flat state index ``r * n + v``, so a step costs a handful of
numpy calls whatever the number of runs in the batch.  This matters when
cascades are small and per-call overhead would otherwise dominate.

With a single edge probability ``p`` the IC kernel does not draw one uniform
per arc: the gaps between successful arcs are geometric, so it draws about
``p`` times as many numbers (same distribution as one Bernoulli(p) per arc).

Functions return ``(sizes, edges_checked)``: the final number of active nodes
per run (seeds included) and the number of arcs leaving activated nodes,
summed over runs (the "edges checked" of the benchmarks).
"""

from __future__ import annotations

import math

import numpy as np

from .graph import CSRGraph, arc_ranges

__all__ = ["ic_step", "ic_cascades", "lt_cascades", "threshold_cascade", "bernoulli_positions", "batch_size"]

#: Bytes of per-run node state simulated together (IC: 1 byte per node and run,
#: LT: 17).  Node ids are padded to a power of two, so a batch holds
#: ``STATE_BUDGET // (2**ceil(log2(n)) * bytes)`` runs.
STATE_BUDGET = 1 << 24


def batch_size(n: int, runs: int) -> int:
    """How many runs are simulated together on a graph of ``n`` nodes.

    Examples
    --------
    >>> batch_size(1_000_000, 100), batch_size(10_000, 100)
    (16, 100)
    """
    return max(1, min(runs, STATE_BUDGET // max(n, 1)))


def bernoulli_positions(total: int, p: float, rng: np.random.Generator) -> np.ndarray:
    """Sorted positions in ``0 .. total-1``, each kept independently with probability ``p``.

    Draws geometric gaps, about ``total * p`` numbers instead of ``total``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> bernoulli_positions(5, 1.0, rng).tolist(), bernoulli_positions(5, 0.0, rng).tolist()
    ([0, 1, 2, 3, 4], [])
    >>> float(np.round(len(bernoulli_positions(100_000, 0.1, rng)) / 100_000, 2))
    0.1
    """
    if p >= 1.0:
        return np.arange(total, dtype=np.int64)
    if p <= 0.0 or total <= 0:
        return np.empty(0, dtype=np.int64)
    if p < 1e-9:                                 # geometric gaps would overflow int64
        return np.sort(rng.choice(total, rng.binomial(total, p), replace=False)).astype(np.int64)
    expect = total * p
    size = int(expect + 6.0 * math.sqrt(expect) + 16)
    pos = np.cumsum(rng.geometric(p, size)) - 1
    while pos[-1] < total:                       # rare: the sample ran short
        pos = np.concatenate([pos, pos[-1] + np.cumsum(rng.geometric(p, size))])
    return pos[: np.searchsorted(pos, total)]


def _unique_sorted(a: np.ndarray) -> np.ndarray:
    a = np.sort(a)
    keep = np.ones(len(a), dtype=bool)
    np.not_equal(a[1:], a[:-1], out=keep[1:])
    return a[keep]


def _hit_arcs(indptr: np.ndarray, nodes: np.ndarray, p, rng) -> tuple[np.ndarray, np.ndarray, int]:
    """Arcs leaving ``nodes`` that fire, with the position in ``nodes`` they leave from.

    ``p`` is a float (geometric skipping) or a per-arc probability array.
    Returns ``(arcs, owner, total_arcs)``.
    """
    if np.ndim(p) == 0:
        starts = np.take(indptr, nodes)          # np.take: faster than fancy indexing
        counts = np.take(indptr, nodes + 1) - starts
        cum = np.cumsum(counts)
        total = int(cum[-1]) if len(cum) else 0
        pos = bernoulli_positions(total, float(p), rng)
        owner = np.searchsorted(cum, pos, side="right")
        shift = starts - (cum - counts)          # arc = shift[owner] + pos
        return np.take(shift, owner) + pos, owner, total
    arcs, counts = arc_ranges(indptr, nodes)
    fire = rng.random(len(arcs)) < p[arcs]
    owner = np.repeat(np.arange(len(nodes)), counts)
    return arcs[fire], owner[fire], len(arcs)


def ic_step(graph: CSRGraph, frontier: np.ndarray, active: np.ndarray, p, rng: np.random.Generator) -> np.ndarray:
    """One independent-cascade step from ``frontier``.

    Every arc ``u -> v`` with ``u`` in ``frontier`` and ``v`` not active is
    tried once with probability ``p`` (a float, or a float array aligned with
    ``graph.indices``).  Sets ``active[new] = True`` in place.

    Returns
    -------
    numpy.ndarray
        The sorted newly activated nodes (``int64``).

    Examples
    --------
    >>> from lineup.simulation.graph import from_edges
    >>> g = from_edges([0, 0, 1], [1, 2, 3], directed=True)
    >>> active = np.zeros(4, dtype=bool); active[0] = True
    >>> ic_step(g, np.array([0]), active, 1.0, np.random.default_rng(0)).tolist()
    [1, 2]
    >>> active.tolist()
    [True, True, True, False]
    """
    frontier = np.asarray(frontier, dtype=np.int64)
    arcs, _, _ = _hit_arcs(graph.indptr, frontier, p, rng)
    targets = graph.indices[arcs]
    new = _unique_sorted(targets[~active[targets]]).astype(np.int64)
    active[new] = True
    return new


def _stride_bits(n: int) -> int:
    """Bits of the node part of a flat state index ``(run << bits) | node``."""
    return max(1, int(n - 1).bit_length())


def _start_batch(n: int, seeds: np.ndarray, runs: int) -> tuple[np.ndarray, np.ndarray]:
    """Flat active mask of ``runs`` runs (``runs << bits`` cells) and their flat seed frontier."""
    bits = _stride_bits(n)
    seeds = _unique_sorted(np.asarray(seeds, dtype=np.int64))
    flat = ((np.arange(runs, dtype=np.int64)[:, None] << bits) | seeds[None, :]).ravel()
    active = np.zeros(runs << bits, dtype=bool)
    active[flat] = True
    return active, flat


def _ic_batch(graph: CSRGraph, seeds, p, runs: int, rng) -> tuple[np.ndarray, int]:
    bits, indices = _stride_bits(graph.n), graph.indices
    mask = (1 << bits) - 1
    active, flat = _start_batch(graph.n, seeds, runs)
    sizes = np.full(runs, len(flat) // runs, dtype=np.int64)
    checked = 0
    while len(flat):
        arcs, owner, total = _hit_arcs(graph.indptr, flat & mask, p, rng)
        checked += total
        hit = ((np.take(flat, owner) >> bits) << bits) | np.take(indices, arcs)
        flat = _unique_sorted(hit[~np.take(active, hit)])
        active[flat] = True
        sizes += np.bincount(flat >> bits, minlength=runs)
    return sizes, checked


def _batched(one_batch, graph: CSRGraph, runs: int, cell_bytes: int = 1) -> tuple[np.ndarray, int]:
    """Run ``one_batch(graph, b)`` over batches of ``b`` runs; concatenate the sizes."""
    step = batch_size((1 << _stride_bits(graph.n)) * cell_bytes, runs)
    sizes, checked = [], 0
    for start in range(0, runs, step):
        s, c = one_batch(graph, min(step, runs - start))
        sizes.append(s)
        checked += c
    return (np.concatenate(sizes) if sizes else np.empty(0, np.int64)), checked


def ic_cascades(graph: CSRGraph, seeds, p, runs: int, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """Final sizes of ``runs`` independent cascades from ``seeds``.

    Parameters
    ----------
    graph : CSRGraph
    seeds : array_like of int
        Node positions (duplicates ignored).
    p : float or numpy.ndarray
        Activation probability, one for all arcs or one per arc.
    runs : int
    rng : numpy.random.Generator
        Consumed in a fixed order: the same state gives the same sizes.

    Returns
    -------
    sizes : numpy.ndarray
        Active nodes at the end of each run, seeds included.
    edges_checked : int
        Arcs leaving activated nodes, summed over runs.

    Examples
    --------
    >>> from lineup.simulation.graph import from_edges
    >>> g = from_edges([0, 1, 2], [1, 2, 3])            # a path 0-1-2-3
    >>> sizes, checked = ic_cascades(g, [0], 1.0, 3, np.random.default_rng(0))
    >>> sizes.tolist(), checked
    ([4, 4, 4], 18)
    """
    return _batched(lambda g, b: _ic_batch(g, seeds, p, b, rng), graph, runs)


def _lt_batch(graph: CSRGraph, seeds, weights: np.ndarray, runs: int, rng) -> tuple[np.ndarray, int]:
    bits, indices = _stride_bits(graph.n), graph.indices
    active, flat = _start_batch(graph.n, seeds, runs)
    load = np.zeros(len(active))                 # summed in-weight from active in-neighbours
    theta = np.full(len(active), np.nan)         # thresholds, drawn when first needed
    sizes = np.full(runs, len(flat) // runs, dtype=np.int64)
    checked = 0
    while len(flat):
        arcs, counts = arc_ranges(graph.indptr, flat & ((1 << bits) - 1))
        checked += len(arcs)
        hit = np.repeat((flat >> bits) << bits, counts) | indices[arcs]
        todo = ~active[hit]
        flat = _accumulate(load, hit[todo], weights[arcs][todo])
        fresh = flat[np.isnan(theta[flat])]
        theta[fresh] = rng.random(len(fresh))
        flat = flat[load[flat] >= theta[flat]]
        active[flat] = True
        sizes += np.bincount(flat >> bits, minlength=runs)
    return sizes, checked


def _accumulate(total: np.ndarray, where: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``total[where] += values`` with repeats summed; returns the sorted distinct ``where``."""
    np.add.at(total, where, values)
    return _unique_sorted(where)


def lt_cascades(graph: CSRGraph, seeds, weights: np.ndarray, runs: int, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """Final sizes of ``runs`` linear-threshold cascades (Kempe et al. 2003).

    Each node draws a threshold uniform on [0, 1] per run and activates once
    the summed ``weights`` of its arcs from active in-neighbours reach it.
    ``weights`` is aligned with ``graph.indices`` (arc ``u -> v`` carries
    ``v``'s weight for ``u``); in-weight sums should be ≤ 1.

    Examples
    --------
    >>> from lineup.simulation.graph import from_edges
    >>> g = from_edges([0], [1], directed=True)
    >>> sizes, _ = lt_cascades(g, [0], np.array([1.0]), 4, np.random.default_rng(0))
    >>> sizes.tolist()
    [2, 2, 2, 2]
    """
    return _batched(lambda g, b: _lt_batch(g, seeds, weights, b, rng), graph, runs, cell_bytes=17)


def threshold_cascade(graph: CSRGraph, seeds, phi: float) -> tuple[int, int]:
    """Final size of a Watts threshold cascade (deterministic).

    A node activates once the fraction of its in-neighbours that are active
    is at least ``phi``; nodes without in-neighbours only if seeded.

    Returns
    -------
    size : int
        Active nodes at the end, seeds included.
    edges_checked : int

    Examples
    --------
    >>> from lineup.simulation.graph import from_edges
    >>> g = from_edges([0, 1, 0], [1, 2, 2], directed=True)   # 2 has in-neighbours 0 and 1
    >>> threshold_cascade(g, [0], 0.5), threshold_cascade(g, [1], 0.6)
    ((3, 3), (1, 1))
    """
    indeg = graph.in_degree()
    active, frontier = _start_batch(graph.n, seeds, 1)
    heard = np.zeros(graph.n)
    size, checked = len(frontier), 0
    while len(frontier):
        arcs, _ = arc_ranges(graph.indptr, frontier)
        checked += len(arcs)
        targets = graph.indices[arcs].astype(np.int64)
        targets = targets[~active[targets]]
        touched = _accumulate(heard, targets, np.ones(len(targets)))
        frontier = touched[heard[touched] >= phi * indeg[touched] * (1 - 1e-12)]
        active[frontier] = True
        size += len(frontier)
    return size, checked

"""numba kernels that build populations: a cache-friendly shuffle and the undirected CSR graph.

Loaded by :func:`lineup.simulation.graph.build_kernels` on first use (importing
numba takes a few tenths of a second; ``import lineup`` must not pay it).  Each
kernel has a numpy or Python twin that gives the same arrays, so which path runs
never changes a sample:

* :func:`bucket_shuffle` (twin: :func:`lineup.simulation.population.shuffled`'s
  Python loop): one level of the Rao–Sandelius shuffle, then Fisher–Yates inside
  each bucket, with random numbers drawn by numpy beforehand;
* :func:`row_starts` and :func:`fill_rows` (twin: the numpy sorts of
  :func:`lineup.simulation.graph._undirected_csr_sorted`): a counting sort in place
  of two sorts of ``m`` 64-bit keys: count each node's edge ends, scatter every
  edge into both of its rows, then sort each (short) row and squeeze out its
  duplicates in place.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ._jit import sort_range


@njit(cache=True)
def bucket_shuffle(items, bucket, uniform, buckets):
    """``items`` in a uniformly random order: stably grouped by ``bucket`` (values ``< buckets``), then each
    group shuffled by Fisher–Yates, position ``i`` (from the group's end) swapped with
    ``start + floor(uniform[i] × (i − start + 1))``.  Returns a new array."""
    starts = np.zeros(buckets + 1, dtype=np.int64)
    for k in range(len(items)):
        starts[bucket[k] + 1] += 1
    for b in range(buckets):
        starts[b + 1] += starts[b]
    fill = starts[:-1].copy()
    out = np.empty_like(items)
    for k in range(len(items)):
        b = bucket[k]
        out[fill[b]] = items[k]
        fill[b] += 1
    for b in range(buckets):
        lo = starts[b]
        for i in range(starts[b + 1] - 1, lo, -1):
            j = lo + np.int64(uniform[i] * (i - lo + 1))
            t = out[i]
            out[i] = out[j]
            out[j] = t
    return out


@njit(cache=True)
def row_starts(src, dst, n):
    """Exclusive running count of edge ends per node (``n + 1`` entries), self-loops left out."""
    starts = np.zeros(n + 1, dtype=np.int64)
    for k in range(len(src)):
        u, v = src[k], dst[k]
        if u != v:
            starts[u + 1] += 1
            starts[v + 1] += 1
    for i in range(n):
        starts[i + 1] += starts[i]
    return starts


@njit(cache=True)
def fill_rows(src, dst, starts, indices):
    """Scatter every edge into both rows, sort each row, drop duplicates; return the final ``indptr``.

    ``indices`` (length ``starts[-1]``) is overwritten: its first ``indptr[-1]``
    entries are the CSR column indices.
    """
    n = len(starts) - 1
    fill = starts[:-1].copy()
    for k in range(len(src)):
        u, v = src[k], dst[k]
        if u != v:
            indices[fill[u]] = v
            fill[u] += 1
            indices[fill[v]] = u
            fill[v] += 1
    indptr = np.empty(n + 1, dtype=np.int64)
    indptr[0] = 0
    w = 0
    for i in range(n):
        a, b = starts[i], starts[i + 1]
        sort_range(indices, a, b)
        last = -1                               # compact: w <= j, so nothing unread is overwritten
        for j in range(a, b):
            x = indices[j]
            if x != last:
                indices[w] = x
                w += 1
                last = x
        indptr[i + 1] = w
    return indptr

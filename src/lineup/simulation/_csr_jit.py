"""numba kernels that build a simple undirected CSR graph from an edge list in two passes.

Imported only by :func:`lineup.simulation.graph.from_edges`, and only for edge
lists long enough that numba's start-up pays for itself (importing numba takes
a few tenths of a second; ``import lineup`` must not pay it).  The result is
the same, array for array, as the numpy path's (rows sorted, self-loops and
duplicate ties dropped), so which path runs never changes a sample.

A counting sort replaces the numpy path's two sorts of ``m`` 64-bit keys:
count each node's edge ends, scatter every edge into both of its rows, then
sort each (short) row and squeeze out its duplicates in place.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: rows up to this long are sorted by insertion (the mean row is ~10 entries)
_SHORT_ROW = 24


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
        if b - a <= _SHORT_ROW:
            for j in range(a + 1, b):           # insertion sort
                x = indices[j]
                h = j - 1
                while h >= a and indices[h] > x:
                    indices[h + 1] = indices[h]
                    h -= 1
                indices[h + 1] = x
        else:
            indices[a:b].sort()
        last = -1                               # compact: w <= j, so nothing unread is overwritten
        for j in range(a, b):
            x = indices[j]
            if x != last:
                indices[w] = x
                w += 1
                last = x
        indptr[i + 1] = w
    return indptr

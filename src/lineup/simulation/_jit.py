"""numba kernels: one cascade after another, breadth first, in compiled loops.

Imported only by :mod:`lineup.simulation.compiled`, on first use (importing numba
takes a few tenths of a second; ``import lineup`` must not pay it).  Every
function is ``@njit(cache=True)``: the first call on a machine compiles it
(IC about 3 s, LT about 1 s), later processes load the compiled code from
numba's cache (about 0.8 s on the first call, numba's start-up included).

Randomness comes from a xoshiro256** stream whose four-word state lives in a
``uint64`` array owned by the caller and is advanced in place, so a
:class:`~lineup.simulation.cascade.Cascade` carries one stream across calls.

Workspace (also owned by the caller, reused between calls): ``mark`` (one
byte per node, all zero between runs; IC only), ``queue`` (the activated nodes
of the run in BFS order, which is also the list of marks to clear), and for LT
``cell`` (threshold and load per node, reset through ``touched``).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def grow(buffer, needed):
    """``buffer``, or a copy at least twice as long when it holds fewer than ``needed`` items."""
    if needed <= len(buffer):
        return buffer
    bigger = np.empty(max(needed, 2 * len(buffer)), dtype=buffer.dtype)
    bigger[: len(buffer)] = buffer
    return bigger


#: ranges up to this long are sorted by insertion (CSR rows of 1M people: 24 → 0.21 s, 64 → 0.18 s)
SHORT_RANGE = 64


@njit(cache=True)
def sort_range(a, lo, hi):
    """Sort ``a[lo:hi]`` in place: insertion sort for the usual few items, numpy's sort above :data:`SHORT_RANGE`."""
    if hi - lo > SHORT_RANGE:
        a[lo:hi].sort()
        return
    for i in range(lo + 1, hi):
        x = a[i]
        j = i - 1
        while j >= lo and a[j] > x:
            a[j + 1] = a[j]
            j -= 1
        a[j + 1] = x


_TWO53 = 1.0 / 9007199254740992.0


@njit(cache=True, inline="always")
def _rotl(x, k):
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@njit(cache=True)
def _next(s):
    """xoshiro256** (Blackman & Vigna 2018): the next 64 random bits; advances ``s``."""
    result = _rotl(s[1] * np.uint64(5), 7) * np.uint64(9)
    t = s[1] << np.uint64(17)
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = _rotl(s[3], 45)
    return result


@njit(cache=True)
def uniform(s):
    """Uniform on [0, 1) with 53 random bits."""
    return float(_next(s) >> np.uint64(11)) * _TWO53


@njit(cache=True)
def seed_state(word, s):
    """Fill the 4-word state ``s`` from one 64-bit ``word`` with splitmix64 (never all zero)."""
    x = np.uint64(word)
    for i in range(4):
        x += np.uint64(0x9E3779B97F4A7C15)
        z = x
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        s[i] = z ^ (z >> np.uint64(31))


@njit(cache=True)
def seeds_in_range(seeds, n):
    """Whether every seed is a node position ``0 .. n-1``."""
    for v in seeds:
        if v < 0 or v >= n:
            return False
    return True


@njit(cache=True)
def _start(seeds, mark, queue):
    tail = 0
    for v in seeds:
        if mark[v] == 0:
            mark[v] = 1
            queue[tail] = v
            tail += 1
    return tail


@njit(cache=True)
def _clear(mark, queue, tail):
    for i in range(tail):
        mark[queue[i]] = 0


@njit(cache=True)
def _ic_uniform_run(indptr, indices, seeds, p, state, mark, queue):
    """One IC cascade with one probability ``p`` for every arc: (size, arcs checked).

    The arcs that fire among a node's out-arcs are found by geometric skipping:
    the gap to the next firing arc is ``floor(log U / log(1 - p))``.
    """
    tail = _start(seeds, mark, queue)
    head, checked = 0, 0
    log_q = np.log1p(-p) if p < 1.0 else -np.inf
    while head < tail:
        u = queue[head]
        head += 1
        j, end = indptr[u], indptr[u + 1]
        checked += end - j
        while p > 0.0:
            if p < 1.0:
                gap = np.log(1.0 - uniform(state)) / log_q      # 1 - U lies in (0, 1]
                if gap >= end - j:
                    break
                j += np.int64(gap)
            if j >= end:
                break
            v = indices[j]
            if mark[v] == 0:
                mark[v] = 1
                queue[tail] = v
                tail += 1
            j += 1
    _clear(mark, queue, tail)
    return tail, checked


@njit(cache=True)
def _ic_arc_run(indptr, indices, seeds, prob, state, mark, queue):
    """One IC cascade with a probability per arc (``prob`` aligned with ``indices``)."""
    tail = _start(seeds, mark, queue)
    head, checked = 0, 0
    while head < tail:
        u = queue[head]
        head += 1
        checked += indptr[u + 1] - indptr[u]
        for j in range(indptr[u], indptr[u + 1]):
            v = indices[j]
            if mark[v] == 0 and uniform(state) < prob[j]:
                mark[v] = 1
                queue[tail] = v
                tail += 1
    _clear(mark, queue, tail)
    return tail, checked


@njit(cache=True)
def ic_runs(indptr, indices, seeds, p, prob, runs, state, mark, queue, sizes):
    """``runs`` IC cascades; ``prob`` per arc if it is non-empty, else ``p`` for all.

    Writes the sizes into ``sizes[:runs]``; returns the arcs checked (all
    runs), or -1 (nothing simulated) if a seed is not a node position.
    """
    if not seeds_in_range(seeds, len(indptr) - 1):
        return -1
    checked = 0
    for r in range(runs):
        if len(prob):
            sizes[r], c = _ic_arc_run(indptr, indices, seeds, prob, state, mark, queue)
        else:
            sizes[r], c = _ic_uniform_run(indptr, indices, seeds, p, state, mark, queue)
        checked += c
    return checked


_ACTIVE = 2.0          # a threshold no uniform draw reaches: marks an active node


@njit(cache=True)
def _lt_run(indptr, indices, seeds, weights, state, queue, cell, touched):
    """One LT cascade: a node activates once the weight from active in-neighbours reaches its threshold.

    ``cell[v] = (threshold, load)`` side by side (one cache line per node on
    large graphs): threshold ``-1`` not drawn yet (drawn when ``v`` is first
    reached), ``_ACTIVE`` once active.  A node activates as soon as its load
    reaches its threshold, which gives the same final set as activating a
    whole step at once (the LT fixed point is unique).
    """
    tail, seen = 0, 0
    for v in seeds:
        if cell[v, 0] != _ACTIVE:
            cell[v, 0] = _ACTIVE
            queue[tail] = v
            touched[seen] = v
            tail += 1
            seen += 1
    head, checked = 0, 0
    while head < tail:
        u = queue[head]
        head += 1
        checked += indptr[u + 1] - indptr[u]
        for j in range(indptr[u], indptr[u + 1]):
            v = indices[j]
            theta = cell[v, 0]
            if theta == _ACTIVE:
                continue
            if theta < 0.0:
                theta = uniform(state)
                touched[seen] = v
                seen += 1
            load = cell[v, 1] + weights[j]
            cell[v, 1] = load
            if load >= theta:
                theta = _ACTIVE
                queue[tail] = v
                tail += 1
            cell[v, 0] = theta
    for i in range(seen):
        cell[touched[i], 0] = -1.0
        cell[touched[i], 1] = 0.0
    return tail, checked


@njit(cache=True)
def lt_runs(indptr, indices, seeds, weights, runs, state, queue, cell, touched, sizes):
    """``runs`` LT cascades; sizes into ``sizes[:runs]``, returns the arcs checked (-1: a bad seed)."""
    if not seeds_in_range(seeds, len(indptr) - 1):
        return -1
    checked = 0
    for r in range(runs):
        sizes[r], c = _lt_run(indptr, indices, seeds, weights, state, queue, cell, touched)
        checked += c
    return checked

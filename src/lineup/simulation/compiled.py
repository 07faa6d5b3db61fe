"""Compiled (numba) diffusion kernels, and the rule that picks them or the numpy batches.

Two engines simulate the same models:

``"compiled"``
    :class:`Runner`: one cascade after another, breadth first, in a numba loop
    (:mod:`lineup.simulation._jit`).  Cost proportional to the cascade itself,
    plus about a microsecond per call.  Workspace and random state are kept
    in the runner, so :class:`~lineup.simulation.cascade.Cascade` pays neither
    again between calls.
``"numpy"``
    :mod:`lineup.simulation.kernels`: many runs advanced together, frontier by
    frontier, with vectorised numpy calls.

:func:`choose_engine` picks one from the model, the number of nodes and the
number of runs only (never from timing), so the choice, and therefore the
samples for a seed, are reproducible.

The two engines draw their random numbers differently, so *the same seed gives
different samples on the two engines* (each is reproducible on its own).  The
distributions are the same: both simulate exactly the IC and LT models
(tests/simulation/test_compiled.py checks means within standard errors and a
two-sample Kolmogorov–Smirnov test on the sizes, and the theory tests run on
both engines).

numba is imported on the first compiled run, not with lineup; the first run
on a machine also compiles the kernels (about 1–2 s per model; numba caches
the result on disk, later processes load it in a fraction of a second).
"""

from __future__ import annotations

import functools
from enum import Enum

import numpy as np

from lineup._rng import SeedLike, as_word

from .graph import CSRGraph

__all__ = ["Engine", "choose_engine", "Runner", "COMPILED_MAX_NODES"]


class Engine(str, Enum):
    """Diffusion engines: ``auto`` lets :func:`choose_engine` decide."""

    AUTO = "auto"
    COMPILED = "compiled"
    NUMPY = "numpy"


#: Graphs with more nodes than this use the numpy batches for IC when many
#: runs are asked (see :func:`choose_engine`).
COMPILED_MAX_NODES = 1 << 62


def choose_engine(model: str, n: int, runs: int) -> Engine:
    """The engine :func:`~lineup.simulation.spread.spread` uses when ``engine="auto"``.

    A pure function of its arguments: ``"compiled"`` for IC and LT on every
    graph size and number of runs, unless numba cannot be imported (then
    ``"numpy"``).  Measured on BA graphs (benchmarks/kernels.py), the compiled
    engine is faster from 1 run on 10 nodes to 100 runs on 10^6 nodes.

    Examples
    --------
    >>> choose_engine("ic", 10_000, 1).value
    'compiled'
    """
    if model not in ("ic", "lt") or not numba_available():
        return Engine.NUMPY
    if model == "ic" and n > COMPILED_MAX_NODES:
        return Engine.NUMPY
    return Engine.COMPILED


@functools.cache
def numba_available() -> bool:
    """Whether numba can be imported (checked once, without importing it)."""
    import importlib.util

    return importlib.util.find_spec("numba") is not None


def _jit():
    from . import _jit as module       # imports numba: first compiled run only

    return module


class Runner:
    """A compiled IC or LT simulator bound to one graph, one parameter and one random stream.

    Parameters
    ----------
    graph : CSRGraph
    model : {"ic", "lt"}
    p : float or numpy.ndarray
        IC: one probability, or one per stored arc.  LT: in-weights per arc.
    seed : int, SeedSequence or Generator, optional
        Seeds the runner's own stream (:func:`lineup._rng.as_word`; a Generator
        gives one draw); the runner then advances that stream across calls.

    Examples
    --------
    >>> from lineup.simulation.graph import from_edges
    >>> g = from_edges([0, 1, 2], [1, 2, 3])            # a path 0-1-2-3
    >>> r = Runner(g, "ic", 1.0, seed=0)
    >>> sizes, checked = r.run(np.array([0]), 3)
    >>> sizes.tolist(), checked
    ([4, 4, 4], 18)
    """

    def __init__(self, graph: CSRGraph, model: str, p, seed: SeedLike = None):
        self.jit = _jit()
        self.model = model
        self.indptr, self.indices = graph.indptr, graph.indices
        self.p, self.prob = (float(p), np.empty(0)) if np.ndim(p) == 0 else (0.0, np.asarray(p, dtype=np.float64))
        self.state = np.empty(4, dtype=np.uint64)
        self.jit.seed_state(np.uint64(as_word(seed)), self.state)
        self.mark = np.zeros(graph.n, dtype=np.uint8)
        self.queue = np.empty(graph.n, dtype=graph.indices.dtype)
        if model == "lt":
            self.load = np.zeros(graph.n)
            self.theta = np.full(graph.n, -1.0)
            self.touched = np.empty(graph.n, dtype=graph.indices.dtype)

    def run(self, seeds: np.ndarray, runs: int) -> tuple[np.ndarray, int]:
        """Sizes of ``runs`` cascades from ``seeds`` (node positions, ``int64``) and the arcs checked."""
        sizes = np.empty(runs, dtype=np.int64)
        return sizes, self.run_into(seeds, sizes)

    def run_into(self, seeds: np.ndarray, sizes: np.ndarray) -> int:
        """Fill ``sizes`` with one cascade size per entry; return the arcs checked."""
        j = self.jit
        if self.model == "ic":
            return int(j.ic_runs(self.indptr, self.indices, seeds, self.p, self.prob, len(sizes),
                                 self.state, self.mark, self.queue, sizes))
        return int(j.lt_runs(self.indptr, self.indices, seeds, self.prob, len(sizes), self.state,
                             self.mark, self.queue, self.load, self.theta, self.touched, sizes))

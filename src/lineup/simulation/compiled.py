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
on a machine also compiles the kernels (about 3 s for IC, 1 s for LT; numba
caches the result on disk, and a later process's first run takes about 0.8 s,
numba's own start-up included).
"""

from __future__ import annotations

import functools
from enum import Enum

import numpy as np

from lineup._rng import SeedLike, as_word

from .graph import CSRGraph, _int_positions

__all__ = ["Engine", "choose_engine", "Runner", "BATCH_MIN_NODES", "BATCH_MIN_RUNS"]


class Engine(str, Enum):
    """Diffusion engines: ``auto`` lets :func:`choose_engine` decide."""

    AUTO = "auto"
    COMPILED = "compiled"
    NUMPY = "numpy"


#: IC on graphs of at least this many nodes, with at least :data:`BATCH_MIN_RUNS`
#: runs, goes to the numpy batches (see :func:`choose_engine`).
BATCH_MIN_NODES = 1 << 19
#: See :data:`BATCH_MIN_NODES`.
BATCH_MIN_RUNS = 16


def choose_engine(model: str, n: int, runs: int) -> Engine:
    """The engine :func:`~lineup.simulation.spread.spread` uses when ``engine="auto"``.

    A pure function of its arguments (and of whether numba is installed):

    * ``"numpy"`` if numba cannot be imported, or for the ``threshold`` model;
    * ``"numpy"`` for IC with ``n >= BATCH_MIN_NODES`` (524,288) nodes and
      ``runs >= BATCH_MIN_RUNS`` (16): on graphs that outgrow the CPU caches
      the batches visit the frontier in sorted order and win when cascades are
      large (1M-node BA graph, p = 0.05, 100 runs: 0.5–0.65 s against
      0.7–0.95 s compiled; benchmarks/kernels.py);
    * ``"compiled"`` otherwise: one run costs a microsecond or two of overhead
      instead of a few hundred; LT is 3–4x faster compiled on NetHEPT (15k
      nodes, 10,000 runs) and on par with the batches at 1M nodes.

    Examples
    --------
    >>> choose_engine("ic", 10_000, 1).value, choose_engine("ic", 1_000_000, 100).value
    ('compiled', 'numpy')
    >>> choose_engine("lt", 1_000_000, 100).value, choose_engine("ic", 1_000_000, 1).value
    ('compiled', 'compiled')
    """
    if model not in ("ic", "lt") or not numba_available():
        return Engine.NUMPY
    if model == "ic" and n >= BATCH_MIN_NODES and runs >= BATCH_MIN_RUNS:
        return Engine.NUMPY
    return Engine.COMPILED


@functools.cache
def numba_available() -> bool:
    """Whether numba imports (tried once per process, on the first IC or LT simulation).

    A numba that is missing, or installed but broken (e.g. built for another
    numpy), sends every simulation to the numpy batches instead of failing.
    """
    try:
        import numba  # noqa: F401
    except Exception:                    # ImportError, or numba's own version checks
        return False
    return True


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
        self.queue = np.empty(graph.n, dtype=graph.indices.dtype)
        if model == "ic":
            self.mark = np.zeros(graph.n, dtype=np.uint8)
        else:
            self.cell = np.zeros((graph.n, 2))
            self.cell[:, 0] = -1.0
            self.touched = np.empty(graph.n, dtype=graph.indices.dtype)

    def run(self, seeds: np.ndarray, runs: int) -> tuple[np.ndarray, int]:
        """Sizes of ``runs`` cascades from ``seeds`` (node positions, ``int64``) and the arcs checked."""
        sizes = np.empty(runs, dtype=np.int64)
        return sizes, self.run_into(seeds, sizes)

    def run_into(self, seeds: np.ndarray, sizes: np.ndarray) -> int:
        """Fill ``sizes`` with one cascade size per entry; return the arcs checked.

        ``seeds`` are node positions (an integer array); one outside
        ``0 .. n-1`` raises :class:`~lineup.errors.UsageError` naming it.
        """
        j = self.jit
        if self.model == "ic":
            checked = j.ic_runs(self.indptr, self.indices, seeds, self.p, self.prob, len(sizes),
                                self.state, self.mark, self.queue, sizes)
        else:
            checked = j.lt_runs(self.indptr, self.indices, seeds, self.prob, len(sizes), self.state,
                                self.queue, self.cell, self.touched, sizes)
        if checked < 0:
            _int_positions(seeds.tolist(), len(self.indptr) - 1)      # raises, naming the bad seeds
        return int(checked)

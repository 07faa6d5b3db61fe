"""``lineup.Cascade``: one graph, one model, one random stream, many simulations.

:func:`~lineup.simulation.spread.spread` checks its arguments, converts the
graph and seeds a new stream on every call.  A researcher's own greedy or a
sweep over seed sets calls it thousands of times with the same graph and
parameters; :class:`Cascade` does that work once, keeps the compiled kernel's
workspace, and carries one random stream from call to call, so a call costs
about what the cascade itself costs (a microsecond or two of overhead).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from lineup._rng import SeedLike, as_generator

from .compiled import Engine, Runner, choose_engine
from .spread import Model, SpreadResult, _check_runs, _seed_list, numpy_cascades, pick_engine, prepare
from .kernels import threshold_cascade

__all__ = ["Cascade"]


class Cascade:
    """A reusable diffusion simulator: the graph, model and parameter fixed, the random stream kept.

    Parameters
    ----------
    graph : networkx graph, CSRGraph or (src, dst) edge arrays
        Converted once (see :func:`~lineup.simulation.spread.spread`).
    model : {"ic", "lt", "threshold"}
    p, phi
        As for :func:`~lineup.simulation.spread.spread`, checked once.
    seed : int, SeedSequence or Generator, optional
        Seeds the stream; every call continues it, so the n-th call's samples
        depend on the seed and on the calls before it (same sequence of calls,
        same numbers).
    engine : {"auto", "compiled", "numpy"}
        ``auto``: compiled when numba is available
        (:func:`~lineup.simulation.compiled.choose_engine` for one run).

    Attributes
    ----------
    graph : CSRGraph
    model : Model

    Notes
    -----
    One object holds one stream and one workspace: give each thread or
    process its own Cascade (built from the same CSRGraph, which is shared
    without copying) with its own seed, e.g. from
    ``numpy.random.SeedSequence(seed).spawn(k)``.

    Examples
    --------
    >>> import networkx as nx
    >>> c = Cascade(nx.path_graph(5), model="ic", p=1.0, seed=1)
    >>> c.run([0]), c.run([4, 3])
    (5, 5)
    >>> r = Cascade(nx.path_graph(5), p=0.5, seed=1).spread([2], runs=4000)
    >>> abs(r.mean - 2.5) < 3 * r.stderr      # exact: 1 + 2 * (0.5 + 0.25)
    True

    A greedy over candidate seeds, one stream for the whole search:

    >>> c = Cascade(nx.star_graph(6), p=0.3, seed=2)
    >>> best = max(range(7), key=lambda v: c.spread([v], runs=200).mean)
    >>> best
    0
    """

    def __init__(self, graph: Any, model: str = "ic", p=None, *, phi: float | None = None,
                 seed: SeedLike = None, engine: str = "auto"):
        self.model, self.graph, self._param = prepare(graph, model, p, phi)
        self._runner = self._rng = None
        if self.model is Model.THRESHOLD:
            return
        if pick_engine(engine, self.model, self.graph.n, 1) is Engine.COMPILED:
            self._runner = Runner(self.graph, self.model.value, self._param, seed)
        else:
            self._rng = as_generator(seed)
        self._one = np.empty(1, dtype=np.int64)

    @property
    def engine(self) -> Engine:
        """The engine every call uses."""
        return Engine.COMPILED if self._runner is not None else Engine.NUMPY

    def run(self, seeds: Iterable) -> int:
        """The final size of one cascade from ``seeds`` (node labels; seeds included)."""
        nodes = self._nodes(seeds)
        if self._runner is not None:
            self._runner.run_into(nodes, self._one)
            return int(self._one[0])
        return int(self._simulate(nodes, 1)[0][0])

    def spread(self, seeds: Iterable, runs: int = 1000) -> SpreadResult:
        """``runs`` cascades from ``seeds``, as a :class:`~lineup.simulation.spread.SpreadResult`."""
        sizes, checked = self._simulate(self._nodes(seeds), _check_runs(runs))
        return SpreadResult(self.model, sizes, checked)

    def _nodes(self, seeds) -> np.ndarray:
        if isinstance(seeds, np.ndarray) and self.graph.labels is None and seeds.dtype.kind in "iu":
            if self._runner is not None:
                return seeds                       # the compiled kernel checks the range itself
            return self.graph.index_of(seeds.tolist())
        return self.graph.index_of(_seed_list(seeds))

    def _simulate(self, nodes: np.ndarray, runs: int) -> tuple[np.ndarray, int]:
        if self.model is Model.THRESHOLD:
            size, checked = threshold_cascade(self.graph, nodes, self._param)
            return np.full(runs, size, dtype=np.int64), checked
        if self._runner is not None:
            return self._runner.run(nodes, runs)
        return numpy_cascades(self.model, self.graph, nodes, self._param, runs, self._rng)

    def __repr__(self) -> str:
        return f"Cascade(model={self.model.value!r}, n={self.graph.n}, m={self.graph.m}, engine={self.engine.value!r})"

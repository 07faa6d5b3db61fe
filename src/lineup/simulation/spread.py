"""``lineup.spread``: Monte Carlo diffusion from a seed set on any graph.

Three models, one entry point:

``"ic"``
    Independent cascade: each newly active node gets one chance to activate
    each inactive out-neighbour, with probability ``p`` — a number, the name
    of an edge attribute, an array with one value per stored arc (CSRGraph
    input), or ``"wc"`` (weighted cascade: ``1 / in-degree`` of the target).
``"lt"``
    Linear threshold (Kempe, Kleinberg & Tardos 2003): thresholds uniform on
    [0, 1] per node and run; arc weights ``1 / in-degree`` of the target
    unless ``p`` names an edge attribute (or is an array); each node's
    in-weights must sum to at most 1.
``"threshold"``
    Watts (2002): a node activates when the fraction of its active
    in-neighbours is at least ``phi``.  Deterministic: computed once; the
    ``runs`` samples are identical.

An undirected edge works both ways.  The graph may be a networkx graph, a
:class:`~lineup.simulation.graph.CSRGraph` (for large graphs: build it with
:func:`~lineup.simulation.graph.from_edges`), or edge arrays ``(src, dst)``
of integer node ids ``0 .. max``, read as an undirected graph (use
``from_edges(src, dst, n, directed=True)`` for anything else).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

import numpy as np

from lineup._rng import SeedLike, as_generator
from lineup.domain.scenario import did_you_mean
from lineup.errors import UsageError

from .graph import CSRGraph, from_edges, from_networkx
from .kernels import ic_cascades, lt_cascades, threshold_cascade

__all__ = ["Model", "SpreadResult", "spread", "resolve_arcs"]


class Model(str, Enum):
    """Diffusion models understood by :func:`spread`."""

    IC = "ic"
    LT = "lt"
    THRESHOLD = "threshold"


@dataclass(frozen=True, eq=False)
class SpreadResult:
    """Final spread of every run of :func:`spread`.

    Attributes
    ----------
    model : Model
    samples : numpy.ndarray
        Active nodes at the end of each run, seeds included (``int64``).
    edges_checked : int
        Arcs leaving activated nodes, summed over the simulated runs.
    """

    model: Model
    samples: np.ndarray
    edges_checked: int

    @property
    def runs(self) -> int:
        """Number of runs."""
        return len(self.samples)

    @property
    def mean(self) -> float:
        """Mean final spread."""
        return float(self.samples.mean())

    @property
    def stderr(self) -> float:
        """Standard error of :attr:`mean` (0 for a single run)."""
        if self.runs < 2:
            return 0.0
        return float(self.samples.std(ddof=1) / math.sqrt(self.runs))

    @property
    def ci95(self) -> tuple[float, float]:
        """Normal-approximation 95 % confidence interval of :attr:`mean`."""
        half = 1.959964 * self.stderr
        return (self.mean - half, self.mean + half)

    def __repr__(self) -> str:
        return f"SpreadResult(model={self.model.value!r}, runs={self.runs}, mean={self.mean:.6g}, stderr={self.stderr:.3g})"


def spread(
    graph: Any,
    seeds: Iterable,
    *,
    model: str = "ic",
    p: float | str | np.ndarray | None = None,
    phi: float | None = None,
    runs: int = 1000,
    seed: SeedLike = None,
) -> SpreadResult:
    """Simulate a diffusion from ``seeds`` ``runs`` times.

    Parameters
    ----------
    graph : networkx graph, CSRGraph or (src, dst) edge arrays
        Directed or undirected (an undirected edge works both ways).
    seeds : iterable
        Node labels of ``graph`` (positions ``0 .. n-1`` for edge arrays and
        unlabelled CSR graphs).  A single label is accepted too.
    model : {"ic", "lt", "threshold"}
    p : float, str or numpy.ndarray, optional
        ``ic``: probability, edge attribute name, per-arc array or ``"wc"``
        (required).  ``lt``: edge attribute name or per-arc array of
        in-weights (default ``1 / in-degree``).
    phi : float, optional
        ``threshold``: the activating fraction, in (0, 1] (required).
    runs : int
        Number of Monte Carlo runs (≥ 1).
    seed : int, SeedSequence or Generator, optional
        Same seed, same samples.

    Returns
    -------
    SpreadResult

    Raises
    ------
    lineup.errors.UsageError
        Unknown model or seed nodes, missing or out-of-range ``p``/``phi``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.path_graph(5)
    >>> spread(G, [0], p=1.0, runs=10, seed=1).mean
    5.0
    >>> r = spread(G, [2], p=0.5, runs=2000, seed=1)
    >>> abs(r.mean - 2.5) < 3 * r.stderr      # exact: 1 + 2 * (0.5 + 0.25)
    True
    >>> spread(nx.complete_graph(4), [0, 1], model="threshold", phi=0.5, runs=1).samples.tolist()
    [4]
    """
    kind = _parse_model(model)
    runs = _check_runs(runs)
    csr = _as_csr(graph, p if kind is not Model.THRESHOLD else None)
    nodes = csr.index_of(_seed_list(seeds))
    _check_unused(kind, p, phi)
    if kind is Model.THRESHOLD:
        size, checked = threshold_cascade(csr, nodes, _check_phi(phi))
        return SpreadResult(kind, np.full(runs, size, dtype=np.int64), checked)
    rng = as_generator(seed)
    if kind is Model.IC:
        samples, checked = ic_cascades(csr, nodes, _ic_probability(csr, p), runs, rng)
    else:
        samples, checked = lt_cascades(csr, nodes, _lt_weights(csr, p), runs, rng)
    return SpreadResult(kind, samples, checked)


def resolve_arcs(graph: Any, model: str = "ic", p=None) -> tuple[CSRGraph, float | np.ndarray, bool]:
    """``graph`` as CSR with its arc values under :func:`spread`'s conventions for ``model``.

    Returns ``(csr, prob, lt)``: ``prob`` is the IC activation probability (a
    float, or one per stored arc) or the LT in-weights (one per stored arc), and
    ``lt`` tells which.  For samplers that must mean the same model as
    :func:`spread` (reverse-reachable sets).

    Examples
    --------
    >>> import networkx as nx
    >>> csr, prob, lt = resolve_arcs(nx.star_graph(2), "ic", "wc")
    >>> prob.tolist(), lt               # arcs 0->1, 0->2 (leaves have degree 1), 1->0, 2->0
    ([1.0, 1.0, 0.5, 0.5], False)
    """
    kind = _parse_model(model)
    if kind is Model.THRESHOLD:
        raise UsageError("model 'threshold' is deterministic and has no random live arcs; use model 'ic' or 'lt'")
    csr = _as_csr(graph, p)
    if kind is Model.IC:
        return csr, _ic_probability(csr, p), False
    return csr, _lt_weights(csr, p), True


def _parse_model(model) -> Model:
    try:
        return Model(str(model).lower())
    except ValueError:
        names = [m.value for m in Model]
        raise UsageError(f"unknown diffusion model {model!r}; choose one of {names}{did_you_mean(model, names)}") from None


def _check_runs(runs) -> int:
    if isinstance(runs, bool) or not isinstance(runs, (int, np.integer)) or runs < 1:
        raise UsageError(f"runs must be an integer ≥ 1, got {runs!r}")
    return int(runs)


def _seed_list(seeds) -> list:
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Iterable):
        return [seeds]
    return list(seeds)


def _check_unused(kind: Model, p, phi) -> None:
    if kind is Model.THRESHOLD and p is not None:
        raise UsageError(f"model 'threshold' takes phi, not p (got p={p!r})")
    if kind is not Model.THRESHOLD and phi is not None:
        raise UsageError(f"phi is only used by model 'threshold' (got phi={phi!r} with model {kind.value!r})")


def _is_networkx(graph) -> bool:
    return hasattr(graph, "is_directed") and hasattr(graph, "edges") and hasattr(graph, "nodes")


def _as_csr(graph, p) -> CSRGraph:
    """The graph as CSR; a named edge attribute ``p`` becomes its weights."""
    if isinstance(graph, CSRGraph):
        return graph
    if _is_networkx(graph):
        attr = p if isinstance(p, str) and p != "wc" else None
        return from_networkx(graph, weight=attr)
    return _from_edge_arrays(graph)


def _from_edge_arrays(graph) -> CSRGraph:
    if isinstance(graph, np.ndarray) and graph.ndim == 2 and graph.shape[1] == 2:
        return from_edges(graph[:, 0], graph[:, 1])
    if isinstance(graph, (tuple, list)) and len(graph) == 2:
        return from_edges(graph[0], graph[1])
    raise UsageError(
        "graph must be a networkx graph, a CSRGraph, a (src, dst) pair of edge arrays "
        f"or an (m, 2) array, got {type(graph).__name__}"
    )


def _named_weights(csr: CSRGraph, p: str, what: str) -> np.ndarray:
    if csr.weights is None:
        raise UsageError(
            f"p={p!r} names an edge attribute, but a CSRGraph or edge arrays carry no attribute "
            f"names; pass the {what} as an array with one value per stored arc (p=graph.weights)"
        )
    return csr.weights


def _arc_array(csr: CSRGraph, p, what: str) -> np.ndarray:
    w = np.asarray(p, dtype=np.float64)
    if w.shape != (csr.m,):
        raise UsageError(f"p as an array must hold one {what} per stored arc ({csr.m}), got shape {w.shape}")
    return w


def _check_unit_interval(values: np.ndarray, what: str) -> np.ndarray:
    bad = ~((values >= 0.0) & (values <= 1.0))
    if bad.any():
        first = float(values[np.flatnonzero(bad)[0]])
        raise UsageError(f"{what} must lie in [0, 1]; {int(bad.sum())} value(s) do not, e.g. {first!r}")
    return values


def _ic_probability(csr: CSRGraph, p):
    if p is None:
        raise UsageError("model 'ic' needs p: a probability in [0, 1], an edge attribute name, or 'wc'")
    if isinstance(p, str):
        if p == "wc":
            return 1.0 / csr.in_degree()[csr.indices]
        return _check_unit_interval(_named_weights(csr, p, "probabilities"), f"edge attribute {p!r}")
    if np.ndim(p) == 0:
        if isinstance(p, bool) or not isinstance(p, (int, float, np.number)):
            raise UsageError(f"p must be a number, an edge attribute name or 'wc', got {p!r}")
        _check_unit_interval(np.array([float(p)]), "p")
        return float(p)
    return _check_unit_interval(_arc_array(csr, p, "probability"), "p")


def _lt_weights(csr: CSRGraph, p) -> np.ndarray:
    if p is None or (isinstance(p, str) and p == "wc"):
        return 1.0 / csr.in_degree()[csr.indices]
    if isinstance(p, str):
        w = _check_unit_interval(_named_weights(csr, p, "in-weights"), f"edge attribute {p!r}")
    elif np.ndim(p) == 0:
        raise UsageError(f"for model 'lt', p names an edge attribute of in-weights (default 1/in-degree), got {p!r}")
    else:
        w = _check_unit_interval(_arc_array(csr, p, "in-weight"), "p")
    _check_in_weight_sums(csr, w)
    return w


def _check_in_weight_sums(csr: CSRGraph, w: np.ndarray) -> None:
    sums = np.bincount(csr.indices, weights=w, minlength=csr.n)
    over = np.flatnonzero(sums > 1.0 + 1e-9)
    if len(over):
        v = int(over[0])
        name = csr.labels[v] if csr.labels is not None else v
        raise UsageError(
            f"linear threshold needs each node's in-weights to sum to ≤ 1; "
            f"{len(over)} node(s) exceed it, e.g. node {name!r} with {sums[v]:.6g}"
        )


def _check_phi(phi) -> float:
    if phi is None:
        raise UsageError("model 'threshold' needs phi, the activating fraction of in-neighbours, in (0, 1]")
    if isinstance(phi, bool) or not isinstance(phi, (int, float, np.number)) or not 0.0 < float(phi) <= 1.0:
        raise UsageError(f"phi must be a number in (0, 1], got {phi!r}")
    return float(phi)

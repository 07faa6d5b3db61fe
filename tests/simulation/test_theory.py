"""The diffusion kernels against known theory (fast, seeded)."""

import itertools
import math

import networkx as nx
import numpy as np
import pytest

from lineup.simulation.graph import from_edges
from lineup.simulation.spread import spread

pytestmark = pytest.mark.usefixtures("each_engine")      # every test on both engines (conftest.py)


def _reach(n: int, arcs, seeds) -> int:
    D = nx.DiGraph()
    D.add_nodes_from(range(n))
    D.add_edges_from(arcs)
    reached = set(seeds)
    for s in seeds:
        reached |= nx.descendants(D, s)
    return len(reached)


def _exact_ic(G: nx.Graph, seeds, attr: str) -> float:
    """E[spread] by enumerating every live-edge subgraph (one coin per edge)."""
    edges = list(G.edges(data=attr))
    total = 0.0
    for live in itertools.product((False, True), repeat=len(edges)):
        prob, arcs = 1.0, []
        for (u, v, p), on in zip(edges, live):
            prob *= p if on else 1.0 - p
            if on:
                arcs += [(u, v)] if G.is_directed() else [(u, v), (v, u)]
        total += prob * _reach(G.number_of_nodes(), arcs, seeds)
    return total


def _small_graph(directed: bool, seed: int) -> nx.Graph:
    rng = np.random.default_rng(seed)
    G = nx.gnm_random_graph(8, 12, seed=seed, directed=directed)
    for u, v in G.edges:
        G[u][v]["p"] = float(rng.uniform(0.1, 0.9))
    return G


def test_p_zero_gives_exactly_the_seeds():
    G = nx.gnp_random_graph(300, 0.05, seed=1, directed=True)
    r = spread(G, [0, 5, 7, 7], p=0.0, runs=50, seed=1)
    assert np.all(r.samples == 3)


@pytest.mark.parametrize("directed", [True, False])
def test_p_one_gives_exactly_the_reachable_set(directed):
    G = nx.gnp_random_graph(400, 1.2 / 400, seed=4, directed=directed)
    seeds = [0, 1, 2]
    expected = len(set(seeds).union(*(nx.descendants(G, s) if directed else nx.node_connected_component(G, s) for s in seeds)))
    r = spread(G, seeds, p=1.0, runs=20, seed=2)
    assert 3 < expected < 400                     # a non-trivial case
    assert np.all(r.samples == expected)


@pytest.mark.parametrize("directed, graph_seed", [(True, 11), (True, 12), (False, 13), (False, 14)])
def test_ic_matches_live_edge_enumeration(directed, graph_seed):
    G = _small_graph(directed, graph_seed)
    seeds = [0, 3]
    exact = _exact_ic(G, seeds, "p")
    r = spread(G, seeds, p="p", runs=40_000, seed=graph_seed)
    assert abs(r.mean - exact) < 3 * r.stderr, (r.mean, exact, r.stderr)
    assert r.stderr < 0.02                         # the check has teeth


def test_ic_uniform_p_matches_enumeration():
    G = _small_graph(False, 21)
    nx.set_edge_attributes(G, 0.35, "p")
    exact = _exact_ic(G, [1], "p")
    r = spread(G, [1], p=0.35, runs=40_000, seed=3)
    assert abs(r.mean - exact) < 3 * r.stderr


def _giant_fraction(zp: float) -> float:
    s = 1.0
    for _ in range(500):
        s = 1.0 - math.exp(-zp * s)
    return s


def test_giant_cascade_on_erdos_renyi_matches_percolation_theory():
    n, z, p = 20_000, 8.0, 0.3
    rng = np.random.default_rng(5)
    src, dst = rng.integers(0, n, (2, int(n * z / 2)))
    g = from_edges(src, dst, n)
    assert abs(g.m / n - z) < 0.05
    r = spread(g, [0], p=p, runs=60, seed=6)
    big = r.samples[r.samples > n / 10] / n
    theory = _giant_fraction(z * p)                # 0.8786...
    assert len(big) > 30
    assert abs(big.mean() - theory) < 0.01, (big.mean(), theory)
    assert np.all(r.samples[r.samples <= n / 10] < 100)     # the rest die out early


def _exact_lt(n: int, arcs_w: dict, seeds) -> float:
    """E[spread] of LT: each node picks at most one in-neighbour u with prob w(u, v)."""
    options = []
    for v in range(n):
        ins = [(u, w) for (u, t), w in arcs_w.items() if t == v]
        options.append([(None, 1.0 - sum(w for _, w in ins))] + ins)
    total = 0.0
    for choice in itertools.product(*options):
        prob = math.prod(w for _, w in choice)
        arcs = [(u, v) for v, (u, _) in enumerate(choice) if u is not None]
        total += prob * _reach(n, arcs, seeds)
    return total


def test_lt_matches_live_edge_enumeration_default_weights():
    G = nx.DiGraph([(0, 1), (0, 2), (1, 2), (2, 3), (1, 3), (3, 4), (2, 4), (4, 1)])
    indeg = dict(G.in_degree)
    exact = _exact_lt(5, {(u, v): 1.0 / indeg[v] for u, v in G.edges}, [0])
    r = spread(G, [0], model="lt", runs=40_000, seed=8)
    assert abs(r.mean - exact) < 3 * r.stderr, (r.mean, exact)
    assert 1.5 < exact < 4.5


def test_lt_matches_enumeration_with_attribute_weights_undirected():
    G = nx.cycle_graph(5)
    G.add_edge(0, 2)
    weights = {}
    for u, v in G.edges:
        G[u][v]["w"] = 0.3
        weights[(u, v)] = weights[(v, u)] = 0.3
    exact = _exact_lt(5, weights, [0])
    r = spread(G, [0], model="lt", p="w", runs=40_000, seed=9)
    assert abs(r.mean - exact) < 3 * r.stderr, (r.mean, exact)


def test_threshold_chain_and_clique():
    chain = nx.DiGraph([(0, 1), (1, 2), (2, 3)])
    assert spread(chain, [0], model="threshold", phi=1.0, runs=1).samples.tolist() == [4]
    assert spread(chain, [1], model="threshold", phi=1.0, runs=1).samples.tolist() == [3]
    path = nx.path_graph(5)
    assert spread(path, [0], model="threshold", phi=0.5, runs=1).mean == 5
    assert spread(path, [0], model="threshold", phi=0.6, runs=1).mean == 1
    assert spread(path, [1], model="threshold", phi=0.6, runs=1).mean == 2   # the leaf 0 follows
    clique = nx.complete_graph(10)                  # each non-seed sees k of 9 neighbours
    assert spread(clique, [0, 1, 2], model="threshold", phi=3 / 9, runs=1).mean == 10
    assert spread(clique, [0, 1, 2], model="threshold", phi=0.34, runs=1).mean == 3


def _threshold_fixed_point(G: nx.DiGraph, seeds, phi: float) -> int:
    active = set(seeds)
    changed = True
    while changed:
        changed = False
        for v in G:
            ins = list(G.predecessors(v))
            if v not in active and ins and sum(u in active for u in ins) >= phi * len(ins):
                active.add(v)
                changed = True
    return len(active)


@pytest.mark.parametrize("phi", [0.1, 0.2, 0.34, 0.5])
def test_threshold_matches_naive_fixed_point(phi):
    G = nx.gnp_random_graph(200, 0.03, seed=3, directed=True)
    seeds = list(range(8))
    r = spread(G, seeds, model="threshold", phi=phi, runs=3)
    assert r.samples.tolist() == [_threshold_fixed_point(G, seeds, phi)] * 3
    assert r.stderr == 0.0


@pytest.mark.parametrize("model, kw", [("ic", {"p": 0.2}), ("ic", {"p": "wc"}), ("lt", {})])
def test_same_seed_same_samples_different_seed_different(model, kw):
    G = nx.gnp_random_graph(500, 0.01, seed=2)
    a = spread(G, [0, 1], model=model, runs=200, seed=42, **kw)
    b = spread(G, [0, 1], model=model, runs=200, seed=42, **kw)
    c = spread(G, [0, 1], model=model, runs=200, seed=43, **kw)
    assert np.array_equal(a.samples, b.samples)
    assert not np.array_equal(a.samples, c.samples)

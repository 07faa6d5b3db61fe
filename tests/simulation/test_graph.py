"""CSR graph construction: from edges, from networkx, BA generator, reverse."""

import networkx as nx
import numpy as np
import pytest

from lineup.errors import UsageError
from lineup.simulation.graph import CSRGraph, arc_ranges, barabasi_albert, from_edges, from_networkx


def _arcs(g: CSRGraph) -> set[tuple[int, int]]:
    return set(zip(g.arc_sources().tolist(), g.indices.tolist()))


def test_undirected_edges_are_stored_both_ways():
    g = from_edges([0, 1], [1, 2])
    assert not g.directed
    assert _arcs(g) == {(0, 1), (1, 0), (1, 2), (2, 1)}
    assert g.reverse() is g
    assert g.in_degree().tolist() == g.out_degree().tolist() == [1, 2, 1]


def test_duplicates_and_self_loops_dropped_first_weight_kept():
    g = from_edges([0, 0, 1, 2], [1, 1, 1, 0], directed=True, weights=[0.1, 0.9, 0.5, 0.3])
    assert g.indptr.tolist() == [0, 1, 1, 2]
    assert g.indices.tolist() == [1, 0]
    assert g.weights.tolist() == [0.1, 0.3]


def test_rows_sorted_and_dtypes():
    rng = np.random.default_rng(0)
    src, dst = rng.integers(0, 50, 400), rng.integers(0, 50, 400)
    g = from_edges(src, dst, directed=True)
    assert g.indptr.dtype == np.int64 and g.indices.dtype == np.int32
    for v in range(g.n):
        row = g.indices[g.indptr[v]:g.indptr[v + 1]]
        assert np.all(np.diff(row) > 0)
        assert v not in row
    assert _arcs(g) == {(int(a), int(b)) for a, b in zip(src, dst) if a != b}


def test_reverse_matches_networkx_predecessors():
    G = nx.gnp_random_graph(40, 0.1, seed=3, directed=True)
    for u, v in G.edges:
        G[u][v]["w"] = u + v / 100
    g = from_networkx(G, weight="w")
    r = g.reverse()
    assert _arcs(r) == {(v, u) for u, v in G.edges}
    for v in range(r.n):
        row = r.indices[r.indptr[v]:r.indptr[v + 1]]
        assert sorted(row.tolist()) == sorted(G.predecessors(v))
        assert np.allclose(r.weights[r.indptr[v]:r.indptr[v + 1]], row + v / 100)
    assert np.array_equal(g.in_degree(), np.array([d for _, d in G.in_degree]))


def test_from_networkx_labels_and_missing_attribute():
    G = nx.Graph([("a", "b"), ("b", "c")])
    g = from_networkx(G)
    assert g.labels.tolist() == ["a", "b", "c"]
    assert g.index_of(["c", "a"]).tolist() == [2, 0]
    with pytest.raises(UsageError, match="'zz'"):
        g.index_of(["zz"])
    with pytest.raises(UsageError, match="'p'"):
        from_networkx(G, weight="p")


def test_from_networkx_tuple_labels_and_isolated_nodes():
    G = nx.Graph()
    G.add_nodes_from([(0, 0), (0, 1), (9, 9)])
    G.add_edge((0, 0), (0, 1))
    g = from_networkx(G)
    assert g.n == 3 and g.m == 2 and g.labels[2] == (9, 9)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(src=[0, 1], dst=[1]), "same length"),
        (dict(src=[-1], dst=[1]), "negative"),
        (dict(src=[0.5], dst=[1]), "integer"),
        (dict(src=[0], dst=[5], n=3), "n = 3"),
        (dict(src=[0], dst=[1], weights=[1, 2]), "one value per edge"),
    ],
)
def test_from_edges_rejects_bad_input(kwargs, match):
    with pytest.raises(UsageError, match=match):
        from_edges(**kwargs)


def test_int_positions_validated_without_labels():
    g = from_edges([0], [1], n=4)
    assert g.index_of([3]).tolist() == [3]
    with pytest.raises(UsageError, match="7"):
        g.index_of([7])


def test_arc_ranges_matches_loop():
    g = from_edges(*np.random.default_rng(2).integers(0, 30, (2, 200)), n=30, directed=True)
    nodes = np.array([5, 0, 29, 5])
    arcs, counts = arc_ranges(g.indptr, nodes)
    expected = np.concatenate([np.arange(g.indptr[v], g.indptr[v + 1]) for v in nodes])
    assert np.array_equal(arcs, expected)
    assert counts.tolist() == [int(g.indptr[v + 1] - g.indptr[v]) for v in nodes]


def test_barabasi_albert_is_preferential_and_seeded():
    g = barabasi_albert(20_000, 4, seed=7)
    deg = g.out_degree()
    assert g.n == 20_000
    assert 7.8 < deg.mean() <= 8.0
    assert deg.min() >= 1
    assert deg.max() > 150            # hubs: a uniform-attachment graph tops out near 40
    assert np.array_equal(g.indices, barabasi_albert(20_000, 4, seed=7).indices)
    assert not np.array_equal(g.indices, barabasi_albert(20_000, 4, seed=8).indices)
    # the degree tail of BA is P(k) ~ k^-3: the share of nodes with degree >= 2m
    # is about (m / 2m)^2 = 1/4 (within a few percent at this size)
    assert 0.2 < np.mean(deg >= 8) < 0.3


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint16])
def test_undirected_csr_is_the_sorted_simple_graph(seed, dtype):
    """The direct undirected build (no symmetrised copy) stores exactly the simple graph's neighbour sets."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    m = int(rng.integers(0, 150))
    src, dst = (rng.integers(0, n, m).astype(dtype) for _ in range(2))
    g = from_edges(src, dst, n)
    near = [set() for _ in range(n)]
    for a, b in zip(src.tolist(), dst.tolist()):
        if a != b:
            near[a].add(b)
            near[b].add(a)
    assert g.indptr.tolist() == np.cumsum([0] + [len(s) for s in near]).tolist()
    assert g.indices.tolist() == [v for s in near for v in sorted(s)]
    assert g.indices.dtype == np.int32 and g.indptr.dtype == np.int64 and not g.directed


@pytest.mark.parametrize("seed", range(12))
def test_counting_sort_and_numpy_sorts_give_the_same_arrays(seed, monkeypatch):
    """The numba counting sort (long edge lists) and the numpy sorts build identical CSR arrays."""
    from lineup.simulation import graph

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 3000))
    m = int(rng.integers(0, 20_000))
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    if m:
        src[: m // 4] = 0                                    # a hub: rows longer than the insertion-sort cut
        dst[: m // 20] = src[: m // 20]                      # self-loops
        src, dst = np.concatenate([src, dst[: m // 3]]), np.concatenate([dst, src[: m // 3]])  # duplicates
    src, dst = src.astype([np.int32, np.int64][seed % 2]), dst.astype([np.int32, np.int64][seed % 2])
    expected = graph._undirected_csr_sorted(src, dst, n)
    monkeypatch.setattr(graph, "COUNTING_SORT_MIN_EDGES", 0)
    assert graph.build_kernels() is not None
    got = from_edges(src, dst, n)
    assert np.array_equal(got.indptr, expected[0]) and np.array_equal(got.indices, expected[1])
    assert got.indices.dtype == expected[1].dtype == np.int32 and got.indptr.dtype == np.int64


def test_without_numba_long_edge_lists_use_numpy(monkeypatch):
    from lineup.simulation import graph

    monkeypatch.setattr(graph, "COUNTING_SORT_MIN_EDGES", 0)
    monkeypatch.setattr(graph, "build_kernels", lambda: None)
    g = from_edges([0, 1, 2, 2], [1, 0, 1, 2])
    assert g.indptr.tolist() == [0, 1, 3, 4] and g.indices.tolist() == [1, 0, 2, 1]

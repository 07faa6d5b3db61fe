"""The public ``spread`` function: inputs, validation, result object."""

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lineup.errors import UsageError
from lineup.simulation.graph import from_edges, from_networkx
from lineup.simulation.spread import Model, SpreadResult, spread


@pytest.fixture
def G():
    return nx.karate_club_graph()


def test_result_object(G):
    r = spread(G, [0, 33], p=0.1, runs=500, seed=1)
    assert isinstance(r, SpreadResult) and r.model is Model.IC
    assert r.runs == 500 and r.samples.dtype == np.int64 and r.samples.shape == (500,)
    assert r.mean == pytest.approx(r.samples.mean())
    assert r.stderr == pytest.approx(r.samples.std(ddof=1) / np.sqrt(500))
    lo, hi = r.ci95
    assert lo < r.mean < hi and hi - lo == pytest.approx(2 * 1.959964 * r.stderr)
    assert r.edges_checked > 0
    assert "runs=500" in repr(r)
    with pytest.raises(AttributeError):
        r.samples = None


def test_directed_edges_work_one_way_undirected_both():
    D = nx.DiGraph([("a", "b"), ("b", "c")])
    assert spread(D, ["c"], p=1.0, runs=3).mean == 1
    assert spread(D, ["a"], p=1.0, runs=3).mean == 3
    assert spread(D.to_undirected(), ["c"], p=1.0, runs=3).mean == 3


def test_single_label_seed_and_duplicates(G):
    assert spread(nx.path_graph(["x", "y"]), "x", p=1.0, runs=2).mean == 2
    assert spread(G, [0, 0], p=0.0, runs=2).mean == 1


def test_edge_arrays_and_csr_inputs_agree(G):
    src, dst = np.array(G.edges).T
    a = spread((src, dst), [0], p=0.2, runs=300, seed=5)
    b = spread(np.column_stack([src, dst]), [0], p=0.2, runs=300, seed=5)
    c = spread(from_edges(src, dst), [0], p=0.2, runs=300, seed=5)
    d = spread(G, [0], p=0.2, runs=300, seed=5)             # karate labels are 0..33 in order
    assert np.array_equal(a.samples, b.samples) and np.array_equal(a.samples, c.samples)
    assert np.array_equal(a.samples, d.samples)


def test_weighted_cascade_equals_explicit_per_arc_probabilities():
    D = nx.gnp_random_graph(60, 0.08, seed=1, directed=True)
    g = from_networkx(D)
    wc = 1.0 / g.in_degree()[g.indices]
    a = spread(D, [0, 1], p="wc", runs=200, seed=3)
    b = spread(g, [0, 1], p=wc, runs=200, seed=3)
    assert np.array_equal(a.samples, b.samples)


def test_lt_default_and_wc_are_the_same(G):
    a = spread(G, [0], model="lt", runs=200, seed=4)
    b = spread(G, [0], model="LT", p="wc", runs=200, seed=4)
    assert a.model is Model.LT and np.array_equal(a.samples, b.samples)


def test_threshold_returns_identical_runs(G):
    r = spread(G, [0, 33, 32], model="threshold", phi=0.3, runs=4)
    assert r.model is Model.THRESHOLD and len(set(r.samples.tolist())) == 1 and r.runs == 4


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(model="lt2"), r"unknown diffusion model 'lt2'.*did you mean 'lt'"),
        (dict(model="treshold", phi=0.5), r"did you mean 'threshold'"),
        (dict(model="ic"), "needs p"),
        (dict(p=1.5), r"p must lie in \[0, 1\].*1.5"),
        (dict(p=-0.1), "p must lie"),
        (dict(p=float("nan")), "p must lie"),
        (dict(p=True), "p must be a number"),
        (dict(p=[0.5, 0.5]), "one probability per stored arc"),
        (dict(p="strength"), "'strength' is missing on edge"),
        (dict(p="weight"), r"edge attribute 'weight' must lie in \[0, 1\]; 144 value\(s\) do not, e.g. 4.0"),
        (dict(model="threshold"), "needs phi"),
        (dict(model="threshold", phi=0), r"phi must be a number in \(0, 1\]"),
        (dict(model="threshold", phi=1.2), "phi must be"),
        (dict(model="threshold", phi=0.5, p=0.1), "takes phi, not p"),
        (dict(p=0.1, phi=0.5), "phi is only used"),
        (dict(model="lt", p=0.3), "names an edge attribute"),
        (dict(p=0.1, runs=0), "runs must be an integer"),
        (dict(p=0.1, runs=2.5), "runs must be an integer"),
    ],
)
def test_bad_arguments_raise_usage_error(G, kwargs, match):
    with pytest.raises(UsageError, match=match):
        spread(G, [0], **kwargs)


def test_unknown_seeds_are_named(G):
    with pytest.raises(UsageError, match=r"'zed'.*99|99.*'zed'"):
        spread(G, [0, "zed", 99], p=0.1)
    with pytest.raises(UsageError, match="0..2"):
        spread(from_edges([0], [1], n=3), [3], p=0.1)


def test_lt_in_weights_over_one_are_rejected():
    D = nx.DiGraph()
    D.add_edge("a", "c", w=0.7)
    D.add_edge("b", "c", w=0.6)
    with pytest.raises(UsageError, match=r"node 'c' with 1.3"):
        spread(D, ["a"], model="lt", p="w")


def test_attribute_out_of_range_and_csr_without_names():
    D = nx.DiGraph()
    D.add_edge(0, 1, q=2.0)
    with pytest.raises(UsageError, match="edge attribute 'q' must lie"):
        spread(D, [0], p="q")
    with pytest.raises(UsageError, match="carry no attribute names"):
        spread(from_edges([0], [1]), [0], p="q")
    with pytest.raises(UsageError, match="graph must be"):
        spread("not a graph", [0], p=0.1)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(2, 30),
    edges=st.lists(st.tuples(st.integers(0, 29), st.integers(0, 29)), max_size=80),
    p=st.floats(0, 1),
    directed=st.booleans(),
    seed=st.integers(0, 2**32),
)
def test_spread_is_bounded_by_seeds_and_reachable_set(n, edges, p, directed, seed):
    edges = [(u % n, v % n) for u, v in edges]
    G = (nx.DiGraph if directed else nx.Graph)()
    G.add_nodes_from(range(n))
    G.add_edges_from(edges)
    seeds = [0, n - 1]
    reach = len({0, n - 1} | nx.descendants(G, 0) | nx.descendants(G, n - 1))
    for model, kw in (("ic", {"p": p}), ("lt", {})):
        r = spread(G, seeds, model=model, runs=20, seed=seed, **kw)
        assert r.samples.min() >= len(set(seeds)) and r.samples.max() <= reach
    t = spread(G, seeds, model="threshold", phi=max(p, 0.01), runs=1)
    assert len(set(seeds)) <= t.mean <= reach

"""The compiled engine and its dispatcher, the reusable Cascade, the networkx conversion warning."""

import importlib
import warnings

import networkx as nx
import numpy as np
import pytest
from scipy import stats

import lineup
from lineup.errors import PerformanceWarning, UsageError
from lineup.simulation import compiled
from lineup.simulation.cascade import Cascade
from lineup.simulation.compiled import Engine, Runner, choose_engine
from lineup.simulation.graph import barabasi_albert, from_edges, from_networkx
from lineup.simulation.spread import spread

spread_module = importlib.import_module("lineup.simulation.spread")


@pytest.mark.parametrize("model, n, runs, expected", [
    ("ic", 10, 1, "compiled"), ("ic", 10_000, 100_000, "compiled"), ("ic", 524_287, 10**6, "compiled"),
    ("ic", 524_288, 15, "compiled"), ("ic", 524_288, 16, "numpy"), ("ic", 10**7, 100, "numpy"),
    ("lt", 10**7, 10**6, "compiled"), ("threshold", 100, 1, "numpy"),
])
def test_choose_engine_is_a_rule_on_model_size_and_runs(model, n, runs, expected):
    assert choose_engine(model, n, runs).value == expected
    assert choose_engine(model, n, runs) is choose_engine(model, n, runs)


def test_without_numba_everything_goes_to_numpy(monkeypatch):
    monkeypatch.setattr(compiled, "numba_available", lambda: False)
    assert choose_engine("ic", 100, 1) is Engine.NUMPY
    assert Cascade(nx.path_graph(4), p=1.0, seed=1).engine is Engine.NUMPY


def test_spread_engine_argument_is_checked_and_obeyed():
    g = barabasi_albert(500, 2, seed=1)
    a = spread(g, [0], p=0.3, runs=50, seed=1, engine="compiled")
    b = spread(g, [0], p=0.3, runs=50, seed=1, engine="numpy")
    assert np.array_equal(a.samples, spread(g, [0], p=0.3, runs=50, seed=1).samples)     # auto: compiled here
    assert not np.array_equal(a.samples, b.samples)          # different streams (documented)
    with pytest.raises(UsageError, match="unknown engine 'nump'.*did you mean 'numpy'"):
        spread(g, [0], p=0.3, engine="nump")


def _both(g, seeds, runs, **kw):
    return (spread(g, seeds, runs=runs, seed=11, engine="compiled", **kw).samples,
            spread(g, seeds, runs=runs, seed=12, engine="numpy", **kw).samples)


@pytest.mark.parametrize("kw, runs", [({"p": 0.08}, 3000), ({"p": "wc"}, 3000), ({"p": 0.6}, 500), ({"model": "lt"}, 3000)],
                         ids=["ic-uniform", "ic-per-arc", "ic-dense", "lt"])
def test_engines_sample_the_same_distribution(kw, runs):
    g = barabasi_albert(2000, 2, seed=3)
    a, b = _both(g, [0, 7, 500], runs, **kw)
    se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    assert abs(a.mean() - b.mean()) < 4 * se, (a.mean(), b.mean(), se)
    assert stats.ks_2samp(a, b).pvalue > 1e-3
    assert a.std() > 0                                        # a distribution, not a constant


def test_compiled_geometric_skipping_hits_arcs_at_rate_p():
    star = from_edges(np.zeros(5000, dtype=np.int64), np.arange(1, 5001), directed=True)
    for p in (0.002, 0.2, 0.97):
        r = spread(star, [0], p=p, runs=400, seed=4, engine="compiled")
        hits = r.samples - 1
        assert abs(hits.mean() - 5000 * p) < 4 * np.sqrt(5000 * p * (1 - p) / 400), p
        assert r.edges_checked == 400 * 5000
    assert spread(star, [0], p=1.0, runs=3, engine="compiled").samples.tolist() == [5001] * 3
    assert spread(star, [0], p=0.0, runs=3, engine="compiled").samples.tolist() == [1] * 3


def test_runner_clears_its_workspace_between_runs():
    g = from_edges([0, 1, 2], [1, 2, 3])                  # a path 0-1-2-3
    for model, p in (("ic", 1.0), ("lt", np.ones(g.m))):
        r = Runner(g, model, p, seed=1)
        assert r.run(np.array([0, 0]), 5)[0].tolist() == [4] * 5       # duplicates count once
        assert r.run(np.array([3]), 2)[0].tolist() == [4] * 2          # nothing left marked
        if model == "ic":
            assert (r.mark == 0).all()
        else:
            assert (r.cell[:, 0] == -1).all() and (r.cell[:, 1] == 0).all()


def test_cascade_keeps_one_stream_and_is_reproducible():
    G = nx.gnp_random_graph(300, 0.02, seed=5)
    a, b = Cascade(G, p=0.2, seed=9), Cascade(G, p=0.2, seed=9)
    first = [a.run([0, 1]) for _ in range(50)]
    assert first == [b.run([0, 1]) for _ in range(50)]          # same seed, same calls: same numbers
    assert len(set(first)) > 3                                  # the stream moves on between calls
    s1, s2 = a.spread([0, 1], runs=100), b.spread([0, 1], runs=100)
    assert np.array_equal(s1.samples, s2.samples) and s1.model.value == "ic"
    assert not np.array_equal(s1.samples, a.spread([0, 1], runs=100).samples)


@pytest.mark.parametrize("engine", ["compiled", "numpy"])
def test_cascade_matches_spread_in_distribution(engine):
    G = nx.path_graph(5)
    c = Cascade(G, p=0.5, seed=3, engine=engine)
    r = c.spread([2], runs=20_000)
    assert abs(r.mean - 2.5) < 3 * r.stderr                      # exact: 1 + 2 * (0.5 + 0.25)
    assert np.mean([c.run([2]) for _ in range(4000)]) == pytest.approx(2.5, abs=0.08)
    assert c.engine.value == engine


def test_cascade_models_labels_and_errors():
    G = nx.DiGraph([("a", "b"), ("b", "c")])
    assert Cascade(G, model="lt", seed=1).run(["a"]) == 3             # in-weights 1/in-degree = 1
    assert Cascade(G, model="threshold", phi=1.0).spread("b", runs=3).samples.tolist() == [2] * 3
    g = from_edges([0, 1], [1, 2])
    c = Cascade(g, p=1.0, seed=1)
    assert c.run(np.array([0])) == 3 and c.run([2]) == 3
    with pytest.raises(UsageError, match="not in the graph.*5"):
        c.run(np.array([5]))
    with pytest.raises(UsageError, match="seed node"):
        Cascade(G, p=0.5).run(["zz"])
    with pytest.raises(UsageError, match="model 'ic' needs p"):
        Cascade(G)
    with pytest.raises(UsageError, match="runs must be"):
        c.spread([0], runs=0)
    assert "engine='compiled'" in repr(c) and lineup.Cascade is Cascade


def test_a_large_networkx_graph_converted_again_warns_once(monkeypatch):
    monkeypatch.setattr(spread_module, "WARN_EDGES", 50)
    G = nx.gnm_random_graph(100, 60, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        spread(G, [0], p=0.1, runs=5, seed=1)                      # first conversion: silent
        spread(from_networkx(G), [0], p=0.1, runs=5, seed=1)       # the documented way: silent
        Cascade(nx.path_graph(3), p=0.5).run([0])                  # small graphs: silent
    with pytest.warns(PerformanceWarning, match="convert it once with lineup.from_networkx") as caught:
        spread(G, [0], p=0.1, runs=5, seed=1)
    assert caught[0].filename == __file__                       # points at the caller's line
    H = nx.gnm_random_graph(100, 60, seed=2)
    Cascade(H, p=0.1)
    with pytest.warns(PerformanceWarning) as caught:
        Cascade(H, p=0.1)
    assert caught[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        spread(G, [0], p=0.1, runs=5, seed=1)                      # warned once per graph


def test_importing_the_simulator_does_not_import_numba():
    import subprocess
    import sys

    code = "import sys, lineup.simulation, lineup.simulation.cascade; print('numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

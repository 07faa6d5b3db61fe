"""lineup.maximize_influence, the graph RR sampler and the max-coverage greedy."""

from __future__ import annotations

import itertools
import json
import math
import warnings

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lineup
from lineup.domain.rrsets import RRSets
from lineup.simulation.coverage import BUDGET_RATIO, CARDINALITY_RATIO, greedy_budget, greedy_k
from lineup.simulation.graph import barabasi_albert, from_edges
from lineup.simulation.influence import InfluenceStatus
from lineup.simulation.rr_graph import rr_sets

# ----------------------------------------------------------------------------- RR estimate = simulated spread


def _small_graphs():
    directed = nx.gnp_random_graph(80, 0.05, seed=3, directed=True)
    return {"ba": barabasi_albert(150, 2, seed=2), "directed": directed}


def _arc_values(g, model: str) -> np.ndarray:
    """Uneven per-arc values: IC probabilities in [0, 0.4]; LT in-weights summing to ≤ 0.9 per node."""
    w = np.random.default_rng(5).random(g.m)
    if model == "ic":
        return 0.4 * w
    return 0.9 * w / np.bincount(g.indices, weights=w, minlength=g.n)[g.indices]


@pytest.mark.parametrize("graph", ["ba", "directed"])
@pytest.mark.parametrize("model, p", [("ic", 0.15), ("ic", "wc"), ("lt", None), ("ic", "per arc"), ("lt", "per arc")])
def test_rr_estimate_agrees_with_simulated_spread(graph, model, p):
    g = _small_graphs()[graph]
    if not isinstance(g, lineup.CSRGraph):
        g = lineup.from_networkx(g)
    if p == "per arc":
        p = _arc_values(g, model)
    seeds = [0, 5, 17]
    rr = rr_sets(g, 100_000, model=model, p=p, seed=1)
    sim = lineup.spread(g, seeds, model=model, p=p, runs=4000, seed=2)
    est, se = rr.estimate(seeds), rr.standard_error(seeds)
    assert abs(est - sim.mean) <= 3 * math.hypot(se, sim.stderr), (est, se, sim.mean, sim.stderr)


def test_rr_sets_match_exact_spreads_on_a_path():
    g = from_edges([0, 1], [1, 2], directed=True)                # 0 -> 1 -> 2
    rr = rr_sets(g, 200_000, p=0.5, seed=4)
    # E[spread({0})] = 1 + 0.5 + 0.25
    assert abs(rr.estimate([0]) - 1.75) < 3 * rr.standard_error([0])
    lt = rr_sets(g, 200_000, model="lt", p=np.array([0.5, 0.5]), seed=4)
    assert abs(lt.estimate([0]) - 1.75) < 3 * lt.standard_error([0])   # LT on a path = IC
    assert abs(rr.estimate([2]) - 1.0) < 3 * rr.standard_error([2])   # nothing leaves 2
    assert abs(rr.estimate([0, 2]) - 2.5) < 3 * rr.standard_error([0, 2])


def test_rr_sets_hold_the_root_and_sorted_unique_members():
    rr = rr_sets(barabasi_albert(300, 3, seed=1), 2000, p="wc", seed=5)
    assert rr.stored == rr.count == 2000
    for r in range(0, 2000, 97):
        s = rr.members[rr.indptr[r]:rr.indptr[r + 1]]
        assert len(s) >= 1 and np.all(np.diff(s) > 0)


def test_rr_sets_are_reproducible_from_a_seed():
    g = barabasi_albert(200, 2, seed=1)
    a, b = rr_sets(g, 500, p=0.2, seed=9), rr_sets(g, 500, p=0.2, seed=9)
    c = rr_sets(g, 500, p=0.2, seed=10)
    assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.members, b.members)
    assert not np.array_equal(a.members, c.members)


def test_by_item_inverts_the_sets():
    rr = rr_sets(barabasi_albert(100, 2, seed=1), 3000, p="wc", seed=2)
    ptr, owner = rr.by_item()
    owner_sets = np.repeat(np.arange(rr.stored), rr.sizes())
    order = np.argsort(rr.members, kind="stable")                 # the plain way
    assert np.array_equal(owner, owner_sets[order])
    assert np.array_equal(np.diff(ptr), np.bincount(rr.members, minlength=rr.n))


# ----------------------------------------------------------------------------- greedy vs brute force

_sets = st.lists(st.lists(st.integers(0, 5), min_size=1, max_size=4), min_size=1, max_size=14)


def _best(rr: RRSets, feasible) -> int:
    return max(rr.covered(list(c)) for r in range(rr.n + 1) for c in itertools.combinations(range(rr.n), r)
               if feasible(c))


@settings(max_examples=60, deadline=None)
@given(_sets, st.integers(1, 3))
def test_greedy_k_against_brute_force(sets, k):
    rr = RRSets.from_lists(sets, count=len(sets), n=6, people=6)
    got = greedy_k(rr, k)
    best = _best(rr, lambda c: len(c) <= k)
    assert len(got.items) == k and len(set(got.items.tolist())) == k
    assert got.covered == rr.covered(got.items) == int(got.gains.sum())
    assert CARDINALITY_RATIO * best - 1e-9 <= got.covered <= best <= got.upper + 1e-9
    if k == 1:
        assert got.covered == best


@settings(max_examples=60, deadline=None)
@given(_sets, st.lists(st.floats(0.0, 4.0), min_size=6, max_size=6), st.floats(0.5, 6.0))
def test_greedy_budget_against_brute_force(sets, costs, budget):
    rr = RRSets.from_lists(sets, count=len(sets), n=6, people=6)
    c = np.asarray(costs)
    got = greedy_budget(rr, c, budget)
    best = _best(rr, lambda s: c[list(s)].sum() <= budget)
    assert c[got.items].sum() <= budget + 1e-9
    assert got.covered == rr.covered(got.items)
    assert BUDGET_RATIO * best - 1e-9 <= got.covered <= best <= got.upper + 1e-9


def test_greedy_finds_the_optimum_on_a_small_instance():
    sets = [[0, 1], [0], [0, 2], [3], [3, 4], [4], [2], [5]]
    rr = RRSets.from_lists(sets, count=10, n=6, people=6)
    for k in (1, 2, 3):
        assert greedy_k(rr, k).covered == _best(rr, lambda c: len(c) <= k)


# ----------------------------------------------------------------------------- maximize_influence


def test_star_hub_is_chosen_with_a_sane_guarantee():
    G = nx.star_graph(30)
    res = lineup.maximize_influence(G, 1, p=0.4, seed=1)
    assert res.seeds == (0,)
    assert res.status is InfluenceStatus.GUARANTEED
    assert res.target_ratio == pytest.approx(1 - 1 / math.e - 0.1)
    assert res.target_ratio <= res.ratio <= 1.0
    assert res.confidence == pytest.approx(1 - 0.01)
    assert res.spread_lower <= res.spread <= res.optimum_upper
    assert res.spread_ci[0] <= 13.0 <= res.spread_ci[1]                # 1 + 30 × 0.4
    assert res.rr_sets > 0 and res.seconds >= 0 and res.method == "imm"


@pytest.mark.parametrize("method", ["imm", "opim"])
def test_seeds_beat_top_degree_and_agree_with_spread(method):
    g = barabasi_albert(400, 2, seed=3)
    res = lineup.maximize_influence(g, 5, p="wc", method=method, seed=2)
    assert len(set(res.seeds)) == 5 and res.status is InfluenceStatus.GUARANTEED
    sim = lineup.spread(g, list(res.seeds), p="wc", runs=3000, seed=3)
    se = (res.spread_ci[1] - res.spread_ci[0]) / (2 * 1.959964)
    assert abs(res.spread - sim.mean) <= 3 * math.hypot(se, sim.stderr)
    top = np.argsort(-g.out_degree(), kind="stable")[:5].tolist()
    assert sim.mean >= 0.98 * lineup.spread(g, top, p="wc", runs=3000, seed=3).mean


def test_same_seed_same_result_and_labels_as_given():
    G = nx.relabel_nodes(nx.karate_club_graph(), {i: f"m{i}" for i in range(34)})
    a = lineup.maximize_influence(G, 3, model="lt", seed=7)
    b = lineup.maximize_influence(G, 3, model="lt", seed=7)
    assert a.seeds == b.seeds and a.spread == b.spread and a.rr_sets == b.rr_sets and a.marginal == b.marginal
    assert all(isinstance(s, str) and s.startswith("m") for s in a.seeds)
    assert "m0" in a.seeds or "m33" in a.seeds                          # the two hubs


def test_budget_is_respected_and_costs_can_be_a_mapping():
    G = nx.karate_club_graph()
    costs = {v: 1.0 + G.degree(v) / 4 for v in G}
    res = lineup.maximize_influence(G, costs=costs, budget=8.0, p=0.1, seed=3)
    assert res.cost == pytest.approx(sum(costs[v] for v in res.seeds)) and res.cost <= 8.0
    assert res.to_frame()["cost"].tolist() == [costs[v] for v in res.seeds]
    assert res.target_ratio == pytest.approx((1 - 1 / math.e) / 2 - 0.1)
    assert res.ratio >= res.target_ratio and res.budget == 8.0
    arr = np.array([costs[v] for v in G])
    same = lineup.maximize_influence(G, costs=arr, budget=8.0, p=0.1, seed=3)
    assert same.seeds == res.seeds
    only = lineup.maximize_influence(G, costs={5: 1.0, 6: 1.0}, budget=10.0, p=0.1, seed=3)
    assert set(only.seeds) <= {5, 6}                                   # nodes without a cost are never chosen


@pytest.mark.parametrize("method", ["imm", "opim"])
def test_the_cap_is_a_status_and_a_warning(method):
    g = barabasi_albert(2000, 2, seed=1)
    with pytest.warns(RuntimeWarning, match="max_sets"):
        res = lineup.maximize_influence(g, 10, p=0.01, max_sets=2000, method=method, seed=1)
    assert res.status is InfluenceStatus.CAP_REACHED and res.ratio < res.target_ratio
    assert 0 < res.rr_sets <= 3 * 2000
    assert res.notes and "max_sets" in res.notes[0]


def test_to_dict_and_to_frame():
    res = lineup.maximize_influence(nx.karate_club_graph(), 3, p=0.2, seed=1)
    d = json.loads(json.dumps(res.to_dict()))
    assert d["seeds"] == list(res.seeds) and d["status"] == "guaranteed" and "probability" in d["guarantee"]
    frame = res.to_frame()
    assert list(frame.columns) == ["rank", "seed", "marginal", "cumulative"]
    assert frame["seed"].tolist() == list(res.seeds) and (frame["marginal"] >= 0).all()


@pytest.mark.parametrize("kwargs, fragment", [
    ({"k": 0}, "k must be"),
    ({"k": 99}, "k must be"),
    ({}, "give k"),
    ({"k": 2, "budget": 3.0, "costs": [1.0] * 10}, "either k or costs"),
    ({"costs": [1.0] * 10}, "budget is missing"),
    ({"costs": [1.0] * 9, "budget": 2.0}, "one value per node"),
    ({"costs": [-1.0] + [1.0] * 9, "budget": 2.0}, "costs must be ≥ 0"),
    ({"costs": [5.0] * 10, "budget": 2.0}, "no node costs at most the budget"),
    ({"costs": {"x": 1.0}, "budget": 2.0}, "costs name node.* not in the graph: 'x'"),
    ({"costs": {1: "cheap"}, "budget": 2.0}, "costs must map node labels to numbers"),
    ({"k": 2, "epsilon": 0.7}, "epsilon"),
    ({"k": 2, "delta": 0}, "delta"),
    ({"k": 2, "method": "tim"}, "method"),
    ({"k": 2, "max_sets": 1}, "max_sets"),
    ({"k": 2, "model": "threshold"}, "threshold"),
    ({"k": 2, "p": None}, "needs p"),
])
def test_bad_arguments_raise_usage_errors_naming_them(kwargs, fragment):
    kwargs = {"p": 0.1, **kwargs}
    with pytest.raises(lineup.UsageError, match=fragment):
        lineup.maximize_influence(nx.path_graph(10), **kwargs)


def test_exported_from_lineup():
    assert {"maximize_influence", "InfluenceResult"} <= set(lineup.__all__)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert lineup.maximize_influence((np.array([0, 1]), np.array([1, 2])), 1, p=1.0, seed=1).spread == 3.0

"""Kernel-level behaviour: ic_step, geometric skipping, batching, LT/threshold steps."""

import numpy as np
import pytest

from lineup.simulation import kernels
from lineup.simulation.graph import barabasi_albert, from_edges
from lineup.simulation.kernels import (
    batch_size,
    bernoulli_positions,
    ic_cascades,
    ic_step,
    lt_cascades,
    threshold_cascade,
)


def test_bernoulli_positions_rate_and_uniformity():
    rng = np.random.default_rng(1)
    total, p = 200_000, 0.03
    counts = np.array([len(bernoulli_positions(total, p, rng)) for _ in range(50)])
    assert abs(counts.mean() - total * p) < 3 * np.sqrt(total * p * (1 - p) / 50)
    pos = bernoulli_positions(total, p, rng)
    assert np.all(np.diff(pos) > 0) and pos[0] >= 0 and pos[-1] < total
    hist = np.bincount(pos * 10 // total, minlength=10)
    assert hist.min() > 0.85 * hist.mean()


def test_bernoulli_positions_extends_a_short_sample():
    # p close to 1 with few positions: the first draw may run short of `total`
    rng = np.random.default_rng(0)
    pos = np.concatenate([bernoulli_positions(40, 0.95, rng) for _ in range(200)])
    assert 0.93 < len(pos) / (40 * 200) < 0.97


def test_ic_step_never_reactivates_and_respects_per_arc_p():
    g = from_edges([0, 0, 0, 1], [1, 2, 3, 3], directed=True)
    active = np.array([True, False, False, True])
    p = np.zeros(g.m)
    p[g.indptr[0] + 1] = 1.0               # only 0 -> 2 fires
    new = ic_step(g, np.array([0]), active, p, np.random.default_rng(0))
    assert new.tolist() == [2]
    assert active.tolist() == [True, False, True, True]
    assert ic_step(g, np.array([0, 1]), active, 1.0, np.random.default_rng(0)).tolist() == [1]
    assert ic_step(g, np.array([], dtype=np.int64), active, 1.0, np.random.default_rng(0)).tolist() == []


def test_ic_step_rate_matches_p():
    g = from_edges(np.zeros(5000, dtype=np.int64), np.arange(1, 5001), directed=True)
    active = np.zeros(g.n, dtype=bool)
    active[0] = True
    new = ic_step(g, np.array([0]), active, 0.2, np.random.default_rng(3))
    assert abs(len(new) - 1000) < 3 * np.sqrt(5000 * 0.2 * 0.8)
    assert active.sum() == len(new) + 1


def test_batching_does_not_change_the_distribution(monkeypatch):
    g = barabasi_albert(3000, 3, seed=2)
    seeds = np.argsort(-g.out_degree())[:5]
    whole, checked_whole = ic_cascades(g, seeds, 0.05, 400, np.random.default_rng(1))
    monkeypatch.setattr(kernels, "STATE_BUDGET", 4096 * 7)     # 3000 nodes use 4096 cells: batches of 7 runs
    assert batch_size(4096, 400) == 7
    calls = []
    original = kernels._ic_batch
    monkeypatch.setattr(kernels, "_ic_batch", lambda *a: calls.append(a[3]) or original(*a))
    split, checked_split = ic_cascades(g, seeds, 0.05, 400, np.random.default_rng(2))
    assert calls == [7] * 57 + [1]
    assert len(split) == 400
    se = np.sqrt(whole.var(ddof=1) / 400 + split.var(ddof=1) / 400)
    assert abs(whole.mean() - split.mean()) < 3 * se
    assert 0.8 < checked_whole / checked_split < 1.25
    p1, _ = ic_cascades(g, seeds, 1.0, 15, np.random.default_rng(3))
    assert np.all(p1 == g.n)                 # BA graphs are connected


def test_edges_checked_counts_arcs_of_activated_nodes():
    g = from_edges([0, 0, 1, 2], [1, 2, 3, 3], directed=True)
    sizes, checked = ic_cascades(g, [0], 1.0, 5, np.random.default_rng(0))
    assert sizes.tolist() == [4] * 5
    assert checked == 5 * g.m
    sizes, checked = ic_cascades(g, [0], 0.0, 5, np.random.default_rng(0))
    assert sizes.tolist() == [1] * 5 and checked == 5 * 2


def test_lt_full_weight_chain_always_spreads_and_zero_never():
    g = from_edges([0, 1, 2], [1, 2, 3], directed=True)
    assert lt_cascades(g, [0], np.ones(3), 10, np.random.default_rng(0))[0].tolist() == [4] * 10
    assert lt_cascades(g, [0], np.zeros(3), 10, np.random.default_rng(0))[0].tolist() == [1] * 10


def test_lt_accumulates_weight_across_steps():
    # 3 has in-neighbours 1 (w=.5, activated at step 1) and 2 (w=.5, step 2): always active
    g = from_edges([0, 1, 0, 2], [1, 3, 2, 3], directed=True)
    w = np.where(g.indices == 3, 0.5, 1.0)
    sizes, _ = lt_cascades(g, [0], w, 200, np.random.default_rng(0))
    assert sizes.tolist() == [4] * 200


def test_threshold_counts_duplicate_hits_once_per_arc():
    # 3 is reached from 1 and 2 in the same step: 2 of its 3 in-neighbours are active
    g = from_edges([0, 0, 1, 2, 4], [1, 2, 3, 3, 3], directed=True)
    assert threshold_cascade(g, [0], 2 / 3)[0] == 4
    assert threshold_cascade(g, [0], 0.7)[0] == 3


@pytest.mark.parametrize("n, runs, expected", [(10, 5, 5), (1 << 30, 100, 1), (1_000, 10**6, 16777)])
def test_batch_size(n, runs, expected):
    assert batch_size(n, runs) == expected

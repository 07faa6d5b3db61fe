"""Generated populations: sizes, niche shares, heavy-tailed degrees, mixing, seeding."""

from __future__ import annotations

import numpy as np
import pytest

from lineup.errors import UsageError
from lineup.simulation.population import Population, generate_population, pareto_degrees


def _cross_fraction(pop: Population) -> float:
    g = pop.graph
    src = g.arc_sources()
    member = pop.niche[src] >= 0
    return float((pop.niche[src] != pop.niche[g.indices])[member].mean())


@pytest.fixture(scope="module")
def pop() -> Population:
    return generate_population(50_000, niches=["a", "b", "c", "d"], mean_degree=10, mixing=0.2, seed=11)


def test_size_and_niche_shares(pop):
    assert pop.size == 50_000 and pop.niche.dtype == np.int32
    general = np.mean(pop.niche == -1)
    assert abs(general - 0.3) < 0.01
    shares = pop.niche_sizes() / pop.size
    np.testing.assert_allclose(shares, 0.7 / 4, atol=0.01)


def test_mean_degree_close_to_target(pop):
    assert pop.graph.directed is False
    assert 9.0 < pop.graph.m / pop.size < 10.5


def test_degrees_are_heavy_tailed(pop):
    deg = pop.graph.out_degree()
    # a Poisson(10) graph has P(deg >= 50) ~ 1e-17; a Pareto(2.5) one has ~1 %
    assert np.mean(deg >= 50) > 0.003
    assert deg.max() > 10 * deg.mean()
    # the tail decays like a power law: doubling x divides P(deg >= x) by ~2^1.5 (not exponentially)
    p20, p40 = np.mean(deg >= 20), np.mean(deg >= 40)
    assert 1.8 < p20 / p40 < 5.0


@pytest.mark.parametrize("mixing", [0.05, 0.2, 0.5])
def test_mixing_is_the_share_of_cross_niche_ties(mixing):
    pop = generate_population(20_000, niches=["a", "b", "c"], mixing=mixing, seed=5)
    assert abs(_cross_fraction(pop) - mixing) < 0.03


def test_no_niches_means_everyone_general():
    pop = generate_population(1_000, seed=1)
    assert pop.niche_names == () and np.all(pop.niche == -1) and pop.graph.m > 0


def test_same_seed_same_population_different_seed_different():
    a = generate_population(3_000, niches=["x"], seed=4)
    b = generate_population(3_000, niches=["x"], seed=4)
    c = generate_population(3_000, niches=["x"], seed=5)
    assert np.array_equal(a.graph.indices, b.graph.indices) and np.array_equal(a.niche, b.niche)
    assert not np.array_equal(a.graph.indptr, c.graph.indptr)


def test_pareto_degrees_mean_and_cap():
    th = pareto_degrees(10_000, 8.0, 2.5, np.random.default_rng(0))
    assert abs(th.mean() - 8.0) < 1e-9
    assert th.max() <= np.sqrt(10_000 * 8.0) * 1.05


def test_bad_parameters_are_all_reported():
    with pytest.raises(UsageError) as err:
        generate_population(100, mixing=1.5, degree_exponent=1.5, general_share=1.0)
    assert len(err.value.problems) == 3
    assert "mixing" in err.value.describe() and "1.5" in err.value.describe()


def test_the_degree_cap_is_in_people_so_the_tail_does_not_grow_with_the_population():
    """Resolution stability: ⟨θ²⟩ (what drives cascades) is the same at 50k and 500k people."""
    from lineup._rng import as_generator

    small = pareto_degrees(50_000, 10.0, 2.5, as_generator(1))
    large = pareto_degrees(500_000, 10.0, 2.5, as_generator(2))
    assert small.max() <= 150 * 1.01 and large.max() <= 150 * 1.01
    assert abs((small**2).mean() / (large**2).mean() - 1) < 0.05
    uncapped = pareto_degrees(500_000, 10.0, 2.5, as_generator(2), max_degree=1e6)
    assert (uncapped**2).mean() > 1.5 * (large**2).mean()       # without the cap the tail would keep growing


def test_max_degree_must_be_above_the_mean_degree():
    with pytest.raises(UsageError) as err:
        generate_population(1000, mean_degree=10, max_degree=10, seed=0)
    assert any("max_degree must be above mean_degree" in p for p in err.value.problems)


@pytest.mark.parametrize("seed", range(5))
def test_pairing_keeps_every_edge_end_but_at_most_one(seed):
    """First ends (in person order) and shuffled second ends are paired; the longer list's surplus is
    paired among itself, so every person keeps all its Poisson(w) ends (one end in all may be left over)."""
    from lineup.simulation.population import _pair_stubs

    people = np.arange(300, dtype=np.int32)
    weight = np.random.default_rng(99).pareto(1.5, 300) + 0.5
    rng, check = np.random.default_rng(seed), np.random.default_rng(seed)             # the same stream: the ends each person was dealt
    first = np.repeat(people, check.poisson(weight / 2))
    second = np.repeat(people, check.poisson(weight / 2))
    src, dst = _pair_stubs(people, weight, rng)
    dealt = np.bincount(np.r_[first, second], minlength=300)
    used = np.bincount(np.r_[src, dst], minlength=300)
    assert len(src) == len(dst) == (len(first) + len(second)) // 2
    assert np.all(used <= dealt) and int((dealt - used).sum()) == (len(first) + len(second)) % 2


@pytest.mark.parametrize("compiled", [True, False])
def test_shuffled_gives_every_order_the_same_chance(compiled, monkeypatch):
    """All 24 orders of 4 items come up equally often (chi-square), with the numba kernel and without."""
    from scipy import stats

    from lineup.simulation import population

    if not compiled:
        monkeypatch.setattr(population, "build_kernels", lambda: None)
    rng = np.random.default_rng(2024)
    counts: dict[tuple, int] = {}
    for _ in range(12_000):
        key = tuple(population.shuffled(np.arange(4), rng).tolist())
        counts[key] = counts.get(key, 0) + 1
    assert len(counts) == 24
    assert stats.chisquare(list(counts.values())).pvalue > 1e-4


def test_shuffled_is_the_same_with_and_without_numba(monkeypatch):
    from lineup.simulation import population

    items = np.repeat(np.arange(20_000, dtype=np.int32), 3)
    compiled = population.shuffled(items, np.random.default_rng(5))
    monkeypatch.setattr(population, "build_kernels", lambda: None)
    plain = population.shuffled(items, np.random.default_rng(5))
    assert np.array_equal(compiled, plain) and compiled.dtype == np.int32
    assert np.array_equal(np.sort(compiled), items)
    # every item's new place is uniform: the mean place of the first thousand items is near the middle
    assert abs(np.flatnonzero(compiled < 1000).mean() / len(items) - 0.5) < 0.02

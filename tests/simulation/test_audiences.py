"""Audiences: scale k, sizes, niche concentration, overlap, niche mapping."""

from __future__ import annotations

import numpy as np
import pytest

from lineup.simulation.audiences import audience_scale, draw_audiences, map_niches
from lineup.simulation.graph import from_edges
from lineup.simulation.population import Population, generate_population


@pytest.fixture(scope="module")
def pop() -> Population:
    return generate_population(20_000, niches=["food", "golf", "yoga", "tech"], seed=2)


def test_scale_and_sizes(pop):
    real = np.array([50_000.0, 5_000.0, 400.0, 0.0])
    aud = draw_audiences(pop, real, [["food"], ["golf"], [], []], audience_cap=0.5, seed=1)
    k = real.sum() / (0.5 * pop.size)
    assert aud.scale == pytest.approx(k)
    assert aud.sizes().tolist() == [round(50_000 / k), round(5_000 / k), round(400 / k), 0]
    for i in range(3):
        members = aud.of(i)
        assert np.all(np.diff(members) > 0) and members.min() >= 0 and members.max() < pop.size


def test_small_portfolio_has_scale_one(pop):
    aud = draw_audiences(pop, np.array([1_000.0, 2_000.0]), [["food"], ["yoga"]], seed=1)
    assert aud.scale == 1.0 and aud.sizes().tolist() == [1_000, 2_000]


def test_tiny_influencer_keeps_one_follower(pop):
    aud = draw_audiences(pop, np.array([1e7, 1.0]), [["food"], ["food"]], seed=1)
    assert aud.sizes()[1] == 1


@pytest.mark.parametrize("focus", [0.0, 0.8, 1.0])
def test_followers_concentrate_in_the_niche(pop, focus):
    aud = draw_audiences(pop, np.array([2_000.0]), [["yoga"]], niche_focus=focus, seed=3)
    yoga = pop.niche_names.index("yoga")
    share_in = np.mean(pop.niche[aud.of(0)] == yoga)
    base = np.mean(pop.niche == yoga)  # ~0.175
    assert abs(share_in - (focus + (1 - focus) * base)) < 0.03


def test_two_niche_influencer_draws_from_both(pop):
    aud = draw_audiences(pop, np.array([4_000.0]), [["food", "tech"]], niche_focus=1.0, seed=3)
    codes = set(pop.niche[aud.of(0)].tolist())
    assert codes == {pop.niche_names.index("food"), pop.niche_names.index("tech")}


def test_audiences_overlap_but_are_independent(pop):
    aud = draw_audiences(pop, np.array([3_000.0, 3_000.0]), [["golf"], ["golf"]], seed=4)
    shared = np.intersect1d(aud.of(0), aud.of(1)).size
    golf = np.sum(pop.niche == pop.niche_names.index("golf"))
    assert 0 < shared < 3_000
    # two independent 80 %-focused draws share about (0.8 · 3000)^2 / |golf| people
    assert shared == pytest.approx((0.8 * 3_000) ** 2 / golf, rel=0.35)


def test_audience_never_exceeds_population():
    pop = generate_population(500, niches=["a"], seed=1)
    aud = draw_audiences(pop, np.array([5_000.0]), [["a"]], audience_cap=10, seed=1)
    assert aud.sizes()[0] == 500 and np.unique(aud.of(0)).size == 500


def test_same_seed_same_audiences(pop):
    a = draw_audiences(pop, np.array([2_000.0, 900.0]), [["food"], []], seed=8)
    b = draw_audiences(pop, np.array([2_000.0, 900.0]), [["food"], []], seed=8)
    c = draw_audiences(pop, np.array([2_000.0, 900.0]), [["food"], []], seed=9)
    assert np.array_equal(a.members, b.members) and not np.array_equal(a.members, c.members)


def test_map_niches_by_name_or_by_community_size():
    g = from_edges([0], [1], 6)
    pop = Population(g, np.array([0, 1, 1, 1, 0, -1], dtype=np.int16), ("7", "9"))
    assert map_niches(["9", "golf"], pop) == {"9": 1}
    assert map_niches(["yoga", "art", "golf"], pop) == {"art": 1, "golf": 0, "yoga": 1}


def test_audience_scale_formula():
    assert audience_scale(np.array([1e6]), 1_000, 0.5) == 2_000.0
    assert audience_scale(np.array([10.0]), 1_000, 0.5) == 1.0

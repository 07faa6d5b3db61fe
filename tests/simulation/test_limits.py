"""Schedules and populations the simulator refuses or warns about instead of misbehaving."""

from __future__ import annotations

import time

import numpy as np
import pytest

from lineup.domain.campaign import SimulationSpec
from lineup.domain.portfolio import Portfolio
from lineup.domain.roster import Roster
from lineup.domain.tiers import Tiers
from lineup.errors import ScenarioError, UsageError
from lineup.simulation.campaign import Influencers, check_schedule
from lineup.simulation.graph import from_edges
from lineup.simulation.montecarlo import monte_carlo
from lineup.simulation.population import Population


def _influencers(posts=(3.0, 3.0, 3.0), followers=(5_200.0, 8_000.0, 2_500.0)):
    r = Roster.from_columns(ids=["alice", "bob", "carol"], followers=list(followers),
                            engagement_rate=[0.041, 0.035, 0.05], fee=[400, 650, 220], posts=list(posts))
    return Influencers.from_portfolio(Portfolio(r, [0, 1, 2]), Tiers(), SimulationSpec().talk_prob)


def test_a_huge_posts_value_is_neither_wrapped_nor_expanded():
    inf = _influencers(posts=(1e30, 1e9, 2))
    assert inf.posts.min() >= 1                               # no int64 wrap-around to a negative count
    spec = SimulationSpec(days=5, replications=2, population={"size": 500})
    start = time.perf_counter()
    res = monte_carlo(inf, spec, seed=0)                      # posts beyond the campaign are never built
    assert time.perf_counter() - start < 5 and res.replications == 2


def test_too_many_posts_per_influencer_are_refused_with_the_influencer():
    spec = SimulationSpec(days=3650, post_spacing_days=1 / 24, recurring_every_days=1,
                          population={"size": 500})
    with pytest.raises(ScenarioError, match=r"influencer 'alice' would post up to 10,950 times") as err:
        monte_carlo(_influencers(posts=(3, 1, 1)), spec, replications=1, seed=0)
    assert err.value.exit_code == 2
    check_schedule(["x"], np.array([2.0]), spec)               # 7,300 posts: allowed


def test_replications_beyond_the_limit_are_a_usage_error():
    with pytest.raises(UsageError, match="at most 100,000"):
        monte_carlo(_influencers(), SimulationSpec(population={"size": 500}), replications=10**9)


def test_a_two_person_network_warns_why_the_counts_are_zero():
    pop = Population(from_edges([0], [1]), np.full(2, -1, dtype=np.int32), ())
    res = monte_carlo(_influencers(), SimulationSpec(days=10), population=pop, replications=5, seed=1)
    text, *zeros = res.warnings
    assert "2 people" in text and "count nobody" in text and "population.size" in text
    assert zeros and all("replication" in z and "cost_per_" in z for z in zeros)  # zero denominators, reported
    assert res.to_dict()["warnings"] == list(res.warnings)


def test_a_population_large_enough_has_no_warning():
    res = monte_carlo(_influencers(), SimulationSpec(days=30, population={"size": 20_000}), replications=2, seed=1)
    assert res.warnings == () and res.to_dict()["warnings"] == []

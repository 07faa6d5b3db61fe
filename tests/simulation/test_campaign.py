"""One campaign replication: invariants, limits, schedule, spend and the Bass closed form."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lineup.domain.campaign import SimulationSpec
from lineup.domain.portfolio import Portfolio
from lineup.domain.roster import Roster
from lineup.domain.tiers import Tiers
from lineup.simulation.audiences import Audiences, draw_audiences
from lineup.simulation.campaign import COUNT_METRICS, Influencers, simulate_campaign
from lineup.simulation.graph import from_edges
from lineup.simulation.population import Population, generate_population

NICHES = ["food", "golf", "yoga"]
CUMULATIVE = ["exposed", "engaged", "talkers", "direct_talkers", "wom_talkers", "reach", "spend"]


def _influencers(followers, er=0.04, posts=3, fee=100.0, niches=None) -> Influencers:
    n = len(followers)
    roster = Roster.from_columns(
        ids=[f"i{k}" for k in range(n)], followers=followers, engagement_rate=np.broadcast_to(er, n),
        fee=np.broadcast_to(fee, n), posts=np.broadcast_to(posts, n),
        niches=niches or [[NICHES[k % 3]] for k in range(n)])
    return Influencers.from_portfolio(Portfolio(roster, np.arange(n)), Tiers(), SimulationSpec().talk_prob)


@pytest.fixture(scope="module")
def pop() -> Population:
    return generate_population(20_000, niches=NICHES, seed=1)


def _run(pop, inf, seed=0, **spec):
    spec = SimulationSpec(**spec)
    aud = draw_audiences(pop, inf.real_followers, inf.niches, niche_focus=spec.niche_focus,
                         audience_cap=spec.audience_cap, seed=seed)
    return simulate_campaign(pop, aud, inf, spec, seed=seed + 1000), aud


def _check_invariants(m: dict, population_size: int, scale: float) -> None:
    for name in CUMULATIVE:
        assert np.all(np.diff(m[name]) >= -1e-9), name
    assert np.all(m["engaged"] <= m["exposed"] + 1e-9)
    assert np.all(m["talkers"] <= m["reach"] + 1e-9)
    assert np.all(m["exposed"] <= m["reach"] + 1e-9)
    assert np.all(m["reach"] <= population_size * scale + 1e-6)
    np.testing.assert_allclose(m["direct_talkers"] + m["wom_talkers"], m["talkers"])
    np.testing.assert_allclose(np.cumsum(m["new_talkers"]), m["talkers"])
    assert np.all((m["wom_share"] >= 0) & (m["wom_share"] <= 1))
    for name in m:
        if name.startswith("penetration:"):
            assert np.all((m[name] >= 0) & (m[name] <= 1)) and np.all(np.diff(m[name]) >= 0)


def test_metrics_are_monotone_and_bounded(pop):
    inf = _influencers([2_000, 30_000, 400_000, 5_000, 800], er=[0.06, 0.03, 0.02, 0.05, 0.08])
    m, aud = _run(pop, inf, word_of_mouth={"p": 0.05})
    assert set(COUNT_METRICS) <= set(m) and all(len(v) == 30 for v in m.values())
    _check_invariants(m, pop.size, aud.scale)
    assert m["talkers"][-1] > 0 and m["wom_talkers"][-1] > 0


@settings(max_examples=12, deadline=None)
@given(p=st.floats(0, 0.3), reach=st.floats(0.05, 1), days=st.integers(1, 20), seed=st.integers(0, 10**6),
       model=st.sampled_from(["ic", "threshold", "bass", "none"]), recur=st.sampled_from([None, 4.0]))
def test_invariants_hold_for_any_parameters(pop, p, reach, days, seed, model, recur):
    inf = _influencers([3_000, 80_000, 900])
    m, aud = _run(pop, inf, seed=seed, days=days, organic_reach=reach, recurring_every_days=recur,
                  word_of_mouth={"model": model, **{"ic": {"p": p}, "bass": {"bass_q": 0.2, "bass_p": 0.01}}.get(model, {})})
    _check_invariants(m, pop.size, aud.scale)


@pytest.mark.parametrize("wom", [{"p": 0.0}, {"model": "none"}])
def test_no_word_of_mouth_means_only_direct_talkers(pop, wom):
    m, _ = _run(pop, _influencers([20_000, 50_000]), word_of_mouth=wom)
    assert m["talkers"][-1] > 0
    assert np.all(m["wom_talkers"] == 0) and np.all(m["wom_share"] == 0)


def test_word_of_mouth_grows_with_p(pop):
    inf = _influencers([20_000, 50_000])
    low = np.mean([_run(pop, inf, seed=s, word_of_mouth={"p": 0.01})[0]["wom_talkers"][-1] for s in range(4)])
    high = np.mean([_run(pop, inf, seed=s, word_of_mouth={"p": 0.08})[0]["wom_talkers"][-1] for s in range(4)])
    assert high > 3 * low > 0


def test_expected_engagements_match_the_roster_definition(pop):
    # k = 1 here; E[interactions] = posts × followers × ER whatever the organic reach
    inf = _influencers([4_000], er=0.05, posts=2)
    totals = [_run(pop, inf, seed=s, organic_reach=0.25)[0]["engagements"].sum() for s in range(20)]
    assert np.mean(totals) == pytest.approx(2 * 4_000 * 0.05, rel=0.05)


def test_schedule_and_spend(pop):
    inf = _influencers([5_000], posts=2, fee=300.0)
    m, _ = _run(pop, inf, days=10, start_window_days=0, post_spacing_days=5)
    assert m["exposed"][0] > 0                      # first post on day 0
    assert m["exposed"][4] == m["exposed"][0]      # nothing new until day 5
    assert m["exposed"][5] > m["exposed"][4]
    assert m["spend"].tolist() == [300.0] * 10


def test_recurring_partnership_posts_and_pays_again(pop):
    inf = _influencers([5_000], posts=1, fee=300.0)
    m, _ = _run(pop, inf, days=10, start_window_days=0, recurring_every_days=4)
    assert m["spend"][[0, 3, 4, 8, 9]].tolist() == [300.0, 300.0, 600.0, 900.0, 900.0]
    assert m["exposed"][4] > m["exposed"][3]


def test_posts_after_the_campaign_are_not_made(pop):
    inf = _influencers([5_000], posts=50)
    m, _ = _run(pop, inf, days=6, start_window_days=0, post_spacing_days=2)
    assert len(m["exposed"]) == 6 and m["engagements"][1::2].sum() == 0


def test_costs_are_spend_over_counts(pop):
    m, _ = _run(pop, _influencers([10_000, 60_000], fee=500.0))
    last = -1
    assert m["cost_per_engagement"][last] == pytest.approx(1000.0 / m["engagements"].sum())
    assert m["cost_per_talker"][last] == pytest.approx(1000.0 / m["talkers"][last])


def test_scale_multiplies_counts(pop):
    inf = _influencers([3e6, 2e6, 4e6])
    m, aud = _run(pop, inf)
    assert aud.scale == pytest.approx(9e6 / (0.5 * pop.size))
    assert m["exposed"][-1] / aud.scale == pytest.approx(round(m["exposed"][-1] / aud.scale))
    assert m["exposed"][-1] > pop.size  # real people, not simulated ones


def test_same_seed_same_run_different_seed_different(pop):
    inf = _influencers([20_000, 50_000])
    a, _ = _run(pop, inf, seed=3, word_of_mouth={"p": 0.05})
    b, _ = _run(pop, inf, seed=3, word_of_mouth={"p": 0.05})
    c, _ = _run(pop, inf, seed=4, word_of_mouth={"p": 0.05})
    assert all(np.array_equal(a[k], b[k], equal_nan=True) for k in a)
    assert not np.array_equal(a["talkers"], c["talkers"])


def test_bass_mode_follows_the_closed_form():
    """On a well-mixed population with external p and internal q only (no posts),
    the talking fraction follows F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}).

    Tolerance 0.01: the hazard discretisation (50 steps/day) is off by ~0.004 at
    most, sampling noise on 100,000 people by ~0.002.
    """
    n, p, q, days = 100_000, 0.03, 0.4, 25
    empty = np.zeros(0, np.int64)
    pop = Population(from_edges(empty, empty, n), np.full(n, -1, dtype=np.int16), ())
    spec = SimulationSpec(days=days, word_of_mouth={"model": "bass", "bass_p": p, "bass_q": q, "steps_per_day": 50})
    nobody = Influencers([], *([np.zeros(0)] * 5), [])
    m = simulate_campaign(pop, Audiences(np.zeros(1, np.int64), empty), nobody, spec, seed=1)
    t = np.arange(1, days + 1)
    closed = (1 - np.exp(-(p + q) * t)) / (1 + q / p * np.exp(-(p + q) * t))
    np.testing.assert_allclose(m["talkers"] / n, closed, atol=0.01)
    assert 0.1 < closed[5] and closed[-1] > 0.95  # the check spans the whole S-curve
    # share of all adoptions caused by imitation: ∫ qF / (p + qF) dF = 1 - (p/q) ln((p+q)/p)
    assert m["wom_share"][-1] == pytest.approx(1 - p / q * np.log((p + q) / p), abs=0.02)


def test_threshold_model_needs_enough_friends():
    # person 0 talks (the only follower, sure to engage and talk); its friends 1 and 2
    # have no other friend; friend 5 has 5 friends (0, 6, 7, 8, 9), so 1 teller is 20 %
    src = np.array([0, 0, 0, 5, 5, 5, 5])
    dst = np.array([1, 2, 5, 6, 7, 8, 9])
    pop = Population(from_edges(src, dst, 10), np.full(10, -1, dtype=np.int16), ())
    aud = Audiences(np.array([0, 1]), np.array([0]))
    inf = _influencers([1_000], er=1.0, posts=1)
    inf = Influencers(inf.ids, inf.real_followers, inf.engagement_rate, inf.posts, inf.fee, np.ones(1), inf.niches)
    for phi, expected in [(0.2, 8), (0.25, 3), (1.0, 3)]:  # people 3 and 4 have no friends
        spec = SimulationSpec(days=30, organic_reach=1.0, start_window_days=0,
                              word_of_mouth={"model": "threshold", "phi": phi})
        m = simulate_campaign(pop, aud, inf, spec, seed=1)
        assert m["talkers"][-1] == expected, phi


def test_every_word_of_mouth_model_has_a_step_and_every_step_a_model():
    from typing import get_args

    from lineup.domain.campaign import WOM_PARAMETERS, WordOfMouthSpec
    from lineup.simulation.campaign import WORD_OF_MOUTH_STEPS

    models = set(get_args(WordOfMouthSpec.model_fields["model"].annotation))
    assert set(WORD_OF_MOUTH_STEPS) == set(WOM_PARAMETERS) == models

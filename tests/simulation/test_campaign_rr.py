"""RR sets of the campaign model agree with the simulator (lineup.simulation.campaign_rr)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lineup._rng import spawn
from lineup.domain.campaign import SimulationSpec, WordOfMouthSpec
from lineup.domain.portfolio import Portfolio
from lineup.domain.roster import Roster
from lineup.domain.tiers import Tiers
from lineup.errors import ScenarioError, UsageError
from lineup.simulation.audiences import draw_audiences
from lineup.simulation.campaign import Influencers, _post_times, simulate_campaign
from lineup.simulation.campaign_rr import (CampaignSampler, _conditioned_coins, _posts_by, draw_worlds,
                                           effective_edge_probability, followed_by, post_talk_probability)
from lineup.simulation.montecarlo import monte_carlo
from lineup.simulation.population import generate_population

ROSTER = Roster.from_columns(ids=["a", "b", "c", "d"], followers=[4e3, 2e4, 9e4, 6e3],
                             engagement_rate=[0.05, 0.03, 0.02, 0.04], fee=[100, 600, 2000, 150],
                             niches=[["x"], ["x"], ["y"], ["y"]], posts=[3, 2, 1, 2])
LOUD = {"micro": 0.3, "mid": 0.3, "macro": 0.3}      # talk probabilities high enough for small tests


def spec_of(model="ic", **kw) -> SimulationSpec:
    wom = {"model": model, "p": kw.pop("p", 0.05), "mean_delay_days": kw.pop("mean_delay_days", 3.0),
           "decay": kw.pop("decay", 0.7)}
    if model != "ic":    # each model takes only its own parameters
        wom = {"model": model}
    return SimulationSpec(days=kw.pop("days", 8), population={"size": 1000}, talk_prob=LOUD, word_of_mouth=wom, **kw)


def influencers(rows, spec) -> Influencers:
    return Influencers.from_portfolio(Portfolio(ROSTER, rows), Tiers(), spec.talk_prob)


def one_world(spec):
    pop = generate_population(1000, niches=["x", "y"], seed=5)
    inf = influencers([0, 1, 2, 3], spec)
    return pop, draw_audiences(pop, inf.real_followers, inf.niches, seed=6), inf


def simulated(spec, world, runs: int) -> tuple[float, float]:
    """Mean and standard error of the final talkers over ``runs`` replications on one world."""
    pop, aud, inf = world
    talkers = np.array([simulate_campaign(pop, aud, inf, spec, seed=s)["talkers"][-1] for s in spawn(7, runs)])
    return talkers.mean(), talkers.std(ddof=1) / math.sqrt(runs)


def weighted(rr, chosen) -> tuple[float, float]:
    """Estimate and standard error of ``chosen``'s talkers from (possibly weighted) RR sets, computed here:
    ``people × mean(w·hit)`` and ``people × sqrt((mean(w²·hit) − mean(w·hit)²) / θ)`` over all ``θ`` sets."""
    hit = rr.hits(chosen)
    w = np.ones(rr.stored) if rr.weights is None else rr.weights
    mean, square = (w * hit).sum() / rr.count, (w * w * hit).sum() / rr.count
    return rr.people * mean, rr.people * math.sqrt(max(square - mean ** 2, 0.0) / rr.count)


def z_score(rr, chosen, mean, se) -> float:
    estimate, rr_se = weighted(rr, chosen)
    return (estimate - mean) / math.hypot(rr_se, se)


def same_sets(a, b) -> bool:
    return (np.array_equal(a.indptr, b.indptr) and np.array_equal(a.members, b.members)
            and (a.weights is None) == (b.weights is None) and (a.weights is None or np.array_equal(a.weights, b.weights)))


@pytest.mark.parametrize("kw", [dict(), dict(days=60, p=0.15, decay=0.3)], ids=["short horizon", "correlated ties"])
def test_exact_rr_estimate_matches_the_simulation_on_one_world(kw):
    spec = spec_of(**kw)
    world = one_world(spec)
    mean, se = simulated(spec, world, 300)
    rr = CampaignSampler([world[:2]], world[2], spec).sample(200_000, seed=1)
    assert abs(z_score(rr, [0, 1, 2, 3], mean, se)) < 3


@pytest.mark.parametrize("kw", [dict(), dict(days=60, p=0.15, decay=0.3)], ids=["short horizon", "correlated ties"])
def test_textbook_reduction_overestimates_where_horizon_or_one_delay_per_talker_matter(kw):
    # independent ties with p_eff and no horizon: the measured gap is several standard errors
    spec = spec_of(**kw)
    world = one_world(spec)
    mean, se = simulated(spec, world, 300)
    rr = CampaignSampler([world[:2]], world[2], spec, exact=False).sample(200_000, seed=1)
    assert z_score(rr, [0, 1, 2, 3], mean, se) > 3


@pytest.mark.parametrize("model", ["none", "ic"])
def test_rr_estimate_matches_monte_carlo_of_a_sub_portfolio(model):
    spec = spec_of(model)
    roster_inf = influencers([0, 1, 2, 3], spec)
    sampler = CampaignSampler.from_spec(roster_inf, spec, niches=["x", "y"], populations=8, seed=3)
    rr = sampler.sample(200_000, seed=4)
    k = sampler.scale
    res = monte_carlo(influencers([0, 2], spec), spec, niches=["x", "y"], replications=200, seed=9, scale=k)
    talkers = res.samples["talkers"]
    assert abs(z_score(rr, [0, 2], talkers.mean(), talkers.std(ddof=1) / math.sqrt(len(talkers)))) < 3


def test_without_word_of_mouth_the_rr_estimate_is_the_closed_form_direct_talkers():
    spec = spec_of("none", start_window_days=7, days=10)     # late first posts fall outside the campaign
    sampler = CampaignSampler.from_spec(influencers([0, 1, 2, 3], spec), spec, niches=["x", "y"], populations=3,
                                        seed=2)
    rr = sampler.sample(300_000, seed=5)
    for chosen in ([0], [1, 3], [0, 1, 2, 3]):
        estimate, se = weighted(rr, chosen)
        assert abs(estimate - sampler.direct_talkers(chosen)) < 3 * se, chosen
    assert sampler.direct_talkers([0, 1]) < sampler.direct_talkers([0]) + sampler.direct_talkers([1])  # overlap


def test_same_seed_same_sets_and_people_are_real_people():
    spec = spec_of()
    sampler = CampaignSampler.from_spec(influencers([0, 1, 2, 3], spec), spec, niches=["x", "y"], populations=2,
                                        seed=1)
    a, b, c = sampler.sample(20_000, seed=3), sampler.sample(20_000, seed=3), sampler.sample(20_000, seed=4)
    assert same_sets(a, b) and a.weights is not None
    assert not (len(a.members) == len(c.members) and np.array_equal(a.members, c.members))
    assert a.count == 20_000 and a.n == 4 and a.people == 1000 * sampler.scale
    sizes = a.sizes()
    assert sizes.min() >= 1 and all(np.all(np.diff(a.members[s:e]) > 0) for s, e in zip(a.indptr[:-1], a.indptr[1:]))


@pytest.mark.parametrize("model", ["threshold", "bass"])
def test_non_triggering_word_of_mouth_is_refused_by_name(model):
    spec = spec_of(model)
    with pytest.raises(ScenarioError, match="word_of_mouth ic .* or none"):
        CampaignSampler.from_spec(influencers([0], spec), spec, populations=1, seed=1)


def test_bad_arguments_are_usage_errors():
    spec = spec_of()
    inf = influencers([0, 1], spec)
    with pytest.raises(UsageError, match="populations"):
        CampaignSampler.from_spec(inf, spec, populations=0)
    pop, aud, _ = one_world(spec)
    with pytest.raises(UsageError, match="one audience per influencer"):
        CampaignSampler([(pop, aud)], inf, spec)


def test_effective_edge_probability_is_the_mean_over_the_geometric_delay():
    wom = WordOfMouthSpec(p=0.2, mean_delay_days=2.5, decay=0.6)
    d = np.random.default_rng(0).geometric(1 / 2.5, 1_000_000)
    assert effective_edge_probability(wom) == pytest.approx(np.mean(0.2 * 0.6 ** (d - 1)), rel=3e-3)


@pytest.mark.parametrize("posts,spacing,recur,days", [(3, 3.0, 0.0, 30), (4, 0.5, 0.0, 5), (2, 3.0, 7.0, 30),
                                                       (5, 2.0, 4.0, 9), (10, 1 / 3, 0.0, 4)])
def test_posts_by_a_day_follow_the_simulation_schedule(posts, spacing, recur, days):
    for first in range(4):
        times = _post_times(float(first), posts, spacing, recur or None, days)
        for last in range(days):
            expected = sum(1 for t, _ in times if int(t) <= last)
            assert _posts_by(first, posts, last, spacing, recur, float(days)) == expected, (first, last)


def test_pieces_on_threads_give_the_same_sets(monkeypatch):
    import lineup.simulation.campaign_rr as mod

    monkeypatch.setattr(mod, "CHUNK", 3_000)                   # several pieces per world
    spec = spec_of()
    sampler = CampaignSampler.from_spec(influencers([0, 1, 2, 3], spec), spec, niches=["x", "y"], populations=2,
                                        seed=1)
    one, two = sampler.sample(20_001, seed=3), sampler.sample(20_001, seed=3, workers=2)
    assert one.count == two.count == 20_001 and one.stored > 0
    assert same_sets(one, two) and one.weights is not None


def test_a_fixed_population_is_shared_and_its_audiences_redrawn():
    spec = spec_of("none")
    pop = generate_population(1000, niches=["x", "y"], seed=5)
    sampler = CampaignSampler.from_spec(influencers([0, 1, 2, 3], spec), spec, population=pop, populations=3, seed=1)
    worlds = sampler.worlds
    assert all(w.in_indices is pop.graph.indices for w in worlds)
    assert not np.array_equal(worlds[0].f_items, worlds[1].f_items)
    assert sampler.people == 1000 * sampler.scale and sampler.branching == 0.0


# ----------------------------------------------------------------------------- importance weights


def test_conditioned_coins_weighted_by_the_chance_of_a_success_are_unbiased_per_influencer():
    # pairs (influencer, log-miss): influencer 1 twice (two followers reached), each pair its own coin
    pair_i, pair_lm = np.array([0, 1, 2, 1]), np.log1p(-np.array([0.3, 0.05, 0.2, 0.1]))
    pi = -np.expm1(pair_lm)
    rng, runs = np.random.default_rng(0), 40_000
    inf_mark, suffix, out = np.full(3, -1), np.empty(1), np.empty(1, np.int64)
    sums = np.zeros(3)
    for r in range(runs):
        out, n_out, p, suffix = _conditioned_coins(pair_i, pair_lm, 4, r, suffix, inf_mark, out, 0, rng)
        assert n_out >= 1 and len(set(out[:n_out].tolist())) == n_out
        sums[out[:n_out]] += p
    assert p == pytest.approx(1 - np.prod(1 - pi))
    truth = np.array([pi[0], 1 - (1 - pi[1]) * (1 - pi[3]), pi[2]])
    se = np.sqrt(p * truth / runs)                                   # w·hit ≤ p: variance ≤ p × truth
    assert np.all(np.abs(sums / runs - truth) < 4 * se), (sums / runs, truth)


def test_weights_are_the_chance_that_one_post_makes_the_target_talk_without_word_of_mouth():
    # no word of mouth, every first post on day 0: the weight of v's set is 1 − Π_{i followed by v} (1 − q_i)^n_i
    spec = spec_of("none", start_window_days=0)
    inf = influencers([0, 1, 2, 3], spec)
    worlds = draw_worlds(inf, spec, niches=["x", "y"], populations=1, seed=2)
    rr = CampaignSampler(worlds, inf, spec).sample(20_000, seed=3)
    n = np.array([_posts_by(0, p, spec.days - 1, spec.post_spacing_days, spec.recurring_every_days or 0.0,
                            float(spec.days)) for p in inf.posts])
    indptr, items = followed_by(worlds[0][1], 1000)
    cum = np.concatenate([[0.0], np.cumsum((n * np.log1p(-post_talk_probability(inf, spec)))[items])])
    p_person = -np.expm1(cum[indptr[1:]] - cum[indptr[:-1]])
    assert rr.weights.min() > 0 and rr.weights.max() <= 1
    assert np.isclose(rr.weights[:, None], np.unique(p_person[p_person > 0])[None, :]).any(axis=1).all()
    # the stored share is the share of people following someone, the weighted total their mean chance
    assert rr.stored / rr.count == pytest.approx(np.mean(p_person > 0), abs=0.015)
    assert rr.weights.sum() / rr.count == pytest.approx(p_person.mean(), rel=0.05)


@pytest.mark.parametrize("model", ["none", "ic"])
def test_weighted_and_unweighted_estimates_agree(model):
    spec = spec_of(model)
    inf = influencers([0, 1, 2, 3], spec)
    plain = CampaignSampler.from_spec(inf, spec, niches=["x", "y"], populations=2, seed=1, weighted=False)
    weigh = CampaignSampler.from_spec(inf, spec, niches=["x", "y"], populations=2, seed=1)
    a, b = weigh.sample(100_000, seed=2), plain.sample(100_000, seed=2)
    assert a.weights is not None and b.weights is None
    for chosen in ([0], [2, 3], [0, 1, 2, 3]):
        (ea, sa), (eb, sb) = weighted(a, chosen), weighted(b, chosen)
        assert abs(ea - eb) < 3 * math.hypot(sa, sb), chosen
        assert sa < sb, chosen                                     # the point of the weights


def test_at_realistic_talk_probabilities_the_weights_cut_the_variance_many_times():
    # default talk probabilities (one post makes ~0.1 % of followers talk): most unweighted sets are empty
    spec = SimulationSpec(days=14, population={"size": 1000}, word_of_mouth={"model": "ic", "p": 0.05})
    inf = influencers([0, 1, 2, 3], spec)
    plain = CampaignSampler.from_spec(inf, spec, niches=["x", "y"], populations=2, seed=1, weighted=False)
    weigh = CampaignSampler.from_spec(inf, spec, niches=["x", "y"], populations=2, seed=1)
    a, b = weigh.sample(200_000, seed=2), plain.sample(200_000, seed=2)
    (ea, sa), (eb, sb) = weighted(a, [0, 1, 2, 3]), weighted(b, [0, 1, 2, 3])
    assert abs(ea - eb) < 3 * math.hypot(sa, sb)
    assert (sb / sa) ** 2 > 20                                    # measured ≈ 1 / mean weight
    assert b.stored < 0.05 * a.stored


def test_weighted_sets_are_the_same_for_a_seed_whatever_the_workers(monkeypatch):
    import lineup.simulation.campaign_rr as mod

    monkeypatch.setattr(mod, "CHUNK", 2_000)
    spec = spec_of()
    sampler = CampaignSampler.from_spec(influencers([0, 1, 2, 3], spec), spec, niches=["x", "y"], populations=3,
                                        seed=1)
    one, two, again = (sampler.sample(10_001, seed=4, workers=w) for w in (1, 2, 2))
    assert same_sets(one, two) and same_sets(two, again)
    assert len(one.weights) == one.stored and np.all((one.weights > 0) & (one.weights <= 1))

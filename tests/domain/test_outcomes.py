"""The outcome model and its statistics: CVaR of known distributions, intervals that cover, draws
keyed by roster row, moments that match the model's formulas, and located spec errors."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from scipy import stats

from lineup.domain.outcomes import (Delivery, Forecast, Items, OutcomeSpec, RiskSpec, Spread, cvar, cvar_interval,
                                    forecast_of, outcome_problems, quantile_interval, sample_outcomes)
from lineup.domain.roster import Roster
from lineup.domain.tiers import Tiers


# ------------------------------------------------------------------ CVaR theory
def _ru(values, alpha):
    """Rockafellar–Uryasev by brute force: max over eta (the optimum is at a sample point) of
    eta − E[(eta − X)+] / alpha."""
    x = np.asarray(values, dtype=float)
    return max(eta - np.mean(np.maximum(eta - x, 0.0)) / alpha for eta in x)


@pytest.mark.parametrize("values, alpha, want", [
    ([1, 2, 3, 4], 0.25, 1.0),
    ([1, 2, 3, 4], 0.5, 1.5),
    ([1, 2, 3, 4], 1.0, 2.5),
    ([4, 3, 2, 1], 0.3, (0.25 * 1 + 0.05 * 2) / 0.3),
    ([0, 0, 10, 10, 10], 0.2, 0.0),
    ([0, 0, 10, 10, 10], 0.6, 10 / 3),
    ([5.0], 0.1, 5.0),
])
def test_cvar_of_known_discrete_outcomes(values, alpha, want):
    assert cvar(values, alpha) == pytest.approx(want)
    assert cvar(values, alpha) == pytest.approx(_ru(values, alpha))


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=40),
       alpha=st.floats(0.01, 1.0))
def test_cvar_is_the_rockafellar_uryasev_optimum(values, alpha):
    got = cvar(values, alpha)
    assert got == pytest.approx(_ru(values, alpha), rel=1e-9, abs=1e-6)
    assert min(values) - 1e-6 <= got <= np.mean(values) + 1e-6 * max(1.0, abs(np.mean(values)))


def test_cvar_of_a_discrete_distribution_with_unequal_atoms():
    """A die with faces 1..6: CVaR_1/3 is the mean of faces 1 and 2; repeating the atoms changes nothing."""
    faces = np.arange(1.0, 7.0)
    assert cvar(faces, 1 / 3) == pytest.approx(1.5)
    assert cvar(np.repeat(faces, 7), 1 / 3) == pytest.approx(1.5)


@pytest.mark.parametrize("alpha", [0.05, 0.1, 0.25])
def test_cvar_of_normal_outcomes(alpha):
    mu, sigma = 1_000.0, 200.0
    exact = mu - sigma * stats.norm.pdf(stats.norm.ppf(alpha)) / alpha
    x = np.random.default_rng(11).normal(mu, sigma, 400_000)
    est, lo, hi = cvar_interval(x, alpha)
    assert lo <= exact <= hi
    assert est == pytest.approx(exact, rel=0.01)


def test_cvar_along_an_axis_matches_each_column():
    x = np.random.default_rng(2).normal(size=(37, 5))
    assert np.allclose(cvar(x, 0.2, axis=0), [cvar(x[:, j], 0.2) for j in range(5)])


def test_cvar_refuses_nonsense():
    with pytest.raises(ValueError):
        cvar([], 0.1)
    with pytest.raises(ValueError):
        cvar([1.0], 0.0)


# ------------------------------------------------------------------ interval coverage
def test_intervals_cover_the_truth_at_their_level():
    """Over 400 samples of a lognormal, each 95 % interval covers the true value about 95 % of the time."""
    sigma, alpha, n = 0.8, 0.1, 2_000
    truth = {"mean": 1.0, "p10": math.exp(-sigma ** 2 / 2 + sigma * stats.norm.ppf(0.1)),
             "cvar": stats.norm.cdf(stats.norm.ppf(alpha) - sigma) / alpha}
    hits = {k: 0 for k in truth}
    rng = np.random.default_rng(5)
    trials = 400
    for _ in range(trials):
        f = Forecast(np.exp(sigma * rng.standard_normal(n) - sigma ** 2 / 2), alpha=alpha)
        for k, (_, lo, hi) in f.intervals().items():
            if k in truth:
                hits[k] += lo <= truth[k] <= hi
    for k, h in hits.items():
        assert 0.90 <= h / trials <= 0.99, (k, h / trials)


def test_quantile_interval_holds_the_estimate():
    est, lo, hi = quantile_interval(np.random.default_rng(1).random(500), 0.9)
    assert lo <= est <= hi


# ------------------------------------------------------------------ the model
def _roster(n=6, **kw):
    rng = np.random.default_rng(0)
    return Roster.from_columns(ids=[f"c{k}" for k in range(n)], followers=rng.integers(1_000, 500_000, n),
                               engagement_rate=rng.uniform(0.01, 0.06, n), fee=rng.integers(50, 5_000, n),
                               platform=["instagram", "tiktok"] * (n // 2), **kw)


def test_sample_moments_match_the_model():
    r = _roster(er_estimated=[True, False] * 3)
    spec = OutcomeSpec(delivery=Delivery(default=0.8), platform_shock=0.3)
    items = Items.of(spec, r, Tiers(), np.arange(r.n), r.expected_engagement, r.posts, r.fee)
    x = sample_outcomes(items, 200_000, seed=4)
    rel = x.mean(axis=0) / items.mean()
    assert np.allclose(rel, 1.0, atol=0.03)
    delivered = (x > 0).mean(axis=0)
    assert np.allclose(delivered, 0.8, atol=0.01)
    # log-variance of a delivered outcome: rate + posts + shock
    logs = [np.log(x[x[:, j] > 0, j]).var() for j in range(r.n)]
    want = items.rate_sd ** 2 + items.post_sd ** 2 + 0.3 ** 2
    assert np.allclose(logs, want, rtol=0.03)


def test_measured_rates_are_tighter_and_more_posts_tighten_them():
    r = _roster(er_estimated=[True] * 3 + [False] * 3, extra={"posts_behind": [np.nan, 1, 100] * 2})
    spec = OutcomeSpec(measured_posts_column="posts behind")
    it = Items.of(spec, r, Tiers(), np.arange(r.n), r.expected_engagement, r.posts, r.fee)
    post = spec.post_spread.of(r.platform)
    assert it.rate_sd[:3] == pytest.approx(spec.rate_spread.of(r.platform)[:3])
    assert it.rate_sd[3:] == pytest.approx(post[3:] / np.sqrt([12, 1, 100]))
    five = Items.of(spec, r, Tiers(), np.arange(r.n), r.expected_engagement, np.full(r.n, 5.0), r.fee)
    assert np.all(five.post_sd < it.post_sd)


def test_delivery_by_tier_and_column():
    r = _roster(extra={"p": [0.5, np.nan, 1, 0.2, np.nan, 0]})
    spec = OutcomeSpec(delivery=Delivery(default=0.9, by_tier={"macro": 0.7}, column="p"))
    it = Items.of(spec, r, Tiers(), np.arange(r.n), r.expected_engagement, r.posts, r.fee)
    tiers = Tiers().names_of(r.followers)
    fallback = np.where(tiers == "macro", 0.7, 0.9)
    assert it.delivery.tolist() == [0.5, fallback[1], 1, 0.2, fallback[4], 0]


def test_draws_are_keyed_by_roster_row_whatever_else_is_sampled():
    r = _roster()
    spec = OutcomeSpec(platform_shock=0.2)
    full = Items.of(spec, r, Tiers(), np.arange(r.n), r.expected_engagement, r.posts, r.fee)
    all_x = sample_outcomes(full, 300, seed=9)
    for subset in itertools.combinations(range(r.n), 2):
        part = sample_outcomes(full.take(list(subset)), 300, seed=9)
        assert np.array_equal(part, all_x[:, list(subset)])
    assert not np.array_equal(sample_outcomes(full, 300, seed=10), all_x)
    assert np.array_equal(sample_outcomes(full, 300, seed=9), all_x)


def test_platform_shock_correlates_creators_on_one_platform_only():
    r = _roster(n=4)
    spec = OutcomeSpec(platform_shock=0.6, rate_spread=Spread(default=0.0), post_spread=Spread(default=0.0))
    it = Items.of(spec, r, Tiers(), np.arange(4), r.expected_engagement, r.posts, r.fee)
    x = np.log(sample_outcomes(it, 5_000, seed=1))
    c = np.corrcoef(x.T)
    assert c[0, 2] == pytest.approx(1.0)          # both instagram, no other noise
    assert abs(c[0, 1]) < 0.05                    # instagram vs tiktok


def test_forecast_statistics_and_fees():
    r = _roster()
    spec = OutcomeSpec(fee_spread=0.3)
    it = Items.of(spec, r, Tiers(), np.arange(r.n), r.expected_engagement, r.posts, r.fee)
    f = forecast_of(it, scenarios=20_000, seed=2, alpha=0.1, target=float(r.expected_engagement.sum()))
    assert f.cvar < f.p10 < f.p50 < f.p90
    assert 0 < f.p_target < 1
    assert f.spend.mean() == pytest.approx(r.fee.sum(), rel=0.02)
    d = f.to_dict()
    assert set(d["engagements"]) == {"mean", "p10", "p50", "p90", "cvar", "p_target"}
    assert d["spend"]["p10"] < d["spend"]["p90"]
    frame = f.to_frame()
    assert list(frame.columns) == ["estimate", "low", "high"] and (frame["low"] <= frame["high"]).all()


# ------------------------------------------------------------------ spec
def test_spec_errors_are_located():
    with pytest.raises(ValidationError, match="unknown tier 'mgea'"):
        Delivery(by_tier={"mgea": 0.5})
    with pytest.raises(ValidationError):
        Delivery(default=1.5)
    with pytest.raises(ValidationError):
        RiskSpec(alpha=0)
    with pytest.raises(ValidationError, match="by_platform"):
        Spread(default=0.5, by_platform={"tiktok": -1})


def test_roster_column_problems():
    r = _roster(extra={"p": [0.5, 2, 1, 1, 1, 1]})
    assert outcome_problems(OutcomeSpec(delivery=Delivery(column="q")), r)[0][0] == ("outcomes", "delivery", "column")
    (where, msg), = outcome_problems(OutcomeSpec(delivery=Delivery(column="p")), r)
    assert "holds 2" in msg and "line 3" in msg
    (where, msg), = outcome_problems(OutcomeSpec(measured_posts_column="p"), r)
    assert where == ("outcomes", "measured_posts_column") and "at least 1" in msg


def test_quantile_linearisation_covers_at_its_level():
    """P10 ± 1.96 sd(z)/√N (Bahadur, kernel density) covers the true P10 of a log-normal about 95 % of the time."""
    from lineup.domain.outcomes import quantile_linearised

    sigma, n, trials, hits = 0.8, 4_000, 300, 0
    truth = math.exp(sigma * stats.norm.ppf(0.1))
    rng = np.random.default_rng(8)
    for _ in range(trials):
        q, z = quantile_linearised(np.exp(sigma * rng.standard_normal(n)), 0.1)
        half = 1.96 * z.std(ddof=1) / math.sqrt(n)
        hits += q - half <= truth <= q + half
    assert 0.90 <= hits / trials <= 0.99

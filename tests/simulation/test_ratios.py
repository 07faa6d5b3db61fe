"""Ratio metrics are ratios of means with delta-method intervals (issue 9, item 1)."""

from __future__ import annotations

import numpy as np
import pytest

from lineup.domain.campaign import SimulationSpec
from lineup.domain.portfolio import Portfolio
from lineup.domain.roster import Roster
from lineup.domain.tiers import Tiers
from lineup.simulation.campaign import Influencers
from lineup.simulation.montecarlo import monte_carlo
from lineup.simulation.result import band_of, linearised, ratio_interval

REPEATS, REPLICATIONS = 200, 200


def _covers(band, truth) -> bool:
    return float(band.ci_low) <= truth <= float(band.ci_high)


def test_ratio_interval_covers_a_known_ratio_with_many_zero_denominators():
    """Spend 1,000 over Poisson(0.6) talkers: 55 % of replications have none; the true ratio is 1,000 / 0.6."""
    rng = np.random.default_rng(20261201)
    truth, hits = 1_000 / 0.6, 0
    for _ in range(REPEATS):
        talkers = rng.poisson(0.6, REPLICATIONS).astype(float)
        hits += _covers(ratio_interval(np.full(REPLICATIONS, 1_000.0), talkers), truth)
    assert hits / REPEATS >= 0.90


def test_ratio_interval_covers_a_known_ratio_with_a_random_numerator():
    rng = np.random.default_rng(7)
    truth, hits = (50 + 3 * 2.0) / 2.0, 0     # x = 50 + 3 y + noise, y ~ Gamma(mean 2)
    for _ in range(REPEATS):
        y = rng.gamma(0.5, 4.0, REPLICATIONS)
        x = 50 + 3 * y + rng.normal(0, 5, REPLICATIONS)
        hits += _covers(ratio_interval(x, y), truth)
    assert hits / REPEATS >= 0.90


def test_paired_difference_of_ratios_covers_the_true_difference():
    """Two strategies on common random numbers: talkers share a population effect per replication."""
    rng = np.random.default_rng(3)
    truth, hits = 400 / 1.5 - 900 / 4.0, 0
    for _ in range(REPEATS):
        common = rng.gamma(2.0, 0.5, REPLICATIONS)            # mean 1: the replication's population
        a, b = rng.poisson(1.5 * common), rng.poisson(4.0 * common)
        ra, za = linearised(np.full(REPLICATIONS, 400.0), a)
        rb, zb = linearised(np.full(REPLICATIONS, 900.0), b)
        hits += _covers(band_of(ra - rb, za - zb), truth)
    assert hits / REPEATS >= 0.90


def test_undefined_ratio_when_every_denominator_is_zero():
    band = ratio_interval(np.full(5, 10.0), np.zeros(5))
    assert np.isnan(band.mean) and np.isnan(band.ci_low)


@pytest.fixture(scope="module")
def sparse_result():
    """A portfolio so small that most replications count no talker."""
    r = Roster.from_columns(ids=["a"], followers=[400], engagement_rate=[0.05], fee=[500])
    spec = SimulationSpec(days=10, population={"size": 2_000}, word_of_mouth={"model": "none"})
    inf = Influencers.from_portfolio(Portfolio(r, [0]), Tiers(), spec.talk_prob)
    return monte_carlo(inf, spec, replications=60, seed=11)


def test_cost_per_talker_is_spend_over_mean_talkers_zeros_included(sparse_result):
    res = sparse_result
    talkers, zeros = res.samples["talkers"], int((res.samples["talkers"] == 0).sum())
    assert 0 < zeros < res.replications          # the case that the mean of ratios got wrong
    assert res.totals["cost_per_talker"].mean == pytest.approx(500.0 / talkers.mean())
    assert res.totals["cost_per_engagement"].mean == pytest.approx(500.0 / res.samples["engagements"].mean())
    assert res.totals["cost_per_reach"].mean == pytest.approx(500.0 / res.samples["reach"].mean())
    assert res.zero_denominators["cost_per_talker"] == zeros
    data = res.to_dict()
    assert data["ratios"]["cost_per_talker"]["zero_denominator_replications"] == zeros
    assert "delta method" in data["ratios"]["cost_per_talker"]["method"]
    assert any(f"{zeros} of 60 replications had no talker" in w for w in res.warnings)


def test_daily_ratio_series_are_ratios_of_means(sparse_result):
    last = sparse_result.series["cost_per_talker"].mean[-1]
    assert last == pytest.approx(sparse_result.totals["cost_per_talker"].mean)

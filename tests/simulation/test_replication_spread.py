"""P10/P50/P90 of a campaign's talkers over the replications, with exact order-statistic intervals (issue 11)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lineup.domain.campaign import SimulationSpec
from lineup.domain.portfolio import Portfolio
from lineup.domain.roster import Roster
from lineup.domain.tiers import Tiers
from lineup.simulation.campaign import Influencers
from lineup.simulation.montecarlo import monte_carlo
from lineup.simulation.result import quantile_band


@pytest.mark.parametrize("n, q", [(50, 0.1), (40, 0.9), (12, 0.5), (200, 0.1)])
def test_quantile_interval_covers_the_true_quantile_at_least_95_percent(n, q):
    rng = np.random.default_rng(3)
    truth = -np.log(1 - q)                          # exponential(1)
    hits, sided = 0, 0
    for _ in range(2000):
        b = quantile_band(rng.exponential(size=n), q)
        lo = -np.inf if np.isnan(b.ci_low) else float(b.ci_low)
        hi = np.inf if np.isnan(b.ci_high) else float(b.ci_high)
        hits += lo <= truth <= hi
        sided += np.isnan(b.ci_low) or np.isnan(b.ci_high)
    assert hits / 2000 >= 0.94
    assert sided == 0                               # enough values for both sides at these sizes


@settings(max_examples=100, deadline=None)
@given(values=st.lists(st.floats(0, 1e6), min_size=1, max_size=80), q=st.sampled_from([0.1, 0.5, 0.9]))
def test_quantile_interval_brackets_its_estimate(values, q):
    b = quantile_band(np.array(values), q)
    assert min(values) <= float(b.mean) <= max(values)
    if not np.isnan(b.ci_low):
        assert float(b.ci_low) <= float(b.mean) + 1e-9
    if not np.isnan(b.ci_high):
        assert float(b.mean) <= float(b.ci_high) + 1e-9


def test_too_few_replications_leave_the_far_side_open():
    b = quantile_band(np.arange(20.0), 0.1)         # P(min ≤ Q10) = 1 − 0.9^20 < 97.5 %
    assert np.isnan(b.ci_low) and float(b.ci_high) == 5.0


def test_simulation_reports_the_spread_of_talkers():
    r = Roster.from_columns(ids=["a", "b"], followers=[3_000, 5_000], engagement_rate=[0.05, 0.04], fee=[300, 400])
    spec = SimulationSpec(days=10, population={"size": 5_000})
    inf = Influencers.from_portfolio(Portfolio(r, [0, 1]), Tiers(), spec.talk_prob)
    res = monte_carlo(inf, spec, replications=40, seed=5)
    spread = res.spread("talkers")
    talkers = res.samples["talkers"]
    assert list(spread) == ["p10", "p50", "p90"]
    assert float(spread["p50"].mean) == pytest.approx(float(np.quantile(talkers, 0.5)))
    assert float(spread["p10"].mean) <= float(spread["p50"].mean) <= float(spread["p90"].mean)
    data = res.to_dict()["spread"]["talkers"]["p90"]
    assert data["estimate"] == pytest.approx(float(np.quantile(talkers, 0.9)))
    assert res.spread("no such metric") == {}

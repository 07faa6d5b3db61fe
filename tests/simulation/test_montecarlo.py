"""Monte Carlo: seeding, worker independence, CIs, progress, result serialisation, the workflow."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from lineup.domain.campaign import SimulationSpec
from lineup.domain.portfolio import Portfolio
from lineup.domain.roster import Roster
from lineup.domain.tiers import Tiers
from lineup.errors import UsageError
from lineup.simulation.campaign import Influencers
from lineup.simulation.montecarlo import monte_carlo, monte_carlo_many
from lineup.simulation.population import generate_population
from lineup.simulation.result import t_interval

SPEC = SimulationSpec(days=12, population={"size": 3_000}, word_of_mouth={"p": 0.05})


@pytest.fixture(scope="module")
def inf() -> Influencers:
    r = Roster.from_columns(ids=["a", "b", "c"], followers=[2e3, 3e4, 6e5], engagement_rate=[0.06, 0.03, 0.02],
                            fee=[100, 900, 8000], niches=[["x"], ["y"], ["x", "y"]])
    return Influencers.from_portfolio(Portfolio(r, [0, 1, 2]), Tiers(), SPEC.talk_prob)


def _same(a, b) -> bool:
    return all(np.array_equal(a.series[k].mean, b.series[k].mean, equal_nan=True) for k in a.series) and \
        all(np.array_equal(a.samples[k], b.samples[k], equal_nan=True) for k in a.samples)


def test_same_seed_same_result_whatever_the_workers(inf):
    one = monte_carlo(inf, SPEC, niches=["x", "y"], replications=5, seed=3, workers=1)
    two = monte_carlo(inf, SPEC, niches=["x", "y"], replications=5, seed=3, workers=2)
    assert _same(one, two)
    assert one.to_dict() == two.to_dict()


def test_different_seed_different_result(inf):
    a = monte_carlo(inf, SPEC, niches=["x", "y"], replications=3, seed=1)
    b = monte_carlo(inf, SPEC, niches=["x", "y"], replications=3, seed=2)
    assert not np.array_equal(a.samples["talkers"], b.samples["talkers"])


def test_replications_extend_without_changing_earlier_ones(inf):
    short = monte_carlo(inf, SPEC, niches=["x", "y"], replications=2, seed=9)
    long = monte_carlo(inf, SPEC, niches=["x", "y"], replications=4, seed=9)
    np.testing.assert_array_equal(long.samples["reach"][:2], short.samples["reach"])


def test_spec_defaults_and_overrides(inf):
    spec = SPEC.model_copy(update={"replications": 3, "seed": 5})
    res = monte_carlo(inf, spec, niches=["x", "y"])
    assert res.replications == 3 and res.seed == 5 and len(res.samples["talkers"]) == 3
    with pytest.raises(UsageError):
        monte_carlo(inf, spec, replications=0)


def test_progress_is_reported(inf):
    calls = []
    monte_carlo(inf, SPEC, replications=3, seed=1, workers=2, progress=lambda d, t: calls.append((d, t)))
    assert sorted(calls) == [(1, 3), (2, 3), (3, 3)]


def test_intervals_bracket_the_mean(inf):
    res = monte_carlo(inf, SPEC, niches=["x", "y"], replications=6, seed=4)
    b = res.series["talkers"]
    assert np.all(b.ci_low <= b.mean) and np.all(b.mean <= b.ci_high)
    t = res.totals["reach"]
    x = res.samples["reach"]
    half = stats.t.ppf(0.975, 5) * x.std(ddof=1) / np.sqrt(6)
    assert t.mean == pytest.approx(x.mean()) and t.ci_high - t.mean == pytest.approx(half)
    assert res.totals["spend"].mean == 9000.0 and res.scale == pytest.approx(6.32e5 / 1500)
    assert res.population_size == 3000 and res.portfolio == ("a", "b", "c")


def test_intervals_stay_in_the_metric_range(inf):
    spec = SPEC.model_copy(update={"word_of_mouth": SPEC.word_of_mouth.model_copy(update={"p": 0.2})})
    res = monte_carlo(inf, spec, niches=["x", "y"], replications=3, seed=2)
    for name, b in res.series.items():
        assert not np.any(b.ci_low < 0), name  # NaN where undefined (a cost before any talker)
        if name == "wom_share" or name.startswith("penetration:"):
            assert not np.any(b.ci_high > 1), name


def test_t_interval_ignores_missing_values():
    b = t_interval(np.array([[1.0, np.nan], [3.0, np.nan], [5.0, 2.0]]))
    assert b.mean.tolist()[0] == 3.0 and b.mean[1] == 2.0
    assert np.isnan(b.ci_low[1]) and b.ci_low[0] < 3.0 < b.ci_high[0]


def test_fixed_population_is_used_for_every_replication(inf):
    pop = generate_population(1_500, niches=["x", "y"], seed=1)
    res = monte_carlo(inf, SPEC, population=pop, replications=2, seed=1)
    assert res.population_size == 1_500 and res.niche_names == ("x", "y")


def test_result_exports(inf):
    res = monte_carlo(inf, SPEC, niches=["x", "y"], replications=3, seed=1)
    d = res.to_dict()
    text = json.dumps(d, allow_nan=False)  # JSON-ready: no NaN
    assert d["days"] == list(range(12)) and d["replications"] == 3 and d["scale"] == res.scale
    assert set(d["series"]["talkers"]) == {"mean", "ci_low", "ci_high"} and len(d["series"]["talkers"]["mean"]) == 12
    assert "penetration:x" in d["series"] and "engagements" in d["totals"] and "new_talkers" not in d["totals"]
    assert json.loads(text)["totals"]["spend"]["mean"] == 9000.0
    wide = res.to_frame()
    assert len(wide) == 12 and {"day", "talkers", "talkers_ci_low", "talkers_ci_high"} <= set(wide.columns)
    long = res.to_frame(long=True)
    assert len(long) == 12 * len(res.series)
    tf = res.totals_frame()
    assert set(tf["metric"]) == set(res.totals)


def test_single_replication_has_no_interval(inf):
    res = monte_carlo(inf, SPEC, replications=1, seed=1)
    d = res.to_dict()
    assert d["totals"]["talkers"]["ci_low"] is None and d["totals"]["talkers"]["mean"] is not None


def test_plot_draws_a_band(inf):
    import matplotlib

    matplotlib.use("Agg")
    res = monte_carlo(inf, SPEC, replications=2, seed=1)
    ax = res.plot("talkers")
    assert len(ax.lines) == 1 and len(ax.collections) == 1


def test_plot_draws_a_niche_name_literally(inf):
    from dataclasses import replace

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    res = monte_carlo(inf, SPEC, replications=2, seed=1)
    metric = "penetration:q3 $_^$ niche"
    res = replace(res, series={**res.series, metric: res.series["talkers"]})
    fig = Figure()
    FigureCanvasAgg(fig)
    ax = res.plot(metric, ax=fig.add_subplot())
    fig.canvas.draw()  # mathtext would raise a ParseException here
    assert ax.get_ylabel() == f"{metric} (fraction)"


@pytest.mark.parametrize("model", ["ic", "threshold", "bass", "none"])
@pytest.mark.parametrize("fixed", [False, True])
def test_portfolios_sharing_populations_get_exactly_what_they_get_alone(inf, model, fixed):
    """monte_carlo_many generates each replication's population once; every portfolio's numbers must
    be those of its own monte_carlo run with the same seed (common random numbers, nothing shared leaks)."""
    spec = SPEC.model_copy(update={"word_of_mouth": SPEC.word_of_mouth.model_copy(update={"model": model})})
    r = Roster.from_columns(ids=["s", "t"], followers=[1.5e3, 9e4], engagement_rate=[0.05, 0.02], fee=[50, 2000],
                            niches=[["x"], ["y"]])
    other = Influencers.from_portfolio(Portfolio(r, [0, 1]), Tiers(), SPEC.talk_prob)
    kw = {"replications": 3, "seed": 8, "scale": 150.0, "niches": ["x", "y"],
          "population": generate_population(1_500, niches=["x", "y"], seed=2) if fixed else None}
    both = monte_carlo_many({"first": inf, "second": other}, spec, workers=2, **kw)
    for key, alone in (("first", monte_carlo(inf, spec, **kw)), ("second", monte_carlo(other, spec, **kw))):
        assert _same(both[key], alone) and both[key].to_dict() == alone.to_dict()
    assert not np.array_equal(both["first"].samples["reach"], both["second"].samples["reach"])


def test_many_portfolios_are_simulated_in_groups_with_the_same_numbers(inf, monkeypatch):
    from lineup.simulation import montecarlo

    infs = {k: inf for k in "abc"}
    whole = monte_carlo_many(infs, SPEC, niches=["x", "y"], replications=3, seed=5)
    monkeypatch.setattr(montecarlo, "MAX_RUNS_IN_MEMORY", 4)  # one portfolio per group
    calls = []
    grouped = monte_carlo_many(infs, SPEC, niches=["x", "y"], replications=3, seed=5,
                               progress=lambda d, t: calls.append((d, t)))
    assert list(grouped) == list("abc") and all(grouped[k].to_dict() == whole[k].to_dict() for k in "abc")
    assert calls == [(d, 9) for d in range(1, 10)]


FIXED = SPEC.model_copy(update={"population": SPEC.population.model_copy(update={"vary": False})})


def test_vary_false_reuses_replication_0s_population_whatever_the_workers(inf, monkeypatch):
    import lineup.simulation.montecarlo as mc

    calls = []
    real = mc.generate_population
    monkeypatch.setattr(mc, "generate_population", lambda *a, **k: calls.append(1) or real(*a, **k))
    one = monte_carlo(inf, FIXED, niches=["x", "y"], replications=4, seed=3, workers=1)
    assert len(calls) == 1                                   # one population for the 4 replications
    two = monte_carlo(inf, FIXED, niches=["x", "y"], replications=4, seed=3, workers=2)
    assert _same(one, two) and one.to_dict() == two.to_dict()
    varied = monte_carlo(inf, SPEC, niches=["x", "y"], replications=4, seed=3)
    # replication 0 is the same run in both modes (its population is the shared one); the others differ
    assert all(one.samples[k][0] == varied.samples[k][0] for k in ("reach", "talkers"))
    assert not np.array_equal(one.samples["reach"][1:], varied.samples["reach"][1:])
    fixed = mc.shared_population(FIXED, ["x", "y"], 3)
    alone = monte_carlo(inf, SPEC, population=fixed, replications=4, seed=3)
    assert _same(one, alone)                                 # exactly a fixed population passed in


def test_vary_false_is_stated_in_the_outputs(inf):
    res = monte_carlo(inf, FIXED, niches=["x", "y"], replications=2, seed=1)
    out = res.to_dict()
    assert out["parameters"]["population"]["vary"] is False
    assert any("population.vary is false" in w and "leave its randomness out" in w for w in out["warnings"])
    varied = monte_carlo(inf, SPEC, niches=["x", "y"], replications=2, seed=1).to_dict()
    assert varied["parameters"]["population"]["vary"] is True
    assert not any("population.vary" in w for w in varied["warnings"])

"""The outcome of a Monte Carlo campaign simulation.

:class:`SimulationResult` holds, for every metric (see
:mod:`lineup.simulation.campaign`), the per-day mean over replications and
a 95 % Student-t confidence interval for the mean, plus the same for the
campaign totals.  Intervals are truncated to the metric's range (counts and
costs at 0, shares at [0, 1]): rare large cascades make the samples skewed,
and an untruncated t-interval would dip below zero.  Counts of people are real people (simulated × ``scale``);
shares and penetrations are fractions; spend and costs are in the
scenario's currency.  With a single replication (or where fewer than two
replications have a value) the interval bounds are NaN (``None`` in
:meth:`SimulationResult.to_dict`).

**Ratio metrics** (:data:`RATIOS`: cost per engagement, per talker, per
person reached, and the word-of-mouth share) are *ratios of means*, e.g. mean spend ÷ mean talkers over
all replications, never a mean of per-replication ratios (which drops the
replications where nobody talks and is biased).  Their interval is the
**delta method** (:func:`ratio_interval`): the ratio ``R = x̄ / ȳ`` is
linearised into per-replication values ``z_r = (x_r − R y_r) / ȳ`` whose
Student-t interval is the ratio's; paired differences between strategies
simulated on common random numbers subtract the ``z`` of the two strategies
replication by replication.  It is deterministic (no resampling, so nothing
to seed) and does not depend on the worker count.  Replications whose
denominator is 0 are kept (they count as 0 in the mean) and counted in
:attr:`SimulationResult.zero_denominators`; a ratio whose denominator is 0 in
every replication is undefined (NaN, ``None`` in JSON).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Band", "SimulationResult", "t_interval", "ratio_interval", "linearised", "band_of", "METRIC_DESCRIPTIONS",
           "RATIOS", "CONFIDENCE", "RATIO_METHOD", "quantile_band", "SPREAD_METRICS", "SPREAD_QUANTILES"]

#: Confidence level of every interval lineup reports.
CONFIDENCE = 0.95

#: Ratio metrics: name → (numerator, denominator) of the per-replication totals.
RATIOS: dict[str, tuple[str, str]] = {
    "cost_per_engagement": ("spend", "engagements"),
    "cost_per_talker": ("spend", "talkers"),
    "cost_per_reach": ("spend", "reach"),
    "wom_share": ("wom_talkers", "talkers"),
}

#: How the ratio metrics and their intervals are computed (shown in outputs).
RATIO_METHOD = ("ratio of means (mean spend ÷ mean count over every replication, zeros included); "
                "95 % interval by the delta method, paired over replications for differences")

#: What each metric means (units in brackets).
METRIC_DESCRIPTIONS: dict[str, str] = {
    "exposed": "cumulative unique people reached by a post [real people]",
    "engaged": "cumulative unique people who engaged [real people]",
    "engagements": "interactions on the day; total: over the campaign [real interactions]",
    "new_talkers": "people who started talking on the day [real people]",
    "talkers": "cumulative people talking about the campaign, 'buzz' [real people]",
    "direct_talkers": "cumulative talkers started by a post [real people]",
    "wom_talkers": "cumulative talkers started by word of mouth [real people]",
    "reach": "cumulative unique people exposed or talking [real people]",
    "wom_share": "word-of-mouth talkers / talkers (mean over mean) [fraction]",
    "spend": "cumulative spend committed [currency]",
    "cost_per_engagement": "mean spend / mean cumulative engagements [currency per interaction]",
    "cost_per_talker": "mean spend / mean cumulative talkers [currency per person]",
    "cost_per_reach": "mean spend / mean cumulative unique reach [currency per person]",
    "penetration": "talkers in the niche / people in the niche ('penetration:<niche>') [fraction]",
}


@dataclass(frozen=True, eq=False)
class Band:
    """A mean and its 95 % confidence interval (floats, or arrays per day)."""

    mean: Any
    ci_low: Any
    ci_high: Any


def t_interval(samples: np.ndarray, level: float = 0.95) -> Band:
    """Mean and Student-t interval over axis 0, ignoring NaN samples.

    Examples
    --------
    >>> b = t_interval(np.array([1.0, 2.0, 3.0]))
    >>> float(b.mean), round(float(b.ci_low), 3), round(float(b.ci_high), 3)
    (2.0, -0.484, 4.484)
    >>> np.isnan(t_interval(np.array([[5.0]])).ci_low).tolist()
    [True]
    """
    from scipy import stats  # imported here: scipy.stats takes ~1 s to import

    x = np.asarray(samples, dtype=float)
    finite = np.isfinite(x)
    count = finite.sum(axis=0)
    filled = np.where(finite, x, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = filled.sum(axis=0) / count
        dev = np.where(finite, x - mean, 0.0)
        sd = np.sqrt((dev**2).sum(axis=0) / (count - 1))
        half = stats.t.ppf(0.5 + level / 2, np.maximum(count - 1, 1)) * sd / np.sqrt(count)
    half = np.where(count >= 2, half, np.nan)
    return Band(mean, mean - half, mean + half)


def linearised(numerator, denominator) -> tuple[Any, np.ndarray]:
    """The ratio of means ``R = x̄ / ȳ`` (over axis 0) and its per-replication linearisation.

    ``z_r = (x_r − R y_r) / ȳ`` has mean 0 and the variance the delta method gives
    the ratio; ``R`` is NaN (and ``z`` too) where ``ȳ`` is 0.

    Examples
    --------
    >>> r, z = linearised(np.array([10.0, 10.0]), np.array([0.0, 4.0]))
    >>> float(r), z.tolist()
    (5.0, [5.0, -5.0])
    """
    x, y = np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)
    mx, my = x.mean(axis=0), y.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(my != 0, mx / np.where(my != 0, my, 1.0), np.nan)
        z = (x - ratio * y) / np.where(my != 0, my, np.nan)
    return ratio, z


def band_of(estimate, z: np.ndarray, level: float = CONFIDENCE) -> Band:
    """``estimate`` ± the Student-t half-width of the mean of ``z`` (NaN with fewer than 2 values)."""
    half = t_interval(z, level)
    width = np.asarray(half.ci_high, dtype=float) - np.asarray(half.mean, dtype=float)
    return Band(estimate, estimate - width, estimate + width)


def ratio_interval(numerator, denominator, level: float = CONFIDENCE) -> Band:
    """Ratio of means ``Σ x / Σ y`` over replications (axis 0) with its delta-method interval.

    Replications with ``y = 0`` are kept; the ratio is NaN only when every ``y`` is 0.

    Examples
    --------
    >>> b = ratio_interval(np.full(4, 100.0), np.array([0.0, 10.0, 30.0, 40.0]))
    >>> float(b.mean), round(float(b.ci_low), 2), round(float(b.ci_high), 2)
    (5.0, -2.26, 12.26)
    >>> np.isnan(ratio_interval(np.ones(3), np.zeros(3)).mean)
    np.True_
    """
    ratio, z = linearised(numerator, denominator)
    return band_of(ratio, z, level)


#: Count metrics whose spread over replications is reported (P10/P50/P90), and the quantiles.
SPREAD_METRICS = ("talkers", "reach", "engagements")
SPREAD_QUANTILES = (0.1, 0.5, 0.9)


def quantile_band(values, q: float, level: float = CONFIDENCE) -> Band:
    """The ``q`` quantile of ``values`` with its **exact** distribution-free interval ``[X_(l), X_(u)]``.

    The number of values below the true quantile is Binomial(n, q), so the order statistics
    ``X_(l) ≤ Q ≤ X_(u)`` hold with probability ``P(l ≤ B < u)``; ``l`` and ``u`` are the tightest
    ranks that leave at most ``(1 − level)/2`` on each side.  With too few values for that (e.g. P10
    from fewer than 35), the missing side is NaN: the sample cannot bound it at that level.

    >>> b = quantile_band(np.arange(1.0, 101.0), 0.1)
    >>> float(b.mean), float(b.ci_low), float(b.ci_high)
    (10.9, 5.0, 17.0)
    >>> b = quantile_band(np.arange(20.0), 0.1)          # 20 replications: no lower bound at 95 %
    >>> bool(np.isnan(b.ci_low)), float(b.ci_high)
    (True, 5.0)
    """
    from scipy.stats import binom

    x = np.sort(np.asarray(values, dtype=float))
    n = x.size
    if n == 0:
        return Band(np.float64(np.nan), np.float64(np.nan), np.float64(np.nan))
    tail = (1 - level) / 2
    cdf = binom.cdf(np.arange(n + 1), n, q)          # cdf[k] = P(B ≤ k)
    lows = np.flatnonzero(cdf[:-1] <= tail)           # P(B ≤ l − 1) ≤ tail  ⇔  l − 1 in lows
    l = int(lows[-1]) + 1 if lows.size else 0         # rank (1-based); 0: none
    ups = np.flatnonzero(1 - cdf[:-1] <= tail)        # P(B ≥ u) = 1 − P(B ≤ u − 1) ≤ tail
    u = int(ups[0]) + 1 if ups.size else n + 1
    low = x[l - 1] if l >= 1 else np.nan
    high = x[u - 1] if u <= n else np.nan
    return Band(np.float64(np.quantile(x, q)), np.float64(low), np.float64(high))


def _clean(values) -> Any:
    """JSON-ready: arrays to lists, NaN/inf to None, numpy scalars to float."""
    arr = np.asarray(values, dtype=float)
    out = np.where(np.isfinite(arr), arr, np.nan).astype(object)
    out[~np.isfinite(arr)] = None
    return out.tolist()


def _short_label(metric: str) -> str:
    """Axis label: the metric name and its unit, e.g. ``talkers (real people)``.

    >>> _short_label("talkers"), _short_label("penetration:vegan")
    ('talkers (real people)', 'penetration:vegan (fraction)')
    """
    description = METRIC_DESCRIPTIONS.get(metric.split(":")[0], "")
    unit = description[description.rfind("[") + 1:description.rfind("]")] if "[" in description else ""
    return f"{metric} ({unit})" if unit else metric


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """Per-day and total metrics of a simulated campaign, with 95 % CIs.

    Attributes
    ----------
    days : int
        Campaign length; day ``d`` is the state at the end of day ``d``.
    series : dict of str to Band
        Per-day mean / ci_low / ci_high (arrays of length ``days``).
    totals : dict of str to Band
        Campaign totals (final values of cumulative metrics, sum of
        ``engagements``).
    samples : dict of str to numpy.ndarray
        Each replication's totals (length ``replications``).
    replications, seed : int
        Monte Carlo runs and their root seed.
    scale : float
        Real people per simulated person (``k``).
    population_size : int
        Simulated people.
    portfolio : tuple of str
        Ids of the simulated influencers.
    parameters : dict
        The simulation options used (``SimulationSpec.model_dump()``).
    zero_denominators : dict of str to int
        For each ratio metric of :data:`RATIOS`, the replications whose
        denominator (engagements, talkers, reach) was 0; they are included in
        the ratio of means, never dropped.
    resolution : dict
        How the population size was chosen (see
        :class:`lineup.simulation.resolution.Resolution`); empty when not recorded.
    assumptions : dict
        Every default the numbers depend on, ``{name: {"value", "source", "meaning"}}``
        (:func:`lineup.workflows.simulate.simulation_assumptions`); empty when not recorded.
    warnings : tuple of str
        Why the numbers may mislead (e.g. a population too small for the
        portfolio, so that the counts come out 0).
    """

    days: int
    series: dict[str, Band]
    totals: dict[str, Band]
    samples: dict[str, np.ndarray]
    replications: int
    seed: int | None
    scale: float
    population_size: int
    portfolio: tuple[str, ...] = ()
    niche_names: tuple[str, ...] = ()
    parameters: dict = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    zero_denominators: dict = field(default_factory=dict)
    resolution: dict = field(default_factory=dict)
    assumptions: dict = field(default_factory=dict)

    @property
    def metrics(self) -> list[str]:
        """Names of the metrics, in order."""
        return list(self.series)

    def to_frame(self, long: bool = False):
        """Per-day table: wide (``day`` + ``<metric>``, ``<metric>_ci_low``, ``<metric>_ci_high``) or long.

        The long form has columns ``day, metric, mean, ci_low, ci_high``.
        """
        import pandas as pd

        day = np.arange(self.days)
        if long:
            parts = [pd.DataFrame({"day": day, "metric": name, "mean": b.mean, "ci_low": b.ci_low,
                                   "ci_high": b.ci_high}) for name, b in self.series.items()]
            return pd.concat(parts, ignore_index=True)
        cols: dict[str, Any] = {"day": day}
        for name, b in self.series.items():
            cols[name], cols[f"{name}_ci_low"], cols[f"{name}_ci_high"] = b.mean, b.ci_low, b.ci_high
        return pd.DataFrame(cols)

    def totals_frame(self):
        """One row per metric: ``metric, mean, ci_low, ci_high``."""
        import pandas as pd

        rows = [(name, float(b.mean), float(b.ci_low), float(b.ci_high)) for name, b in self.totals.items()]
        return pd.DataFrame(rows, columns=["metric", "mean", "ci_low", "ci_high"])

    def spread(self, metric: str = "talkers") -> dict[str, Band]:
        """``{"p10", "p50", "p90"}`` of ``metric``'s campaign total over the replications, each with its
        exact 95 % order-statistic interval (:func:`quantile_band`): how much one campaign's outcome varies
        (the diffusion's chance and the population drawn), not how well the mean is known.  Empty when the
        metric was not recorded."""
        values = self.samples.get(metric)
        if values is None or np.asarray(values).size == 0:
            return {}
        return {f"p{round(100 * q)}": quantile_band(values, q) for q in SPREAD_QUANTILES}

    def to_dict(self) -> dict:
        """JSON-ready dict: days, series, totals, replications, seed, scale, ... (NaN → None)."""
        def band(b: Band) -> dict:
            return {"mean": _clean(b.mean), "ci_low": _clean(b.ci_low), "ci_high": _clean(b.ci_high)}

        return {
            "days": list(range(self.days)),
            "series": {name: band(b) for name, b in self.series.items()},
            "totals": {name: band(b) for name, b in self.totals.items()},
            "spread": {name: {k: {"estimate": _clean(b.mean), "ci_low": _clean(b.ci_low), "ci_high": _clean(b.ci_high)}
                              for k, b in self.spread(name).items()}
                       for name in SPREAD_METRICS if self.spread(name)},
            "replications": self.replications,
            "seed": self.seed,
            "scale": self.scale,
            "population_size": self.population_size,
            "portfolio": list(self.portfolio),
            "niches": list(self.niche_names),
            "units": dict(METRIC_DESCRIPTIONS),
            "parameters": self.parameters,
            "confidence": CONFIDENCE,
            "ratios": {name: {"numerator": num, "denominator": den, "method": RATIO_METHOD,
                              "zero_denominator_replications": int(self.zero_denominators.get(name, 0))}
                       for name, (num, den) in RATIOS.items() if name in self.totals},
            "resolution": dict(self.resolution),
            "assumptions": dict(self.assumptions),
            "warnings": list(self.warnings),
        }

    def _facts(self) -> dict[str, Any]:
        facts: dict[str, Any] = {"influencers": len(self.portfolio), "days": self.days,
                                 "replications": self.replications, "seed": self.seed,
                                 "population_size": self.population_size, "scale": round(float(self.scale), 2)}
        for name in ("reach", "talkers"):
            if name in self.totals:
                facts[name] = round(float(self.totals[name].mean), 1)
        return facts

    def __repr__(self) -> str:
        """Short: size, days, replications, seed, population and the mean reach and talkers.

        >>> SimulationResult(days=3, series={}, totals={"talkers": Band(12.0, 10.0, 14.0)}, samples={},
        ...                  replications=5, seed=1, scale=2.0, population_size=100, portfolio=("a",))
        SimulationResult(influencers=1, days=3, replications=5, seed=1, population_size=100, scale=2.0, talkers=12.0)
        """
        from .._repr import short_repr

        return short_repr("SimulationResult", self._facts())

    def _repr_html_(self) -> str:
        """The facts and the campaign totals with their 95 % intervals (escaped), for notebooks."""
        from .._repr import html_card

        return html_card("SimulationResult", self._facts(),
                         self.totals_frame().to_html(index=False, escape=True, float_format="{:,.4g}".format))

    def plot(self, metric: str = "talkers", ax=None):
        """Line of ``metric``'s daily mean with its CI band (matplotlib); returns the axes."""
        import matplotlib.pyplot as plt

        if metric not in self.series:
            from ..domain.scenario import did_you_mean
            from ..errors import UsageError

            raise UsageError(f"metric {metric!r} is not one of {', '.join(self.series)}"
                             f"{did_you_mean(metric, self.series)}")
        ax = ax if ax is not None else plt.subplots(figsize=(7, 4))[1]
        b, day = self.series[metric], np.arange(self.days)
        ax.plot(day, b.mean, label=f"{metric} (mean of {self.replications})")
        ax.fill_between(day, b.ci_low, b.ci_high, alpha=0.3, label="95 % CI")
        ax.set_xlabel("day")
        ax.set_ylabel(_short_label(metric), parse_math=False)  # a niche name may hold '$'
        for text in ax.legend().get_texts():
            text.set_parse_math(False)
        return ax

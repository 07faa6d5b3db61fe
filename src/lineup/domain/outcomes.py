"""The outcome model: how many engagements a hired creator really brings, as a distribution.

A roster gives one number per creator, the expected engagements ``E_i`` if the creator posts
(posts × followers × authenticity × engagement rate).  A campaign's outcome varies around it
(docs/model.md, "Outcome model"); for creator ``i`` in outcome scenario ``s``::

    X_is = E_i · D_is · L_is · G_{platform(i), s}

* ``D_is ~ Bernoulli(p_i)``: the creator delivers (``outcomes.delivery``: a default, per tier,
  or a roster column; 1 unless the scenario says otherwise);
* ``L_is = exp(σ_r Z1 − σ_r²/2) · exp(σ_k Z2 − σ_k²/2)``: mean 1.  ``σ_r`` is how uncertain the
  creator's own rate is: ``rate_spread`` for a rate the prior estimated, ``post_spread / √n`` for
  a measured one (``n`` posts behind it: a roster column, or ``measured_posts``); ``σ_k`` is the
  post-to-post noise of a deliverable of ``k`` posts, ``σ_k² = ln(1 + (exp(post_spread²) − 1)/k)``
  (the log-normal matching the mean of ``k`` posts);
* ``G_ps = exp(σ_g Z − σ_g²/2)``: one shock per platform and scenario (``platform_shock``), shared
  by every creator on that platform: the correlated part (an algorithm change, a slow month).

So ``E[X_is] = p_i E_i``.  Draws are keyed by roster row: creator ``i``'s numbers in scenario
``s`` depend only on the seed, the sample's role (optimise / check) and ``i``, never on who else
is sampled, how the work is split, or the number of workers (common random numbers across
strategies).  A sample's statistics (:class:`Forecast`: mean, P10/P50/P90, CVaR, P(target))
carry Monte Carlo intervals.

Examples
--------
>>> cvar([1.0, 2.0, 3.0, 4.0], 0.5)           # mean of the worst half
1.5
>>> cvar([1.0, 2.0, 3.0, 4.0], 0.3)           # worst 30 %: 1 (25 %) and a fifth of 2 (5 %)
1.1666666666666667
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Optional

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from .tiers import TIER_NAMES, Tiers

__all__ = ["Spread", "Delivery", "OutcomeSpec", "RiskSpec", "Items", "Forecast", "cvar", "cvar_linearised",
           "downside_linearised", "quantile_linearised", "cvar_interval", "quantile_interval", "sample_outcomes",
           "forecast_of", "outcome_problems", "describe", "ROLE_OPTIMISE", "ROLE_FORECAST"]

#: Sample roles: the scenarios the optimiser plans on; a portfolio's forecast (independent of them).
ROLE_OPTIMISE, ROLE_FORECAST = 1, 3
#: z of a two-sided 95 % interval.
Z95 = 1.959963984540054

TierName = str


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Spread(_Model):
    """A log-normal spread (the standard deviation of the log), by platform."""

    default: float = Field(ge=0, le=3, description="Standard deviation of the log (0: no spread).")
    by_platform: dict[str, float] = Field(default_factory=dict, description=(
        "Per platform (roster platform name, lower case): standard deviation of the log, 0–3."))

    @model_validator(mode="after")
    def _bounded(self) -> "Spread":
        bad = {k: v for k, v in self.by_platform.items() if not (0 <= v <= 3)}
        if bad:
            raise ValueError(f"by_platform spreads must lie in [0, 3], got {bad}")
        return self

    def of(self, platforms: np.ndarray) -> np.ndarray:
        """The spread of each platform name."""
        table = {k.strip().lower(): v for k, v in self.by_platform.items()}
        return np.asarray([table.get(str(p).lower(), self.default) for p in platforms], dtype=float)


class Delivery(_Model):
    """Probability that a contracted creator delivers (posts as agreed)."""

    default: float = Field(default=1.0, ge=0, le=1, description=(
        "Probability of delivery for every creator (1: every contracted creator posts; planning tools "
        "commonly discount to 0.8–0.9)."))
    by_tier: dict[str, float] = Field(default_factory=dict, description="Per tier (nano … mega): a probability.")
    column: Optional[str] = Field(default=None, description=(
        "A roster column holding each creator's probability (0–1; blank: the tier's or the default)."))

    @model_validator(mode="after")
    def _tiers(self) -> "Delivery":
        unknown = sorted(set(self.by_tier) - set(TIER_NAMES))
        if unknown:
            raise ValueError(f"by_tier: unknown tier {unknown[0]!r} (tiers: {', '.join(TIER_NAMES)})")
        bad = {k: v for k, v in self.by_tier.items() if not (0 <= v <= 1)}
        if bad:
            raise ValueError(f"by_tier probabilities must lie in [0, 1], got {bad}")
        return self


class OutcomeSpec(_Model):
    """The ``outcomes:`` section: how uncertain each creator's engagements are (docs/model.md, "Outcome model")."""

    post_spread: Spread = Field(default_factory=lambda: Spread(default=0.5, by_platform={"tiktok": 0.9}), description=(
        "Post-to-post spread of one creator's engagements (sd of log). Defaults measured on real post "
        "histories: Instagram micro creators 0.48 (median over 60 creators, 720 posts, 2022), TikTok 0.89 "
        "(median over 1,764 creators, 2020)."))
    rate_spread: Spread = Field(default_factory=lambda: Spread(default=0.8, by_platform={"tiktok": 1.3}), description=(
        "Spread of a creator's true rate around an estimated (prior) rate (sd of log). Default 0.8: real "
        "Instagram engagement rates span about a factor of 3 between the quartiles of one follower band "
        "(ln 3 / 1.349); TikTok 1.3 (measured across creators within a follower decade, 2020)."))
    measured_posts: float = Field(default=12, ge=1, le=10_000, description=(
        "Posts behind a measured engagement rate when the roster does not say (a measured rate's spread "
        "is post_spread / sqrt(posts))."))
    measured_posts_column: Optional[str] = Field(default=None, description=(
        "A roster column giving the posts behind each measured rate (blank: measured_posts)."))
    delivery: Delivery = Field(default_factory=Delivery)
    platform_shock: float = Field(default=0.0, ge=0, le=3, description=(
        "Spread (sd of log) of one shock per platform and scenario that every creator on the platform shares "
        "(the correlated part: an algorithm change, a slow season). 0: none."))
    fee_spread: float = Field(default=0.0, ge=0, le=3, description=(
        "Spread (sd of log) of each fee around the roster's (mean kept): the forecast of spend. 0: fees are known."))
    scenarios: int = Field(default=10_000, ge=100, le=10_000_000, description=(
        "Outcome scenarios behind each forecast (and the out-of-sample check of a risk-aware solve)."))
    planning_scenarios: int = Field(default=200, ge=10, le=100_000, description=(
        "Outcome scenarios the optimiser plans on (S) with objective.risk or constraints.target_probability; "
        "the choice is then checked on `scenarios` independent ones."))
    seed: Optional[int] = Field(default=None, ge=0, description=(
        "Seed of the outcome scenarios (default: simulation.seed)."))


def _spread_text(s: Spread) -> str:
    extra = ", ".join(f"{k} {v:g}" for k, v in sorted(s.by_platform.items()))
    return f"{s.default:g}" + (f" ({extra})" if extra else "")


def describe(spec: OutcomeSpec) -> str:
    """The outcome model's settings in one line (for notes under tables).

    >>> for part in describe(OutcomeSpec()).split("; "):
    ...     print(part)
    delivery 100 %
    spread (sd of log) of an estimated rate 0.8 (tiktok 1.3), of one post 0.5 (tiktok 0.9), a measured rate from 12 posts
    no platform shock
    fees known
    """
    d = spec.delivery
    delivery = f"delivery {100 * d.default:.3g} %" + ("".join(f", {t} {100 * p:.3g} %" for t, p in d.by_tier.items()))
    if d.column:
        delivery += f" (column {d.column} where given)"
    posts = (f"{spec.measured_posts:g} posts" + (f" (column {spec.measured_posts_column} where given)"
                                                if spec.measured_posts_column else ""))
    shock = f"platform shock {spec.platform_shock:g}" if spec.platform_shock > 0 else "no platform shock"
    fees = f"fee spread {spec.fee_spread:g}" if spec.fee_spread > 0 else "fees known"
    return (f"{delivery}; spread (sd of log) of an estimated rate {_spread_text(spec.rate_spread)}, of one post "
            f"{_spread_text(spec.post_spread)}, a measured rate from {posts}; {shock}; {fees}")


class RiskSpec(_Model):
    """``objective.risk``: plan for the bad cases too (sample-average approximation, docs/model.md)."""

    beta: float = Field(default=0.5, ge=0, le=1, description=(
        "Weight of the downside: maximise (1 − beta) × mean + beta × CVaR_alpha of engagements "
        "(0: the mean alone; 1: CVaR alone)."))
    alpha: float = Field(default=0.1, gt=0, le=1, description=(
        "Tail share: CVaR_alpha is the mean of the worst alpha share of outcome scenarios (0.1: the worst 10 %)."))


# ---------------------------------------------------------------------------------------------- statistics
def cvar(values, alpha: float, axis: int = -1) -> np.ndarray | float:
    """Lower-tail CVaR_alpha of equally likely ``values``: the mean of the worst ``alpha`` share.

    With ``N`` values and ``k = floor(alpha·N)``, the ``k`` smallest count fully and the next one for
    the fraction ``alpha·N − k`` (Rockafellar & Uryasev 2002: ``max_η η − E[(η − X)⁺]/alpha``).

    >>> cvar([3.0, 1.0, 2.0], 1.0), cvar([3.0, 1.0, 2.0], 1 / 3)
    (2.0, 1.0)
    >>> cvar([[1.0, 5.0], [2.0, 4.0]], 0.5).tolist()
    [1.0, 2.0]
    """
    x = np.asarray(values, dtype=float)
    x = np.moveaxis(x, axis, -1)
    n = x.shape[-1]
    if n == 0:
        raise ValueError("cvar of no values")
    if not 0 < alpha <= 1:
        raise ValueError(f"alpha must lie in (0, 1], got {alpha}")
    a = alpha * n
    k = min(int(math.floor(a + 1e-9)), n)
    frac = max(a - k, 0.0)
    part = np.partition(x, k, axis=-1) if k < n else x
    low = np.sort(part[..., : k + 1], axis=-1) if k < n else part
    total = low[..., :k].sum(axis=-1) + (frac * low[..., k] if k < n and frac > 0 else 0.0)
    out = total / a
    return float(out) if np.ndim(out) == 0 else out


def quantile_interval(values: np.ndarray, q: float, z: float = Z95) -> tuple[float, float, float]:
    """(estimate, low, high): the ``q`` quantile of ``values`` with the distribution-free order-statistic
    interval (binomial ranks ``Nq ∓ z√(Nq(1−q))``).

    >>> est, lo, hi = quantile_interval(np.arange(1000.0), 0.1)
    >>> lo < est < hi, round(est)
    (True, 100)
    """
    x = np.sort(np.asarray(values, dtype=float))
    n = x.size
    half = z * math.sqrt(n * q * (1 - q))
    lo = int(max(0, math.floor(n * q - half)))
    hi = int(min(n - 1, math.ceil(n * q + half)))
    return float(np.quantile(x, q)), float(x[lo]), float(x[hi])


def _wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def cvar_linearised(values, alpha: float) -> tuple[float, np.ndarray]:
    """CVaR_alpha of ``values`` and its per-value linearisation ``z`` (mean 0): ``ψ(x) = η − (η − x)⁺/alpha``
    at ``η`` = the alpha quantile, centred.  ``sd(z)/√N`` is the estimator's standard error (the derivative
    in ``η`` vanishes at the optimum); ``z_a − z_b`` over common scenarios gives a paired difference's.

    >>> c, z = cvar_linearised([1.0, 2.0, 3.0, 4.0], 0.5)
    >>> c, round(float(z.mean()), 12)
    (1.5, 0.0)
    """
    x = np.asarray(values, dtype=float)
    eta = float(np.quantile(x, alpha))
    psi = eta - np.maximum(eta - x, 0.0) / alpha
    return float(cvar(x, alpha)), psi - psi.mean()


def quantile_linearised(values, q: float) -> tuple[float, np.ndarray]:
    """The ``q`` quantile of ``values`` and its linearisation ``z = (q − 1{x ≤ Q}) / f̂(Q)`` (Bahadur), with
    the density ``f̂`` at the quantile by a uniform kernel of Silverman's width; ``z_a − z_b`` over common
    scenarios gives a paired difference's interval.  NaN when the density there is 0.

    >>> Q, z = quantile_linearised(np.random.default_rng(0).normal(size=40_000), 0.1)
    >>> round(Q, 1), round(float(z.std()) / 200, 2)     # se ≈ sqrt(q(1-q)) / phi(-1.28) / sqrt(N)
    (-1.3, 0.01)
    """
    x = np.asarray(values, dtype=float)
    Q = float(np.quantile(x, q))
    sd, iqr = float(x.std()), float(np.subtract(*np.quantile(x, [0.75, 0.25])))
    spread = min(sd, iqr / 1.349) if iqr > 0 else sd
    h = 0.9 * spread * x.size ** -0.2
    density = float(np.mean(np.abs(x - Q) <= h)) / (2 * h) if h > 0 else 0.0
    if density <= 0:
        return Q, np.full(x.size, np.nan)
    return Q, (q - (x <= Q)) / density


def downside_linearised(values, alpha: float) -> tuple[float, np.ndarray]:
    """Relative downside ``d = 1 − CVaR_alpha / mean`` of ``values`` and its linearisation (delta method:
    ``z = −(z_CVaR − (CVaR/mean)(x − mean)) / mean``).  ``d`` is the share of the mean lost in the worst
    ``alpha`` of outcomes (0: none; 1: the worst cases bring nothing); NaN when the mean is 0.

    >>> d, z = downside_linearised([0.0, 10.0, 10.0, 20.0], 0.25)
    >>> d
    1.0
    """
    x = np.asarray(values, dtype=float)
    m = float(x.mean())
    c, zc = cvar_linearised(x, alpha)
    if m <= 0:
        return float("nan"), np.full(x.size, np.nan)
    r = c / m
    return 1.0 - r, -(zc - r * (x - m)) / m


def cvar_interval(values: np.ndarray, alpha: float, z: float = Z95) -> tuple[float, float, float]:
    """(CVaR, low, high): the estimate with its asymptotic normal interval, ``sd((η − X)⁺)/(alpha √N)``
    at ``η`` = the alpha quantile (the estimator's derivative in ``η`` vanishes there).

    >>> rng = np.random.default_rng(0)
    >>> est, lo, hi = cvar_interval(rng.normal(10, 2, 100_000), 0.1)
    >>> lo < 10 - 2 * 1.7549833193 < hi
    True
    """
    est, lin = cvar_linearised(values, alpha)
    half = z * float(lin.std(ddof=1)) / math.sqrt(lin.size) if lin.size > 1 else 0.0
    return est, est - half, est + half


# ---------------------------------------------------------------------------------------------- the model
@dataclass(frozen=True, eq=False)
class Items:
    """What the outcome model needs of the hired (or candidate) items, as parallel arrays.

    ``row`` is each item's roster row (its draws' key), ``expected`` its engagements if it delivers,
    ``posts`` the deliverable's posts, ``fee`` its fee; ``rate_sd`` and ``post_sd`` the two log
    spreads (``σ_r``, ``σ_k``), ``delivery`` its probability, ``platform`` a platform code.
    """

    row: np.ndarray
    expected: np.ndarray
    posts: np.ndarray
    fee: np.ndarray
    rate_sd: np.ndarray
    post_sd: np.ndarray
    delivery: np.ndarray
    platform: np.ndarray
    platform_names: tuple
    shock: float
    fee_sd: float

    @classmethod
    def of(cls, spec: OutcomeSpec, roster, tiers: Tiers, rows, expected, posts, fee) -> "Items":
        """Items at roster ``rows`` with their ``expected`` engagements, ``posts`` and ``fee`` (a package's,
        when packages are bought).

        >>> from lineup.domain.roster import Roster
        >>> r = Roster.from_columns(ids=["a", "b"], followers=[5_000, 200_000], engagement_rate=[0.04, 0.02],
        ...                         fee=[300, 4_000], er_estimated=[False, True])
        >>> it = Items.of(OutcomeSpec(), r, Tiers(), [0, 1], r.expected_engagement, r.posts, r.fee)
        >>> it.rate_sd.round(3).tolist(), it.mean().tolist()
        ([0.144, 0.8], [200.0, 4000.0])
        """
        rows = np.asarray(rows, dtype=np.int64)
        platforms = np.asarray(roster.platform, dtype=object)[rows]
        post = spec.post_spread.of(platforms)
        n_measured = np.full(rows.size, float(spec.measured_posts))
        if spec.measured_posts_column is not None:
            given = _column(roster, spec.measured_posts_column, rows)
            n_measured = np.where(np.isfinite(given) & (given >= 1), given, n_measured)
        estimated = np.asarray(roster.er_estimated, dtype=bool)[rows]
        rate = np.where(estimated, spec.rate_spread.of(platforms), post / np.sqrt(n_measured))
        k = np.maximum(np.asarray(posts, dtype=float), 1.0)
        post_k = np.sqrt(np.log1p(np.expm1(post ** 2) / k))
        names, codes = np.unique(np.asarray(platforms, dtype=str), return_inverse=True)
        return cls(row=rows, expected=np.asarray(expected, dtype=float), posts=k, fee=np.asarray(fee, dtype=float),
                   rate_sd=rate, post_sd=post_k, delivery=_delivery(spec.delivery, roster, tiers, rows),
                   platform=codes.astype(np.int64), platform_names=tuple(names.tolist()),
                   shock=float(spec.platform_shock), fee_sd=float(spec.fee_spread))

    @property
    def n(self) -> int:
        return int(self.row.size)

    def mean(self) -> np.ndarray:
        """Expected engagements of each item under the model, ``p_i E_i``."""
        return self.delivery * self.expected

    def take(self, which) -> "Items":
        """The items at positions ``which``."""
        w = np.asarray(which)
        return Items(self.row[w], self.expected[w], self.posts[w], self.fee[w], self.rate_sd[w], self.post_sd[w],
                     self.delivery[w], self.platform[w], self.platform_names, self.shock, self.fee_sd)


def outcome_problems(spec: OutcomeSpec, roster) -> list[tuple[tuple, str]]:
    """Roster columns the ``outcomes:`` section names that the roster lacks, holds as text, or whose
    values are out of range, as ``(location, message)``.

    >>> from lineup.domain.roster import Roster
    >>> r = Roster.from_columns(ids=["a"], followers=[10], engagement_rate=[0.1], fee=[5], extra={"p": [1.5]})
    >>> outcome_problems(OutcomeSpec(delivery=Delivery(column="p")), r)
    [(('outcomes', 'delivery', 'column'), "column 'p' holds 1.5 (<memory>, line 2); a probability lies in [0, 1]")]
    """
    from ._invalid import InvalidValue
    from .columns import numeric_column

    out = []
    for where, name, low, high, what in ((("outcomes", "delivery", "column"), spec.delivery.column, 0, 1,
                                          "a probability lies in [0, 1]"),
                                         (("outcomes", "measured_posts_column"), spec.measured_posts_column, 1,
                                          np.inf, "a count of posts is at least 1")):
        if name is None:
            continue
        if name in roster.non_numeric:
            out.append((where, f"column {name!r} holds text ({roster.non_numeric[name]}); it must hold numbers"))
            continue
        try:
            values = numeric_column(roster, name)
        except InvalidValue as exc:
            out.append((where, str(exc)))
            continue
        bad = np.flatnonzero(np.isfinite(values) & ((values < low) | (values > high)))
        if bad.size:
            at = f"{roster.source}, line {int(roster.line[bad[0]])}"
            out.append((where, f"column {name!r} holds {values[bad[0]]:g} ({at}); {what}"))
    return out


def _column(roster, name: str, rows: np.ndarray) -> np.ndarray:
    from .columns import numeric_column

    return np.asarray(numeric_column(roster, name), dtype=float)[rows]


def _delivery(spec: Delivery, roster, tiers: Tiers, rows: np.ndarray) -> np.ndarray:
    p = np.full(rows.size, spec.default)
    if spec.by_tier:
        names = tiers.names_of(np.asarray(roster.followers, dtype=float)[rows])
        for tier, value in spec.by_tier.items():
            p[names == tier] = value
    if spec.column is not None:
        given = _column(roster, spec.column, rows)
        p = np.where(np.isfinite(given), given, p)
    return p


def _lognormal(z: np.ndarray, sd) -> np.ndarray:
    """``exp(sd·z − sd²/2)``: mean-1 log-normal factors."""
    return np.exp(sd * z - 0.5 * np.square(sd))


def _row_draws(seq: np.random.SeedSequence, role: int, row: int, scenarios: int) -> np.ndarray:
    """The 4 × scenarios standard draws of roster row ``row``: rate z, post z, delivery u, fee z."""
    child = np.random.SeedSequence(seq.entropy, spawn_key=(*seq.spawn_key, role, 1, int(row)))
    g = np.random.Generator(np.random.PCG64(child))
    out = g.standard_normal((4, scenarios))
    out[2] = g.random(scenarios)
    return out


def _shocks(seq: np.random.SeedSequence, role: int, names: tuple, scenarios: int, sd: float) -> np.ndarray:
    """Per platform name (sorted codes of ``names``) the scenarios' shared factors, keyed by the name."""
    out = np.ones((len(names), scenarios))
    if sd <= 0:
        return out
    for k, name in enumerate(names):
        key = int.from_bytes(hashlib.blake2b(str(name).encode("utf-8"), digest_size=8).digest(), "little")
        child = np.random.SeedSequence(seq.entropy, spawn_key=(*seq.spawn_key, role, 2, key))
        out[k] = _lognormal(np.random.Generator(np.random.PCG64(child)).standard_normal(scenarios), sd)
    return out


def sample_outcomes(items: Items, scenarios: int, seed, role: int = ROLE_FORECAST, *,
                    fees: bool = False) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """The ``scenarios × items`` matrix of engagements ``X_is`` (and, with ``fees``, of fees paid).

    Item ``i``'s column depends only on ``seed``, ``role`` and its roster row (and its platform's
    shock on the platform's name), so it is the same in any selection and on any worker.

    >>> from lineup.domain.roster import Roster
    >>> r = Roster.from_columns(ids=["a", "b"], followers=[5_000, 8_000], engagement_rate=[0.04, 0.05], fee=[1, 1])
    >>> it = Items.of(OutcomeSpec(), r, Tiers(), [0, 1], r.expected_engagement, r.posts, r.fee)
    >>> x = sample_outcomes(it, 20_000, seed=1)
    >>> x.shape, bool(abs(x.mean(axis=0)[0] / 200 - 1) < 0.02)
    ((20000, 2), True)
    >>> bool((sample_outcomes(it.take([1]), 50, seed=1)[:, 0] == sample_outcomes(it, 50, seed=1)[:, 1]).all())
    True
    """
    from .._rng import as_seed_sequence

    seq = as_seed_sequence(seed)
    x = np.empty((scenarios, items.n))
    paid = np.empty((scenarios, items.n)) if fees else None
    g = _shocks(seq, role, items.platform_names, scenarios, items.shock)
    for j in range(items.n):
        z = _row_draws(seq, role, int(items.row[j]), scenarios)
        level = _lognormal(z[0], items.rate_sd[j]) * _lognormal(z[1], items.post_sd[j])
        x[:, j] = items.expected[j] * (z[2] < items.delivery[j]) * level * g[items.platform[j]]
        if fees:
            paid[:, j] = items.fee[j] * _lognormal(z[3], items.fee_sd)
    return (x, paid) if fees else x


# ---------------------------------------------------------------------------------------------- forecasts
@dataclass(frozen=True, eq=False)
class Forecast:
    """A portfolio's engagements as a distribution: ``outcomes`` (one total per outcome scenario).

    Every statistic is an estimate from the sample, with a 95 % Monte Carlo interval (how much the
    number would move with another seed; not the width of the model's own assumptions).
    ``spend`` holds the fees paid per scenario when the fees are uncertain (``outcomes.fee_spread``).

    Examples
    --------
    >>> f = Forecast(np.arange(1.0, 101.0), alpha=0.1, target=50)
    >>> f.mean, f.p10, f.cvar, f.p_target
    (50.5, 10.9, 5.5, 0.51)
    """

    outcomes: np.ndarray
    alpha: float = 0.1
    target: Optional[float] = None
    spend: Optional[np.ndarray] = None
    seed: Optional[int] = None
    planned: Optional[float] = None  # engagements if everyone delivers as expected (the point plan)

    @property
    def scenarios(self) -> int:
        return int(self.outcomes.size)

    @property
    def mean(self) -> float:
        return float(self.outcomes.mean())

    def quantile(self, q: float) -> float:
        return float(np.quantile(self.outcomes, q))

    @property
    def p10(self) -> float:
        return self.quantile(0.1)

    @property
    def p50(self) -> float:
        return self.quantile(0.5)

    @property
    def p90(self) -> float:
        return self.quantile(0.9)

    @property
    def cvar(self) -> float:
        """Mean engagements of the worst ``alpha`` share of scenarios."""
        return float(cvar(self.outcomes, self.alpha))

    @property
    def p_target(self) -> Optional[float]:
        """Probability of reaching ``target`` engagements (None without a target)."""
        return None if self.target is None else float(np.mean(self.outcomes >= self.target))

    @property
    def relative_downside(self) -> float:
        """``1 − CVaR / mean``: the share of the mean lost in the worst ``alpha`` of cases (0: no downside)."""
        m = self.mean
        return float(1 - self.cvar / m) if m > 0 else 0.0

    def intervals(self) -> dict[str, tuple[float, float, float]]:
        """Each statistic as (estimate, low, high), 95 % Monte Carlo intervals."""
        x = self.outcomes
        n = x.size
        sd = float(x.std(ddof=1)) if n > 1 else 0.0
        out = {"mean": (self.mean, self.mean - Z95 * sd / math.sqrt(n), self.mean + Z95 * sd / math.sqrt(n))}
        for name, q in (("p10", 0.1), ("p50", 0.5), ("p90", 0.9)):
            out[name] = quantile_interval(x, q)
        out["cvar"] = cvar_interval(x, self.alpha)
        if self.target is not None:
            k = int(np.count_nonzero(x >= self.target))
            out["p_target"] = (k / n, *_wilson(k, n))
        return out

    def to_dict(self) -> dict:
        """Plain data (JSON): the statistics with intervals, the sample's size, alpha, target and seed."""
        stats = {k: {"estimate": v[0], "low": v[1], "high": v[2]} for k, v in self.intervals().items()}
        out = {"scenarios": self.scenarios, "alpha": self.alpha, "target": self.target, "seed": self.seed,
               "planned": self.planned, "relative_downside": self.relative_downside, "engagements": stats}
        if self.spend is not None:
            out["spend"] = {name: float(np.quantile(self.spend, q)) for name, q in
                            (("p10", 0.1), ("p50", 0.5), ("p90", 0.9))} | {"mean": float(self.spend.mean())}
        return out

    def to_frame(self):
        """One row per statistic: estimate, low, high (a pandas DataFrame)."""
        import pandas as pd

        rows = [{"statistic": k, "estimate": v[0], "low": v[1], "high": v[2]} for k, v in self.intervals().items()]
        return pd.DataFrame(rows).set_index("statistic")


def forecast_of(items: Items, *, scenarios: int, seed, alpha: float = 0.1, target: Optional[float] = None,
                role: int = ROLE_FORECAST) -> Forecast:
    """The :class:`Forecast` of hiring every item (engagements summed per scenario).

    >>> from lineup.domain.roster import Roster
    >>> r = Roster.from_columns(ids=["a"], followers=[5_000], engagement_rate=[0.04], fee=[1])
    >>> spec = OutcomeSpec(delivery=Delivery(default=0.5))
    >>> f = forecast_of(Items.of(spec, r, Tiers(), [0], r.expected_engagement, r.posts, r.fee), scenarios=4_000, seed=3)
    >>> f.p10, f.planned                              # half the time the creator does not post
    (0.0, 200.0)
    """
    if items.fee_sd > 0:
        x, paid = sample_outcomes(items, scenarios, seed, role, fees=True)
        spend = paid.sum(axis=1)
    else:
        x, spend = sample_outcomes(items, scenarios, seed, role), None
    word = None if seed is None or not isinstance(seed, (int, np.integer)) else int(seed)
    return Forecast(outcomes=x.sum(axis=1), alpha=alpha, target=target, spend=spend, seed=word,
                    planned=float(items.expected.sum()))

"""``lineup compare``: strategies → portfolios → simulations on common random numbers.

A *strategy* (``strategies:`` in the scenario, :class:`~lineup.domain.scenario.StrategySpec`)
is either an explicit list of ids or extra rules layered on the scenario's own:

* ``tiers``: only these tiers — every other tier gets ``max: 0``; a scenario
  minimum on an excluded tier is dropped (with a note), and so is a
  ``constraints.include`` id of an excluded tier;
* ``platforms``: only these platforms — every other roster platform gets
  ``max_share: 0``; minimum shares of excluded platforms are dropped (with a note);
* ``influencers``: replaces ``constraints.influencers``;
* ``budget``: replaces the budget.

With no ``strategies:`` in the scenario, :data:`DEFAULT_STRATEGIES` is used:
``optimised`` (the scenario as it is), ``micro`` (nano and micro creators only)
and ``macro`` (at most two macro or mega creators).

:func:`compare` solves every strategy, simulates every portfolio with the
**same seed** — replication ``r`` of every strategy runs on the same
population (common random numbers, see :mod:`lineup.simulation.montecarlo`) —
and reports each metric's mean and 95 % interval, plus the paired
per-replication difference to the first strategy with its 95 % t-interval.
Costs (per engagement, talker, person reached) and the word-of-mouth share are
ratios of means with delta-method intervals, paired for the differences
(:mod:`lineup.simulation.result`); every strategy's spend and unspent budget is
stated, and one leaving more than :data:`UNSPENT_NOTE_SHARE` unspent gets a note
naming the rule that stopped it (:func:`unspent_note`).
A strategy that cannot be solved is reported (status and diagnosis) and left
out of the simulations; only when every strategy fails does :func:`compare`
raise :class:`~lineup.errors.InfeasibleError`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

import numpy as np

from lineup.domain.outcomes import cvar_linearised, downside_linearised, quantile_interval, quantile_linearised
from lineup.domain.portfolio import Portfolio
from lineup.domain.scenario import Scenario, StrategySpec, did_you_mean
from lineup.domain.tiers import TIER_NAMES
from lineup.errors import InfeasibleError, UsageError
from lineup.io.estimates import portfolio_estimates
from lineup.execution import RunOptions
from lineup.simulation.resolution import MIN_SIMULATED_FOLLOWERS
from lineup.simulation.result import RATIOS, Band, SimulationResult, band_of, linearised, t_interval
from lineup.workflows._spend import UNSPENT_NOTE_SHARE, stopped_by
from lineup.workflows.simulate import niche_names, priced, simulate_portfolios

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from lineup.optimize.result import SolveResult

__all__ = ["DEFAULT_STRATEGIES", "METRICS", "COST_METRICS", "COST_RATIOS", "OUTCOME_METRICS", "budget_spend",
           "StrategyPortfolio",
           "Comparison", "strategy_scenario", "strategy_specs", "build_portfolios", "compare"]

#: Strategies compared when the scenario names none (the first is the baseline of the differences).
DEFAULT_STRATEGIES: dict[str, StrategySpec] = {
    "optimised": StrategySpec(description="the scenario's own rules"),
    "micro": StrategySpec(description="nano and micro creators only", tiers=["nano", "micro"]),
    "macro": StrategySpec(description="at most 2 macro or mega creators", tiers=["macro", "mega"],
                          influencers={"max": 2}),
}

#: Metrics of :meth:`Comparison.to_frame`, in order, with their unit.
METRICS: dict[str, str] = {
    "spend": "currency",
    "unspent": "currency",
    "influencers": "influencers",
    "expected_engagement": "interactions (roster estimate)",
    "reach": "real people",
    "talkers": "real people",
    "wom_share": "fraction",
    "niches_covered": "niches",
    "cost_per_engagement": "currency per interaction",
    "cost_per_talker": "currency per person",
    "cost_per_reach": "currency per person",
}

#: Metrics added when the scenario sets ``costs.management``, with their unit: ``spend`` stays the fees (as
#: simulated); ``total_cost`` = fees + management cost; ``total_cost_per_talker`` is a ratio of means like
#: ``cost_per_talker`` (:data:`COST_RATIOS`).
COST_METRICS: dict[str, str] = {
    "management_cost": "currency",
    "management_hours": "hours",
    "total_cost": "currency",
    "total_cost_per_talker": "currency per person",
}

#: Ratio metrics over :data:`COST_METRICS` samples: name → (numerator, denominator), as
#: :data:`~lineup.simulation.result.RATIOS`.
COST_RATIOS: dict[str, tuple[str, str]] = {"total_cost_per_talker": ("total_cost", "talkers")}

#: Metrics taken from the simulation samples (the others are properties of the portfolio).
_SIMULATED = ("spend", "reach", "talkers", "wom_share", "cost_per_engagement", "cost_per_talker", "cost_per_reach")

#: Outcome-model metrics of each strategy's portfolio (engagements over outcome scenarios,
#: :mod:`lineup.domain.outcomes`), with their unit; intervals are Monte Carlo (delta method for CVaR and the
#: relative downside; order statistics for P10), differences paired over common outcome scenarios.
OUTCOME_METRICS: dict[str, str] = {"outcome_mean": "interactions", "outcome_p10": "interactions",
                                   "outcome_cvar": "interactions", "relative_downside": "fraction"}

#: Per-spend metrics (``compare --normalise spend``): name → simulated count per 1,000 units of currency.
PER_SPEND: dict[str, str] = {"engagements_per_1k": "engagements", "reach_per_1k": "reach",
                             "talkers_per_1k": "talkers"}




# --------------------------------------------------------------------------- strategies


def strategy_specs(scenario: Scenario, names=None) -> dict[str, StrategySpec]:
    """The strategies to compare, in order: the scenario's (or the defaults), filtered by ``names``.

    Unknown names raise :class:`~lineup.errors.UsageError` with a hint.

    Examples
    --------
    >>> from lineup.optimize.formulation import tiny_scenario
    >>> list(strategy_specs(tiny_scenario()))
    ['optimised', 'micro', 'macro']
    >>> list(strategy_specs(tiny_scenario(), ["macro", "micro"]))
    ['macro', 'micro']
    """
    known = dict(scenario.spec.strategies) or dict(DEFAULT_STRATEGIES)
    if names is None:
        return known
    names = [names] if isinstance(names, str) else list(names)
    bad = [n for n in names if n not in known]
    if bad:
        raise UsageError(f"unknown strateg{'y' if len(bad) == 1 else 'ies'} {', '.join(map(repr, bad))}; "
                         f"the scenario has {', '.join(known)}",
                         [f"strategy {n!r} is not defined{did_you_mean(n, known)}" for n in bad])
    if not names:
        raise UsageError("no strategy to compare: the list of names is empty")
    return {n: known[n] for n in dict.fromkeys(names)}


def _tier_changes(scenario: Scenario, allowed: list[str], name: str) -> tuple[dict, list[str]]:
    current = {t: b.model_dump() for t, b in scenario.spec.constraints.tiers.items()}
    notes = [f"strategy {name!r}: dropped constraints.tiers.{t}.min = {current[t]['min']} (tier excluded)"
             for t in TIER_NAMES if t not in allowed and (current.get(t) or {}).get("min")]
    tiers = {t: (current.get(t, {"min": None, "max": None}) if t in allowed else {"min": None, "max": 0})
             for t in TIER_NAMES}
    return tiers, notes


def _platform_changes(scenario: Scenario, allowed: list[str], name: str) -> tuple[dict, list[str]]:
    current = {p: b.model_dump() for p, b in scenario.spec.constraints.platforms.items()}
    every = sorted(set(scenario.roster.platform.tolist()) | set(current))
    notes = [f"strategy {name!r}: dropped constraints.platforms.{p}.min_share = {current[p]['min_share']} "
             f"(platform excluded)" for p in every if p not in allowed and (current.get(p) or {}).get("min_share")]
    shares = {p: (current.get(p, {"min_share": None, "max_share": None}) if p in allowed
                  else {"min_share": None, "max_share": 0.0}) for p in every}
    return shares, notes


def _allowed_includes(scenario: Scenario, spec: StrategySpec, name: str) -> tuple[list[str], list[str]]:
    """``constraints.include`` ids that the strategy's tiers and platforms still allow."""
    r, keep, notes = scenario.roster, [], []
    for i in scenario.spec.constraints.include:
        row = r.index_of(i)
        tier = str(scenario.tiers.names_of([r.followers[row]])[0])
        if (spec.tiers is None or tier in spec.tiers) and (spec.platforms is None or r.platform[row] in spec.platforms):
            keep.append(i)
        else:
            notes.append(f"strategy {name!r}: dropped constraints.include {i!r} ({tier} on {r.platform[row]}, "
                         f"outside the strategy)")
    return keep, notes


def _strategy_changes(scenario: Scenario, spec: StrategySpec, name: str) -> tuple[dict, list[str]]:
    changes: dict[str, Any] = {}
    notes: list[str] = []
    if spec.tiers is not None:
        changes["constraints__tiers"], more = _tier_changes(scenario, list(spec.tiers), name)
        notes += more
    if spec.platforms is not None:
        changes["constraints__platforms"], more = _platform_changes(scenario, list(spec.platforms), name)
        notes += more
    if spec.tiers is not None or spec.platforms is not None:
        include, more = _allowed_includes(scenario, spec, name)
        if more:
            changes["constraints__include"] = include
            notes += more
    if spec.influencers is not None:
        changes["constraints__influencers"] = spec.influencers.model_dump()
    if spec.budget is not None:
        changes["budget"] = spec.budget
    if spec.objective is not None:
        changes.update(_objective_changes(scenario, spec.objective))
    return changes, notes


def _objective_changes(scenario: Scenario, objective) -> dict[str, Any]:
    """Overrides of a strategy's ``objective``: a name, or weights replacing the scenario's."""
    if objective == "talkers":
        return {"objective__talkers": 1.0, "objective__engagement": 0.0, "objective__coverage": 0.0}
    if objective == "engagement":
        return {"objective__talkers": 0.0, "objective__engagement": 1.0, "objective__coverage": 0.0}
    return {f"objective__{k}": v for k, v in objective.model_dump(exclude_unset=True).items()}


def _resolve(scenario: Scenario, name: str) -> tuple[StrategySpec, Scenario, list[str]]:
    spec = strategy_specs(scenario, [name])[name]
    if spec.ids is not None:
        sc = scenario.with_overrides(budget=spec.budget) if spec.budget is not None else scenario
        return spec, sc, []
    changes, notes = _strategy_changes(scenario, spec, name)
    return spec, (scenario.with_overrides(**changes) if changes else scenario), notes


def strategy_scenario(scenario: Scenario, name: str) -> Scenario:
    """The scenario with strategy ``name``'s rules applied (see the module docstring).

    The notes about dropped minimums are in :attr:`StrategyPortfolio.notes`
    (from :func:`build_portfolios`).

    Examples
    --------
    >>> from lineup.optimize.formulation import tiny_scenario
    >>> sc = strategy_scenario(tiny_scenario(), "micro")
    >>> {t: b.max for t, b in sc.spec.constraints.tiers.items()}
    {'nano': None, 'micro': None, 'mid': 0, 'macro': 0, 'mega': 0}
    >>> strategy_scenario(tiny_scenario(), "macro").spec.constraints.influencers.max
    2
    """
    return _resolve(scenario, name)[1]


# --------------------------------------------------------------------------- portfolios


@dataclass(frozen=True, eq=False)
class StrategyPortfolio:
    """A strategy's portfolio: solved (``solve`` set) or explicit (``solve`` is ``None``).

    ``portfolio`` is ``None`` when the strategy could not be solved; ``notes``
    lists rules dropped or warnings (e.g. an explicit portfolio over budget).
    """

    name: str
    spec: StrategySpec
    scenario: Scenario
    portfolio: Optional[Portfolio]
    solve: Optional["SolveResult"] = None
    notes: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        """``"explicit"`` for given ids, else the solve status (``"optimal"``, ``"infeasible"``, ...)."""
        return "explicit" if self.solve is None else self.solve.status.value

    @property
    def ok(self) -> bool:
        return self.portfolio is not None

    @property
    def diagnosis(self) -> tuple[str, ...]:
        return () if self.solve is None else tuple(self.solve.diagnosis)


def budget_spend(scenario: Scenario, portfolio: Portfolio) -> float:
    """What ``scenario``'s budget counts of ``portfolio``: its fees, plus its management cost when
    ``costs.management.count_in_budget``.

    >>> from lineup.optimize.formulation import tiny_scenario
    >>> sc = tiny_scenario()
    >>> budget_spend(sc, Portfolio(sc.roster, [0, 4]))
    960.0
    """
    m = scenario.spec.costs.management
    return portfolio.total_cost if m is not None and m.count_in_budget else portfolio.spend


def _explicit(scenario: Scenario, spec: StrategySpec, name: str, sc: Scenario) -> StrategyPortfolio:
    try:
        portfolio = Portfolio.from_ids(scenario.roster, spec.ids)
    except UsageError as exc:
        raise UsageError(f"strategy {name!r}: {exc.message}", [f"strategy {name!r}: {p}" for p in exc.problems]) from None
    notes = []
    portfolio = priced(sc, portfolio)  # with packages: each one's cheapest; with management: its cost and hours
    if sc.packages is not None:
        notes.append(f"strategy {name!r}: explicit ids, each hired with its cheapest package")
    cost = budget_spend(sc, portfolio)
    if cost > sc.budget:
        notes.append(f"strategy {name!r}: the explicit portfolio costs {cost:,.2f} {sc.currency}, "
                     f"over the budget of {sc.budget:,.2f}")
    return StrategyPortfolio(name, spec, sc, portfolio, None, tuple(notes))


def build_portfolios(scenario: Scenario, *, names=None, backend: str | None = None) -> dict[str, StrategyPortfolio]:
    """Solve (or take explicitly) every strategy's portfolio, in strategy order.

    Never raises for an infeasible strategy: its ``portfolio`` is ``None`` and
    its ``solve`` says why.

    Examples
    --------
    >>> from lineup.optimize.formulation import tiny_scenario
    >>> built = build_portfolios(tiny_scenario())
    >>> {n: (b.status, b.portfolio.ids) for n, b in built.items()}
    {'optimised': ('optimal', ['ann', 'eve']), 'micro': ('optimal', ['ann', 'bob', 'cat']), 'macro': ('optimal', ['eve'])}
    """
    from .plan import solve

    out: dict[str, StrategyPortfolio] = {}
    for name in strategy_specs(scenario, names):
        spec, sc, notes = _resolve(scenario, name)
        if spec.ids is not None:
            out[name] = _explicit(scenario, spec, name, sc)
            continue
        result = solve(sc, backend=backend, check=False)   # a talkers strategy: compare simulates it anyway
        if result.portfolio is None:
            notes.append(f"strategy {name!r} left out: {result.status.value}"
                         + (f" ({result.diagnosis[0]})" if result.diagnosis else ""))
        out[name] = StrategyPortfolio(name, spec, sc, result.portfolio, result, tuple(notes))
    return out


# --------------------------------------------------------------------------- comparison


def _niches_covered(scenario: Scenario, portfolio: Portfolio) -> int:
    """Scenario niches (else roster niches) with at least one selected influencer."""
    counts = dict(zip(scenario.roster.niche_names, portfolio.niche_counts()))
    return int(sum(counts.get(n, 0) > 0 for n in niche_names(scenario)))


def _band_dict(b: Band) -> dict:
    return {"mean": _num(b.mean), "ci_low": _num(b.ci_low), "ci_high": _num(b.ci_high)}


def _num(x) -> float | None:
    x = float(x)
    return x if np.isfinite(x) else None


@dataclass(frozen=True, eq=False)
class Comparison:
    """Strategies simulated on common random numbers, side by side.

    Attributes
    ----------
    scenario : Scenario
        The base scenario.
    strategies : tuple of str
        The simulated strategies, in order; the first is the baseline of the
        paired differences.
    portfolios : dict of str to Portfolio
        Each simulated strategy's portfolio.
    solves : dict of str to SolveResult or None
        Every requested strategy's solve (``None`` for explicit ids), including
        those left out because they could not be solved.
    simulations : dict of str to SimulationResult
        Each simulated strategy's Monte Carlo result (same seed for all).
    replications, seed : int
        Monte Carlo runs per strategy and their root seed.
    built : dict of str to StrategyPortfolio
        Every requested strategy as built (status, notes, strategy scenario).
    notes : tuple of str
        Warnings: strategies left out, rules dropped, explicit portfolios over budget.
    """

    scenario: Scenario
    strategies: tuple[str, ...]
    portfolios: dict[str, Portfolio]
    solves: dict[str, Optional["SolveResult"]]
    simulations: dict[str, SimulationResult]
    replications: int
    seed: Optional[int]
    built: dict[str, StrategyPortfolio] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    #: Each strategy's outcome forecast (same outcome scenarios for all: paired).
    forecasts: dict[str, Any] = field(default_factory=dict)

    @property
    def baseline(self) -> str:
        """The strategy the paired differences are taken against (the first)."""
        return self.strategies[0]

    @property
    def niches(self) -> list[str]:
        """Niches shown in the coverage heat map (the scenario's, else the roster's)."""
        return list(niche_names(self.scenario))

    @property
    def managed(self) -> bool:
        """Whether the scenario sets ``costs.management`` (then :data:`COST_METRICS` are shown)."""
        return self.scenario.spec.costs.management is not None

    @property
    def metrics(self) -> dict[str, str]:
        """The metrics compared, with their unit: :data:`METRICS`, plus :data:`COST_METRICS` when
        :attr:`managed`."""
        return {**METRICS, **COST_METRICS} if self.managed else dict(METRICS)

    def samples(self, name: str) -> dict[str, np.ndarray]:
        """Per-replication values of every metric of :attr:`metrics` for strategy ``name``."""
        sim, portfolio = self.simulations[name], self.portfolios[name]
        sc = self.built[name].scenario if name in self.built else self.scenario
        const = {"influencers": float(len(portfolio)), "expected_engagement": _engagement(sc, portfolio),
                 "niches_covered": float(_niches_covered(self.scenario, portfolio)),
                 "unspent": float(sc.budget - budget_spend(sc, portfolio))}
        out = {m: (np.asarray(sim.samples[m], dtype=float) if m in _SIMULATED
                   else np.full(sim.replications, const[m])) for m in METRICS}
        return {**out, **(_cost_samples(portfolio, out) if self.managed else {})}

    def bands(self, name: str) -> dict[str, Band]:
        """Mean and 95 % interval of each metric for ``name`` (ratios of :data:`COST_RATIOS`: ratio of
        means, delta-method interval, as :data:`~lineup.simulation.result.RATIOS`)."""
        out = {m: _total_band(m, self.simulations[name], v) for m, v in self.samples(name).items()}
        for m in COST_RATIOS:
            if m in out:
                out[m] = band_of(*self._linearised(name, m))
        return out

    def differences(self, name: str) -> dict[str, Band]:
        """Paired difference ``name − baseline`` of each metric, mean and 95 % interval.

        Means: t-interval of the per-replication differences.  Ratio metrics
        (:data:`~lineup.simulation.result.RATIOS`): difference of the ratios of
        means, delta-method interval paired over replications.
        """
        base, mine = self.samples(self.baseline), self.samples(name)
        ratios = {**RATIOS, **COST_RATIOS}
        out = {m: t_interval(mine[m] - base[m]) for m in self.metrics if m not in ratios}
        for m in self.metrics:
            if m in ratios:
                (rm, zm), (rb, zb) = self._linearised(name, m), self._linearised(self.baseline, m)
                out[m] = band_of(rm - rb, zm - zb)
        return {m: out[m] for m in self.metrics}

    def outcome_bands(self, name: str) -> dict[str, Band]:
        """Mean, P10, CVaR and relative downside of ``name``'s engagements over the outcome scenarios, with
        95 % Monte Carlo intervals (:data:`OUTCOME_METRICS`); empty without forecasts."""
        f = self.forecasts.get(name)
        if f is None:
            return {}
        x = f.outcomes
        p10 = quantile_interval(x, 0.1)
        c, zc = cvar_linearised(x, f.alpha)
        d, zd = downside_linearised(x, f.alpha)
        return {"outcome_mean": t_interval(x), "outcome_p10": Band(*p10), "outcome_cvar": band_of(c, zc),
                "relative_downside": band_of(d, zd)}

    def _linearised_outcomes(self, name: str) -> dict[str, tuple[float, np.ndarray]]:
        """Each :data:`OUTCOME_METRICS` statistic of ``name`` as (estimate, per-scenario linearisation)."""
        f = self.forecasts[name]
        x = f.outcomes
        return {"outcome_mean": (float(x.mean()), x - x.mean()), "outcome_p10": quantile_linearised(x, 0.1),
                "outcome_cvar": cvar_linearised(x, f.alpha), "relative_downside": downside_linearised(x, f.alpha)}

    def _paired(self, name: str, other: str) -> dict[str, Band]:
        """``name − other`` of every outcome statistic, paired over the common outcome scenarios."""
        a, b = self._linearised_outcomes(name), self._linearised_outcomes(other)
        return {m: band_of(a[m][0] - b[m][0], a[m][1] - b[m][1]) for m in OUTCOME_METRICS}

    def outcome_differences(self, name: str) -> dict[str, Band]:
        """Paired differences ``name − baseline`` of :meth:`outcome_bands` over the common outcome scenarios
        (P10 by the Bahadur linearisation, CVaR and the relative downside by the delta method)."""
        if name not in self.forecasts or self.baseline not in self.forecasts:
            return {}
        return self._paired(name, self.baseline)

    def downside_verdict(self) -> str:
        """Which strategy has the smaller relative downside (``1 − CVaR / mean`` of engagements), said with
        the paired interval of the difference; ``""`` without forecasts or with one strategy."""
        names = [n for n in self.strategies if n in self.forecasts]
        if len(names) < 2:
            return ""
        downside = {n: self._linearised_outcomes(n)["relative_downside"][0] for n in names}
        best = min(names, key=lambda n: (downside[n] if downside[n] == downside[n] else np.inf))
        pct = f"{100 * self.forecasts[best].alpha:.3g} %"
        parts = []
        for other in (n for n in names if n != best):
            band = self._paired(best, other)["relative_downside"]
            clear = float(band.ci_high) < 0
            parts.append(f"{other!r} {100 * downside[other]:.1f} % (difference {100 * float(band.mean):+.1f} points, "
                         f"95 % interval {100 * float(band.ci_low):+.1f} to {100 * float(band.ci_high):+.1f}"
                         f"{'' if clear else '; not clearly smaller'})")
        return (f"smaller relative downside: {best!r} — its worst {pct} of outcome scenarios average "
                f"{100 * downside[best]:.1f} % below its mean engagements, against " + "; ".join(parts))

    def assumptions(self) -> dict[str, dict]:
        """Every default the comparison depends on (``{name: {"value", "source", "meaning"}}``)."""
        from lineup.domain.assumptions import entry

        first = self.simulations[self.strategies[0]]
        out = dict(first.assumptions)
        out["unspent_note_share"] = entry(UNSPENT_NOTE_SHARE, "default", "a strategy leaving more than this share "
                                          "of its budget unspent gets a note naming the rule that stopped it")
        return out

    def per_spend(self, name: str) -> dict[str, tuple[Band, Band | None]]:
        """Counts per 1,000 units of currency spent (:data:`PER_SPEND`), each as a ratio of means.

        ``{metric: (band, paired difference to the baseline or None)}``; e.g.
        ``talkers_per_1k`` = 1,000 × mean talkers ÷ mean spend, delta-method intervals.
        """
        out = {}
        for metric, count in PER_SPEND.items():
            rm, zm = self._per_spend_linearised(name, count)
            diff = None
            if name != self.baseline:
                rb, zb = self._per_spend_linearised(self.baseline, count)
                diff = band_of(rm - rb, zm - zb)
            out[metric] = (band_of(rm, zm), diff)
        return out

    def _per_spend_linearised(self, name: str, count: str):
        samples = self.simulations[name].samples
        return linearised(1_000.0 * samples[count], samples["spend"])

    def _linearised(self, name: str, metric: str):
        if metric in COST_RATIOS:
            num, den = COST_RATIOS[metric]
            samples = self.samples(name)
        else:
            num, den = RATIOS[metric]
            samples = self.simulations[name].samples
        return linearised(samples[num], samples[den])

    def to_frame(self) -> "pd.DataFrame":
        """One row per strategy: ``<metric>``, ``<metric>_ci_low/_ci_high``, ``diff_<metric>`` (+ CI)."""
        import pandas as pd

        rows = []
        for name in self.strategies:
            row: dict[str, Any] = {"strategy": name, "status": self.built[name].status if name in self.built else ""}
            for prefix, bands in (("", {**self.bands(name), **self.outcome_bands(name)}),
                                  ("diff_", {**self.differences(name), **self.outcome_differences(name)})):
                for m, b in bands.items():
                    row[f"{prefix}{m}"], row[f"{prefix}{m}_ci_low"], row[f"{prefix}{m}_ci_high"] = (
                        float(b.mean), float(b.ci_low), float(b.ci_high))
            rows.append(row)
        return pd.DataFrame(rows)

    def penetration(self) -> "pd.DataFrame":
        """Mean simulated penetration (talkers / people in the niche) per strategy × niche."""
        import pandas as pd

        return pd.DataFrame({n: [_penetration(self.simulations[s], n) for s in self.strategies] for n in self.niches},
                            index=pd.Index(self.strategies, name="strategy"))

    def to_dict(self) -> dict:
        """JSON-ready and deterministic: no timings, no paths; NaN → ``None``."""
        return {
            "scenario": self.scenario.name, "currency": self.scenario.currency, "budget": self.scenario.budget,
            "seed": self.seed, "replications": self.replications, "baseline": self.baseline,
            "strategies": list(self.strategies), "units": self.metrics,
            "spend_summary": spend_summary(self), "unspent_note_share": UNSPENT_NOTE_SHARE,
            "assumptions": self.assumptions(),
            "results": {name: self._strategy_dict(name) for name in self.strategies},
            "left_out": {n: {"status": b.status, "diagnosis": list(b.diagnosis)}
                         for n, b in self.built.items() if not b.ok},
            "notes": list(self.notes),
            "warnings": list(self.scenario.warnings),
            **({"downside": self.downside_verdict()} if self.forecasts else {}),
        }

    def _strategy_dict(self, name: str) -> dict:
        built, sim = self.built.get(name), self.simulations[name]
        talkers = sim.series["talkers"]
        budget = built.scenario.budget if built else self.scenario.budget
        spend = budget_spend(built.scenario if built else self.scenario, self.portfolios[name])
        return {
            "description": built.spec.description if built else "",
            "status": built.status if built else "",
            "budget": budget,
            "spend": spend,
            **(_portfolio_costs(self.portfolios[name]) if self.managed else {}),
            "unspent": budget - spend,
            "unspent_share": (budget - spend) / budget if budget > 0 else None,
            "stopped_by": _stopping_rules(built) if built else "",
            "zero_denominator_replications": {m: int(sim.zero_denominators.get(m, 0)) for m in RATIOS},
            "portfolio": self.portfolios[name].ids,
            **portfolio_estimates(self.portfolios[name]),  # "estimated" (summary) and "implausible" chosen rows
            "scale": sim.scale,
            "metrics": {m: _band_dict(b) for m, b in self.bands(name).items()},
            "per_1k_spend": {m: {**_band_dict(b), "difference": None if d is None else _band_dict(d)}
                             for m, (b, d) in self.per_spend(name).items()},
            "difference": {m: _band_dict(b) for m, b in self.differences(name).items()},
            **({"outcomes": {**self.forecasts[name].to_dict(),
                             "bands": {m: _band_dict(b) for m, b in self.outcome_bands(name).items()},
                             "difference": {m: _band_dict(b) for m, b in self.outcome_differences(name).items()}}}
               if name in self.forecasts else {}),
            "penetration": {n: _num(_penetration(sim, n)) for n in self.niches},
            "buzz": {"mean": [_num(v) for v in talkers.mean], "ci_low": [_num(v) for v in talkers.ci_low],
                     "ci_high": [_num(v) for v in talkers.ci_high]},
        }

    def _facts(self) -> dict[str, Any]:
        return {"scenario": self.scenario.name, "strategies": self.strategies, "replications": self.replications,
                "seed": self.seed, "notes": len(self.notes)}

    def __repr__(self) -> str:
        """Short: the scenario's name, the strategies, replications, seed and how many notes."""
        from lineup._repr import short_repr

        return short_repr("Comparison", self._facts())

    def _repr_html_(self) -> str:
        """The facts and each metric's mean per strategy (escaped), for notebooks."""
        from lineup._repr import html_card

        frame = self.to_frame().set_index("strategy")[list(self.metrics)].T
        notes = "".join(f"<p>{html.escape(n)}</p>" for n in self.notes)
        return html_card("Comparison", self._facts(), frame.to_html(escape=True, float_format="{:,.4g}".format)
                         + notes)

    def plot(self, kind: str = "buzz"):
        """A matplotlib Figure: ``"buzz"``, ``"reach_vs_spend"`` or ``"coverage"`` (see :mod:`lineup.io.figures`)."""
        from lineup.io import figures

        makers = {"buzz": figures.buzz_figure, "reach_vs_spend": figures.reach_vs_spend_figure,
                  "coverage": figures.coverage_heatmap}
        if kind not in makers:
            raise UsageError(f"plot kind {kind!r} is not one of {', '.join(makers)}{did_you_mean(kind, makers)}")
        return makers[kind](self)


def _engagement(scenario: Scenario, portfolio: Portfolio) -> float:
    """Expected engagements as the optimiser counts them (after any overlap de-duplication)."""
    from lineup.optimize.rules import evaluate

    return float(evaluate(scenario, portfolio).engagement)


def _cost_samples(portfolio: Portfolio, samples: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per-replication values of :data:`COST_METRICS`: the simulated fees (``spend``) plus the portfolio's
    management cost; ``total_cost_per_talker`` per replication (NaN where nobody talks; its band is a
    ratio of means, see :meth:`Comparison.bands`)."""
    n = samples["spend"].size
    total = samples["spend"] + portfolio.management_cost
    talkers = samples["talkers"]
    with np.errstate(divide="ignore", invalid="ignore"):
        per_talker = np.where(talkers > 0, total / np.where(talkers > 0, talkers, 1.0), np.nan)
    return {"management_cost": np.full(n, portfolio.management_cost),
            "management_hours": np.full(n, portfolio.management_hours), "total_cost": total,
            "total_cost_per_talker": per_talker}


def _portfolio_costs(portfolio: Portfolio) -> dict[str, float]:
    """The portfolio's fees, management cost and hours, and total cost (currency, hours)."""
    return {"fees": portfolio.spend, "management_cost": portfolio.management_cost,
            "management_hours": portfolio.management_hours, "total_cost": portfolio.total_cost}


def _total_band(metric: str, sim: SimulationResult, values: np.ndarray) -> Band:
    if metric in sim.totals:
        b = sim.totals[metric]
        return Band(float(b.mean), float(b.ci_low), float(b.ci_high))
    b = t_interval(values)
    return Band(float(b.mean), float(b.ci_low), float(b.ci_high))


def _penetration(sim: SimulationResult, niche: str) -> float:
    b = sim.totals.get(f"penetration:{niche}")
    return float("nan") if b is None else float(b.mean)


# --------------------------------------------------------------------------- spend honesty


def _stopping_rules(built: StrategyPortfolio) -> str:
    """Which rules stopped a strategy's spending, in the planner's words."""
    if built.solve is None:
        return "an explicit list of ids (not solved)"
    return stopped_by(built.solve.binding) or "no rule is binding"


def unspent_note(built: StrategyPortfolio, share: float = UNSPENT_NOTE_SHARE) -> str | None:
    """A note when strategy ``built`` leaves more than ``share`` of its budget unspent, naming the rule.

    Examples
    --------
    >>> from lineup.optimize.formulation import tiny_scenario
    >>> b = build_portfolios(tiny_scenario().with_overrides(budget=50_000), names=["macro"])["macro"]
    >>> print(unspent_note(b))  # doctest: +ELLIPSIS
    strategy 'macro': ... of its ... budget unspent (...%); stopped by ...
    """
    sc, portfolio = built.scenario, built.portfolio
    if portfolio is None or sc.budget <= 0:
        return None
    from lineup.optimize.rules import format_money

    left = sc.budget - budget_spend(sc, portfolio)
    if left <= share * sc.budget:
        return None
    return (f"strategy {built.name!r}: {format_money(left, sc.currency)} of its {format_money(sc.budget, sc.currency)} "
            f"budget unspent ({left / sc.budget:.0%}); stopped by {_stopping_rules(built)}")


def spend_summary(comparison: "Comparison") -> str:
    """lineup's own one-line summary of what each strategy spends (never claims equal spend).

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> from lineup.optimize.formulation import tiny_scenario
    >>> sc = tiny_scenario()
    >>> fake = NS(strategies=("a", "b"), scenario=sc, portfolios={"a": NS(spend=960.0), "b": NS(spend=900.0)},
    ...           built={})
    >>> spend_summary(fake)
    'spend differs: a £960 of £1,000, b £900 of £1,000; compare costs per unit (cost per talker, per engagement, per person reached) or per-spend metrics (--normalise spend), not totals'
    """
    from lineup.optimize.rules import format_money

    cur, parts, spends = comparison.scenario.currency, [], []
    for name in comparison.strategies:
        built = comparison.built.get(name)
        budget = built.scenario.budget if built is not None else comparison.scenario.budget
        spend = budget_spend(built.scenario if built is not None else comparison.scenario,
                             comparison.portfolios[name])
        spends.append(spend)
        parts.append(f"{name} {format_money(spend, cur)} of {format_money(budget, cur)}")
    same = max(spends) - min(spends) <= 0.005 * max(max(spends), 1.0)
    head = "every strategy spends the same" if same else "spend differs"
    tail = "" if same else ("; compare costs per unit (cost per talker, per engagement, per person reached) or "
                            "per-spend metrics (--normalise spend), not totals")
    return f"{head}: {', '.join(parts)}{tail}"


# --------------------------------------------------------------------------- compare

#: Simulation warnings repeated in the comparison's notes (engagement caps, zero denominators).
_SIMULATION_NOTES = ("simulated engagements are capped", "every replication had")


def _raise_all_failed(scenario: Scenario, built: dict[str, StrategyPortfolio]) -> None:
    problems = [f"strategy {n!r}: {b.status}" + (f": {d}" if (d := "; ".join(b.diagnosis)) else "")
                for n, b in built.items()]
    raise InfeasibleError(f"scenario {scenario.name!r}: no strategy could be solved", problems)


def compare(scenario: Scenario, *, names=None, run: RunOptions | None = None, backend: str | None = None,
            executor=None, **options) -> Comparison:
    """Build each strategy's portfolio and simulate all of them on common random numbers.

    Parameters
    ----------
    scenario : Scenario
        Scenario with ``strategies:`` (else :data:`DEFAULT_STRATEGIES`).
    names : list of str, optional
        Strategies to compare, in this order (the first is the baseline).
    run : RunOptions, optional
        Replications and seed (overriding ``simulation.replications`` /
        ``simulation.seed``; every strategy uses the same seed), where they run
        (one executor for all strategies; results do not depend on it) and
        ``progress(done, total)`` in replications (each covers every strategy).
        Its fields may also be given as keywords (``replications=50, seed=1``).
    backend : str, optional
        Solver backend for every strategy (default: the scenario's).
    executor : optional
        An executor already opened (:meth:`RunOptions.executor`) to run the replications on, e.g. shared
        with a frontier (the report); default: one opened from ``run``.

    Returns
    -------
    Comparison
        Raises :class:`~lineup.errors.InfeasibleError` only if no strategy can be solved.

    Examples
    --------
    >>> from lineup.optimize.formulation import tiny_scenario
    >>> sc = tiny_scenario().with_overrides(simulation={"days": 10, "population": {"size": 2000}})
    >>> cmp = compare(sc, names=["micro", "macro"], replications=3, seed=1)
    >>> cmp.strategies, cmp.baseline, cmp.portfolios["macro"].ids
    (('micro', 'macro'), 'micro', ['eve'])
    >>> cmp.to_frame()[["strategy", "influencers", "diff_influencers"]].to_dict("list")
    {'strategy': ['micro', 'macro'], 'influencers': [3.0, 1.0], 'diff_influencers': [0.0, -2.0]}
    """
    built = build_portfolios(scenario, names=names, backend=backend)
    ok = [n for n, b in built.items() if b.ok]
    if not ok:
        _raise_all_failed(scenario, built)
    run = RunOptions.of(run, **options)
    sims = simulate_portfolios(scenario, {n: built[n].portfolio for n in ok}, run=run, executor=executor)
    first = sims[ok[0]]
    notes = list(scenario.warnings) + [note for b in built.values() for note in b.notes]
    notes += [f"strategy {n!r}: the portfolio is empty (no influencer the strategy allows fits its budget of "
              f"{built[n].scenario.budget:,.2f} {scenario.currency} and adds value); its simulation is all zeros"
              for n in ok if len(built[n].portfolio) == 0]
    if first.resolution.get("source") == "auto":
        notes += [f"resolution: {first.resolution['note']}"] if first.resolution.get("note") else []
    else:
        advice = ("raise simulation.population.size (or set it to auto) for finer results"
                  if scenario.spec.simulation.network is None
                  else f"the network has only {first.population_size:,} people; a larger network gives finer results")
        notes += _resolution_notes({n: built[n].portfolio for n in ok}, first.scale, advice)
    notes += [note for n in ok if (note := unspent_note(built[n])) is not None]
    notes += [f"strategy {n!r}: {w}" for n in ok for w in sims[n].warnings
              if w.startswith(_SIMULATION_NOTES) or " replications had " in w]
    return Comparison(
        scenario=scenario, strategies=tuple(ok), portfolios={n: built[n].portfolio for n in ok},
        solves={n: b.solve for n, b in built.items()}, simulations=sims, replications=first.replications,
        seed=first.seed, built=built, notes=tuple(notes), forecasts=_forecasts(scenario, built, ok, run.seed),
    )


def _forecasts(scenario: Scenario, built: dict[str, StrategyPortfolio], names: list[str], seed) -> dict[str, Any]:
    """Each strategy's outcome forecast on the same outcome scenarios (``seed``, else the scenario's
    ``outcomes.seed``, else ``simulation.seed``): paired, since draws are keyed by roster row; one alpha
    and one target for all, the base scenario's (a strategy's own ``objective.risk`` changes its choice,
    not the yardstick)."""
    from .plan import forecast

    return {n: forecast(scenario, built[n].portfolio, seed=seed) for n in names}




def _resolution_notes(portfolios: dict[str, Portfolio], scale: float, advice: str) -> list[str]:
    """A note per strategy whose smallest audience is only a handful of simulated people."""
    notes = []
    for name, p in portfolios.items():
        r = p.roster
        sizes = np.round(r.followers[p.rows] * r.authenticity[p.rows] / scale)
        few = int((sizes < MIN_SIMULATED_FOLLOWERS).sum())
        if few:
            notes.append(f"strategy {name!r}: {few} of {len(p)} influencers have fewer than "
                         f"{MIN_SIMULATED_FOLLOWERS} simulated followers (one simulated person = {scale:,.0f} real "
                         f"people, common to all strategies); {advice}")
    return notes


# --------------------------------------------------------------------------- files

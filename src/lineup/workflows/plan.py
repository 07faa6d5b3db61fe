"""``lineup.solve``: choose a portfolio and forecast what it brings, risk included.

The steps:

1. ``objective=`` (a mapping of ``objective:`` fields, e.g. ``{"risk": {"beta": 0.5}}``) overrides
   the scenario's objective for this solve;
2. with ``objective.risk`` or ``constraints.target_probability``, ``outcomes.planning_scenarios``
   outcome scenarios of every decision are drawn (the outcome model, :mod:`lineup.domain.outcomes`)
   and the optimiser plans on them (sample-average approximation): it maximises
   ``(1 − beta) × mean + beta × CVaR_alpha`` (:class:`lineup.optimize.objective.Risk`) and/or keeps
   ``P(engagements ≥ objective.target) ≥ p`` on them
   (:class:`lineup.optimize.constraints.chance.TargetProbability`), under every other rule;
3. the solve itself (:func:`lineup.workflows.talkers.solve`: the plain optimiser, or the RR rounds
   with ``objective.talkers``);
4. the chosen portfolio's :class:`PortfolioForecast`: ``outcomes.scenarios`` independent outcome
   scenarios (never the ones it was chosen on) give its mean, P10/P50/P90, CVaR and P(target),
   each with a Monte Carlo interval.  With ``objective.risk`` the in-sample mean and CVaR are kept
   beside them, and a note says when the in-sample CVaR is well above the out-of-sample one
   (the plan overfitted its scenarios: raise ``outcomes.planning_scenarios``).

Outcome draws are keyed by (seed, role, roster row): same seed, same numbers, whatever the
number of workers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping, Optional

import numpy as np

from lineup._rng import SeedLike
from lineup.domain.outcomes import (ROLE_FORECAST, ROLE_OPTIMISE, Forecast, Items, cvar, forecast_of,
                                    sample_outcomes)
from lineup.domain.portfolio import Portfolio
from lineup.domain.scenario import Scenario

__all__ = ["solve", "PortfolioForecast", "forecast", "with_objective", "outcome_seed", "needs_sample",
           "draw_outcome_sample", "portfolio_items", "OVERFIT_TOLERANCE"]

#: The in-sample CVaR may exceed the out-of-sample one by this share (when beta > 0) before a note says so.
OVERFIT_TOLERANCE = 0.10


@dataclass(frozen=True, eq=False)
class PortfolioForecast(Forecast):
    """A :class:`~lineup.domain.outcomes.Forecast` of a solved portfolio, with the risk-aware solve's
    numbers on the planning sample (``None`` when the solve planned on none) and a figure.

    Examples
    --------
    >>> f = PortfolioForecast(np.arange(1.0, 101.0), alpha=0.1, in_sample_mean=52.0, in_sample_cvar=9.0,
    ...                       plan_scenarios=50)
    >>> round(f.overfit, 3)                       # in-sample CVaR 9 vs 5.5 out of sample
    0.636
    """

    in_sample_mean: Optional[float] = None
    in_sample_cvar: Optional[float] = None
    plan_scenarios: Optional[int] = None

    @property
    def overfit(self) -> Optional[float]:
        """``in-sample CVaR / out-of-sample CVaR − 1`` (None without a risk-aware solve)."""
        if self.in_sample_cvar is None:
            return None
        out = self.cvar
        return float(self.in_sample_cvar / out - 1) if out > 0 else (0.0 if self.in_sample_cvar <= 0 else np.inf)

    def to_dict(self) -> dict:
        out = super().to_dict()
        if self.in_sample_cvar is not None:
            out["in_sample"] = {"scenarios": self.plan_scenarios, "mean": self.in_sample_mean,
                                "cvar": self.in_sample_cvar}
        return out

    def plot(self, ax=None):
        """A histogram of the outcomes with the mean, P10, P90 and CVaR marked (matplotlib axes)."""
        from lineup.io.figures import forecast_figure

        return forecast_figure(self, ax=ax)


def outcome_seed(scenario: Scenario, seed: SeedLike = None) -> SeedLike:
    """The outcome scenarios' seed: ``seed``, else ``outcomes.seed``, else ``simulation.seed``."""
    if seed is not None:
        return seed
    o = scenario.spec.outcomes
    return o.seed if o.seed is not None else scenario.spec.simulation.seed


def with_objective(scenario: Scenario, objective: Optional[Mapping[str, Any]]) -> Scenario:
    """``scenario`` with its ``objective:`` fields updated from ``objective`` (validated; nested mappings merge).

    >>> from lineup.optimize.formulation import tiny_scenario
    >>> sc = with_objective(tiny_scenario(), {"risk": {"beta": 0.3}})
    >>> sc.spec.objective.risk.beta, sc.spec.objective.coverage
    (0.3, 100.0)
    """
    if not objective:
        return scenario
    if hasattr(objective, "model_dump"):
        objective = objective.model_dump(exclude_unset=True)
    if not isinstance(objective, Mapping):
        from lineup.errors import UsageError

        raise UsageError(f"objective must be a mapping of objective fields (e.g. {{'risk': {{'beta': 0.5}}}}), "
                         f"got {type(objective).__name__}")
    merged = _merge(scenario.spec.objective.model_dump(exclude_unset=True), dict(objective))
    return scenario.with_overrides(objective=merged)


def _merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for k, v in extra.items():
        out[k] = _merge(out[k], v) if isinstance(v, Mapping) and isinstance(out.get(k), Mapping) else v
    return out


def portfolio_items(scenario: Scenario, portfolio: Portfolio) -> Items:
    """The outcome model's view of a portfolio's creators (their packages' fee, posts and engagements)."""
    r, rows = portfolio.roster, portfolio.rows
    return Items.of(scenario.spec.outcomes, r, scenario.tiers, rows, r.expected_engagement[rows], r.posts[rows],
                    r.fee[rows])


def forecast(scenario: Scenario, portfolio: Portfolio, *, seed: SeedLike = None,
             scenarios: Optional[int] = None) -> PortfolioForecast:
    """The outcome forecast of ``portfolio`` (``outcomes.scenarios`` scenarios unless ``scenarios``).

    >>> from lineup.optimize.formulation import tiny_scenario
    >>> sc = tiny_scenario()
    >>> f = forecast(sc, Portfolio(sc.roster, [0, 4]), seed=1)
    >>> f.scenarios, f.p10 < f.p50 < f.p90, round(f.planned)
    (10000, True, 3814)
    """
    from lineup.optimize.memory import check_sample

    o = scenario.spec.outcomes
    check_sample(scenario, scenarios or o.scenarios, len(portfolio), "outcomes.scenarios")
    base = forecast_of(portfolio_items(scenario, portfolio), scenarios=scenarios or o.scenarios,
                       seed=outcome_seed(scenario, seed), alpha=_alpha(scenario),
                       target=scenario.spec.objective.target, role=ROLE_FORECAST)
    return PortfolioForecast(**{f: getattr(base, f) for f in base.__dataclass_fields__})


def _alpha(scenario: Scenario) -> float:
    r = scenario.spec.objective.risk
    return 0.1 if r is None else r.alpha


def needs_sample(scenario: Scenario) -> bool:
    """Whether the optimiser plans on outcome scenarios (``objective.risk`` or ``constraints.target_probability``)."""
    spec = scenario.spec
    return spec.objective.risk is not None or spec.constraints.target_probability is not None


def draw_outcome_sample(scenario: Scenario, seed: SeedLike = None) -> Scenario:
    """``scenario`` with ``outcomes.planning_scenarios`` outcome scenarios of every decision (``outcome_sample``)
    to plan on."""
    from lineup.optimize.memory import check_sample
    from lineup.optimize.model import model_of
    from lineup.optimize.objective import decision_items

    S = scenario.spec.outcomes.planning_scenarios
    check_sample(scenario, S, model_of(scenario).n, "outcomes.planning_scenarios")
    items = decision_items(scenario, model_of(scenario).decisions)
    X = sample_outcomes(items, S, outcome_seed(scenario, seed), ROLE_OPTIMISE)
    return replace(scenario, outcome_sample=X)


def solve(scenario: Scenario, *, objective: Optional[Mapping[str, Any]] = None, backend: str | None = None,
          time_limit: float | None = None, gap: float | None = None, progress=None, seed: SeedLike = None,
          notify=None, check: bool = True, forecast_scenarios: Optional[int] = None):
    """Choose the portfolio that maximises the scenario's objective under its rules, and forecast it.

    Parameters
    ----------
    scenario : Scenario
    objective : mapping, optional
        ``objective:`` fields to change for this solve, e.g. ``{"risk": {"beta": 0.5, "alpha": 0.1}}``
        or ``{"target": 200_000}``.
    backend, time_limit, gap, progress
        As :func:`lineup.optimize.solve`.
    seed : int or SeedSequence, optional
        Randomness of the RR samples, the outcome scenarios and the simulation check; default
        ``outcomes.seed`` for outcomes and ``simulation.seed`` for the rest.
    notify : callable, optional
        Called with a one-line message at each stage.
    check : bool
        Run the word-of-mouth simulation check (``objective.talkers``).
    forecast_scenarios : int, optional
        Outcome scenarios of the forecast (default ``outcomes.scenarios``).

    Returns
    -------
    SolveResult
        With ``forecast`` (a :class:`PortfolioForecast`) when a portfolio was found.

    Examples
    --------
    >>> from lineup.optimize.formulation import tiny_scenario
    >>> res = solve(tiny_scenario(), seed=1)
    >>> res.portfolio.ids, res.forecast.p10 < res.forecast.mean
    (['ann', 'eve'], True)
    >>> safer = solve(tiny_scenario(), objective={"risk": {"beta": 1.0}}, seed=1)
    >>> safer.forecast.in_sample_cvar is not None
    True
    """
    from .talkers import solve as solve_rounds

    scenario = with_objective(scenario, objective)
    say = notify or (lambda _: None)
    risk = scenario.spec.objective.risk
    if needs_sample(scenario) and scenario.outcome_sample is None:
        say(f"drawing {scenario.spec.outcomes.planning_scenarios:,} outcome scenarios to plan on")
        scenario = draw_outcome_sample(scenario, seed)
    result = solve_rounds(scenario, backend=backend, time_limit=time_limit, gap=gap, progress=progress, seed=seed,
                          notify=notify, check=check)
    if result.portfolio is None:
        return result
    say("forecasting the portfolio's outcomes")
    f = forecast(scenario, result.portfolio, seed=seed, scenarios=forecast_scenarios)
    notes = result.notes
    if scenario.outcome_sample is not None:
        from lineup.optimize.model import model_of

        inside = scenario.outcome_sample[:, model_of(scenario).mask_of(result.portfolio)].sum(axis=1)
        f = replace(f, in_sample_mean=float(inside.mean()), in_sample_cvar=float(cvar(inside, f.alpha)),
                    plan_scenarios=int(inside.size))
        if risk is not None and risk.beta > 0 and f.overfit is not None and f.overfit > OVERFIT_TOLERANCE:
            notes = (*notes, overfit_note(f))
        p = scenario.spec.constraints.target_probability
        if p is not None and (miss := target_note(f, p)):
            notes = (*notes, miss)
    return replace(result, forecast=f, notes=notes)


def target_note(f: PortfolioForecast, p: float) -> str:
    """The warning when fresh scenarios reach the target clearly less often than planned (``""`` otherwise)."""
    estimate, _low, high = f.intervals()["p_target"]
    if high >= p:
        return ""
    return (f"planned to reach {f.target:,.0f} engagements in at least {p:.0%} of the {f.plan_scenarios:,} planning "
            f"scenarios, it reaches it in {estimate:.1%} of {f.scenarios:,} independent ones (95 % interval up to "
            f"{high:.1%}): too few planning scenarios to hold the probability; raise outcomes.planning_scenarios "
            f"or ask for a higher constraints.target_probability")


def overfit_note(f: PortfolioForecast) -> str:
    """The warning when the plan's own scenarios flatter its downside."""
    pct = round(100 * f.alpha)
    return (f"on the {f.plan_scenarios:,} scenarios it was planned on, the worst {pct} % averaged "
            f"{f.in_sample_cvar:,.0f} engagements; on {f.scenarios:,} independent scenarios, {f.cvar:,.0f} "
            f"({100 * f.overfit:.0f} % lower): too few planning scenarios to pin the tail down; raise "
            f"outcomes.planning_scenarios")

"""``lineup frontier``: re-solve a scenario over a range of budgets, coverage weights or risk weights.

Each point is the scenario with one field changed (``budget``, ``objective.coverage`` or
``objective.risk.beta``) and solved from scratch by :func:`lineup.optimize.solve` (by
:func:`lineup.solve` when the point needs sampling: talkers, risk, a chance constraint).
A **risk** sweep (the mean–risk frontier) solves ``(1 − beta) × mean + beta × CVaR_alpha`` at each
``beta`` on the same planning scenarios and reports each portfolio's mean, P10 and CVaR on the same
independent outcome scenarios (its forecast), so points differ by the choice, not by noise.
The solver layer offers no warm-start hook (the MILP is written to an MPS file
for CBC or loaded into a fresh HiGHS model per solve), so **points are
independent**: that makes them safe to run in parallel on the executor of
:func:`lineup.execution.make_executor` (a process pool or Dask),
and a point's result never depends on its neighbours or on the worker count.

The *marginal value of budget* between consecutive budget points is
``Δobjective / Δbudget``: objective units (expected engagements, plus the
engagement-equivalent worth of niche coverage) gained per extra unit of
currency.  With ``simulate=True`` each point's portfolio is simulated with the
same seed (common random numbers: every point sees the same populations), so
differences between points are not noise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from lineup.domain.scenario import Scenario
from lineup.errors import UsageError, argument
from lineup.io.estimates import portfolio_estimates
from lineup.execution import RunOptions
from lineup.optimize import SolveResult, solve
from lineup.simulation.result import SimulationResult
from lineup.workflows._spend import UNSPENT_NOTE_SHARE, stopped_by

__all__ = ["Frontier", "frontier", "parse_range"]

SIM_METRICS = ("reach", "talkers", "wom_share", "cost_per_talker")



def _number(text: str, option: str, spec: str) -> float:
    try:
        value = float(text.replace("_", ""))
    except ValueError:
        raise UsageError(f"{option} {spec!r}: {text.strip()!r} is not a number; "
                         f"expected START:STOP:COUNT (e.g. 5000:50000:10) or a list (e.g. 5000,10000,20000)") from None
    if not np.isfinite(value):
        raise UsageError(f"{option} {spec!r}: {text.strip()!r} is not a finite number")
    return value


def _linspace(parts: list[str], option: str, spec: str) -> np.ndarray:
    start, stop = (_number(p, option, spec) for p in parts[:2])
    count = _number(parts[2], option, spec)
    if count != int(count) or count < 1 or (count == 1 and start != stop):
        raise UsageError(f"{option} {spec!r}: COUNT must be a whole number ≥ 2 (1 only when START == STOP), "
                         f"got {parts[2].strip()!r}")
    if stop < start:
        raise UsageError(f"{option} {spec!r}: STOP ({stop:g}) is below START ({start:g})")
    return np.linspace(start, stop, int(count))


#: Most sweep points in one frontier (each point is a full solve, plus a simulation with --simulate).
MAX_POINTS = 1_000


def parse_range(spec: str, *, option: str = "budgets") -> np.ndarray:
    """Values from ``START:STOP:COUNT`` (inclusive linspace) or a comma list, sorted and unique.

    Raises :class:`~lineup.errors.UsageError` naming the argument ``option`` and the bad text.

    Examples
    --------
    >>> parse_range("5000:50000:10").tolist()[:3]
    [5000.0, 10000.0, 15000.0]
    >>> parse_range("20000, 5000,10000").tolist()
    [5000.0, 10000.0, 20000.0]
    >>> parse_range("5000:1000:3")
    Traceback (most recent call last):
    ...
    lineup.errors.UsageError: budgets '5000:1000:3': STOP (1000) is below START (5000)
    """
    option = argument(option)
    text = str(spec).strip()
    parts = text.split(":")
    if len(parts) == 3:
        return _linspace(parts, option, text)
    if len(parts) != 1 or not text:
        raise UsageError(f"{option} {text!r}: expected START:STOP:COUNT (e.g. 5000:50000:10) "
                         f"or a comma-separated list (e.g. 5000,10000,20000)")
    return np.unique([_number(p, option, text) for p in text.split(",") if p.strip()])


def _values(budgets, coverage_weights, risk=None) -> tuple[str, np.ndarray]:
    given = [(kind, raw, name) for kind, raw, name in (("budget", budgets, "budgets"),
                                                        ("coverage", coverage_weights, "coverage_weights"),
                                                        ("risk", risk, "risk")) if raw is not None]
    if len(given) != 1:
        raise UsageError("give budgets, coverage weights or risk weights to sweep (exactly one of them)")
    kind, raw, name = given[0]
    option = argument(name)
    values = parse_range(raw, option=name) if isinstance(raw, str) else np.unique(np.asarray(raw, dtype=float))
    if values.size == 0:
        raise UsageError(f"{option}: no values to sweep")
    if values.size > MAX_POINTS:
        raise UsageError(f"{option}: {values.size:,} points to sweep; at most {MAX_POINTS:,} (each is a full solve)")
    bad = {"budget": values[~(values > 0)], "coverage": values[~(values >= 0)],
           "risk": values[~((values >= 0) & (values <= 1))]}[kind]
    if bad.size:
        need = {"budget": "budgets must be > 0", "coverage": "weights must be ≥ 0",
                "risk": "risk weights (beta) must lie in [0, 1]"}[kind]
        raise UsageError(f"{option}: {need}, got {bad[0]:g}")
    return kind, values


def point_scenario(scenario: Scenario, kind: str, value: float) -> Scenario:
    """The scenario of one sweep point: ``budget=value`` or ``objective.coverage=value``.

    Examples
    --------
    >>> from lineup.optimize.formulation import tiny_scenario
    >>> point_scenario(tiny_scenario(), "budget", 2500).budget
    2500.0
    >>> point_scenario(tiny_scenario(), "coverage", 7).spec.objective.coverage
    7.0
    >>> point_scenario(tiny_scenario(), "risk", 0.5).spec.objective.risk.beta
    0.5
    """
    if kind == "budget":
        return scenario.with_overrides(budget=float(value))
    if kind == "risk":
        risk = scenario.spec.objective.risk
        alpha = 0.1 if risk is None else risk.alpha
        return scenario.with_overrides(objective__risk={"beta": float(value), "alpha": alpha})
    return scenario.with_overrides(objective__coverage=float(value))


def _solve_point(scenario: Scenario, kind: str, options: dict, value: float) -> SolveResult:
    from .plan import needs_sample, solve as solve_for

    point = point_scenario(scenario, kind, value)
    if point.spec.objective.talkers > 0 or needs_sample(point):   # samples drawn per point; no simulation check
        return solve_for(point, check=False, **options)
    return solve(point, **options)


def _column(results: Sequence[SolveResult], field: str) -> np.ndarray:
    return np.array([getattr(r.evaluation, field) if r.evaluation is not None else np.nan for r in results],
                    dtype=float)


def marginal_values(values: np.ndarray, objective: np.ndarray) -> np.ndarray:
    """``Δobjective / Δvalue`` between consecutive points, NaN first (and next to missing points).

    Examples
    --------
    >>> marginal_values(np.array([1000., 2000., 4000.]), np.array([10., 30., np.nan])).tolist()
    [nan, 0.02, nan]
    """
    out = np.full(len(values), np.nan)
    if len(values) > 1:
        out[1:] = np.diff(objective) / np.diff(values)
    return out


def _clean(x: Any) -> Any:
    if isinstance(x, (float, np.floating)):
        return float(x) if np.isfinite(x) else None
    return x


@dataclass(frozen=True, eq=False)
class Frontier:
    """A sweep of solves: one point per budget (``kind="budget"``) or coverage weight.

    Attributes
    ----------
    scenario : Scenario
        The swept scenario (each point overrides one field).
    kind : {"budget", "coverage"}
        What was swept.
    values : numpy.ndarray
        Budgets (currency) or coverage weights (engagements per covered niche), ascending.
    results : tuple of SolveResult
        One solve per point.
    objective, engagement, coverage_value, spend, influencers : numpy.ndarray
        Per point (NaN where no portfolio was found); :attr:`unspent` is the
        budget minus the spend, and :attr:`notes` name the rule that stopped
        spending where more than :data:`UNSPENT_NOTE_SHARE` is left.
    marginal_value : numpy.ndarray
        For budget sweeps, objective gained per extra unit of currency since the
        previous point (NaN at the first point and for coverage sweeps).
    status : tuple of str
        Solve status per point (``optimal``, ``feasible``, ``infeasible``, ``time_limit``).
    simulations : tuple of (SimulationResult or None), optional
        One per point when simulated (``None`` for points without a portfolio).

    Examples
    --------
    >>> from lineup.optimize.formulation import tiny_scenario
    >>> f = frontier(tiny_scenario(), budgets=[500, 1000, 2000])
    >>> f.status, f.spend.tolist()
    (('optimal', 'optimal', 'optimal'), [460.0, 960.0, 2000.0])
    >>> round(float(f.marginal_value[1]), 3), f.to_frame().columns[:4].tolist()
    (6.78, ['budget', 'status', 'spend', 'unspent'])
    >>> f.unspent.tolist()
    [40.0, 40.0, 0.0]
    """

    scenario: Scenario
    kind: str
    values: np.ndarray
    results: tuple[SolveResult, ...]
    objective: np.ndarray
    engagement: np.ndarray
    coverage_value: np.ndarray
    spend: np.ndarray
    influencers: np.ndarray
    marginal_value: np.ndarray
    status: tuple[str, ...]
    simulations: tuple[SimulationResult | None, ...] | None = None

    @property
    def budgets(self) -> np.ndarray:
        """Budget of each point (the scenario's budget at every point of a coverage sweep)."""
        return self.values if self.kind == "budget" else np.full(len(self.values), float(self.scenario.budget))

    @property
    def unspent(self) -> np.ndarray:
        """Budget left unspent at each point (currency; NaN where no portfolio was found)."""
        return self.budgets - self.spend

    def stopped_by(self, k: int) -> str:
        """The rules that stopped spending at point ``k`` (binding rules other than the budget), or ``""``."""
        return stopped_by(self.results[k].binding)

    @property
    def notes(self) -> tuple[str, ...]:
        """A note per point leaving more than :data:`UNSPENT_NOTE_SHARE` of its budget unspent, naming the rule."""
        from lineup.optimize.rules import format_money

        cur, out = self.scenario.currency, []
        for k, budget in enumerate(self.budgets):
            left = self.unspent[k]
            if np.isfinite(left) and budget > 0 and left > UNSPENT_NOTE_SHARE * budget:
                out.append(f"{self.value_name} {self.values[k]:,.6g}: {format_money(left, cur)} of "
                           f"{format_money(budget, cur)} unspent ({left / budget:.0%}); stopped by "
                           f"{self.stopped_by(k) or 'no rule'}")
        return tuple(out)

    @property
    def value_name(self) -> str:
        """Column name of the swept value: ``budget``, ``coverage_weight`` or ``beta``."""
        return {"budget": "budget", "coverage": "coverage_weight", "risk": "beta"}[self.kind]

    def outcomes(self, statistic: str) -> np.ndarray:
        """Each point's forecast ``statistic`` (``mean``, ``p10``, ``cvar``, ``in_sample_cvar``), out of sample
        on the same outcome scenarios (NaN without a forecast)."""
        return np.array([np.nan if r.forecast is None or getattr(r.forecast, statistic) is None
                         else float(getattr(r.forecast, statistic)) for r in self.results])

    def _outcome_columns(self) -> dict[str, np.ndarray]:
        if self.kind != "risk":
            return {}
        return {f"outcome_{s}": self.outcomes(s) for s in ("mean", "p10", "cvar")} | {
            "in_sample_cvar": self.outcomes("in_sample_cvar")}

    def _sim_columns(self) -> dict[str, list]:
        cols: dict[str, list] = {}
        for name in SIM_METRICS:
            for part in ("mean", "ci_low", "ci_high"):
                key = name if part == "mean" else f"{name}_{part}"
                cols[key] = [getattr(s.totals[name], part) if s is not None and name in s.totals else np.nan
                             for s in self.simulations]
        return cols

    def to_frame(self):
        """One row per point: value, status, spend, influencers, engagement, coverage_value,
        objective, bound, gap, marginal_value (+ simulated totals with CIs when simulated)."""
        import pandas as pd

        frame = pd.DataFrame({
            self.value_name: self.values, "status": list(self.status), "spend": self.spend, "unspent": self.unspent,
            "influencers": pd.array(np.where(np.isnan(self.influencers), None, self.influencers), dtype="Int64"),
            "engagement": self.engagement, "coverage_value": self.coverage_value, "objective": self.objective,
            "bound": [np.nan if r.bound is None else r.bound for r in self.results],
            "gap": [np.nan if r.gap is None else r.gap for r in self.results],
            "marginal_value": self.marginal_value, **self._outcome_columns(),
        })
        if self.simulations is not None:
            frame = frame.assign(**self._sim_columns())
        return frame

    def _point_dict(self, k: int) -> dict:
        r = self.results[k]
        row = {self.value_name: float(self.values[k]), "status": self.status[k],
               "spend": _clean(self.spend[k]), "unspent": _clean(self.unspent[k]),
               "stopped_by": self.stopped_by(k) if r.portfolio is not None else "", "influencers": None if np.isnan(self.influencers[k])
               else int(self.influencers[k]), "engagement": _clean(self.engagement[k]),
               "coverage_value": _clean(self.coverage_value[k]), "objective": _clean(self.objective[k]),
               "bound": _clean(r.bound), "gap": _clean(r.gap), "marginal_value": _clean(self.marginal_value[k]),
               "ids": r.portfolio.ids if r.portfolio is not None else [], "diagnosis": list(r.diagnosis),
               **(portfolio_estimates(r.portfolio) if r.portfolio is not None else {"estimated": None, "implausible": []})}
        if self.simulations is not None:
            s = self.simulations[k]
            row["simulation"] = None if s is None else s.to_dict()["totals"]
        if self.kind == "risk":
            row["forecast"] = None if r.forecast is None else r.forecast.to_dict()
        return row

    def to_dict(self) -> dict:
        """JSON-ready and deterministic (no timings): the sweep and one entry per point."""
        sims = self.simulations
        first = next((s for s in sims if s is not None), None) if sims is not None else None
        return {
            "scenario": self.scenario.name, "kind": self.kind, "currency": self.scenario.currency,
            "budget": float(self.scenario.budget), "simulated": sims is not None,
            "replications": first.replications if first is not None else None,
            "seed": first.seed if first is not None else None,
            "units": {"marginal_value": f"objective per extra 1 {self.scenario.currency} of budget",
                      "objective": "expected engagements + coverage worth (engagement-equivalents)"},
            "points": [self._point_dict(k) for k in range(len(self.values))],
            "unspent_note_share": UNSPENT_NOTE_SHARE, "notes": list(self.notes),
            "assumptions": self.assumptions(),
            "warnings": list(self.scenario.warnings),
        }

    def _facts(self) -> dict[str, Any]:
        return {"scenario": self.scenario.name, "kind": self.kind, "points": len(self.values),
                "values": f"{self.values.min():g}–{self.values.max():g}" if len(self.values) else "",
                "simulated": self.simulations is not None}

    def __repr__(self) -> str:
        """Short: the scenario's name, what was swept, how many points and their range.

        >>> from lineup.optimize.formulation import tiny_scenario
        >>> frontier(tiny_scenario(), budgets=[500, 1000])
        Frontier(scenario='tiny', kind='budget', points=2, values='500–1000', simulated=False)
        """
        from lineup._repr import short_repr

        return short_repr("Frontier", self._facts())

    def _repr_html_(self) -> str:
        """The facts and one row per point (escaped), for notebooks."""
        from lineup._repr import html_card

        return html_card("Frontier", self._facts(), self.to_frame().to_html(index=False, escape=True,
                                                                            float_format="{:,.6g}".format))

    def assumptions(self) -> dict[str, dict]:
        """Every default the sweep depends on (the simulation's too, when simulated)."""
        from lineup.domain.assumptions import assumptions

        done = next((s for s in self.simulations or () if s is not None), None)
        return dict(done.assumptions) if done is not None and done.assumptions else assumptions(self.scenario.spec, self.scenario.fitted)

    def plot(self):
        """The frontier figure (:func:`lineup.io.figures.frontier_figure`); returns the Figure."""
        from lineup.io.figures import frontier_figure

        return frontier_figure(self)


def _simulate_points(scenario: Scenario, results, executor, run: RunOptions):
    """Simulate every point's portfolio on the same populations and one audience scale."""
    from .simulate import simulate_portfolios

    portfolios = {k: r.portfolio for k, r in enumerate(results) if r.portfolio is not None}
    sims = simulate_portfolios(scenario, portfolios, run=run, executor=executor)
    return tuple(sims.get(k) for k in range(len(results)))


def frontier(
    scenario: Scenario,
    *,
    budgets: str | Sequence[float] | None = None,
    coverage_weights: str | Sequence[float] | None = None,
    risk: str | Sequence[float] | None = None,
    simulate: bool = False,
    run: RunOptions | None = None,
    backend: str | None = None,
    time_limit: float | None = None,
    executor=None,
    **options,
) -> Frontier:
    """Solve ``scenario`` at every budget (or coverage weight) and collect the frontier.

    Parameters
    ----------
    scenario : Scenario
        The base scenario; every other field stays as it is.
    budgets, coverage_weights, risk : str or sequence of float
        Exactly one: values to sweep, as a list or a :func:`parse_range` string
        (``"5000:50000:10"``, ``"5000,10000"``).  Sorted ascending, duplicates dropped.  ``risk``
        sweeps ``objective.risk.beta`` in [0, 1] (alpha: the scenario's, else 0.1).
    simulate : bool
        Also simulate each point's portfolio (same ``seed`` for every point).
    run : RunOptions, optional
        Replications and seed (overriding ``simulation.replications`` /
        ``simulation.seed``), where solves and replications run (one executor
        for both; results do not depend on it) and ``progress(done, total)`` over
        solves then replications.  Its fields may also be given as keywords.
    backend, time_limit
        Passed to :func:`lineup.optimize.solve`.
    executor : optional
        An executor already opened (:meth:`RunOptions.executor`), e.g. shared with a comparison (the
        report); default: one opened from ``run``.

    Returns
    -------
    Frontier
        Infeasible points are reported with status ``infeasible``, not raised.
    """
    run = RunOptions.of(run, **options)
    kind, values = _values(budgets, coverage_weights, risk)
    reps = run.replications_or(scenario.spec.simulation.replications)
    total = len(values) + (reps if simulate else 0)
    progress = run.progress
    report = None if progress is None else (lambda done, _t: progress(min(done, total), total))
    solving = {"backend": backend, "time_limit": time_limit}
    with run.executor(given=executor) as ex:
        results = tuple(ex.map_ordered(partial(_solve_point, scenario, kind, solving), values.tolist(), report))
        sims = None
        if simulate:
            tick = None if report is None else (lambda done, _t: report(len(values) + done, total))
            sims = _simulate_points(scenario, results, ex, run.with_(replications=reps, progress=tick))
    return _collect(scenario, kind, values, results, sims)


def _collect(scenario, kind, values, results, sims) -> Frontier:
    objective = _column(results, "objective")
    marginal = marginal_values(values, objective) if kind == "budget" else np.full(len(values), np.nan)
    return Frontier(
        scenario=scenario, kind=kind, values=values, results=results, objective=objective,
        engagement=_column(results, "engagement"), coverage_value=_column(results, "coverage_value"),
        spend=_column(results, "spend"),
        influencers=np.array([np.nan if r.portfolio is None else len(r.portfolio.rows) for r in results]),
        marginal_value=marginal, status=tuple(r.status.value for r in results), simulations=sims,
    )

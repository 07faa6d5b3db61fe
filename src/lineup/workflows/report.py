"""``lineup report``'s numbers: the strategies compared, the scenario's optimum and the budget frontier.

:func:`report_inputs` computes them (on the executor of its :class:`~lineup.execution.RunOptions`:
local processes or Dask); :func:`lineup.render.report.build_report` renders them as the HTML page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lineup.domain.scenario import Scenario
from lineup.execution import RunOptions
from lineup.optimize.result import SolveResult
from lineup.workflows.compare import Comparison, compare

__all__ = ["ReportInputs", "report_inputs", "FRONTIER_FACTORS", "FRONTIER_MAX_CANDIDATES"]

#: Budgets of the frontier, as multiples of the scenario's budget.
FRONTIER_FACTORS: tuple[float, ...] = (0.5, 0.75, 1.0, 1.25, 1.5)

#: Skip the frontier for rosters larger than this (each point is a full solve).  A size
#: rule, not a measured time, so that the same inputs always give the same page.
FRONTIER_MAX_CANDIDATES = 20_000


@dataclass(frozen=True, eq=False)
class ReportInputs:
    """What the report shows: the comparison, the scenario's own optimum and the budget frontier (or why not)."""

    scenario: Scenario
    comparison: Comparison
    solve: SolveResult
    frontier: Any = None
    frontier_note: str = ""


def report_inputs(scenario: Scenario, *, run: RunOptions | None = None, frontier_points: int = 5,
                  **options) -> ReportInputs:
    """Compare the scenario's strategies, find its optimum and sweep the budget around it.

    ``run`` (or its fields as keywords) says how many replications, with which seed and
    where; the frontier's solves run on the same kind of executor.  ``frontier_points``
    budgets from 0.5 to 1.5 × the budget (0 or 1: no frontier).

    >>> from lineup.optimize.formulation import tiny_scenario
    >>> sc = tiny_scenario().with_overrides(simulation={"days": 5, "population": {"size": 500}})
    >>> inputs = report_inputs(sc, replications=2, seed=3, frontier_points=3)
    >>> inputs.comparison.replications, inputs.frontier.values.tolist(), inputs.solve.status.value
    (2, [500.0, 1000.0, 1500.0], 'optimal')
    """
    run = RunOptions.of(run, **options)
    with run.executor() as ex:   # one pool or cluster for the simulations and the frontier's solves
        comparison = compare(scenario, run=run, executor=ex)
        front, note = _frontier(scenario, frontier_points, run, ex)
    return ReportInputs(scenario, comparison, _main_solve(scenario, comparison), front, note)


def _main_solve(scenario: Scenario, comparison: Comparison) -> SolveResult:
    """The scenario's own optimum: reused from a rule-free strategy, else solved."""
    for built in comparison.built.values():
        spec = built.spec
        if built.solve is not None and all(getattr(spec, k) is None for k in
                                           ("ids", "tiers", "platforms", "influencers", "budget", "objective")):
            return built.solve
    from .plan import solve

    return solve(scenario, check=False)


def _frontier(scenario: Scenario, points: int, run: RunOptions, executor) -> tuple[Any, str]:
    """The budget frontier around the scenario's budget, or ``None`` and why it was skipped."""
    if points < 2:
        return None, ""
    if scenario.roster.n > FRONTIER_MAX_CANDIDATES:
        return None, (f"Budget frontier skipped: {scenario.roster.n:,} candidates (more than "
                      f"{FRONTIER_MAX_CANDIDATES:,}); run `lineup frontier` for it.")
    from lineup.errors import LineupError
    from lineup.workflows.frontier import frontier

    factors = np.linspace(FRONTIER_FACTORS[0], FRONTIER_FACTORS[-1], points)
    try:
        return frontier(scenario, budgets=scenario.budget * factors, run=run.with_(progress=None),
                        executor=executor), ""
    except LineupError as exc:
        return None, f"Budget frontier skipped: {exc.message}"

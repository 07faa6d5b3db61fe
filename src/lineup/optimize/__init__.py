"""The portfolio optimiser: the best set of influencers under a scenario's budget and rules.

:func:`solve` runs, in order: the candidate filters (:mod:`.rules`), cheap pre-checks
that explain obvious infeasibility in currency (:mod:`.precheck`), then either the
MILP (:mod:`.formulation` solved by a backend from :mod:`.backends`, CBC by default)
or, for very large rosters or ``backend="greedy"``, the slot-aware greedy
(:mod:`.greedy`) with the LP relaxation as its bound.  An infeasible MILP is explained
by an elastic relaxation (:mod:`.elastic`).  Solvers are imported only when used.
"""

from __future__ import annotations

import math
import numbers
import time

import numpy as np

from ..domain.portfolio import Portfolio
from ..domain.scenario import Scenario
from .result import SolveResult, SolveStatus, relative_gap

__all__ = ["solve", "SolveResult", "SolveStatus"]

_MILP_STATUS = {"optimal": SolveStatus.OPTIMAL, "time_limit": SolveStatus.TIME_LIMIT}


def _check_arguments(time_limit: float | None, gap: float | None) -> None:
    """The API's ``time_limit`` (> 0 s) and ``gap`` (0–1), as the CLI checks ``--time-limit`` and ``--gap``.

    >>> _check_arguments(-1, None)
    Traceback (most recent call last):
    ...
    lineup.errors.UsageError: time_limit must be a finite number of seconds > 0, got -1
    """
    from ..errors import UsageError

    def finite(x) -> bool:
        return isinstance(x, numbers.Real) and not isinstance(x, bool) and math.isfinite(float(x))

    if time_limit is not None and not (finite(time_limit) and time_limit > 0):
        raise UsageError(f"time_limit must be a finite number of seconds > 0, got {time_limit!r}")
    if gap is not None and not (finite(gap) and 0 <= gap <= 1):
        raise UsageError(f"gap must be a relative gap between 0 and 1, got {gap!r}")


def solve(scenario: Scenario, *, backend: str | None = None, time_limit: float | None = None,
          gap: float | None = None) -> SolveResult:
    """Choose the portfolio that maximises the scenario's objective under its rules.

    Parameters
    ----------
    scenario : Scenario
        The campaign, its rules and its roster.
    backend : {"cbc", "highs", "greedy"}, optional
        Solver; default ``scenario.spec.solver.backend``.
    time_limit : float, optional
        Wall-clock seconds for the solver; default ``scenario.spec.solver.time_limit``.
    gap : float, optional
        Relative optimality gap; default ``scenario.spec.solver.gap``.

    Returns
    -------
    SolveResult
        Never raises for infeasibility: check ``result.status`` (or call
        ``result.raise_for_status()``).

    Examples
    --------
    >>> from lineup.optimize.formulation import tiny_scenario
    >>> res = solve(tiny_scenario(), backend="highs")
    >>> res.status.value, res.portfolio.ids, round(res.objective, 1)
    ('optimal', ['ann', 'eve'], 4014.0)
    >>> bad = solve(tiny_scenario(influencers={"min": 4}))
    >>> bad.status.value, bad.portfolio is None, len(bad.diagnosis) > 0
    ('infeasible', True, True)
    """
    from . import precheck, rules
    from .backends import check_backend

    _check_arguments(time_limit, gap)
    opts = scenario.spec.solver
    backend = backend or opts.backend
    time_limit = opts.time_limit if time_limit is None else time_limit
    gap = opts.gap if gap is None else gap
    if backend != "greedy":
        check_backend(backend)
    t0 = time.perf_counter()
    cand = rules.candidates(scenario)
    messages = precheck.precheck(scenario, cand)
    base = dict(scenario=scenario, cand=cand, backend=backend)
    if messages:
        return _result(**base, status=SolveStatus.INFEASIBLE, diagnosis=messages,
                       method="precheck", build_seconds=time.perf_counter() - t0)
    if backend == "greedy" or int(np.count_nonzero(cand.mask)) > opts.greedy_above:
        found = _solve_greedy(scenario, cand, t0)
        if found is not None:
            return found
        backend = "cbc" if backend == "greedy" else backend
        base["backend"] = backend
    return _solve_milp(base, backend, time_limit, gap, t0)


def _solve_milp(base: dict, backend: str, time_limit, gap, t0: float) -> SolveResult:
    from . import elastic
    from .backends import solve_model
    from .formulation import build

    scenario, cand = base["scenario"], base["cand"]
    model = build(scenario, cand)
    built = time.perf_counter() - t0
    sol = solve_model(model, backend, time_limit=time_limit, gap=gap)
    if sol.status == "infeasible":
        lines = elastic.diagnose(scenario, model, backend, time_limit=max(time_limit or 30.0, 5.0))
        return _result(**base, status=SolveStatus.INFEASIBLE, diagnosis=lines, method="milp",
                       build_seconds=built, solve_seconds=time.perf_counter() - t0 - built)
    mask = None if sol.values is None else _mask(scenario, model, sol.values)
    return _result(**base, status=_MILP_STATUS[sol.status], mask=mask, objective=sol.objective,
                   bound=sol.bound, method="milp", build_seconds=built, solve_seconds=sol.seconds)


def _mask(scenario: Scenario, model, values: np.ndarray) -> np.ndarray:
    mask = np.zeros(scenario.roster.n, dtype=bool)
    mask[model.rows[values[: model.n_x] > 0.5]] = True
    return mask


def _solve_greedy(scenario: Scenario, cand, t0: float) -> SolveResult | None:
    """Greedy portfolio with the LP relaxation's bound; ``None`` when the greedy finds nothing."""
    from . import greedy, rules
    from .backends import solve_model
    from .formulation import build

    mask = greedy.greedy(scenario, cand)
    if mask is None:
        return None
    built = time.perf_counter() - t0
    objective = rules.evaluate(scenario, mask).objective
    lp = solve_model(build(scenario, cand), _lp_backend(), relax=True)
    bound = max(objective, lp.objective) if lp.objective is not None else None
    return _result(scenario=scenario, cand=cand, backend="greedy", status=SolveStatus.FEASIBLE, mask=mask,
                   objective=objective, bound=bound, method="greedy", build_seconds=built,
                   solve_seconds=time.perf_counter() - t0 - built)


def _lp_backend() -> str:
    from ..errors import SolverUnavailableError
    from .backends import check_backend

    try:
        return check_backend("highs")
    except SolverUnavailableError:
        return "cbc"


def _result(*, scenario: Scenario, cand, backend: str, status: SolveStatus, method: str, mask=None,
            objective=None, bound=None, diagnosis=(), build_seconds=0.0, solve_seconds=0.0) -> SolveResult:
    from . import rules

    has = mask is not None
    evaluation = rules.evaluate(scenario, mask) if has else None
    if evaluation is not None:
        # report the exact value of the returned portfolio, not the solver's (which carries
        # its feasibility tolerances); the bound can never be below an achieved value
        objective = evaluation.objective
        bound = None if bound is None else max(bound, objective)
    return SolveResult(
        scenario=scenario, status=status,
        portfolio=Portfolio.from_mask(scenario.roster, mask) if has else None,
        evaluation=evaluation,
        objective=objective, bound=bound, gap=relative_gap(objective, bound),
        binding=tuple(rules.binding(scenario, mask)) if has else (),
        diagnosis=tuple(diagnosis), removed=dict(cand.removed), backend=backend, method=method,
        build_seconds=build_seconds, solve_seconds=solve_seconds,
    )

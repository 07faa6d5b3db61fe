"""The portfolio optimiser: the best set of influencers under a scenario's budget and rules.

:func:`solve` runs, in order: the candidate filters (:mod:`.rules`), cheap pre-checks
that explain obvious infeasibility in currency (:mod:`.precheck`), then either the
MILP (:mod:`.formulation` solved by a backend from :mod:`.backends`, CBC by default)
or, for very large rosters or ``backend="greedy"``, the slot-aware greedy
(:mod:`.greedy`) with the LP relaxation as its bound (or, when that LP fails or would
not fit in memory, the weaker :func:`~.greedy.knapsack_bound`, said in the result's
``notes``).  Before a model is built its memory is estimated (:mod:`.memory`); one
that would not fit raises :class:`~lineup.errors.ModelTooLargeError`.  When the
greedy finds nothing the full MILP is solved, and a note says so.  An "infeasible"
from the MILP solver is checked by the elastic relaxation (:mod:`.elastic`): it
either finds a portfolio (a numerical problem, reported as ``feasible`` with a note)
or names the conflicting rules.  Solvers are imported only when used.

A MILP solve stops at the scenario's ``solver.time_limit`` (60 s by default) with status
``time_limit``, or on Ctrl-C with status ``interrupted``; either way it returns the best
portfolio known — the solver's incumbent or, when the greedy's portfolio is better (or
the solver had none), the greedy's, said in ``notes`` — with the solver's bound.
``progress`` (a callable taking a :class:`SolveProgress`) follows a running MILP;
nothing is printed.
"""

from __future__ import annotations

import math
import numbers
import time
from dataclasses import replace
from typing import Callable

import numpy as np

from ..domain.scenario import Scenario
from ..errors import ScenarioError
from .result import SolveProgress, SolveResult, SolveStatus, relative_gap

__all__ = ["solve", "SolveResult", "SolveStatus", "SolveProgress"]

_MILP_STATUS = {"optimal": SolveStatus.OPTIMAL, "time_limit": SolveStatus.TIME_LIMIT,
                "interrupted": SolveStatus.INTERRUPTED}


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
          gap: float | None = None, progress: Callable[[SolveProgress], None] | None = None) -> SolveResult:
    """Choose the portfolio that maximises the scenario's objective under its rules.

    Parameters
    ----------
    scenario : Scenario
        The campaign, its rules and its roster.
    backend : {"cbc", "highs", "greedy"}, optional
        Solver; default ``scenario.spec.solver.backend``.
    time_limit : float, optional
        Wall-clock seconds for the solver; default ``scenario.spec.solver.time_limit``
        (60 s unless the scenario says otherwise; ``null`` there means no limit).
    gap : float, optional
        Relative optimality gap; default ``scenario.spec.solver.gap``.
    progress : callable, optional
        Called with a :class:`SolveProgress` (incumbent, bound, seconds) about every
        0.25 s while the MILP solver runs; nothing is printed without it.

    Returns
    -------
    SolveResult
        Never raises for infeasibility: check ``result.status`` (or call
        ``result.raise_for_status()``).  Ctrl-C during the MILP gives status
        ``interrupted`` with the best portfolio known.

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
    if scenario.spec.objective.talkers > 0 and scenario.talkers is None:
        raise ScenarioError("objective.talkers: the optimiser needs a sample of who would make whom talk (RR sets); "
                            "lineup solve and lineup.solve draw it from the scenario's simulation settings "
                            "(lineup.optimize.solve alone does not)")
    spec = scenario.spec
    for key, on in (("objective.risk", spec.objective.risk is not None),
                    ("constraints.target_probability", spec.constraints.target_probability is not None)):
        if on and scenario.outcome_sample is None:
            raise ScenarioError(f"{key}: the optimiser needs outcome scenarios to plan on; lineup solve and "
                                "lineup.solve draw them from the scenario's outcomes settings (lineup.optimize.solve "
                                "alone does not)")
    opts = scenario.spec.solver
    backend = backend or opts.backend
    time_limit = opts.time_limit if time_limit is None else time_limit
    gap = opts.gap if gap is None else gap
    if backend != "greedy":
        check_backend(backend)
    t0 = time.perf_counter()
    cand = rules.candidates(scenario)
    messages = precheck.emptied(scenario, cand) or precheck.precheck(scenario, cand)
    base = dict(scenario=scenario, cand=cand, backend=backend, time_limit=time_limit, gap_tolerance=gap)
    if messages:
        return _result(**base, status=SolveStatus.INFEASIBLE, diagnosis=messages,
                       method="precheck", build_seconds=time.perf_counter() - t0)
    if backend == "greedy" or int(np.count_nonzero(cand.mask)) > opts.greedy_above:
        found = _solve_greedy(base, t0)
        if found is not None:
            return found
        base["backend"] = backend = "cbc" if backend == "greedy" else backend
        return _solve_milp(base, backend, time_limit, gap, t0, progress, greedy_failed=True)
    return _solve_milp(base, backend, time_limit, gap, t0, progress)


def _solve_milp(base: dict, backend: str, time_limit, gap, t0: float, progress=None,
                greedy_failed: bool = False) -> SolveResult:
    from .formulation import build
    from .memory import check_memory

    scenario, cand = base["scenario"], base["cand"]
    check_memory(scenario, cand, backend, greedy_failed=greedy_failed)
    notes = [f"the greedy found no portfolio satisfying every rule; solved the full MILP with {backend} instead"
             ] if greedy_failed else []
    model = build(scenario, cand)
    built = time.perf_counter() - t0
    sol = _solve_with_start(model, backend, time_limit, gap, progress)
    notes = [*notes, *sol.notes]
    if sol.status == "infeasible":
        return _check_infeasible(base, model, backend, time_limit, built, t0, notes)
    mask = None if sol.values is None else _mask(scenario, model, sol.values)
    bound = sol.bound
    if sol.status != "optimal":
        mask, bound, notes = _stopped_early(scenario, cand, backend, sol.status, mask, bound, notes, greedy_failed)
    return _result(**base, status=_MILP_STATUS[sol.status], mask=mask, objective=sol.objective,
                   bound=bound, method="milp", build_seconds=built, solve_seconds=sol.seconds, notes=notes)


def _solve_with_start(model, backend: str, time_limit, gap, progress):
    """:func:`~.backends.solve_model`, with a head start on large models (:mod:`.warmstart`).

    A model of :data:`~.warmstart.WARM_START_ABOVE` x columns or more first gets
    :func:`~.warmstart.relax_and_fix` (HiGHS in memory: the LP relaxation, then a small
    MILP on the columns it points to); when its portfolio is within ``gap`` of the LP's
    bound the solve ends there, with that bound (proven for the full model).  Otherwise
    the solver gets a short probe (:func:`~.warmstart.probe_seconds`); when that does not
    close the gap, :func:`~.warmstart.prepare` finds an LP-guided portfolio and fixes
    columns by reduced cost (exactly), and the solver goes on from the best portfolio known
    (relax-and-fix's included) on the smaller model for the rest of the time limit.  The LP's
    bound caps the bound reported.  The solution's ``seconds`` cover all of it.  A large model
    with the risk term's scenario rows goes to :func:`_solve_by_tail_cuts` instead.
    """
    from . import tailcuts
    from .backends import Solution, solve_model
    from .warmstart import MIN_TIME_LIMIT, WARM_START_NONZEROS, applies, probe_seconds, relax_and_fix, tighten

    if tailcuts.applies(model) and applies(model):     # the risk term's dense scenario rows: CVaR by tail cuts
        return _solve_by_tail_cuts(model, backend, time_limit, gap, progress)   # (any time limit: it keeps it)
    if not applies(model, time_limit):
        return solve_model(model, backend, time_limit=time_limit, gap=gap, progress=progress)
    t0 = time.perf_counter()
    try:
        head = relax_and_fix(model, time_limit)
    except KeyboardInterrupt:  # Ctrl-C before any portfolio is known: stop, as the solver would
        return Solution("interrupted", None, None, None, time.perf_counter() - t0, backend)
    if head is not None and head.gap > gap and model.A.nnz >= WARM_START_NONZEROS:   # dense rows (risk): tighten
        left = None if time_limit is None else time_limit - (time.perf_counter() - t0)
        try:
            tight = None if left is not None and left < MIN_TIME_LIMIT else tighten(model, head, left)
        except KeyboardInterrupt:
            tight = None
        if tight is not None:
            head = tight
    if head is not None and head.gap <= gap:
        return Solution("optimal", head.values, head.objective, head.bound, time.perf_counter() - t0, backend,
                        notes=(_relax_and_fix_note(head, backend),))
    probe = probe_seconds(time_limit)  # no MIP start: CBC stopped by a short limit mid-start can crash
    first = _capped(solve_model(model, backend, time_limit=probe, gap=gap, progress=progress), head)
    if first.status != "time_limit" or (time_limit is not None and time_limit <= probe):
        return first
    left = None if time_limit is None else max(1.0, time_limit - (time.perf_counter() - t0))
    lp = None if head is None else head.lp
    sol = _capped(_solve_from_start(model, backend, left, gap, progress, first, lp=lp), head)
    return replace(sol, seconds=time.perf_counter() - t0)


def _solve_by_tail_cuts(model, backend: str, time_limit, gap, progress):
    """:func:`~.tailcuts.solve` (HiGHS): the mean–CVaR model by tail cuts and a small branch and bound,
    proven to ``gap``; the same problem as the dense formulation, whose node LPs are too slow at this size."""
    from . import tailcuts
    from .backends import Solution
    from .result import SolveProgress

    t0 = time.perf_counter()

    def report(incumbent, bound):
        if progress is not None:
            progress(SolveProgress("highs", time.perf_counter() - t0, incumbent, bound))

    out = tailcuts.solve(model, time_limit, gap, report=report)
    note = (f"solved by tail cuts (HiGHS, in memory): CVaR's {out.cuts:,} tail cuts in place of the "
            f"{tailcuts.scenarios(model):,} scenario rows, branch and bound over {out.nodes:,} nodes")
    if backend != "highs":
        note += f"; {backend} was not needed"
    return Solution(out.status, out.values, out.objective, out.bound, out.seconds, backend, notes=(note,))


def _relax_and_fix_note(head, backend: str) -> str:
    return (f"solved by LP relax-and-fix (HiGHS, in memory): a MILP on {head.columns:,} of the columns that the "
            f"LP relaxation points to found this portfolio, within {100 * head.gap:.3g} % of the bound of "
            f"{head.bound_of} (proven for the full model); {backend} was not needed")


def _capped(sol, head):
    """``sol`` with its bound capped by the LP bound of ``head`` and, if better, ``head``'s portfolio."""
    if head is None or sol.status == "infeasible":
        return sol
    if sol.values is None or sol.objective is None or sol.objective < head.objective - 1e-9 * abs(head.objective):
        sol = replace(sol, values=head.values, objective=head.objective)
    bound = head.bound if sol.bound is None else min(sol.bound, head.bound)
    return replace(sol, bound=bound)


def _solve_from_start(model, backend: str, time_limit, gap, progress, first, lp=None):
    """The rest of a solve whose probe ``first`` stopped at its time limit (see :func:`_solve_with_start`);
    ``lp`` is the LP relaxation already solved, if any."""
    from .backends import solve_model
    from .warmstart import prepare

    had = None if first.values is None or first.objective is None else (first.values, first.objective)
    t0 = time.perf_counter()
    try:
        head = prepare(model, time_limit, incumbent=had, lp=lp)
    except KeyboardInterrupt:  # Ctrl-C while the head start is prepared: the probe's portfolio
        return replace(first, status="interrupted")
    if head is None:
        return solve_model(model, backend, time_limit=time_limit, gap=gap, progress=progress,
                           start=None if had is None else had[0])
    left = None if time_limit is None else time_limit - (time.perf_counter() - t0)
    if left is not None and left < 1.0:  # the head start used the time: its portfolio, the LP's bound
        bound = head.lp_bound if first.bound is None else min(first.bound, head.lp_bound)
        return replace(first, status="time_limit", values=head.values, objective=head.objective, bound=bound)
    sol = solve_model(head.model, backend, time_limit=left, gap=gap, progress=progress, start=head.values)
    if sol.values is None or sol.objective is None or sol.objective < head.objective - 1e-9 * abs(head.objective):
        # the solver stopped before taking the start: the start is a portfolio of the full model
        sol = replace(sol, values=head.values, objective=head.objective)
    bound = head.lp_bound if sol.bound is None else min(sol.bound, head.lp_bound)
    return replace(sol, bound=bound)


def _stopped_early(scenario: Scenario, cand, backend: str, status: str, mask, bound, notes: list,
                   greedy_failed: bool) -> tuple:
    """(mask, bound, notes) of a MILP stopped by its time limit or Ctrl-C: the better of the solver's
    incumbent and the greedy's portfolio; the fractional-knapsack bound when the solver proved none."""
    from .greedy import knapsack_bound

    if not greedy_failed:
        mask, notes = _better_of_greedy(scenario, cand, mask, status, notes)
    if bound is None:
        bound = knapsack_bound(scenario, cand)
        notes = [*notes, f"{backend} stopped before proving a bound; the bound shown is the fractional-knapsack bound"]
    return mask, bound, notes


def _better_of_greedy(scenario: Scenario, cand, mask, status: str, notes: list) -> tuple:
    """The solver stopped early (time limit or Ctrl-C): keep its incumbent, or the greedy's portfolio
    when that is better or the solver had none (the greedy is fast and needs no solver), saying which."""
    from . import greedy, rules

    why = "was interrupted" if status == "interrupted" else "stopped at its time limit"
    try:
        found = greedy.greedy(scenario, cand)
    except KeyboardInterrupt:  # a second Ctrl-C: keep what the solver had
        return mask, notes
    if found is None or rules.violations(scenario, found):
        return mask, notes
    if mask is not None and rules.evaluate(scenario, found).objective <= rules.evaluate(scenario, mask).objective:
        return mask, notes
    had = "had no portfolio yet" if mask is None else "had a worse portfolio"
    return found, [*notes, f"the solver {why} and {had}; the portfolio shown is the greedy heuristic's"]


def _check_infeasible(base: dict, model, backend: str, time_limit, built: float, t0: float,
                      notes: list) -> SolveResult:
    """The solver said infeasible: confirm it with the elastic relaxation and explain it, or return
    the feasible portfolio the relaxation found (the solver's answer was a numerical accident)."""
    from . import elastic, rules

    scenario = base["scenario"]
    limit = max(time_limit or 30.0, 5.0)
    groups, values = elastic.relax(model, backend, time_limit=limit)
    timing = dict(method="milp", build_seconds=built, solve_seconds=time.perf_counter() - t0 - built)
    if groups == {} and values is not None:
        mask = _mask(scenario, model, values)
        if not rules.violations(scenario, mask):
            note = (f"{backend} reported no feasible portfolio, but the feasibility check found one that satisfies "
                    f"every rule (a numerical problem in the solver); it is not proven optimal")
            return _result(**base, status=SolveStatus.FEASIBLE, mask=mask, notes=[*notes, note], **timing)
    lines = elastic.diagnose(scenario, model, backend, time_limit=limit, groups=groups or None)
    return _result(**base, status=SolveStatus.INFEASIBLE, diagnosis=lines, notes=notes, **timing)


def _mask(scenario: Scenario, model, values: np.ndarray) -> np.ndarray:
    """The decisions whose x column is 1 in the solver's ``values``."""
    from .model import model_of

    mask = np.zeros(model_of(scenario).n, dtype=bool)
    mask[model.decisions[values[: model.n_x] > 0.5]] = True
    return mask


def _solve_greedy(base: dict, t0: float) -> SolveResult | None:
    """Greedy portfolio with a bound (:func:`_greedy_bound`); ``None`` when the greedy finds nothing."""
    from . import greedy

    from . import rules

    scenario, cand = base["scenario"], base["cand"]
    mask = greedy.greedy(scenario, cand)
    if mask is None or rules.violations(scenario, mask):   # never a portfolio that breaks a rule
        return None
    built = time.perf_counter() - t0
    bound, notes = _greedy_bound(scenario, cand, base["time_limit"])
    return _result(**{**base, "backend": "greedy"}, status=SolveStatus.FEASIBLE, mask=mask,
                   bound=bound, method="greedy", build_seconds=built,
                   solve_seconds=time.perf_counter() - t0 - built, notes=notes)


def _greedy_bound(scenario: Scenario, cand, time_limit) -> tuple[float, list[str]]:
    """The LP relaxation's optimum, or the knapsack bound (with a note saying why) when the LP
    would not fit in memory, fails or stops early.  The greedy's portfolio never depends on it."""
    from ..errors import SolverError
    from .backends import solve_model
    from .formulation import build
    from .greedy import knapsack_bound
    from .memory import memory_need

    simple = knapsack_bound(scenario, cand)
    backend = _lp_backend()
    _, need, cap, source = memory_need(scenario, cand, backend)
    if need > cap:
        why = f"it would need about {need / 1e9:.1f} GB, above the cap of {cap / 1e9:.1f} GB ({source})"
    else:
        try:
            lp = solve_model(build(scenario, cand), backend, relax=True, time_limit=time_limit)
        except SolverError as exc:
            lp, why = None, _first_line(str(exc))
        if lp is not None and lp.status == "optimal" and lp.objective is not None:
            return min(lp.objective, simple), []
        if lp is not None:
            why = f"{backend} stopped with status {lp.status!r}"
    return simple, [f"the LP relaxation bound is unavailable ({why}); the bound shown is the weaker "
                    f"fractional-knapsack bound"]


def _first_line(text: str, limit: int = 200) -> str:
    """First line of ``text``, printable characters only, at most ``limit`` long (for a one-line note)."""
    line = "".join(ch for ch in (text.splitlines() or [""])[0] if ch.isprintable())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _lp_backend() -> str:
    from ..errors import SolverUnavailableError
    from .backends import check_backend

    try:
        return check_backend("highs")
    except SolverUnavailableError:
        return "cbc"


def reselect(result: SolveResult, mask, note: str) -> SolveResult:
    """``result`` with another feasible selection ``mask`` (over the decisions) of the same scenario.

    The selection is evaluated exactly, the proven bound is kept (so the gap says how far it is
    from the optimum on the same data), the status is ``FEASIBLE`` (``TIME_LIMIT`` stays) and
    ``note`` is added.  For a choice made on other evidence than the model's objective (e.g. a
    check sample); the caller vouches that ``mask`` keeps every rule.

    Examples
    --------
    >>> from lineup.optimize.formulation import tiny_scenario
    >>> res = solve(tiny_scenario())
    >>> other = reselect(res, [True, False, False, False, False], "kept ann alone")
    >>> other.status.value, other.portfolio.ids, other.gap > 0, other.notes[-1]
    ('feasible', ['ann'], True, 'kept ann alone')
    """
    from types import SimpleNamespace

    return _result(scenario=result.scenario, cand=SimpleNamespace(removed=result.removed), backend=result.backend,
                   status=SolveStatus.TIME_LIMIT if result.status is SolveStatus.TIME_LIMIT else SolveStatus.FEASIBLE,
                   method=result.method, mask=np.asarray(mask, dtype=bool),
                   bound=result.bound, build_seconds=result.build_seconds, solve_seconds=result.solve_seconds,
                   notes=(*result.notes, note), time_limit=result.time_limit, gap_tolerance=result.gap_tolerance)


def _result(*, scenario: Scenario, cand, backend: str, status: SolveStatus, method: str, mask=None,
            objective=None, bound=None, diagnosis=(), build_seconds=0.0, solve_seconds=0.0, notes=(),
            time_limit=None, gap_tolerance=None) -> SolveResult:
    from . import rules
    from .model import model_of

    has = mask is not None
    evaluation = rules.evaluate(scenario, mask) if has else None
    if evaluation is not None:
        # report the exact value of the returned portfolio, not the solver's (which carries
        # its feasibility tolerances); the bound can never be below an achieved value
        objective = evaluation.objective
        bound = None if bound is None else max(bound, objective)
    return SolveResult(
        scenario=scenario, status=status,
        portfolio=model_of(scenario).portfolio(mask) if has else None,
        evaluation=evaluation,
        objective=objective, bound=bound, gap=relative_gap(objective, bound),
        binding=tuple(rules.binding(scenario, mask)) if has else (),
        diagnosis=tuple(diagnosis), removed=dict(cand.removed), backend=backend, method=method,
        build_seconds=build_seconds, solve_seconds=solve_seconds, notes=tuple(notes),
        time_limit=time_limit, gap_tolerance=gap_tolerance,
    )

"""A head start for large MILPs: an LP-guided incumbent and exact reduced-cost fixing.

On wide models (:data:`WARM_START_ABOVE` x columns or more, e.g. 100k influencers with
rate cards) the solvers can spend their time limit looking for a good portfolio: the
objective is carried by a few dear creators whose best combination the LP relaxation does
not show.  :func:`lineup.optimize.solve` gives the solver a short probe first
(:func:`probe_seconds`; most such models are solved in it); when the probe stops at its
limit, :func:`prepare` runs:

1. the **LP relaxation** (HiGHS primal simplex, a few seconds): its optimum ``z_lp`` and
   the reduced cost ``d_j`` of every column;
2. a **restricted MILP** over the columns most likely in a good portfolio — every
   column whose reduced cost is within :data:`NEAR_LP` · ``z_lp`` of zero, every column
   whose reduced cost is above −:data:`OWN_SHARE` times its own objective coefficient
   (a valuable creator whom the LP's prices, set by the fractional ones, barely leave
   out) and the LP's support — solved by HiGHS under a share of the time limit.  Its
   portfolio satisfies every rule of the full model (the restriction only sets upper
   bounds to 0), so it is a valid **MIP start**;
3. **reduced-cost fixing** with that incumbent ``z`` (or the probe's, when better): a
   column at 0 in the LP optimum with ``d_j < −(z_lp − z)`` cannot be 1 in any portfolio
   worth more than ``z`` (LP duality: every feasible point with ``x_j = 1`` is worth at
   most ``z_lp + d_j``, the other reduced-cost terms being ``≤ 0``), so its upper
   bound is set to 0.  This is exact: the full model's optimum is either the incumbent or
   a portfolio the fixing keeps, and the solver's bound on the fixed model bounds the
   full one.  A small margin (:data:`MARGIN`) covers the LP's tolerances.

The solver then starts from the incumbent on the smaller model and keeps its proof.
Every step runs on one thread with the fixed seed of :mod:`.backends`, so only the time
limits make results depend on the machine's speed.  When
HiGHS is missing, the LP does not solve to optimality or the restricted MILP finds
nothing, :func:`prepare` returns ``None`` and the solve goes on as before.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from .formulation import LinearModel

__all__ = ["WarmStart", "applies", "probe_seconds", "prepare", "restricted_columns", "fixable",
           "WARM_START_ABOVE", "MIN_TIME_LIMIT"]

#: Models with at least this many x columns get a warm start (shipped scenarios are far smaller).
WARM_START_ABOVE = 20_000
#: Columns whose reduced cost is within this fraction of the LP optimum are offered to the restricted MILP.
NEAR_LP = 2e-4
#: ... and those whose reduced cost is above −OWN_SHARE × their own objective coefficient.
OWN_SHARE = 0.5
#: Share of the time limit the restricted MILP may use (it stops earlier when solved).
RESTRICTED_SHARE = 0.3
#: The probe's share of the time limit, and its most seconds (also without a time limit).
PROBE_SHARE, PROBE_MAX = 0.1, 10.0
#: Relative and absolute safety margin of reduced-cost fixing (covers the LP's tolerances).
MARGIN = 1e-6
#: Shortest time limit (seconds) a head start is tried under: a shorter one is spent on the solver alone,
#: so that the LP and the restricted MILP never push a solve past its limit.
MIN_TIME_LIMIT = 10.0


@dataclass(frozen=True, eq=False)
class WarmStart:
    """What :func:`prepare` found: the model with fixed columns, the start and how it was had.

    ``model`` is the input model with ``ub = 0`` on the fixed columns; ``values`` a feasible
    point of it (the restricted MILP's portfolio) worth ``objective``; ``lp_bound`` the LP
    relaxation's optimum; ``fixed`` how many x columns reduced-cost fixing set to 0;
    ``seconds`` the wall-clock time spent.
    """

    model: LinearModel
    values: np.ndarray
    objective: float
    lp_bound: float
    fixed: int
    seconds: float


def applies(model: LinearModel, time_limit: float | None = None) -> bool:
    """Whether ``model`` is wide enough for a head start, the time limit (if any) long enough
    (:data:`MIN_TIME_LIMIT`) and HiGHS (which finds it) installed."""
    from ..errors import SolverUnavailableError
    from .backends import check_backend

    if model.n_x < WARM_START_ABOVE or (time_limit is not None and time_limit < MIN_TIME_LIMIT):
        return False
    try:
        check_backend("highs")
    except SolverUnavailableError:
        return False
    return True


def probe_seconds(time_limit: float | None) -> float:
    """Seconds of the solver's first try before a head start: :data:`PROBE_SHARE` of the time
    limit, at most :data:`PROBE_MAX`.

    >>> probe_seconds(60.0), probe_seconds(None), probe_seconds(5.0)
    (6.0, 10.0, 0.5)
    """
    return PROBE_MAX if time_limit is None else min(PROBE_MAX, PROBE_SHARE * float(time_limit))


def restricted_columns(c: np.ndarray, reduced: np.ndarray, x_lp: np.ndarray, n_x: int, z_lp: float,
                       near: float = NEAR_LP, own: float = OWN_SHARE) -> np.ndarray:
    """Bool mask of the x columns offered to the restricted MILP (non-x columns are always kept).

    The columns whose reduced cost ``d_j`` is at least ``−near · |z_lp|`` or at least
    ``−own · c_j``, and the LP's support.

    Examples
    --------
    >>> c = np.array([10.0, 1.0, 1.0, 10.0, 0.5])
    >>> d = np.array([0.0, -0.001, -3.0, -4.0, 0.0])
    >>> x = np.array([1.0, 0.0, 0.0, 0.0, 0.0])
    >>> restricted_columns(c, d, x, n_x=4, z_lp=10.0, near=0.01).tolist()
    [True, True, False, True, True]
    """
    keep = np.ones(c.size, dtype=bool)
    d = reduced[:n_x]
    x_keep = (d >= -near * abs(z_lp)) | (d >= -own * c[:n_x]) | (x_lp[:n_x] > 1e-9)
    keep[:n_x] = x_keep
    return keep


def fixable(reduced: np.ndarray, x_lp: np.ndarray, n_x: int, z_lp: float, z: float,
            margin: float = MARGIN) -> np.ndarray:
    """Bool mask of the x columns that no portfolio worth more than ``z`` can use (reduced-cost fixing).

    A column at 0 in the LP optimum whose reduced cost ``d_j`` (maximisation: ``≤ 0``) is
    below ``−(z_lp − z)`` minus a margin of ``margin · max(1, |z_lp|)``.

    Examples
    --------
    >>> d = np.array([0.0, -1.0, -5.0, -20.0])
    >>> x = np.array([1.0, 0.0, 0.0, 0.0])
    >>> fixable(d, x, n_x=4, z_lp=100.0, z=96.0).tolist()
    [False, False, True, True]
    """
    slack = (z_lp - z) + margin * max(1.0, abs(z_lp))
    out = np.zeros(reduced.size, dtype=bool)
    out[:n_x] = (reduced[:n_x] < -slack) & (x_lp[:n_x] <= 1e-9)
    return out


def prepare(model: LinearModel, time_limit: float | None,
            incumbent: tuple[np.ndarray, float] | None = None) -> WarmStart | None:
    """An incumbent and exact reduced-cost fixing for ``model`` (see the module docstring).

    ``incumbent`` (values, objective) is a portfolio already known (the probe's); the
    better of it and the restricted MILP's is the start.  Returns ``None`` when
    :func:`applies` says no, the LP is not solved to optimality or no portfolio is known.
    """
    if not applies(model):
        return None
    t0 = time.perf_counter()
    lp = _lp(model, time_limit)
    if lp is None:
        return None
    z_lp, x_lp, reduced = lp
    left = None if time_limit is None else max(1.0, RESTRICTED_SHARE * time_limit - (time.perf_counter() - t0))
    keep = restricted_columns(model.c, reduced, x_lp, model.n_x, z_lp)
    found = [s for s in (_restricted(model, keep, left), incumbent) if s is not None]
    if not found:
        return None
    values, z = max(found, key=lambda s: s[1])
    fix = fixable(reduced, x_lp, model.n_x, z_lp, z)
    fix &= values < 0.5  # never the incumbent's own columns (tolerances)
    ub = np.where(fix, 0.0, model.ub)
    return WarmStart(model=replace(model, ub=ub), values=values, objective=z, lp_bound=z_lp,
                     fixed=int(np.count_nonzero(fix)), seconds=time.perf_counter() - t0)


def _lp(model: LinearModel, time_limit: float | None):
    """(z_lp, x, reduced costs) of the LP relaxation in the maximisation sense, or ``None``."""
    from .backends import solve_relaxation_duals

    return solve_relaxation_duals(model, time_limit)


def _restricted(model: LinearModel, keep: np.ndarray, time_limit: float | None):
    """(values, objective) of the MILP with the columns outside ``keep`` at 0, or ``None``."""
    from .backends import solve_model

    sub = replace(model, ub=np.where(keep, model.ub, 0.0))
    sol = solve_model(sub, "highs", time_limit=time_limit, gap=1e-4)
    if sol.values is None or sol.status == "infeasible":
        return None
    values = sol.values.copy()
    values[: model.n_x] = np.round(values[: model.n_x])
    return values, float(model.c @ values)

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

Before any of that, :func:`relax_and_fix` tries to finish the solve outright in memory
(HiGHS, no files): the LP relaxation gives the **proven bound** ``z_lp`` (every portfolio
of the full model is worth at most it); a **small MILP** over the LP's support and the
:data:`RELAX_FIX_COLUMNS` columns whose reduced costs are closest to 0 (all other x
columns at 0, so dropped from the model) gives a portfolio worth ``z`` that satisfies
every rule of the full model.  When ``(z_lp − z) / z`` is within the requested gap the
solve is done — the bound reported is the LP's, a bound of the full model, never the
small MILP's own bound (which only bounds the restricted model).  Otherwise its portfolio
is the MIP start of the probe and of the steps above, and ``z_lp`` still caps the
reported bound.
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

__all__ = ["WarmStart", "RelaxAndFix", "applies", "probe_seconds", "prepare", "relax_and_fix",
           "relax_fix_columns", "restricted_columns", "fixable", "tighten", "WARM_START_ABOVE", "WARM_START_NONZEROS", "MIN_TIME_LIMIT",
           "RELAX_FIX_COLUMNS"]

#: Models with at least this many x columns get a warm start (shipped scenarios are far smaller).
WARM_START_ABOVE = 20_000
#: ... or at least this many nonzeros (the dense scenario rows of ``objective.risk``: 1,000 candidates × 500
#: scenarios hold 400k), whose node LPs are slow enough that the solver's own search stalls.
WARM_START_NONZEROS = 250_000
#: Columns whose reduced cost is within this fraction of the LP optimum are offered to the restricted MILP.
NEAR_LP = 2e-4
#: ... and those whose reduced cost is above −OWN_SHARE × their own objective coefficient.
OWN_SHARE = 0.5
#: x columns (besides the LP's support) offered to the small MILP of :func:`relax_and_fix`: those
#: whose reduced costs are closest to 0.  Measured on the 100k-influencer benchmark: 100 → 0.15 s
#: at 0.022 % from the LP bound, 1,000 → 1 s at the same gap.
RELAX_FIX_COLUMNS = 200
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


@dataclass(frozen=True, eq=False)
class RelaxAndFix:
    """What :func:`relax_and_fix` found: a portfolio of the full model and the LP's proven bound.

    ``values`` is a feasible point of the full model worth ``objective``; ``bound`` the LP
    relaxation's optimum (an upper bound on every portfolio); ``columns`` the x columns of
    the small MILP; ``seconds`` the wall-clock time spent; ``lp`` the LP's
    ``(z_lp, x, reduced costs)``, for :func:`prepare` to reuse.
    """

    values: np.ndarray
    objective: float
    bound: float
    columns: int
    seconds: float
    lp: tuple = ()
    bound_of: str = "the LP relaxation"   # which relaxation proved ``bound``

    @property
    def gap(self) -> float:
        """``(bound − objective) / |objective|``: how far from optimal the portfolio can be, at most."""
        from .result import relative_gap

        return float(relative_gap(self.objective, self.bound))


def applies(model: LinearModel, time_limit: float | None = None) -> bool:
    """Whether ``model`` is wide enough for a head start, the time limit (if any) long enough
    (:data:`MIN_TIME_LIMIT`) and HiGHS (which finds it) installed."""
    from ..errors import SolverUnavailableError
    from .backends import check_backend

    wide = model.n_x >= WARM_START_ABOVE or model.A.nnz >= WARM_START_NONZEROS
    if not wide or (time_limit is not None and time_limit < MIN_TIME_LIMIT):
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


def relax_fix_columns(reduced: np.ndarray, x_lp: np.ndarray, lb: np.ndarray, n_x: int,
                      count: int = RELAX_FIX_COLUMNS) -> np.ndarray:
    """Bool mask of the x columns of :func:`relax_and_fix`'s small MILP.

    The LP's support, the columns with a positive lower bound (forced in) and the
    ``count`` columns whose reduced costs are closest to 0 (ties: first column first).

    Examples
    --------
    >>> d = np.array([0.0, -0.5, -3.0, -0.1, -9.0])
    >>> x = np.array([1.0, 0.0, 0.0, 0.0, 0.0])
    >>> relax_fix_columns(d, x, np.array([0, 0, 0, 0, 1.0]), n_x=5, count=2).tolist()
    [True, False, False, True, True]
    """
    keep = (x_lp[:n_x] > 1e-9) | (lb[:n_x] > 0)
    keep[np.argsort(-reduced[:n_x], kind="stable")[:count]] = True
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
            incumbent: tuple[np.ndarray, float] | None = None, lp: tuple | None = None) -> WarmStart | None:
    """An incumbent and exact reduced-cost fixing for ``model`` (see the module docstring).

    ``incumbent`` (values, objective) is a portfolio already known (the probe's); the
    better of it and the restricted MILP's is the start.  ``lp`` is the LP relaxation's
    ``(z_lp, x, reduced costs)`` when already solved (:attr:`RelaxAndFix.lp`).  Returns
    ``None`` when :func:`applies` says no, the LP is not solved to optimality or no
    portfolio is known.
    """
    if not applies(model):
        return None
    t0 = time.perf_counter()
    lp = _lp(model, time_limit) if not lp else lp
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


def relax_and_fix(model: LinearModel, time_limit: float | None = None,
                  lp: tuple | None = None) -> RelaxAndFix | None:
    """LP relaxation, then a small MILP on the columns it points to; ``None`` when either fails.

    ``lp`` is ``(z_lp, x, reduced costs)`` when already known (else solved here, HiGHS).
    Columns outside :func:`relax_fix_columns` are dropped (they are 0), so the MILP has a
    few hundred columns whatever the roster; its portfolio, completed with zeros, keeps
    every row of the full model.  The returned ``bound`` is the LP's optimum (proven for
    the full model).

    Examples
    --------
    >>> from lineup.optimize.formulation import build, tiny_scenario
    >>> from lineup.optimize import rules
    >>> sc = tiny_scenario()
    >>> found = relax_and_fix(build(sc, rules.candidates(sc)))
    >>> found.objective <= found.bound + 1e-6, found.gap < 0.05
    (True, True)
    """
    t0 = time.perf_counter()
    lp = _lp(model, time_limit) if lp is None else lp
    if lp is None:
        return None
    z_lp, x_lp, reduced = lp
    keep = np.ones(model.n_cols, dtype=bool)
    keep[: model.n_x] = relax_fix_columns(reduced, x_lp, model.lb, model.n_x)
    left = None if time_limit is None else max(1.0, RESTRICTED_SHARE * time_limit - (time.perf_counter() - t0))
    found = _small_milp(model, keep, left)
    if found is None:
        return None
    return RelaxAndFix(values=found[0], objective=found[1], bound=float(z_lp),
                       columns=int(np.count_nonzero(keep[: model.n_x])), seconds=time.perf_counter() - t0, lp=lp)


def _columns(model: LinearModel, keep: np.ndarray) -> LinearModel:
    """``model`` without the columns outside ``keep`` (as if they were 0); rows unchanged."""
    cols = np.flatnonzero(keep)
    x = cols[cols < model.n_x]
    where = np.full(model.n_cols, -1, dtype=np.int64)
    where[cols] = np.arange(cols.size)
    integer = where[model.integer]
    return replace(model, c=model.c[cols], A=model.A.tocsc()[:, cols].tocsr(), lb=model.lb[cols], ub=model.ub[cols],
                   integer=integer[integer >= 0],
                   col_names=tuple(model.col_names[j] for j in cols), n_x=int(x.size), rows=model.rows[x],
                   decisions=None if model.decisions is None else model.decisions[x])


def _small_milp(model: LinearModel, keep: np.ndarray, time_limit: float | None):
    """(values of the full model, objective) of the MILP on the columns in ``keep`` by HiGHS, or ``None``."""
    from .backends import solve_model

    sol = solve_model(_columns(model, keep), "highs", time_limit=time_limit, gap=1e-4)
    if sol.values is None or sol.status == "infeasible":
        return None
    values = np.zeros(model.n_cols)
    values[keep] = sol.values
    values[: model.n_x] = np.round(values[: model.n_x])
    return values, float(model.c @ values)


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


#: Share of the time limit the partial-integrality relaxation of :func:`tighten` may use.
PARTIAL_SHARE = 0.5


def _integral_on(model: LinearModel, columns: np.ndarray) -> LinearModel:
    """``model`` with only ``columns`` (x columns) binary, moved first; every other column continuous
    (a relaxation: its optimum and proven bound bound the full model's)."""
    ints = np.zeros(model.n_cols, dtype=bool)
    ints[columns] = True
    order = np.r_[np.flatnonzero(ints), np.flatnonzero(~ints)]
    return replace(model, c=model.c[order], A=model.A.tocsc()[:, order].tocsr(), lb=model.lb[order],
                   ub=model.ub[order], col_names=tuple(model.col_names[j] for j in order), n_x=int(ints.sum()),
                   rows=np.zeros(int(ints.sum()), dtype=np.int64), decisions=None,
                   integer=np.zeros(0, dtype=np.int64)), order


def tighten(model: LinearModel, head: RelaxAndFix, time_limit: float | None = None) -> RelaxAndFix | None:
    """A better portfolio and a tighter proven bound than :func:`relax_and_fix`'s, on models whose LP
    relaxation splits a few large columns (the risk term's: fractions of risky creators diversify more
    than any whole selection).

    1. the **partial-integrality relaxation**: the LP with only its fractional x columns kept binary
       (everything else continuous) — a relaxation of the full model, so the solver's proven bound on it
       bounds every portfolio (HiGHS, :data:`PARTIAL_SHARE` of the time limit);
    2. a **restricted MILP** (as in :func:`relax_and_fix`) over the LP's columns and the support of that
       relaxation's solution gives a portfolio of the full model.

    Returns the better of ``head`` and the new portfolio, with the tighter of the two bounds; ``None``
    when the relaxation finds nothing.
    """
    from .backends import solve_model

    t0 = time.perf_counter()
    z_lp, x_lp, reduced = head.lp
    frac = np.flatnonzero((x_lp[: model.n_x] > 1e-6) & (x_lp[: model.n_x] < 1 - 1e-6))
    if not frac.size:
        return None
    partial, order = _integral_on(model, frac)
    share = None if time_limit is None else PARTIAL_SHARE * time_limit
    sol = solve_model(partial, "highs", time_limit=share, gap=1e-4)
    if sol.values is None or sol.bound is None:
        return None
    values = np.empty(model.n_cols)
    values[order] = sol.values
    keep = np.ones(model.n_cols, dtype=bool)
    keep[: model.n_x] = relax_fix_columns(reduced, x_lp, model.lb, model.n_x) | (values[: model.n_x] > 1e-6)
    left = None if time_limit is None else max(1.0, time_limit - (time.perf_counter() - t0))
    found = _small_milp(model, keep, left)
    bound = min(float(sol.bound), head.bound)
    best = head if found is None or found[1] <= head.objective else None
    return RelaxAndFix(values=head.values if best else found[0], objective=head.objective if best else found[1],
                       bound=bound, columns=int(np.count_nonzero(keep[: model.n_x])),
                       seconds=head.seconds + time.perf_counter() - t0, lp=head.lp,
                       bound_of=(f"the relaxation keeping the LP's {frac.size:,} fractional columns binary"
                                 if sol.bound < head.bound else head.bound_of))

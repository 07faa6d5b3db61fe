"""The mean–CVaR objective of large models solved by **tail cuts** in a small branch and bound.

``objective.risk`` adds ``S`` dense scenario rows to the model (Rockafellar–Uryasev:
``Σ_i X_is x_i − eta + u_s ≥ 0``): at 10,000 influencers × 200 scenarios that is 1.7M
nonzeros, and every node LP of a solver's branch and bound takes seconds.  This module
solves the same problem through CVaR's dual form instead,

    CVaR_alpha(T) = min over q in Q of Σ_s q_s T_s,
    Q = {q : 0 ≤ q_s ≤ 1/(alpha S), Σ_s q_s = 1},

so ``eta − Σ u_s/(alpha S)`` becomes one column ``t`` with ``t ≤ Σ_s q_s T_s(x)`` for
every ``q`` of ``Q``.  Only the few ``q`` that matter are ever added (Kelley's cutting
planes, as in Künzi-Bay & Mayer's CVaRMin): for the current point ``x`` the **tail cut**
puts ``1/(alpha S)`` on the ``alpha S`` scenarios where ``x`` does worst (a fraction on
the next one when ``alpha S`` is not whole), which is exactly ``CVaR_alpha(T(x))``
at ``x``.  A cut is one row ``Σ_i g_i x_i − t ≥ 0`` with ``g = q X``; a few dozen replace
the ``S`` scenario rows, and each cut is valid for every selection, so all of them are
kept for every node.

The branch and bound (:func:`solve`) is best-first over the binary columns:

* each node's LP is re-solved (HiGHS, warm) and cuts are added until the point's ``t``
  equals its true CVaR: its value is then the node's exact LP bound.  Cuts only ever
  relax, so an LP value below the cut-off prunes the node at once;
* a node whose LP point is integral is a portfolio of the full model (its value is exact);
* branching takes the fractional column with the largest ``|objective| × min(f, 1 − f)``;
* nodes whose bound is within the requested ``gap`` of the best portfolio are pruned, and
  the search ends when every node left is (status ``optimal``: proven within the gap) or
  at the time limit (status ``time_limit``, with the largest bound left as the proof).

Same model and same portfolio as the dense formulation (up to the gap); every node's
bound is the dense relaxation's up to :data:`CUT_TOLERANCE` (a node's cut loop stops once
its ``t`` is that close to the true CVaR, so the bound can only be looser).  Measured on
the 10,000 × 200 benchmark (``benchmarks/risk_scaling.py``): see ``benchmarks/README.md``.
"""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass, field

import numpy as np

from ..errors import SolverError
from .formulation import LinearModel

__all__ = ["applies", "scenarios", "solve", "TailCuts", "tail_weights", "Outcome"]

#: A node's cut loop stops when its ``t`` overstates the true CVaR by at most this share of the larger of
#: ``|CVaR|``, ``|objective| / c_t`` (both in engagement units, whatever the objective's weights) and 1.
CUT_TOLERANCE = 1e-7
#: Integrality tolerance of the LP's x values.
INTEGRAL = 1e-6


def applies(model: LinearModel) -> bool:
    """Whether ``model`` carries the risk term's scenario rows (``risk.scenario[<s>]``), eta and u columns."""
    return "eta" in model.col_names and any(n.startswith("risk.scenario[") for n in model.row_names)


def scenarios(model: LinearModel) -> int:
    """How many scenario rows (``risk.scenario[<s>]``) ``model`` has."""
    return sum(1 for n in model.row_names if n.startswith("risk.scenario["))


def tail_weights(totals: np.ndarray, k: float) -> np.ndarray:
    """The worst-tail weights ``q`` of CVaR: ``1/k`` on the ``floor(k)`` smallest totals, the rest of the
    mass on the next one (``k = alpha S``); ``q @ totals`` is ``CVaR_alpha``.

    >>> tail_weights(np.array([5.0, 1.0, 3.0, 2.0]), 1.5).round(4).tolist()
    [0.0, 0.6667, 0.0, 0.3333]
    """
    S = totals.size
    q = np.zeros(S)
    order = np.argsort(totals, kind="stable")
    full = int(np.floor(k + 1e-12))
    q[order[:full]] = 1.0 / k
    if full < S and k - full > 1e-12:
        q[order[full]] = (k - full) / k
    return q


@dataclass(frozen=True, eq=False)
class Outcome:
    """What :func:`solve` found: ``status`` (``optimal``, ``time_limit``, ``interrupted``, ``infeasible``),
    ``values`` of the full model's columns (``None`` when no portfolio is known), their ``objective``,
    the proven ``bound``, and the search's ``nodes`` and ``cuts``."""

    status: str
    values: np.ndarray | None
    objective: float | None
    bound: float | None
    nodes: int
    cuts: int
    seconds: float


@dataclass(eq=False)
class TailCuts:
    """The full model split into its rules (the *master*) and its scenario matrix.

    ``X`` is the scenario × x-column matrix of the risk rows; ``k = alpha S`` (read from the
    objective: ``c[eta] = w beta``, ``c[u_s] = −w beta / (alpha S)``); ``t`` is eta's column
    in the master, whose other columns are the full model's except the ``u_s``.
    """

    model: LinearModel
    X: np.ndarray
    k: float
    cols: np.ndarray           # full-model column of each master column
    rows: np.ndarray           # full-model row of each master row
    t: int
    u: np.ndarray              # the u_s columns of the full model
    scenario_rows: np.ndarray  # the risk rows of the full model
    cuts: list = field(default_factory=list)

    @classmethod
    def of(cls, model: LinearModel) -> "TailCuts":
        names = model.row_names
        R = np.array([i for i, n in enumerate(names) if n.startswith("risk.scenario[")], dtype=np.int64)
        eta = model.col_names.index("eta")
        u = np.array([j for j, n in enumerate(model.col_names) if n.startswith("u[")], dtype=np.int64)
        A = model.A.tocsr()
        X = A[R][:, : model.n_x].toarray()
        k = float(model.c[eta] / -model.c[u[0]])
        cols = np.setdiff1d(np.arange(model.n_cols), u)
        rows = np.setdiff1d(np.arange(model.shape[0]), R)
        return cls(model, X, k, cols, rows, int(np.searchsorted(cols, eta)), u, R)

    def cvar(self, x: np.ndarray) -> float:
        T = self.X @ x[: self.model.n_x]
        return float(tail_weights(T, self.k) @ T)

    def cut(self, x: np.ndarray) -> np.ndarray:
        """The tail cut's coefficients ``g = q X`` at the master point ``x`` (exact there: ``g·x = CVaR``)."""
        T = self.X @ x[: self.model.n_x]
        return tail_weights(T, self.k) @ self.X

    def overstates(self, x: np.ndarray, z: float) -> bool:
        """Whether the master point ``x`` (objective ``z``) has a ``t`` above its true CVaR by more than
        :data:`CUT_TOLERANCE` (measured in ``t``'s own units, so that weights of any size compare alike).

        >>> from lineup.optimize.formulation import build
        >>> tc = TailCuts.of(build(*_risky_example()))
        >>> x = np.zeros(tc.cols.size)
        >>> x[tc.t] = 1.0
        >>> tc.overstates(x, 0.0), tc.overstates(np.zeros(tc.cols.size), 0.0)
        (True, False)
        """
        cvar = self.cvar(x)
        c_t = abs(float(self.model.c[self.cols[self.t]])) or 1.0
        return bool(x[self.t] - cvar > CUT_TOLERANCE * max(1.0, abs(cvar), abs(z) / c_t))

    def value(self, x: np.ndarray) -> float:
        """The full objective of the master point ``x`` with ``t`` replaced by its true CVaR."""
        c = self.model.c[self.cols]
        return float(c @ x - c[self.t] * x[self.t] + c[self.t] * self.cvar(x))

    def full(self, x: np.ndarray) -> np.ndarray:
        """The full model's column values of the master point ``x``: ``eta`` the tail's threshold
        (VaR), ``u_s = max(0, eta − T_s)``, so that the full objective equals :meth:`value`."""
        m = self.model
        out = np.zeros(m.n_cols)
        out[self.cols] = x
        T = self.X @ x[: m.n_x]
        eta = float(np.sort(T)[min(T.size - 1, int(np.ceil(self.k - 1e-12)) - 1)])
        out[self.cols[self.t]] = eta
        out[self.u] = np.maximum(0.0, eta - T)
        return out


def _master(hs, tc: TailCuts, scale: float):
    """A HiGHS LP of the master (all columns continuous; the branch and bound sets bounds), its objective
    multiplied by ``scale`` (:func:`~.backends.objective_scale`)."""
    from .backends import SEED

    m = tc.model
    A = m.A.tocsr()[tc.rows][:, tc.cols].tocsc()
    lp = hs.HighsLp()
    lp.num_col_, lp.num_row_ = tc.cols.size, tc.rows.size
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = m.c[tc.cols] * scale, m.lb[tc.cols], m.ub[tc.cols]
    lp.row_lower_, lp.row_upper_ = m.row_lo[tc.rows], m.row_hi[tc.rows]
    lp.sense_ = hs.ObjSense.kMaximize
    lp.a_matrix_.format_ = hs.MatrixFormat.kColwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = tc.cols.size, tc.rows.size
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = A.indptr, A.indices, A.data
    h = hs.Highs()
    for key, value in {"output_flag": False, "threads": 1, "random_seed": SEED}.items():
        h.setOptionValue(key, value)
    h.passModel(lp)
    return h


def _add_cut(h, tc: TailCuts, x: np.ndarray) -> None:
    g = tc.cut(x)
    idx = np.flatnonzero(g)
    h.addRow(0.0, np.inf, idx.size + 1, np.r_[idx, tc.t].astype(np.int32), np.r_[g[idx], -1.0])
    tc.cuts.append(g)


class _OutOfTime(Exception):
    """A node LP reached the time limit."""


@dataclass(order=True)
class _Node:
    key: float                                  # −bound (heapq pops the largest bound first)
    seq: int
    fixed: tuple = field(compare=False)         # ((master column, 0 or 1), ...)


def solve(model: LinearModel, time_limit: float | None = None, gap: float = 1e-4,
          start: tuple[np.ndarray, float] | None = None, report=None) -> Outcome:
    """Maximise ``model`` (with the risk term's rows, :func:`applies`) by tail cuts and branch and bound.

    ``start`` is a known portfolio ``(values of the full model's columns, objective)``: the first
    incumbent (and first cut).  ``report(incumbent, bound)`` is called after every node that branches.
    Ctrl-C stops the search with status ``interrupted``, the best portfolio so far and a bound that still
    holds (the node being solved stays open with its parent's bound).

    Examples
    --------
    >>> from lineup.optimize.formulation import build
    >>> from lineup.optimize.backends import solve_model
    >>> m = build(*_risky_example())
    >>> by_cuts, dense = solve(m, gap=0.0), solve_model(m, "highs", gap=0.0)
    >>> by_cuts.status, abs(by_cuts.objective - dense.objective) < 1e-6 * dense.objective
    ('optimal', True)
    """
    from .backends import _highspy, _quiet_stdout, objective_scale

    t0 = time.perf_counter()
    deadline = None if time_limit is None else t0 + time_limit
    hs = _highspy()
    tc = TailCuts.of(model)
    scale = objective_scale(model.c)
    with _quiet_stdout():
        h = _master(hs, tc, scale)
    m = tc.model
    integer = np.flatnonzero(m.is_integer()[tc.cols])
    c = m.c[tc.cols]
    lb0, ub0 = m.lb[tc.cols], m.ub[tc.cols]
    inc = _Incumbent()
    if start is not None:
        inc.offer(start[0][tc.cols].copy(), tc.value(start[0][tc.cols]))
        _add_cut(h, tc, inc.x)
    report = report or (lambda incumbent, bound: None)
    cutoff = lambda: inc.value + gap * max(abs(inc.value), 1e-9) if inc.known else -np.inf  # noqa: E731
    heap = [_Node(-np.inf, 0, ())]
    pruned = -np.inf   # the largest bound of a node closed without branching (part of the proof)
    applied: dict[int, float] = {}
    nodes, seq, status = 0, 1, "optimal"
    node = None        # the node being solved: back on the heap if the search stops before it is done
    try:
        while heap:
            if deadline is not None and time.perf_counter() > deadline:
                status = "time_limit"
                break
            node = _next(heap, diving=not inc.known)
            if -node.key <= cutoff():
                pruned, node = max(pruned, -node.key), None
                continue
            _apply(h, applied, dict(node.fixed), lb0, ub0)
            try:
                z, x = _node_lp(hs, h, tc, cutoff(), deadline, scale)
            except _OutOfTime:
                status = "time_limit"
                break
            nodes += 1
            if z is None:           # infeasible
                node = None
                continue
            node = _Node(min(node.key, -z), node.seq, node.fixed)   # its own LP bound from here on
            if z <= cutoff():
                pruned, node = max(pruned, z), None
                continue
            if nodes == 1:          # the root: a portfolio from a small MILP on the columns its LP points to
                _heuristic(hs, h, tc, x, integer, scale, deadline, inc)
                if z <= cutoff():
                    pruned, node = max(pruned, z), None
                    continue
            frac = x[integer] - np.floor(x[integer] + INTEGRAL)
            frac = np.where(frac > INTEGRAL, frac, 0.0)
            if not frac.any():      # a portfolio (its value exact); the node's LP value stays in the proof
                x = x.copy()
                x[integer] = np.round(x[integer])
                inc.offer(x, tc.value(x))
                pruned, node = max(pruned, z), None
                continue
            score = np.minimum(frac, 1 - frac) * (np.abs(c[integer]) + 1e-12)
            j = int(integer[np.argmax(score)])
            near = float(x[j] >= 0.5)
            for v in (1.0 - near, near):   # the dive takes the newest: the nearer value first
                heapq.heappush(heap, _Node(-z, seq, node.fixed + ((j, v),)))
                seq += 1
            node = None
            report(inc.value if inc.known else None, _bound(heap, pruned, inc.value))
    except KeyboardInterrupt:
        status = "interrupted"
    if node is not None:
        heapq.heappush(heap, node)
    bound = _bound(heap, pruned, inc.value)
    bound = bound if np.isfinite(bound) else None     # stopped before the root LP: no bound proven
    seconds = time.perf_counter() - t0
    if not inc.known:
        return Outcome("infeasible" if status == "optimal" else status, None, None,
                       None if status == "optimal" else bound, nodes, len(tc.cuts), seconds)
    values = tc.full(inc.x)
    objective = float(model.c @ values)
    return Outcome(status, values, objective, None if bound is None else max(bound, inc.value, objective), nodes,
                   len(tc.cuts), seconds)


class _Incumbent:
    """The best portfolio so far (a master point) and its exact value."""

    def __init__(self):
        self.x, self.value = None, -np.inf

    @property
    def known(self) -> bool:
        return self.x is not None

    def offer(self, x: np.ndarray, value: float) -> None:
        if value > self.value:
            self.x, self.value = x, value


#: Share of the time left (and most seconds) of the root's small MILP.
HEURISTIC_SHARE, HEURISTIC_MAX = 0.2, 30.0
#: Rounds of the small MILP (each adds the tail cut of its portfolio when that portfolio's t overstates).
HEURISTIC_ROUNDS = 8


def _heuristic(hs, h, tc: TailCuts, x: np.ndarray, integer: np.ndarray, scale: float, deadline,
               inc: _Incumbent) -> None:
    """Offer ``inc`` the portfolios found by a small MILP (HiGHS) on the master with its cuts, restricted to
    the root LP's support and the x columns whose reduced costs are closest to 0
    (:func:`~.warmstart.relax_fix_columns`), the others at 0.

    Its portfolios keep every rule (the master has all of them); its cut is added and the MILP re-solved
    while its ``t`` overstates its CVaR, at most :data:`HEURISTIC_ROUNDS` times, within
    :data:`HEURISTIC_SHARE` of the time left (at most :data:`HEURISTIC_MAX` seconds).  Each portfolio is
    offered as soon as it is found, so Ctrl-C keeps it."""
    from .backends import SEED, _quiet_stdout
    from .warmstart import relax_fix_columns

    m = tc.model
    n_x = m.n_x
    duals = np.asarray(h.getSolution().col_dual) / scale
    lb = m.lb[tc.cols]
    keep = np.ones(tc.cols.size, dtype=bool)
    keep[:n_x] = relax_fix_columns(duals, x, lb, n_x)
    with _quiet_stdout():
        sub = hs.Highs()
        for key, value in {"output_flag": False, "threads": 1, "mip_rel_gap": 1e-4, "random_seed": SEED}.items():
            sub.setOptionValue(key, value)
        sub.passModel(h.getLp())
    drop = np.flatnonzero(~keep).astype(np.int32)
    sub.changeColsBounds(drop.size, drop, np.zeros(drop.size), np.zeros(drop.size))
    ints = integer.astype(np.int32)
    sub.changeColsIntegrality(ints.size, ints, np.full(ints.size, hs.HighsVarType.kInteger))
    now = time.perf_counter()
    left = np.inf if deadline is None else deadline - now
    until = now + min(HEURISTIC_MAX, HEURISTIC_SHARE * left)
    for _ in range(HEURISTIC_ROUNDS):
        left = until - time.perf_counter()
        if left <= 0.1:
            break
        _time_left(sub, left)
        _run(sub)
        if sub.getInfo().primal_solution_status != 2:      # no feasible point
            break
        y = np.asarray(sub.getSolution().col_value).copy()
        y[integer] = np.round(y[integer])
        inc.offer(y, tc.value(y))
        z = float(sub.getInfo().objective_function_value) / scale
        if not tc.overstates(y, z):
            break
        g = tc.cut(y)
        idx = np.flatnonzero(g)
        sub.addRow(0.0, np.inf, idx.size + 1, np.r_[idx, tc.t].astype(np.int32), np.r_[g[idx], -1.0])


def _next(heap: list, diving: bool) -> "_Node":
    """The open node with the largest bound; while no portfolio is known, the newest (a depth-first
    dive, which reaches an integral point within a few dozen nodes)."""
    if not diving:
        return heapq.heappop(heap)
    i = max(range(len(heap)), key=lambda k: heap[k].seq)
    node = heap[i]
    heap[i] = heap[-1]
    heap.pop()
    heapq.heapify(heap)
    return node


def _bound(heap, pruned: float, best: float) -> float:
    """The proven bound: the largest of the open nodes' bounds, the pruned ones' and the incumbent."""
    top = max((-n.key for n in heap), default=-np.inf)
    return float(max(top, pruned, best))


def _apply(h, applied: dict, fixed: dict, lb0: np.ndarray, ub0: np.ndarray) -> None:
    """Set the master's bounds to ``fixed`` (column → 0/1), resetting the columns fixed for the last node."""
    undo = [j for j in applied if j not in fixed or fixed[j] != applied[j]]
    if undo:
        idx = np.array(undo, dtype=np.int32)
        h.changeColsBounds(idx.size, idx, lb0[idx], ub0[idx])
    new = {j: v for j, v in fixed.items() if applied.get(j) != v}
    if new:
        idx = np.fromiter(new, dtype=np.int32, count=len(new))
        vals = np.fromiter(new.values(), dtype=float, count=len(new))
        h.changeColsBounds(idx.size, idx, vals, vals)
    applied.clear()
    applied.update(fixed)


def _node_lp(hs, h, tc: TailCuts, cutoff: float, deadline, scale: float):
    """``(bound, x)`` of the node's LP with cuts added until exact (finitely many: ``Q`` has finitely many
    vertices) or until its value is at most ``cutoff``; ``(None, None)`` when infeasible.  Raises
    :class:`_OutOfTime` at the ``deadline`` (``time.perf_counter()`` seconds; ``None``: none)."""
    while True:
        if deadline is not None:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise _OutOfTime
            _time_left(h, left)
        st = _optimal_lp(hs, h)
        if st in (hs.HighsModelStatus.kInfeasible, hs.HighsModelStatus.kUnboundedOrInfeasible):
            return None, None
        if st == hs.HighsModelStatus.kTimeLimit:
            raise _OutOfTime
        z = float(h.getInfo().objective_function_value) / scale
        x = np.asarray(h.getSolution().col_value)
        if z <= cutoff or not tc.overstates(x, z):
            return z, x
        _add_cut(h, tc, x)


def _optimal_lp(hs, h):
    """Run ``h``'s LP and return its model status; a status other than optimal, infeasible or the time
    limit (HiGHS's ``Unknown`` after many warm re-solves with near-parallel cuts) is retried once from
    scratch, and raises :class:`~lineup.errors.SolverError` if it persists."""
    ok = (hs.HighsModelStatus.kOptimal, hs.HighsModelStatus.kInfeasible,
          hs.HighsModelStatus.kUnboundedOrInfeasible, hs.HighsModelStatus.kTimeLimit)
    _run(h)
    st = h.getModelStatus()
    if st in ok:
        return st
    h.clearSolver()
    _run(h)
    st = h.getModelStatus()
    if st in ok:
        return st
    raise SolverError(f"HiGHS stopped an LP of the tail-cut branch and bound with status "
                      f"{h.modelStatusToString(st)!r}; try --backend cbc with a smaller roster or "
                      f"fewer outcomes.planning_scenarios")


def _time_left(h, seconds: float) -> None:
    """Let ``h``'s next run take at most ``seconds``: HiGHS's ``time_limit`` counts the instance's run
    time over every run so far (measured), so it is set to that plus ``seconds``."""
    h.setOptionValue("time_limit", float(h.getRunTime()) + max(0.01, float(seconds)))


def _run(h) -> None:
    """Solve in HiGHS's own thread (:func:`~.backends.run_highs`); Ctrl-C cancels it and propagates."""
    from .backends import run_highs

    run_highs(h)


def _risky_example():
    """``(scenario, candidates)``: :func:`~.formulation.tiny_scenario` with ``objective.risk`` and a random
    outcome sample of 40 scenarios (for the examples)."""
    from dataclasses import replace

    from ..domain.outcomes import RiskSpec
    from . import rules
    from .formulation import tiny_scenario
    from .model import model_of

    sc = tiny_scenario()
    sc = replace(sc, spec=sc.spec.model_copy(update={"objective": sc.spec.objective.model_copy(
        update={"risk": RiskSpec(beta=0.7, alpha=0.1)})}))
    n = model_of(sc).n
    rng = np.random.default_rng(1)
    sample = rng.lognormal(0.0, 0.8, (40, n)) * (rng.random((40, n)) < 0.9) * model_of(sc).decisions.gain_e
    sc = replace(sc, outcome_sample=sample)
    return sc, rules.candidates(sc)

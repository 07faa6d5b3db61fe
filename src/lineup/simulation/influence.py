"""``lineup.maximize_influence``: seeds of maximum expected spread, with a guarantee.

Reverse influence sampling (Borgs et al. 2014): RR sets are drawn on the graph
(:mod:`lineup.simulation.rr_graph`), seeds are chosen greedily to cover as many of
them as possible (:mod:`lineup.simulation.coverage`).  How many sets is decided by
one of two stopping rules (``method``):

``"imm"`` (default; Tang, Shi & Xiao, SIGMOD 2015)
    Phase 1 finds a lower bound ``LB`` on the best spread: for ``x = n/2, n/4, …``
    it draws ``λ'/x`` sets and stops once the greedy's estimate reaches
    ``(1 + ε') x`` (``ε' = √2 ε``); then ``LB`` = that estimate ``/ (1 + ε')``.
    Phase 2 draws a **fresh** sample of ``θ = λ*/LB`` sets (fresh, as Chen 2018
    showed reusing phase 1's sets breaks the martingale argument) and chooses the
    seeds on it: with probability ``≥ 1 − δ/2`` their spread is at least
    ``(α − ε)`` times the best, ``α = 1 − 1/e`` for ``k`` seeds, ``(1 − 1/e)/2``
    under a budget::

        λ' = (2 + 2ε'/3) (ln N + ln(4/δ) + ln log₂ n) n / ε'²
        λ* = 2 n (α √ln(8/δ) + √(α (ln N + ln(8/δ))))² / ε²

    with ``N`` the number of feasible selections (``C(n, k)``).  An independent
    validation sample (sized by :func:`~lineup.domain.rrsets.sets_needed` for a
    relative error ``ε/2``) then estimates the seeds' spread; its OPIM lower bound
    over the OPIM upper bound on the optimum from the phase-2 sample is reported
    too, and the ratio returned is the larger of the two guarantees (each part
    fails with probability ``≤ δ/4``, so it holds with probability ``≥ 1 − δ``).
``"opim"`` (OPIM-C; Tang, Tang, Xiao & Yuan, SIGMOD 2018)
    Two independent samples ``R1``, ``R2`` of ``θ₀`` sets; greedy on ``R1``; the
    lower bound of the seeds' spread from ``R2`` over the upper bound on the best
    spread from ``R1`` (:func:`~lineup.domain.rrsets.lower_bound`,
    :func:`~lineup.domain.rrsets.upper_bound`) certifies a ratio; stop when it
    reaches ``α − ε`` or ``R1`` holds ``θ_max`` sets (:func:`theta_max`), else double
    both.  ``δ₁ = δ₂ = δ / (3 i_max)``.  Usually far fewer sets than IMM — but on a
    sparse graph where the best spread is a small share of the nodes the greedy then
    over-fits the sample (NetHEPT, IC p = 0.01, k = 50: 1.2M sets, seeds 10 % worse
    than IMM's, docs/model.md), though the certified ratio is true.

``max_sets`` caps every sample: if a rule asks for more, the sample is cut to
``max_sets``, the status is ``cap_reached`` (with a :class:`RuntimeWarning`) and the
ratio reported is only the certificate (lower / upper bound) reached, which still
holds with probability ``≥ 1 − δ``.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import numpy as np

from lineup._rng import SeedLike, as_generator
from lineup.domain.rrsets import RRSets, lower_bound, sets_needed, upper_bound
from lineup.errors import UsageError

from .coverage import BUDGET_RATIO, CARDINALITY_RATIO, Coverage, greedy_budget, greedy_k
from .graph import CSRGraph
from .rr_graph import Sampler
from .spread import resolve_arcs

__all__ = ["maximize_influence", "InfluenceResult", "InfluenceStatus", "DEFAULT_MAX_SETS", "theta_max"]

#: Default cap on the RR sets of one sample (≈ 32 bytes per set member while the greedy
#: runs: ~0.7 GB for 20M sets of ~1 node, more for large sets).
DEFAULT_MAX_SETS = 20_000_000
_Z95 = 1.959964


class InfluenceStatus(str, Enum):
    """Why the sampling stopped."""

    #: The ratio ``α − ε`` (or better) holds with probability ``≥ 1 − δ``.
    GUARANTEED = "guaranteed"
    #: ``max_sets`` cut a sample; :attr:`InfluenceResult.ratio` is only what was certified.
    CAP_REACHED = "cap_reached"


@dataclass(frozen=True, eq=False)
class InfluenceResult:
    """Seeds chosen by :func:`maximize_influence` and what is known about them.

    Attributes
    ----------
    seeds : tuple
        Node labels (networkx node ids, a CSRGraph's labels, else positions), in
        the order the greedy chose them.
    spread : float
        Expected spread of ``seeds`` (seeds included), estimated on an RR sample
        that played no part in choosing them (IMM: the validation sample; OPIM: ``R2``).
    spread_ci : tuple of float
        Normal 95 % interval of :attr:`spread` (binomial standard error on that sample).
    spread_lower : float
        OPIM-C lower bound on the expected spread from that sample (eq. 7).
    optimum_upper : float
        Upper bound on the best feasible spread from the selection sample (eq. 8).
    ratio : float
        Approximation ratio guaranteed with probability :attr:`confidence`:
        ``max(spread_lower / optimum_upper, α − ε)`` when the rule's sample size was
        reached, only the certificate when ``max_sets`` cut it.
    target_ratio : float
        ``α − ε``: ``1 − 1/e − ε`` with ``k``, ``(1 − 1/e)/2 − ε`` with a budget.
    confidence : float
        ``1 − δ``.
    status : InfluenceStatus
    rr_sets : int
        RR sets drawn (all samples, IMM's phase 1 included).
    method : str
        ``"imm"`` or ``"opim"``.
    marginal : tuple of float
        Estimated spread each seed added when chosen (on ``R1``).
    cost : float or None
        Total cost of the seeds (budgeted runs).
    seed_costs : tuple of float
        Cost of each seed (budgeted runs; empty otherwise).
    """

    seeds: tuple
    spread: float
    spread_ci: tuple[float, float]
    spread_lower: float
    optimum_upper: float
    ratio: float
    target_ratio: float
    confidence: float
    status: InfluenceStatus
    rr_sets: int
    seconds: float
    model: str
    epsilon: float
    method: str = "imm"
    marginal: tuple = ()
    cost: float | None = None
    seed_costs: tuple = ()
    budget: float | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def k(self) -> int:
        """Number of seeds."""
        return len(self.seeds)

    @property
    def guarantee(self) -> str:
        """The guarantee in words."""
        kind = "1 − 1/e − ε" if self.budget is None else "(1 − 1/e)/2 − ε"
        return (f"spread ≥ {self.ratio:.3f} × optimum with probability ≥ {self.confidence:.6g} "
                f"(target {kind} = {self.target_ratio:.3f}; {self.status.value})")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (seeds as given; numbers as floats)."""
        return {
            "seeds": list(self.seeds), "spread": self.spread, "spread_ci": list(self.spread_ci),
            "spread_lower": self.spread_lower, "optimum_upper": self.optimum_upper, "ratio": self.ratio,
            "target_ratio": self.target_ratio, "confidence": self.confidence, "status": self.status.value,
            "guarantee": self.guarantee, "rr_sets": self.rr_sets, "seconds": self.seconds, "model": self.model,
            "method": self.method, "epsilon": self.epsilon, "marginal": list(self.marginal), "cost": self.cost, "seed_costs": list(self.seed_costs),
            "budget": self.budget,
            "notes": list(self.notes),
        }

    def to_frame(self):
        """One row per seed: ``rank``, ``seed``, ``marginal`` (estimated added spread), ``cumulative``
        (and ``cost`` for budgeted runs)."""
        import pandas as pd

        marginal = np.asarray(self.marginal, dtype=float)
        frame = pd.DataFrame({"rank": np.arange(1, self.k + 1), "seed": list(self.seeds),
                              "marginal": marginal, "cumulative": np.cumsum(marginal)})
        if self.seed_costs:
            frame["cost"] = list(self.seed_costs)
        return frame

    def __repr__(self) -> str:
        return (f"InfluenceResult(k={self.k}, spread={self.spread:.6g}, ratio={self.ratio:.3f}, "
                f"status={self.status.value!r}, rr_sets={self.rr_sets:,})")


def maximize_influence(
    graph: Any,
    k: int | None = None,
    *,
    costs=None,
    budget: float | None = None,
    model: str = "ic",
    p=None,
    epsilon: float = 0.1,
    delta: float | None = None,
    method: str = "imm",
    max_sets: int = DEFAULT_MAX_SETS,
    seed: SeedLike = None,
) -> InfluenceResult:
    """Choose seeds of (near-)maximum expected spread, with a stated guarantee.

    Parameters
    ----------
    graph : networkx graph, CSRGraph or (src, dst) edge arrays
        As for :func:`lineup.spread`.
    k : int, optional
        Number of seeds (``1 .. n``).  Give either ``k`` or ``costs`` and ``budget``.
    costs : array_like or mapping, optional
        Cost of each node: one value per node in the graph's node order, or a
        mapping ``{node label: cost}`` (nodes left out are never chosen).
        Non-negative; ``inf`` excludes a node.
    budget : float, optional
        Largest total cost of the seeds (> 0).
    model : {"ic", "lt"}
    p : float, str or numpy.ndarray, optional
        As for :func:`lineup.spread` (``"wc"``: weighted cascade, ``1 / in-degree``).
    epsilon : float
        Slack of the guarantee, in ``(0, α)``.
    delta : float, optional
        The guarantee fails with probability at most ``delta``; default
        ``min(0.01, 1/n)`` (IMM's ``ℓ = 1``).
    method : {"imm", "opim"}
        Stopping rule (module docstring).
    max_sets : int
        Cap on the RR sets of any one sample.
    seed : int, SeedSequence or Generator, optional
        Same seed, same seeds and numbers.

    Returns
    -------
    InfluenceResult

    Raises
    ------
    lineup.errors.UsageError
        A bad argument (named in the message).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.star_graph(20)                                   # hub 0, leaves 1..20
    >>> res = maximize_influence(G, 1, p=0.5, seed=1)
    >>> res.seeds, res.status.value, bool(res.ratio >= res.target_ratio)
    ((0,), 'guaranteed', True)
    >>> res.spread_ci[0] < 11.0 < res.spread_ci[1]              # exact: 1 + 20 × 0.5
    True
    """
    started = time.perf_counter()
    csr, prob, lt = resolve_arcs(graph, model, p)
    n = csr.n
    if n == 0:
        raise UsageError("graph has no nodes")
    problem = _problem(csr, k, costs, budget)
    epsilon = _check_epsilon(epsilon, problem.alpha)
    delta = _check_delta(delta, n)
    max_sets = _check_max_sets(max_sets)
    rule = _check_method(method)
    sampler = Sampler(csr, prob, lt)
    run = rule(sampler, problem, epsilon, delta, max_sets, as_generator(seed))
    return _result(run, csr, problem, "lt" if lt else "ic", epsilon, delta, str(method).lower(),
                   time.perf_counter() - started)


# ----------------------------------------------------------------------------- the problem


@dataclass(frozen=True)
class _Problem:
    """Cardinality (``k``) or budget (``costs``, ``budget``) and its OPIM-C constants."""

    k: int | None
    costs: np.ndarray | None
    budget: float | None
    alpha: float
    log_choices: float     # ln(number of feasible selections), or an upper bound
    min_optimum: int       # a lower bound on the best spread (seeds activate themselves)

    def select(self, rr: RRSets) -> Coverage:
        if self.k is not None:
            return greedy_k(rr, self.k)
        return greedy_budget(rr, self.costs, self.budget)


def _problem(csr: CSRGraph, k, costs, budget) -> _Problem:
    n = csr.n
    if costs is None and budget is None:
        if k is None:
            raise UsageError("give k (the number of seeds), or costs and budget")
        k = _check_k(k, n)
        log_choices = math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
        return _Problem(k, None, None, CARDINALITY_RATIO, log_choices, k)
    if k is not None:
        raise UsageError(f"give either k or costs and budget, not both (got k={k!r})")
    if costs is None or budget is None:
        raise UsageError(f"costs and budget go together; {'budget' if budget is None else 'costs'} is missing")
    c = _costs(csr, costs)
    b = _check_budget(budget)
    fits = int(np.searchsorted(np.cumsum(np.sort(c)), b * (1 + 1e-12), side="right"))
    if fits == 0:
        raise UsageError(f"no node costs at most the budget {b!r} (cheapest: {float(c.min())!r})")
    log_choices = min(n * math.log(2.0), fits * (1.0 + math.log(n / fits)))   # Σ_{j≤K} C(n, j) ≤ (e n / K)^K
    return _Problem(None, c, b, BUDGET_RATIO, log_choices, fits)


def _check_k(k, n: int) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= n:
        raise UsageError(f"k must be an integer in 1..{n} (the graph's nodes), got {k!r}")
    return int(k)


def _costs(csr: CSRGraph, costs) -> np.ndarray:
    if isinstance(costs, Mapping) or hasattr(costs, "items") and not isinstance(costs, np.ndarray):
        c = _mapped_costs(csr, list(costs.items()))
    else:
        try:
            c = np.asarray(costs, dtype=np.float64).ravel()
        except (TypeError, ValueError):
            raise UsageError(f"costs must be numbers (one per node) or a mapping node -> cost, got {costs!r}") from None
        if c.shape != (csr.n,):
            raise UsageError(f"costs must have one value per node ({csr.n}), got {c.size}")
    bad = np.isnan(c) | (c < 0)
    if bad.any():
        raise UsageError(f"costs must be ≥ 0 (inf excludes a node); {int(bad.sum())} are not, "
                         f"e.g. {float(c[np.flatnonzero(bad)[0]])!r}")
    return c


def _mapped_costs(csr: CSRGraph, pairs: list) -> np.ndarray:
    """Costs from ``(node label, cost)`` pairs; nodes left out cost ``inf`` (never chosen)."""
    try:
        where = csr.index_of([x for x, _ in pairs]) if pairs else np.zeros(0, dtype=np.int64)
        values = np.asarray([v for _, v in pairs], dtype=np.float64)
    except UsageError as err:
        raise UsageError(f"costs name node(s) not in the graph: {err.message.split(': ', 1)[-1]}") from None
    except (TypeError, ValueError):
        raise UsageError("costs must map node labels to numbers") from None
    c = np.full(csr.n, np.inf)
    c[where] = values
    return c


def _check_budget(budget) -> float:
    if isinstance(budget, bool) or not isinstance(budget, (int, float, np.number)) or not 0 < budget < math.inf:
        raise UsageError(f"budget must be a positive finite number, got {budget!r}")
    return float(budget)


def _check_epsilon(epsilon, alpha: float) -> float:
    if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float, np.number)) or not 0 < epsilon < alpha:
        raise UsageError(f"epsilon must be a number in (0, {alpha:.4f}), got {epsilon!r}")
    return float(epsilon)


def _check_delta(delta, n: int) -> float:
    if delta is None:
        return min(0.01, 1.0 / n)
    if isinstance(delta, bool) or not isinstance(delta, (int, float, np.number)) or not 0 < delta < 1:
        raise UsageError(f"delta must be a number in (0, 1), got {delta!r}")
    return float(delta)


def _check_method(method):
    rules = {"imm": _imm, "opim": _opim}
    rule = rules.get(str(method).lower())
    if rule is None:
        raise UsageError(f"method must be one of {sorted(rules)}, got {method!r}")
    return rule


def _check_max_sets(max_sets) -> int:
    if isinstance(max_sets, bool) or not isinstance(max_sets, (int, np.integer)) or max_sets < 2:
        raise UsageError(f"max_sets must be an integer ≥ 2, got {max_sets!r}")
    return int(max_sets)


# ----------------------------------------------------------------------------- OPIM-C


def theta_max(n: int, alpha: float, log_choices: float, min_optimum: float, epsilon: float, delta: float) -> float:
    """RR sets for an ``(α − ε)`` guarantee with probability ``1 − δ/3`` (OPIM-C, Tang et al. 2018)::

        2 n (α √ln(6/δ) + √(α (ln N + ln(6/δ))))² / (ε² OPT_low)

    ``N`` is the number of feasible selections and ``OPT_low ≤ OPT`` (``k``).

    Examples
    --------
    >>> round(theta_max(15_229, 1 - 1 / math.e, 335.5, 50, 0.1, 1 / 15_229) / 1e6, 1)
    17.5
    """
    a = math.log(6.0 / delta)
    core = alpha * math.sqrt(a) + math.sqrt(alpha * (log_choices + a))
    return 2.0 * n * core ** 2 / (epsilon ** 2 * min_optimum)


@dataclass
class _Run:
    chosen: Coverage
    r1: RRSets          # the sample the seeds were chosen on
    r2: RRSets          # an independent sample: the estimate and lower bound
    lower: float
    upper: float
    ratio: float
    status: InfluenceStatus
    drawn: int
    notes: list


def _opim(sampler: Sampler, problem: _Problem, epsilon: float, delta: float, max_sets: int, rng) -> _Run:
    n = sampler.n
    top = theta_max(n, problem.alpha, problem.log_choices, problem.min_optimum, epsilon, delta)
    size = max(1, math.ceil(top * epsilon ** 2 * problem.min_optimum / n))
    rounds = max(1, math.ceil(math.log2(top / size))) + 1
    d = delta / (3.0 * rounds)
    size = min(size, max_sets)
    r1, r2 = sampler.draw(size, rng), sampler.draw(size, rng)
    target = problem.alpha - epsilon
    while True:
        chosen = problem.select(r1)
        lower = lower_bound(r2.covered(chosen.items), r2.count, n, d)
        upper = upper_bound(chosen.upper, r1.count, n, d)
        ratio = lower / upper if upper > 0 else 0.0
        if ratio >= target:
            return _Run(chosen, r1, r2, lower, upper, ratio, InfluenceStatus.GUARANTEED, r1.count + r2.count, [])
        if r1.count >= top:
            note = f"θ_max = {math.ceil(top):,} RR sets reached: the ratio {target:.3f} holds by the sample size"
            return _Run(chosen, r1, r2, lower, upper, max(ratio, target), InfluenceStatus.GUARANTEED,
                        r1.count + r2.count, [note])
        if 2 * r1.count > max_sets:
            note = _cap_note(max_sets, target, ratio)
            return _Run(chosen, r1, r2, lower, upper, ratio, InfluenceStatus.CAP_REACHED, r1.count + r2.count, [note])
        r1, r2 = r1.merged(sampler.draw(r1.count, rng)), r2.merged(sampler.draw(r2.count, rng))


def _cap_note(max_sets: int, target: float, ratio: float) -> str:
    note = (f"max_sets = {max_sets:,} cut the RR sample before the stopping rule's size: the target ratio "
            f"{target:.3f} is not guaranteed; certified ratio {ratio:.3f}")
    warnings.warn(note, RuntimeWarning, stacklevel=4)
    return note


def _imm(sampler: Sampler, problem: _Problem, epsilon: float, delta: float, max_sets: int, rng) -> _Run:
    """IMM with a fresh phase-2 sample and an independent validation sample (module docstring)."""
    n = sampler.n
    low, drawn = _imm_lower_bound(sampler, problem, epsilon, delta / 4.0, max_sets, rng)
    size = math.ceil(_imm_lambda_star(n, problem, epsilon, delta / 4.0) / low)
    notes, status = [], InfluenceStatus.GUARANTEED
    target = problem.alpha - epsilon
    r1 = sampler.draw(min(size, max_sets), rng)
    chosen = problem.select(r1)
    share = max(chosen.covered / r1.count, 1.0 / n)
    r2 = sampler.draw(min(max_sets, sets_needed(share, epsilon / 2.0, delta / 4.0)), rng)
    lower = lower_bound(r2.covered(chosen.items), r2.count, n, delta / 4.0)
    upper = upper_bound(chosen.upper, r1.count, n, delta / 4.0)
    ratio = lower / upper if upper > 0 else 0.0
    if size > max_sets:
        notes.append(_cap_note(max_sets, target, ratio))
        status = InfluenceStatus.CAP_REACHED
    else:
        ratio = max(ratio, target)
    return _Run(chosen, r1, r2, lower, upper, ratio, status, drawn + r1.count + r2.count, notes)


def _imm_lower_bound(sampler: Sampler, problem: _Problem, epsilon: float, delta: float, max_sets: int,
                     rng) -> tuple[float, int]:
    """IMM phase 1: a lower bound on the best spread (probability ``≥ 1 − δ``) and the sets drawn."""
    n = sampler.n
    eps1 = math.sqrt(2.0) * epsilon
    lam = ((2.0 + 2.0 * eps1 / 3.0) * (problem.log_choices + math.log(1.0 / delta) + math.log(max(math.log2(n), 1.0)))
           * n / eps1 ** 2)
    sample, low = None, float(problem.min_optimum)
    for i in range(1, max(2, math.ceil(math.log2(n)))):
        x = n / 2.0 ** i
        want = min(max_sets, math.ceil(lam / x))
        more = want - (sample.count if sample is not None else 0)
        if more > 0:
            extra = sampler.draw(more, rng)
            sample = extra if sample is None else sample.merged(extra)
        estimate = n * problem.select(sample).covered / sample.count
        if estimate >= (1.0 + eps1) * x:
            low = max(low, estimate / (1.0 + eps1))
            break
        if want == max_sets:           # capped: keep the sure bound (seeds activate themselves)
            break
    return low, (sample.count if sample is not None else 0)


def _imm_lambda_star(n: int, problem: _Problem, epsilon: float, delta: float) -> float:
    """IMM's ``λ*`` for failure probability ``delta``: ``θ = λ* / OPT`` sets suffice."""
    a = math.log(2.0 / delta)
    core = problem.alpha * math.sqrt(a) + math.sqrt(problem.alpha * (problem.log_choices + a))
    return 2.0 * n * core ** 2 / epsilon ** 2


def _result(run: _Run, csr: CSRGraph, problem: _Problem, model: str, epsilon: float, delta: float, method: str,
            seconds: float) -> InfluenceResult:
    items = run.chosen.items
    seeds = tuple(csr.labels[items].tolist()) if csr.labels is not None else tuple(int(i) for i in items)
    est, se = run.r2.estimate(items), run.r2.standard_error(items)
    scale = csr.n / run.r1.count
    seed_costs = () if problem.costs is None else tuple(problem.costs[items].tolist())
    return InfluenceResult(
        seeds=seeds, spread=est, spread_ci=(est - _Z95 * se, est + _Z95 * se), spread_lower=run.lower,
        optimum_upper=run.upper, ratio=min(1.0, run.ratio), target_ratio=problem.alpha - epsilon,
        confidence=1.0 - delta, status=run.status, rr_sets=run.drawn, seconds=seconds,
        model=model, epsilon=epsilon, method=method, marginal=tuple((run.chosen.gains * scale).tolist()),
        cost=None if problem.costs is None else float(sum(seed_costs)), seed_costs=seed_costs,
        budget=problem.budget, notes=tuple(run.notes),
    )

"""How much memory a model will need, estimated *before* it is built, and the cap it must fit.

A MILP over a large roster can need more memory than the machine has (CBC on a
1M-influencer roster: 920k columns, 8.7 GB; at 6M it died with ``std::bad_alloc``).
:func:`model_size` counts the columns and nonzeros :func:`~lineup.optimize.formulation.build`
would create, from the candidates alone, and :func:`estimate_bytes` turns them into
bytes with per-column and per-nonzero costs measured on the scaling benchmark
(``benchmarks/solve_scaling.py``, 20k and 100k influencers, peak resident memory
``ru_maxrss`` of the solver process or of lineup's) and rounded up:

=========  ===================  ====================
backend    bytes per column     bytes per nonzero
=========  ===================  ====================
cbc        600                  1,000
highs      400                  500
lineup     150                  250  (the arrays and the MPS file, added to both)
=========  ===================  ====================

plus 100 MB.  The cap (:func:`memory_cap`) is ``solver.memory_limit`` (GB) when
the scenario sets it, otherwise 80 % of the memory the kernel reports as available
(``MemAvailable`` in ``/proc/meminfo``; 8 GB where that file does not exist).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..domain.scenario import Scenario
from ..errors import ModelTooLargeError, argument
from .formulation import overlap_pairs

__all__ = ["ModelSize", "model_size", "estimate_bytes", "memory_cap", "memory_need", "check_memory", "check_sample"]

_PER = {"cbc": (600, 1_000), "highs": (400, 500)}
_LINEUP = (150, 250)
_BASE = 100e6
_AVAILABLE_SHARE = 0.8
_FALLBACK_CAP = 8e9


@dataclass(frozen=True)
class ModelSize:
    """Columns, rows and nonzeros of the portfolio model (see :mod:`lineup.optimize.formulation`)."""

    cols: int
    rows: int
    nnz: int


def model_size(scenario: Scenario, cand) -> ModelSize:
    """Size of ``build(scenario, cand)`` without building the matrix: the rules' rows counted.

    Examples
    --------
    >>> from lineup.optimize.formulation import build, tiny_scenario
    >>> from lineup.optimize import rules
    >>> sc = tiny_scenario()
    >>> m = build(sc, rules.candidates(sc))
    >>> model_size(sc, rules.candidates(sc)) == ModelSize(m.n_cols, m.shape[0], m.A.nnz)
    True
    """
    from .model import model_of

    m = model_of(scenario)
    rows_x = np.flatnonzero(np.asarray(cand.mask, dtype=bool))
    pos = np.full(m.n, -1, dtype=np.int64)
    pos[rows_x] = np.arange(rows_x.size)
    n_z = overlap_pairs(scenario, pos)[0].size
    n_rows, nnz = 0, 0
    for rule in m.rules:
        for row in rule.rows(m, pos):
            n_rows, nnz = n_rows + 1, nnz + len(row.cols)
    members_t = m.decisions.members_t
    for k in m.objective.coverage.column_niches():                       # coverage row + its y
        n_rows, nnz = n_rows + 1, nnz + int((pos[members_t[k].indices] >= 0).sum()) + 1
    n_y = len(m.objective.coverage.column_niches())
    n_t = 0
    if m.objective.talkers is not None:                                  # talkers rows + their t
        indptr, members, weight = m.cached(m.objective.talkers, "multiples", m.objective.talkers.rr.multiples)
        n_t = len(weight)
        nnz += int((pos[members] >= 0).sum()) + n_t
    n_s, rows_s, nnz_s = _scenario_rows(m, rows_x)
    return ModelSize(cols=rows_x.size + n_y + n_z + n_t + n_s, rows=n_rows + n_z + n_t + rows_s,
                     nnz=nnz + 3 * n_z + nnz_s)


def _scenario_rows(m, rows_x: np.ndarray) -> tuple[int, int, int]:
    """(columns, rows, nonzeros) of the scenario rows: the risk term's (eta, u and one dense row per scenario)
    and the chance rule's (miss, one dense row per scenario, its count row and the averaged cut); counted
    as dense, an upper bound."""
    X = m.scenario.outcome_sample
    if X is None:
        return 0, 0, 0
    S, dense = X.shape[0], int(np.count_nonzero(X[:, rows_x]))
    cols = rows = nnz = 0
    if m.objective.risk is not None and m.objective.risk.beta > 0:
        cols, rows, nnz = cols + S + 1, rows + S, nnz + dense + 2 * S
    if m.scenario.spec.constraints.target_probability is not None:
        cols, rows, nnz = cols + S, rows + S + 2, nnz + dense + 2 * S + rows_x.size
    return cols, rows, nnz


def check_sample(scenario: Scenario, scenarios: int, items: int, key: str) -> None:
    """Raise :class:`~lineup.errors.ModelTooLargeError` when ``scenarios × items`` outcome draws (the sample and
    its temporaries, about 32 bytes each) would not fit in 80 % of the available memory; ``key`` names the
    setting to lower.  (``solver.memory_limit`` caps the MILP, not the samples.)

    >>> from lineup.optimize.formulation import tiny_scenario
    >>> check_sample(tiny_scenario(), 10_000_000, 10**9, "outcomes.scenarios")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    lineup.errors.ModelTooLargeError: 10,000,000 outcome scenarios × 1,000,000,000 decisions need about 320000000.0 GB; ...
    """
    avail = _available_bytes()
    cap, source = ((_FALLBACK_CAP, f"the default of {_FALLBACK_CAP / 1e9:g} GB") if avail is None else
                   (_AVAILABLE_SHARE * avail, f"80% of the {avail / 1e9:.1f} GB of available memory"))
    need = 32.0 * scenarios * items
    if need > cap:
        raise ModelTooLargeError(f"{scenarios:,} outcome scenarios × {items:,} decisions need about {need / 1e9:.1f} "
                                 f"GB; the cap is {cap / 1e9:.1f} GB ({source}); lower {key} or filter the roster")


def estimate_bytes(size: ModelSize, backend: str) -> float:
    """Peak memory (bytes) to build ``size`` and solve it with ``backend`` (see the module table).

    Examples
    --------
    >>> round(estimate_bytes(ModelSize(cols=920_000, rows=40, nnz=9_000_000), "cbc") / 1e9, 1)
    12.0
    """
    per_col, per_nnz = _PER[backend]
    return _BASE + (per_col + _LINEUP[0]) * size.cols + (per_nnz + _LINEUP[1]) * size.nnz


def _available_bytes() -> float | None:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def memory_cap(scenario: Scenario) -> tuple[float, str]:
    """(bytes a model may need, where that number comes from)."""
    limit = scenario.spec.solver.memory_limit
    if limit is not None:
        return float(limit) * 1e9, f"solver.memory_limit = {limit:g} GB"
    avail = _available_bytes()
    if avail is None:
        return _FALLBACK_CAP, f"the default of {_FALLBACK_CAP / 1e9:g} GB"
    return _AVAILABLE_SHARE * avail, f"80% of the {avail / 1e9:.1f} GB of available memory"


def memory_need(scenario: Scenario, cand, backend: str) -> tuple[ModelSize, float, float, str]:
    """(model size, estimated bytes with ``backend``, the cap in bytes, where the cap comes from)."""
    size = model_size(scenario, cand)
    cap, source = memory_cap(scenario)
    return size, estimate_bytes(size, backend), cap, source


def check_memory(scenario: Scenario, cand, backend: str, *, greedy_failed: bool = False) -> ModelSize:
    """Raise :class:`~lineup.errors.ModelTooLargeError` when the MILP would need more than the cap.

    The message gives the estimate, the cap and what to do; ``greedy_failed``: the
    greedy already found nothing, so it is not suggested.  Returns the model size.
    """
    size, need, cap, source = memory_need(scenario, cand, backend)
    if need <= cap:
        return size
    first = ("the greedy found no portfolio satisfying every rule, and the full MILP" if greedy_failed
             else "the MILP")
    todo = ("relax the rules or filter the roster" if greedy_failed
            else f"use {argument('backend', 'greedy')} (a heuristic with a bound) or filter the roster")
    raise ModelTooLargeError(
        f"{first} for {cand.count:,} candidates ({size.cols:,} columns, {size.nnz:,} nonzeros) would need "
        f"about {need / 1e9:.1f} GB with {backend}; the cap is {cap / 1e9:.1f} GB ({source}). To go on, {todo} "
        f"(constraints.min_authenticity, countries, exclude, max_budget_share remove candidates), or raise "
        f"solver.memory_limit (GB) in the scenario")

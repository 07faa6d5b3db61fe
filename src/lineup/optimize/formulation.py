"""The portfolio MILP as arrays: ``max c·v  s.t.  lo ≤ A v ≤ hi,  lb ≤ v ≤ ub``.

Columns, in this order:

* ``x[<id>]`` — binary, one per *candidate* roster row (filtered rows get no column);
* ``y[<niche>]`` — coverage of a scenario niche, ``0 ≤ y_s ≤ 1`` and
  ``target_s · y_s ≤ n_s`` (row ``niches.<niche>.coverage``), only for niches whose
  objective weight ``objective.coverage × weight_s`` is positive;
* ``z[<a>|<b>]`` — overlap indicator of a candidate pair with duplicated engagement
  ``d_ij > 0``, ``z ≥ x_i + x_j − 1`` (row ``overlap[<a>|<b>]``), objective ``−d_ij``.
  Pairwise inclusion–exclusion: followers shared by three or more are subtracted
  more than once, so a large clique of overlapping creators is undervalued;
* every other objective term's columns (``t``, ``eta``/``u``, :mod:`.objective`), then the
  columns of rules that have their own (``miss[<s>]``, binary: :mod:`.constraints.chance`).

Every other row carries its report name (``budget``, ``constraints.tiers.micro.min``,
``niches.skincare.min_influencers``, ``constraints.include[alice]``,
``constraints.conflicts[a|b]`` …); names are sanitised only when a file is written.
Rows are one-sided (``lo = -inf`` or ``hi = +inf``) or equalities.  Nothing here loops
over roster rows: loops run over rules, tiers, niches and platforms only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from ..domain.scenario import Scenario

__all__ = ["LinearModel", "build", "with_slack", "overlap_pairs", "tiny_scenario"]

_INF = np.inf


@dataclass(frozen=True, eq=False)
class LinearModel:
    """A backend-neutral MILP (maximise), built from arrays.

    ``kind[r]`` says how row ``r`` is measured for the elastic diagnosis: ``"money"``
    (currency), ``"count"`` (influencers), ``"share"`` (currency of the platform's
    spend against its share), ``"include"``, ``"conflict"``; ``""`` for the structural
    coverage/overlap rows, which are never relaxed.  ``limit[r]`` is the planner's
    number (budget, count, share fraction).  ``scale[r]`` is the unit one slack is
    divided by in the elastic objective (the budget for money rows, 1 otherwise).

    Examples
    --------
    >>> from lineup.optimize.formulation import tiny_scenario
    >>> from lineup.optimize import rules
    >>> sc = tiny_scenario()
    >>> m = build(sc, rules.candidates(sc))
    >>> m.col_names[:2], m.row_names[0], m.shape
    (('x[ann]', 'x[bob]'), 'budget', (4, 7))
    """

    c: np.ndarray
    A: sp.csr_matrix
    row_lo: np.ndarray
    row_hi: np.ndarray
    row_names: tuple[str, ...]
    kind: tuple[str, ...]
    limit: np.ndarray
    scale: np.ndarray
    lb: np.ndarray
    ub: np.ndarray
    col_names: tuple[str, ...]
    n_x: int
    rows: np.ndarray  # roster row of each x column
    owners: tuple = ()  # the rule that owns each row (None: structural)
    decisions: np.ndarray = None  # type: ignore[assignment]  # decision of each x column
    integer: np.ndarray = None  # type: ignore[assignment]  # binary columns besides the x columns (a rule's own)

    def __post_init__(self) -> None:
        if self.integer is None:
            object.__setattr__(self, "integer", np.zeros(0, dtype=np.int64))

    def is_integer(self, relax: bool = False) -> np.ndarray:
        """Bool mask of the binary columns (none when ``relax``): the x columns and :attr:`integer`."""
        out = np.zeros(self.n_cols, dtype=bool)
        if not relax:
            out[: self.n_x] = True
            out[self.integer] = True
        return out

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns)."""
        return self.A.shape

    @property
    def n_cols(self) -> int:
        return self.A.shape[1]


@dataclass
class _Rows:
    """Accumulates named rows as COO triplets (row-local index, column, value)."""

    names: list
    kind: list
    limit: list
    scale: list
    lo: list
    hi: list
    r: list
    c: list
    v: list

    @classmethod
    def empty(cls) -> "_Rows":
        return cls(*([] for _ in range(9)))

    def add(self, name, cols, vals, lo, hi, kind="", limit=np.nan, scale=1.0):
        k = len(self.names)
        cols = np.asarray(cols, dtype=np.int64)
        self.names.append(name)
        self.kind.append(kind)
        self.limit.append(limit)
        self.scale.append(scale)
        self.lo.append(lo)
        self.hi.append(hi)
        self.r.append(np.full(cols.size, k, dtype=np.int64))
        self.c.append(cols)
        self.v.append(np.broadcast_to(np.asarray(vals, dtype=float), cols.shape))

    def add_many(self, names, r, cols, vals, lo, hi):
        """Structural rows (never relaxed): ``r`` are row-local indices 0..len(names)-1."""
        k = len(self.names)
        m = len(names)
        self.names.extend(names)
        self.kind.extend([""] * m)
        self.limit.extend([np.nan] * m)
        self.scale.extend([1.0] * m)
        self.lo.extend(np.broadcast_to(lo, m).tolist())
        self.hi.extend(np.broadcast_to(hi, m).tolist())
        self.r.append(np.asarray(r, dtype=np.int64) + k)
        self.c.append(np.asarray(cols, dtype=np.int64))
        self.v.append(np.asarray(vals, dtype=float))

    def matrix(self, n_cols: int) -> sp.csr_matrix:
        cat = lambda parts, dt: np.concatenate(parts).astype(dt) if parts else np.zeros(0, dt)  # noqa: E731
        A = sp.coo_matrix((cat(self.v, float), (cat(self.r, np.int64), cat(self.c, np.int64))),
                          shape=(len(self.names), n_cols))
        return A.tocsr()


# ------------------------------------------------------------------ public
def overlap_pairs(sc: Scenario, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate overlap pairs as (x column i, x column j, duplicated engagement d_ij > 0)."""
    from .model import model_of

    return model_of(sc).objective.overlap.pairs(pos)


def build(scenario: Scenario, cand) -> LinearModel:
    """Build the portfolio MILP of ``scenario`` over the candidates ``cand``.

    ``cand`` is a :class:`lineup.optimize.rules.Candidates` (its ``mask`` selects the
    x columns).  The rows are the rules' own (:meth:`~lineup.optimize.constraints.Rule.rows`,
    in rule order), then the objective terms' structural rows; the columns are ``x`` per
    candidate decision, then each term's.  Vectorised over decisions; loops only over rules.
    """
    from .model import model_of

    m = model_of(scenario)
    keep = np.asarray(cand.mask, dtype=bool)
    cand_rows = np.flatnonzero(keep)
    pos = np.full(m.n, -1, dtype=np.int64)
    pos[cand_rows] = np.arange(cand_rows.size)
    rows, owners = _Rows.empty(), []
    for rule in m.rules:
        for row in rule.rows(m, pos):
            rows.add(row.name, row.cols, row.vals, row.lo, row.hi, row.kind, row.limit, row.scale)
            owners.append(rule)
    n_x = cand_rows.size
    c_x = np.zeros(n_x)
    names, coefs, lbs, ubs, first = [], [], [np.zeros(n_x)], [np.ones(n_x)], n_x
    for term in m.objective.terms:
        c_x = c_x + term.x_coefficients(m, keep)
        term_names, term_c = term.columns(m, pos)
        term.add_rows(rows, m, pos, first)
        names += term_names
        coefs.append(np.asarray(term_c, dtype=float))
        lo, hi = term.bounds(m, pos) if hasattr(term, "bounds") else (np.zeros(len(term_names)),
                                                                       np.ones(len(term_names)))
        lbs.append(np.asarray(lo, dtype=float))
        ubs.append(np.asarray(hi, dtype=float))
        first += len(term_names)
    owners += [None] * (len(rows.names) - len(owners))
    integer = []
    for rule in (r for r in m.rules if hasattr(r, "columns")):   # rules with columns of their own (chance)
        rule_names, rule_c = rule.columns(m, pos)
        lo, hi = rule.bounds(m, pos)
        for row in rule.column_rows(m, pos, first):
            rows.add(row.name, row.cols, row.vals, row.lo, row.hi, row.kind, row.limit, row.scale)
            owners.append(rule if row.kind else None)
        names += rule_names
        coefs.append(np.asarray(rule_c, dtype=float))
        lbs.append(np.asarray(lo, dtype=float))
        ubs.append(np.asarray(hi, dtype=float))
        if getattr(rule, "integer", False):
            integer.append(first + np.arange(len(rule_names)))
        first += len(rule_names)
    c = np.concatenate([c_x, *coefs])
    labels = np.asarray(m.decisions.labels, dtype=object)[cand_rows]
    return LinearModel(
        c=c, A=rows.matrix(c.size), row_lo=np.asarray(rows.lo, float), row_hi=np.asarray(rows.hi, float),
        row_names=tuple(rows.names), kind=tuple(rows.kind), limit=np.asarray(rows.limit, float),
        scale=np.asarray(rows.scale, float), lb=np.concatenate(lbs), ub=np.concatenate(ubs),
        col_names=tuple(("x[" + labels + "]").tolist()) + tuple(names),
        n_x=n_x, rows=m.decisions.row[cand_rows], owners=tuple(owners), decisions=cand_rows,
        integer=np.concatenate(integer) if integer else np.zeros(0, dtype=np.int64),
    )


def with_slack(model: LinearModel, hard: frozenset[str] = frozenset()) -> tuple[LinearModel, np.ndarray]:
    """The elastic model: a slack column ``s_r ≥ 0`` on every named row not in ``hard``; rows of kind ``"cut"``
    (valid inequalities, e.g. ``target.average``) are left free.

    Objective: maximise ``−Σ s_r / scale_r`` (the original objective is dropped).
    Returns the model and the row index of each slack column.

    Examples
    --------
    >>> from lineup.optimize.formulation import tiny_scenario
    >>> from lineup.optimize import rules
    >>> sc = tiny_scenario()
    >>> m, slack_rows = with_slack(build(sc, rules.candidates(sc)))
    >>> [m.col_names[-len(slack_rows) + k] for k in range(2)]
    ['slack[budget]', 'slack[constraints.influencers.max]']
    """
    relax = np.asarray([k not in ("", "cut") and name not in hard for k, name in zip(model.kind, model.row_names)],
                       dtype=bool)
    srows = np.flatnonzero(relax)
    # ≥ rows and equalities get +s (they can only be short), ≤ rows get −s
    sign = np.where(np.isfinite(model.row_lo[srows]), 1.0, -1.0)
    S = sp.csr_matrix((sign, (srows, np.arange(srows.size))), shape=(model.shape[0], srows.size))
    k = srows.size
    return replace(
        model, row_lo=_without_cuts(model),
        c=np.concatenate([np.zeros(model.n_cols), -1.0 / model.scale[srows]]),
        A=sp.hstack([model.A, S], format="csr"),
        lb=np.concatenate([model.lb, np.zeros(k)]),
        ub=np.concatenate([model.ub, np.full(k, _INF)]),
        col_names=model.col_names + tuple(f"slack[{model.row_names[r]}]" for r in srows),
    ), srows


def _without_cuts(model: LinearModel) -> np.ndarray:
    """``row_lo`` with every ``≥`` row of kind ``"cut"`` loosened to its least possible activity over the column
    bounds, so that it holds everywhere (a valid cut holds for every selection keeping its rule; relaxing the
    rule must relax the cut too).  The row stays, finite, so that row indices and file formats are unchanged."""
    lo = model.row_lo.copy()
    for r in (k for k, kind in enumerate(model.kind) if kind == "cut"):
        row = model.A.getrow(r)
        a, j = row.data, row.indices
        least = np.minimum(a * model.lb[j], a * model.ub[j]).sum()
        lo[r] = least if np.isfinite(least) else -np.inf
    return lo


def tiny_scenario(**constraints) -> Scenario:
    """A five-influencer scenario for examples and the golden LP file.

    Examples
    --------
    >>> sc = tiny_scenario()
    >>> sc.roster.ids.tolist(), sc.budget
    (['ann', 'bob', 'cat', 'dan', 'eve'], 1000.0)
    """
    from ..domain.roster import Roster
    from ..domain.scenario import ScenarioSpec

    roster = Roster.from_columns(
        ids=["ann", "bob", "cat", "dan", "eve"], followers=[800, 4_000, 9_000, 30_000, 250_000],
        engagement_rate=[0.08, 0.05, 0.04, 0.025, 0.015], fee=[60, 250, 400, 700, 900],
        niches=[["skincare"], ["skincare", "vegan"], ["vegan"], ["fitness"], ["skincare"]],
        platform=["instagram", "tiktok", "instagram", "instagram", "youtube"],
    )
    spec = ScenarioSpec.model_validate({
        "name": "tiny", "currency": "GBP", "budget": 1000, "roster": "<memory>",
        "objective": {"engagement": 1.0, "coverage": 100.0},
        "niches": {"skincare": {"weight": 2, "target": 2}, "vegan": {"weight": 1}},
        "constraints": {"influencers": {"max": 3}, **constraints},
    })
    return Scenario(spec=spec, roster=roster)

"""The portfolio MILP as arrays: ``max c·v  s.t.  lo ≤ A v ≤ hi,  lb ≤ v ≤ ub``.

Columns, in this order:

* ``x[<id>]`` — binary, one per *candidate* roster row (filtered rows get no column);
* ``y[<niche>]`` — coverage of a scenario niche, ``0 ≤ y_s ≤ 1`` and
  ``target_s · y_s ≤ n_s`` (row ``niches.<niche>.coverage``), only for niches whose
  objective weight ``objective.coverage × weight_s`` is positive;
* ``z[<a>|<b>]`` — overlap indicator of a candidate pair with duplicated engagement
  ``d_ij > 0``, ``z ≥ x_i + x_j − 1`` (row ``overlap[<a>|<b>]``), objective ``−d_ij``.
  Pairwise inclusion–exclusion: followers shared by three or more are subtracted
  more than once, so a large clique of overlapping creators is undervalued.

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
from ..domain.tiers import TIER_NAMES

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


# ----------------------------------------------------------------- building blocks
def _money_rows(rows: _Rows, sc: Scenario, fee: np.ndarray) -> None:
    cols = np.arange(fee.size)
    rows.add("budget", cols, fee, -_INF, sc.budget, "money", sc.budget, sc.budget)
    ms = sc.spec.constraints.min_spend
    if ms is not None and ms > 0:
        rows.add("constraints.min_spend", cols, fee, ms, _INF, "money", ms, sc.budget)


def _count_rows(rows: _Rows, name: str, cols: np.ndarray, bounds) -> None:
    if bounds.min is not None and bounds.min > 0:
        rows.add(f"{name}.min", cols, 1.0, bounds.min, _INF, "count", bounds.min)
    if bounds.max is not None:
        rows.add(f"{name}.max", cols, 1.0, -_INF, bounds.max, "count", bounds.max)


def _tier_rows(rows: _Rows, sc: Scenario, cand_rows: np.ndarray) -> None:
    c = sc.spec.constraints
    _count_rows(rows, "constraints.influencers", np.arange(cand_rows.size), c.influencers)
    if not c.tiers:
        return
    codes = sc.tiers.codes_of(sc.roster.followers[cand_rows])
    for tier in TIER_NAMES:
        if tier in c.tiers:
            _count_rows(rows, f"constraints.tiers.{tier}", np.flatnonzero(codes == TIER_NAMES.index(tier)), c.tiers[tier])


def _niche_cols(sc: Scenario, niche: str, pos: np.ndarray) -> np.ndarray:
    """x columns of candidates listing ``niche`` (empty when the roster lacks it)."""
    if niche not in sc.roster.niche_names:
        return np.zeros(0, dtype=np.int64)
    m = sc.roster.niche_membership
    k = sc.roster.niche_names.index(niche)
    members = m.indices[m.indptr[k]:m.indptr[k + 1]]
    cols = pos[members]
    return np.sort(cols[cols >= 0])


def _niche_rows(rows: _Rows, sc: Scenario, pos: np.ndarray) -> None:
    for niche, ns in sc.spec.niches.items():
        if ns.min_influencers > 0:
            cols = _niche_cols(sc, niche, pos)
            rows.add(f"niches.{niche}.min_influencers", cols, 1.0, ns.min_influencers, _INF, "count", ns.min_influencers)


def _share_rows(rows: _Rows, sc: Scenario, cand_rows: np.ndarray, fee: np.ndarray) -> None:
    platform = sc.roster.platform[cand_rows]
    cols = np.arange(fee.size)
    for p, b in sc.spec.constraints.platforms.items():
        on_p = (platform == p).astype(float)
        name = f"constraints.platforms.{p}"
        if b.min_share is not None and b.min_share > 0:
            rows.add(f"{name}.min_share", cols, fee * (on_p - b.min_share), 0.0, _INF, "share", b.min_share, sc.budget)
        if b.max_share is not None and b.max_share < 1:
            rows.add(f"{name}.max_share", cols, fee * (on_p - b.max_share), -_INF, 0.0, "share", b.max_share, sc.budget)


def _id_cols(sc: Scenario, ids, pos: np.ndarray) -> np.ndarray:
    """x columns of ``ids`` (−1 for unknown ids or filtered rows)."""
    idx = [sc.roster.index_of(i) for i in ids]
    return np.asarray([-1 if r is None else pos[r] for r in idx], dtype=np.int64)


def _id_rows(rows: _Rows, sc: Scenario, pos: np.ndarray) -> None:
    c = sc.spec.constraints
    for i, col in zip(c.include, _id_cols(sc, c.include, pos)):
        # a filtered include keeps an empty row 0 = 1: infeasible, and named for the diagnosis
        rows.add(f"constraints.include[{i}]", [col] if col >= 0 else [], 1.0, 1.0, 1.0, "include", 1)
    for group in c.conflicts:
        cols = _id_cols(sc, group, pos)
        cols = np.unique(cols[cols >= 0])
        if cols.size >= 2:
            rows.add(f"constraints.conflicts[{'|'.join(group)}]", cols, 1.0, -_INF, 1.0, "conflict", 1)


# ------------------------------------------------------------- y and z columns
def _coverage_columns(sc: Scenario) -> tuple[list[str], np.ndarray]:
    w = sc.spec.objective.coverage
    names = [s for s, ns in sc.spec.niches.items() if w * ns.weight > 0]
    return names, np.asarray([w * sc.spec.niches[s].weight for s in names], dtype=float)


def _coverage_rows(rows: _Rows, sc: Scenario, niches: list[str], pos: np.ndarray, y0: int) -> None:
    for k, niche in enumerate(niches):
        xs = _niche_cols(sc, niche, pos)
        cols = np.concatenate([xs, [y0 + k]])
        vals = np.concatenate([-np.ones(xs.size), [float(sc.spec.niches[niche].target)]])
        rows.add(f"niches.{niche}.coverage", cols, vals, -_INF, 0.0)


def overlap_pairs(sc: Scenario, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate overlap pairs as (x column i, x column j, duplicated engagement d_ij > 0)."""
    ov = sc.overlap
    if ov is None or len(ov) == 0 or sc.spec.objective.engagement == 0:
        z = np.zeros(0, dtype=np.int64)
        return z, z, np.zeros(0)
    r = sc.roster
    e = r.posts * r.authenticity * r.engagement_rate
    i, j = np.asarray(ov.i, dtype=np.int64), np.asarray(ov.j, dtype=np.int64)
    d = np.asarray(ov.shared, dtype=float) * np.minimum(e[i], e[j])
    keep = (pos[i] >= 0) & (pos[j] >= 0) & (d > 0)
    return pos[i[keep]], pos[j[keep]], d[keep]


def _overlap_rows(rows: _Rows, ids: np.ndarray, pi, pj, z0: int) -> list[str]:
    names = ("[" + ids[pi] + "|" + ids[pj] + "]").tolist() if pi.size else []
    k = np.arange(pi.size)
    rows.add_many(["overlap" + s for s in names], np.repeat(k, 3),
                  np.column_stack([pi, pj, z0 + k]).ravel(), np.tile([1.0, 1.0, -1.0], pi.size), -_INF, 1.0)
    return ["z" + s for s in names]


# ------------------------------------------------------------------ public
def build(scenario: Scenario, cand) -> LinearModel:
    """Build the portfolio MILP of ``scenario`` over the candidates ``cand``.

    ``cand`` is a :class:`lineup.optimize.rules.Candidates` (its ``mask`` selects the
    x columns).  Vectorised over roster rows; loops only over rules.
    """
    sc, r = scenario, scenario.roster
    cand_rows = np.flatnonzero(np.asarray(cand.mask, dtype=bool))
    pos = np.full(r.n, -1, dtype=np.int64)
    pos[cand_rows] = np.arange(cand_rows.size)
    fee = r.fee[cand_rows]
    niches, w_y = _coverage_columns(sc)
    pi, pj, d = overlap_pairs(sc, pos)
    n_x, n_y = cand_rows.size, len(niches)
    rows = _Rows.empty()
    _money_rows(rows, sc, fee)
    _tier_rows(rows, sc, cand_rows)
    _niche_rows(rows, sc, pos)
    _share_rows(rows, sc, cand_rows, fee)
    _id_rows(rows, sc, pos)
    _coverage_rows(rows, sc, niches, pos, n_x)
    ids = r.ids[cand_rows]
    z_names = _overlap_rows(rows, ids, pi, pj, n_x + n_y)
    w_e = sc.spec.objective.engagement
    c = np.concatenate([w_e * r.expected_engagement[cand_rows], w_y, -w_e * d])
    n = c.size
    return LinearModel(
        c=c, A=rows.matrix(n), row_lo=np.asarray(rows.lo, float), row_hi=np.asarray(rows.hi, float),
        row_names=tuple(rows.names), kind=tuple(rows.kind), limit=np.asarray(rows.limit, float),
        scale=np.asarray(rows.scale, float), lb=np.zeros(n), ub=np.ones(n),
        col_names=tuple(("x[" + ids + "]").tolist()) + tuple(f"y[{s}]" for s in niches) + tuple(z_names),
        n_x=n_x, rows=cand_rows,
    )


def with_slack(model: LinearModel, hard: frozenset[str] = frozenset()) -> tuple[LinearModel, np.ndarray]:
    """The elastic model: a slack column ``s_r ≥ 0`` on every named row not in ``hard``.

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
    relax = np.asarray([k != "" and name not in hard for k, name in zip(model.kind, model.row_names)], dtype=bool)
    srows = np.flatnonzero(relax)
    # ≥ rows and equalities get +s (they can only be short), ≤ rows get −s
    sign = np.where(np.isfinite(model.row_lo[srows]), 1.0, -1.0)
    S = sp.csr_matrix((sign, (srows, np.arange(srows.size))), shape=(model.shape[0], srows.size))
    k = srows.size
    return replace(
        model,
        c=np.concatenate([np.zeros(model.n_cols), -1.0 / model.scale[srows]]),
        A=sp.hstack([model.A, S], format="csr"),
        lb=np.concatenate([model.lb, np.zeros(k)]),
        ub=np.concatenate([model.ub, np.full(k, _INF)]),
        col_names=model.col_names + tuple(f"slack[{model.row_names[r]}]" for r in srows),
    ), srows


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

"""The objective: a weighted sum of terms, each owning its columns, rows and value.

Value of a selection (DESIGN.md §4): ``objective.engagement × (Σ E_i − overlap_dup) +
objective.coverage × Σ_s weight_s × min(1, n_s / target_s)``.  Terms:

* :class:`Engagement` — ``w_e · E_i`` on every ``x`` column;
* :class:`Coverage` — a column ``y[<niche>]`` per niche with a positive weight,
  ``0 ≤ y_s ≤ 1`` and ``target_s · y_s ≤ n_s`` (row ``niches.<niche>.coverage``);
* :class:`Overlap` — a column ``z[<a>|<b>]`` per candidate pair with duplicated engagement
  ``d_ij = shared_ij × min(e_i, e_j) > 0`` (``e`` the engagement per follower),
  ``z ≥ x_i + x_j − 1`` (row ``overlap[<a>|<b>]``), objective ``−w_e · d_ij``: pairwise
  inclusion–exclusion, so followers shared by three or more are subtracted more than once;
* :class:`Talkers` (only when ``objective.talkers > 0``) — expected talkers estimated on a
  sample of reverse-reachable sets over the decisions (:mod:`lineup.domain.rrsets`):
  ``w_t · people/θ · (Σ_i singles_i x_i + Σ_k m_k t_k)``, a column ``t[<k>]`` in ``[0, 1]``
  per distinct set of two or more decisions (``m_k`` sampled sets alike), with
  ``t_k ≤ Σ_{i ∈ k} x_i`` (row ``talkers.rr[<k>]``): maximum coverage;
* :class:`Risk` (only with ``objective.risk`` and a sample of outcome scenarios) — replaces the
  engagement term by ``w_e · [(1 − β) Σ_i μ_i x_i + β · CVaR_α]`` (``μ_i = p_i E_i``, the expected
  engagements under the outcome model) on ``S`` sampled scenarios ``X_is``, linearised after
  Rockafellar & Uryasev: columns ``eta`` (free, ≥ 0 here since outcomes are) and ``u[<s>] ≥ 0``,
  ``CVaR_α = eta − Σ_s u_s / (α S)`` with rows ``risk.scenario[<s>]``:
  ``u_s − eta + Σ_i X_is x_i ≥ 0``.  The overlap term then weighs ``(1 − β) w_e`` (it corrects
  the mean); the CVaR is of gross engagements.

:class:`Objective` is a tuple of terms; a term is any object with the :class:`Term`
methods: its objective coefficients on the ``x`` columns, its own columns (names and
coefficients, and optionally ``bounds``: [0, 1] otherwise), its structural rows, its weighted
``value`` of a selection and ``gain`` (each
decision's value alone, the greedy's first marginal gains).  The greedy keeps the built-in
terms' marginal gains exact as the portfolio grows (coverage saturates, overlap subtracts);
a term with a ``tracker(model)`` (talkers: RR sets become covered) updates its own; another
term's gains are taken as fixed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from ..domain.outcomes import Items, cvar
from ..domain.rrsets import Cover, RRSets
from .constraints.base import Selection

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model

__all__ = ["Term", "Engagement", "Coverage", "Overlap", "Talkers", "Risk", "Cost", "Objective", "objective_of"]


class Term(Protocol):
    """What an objective term provides (see the module docstring)."""

    def x_coefficients(self, model: "Model", keep: np.ndarray) -> np.ndarray: ...

    def columns(self, model: "Model", pos: np.ndarray) -> tuple[list[str], np.ndarray]: ...

    def add_rows(self, rows, model: "Model", pos: np.ndarray, first: int) -> None: ...

    def value(self, model: "Model", sel: Selection) -> float: ...

    def gain(self, model: "Model") -> np.ndarray: ...


def _no_x(model: "Model", keep: np.ndarray) -> np.ndarray:
    return np.zeros(int(np.count_nonzero(keep)))


@dataclass(frozen=True, eq=False)
class Engagement:
    """``weight × Σ E_i`` over the selected decisions."""

    weight: float

    def x_coefficients(self, model: "Model", keep: np.ndarray) -> np.ndarray:
        return self.weight * model.decisions.gain_e[keep]

    def columns(self, model: "Model", pos: np.ndarray) -> tuple[list[str], np.ndarray]:
        return [], np.zeros(0)

    def add_rows(self, rows, model: "Model", pos: np.ndarray, first: int) -> None:
        return None

    def raw(self, model: "Model", sel: Selection) -> float:
        """Σ E_i of the selection (before any overlap)."""
        return float(model.decisions.gain_e[sel.mask].sum())

    def value(self, model: "Model", sel: Selection) -> float:
        return self.weight * self.raw(model, sel)

    def gain(self, model: "Model") -> np.ndarray:
        return self.weight * model.decisions.gain_e


@dataclass(frozen=True, eq=False)
class Coverage:
    """``weight × Σ_s weight_s × min(1, n_s / target_s)`` over the scenario's niches."""

    weight: float
    niches: tuple
    targets: np.ndarray
    weights: np.ndarray

    def column_niches(self) -> list[int]:
        """Positions of the niches that get a ``y`` column (positive weight in the objective)."""
        return [k for k in range(len(self.niches)) if self.weight * self.weights[k] > 0]

    def columns(self, model: "Model", pos: np.ndarray) -> tuple[list[str], np.ndarray]:
        ks = self.column_niches()
        return [f"y[{self.niches[k]}]" for k in ks], np.asarray([self.weight * self.weights[k] for k in ks], dtype=float)

    def add_rows(self, rows, model: "Model", pos: np.ndarray, first: int) -> None:
        members_t = model.decisions.members_t
        for j, k in enumerate(self.column_niches()):
            xs = pos[members_t[k].indices]
            xs = np.sort(xs[xs >= 0])
            cols = np.concatenate([xs, [first + j]])
            vals = np.concatenate([-np.ones(xs.size), [float(self.targets[k])]])
            rows.add(f"niches.{self.niches[k]}.coverage", cols, vals, -np.inf, 0.0)

    def shares(self, sel: Selection) -> np.ndarray:
        """``y_s = min(1, n_s / target_s)`` per niche."""
        return np.minimum(1.0, sel.niches / self.targets) if len(self.targets) else np.zeros(0)

    def x_coefficients(self, model: "Model", keep: np.ndarray) -> np.ndarray:
        return _no_x(model, keep)

    def value(self, model: "Model", sel: Selection) -> float:
        y = self.shares(sel)
        return float(self.weight * (self.weights @ y)) if len(y) else 0.0

    @property
    def drop(self) -> np.ndarray:
        """Coverage gain a member loses when its niche reaches its target, per niche."""
        return self.weight * self.weights / self.targets if len(self.targets) else np.zeros(0)

    def gain(self, model: "Model") -> np.ndarray:
        return model.decisions.members @ self.drop if len(self.niches) else np.zeros(model.decisions.n)


@dataclass(frozen=True, eq=False)
class Overlap:
    """Duplicated engagement of overlapping pairs (decisions ``i``, ``j``, amount ``d``)."""

    weight: float
    i: np.ndarray
    j: np.ndarray
    d: np.ndarray

    def pairs(self, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Candidate pairs as (column i, column j, d > 0); none when engagement has no weight."""
        if self.weight == 0 or not len(self.d):
            z = np.zeros(0, dtype=np.int64)
            return z, z, np.zeros(0)
        keep = (pos[self.i] >= 0) & (pos[self.j] >= 0) & (self.d > 0)
        return pos[self.i[keep]], pos[self.j[keep]], self.d[keep]

    def x_coefficients(self, model: "Model", keep: np.ndarray) -> np.ndarray:
        return _no_x(model, keep)

    def _names(self, model: "Model", pos: np.ndarray) -> list[str]:
        pi, pj, _ = self.pairs(pos)
        labels = np.asarray(model.decisions.labels, dtype=object)[pos >= 0]
        return ("[" + labels[pi] + "|" + labels[pj] + "]").tolist() if pi.size else []

    def columns(self, model: "Model", pos: np.ndarray) -> tuple[list[str], np.ndarray]:
        """A ``z`` column per candidate pair, worth ``−weight × d``."""
        return ["z" + s for s in self._names(model, pos)], -self.weight * self.pairs(pos)[2]

    def add_rows(self, rows, model: "Model", pos: np.ndarray, first: int) -> None:
        """The ``overlap`` rows ``x_i + x_j − z ≤ 1`` (its columns start at ``first``)."""
        pi, pj, _ = self.pairs(pos)
        k = np.arange(pi.size)
        rows.add_many(["overlap" + s for s in self._names(model, pos)], np.repeat(k, 3),
                      np.column_stack([pi, pj, first + k]).ravel(), np.tile([1.0, 1.0, -1.0], pi.size), -np.inf, 1.0)

    def value(self, model: "Model", sel: Selection) -> float:
        return -self.weight * self.duplicated(sel)

    def gain(self, model: "Model") -> np.ndarray:
        return np.zeros(model.decisions.n)

    def duplicated(self, sel: Selection) -> float:
        m = sel.mask
        return float(self.d[m[self.i] & m[self.j]].sum()) if len(self.d) else 0.0


@dataclass(frozen=True, eq=False)
class Talkers:
    """``weight × expected talkers``, estimated as ``people × covered / θ`` on RR sets over the decisions.

    Examples
    --------
    >>> rr = RRSets.from_lists([[0], [0, 1], [2]], count=10, n=3, people=100)
    >>> t = Talkers(2.0, rr)
    >>> t.unit, t.single_values().tolist(), t.alone().tolist()
    (10.0, [20.0, 0.0, 20.0], [40.0, 20.0, 20.0])
    """

    weight: float
    rr: RRSets

    @property
    def unit(self) -> float:
        """Expected talkers one covered set stands for (people / θ)."""
        return self.rr.people / self.rr.count

    def single_values(self) -> np.ndarray:
        """Per decision, the weighted talkers of the sets that hold it alone."""
        return self.weight * self.unit * self.rr.singles()

    def alone(self) -> np.ndarray:
        """Per decision, its weighted expected talkers when chosen alone (an upper bound on any marginal gain)."""
        per_member = np.repeat(self.rr.weight(), self.rr.sizes())
        return self.weight * self.unit * np.bincount(self.rr.members, weights=per_member, minlength=self.rr.n)

    def _multiples(self, model: "Model"):
        return model.cached(self, "multiples", self.rr.multiples)

    def x_coefficients(self, model: "Model", keep: np.ndarray) -> np.ndarray:
        return self.single_values()[keep]

    def columns(self, model: "Model", pos: np.ndarray) -> tuple[list[str], np.ndarray]:
        """A ``t`` column per distinct set of two or more decisions, worth ``weight × unit × m_k``."""
        _, _, m = self._multiples(model)
        return [f"t[{k}]" for k in range(len(m))], self.weight * self.unit * m

    def add_rows(self, rows, model: "Model", pos: np.ndarray, first: int) -> None:
        """Rows ``talkers.rr[<k>]``: ``t_k − Σ_{i ∈ k} x_i ≤ 0`` over the decisions still candidates."""
        indptr, members, m = self._multiples(model)
        if not len(m):
            return
        owner = np.repeat(np.arange(len(m)), np.diff(indptr))
        col = pos[members]
        kept = col >= 0
        owner, col = owner[kept], col[kept]
        k = np.arange(len(m))
        local = np.concatenate([owner, k])
        cols = np.concatenate([col, first + k])
        vals = np.concatenate([-np.ones(col.size), np.ones(len(m))])
        order = np.argsort(local, kind="stable")
        rows.add_many([f"talkers.rr[{j}]" for j in k.tolist()], local[order], cols[order], vals[order], -np.inf, 0.0)

    def talkers(self, sel: Selection) -> float:
        """Expected talkers of the selection (unweighted)."""
        return self.rr.estimate(sel.mask)

    def value(self, model: "Model", sel: Selection) -> float:
        return self.weight * self.talkers(sel)

    def gain(self, model: "Model") -> np.ndarray:
        return self.alone()

    def tracker(self, model: "Model") -> "CoverageTracker":
        """The greedy's exact marginal gains as sets become covered."""
        index = model.cached(self, "by_item", self.rr.by_item)
        return CoverageTracker(self.rr.cover(index), self.weight * self.unit)


@dataclass(eq=False)
class CoverageTracker:
    """The greedy's view of a :class:`~lineup.domain.rrsets.Cover`: adding a decision lowers the
    greedy's gains by ``worth`` × each item's lost coverage."""

    cover: Cover
    worth: float

    def add(self, r: int, gain: np.ndarray) -> np.ndarray:
        """Cover the sets of decision ``r``; lower ``gain`` in place; the decisions whose gain changed."""
        self.cover.take(r)
        touched, drop = self.cover.last
        gain[touched] -= self.worth * drop
        return touched

    def start(self, gain: np.ndarray) -> None:
        """Nothing to add to the empty portfolio's gains."""
        return None

    def copy(self) -> "CoverageTracker":
        return CoverageTracker(self.cover.copy(), self.worth)


@dataclass(frozen=True, eq=False)
class Risk:
    """``weight × [(1 − beta) Σ μ_i x_i + beta × CVaR_alpha(Σ_i X_is x_i)]`` on a sample ``X`` (scenarios × decisions).

    Examples
    --------
    >>> X = np.array([[0.0, 4.0], [2.0, 4.0], [4.0, 4.0], [6.0, 0.0]])
    >>> r = Risk(1.0, 1.0, 0.25, X.mean(axis=0), X)
    >>> r.gain(None).tolist()                 # alone: the worst scenario of each
    [0.0, 0.0]
    >>> round(r.of_mask(np.array([True, True])), 6)   # together: totals 4, 6, 8, 6
    4.0
    """

    weight: float
    beta: float
    alpha: float
    mean: np.ndarray          # μ_i per decision
    sample: np.ndarray        # S × decisions

    @property
    def scenarios(self) -> int:
        return int(self.sample.shape[0])

    def x_coefficients(self, model: "Model", keep: np.ndarray) -> np.ndarray:
        return self.weight * (1 - self.beta) * self.mean[keep]

    def columns(self, model: "Model", pos: np.ndarray) -> tuple[list[str], np.ndarray]:
        """``eta`` worth ``weight × beta``, then ``u[<s>]`` worth ``−weight × beta / (alpha S)`` each."""
        w, S = self.weight * self.beta, self.scenarios
        if w == 0:
            return [], np.zeros(0)
        return ["eta", *(f"u[{s}]" for s in range(S))], np.r_[w, np.full(S, -w / (self.alpha * S))]

    def bounds(self, model: "Model", pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``0 ≤ eta ≤`` the largest scenario total of every candidate, ``u ≥ 0``."""
        if self.weight * self.beta == 0:
            return np.zeros(0), np.zeros(0)
        top = float(self.sample[:, pos >= 0].sum(axis=1).max(initial=0.0))
        return np.zeros(self.scenarios + 1), np.r_[top, np.full(self.scenarios, np.inf)]

    def add_rows(self, rows, model: "Model", pos: np.ndarray, first: int) -> None:
        """Rows ``risk.scenario[<s>]``: ``Σ_i X_is x_i − eta + u_s ≥ 0``."""
        if self.weight * self.beta == 0:
            return
        S = self.scenarios
        keep = np.flatnonzero(pos >= 0)
        X = self.sample[:, keep]
        nz = X != 0
        r, k = np.nonzero(nz)
        local = np.concatenate([r, np.arange(S), np.arange(S)])
        cols = np.concatenate([pos[keep][k], np.full(S, first), first + 1 + np.arange(S)])
        vals = np.concatenate([X[nz], -np.ones(S), np.ones(S)])
        order = np.argsort(local, kind="stable")
        rows.add_many([f"risk.scenario[{s}]" for s in range(S)], local[order], cols[order], vals[order], 0.0, np.inf)

    def totals(self, mask: np.ndarray) -> np.ndarray:
        """Engagements of the selection in each sampled scenario."""
        return self.sample[:, np.asarray(mask, dtype=bool)].sum(axis=1)

    def of_mask(self, mask: np.ndarray) -> float:
        m = np.asarray(mask, dtype=bool)
        tail = float(cvar(self.totals(m), self.alpha)) if self.beta > 0 else 0.0
        return self.weight * ((1 - self.beta) * float(self.mean[m].sum()) + self.beta * tail)

    def value(self, model: "Model", sel: Selection) -> float:
        return self.of_mask(sel.mask)

    def gain(self, model: "Model") -> np.ndarray:
        tail = cvar(self.sample, self.alpha, axis=0) if self.beta > 0 else 0.0
        return self.weight * ((1 - self.beta) * self.mean + self.beta * tail)

    def tracker(self, model: "Model") -> "RiskTracker":
        """The greedy's marginal gains as the portfolio's scenario totals grow (exact, plus
        :data:`GREEDY_MEAN_SHARE` of the mean)."""
        return RiskTracker(self, np.zeros(self.scenarios), self.gain(model), np.zeros(self.mean.size))


#: The greedy adds this share of a creator's mean to its risk gain.  Alone, most creators' CVaR is 0 (in
#: their worst scenarios they do not post), so with beta = 1 every first gain would be 0 and the greedy would
#: stop empty; the share lets the mean break those ties (the portfolio is then evaluated exactly).
GREEDY_MEAN_SHARE = 1e-3


@dataclass(eq=False)
class RiskTracker:
    """Marginal gains of :class:`Risk` for the portfolio's scenario totals ``T``:
    ``weight × [(1 − beta) μ_i + beta (CVaR(T + X_i) − CVaR(T))]``, plus :data:`GREEDY_MEAN_SHARE` of
    ``weight × μ_i``.  Every decision's gain moves, and may rise: CVaR is superadditive (a creator who does
    well when the portfolio does badly is worth more)."""

    term: Risk
    totals: np.ndarray
    base: np.ndarray          # the term's gains for the empty portfolio (what Objective.gain starts from)
    last: np.ndarray          # what the tracker has added to each gain so far

    def exact(self) -> np.ndarray:
        """The exact marginal gains of the term at the current totals."""
        t = self.term
        now = t.weight * (1 - t.beta) * t.mean
        if t.beta > 0:
            lift = cvar(self.totals[:, None] + t.sample, t.alpha, axis=0) - cvar(self.totals, t.alpha)
            now = now + t.weight * t.beta * lift
        return now

    def _shift(self, gain: np.ndarray, now: np.ndarray) -> None:
        gain += now - self.last
        self.last = now

    def start(self, gain: np.ndarray) -> None:
        """The empty portfolio's gains get the mean share."""
        self._shift(gain, GREEDY_MEAN_SHARE * self.term.weight * self.term.mean)

    def add(self, r: int, gain: np.ndarray) -> np.ndarray:
        self.totals = self.totals + self.term.sample[:, r]
        self._shift(gain, self.exact() - self.base + GREEDY_MEAN_SHARE * self.term.weight * self.term.mean)
        return np.arange(gain.size)

    def copy(self) -> "RiskTracker":
        return RiskTracker(self.term, self.totals.copy(), self.base, self.last.copy())


@dataclass(frozen=True, eq=False)
class Cost:
    """``−weight × Σ (fee + management cost)``: the objective of ``objective.minimise: cost`` (the cheapest
    portfolio that keeps every rule, the target's chance constraint included).

    >>> from lineup.optimize.formulation import tiny_scenario
    >>> from lineup.optimize.model import model_of
    >>> m = model_of(tiny_scenario())
    >>> Cost(1.0).gain(m).tolist()
    [-60.0, -250.0, -400.0, -700.0, -900.0]
    """

    weight: float

    @staticmethod
    def total(model: "Model") -> np.ndarray:
        d = model.decisions
        return d.fee + d.management

    def x_coefficients(self, model: "Model", keep: np.ndarray) -> np.ndarray:
        return -self.weight * self.total(model)[keep]

    def columns(self, model: "Model", pos: np.ndarray) -> tuple[list[str], np.ndarray]:
        return [], np.zeros(0)

    def add_rows(self, rows, model: "Model", pos: np.ndarray, first: int) -> None:
        return None

    def value(self, model: "Model", sel: Selection) -> float:
        return -self.weight * float(self.total(model)[sel.mask].sum())

    def gain(self, model: "Model") -> np.ndarray:
        return -self.weight * self.total(model)


@dataclass(frozen=True, eq=False)
class Objective:
    """The scenario's objective: a sum of terms (engagement, coverage and overlap by default)."""

    terms: tuple

    def _of(self, kind: type):
        return next(t for t in self.terms if isinstance(t, kind))

    @property
    def engagement(self) -> Engagement:
        return self._of(Engagement)

    @property
    def coverage(self) -> Coverage:
        return self._of(Coverage)

    @property
    def overlap(self) -> Overlap:
        return self._of(Overlap)

    @property
    def talkers(self) -> "Talkers | None":
        """The talkers term (None when ``objective.talkers`` is 0)."""
        return next((t for t in self.terms if isinstance(t, Talkers)), None)

    @property
    def risk(self) -> "Risk | None":
        """The risk term (None without ``objective.risk`` or without a sample)."""
        return next((t for t in self.terms if isinstance(t, Risk)), None)

    def value(self, model: "Model", sel: Selection) -> float:
        """The selection's objective value: the sum of its terms' values."""
        return float(sum(t.value(model, sel) for t in self.terms))

    def gain(self, model: "Model") -> np.ndarray:
        """Each decision's value alone (the greedy's first marginal gains)."""
        return np.sum([t.gain(model) for t in self.terms], axis=0)


def _per_follower(scenario, decisions) -> np.ndarray:
    """Engagement per follower of each decision: posts × authenticity × engagement rate."""
    r, pk = scenario.roster, scenario.packages
    if pk is None:
        return r.posts * r.authenticity * r.engagement_rate
    return pk.posts * r.authenticity[decisions.row] * pk.rates(r)


def _decision_pairs(decisions, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (decision of row i, decision of row j) for each roster pair k, as (a, b, k)."""
    row = decisions.row
    n_rows = int(max(row.max(initial=-1), i.max(initial=-1), j.max(initial=-1))) + 1
    order = np.argsort(row, kind="stable")
    cnt = np.bincount(row, minlength=n_rows)
    start = np.concatenate([[0], np.cumsum(cnt)[:-1]])
    sizes = cnt[i] * cnt[j]
    k = np.repeat(np.arange(i.size), sizes)
    off = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    a = order[start[i[k]] + off // cnt[j[k]]]
    b = order[start[j[k]] + off % cnt[j[k]]]
    return a, b, k


def _overlap(scenario, decisions, w: float) -> Overlap:
    """Pairs of decisions whose influencers share followers, with their duplicated engagement
    ``shared × min(e_a, e_b)`` (``e`` per follower; with packages, of each package), weighing ``w``."""
    ov = scenario.overlap
    if ov is None or len(ov) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Overlap(w, empty, empty, np.zeros(0))
    e = _per_follower(scenario, decisions)
    i, j = np.asarray(ov.i, dtype=np.int64), np.asarray(ov.j, dtype=np.int64)
    shared = np.asarray(ov.shared, dtype=float)
    if scenario.packages is None:
        return Overlap(w, i, j, shared * np.minimum(e[i], e[j]))
    a, b, k = _decision_pairs(decisions, i, j)
    return Overlap(w, a, b, shared[k] * np.minimum(e[a], e[b]))


def objective_of(scenario, decisions) -> Objective:
    """The objective terms of ``scenario`` over ``decisions``."""
    spec = scenario.spec
    niches = tuple(spec.niches)
    if spec.objective.minimise == "cost":
        return _cheapest(scenario, decisions, niches)
    w_e, risk = spec.objective.engagement, None
    if spec.objective.risk is not None and scenario.outcome_sample is not None:
        r = spec.objective.risk
        risk = Risk(w_e, r.beta, r.alpha, decision_items(scenario, decisions).mean(),
                    _outcome_sample(scenario, decisions))
    terms = (
        Engagement(0.0 if risk is not None else w_e),
        _coverage(spec, niches, spec.objective.coverage),
        _overlap(scenario, decisions, w_e if risk is None else w_e * (1 - risk.beta)),
    )
    if spec.objective.talkers > 0 and scenario.talkers is not None:
        terms += (Talkers(spec.objective.talkers, _talker_sample(scenario, decisions)),)
    if risk is not None:
        terms += (risk,)
    return Objective(terms)


def _coverage(spec, niches: tuple, weight: float) -> Coverage:
    """The coverage term of the scenario's niches (targets and weights in spec order), weighing ``weight``."""
    return Coverage(weight, niches, np.asarray([spec.niches[s].target for s in niches], dtype=float),
                    np.asarray([spec.niches[s].weight for s in niches], dtype=float))


def _cheapest(scenario, decisions, niches: tuple) -> Objective:
    """``objective.minimise: cost``: the cost term alone (engagement, coverage and overlap kept at weight 0 so
    that evaluations still report them)."""
    spec = scenario.spec
    return Objective((
        Engagement(0.0),
        _coverage(spec, niches, 0.0),
        _overlap(scenario, decisions, 0.0),
        Cost(1.0),
    ))


def decision_items(scenario, decisions) -> Items:
    """The outcome model's view of every decision (:class:`~lineup.domain.outcomes.Items`): its roster row,
    engagements if delivered, posts and fee (a package's, with packages)."""
    r, pk = scenario.roster, scenario.packages
    posts = r.posts[decisions.row] if pk is None else pk.posts
    return Items.of(scenario.spec.outcomes, r, scenario.tiers, decisions.row, decisions.gain_e, posts, decisions.fee)


def _outcome_sample(scenario, decisions) -> np.ndarray:
    """The scenario's outcome sample over the decisions (an error when drawn for another scenario)."""
    from ..errors import ScenarioError

    X = scenario.outcome_sample
    if X.ndim != 2 or X.shape[1] != decisions.n:
        raise ScenarioError(f"objective.risk: the outcome sample covers {X.shape[-1]:,} decisions, the scenario has "
                            f"{decisions.n:,}; draw it again for this scenario")
    return X


def _talker_sample(scenario, decisions) -> RRSets:
    """The scenario's RR sample over the decisions (an error when it was drawn for another scenario).

    Without a sample the objective has no talkers term: evaluating, filtering and checking a
    scenario need none; :func:`lineup.optimize.solve` refuses to optimise without it.
    """
    from ..errors import ScenarioError

    rr = scenario.talkers
    if rr.n != decisions.n:
        raise ScenarioError(f"objective.talkers: the RR sample covers {rr.n:,} decisions, the scenario has "
                            f"{decisions.n:,}; draw it again for this scenario")
    return rr

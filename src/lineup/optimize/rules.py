"""The scenario's rules over a selection: who may be chosen, what a selection is worth, what it breaks.

Each function here is a loop over the :class:`~lineup.optimize.model.Model`'s filters,
rules (:mod:`lineup.optimize.constraints`, one class per kind, each owning its messages)
and objective terms (:mod:`lineup.optimize.objective`).  Every rule has one *report
name*, used in every message lineup prints (listed in :mod:`lineup.optimize.constraints`).

A selection is a boolean mask over the decisions (without deliverable packages, the
roster's rows), an array of their indices, or a :class:`~lineup.domain.portfolio.Portfolio`.  Everything is vectorised over decisions
(loops only over rules), and the model is built once per scenario, so at 100,000
influencers each call takes milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._text import counted
from ..domain.scenario import Scenario
from ..errors import UsageError
from .constraints import FILTER_ORDER, Binding, Selection
from .model import model_of
from .wording import format_money

__all__ = [
    "Candidates",
    "Evaluation",
    "Binding",
    "candidates",
    "evaluate",
    "violations",
    "binding",
    "format_money",
    "FILTER_ORDER",
]


def _as_mask(scenario: Scenario, mask) -> np.ndarray:
    """A selection as a bool mask over the decisions: a mask, decision indices or a Portfolio
    (with packages, its chosen packages; a portfolio of bare rows takes the cheapest)."""
    from ..domain.portfolio import Portfolio

    if isinstance(mask, Portfolio):
        return model_of(scenario).mask_of(mask)
    m = np.asarray(mask)
    n = model_of(scenario).decisions.n
    if m.dtype == bool:
        if m.shape != (n,):
            raise UsageError(f"selection mask has shape {m.shape}, expected ({n},) for this roster")
        return m
    rows = m.astype(np.int64).ravel()
    if rows.size and (rows.min() < 0 or rows.max() >= n):
        raise UsageError(f"selection rows out of range 0..{n - 1}: {rows[(rows < 0) | (rows >= n)][:3].tolist()}")
    out = np.zeros(n, dtype=bool)
    out[rows] = True
    return out


def selection(scenario: Scenario, mask) -> Selection:
    """A selection of ``scenario`` (bool mask or indices) with its totals."""
    return Selection(model_of(scenario), _as_mask(scenario, mask))


# ---------------------------------------------------------------- candidates
@dataclass(frozen=True)
class Candidates:
    """The decisions the optimiser may choose, what the filters removed, and the forced decisions.

    ``removed`` maps a filter's report name to the influencers it removed (a row removed
    by several filters counts for the first, in the order exclude, min_authenticity,
    countries, niches_only, max_budget_share, budget; with packages, an influencer counts when
    all of its packages are removed, for the first filter that removed one); the excludes are
    counted together under ``constraints.exclude``.  ``include_rows`` are the decisions the includes force (without
    packages, the included roster rows; with packages, each included influencer's cheapest
    allowed package); they may hold one a filter removed:
    :func:`lineup.optimize.precheck.precheck` reports those.
    """

    mask: np.ndarray
    removed: dict
    include_rows: np.ndarray

    @property
    def count(self) -> int:
        """Number of rows the optimiser may choose."""
        return int(self.mask.sum())

    @property
    def forced(self) -> np.ndarray:
        """The decisions the includes force (``include_rows``), as a mask over every decision."""
        out = np.zeros(self.mask.size, dtype=bool)
        out[self.include_rows] = True
        return out


def candidates(scenario: Scenario) -> Candidates:
    """Apply the scenario's filters to its roster.

    Examples
    --------
    >>> from lineup.domain import Roster, Scenario, ScenarioSpec
    >>> r = Roster.from_columns(ids=["a", "b", "c"], followers=[1e3, 2e4, 3e5],
    ...                         engagement_rate=[0.05, 0.03, 0.02], fee=[100, 900, 9_000],
    ...                         authenticity=[0.9, 0.5, 0.95])
    >>> spec = ScenarioSpec.model_validate({"name": "x", "budget": 5_000, "roster": "r.csv",
    ...     "constraints": {"min_authenticity": 0.75, "include": ["a"]}})
    >>> c = candidates(Scenario(spec, r))
    >>> c.mask.tolist(), c.removed, c.include_rows.tolist()
    ([True, False, False], {'constraints.min_authenticity': 1, 'budget': 1}, [0])
    """
    m = model_of(scenario)
    first = np.full(m.n, len(m.filters))               # the first filter removing each decision (none: len)
    for k, f in reversed(list(enumerate(m.filters))):
        first[m.removed_by(f.name)] = k
    taken = first < len(m.filters)
    if scenario.packages is not None:                  # count influencers: all of their packages removed
        rows = m.decisions.row
        per = np.full(scenario.roster.n, len(m.filters))
        np.minimum.at(per, rows, first)
        gone = np.ones(scenario.roster.n, dtype=bool)
        np.logical_and.at(gone, rows, taken)
        first = np.where(gone & (np.bincount(rows, minlength=scenario.roster.n) > 0), per, len(m.filters))
    counts = np.bincount(first, minlength=len(m.filters) + 1)
    removed = {f.name: int(counts[k]) for k, f in enumerate(m.filters) if counts[k]}
    return Candidates(mask=~taken, removed=removed, include_rows=m.forced(~taken))


# ---------------------------------------------------------------- evaluation
@dataclass(frozen=True)
class Evaluation:
    """What a selection is worth.

    ``spend`` in currency; ``engagement`` the expected engagements after the
    pairwise overlap de-duplication, ``raw_engagement`` before; ``coverage`` maps
    each scenario niche (spec order) to ``y_s = min(1, n_s / target_s)``;
    ``coverage_value = objective.coverage × Σ weight_s y_s``; ``objective =
    objective.engagement × engagement + coverage_value``.  ``spend`` is what the budget
    counts: ``fees``, plus ``management_cost`` when ``costs.management.count_in_budget``;
    ``total_cost`` is always fees plus management cost; ``management_hours`` the hours.
    """

    spend: float
    engagement: float
    raw_engagement: float
    coverage: dict
    coverage_value: float
    objective: float
    fees: float = 0.0
    management_cost: float = 0.0
    management_hours: float = 0.0

    @property
    def total_cost(self) -> float:
        """Fees plus management cost (currency)."""
        return self.fees + self.management_cost


def evaluate(scenario: Scenario, mask) -> Evaluation:
    """Spend, engagement, coverage and objective of a selection (bool mask or rows).

    Examples
    --------
    >>> from lineup.domain import Roster, Scenario, ScenarioSpec
    >>> r = Roster.from_columns(ids=["a", "b"], followers=[1e3, 2e4], engagement_rate=[0.05, 0.03],
    ...                         fee=[100, 900], niches=[["vegan"], ["vegan", "skincare"]])
    >>> spec = ScenarioSpec.model_validate({"name": "x", "budget": 5_000, "roster": "r.csv",
    ...     "objective": {"coverage": 1000}, "niches": {"vegan": {"target": 2}, "skincare": {}}})
    >>> ev = evaluate(Scenario(spec, r), [0])
    >>> ev.spend, ev.engagement, ev.coverage, ev.objective
    (100.0, 50.0, {'vegan': 0.5, 'skincare': 0.0}, 550.0)
    """
    sel = selection(scenario, mask)
    obj, d = sel.model.objective, sel.model.decisions
    raw = obj.engagement.raw(sel.model, sel)
    dup = obj.overlap.duplicated(sel)
    y = obj.coverage.shares(sel)
    cov_value = obj.coverage.value(sel.model, sel)
    return Evaluation(
        spend=sel.spend, engagement=raw - dup, raw_engagement=raw,
        coverage={s: float(v) for s, v in zip(obj.coverage.niches, y)},
        coverage_value=cov_value, objective=obj.value(sel.model, sel),
        fees=float(d.fee[sel.mask].sum()), management_cost=float(d.management[sel.mask].sum()),
        management_hours=float(d.hours[sel.mask].sum()),
    )


# ---------------------------------------------------------------- violations
def violations(scenario: Scenario, mask, tol: float = 1e-6) -> list[str]:
    """Every rule a selection breaks, each message starting with the rule's report name.

    Money and shares are compared with a relative tolerance ``tol``.  A selected
    row that a filter removes (see :func:`candidates`) breaks that filter's rule.
    Returns ``[]`` for a feasible selection.

    Examples
    --------
    >>> from lineup.domain import Roster, Scenario, ScenarioSpec
    >>> r = Roster.from_columns(ids=["a", "b", "c"], followers=[2e6, 3e6, 5e3],
    ...                         engagement_rate=[0.01, 0.01, 0.05], fee=[9_000, 12_000, 300])
    >>> spec = ScenarioSpec.model_validate({"name": "x", "currency": "GBP", "budget": 20_000,
    ...     "roster": "r.csv", "constraints": {"tiers": {"mega": {"max": 1}}, "include": ["c"]}})
    >>> for line in violations(Scenario(spec, r), [0, 1]):
    ...     print(line)
    budget: spend £21,000 exceeds £20,000
    constraints.tiers.mega.max: 2 selected, at most 1
    constraints.include[c]: c must be selected but is not
    >>> violations(Scenario(spec, r), [0, 2])
    []
    """
    sel = selection(scenario, mask)
    m = sel.model
    out = [line for f in m.filters for line in f.violations(m, sel)]
    return out + [line for rule in m.rules for line in rule.violations(m, sel, tol)]


# ---------------------------------------------------------------- binding
def _unspent(scenario: Scenario, t: Selection, free: np.ndarray, pool_size: int) -> list[Binding]:
    """Explain an under-spend that no rule explains: affordable candidates anyone could add."""
    cur, left = scenario.currency, scenario.budget - t.spend
    k = int(free.sum())
    if pool_size == 0:
        return [Binding("candidates", float(t.count), float(t.count),
                        f"every candidate the filters allow is selected; "
                        f"{format_money(left, cur)} of the budget is left")]
    if k == 0:
        return []
    return [Binding("unspent", t.spend, scenario.budget,
                    f"{format_money(left, cur)} of the budget is left although {counted(k, 'affordable candidate')} "
                    f"could still be added without breaking a rule")]


def binding(scenario: Scenario, mask) -> list[Binding]:
    """Rules that are tight at a selection, and the rules that stop further spending.

    Listed: ``budget`` when the money left is below the cheapest unselected
    candidate's fee; count bounds at their limit (maxima, and positive minima);
    ``constraints.min_spend`` at its limit; platform shares at their limit; conflict
    groups with a chosen member.  When money is left over, the rules that forbid
    adding each affordable candidate are listed too (with how many they block),
    and if some affordable candidate could be added without breaking a rule an
    ``unspent`` entry says so; if every allowed candidate is already selected a
    ``candidates`` entry says so.  A planner never gets a silent under-spend.

    Examples
    --------
    >>> from lineup.domain import Roster, Scenario, ScenarioSpec
    >>> r = Roster.from_columns(ids=["a", "b", "c"], followers=[5e3, 6e3, 7e3],
    ...                         engagement_rate=[0.05, 0.05, 0.05], fee=[1_000, 1_000, 1_000])
    >>> spec = ScenarioSpec.model_validate({"name": "x", "currency": "GBP", "budget": 10_000,
    ...     "roster": "r.csv", "constraints": {"influencers": {"max": 2}}})
    >>> for b in binding(Scenario(spec, r), [0, 1]):
    ...     print(b.name, "-", b.detail)
    constraints.influencers.max - 2 influencers selected, the maximum; it blocks 1 affordable candidate
    """
    sel = selection(scenario, mask)
    m = sel.model
    d = m.decisions
    hired = np.zeros(scenario.roster.n, dtype=bool)
    hired[d.row[sel.mask]] = True
    pool = candidates(scenario).mask & ~hired[d.row]      # not another package of a chosen influencer
    budget = next(r for r in m.rules if r.name == "budget")
    out, blocked = [], {}
    stop = budget.stops(m, sel, pool)
    free = np.zeros(m.n, dtype=bool)
    if stop is not None:
        out.append(stop)
    else:
        affordable = pool & (m.decisions.cost <= scenario.budget - sel.spend + 1e-9 * max(1.0, scenario.budget))
        free = affordable.copy()
        for rule in m.rules:
            rows = rule.blocks(m, sel, affordable)
            if rows is not None and rows.any():
                blocked[rule.name] = int(rows.sum())
                free &= ~rows
    ranked = sorted((r for r in m.rules if r.name != "budget"), key=lambda r: r.binding_rank)
    out += [b for rule in ranked for b in rule.tight(m, sel, blocked)]
    if stop is None and scenario.spec.objective.minimise is None:   # the cheapest portfolio leaves money on purpose
        out += _unspent(scenario, sel, free, int(pool.sum()))
    return out

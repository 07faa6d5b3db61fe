"""A scenario compiled for the optimiser: decisions + filters + rules + objective.

:func:`model_of` builds the :class:`Model` of a scenario once (cached while the scenario
lives); every stage of a solve (candidates, pre-check, formulation, greedy, evaluation,
binding, elastic diagnosis) is a loop over its rules and objective terms.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field, replace
from typing import Any, Callable

import numpy as np

from ..domain.portfolio import Portfolio
from ..domain.scenario import Scenario
from .constraints import (Budget, Conflict, CountBound, Filter, Includes, MinSpend, OnePackages, PlatformShare, Rule,
                          filters_of, rules_of)
from .decisions import Decisions, decisions_of
from .objective import Objective, objective_of

__all__ = ["Model", "model_of"]


@dataclass(frozen=True, eq=False)
class Model:
    """The optimiser's view of a scenario.

    Examples
    --------
    >>> from lineup.optimize.formulation import tiny_scenario
    >>> m = model_of(tiny_scenario())
    >>> [r.name for r in m.rules]
    ['budget', 'constraints.influencers.max', 'constraints.include']
    >>> m.decisions.n, [f.name for f in m.filters][:2]
    (5, ['constraints.exclude', 'constraints.min_authenticity'])
    """

    scenario: Scenario
    decisions: Decisions
    filters: tuple = ()
    rules: tuple = ()
    objective: Objective = None  # type: ignore[assignment]
    _cache: dict = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------ lookups
    def cached(self, owner: Any, key: str, make: Callable[[], Any]) -> Any:
        """``make()`` computed once per (owner, key) for this model."""
        k = (id(owner), key)
        if k not in self._cache:
            self._cache[k] = make()
        return self._cache[k]

    def rows_of(self, ids) -> np.ndarray:
        """Roster rows of ``ids`` (unknown ids left out), sorted, each once."""
        rows = [self.scenario.roster.index_of(i) for i in ids]
        return np.asarray(sorted({r for r in rows if r is not None}), dtype=np.int64)

    def removed_by(self, name: str) -> np.ndarray:
        """Decisions that filter ``name`` removes (bool mask)."""
        f = next(f for f in self.filters if f.name == name)
        return self.cached(f, "removed", lambda: np.asarray(f.removed(self), dtype=bool))

    def filter_named(self, name: str) -> Filter:
        return next(f for f in self.filters if f.name == name)

    def of_kind(self, kind: type) -> list:
        """The rules of one class, in order."""
        return [r for r in self.rules if isinstance(r, kind)]

    # ------------------------------------------------------------ built-in kinds, for the greedy and pre-check
    @property
    def n(self) -> int:
        return self.decisions.n

    @property
    def bounds(self) -> list[CountBound]:
        return self.of_kind(CountBound)

    @property
    def shares(self) -> list[PlatformShare]:
        return self.of_kind(PlatformShare)

    @property
    def conflicts(self) -> list[Conflict]:
        return self.of_kind(Conflict)

    @property
    def groups(self) -> list[tuple[str, np.ndarray]]:
        """Every at-most-one group as (name, decisions): the conflicts, then one per packaged influencer."""
        out = [(c.name, c.decisions) for c in self.conflicts]
        for rule in self.of_kind(OnePackages):
            out += list(zip(rule.names, rule.groups))
        return out

    @property
    def package_groups(self) -> tuple[np.ndarray, np.ndarray]:
        """(decisions, group index) of the packaged influencers' groups, flat (disjoint groups)."""
        def make():
            groups = [g for rule in self.of_kind(OnePackages) for g in rule.groups]
            if not groups:
                return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
            return np.concatenate(groups), np.repeat(np.arange(len(groups)), [g.size for g in groups])
        return self.cached(self, "package_groups", make)

    @property
    def included_rows(self) -> np.ndarray:
        """Included roster rows, sorted, each once."""
        inc = self.of_kind(Includes)
        return inc[0].rows_forced if inc else np.zeros(0, dtype=np.int64)

    def forced(self, allowed: np.ndarray) -> np.ndarray:
        """The decision each include forces, sorted: the included influencer's cheapest ``allowed``
        package (its cheapest package when none is allowed); without packages, its row."""
        return np.flatnonzero(self.cheapest(self.included_rows, among=allowed))

    def portfolio(self, mask: np.ndarray) -> Portfolio:
        """The portfolio of a selection of decisions: its influencers, and with packages a roster
        carrying the chosen packages' fee, posts and engagement rate at their rows (so that
        everything downstream, the simulation included, sees the package that was bought)."""
        d, r = self.decisions, self.scenario.roster
        chosen = np.flatnonzero(mask)
        rows = d.row[chosen]
        mgmt = self.scenario.spec.costs.management
        extra = {} if mgmt is None else {"management": d.management[chosen], "hours": d.hours[chosen]}
        if self.scenario.packages is None:
            return Portfolio(r, rows, **extra)
        pk = self.scenario.packages
        fee, posts, er = r.fee.copy(), r.posts.copy(), r.engagement_rate.copy()
        fee[rows], posts[rows], er[rows] = pk.fee[chosen], pk.posts[chosen], pk.rates(r)[chosen]
        priced = replace(r, fee=fee, posts=posts, engagement_rate=er)
        return Portfolio(priced, rows, package=d.package[chosen], **extra)

    def mask_of(self, portfolio: Portfolio) -> np.ndarray:
        """The decisions of a portfolio (bool mask): its rows, and with packages the (row, package) chosen.

        A portfolio of rows without package names (e.g. :meth:`Portfolio.from_ids`) takes each
        influencer's cheapest package (:meth:`cheapest`).

        >>> from lineup.optimize.formulation import tiny_scenario
        >>> m = model_of(tiny_scenario())
        >>> m.mask_of(Portfolio(m.scenario.roster, [0, 4])).tolist()
        [True, False, False, False, True]
        """
        d = self.decisions
        if self.scenario.packages is None:
            return portfolio.mask
        if portfolio.package is None:
            return self.cheapest(portfolio.rows)
        chosen = {(int(r), str(p)) for r, p in zip(portfolio.rows.tolist(), portfolio.package.tolist())}
        hit = d.of_rows(portfolio.rows)
        keys = zip(d.row[hit].tolist(), d.package[hit].tolist())
        hit[np.flatnonzero(hit)] = [(int(r), str(p)) in chosen for r, p in keys]
        return hit

    def cheapest(self, rows, among: np.ndarray | None = None) -> np.ndarray:
        """Decisions (bool mask) hiring each of roster ``rows`` with its cheapest package (lowest cost;
        ties: the first in the rate card); with ``among`` (a decision mask), the cheapest of those an
        influencer has among them, else its cheapest."""
        d = self.decisions
        hit = d.of_rows(rows)
        if among is not None:
            has = np.zeros(self.scenario.roster.n, dtype=bool)
            has[d.row[hit & among]] = True
            hit &= among | ~has[d.row]
        hit = np.flatnonzero(hit)
        order = np.lexsort((hit, d.cost[hit], d.row[hit]))
        first = np.r_[True, np.diff(d.row[hit][order]) != 0] if hit.size else np.zeros(0, dtype=bool)
        mask = np.zeros(d.n, dtype=bool)
        mask[hit[order][first]] = True
        return mask

    @property
    def others(self) -> list[Rule]:
        """Rules the greedy has no fast path for: it guards them through their linear form."""
        native = (Budget, MinSpend, CountBound, PlatformShare, Conflict, Includes, OnePackages)
        return [r for r in self.rules if not isinstance(r, native)]


_CACHE: "weakref.WeakKeyDictionary[Scenario, Model]" = weakref.WeakKeyDictionary()


def model_of(scenario: Scenario) -> Model:
    """The :class:`Model` of ``scenario``, built once per scenario object."""
    m = _CACHE.get(scenario)
    if m is None:
        d = decisions_of(scenario)
        m = Model(scenario=scenario, decisions=d, filters=filters_of(), objective=objective_of(scenario, d))
        object.__setattr__(m, "rules", rules_of(m))
        _CACHE[scenario] = m
    return m

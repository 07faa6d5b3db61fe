"""A scenario compiled for the optimiser: decisions + filters + rules + objective.

:func:`model_of` builds the :class:`Model` of a scenario once (cached while the scenario
lives); every stage of a solve (candidates, pre-check, formulation, greedy, evaluation,
binding, elastic diagnosis) is a loop over its rules and objective terms.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ..domain.scenario import Scenario
from .constraints import Conflict, CountBound, Filter, Includes, PlatformShare, Rule, filters_of, rules_of
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
    def include_rows(self) -> np.ndarray:
        """Included roster rows, sorted, each once."""
        inc = self.of_kind(Includes)
        return inc[0].rows_forced if inc else np.zeros(0, dtype=np.int64)

    @property
    def others(self) -> list[Rule]:
        """Rules the greedy has no fast path for: it guards them through their linear form."""
        native = (CountBound, PlatformShare, Conflict, Includes)
        return [r for r in self.rules if not isinstance(r, native) and r.name not in ("budget", "constraints.min_spend")]


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

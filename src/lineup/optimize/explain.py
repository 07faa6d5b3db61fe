"""Why a solve's best portfolio is empty, or worth 0: one sentence in the planner's words.

An empty portfolio or an objective of 0 is rarely what a planner asked for, and
"optimal, objective 0" alone does not tell them what to change.  These functions
name the cause: no candidate fits the budget, every candidate removed by the
filters, objective weights all zero, no candidate with expected engagement or
in a niche worth covering.
"""

from __future__ import annotations

import numpy as np

from ..domain.scenario import Scenario
from .model import model_of
from .rules import candidates
from .wording import format_money

__all__ = ["empty_reason", "zero_reason"]


def _weights_zero(scenario: Scenario) -> str | None:
    """Why no selection can be worth anything, whatever it holds (objective weights)."""
    obj, niches = scenario.spec.objective, scenario.spec.niches
    weighted = [n for n, s in niches.items() if s.weight > 0]
    if obj.engagement == 0 and (obj.coverage == 0 or not weighted):
        if obj.coverage == 0:
            return "the objective weights are all zero (objective.engagement = 0 and objective.coverage = 0)"
        return ("objective.engagement = 0 and no niche to cover has a weight above 0 "
                f"({'no niches named' if not niches else 'every niches.<name>.weight is 0'})")
    return None


def _rows_zero(scenario: Scenario, rows: np.ndarray, who: str, none: str) -> str | None:
    """Why the influencers ``rows`` add nothing: no expected engagement, in no weighted niche."""
    m, obj = model_of(scenario), scenario.spec.objective
    no_engagement = obj.engagement == 0 or not (m.decisions.gain_e[rows] > 0).any()
    weighted = m.objective.coverage.weights > 0
    in_niche = m.decisions.members[rows][:, weighted].nnz > 0 if weighted.any() else False
    no_coverage = obj.coverage == 0 or not in_niche
    if not (no_engagement and no_coverage):
        return None
    parts = []
    if obj.engagement > 0:
        parts.append(f"{who} has an expected engagement of 0 (engagement rate, authenticity or followers of 0)")
    if obj.coverage > 0 and weighted.any():
        names = ", ".join(n for n, w in zip(m.decisions.niches, weighted) if w)
        parts.append(f"{none} is in a niche to cover ({names})")
    return " and ".join(parts) or None


def empty_reason(scenario: Scenario, mask: np.ndarray) -> str | None:
    """Why the selection ``mask`` (a solve's best portfolio) is empty; ``None`` when it is not.

    Examples
    --------
    >>> from lineup.domain import Roster, Scenario, ScenarioSpec
    >>> r = Roster.from_columns(ids=["a", "b"], followers=[5e3, 6e3], engagement_rate=[0.03, 0.03], fee=[900, 700])
    >>> spec = ScenarioSpec.model_validate({"name": "x", "budget": 500, "roster": "r.csv", "currency": "GBP"})
    >>> empty_reason(Scenario(spec, r), np.zeros(2, dtype=bool))
    'no candidate fits the budget: the cheapest fee is £700 and the budget is £500'
    """
    if np.asarray(mask).any():
        return None
    cand, d = candidates(scenario), model_of(scenario).decisions
    cur = scenario.currency
    if not cand.count:
        if set(cand.removed) == {"budget"}:
            return (f"no candidate fits the budget: the cheapest fee is {format_money(d.cost.min(), cur)} "
                    f"and the budget is {format_money(scenario.budget, cur)}")
        removed = ", ".join(f"{k} removed {v:,}" for k, v in cand.removed.items())
        return f"every candidate is removed by the filters ({removed})"
    why = _weights_zero(scenario) or _rows_zero(scenario, np.flatnonzero(cand.mask), "every candidate", "no candidate")
    return why or "no candidate adds value under these rules and objective weights"


def zero_reason(scenario: Scenario, mask: np.ndarray, objective: float | None) -> str | None:
    """Why a non-empty portfolio's objective is 0; ``None`` when it is not 0 or the portfolio is empty.

    Examples
    --------
    >>> from lineup.domain import Roster, Scenario, ScenarioSpec
    >>> r = Roster.from_columns(ids=["a", "b"], followers=[5e3, 6e3], engagement_rate=[0.03, 0.03], fee=[90, 70])
    >>> spec = ScenarioSpec.model_validate({"name": "x", "budget": 500, "roster": "r.csv",
    ...     "objective": {"engagement": 0}, "constraints": {"influencers": {"min": 1}}})
    >>> zero_reason(Scenario(spec, r), np.array([False, True]), 0.0)
    'the objective weights are all zero (objective.engagement = 0 and objective.coverage = 0)'
    """
    mask = np.asarray(mask)
    if objective is None or abs(objective) > 1e-9 or not mask.any():
        return None
    why = _weights_zero(scenario) or _rows_zero(scenario, np.flatnonzero(mask), "every chosen influencer",
                                                   "none of the chosen influencers")
    return why or "the chosen influencers add no expected engagement or niche coverage"

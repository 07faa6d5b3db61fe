"""Explain an infeasible MILP: an elastic relaxation that names the conflicting rule groups.

Every named rule group (budget, min_spend, influencer and tier counts, niche minimums,
platform shares, includes, conflicts) gets a non-negative slack; the relaxed model
minimises ``Σ slack / unit`` where the unit is the budget for rules measured in
currency and 1 for counts, includes and conflicts.  The groups left with positive
slack are the ones that cannot hold.  For each, a second solve keeps that group hard
to find the group that gives way next (then keeps that one too, up to three), so each
line names a set of groups that conflict, with the numbers (not necessarily a minimal set).
"""

from __future__ import annotations

import numpy as np

from ..domain.scenario import Scenario
from .backends import solve_model
from .formulation import LinearModel, with_slack
from .model import model_of

__all__ = ["diagnose", "relaxed_groups", "relax"]

_MAX_LINES = 3  # explained groups
_MAX_CHAIN = 3  # partners found per group (one elastic solve each)


def relaxed_groups(model: LinearModel, backend: str, hard: frozenset[str] = frozenset(),
                   time_limit: float | None = 30.0) -> dict[str, float] | None:
    """Slack of each group the cheapest relaxation breaks, in the group's own unit.

    ``None`` when even the relaxation is infeasible (a ``hard`` group cannot hold on
    its own) or no relaxed solution was found in time.

    Examples
    --------
    >>> from lineup.optimize.formulation import build, tiny_scenario
    >>> from lineup.optimize import rules
    >>> sc = tiny_scenario(influencers={"min": 2, "max": 3}, tiers={"macro": {"min": 1}, "mid": {"min": 1}})
    >>> relaxed_groups(build(sc, rules.candidates(sc)), "highs")
    {'budget': 600.0}
    """
    return relax(model, backend, hard, time_limit)[0]


def relax(model: LinearModel, backend: str, hard: frozenset[str] = frozenset(),
          time_limit: float | None = 30.0) -> tuple[dict[str, float] | None, np.ndarray | None]:
    """(groups with positive slack, the relaxed solution's columns of ``model``); ``(None, None)`` when none found.

    Empty groups mean ``model`` is feasible and the columns are a feasible point: a
    solver's "infeasible" is checked this way before it is reported, as the elastic
    model always has a solution and its objective (total scaled slack) does not
    depend on the magnitude of the original objective.

    Examples
    --------
    >>> from lineup.optimize.formulation import build, tiny_scenario
    >>> from lineup.optimize import rules
    >>> sc = tiny_scenario()
    >>> groups, values = relax(build(sc, rules.candidates(sc)), "highs")
    >>> groups, values is not None
    ({}, True)
    """
    elastic, srows = with_slack(model, hard)
    sol = solve_model(elastic, backend, time_limit=time_limit, gap=1e-6)
    if sol.values is None:
        return None, None
    slack = sol.values[model.n_cols:]
    tol = 1e-6 * np.maximum(model.scale[srows], 1.0)
    groups = {model.row_names[r]: float(s) for r, s, t in zip(srows.tolist(), slack.tolist(), tol.tolist()) if s > t}
    return groups, sol.values[:model.n_cols]


def _limit(sc: Scenario, model: LinearModel, r: int) -> str:
    return model.owners[r].limit_text(model_of(sc), model.limit[r])


def _miss(sc: Scenario, model: LinearModel, r: int, amount: float) -> str:
    """How far the best relaxed portfolio misses group ``r``, in planner's words (the owning rule's)."""
    return model.owners[r].miss_text(model_of(sc), model.row_names[r], bool(np.isfinite(model.row_lo[r])), amount)


def _named(sc: Scenario, model: LinearModel, names) -> str:
    index = {n: k for k, n in enumerate(model.row_names)}
    parts = [f"{n} ({_limit(sc, model, index[n])})" for n in names]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _chain(model: LinearModel, backend: str, first: str, time_limit) -> list[tuple[str, float]]:
    """Groups that give way next when ``first`` (then each found group) is kept hard."""
    hard, found = {first}, []
    for _ in range(_MAX_CHAIN):
        groups = relaxed_groups(model, backend, frozenset(hard), time_limit)
        if not groups:
            break
        name, amount = next(iter(groups.items()))
        found.append((name, amount))
        hard.add(name)
    return found


def _line(sc: Scenario, model: LinearModel, name: str, amount: float, chain: list[tuple[str, float]]) -> str:
    index = {n: k for k, n in enumerate(model.row_names)}
    how = f"the cheapest way to satisfy all other rules {_miss(sc, model, index[name], amount)}"
    if not chain:
        return f"{_named(sc, model, [name])} cannot hold: {how}"
    # The groups come from successive elastic solves: each must give way once the previous
    # ones are kept.  They conflict, but need not be a minimal conflicting set (other rules
    # may be involved, and the chain stops after a few groups), so say no more than that.
    verb = "conflict with each other and the other rules"
    keeps = "".join(f"; keeping {name if k == 0 else 'that too'}, it {_miss(sc, model, index[p], a)}"
                    for k, (p, a) in enumerate(chain))
    return f"{_named(sc, model, [name, *(p for p, _ in chain)])} {verb}: {how}{keeps}"


def diagnose(scenario: Scenario, model: LinearModel, backend: str = "highs",
             time_limit: float | None = 30.0, groups: dict[str, float] | None = None) -> list[str]:
    """Lines naming the rule groups of an infeasible ``model`` that cannot all hold.

    ``groups``: the result of :func:`relaxed_groups` with nothing hard, when already known.

    Examples
    --------
    >>> from lineup.optimize.formulation import build, tiny_scenario
    >>> from lineup.optimize import rules
    >>> sc = tiny_scenario(influencers={"min": 2, "max": 3}, tiers={"macro": {"min": 1}, "mid": {"min": 1}})
    >>> print(diagnose(sc, build(sc, rules.candidates(sc)))[0])  # doctest: +NORMALIZE_WHITESPACE
    budget (£1,000), constraints.tiers.macro.min (1) and constraints.tiers.mid.min (1) conflict with each other and the other rules:
    the cheapest way to satisfy all other rules overshoots budget by £600; keeping budget, it falls
    short of constraints.tiers.macro.min by 1; keeping that too, it falls short of
    constraints.tiers.mid.min by 1
    """
    if groups is None:
        groups = relaxed_groups(model, backend, time_limit=time_limit)
    if groups is None:
        return ["the rules cannot all hold (the elastic diagnosis found no relaxed portfolio in time)"]
    return [_line(scenario, model, name, amount, _chain(model, backend, name, time_limit))
            for name, amount in list(groups.items())[:_MAX_LINES]]

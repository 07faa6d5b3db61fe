"""The rule kinds, one class each (:mod:`.base` says what a rule owns), and the registry that
compiles a scenario's ``constraints`` into rule objects.

Report names: ``budget``, ``constraints.min_spend``, ``constraints.influencers.min`` /
``.max``, ``constraints.tiers.<tier>.min`` / ``.max``, ``niches.<niche>.min_influencers``,
``constraints.platforms.<platform>.min_share`` / ``.max_share`` (share of *spend*),
``constraints.include[<id>]``, ``constraints.conflicts[<a>|<b>|...]``; the filters
``constraints.exclude``, ``constraints.min_authenticity``, ``constraints.countries``,
``constraints.niches_only``, ``constraints.max_budget_share`` (and ``budget`` for a
single fee above it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import numpy as np

from ...domain.tiers import TIER_NAMES
from .base import Binding, LinearRule, Row, Rule, Selection
from .builtin import Budget, Conflict, CountBound, Includes, MinSpend, OnePackages, PlatformShare
from .chance import TargetProbability, target_rules
from .custom import CustomCount, CustomShare, CustomSum, TeamHours, custom_rules, team_hours_rules
from .filters import FILTER_ORDER, Filter, filters_of

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Model

__all__ = ["Rule", "LinearRule", "Row", "Selection", "Binding", "Filter", "FILTER_ORDER", "Budget", "MinSpend",
           "CountBound", "PlatformShare", "Includes", "Conflict", "OnePackages", "CustomSum", "CustomShare", "CustomCount",
           "TeamHours", "TargetProbability", "RULE_KINDS", "rules_of", "filters_of"]


def _money(model: "Model") -> list[Rule]:
    ms = model.scenario.spec.constraints.min_spend
    return [Budget()] + ([MinSpend(ms)] if ms is not None else [])


def _counts(model: "Model") -> list[Rule]:
    spec, out = model.scenario.spec, []
    c = spec.constraints
    for kind in ("min", "max"):
        v = getattr(c.influencers, kind)
        if v is not None:
            out.append(CountBound(f"constraints.influencers.{kind}", kind, v, "count", 0, "{k} influencer{s}"))
    for tier, bounds in c.tiers.items():                  # the scenario's order
        for kind in ("min", "max"):
            v = getattr(bounds, kind)
            if v is not None:
                out.append(CountBound(f"constraints.tiers.{tier}.{kind}", kind, v, "tier", TIER_NAMES.index(tier),
                                      f"{{k}} {tier} influencer{{s}}"))
    for k, (niche, ns) in enumerate(spec.niches.items()):
        if ns.min_influencers:
            out.append(CountBound(f"niches.{niche}.min_influencers", "min", ns.min_influencers, "niche", k,
                                  f"{{k}} influencer{{s}} in {niche}"))
    return out


def _shares(model: "Model") -> list[Rule]:
    names, out = model.decisions.platform_names, []
    for p, b in model.scenario.spec.constraints.platforms.items():
        code = names.index(p) if p in names else -1
        for kind in ("min", "max"):
            v = getattr(b, f"{kind}_share")
            if v is not None:
                out.append(PlatformShare(f"constraints.platforms.{p}.{kind}_share", kind, float(v), p, code))
    return out


def _ids(model: "Model") -> list[Rule]:
    r, c = model.scenario.roster, model.scenario.spec.constraints
    out: list[Rule] = [Includes([(i, r.index_of(i)) for i in c.include])]
    for group in c.conflicts:
        decisions = model.decisions.of_rows(model.rows_of(group)).nonzero()[0]
        out.append(Conflict(f"constraints.conflicts[{'|'.join(group)}]", decisions))
    return out


def _packages(model: "Model") -> list[Rule]:
    """:class:`OnePackages` over the influencers selling more than one package (none without packages)."""
    d, ids = model.decisions, model.scenario.roster.ids
    if model.scenario.packages is None:
        return []
    order = np.argsort(d.row, kind="stable")
    starts = np.flatnonzero(np.r_[True, d.row[order][1:] != d.row[order][:-1]])
    groups = [g for g in np.split(order, starts[1:]) if g.size > 1]
    return [OnePackages([f"packages.one_per_influencer[{ids[d.row[g[0]]]}]" for g in groups], groups)]


#: Rule kinds in the order their rows, checks and messages come: each entry turns a
#: scenario into that kind's rule objects.  A new kind is one class and one entry here.
RULE_KINDS: tuple[Callable[["Model"], list[Rule]], ...] = (
    _money, _counts, _shares, _ids, _packages, custom_rules, team_hours_rules, target_rules)


def rules_of(model: "Model") -> tuple[Rule, ...]:
    """Every rule of ``model``'s scenario, in :data:`RULE_KINDS` order."""
    return tuple(rule for kind in RULE_KINDS for rule in kind(model))

"""The built-in rule kinds: budget, minimum spend, counts, platform shares, includes, conflicts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import numpy as np

from ..._text import counted
from ..wording import format_money, money_tol, pct, some_ids
from .base import INF, Binding, Row, Rule, Selection

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Model

__all__ = ["Budget", "MinSpend", "CountBound", "PlatformShare", "Includes", "Conflict"]


def _all_cols(pos: np.ndarray) -> np.ndarray:
    return np.arange(int((pos >= 0).sum()))


class Budget(Rule):
    """``budget``: the sum of costs at most the budget."""

    name, unit, binding_rank = "budget", "money", 0

    def rows(self, model, pos):
        b = model.scenario.budget
        return [Row(self.name, _all_cols(pos), model.decisions.cost[pos >= 0], -INF, b, "money", b, b)]

    def violations(self, model, sel, tol):
        sc = model.scenario
        if sel.spend > sc.budget + money_tol(sc.budget, tol):
            return [f"budget: spend {format_money(sel.spend, sc.currency)} exceeds {format_money(sc.budget, sc.currency)}"]
        return []

    def stops(self, model: "Model", sel: Selection, pool: np.ndarray) -> Optional[Binding]:
        """Binding when the money left is below the cheapest unselected candidate's cost."""
        sc = model.scenario
        cur, budget = sc.currency, sc.budget
        fees = model.decisions.cost[pool]
        head = f"spend {format_money(sel.spend, cur)} of {format_money(budget, cur)}"
        if fees.size and budget - sel.spend < fees.min() - 1e-9 * max(1.0, budget):
            tail = f"the cheapest unselected candidate costs {format_money(fees.min(), cur)}"
            return Binding(self.name, sel.spend, budget, f"{head}; {tail}")
        return None


class MinSpend(Rule):
    """``constraints.min_spend``: spend at least this much."""

    name, unit, binding_rank = "constraints.min_spend", "money", 2

    def __init__(self, limit: float):
        self.limit = float(limit)

    def rows(self, model, pos):
        if self.limit <= 0:
            return []
        b = model.scenario.budget
        return [Row(self.name, _all_cols(pos), model.decisions.cost[pos >= 0], self.limit, INF, "money", self.limit, b)]

    def violations(self, model, sel, tol):
        if sel.spend < self.limit - money_tol(self.limit, tol):
            cur = model.scenario.currency
            return [f"{self.name}: spend {format_money(sel.spend, cur)} is below {format_money(self.limit, cur)}"]
        return []

    def tight(self, model, sel, blocked):
        lo = self.limit
        if lo > 0 and abs(sel.spend - lo) <= 1e-6 * max(1.0, lo):
            return [Binding(self.name, sel.spend, lo, f"spend is at the minimum {format_money(lo, model.scenario.currency)}")]
        return []


class CountBound(Rule):
    """A count bound ``value <kind> limit``: influencers, one tier's or one niche's influencers.

    ``source`` is ``"count"``, ``"tier"`` (``index`` a tier code) or ``"niche"`` (``index``
    the niche's position in the scenario); ``label`` is the planner's words with ``{k}``
    the count and ``{s}`` a plural s: ``"{k} micro influencer{s}"``.
    """

    unit = "count"
    binding_rank = 1

    def __init__(self, name: str, kind: str, limit: int, source: str, index: int, label: str):
        self.name, self.kind, self.limit, self.source, self.index, self.label = name, kind, limit, source, index, label

    def eligible(self, model: "Model") -> np.ndarray:
        """Decisions that count towards this bound."""
        d = model.decisions
        if self.source == "count":
            return np.ones(d.n, dtype=bool)
        if self.source == "tier":
            return d.tier == self.index
        out = np.zeros(d.n, dtype=bool)
        out[d.members_t[self.index].indices] = True
        return out

    def count_in(self, sel: Selection) -> int:
        if self.source == "count":
            return sel.count
        return int(round((sel.tiers if self.source == "tier" else sel.niches)[self.index]))

    def label_for(self, k) -> str:
        """``"3 micro influencers"``, ``"1 influencer in vegan"``."""
        return self.label.format(k=k if isinstance(k, str) else f"{k:,}", s="" if k == 1 else "s")

    def rows(self, model, pos):
        if self.kind == "min" and self.limit <= 0:
            return []
        elig = self.eligible(model) & (pos >= 0)
        cols = np.sort(pos[elig])
        lo, hi = (self.limit, INF) if self.kind == "min" else (-INF, self.limit)
        return [Row(self.name, cols, 1.0, lo, hi, "count", self.limit)]

    def violations(self, model, sel, tol):
        v = self.count_in(sel)
        if self.kind == "min" and v < self.limit:
            return [f"{self.name}: {v:,} selected, at least {self.limit:,}"]
        if self.kind == "max" and v > self.limit:
            return [f"{self.name}: {v:,} selected, at most {self.limit:,}"]
        return []

    def blocks(self, model, sel, pool):
        if self.kind == "max" and self.count_in(sel) >= self.limit:
            return pool & self.eligible(model)
        return None

    def tight(self, model, sel, blocked):
        v = self.count_in(sel)
        if v == self.limit and (self.kind == "max" or self.limit > 0):
            word = "the maximum" if self.kind == "max" else "the minimum"
            detail = f"{self.label_for(v)} selected, {word}"
            if self.name in blocked:
                detail += f"; it blocks {counted(blocked[self.name], 'affordable candidate')}"
            return [Binding(self.name, float(v), float(self.limit), detail)]
        return []


class PlatformShare(Rule):
    """``constraints.platforms.<p>.min_share``/``max_share``: the platform's share of spend.

    ``code`` is the platform's code among the decisions (−1: no candidate on it).
    """

    unit = "share"
    binding_rank = 3

    def __init__(self, name: str, kind: str, share: float, platform: str, code: int):
        self.name, self.kind, self.share, self.platform, self.code = name, kind, share, platform, code

    def spend_on(self, sel: Selection) -> float:
        return float(sel.platform_spend[self.code]) if self.code >= 0 else 0.0

    def rows(self, model, pos):
        if (self.kind == "min" and not self.share > 0) or (self.kind == "max" and not self.share < 1):
            return []
        d, keep = model.decisions, pos >= 0
        on = (d.platform[keep] == self.code).astype(float) if self.code >= 0 else np.zeros(int(keep.sum()))
        cost = d.cost[keep]
        lo, hi = (0.0, INF) if self.kind == "min" else (-INF, 0.0)
        return [Row(self.name, _all_cols(pos), cost * (on - self.share), lo, hi, "share", self.share,
                    model.scenario.budget)]

    def violations(self, model, sel, tol):
        p = self.spend_on(sel)
        slack = p - self.share * sel.spend if self.kind == "min" else self.share * sel.spend - p
        if slack < -money_tol(sel.spend, tol):
            cur = model.scenario.currency
            share = p / sel.spend if sel.spend > 0 else 0.0
            word = "at least" if self.kind == "min" else "at most"
            return [f"{self.name}: {self.platform} has {pct(share)} of spend ({format_money(p, cur)} of "
                    f"{format_money(sel.spend, cur)}), {word} {pct(self.share)}"]
        return []

    def ok_after_add(self, model: "Model", sel: Selection, tol: float = 1e-9) -> np.ndarray:
        """Per decision: would this rule hold after adding that decision alone?"""
        d = model.decisions
        p = self.spend_on(sel)
        on = d.platform == self.code
        new_p = p + np.where(on, d.cost, 0.0)
        new_total = sel.spend + d.cost
        slack = new_p - self.share * new_total if self.kind == "min" else self.share * new_total - new_p
        return slack >= -tol * np.maximum(1.0, new_total)

    def blocks(self, model, sel, pool):
        return pool & ~self.ok_after_add(model, sel)

    def tight(self, model, sel, blocked):
        p = self.spend_on(sel)
        share = p / sel.spend if sel.spend > 0 else 0.0
        if (sel.spend > 0 and abs(share - self.share) <= 1e-6) or self.name in blocked:
            word = "at least" if self.kind == "min" else "at most"
            detail = f"{self.platform} has {pct(share)} of spend, {word} {pct(self.share)} allowed"
            if self.name in blocked:
                detail += f"; it blocks {counted(blocked[self.name], 'affordable candidate')}"
            return [Binding(self.name, share, self.share, detail)]
        return []


class Includes(Rule):
    """``constraints.include[<id>]``: each listed influencer must be chosen.

    ``entries`` are ``(id as written, roster row or None)`` in the scenario's order.
    """

    name, unit = "constraints.include", "include"

    def __init__(self, entries: list):
        self.entries = entries

    @property
    def rows_forced(self) -> np.ndarray:
        """The included roster rows, sorted, each once."""
        return np.asarray(sorted({r for _, r in self.entries if r is not None}), dtype=np.int64)

    def rows(self, model, pos):
        out, d = [], model.decisions
        for i, row in self.entries:
            cols = np.zeros(0, dtype=np.int64) if row is None else pos[d.of_rows([row]) & (pos >= 0)]
            # a filtered include keeps an empty row 0 = 1: infeasible, and named for the diagnosis
            out.append(Row(f"constraints.include[{i}]", cols, 1.0, 1.0, 1.0, "include", 1))
        return out

    def violations(self, model, sel, tol):
        ids, d = model.scenario.roster.ids, model.decisions
        chosen_rows = set(d.row[sel.mask].tolist())
        return [f"constraints.include[{ids[row]}]: {ids[row]} must be selected but is not"
                for row in self.rows_forced if row not in chosen_rows]


class Conflict(Rule):
    """``constraints.conflicts[<a>|<b>|...]``: at most one of a group (``decisions``: their decisions)."""

    unit = "conflict"
    binding_rank = 4

    def __init__(self, name: str, decisions: np.ndarray):
        self.name, self.decisions = name, np.asarray(decisions, dtype=np.int64)

    def rows(self, model, pos):
        cols = np.unique(pos[self.decisions][pos[self.decisions] >= 0])
        return [Row(self.name, cols, 1.0, -INF, 1.0, "conflict", 1)] if cols.size >= 2 else []

    def violations(self, model, sel, tol):
        chosen = self.decisions[sel.mask[self.decisions]]
        if chosen.size > 1:
            return [f"{self.name}: {chosen.size} selected ({some_ids(model.decisions.label_array[chosen], 5)}), at most 1"]
        return []

    def blocks(self, model, sel, pool):
        if sel.mask[self.decisions].any():
            blocked = np.zeros(pool.shape, dtype=bool)
            blocked[self.decisions] = True
            return pool & blocked & ~sel.mask
        return None

    def tight(self, model, sel, blocked):
        d = model.decisions
        labels, rows = d.label_array, self.decisions
        chosen = rows[sel.mask[rows]]
        others = rows[~sel.mask[rows] & ~np.isin(d.row[rows], d.row[chosen])]   # not the chosen one's packages
        if chosen.size == 1 and others.size:
            return [Binding(self.name, 1.0, 1.0, f"{labels[chosen[0]]} is selected, so {some_ids(labels[others])} cannot be")]
        return []


class OnePackages(Rule):
    """``packages.one_per_influencer[<id>]``: at most one of an influencer's packages, for every
    influencer selling more than one (``groups``: their decisions, ``names``: the rows' names).

    Structural (never relaxed by the elastic diagnosis, never listed as binding): it is what
    makes a package a choice *of* an influencer, so counts count influencers.
    """

    name = "packages.one_per_influencer"

    def __init__(self, names: list[str], groups: list[np.ndarray]):
        self.names, self.groups = names, groups

    def rows(self, model, pos):
        out = []
        for name, g in zip(self.names, self.groups):
            cols = pos[g]
            cols = cols[cols >= 0]                      # sorted: groups are in decision order
            if cols.size >= 2:
                out.append(Row(name, cols, 1.0, -INF, 1.0))
        return out

    def violations(self, model, sel, tol):
        d = model.decisions
        twice = np.flatnonzero(np.bincount(d.row[sel.mask], minlength=model.scenario.roster.n) > 1)
        out = []
        for row in twice:
            chosen = np.flatnonzero(sel.mask & (d.row == row))
            names = some_ids(d.package[chosen].tolist(), 5)
            out.append(f"{self.name}[{model.scenario.roster.ids[row]}]: {chosen.size} packages selected ({names}), "
                       f"at most one per influencer")
        return out

    def blocks(self, model, sel, pool):
        d = model.decisions
        taken = np.zeros(model.scenario.roster.n, dtype=bool)
        taken[d.row[sel.mask]] = True
        return pool & taken[d.row] & ~sel.mask

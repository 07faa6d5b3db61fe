"""What every rule kind is: a :class:`Rule` owns its LP rows, its check of a selection, its
binding text, its pre-check, its greedy guard and its wording in the elastic diagnosis.

A rule sees the model through :class:`Selection` (a decision mask with its totals) and the
model's public attributes (``model.decisions``, ``model.scenario``).  A *linear* rule
(``lo ≤ coef · x ≤ hi`` over decisions) gets every operation from :class:`LinearRule`
and only words its messages; that is how a new rule kind stays one class.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Optional

import numpy as np

from ..wording import format_money, money_tol

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Model

__all__ = ["Row", "Rule", "LinearRule", "Selection", "Binding", "INF"]

INF = np.inf


@dataclass(frozen=True)
class Row:
    """One named LP row ``lo ≤ Σ vals·x[cols] ≤ hi`` over LP columns.

    ``kind`` is the unit the elastic diagnosis measures its slack in (``"money"``,
    ``"count"``, ``"share"``, ``"include"``, ``"conflict"``, ``"amount"``; ``""`` for
    structural rows that are never relaxed), ``limit`` the planner's number and
    ``scale`` the unit one slack is divided by.
    """

    name: str
    cols: np.ndarray
    vals: object
    lo: float
    hi: float
    kind: str = ""
    limit: float = np.nan
    scale: float = 1.0


@dataclass(frozen=True)
class Binding:
    """A rule that is tight at a portfolio or stops further spending.

    ``value`` is the rule's current left-hand side (spend, count, share), ``limit``
    its bound, ``detail`` a sentence for the planner.
    """

    name: str
    value: float
    limit: float
    detail: str


class Selection:
    """A selection (bool mask over decisions) and its totals, each computed once."""

    def __init__(self, model: "Model", mask: np.ndarray):
        self.model, self.mask = model, mask

    @cached_property
    def spend(self) -> float:
        """Σ cost of the selected decisions (currency)."""
        return float(self.model.decisions.cost[self.mask].sum())

    @cached_property
    def count(self) -> int:
        return int(self.mask.sum())

    @cached_property
    def tiers(self) -> np.ndarray:
        return np.bincount(self.model.decisions.tier[self.mask], minlength=5)

    @cached_property
    def niches(self) -> np.ndarray:
        return self.model.decisions.members_t @ self.mask.astype(float)

    @cached_property
    def platform_spend(self) -> np.ndarray:
        d = self.model.decisions
        return np.bincount(d.platform[self.mask], weights=d.cost[self.mask], minlength=len(d.platform_names))


class Rule:
    """A planner's rule.  Subclasses set ``name`` (the report name) and ``unit``.

    Every method has a harmless default, so a kind implements only what it has:
    ``rows`` (LP rows), ``violations`` (messages for a selection that breaks it),
    ``tight`` (binding entries), ``blocks`` (rows of a pool it forbids adding now),
    ``precheck`` (proofs of infeasibility), ``limit_text``/``miss_text`` (elastic wording).
    ``binding_rank`` orders the binding entries of different kinds.
    """

    name: str = ""
    unit: str = ""
    binding_rank: int = 9

    def rows(self, model: "Model", pos: np.ndarray) -> list[Row]:
        return []

    def violations(self, model: "Model", sel: Selection, tol: float) -> list[str]:
        return []

    def tight(self, model: "Model", sel: Selection, blocked: dict) -> list[Binding]:
        return []

    def blocks(self, model: "Model", sel: Selection, pool: np.ndarray) -> Optional[np.ndarray]:
        return None

    def precheck(self, model: "Model", allowed: np.ndarray, forced: np.ndarray) -> list[str]:
        return []

    def limit_text(self, model: "Model", limit: float) -> str:
        """The rule's number as written in the elastic diagnosis: ``(£1,000)``'s inside."""
        cur = model.scenario.currency
        if self.unit == "money":
            return format_money(limit, cur, whole=True)
        if self.unit == "share":
            return f"{limit:.0%}"
        if self.unit == "count":
            return f"{limit:.0f}"
        if self.unit == "include":
            return "must be chosen"
        if self.unit == "conflict":
            return "at most one"
        return f"{limit:,.6g}"

    def miss_text(self, model: "Model", row_name: str, at_least: bool, amount: float) -> str:
        """How far the best relaxed portfolio misses this rule's row ``row_name``."""
        cur = model.scenario.currency
        if self.unit == "money":
            verb = "falls short of" if at_least else "overshoots"
            return f"{verb} {row_name} by {format_money(amount, cur, whole=True)}"
        if self.unit == "share":
            return f"misses {row_name} by {format_money(amount, cur, whole=True)} of spend"
        if self.unit == "count":
            return f"{'falls short of' if at_least else 'exceeds'} {row_name} by {amount:.0f}"
        if self.unit == "include":
            return f"leaves out {row_name[len('constraints.include['):-1]}"
        if self.unit == "conflict":
            return f"selects {amount + 1:.0f} of {row_name}"
        return f"{'falls short of' if at_least else 'exceeds'} {row_name} by {amount:,.6g}"


class LinearRule(Rule):
    """``lo ≤ coef · x ≤ hi`` over decisions, with every operation derived from it.

    Subclasses give ``coef(model)`` (an array over decisions), ``lo``/``hi`` and
    ``amount(model, value)`` (a value in the rule's unit, for messages); ``scale_of``
    divides the slack in the elastic diagnosis and the greedy's repair.  The greedy
    treats a finite ``hi`` over ``coef ≥ 0`` as a guard (adding a decision that would pass
    ``hi`` is refused) and a finite ``lo`` as a minimum to meet.
    """

    lo: float = -INF
    hi: float = INF
    unit = "amount"
    binding_rank = 5

    def coef(self, model: "Model") -> np.ndarray:
        raise NotImplementedError

    def scale_of(self, model: "Model") -> float:
        return 1.0

    def amount(self, model: "Model", value: float) -> str:
        return f"{value:,.6g}"

    def coefficients(self, model: "Model") -> np.ndarray:
        """``coef(model)`` as floats, computed once per model."""
        return model.cached(self, "coef", lambda: np.asarray(self.coef(model), dtype=float))

    def value(self, model: "Model", sel: Selection) -> float:
        return float(self.coefficients(model)[sel.mask].sum())

    def tolerance(self, model: "Model", tol: float) -> float:
        """Absolute tolerance of the checks: ``tol`` relative to the limit (at least ``tol``)."""
        limits = [abs(v) for v in (self.lo, self.hi) if np.isfinite(v)]
        return money_tol(max(limits, default=0.0), tol)

    def rows(self, model: "Model", pos: np.ndarray) -> list[Row]:
        keep = pos >= 0
        c = self.coefficients(model)[keep]
        nz = c != 0
        limit = self.lo if np.isfinite(self.lo) else self.hi
        return [Row(self.name, pos[keep][nz], c[nz], self.lo, self.hi, self.unit, limit, self.scale_of(model))]

    def violations(self, model: "Model", sel: Selection, tol: float) -> list[str]:
        v, t = self.value(model, sel), self.tolerance(model, tol)
        if v < self.lo - t:
            return [f"{self.name}: {self.amount(model, v)}, at least {self.amount(model, self.lo)}"]
        if v > self.hi + t:
            return [f"{self.name}: {self.amount(model, v)}, at most {self.amount(model, self.hi)}"]
        return []

    def addable(self, model: "Model", value: float, rows: np.ndarray, tol: float = 1e-9) -> np.ndarray:
        """The greedy's guard: which decisions ``rows`` may be added to a selection worth ``value``.

        A decision may not carry the value past ``hi`` (or below ``lo``) unless it moves the
        value the other way, so a maximum over ``coef ≥ 0`` refuses what no longer fits and a
        minimum over ``coef ≥ 0`` refuses nothing.
        """
        c, t = self.coefficients(model)[rows], self.tolerance(model, tol)
        ok = np.ones(len(rows), dtype=bool)
        if np.isfinite(self.hi):
            ok &= (c <= 0) | (value + c <= self.hi + t)
        if np.isfinite(self.lo):
            ok &= (c >= 0) | (value + c >= self.lo - t)
        return ok

    def blocks(self, model: "Model", sel: Selection, pool: np.ndarray) -> Optional[np.ndarray]:
        rows = np.flatnonzero(pool)
        out = np.zeros(pool.shape, dtype=bool)
        out[rows[~self.addable(model, self.value(model, sel), rows)]] = True
        return out

    def tight(self, model: "Model", sel: Selection, blocked: dict) -> list[Binding]:
        """At one of its limits, or blocking candidates (a maximum full, or a minimum that
        adding them would break)."""
        v = self.value(model, sel)
        at = lambda limit: np.isfinite(limit) and abs(v - limit) <= self.tolerance(model, 1e-6)  # noqa: E731
        if not (at(self.hi) or at(self.lo) or self.name in blocked):
            return []
        hi = np.isfinite(self.hi) and (at(self.hi) or not np.isfinite(self.lo) or v > self.lo)
        limit, word = (self.hi, "the maximum") if hi else (self.lo, "the minimum")
        detail = f"{self.amount(model, v)}, {word} is {self.amount(model, limit)}"
        if self.name in blocked:
            k = blocked[self.name]
            detail += f"; it blocks {k:,} affordable candidate{'' if k == 1 else 's'}"
        return [Binding(self.name, v, float(limit), detail)]

    def miss_text(self, model: "Model", row_name: str, at_least: bool, amount: float) -> str:
        """How far the best relaxed portfolio misses the rule, in the rule's unit."""
        if self.unit in ("count", "money", "share"):
            return super().miss_text(model, row_name, at_least, amount)
        return f"{'falls short of' if at_least else 'exceeds'} {row_name} by {self.amount(model, amount)}"

    def precheck(self, model: "Model", allowed: np.ndarray, forced: np.ndarray) -> list[str]:
        """A maximum the includes already pass; a minimum no selection of allowed decisions reaches."""
        c = self.coefficients(model)
        forced_v = float(c[forced].sum())
        if np.isfinite(self.hi) and (c[allowed] >= 0).all() and forced_v > self.hi + self.tolerance(model, 1e-6):
            return [f"{self.name} = {self.amount(model, self.hi)} but constraints.include already gives "
                    f"{self.amount(model, forced_v)}"]
        if np.isfinite(self.lo):
            extra = c[allowed & ~forced]
            most = forced_v + float(extra[extra > 0].sum())
            if most < self.lo - self.tolerance(model, 1e-6):
                return [f"{self.name} = {self.amount(model, self.lo)} cannot be reached: every allowed candidate "
                        f"together gives {self.amount(model, most)}"]
        return []

"""Custom linear rules over any numeric roster column (``constraints.custom``) and the team's
capacity (``constraints.team_hours``).

Each bound is one rule named ``constraints.custom.<name>.min`` / ``.max`` (or
``constraints.team_hours``), linear over the decisions, so it gets its LP row, its check,
its greedy guard, its repair and its elastic slack from :class:`~.base.LinearRule`; these
classes only say what they sum and how to word it.

* sum: ``Σ c_i x_i`` within the bound (the column's unit);
* share: the ``share_of``-weighted mean ``Σ w_i c_i x_i / Σ w_i x_i`` within the bound,
  written linearly as ``Σ w_i (c_i − bound) x_i ≥ 0`` (minimum) or ``≤ 0`` (maximum) — an
  empty selection meets it;
* count: the number of chosen influencers whose flag column is set;
* team hours: ``Σ hours_i x_i ≤ team_hours``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..._text import counted
from ...domain.columns import flag_column, numeric_column
from .base import INF, LinearRule

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Model

__all__ = ["CustomSum", "CustomShare", "CustomCount", "TeamHours", "custom_rules", "team_hours_rules"]


def _bounds(kind: str, limit: float) -> tuple[float, float]:
    return (float(limit), INF) if kind == "min" else (-INF, float(limit))


def _per_decision(model: "Model", values: np.ndarray) -> np.ndarray:
    """A per-influencer column as a per-decision array (NaN as 0: the roster check refuses blanks)."""
    return np.nan_to_num(np.asarray(values, dtype=float)[model.decisions.row], nan=0.0)


def column_of(model: "Model", name: str) -> np.ndarray:
    """Column ``name`` per decision: a package's own fee, posts, engagement rate and expected engagement
    (the package bought, not the influencer's cheapest), every other column the influencer's."""
    from ...domain.roster import column_name

    d, pk, r = model.decisions, model.scenario.packages, model.scenario.roster
    own = column_name(name)
    if pk is not None and own in ("fee", "posts", "engagement_rate", "expected_engagement"):
        return {"fee": d.fee, "posts": np.asarray(pk.posts, dtype=float), "engagement_rate": pk.rates(r),
                "expected_engagement": d.gain_e}[own].astype(float)
    return _per_decision(model, numeric_column(r, name))


class CustomSum(LinearRule):
    """``constraints.custom.<name>.<min|max>`` over a column's sum, e.g. ``{column: co2_kg, max: 500}``."""

    def __init__(self, spec, kind: str):
        self.spec, self.kind = spec, kind
        self.name = spec.rule_name(kind)
        self.lo, self.hi = _bounds(kind, spec.min if kind == "min" else spec.max)

    def coef(self, model):
        return column_of(model, self.spec.column)

    def scale_of(self, model):
        limit = abs(self.lo if self.kind == "min" else self.hi)
        return limit if limit > 0 else max(1.0, float(np.abs(self.coefficients(model)).max(initial=0.0)))

    def amount(self, model, value):
        return f"{value:,.6g} {self.spec.column}"

    def violations(self, model, sel, tol):
        v, t = self.value(model, sel), self.tolerance(model, tol)
        limit = self.lo if self.kind == "min" else self.hi
        broken = v < limit - t if self.kind == "min" else v > limit + t
        word = "at least" if self.kind == "min" else "at most"
        return [f"{self.name}: the selection's {self.spec.column} adds up to {v:,.6g}, {word} {limit:,.6g}"] \
            if broken else []


class CustomCount(LinearRule):
    """``constraints.custom.<name>.<min|max>`` over the number of flagged influencers, e.g.
    ``{count_where: verified, min: 5}``."""

    unit = "count"

    def __init__(self, spec, kind: str):
        self.spec, self.kind = spec, kind
        self.name = spec.rule_name(kind)
        self.lo, self.hi = _bounds(kind, spec.min if kind == "min" else spec.max)

    def coef(self, model):
        return flag_column(model.scenario.roster, self.spec.count_where)[model.decisions.row].astype(float)

    def amount(self, model, value):
        return f"{counted(int(round(value)), 'influencer')} with {self.spec.count_where}"

    def violations(self, model, sel, tol):
        v = int(round(self.value(model, sel)))
        if self.kind == "min" and v < self.lo:
            return [f"{self.name}: {v:,} selected with {self.spec.count_where}, at least {self.lo:,.0f}"]
        if self.kind == "max" and v > self.hi:
            return [f"{self.name}: {v:,} selected with {self.spec.count_where}, at most {self.hi:,.0f}"]
        return []


class CustomShare(LinearRule):
    """``constraints.custom.<name>.<min|max>`` over a weighted mean, e.g.
    ``{share_of: followers, column: audience_female, min: 0.6}``."""

    def __init__(self, spec, kind: str):
        self.spec, self.kind = spec, kind
        self.name = spec.rule_name(kind)
        self.bound = float(spec.min if kind == "min" else spec.max)
        self.lo, self.hi = (0.0, INF) if kind == "min" else (-INF, 0.0)

    def weights(self, model: "Model") -> np.ndarray:
        return column_of(model, self.spec.share_of)

    def values(self, model: "Model") -> np.ndarray:
        return column_of(model, self.spec.column)

    def coef(self, model):
        return self.weights(model) * (self.values(model) - self.bound)

    def scale_of(self, model):
        return max(1e-12, float(np.abs(self.coefficients(model)).max(initial=0.0)))

    def tolerance(self, model, tol):
        """``tol`` relative to one influencer's largest term (the limit is 0 in this form)."""
        return tol * max(1.0, self.scale_of(model))

    def mean(self, model: "Model", sel) -> float:
        """The selection's weighted mean (NaN when its weights add up to 0)."""
        w = self.weights(model)[sel.mask]
        return float(w @ self.values(model)[sel.mask] / w.sum()) if w.sum() > 0 else float("nan")

    def amount(self, model, value):
        return f"{value:,.6g} ({self.spec.share_of}-weighted {self.spec.column} against {self.bound:g})"

    def limit_text(self, model, limit):
        return f"{self.bound:g}"

    def miss_text(self, model, row_name, at_least, amount):
        return (f"misses {row_name} by {amount:,.3g} {self.spec.share_of} × {self.spec.column} "
                f"(the {self.spec.share_of}-weighted {self.spec.column} must be "
                f"{'at least' if self.kind == 'min' else 'at most'} {self.bound:g})")

    def violations(self, model, sel, tol):
        if not super().violations(model, sel, tol):
            return []
        word = "at least" if self.kind == "min" else "at most"
        return [f"{self.name}: the {self.spec.share_of}-weighted {self.spec.column} of the selection is "
                f"{self.mean(model, sel):.4g}, {word} {self.bound:g}"]

    def tight(self, model, sel, blocked):
        out = super().tight(model, sel, blocked)
        if not out:
            return []
        b, word = out[0], "at least" if self.kind == "min" else "at most"
        detail = f"the {self.spec.share_of}-weighted {self.spec.column} is {self.mean(model, sel):.4g}, {word} {self.bound:g}"
        if self.name in blocked:
            detail += f"; it blocks {counted(blocked[self.name], 'affordable candidate')}"
        return [type(b)(b.name, self.mean(model, sel), self.bound, detail)]


class TeamHours(LinearRule):
    """``constraints.team_hours``: the selection's management hours at most the team's capacity."""

    name = "constraints.team_hours"

    def __init__(self, limit: float):
        self.hi = float(limit)

    def coef(self, model):
        return model.decisions.hours

    def scale_of(self, model):
        return max(1.0, self.hi)

    def amount(self, model, value):
        return f"{value:,.4g} hours"

    def violations(self, model, sel, tol):
        v = self.value(model, sel)
        if v > self.hi + self.tolerance(model, tol):
            return [f"{self.name}: the selection needs {v:,.4g} hours of management, at most {self.hi:,.4g}"]
        return []


_KINDS = {"SumRule": CustomSum, "ShareRule": CustomShare, "CountRule": CustomCount}


def custom_rules(model: "Model") -> list:
    """One rule per bound of every ``constraints.custom`` entry, in the scenario's order."""
    out = []
    for spec in model.scenario.spec.constraints.custom:
        cls = _KINDS[type(spec).__name__]
        out += [cls(spec, kind) for kind in ("min", "max") if getattr(spec, kind) is not None]
    return out


def team_hours_rules(model: "Model") -> list:
    limit = model.scenario.spec.constraints.team_hours
    return [] if limit is None else [TeamHours(limit)]

"""``constraints.target_probability``: reach ``objective.target`` engagements in at least a share ``p`` of the
outcome scenarios the optimiser plans on (a chance constraint, solved by sample-average approximation).

With ``S`` planning scenarios ``X_s`` (engagements of every decision, :mod:`lineup.domain.outcomes`) and the
target ``T``, the rule owns a binary column ``miss[<s>]`` per scenario (1: the portfolio may miss the target
there) and the rows

* ``target.scenario[<s>]``: ``Σ_i min(X_is, T) x_i + T · miss_s ≥ T`` (structural; capping a creator's
  engagements at the target changes no whole selection's answer and tightens the LP);
* ``constraints.target_probability``: ``Σ_s miss_s ≤ k = floor((1 − p) S)`` (the planner's rule; the elastic
  diagnosis counts its slack in scenarios);
* ``target.average``: ``Σ_i M_i x_i ≥ T``, ``M_i`` the mean of creator ``i``'s ``S − k`` largest capped
  values: a valid cut (averaging the reached scenarios' rows; no subset of ``S − k`` scenarios gives a creator
  more), which the LP relaxation alone only implies at ``(1 − k/S) T``.  Its kind is ``"cut"``: it holds for
  every selection that keeps the rule and none other, so the elastic diagnosis leaves it out
  (:func:`lineup.optimize.formulation.with_slack`), else relaxing the count row alone would not relax it.

Unlike the other rules it adds columns; the greedy meets it by reaching the target first
(:func:`lineup.optimize.greedy._reach`), and :func:`lineup.optimize.solve` checks every greedy portfolio
against every rule (one that breaks it sends the solve to the MILP).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from .base import Binding, Row, Rule, Selection

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Model

__all__ = ["TargetProbability", "target_rules"]


class TargetProbability(Rule):
    """P(engagements ≥ target) ≥ ``probability`` on the planning sample ``sample`` (scenarios × decisions).

    Examples
    --------
    >>> X = np.array([[5.0, 1.0], [0.0, 6.0], [3.0, 3.0], [0.0, 0.0]])
    >>> rule = TargetProbability(target=5.0, probability=0.5, sample=X)
    >>> rule.allowed_misses, rule.reached(np.array([True, False])), rule.reached(np.array([True, True]))
    (2, 1, 3)
    """

    name = "constraints.target_probability"
    unit = "scenarios"
    binding_rank = 4
    integer = True

    def __init__(self, target: float, probability: float, sample: np.ndarray):
        self.target, self.probability, self.sample = float(target), float(probability), sample

    @property
    def scenarios(self) -> int:
        return int(self.sample.shape[0])

    @property
    def allowed_misses(self) -> int:
        """Scenarios the portfolio may miss the target in: ``floor((1 − p) S)`` (with a hair of tolerance)."""
        return int(math.floor((1 - self.probability) * self.scenarios + 1e-9))

    @property
    def needed(self) -> int:
        return self.scenarios - self.allowed_misses

    def totals(self, mask: np.ndarray) -> np.ndarray:
        return self.sample[:, np.asarray(mask, dtype=bool)].sum(axis=1)

    def reached(self, mask: np.ndarray) -> int:
        """Planning scenarios in which the selection reaches the target."""
        return int(np.count_nonzero(self.totals(mask) >= self.target * (1 - 1e-9)))

    # ------------------------------------------------------------------ LP
    def columns(self, model: "Model", pos: np.ndarray) -> tuple[list[str], np.ndarray]:
        return [f"miss[{s}]" for s in range(self.scenarios)], np.zeros(self.scenarios)

    def bounds(self, model: "Model", pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.zeros(self.scenarios), np.ones(self.scenarios)

    def column_rows(self, model: "Model", pos: np.ndarray, first: int) -> list[Row]:
        """The scenario rows, the rule's own count row and the averaged cut, over the rule's columns from ``first``."""
        keep = np.flatnonzero(pos >= 0)
        X = np.minimum(self.sample[:, keep], self.target)
        out = []
        for s in range(self.scenarios):
            nz = np.flatnonzero(X[s])
            out.append(Row(f"target.scenario[{s}]", np.r_[pos[keep][nz], first + s], np.r_[X[s, nz], self.target],
                           self.target, np.inf))
        out.append(Row(self.name, first + np.arange(self.scenarios), 1.0, -np.inf, float(self.allowed_misses),
                       "count", float(self.allowed_misses), 1.0))
        top = -np.sort(-X, axis=0)[: self.needed].mean(axis=0) if self.needed else np.zeros(keep.size)
        nz = np.flatnonzero(top)
        out.append(Row("target.average", pos[keep][nz], top[nz], self.target, np.inf, "cut"))
        return out

    # ------------------------------------------------------------------ checks and words
    def violations(self, model: "Model", sel: Selection, tol: float) -> list[str]:
        k = self.reached(sel.mask)
        if k >= self.needed:
            return []
        return [f"{self.name}: reaches {self.target:,.0f} engagements in {k} of {self.scenarios} planning "
                f"scenarios ({k / self.scenarios:.1%}), at least {self.needed} ({self.probability:.0%}) needed"]

    def tight(self, model: "Model", sel: Selection, blocked: dict) -> list[Binding]:
        k = self.reached(sel.mask)
        if k > self.needed:
            return []
        return [Binding(self.name, float(k), float(self.needed),
                        f"reaches {self.target:,.0f} engagements in {k} of {self.scenarios} planning scenarios, "
                        f"the minimum is {self.needed} ({self.probability:.0%})")]

    def precheck(self, model: "Model", allowed: np.ndarray, forced: np.ndarray) -> list[str]:
        """Even every allowed candidate together misses the target in too many scenarios."""
        k = self.reached(allowed | forced)
        if k >= self.needed:
            return []
        return [f"{self.name} = {self.probability:.0%} cannot be reached: every allowed candidate together reaches "
                f"{self.target:,.0f} engagements in only {k} of {self.scenarios} planning scenarios "
                f"(lower objective.target or the probability, or allow more candidates)"]

    def limit_text(self, model: "Model", limit: float) -> str:
        return f"at most {limit:.0f} of {self.scenarios} scenarios missed"

    def miss_text(self, model: "Model", row_name: str, at_least: bool, amount: float) -> str:
        return f"misses the target in {amount:.0f} more planning scenarios than {row_name} allows"


def target_rules(model: "Model") -> list[Rule]:
    """The chance constraint, when the scenario sets it and carries a planning sample."""
    spec, sample = model.scenario.spec, model.scenario.outcome_sample
    p = spec.constraints.target_probability
    if p is None or sample is None:
        return []
    if sample.ndim != 2 or sample.shape[1] != model.n:
        from ...errors import ScenarioError

        raise ScenarioError(f"constraints.target_probability: the outcome sample covers {sample.shape[-1]:,} "
                            f"decisions, the scenario has {model.n:,}; draw it again for this scenario")
    return [TargetProbability(spec.objective.target, p, sample)]


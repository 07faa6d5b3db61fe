"""What would more budget buy?  Re-solve at a larger budget and compare."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.scenario import Scenario
from ..optimize import SolveResult, SolveStatus, solve

__all__ = ["BudgetWhatIf", "budget_what_if"]


@dataclass(frozen=True)
class BudgetWhatIf:
    """The optimum at ``budget`` compared with the base solve.

    ``objective_gain`` is in objective units (engagement-equivalents),
    ``engagement_gain`` in expected engagements, ``extra_spend`` in currency;
    ``added``/``removed`` are ids entering/leaving the portfolio.
    """

    budget: float
    status: str
    objective_gain: float | None
    engagement_gain: float | None
    extra_spend: float | None
    added: tuple[str, ...]
    removed: tuple[str, ...]

    def to_dict(self) -> dict:
        return {
            "budget": self.budget, "status": self.status, "objective_gain": self.objective_gain,
            "engagement_gain": self.engagement_gain, "extra_spend": self.extra_spend,
            "added": list(self.added), "removed": list(self.removed),
        }


def budget_what_if(scenario: Scenario, base: SolveResult, *, factor: float = 1.1,
                   backend: str | None = None, time_limit: float | None = None) -> BudgetWhatIf | None:
    """Re-solve ``scenario`` with ``factor`` × budget; ``None`` when the base has no portfolio or was
    interrupted (Ctrl-C: the user asked to stop, so no second solve is started).

    Examples
    --------
    >>> from lineup.optimize.formulation import tiny_scenario
    >>> sc = tiny_scenario()
    >>> w = budget_what_if(sc, solve(sc))
    >>> w.budget, w.status, w.objective_gain >= 0
    (1100.0, 'optimal', True)
    """
    if base.portfolio is None or base.evaluation is None or base.status is SolveStatus.INTERRUPTED:
        return None
    bigger = scenario.with_overrides(budget=scenario.budget * factor)
    res = solve(bigger, backend=backend or base.backend, time_limit=time_limit)
    if res.portfolio is None or res.evaluation is None:
        return BudgetWhatIf(bigger.budget, res.status.value, None, None, None, (), ())
    before, after = set(base.portfolio.ids), set(res.portfolio.ids)
    return BudgetWhatIf(
        budget=bigger.budget,
        status=res.status.value,
        objective_gain=float(res.objective - base.objective),
        engagement_gain=float(res.evaluation.engagement - base.evaluation.engagement),
        extra_spend=float(res.evaluation.spend - base.evaluation.spend),
        added=tuple(sorted(after - before)),
        removed=tuple(sorted(before - after)),
    )

"""What would more budget buy?  Re-solve at a larger budget and compare."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.scenario import Scenario
from ..optimize import SolveResult, SolveStatus, solve
from ..optimize.model import model_of
from ..optimize.rules import violations
from .talkers import check_score, validate

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

    With a talkers term the larger budget's portfolio is chosen as the base one was (solved on
    the RR sample, then validated against the proxy on the check sample), the objective gain is
    measured on the check sample, and the base portfolio (still allowed) is kept when neither
    scores higher, so that a noisy sample cannot show a gain at equal budget or a loss with more.

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
    sample = getattr(base.talkers, "check_sample", None)
    if sample is not None and res.portfolio is not None:
        res = validate(res, sample, lambda sc: solve(sc, backend=backend or base.backend, time_limit=time_limit))
        if res.status is SolveStatus.INTERRUPTED:
            return None
    if res.portfolio is None or res.evaluation is None:
        return BudgetWhatIf(bigger.budget, res.status.value, None, None, None, (), ())
    gain = res.objective - base.objective
    if sample is not None:   # scored on the check sample, as the validation chose; the base one still competes
        m = model_of(bigger)
        mine = m.mask_of(base.portfolio)
        gain = check_score(bigger, m.mask_of(res.portfolio), sample) - check_score(bigger, mine, sample)
        if gain <= 0 and not violations(bigger, mine):
            res, gain = base, 0.0
    before, after = set(base.portfolio.ids), set(res.portfolio.ids)
    return BudgetWhatIf(
        budget=bigger.budget,
        status=res.status.value,
        objective_gain=float(gain),
        engagement_gain=float(res.evaluation.engagement - base.evaluation.engagement),
        extra_spend=float(res.evaluation.spend - base.evaluation.spend),
        added=tuple(sorted(after - before)),
        removed=tuple(sorted(before - after)),
    )

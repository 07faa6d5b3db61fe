"""A solve result as data: the JSON-ready dict every output starts from, the estimate summary and row flags.

The terminal report, the CSV and the other formats are in :mod:`lineup.render.solve`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._version import __version__
from ..domain.assumptions import assumptions
from ..domain.tiers import TIER_NAMES

__all__ = ["solve_to_dict", "estimate_summary", "row_flags", "records", "seconds_text"]


def _num(x: float | None, digits: int = 2) -> float | None:
    return None if x is None else round(float(x), digits) + 0.0  # + 0.0 turns -0.0 into 0.0


def solve_to_dict(result, what_if=None) -> dict[str, Any]:
    """One JSON-ready object describing a solve (the ``--format json`` output).

    ``what_if`` is an optional :class:`~lineup.workflows.whatif.BudgetWhatIf`
    (anything with ``to_dict()``), reported as ``budget_what_if``.
    """
    sc = result.scenario
    ev = result.evaluation
    columns = result.portfolio_columns()
    selected = records(columns) if result.portfolio is not None else []
    empty, zero = result.empty_reason, result.zero_reason
    return {
        "scenario": sc.name,
        "currency": sc.currency,
        "budget": sc.budget,
        "status": result.status.value,
        "objective": _num(result.objective, 4),
        **({"minimise": sc.spec.objective.minimise} if sc.spec.objective.minimise else {}),
        "bound": _num(result.bound, 4),
        "gap": None if result.gap is None else float(result.gap),
        "spend": _num(ev.spend if ev else 0.0),
        "budget_left": _num(sc.budget - (ev.spend if ev else 0.0)),
        **_cost_totals(result),
        "expected_engagement": _num(ev.engagement if ev else 0.0),
        "raw_expected_engagement": _num(ev.raw_engagement if ev else 0.0),
        "coverage_value": _num(ev.coverage_value if ev else 0.0),
        "influencers": len(selected),
        "selected": selected,
        "niche_coverage": {k: round(v, 6) for k, v in (ev.coverage.items() if ev else [])},
        "tier_counts": _tier_counts(result),
        "binding": [
            {"name": b.name, "value": _num(b.value, 6), "limit": _num(b.limit, 6), "detail": b.detail}
            for b in result.binding
        ],
        "diagnosis": list(result.diagnosis),
        "removed_by_filters": dict(result.removed),
        "empty_reason": empty,
        "zero_objective_reason": zero,
        "estimated": estimate_summary(columns),
        "derived": {"engagement_rate": int(sum(columns["er_derived"])) if selected else 0},
        "budget_what_if": what_if.to_dict() if what_if is not None else None,
        **({"talkers": result.talkers.to_dict()} if getattr(result, "talkers", None) is not None else {}),
        **({"forecast": result.forecast.to_dict()} if getattr(result, "forecast", None) is not None else {}),
        "warnings": list(sc.warnings) + list(result.notes) + _stop_warning(result) + _empty_warning(empty, zero),
        "solver": {
            "backend": result.backend,
            "method": result.method,
            "build_seconds": round(result.build_seconds, 4),
            "solve_seconds": round(result.solve_seconds, 4),
            "time_limit": result.time_limit,
            "gap_tolerance": result.gap_tolerance,
        },
        "assumptions": _solve_assumptions(result),
        "lineup_version": __version__,
    }


def _cost_totals(result) -> dict[str, Any]:
    """``fees``, ``management_cost``, ``management_hours`` and ``total_cost`` when the scenario sets
    ``costs.management`` (``spend`` stays what the budget counts); nothing otherwise."""
    if result.scenario.spec.costs.management is None:
        return {}
    ev = result.evaluation
    if ev is None:
        return {"fees": 0.0, "management_cost": 0.0, "management_hours": 0.0, "total_cost": 0.0}
    return {"fees": _num(ev.fees), "management_cost": _num(ev.management_cost),
            "management_hours": _num(ev.management_hours), "total_cost": _num(ev.total_cost)}


def estimate_summary(columns: dict[str, Any]) -> dict[str, Any]:
    """How much of a portfolio rests on estimates and on implausible values (counts, spend share, a sentence).

    Examples
    --------
    >>> s = estimate_summary({"fee": [900, 100], "fee_estimated": [True, False], "er_estimated": [True, True],
    ...                       "implausible": ["", "fee"]})
    >>> s["fee"], s["engagement_rate"], s["spend_share"], s["implausible"]
    (1, 2, 0.9, 1)
    >>> print(s["summary"])
    1 of 2 chosen fees and 2 of 2 engagement rates are estimated; 90 % of the spend is estimated; 1 of 2 chosen influencers has implausible values (flagged)
    """
    n = len(columns["fee"])
    fee_est, er_est = (np.asarray(columns[k], dtype=bool) for k in ("fee_estimated", "er_estimated"))
    fees = np.asarray(columns["fee"], dtype=float)
    spend = float(fees.sum())
    share = float(fees[fee_est].sum()) / spend if spend > 0 else 0.0
    odd = int(sum(1 for x in columns.get("implausible", []) if x))
    summary = (f"{int(fee_est.sum())} of {n} chosen fees and {int(er_est.sum())} of {n} engagement rates are "
               f"estimated; {share:.0%} of the spend is estimated".replace("%", " %") if n else "")
    if odd:
        summary += (f"; {odd} of {n} chosen influencer{'s' if n != 1 else ''} {'has' if odd == 1 else 'have'} "
                    f"implausible values (flagged)")
    return {"engagement_rate": int(er_est.sum()), "fee": int(fee_est.sum()), "influencers": n,
            "spend_share": round(share, 6), "implausible": odd, "summary": summary}


def row_flags(row: dict[str, Any]) -> list[str]:
    """Short flags of one portfolio row: estimated, derived and implausible values.

    >>> row_flags({"er_estimated": True, "fee_estimated": False, "implausible": "engagement_rate, fee"})
    ['est. ER', 'implausible engagement_rate, fee']
    >>> row_flags({"er_estimated": False, "er_derived": True, "fee_estimated": True, "implausible": ""})
    ['derived ER', 'est. fee']
    """
    flags = [f for f, on in (("est. ER", row["er_estimated"]), ("derived ER", row.get("er_derived")),
                             ("est. fee", row["fee_estimated"])) if on]
    return flags + ([f"implausible {row['implausible']}"] if row.get("implausible") else [])


def _stop_warning(result) -> list[str]:
    """What a solve stopped early (time limit, Ctrl-C) means for the portfolio shown."""
    status = result.status.value
    if status not in ("time_limit", "interrupted") or result.portfolio is None:
        return []
    why = ("it was interrupted" if status == "interrupted"
           else f"the solver reached its time limit ({seconds_text(result.time_limit)})")
    gap = ("no bound is known" if result.gap is None
           else f"at most {result.gap:.3%} below the bound")
    hint = "" if status == "interrupted" else " (raise --time-limit or solver.time_limit to search longer)"
    return [f"not proven optimal: {why}; the portfolio is the best found, {gap}{hint}"]


def seconds_text(value) -> str:
    return "none" if value is None else f"{value:g} s"


def _solve_assumptions(result) -> dict:
    """The solver, objective and prior settings of a solve, with the limit and gap it actually ran with."""
    out = {k: v for k, v in assumptions(result.scenario.spec, result.scenario.fitted).items() if not k.startswith("simulation.")}
    for key, used in (("solver.time_limit", result.time_limit), ("solver.gap", result.gap_tolerance)):
        if used is not None and used != out[key]["value"]:
            out[key] = {**out[key], "value": used, "source": "command line"}
    return out


def _empty_warning(empty: str | None, zero: str | None) -> list[str]:
    """The sentence saying why the best portfolio is empty, or why its objective is 0."""
    if empty:
        return [f"the best portfolio is empty because {empty}"]
    return [f"the objective is 0 because {zero}"] if zero else []


def _tier_counts(result) -> dict[str, int]:
    if result.portfolio is None:
        return {}
    counts = result.portfolio.tier_counts(result.scenario.tiers)
    return {name: int(c) for name, c in zip(TIER_NAMES, counts)}


def records(columns: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of a column table as dicts of plain Python values (JSON-ready)."""
    values = [v.tolist() if hasattr(v, "tolist") else list(v) for v in columns.values()]
    return [dict(zip(columns, row)) for row in zip(*values)]

"""Render solve results: a JSON-ready dict, CSV, and a terminal report (rich)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._version import __version__
from ..domain.assumptions import assumptions
from ..domain.tiers import TIER_NAMES
from ..optimize.rules import format_money
from .terminal import literal, print_table
from .writers import csv_text

__all__ = ["solve_to_dict", "portfolio_csv", "render_solve", "render_notes", "estimate_summary", "row_flags", "cost_split"]

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
    selected = _records(columns) if result.portfolio is not None else []
    empty, zero = result.empty_reason, result.zero_reason
    return {
        "scenario": sc.name,
        "currency": sc.currency,
        "budget": sc.budget,
        "status": result.status.value,
        "objective": _num(result.objective, 4),
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
           else f"the solver reached its time limit ({_seconds(result.time_limit)})")
    gap = ("no bound is known" if result.gap is None
           else f"at most {result.gap:.3%} below the bound")
    hint = "" if status == "interrupted" else " (raise --time-limit or solver.time_limit to search longer)"
    return [f"not proven optimal: {why}; the portfolio is the best found, {gap}{hint}"]


def _seconds(value) -> str:
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


def _records(columns: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of a column table as dicts of plain Python values (JSON-ready)."""
    values = [v.tolist() if hasattr(v, "tolist") else list(v) for v in columns.values()]
    return [dict(zip(columns, row)) for row in zip(*values)]


def portfolio_csv(result) -> str:
    """The portfolio table as CSV text: numbers to 15 significant digits (fees and followers exact,
    no exponent below 1e15), blank when missing.

    Written with the :mod:`csv` module (``lineup solve`` does not import pandas);
    text cells (ids, platforms, niches) go through :func:`~lineup.io.writers.csv_cell`
    before numbers are formatted, so ``-2+3`` as an id is neutralised and a
    negative number is not.
    """
    columns = result.portfolio_columns()
    return csv_text(list(columns), (row.values() for row in _records(columns)), float_format="%.15g")


# ------------------------------------------------------------------ terminal


def _money(x: float, currency: str) -> str:
    """``format_money`` as markup (the currency is the scenario's text)."""
    return literal(format_money(x, currency))


def render_notes(data: dict, console) -> None:
    """The estimate summary and the warnings of a solve (``solve_to_dict``): on stdout above the table, or
    on stderr when stdout carries ``--format json`` or ``csv``."""
    if data["estimated"]["summary"]:
        console.print(f"Estimates: {literal(data['estimated']['summary'])}")
    for w in data["warnings"]:
        console.print(f"[yellow]warning:[/yellow] {literal(w)}")


def render_solve(result, console, what_if=None) -> None:
    """Print a planner-readable report of ``result`` on a rich ``console``.

    Every user text (names, ids, niches, platforms, currency, rule details)
    goes through :func:`lineup.io.terminal.literal`, so it prints as typed.
    The portfolio table has a profile-link column when the console is wide
    enough to show it without wrapping.
    """
    data = solve_to_dict(result, what_if)
    cur = data["currency"]
    console.print(f"[bold]{literal(data['scenario'])}[/bold] — budget {_money(data['budget'], cur)}")
    _render_status(data, console)
    render_notes(data, console)
    if data["diagnosis"]:
        console.print("[bold red]Why no portfolio fits the rules:[/bold red]")
        for line in data["diagnosis"]:
            console.print(f"  • {literal(line)}")
    if not data["selected"]:
        return
    has_links = any(row["profile_url"] for row in data["selected"])
    table = _portfolio_table(data, links=has_links)
    if has_links and not _fits(table, console):
        table = _portfolio_table(data, links=False)
        print_table(console, table)
        console.print("(profile links: --format json or csv, --output, or a wider terminal)")
    else:
        print_table(console, table)
    _render_totals(data, console)


def _portfolio_table(data: dict, links: bool):
    """The portfolio as a rich Table, with a profile-link column when ``links``."""
    from rich.table import Table

    cur = data["currency"]
    table = Table(title=f"Portfolio: {data['influencers']} influencers", title_justify="left")
    first = data["selected"][0] if data["selected"] else {}
    packages, managed = "package" in first, "total_cost" in first
    columns = ([("id", "left", True), ("platform", "left", False), ("tier", "left", True),
                ("niches", "left", False), ("followers", "right", True)]
               + ([("package", "left", False)] if packages else []) + [("fee", "right", True)]
               + ([("mgmt h", "right", True), ("total cost", "right", True)] if managed else [])
               + [("exp. engagement", "right", True), ("budget share", "right", True), ("flags", "left", False)]
               + ([("profile", "left", True)] if links else []))
    for col, justify, whole in columns:
        table.add_column(col, justify=justify, no_wrap=whole)
    for row in data["selected"]:
        flags = literal(", ".join(row_flags(row)))
        package = [literal(row["package"] + (" (usage rights)" if row["usage_rights"] else ""))] if packages else []
        costs = [f"{row['management_hours']:,.4g}", _money(row["total_cost"], cur)] if managed else []
        table.add_row(
            *(literal(row[key]) for key in ("id", "platform", "tier", "niches")),
            f"{row['followers']:,.0f}", *package, _money(row["fee"], cur), *costs,
            f"{row['expected_engagement']:,.0f}", f"{row['budget_share']:.1%}", flags,
            *([literal(row["profile_url"])] if links else []),
        )
    return table


def _fits(table, console) -> bool:
    """Whether ``table`` prints on ``console`` without wrapping any cell."""
    from rich.measure import Measurement

    return Measurement.get(console, console.options.update_width(1_000_000), table).maximum <= console.width


def _render_status(data: dict, console) -> None:
    gap = data["gap"]
    gap_text = "—" if gap is None else f"{gap:.3%}"
    s = data["solver"]
    colour = {"optimal": "green", "feasible": "yellow", "time_limit": "yellow",
              "interrupted": "yellow"}.get(data["status"], "red")
    console.print(
        f"status [{colour}]{data['status']}[/{colour}] · objective {_fmt(data['objective'])} · "
        f"bound {_fmt(data['bound'])} · gap {gap_text} · {s['backend']} ({s['method']}) "
        f"build {s['build_seconds']:.2f}s solve {s['solve_seconds']:.2f}s (time limit {_seconds(s['time_limit'])})"
    )


def _fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:,.1f}"


def _render_totals(data: dict, console) -> None:
    cur = data["currency"]
    console.print(
        f"Spend {_money(data['spend'], cur)} of {_money(data['budget'], cur)}{cost_split(data)} "
        f"({_money(data['budget_left'], cur)} left) · expected engagement {data['expected_engagement']:,.0f}"
        + (f" (before overlap {data['raw_expected_engagement']:,.0f})"
           if abs(data["raw_expected_engagement"] - data["expected_engagement"]) > 0.5 else "")
        + f" · coverage value {data['coverage_value']:,.0f}"
    )
    _render_talkers(data, console)
    tiers = ", ".join(f"{k} {v}" for k, v in data["tier_counts"].items() if v)
    console.print(f"Tiers: {tiers}")
    if data["niche_coverage"]:
        cov = ", ".join(f"{literal(k)} {v:.0%}" for k, v in data["niche_coverage"].items())
        console.print(f"Niche coverage: {cov}")
    est = data["estimated"]
    if est["engagement_rate"] or est["fee"]:
        fitted = data.get("assumptions", {}).get("priors.file")
        where = (f"the priors file {literal(fitted['value']['file'])} (lineup calibrate; built-in priors for what "
                 "it does not cover)" if fitted else "the priors")
        console.print(f"Estimated values come from {where}, and implausible ones are flagged: see docs/model.md")
    if data["removed_by_filters"]:
        removed = ", ".join(f"{literal(k)} {v}" for k, v in data["removed_by_filters"].items() if v)
        if removed:
            console.print(f"Left out by filters: {removed}")
    if data["binding"]:
        console.print("[bold]Binding rules:[/bold]")
        for b in data["binding"]:
            console.print(f"  • {literal(b['name'])}: {literal(b['detail'])}")
    _render_what_if(data, console)


def talkers_lines(t: dict) -> list[str]:
    """Predicted (RR sets) and simulated talkers side by side, and the certificate, as plain sentences.

    >>> t = {"estimate": 1200.4, "standard_error": 30.0, "lower_bound": 1150.0, "best_upper_bound": 1300.0,
    ...      "ratio": 0.88, "target_ratio": 0.9, "certified": False, "confidence": 0.95, "rr_sets": 100000,
    ...      "simulated": {"mean": 1180.0, "ci_low": 1100.0, "ci_high": 1260.0, "replications": 20}}
    >>> for line in talkers_lines(t):
    ...     print(line)
    Expected talkers: predicted 1,200 ± 59 (RR sets, 95% interval; 100,000 sets) · simulated 1,180 (95% CI 1,100–1,260, 20 replications)
    Certified: at least 1,150 talkers, at least 88.0% of the best portfolio the rules allow (≤ 1,300), with probability 95% given the sampled populations (target 90.0% not reached)
    """
    half = 1.959964 * t["standard_error"]
    line = (f"Expected talkers: predicted {t['estimate']:,.0f} ± {half:,.0f} (RR sets, 95% interval; "
            f"{t.get('check_sets') or t['rr_sets']:,} sets)")
    sim = t.get("simulated")
    if sim and sim.get("mean") is not None:
        ci = ("" if sim.get("ci_low") is None else f"95% CI {sim['ci_low']:,.0f}–{sim['ci_high']:,.0f}, ")
        line += f" · simulated {sim['mean']:,.0f} ({ci}{sim['replications']:,} replications)"
    cert = f"Certified: at least {t['lower_bound']:,.0f} talkers"
    if t.get("ratio") is not None:
        cert += (f", at least {t['ratio']:.1%} of the best portfolio the rules allow (≤ {t['best_upper_bound']:,.0f})")
    cert += f", with probability {t['confidence']:.0%} given the sampled populations"
    if t.get("ratio") is not None and not t["certified"]:
        cert += f" (target {t['target_ratio']:.1%} not reached)"
    return [line, cert]


def _render_talkers(data: dict, console) -> None:
    t = data.get("talkers")
    if not t:
        return
    for line in talkers_lines(t):
        console.print(literal(line))
    for note in t.get("notes", []):
        console.print(f"[yellow]note:[/yellow] {literal(note)}")


def cost_split(data: dict, money=None) -> str:
    """`` (fees £A + management £B, 12 h)`` when management is configured, else ``""``; when management
    is reported beside the budget, says so.  ``money(amount, currency)`` writes amounts for the medium
    (default: rich markup)."""
    if "total_cost" not in data:
        return ""
    money = money or _money
    cur = data["currency"]
    split = (f"fees {money(data['fees'], cur)} + management {money(data['management_cost'], cur)}, "
             f"{data['management_hours']:,.4g} h")
    if abs(data["spend"] - data["total_cost"]) <= 0.005:
        return f" ({split})"
    return f" (fees; management beside the budget: {money(data['management_cost'], cur)}, " \
           f"{data['management_hours']:,.4g} h; total {money(data['total_cost'], cur)})"


def _render_what_if(data: dict, console) -> None:
    w, cur = data["budget_what_if"], data["currency"]
    if not w:
        return
    head = f"With {w['budget'] / data['budget'] - 1:.0%} more budget ({_money(w['budget'], cur)})"
    if w["objective_gain"] is None:
        console.print(f"{head}: {literal(w['status'])}")
        return
    changes = "; ".join(part for part in (
        f"adds {literal(', '.join(w['added']))}" if w["added"] else "",
        f"drops {literal(', '.join(w['removed']))}" if w["removed"] else "",
    ) if part) or "same portfolio"
    console.print(f"{head}: expected engagement {w['engagement_gain']:+,.0f}, objective {w['objective_gain']:+,.0f}, "
                  f"spend {_money(w['extra_spend'], cur)} more; {changes}")

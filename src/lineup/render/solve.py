"""A solve result on the terminal (rich) and as portfolio CSV.

Every user text (names, ids, niches, platforms, currency, rule details) goes through
:func:`lineup.render.terminal.literal`, so it prints as typed.
"""

from __future__ import annotations

from dataclasses import replace

from ..io.solve_data import records, row_flags, seconds_text, solve_to_dict
from ..io.writers import csv_text
from ..optimize.wording import format_money
from .table import Table, rich_table
from .terminal import literal, print_table

__all__ = ["portfolio_csv", "portfolio_table", "render_solve", "render_notes", "solve_brief", "solve_data",
           "talkers_lines", "forecast_lines", "cost_split"]


def portfolio_csv(result) -> str:
    """The portfolio table as CSV text: numbers to 15 significant digits (fees and followers exact,
    no exponent below 1e15), blank when missing.

    Written with the :mod:`csv` module (``lineup solve`` does not import pandas);
    text cells (ids, platforms, niches) go through :func:`~lineup.io.writers.csv_cell`
    before numbers are formatted, so ``-2+3`` as an id is neutralised and a
    negative number is not.
    """
    columns = result.portfolio_columns()
    return csv_text(list(columns), (row.values() for row in records(columns)), float_format="%.15g")


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
    goes through :func:`lineup.render.terminal.literal`, so it prints as typed.
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
    table = rich_table(portfolio_table(data, links=has_links))
    if has_links and not _fits(table, console):
        table = rich_table(portfolio_table(data, links=False))
        print_table(console, table)
        console.print("(profile links: --format json or csv, --output, or a wider terminal)")
    else:
        print_table(console, table)
    _render_totals(data, console)


def portfolio_table(data: dict, links: bool) -> Table:
    """The portfolio of a solve (:func:`~lineup.io.solve_data.solve_to_dict`) as a table, with a profile-link column
    when ``links``."""
    cur = data["currency"]
    first = data["selected"][0] if data["selected"] else {}
    packages, managed = "package" in first, "total_cost" in first
    columns = (["id", "platform", "tier", "niches", "followers"] + (["package"] if packages else []) + ["fee"]
               + (["mgmt h", "total cost"] if managed else []) + ["exp. engagement", "budget share", "flags"]
               + (["profile"] if links else []))
    rows = []
    for row in data["selected"]:
        package = [row["package"] + (" (usage rights)" if row["usage_rights"] else "")] if packages else []
        costs = [f"{row['management_hours']:,.4g}", format_money(row["total_cost"], cur)] if managed else []
        rows.append((*(str(row[key]) for key in ("id", "platform", "tier", "niches")), f"{row['followers']:,.0f}",
                     *package, format_money(row["fee"], cur), *costs, f"{row['expected_engagement']:,.0f}",
                     f"{row['budget_share']:.1%}", ", ".join(row_flags(row)), *([row["profile_url"]] if links else [])))
    return Table(f"Portfolio: {data['influencers']} influencers", tuple(columns), tuple(rows))


def solve_brief(result, what_if=None) -> list[Table]:
    """The portfolio (profile links included when the roster has them) for a brief, the totals below it."""
    data = solve_to_dict(result, what_if)
    cur = data["currency"]
    links = any(row["profile_url"] for row in data["selected"])
    table = portfolio_table(data, links)
    gap = "—" if data["gap"] is None else f"{data['gap']:.3%}"
    notes = [f"{data['scenario']}: status {data['status']}, gap {gap}",
             f"Spend {format_money(data['spend'], cur)} of {format_money(data['budget'], cur)}"
             f"{cost_split(data, format_money)} ({format_money(data['budget_left'], cur)} left) · expected engagement "
             f"{data['expected_engagement']:,.0f} · coverage value {data['coverage_value']:,.0f}",
             *data["diagnosis"]]
    if data.get("forecast"):
        notes += forecast_lines(data["forecast"])
    if data["estimated"]["summary"]:
        notes.append(f"Estimates: {data['estimated']['summary']}")
    notes += [f"warning: {w}" for w in data["warnings"]]
    return [replace(table, notes=tuple(notes))]


def solve_data(result, what_if=None) -> dict:
    """The JSON document of a solve (``portfolio.json``)."""
    return solve_to_dict(result, what_if)


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
    if data.get("minimise") == "cost":   # the objective is minus the total cost: say it in money
        cur = data["currency"]
        value = "—" if data["objective"] is None else _money(-data["objective"], cur)
        bound = "—" if data["bound"] is None else _money(-data["bound"], cur)
        what = f"minimised total cost {value} · no portfolio under {bound}"
    else:
        what = f"objective {_fmt(data['objective'])} · bound {_fmt(data['bound'])}"
    how = s["backend"] if s["method"] == s["backend"] else f"{s['backend']} ({s['method']})"
    console.print(
        f"status [{colour}]{data['status']}[/{colour}] · {what} · gap {gap_text} · {how} "
        f"build {s['build_seconds']:.2f}s solve {s['solve_seconds']:.2f}s (time limit {seconds_text(s['time_limit'])})"
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
    for line in forecast_lines(data["forecast"]) if data.get("forecast") else []:
        console.print(literal(line))
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


def forecast_lines(f: dict) -> list[str]:
    """A portfolio's outcome forecast (``forecast`` of :func:`~lineup.io.solve_data.solve_to_dict`) as sentences.

    >>> e = {k: {"estimate": v, "low": v - 5, "high": v + 5} for k, v in
    ...      (("mean", 1000), ("p10", 600), ("p50", 950), ("p90", 1450), ("cvar", 450))}
    >>> f = {"scenarios": 10000, "alpha": 0.1, "target": None, "seed": 7, "planned": 1100,
    ...      "relative_downside": 0.55, "engagements": e}
    >>> for line in forecast_lines(f):
    ...     print(line)
    Forecast of engagements (10,000 outcome scenarios, seed 7): mean 1,000 (95% interval 995–1,005) · P10 600 · P50 950 · P90 1,450
    Downside: the worst 10% of outcomes average 450 (CVaR, 95% interval 445–455), 55.0% below the mean
    """
    e = f["engagements"]
    seed = "" if f.get("seed") is None else f", seed {f['seed']}"
    m = e["mean"]
    lines = [f"Forecast of engagements ({f['scenarios']:,} outcome scenarios{seed}): mean {m['estimate']:,.0f} "
             f"(95% interval {m['low']:,.0f}–{m['high']:,.0f}) · P10 {e['p10']['estimate']:,.0f} · "
             f"P50 {e['p50']['estimate']:,.0f} · P90 {e['p90']['estimate']:,.0f}"]
    c, pct = e["cvar"], f"{100 * f['alpha']:.3g}%"
    lines.append(f"Downside: the worst {pct} of outcomes average {c['estimate']:,.0f} (CVaR, 95% interval "
                 f"{c['low']:,.0f}–{c['high']:,.0f}), {f['relative_downside']:.1%} below the mean")
    if "p_target" in e:
        p = e["p_target"]
        lines.append(f"Target {f['target']:,.0f} engagements: reached in {p['estimate']:.1%} of outcomes "
                     f"(95% interval {p['low']:.1%}–{p['high']:.1%})")
    inside = f.get("in_sample")
    if inside:
        lines.append(f"Planned on {inside['scenarios']:,} other scenarios: mean {inside['mean']:,.0f}, "
                     f"CVaR {inside['cvar']:,.0f} (the numbers above are out of sample)")
    if "spend" in f:
        s = f["spend"]
        lines.append(f"Fees paid (uncertain fees): P10 {s['p10']:,.0f} · P50 {s['p50']:,.0f} · P90 {s['p90']:,.0f}")
    return lines


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

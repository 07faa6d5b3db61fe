"""A budget (or coverage-weight) frontier: the table (terminal and brief), JSON, CSV and the ``--output`` files."""

from __future__ import annotations

from ..io.labels import label
from .table import Table, rich_table
from .terminal import print_table

__all__ = ["frontier_table", "render_frontier", "frontier_brief", "frontier_data", "frontier_csv", "frontier_files"]

#: Simulated totals shown in the table when the points were simulated.
_SIMULATED = ("reach", "talkers")


def _fmt(x, pattern: str = "{:,.0f}") -> str:
    import math

    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else pattern.format(x)


def _per_thousand(value: float) -> str:
    per_k = value * 1000
    return _fmt(per_k, "{:,.1f}" if abs(per_k) < 100 else "{:,.0f}")


def _band(sim, metric: str) -> str:
    if sim is None:
        return "—"
    b = sim.totals[metric]
    return f"{_fmt(b.mean)} [{_fmt(b.ci_low)}–{_fmt(b.ci_high)}]"


def _binding(solve) -> tuple[str, ...] | str:
    """The rules that stop a point's spending, one per line (a limit of 0 only excludes: left out)."""
    rules = [b for b in solve.binding if b.limit != 0] or list(solve.binding)
    return tuple(b.name for b in rules) or "—"


def _risk_table(result) -> Table:
    """The mean–risk frontier: per beta, the portfolio's spend, size and its engagements over the same
    independent outcome scenarios (mean, P10, CVaR), with the CVaR on the scenarios it was planned on."""
    cur = result.scenario.currency
    f = next((r.forecast for r in result.results if r.forecast is not None), None)
    pct = "" if f is None else f"{100 * f.alpha:.3g} %"
    columns = ("beta", "status", "spend", "n", "mean", "P10", f"CVaR {pct}", "CVaR planned", "binding rules")
    mean, p10, cvar, inside = (result.outcomes(s) for s in ("mean", "p10", "cvar", "in_sample_cvar"))
    rows = tuple((f"{v:.2f}", result.status[k], _fmt(result.spend[k]), _fmt(result.influencers[k]), _fmt(mean[k]),
                  _fmt(p10[k]), _fmt(cvar[k]), _fmt(inside[k]), _binding(result.results[k]))
                 for k, v in enumerate(result.values))
    seed = "" if f is None or f.seed is None else f", seed {f.seed}"
    notes = ("engagements (interactions) over the same "
             f"{'' if f is None else f'{f.scenarios:,} '}independent outcome scenarios{seed}; maximised: "
             "(1 − beta) × mean + beta × CVaR on the planning scenarios (CVaR planned)",)
    return Table(f"{result.scenario.name}: mean–risk frontier ({cur})", columns, rows, notes=notes)


def frontier_table(result) -> Table:
    """One row per point: value, status, spend, unspent, influencers, engagement, coverage, objective, the
    marginal value of budget (+1k), the simulated totals when simulated, and the binding rules (a risk sweep:
    :func:`_risk_table`)."""
    if result.kind == "risk":
        return _risk_table(result)
    cur = result.scenario.currency
    first = "budget" if result.kind == "budget" else "weight"
    per_k = result.kind == "budget"  # the marginal value of budget exists only along a budget sweep
    notes = [f"+1k: objective gained per extra 1,000 {cur} of budget since the previous point"] if per_k else []
    sims = result.simulations
    if sims is not None:
        done = next((s for s in sims if s is not None), None)
        notes.append("simulated: mean [95 % interval]" + (f" over {done.replications} replications, same seed "
                                                          f"{done.seed} for every point" if done else ""))
    columns = [first, "status", "spend", "unspent", "n", "engagement", "coverage", "objective"] + \
        (["+1k"] if per_k else [])
    if sims is not None:
        columns += [label(metric) for metric in _SIMULATED]
    columns.append("binding rules")
    value_fmt = "{:,.2f}" if result.kind == "coverage" else "{:,.0f}"
    rows = []
    for k, value in enumerate(result.values):
        cells = [_fmt(value, value_fmt), result.status[k], _fmt(result.spend[k]),
                 _fmt(result.budgets[k] - result.spend[k]), _fmt(result.influencers[k]),
                 _fmt(result.engagement[k]), _fmt(result.coverage_value[k]), _fmt(result.objective[k])]
        cells += [_per_thousand(result.marginal_value[k])] if per_k else []
        if sims is not None:
            cells += [_band(sims[k], metric) for metric in _SIMULATED]
        rows.append((*cells, _binding(result.results[k])))
    return Table(f"{result.scenario.name}: {result.kind} frontier ({cur})", tuple(columns), tuple(rows),
                 notes=("; ".join(notes),) if notes else ())


def render_frontier(result, console) -> None:
    """The frontier table on the terminal."""
    print_table(console, rich_table(frontier_table(result)))


def frontier_brief(result) -> list[Table]:
    """The frontier table for a brief."""
    return [frontier_table(result)]


def frontier_data(result) -> dict:
    """The JSON document (``frontier.json``)."""
    return result.to_dict()


def frontier_csv(result) -> str:
    """One row per point, as ``frontier.csv``."""
    from lineup.io.writers import frame_csv

    return frame_csv(result.to_frame())


def frontier_files(result) -> dict:
    """``frontier.csv``, ``frontier.json`` and the frontier figure (PNG + SVG), drawn off-screen."""
    from lineup.io.figures import frontier_figure, save_figure
    from lineup.io.writers import to_json

    files = {"frontier.csv": frontier_csv(result), "frontier.json": to_json(result.to_dict())}
    return {**files, **save_figure(frontier_figure(result), "frontier")}

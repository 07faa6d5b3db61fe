"""``lineup frontier``: the budget (or coverage-weight) frontier of a scenario."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import (SEED_RANGE, EXIT_OK, guarded, hold_output, progress_bar, say_warnings, say_wrote,
                      scale_out_options, scenario_arg, stderr_console, stdout_console)

__all__ = ["frontier"]


@click.command("frontier")
@scenario_arg
@click.option("--budgets", default=None, metavar="START:STOP:COUNT|B1,B2,…",
              help="Budgets to sweep: an inclusive range (5000:50000:10) or a list (5000,10000,20000).")
@click.option("--coverage-weights", default=None, metavar="START:STOP:COUNT|W1,W2,…",
              help="Coverage weights to sweep instead (objective.coverage, engagements per covered niche).")
@click.option("--simulate", "do_simulate", is_flag=True, help="Also simulate every point (same seed for all).")
@click.option("--replications", "-r", type=click.IntRange(min=1), default=None,
              help="Monte Carlo replications per point (default: simulation.replications).")
@click.option("--seed", type=SEED_RANGE, default=None, help="Seed (default: simulation.seed).")
@scale_out_options
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", help="What to print.")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="Directory to write frontier.csv, frontier.json and the figure (PNG, SVG) into (atomically).")
@guarded
def frontier(scenario: Path, budgets, coverage_weights, do_simulate: bool, run, fmt: str,
             output: Path | None) -> int:
    """Re-solve SCENARIO over a range of budgets (or coverage weights); show the frontier."""
    from ..errors import UsageError
    from ..io.scenario import load_scenario
    from ..io.writers import to_json, write_files
    from ..workflows.frontier import frontier as run_frontier

    if (budgets is None) == (coverage_weights is None):
        raise UsageError("give exactly one of --budgets START:STOP:COUNT and --coverage-weights START:STOP:COUNT")
    sc = load_scenario(scenario)
    hold_output(output)
    with progress_bar(stderr_console(), "Frontier") as tick:
        result = run_frontier(sc, budgets=budgets, coverage_weights=coverage_weights, simulate=do_simulate,
                              run=run.with_(progress=tick))
    say_warnings(sc.warnings)
    data = result.to_dict()
    from .._text import printable

    for note in result.notes:  # notes quote ids from the roster: control characters shown escaped
        stderr_console().print(f"note: {printable(note)}", markup=False, highlight=False)
    if output is not None:
        paths = write_files(output, _files(result, data, to_json))
        say_wrote(stderr_console(), paths)
    if fmt == "json":
        click.echo(to_json(data), nl=False)
    else:
        from ..io.terminal import print_table

        print_table(stdout_console(), _table(result))
    return EXIT_OK


def _files(result, data: dict, to_json) -> dict:
    from ..io.writers import frame_csv

    files = {"frontier.csv": frame_csv(result.to_frame()), "frontier.json": to_json(data)}
    return {**files, **_figure_files(result)}


def _figure_files(result) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..io.figures import save_figure

    fig = result.plot()
    try:
        return {f"frontier{Path(k).suffix}": v for k, v in save_figure(fig, "frontier").items()}
    finally:
        plt.close(fig)


def _fmt(x, pattern: str = "{:,.0f}") -> str:
    import math

    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else pattern.format(x)


def _per_thousand(value: float) -> str:
    per_k = value * 1000
    return _fmt(per_k, "{:,.1f}" if abs(per_k) < 100 else "{:,.0f}")


#: Simulated totals shown in the table when the points were simulated.
_SIMULATED_COLUMNS = {"reach": "reach (people)", "talkers": "talkers (people)"}


def _band(sim, metric: str) -> str:
    if sim is None:
        return "—"
    b = sim.totals[metric]
    return f"{_fmt(b.mean)} [{_fmt(b.ci_low)}–{_fmt(b.ci_high)}]"


def _binding(solve) -> str:
    """The rules that stop a point's spending, one per line (a limit of 0 only excludes: left out)."""
    from ..io.terminal import literal

    rules = [b for b in solve.binding if b.limit != 0] or list(solve.binding)
    return "\n".join(literal(b.name) for b in rules) or "—"


def _table(result):
    from rich.table import Table

    from ..io.terminal import literal

    cur = literal(result.scenario.currency)
    first = "budget" if result.kind == "budget" else "weight"
    per_k = result.kind == "budget"  # the marginal value of budget exists only along a budget sweep
    caption = f"+1k: objective gained per extra 1,000 {cur} of budget since the previous point" if per_k else ""
    sims = result.simulations
    if sims is not None:
        done = next((s for s in sims if s is not None), None)
        simulated = "simulated: mean [95 % interval]" + (f" over {done.replications} replications, same seed "
                                                         f"{done.seed} for every point" if done else "")
        caption = f"{caption}; {simulated}" if caption else simulated
    table = Table(title=f"{literal(result.scenario.name)}: {result.kind} frontier ({cur})", title_justify="left",
                  caption=caption, caption_justify="left")
    columns = [first, "status", "spend", "unspent", "n", "engagement", "coverage", "objective"] + \
        (["+1k"] if per_k else [])
    if sims is not None:
        columns += list(_SIMULATED_COLUMNS.values())
    columns.append("binding rules")
    for name in columns:
        table.add_column(name, justify="left" if name in ("status", "binding rules") else "right", no_wrap=True)
    value_fmt = "{:,.2f}" if result.kind == "coverage" else "{:,.0f}"
    for k, value in enumerate(result.values):
        cells = [_fmt(value, value_fmt), result.status[k], _fmt(result.spend[k]),
                 _fmt(result.budgets[k] - result.spend[k]), _fmt(result.influencers[k]),
                 _fmt(result.engagement[k]), _fmt(result.coverage_value[k]), _fmt(result.objective[k])]
        cells += [_per_thousand(result.marginal_value[k])] if per_k else []
        if sims is not None:
            cells += [_band(sims[k], metric) for metric in _SIMULATED_COLUMNS]
        table.add_row(*cells, _binding(result.results[k]))
    return table

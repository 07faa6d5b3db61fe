"""``lineup frontier``: the budget (or coverage-weight) frontier of a scenario."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import (EXIT_OK, format_option, guarded, hold_output, progress_bar, say_warnings, say_wrote,
                      run_options, scenario_arg, show, stderr_console)

__all__ = ["frontier"]


@click.command("frontier")
@scenario_arg
@click.option("--budgets", default=None, metavar="START:STOP:COUNT|B1,B2,…",
              help="Budgets to sweep: an inclusive range (5000:50000:10) or a list (5000,10000,20000).")
@click.option("--coverage-weights", default=None, metavar="START:STOP:COUNT|W1,W2,…",
              help="Coverage weights to sweep instead (objective.coverage, engagements per covered niche).")
@click.option("--risk", default=None, metavar="START:STOP:COUNT|B1,B2,…",
              help="Risk weights to sweep instead (objective.risk.beta, 0–1): the mean–CVaR frontier of engagements.")
@click.option("--simulate", "do_simulate", is_flag=True, help="Also simulate every point (same seed for all).")
@run_options("Monte Carlo replications per point (default: simulation.replications).")
@format_option("frontier", csv="one row per point, as frontier.csv")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="Directory to write frontier.csv, frontier.json and the figure (PNG, SVG) into (atomically).")
@guarded
def frontier(scenario: Path, budgets, coverage_weights, risk, do_simulate: bool, run, fmt: str,
             output: Path | None) -> int:
    """Re-solve SCENARIO over a range of budgets (or coverage weights, or risk weights); show the frontier."""
    from ..errors import UsageError
    from ..io.scenario import load_scenario
    from ..io.writers import write_files
    from ..render.frontier import frontier_files
    from ..workflows.frontier import frontier as run_frontier

    if sum(v is not None for v in (budgets, coverage_weights, risk)) != 1:
        raise UsageError("give exactly one of --budgets, --coverage-weights and --risk (START:STOP:COUNT or a list)")
    sc = load_scenario(scenario)
    hold_output(output)
    with progress_bar(stderr_console(), "Frontier") as tick:
        result = run_frontier(sc, budgets=budgets, coverage_weights=coverage_weights, risk=risk, simulate=do_simulate,
                              run=run.with_(progress=tick))
    say_warnings(sc.warnings)
    from .._text import printable

    for note in result.notes:  # notes quote ids from the roster: control characters shown escaped
        stderr_console().print(f"note: {printable(note)}", markup=False, highlight=False)
    if output is not None:
        paths = write_files(output, frontier_files(result))
        say_wrote(stderr_console(), paths)
    show("frontier", fmt, result)
    return EXIT_OK

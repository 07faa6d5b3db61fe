"""``lineup report``: write a self-contained HTML report (and its figures) for a scenario."""

from __future__ import annotations

from pathlib import Path

import click

from .._text import printable

from ._common import (EXIT_OK, guarded, hold_output, progress_bar, say_warnings, run_options,
                      scenario_arg, stderr_console)

__all__ = ["report"]


@click.command("report")
@scenario_arg
@click.option("--output", "-o", type=click.Path(path_type=Path), required=True,
              help="Directory to write report.html and the figures (PNG + SVG) into (atomically).")
@run_options("Monte Carlo replications per strategy (default: the scenario's simulation.replications).")
@click.option("--frontier-points", type=click.IntRange(min=0), default=5, show_default=True,
              help="Budgets in the frontier sweep (0.5-1.5 x the budget); 0 leaves the frontier out.")
@guarded
def report(scenario: Path, output: Path, run, frontier_points: int) -> int:
    """Solve, compare and simulate SCENARIO and write a self-contained HTML report to --output."""
    from ..io.scenario import load_scenario
    from ..render.report import build_report

    sc = load_scenario(scenario)
    hold_output(output)
    err = stderr_console()
    with progress_bar(err, f"Report on {sc.name}") as tick:
        result = build_report(sc, run=run.with_(progress=tick), frontier_points=frontier_points)
    say_warnings(sc.warnings)
    paths = result.write(output)
    err.print(f"wrote {len(paths)} files into {printable(output)}: report.html and {len(paths) - 1} figure files",
              markup=False, highlight=False)
    return EXIT_OK

"""``lineup sensitivity`` (and ``lineup compare --sensitivity``): which assumptions decide the winner."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import (EXIT_OK, format_option, guarded, hold_output, progress_bar, say_warnings, say_wrote,
                      run_options, scenario_arg, show, stderr_console)

__all__ = ["sensitivity", "run_sensitivity", "POINTS_OPTION", "METHOD_OPTION",
           "POPULATION_OPTION", "CRN_OPTION"]

def run_sensitivity(scenario: Path, *, names, points, method, population, crn, run, fmt: str,
                    output: Path | None) -> int:
    """Load, run :func:`lineup.workflows.sensitivity.sensitivity`, write ``--output``, print ``--format``."""
    from lineup.io.scenario import load_scenario
    from lineup.io.writers import write_files
    from lineup.render.sensitivity import sensitivity_files
    from lineup.workflows.sensitivity import sensitivity as study

    sc = load_scenario(scenario)
    chosen = None if names is None else [n.strip() for n in names.split(",") if n.strip()]
    hold_output(output)
    err = stderr_console()
    with progress_bar(err, "Simulating replications (every design point)") as tick:
        result = study(sc, names=chosen, points=points, method=method, population=population,
                       common_random_numbers=crn, run=run.with_(progress=tick))
    say_warnings(sc.warnings, result.notes)
    if output is not None:
        say_wrote(err, write_files(output, sensitivity_files(result)))
    show("sensitivity", fmt, result)
    return EXIT_OK


POINTS_OPTION = click.option("--points", type=click.IntRange(min=2, max=100_000), default=64, show_default=True,
                             help="Design points (Morris: rounded down to whole trajectories).")
METHOD_OPTION = click.option("--method", type=click.Choice(["lhs", "morris"]), default="lhs", show_default=True,
                             help="lhs: Latin hypercube, RBD-FAST S1 and PAWN indices; morris: Morris trajectories, "
                                  "mu* and sigma.")
POPULATION_OPTION = click.option("--population", type=click.IntRange(min=10, max=50_000_000), default=None,
                                 help="Simulated people per replication (default: the scenario's size; for auto, "
                                      "at most 200,000).")
CRN_OPTION = click.option("--common-random-numbers/--no-common-random-numbers", "crn", default=None,
                          help="Same replication seeds at every design point (less noise in the indices); "
                               "default: on for morris, off for lhs.")


@click.command("sensitivity")
@scenario_arg
@click.option("--strategies", "names", default=None,
              help="Comma-separated strategy names, in order (the first is the baseline); default: all the "
                   "scenario's strategies, or optimised,micro,macro when it has none.")
@POINTS_OPTION
@run_options("Monte Carlo replications of every strategy at each design point.",
             "Root seed (default: simulation.seed).", low=2, high=100_000, default=20)
@METHOD_OPTION
@POPULATION_OPTION
@CRN_OPTION
@format_option("sensitivity", csv="one row per design point, as points.csv")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="Directory to write sensitivity.json, points.csv and the figures (PNG + SVG) into.")
@guarded
def sensitivity(scenario: Path, names, points, method, population, crn, run, fmt: str, output: Path | None) -> int:
    """Which of SCENARIO's uncertain assumptions decide which strategy wins (win probabilities, indices, flips)."""
    return run_sensitivity(scenario, names=names, points=points, method=method, population=population, crn=crn,
                           run=run, fmt=fmt, output=output)

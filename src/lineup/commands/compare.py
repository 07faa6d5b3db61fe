"""``lineup compare``: strategies side by side on the same random populations."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import (EXIT_OK, format_option, guarded, hold_output, progress_bar, say_warnings, say_wrote,
                      run_options, scenario_arg, show, stderr_console)
from .sensitivity import CRN_OPTION, METHOD_OPTION, POINTS_OPTION, POPULATION_OPTION, run_sensitivity

__all__ = ["compare"]

def _refuse_sensitivity_options() -> None:
    """--points, --method, --population and --common-random-numbers only mean something with --sensitivity."""
    from click.core import ParameterSource

    from lineup.errors import UsageError

    ctx = click.get_current_context()
    given = [f"--{p.name}" if p.name != "crn" else f"--{'' if ctx.params['crn'] else 'no-'}common-random-numbers"
             for p in ctx.command.params if p.name in ("points", "method", "population", "crn")
             and ctx.get_parameter_source(p.name) not in (ParameterSource.DEFAULT, None)]
    if given:
        raise UsageError(f"{', '.join(given)} {'applies' if len(given) == 1 else 'apply'} only with --sensitivity "
                         f"(a plain comparison has no design points)")


@click.command("compare")
@scenario_arg
@click.option("--strategies", "names", default=None,
              help="Comma-separated strategy names, in order (the first is the baseline); default: all the "
                   "scenario's strategies, or optimised,micro,macro when it has none.")
@run_options("Monte Carlo replications per strategy (default: simulation.replications).",
             "Seed shared by every strategy (default: simulation.seed).")
@click.option("--normalise", type=click.Choice(["spend"]), default=None,
              help="Also show counts per 1,000 units of currency spent (engagements, reach, talkers), "
                   "ratios of means with paired intervals; always in --format json as per_1k_spend.")
@click.option("--sensitivity", "stress", is_flag=True, default=False,
              help="Stress-test the comparison instead: run it at every point of a design over the scenario's "
                   "uncertain assumptions (as `lineup sensitivity`; --replications per point, default 20).")
@POINTS_OPTION
@METHOD_OPTION
@POPULATION_OPTION
@CRN_OPTION
@format_option("comparison", csv="one row per strategy, as comparison.csv; with --sensitivity one row per "
                                  "design point")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="Directory to write comparison.csv, comparison.json and the figures (PNG + SVG) into "
                   "(with --sensitivity: sensitivity.json, points.csv and its figures).")
@guarded
def compare(scenario: Path, names, run, normalise, stress: bool, points, method, population, crn, fmt: str,
            output: Path | None) -> int:
    """Compare SCENARIO's strategies (e.g. micro vs macro) on the same random populations."""
    if stress:
        if normalise is not None:
            from lineup.errors import UsageError

            raise UsageError("--normalise applies to a plain comparison, not to --sensitivity")
        return run_sensitivity(scenario, names=names, points=points, method=method, population=population, crn=crn,
                               run=run.with_(replications=run.replications or 20), fmt=fmt, output=output)
    _refuse_sensitivity_options()
    from lineup.io.scenario import load_scenario
    from lineup.io.writers import write_files
    from lineup.render.compare import comparison_files
    from lineup.workflows.compare import compare as run_compare

    sc = load_scenario(scenario)
    chosen = None if names is None else [n.strip() for n in names.split(",") if n.strip()]
    hold_output(output)
    err = stderr_console()
    with progress_bar(err, "Simulating strategies") as tick:
        result = run_compare(sc, names=chosen, run=run.with_(progress=tick))
    say_warnings(sc.warnings, result.notes)  # notes quote roster ids: control characters escaped
    if output is not None:
        paths = write_files(output, comparison_files(result))
        say_wrote(err, paths)
    show("comparison", fmt, result, normalise=normalise)
    return EXIT_OK

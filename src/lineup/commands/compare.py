"""``lineup compare``: strategies side by side on the same random populations."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import (SEED_RANGE, EXIT_OK, guarded, hold_output, progress_bar, say_warnings, say_wrote,
                      scale_out_options, scenario_arg, stderr_console, stdout_console)
from .sensitivity import CRN_OPTION, METHOD_OPTION, POINTS_OPTION, POPULATION_OPTION, run_sensitivity

__all__ = ["compare"]

#: Rows of the terminal table: (metric, label, number format).
_ROWS = [
    ("spend", "spend ({cur})", "{:,.0f}"),
    ("unspent", "unspent budget ({cur})", "{:,.0f}"),
    ("influencers", "influencers", "{:,.0f}"),
    ("expected_engagement", "expected engagements", "{:,.0f}"),
    ("reach", "unique reach (people)", "{:,.0f}"),
    ("talkers", "talkers, buzz (people)", "{:,.0f}"),
    ("wom_share", "word-of-mouth share", "{:.1%}"),
    ("niches_covered", "niches covered", "{:,.0f}"),
    ("cost_per_engagement", "cost per engagement ({cur})", "{:,.3f}"),
    ("cost_per_talker", "cost per talker ({cur})", "{:,.2f}"),
    ("cost_per_reach", "cost per person reached ({cur})", "{:,.4f}"),
]


#: Rows added after a row of :data:`_ROWS` when the scenario sets ``costs.management`` (the spend row
#: then reads "fees": the simulated spend is the fees).
_COST_ROWS = {
    "spend": [("management_cost", "management cost ({cur})", "{:,.0f}"),
              ("management_hours", "management hours", "{:,.1f}"),
              ("total_cost", "total cost: fees + management ({cur})", "{:,.0f}")],
    "cost_per_talker": [("total_cost_per_talker", "cost per talker on total cost ({cur})", "{:,.2f}")],
}


def _rows(managed: bool) -> list[tuple[str, str, str]]:
    """The terminal table's rows: :data:`_ROWS`, with :data:`_COST_ROWS` when ``managed``."""
    if not managed:
        return list(_ROWS)
    out = []
    for key, label, fmt in _ROWS:
        out.append((key, "fees ({cur})" if key == "spend" else label, fmt))
        out += _COST_ROWS.get(key, [])
    return out


def _fmt(fmt: str, value, sign: bool = False) -> str:
    value = float(value)
    if value != value:
        return "—"
    text = fmt.format(value)
    return f"+{text}" if sign and value >= 0 and not text.startswith("-") else text


def _interval(fmt: str, band, sign: bool = False) -> str:
    """``[low – high]`` dimmed, or ``""`` when unknown or of zero width."""
    low, high = float(band.ci_low), float(band.ci_high)
    if low != low or abs(high - low) <= 1e-9 * max(1.0, abs(float(band.mean))):
        return ""
    return f"\n[dim][{_fmt(fmt, low, sign)} – {_fmt(fmt, high, sign)}][/dim]"


def _cell(fmt: str, band, diff=None) -> str:
    text = _fmt(fmt, band.mean) + _interval(fmt, band)
    if diff is not None:
        text += f"\n[cyan]Δ {_fmt(fmt, diff.mean, True)}[/cyan]" + _interval(fmt, diff, True)
    return text


#: Rows added by ``--normalise spend``: counts per 1,000 units of currency spent.
_PER_SPEND_ROWS = [
    ("engagements_per_1k", "engagements per 1,000 {cur}", "{:,.0f}"),
    ("reach_per_1k", "people reached per 1,000 {cur}", "{:,.0f}"),
    ("talkers_per_1k", "talkers per 1,000 {cur}", "{:,.1f}"),
]


def render_comparison(comparison, console, normalise: str | None = None) -> None:
    """Metric rows × strategy columns: mean, [95 % CI] and Δ to the first strategy [95 % CI]."""
    from rich.table import Table

    from lineup.io.terminal import literal, print_table

    sc = comparison.scenario
    k = len(comparison.strategies)
    table = Table(title=f"{literal(sc.name)}: {k} strateg{'y' if k == 1 else 'ies'}, mean of "
                        f"{comparison.replications} replications [95 % CI]; Δ = paired difference to "
                        f"{literal(repr(comparison.baseline))}",
                  title_justify="left", show_lines=True)
    table.add_column("metric")
    for name in comparison.strategies:
        table.add_column(f"{literal(name)}\n[dim]{comparison.built[name].status}[/dim]", justify="right", no_wrap=True)
    bands = {n: comparison.bands(n) for n in comparison.strategies}
    diffs = {n: comparison.differences(n) for n in comparison.strategies[1:]}
    for key, label, fmt in _rows(comparison.managed):
        table.add_row(label.format(cur=literal(sc.currency)),
                      *(_cell(fmt, bands[n][key], diffs[n][key] if n in diffs else None)
                        for n in comparison.strategies))
    if normalise == "spend":
        per = {n: comparison.per_spend(n) for n in comparison.strategies}
        for key, label, fmt in _PER_SPEND_ROWS:
            table.add_row(label.format(cur=literal(sc.currency)), *(_cell(fmt, *per[n][key]) for n in comparison.strategies))
    print_table(console, table)
    console.print(f"seed {comparison.seed} · every strategy simulated on the same {comparison.replications} "
                  f"random populations (common random numbers)")
    from lineup.workflows.compare import spend_summary

    console.print(spend_summary(comparison) + "; costs are mean spend ÷ mean count (ratios of means)",
                  markup=False, highlight=False)


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
@click.option("--replications", "-r", type=click.IntRange(min=1), default=None,
              help="Monte Carlo replications per strategy (default: simulation.replications).")
@click.option("--seed", type=SEED_RANGE, default=None,
              help="Seed shared by every strategy (default: simulation.seed).")
@scale_out_options
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
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
              help="What to print on stdout (csv: only with --sensitivity, one row per design point).")
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
    if fmt == "csv":
        from lineup.errors import UsageError

        raise UsageError("--format csv needs --sensitivity (use --output for comparison.csv)")
    _refuse_sensitivity_options()
    from lineup.io.scenario import load_scenario
    from lineup.io.writers import to_json, write_files
    from lineup.workflows.compare import compare as run_compare, comparison_files

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
    if fmt == "json":
        click.echo(to_json(result.to_dict()), nl=False)
    else:
        render_comparison(result, stdout_console(), normalise)
    return EXIT_OK

"""``lineup sensitivity`` (and ``lineup compare --sensitivity``): which assumptions decide the winner."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import (SEED_RANGE, EXIT_OK, guarded, hold_output, progress_bar, say_warnings, say_wrote,
                      scale_out_options, scenario_arg, stderr_console, stdout_console)

__all__ = ["sensitivity", "render_sensitivity", "run_sensitivity", "POINTS_OPTION", "METHOD_OPTION",
           "POPULATION_OPTION", "CRN_OPTION"]

#: Labels of the metrics in the terminal tables (``{cur}``: the scenario's currency).
_LABELS = {"talkers": "talkers", "reach": "reach", "engagements": "engagements",
           "cost_per_talker": "cost per talker ({cur})"}


def _pct(x: float) -> str:
    return "—" if x is None or x != x else f"{100 * x:.0f}%"


def _win_cell(v: dict) -> str:
    return (f"{_pct(v['p'])} [dim][{_pct(v['ci_low'])}–{_pct(v['ci_high'])}][/dim]\n"
            f"[cyan]decisive {_pct(v['decisive'])}[/cyan]")


def _index_cell(by: dict, assumption: str, key: str) -> str:
    """One line per strategy: its name (escaped) and its index of ``assumption``."""
    from lineup.io.terminal import literal

    lines = []
    for other, entry in by.items():
        value = (entry["indices"].get(assumption) or {}).get(key)
        lines.append(f"{literal(other)} {'—' if value is None else f'{value:.3g}'}")
    return "\n".join(lines)


def _flip_lines(flips: dict, baseline: str) -> list[str]:
    """Escaped lines: winners that change between the halves of the range, and trend zero crossings."""
    from lineup.io.terminal import literal

    lines = []
    for m, f in flips.items():
        if f["flips"]:
            lines.append(f"{m}: {literal(f['lower_half_winner'])} → {literal(f['upper_half_winner'])}")
        for half in ("lower", "upper"):
            if f[f"{half}_half_tie"]:
                lines.append(f"{m}: {half} half tied ({', '.join(literal(s) for s in f[f'{half}_half_tie'])})")
        lines += [f"{m}: {literal(other)} − {literal(baseline)} = 0 at {t['flip_at']:.3g}"
                  for other, t in f["trend"].items() if t["flip_at"] is not None]
    return lines


def render_sensitivity(result, console) -> None:
    """Win probabilities (strategies × metrics), the indices (assumptions × metrics) and the flips."""
    from rich.table import Table

    from lineup.io.terminal import literal, print_table
    from lineup.workflows.sensitivity import METRICS

    sc, cur = result.scenario, literal(result.scenario.currency)
    wins = result.win_probabilities()
    approx = ", approximate: trajectory points are not independent" if result.method == "morris" else ""
    table = Table(title=f"{literal(sc.name)}: probability of winning over {result.points} design points "
                        f"({result.method}) × {result.replications} replications [95 % Wilson interval over the "
                        f"points{approx}]; points with no value for any strategy have no winner and are left out; "
                        f"decisive = paired 95 % interval to every other strategy excludes 0",
                  title_justify="left", show_lines=True)
    table.add_column("strategy")
    for m in METRICS:
        table.add_column(f"{_LABELS[m].format(cur=cur)}\n[dim]{METRICS[m][0]} is better[/dim]", justify="right")
    for s in result.strategies:
        table.add_row(literal(s), *(_win_cell(wins[m][s]) for m in METRICS))
    print_table(console, table)
    key = result.index_name
    what = ("first-order index S1 (RBD-FAST, share of variance) of the difference to the baseline" if key == "S1"
            else "Morris mu* of the difference to the baseline (units of the metric)")
    indices, flips = result.indices(), result.flips()
    table = Table(title=f"{what} {literal(repr(result.baseline))}, per assumption; flips: the winner in the lower → "
                        f"upper half of the range when it changes, and where a difference's trend crosses 0",
                  title_justify="left", show_lines=True)
    table.add_column("assumption [range]")
    for m in METRICS:
        table.add_column(_LABELS[m].format(cur=cur), justify="right")
    table.add_column("flips")
    for a, r in result.ranges.items():
        flipped = _flip_lines(flips[a], result.baseline)
        table.add_row(f"{literal(a)}\n[dim][{r['low']:g}, {r['high']:g}] {r['source']}[/dim]",
                      *(_index_cell(indices[m], a, key) for m in METRICS), "\n".join(flipped) or "—")
    print_table(console, table)
    pop = result.population
    size = "the scenario's network" if pop["size"] is None else f"{pop['size']:,} simulated people ({pop['source']})"
    console.print(f"seed {result.seed} · {size}; populations "
                  f"{'shared by every design point' if pop.get('shared') else 'generated at every point'} · "
                  f"portfolios solved {result.portfolios['solved']} · common random numbers "
                  f"{'on' if result.common_random_numbers else 'off'} ({result.crn_source})",
                  markup=False, highlight=False)


def run_sensitivity(scenario: Path, *, names, points, method, population, crn, run, fmt: str,
                    output: Path | None) -> int:
    """Load, run :func:`lineup.workflows.sensitivity.sensitivity`, write ``--output``, print ``--format``."""
    from lineup.io.scenario import load_scenario
    from lineup.io.writers import frame_csv, to_json, write_files
    from lineup.workflows.sensitivity import sensitivity as study, sensitivity_files

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
    if fmt == "json":
        click.echo(to_json(result.to_dict()), nl=False)
    elif fmt == "csv":
        click.echo(frame_csv(result.to_frame(), float_format="%.6g"), nl=False)
    else:
        render_sensitivity(result, stdout_console())
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
@click.option("--replications", "-r", type=click.IntRange(min=2, max=100_000), default=20, show_default=True,
              help="Monte Carlo replications of every strategy at each design point.")
@click.option("--seed", type=SEED_RANGE, default=None, help="Root seed (default: simulation.seed).")
@METHOD_OPTION
@POPULATION_OPTION
@CRN_OPTION
@scale_out_options
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
              help="What to print on stdout (csv: one row per design point).")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="Directory to write sensitivity.json, points.csv and the figures (PNG + SVG) into.")
@guarded
def sensitivity(scenario: Path, names, points, method, population, crn, run, fmt: str, output: Path | None) -> int:
    """Which of SCENARIO's uncertain assumptions decide which strategy wins (win probabilities, indices, flips)."""
    return run_sensitivity(scenario, names=names, points=points, method=method, population=population, crn=crn,
                           run=run, fmt=fmt, output=output)

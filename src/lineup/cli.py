"""The ``lineup`` command: parse → call the library → render → exit code.

Exit codes: 0 success (also a solve stopped by its time limit or by Ctrl-C with a
portfolio: status ``time_limit`` / ``interrupted``, with a warning); 1 unexpected
internal error; 2 invalid scenario, roster, network or usage; 3 infeasible; 4 solver
unavailable or failed (including a time limit or Ctrl-C before any portfolio was
found); 5 another run is writing the ``--output`` directory; 130 Ctrl-C before a result
was ready (outside a solve, or a second Ctrl-C during one).
"""

from __future__ import annotations

from pathlib import Path

import click

from ._text import printable

from .commands._common import (SEED_RANGE, EXIT_INFEASIBLE, EXIT_OK, EXIT_SOLVER, finite_float, format_option, guarded,
                               hold_output, progress_bar, say_warnings, say_wrote, run_options, scenario_arg, show,
                               solver_progress, stderr_console)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lineup")
def app() -> None:
    """lineup: choose influencer portfolios under a budget and simulate their word of mouth."""


@app.command()
@scenario_arg
@click.option("--solver", "backend", type=click.Choice(["cbc", "highs", "greedy"]), default=None,
              help="Solver backend (default: the scenario's, else cbc).")
@click.option("--time-limit", type=finite_float(min=0, min_open=True), default=None,
              help="Solver time limit in seconds, per MILP (default: the scenario's solver.time_limit, else 60; "
                   "objective.talkers solves one per sampling round); "
                   "the best portfolio found is returned with status time_limit.")
@click.option("--gap", type=finite_float(0, 1), default=None, help="Relative optimality gap to stop at.")
@format_option("solve", csv="the portfolio, as portfolio.csv")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="Directory to write portfolio.csv and portfolio.json into (atomically).")
@click.option("--what-if", "what_if", type=finite_float(min=0), default=None,
              help="Also re-solve with this many per cent more budget and report what it buys "
                   "(default 10 for rosters up to 5,000 influencers; 0 turns it off).")
@guarded
def solve(scenario: Path, backend, time_limit, gap, fmt: str, output: Path | None, what_if) -> int:
    """Pick the best portfolio for SCENARIO (a YAML file) and explain it.

    A long solve shows its incumbent, bound and gap on stderr; Ctrl-C stops it and
    returns the best portfolio found (status interrupted).
    """
    from .io.solve_data import solve_to_dict
    from .io.scenario import load_scenario
    from .io.writers import to_json, write_files
    from .render.formats import is_prose
    from .render.solve import portfolio_csv, render_notes
    from .workflows.plan import solve as run_solve

    sc = load_scenario(scenario)
    hold_output(output)
    err = stderr_console()
    with solver_progress(err, f"Solving {sc.name} ({sc.roster.n:,} candidates)…") as progress:
        result = run_solve(sc, backend=backend, time_limit=time_limit, gap=gap, progress=progress,
                           notify=lambda text: err.print(text, markup=False, highlight=False))
        extra = _what_if(result.scenario, result, what_if, backend, time_limit)
    data = solve_to_dict(result, extra)
    if output is not None:
        paths = write_files(output, {"portfolio.csv": portfolio_csv(result), "portfolio.json": to_json(data)})
        say_wrote(err, paths)
    if not is_prose(fmt):  # stdout is data: the estimate summary and the warnings go to stderr, once
        render_notes(data, err)
    show("solve", fmt, result, what_if=extra)
    return _solve_exit_code(result)


def _what_if(sc, result, percent, backend, time_limit):
    """The budget what-if (or None): default 10 % for rosters up to 5,000 influencers."""
    if percent is None:   # not for the cheapest portfolio: more budget buys nothing it wants
        percent = 10.0 if sc.roster.n <= 5_000 and sc.spec.objective.minimise is None else 0.0
    if percent <= 0:
        return None
    from .workflows.whatif import budget_what_if

    return budget_what_if(sc, result, factor=1 + percent / 100, backend=backend, time_limit=time_limit)


def _solve_exit_code(result) -> int:
    """Exit code of a solve, with a one-line reason on stderr when it is not 0."""
    status = result.status.value
    if status == "infeasible":
        reason = result.diagnosis[0] if result.diagnosis else "no portfolio satisfies every rule"
        click.echo(f"error: infeasible: {printable(reason)}", err=True)
        return EXIT_INFEASIBLE
    if result.portfolio is None:
        why = "was interrupted" if status == "interrupted" else "stopped at its time limit"
        click.echo(f"error: the solver ({result.backend}) {why} before finding any portfolio; "
                   "raise --time-limit or try --solver greedy", err=True)
        return EXIT_SOLVER
    if status == "interrupted":
        gap = "unknown" if result.gap is None else f"{result.gap:.3%}"
        click.echo(f"warning: interrupted: returning the best portfolio found so far (status interrupted, "
                   f"gap {gap})", err=True)
    return EXIT_OK


@app.command()
@scenario_arg
@click.option("--portfolio", type=click.Path(path_type=Path), default=None,
              help="Portfolio CSV/JSON (an 'id' column/field, e.g. a previous portfolio.csv); "
                   "default: solve the scenario first.")
@run_options("Monte Carlo replications (default: the scenario's simulation.replications).")
@format_option("simulation", csv="the totals with their intervals, as totals.csv")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="Directory to write simulation.json, daily.csv and totals.csv into (atomically).")
@guarded
def simulate(scenario: Path, portfolio, run, fmt: str, output) -> int:
    """Simulate SCENARIO's campaign word of mouth over a population, with confidence intervals."""
    from .io.scenario import load_scenario
    from .io.writers import write_files
    from .render.simulation import simulation_files
    from .workflows.simulate import load_portfolio, simulate as run_simulate

    sc = load_scenario(scenario)
    chosen = load_portfolio(portfolio, sc.roster) if portfolio is not None else None
    hold_output(output)
    with progress_bar(stderr_console(), "Simulating") as tick:
        result = run_simulate(sc, chosen, run=run.with_(progress=tick))
    if output is not None:
        paths = write_files(output, simulation_files(result))
        say_wrote(stderr_console(), paths)
    say_warnings(result.warnings)  # the scenario's roster warnings first, then the simulation's
    show("simulation", fmt, result, currency=sc.currency)
    return EXIT_OK


@app.command()
@scenario_arg
@guarded
def validate(scenario: Path) -> int:
    """Check SCENARIO and its roster without solving; report every problem."""
    from .io.scenario import check_filters, load_scenario
    from .workflows.simulate import check_simulation

    sc = load_scenario(scenario)
    check_filters(sc)
    check_simulation(sc, whole_roster=True)
    r = sc.roster
    click.echo(printable(f"ok: {scenario} — '{sc.name}', budget {sc.budget:,.2f} {sc.currency}"))
    click.echo(printable(f"roster: {r.n:,} influencers from {r.source}; {int(r.er_estimated.sum()):,} engagement "
                         f"rates and {int(r.fee_estimated.sum()):,} fees estimated, {int(r.er_derived.sum()):,} "
                         f"engagement rates derived from counts; niches: {', '.join(r.niche_names) or 'none'}"))
    if sc.packages is not None:
        per = sc.packages.counts(r.n)
        several, rights = int((per > 1).sum()), int(sc.packages.usage_rights.sum())
        click.echo(f"packages: {sc.packages.n:,} for {r.n:,} influencers ({several:,} sell{'s' if several == 1 else ''} "
                   f"more than one; {rights:,} include{'s' if rights == 1 else ''} usage rights)")
    if r.extra:
        click.echo(f"extra columns for custom rules: {', '.join(printable(k) for k in r.extra)}")
    for w in sc.warnings:
        click.echo(f"warning: {printable(w)}")
    return EXIT_OK


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files."""
    from .io.scenario import scenario_json_schema
    from .io.writers import to_json

    click.echo(to_json(scenario_json_schema()), nl=False)


@app.command("generate-roster")
@click.option("--size", "-n", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Number of influencers.")
@click.option("--niches", default="skincare,makeup,fitness,wellness,vegan,travel,food,fashion", show_default=True,
              help="Comma-separated niche names.")
@click.option("--platforms", default="instagram=0.6,tiktok=0.3,youtube=0.1", show_default=True,
              help="Comma-separated name=probability.")
@click.option("--seed", type=SEED_RANGE, default=0, show_default=True, help="Random seed.")
@click.option("--output", "-o", type=click.Path(path_type=Path), required=True, help="CSV file to write.")
@guarded
def generate_roster(size: int, niches: str, platforms: str, seed: int, output: Path) -> int:
    """Write a synthetic roster drawn from published tier figures (seeded)."""
    from .errors import UsageError
    from .io.synthetic import generate_roster as generate, write_roster_csv
    from .io.writers import FORMULA_START

    try:
        mix = {k.strip(): float(v) for k, v in (item.split("=") for item in platforms.split(","))}
    except ValueError:
        raise UsageError(f"--platforms {platforms!r}: expected name=probability pairs, e.g. instagram=0.7,tiktok=0.3")
    if not all(v >= 0 and v < float("inf") for v in mix.values()) or sum(mix.values()) <= 0:
        raise UsageError(f"--platforms {platforms!r}: probabilities must be finite, non-negative and not all zero")
    names = [n.strip() for n in niches.split(",") if n.strip()]
    if not names or any(ch in n for n in names for ch in ";|:"):
        raise UsageError(f"--niches {niches!r}: expected comma-separated niche names without ';', '|' or ':'")
    formulas = [n for n in [*names, *mix] if n.startswith(FORMULA_START)]
    if formulas:  # the roster is lineup input, written raw: refuse what a spreadsheet would run as a formula
        raise UsageError(f"--niches/--platforms: {', '.join(map(repr, formulas))} begins with one of "
                         f"= + - @ (a spreadsheet would read the roster cell as a formula); rename it")
    df = generate(size, niches=names, platforms=mix, seed=seed)
    write_roster_csv(df, output)
    click.echo(f"wrote {len(df):,} influencers to {printable(output)}", err=True)
    return EXIT_OK


def _register_extra_commands() -> None:
    """Commands of the comparison/report workflows (their modules import only click at the top)."""
    from .commands.calibrate import backtest as backtest_command, calibrate as calibrate_command
    from .commands.calibrate import generate_posts as generate_posts_command
    from .commands.compare import compare as compare_command
    from .commands.frontier import frontier as frontier_command
    from .commands.report import report as report_command
    from .commands.sensitivity import sensitivity as sensitivity_command

    for command in (compare_command, frontier_command, report_command, sensitivity_command, calibrate_command,
                    backtest_command, generate_posts_command):
        app.add_command(command)


_register_extra_commands()


def main() -> None:
    """Console-script entry point."""
    app(prog_name="lineup")


if __name__ == "__main__":  # pragma: no cover
    main()

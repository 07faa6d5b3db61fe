"""``lineup calibrate`` and ``lineup backtest``: priors fitted from post histories, and their back-test."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ._common import EXIT_OK, format_option, guarded, hold_output, say_warnings, say_wrote, show, stderr_console

__all__ = ["calibrate", "backtest", "generate_posts"]

#: Largest ``generate-posts --creators``: 100,000 creators × ~22 posts ≈ 2.2M posts, ~2 GB while built in memory.
MAX_CREATORS = 100_000

posts_args = click.argument("posts", nargs=-1, required=True, type=click.Path(path_type=Path))
platform_option = click.option("--platform", default=None,
                               help="Fit only this platform (also the platform of files that have none).")


def _read(posts, platform):
    from lineup.io.posts import read_posts

    return read_posts(list(posts), platform=platform)


def _platform(platform):
    from lineup.domain.links import platform_name

    return None if platform is None else platform_name(platform)


def _files(source) -> str:
    """The files read, or the first and how many more."""
    source = [str(s) for s in source]
    return ", ".join(source) if len(source) <= 2 else f"{source[0]} and {len(source) - 1} more files"


@click.command("calibrate")
@posts_args
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="Priors file to write (YAML, format lineup-priors/1), for a scenario's priors: {file: ...}.")
@platform_option
@click.option("--influencers", type=click.Path(path_type=Path), default=None,
              help="Also write the creators' shrunk engagement rates (CSV, roster-joinable by id and platform); "
                   "the priors file names it.")
@format_option("calibration")
@guarded
def calibrate(posts, output: Path | None, platform, influencers: Path | None, fmt: str) -> int:
    """Fit engagement-rate curves, dispersion, rate cards and creator rates from POSTS (post-history files).

    The priors file and the rates CSV are written as one set: both or neither.  Each one's
    directory is held (exit 5 when another lineup run holds it) until both are written.
    """
    from lineup.errors import UsageError
    from lineup.io.priors import priors_yaml, rates_csv
    from lineup.io.writers import write_files
    from lineup.workflows.calibrate import calibrate as run_calibrate

    data = _read(posts, platform)
    targets = [p for p in (output, influencers) if p is not None]
    if len(targets) == 2 and os.path.realpath(output) == os.path.realpath(influencers):
        raise UsageError("--output and --influencers name the same file; give two files")
    for folder in dict.fromkeys(os.path.realpath(p.parent) for p in targets):
        hold_output(Path(folder))  # one claim per directory (both when the two files are in different ones)
    cal = run_calibrate(data, platform=_platform(platform))
    files = {}
    if influencers is not None:
        files[influencers] = rates_csv(cal)
    if output is not None:
        link = None if influencers is None else os.path.relpath(influencers.resolve(), output.resolve().parent)
        files[output] = priors_yaml(cal, [str(p) for p in data.source], influencers=link)
    if files:
        base = targets[0].parent  # the priors file's directory (or the rates file's): holds the commit journal
        write_files(base, {os.path.relpath(p, base): text for p, text in files.items()}, manifest=False)
        say_wrote(stderr_console(), list(files))
    say_warnings(data.warnings)
    own = [n for n in cal.notes if n not in data.warnings]  # the posts' warnings went to stderr above
    from lineup.render.formats import is_prose

    if not is_prose(fmt):  # stdout is data: the notes go to stderr
        say_warnings(own)
    show("calibration", fmt, cal, notes=own if is_prose(fmt) else (), source=_files(data.source))
    return EXIT_OK


@click.command("backtest")
@posts_args
@click.option("--split", required=True, help="Date (UTC): fit on posts before it, forecast those on or after it.")
@platform_option
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="Directory to write backtest.json, forecasts.csv and backtest.png/.svg into (atomically).")
@format_option("backtest", csv="one row per scored post, as forecasts.csv")
@guarded
def backtest(posts, split: str, platform, output: Path | None, fmt: str) -> int:
    """Back-test the calibrated forecasts of engagements per post against the built-in priors and the last post."""
    from lineup.io.writers import write_files
    from lineup.render.calibration import backtest_files
    from lineup.workflows.calibrate import backtest as run_backtest

    data = _read(posts, platform)
    hold_output(output)
    result = run_backtest(data, split, platform=_platform(platform))
    if output is not None:
        say_wrote(stderr_console(), write_files(output, backtest_files(result)))
    from lineup.render.formats import is_prose

    if is_prose(fmt):
        say_warnings(data.warnings)
    else:
        say_warnings(data.warnings, result.calibration.notes)  # stdout is data: the notes go to stderr
    show("backtest", fmt, result)
    return EXIT_OK


@click.command("generate-posts")
@click.option("--creators", "-n", type=click.IntRange(min=1, max=MAX_CREATORS), default=200, show_default=True,
              help=f"Number of creators (at most {MAX_CREATORS:,}: about 22 posts each, the history is built in memory, "
                   f"roughly 1 kB per post).")
@click.option("--curve", type=click.Choice(["inverted_u", "falling"]), default="inverted_u", show_default=True,
              help="True typical engagement-rate curve (inverted_u: peak 3 % near 30k followers; falling: the "
                   "built-in prior).")
@click.option("--sponsored", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Share of sponsored posts.")
@click.option("--fees/--no-fees", default=False, show_default=True, help="Give sponsored posts a fee.")
@click.option("--platform", default="instagram", show_default=True, help="Platform of every post.")
@click.option("--seed", type=click.IntRange(min=0, max=2**63 - 1), default=0, show_default=True, help="Random seed.")
@click.option("--output", "-o", type=click.Path(path_type=Path), required=True, help="CSV file to write.")
@guarded
def generate_posts(creators: int, curve: str, sponsored: float, fees: bool, platform: str, seed: int,
                   output: Path) -> int:
    """Write a synthetic post history with a known truth (docs/model.md §4), for trying calibrate and backtest."""
    from lineup._text import printable
    from lineup.domain.links import platform_name
    from lineup._text import counted
    from lineup.io.synthetic import generate_posts as generate
    from lineup.io.writers import frame_csv, write_files

    posts, _ = generate(creators, seed=seed, curve=curve, sponsored=sponsored, fees=fees,
                        platform=platform_name(platform) or "instagram")
    frame = posts.frame.drop(columns=["engagements"])
    frame["posted_at"] = frame["posted_at"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    write_files(output.parent, {output.name: frame_csv(frame)}, manifest=False)
    click.echo(f"wrote {counted(len(frame), 'post')} by {counted(creators, 'creator')} to {printable(output)}", err=True)
    return EXIT_OK

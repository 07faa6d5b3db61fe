"""Shared pieces of the command-line interface: exit codes, error mapping, progress."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

__all__ = ["finite_float", "EXIT_OK", "EXIT_INTERNAL", "EXIT_INPUT", "EXIT_INFEASIBLE", "EXIT_SOLVER", "EXIT_BUSY",
           "scenario_arg", "guarded", "stderr_console", "stdout_console", "progress_bar", "maybe_status",
           "scale_out_options", "hold_output"]

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_INFEASIBLE, EXIT_SOLVER, EXIT_BUSY = 0, 1, 2, 3, 4, 5

scenario_arg = click.argument("scenario", type=click.Path(path_type=Path))


class _FiniteFloat(click.FloatRange):
    """A float range that also refuses nan and inf (click's FloatRange lets nan through)."""

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if number != number or number in (float("inf"), float("-inf")):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return number


def finite_float(min: float | None = None, max: float | None = None, min_open: bool = False) -> click.FloatRange:
    """A click type for finite floats within ``[min, max]`` (``min_open`` excludes ``min``)."""
    return _FiniteFloat(min=min, max=max, min_open=min_open)


def _debug_option(fn):
    return click.option("--debug", is_flag=True, help="Show the full traceback of errors.")(fn)


def guarded(fn):
    """Map lineup errors to one-line messages and exit codes (traceback with --debug)."""

    @functools.wraps(fn)
    def wrapper(*args, debug: bool = False, **kwargs):
        from ..errors import LineupError

        try:
            code = fn(*args, **kwargs)
        except LineupError as exc:
            if debug:
                raise
            _error(exc.describe() if len(exc.problems) > 1 or (exc.problems and exc.problems[0] != exc.message)
                   else exc.message)
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001 - last-resort mapping to exit 1
            if debug:
                raise
            _error(f"internal error: {type(exc).__name__}: {exc} (run again with --debug for the traceback)")
            sys.exit(EXIT_INTERNAL)
        sys.exit(code or EXIT_OK)

    return _debug_option(wrapper)


def hold_output(output: Path | None) -> None:
    """Claim the ``--output`` directory until the command ends (exit 5 at once if another run holds it).

    See :func:`lineup.io.writers.claim_output`; the claim is released with the click context.
    """
    if output is not None:
        from ..io.writers import claim_output

        click.get_current_context().with_resource(claim_output(output))


def _error(text: str) -> None:
    """One ``error:`` message on stderr; control characters from user text are shown escaped, never sent."""
    from .._text import printable

    click.echo(f"error: {printable(text, keep=chr(10))}", err=True)


def stderr_console():
    """:func:`lineup.io.terminal.console` on stderr (the one console helper; kept as a short name)."""
    from ..io.terminal import console

    return console(stderr=True)


def stdout_console():
    """:func:`lineup.io.terminal.console` on stdout: the terminal's width, or as wide as the text when piped."""
    from ..io.terminal import console

    return console()


class progress_bar:
    """A rich progress bar on stderr (only on a terminal); yields a ``tick(done, total)`` callback.

    ``label`` is plain text (shown literally, even when it holds a scenario name).
    """

    def __init__(self, console, label: str):
        self.console, self.label, self.bar, self.task = console, label, None, None

    def __enter__(self):
        if not self.console.is_terminal:
            return None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        self.bar = Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                            TimeRemainingColumn(), console=self.console, transient=True)
        self.bar.__enter__()
        from ..io.terminal import literal

        self.task = self.bar.add_task(literal(self.label), total=None)
        return self.tick

    def tick(self, done: int, total: int) -> None:
        self.bar.update(self.task, completed=done, total=total)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)
        return False


class _nullcontext:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False




def maybe_status(console, text: str):
    """A spinner on a terminal console, nothing otherwise; ``text`` is plain text (shown literally)."""
    from ..io.terminal import literal

    return console.status(literal(text), spinner="dots") if console.is_terminal else _nullcontext()


def scale_out_options(fn):
    """``--workers``, ``--scheduler`` and ``--dask-local`` (shared by simulate, compare, frontier)."""
    fn = click.option("--dask-local", type=click.IntRange(min=1), default=None, metavar="N",
                      help="Run on a new Dask LocalCluster with N worker processes.")(fn)
    fn = click.option("--scheduler", default=None, metavar="ADDRESS", envvar="LINEUP_DASK_SCHEDULER",
                      help="Run on an existing Dask cluster (e.g. tcp://10.0.0.5:8786; "
                           "env LINEUP_DASK_SCHEDULER).")(fn)
    return click.option("--workers", "-w", type=click.IntRange(min=1), default=1, show_default=True,
                        help="Local worker processes; results do not depend on it.")(fn)

"""Shared pieces of the command-line interface: exit codes, error mapping, progress."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

__all__ = ["SEED_RANGE", "finite_float", "EXIT_OK", "EXIT_INTERNAL", "EXIT_INPUT", "EXIT_INFEASIBLE", "EXIT_SOLVER",
           "EXIT_BUSY", "EXIT_INTERRUPTED",
           "scenario_arg", "guarded", "stderr_console", "stdout_console", "progress_bar", "maybe_status",
           "solver_progress", "progress_line", "run_options", "format_option", "show", "flag",
           "hold_output", "say_wrote", "say_warnings"]

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_INFEASIBLE, EXIT_SOLVER, EXIT_BUSY = 0, 1, 2, 3, 4, 5
#: Ctrl-C with nothing to return (128 + SIGINT, as shells report it); a solve's first Ctrl-C returns its incumbent.
EXIT_INTERRUPTED = 130

scenario_arg = click.argument("scenario", type=click.Path(path_type=Path))

#: Seeds fit a 64-bit integer in every output (as the scenario's simulation.seed).
SEED_RANGE = click.IntRange(min=0, max=2**63 - 1)


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
    """Map lineup errors to one-line messages and exit codes (traceback with --debug); Ctrl-C that reaches
    here (outside a solve, or a second one during it) is one line and exit 130.

    A command with a ``run`` parameter gets its ``--replications``, ``--seed``, ``--workers``,
    ``--scheduler`` and ``--dask-local`` as one :class:`~lineup.execution.RunOptions` (built here,
    so a bad combination is an error line too)."""
    import inspect

    takes_run = "run" in inspect.signature(fn).parameters

    @functools.wraps(fn)
    def wrapper(*args, debug: bool = False, **kwargs):
        from ..errors import LineupError

        try:
            code = fn(*args, **(_with_run(kwargs) if takes_run else kwargs))
        except LineupError as exc:
            exc.in_terms(flag)
            if debug:
                raise
            _error(exc.describe() if len(exc.problems) > 1 or (exc.problems and exc.problems[0] != exc.message)
                   else exc.message)
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException):
            raise
        except KeyboardInterrupt:
            if debug:
                raise
            _error("interrupted (Ctrl-C) before a result was ready")
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:  # the reader of stdout left early (`| head`): not an error of the run
            _silence_stdout()
            sys.exit(EXIT_OK)
        except Exception as exc:  # noqa: BLE001 - last-resort mapping to exit 1
            if debug:
                raise
            first = (str(exc).strip().splitlines() or [""])[0]
            _error(f"internal error: {type(exc).__name__}: {first} (run again with --debug for the traceback)")
            sys.exit(EXIT_INTERNAL)
        sys.exit(code or EXIT_OK)

    return _debug_option(wrapper)


#: Library arguments whose flag is not their name with dashes.
FLAGS = {"backend": "--solver", "names": "--strategies", "common_random_numbers": "--common-random-numbers"}


def flag(argument: str) -> str:
    """The command-line flag of a library argument named in an error (``dask_local`` → ``--dask-local``).

    >>> flag("dask_local"), flag("output"), flag("backend")
    ('--dask-local', '--output', '--solver')
    """
    return FLAGS.get(argument, "--" + argument.replace("_", "-"))


def say_wrote(console, paths) -> None:
    """``wrote a, b, c`` on ``console`` (stderr), each path with its control characters escaped."""
    from .._text import printable

    console.print(f"wrote {', '.join(printable(p) for p in paths)}", markup=False, highlight=False)


def say_warnings(*groups) -> None:
    """``warning: …`` on stderr, one unwrapped line per warning of ``groups``, each once, in order (the
    scenario's roster warnings first, then the command's own); control characters are shown escaped."""
    from .._text import printable

    for w in dict.fromkeys(w for group in groups for w in group):
        click.echo(f"warning: {printable(w)}", err=True)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that Python's exit flush does not fail again on the closed pipe."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


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
    """:func:`lineup.render.terminal.console` on stderr (the one console helper; kept as a short name)."""
    from ..render.terminal import console

    return console(stderr=True)


def stdout_console():
    """:func:`lineup.render.terminal.console` on stdout: the terminal's width, or as wide as the text when piped."""
    from ..render.terminal import console

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
        from ..render.terminal import literal

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
    from ..render.terminal import literal

    return console.status(literal(text), spinner="dots") if console.is_terminal else _nullcontext()


def progress_line(p) -> str:
    """One plain line for a :class:`~lineup.optimize.SolveProgress`.

    >>> from lineup.optimize import SolveProgress
    >>> progress_line(SolveProgress("cbc", 6.2, 12_345.0, 12_400.0))
    'cbc: incumbent 12,345 bound 12,400 gap 0.45 % after 6 s'
    >>> progress_line(SolveProgress("highs", 2.0, None, None))
    'highs: no portfolio yet, bound — after 2 s'
    """
    bound = "—" if p.bound is None else f"{p.bound:,.0f}"
    if p.incumbent is None:
        return f"{p.backend}: no portfolio yet, bound {bound} after {p.seconds:.0f} s"
    return (f"{p.backend}: incumbent {p.incumbent:,.0f} bound {bound} gap "
            f"{'—' if p.gap is None else f'{100 * p.gap:.2f} %'} after {p.seconds:.0f} s")


class solver_progress:
    """Live solver state on stderr; yields the ``progress`` callback for :func:`lineup.optimize.solve`.

    On a terminal a spinner shows ``label`` and the latest :func:`progress_line`;
    otherwise (piped, logged) a plain :func:`progress_line` is printed every ``every``
    seconds of solving, so short solves print nothing.  Stdout is never touched.
    """

    def __init__(self, console, label: str, every: float = 2.0):
        self.console, self.label, self.every, self.due = console, label, every, every
        self.status = None

    def __enter__(self):
        if self.console.is_terminal:
            self.status = maybe_status(self.console, self.label)
            self.status.__enter__()
        return self.update

    def update(self, p) -> None:
        from ..render.terminal import literal

        if self.status is not None:
            self.status.update(literal(f"{self.label} {progress_line(p)}"))
        elif p.seconds >= self.due:
            self.due = p.seconds + self.every
            click.echo(progress_line(p), err=True)

    def __exit__(self, *exc):
        if self.status is not None:
            self.status.__exit__(*exc)
        return False


def format_option(kind: str, **says: str):
    """``--format`` with the formats the render registry offers for results of ``kind``
    (:func:`lineup.render.formats.choices`); ``says`` words a format's help for this command
    (``csv="one row per point, as frontier.csv"``)."""
    from ..render.formats import FORMATS, choices

    offered = choices(kind)
    helps = "; ".join(f"{name}: {says.get(name, FORMATS[name].help)}" for name in offered)
    return click.option("--format", "fmt", type=click.Choice(offered), default="table", show_default=True,
                        help=f"What to print on stdout ({helps}).")


def show(kind: str, fmt: str, result, **options) -> None:
    """Print ``result`` (a ``kind``) on stdout in format ``fmt`` (:func:`lineup.render.formats.render`)."""
    from ..render.formats import render

    text = render(kind, fmt, result, stdout_console(), **options)
    if text is not None:
        click.echo(text, nl=False)


def _with_run(kwargs: dict) -> dict:
    """The command's keyword arguments with the run options gathered into ``run``."""
    from ..execution import RunOptions

    rest = dict(kwargs)
    fields = {k: rest.pop(k) for k in ("replications", "seed", "workers", "scheduler", "dask_local") if k in rest}
    return {**rest, "run": RunOptions(**fields)}


def run_options(replications: str, seed: str = "Seed (default: simulation.seed).", *, low: int = 1,
                high: int | None = None, default: int | None = None):
    """``--replications`` (help ``replications``, from ``low`` to ``high``, default ``default``: the
    scenario's), ``--seed`` (help ``seed``), ``--workers``, ``--scheduler`` and ``--dask-local``: the
    flags of one :class:`~lineup.execution.RunOptions`, which :func:`guarded` builds as the command's ``run``
    (simulate, compare, frontier, sensitivity, report)."""

    def decorate(fn):
        fn = click.option("--dask-local", type=click.IntRange(min=1, max=256), default=None, metavar="N",
                          help="Run on a new Dask LocalCluster with N worker processes.")(fn)
        fn = click.option("--scheduler", default=None, metavar="ADDRESS", envvar="LINEUP_DASK_SCHEDULER",
                          help="Run on an existing Dask cluster (e.g. tcp://10.0.0.5:8786; "
                               "env LINEUP_DASK_SCHEDULER).")(fn)
        fn = click.option("--workers", "-w", type=click.IntRange(min=1, max=256), default=1, show_default=True,
                          help="Local worker processes (at most 256); results do not depend on it.")(fn)
        fn = click.option("--seed", type=SEED_RANGE, default=None, help=seed)(fn)
        return click.option("--replications", "-r", type=click.IntRange(min=low, max=high), default=default,
                            show_default=default is not None, help=replications)(fn)

    return decorate

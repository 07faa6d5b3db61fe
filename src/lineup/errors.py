"""One exception tree for everything lineup raises on purpose.

Every error a user can cause is a :class:`LineupError`.  The CLI maps each
branch to a documented exit code (see README, "Exit codes"):

============================  =====================================  =====
class                         what went wrong                        exit
============================  =====================================  =====
:class:`ScenarioError`        the scenario file is missing/invalid   2
:class:`RosterError`          the roster file is missing/invalid     2
:class:`NetworkError`         a network / edge-list file is invalid  2
:class:`PostsError`           a post-history file is invalid         2
:class:`UsageError`           a bad command-line argument            2
:class:`InfeasibleError`      no portfolio satisfies the rules       3
:class:`SolverUnavailableError`  the solver is not installed         4
:class:`SolverError`          the solver crashed / returned garbage  4
:class:`ModelTooLargeError`   the model would not fit in memory      4
:class:`OutputBusyError`      another run is writing the directory   5
============================  =====================================  =====

Solving never raises :class:`InfeasibleError` by itself: infeasibility is a
status of the returned result.  Callers who prefer an exception ask for one
with ``result.raise_for_status()``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from lineup._text import printable

__all__ = [
    "LineupError",
    "InputError",
    "ScenarioError",
    "RosterError",
    "NetworkError",
    "PostsError",
    "UsageError",
    "InfeasibleError",
    "SolverUnavailableError",
    "SolverError",
    "ModelTooLargeError",
    "OutputBusyError",
    "Problem",
    "PerformanceWarning",
]

_MARKED = re.compile("\x1e([A-Za-z_][A-Za-z0-9_]*)(?:\x1d([^\x1e\x1f]*))?\x1f")


def argument(name: str, value: str | None = None) -> str:
    """``name`` (with ``value``, if given) marked as an argument inside an error message.

    Library errors speak of arguments by their Python names (``dask_local``); the
    command line shows the same error with flags instead (:meth:`LineupError.in_terms`,
    ``--dask-local``).  The mark never reaches a reader: ``str(error)`` shows the name.

    Examples
    --------
    >>> err = UsageError(f"{argument('dask_local')} must be from 1 to 256, got 0")
    >>> str(err)
    'dask_local must be from 1 to 256, got 0'
    >>> str(err.in_terms(lambda name: "--" + name.replace("_", "-")))
    '--dask-local must be from 1 to 256, got 0'
    >>> argument("--dask-local") == argument("dask_local")   # a flag's spelling is read as its argument
    True
    >>> hint = UsageError(f"use {argument('backend', 'greedy')}")
    >>> str(hint), str(hint.in_terms(lambda name: "--solver"))
    ("use backend='greedy'", 'use --solver greedy')
    """
    name = str(name).lstrip("-").replace("-", "_")
    if not name.isidentifier():
        raise ValueError(f"argument names are Python identifiers, got {name!r}")
    return f"\x1e{name}\x1f" if value is None else f"\x1e{name}\x1d{printable(str(value))}\x1f"


def _shown(text: str, name: Callable[[str], str]) -> str:
    """``text`` with its marked arguments shown by ``name``: with a value, ``--flag value`` for a flag and
    ``name='value'`` for a Python name."""
    if isinstance(text, Problem):
        return Problem(_shown(text.where, name), _shown(text.what, name))

    def shown(m: re.Match) -> str:
        said, value = name(m.group(1)), m.group(2)
        if value is None:
            return said
        return f"{said} {value}" if said.startswith("-") else f"{said}={value!r}"

    return _MARKED.sub(shown, text)


def _as_is(name: str) -> str:
    return name


class Problem(str):
    """One located problem: ``"<where>: <what>"``.

    A plain string (so it prints as-is) that also remembers where and what.

    Examples
    --------
    >>> p = Problem("scenario.yaml, line 3, field 'budget'", "must be > 0, got -5")
    >>> str(p)
    "scenario.yaml, line 3, field 'budget': must be > 0, got -5"
    >>> p.what
    'must be > 0, got -5'
    """

    where: str
    what: str

    def __new__(cls, where: str, what: str) -> "Problem":
        obj = super().__new__(cls, f"{where}: {what}" if where else what)
        obj.where = where
        obj.what = what
        return obj

    def __getnewargs__(self) -> tuple[str, str]:
        return self.where, self.what


class LineupError(Exception):
    """Base of every error lineup raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, problems: Sequence[str] = ()):
        self._marked = (message, tuple(problems))
        self.message = _shown(message, _as_is)
        self.problems = tuple(_shown(p, _as_is) for p in problems)
        super().__init__(self.message)

    def __reduce__(self):
        """Pickle with the marked text and the problems (errors raised on a worker reach the CLI whole)."""
        return _rebuilt, (type(self), *self._marked)

    def in_terms(self, name: Callable[[str], str]) -> LineupError:
        """This error with every :func:`argument` shown as ``name(argument)`` (the CLI: its flag); returns itself."""
        message, problems = self._marked
        self.message = _shown(message, name)
        self.problems = tuple(_shown(p, name) for p in problems)
        return self

    def __str__(self) -> str:
        return self.message

    def describe(self, limit: int = 20) -> str:
        """The message plus up to ``limit`` listed problems, one per line."""
        lines = [self.message]
        shown = self.problems[:limit]
        lines += [f"  - {p}" for p in shown]
        if len(self.problems) > limit:
            lines.append(f"  ... and {len(self.problems) - limit} more")
        return "\n".join(lines)


def _rebuilt(cls, message: str, problems: tuple) -> LineupError:
    """An error of class ``cls`` from its marked text (what :meth:`LineupError.__reduce__` pickles)."""
    err = cls.__new__(cls)
    LineupError.__init__(err, message, problems)
    return err


class InputError(LineupError):
    """Something the user gave lineup is unusable (exit code 2)."""

    exit_code = 2


class ScenarioError(InputError):
    """The scenario file is missing, malformed or breaks the schema."""


class RosterError(InputError):
    """The roster file is missing, malformed or has unusable rows."""


class NetworkError(InputError):
    """A social-network (edge list / communities) file is unusable."""


class PostsError(InputError):
    """A post-history file (per-post observations for calibration) is missing, malformed or unusable."""


class UsageError(InputError):
    """A command-line argument or API argument is invalid."""


class InfeasibleError(LineupError):
    """No portfolio satisfies every rule of the scenario (exit code 3)."""

    exit_code = 3


class SolverUnavailableError(LineupError):
    """The requested solver backend is not installed (exit code 4)."""

    exit_code = 4


class SolverError(LineupError):
    """The solver failed or returned something unusable (exit code 4)."""

    exit_code = 4


class ModelTooLargeError(SolverError):
    """The model would need more memory than allowed; the message says how much and what to do (exit code 4)."""


class OutputBusyError(LineupError):
    """Another lineup run is writing the same output directory (exit code 5); retry when it ends."""

    exit_code = 5


class PerformanceWarning(UserWarning):
    """Work that could be done once is being repeated (e.g. a graph converted on every call)."""

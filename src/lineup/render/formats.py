"""The registry of output formats: what ``--format`` offers for each kind of result, and how it renders.

Two small tables.  :data:`VIEWS` says, for each kind of result, which function gives each
*piece* a format is built from: ``table`` (prints on a terminal console), ``data`` (a
JSON-ready dict), ``csv`` (CSV text), ``brief`` (a list of :class:`~lineup.render.table.Table`
values).  :data:`FORMATS` says which piece each format renders and how.  A format is offered
for every kind that has its piece, so a new format for every result is one entry of
:data:`FORMATS` (``markdown`` is one: the ``brief`` tables as GitHub Markdown, for briefs).

Functions are named as ``"module:function"`` and imported when used, so the command line
builds its ``--format`` choices without importing pandas or matplotlib.

>>> choices("solve"), choices("simulation")
(('table', 'json', 'csv', 'markdown'), ('table', 'json', 'csv', 'markdown'))
>>> "markdown" in choices("calibration"), "csv" in choices("calibration")
(True, False)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["View", "Format", "VIEWS", "FORMATS", "choices", "render", "register", "is_prose"]


@dataclass(frozen=True)
class View:
    """How one kind of result shows: ``piece name → "module:function"`` (see the module docstring)."""

    kind: str
    pieces: dict[str, str] = field(default_factory=dict)

    def has(self, piece: str) -> bool:
        return piece in self.pieces

    def piece(self, piece: str) -> Callable:
        module, name = self.pieces[piece].split(":")
        return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class Format:
    """One output format: its name, its help text, the piece of a view it needs, how it turns that piece
    into text for stdout (``None``: it printed on the console itself) and whether it is prose for people
    (notes and warnings belong in it) rather than data (they go to stderr)."""

    name: str
    help: str
    piece: str
    write: Callable[[Callable, Any, Any, dict], str | None]
    prose: bool = False


def _table(piece, result, console, options) -> None:
    piece(result, console, **options)


def _json(piece, result, console, options) -> str:
    from lineup.io.writers import to_json

    return to_json(piece(result, **options))


def _csv(piece, result, console, options) -> str:
    return piece(result, **options)


def _markdown(piece, result, console, options) -> str:
    from .table import markdown

    return markdown(piece(result, **options))


#: Every output format, in the order ``--help`` lists them.
FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    """Add (or replace) a format; every kind of result with its piece offers it from then on."""
    FORMATS[fmt.name] = fmt
    return fmt


register(Format("table", "a table for the terminal", "table", _table, prose=True))
register(Format("json", "one JSON document (every field, machine-readable)", "data", _json))
register(Format("csv", "CSV rows", "csv", _csv))
register(Format("markdown", "Markdown tables to paste into a brief", "brief", _markdown, prose=True))


def _view(kind: str, module: str, **names: str) -> View:
    return View(kind, {piece: f"lineup.render.{module}:{name}" for piece, name in names.items()})


#: Every kind of result a command prints.
VIEWS: dict[str, View] = {v.kind: v for v in (
    _view("solve", "solve", table="render_solve", data="solve_data", csv="portfolio_csv", brief="solve_brief"),
    _view("simulation", "simulation", table="render_simulation", data="simulation_data", csv="simulation_csv",
          brief="simulation_brief"),
    _view("comparison", "compare", table="render_comparison", data="comparison_data", csv="comparison_csv",
          brief="comparison_brief"),
    _view("frontier", "frontier", table="render_frontier", data="frontier_data", csv="frontier_csv",
          brief="frontier_brief"),
    _view("sensitivity", "sensitivity", table="render_sensitivity", data="sensitivity_data", csv="sensitivity_csv",
          brief="sensitivity_brief"),
    _view("calibration", "calibration", table="render_calibration", data="calibration_data",
          brief="calibration_brief"),
    _view("backtest", "calibration", table="render_backtest", data="backtest_data", csv="backtest_csv",
          brief="backtest_brief"),
)}


def choices(kind: str) -> tuple[str, ...]:
    """The formats a kind of result can be printed in (what its command's ``--format`` accepts)."""
    view = VIEWS[kind]
    return tuple(name for name, fmt in FORMATS.items() if view.has(fmt.piece))


def is_prose(fmt: str) -> bool:
    """Whether ``fmt`` is for people (notes and warnings go in it) rather than data (they go to stderr).

    >>> is_prose("table"), is_prose("markdown"), is_prose("json")
    (True, True, False)
    """
    return FORMATS[fmt].prose


def render(kind: str, fmt: str, result: Any, console: Any = None, **options: Any) -> str | None:
    """``result`` (a ``kind``) in format ``fmt``: the text for stdout, or ``None`` when the format printed it on
    ``console`` itself (``table``).  ``options`` go to the view's function when it takes them (e.g.
    ``normalise="spend"`` to the comparison's table and brief).

    An unknown format, or one the kind lacks, raises :class:`~lineup.errors.UsageError` naming the choices.
    """
    from lineup.errors import UsageError, argument

    if fmt not in choices(kind):
        raise UsageError(f"{argument('format')} {fmt!r} is not available for a {kind}; choose from "
                         f"{', '.join(choices(kind))}")
    chosen = FORMATS[fmt]
    piece = VIEWS[kind].piece(chosen.piece)
    return chosen.write(piece, result, console, _accepted(piece, options))


def _accepted(piece: Callable, options: dict[str, Any]) -> dict[str, Any]:
    """The ``options`` a piece takes (a command passes what its table needs; its JSON may need none)."""
    import inspect

    names = inspect.signature(piece).parameters
    return {k: v for k, v in options.items() if k in names}

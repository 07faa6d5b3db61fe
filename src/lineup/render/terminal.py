"""The terminal (rich): lineup's consoles and user text shown literally.

Everything lineup prints with rich is written as rich *markup*, so every piece
of user text (scenario, strategy and niche names, ids, platforms, currency,
paths, notes that quote them) goes through :func:`literal` before it is put
into a markup string, a table cell, a title, a caption or a progress/status
label.  Consoles come from :func:`console`, the one console helper of every
command: it turns off emoji codes (so a name containing ``:fire:`` is printed as
typed) and, when the output is piped, is as wide as the text (nothing folded or
cut).  Tables go through :func:`print_table`: ids and numbers (columns made with
``no_wrap=True``) are never cut or folded, other text columns wrap.
"""

from __future__ import annotations

from typing import Any

from .._text import printable

__all__ = ["console", "literal", "print_table", "PIPED_WIDTH"]


def literal(value: Any) -> str:
    """``str(value)`` as rich markup that prints exactly that text.

    Square brackets that would open or close a style or a hyperlink are
    escaped, and control and format characters — line breaks and tabs
    included, so one value can never fake a line of output — are spelled out
    (``\\x1b``, ``\\n``) instead of reaching the terminal.

    Examples
    --------
    >>> literal("[link=https://evil.example]alice[/link]")
    '\\\\[link=https://evil.example]alice\\\\[/link]'
    >>> literal("bell\\x07")
    'bell\\\\x07'
    >>> literal("Real title\\nstatus optimal")
    'Real title\\\\nstatus optimal'
    >>> from rich.text import Text
    >>> Text.from_markup(literal("Campaign [/] [uk] fashion")).plain
    'Campaign [/] [uk] fashion'
    """
    from rich.markup import escape

    return escape(printable(value))


#: Width of a console whose output is piped or redirected: wide enough for any line lineup prints,
#: so that tables paste whole (a table is only as wide as its content).
PIPED_WIDTH = 10_000


def console(*, stderr: bool = False, width: int | None = None, **kwargs: Any):
    """The rich Console of every command: stdout (or stderr), emoji codes off.

    ``width`` fixes the width; by default it is the terminal's, or
    :data:`PIPED_WIDTH` when the stream is not a terminal (``lineup frontier …
    | cat`` keeps every column whole).

    >>> console(width=40).width
    40
    >>> import io
    >>> console(file=io.StringIO()).width == PIPED_WIDTH
    True
    """
    import sys

    from rich.console import Console

    if width is None and not kwargs.get("force_terminal"):
        stream = kwargs.get("file") or (sys.stderr if stderr else sys.stdout)
        width = None if _is_tty(stream) else PIPED_WIDTH
    return Console(stderr=stderr, width=width, emoji=False, **kwargs)


def _is_tty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # closed or not a real stream
        return False


def _plain_width(cell: Any) -> int:
    """Widest line of a table cell (markup string or rich Text), in terminal cells."""
    from rich.cells import cell_len
    from rich.text import Text

    text = cell if isinstance(cell, Text) else Text.from_markup(str(cell)) if isinstance(cell, str) else None
    if text is None:
        return 0
    return max((cell_len(line) for line in text.plain.split("\n")), default=0)


def _keep_whole(table) -> None:
    """Give every ``no_wrap`` column the width of its longest cell (header included) as a minimum."""
    for column in table.columns:
        if column.no_wrap:
            widest = max([_plain_width(column.header), *(_plain_width(c) for c in column.cells)])
            column.min_width = max(column.min_width or 0, widest)
        elif column.overflow == "ellipsis":
            column.overflow = "fold"


def print_table(out, table) -> None:
    """Print a rich Table with its ids and numbers whole.

    Columns made with ``no_wrap=True`` (ids, numbers, intervals) keep their
    longest cell on one line; the other columns wrap (a word longer than the
    column folds, it is never cut to "…").  When even that does not fit the
    console, the table is printed at its natural width, unwrapped (the
    terminal wraps the long lines; nothing is lost).

    >>> import io
    >>> from rich.table import Table
    >>> t = Table()
    >>> t.add_column("id", no_wrap=True); t.add_column("followers", justify="right", no_wrap=True)
    >>> t.add_row("glow.studio3_official", "338,456,789")
    >>> out = console(file=io.StringIO(), width=20)
    >>> print_table(out, t)
    >>> text = out.file.getvalue()
    >>> "glow.studio3_official" in text and "338,456,789" in text
    True
    """
    from rich.measure import Measurement

    _keep_whole(table)
    size = Measurement.get(out, out.options.update(max_width=PIPED_WIDTH), table)
    if size.minimum <= out.width:
        out.print(table)
        return
    saved = out.width
    out.width = size.maximum
    try:
        out.print(table)
    finally:
        out.width = saved

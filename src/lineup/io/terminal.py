"""The terminal (rich): lineup's consoles and user text shown literally.

Everything lineup prints with rich is written as rich *markup*, so every piece
of user text (scenario, strategy and niche names, ids, platforms, currency,
paths, notes that quote them) goes through :func:`literal` before it is put
into a markup string, a table cell, a title, a caption or a progress/status
label.  Consoles come from :func:`console`, which turns off emoji codes (so a
name containing ``:fire:`` is printed as typed).
"""

from __future__ import annotations

from typing import Any

from .._text import printable

__all__ = ["console", "literal"]


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


def console(*, stderr: bool = False, width: int | None = None, **kwargs: Any):
    """A rich Console on stdout (or stderr) with emoji codes off; ``width`` fixes the width.

    >>> console(width=40).width
    40
    """
    from rich.console import Console

    return Console(stderr=stderr, width=width, emoji=False, **kwargs)

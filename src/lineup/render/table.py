"""A table as a value (title, columns, rows of text, notes), and the media it renders to.

Results become :class:`Table` values once (``*_brief`` functions of the render modules);
:func:`markdown` and :func:`rich_table` render any of them, each escaping every cell for
its medium here, in one place.

>>> t = Table("Plan | Q1", ("id", "fee (GBP)"), (("@a*b", "1,200"), ("x\\ny", "90")), notes=("seed 3",))
>>> print(markdown([t]))
**Plan \\| Q1**
<BLANKLINE>
| id | fee (GBP) |
| :-- | --: |
| @a\\*b | 1,200 |
| x y | 90 |
<BLANKLINE>
seed 3
<BLANKLINE>
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from lineup._text import printable

__all__ = ["Table", "markdown", "markdown_text", "rich_table", "print_with_notes"]


@dataclass(frozen=True)
class Table:
    """A titled table of text cells; numbers already formatted (right-aligned), notes printed below it.

    A cell is a text, or a tuple of texts shown as lines of one cell (a line break inside a text is
    user data: it is shown escaped, never as a break).
    """

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str | tuple[str, ...], ...], ...]
    notes: tuple[str, ...] = ()

    def numeric(self, column: int) -> bool:
        """Whether a column holds numbers (every non-empty cell starts like one): aligned right."""
        cells = [_first(row[column]) for row in self.rows if _first(row[column]) not in ("", "—")]
        return bool(cells) and all(_NUMBER.match(c) for c in cells)


def _first(cell) -> str:
    return (cell[0] if cell else "") if isinstance(cell, tuple) else cell


_NUMBER = re.compile(r"^[+\-−]?[£$€¥₹]?\d")
#: Characters Markdown (CommonMark and GitHub tables) could read as syntax.
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|~&])")
#: How a paragraph could start a heading, a list, a quote or a rule.
_BLOCK_START = re.compile(r"^(?:([#+\-=])|(\d+)([.)]))")


def markdown_text(text: str, block: bool = False) -> str:
    """``text`` as one line of literal Markdown: syntax characters backslash-escaped, line breaks and control
    characters shown as spaces / escapes (a cell never breaks its table); a ``block`` (a paragraph of its own)
    that would start a heading, list or rule has that start escaped too.

    >>> markdown_text("<b>_hi_</b> [x](y)")
    '\\\\<b\\\\>\\\\_hi\\\\_\\\\</b\\\\> \\\\[x\\\\](y)'
    >>> print(markdown_text("# 1", block=True), markdown_text("2. x", block=True), markdown_text("+563"))
    \\# 1 2\\. x +563
    """
    one_line = " ".join(str(text).split("\n"))
    escaped = _MARKDOWN.sub(r"\\\1", printable(one_line))
    return _BLOCK_START.sub(_escaped_start, escaped) if block else escaped


def _escaped_start(m: re.Match) -> str:
    """``\\#``, ``\\-``; ``1\\.`` (a digit is not escapable in Markdown: its punctuation is)."""
    return f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}"


def markdown(tables: Iterable[Table]) -> str:
    """GitHub-flavoured Markdown: per table a bold title, the table (none when it has no row) and its notes,
    one paragraph each; the text ends with a newline."""
    parts = []
    for t in tables:
        lines = [f"**{markdown_text(t.title)}**"]
        if t.rows:
            align = [" --: " if t.numeric(k) else " :-- " for k in range(len(t.columns))]
            lines += ["", "| " + " | ".join(markdown_text(c) for c in t.columns) + " |", "|" + "|".join(align) + "|"]
            lines += ["| " + " | ".join(_markdown_cell(c) for c in row) + " |" for row in t.rows]
        for note in t.notes:
            lines += ["", markdown_text(note, block=True)]
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)


def _markdown_cell(cell) -> str:
    return "<br>".join(markdown_text(line) for line in cell) if isinstance(cell, tuple) else markdown_text(cell)


def rich_table(table: Table, *, lines: bool = False):
    """The table for a rich console, every cell shown literally (no markup is read from it; control characters,
    line breaks included, are shown escaped; a tuple cell is shown as lines)."""
    from rich.table import Table as RichTable

    from .terminal import literal

    out = RichTable(title=literal(table.title), title_justify="left", show_lines=lines,
                    caption=literal("\n".join(table.notes)) if table.notes else None, caption_justify="left")
    for k, name in enumerate(table.columns):
        out.add_column(literal(name), justify="right" if table.numeric(k) else "left", no_wrap=table.numeric(k))
    for row in table.rows:
        out.add_row(*("\n".join(literal(line) for line in c) if isinstance(c, tuple) else literal(c) for c in row))
    return out


def print_with_notes(console, table: Table, *, lines: bool = False) -> None:
    """``table`` on a rich console (:func:`rich_table`), then each of its notes as a line of its own."""
    from dataclasses import replace

    from .terminal import literal, print_table

    print_table(console, rich_table(replace(table, notes=()), lines=lines))
    for note in table.notes:
        console.print(literal(note))

"""A roster file's other columns: numbers and flags kept for custom rules (``Roster.extra``).

Every column the reader does not otherwise use, and whose name is not one lineup knows
(:data:`lineup.io.roster.ALIASES`), is read here:

* numbers, written as people write them (``1.2k``, ``3,400``, ``£1,200``, ``45%`` = 0.45:
  :func:`~lineup.io.human_numbers.parse_numbers`), blank cells NaN;
* flags (``yes``/``no``, ``true``/``false``, ``y``/``n``, ``x``, ``1``/``0``), as 0/1 with blank = 0;
* anything else is text: left out of ``extra`` and recorded in ``non_numeric`` with where its
  first non-number is, so a rule over it says why it cannot be used.

Columns are named in snake case (:func:`~lineup.domain.roster.column_name`: ``CO2 kg`` → ``co2_kg``).
A column is looked at on its first :data:`SAMPLE` cells first, so text columns (bios, notes)
cost next to nothing.
"""

from __future__ import annotations

import numpy as np

from .._text import printable
from ..domain.roster import column_name
from .human_numbers import MISSING_TOKENS, parse_numbers

__all__ = ["FLAG_TRUE", "FLAG_FALSE", "parse_extra", "parse_flags", "extra_columns"]

#: Cells (trimmed, lower case) that set a flag, and that clear it.
FLAG_TRUE = frozenset({"yes", "y", "true", "x", "✓", "✔"})
FLAG_FALSE = frozenset({"no", "n", "false"})
#: Cells of a column looked at before parsing it all.
SAMPLE = 200


def parse_extra(cells: np.ndarray, where) -> tuple[np.ndarray | None, str | None]:
    """``(values, None)`` for a numeric or flag column, ``(None, "<where>: '<cell>'")`` for text.

    ``where(k)`` names cell ``k`` (``"r.csv, line 7"``).

    Examples
    --------
    >>> where = lambda k: f"line {k + 2}"
    >>> parse_extra(np.array(["1.2k", "45%", "", "3,400"], dtype=object), where)[0].tolist()
    [1200.0, 0.45, nan, 3400.0]
    >>> parse_extra(np.array(["Yes", "", "x", "no"], dtype=object), where)[0].tolist()
    [1.0, 0.0, 1.0, 0.0]
    >>> parse_extra(np.array(["12", "about 40"], dtype=object), where)
    (None, "line 3: 'about 40'")
    """
    cells = np.asarray(cells, dtype=object) if not isinstance(cells, np.ndarray) else cells
    if cells.dtype.kind in "iufb":
        return cells.astype(float), None
    head = cells[:SAMPLE]
    if _text_at(head) is not None and _flags(head) is None:
        k = int(_text_at(head))
        return None, _shown(cells, k, where)
    flags = _flags(cells)
    if flags is not None:
        return flags, None
    values, bad = _numbers(cells)
    if bad.any():
        return None, _shown(cells, int(np.flatnonzero(bad)[0]), where)
    return values, None


def parse_flags(cells) -> tuple[np.ndarray, np.ndarray]:
    """A yes/no column (yes/no, true/false, y/n, x, 1/0; blank = no) as 0/1 floats, and its bad cells.

    >>> parse_flags(np.array(["Yes", "", "0", "maybe", 1.0], dtype=object))
    (array([1., 0., 0., 0., 1.]), array([False, False, False,  True, False]))
    """
    words = np.asarray([str(c).strip().lower() for c in np.asarray(cells, dtype=object).tolist()], dtype=object)
    words[np.isin(words, list(MISSING_TOKENS))] = "no"
    yes = np.isin(words, [*FLAG_TRUE, "1", "1.0"])
    no = np.isin(words, [*FLAG_FALSE, "0", "0.0"])
    return yes.astype(float), ~yes & ~no


def _shown(cells, k: int, where) -> str:
    return f"{where(k)}: {printable(repr(str(cells[k]).strip()), limit=40)}"


def _numbers(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Numbers, ``45%`` as 0.45 (a bare number stays as it is, unlike the rate columns)."""
    values, bad = parse_numbers(cells)
    text = [isinstance(c, str) for c in cells.tolist()] if bad.any() else []
    pct = np.flatnonzero(bad & np.asarray(text, dtype=bool)) if bad.any() else np.zeros(0, dtype=np.int64)
    pct = pct[[str(cells[k]).strip().endswith("%") for k in pct.tolist()]] if len(pct) else pct
    if len(pct):
        values[pct], bad[pct] = parse_numbers(cells[pct], percent=True)
    return values, bad


def _text_at(cells: np.ndarray) -> int | None:
    """Position of the first cell that is not a number, or None."""
    bad = _numbers(cells)[1]
    return int(np.flatnonzero(bad)[0]) if bad.any() else None


def _flags(cells: np.ndarray) -> np.ndarray | None:
    """0/1 of a flag column (at least one yes/no-like word; numbers only 0 or 1; blank = 0), else None."""
    words = np.asarray([str(c).strip().lower() if isinstance(c, str) else c for c in cells.tolist()], dtype=object)
    is_true = np.isin(words, list(FLAG_TRUE))
    is_false = np.isin(words, list(FLAG_FALSE))
    if not (is_true | is_false).any():
        return None
    rest = ~is_true & ~is_false
    values, bad = parse_numbers(cells[rest]) if rest.any() else (np.zeros(0), np.zeros(0, dtype=bool))
    blank = np.isnan(values) & ~bad
    if bad.any() or not np.isin(values[~blank], (0.0, 1.0)).all():
        return None
    out = is_true.astype(float)
    out[np.flatnonzero(rest)] = np.nan_to_num(values, nan=0.0)
    return out


def extra_columns(headers, known) -> list[str]:
    """The headers read as extra columns: not used by the reader (``known(header)`` false), not blank.

    >>> extra_columns(["Handle", "CO2 kg", "", "notes"], lambda h: h == "Handle")
    ['CO2 kg', 'notes']
    """
    return [h for h in headers if str(h).strip() and column_name(h) and not known(h)]


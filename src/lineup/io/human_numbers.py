"""Vectorised parsing of the numbers people type into spreadsheets.

:func:`parse_numbers` turns a :class:`pandas.Series` of strings into floats:

=================  ==========================  ==================================
written            read as                     notes
=================  ==========================  ==================================
``1234``           1234.0                      also ``1e3``, ``+5``, ``-2``
``1,234``          1234.0                      commas must group thousands
``12.5K``          12,500                      ``k``/``m``/``b`` (any case), also
                                               ``mn``/``bn``; a space may separate
``$1,200``         1200.0                      ``$ £ € ¥`` are dropped
``3.4%``           0.034                       only with ``percent=True``
blank, ``N/A``     missing (NaN, not bad)      see :data:`MISSING_TOKENS`
``12x``, ``abc``   NaN and flagged bad         the caller reports the row
=================  ==========================  ==================================

Percentage columns (``percent=True``, used for engagement rate and
authenticity): ``3.4%`` is 0.034, and a bare number **greater than 1** is read
as a percentage too (``3.4`` → 0.034, ``85`` → 0.85), while a bare number
between 0 and 1 is taken as a fraction already (``0.034`` → 0.034, ``1`` →
1.0).  Suffixes ``k/m/b`` are not allowed in percentage columns.

Everything runs as whole-column numpy operations, no per-cell Python: each
distinct cell is parsed once (:func:`pandas.factorize`), a column of plain
numbers is one ``astype(float)``, and the rest peel their decorations with
:mod:`numpy.strings` ufuncs on a fixed-width array (needs numpy ≥ 2.0).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["MISSING_TOKENS", "parse_numbers"]

#: Cell values (after trimming, lower-cased) that mean "no value".
MISSING_TOKENS: frozenset[str] = frozenset(
    {"", "n/a", "na", "n.a.", "#n/a", "nan", "nan%", "-", "--", "—", "–", "none", "null", "?"}  # all ≤ 4 chars
)

_SUFFIXES: tuple[tuple[str, float], ...] = (("bn", 1e9), ("mn", 1e6), ("mm", 1e6), ("k", 1e3), ("m", 1e6), ("b", 1e9))


def parse_numbers(values: pd.Series, *, percent: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Parse human-written numbers; return ``(values, bad)``.

    Parameters
    ----------
    values : pandas.Series
        Cells as strings (other dtypes are converted with ``astype(str)``).
    percent : bool
        Percentage column: ``%`` divides by 100 and so does a bare number > 1.

    Returns
    -------
    values : numpy.ndarray of float
        Parsed numbers; NaN where missing or bad.
    bad : numpy.ndarray of bool
        True where a cell is neither a number nor a missing token.

    Examples
    --------
    >>> v, bad = parse_numbers(pd.Series(["12.5K", "1,234", "$1,200", "N/A", "12x"]))
    >>> v.tolist()[:3], bad.tolist()
    ([12500.0, 1234.0, 1200.0], [False, False, False, False, True])
    >>> parse_numbers(pd.Series(["3.4%", "3.4", "0.05", "NaN%"]), percent=True)[0].round(3).tolist()
    [0.034, 0.034, 0.05, nan]
    """
    if pd.api.types.is_numeric_dtype(values.dtype):
        return _finish(values.to_numpy(dtype=float, na_value=np.nan), percent)
    cells = values.to_numpy(dtype=object, na_value="")
    codes, uniques = pd.factorize(cells)
    if len(uniques) <= len(cells) // 2:  # repeated values: parse each distinct cell once
        value, bad = _parse_strings(uniques.astype(object), percent)
        return value[codes], bad[codes]
    return _parse_strings(cells, percent)


def _parse_strings(cells: np.ndarray, percent: bool) -> tuple[np.ndarray, np.ndarray]:
    u = _ascii_lower(_as_short_strings(cells))
    plain = _to_float(u)
    if plain is not None:  # every cell a plain number or "nan"
        return _finish(plain, percent)
    return _parse_decorated(u, percent)


def _finish(plain: np.ndarray, percent: bool) -> tuple[np.ndarray, np.ndarray]:
    """Bare numbers: percent rule, NaN as missing, infinities as bad."""
    missing = np.isnan(plain)
    value = np.where(percent & (plain > 1), plain / 100.0, plain)
    good = np.isfinite(value) & ~missing
    return np.where(good, value, np.nan), ~good & ~missing


#: Cells longer than this cannot be numbers (keeps the fixed-width array small).
MAX_NUMBER_CHARS = 40


def _as_short_strings(cells: np.ndarray) -> np.ndarray:
    """Trimmed cells as a fixed-width unicode array; over-long cells become ``"?long"`` (bad)."""
    a = np.strings.strip(cells.astype(np.dtypes.StringDType()))
    length = np.strings.str_len(a)
    if (length > MAX_NUMBER_CHARS).any():
        a[length > MAX_NUMBER_CHARS] = "?long"
    width = max(1, min(int(length.max(initial=0)), MAX_NUMBER_CHARS))
    return a.astype(f"<U{width}")


def _ascii_lower(u: np.ndarray) -> np.ndarray:
    """Lower-case ASCII letters through the code-point view (faster than ``str.lower``)."""
    codes = u.view(np.uint32).copy()
    codes[(codes >= 65) & (codes <= 90)] += 32
    return codes.view(u.dtype)


def _to_float(u: np.ndarray) -> np.ndarray | None:
    """``u`` as floats if every cell is a plain number (or nan), else ``None``."""
    try:
        return u.astype(float)
    except ValueError:
        return None


def _parse_decorated(u: np.ndarray, percent: bool) -> tuple[np.ndarray, np.ndarray]:
    """Peel ``%``, suffix, sign/currency and commas off trimmed lower-case cells.

    Works on a fixed-width numpy string array with :mod:`numpy.strings`
    (C loops), checking at each step that only one decoration was removed.
    """
    missing = np.zeros(len(u), dtype=bool)
    short = np.flatnonzero(np.strings.str_len(u) <= 4)
    missing[short] = [x in MISSING_TOKENS for x in u[short].tolist()]
    has_pct, v, ok = _peel(u, "%", max_len=1)
    scale, v, ok_suffix = _peel_suffix(np.strings.rstrip(v))
    sign_free = np.strings.lstrip(v, "+-$£€¥ ")
    prefix_minus = np.strings.count(v, "-") - np.strings.count(sign_free, "-")
    core, ok_commas = _drop_grouping_commas(sign_free)
    num = _to_float(core)
    if num is None:
        num = pd.to_numeric(pd.Series(core, dtype=object), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    value = np.where(prefix_minus % 2 == 1, -num, num) * scale
    if percent:
        value = np.where(has_pct | (value > 1), value / 100.0, value)
        ok_suffix &= scale == 1.0
    else:
        ok &= ~has_pct
    good = ok & ok_suffix & ok_commas & (prefix_minus <= 1) & np.isfinite(value) & ~missing
    return np.where(good, value, np.nan), ~good & ~missing


def _peel(u: np.ndarray, chars: str, max_len: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Strip trailing ``chars``; return (had any, rest, removed at most ``max_len``)."""
    rest = np.strings.rstrip(u, chars)
    removed = np.strings.str_len(u) - np.strings.str_len(rest)
    return removed > 0, rest, removed <= max_len


def _peel_suffix(v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scale of a trailing k/m/b/bn/mn/mm, the rest, and whether the suffix was valid."""
    scale = np.ones(len(v))
    want = np.zeros(len(v), dtype=np.int64)
    for suffix, factor in _SUFFIXES:
        hit = np.strings.endswith(v, suffix) & (want == 0)
        scale[hit], want[hit] = factor, len(suffix)
    rest = np.strings.rstrip(v, "kmbn")
    removed = np.strings.str_len(v) - np.strings.str_len(rest)
    return scale, np.strings.rstrip(rest), removed == want


def _drop_grouping_commas(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Remove thousands separators; flag commas that do not group thousands (``1,2``).

    A comma is valid only at 4, 8, 12, ... characters before the end of the
    integer part (checked on the code-point matrix of the strings).
    """
    ok = np.ones(len(v), dtype=bool)
    rows = np.flatnonzero(np.strings.find(v, ",") >= 0)
    if len(rows):
        ok[rows] = _commas_group_thousands(v[rows])
    return np.strings.replace(v, ",", ""), ok


def _commas_group_thousands(v: np.ndarray) -> np.ndarray:
    """For cells holding commas: is every comma a thousands separator?"""
    width = v.dtype.itemsize // 4
    codes = v.view(np.uint32).reshape(len(v), width)
    length = np.strings.str_len(v)
    ends = [np.where(f < 0, length, f) for f in (np.strings.find(v, "."), np.strings.find(v, "e"))]
    int_len = np.minimum(*ends)[:, None]
    pos = np.arange(width)[None, :]
    inside = pos < int_len
    expected = inside & (pos > 0) & ((int_len - pos) % 4 == 0)
    actual = codes == ord(",")
    return np.all(actual == expected, axis=1) | ~np.any(actual, axis=1)

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

Everything runs as whole-column pandas/numpy operations: plain numbers go
through :func:`pandas.to_numeric` (C speed) and only the remaining cells go
through one regular expression.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["MISSING_TOKENS", "parse_numbers"]

#: Cell values (after trimming, lower-cased) that mean "no value".
MISSING_TOKENS: frozenset[str] = frozenset(
    {"", "n/a", "na", "n.a.", "#n/a", "nan", "nan%", "-", "--", "—", "–", "none", "null", "?"}
)

_SUFFIXES: tuple[tuple[str, float], ...] = (("bn", 1e9), ("mn", 1e6), ("mm", 1e6), ("k", 1e3), ("m", 1e6), ("b", 1e9))
_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d*)?(?:e[-+]?\d+)?$")


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
    text = values if values.dtype == object else values.astype(str)
    out = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan, copy=True)
    ok = np.isfinite(out)
    if percent:
        out = np.where(ok & (out > 1), out / 100.0, out)
    rest = np.flatnonzero(~ok)
    bad = np.zeros(len(out), dtype=bool)
    if len(rest):
        parsed, rest_bad = _parse_slow(text.iloc[rest], percent)
        out[rest] = parsed
        bad[rest] = rest_bad
    return out, bad


def _parse_slow(text: pd.Series, percent: bool) -> tuple[np.ndarray, np.ndarray]:
    """Cells ``to_numeric`` could not read: peel ``%``, suffix, sign/currency, commas.

    Works on a fixed-width numpy string array with :mod:`numpy.strings`
    (C loops), checking at each step that only one decoration was removed.
    """
    u = np.strings.lower(np.strings.strip(text.to_numpy().astype(str)))
    missing = np.isin(u, list(MISSING_TOKENS))
    has_pct, v, ok = _peel(u, "%", max_len=1)
    scale, v, ok_suffix = _peel_suffix(np.strings.rstrip(v))
    sign_free = np.strings.lstrip(v, "+-$£€¥ ")
    prefix_minus = np.strings.count(v, "-") - np.strings.count(sign_free, "-")
    core, ok_commas = _drop_grouping_commas(sign_free)
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
    """Remove thousands separators; flag commas that do not group thousands (``1,2``)."""
    ok = np.ones(len(v), dtype=bool)
    rows = np.flatnonzero(np.strings.find(v, ",") >= 0)
    if len(rows):
        ok[rows] = [bool(_GROUPED.match(x)) for x in v[rows].tolist()]
    return np.strings.replace(v, ",", "").astype(object), ok

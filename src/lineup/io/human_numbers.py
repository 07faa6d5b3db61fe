"""Vectorised parsing of the numbers people type into spreadsheets.

:func:`parse_numbers` turns an array (or a pandas Series) of strings into floats:

=================  ==========================  ==================================
written            read as                     notes
=================  ==========================  ==================================
``1234``           1234.0                      also ``1e3``, ``+5``, ``-2``
``1,234``          1234.0                      commas must group thousands
``12.5K``          12,500                      ``k``/``m``/``b`` (any case), also
                                               ``mn``/``bn``; a space may separate
``$1,200``         1200.0                      ``$ £ € ¥`` are dropped
``3.4%``           0.034                       only with ``percent=True``
``1.234,5``        1234.5                      European separators, see below
blank, ``N/A``     missing (NaN, not bad)      see :data:`MISSING_TOKENS`
``12x``, ``abc``   NaN and flagged bad         the caller reports the row
``True``/``False``  NaN and flagged bad         typed booleans (Parquet, Excel)
=================  ==========================  ==================================

Separators are decided per column.  A column is read the European way (dots
group thousands, the comma is the decimal mark: ``€1.200`` → 1200, ``3,4%`` →
0.034, ``1.234.567`` → 1234567) when some cell can only be European
(``1.234.567``, ``1.234,5``, ``3,4``, ``0,034``) and none can only be
English (``12.5``, ``1,234.5``, ``1,234,567``).  Otherwise dots are decimal
marks and commas group thousands — and, outside percentage columns, a cell
such as ``1.200`` (one dot, exactly three digits after it, no other evidence
in the column) is flagged bad rather than guessed: it may be 1.2 or 1,200
(:func:`explain_bad` says so).

Percentage columns (``percent=True``, used for engagement rate and
authenticity): ``3.4%`` is 0.034, and a bare number **greater than 1** is read
as a percentage too (``3.4`` → 0.034, ``85`` → 0.85), while a bare number
between 0 and 1 is taken as a fraction already (``0.034`` → 0.034, ``1`` →
1.0).  Suffixes ``k/m/b`` are not allowed in percentage columns.

A percentage column keeps one unit for its bare numbers (:func:`percent_column_units`,
applied by the roster reader): when most bare numbers are at most 1 the column holds
fractions, and a bare number above 1 in it (``1.20755`` among ``0.034``, ``0.05``) is an
error that says how to write it, never a silent 1.2 %; when most are above 1 the column
holds percentages, and its bare numbers up to 1 are percentages too (``0.8`` → 0.8 %) —
or an error where such a percentage makes no sense (authenticity).

Columns are parsed whole: a column of plain numbers is one ``astype(float)``
(plus a look at its dotted cells for ``1.200``); otherwise each distinct cell is
parsed once (:func:`lineup._arrays.factorize`) and decorations are peeled with
:mod:`numpy.strings` ufuncs on a fixed-width array (needs numpy ≥ 2.0).  Per-cell
Python is limited to finding distinct cells and wording messages.
"""

from __future__ import annotations

import re

import numpy as np

from .._arrays import factorize

__all__ = ["MISSING_TOKENS", "parse_numbers", "explain_bad", "percent_column_units"]

#: Cell values (after trimming, lower-cased) that mean "no value".
MISSING_TOKENS: frozenset[str] = frozenset(
    {"", "n/a", "na", "n.a.", "#n/a", "nan", "nan%", "-", "--", "—", "–", "none", "null", "?"}  # all ≤ 4 chars
)

_SUFFIXES: tuple[tuple[str, float], ...] = (("bn", 1e9), ("mn", 1e6), ("mm", 1e6), ("k", 1e3), ("m", 1e6), ("b", 1e9))


def parse_numbers(values, *, percent: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Parse human-written numbers; return ``(values, bad)``.

    Parameters
    ----------
    values : numpy.ndarray, pandas.Series or sequence
        Cells as strings; numbers already typed (a numeric column, or numbers
        among strings in an object column) are taken as they are.
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
    >>> v, bad = parse_numbers(["12.5K", "1,234", "$1,200", "N/A", "12x"])
    >>> v.tolist()[:3], bad.tolist()
    ([12500.0, 1234.0, 1200.0], [False, False, False, False, True])
    >>> parse_numbers(["3.4%", "3.4", "0.05", "NaN%"], percent=True)[0].round(3).tolist()
    [0.034, 0.034, 0.05, nan]
    >>> parse_numbers(["€1.200", "1.250.000", "12,5K"])[0].tolist()
    [1200.0, 1250000.0, 12500.0]
    >>> parse_numbers(["1.200", "950"])[1].tolist()  # 1.2 or 1,200?
    [True, False]
    """
    if hasattr(values, "to_numpy"):  # a pandas Series (missing values become "" or NaN)
        if values.dtype.kind in "iuf":
            return _finish(values.to_numpy(dtype=float, na_value=np.nan), percent)
        cells = values.to_numpy(dtype=object, na_value="")
    else:
        array = np.asarray(values)
        if array.dtype.kind in "iuf":
            return _finish(array.astype(float), percent)
        cells = array.astype(object)
    typed, booleans = _typed_numbers(cells)
    if booleans is not None:  # True/False in a number column (a Parquet/Excel boolean): not a number
        value, bad = np.full(len(cells), np.nan), booleans.copy()
        value[~booleans], bad[~booleans] = parse_numbers(cells[~booleans], percent=percent)
        return value, bad
    if typed is not None:  # Excel/Parquet columns mixing numbers and text: numbers are numbers already
        value, bad = np.full(len(cells), np.nan), np.zeros(len(cells), dtype=bool)
        value[typed], bad[typed] = _finish(cells[typed].astype(float), percent)
        if not typed.all():
            value[~typed], bad[~typed] = parse_numbers(cells[~typed], percent=percent)
        return value, bad
    plain = _plain_floats(cells)
    if plain is not None:  # the common case, one C loop: no need to find the distinct cells
        return _plain_result(cells, plain, percent)
    codes, uniques = factorize(cells)
    if len(uniques) <= len(cells) // 2:  # repeated values: parse each distinct cell once
        value, bad = _parse_strings(uniques.astype(object), percent)
        return value[codes], bad[codes]
    return _parse_strings(cells, percent)


def _typed_numbers(cells: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Masks of cells that are numbers already and of True/False cells; ``None`` for none (all text: both)."""
    kinds = set(map(type, cells.tolist()))
    if kinds <= {str}:
        return None, None
    if kinds & {bool, np.bool_}:
        booleans = np.array([isinstance(c, (bool, np.bool_)) for c in cells.tolist()], dtype=bool)
        return None, booleans
    typed = np.array([isinstance(c, (int, float, np.number)) for c in cells.tolist()], dtype=bool)
    return (typed if typed.any() else None), None


def _parse_strings(cells: np.ndarray, percent: bool) -> tuple[np.ndarray, np.ndarray]:
    plain = _plain_floats(cells)
    if plain is not None:
        return _plain_result(cells, plain, percent)
    return _parse_decorated(_ascii_lower(_as_short_strings(cells)), percent)


def _plain_result(cells: np.ndarray, plain: np.ndarray, percent: bool) -> tuple[np.ndarray, np.ndarray]:
    """Every cell a plain number or "nan": dots only, so no European evidence is possible."""
    value, bad = _finish(plain, percent)
    if not percent:
        ambiguous = _ambiguous_dots(cells)
        value, bad = np.where(ambiguous, np.nan, value), bad | ambiguous
    return value, bad


def _plain_floats(cells: np.ndarray) -> np.ndarray | None:
    """Cells (object or string array) as floats if every one is a plain number or ``nan`` (one C loop), else ``None``."""
    try:
        return cells.astype(float)
    except (ValueError, TypeError):
        return None


_AMBIGUOUS_DOT = re.compile(r"\s*[+-]?[1-9]\d{0,2}\.\d{3}\s*")
_DIGITS_AND_DOT = re.compile(r"\s*[+-]?\d*\.\d*\s*")


def _ambiguous_dots(cells: np.ndarray) -> np.ndarray:
    """Plain cells like ``1.200`` in a column where no cell shows the dot is a decimal mark.

    Cells are plain numbers here, so a dotted cell is English evidence unless it
    looks like ``1.200`` (or has an exponent): one English cell settles the column,
    which is found at once in the usual column of decimals.

    >>> _ambiguous_dots(np.array(["1.200", "950", "2.500"], dtype=object)).tolist()
    [True, False, True]
    >>> _ambiguous_dots(np.array(["1.200", "12.5"], dtype=object)).tolist()
    [False, False]
    """
    out = np.zeros(len(cells), dtype=bool)
    dotted = [k for k, c in enumerate(cells.tolist()) if isinstance(c, str) and "." in c]
    ambiguous = []
    for k in dotted:
        cell = cells[k]
        if _AMBIGUOUS_DOT.fullmatch(cell):
            ambiguous.append(k)
        elif _DIGITS_AND_DOT.fullmatch(cell):  # 12.5, 0.034, .5, 1234.567: the dot is a decimal mark
            return out
    out[ambiguous] = True
    return out


def _separator_evidence(core: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per cell: ``(european, english, ambiguous_dot, ambiguous_comma, separators_only)``.

    *european*: only European (``1.234.567``, ``1.234,5``, ``3,4``, ``0,034``);
    *english*: only English (``12.5``, ``0.5``, ``1,234.5``, ``1,234,567``);
    *ambiguous_dot* ``1.200`` and *ambiguous_comma* ``1,200`` (one separator, exactly
    three digits after it, 1–3 digits before, not ``0``); *separators_only*: nothing but
    digits, dots and commas.  ``core`` holds numbers stripped of sign, currency, suffix
    and ``%``; cells with an exponent or other characters are none of these.
    """
    if len(core) == 0:
        return (np.zeros(0, dtype=bool),) * 5
    dots, commas = np.strings.count(core, "."), np.strings.count(core, ",")
    length = np.strings.str_len(core)
    last_dot, last_comma = np.strings.rfind(core, "."), np.strings.rfind(core, ",")
    first_sep = np.minimum(np.where(last_dot < 0, length, np.strings.find(core, ".")),
                           np.where(last_comma < 0, length, np.strings.find(core, ",")))
    after_dot, after_comma = length - last_dot - 1, length - last_comma - 1
    digits = np.strings.isdigit(np.strings.replace(np.strings.replace(core, ".", ""), ",", ""))
    zero_int = np.strings.startswith(core, "0") & (first_sep == 1)
    thousands_like = ~zero_int & (first_sep >= 1) & (first_sep <= 3)
    european = digits & (
        ((dots >= 2) & (commas == 0))
        | ((dots >= 1) & (commas == 1) & (last_comma > last_dot))
        | ((dots == 0) & (commas == 1) & ((after_comma != 3) | zero_int)))
    english = digits & (
        ((dots == 1) & (commas == 0) & ((after_dot != 3) | ~thousands_like))
        | ((dots == 1) & (commas >= 1) & (last_dot > last_comma))
        | ((dots == 0) & (commas >= 2)))
    ambiguous_dot = digits & (dots == 1) & (commas == 0) & (after_dot == 3) & thousands_like
    ambiguous_comma = digits & (dots == 0) & (commas == 1) & (after_comma == 3) & thousands_like
    return european, english, ambiguous_dot, ambiguous_comma, digits


def explain_bad(cell: object) -> str:
    """Why a cell flagged bad by :func:`parse_numbers` is not a number, for error messages.

    Examples
    --------
    >>> explain_bad("12x")
    "not a number: '12x'"
    >>> print(explain_bad("€1.200"))
    ambiguous number '€1.200': the dot may group thousands (1200) or mark decimals (1.2); write it without the dot, or with fewer or more decimals
    >>> print(explain_bad("1.234,5"))
    not a number here: '1.234,5' is written the European way (1234.5) but other cells of the column are not; write the column one way
    >>> explain_bad(True)
    'not a number: True (a true/false value)'
    """
    if isinstance(cell, (bool, np.bool_)):
        return f"not a number: {bool(cell)} (a true/false value)"
    text = str(cell).strip()
    core = np.array([text.lower().lstrip("+-$£€¥ ")])
    european, _, dot, comma, _ = (bool(x[0]) for x in _separator_evidence(core))
    if dot or comma:
        sep, other = (".", ",") if dot else (",", ".")
        word = "dot" if dot else "comma"
        whole, frac = str(core[0]).split(sep)
        return (f"ambiguous number {text!r}: the {word} may group thousands ({int(whole + frac)}) or mark "
                f"decimals ({float(whole + '.' + frac):g}); write it without the {word}, or with fewer or more "
                f"decimals")
    if european:
        european_value = float(str(core[0]).replace(".", "").replace(",", "."))
        return (f"not a number here: {text!r} is written the European way ({european_value:g}) but other cells "
                f"of the column are not; write the column one way")
    return f"not a number: {text!r}"


def percent_column_units(cells, values: np.ndarray, bad: np.ndarray, *, small_percentages: bool = True,
                         ignore: np.ndarray | None = None) -> tuple[np.ndarray, list[tuple[int, str]]]:
    """Keep one unit for the bare numbers of a percentage column; return values and ``(row, message)`` problems.

    ``values``/``bad`` are :func:`parse_numbers` ``(…, percent=True)`` of ``cells``.  Bare
    numbers (no ``%``) are fractions when at most 1 and percentages above 1; a column mixing
    both is read in its majority's unit (ties: fractions).  In a column of fractions a bare
    number above 1 is a problem (as a fraction it is over 100 %).  In a column of
    percentages a bare number up to 1 is read as a percentage (``0.8`` → 0.008) — or, with
    ``small_percentages=False``, is a problem (an authenticity of 0.9 % is meant as 90 %).
    Rows in ``ignore`` (records whose values cannot be matched to columns) neither vote nor are reported.

    Examples
    --------
    >>> cells = ["0.034", "0.05", "1.20755", "2%"]
    >>> values, problems = percent_column_units(cells, *parse_numbers(cells, percent=True))
    >>> print(problems[0][1])
    1.20755 in a column of fractions (2 of its 3 bare numbers are at most 1, e.g. 0.034) would be 120.755 %; write 1.20755% if it is a percentage, or the fraction it stands for
    >>> cells = ["3.4", "2.1", "0.8"]
    >>> percent_column_units(cells, *parse_numbers(cells, percent=True))[0].tolist()
    [0.034, 0.021, 0.008]
    """
    raw = cells.to_numpy(dtype=object, na_value="") if hasattr(cells, "to_numpy") else np.asarray(cells, dtype=object)
    if not len(raw):
        return values, []
    bare, at_most_one = _bare_at_most_one(raw, values, bad)
    if ignore is not None:
        bare &= ~np.asarray(ignore, dtype=bool)
    small, large = bare & at_most_one, bare & ~at_most_one & (values > 0.01)
    written = np.where(large, values * 100.0, values)
    n_small, n_large = int(small.sum()), int(large.sum())
    if not n_small or not n_large:
        return values, []
    n_bare = n_small + n_large
    if n_small >= n_large:
        example = _shown_number(raw[np.flatnonzero(small)[0]])
        return values, [(int(r), f"{_shown_number(raw[r])} in a column of fractions ({n_small} of its {n_bare} bare "
                                  f"numbers are at most 1, e.g. {example}) would be {written[r] * 100:g} %; write "
                                  f"{_shown_number(raw[r])}% if it is a percentage, or the fraction it stands for")
                        for r in np.flatnonzero(large)]
    if small_percentages:
        values = np.where(small, written / 100.0, values)
        return values, []
    example = _shown_number(raw[np.flatnonzero(large)[0]])
    return values, [(int(r), f"{_shown_number(raw[r])} in a column of percentages ({n_large} of its {n_bare} bare "
                              f"numbers are above 1, e.g. {example}) would be {written[r]:g} %; write "
                              f"{written[r] * 100:g} if it means {written[r]:.0%}, or {_shown_number(raw[r])}% if it "
                              f"is a percentage")
                    for r in np.flatnonzero(small)]


def _bare_at_most_one(raw: np.ndarray, values: np.ndarray, bad: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which cells are bare positive numbers (no ``%``), and which of those are written as at most 1.

    Cheap tests on the text (no second parse): a number written as at most 1 starts with
    ``0`` or a decimal mark, or is ``1`` itself; numbers typed by a reader are looked at directly.
    """
    cells = raw.tolist()
    if set(map(type, cells)) <= {str}:  # the usual case: text only
        typed, text = np.zeros(len(raw), dtype=bool), raw.astype(np.dtypes.StringDType())
    else:
        typed = np.array([isinstance(c, (int, float, np.number)) and not isinstance(c, bool) for c in cells])
        text = raw.astype(str).astype(np.dtypes.StringDType())
    text = np.strings.lstrip(np.strings.strip(text), "+$£€¥ ")
    bare = ~bad & np.isfinite(values) & (values > 0) & (typed | (np.strings.find(text, "%") < 0))
    at_most_one = (np.strings.startswith(text, "0") | np.strings.startswith(text, ".")
                   | np.strings.startswith(text, ",") | np.isin(text.astype(object), _ONES))
    if typed.any():
        numbers = np.where(typed, raw, np.nan).astype(float)
        at_most_one = np.where(typed, numbers <= 1, at_most_one)
    return bare, at_most_one


_ONES = np.array(["1", "1.0", "1.00", "1.000", "1,0", "1,00"], dtype=object)


def _shown_number(cell: object) -> str:
    """A cell as written (typed numbers without a trailing ``.0``), trimmed and safe to print."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(cell).strip())


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


def _floats_or_nan(core: np.ndarray) -> np.ndarray:
    """Each cell as a float, NaN where it is not one (the cells that fail are flagged by the caller)."""
    out = np.full(len(core), np.nan)
    for k, cell in enumerate(core.tolist()):
        try:
            out[k] = float(cell) if cell and "_" not in cell else np.nan
        except ValueError:
            pass
    return out


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
    european, english, ambiguous_dot, ambiguous_comma, separators_only = _separator_evidence(sign_free)
    suffixed = scale != 1.0  # 12.345K: with a suffix the dot is a decimal mark
    english |= suffixed & ambiguous_dot
    ambiguous_dot &= ~suffixed
    if european.any() and not english.any():  # 1.234,5 → 1234.5 (only cells made of digits and separators)
        swapped = np.strings.replace(np.strings.replace(sign_free, ".", ""), ",", ".")
        sign_free = np.where(separators_only, swapped, sign_free)
        if not percent:
            ok &= ~(ambiguous_comma & ~suffixed)
    elif not percent and not english.any():
        ok &= ~ambiguous_dot
    core, ok_commas = _drop_grouping_commas(sign_free)
    num = _plain_floats(core)
    if num is None:
        num = _floats_or_nan(core)
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

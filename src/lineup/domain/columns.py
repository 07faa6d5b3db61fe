"""Numeric roster columns by name: the standard ones and the file's extra columns (for custom rules).

A custom rule (``constraints.custom``) names a column; :func:`numeric_column` gives its
values per influencer and :func:`column_problem` says why a column cannot serve a rule
(unknown, text, blanks, not a flag, negative weights), in the planner's words.
Names are matched ignoring case and punctuation (``CO2 kg``, ``co2_kg`` and ``CO2-kg`` are
one column), as the roster reader matches headers.
"""

from __future__ import annotations

import re

import numpy as np

from ._invalid import InvalidValue
from .roster import Roster, column_name

__all__ = ["STANDARD_COLUMNS", "MAX_MAGNITUDE", "numeric_column", "flag_column", "column_names", "column_problem"]

#: Largest magnitude a custom rule's column may hold (the roster's fee limit; solvers lose precision beyond).
MAX_MAGNITUDE = 1e12

#: Numeric columns every roster has (units: people, currency, fraction, fraction, posts, interactions).
STANDARD_COLUMNS = ("followers", "fee", "engagement_rate", "authenticity", "posts", "expected_engagement")


def _key(name: object) -> str:
    return re.sub(r"[^0-9a-z]", "", str(name).lower())


def _extra_name(roster: Roster, name: str) -> str | None:
    key = _key(name)
    return next((k for k in roster.extra if _key(k) == key), None)


def column_names(roster: Roster) -> list[str]:
    """Every numeric column name a rule may use: the standard ones, then the roster's extra columns.

    >>> r = Roster.from_columns(ids=["a"], followers=[10], engagement_rate=[0.1], fee=[5], extra={"CO2 kg": [3]})
    >>> column_names(r)[-1]
    'co2_kg'
    """
    return [*STANDARD_COLUMNS, *(k for k in roster.extra if k not in STANDARD_COLUMNS)]


def numeric_column(roster: Roster, name: str) -> np.ndarray:
    """Values of column ``name`` per influencer (floats; an extra column's blanks are NaN).

    Standard columns (:data:`STANDARD_COLUMNS`) first, then :attr:`Roster.extra` matched
    ignoring case and punctuation.  An unknown name raises
    :class:`~lineup.domain._invalid.InvalidValue` with a "did you mean".

    Examples
    --------
    >>> r = Roster.from_columns(ids=["a", "b"], followers=[100, 200], engagement_rate=[0.1, 0.05], fee=[5, 7],
    ...                         extra={"co2_kg": [1.5, 2.0]})
    >>> numeric_column(r, "CO2 kg").tolist(), numeric_column(r, "expected_engagement").tolist()
    ([1.5, 2.0], [10.0, 10.0])
    """
    std = column_name(name)
    if std in STANDARD_COLUMNS:
        return np.asarray(getattr(roster, std), dtype=float)
    extra = _extra_name(roster, name)
    if extra is None:
        from .scenario import did_you_mean

        raise InvalidValue(f"column {name!r} is not a numeric roster column{did_you_mean(std, column_names(roster))}")
    return roster.extra[extra]


def flag_column(roster: Roster, name: str) -> np.ndarray:
    """Whether each influencer's flag ``name`` is set (value > 0; blank is not set).

    >>> r = Roster.from_columns(ids=["a", "b"], followers=[1, 2], engagement_rate=[0, 0], fee=[0, 0],
    ...                         extra={"verified": [1.0, 0.0]})
    >>> flag_column(r, "Verified").tolist()
    [True, False]
    """
    values = numeric_column(roster, name)
    return np.nan_to_num(values, nan=0.0) > 0


def column_problem(roster: Roster, name: str, use: str = "sum") -> str | None:
    """Why column ``name`` cannot be used as ``use`` (``"sum"``, ``"share"``, ``"weights"``, ``"flag"``), or None.

    ``sum``/``share``: a known numeric column without blanks; ``weights`` (a share's
    ``share_of``) also without negatives; ``flag``: values 0/1 only (blank = 0).

    Examples
    --------
    >>> r = Roster.from_columns(ids=["a", "b"], followers=[1, 2], engagement_rate=[0, 0], fee=[0, 0],
    ...                         extra={"co2": [1.0, float("nan")], "score": [0.5, 2.0]})
    >>> column_problem(r, "co2")
    "column 'co2' is blank for 1 influencer (b on line 3): fill it in the roster (0 if none)"
    >>> column_problem(r, "score", "flag")
    "column 'score' is not a flag (yes/no, true/false, x or 1/0): it holds 0.5"
    >>> column_problem(r, "c02")
    "column 'c02' is not a numeric roster column (did you mean 'co2'?)"
    """
    from .scenario import did_you_mean

    if column_name(name) not in STANDARD_COLUMNS:
        text = next((w for k, w in roster.non_numeric.items() if _key(k) == _key(name)), None)
        if text is not None and _extra_name(roster, name) is None:
            return f"column {name!r} holds text, not numbers ({text})"
        if _extra_name(roster, name) is None:
            hint = did_you_mean(column_name(name), column_names(roster))
            return f"column {name!r} is not a numeric roster column{hint}"
    values = numeric_column(roster, name)
    if use == "flag":
        odd = values[~np.isnan(values) & (values != 0) & (values != 1)]
        return (f"column {name!r} is not a flag (yes/no, true/false, x or 1/0): it holds {odd[0]:g}"
                if len(odd) else None)
    blank = np.flatnonzero(np.isnan(values))
    if len(blank):
        ids = ", ".join(f"{i} on line {line}" for i, line in zip(roster.ids[blank[:3]].tolist(),
                                                                   roster.line[blank[:3]].tolist()))
        ids += ", …" if len(blank) > 3 else ""
        return (f"column {name!r} is blank for {len(blank)} influencer{'s' if len(blank) != 1 else ''} ({ids}): "
                f"fill it in the roster (0 if none)")
    huge = np.flatnonzero(np.abs(values) > MAX_MAGNITUDE)
    if len(huge):
        k = int(huge[0])
        return (f"column {name!r} holds {values[k]:g} ({roster.ids[k]} on line {roster.line[k]}): a rule's column "
                f"must lie within ±{MAX_MAGNITUDE:,.0f} (solvers lose precision beyond)")
    negative = np.flatnonzero(values < 0)
    if use == "weights" and len(negative):
        k = int(negative[0])
        return (f"column {name!r} has negative values, so it cannot weight a share ({roster.ids[k]} on line "
                f"{roster.line[k]}: {values[k]:g})")
    return None

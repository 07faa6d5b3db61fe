"""``lineup calibrate`` and ``lineup backtest``: priors fitted from post histories, and their back-test.

The fitting lives in :mod:`lineup.calibration`; here a :class:`~lineup.io.posts.Posts`
value becomes a :class:`~lineup.calibration.fit.Calibration` (or a
:class:`~lineup.calibration.backtest.Backtest`), problems of the data become
:class:`~lineup.errors.UsageError`, and the output files are assembled.
"""

from __future__ import annotations

import re

import pandas as pd

from ..calibration.backtest import Backtest, backtest as run_backtest
from ..calibration.fit import Calibration, calibrate as run_calibrate
from ..errors import UsageError, argument

__all__ = ["calibrate", "backtest", "split_date", "calibration_summary"]


def calibrate(posts, *, platform: str | None = None) -> Calibration:
    """Fit priors on ``posts`` (every platform, or only ``platform``); the posts' own warnings come first."""
    try:
        cal = run_calibrate(posts.frame, platform=platform)
    except ValueError as exc:
        raise UsageError(f"{_shown(posts)}: {exc}") from None
    return _with_notes(cal, posts.warnings)


def backtest(posts, split, *, platform: str | None = None) -> Backtest:
    """Back-test on ``posts`` split at ``split`` (see :mod:`lineup.calibration.backtest`)."""
    when = split_date(split)
    try:
        result = run_backtest(posts.frame, when, platform=platform)
    except ValueError as exc:
        raise UsageError(f"{_shown(posts)}: {exc}") from None
    return result


#: Years a split may fall in (a guard against typos such as ``0202-10-01``).
SPLIT_YEARS = (1970, 2100)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|[+-]\d{2}:?\d{2})?")


def split_date(split) -> pd.Timestamp:
    """An explicit calendar date (ISO ``YYYY-MM-DD``, optionally with a time), years 1970–2100; else a UsageError.

    Relative words (``now``, ``today``), ``NaT``, blanks and bare numbers are refused.

    >>> split_date("2024-10-01"), split_date("2024-10-01T12:00Z").hour
    (Timestamp('2024-10-01 00:00:00'), 12)
    >>> split_date("-1")
    Traceback (most recent call last):
    lineup.errors.UsageError: split '-1': expected a date such as 2020-10-01 (YYYY-MM-DD, optionally with a time; years 1970–2100)
    """
    from .._text import printable

    bad = UsageError(f"{argument('split')} {printable(repr(str(split)), limit=40)}: expected a date such as 2020-10-01 "
                     f"(YYYY-MM-DD, optionally with a time; years {SPLIT_YEARS[0]}–{SPLIT_YEARS[1]})")
    if isinstance(split, pd.Timestamp):
        when = split
    elif not isinstance(split, str) or not _DATE.fullmatch(split.strip()):
        raise bad
    else:
        try:
            when = pd.Timestamp(split.strip())
        except (ValueError, TypeError, OverflowError):
            raise bad from None
    if pd.isna(when) or not SPLIT_YEARS[0] <= when.year <= SPLIT_YEARS[1]:
        raise bad
    return when


def _with_notes(cal: Calibration, warnings) -> Calibration:
    from dataclasses import replace

    return replace(cal, notes=tuple(warnings) + cal.notes) if warnings else cal


def _shown(posts) -> str:
    from .._text import printable

    return " + ".join(printable(s) for s in posts.source) or "posts"


def calibration_summary(cal: Calibration) -> list[dict]:
    """Per platform × group: posts, creators, dispersion and the typical rate [95 % interval] at 1k … 10M."""
    from ..calibration.fit import CHECK_FOLLOWERS

    rows = []
    for g in cal.groups:
        at = g.typical(CHECK_FOLLOWERS)
        rows.append({"platform": g.platform, "group": g.group, "posts": g.posts, "creators": g.creators,
                     "between": g.dispersion.between, "within": g.dispersion.within,
                     "followers_range": (10 ** g.curve.x_range[0], 10 ** g.curve.x_range[1]),
                     "at": at.to_dict("records")})
    return rows

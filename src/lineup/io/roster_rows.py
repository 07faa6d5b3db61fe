"""Row-level decisions over a roster's rows (one or several files): duplicates and skipped rows.

Duplicate ids (matched as everywhere by :func:`~lineup.domain.roster.id_keys`) are
common in merged monthly exports.  Rows whose values are all the same collapse to
the first with one warning; rows whose values differ follow ``duplicates``:
``"error"`` (a located problem on the later row showing both rows), ``"first"``,
``"last"`` or ``"max_followers"`` (keep one, one warning).  With
``on_bad_rows: skip``, :func:`skip_summary` words the reasons by kind, with counts
and the first lines, instead of one warning per row.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

import numpy as np

from .._arrays import factorize
from .._text import printable
from ..domain.roster import id_keys
from ..errors import Problem

__all__ = ["DuplicatePolicy", "resolve_duplicates", "skip_summary"]

DuplicatePolicy = Literal["error", "first", "last", "max_followers"]
#: How many example lines a summary quotes.
_FIRST = 3


def resolve_duplicates(ids: np.ndarray, values: dict[str, np.ndarray], followers: np.ndarray,
                       policy: DuplicatePolicy, loc: Callable[[int, int], str], name: str,
                       where: Callable[[int], str] | None = None) -> tuple[np.ndarray, list[tuple[int, Problem]], list[str]]:
    """Rows to drop, problems (policy ``"error"``) and warnings for repeated ids.

    ``values`` are the compared columns (numbers as floats, text as objects);
    ``loc(row, other)`` names ``row`` as seen from ``other`` (``"line 2"`` in the
    same file, ``"b.csv, line 2"`` across files); ``where(row)`` locates a problem
    (default ``loc(row, row)``).  Blank ids are left alone.

    Examples
    --------
    >>> ids = np.array(["ann", "bob", "Ann", "bob"], dtype=object)
    >>> f = np.array([10., 20., 10., 25.])
    >>> loc = lambda r, o: f"line {r + 2}"
    >>> drop, problems, warnings = resolve_duplicates(ids, {"followers": f}, f, "max_followers", loc, "r.csv")
    >>> drop.tolist()
    [False, True, True, False]
    >>> print("\\n".join(warnings))
    r.csv: 1 identical duplicate row collapsed into the first (same id and values): line 4 (= line 2)
    r.csv: 1 id with different values in several rows; duplicates: max_followers kept line 5 for 'bob'
    """
    drop = np.zeros(len(ids), dtype=bool)
    key_list = id_keys(ids.tolist())
    if len(set(key_list)) == len(key_list):  # the usual case: every id once
        return drop, [], []
    keys = np.asarray(key_list, dtype=object)
    codes, _ = factorize(keys)
    counts = np.bincount(codes)
    repeated = np.flatnonzero((counts[codes] > 1) & (keys != ""))
    if not len(repeated):
        return drop, [], []
    groups: dict[int, list[int]] = {}
    for r in repeated.tolist():
        groups.setdefault(int(codes[r]), []).append(r)
    identical, conflicts = [], []
    for rows in groups.values():
        first = rows[0]
        same = [r for r in rows[1:] if not _differences(values, first, r)]
        identical += [(r, first) for r in same]
        rest = [first] + [r for r in rows[1:] if r not in same]
        if len(rest) > 1:
            conflicts.append(rest)
    drop[[r for r, _ in identical]] = True
    warnings = [_identical_warning(identical, loc, name)] if identical else []
    if policy == "error":
        where = where or (lambda r: loc(r, r))
        problems = [(r, Problem(where(r), _conflict(ids, values, rows[0], r, loc)))
                    for rows in conflicts for r in rows[1:]]
        return drop, problems, warnings
    kept = [_keep(rows, followers, policy) for rows in conflicts]
    for rows, k in zip(conflicts, kept):
        drop[[r for r in rows if r != k]] = True
    if conflicts:
        shown = ", ".join(f"{loc(k, k)} for {printable(ids[k])!r}" for k in kept[:_FIRST])
        more = ", …" if len(kept) > _FIRST else ""
        warnings.append(f"{name}: {len(conflicts)} id{'s' if len(conflicts) != 1 else ''} with different values "
                        f"in several rows; duplicates: {policy} kept {shown}{more}")
    return drop, [], warnings


def _differences(values: dict[str, np.ndarray], a: int, b: int) -> list[str]:
    """Names of the compared columns whose values differ between rows ``a`` and ``b``."""
    out = []
    for col, v in values.items():
        x, y = v[a], v[b]
        if isinstance(x, float) and isinstance(y, float) and np.isnan(x) and np.isnan(y):
            continue
        if x != y:
            out.append(col)
    return out


def _conflict(ids, values, first: int, r: int, loc) -> str:
    shown = "; ".join(f"{col} {_value(values[col][first])} vs {_value(values[col][r])}"
                      for col in _differences(values, first, r))
    this, other = printable(ids[r]), printable(ids[first])
    same = (f"duplicate id {this!r} (also on {loc(first, r)})" if this == other else
            f"duplicate id {this!r}: the same account as {other!r} on {loc(first, r)} (ids are matched ignoring "
            f"case and Unicode width)")
    return (f"{same} with different values ({shown}); keep one with roster: {{duplicates: first, last or "
            f"max_followers}}, or remove a row")


def _value(v) -> str:
    if isinstance(v, float):
        return "blank" if np.isnan(v) else f"{v:,.6g}"
    return repr(printable(v, limit=40)) if v != "" else "blank"


def _keep(rows: list[int], followers: np.ndarray, policy: DuplicatePolicy) -> int:
    if policy == "first":
        return rows[0]
    if policy == "last":
        return rows[-1]
    f = np.nan_to_num(followers[rows], nan=-np.inf)
    return rows[int(np.argmax(f))]


def _identical_warning(identical: list[tuple[int, int]], loc, name: str) -> str:
    n = len(identical)
    shown = ", ".join(f"{loc(r, r)} (= {loc(f, r)})" for r, f in identical[:_FIRST])
    return (f"{name}: {n} identical duplicate row{'s' if n != 1 else ''} collapsed into the first (same id and "
            f"values): {shown}{', …' if n > _FIRST else ''}")


def skip_summary(problems: list[tuple[int, Problem]], loc: Callable[[int], str], name: str) -> list[str]:
    """Skipped rows' reasons by kind: ``"<name>: 3 rows skipped (...): followers are missing: 2 (line 4, line 9);
    ..."``.

    Examples
    --------
    >>> ps = [(0, Problem("r.csv, line 2, column 'followers'", "not a number: '12x'")),
    ...       (3, Problem("r.csv, line 5, column 'followers'", "not a number: 'abc'")),
    ...       (3, Problem("r.csv, line 5, column 'fee'", "fee must be >= 0, got '-1'"))]
    >>> skip_summary(ps, lambda r: f"line {r + 2}", "r.csv")
    ["r.csv: 2 rows skipped (on_bad_rows: skip): column 'followers': not a number: 2 (line 2, line 5); column 'fee': fee must be >= 0: 1 (line 5)"]
    """
    if not problems:
        return []
    kinds: dict[str, list[int]] = {}
    for r, p in sorted(problems, key=lambda rp: rp[0]):
        rows = kinds.setdefault(_kind(p), [])
        if r not in rows:
            rows.append(r)
    n = len({r for r, _ in problems})
    parts = [f"{kind}: {len(rows)} ({', '.join(loc(r) for r in rows[:_FIRST])}{', …' if len(rows) > _FIRST else ''})"
             for kind, rows in kinds.items()]
    return [f"{name}: {n} row{'s' if n != 1 else ''} skipped (on_bad_rows: skip): " + "; ".join(parts)]


def _kind(p: Problem) -> str:
    """A problem's reason without the cell's value: ``column 'fee': fee must be >= 0``."""
    what = re.split(r"(?:,? got |: )['(\d-]", p.what, maxsplit=1)[0]
    what = re.sub(r"\s*\([^()]*(?:÷|also on| vs )[^()]*\)", "", what)  # a row's own numbers in brackets
    what = re.sub(r"(from '[^']*'(?:, '[^']*')*)|'[^']*'|\"[^\"]*\"",  # values, not the columns a value is from
                  lambda m: m.group(1) or "…", what).rstrip(" ,:")
    tail = p.where.rsplit(", ", 1)[-1]
    return f"{tail}: {what}" if tail.startswith("column") else what

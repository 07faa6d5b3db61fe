"""Deliverable packages given in the roster itself: a ``package`` column, one row per (influencer, package).

Rows with the same id (matched as everywhere by :func:`~lineup.domain.roster.id_keys`) and
different packages are one influencer selling several packages:

* the **package columns** vary between its rows: ``fee`` (required on every package row),
  ``posts`` (blank = 1), ``package_engagement_rate`` (the package's own rate, e.g. reels; when
  the file has no such column every package uses the influencer's rate) and ``usage_rights``;
* every other column is the **profile** (followers, platform, niches, country, authenticity,
  engagement rate, interaction counts …) and must agree between the rows: a disagreement is a
  located problem naming the id, the column and both lines;
* a repeated (id, package) pair (package names compared ignoring case and spaces) is a
  located problem showing both lines; a blank package cell is the package ``standard``.

The roster keeps one row per influencer, that of its cheapest package (so its ``fee`` and
``posts`` are those of the cheapest package, and code that knows nothing of packages still
works); :func:`packages_of` gives every package, tied to its influencer's roster row.
Without a package column none of this runs and repeated ids are decided as before
(:mod:`lineup.io.roster_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._arrays import factorize, first_of_each
from .._text import printable
from ..domain.packages import STANDARD_PACKAGE, Packages
from ..domain.roster import id_keys, normalise_label
from ..errors import Problem

__all__ = ["PACKAGE_COLUMNS", "PackageRows", "split_packages", "packages_of"]

#: Columns that belong to a package, not to the influencer (they may differ between its rows).
PACKAGE_COLUMNS = frozenset({"package", "fee", "posts", "package_engagement_rate", "usage_rights", "er_derived",
                             "fee_estimated"})


@dataclass(frozen=True)
class PackageRows:
    """Which file rows are packages of which influencer: ``group`` (−1: not a package row), the row kept for
    each influencer in the roster (``kept``, its cheapest package) and the package labels."""

    group: np.ndarray
    kept: np.ndarray
    label: np.ndarray


def split_packages(parsed: dict, compared: dict, skip: np.ndarray, where, loc_from
                   ) -> tuple[PackageRows, list[tuple[int, Problem]]]:
    """Group package rows by influencer; problems for disagreeing profiles, repeated packages, blank fees.

    ``skip`` marks rows already unusable; ``where(r, column)`` locates a problem on row ``r``,
    ``loc_from(r, other)`` names row ``r`` in a message about ``other``.
    """
    n = len(skip)
    keys = np.asarray(id_keys(parsed["id"].tolist()), dtype=object)
    package_code, packages = factorize(parsed["package"])  # each distinct cell normalised once
    label = np.asarray([normalise_label(p) or STANDARD_PACKAGE for p in packages.tolist()], dtype=object)[package_code]
    usable = ~skip & (keys != "")
    codes, _ = factorize(np.where(usable, keys, ""))
    group = np.where(usable, codes, -1)
    problems = _blank_fees(parsed, group, where) + _repeated(label, group, parsed, where, loc_from)
    problems += _profiles(compared, group, parsed, where, loc_from)
    fee = np.nan_to_num(parsed["fee"], nan=np.inf) if "fee" in parsed else np.zeros(n)
    order = np.lexsort((np.arange(n), fee, group))
    order = order[group[order] >= 0]
    firsts = order[first_of_each(group[order]) == np.arange(len(order))]
    kept = np.zeros(n, dtype=bool)
    kept[firsts] = True
    return PackageRows(group, kept, label), problems


def _blank_fees(parsed, group, where) -> list[tuple[int, Problem]]:
    fee = parsed.get("fee", np.full(len(group), np.nan))
    return [(int(r), Problem(where(int(r), "fee"), "a package row needs its fee (the price of that package)"))
            for r in np.flatnonzero((group >= 0) & np.isnan(fee))]


def _repeated(label, group, parsed, where, loc_from) -> list[tuple[int, Problem]]:
    """The second and later rows of one (id, package) pair."""
    label_code, _ = factorize(label)
    pair = np.where(group >= 0, group.astype(np.int64) * (len(label) + 1) + label_code, -1 - np.arange(len(label)))
    first = first_of_each(pair)
    rows = np.flatnonzero((group >= 0) & (first != np.arange(len(pair))))
    return [(int(r), Problem(where(int(r), "package"),
                             f"{printable(parsed['id'][r])!r} lists the package {printable(parsed['package'][r])!r} "
                             f"twice (also on {loc_from(int(first[r]), int(r))}); keep one row per package"))
            for r in rows]


def _profiles(compared: dict, group, parsed, where, loc_from) -> list[tuple[int, Problem]]:
    """Rows whose profile columns differ from their influencer's first row."""
    rows = np.flatnonzero(group >= 0)
    if not len(rows):
        return []
    first_row = np.full(int(group.max()) + 1, -1)
    first_row[group[rows][::-1]] = rows[::-1]
    ref = first_row[group[rows]]
    out = []
    for col, values in compared.items():
        if col in PACKAGE_COLUMNS:
            continue
        a, b = values[rows], values[ref]
        same = (a == b) | ((a != a) & (b != b)) if values.dtype.kind == "f" else a == b
        for k in np.flatnonzero(~same):
            r, f = int(rows[k]), int(ref[k])
            out.append((r, Problem(where(r, col), (
                f"{printable(parsed['id'][r])!r} has several package rows and its {col} differs between them "
                f"({_value(values[f])} on {loc_from(f, r)}, {_value(values[r])} here); an influencer's profile "
                f"must be the same on each of its package rows (only fee, posts, package_engagement_rate and "
                f"usage_rights may differ)"))))
    return out


def _value(v) -> str:
    if isinstance(v, float):
        return "blank" if np.isnan(v) else f"{v:,.6g}"
    return repr(printable(v, limit=40)) if v != "" else "blank"


def packages_of(parsed: dict, split: PackageRows, usable: np.ndarray, roster_row: np.ndarray, lines: np.ndarray
                ) -> Packages:
    """The packages of the ``usable`` package rows whose influencer has a roster row (``roster_row`` of the row
    kept for it, −1 when it was left out)."""
    n = len(usable)
    rep = np.full(int(split.group.max()) + 1 if (split.group >= 0).any() else 0, -1)
    kept_rows = np.flatnonzero(split.kept)
    rep[split.group[kept_rows]] = roster_row[kept_rows]
    take = np.flatnonzero(usable & (split.group >= 0))
    row = rep[split.group[take]] if len(take) else np.zeros(0, dtype=np.int64)
    take, row = take[row >= 0], row[row >= 0]

    def col(key, default):
        return parsed[key][take].astype(float) if key in parsed else np.full(len(take), default)

    names = parsed["package"][take].astype(object)
    names[names == ""] = STANDARD_PACKAGE
    usage = col("usage_rights", 0.0)
    return Packages(row=row.astype(np.int64), name=names, fee=col("fee", 0.0),
                    posts=np.nan_to_num(col("posts", 1.0), nan=1.0),
                    engagement_rate=col("package_engagement_rate", np.nan), usage_rights=np.nan_to_num(usage) > 0,
                    line=np.asarray(lines, dtype=np.int64)[take] if n else np.zeros(0, dtype=np.int64))

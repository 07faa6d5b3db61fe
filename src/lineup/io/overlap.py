"""Read a pairwise audience-overlap table into an :class:`~lineup.domain.scenario.Overlap`.

The CSV has columns ``id_a``, ``id_b`` and ``shared`` (names matched ignoring
case and punctuation).  ``unit="followers"``: ``shared`` is a number of people
(human numbers such as ``12.5K`` allowed); ``unit="fraction"``: a fraction
(0–1) of the smaller of the two audiences, read like a percentage column
(``30%`` and a bare ``30`` both mean 0.3, ``0.3`` is 0.3), converted to people by
``× min(followers_i, followers_j)``.  Pairs are stored with ``i < j``, sorted.

Every problem is reported at once with its line: unknown ids, a pair of an id
with itself, missing/garbage/negative values, shared greater than the smaller
audience, and the same pair listed twice (in either order).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from ..domain.roster import Roster
from ..domain.scenario import Overlap, did_you_mean
from ..errors import Problem, RosterError
from .human_numbers import explain_bad, parse_numbers

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["read_overlap"]

_COLUMNS = ("id_a", "id_b", "shared")


def read_overlap(path: str | Path, roster: Roster, unit: Literal["followers", "fraction"] = "followers",
                 *, display_name: str | None = None) -> Overlap:
    """Read and check an overlap table against ``roster``.

    Examples
    --------
    >>> import tempfile, os
    >>> r = Roster.from_columns(ids=["a", "b", "c"], followers=[1000, 2000, 500],
    ...                         engagement_rate=[0.05] * 3, fee=[10] * 3)
    >>> p = os.path.join(tempfile.mkdtemp(), "o.csv")
    >>> _ = open(p, "w").write("id_a,id_b,shared\\nb,a,0.8K\\nc,a,250\\n")
    >>> o = read_overlap(p, r)
    >>> o.i.tolist(), o.j.tolist(), o.shared.tolist()
    ([0, 0], [1, 2], [800.0, 250.0])
    >>> _ = open(p, "w").write("id_a,id_b,shared\\nb,a,0.1\\n")
    >>> read_overlap(p, r, unit="fraction").shared.tolist()
    [100.0]
    """
    name = display_name or str(path)
    frame = _read(Path(path), name)
    lines = np.arange(2, len(frame) + 2)
    a, b = (_rows_of(frame[c], roster) for c in ("id_a", "id_b"))
    value, bad = parse_numbers(frame["shared"], percent=unit == "fraction")
    smaller = np.minimum(roster.followers[np.maximum(a, 0)], roster.followers[np.maximum(b, 0)])
    shared = value * smaller if unit == "fraction" else value
    problems = _problems(frame, roster, a, b, value, bad, shared, smaller, lines, name)
    if problems:
        raise RosterError(f"{name}: {len(problems)} problem{'s' if len(problems) != 1 else ''} in the overlap table",
                          [p for _, p in sorted(problems, key=lambda lp: lp[0])])
    i, j = np.minimum(a, b), np.maximum(a, b)
    order = np.lexsort((j, i))
    return Overlap(i=i[order].astype(np.int64), j=j[order].astype(np.int64), shared=shared[order].astype(float))


def _read(path: Path, name: str) -> "pd.DataFrame":
    import pandas as pd

    if not path.is_file():
        raise RosterError(f"{name}: overlap file not found ({path})")
    try:
        frame = pd.read_csv(path, dtype=str, na_filter=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
        raise RosterError(f"{name}: not a readable CSV file ({str(exc).strip()})") from exc
    keys = {re.sub(r"[^0-9a-z]", "", str(c).lower()): c for c in frame.columns}
    missing = [c for c in _COLUMNS if c.replace("_", "") not in keys]
    if missing:
        found = list(map(str, frame.columns))
        raise RosterError(f"{name}: missing column(s) {', '.join(missing)}; found {', '.join(found)}"
                          f"{did_you_mean(missing[0], found)}")
    return frame.rename(columns={keys[c.replace("_", "")]: c for c in _COLUMNS})[list(_COLUMNS)]


def _rows_of(ids: "pd.Series", roster: Roster) -> np.ndarray:
    """Roster row of each id (matched as the roster matches ids: case-insensitive, leading ``@`` ignored), -1 if none."""
    rows = [roster.index_of(i) for i in ids.tolist()]
    return np.array([-1 if r is None else r for r in rows], dtype=np.int64)


def _problems(frame, roster, a, b, value, bad, shared, smaller, lines, name):
    out: list[tuple[int, Problem]] = []
    loc = lambda r, col: f"{name}, line {lines[r]}, column '{col}'"  # noqa: E731
    known = roster.ids.tolist()
    cells = {c: frame[c].to_numpy(dtype=object) for c in _COLUMNS}
    for col, rows in (("id_a", a), ("id_b", b)):
        for r in np.flatnonzero(rows < 0):
            v = cells[col][r]
            out.append((r, Problem(loc(r, col), f"id {v!r} is not in the roster{did_you_mean(v, known)}")))
    for r in np.flatnonzero((a == b) & (a >= 0)):
        out.append((r, Problem(loc(r, "id_b"), f"pairs an influencer with itself ({cells['id_a'][r]!r})")))
    for r in np.flatnonzero(bad):
        out.append((r, Problem(loc(r, "shared"), f"shared: {explain_bad(cells['shared'][r])}")))
    checks = (
        (~bad & np.isnan(value), "shared must be a number, got {v!r}"),
        (value < 0, "shared must be >= 0, got {v!r}"),
        ((a >= 0) & (b >= 0) & (shared > smaller), "shared {v!r} is more than the smaller audience ({s:,.0f})"),
    )
    with np.errstate(invalid="ignore"):
        for mask, template in checks:
            for r in np.flatnonzero(mask):
                out.append((r, Problem(loc(r, "shared"), template.format(v=cells["shared"][r], s=smaller[r]))))
    out += _duplicates(a, b, lines, loc)
    return out


def _duplicates(a, b, lines, loc):
    import pandas as pd

    ok = (a >= 0) & (b >= 0)
    key = pd.Series(np.minimum(a, b) * (1 << 32) + np.maximum(a, b)).where(ok)
    dup = (key.duplicated(keep="first") & ok).to_numpy()
    first = pd.Series(np.arange(len(a))).groupby(key.to_numpy()).transform("min").to_numpy() if dup.any() else None
    return [(r, Problem(loc(r, "id_a"), f"the same pair is listed on line {lines[int(first[r])]}"))
            for r in np.flatnonzero(dup)]

"""Read a pairwise audience-overlap table into an :class:`~lineup.domain.scenario.Overlap`.

The CSV has columns ``id_a``, ``id_b`` and ``shared`` (names matched ignoring
case and punctuation).  ``unit="followers"``: ``shared`` is a number of people
(human numbers such as ``12.5K`` allowed); ``unit="fraction"``: a fraction
(0–1) of the smaller of the two audiences, read like a percentage column
(``30%`` and a bare ``30`` both mean 0.3, ``0.3`` is 0.3), converted to people by
``× min(followers_i, followers_j)``.  Pairs are stored with ``i < j``, sorted.

Every problem is reported at once with the physical line its record starts on
(blank lines and line breaks inside quotes counted): unknown ids, a pair of an id
with itself, missing/garbage/negative values, shared greater than the smaller
audience, and the same pair listed twice (in either order).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from ..domain.roster import Roster
from ..domain.scenario import Overlap, did_you_mean
from .._text import printable
from ..errors import Problem, RosterError
from .files import csv_cells_up_to, read_user_text, shown_path
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
    name = shown_path(display_name or path)
    frame, lines = _read(Path(path), name)
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


def _read(path: Path, name: str) -> tuple["pd.DataFrame", np.ndarray]:
    """The id_a, id_b and shared columns as text, and the physical line each record starts on."""
    import pandas as pd

    text = read_user_text(path, RosterError, "overlap file", name=name)
    rows, starts = _records(text, name)
    if not rows:
        raise RosterError(f"{name}: the overlap file is empty; expected a header line id_a,id_b,shared")
    header = rows[0]
    keys: dict[str, int] = {}
    for k, column in enumerate(header):
        keys.setdefault(re.sub(r"[^0-9a-z]", "", column.lower()), k)
    missing = [c for c in _COLUMNS if c.replace("_", "") not in keys]
    if missing:
        found = [printable(c) for c in header]
        raise RosterError(f"{name}: missing column(s) {', '.join(missing)}; found {', '.join(found)}"
                          f"{did_you_mean(missing[0], found)}")
    body = _fit(rows[1:], starts[1:], len(header), name)
    frame = pd.DataFrame({c: [rec[keys[c.replace("_", "")]] for rec in body] for c in _COLUMNS}, dtype=object)
    return frame, np.asarray(starts[1:], dtype=np.int64)


def _records(text: str, name: str) -> tuple[list[list[str]], list[int]]:
    """Non-blank CSV records and the physical line each starts on (blank lines and quoted
    line breaks counted as an editor counts them)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows, starts, start = [], [], 1
    try:
        with csv_cells_up_to(len(text)):
            for record in reader:
                if any(cell.strip() for cell in record):
                    rows.append(record)
                    starts.append(start)
                start = reader.line_num + 1
    except csv.Error as exc:
        what = ("a quoted value opened on this line is never closed" if "end of data" in str(exc)
                else f"not a readable CSV record ({printable(exc)})")
        raise RosterError(f"{name}, line {start}: {what}") from None
    return rows, starts


def _fit(rows: list[list[str]], starts: list[int], width: int, name: str) -> list[list[str]]:
    """Records padded to the header's width; values beyond it are an error (they would be dropped)."""
    too_long = [line for rec, line in zip(rows, starts) if any(c.strip() for c in rec[width:])]
    if too_long:
        raise RosterError(f"{name}: {len(too_long)} record(s) have more values than the {width} columns of the "
                          f"header", [f"{name}, line {line}: more values than the header has columns"
                                      for line in too_long])
    return [rec + [""] * (width - len(rec)) for rec in rows]


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

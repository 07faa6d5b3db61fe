"""Read a roster file (CSV, Parquet, Excel) into a :class:`~lineup.domain.roster.Roster`.

Columns are matched by name, ignoring case, spaces and punctuation, to the
canonical names below or their aliases (:data:`ALIASES`); ``columns=`` maps a
canonical name to a file column explicitly, or to ``None`` to ignore a column.
Numbers are read by :func:`lineup.io.human_numbers.parse_numbers` (engagement rate and
authenticity as percentages).  Blank values are filled by documented priors and
flagged: engagement rate → :func:`~lineup.domain.priors.engagement_prior`
(``er_estimated``), fee → :func:`~lineup.domain.priors.fee_prior`
(``fee_estimated``), authenticity → 1.0, posts → 1, platform → the ``platform``
argument or ``'unknown'``.

Every unusable row is reported with its physical line number (header = line 1)
and the reason, all at once; with ``on_bad_rows="skip"`` they are dropped and
listed as warnings.

Speed: CSV files are split by the standard :mod:`csv` module (no pandas: its
import alone would double the start-up time of ``lineup solve``), keeping only
the mapped columns; text is handled with :mod:`numpy.strings` ufuncs on numpy
string arrays (numpy ≥ 2.2), and repeated cells (platforms, countries, niche
lists, numbers) are worked once per distinct value.  Parquet files are read with
pandas; Excel files (``.xlsx``) with openpyxl (``pip install 'lineup[excel]'``): the
first sheet, a merged range's value filling the whole range (as the sheet shows it),
and a formula saved without its value is an error (open and save the file in Excel).
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
import stat
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import scipy.sparse as sp

from .._arrays import factorize, first_of_each
from ..domain.priors import engagement_prior, fee_prior
from ..domain.roster import Roster, id_keys
from ..domain.scenario import did_you_mean
from ..errors import Problem, RosterError
from .human_numbers import MISSING_TOKENS, explain_bad, parse_numbers

__all__ = ["ALIASES", "read_roster", "niche_matrix_from_cells"]

#: Canonical column → accepted names (matched after :func:`_key`).
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "handle", "username", "user", "channel", "channel_info", "youtuber", "name", "account",
           "creator", "influencer"),
    "platform": ("platform", "network", "social_network"),
    "followers": ("followers", "subscribers", "followers_count", "#followers", "fans", "audience",
                  "subscriber_count", "follower_count"),
    "engagement_rate": ("engagement_rate", "er", "eng_rate", "60d_eng_rate", "engagement",
                        "engagement_rate_pct"),
    "fee": ("fee", "price", "cost", "rate", "fee_usd", "fee_gbp", "fee_eur"),
    "niches": ("niches", "niche", "category", "categories", "topics", "topic", "vertical"),
    "authenticity": ("authenticity", "real_followers", "audience_quality", "authenticity_score"),
    "posts": ("posts", "deliverables", "campaign_posts", "posts_per_campaign"),
    "country": ("country", "location", "country_code", "region"),
    "url": ("url", "profile_url", "profile_link", "profile", "link", "channel_url", "channel_link", "page_url",
            "instagram_url", "tiktok_url", "youtube_url"),
}
REQUIRED = ("id", "followers")
#: A ``posts`` column whose median is above this is a lifetime post count.
POSTS_MEDIAN_LIMIT = 100
#: Largest follower count accepted: more than the world's population is a typo or garbage.
MAX_FOLLOWERS = 1e10
#: Largest fee accepted (any currency); larger fees are garbage and could overflow sums.
MAX_FEE = 1e12
#: Largest number of posts in one deliverable.
MAX_POSTS = 1_000


def _key(name: object) -> str:
    """Column-matching key: lower case, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", str(name).lower())


# ---------------------------------------------------------------- reading

_TEXT = ("id", "platform", "country", "niches", "url")
_S = np.dtypes.StringDType()


def read_roster(
    path: str | Path,
    *,
    columns: dict[str, str | None] | None = None,
    platform: str | None = None,
    on_bad_rows: Literal["error", "skip"] = "error",
    fee_rates: dict[str, float] | None = None,
    display_name: str | None = None,
) -> tuple[Roster, list[str]]:
    """Read and check a roster file; return the roster and warnings.

    Parameters
    ----------
    path : str or Path
        ``.csv`` (UTF-8 with or without BOM, else latin-1), ``.parquet`` or ``.xlsx``.
    columns : dict
        Canonical name → file column, or → ``None`` to ignore that column.
    platform : str, optional
        Platform of rows that have none (no column, or a blank cell).
    on_bad_rows : {"error", "skip"}
        Raise :class:`~lineup.errors.RosterError` listing every bad row, or drop them with a warning each.
    fee_rates : dict, optional
        Per-1k-followers price by platform for blank fees (see :mod:`lineup.domain.priors`).
    display_name : str, optional
        How the file is named in messages (default: the path as given).

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp(); p = os.path.join(d, "r.csv")
    >>> _ = open(p, "w").write("Handle,#Followers,ER,Niche\\n@ann,12.5K,3.1%,skincare;vegan\\nbob,900,,makeup\\n")
    >>> roster, warnings = read_roster(p, platform="instagram", display_name="r.csv")
    >>> roster.ids.tolist(), roster.followers.tolist(), roster.er_estimated.tolist()
    (['ann', 'bob'], [12500.0, 900.0], [False, True])
    >>> roster.niche_names
    ('makeup', 'skincare', 'vegan')
    """
    name = display_name or str(path)
    table = _load(Path(path), name, columns or {})
    parsed, problems = _parse_columns(table, name)
    _check_posts_column(parsed, table.mapping, name)
    warnings = table.warnings + [w for w in [_platform_warning(table.mapping, platform, name)] if w]
    bad = _bad_rows(problems, len(table.lines))
    if bad.any() and on_bad_rows == "error":
        count = int(bad.sum())
        raise RosterError(f"{name}: {count} unusable row{'s' if count != 1 else ''}", _sorted(problems))
    warnings += _skip_warnings(problems)
    if bad.all():
        raise RosterError(f"{name}: no usable rows left after skipping {int(bad.sum())} bad rows")
    return _build(parsed, ~bad, table.lines, platform, fee_rates, name, table.unit), warnings


@dataclass(frozen=True)
class _Table:
    """Mapped columns of a roster file (canonical names), their file names and row locations.

    ``columns`` holds each mapped column's cells: text as written (object arrays,
    ``""`` when blank) or numbers already typed by a Parquet/Excel reader (floats).
    """

    columns: dict[str, np.ndarray]
    mapping: dict[str, str]
    lines: np.ndarray
    unit: str
    warnings: list[str]
    text: dict[str, np.ndarray] = field(default_factory=dict)  # trimmed text columns (numpy strings)
    width: int = 0                                              # CSV: columns in the header
    extra: np.ndarray | None = None                             # CSV: values per record when more than the header


def _load(path: Path, name: str, explicit: dict[str, str | None]) -> _Table:
    _check_regular_file(path, name)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        frame = _read_other(lambda pd: pd.read_parquet(path), name, "pyarrow", "lineup[parquet]")
    elif suffix in (".xlsx", ".xlsm"):
        return _load_xlsx(path, name, explicit)
    elif suffix == ".xls":
        frame = _read_other(lambda pd: pd.read_excel(path), name, "xlrd", "xlrd")
    else:
        return _load_csv(path, name, explicit)
    return _load_frame(frame, np.arange(2, len(frame) + 2), name, explicit)


def _load_frame(frame, lines: np.ndarray, name: str, explicit: dict[str, str | None]) -> _Table:
    """The mapped columns of a table read by pandas or openpyxl; ``lines`` are its rows' numbers."""
    mapping = _match_columns(frame.columns, explicit, name)
    warnings = _check_rivals(lambda col: _frame_column(frame[col], "", col, name), _rivals(frame.columns, mapping, explicit),
                             mapping, lines, "row", name)
    columns = {canon: _frame_column(frame[col], canon, col, name) for canon, col in mapping.items()}
    return _drop_blank(_Table(columns, mapping, lines, "row", warnings), name)


def _load_xlsx(path: Path, name: str, explicit: dict[str, str | None]) -> _Table:
    """The first sheet of an Excel workbook, read with openpyxl.

    The first non-empty row is the header; a merged range's value (which Excel shows in the
    whole range, but the file stores only in its top-left cell) fills every cell of the range;
    a formula whose value was never saved (a file written by a program, not by Excel) is an
    error, as its value is unknown.
    """
    import pandas as pd

    header, rows, numbers, formulas = _xlsx_cells(path, name)
    frame = pd.DataFrame(rows, columns=header, dtype=object).infer_objects()
    mapping = _match_columns(header, explicit, name)
    missing = [Problem(f"{name}, row {r}, column {header[j]!r}",
                       f"formula without a saved value ({_escaped(f)}): open and save the file in Excel, or "
                       f"export CSV") for r, j, f in formulas if header[j] in mapping.values()]
    if missing:
        raise RosterError(f"{name}: {len(missing)} formula{'s' if len(missing) != 1 else ''} without a saved "
                          f"value", missing)
    return _load_frame(frame, np.asarray(numbers, dtype=np.int64), name, explicit)


def _xlsx_cells(path: Path, name: str):
    """``(header, rows, row numbers, formulas without values)`` of the first sheet, merged ranges filled."""
    try:
        import openpyxl
    except ImportError as exc:
        raise RosterError(f"{name}: reading this file needs openpyxl: pip install 'lineup[excel]'") from exc
    try:
        values = openpyxl.load_workbook(path, data_only=True).worksheets[0]
        formulas = openpyxl.load_workbook(path, data_only=False).worksheets[0]
    except Exception as exc:  # noqa: BLE001 - any reader failure is an unreadable file
        raise RosterError(f"{name}: cannot read the file ({_escaped(exc)})") from exc
    grid = [list(row) for row in values.iter_rows(values_only=True)]
    for merged in values.merged_cells.ranges:
        top = grid[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row - 1, merged.max_row):
            grid[r][merged.min_col - 1:merged.max_col] = [top] * (merged.max_col - merged.min_col + 1)
    head = next((k for k, row in enumerate(grid) if any(c is not None and str(c).strip() for c in row)), None)
    if head is None:
        raise RosterError(f"{name}: the roster file is empty")
    header = _dedupe([("" if c is None else str(c)) for c in grid[head]])
    unsaved = [(cell.row, cell.column - 1, str(getattr(cell.value, "text", cell.value)))
               for row in formulas.iter_rows(min_row=head + 2) for cell in row
               if cell.data_type == "f" and grid[cell.row - 1][cell.column - 1] is None]
    return header, grid[head + 1:], list(range(head + 2, len(grid) + 1)), unsaved


def _check_regular_file(path: Path, name: str) -> None:
    """Refuse what is not a readable regular file up front (reading a FIFO would hang).

    >>> import tempfile
    >>> _check_regular_file(Path(tempfile.mkdtemp()), "r.csv")
    Traceback (most recent call last):
    lineup.errors.RosterError: r.csv: the roster path is a directory, not a file
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise RosterError(f"{name}: roster file not found ({_escaped(path)})") from None
    except (OSError, RuntimeError, ValueError) as exc:  # symlink loop, name too long, NUL in the name...
        reason = getattr(exc, "strerror", None) or str(exc)
        raise RosterError(f"{name}: cannot open the roster file ({_escaped(reason)})") from None
    if stat.S_ISDIR(mode):
        raise RosterError(f"{name}: the roster path is a directory, not a file")
    if not stat.S_ISREG(mode):
        raise RosterError(f"{name}: the roster path is not a regular file (a pipe, socket or device); "
                          f"save the roster as a file")
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise RosterError(f"{name}: cannot read the roster file ({_escaped(exc.strerror or exc)})") from None


def _escaped(text: object) -> str:
    """``text`` with control characters shown as escapes (safe to print in one line).

    >>> print(_escaped("a" + chr(27) + "[31mb" + chr(10)))
    a\\x1b[31mb\\n
    """
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


def _frame_column(series, canon: str, col: str, name: str) -> np.ndarray:
    """A pandas column as text (blank → ``""``) or, when the reader typed it as numbers, floats.

    True/False cells stay booleans (reported as not numbers); list cells (Parquet list
    columns) are a niches cell's niches, and an error in any other column.
    """
    lists = _list_cells(series)
    if lists.any():
        if canon != "niches":
            row = int(np.flatnonzero(lists)[0]) + 2
            raise RosterError(f"{name}, row {row}, column {col!r}: holds a list ({_escaped(series.iloc[row - 2])}); "
                              f"lineup expects one value per cell here")
        series = series.map(lambda c: ";".join(str(x).strip() for x in c if x is not None and str(x).strip())
                            if _is_list(c) else c)
    if canon in _TEXT:
        return series.astype(object).where(series.notna(), "").astype(str).to_numpy(dtype=object)
    if series.dtype.kind in "iuf":
        return series.to_numpy(dtype=float, na_value=np.nan)
    return series.to_numpy(dtype=object, na_value="")


def _is_list(cell) -> bool:
    return isinstance(cell, (list, tuple, np.ndarray))


def _list_cells(series) -> np.ndarray:
    """Which cells of an object column are lists (a Parquet list column reads as numpy arrays)."""
    if series.dtype != object:
        return np.zeros(len(series), dtype=bool)
    return np.fromiter((_is_list(c) for c in series.tolist()), dtype=bool, count=len(series))


def _read_other(reader, name: str, module: str, extra: str):
    try:
        import pandas as pd

        return reader(pd)
    except ImportError as exc:
        raise RosterError(f"{name}: reading this file needs {module}: pip install '{extra}'") from exc
    except Exception as exc:  # noqa: BLE001 - any reader failure is an unreadable file
        raise RosterError(f"{name}: cannot read the file ({exc})") from exc


def _decode(path: Path, name: str) -> tuple[str, list[str]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RosterError(f"{name}: cannot read the roster file ({exc.strerror})") from exc
    if b"\x00" in raw[:4096]:
        raise RosterError(f"{name}: does not look like a CSV file (binary content)")
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return raw.decode("latin-1"), [f"{name}: not UTF-8; read as latin-1 (check accented names)"]


#: From this size (characters) a CSV is split by pandas' C reader: faster than the csv module
#: once the file outweighs pandas' import time (~0.45 s, about 1.5 MB of CSV on a 2-core machine).
PANDAS_FROM_CHARS = 1_500_000


@dataclass(frozen=True)
class _Split:
    """A CSV file split into cells: header, a column getter, each record's first physical line."""

    header: list[str]
    column: object          # callable: header index → object array of the records' cells ("" when absent)
    lines: np.ndarray
    extra: np.ndarray       # values per record when more than the header (non-empty beyond it), else 0


def _load_csv(path: Path, name: str, explicit: dict[str, str | None]) -> _Table:
    """Split the file (small: :mod:`csv`; large: pandas); keep the mapped columns as text and each record's line."""
    text, warnings = _decode(path, name)
    with _cells_up_to(len(text)):  # a long cell is no reason to refuse a file
        split = (_split_with_pandas(text) if len(text) >= PANDAS_FROM_CHARS else None) or _split_with_csv(text, name)
    mapping = _match_columns(split.header, explicit, name)
    warnings += _check_rivals(lambda col: split.column(split.header.index(col)),
                              _rivals(split.header, mapping, explicit), mapping, split.lines, "line", name)
    columns = {canon: split.column(split.header.index(col)) for canon, col in mapping.items()}
    table = _Table(columns, mapping, split.lines, "line", warnings, width=len(split.header), extra=split.extra)
    return _drop_blank(table, name)


@contextmanager
def _cells_up_to(chars: int) -> Iterator[None]:
    """Let the csv module read cells of up to ``chars`` characters (its default limit is 131,072)."""
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, min(chars + 1, 2**31 - 1)))
    try:
        yield
    finally:
        csv.field_size_limit(limit)


def _split_with_csv(text: str, name: str) -> _Split:
    header, records, lines = _csv_records(text, name)
    width = len(header)
    extra = np.zeros(len(records), dtype=np.int64)  # values beyond the header (empty trailing cells are fine)
    for k, rec in enumerate(records):
        if len(rec) < width:
            records[k] = rec + [""] * (width - len(rec))
        elif len(rec) > width and any(c.strip() for c in rec[width:]):
            extra[k] = len(rec)

    def column(j: int) -> np.ndarray:
        out = np.empty(len(records), dtype=object)
        out[:] = [rec[j] for rec in records]
        return out

    return _Split(header, column, np.asarray(lines, dtype=np.int64), extra)


def _split_with_pandas(text: str) -> _Split | None:
    """The same split by pandas' C reader, or ``None`` to leave the file to :func:`_split_with_csv`
    (which locates the problem) when pandas cannot read it as a plain table."""
    if text[:1] in ("\n", "\r"):
        return None
    import pandas as pd

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # e.g. "loss of data" when a row has more values than the header
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
                                skip_blank_lines=False, index_col=False)
    except Exception:  # noqa: BLE001 - ragged rows, bad quoting...: the csv path reports them with lines
        return None
    if type(frame.index).__name__ != "RangeIndex":
        return None
    header = [str(c) for c in frame.columns]
    if any(c.startswith("Unnamed: ") for c in header) or len(header) != len(set(header)):
        return None
    physical = _physical_lines(text)
    header_lines = 1 + sum(c.count("\n") for c in header)
    if physical == header_lines + len(frame):
        lines = np.arange(header_lines + 1, header_lines + 1 + len(frame), dtype=np.int64)
    else:
        lines = np.asarray(_record_lines(text)[1:], dtype=np.int64)

    def column(j: int) -> np.ndarray:
        return frame.iloc[:, j].fillna("").to_numpy(dtype=object)

    return _Split(header, column, lines, np.zeros(len(frame), dtype=np.int64))


def _csv_records(text: str, name: str) -> tuple[list[str], list[list[str]], list[int]]:
    """Header (duplicates renamed ``a.1``, ``a.2`` like pandas), non-blank records and their first physical line."""
    try:
        every = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        _csv_error(text, name, exc)
    if len(every) == _physical_lines(text):  # no quoted line breaks: record k is on line k + 1
        starts = range(1, len(every) + 1)
    else:
        starts = _record_lines(text)
        _check_quotes_closed(text, starts[-1] if starts else 1, name)
    head = next((k for k, rec in enumerate(every) if any(rec)), None)
    if head is None:
        raise RosterError(f"{name}: the roster file is empty")
    body = [(rec, line) for rec, line in zip(every[head + 1:], list(starts)[head + 1:]) if rec]
    return _dedupe(every[head]), [rec for rec, _ in body], [line for _, line in body]


def _check_quotes_closed(text: str, last_start: int, name: str) -> None:
    """The csv module reads a quote that is never closed as a cell running to the end of the
    file (rows silently lost); re-read the last record strictly to catch that."""
    tail = "".join(itertools.islice(io.StringIO(text, newline=""), last_start - 1, None))
    try:
        list(csv.reader(io.StringIO(tail, newline=""), strict=True))
    except csv.Error as exc:
        if "end of data" in str(exc):
            raise RosterError(f"{name}, line {last_start}: a quoted value opened on this line is never closed, so "
                              f"the rest of the file would be read as one cell; close the quote (\"\") or remove "
                              f"it") from None


def _physical_lines(text: str) -> int:
    """Lines of the file as an editor counts them (a last line without a newline counts)."""
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def _record_lines(text: str) -> list[int]:
    """First physical line of every record (records may span lines inside quotes)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    starts, start = [], 1
    for _ in reader:
        starts.append(start)
        start = reader.line_num + 1
    return starts


def _csv_error(text: str, name: str, exc: csv.Error):
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for _ in reader:
            pass
    except csv.Error:
        pass
    raise RosterError(f"{name}: not a readable CSV file (line {reader.line_num}: {exc})") from exc


def _dedupe(header: list[str]) -> list[str]:
    """Repeated column names get ``.1``, ``.2`` … (as pandas names them), so each can be mapped.

    >>> _dedupe(["id", "fee", "fee", "x", "fee"])
    ['id', 'fee', 'fee.1', 'x', 'fee.2']
    """
    seen: dict[str, int] = {}
    out = []
    for col in header:
        k = seen.get(col, 0)
        out.append(col if k == 0 else f"{col}.{k}")
        seen[col] = k + 1
    return out


def _drop_blank(table: _Table, name: str) -> _Table:
    """Prepare the text columns; leave out rows with nothing in any mapped column (none left: error)."""
    columns = table.columns
    text = {c: _TEXT_PREP[c](a) for c, a in columns.items() if c in _TEXT}
    n = len(table.lines)
    blank = np.ones(n, dtype=bool)
    for col in text:
        blank &= text[col] == ""
    for col, cells in columns.items():  # number columns, on the rows still blank (usually none)
        rows = np.flatnonzero(blank)
        if col in text or not len(rows):
            continue
        part = cells[rows]
        blank[rows] = np.isnan(part) if part.dtype.kind == "f" else _is_missing(part)
    if blank.all():
        raise RosterError(f"{name}: the roster has no data rows")
    keep = ~blank
    extra = table.extra
    if blank.any():
        columns = {c: a[keep] for c, a in columns.items()}
        text = {c: a[keep] for c, a in text.items()}
        extra = None if extra is None else extra[keep]
    return _Table(columns, table.mapping, table.lines[keep], table.unit, table.warnings, text, table.width, extra)


def _is_missing(cells: np.ndarray) -> np.ndarray:
    """Cells that are blank or a missing token (numbers already typed count as present)."""
    out = np.zeros(len(cells), dtype=bool)
    cells_list = cells.tolist()
    texts = (np.arange(len(cells)) if set(map(type, cells_list)) <= {str}
             else np.flatnonzero([isinstance(c, str) for c in cells_list]))
    if len(texts):
        out[texts] = _is_token(np.strings.strip(cells[texts].astype(_S)), MISSING_TOKENS)
    return out


def _by_distinct(cells: np.ndarray, prepare) -> np.ndarray:
    """Apply ``prepare`` to each distinct cell once (labels repeat a lot) and spread back."""
    if not len(cells):
        return np.zeros(0, dtype=object)
    codes, uniques = factorize(cells)
    return prepare(uniques)[codes]


def _trim(cells: np.ndarray) -> np.ndarray:
    return np.strings.strip(cells.astype(_S)).astype(object)


def _labels(cells: np.ndarray, missing: frozenset[str] = MISSING_TOKENS) -> np.ndarray:
    """Platform/country cells → normalised labels, each distinct cell worked once."""
    return _by_distinct(cells, lambda u: _norm_label(np.strings.lower(np.strings.strip(u.astype(_S))), missing))


#: Country cells meaning "no country": not ``NA``, which is Namibia's ISO code.
_MISSING_COUNTRIES = MISSING_TOKENS - {"na"}


#: How each text column is prepared (ids are nearly all distinct; labels and niche cells repeat).
_TEXT_PREP = {
    "id": lambda cells: _norm_id(cells),
    "platform": _labels,
    "country": lambda cells: _labels(cells, _MISSING_COUNTRIES),
    "niches": lambda cells: _by_distinct(cells, _trim),
    "url": _trim,
}


# ------------------------------------------------------------- columns

def _match_columns(found, explicit: dict[str, str | None], name: str) -> dict[str, str]:
    """Canonical name → file column, explicit choices first, then aliases in order."""
    found = [str(c) for c in found]
    for canon in explicit:
        if canon not in ALIASES:
            raise RosterError(f"{name}: unknown lineup column {canon!r} in columns{did_you_mean(canon, ALIASES)}")
    mapping: dict[str, str] = {}
    for canon, col in explicit.items():
        if col is not None:
            if col not in found:
                raise RosterError(f"{name}: column {col!r} (for {canon}) is not in the file; found "
                                  f"{', '.join(found)}{did_you_mean(col, found)}")
            if col in mapping.values():
                other = next(c for c, v in mapping.items() if v == col)
                raise RosterError(f"{name}: column {col!r} is mapped to both {other} and {canon} in columns; "
                                  f"one file column can be only one lineup column")
            mapping[canon] = col
    taken = set(mapping.values())
    by_key = {}
    for c in found:
        by_key.setdefault(_key(c), c)
    for canon, aliases in ALIASES.items():
        if canon in explicit:
            continue
        for alias in aliases:
            col = by_key.get(_key(alias))
            if col in taken:
                _explicit_clash(col, canon, mapping, name)
            if col is not None:
                mapping[canon] = col
                taken.add(col)
                break
    _require(mapping, found, name)
    return mapping


def _explicit_clash(col: str, canon: str, mapping: dict[str, str], name: str):
    """``columns: {fee: followers}``: the column named for ``canon`` was given to another lineup column."""
    other = next(c for c, v in mapping.items() if v == col)
    raise RosterError(f"{name}: column {col!r} is mapped to {other} in columns, but its name makes it the {canon} "
                      f"column too; one file column can be only one lineup column: say which column is {canon} "
                      f"(columns: {{{canon}: <column>}}, or {canon}: null to leave it out where it is optional)")


def _rivals(found, mapping: dict[str, str], explicit) -> dict[str, list[str]]:
    """Other file columns whose names also match a lineup column matched by name (``followers`` and
    ``subscribers``), so the choice is not silent."""
    found = [str(c) for c in found]
    taken = set(mapping.values())
    out = {}
    for canon, col in mapping.items():
        keys = {_key(a) for a in ALIASES[canon]}
        others = [c for c in found if c not in taken and _key(c) in keys]
        if others and canon not in explicit:
            out[canon] = others
    return out


def _check_rivals(cells, rivals: dict[str, list[str]], mapping, lines, unit: str, name: str) -> list[str]:
    """Rival columns that agree are a warning saying which was used; ones that differ are an error."""
    out = []
    for canon, others in rivals.items():
        used = mapping[canon]
        a = _comparable(cells(used), canon)
        for other in others:
            differ = np.flatnonzero(~_same(a, _comparable(cells(other), canon)))
            if len(differ):
                r = differ[0]
                raise RosterError(
                    f"{name}: columns {used!r} and {other!r} both look like the {canon} column and their values "
                    f"differ ({unit} {lines[r]}: {_shown(cells(used)[r])!r} vs {_shown(cells(other)[r])!r}); choose "
                    f"one with roster: {{path: ..., columns: {{{canon}: {other!r}}}}} (or {used!r})")
            out.append(f"{name}: columns {used!r} and {other!r} both look like the {canon} column and hold the "
                       f"same values; {used!r} used")
    return out


def _comparable(cells: np.ndarray, canon: str) -> np.ndarray:
    """A column's cells as values to compare: numbers parsed, text prepared as it will be read."""
    if canon in _TEXT_PREP:
        return _TEXT_PREP[canon](np.asarray(cells, dtype=object).astype(str).astype(object))
    return parse_numbers(cells, percent=dict(_NUMBER_COLUMNS)[canon])[0]


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.dtype.kind == "f":
        return (a == b) | (np.isnan(a) & np.isnan(b))
    return a == b


def _require(mapping: dict[str, str], found: list[str], name: str) -> None:
    missing = [c for c in REQUIRED if c not in mapping]
    if missing:
        hints = "".join(did_you_mean(m, found) for m in missing)
        raise RosterError(f"{name}: no {' or '.join(missing)} column; found columns: "
                          f"{', '.join(found)}{hints} (map one with roster.columns)")


# ------------------------------------------------------------- parsing

_NUMBER_COLUMNS = (("followers", False), ("engagement_rate", True), ("fee", False), ("authenticity", True),
                   ("posts", False))


def _parse_columns(table: _Table, name: str) -> tuple[dict, list[tuple[int, Problem]]]:
    """Parse every mapped column; return values and ``(row, Problem)`` pairs."""
    columns, mapping = table.columns, table.mapping

    def where(rows, canon):
        return [f"{name}, {table.unit} {table.lines[r]}, column '{mapping[canon]}'" for r in rows]

    problems: list[tuple[int, Problem]] = []
    out: dict[str, object] = {}
    for canon, pct in _NUMBER_COLUMNS:
        if canon in mapping:
            values, bad = parse_numbers(columns[canon], percent=pct)
            out[canon] = values
            problems += _number_problems(columns[canon], values, bad, canon, where)
    out["id"] = table.text["id"]
    problems += _id_problems(out["id"], table, where)
    if table.extra is not None:
        problems += [(int(r), Problem(f"{name}, line {table.lines[r]}",
                                      f"{table.extra[r]} values but the header has {table.width} columns, so the "
                                      f"values cannot be matched to columns (a comma inside an unquoted value? "
                                      f'quote it: "$1,200")')) for r in np.flatnonzero(table.extra)]
    for canon in ("platform", "country", "url"):
        if canon in mapping:
            out[canon] = table.text[canon]
    if "niches" in mapping:
        out["niches"], niche_problems = _parse_niches(table.text["niches"])
        problems += [(r, Problem(where([r], "niches")[0], msg)) for r, msg in niche_problems]
    return out, problems


#: (canonical column, test on parsed values, message template) for values out of range.
_RANGE_RULES = (
    ("followers", lambda v: np.isnan(v), "followers are missing (a number > 0 is required)"),
    ("followers", lambda v: v <= 0, "followers must be > 0, got {raw!r}"),
    ("followers", lambda v: v > MAX_FOLLOWERS,
     f"followers must be at most {MAX_FOLLOWERS:,.0f} (more than the world's population), got {{raw!r}}"),
    ("fee", lambda v: v < 0, "fee must be >= 0, got {raw!r}"),
    ("fee", lambda v: v > MAX_FEE, f"fee must be at most {MAX_FEE:,.0f}, got {{raw!r}}"),
    ("engagement_rate", lambda v: (v < 0) | (v > 1), "engagement rate must be between 0 and 100 %, got {raw!r}"),
    ("authenticity", lambda v: (v < 0) | (v > 1), "authenticity must be between 0 and 1 (or 0–100 %), got {raw!r}"),
    ("posts", lambda v: v <= 0, "posts must be > 0, got {raw!r}"),
    ("posts", lambda v: v > MAX_POSTS, f"posts must be at most {MAX_POSTS:,}, got {{raw!r}}"),
)


def _number_problems(raw: np.ndarray, values, bad, canon, where):
    raw = np.asarray(raw, dtype=object)
    rows = np.flatnonzero(bad)
    problems = [(r, Problem(loc, explain_bad(raw[r]))) for r, loc in zip(rows, where(rows, canon))]
    for col, test, template in _RANGE_RULES:
        if col == canon:
            with np.errstate(invalid="ignore"):
                rows = np.flatnonzero(np.asarray(test(values)) & ~bad)
            problems += [(r, Problem(loc, template.format(raw=_shown(raw[r]))))
                         for r, loc in zip(rows, where(rows, canon))]
    return problems


def _shown(cell):
    """A cell as the user wrote it (numbers typed by a Parquet/Excel reader shown without a trailing .0)."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return cell if isinstance(cell, str) else str(cell)


def _id_problems(ids: np.ndarray, table: _Table, where):
    rows = np.flatnonzero(ids == "")
    problems = [(r, Problem(loc, "the id is missing")) for r, loc in zip(rows, where(rows, "id"))]
    keys = id_keys(ids.tolist())  # the roster's own matching: case, Unicode width, a leading '@'
    if len(set(keys)) == len(keys):
        return problems
    first = first_of_each(factorize(keys)[0])
    dup = (first != np.arange(len(ids))) & (np.array(keys, dtype=object) != "")
    if dup.any():
        rows = np.flatnonzero(dup)
        problems += [(r, Problem(loc, _duplicate(ids[r], ids[first[r]], f"{table.unit} {table.lines[first[r]]}")))
                     for r, loc in zip(rows, where(rows, "id"))]
    return problems


def _duplicate(this: str, other: str, where: str) -> str:
    """Why a second id is refused; says how they match when they are written differently.

    >>> _duplicate("STRASSE", "straße", "line 2")
    "duplicate id 'STRASSE': the same account as 'straße' on line 2 (ids are matched ignoring case and Unicode width)"
    """
    if this == other:
        return f"duplicate id {this!r} (also on {where})"
    return (f"duplicate id {this!r}: the same account as {other!r} on {where} "
            f"(ids are matched ignoring case and Unicode width)")


#: Id cells meaning "no id" (``null``, ``none``, ``NA``, ``nan`` are real handles).
_MISSING_IDS = frozenset({"", "n/a", "#n/a"})


def _is_token(a: np.ndarray, tokens: frozenset[str]) -> np.ndarray:
    """Which cells (case-insensitively) are one of ``tokens``; only short cells are looked at."""
    out = np.zeros(len(a), dtype=bool)
    short = np.flatnonzero(np.strings.str_len(a) <= max(map(len, tokens)))
    out[short] = [x.lower() in tokens for x in a[short].tolist()]
    return out


def _norm_id(a: np.ndarray) -> np.ndarray:
    """Ids without a leading ``@`` (as :func:`~lineup.domain.roster.normalise_id`); blank-like → ``""``."""
    s = np.strings.strip(np.strings.lstrip(np.strings.strip(a.astype(_S)), "@"))
    out = s.astype(object)
    out[_is_token(s, _MISSING_IDS)] = ""
    return out


def _norm_label(a: np.ndarray, missing: frozenset[str] = MISSING_TOKENS) -> np.ndarray:
    """Trimmed lower-case cells → labels with single spaces (as :func:`~lineup.domain.roster.normalise_label`)."""
    odd = np.flatnonzero((np.strings.find(a, "  ") >= 0) | (np.strings.find(a, "\t") >= 0)
                         | (np.strings.find(a, "\n") >= 0))
    out = a.astype(object)
    out[odd] = [" ".join(x.split()) for x in out[odd].tolist()]
    out[_is_token(a, missing)] = ""
    return out


def _bad_rows(problems, n: int) -> np.ndarray:
    bad = np.zeros(n, dtype=bool)
    bad[[r for r, _ in problems]] = True
    return bad


def _sorted(problems) -> list[Problem]:
    return [p for _, p in sorted(problems, key=lambda rp: rp[0])]


def _skip_warnings(problems) -> list[str]:
    """One warning per skipped row, all its reasons joined."""
    by_row: dict[int, list[Problem]] = {}
    for r, p in sorted(problems, key=lambda rp: rp[0]):
        by_row.setdefault(r, []).append(p)
    def reason(p: Problem) -> str:
        tail = p.where.rsplit(", ", 1)[-1]
        return f"{tail}: {p.what}" if tail.startswith("column") else p.what

    return [f"{ps[0].where.rsplit(', column', 1)[0]}: row skipped: " + "; ".join(map(reason, ps))
            for ps in by_row.values()]


def _check_posts_column(parsed, mapping, name: str) -> None:
    posts = parsed.get("posts")
    if posts is None or not np.isfinite(posts).any():
        return
    median = float(np.nanmedian(posts))
    if median > POSTS_MEDIAN_LIMIT:
        raise RosterError(
            f"{name}: column '{mapping['posts']}' (read as posts per campaign) has a median of {median:,.0f}; "
            "it looks like each account's lifetime post count. Ignore it with "
            "roster: {path: ..., columns: {posts: null}} or map posts to another column")


def _platform_warning(mapping, platform, name) -> str | None:
    if platform or "platform" in mapping:
        return None
    return f"{name}: no platform column and no roster.platform given; platform set to 'unknown'"


# ------------------------------------------------------------- niches

def _parse_niches(cells: np.ndarray):
    """Explode niche cells into ``(rows, labels, shares)``; problems for bad shares.

    Separators: ``;`` or ``|``; ``,`` only in cells without ``;``/``|``.  Each
    distinct cell is parsed once, then the items are spread back to the rows.
    """
    codes, uniques = factorize(cells)
    (u_rows, labels, shares), u_problems = _parse_niche_cells(uniques.astype(_S))
    per_unique = np.bincount(u_rows, minlength=len(uniques))
    starts = np.cumsum(per_unique) - per_unique
    per_row = per_unique[codes]
    ends = np.cumsum(per_row)
    idx = np.repeat(starts[codes] - (ends - per_row), per_row) + np.arange(int(ends[-1]) if len(ends) else 0)
    rows = np.repeat(np.arange(len(cells)), per_row)
    problems = [(int(r), msg) for u, msg in u_problems for r in np.flatnonzero(codes == u)]
    return (rows, labels[idx], shares[idx]), problems


def _parse_niche_cells(cells: np.ndarray):
    """The exploded items of distinct trimmed cells; problems by cell index."""
    strong = (np.strings.find(cells, ";") >= 0) | (np.strings.find(cells, "|") >= 0)
    if (~strong).any():
        cells = np.where(strong, cells, np.strings.replace(cells, ",", ";"))
    cells = np.strings.replace(cells, "|", ";")
    rows = np.repeat(np.arange(len(cells)), np.strings.count(cells, ";") + 1)
    items = np.array(";".join(cells.tolist()).split(";"), dtype=_S)
    label, sep, share_text = np.strings.partition(items, np.array(":", dtype=_S))
    labels = _norm_label(np.strings.lower(np.strings.strip(label)))
    shares = np.ones(len(items))
    stated = np.flatnonzero(sep == ":")
    problems = []
    if len(stated):
        values, bad = parse_numbers(np.strings.strip(share_text[stated]).astype(object), percent=True)
        out_of_range = ~bad & ~((values > 0) & (values <= 1))
        shares[stated] = np.where(bad | out_of_range, 1.0, values)
        problems = [(int(rows[k]), f"niche share is not a number: {str(items[k]).strip()!r}") for k in stated[bad]]
        problems += [(int(rows[k]), f"niche share must be in (0, 1], got {str(items[k]).strip()!r}")
                     for k in stated[out_of_range & ~np.isnan(values)]]
    keep = labels != ""
    return (rows[keep], labels[keep], shares[keep]), problems


def niche_matrix_from_cells(rows: np.ndarray, labels: np.ndarray, shares: np.ndarray, n: int
                            ) -> tuple[tuple[str, ...], sp.csr_matrix]:
    """Sorted niche names and the ``n × S`` share matrix from exploded items (vectorised).

    A niche repeated in one row keeps its first share.

    Examples
    --------
    >>> names, m = niche_matrix_from_cells(np.array([0, 0, 2]), np.array(["b", "a", "b"], dtype=object),
    ...                                    np.array([0.6, 0.4, 1.0]), 3)
    >>> names, m.toarray().tolist()
    (('a', 'b'), [[0.4, 0.6], [0.0, 0.0], [0.0, 1.0]])
    """
    codes, names = factorize(labels, sort=True)
    pair = rows.astype(np.int64) * max(len(names), 1) + codes
    first = first_of_each(pair) == np.arange(len(pair))
    m = sp.csr_matrix((shares[first], (rows[first], codes[first])), shape=(n, len(names)))
    return tuple(str(x) for x in names), m


# ------------------------------------------------------------- build

def _build(parsed, keep, lines, platform_arg, fee_rates, name, unit="line") -> Roster:
    """The roster of the kept rows, blanks filled by the priors and flagged."""
    n = int(keep.sum())

    def col(canon, default, dtype):
        return parsed[canon][keep].astype(dtype) if canon in parsed else np.full(n, default, dtype=dtype)

    followers = col("followers", np.nan, float)
    platform = col("platform", "", object)
    platform[platform == ""] = platform_arg.strip().lower() if platform_arg else "unknown"
    posts = np.nan_to_num(col("posts", np.nan, float), nan=1.0)
    er, er_est = _fill(col("engagement_rate", np.nan, float), lambda: engagement_prior(followers))
    fee, fee_est = _fill(col("fee", np.nan, float), lambda: fee_prior(followers, platform, posts, fee_rates))
    authenticity = np.nan_to_num(col("authenticity", np.nan, float), nan=1.0)
    line = np.asarray(lines)[keep].astype(np.int64)
    with np.errstate(over="ignore"):
        engagement = posts * followers * authenticity * er
    _check_derived(fee, engagement, [f"{name}, {unit} {k}" for k in line], name)
    rows_map = np.cumsum(keep) - 1
    rows_map[~keep] = -1
    names, matrix = _niche_matrix(parsed.get("niches"), rows_map, n)
    return Roster(
        ids=col("id", "", object), platform=platform, followers=followers, engagement_rate=er, fee=fee,
        authenticity=authenticity, posts=posts,
        country=col("country", "", object), niche_names=names, niche_matrix=matrix,
        er_estimated=er_est, fee_estimated=fee_est, line=line, source=name, url=col("url", "", object),
    )


def _check_derived(fee: np.ndarray, engagement: np.ndarray, where: list[str], name: str) -> None:
    """Fees (given or estimated) and expected engagement must be finite numbers the solver can use."""
    problems = [Problem(where[r], f"the estimated fee is not a finite number ({fee[r]}); "
                        f"check priors.fee_per_1k or give the fee") for r in np.flatnonzero(~np.isfinite(fee))]
    problems += [Problem(where[r], "expected engagement (posts × followers × authenticity × "
                         "engagement rate) is not a finite number") for r in np.flatnonzero(~np.isfinite(engagement))]
    if problems:
        raise RosterError(f"{name}: {len(problems)} unusable value{'s' if len(problems) != 1 else ''}", problems)


def _fill(values: np.ndarray, prior) -> tuple[np.ndarray, np.ndarray]:
    missing = np.isnan(values)
    if missing.any():
        values = np.where(missing, prior(), values)
    return values, missing


def _niche_matrix(items, rows_map, n):
    if items is None:
        return (), sp.csr_matrix((n, 0))
    rows, labels, shares = items
    new_rows = rows_map[rows]
    ok = new_rows >= 0
    return niche_matrix_from_cells(new_rows[ok], labels[ok], shares[ok], n)

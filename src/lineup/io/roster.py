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

Speed: the header is read first, then only the mapped columns; plain number
columns are parsed by pandas' C reader; text is handled with
:mod:`numpy.strings` ufuncs on numpy string arrays (numpy ≥ 2.2), and
repeated cells (platforms, countries, niche lists) are worked once per
distinct value.  The only per-row Python is wording the messages of bad rows.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..domain.priors import engagement_prior, fee_prior
from ..domain.roster import Roster
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
}
REQUIRED = ("id", "followers")
#: A ``posts`` column whose median is above this is a lifetime post count.
POSTS_MEDIAN_LIMIT = 100


def _key(name: object) -> str:
    """Column-matching key: lower case, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", str(name).lower())


# ---------------------------------------------------------------- reading

_TEXT = ("id", "platform", "country", "niches")
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
    return _build(parsed, ~bad, table.lines, platform, fee_rates, name), warnings


@dataclass(frozen=True)
class _Table:
    """Mapped columns of a roster file (canonical names), their file names and row locations."""

    frame: pd.DataFrame
    mapping: dict[str, str]
    lines: np.ndarray
    unit: str
    warnings: list[str]
    text: dict[str, np.ndarray] = field(default_factory=dict)  # trimmed text columns (numpy strings)


def _load(path: Path, name: str, explicit: dict[str, str | None]) -> _Table:
    if not path.is_file():
        raise RosterError(f"{name}: roster file not found ({path})")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        frame = _read_other(lambda: pd.read_parquet(path), name, "pyarrow", "lineup[parquet]")
    elif suffix in (".xlsx", ".xls"):
        frame = _read_other(lambda: pd.read_excel(path), name, "openpyxl", "openpyxl")
    else:
        return _load_csv(path, name, explicit)
    mapping = _match_columns(frame.columns, explicit, name)
    frame = frame[list(mapping.values())].set_axis(list(mapping), axis=1)
    for canon in set(_TEXT) & set(mapping):
        frame[canon] = frame[canon].astype(object).where(frame[canon].notna(), "").astype(str)
    return _drop_blank(_Table(frame, mapping, np.arange(2, len(frame) + 2), "row", []), name)


def _read_other(reader, name: str, module: str, extra: str) -> pd.DataFrame:
    try:
        return reader()
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


def _load_csv(path: Path, name: str, explicit: dict[str, str | None]) -> _Table:
    """Header first (to map columns), then only the mapped columns, numbers parsed by pandas when plain."""
    text, warnings = _decode(path, name)
    header = _csv(text, name, nrows=0).columns
    mapping = _match_columns(header, explicit, name)
    numeric = [c for c in mapping if c not in _TEXT]
    missing = sorted({v for t in MISSING_TOKENS for v in (t, t.upper(), t.title())})
    # Counts and money stay text so that parse_numbers sees how they were written ("1.200": 1.2 or 1,200?).
    as_text = [c for c in (*_TEXT, "followers", "fee", "posts") if c in mapping]
    frame = _csv(text, name, usecols=list(mapping.values()), dtype={mapping[c]: object for c in as_text},
                 keep_default_na=False, na_values={mapping[c]: missing for c in numeric}, skip_blank_lines=False)
    frame = frame[list(mapping.values())].set_axis(list(mapping), axis=1)
    for canon in set(_TEXT) & set(mapping):
        frame[canon] = frame[canon].astype(object)
    lines = _line_numbers(text, header, len(frame), name)
    return _drop_blank(_Table(frame, mapping, lines, "line", warnings), name)


def _csv(text: str, name: str, **options) -> pd.DataFrame:
    try:
        return pd.read_csv(io.StringIO(text), **options)
    except pd.errors.EmptyDataError as exc:
        raise RosterError(f"{name}: the roster file is empty") from exc
    except (pd.errors.ParserError, ValueError) as exc:
        raise RosterError(f"{name}: not a readable CSV file ({str(exc).strip()})") from exc


def _line_numbers(text: str, header, rows: int, name: str) -> np.ndarray:
    """Physical line of each record (header = line 1), counting newlines inside quoted cells."""
    header_lines = 1 + sum(str(c).count("\n") for c in header)
    physical = text.count("\n") + (0 if text.endswith("\n") else 1)
    simple = header_lines + 1 + np.arange(rows, dtype=np.int64)
    if physical == header_lines + rows:
        return simple
    every = _csv(text, name, dtype=str, keep_default_na=False, skip_blank_lines=False)
    extra = np.zeros(rows, dtype=np.int64)
    for col in every.columns:
        extra += np.strings.count(every[col].to_numpy(dtype=object).astype(_S), "\n")
    return simple + np.concatenate(([0], np.cumsum(extra)[:-1]))


def _drop_blank(table: _Table, name: str) -> _Table:
    """Prepare the text columns; leave out rows with nothing in any mapped column (none left: error)."""
    frame = table.frame
    text = {c: _TEXT_PREP[c](frame[c].to_numpy(dtype=object, na_value="")) for c in frame.columns if c in _TEXT}
    blank = np.ones(len(frame), dtype=bool)
    for col in frame.columns:
        if col in text:
            blank &= text[col] == ""
        else:  # number columns: blank cells were read as NaN (na_values), or are empty strings
            blank &= (frame[col].isna() | (frame[col] == "")).to_numpy()
    if blank.all():
        raise RosterError(f"{name}: the roster has no data rows")
    keep = ~blank
    if blank.any():
        frame = frame.loc[keep].reset_index(drop=True)
        text = {c: a[keep] for c, a in text.items()}
    return _Table(frame, table.mapping, table.lines[keep], table.unit, table.warnings, text)


def _by_distinct(cells: np.ndarray, prepare) -> np.ndarray:
    """Apply ``prepare`` to each distinct cell once (labels repeat a lot) and spread back."""
    if not len(cells):
        return np.zeros(0, dtype=object)
    codes, uniques = pd.factorize(cells)
    return prepare(np.asarray(uniques, dtype=object))[codes]


def _trim(cells: np.ndarray) -> np.ndarray:
    return np.strings.strip(cells.astype(_S)).astype(object)


def _labels(cells: np.ndarray) -> np.ndarray:
    """Platform/country cells → normalised labels, each distinct cell worked once."""
    return _by_distinct(cells, lambda u: _norm_label(np.strings.lower(np.strings.strip(u.astype(_S)))))


#: How each text column is prepared (ids are nearly all distinct; labels and niche cells repeat).
_TEXT_PREP = {
    "id": lambda cells: _norm_id(cells),
    "platform": _labels,
    "country": _labels,
    "niches": lambda cells: _by_distinct(cells, _trim),
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
            if col is not None and col not in taken:
                mapping[canon] = col
                taken.add(col)
                break
    _require(mapping, found, name)
    return mapping


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
    frame, mapping = table.frame, table.mapping

    def where(rows, canon):
        return [f"{name}, {table.unit} {table.lines[r]}, column '{mapping[canon]}'" for r in rows]

    problems: list[tuple[int, Problem]] = []
    out: dict[str, object] = {}
    for canon, pct in _NUMBER_COLUMNS:
        if canon in mapping:
            values, bad = parse_numbers(frame[canon], percent=pct)
            out[canon] = values
            problems += _number_problems(frame[canon], values, bad, canon, where)
    out["id"] = table.text["id"]
    problems += _id_problems(out["id"], table, where)
    for canon in ("platform", "country"):
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
    ("fee", lambda v: v < 0, "fee must be >= 0, got {raw!r}"),
    ("engagement_rate", lambda v: (v < 0) | (v > 1), "engagement rate must be between 0 and 100 %, got {raw!r}"),
    ("authenticity", lambda v: (v < 0) | (v > 1), "authenticity must be between 0 and 1 (or 0–100 %), got {raw!r}"),
    ("posts", lambda v: v <= 0, "posts must be > 0, got {raw!r}"),
)


def _number_problems(raw: pd.Series, values, bad, canon, where):
    raw = raw.to_numpy(dtype=object)
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
    """A cell as the user wrote it (floats parsed by pandas shown without a trailing .0)."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return cell if isinstance(cell, str) else str(cell)


def _id_problems(ids: np.ndarray, table: _Table, where):
    rows = np.flatnonzero(ids == "")
    problems = [(r, Problem(loc, "the id is missing")) for r, loc in zip(rows, where(rows, "id"))]
    keys = np.strings.lower(ids.astype(_S)).astype(object)  # handles are case-insensitive
    series = pd.Series(keys)
    dup = (series.duplicated(keep="first") & (series != "")).to_numpy()
    if dup.any():
        first = pd.Series(np.arange(len(ids))).groupby(keys).transform("min").to_numpy()
        rows = np.flatnonzero(dup)
        problems += [(r, Problem(loc, f"duplicate id {ids[r]!r} (also on {table.unit} {table.lines[first[r]]})"))
                     for r, loc in zip(rows, where(rows, "id"))]
    return problems


_MISSING_IDS = frozenset({"", "nan", "none", "null", "n/a", "#n/a"})


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


def _norm_label(a: np.ndarray) -> np.ndarray:
    """Trimmed lower-case cells → labels with single spaces (as :func:`~lineup.domain.roster.normalise_label`)."""
    odd = np.flatnonzero((np.strings.find(a, "  ") >= 0) | (np.strings.find(a, "\t") >= 0)
                         | (np.strings.find(a, "\n") >= 0))
    out = a.astype(object)
    out[odd] = [" ".join(x.split()) for x in out[odd].tolist()]
    out[_is_token(a, MISSING_TOKENS)] = ""
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
    return [f"{ps[0].where.rsplit(', column', 1)[0]}: row skipped: "
            + "; ".join(f"{p.where.rsplit(', ', 1)[-1]}: {p.what}" for p in ps) for ps in by_row.values()]


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
    codes, uniques = pd.factorize(cells)
    (u_rows, labels, shares), u_problems = _parse_niche_cells(np.asarray(uniques, dtype=object).astype(_S))
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
        values, bad = parse_numbers(pd.Series(np.strings.strip(share_text[stated]).astype(object)), percent=True)
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
    codes, names = pd.factorize(pd.Series(labels, dtype=object), sort=True)
    first = ~pd.Series(rows.astype(np.int64) * max(len(names), 1) + codes).duplicated().to_numpy()
    m = sp.csr_matrix((shares[first], (rows[first], codes[first])), shape=(n, len(names)))
    return tuple(str(x) for x in names), m


# ------------------------------------------------------------- build

def _build(parsed, keep, lines, platform_arg, fee_rates, name) -> Roster:
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
    rows_map = np.cumsum(keep) - 1
    rows_map[~keep] = -1
    names, matrix = _niche_matrix(parsed.get("niches"), rows_map, n)
    return Roster(
        ids=col("id", "", object), platform=platform, followers=followers, engagement_rate=er, fee=fee,
        authenticity=np.nan_to_num(col("authenticity", np.nan, float), nan=1.0), posts=posts,
        country=col("country", "", object), niche_names=names, niche_matrix=matrix,
        er_estimated=er_est, fee_estimated=fee_est, line=np.asarray(lines)[keep].astype(np.int64), source=name,
    )


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

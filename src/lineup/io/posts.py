"""Read post histories (one row per post) into :class:`Posts`, the input of calibration and back-tests.

A post history is what a planner or a scraper saved about past posts: who posted, when, with
how many followers, and the likes, comments, shares and views the post got.  It is read with
the roster machinery: the file is refused up front when it is not a regular file
(:func:`~lineup.io.files.read_user_bytes`), text is decoded and its delimiter sniffed
(:mod:`lineup.io.roster_text`), spreadsheets are read like rosters (``.xlsx`` needs
``pip install 'lineup[excel]'``, ``.parquet`` needs pyarrow), numbers are human numbers
(:func:`~lineup.io.human_numbers.parse_numbers`: ``23.4K``, ``1,234``), and columns are
matched by name, ignoring case, spaces and punctuation, to the names in :data:`ALIASES`.

Accepted shapes
---------------
* a table (CSV/TSV/semicolon text, ``.xlsx``, ``.parquet``, ``.json`` list of objects or
  ``.jsonl``), one row per post;
* a table of profiles with each profile's posts as a JSON array in one cell (a ``posts``
  column, as scrapers export Instagram profiles): flattened to one row per post; the
  creator's id, platform and follower count come from the profile (a warning says that
  followers at posting time are then the profile's count, the same for every post).

Columns of :attr:`Posts.frame` (:data:`COLUMNS`)
------------------------------------------------
``post_id`` (str; ``"<file>:<line>"`` when the file has no id column or the cell is blank),
``influencer_id`` (str, trimmed, without a leading ``@``, as roster ids; spellings that the roster
matches as one id — :func:`~lineup.domain.roster.id_key`: case, full-width letters, invisible
characters — take the first spelling in the files), ``platform`` (str, lower case, short names
spelled out by :func:`~lineup.domain.links.platform_name`: ``ig`` → ``instagram``; from a column
or the ``platform=`` argument), ``followers`` (float, at posting
time, > 0), ``likes``, ``comments``, ``shares``, ``views`` (float, NaN where not given),
``engagements`` (float: the sum of likes, comments and shares that are given; a post with
none of them takes the file's ``engagements`` column; views are never engagements),
``posted_at`` (datetime64[ns, UTC]), ``sponsored`` (bool, False when unknown), ``fee``
(float, NaN when unknown).  The engagement rate of a post is ``engagements / followers``
(:attr:`Posts.engagement_rate`).

Dates are unix times (seconds, or milliseconds when every value is in that range) or written
dates (``YYYY-MM-DD`` with an optional time; ``DD/MM/YYYY``, ``DD.MM.YYYY`` or ``MM/DD/YYYY`` only
when a day above 12 tells which; a number with a suffix such as ``1.6B`` is not a date); a warning says which reading was used, a column that mixes them or
cannot be told apart is a located error, and a date without a time zone is taken as UTC.

Sponsorship comes from a ``sponsored`` column (yes/no, true/false, 1/0, x; blank = not
known, read as False) or, where that is blank or absent, from the post's hashtags: a post is
sponsored when a ``hashtags`` cell (a list such as ``"['fyp', 'ad']"`` or ``"#ad #fyp"``) or
a ``#tag`` in its ``caption`` is one of :data:`SPONSOR_TAGS` or ends in one of
:data:`SPONSOR_SUFFIXES` (``#tiktokpartner``, ``#samsungpartner``).

Problems are reported all at once with their place (file, line or row, column, the value
escaped) as :class:`~lineup.errors.PostsError` (exit code 2).  Posts with 0 followers are
skipped with a warning that counts and locates them (an engagement rate needs followers);
dates in the future, fractional counts and more engagements than followers are kept with a
warning.  A JSON list or object where one value belongs, a numeric id above 2**53 read as a
double (spreadsheets, JSON floats), a repeated column name, ``1,5`` in a count column and a file
given twice are located errors.  Several files are joined and deduplicated on
``(platform, post_id)``: a warning counts the duplicates, and when one post has different numbers in two
files the later file's are kept and the warning says so.
"""

from __future__ import annotations

import difflib
import io
import json
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from .._arrays import factorize
from .._text import counted, printable
from ..errors import PostsError, Problem, RosterError, argument
from .files import csv_cells_up_to, read_user_bytes, shown_path
from .human_numbers import MISSING_TOKENS, explain_bad, parse_numbers
from ..domain.links import platform_name
from ..domain.roster import id_keys
from .roster import MISSING_IDS, MAX_FEE, MAX_FOLLOWERS, csv_records, header_key, refuse_repeated, xlsx_cells
from .roster_text import decode, delimiter_name, sniff_delimiter

__all__ = ["Posts", "read_posts", "COLUMNS", "ALIASES", "SPONSOR_TAGS", "SPONSOR_SUFFIXES", "ad_tagged"]

#: The columns of :attr:`Posts.frame`, in order.
COLUMNS: tuple[str, ...] = ("post_id", "influencer_id", "platform", "followers", "likes", "comments", "shares",
                            "views", "engagements", "posted_at", "sponsored", "fee")
#: Count columns: a post needs at least one of them.
COUNTS: tuple[str, ...] = ("likes", "comments", "shares", "views", "engagements")

#: Column → accepted file names (matched ignoring case, spaces and punctuation); the first alias found wins.
#: ``hashtags`` and ``caption`` give the sponsored flag; ``posts`` is a cell holding a profile's posts as JSON.
ALIASES: dict[str, tuple[str, ...]] = {
    "post_id": ("post_id", "id", "video_id", "media_id", "shortcode", "post", "video", "post_url", "url", "link"),
    "influencer_id": ("influencer_id", "influencer", "creator_id", "creator", "creator_handle", "user_name",
                      "username", "handle", "author", "author_name", "author_id", "creator_name", "account",
                      "account_name", "owner_username", "channel", "user", "profile", "influencer_name"),
    "platform": ("platform", "network", "social_network", "social_media", "social_platform"),
    "followers": ("followers", "n_followers", "followers_at_posting", "followers_at_posting_time",
                  "followers_count", "follower_count", "n_fans", "fans", "subscribers", "subscriber_count",
                  "audience"),
    "likes": ("likes", "n_likes", "likes_count", "like_count", "n_like", "digg_count", "hearts", "reactions"),
    "comments": ("comments", "n_comments", "comments_count", "comment_count", "n_comment", "replies"),
    "shares": ("shares", "n_shares", "shares_count", "share_count", "n_share", "reposts", "retweets"),
    "views": ("views", "n_plays", "plays", "n_views", "video_view_count", "video_views", "view_count",
              "play_count", "video_play_count"),
    "engagements": ("engagements", "n_engagements", "engagement", "engagement_count", "engagements_count",
                    "total_engagements", "interactions", "total_interactions"),
    "posted_at": ("posted_at", "create_time", "date", "timestamp", "posted", "taken_at", "taken_at_timestamp",
                  "datetime", "created_at", "created", "create_date", "post_date", "date_posted", "posted_on",
                  "published_at", "publish_date", "publish_time", "upload_date", "time"),
    "sponsored": ("sponsored", "is_sponsored", "paid", "is_paid", "ad", "is_ad", "paid_partnership",
                  "is_paid_partnership", "branded_content", "promoted"),
    "fee": ("fee", "fee_paid", "cost", "price", "fee_usd", "cost_usd", "price_usd", "amount_paid", "paid_amount",
            "spend"),
    "hashtags": ("hashtags", "hashtag", "tags", "challenges"),
    "caption": ("caption", "description", "desc", "text", "title"),
    "posts": ("posts", "last_posts", "latest_posts", "recent_posts", "media"),
}

#: Hashtags that disclose a paid post (FTC / ASA disclosure tags), matched whole and case-insensitively.
#: ``gifted`` (free product, no payment), ``collab`` (often creator-to-creator) and ``promo`` (own
#: promotions) are left out on purpose.
SPONSOR_TAGS: frozenset[str] = frozenset({"ad", "ads", "advert", "advertisement", "advertising", "sponsored", "sponsor",
                                          "sponsorship", "paidpartnership", "paidpartner", "paidad", "partner"})
#: Hashtag endings of brand-partnership programmes (``#tiktokpartner``, ``#samsungpartner``, ``#brandpartner``).
SPONSOR_SUFFIXES: tuple[str, ...] = ("partner", "partners")

#: Unix times in seconds accepted: 1973-03-03 … 2286-11-20; in milliseconds: the same dates × 1000.
_SECONDS = (1e8, 1e10)
_MILLIS = (1e11, 1e13)
#: How many places a warning quotes.
_FIRST = 5
_WHAT = "post-history file"


# ------------------------------------------------------------------ the value

@dataclass(frozen=True, eq=False)
class Posts:
    """Per-post observations, one row per post (deduplicated), in the columns :data:`COLUMNS`.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per post; see the module docstring for the columns' meaning and units.
    source : tuple of str
        The files read.
    warnings : tuple of str
        What was assumed, skipped or deduplicated (each counted and located).
    has_sponsored_flag : bool
        Whether the files say which posts are sponsored (a ``sponsored`` column or hashtags).

    Examples
    --------
    >>> df = pd.DataFrame({"post_id": ["p1"], "influencer_id": ["ann"], "platform": ["tiktok"],
    ...                    "followers": [1000.0], "likes": [40.0], "comments": [10.0], "shares": [float("nan")],
    ...                    "views": [900.0], "engagements": [50.0], "posted_at": ["2024-01-05"],
    ...                    "sponsored": [True], "fee": [float("nan")]})
    >>> posts = Posts.from_frame(df)
    >>> posts.engagement_rate.tolist(), posts.has_sponsored_flag, str(posts.frame.posted_at.dtype)
    ([0.05], True, 'datetime64[ns, UTC]')
    """

    frame: pd.DataFrame
    source: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    has_sponsored_flag: bool = False

    @classmethod
    def from_frame(cls, df: pd.DataFrame, *, source: Sequence[str] = (), warnings: Sequence[str] = (),
                   has_sponsored_flag: bool | None = None) -> "Posts":
        """Posts from a DataFrame already in the canonical columns, checked and typed.

        ``has_sponsored_flag`` defaults to whether any post is sponsored.  Raises
        :class:`~lineup.errors.PostsError` for missing or unknown columns, a post id repeated on one platform,
        blank ids, followers that are not > 0, negative counts or fees, and missing dates.
        """
        frame = _canonical(df)
        flag = bool(frame["sponsored"].any()) if has_sponsored_flag is None else bool(has_sponsored_flag)
        return cls(frame, tuple(str(s) for s in source), tuple(str(w) for w in warnings), flag)

    @property
    def engagement_rate(self) -> pd.Series:
        """Each post's engagements ÷ followers (a fraction; NaN where engagements are unknown)."""
        return self.frame["engagements"] / self.frame["followers"]

    def __len__(self) -> int:
        return len(self.frame)

    def __repr__(self) -> str:
        from .._repr import short_repr

        f = self.frame
        return short_repr("Posts", {"posts": len(f), "creators": int(f["influencer_id"].nunique()),
                                    "platforms": ", ".join(sorted(f["platform"].unique())),
                                    "source": " + ".join(self.source), "warnings": len(self.warnings)})


_TEXT_COLUMNS = ("post_id", "influencer_id", "platform")
_FLOAT_COLUMNS = ("followers", "likes", "comments", "shares", "views", "engagements", "fee")


def _canonical(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` checked and typed as :attr:`Posts.frame` (a new frame, columns in :data:`COLUMNS` order)."""
    found = [str(c) for c in df.columns]
    missing = [c for c in COLUMNS if c not in found]
    extra = [c for c in found if c not in COLUMNS]
    if missing or extra:
        hints = "".join(_close(c, COLUMNS) for c in extra)
        raise PostsError(f"posts table: columns must be exactly {', '.join(COLUMNS)}; "
                         f"missing {', '.join(missing) or 'none'}; unknown {', '.join(map(printable, extra)) or 'none'}"
                         f"{hints}")
    out = pd.DataFrame(index=pd.RangeIndex(len(df)))
    for col in _TEXT_COLUMNS:
        values = df[col].to_numpy(dtype=object)
        out[col] = np.array([str(v).strip() if v is not None and v == v else "" for v in values], dtype=object)
    out["platform"] = _column([platform_name(p) for p in out["platform"].tolist()])
    for col in _FLOAT_COLUMNS:
        try:
            out[col] = pd.to_numeric(df[col].to_numpy(), errors="raise").astype(float)
        except (TypeError, ValueError) as exc:
            raise PostsError(f"posts table: column {col!r} is not numeric ({printable(exc, limit=80)})") from None
    try:
        out["posted_at"] = pd.to_datetime(df["posted_at"].to_numpy(), utc=True).astype("datetime64[ns, UTC]")
    except (TypeError, ValueError) as exc:
        raise PostsError(f"posts table: column 'posted_at' is not dates ({printable(exc, limit=80)})") from None
    out["sponsored"] = _bool_column(df["sponsored"])
    out = out[list(COLUMNS)]
    _check_frame(out)
    return out


def _bool_column(series: pd.Series) -> np.ndarray:
    values = series.to_numpy(dtype=object)
    if not all(isinstance(v, (bool, np.bool_)) or v in (0, 1) for v in values.tolist()):
        raise PostsError("posts table: column 'sponsored' must hold True/False")
    return values.astype(bool)


def _check_frame(out: pd.DataFrame) -> None:
    rules = [
        (out["post_id"] == "", "blank post_id"), (out["influencer_id"] == "", "blank influencer_id"),
        (out["platform"] == "", "blank platform"), (~(out["followers"] > 0), "followers not > 0"),
        (out[["likes", "comments", "shares", "views", "engagements", "fee"]].lt(0).any(axis=1), "negative count or fee"),
        (out["posted_at"].isna(), "missing posted_at"), (out[["platform", "post_id"]].duplicated(keep=False), "repeated post_id on one platform"),
    ]
    problems = [Problem(f"posts table, row {r}", what) for mask, what in rules for r in np.flatnonzero(mask)[:_FIRST]]
    if problems:
        raise PostsError(f"posts table: {len(problems)} bad value{'s' if len(problems) != 1 else ''}", problems)


# ------------------------------------------------------------------ reading

def read_posts(paths: str | os.PathLike | Sequence[str | os.PathLike], *, platform: str | None = None) -> Posts:
    """Read one or several post-history files into :class:`Posts` (see the module docstring for the format).

    Parameters
    ----------
    paths : path or sequence of paths
        ``.csv``/``.tsv``/``.txt`` (delimiter sniffed), ``.xlsx``, ``.parquet``, ``.json`` or ``.jsonl``.
        Several files are joined in order; a post repeated in a later file replaces the earlier one.
    platform : str, optional
        The platform of posts whose file has no platform column (or a blank cell); required then.

    Raises
    ------
    PostsError
        Every unusable file or value, located (file, line or row, column, the value).

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp(); p = os.path.join(d, "posts.csv")
    >>> _ = open(p, "w").write("creator,date,followers,likes,comments,sponsored\\n"
    ...                        "@ann,2024-01-05,12.5K,1.2K,30,yes\\nbob,2024-01-06,900,45,5,\\n")
    >>> posts = read_posts(p, platform="Instagram")
    >>> posts.frame[["influencer_id", "platform", "followers", "engagements", "sponsored"]].values.tolist()
    [['ann', 'instagram', 12500.0, 1230.0, True], ['bob', 'instagram', 900.0, 50.0, False]]
    >>> posts.frame.post_id.str.endswith(("posts.csv:2", "posts.csv:3")).all()
    np.True_
    """
    items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    if not items:
        raise PostsError("no post-history file given")
    _refuse_same_file(items)
    parts = [_read_part(Path(p), shown_path(p), platform) for p in items]
    name = " + ".join(p.name for p in parts)
    frame = pd.concat([p.frame for p in parts], ignore_index=True)
    where = np.concatenate([p.where for p in parts])
    id_notes = _unify_ids(frame, where, name)
    keep, duplicate_notes = _deduplicate(frame, where, name, several=len(parts) > 1)
    warnings = [w for p in parts for w in p.warnings] + id_notes + duplicate_notes + _flag_note(parts)
    flag = all(p.has_flag for p in parts)
    return Posts.from_frame(frame[keep], source=tuple(os.fspath(p) for p in items), warnings=warnings,
                            has_sponsored_flag=flag)


def _refuse_same_file(items: list) -> None:
    """One file given twice (``a.csv`` and ``./a.csv``, a link to it): its posts would be read twice."""
    seen: dict[object, object] = {}
    for p in items:
        try:
            st = os.stat(p)
            key: object = (st.st_dev, st.st_ino)
        except OSError:  # read_user_bytes reports a missing file
            key = Path(p).resolve()
        if key in seen:
            a, b = shown_path(seen[key]), shown_path(p)
            raise PostsError(f"{a} is given twice ({'the same path' if a == b else 'as ' + b + ' too'}); its posts "
                             f"would be read twice: give each file once")
        seen[key] = p


def _unify_ids(frame: pd.DataFrame, where: np.ndarray, name: str) -> list[str]:
    """Creator ids the roster would match as one (:func:`~lineup.domain.roster.id_key`: case, full-width letters,
    invisible characters) take their first spelling, in place; a warning counts and locates the changed ones."""
    ids = frame["influencer_id"].to_numpy(dtype=object)
    first = pd.Series(ids).groupby(np.asarray(id_keys(ids), dtype=object), sort=False).transform("first")
    changed = np.flatnonzero(first.to_numpy(dtype=object) != ids)
    if not len(changed):
        return []
    frame["influencer_id"] = first.to_numpy(dtype=object)
    r = int(changed[0])
    return [f"{name}: {counted(len(changed), 'post')} {'names' if len(changed) == 1 else 'name'} a creator spelt "
            f"differently from the first post of the same id (ids are matched as the roster matches them: ignoring "
            f"case, full-width letters and invisible characters), read as the first spelling: e.g. "
            f"'{printable(ids[r])}' as '{printable(first.iloc[r])}' ({_places(where[changed], name)})"]


@dataclass(frozen=True)
class _Part:
    """One file's posts (canonical columns), each row's place, the file's warnings and whether it flags ads."""

    name: str
    frame: pd.DataFrame
    where: np.ndarray
    warnings: list[str]
    has_flag: bool


def _read_part(path: Path, name: str, platform: str | None) -> _Part:
    table = _load(path, name)
    mapping, notes = _match(table.header, name, table.field)
    with _as_posts_error():
        refuse_repeated(mapping, table.header, name)
    if "posts" in mapping and not set(mapping) & set(COUNTS):
        table, mapping, more = _explode(table, mapping, name)
        notes += more
    _require(mapping, table, name)
    table = _drop_blank(table, mapping, name)
    frame, flag, more = _parse(table, mapping, name, platform)
    return _Part(name, frame, frame.pop("_where").to_numpy(dtype=object), notes + more, flag)


@dataclass(frozen=True)
class _Table:
    """A file's cells by column (objects as read: text, typed numbers, dates, lists) and each row's place.

    ``where[r]`` names row ``r`` (``"a.csv, line 5"``); ``ids[r]`` is its synthesised post id; cells of
    ``carried`` columns (a profile's values copied to each of its posts) are located at ``outer[r]``.
    """

    header: list[str]
    cells: dict[str, np.ndarray]
    where: np.ndarray
    ids: np.ndarray
    field: str = "column"
    carried: frozenset[str] = frozenset()
    outer: np.ndarray | None = None
    doubles: bool = False  # numbers were stored as doubles (spreadsheets): integers above 2**53 are not exact

    def loc(self, r: int, col: str) -> str:
        if col in self.carried:
            return f"{self.outer[r]}, column '{printable(col)}'"
        return f"{self.where[r]}, {self.field} '{printable(col)}'"

    def take(self, rows: np.ndarray) -> "_Table":
        outer = None if self.outer is None else self.outer[rows]
        return _Table(self.header, {c: a[rows] for c, a in self.cells.items()}, self.where[rows], self.ids[rows],
                      self.field, self.carried, outer, self.doubles)


@contextmanager
def _as_posts_error() -> Iterator[None]:
    """The roster readers' errors, worded for a post history."""
    try:
        yield
    except RosterError as exc:
        raise PostsError(_reword(exc.message), [_reword(p) for p in exc.problems]) from None


def _reword(text: str) -> str:
    """A roster reader's message about a post-history file.

    >>> _reword("r.csv: the roster file is empty; set roster.encoding")
    'r.csv: the post-history file is empty; set the encoding'
    """
    for old, new in (("roster file", _WHAT), ("the roster", "the post history"), ("roster.encoding", "the encoding"),
                     ("roster.sep", "the delimiter")):
        text = text.replace(old, new)
    return text


def _load(path: Path, name: str) -> _Table:
    raw = read_user_bytes(path, PostsError, _WHAT, name=name)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _load_xlsx(path, name)
    if suffix == ".parquet":
        return _load_parquet(raw, name)
    if suffix in (".json", ".jsonl", ".ndjson"):
        return _load_json(raw, name, lines=suffix != ".json")
    return _load_csv(raw, name, tab=suffix in (".tsv", ".tab"))


def _known(column: str) -> bool:
    return header_key(column) in _ALIAS_KEYS


_ALIAS_KEYS = frozenset(header_key(a) for aliases in ALIASES.values() for a in aliases)


def _load_csv(raw: bytes, name: str, *, tab: bool) -> _Table:
    with _as_posts_error():
        text, _ = decode(raw, name)
    if not text.strip():
        raise PostsError(f"{name}: the {_WHAT} is empty")
    sep = "\t" if tab else sniff_delimiter(text, _known)
    with csv_cells_up_to(len(text)), _as_posts_error():
        header, records, lines = csv_records(text, name, sep)
    width = len(header)
    long = [(k, rec) for k, rec in enumerate(records) if len(rec) > width and any(c.strip() for c in rec[width:])]
    if long:
        raise PostsError(f"{name}: {len(long)} line{'s' if len(long) != 1 else ''} with more values than the header",
                         [Problem(f"{name}, line {lines[k]}", f"{len(rec)} values but the header has {width} columns "
                                  f"(read as {delimiter_name(sep)}-separated; a delimiter inside an unquoted value? "
                                  f"quote it)") for k, rec in long[:20]])
    cells = {}
    for j, col in enumerate(header):
        column = np.empty(len(records), dtype=object)
        column[:] = [rec[j] if j < len(rec) else "" for rec in records]
        cells[col] = column
    return _table(header, cells, name, "line", np.asarray(lines, dtype=np.int64))


def _table(header: list[str], cells: dict[str, np.ndarray], name: str, unit: str, numbers: np.ndarray,
           field: str = "column") -> _Table:
    where = np.array([f"{name}, {unit} {k}" for k in numbers.tolist()], dtype=object)
    ids = np.array([f"{name}:{k}" for k in numbers.tolist()], dtype=object)
    return _Table(header, cells, where, ids, field)


def _load_xlsx(path: Path, name: str) -> _Table:
    with _as_posts_error():
        header, rows, numbers, formulas = xlsx_cells(path, name)
    if formulas:
        raise PostsError(f"{name}: {len(formulas)} formula{'s' if len(formulas) != 1 else ''} without a saved value",
                         [Problem(f"{name}, row {r}, column '{printable(header[j])}'",
                                  f"formula without a saved value ({printable(f)}): open and save the file in Excel, "
                                  f"or export CSV") for r, j, f in formulas[:20]])
    cells = {}
    for j, col in enumerate(header):
        column = np.empty(len(rows), dtype=object)
        column[:] = [("" if row[j] is None else row[j]) if j < len(row) else "" for row in rows]
        cells[col] = column
    return replace(_table(header, cells, name, "row", np.asarray(numbers, dtype=np.int64)), doubles=True)


def _load_parquet(raw: bytes, name: str) -> _Table:
    try:
        frame = pd.read_parquet(io.BytesIO(raw))
    except ImportError as exc:
        raise PostsError(f"{name}: reading this file needs pyarrow: pip install 'lineup[parquet]'") from exc
    except Exception as exc:  # noqa: BLE001 - any reader failure is an unreadable file
        raise PostsError(f"{name}: cannot read the file ({printable(exc, limit=200)})") from exc
    header = [str(c) for c in frame.columns]
    cells = {str(c): frame[c].astype(object).where(frame[c].notna(), "").to_numpy(dtype=object)
             for c in frame.columns}
    return _table(header, cells, name, "row", np.arange(2, len(frame) + 2))


#: Keys of a JSON object under which a list of posts (or profiles) may sit.
_JSON_LISTS = ("posts", "data", "items", "records", "results", "videos")


def _load_json(raw: bytes, name: str, *, lines: bool) -> _Table:
    text = _utf8(raw, name)
    try:
        records, numbers = _json_lines(text) if lines else (json.loads(text, object_pairs_hook=_Object), None)
    except json.JSONDecodeError as exc:
        raise PostsError(f"{name}, line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise PostsError(f"{name}: the JSON is nested too deeply to read") from None
    if isinstance(records, dict):
        key = next((k for k in _JSON_LISTS if isinstance(records.get(k), list)), None)
        if key is None:
            raise PostsError(f"{name}: expected a JSON list of posts (or profiles), or an object with one under "
                             f"{', '.join(_JSON_LISTS)}")
        records = records[key]
    if not isinstance(records, list) or not records:
        raise PostsError(f"{name}: the {_WHAT} holds no records")
    unit, numbers = ("record", np.arange(1, len(records) + 1)) if numbers is None else ("line", numbers)
    odd = [k for k, rec in enumerate(records) if not isinstance(rec, dict)]
    if odd:
        raise PostsError(f"{name}: {len(odd)} record{'s' if len(odd) != 1 else ''} not a JSON object",
                         [Problem(f"{name}, {unit} {numbers[k]}", f"expected an object, got {type(records[k]).__name__}")
                          for k in odd[:20]])
    _refuse_repeated_keys(records, [f"{name}, {unit} {k}" for k in numbers.tolist()], name)
    header = list(dict.fromkeys(str(k) for rec in records for k in rec))
    cells = {}
    for col in header:
        column = np.empty(len(records), dtype=object)
        column[:] = [_json_cell(rec.get(col)) for rec in records]
        cells[col] = column
    return _table(header, cells, name, unit, np.asarray(numbers, dtype=np.int64), "field")


class _Object(dict):
    """A JSON object that remembers the keys it repeats (``{"likes": 1, "likes": 2}``: json keeps the last)."""

    repeated: tuple[str, ...] = ()

    def __init__(self, pairs: list) -> None:
        super().__init__(pairs)
        if len(self) < len(pairs):
            keys = [k for k, _ in pairs]
            self.repeated = tuple(dict.fromkeys(k for k in keys if keys.count(k) > 1))


def _refuse_repeated_keys(objects: list, places: list[str], name: str) -> None:
    """Objects naming one field twice: which value is meant cannot be known (as for a repeated column name)."""
    problems = [Problem(where, f"the field{'s' if len(obj.repeated) != 1 else ''} "
                               f"{', '.join(repr(printable(k)) for k in obj.repeated)} "
                               f"appear{'' if len(obj.repeated) != 1 else 's'} more than once in this object; keep one")
                for obj, where in zip(objects, places) if getattr(obj, "repeated", ())]
    if problems:
        raise PostsError(f"{name}: {counted(len(problems), 'object')} {'repeats' if len(problems) == 1 else 'repeat'} "
                         f"a field", problems[:50])


def _json_lines(text: str) -> tuple[list, np.ndarray]:
    """The records of a JSON-lines text and their line numbers (blank lines skipped); a bad line's error names
    its own line.

    >>> _json_lines('{"a": 1}\\n\\n{"a": 2}\\n')
    ([{'a': 1}, {'a': 2}], array([1, 3]))
    """
    records, numbers = [], []
    for k, line in enumerate(text.split("\n"), start=1):  # not splitlines: JSON strings may hold U+2028
        if not line.strip():
            continue
        try:
            records.append(json.loads(line, object_pairs_hook=_Object))
        except json.JSONDecodeError as exc:
            raise json.JSONDecodeError(exc.msg, text, sum(len(x) + 1 for x in text.split("\n")[:k - 1]) + exc.pos
                                       ) from None
        numbers.append(k)
    return records, np.asarray(numbers, dtype=np.int64)


def _json_cell(value):
    return "" if value is None else value


def _utf8(raw: bytes, name: str) -> str:
    with _as_posts_error():
        return decode(raw, name)[0]


# ------------------------------------------------------------------ columns

def _match(header: list[str], name: str, field: str) -> tuple[dict[str, str], list[str]]:
    """Column → file column by :data:`ALIASES` (first alias found wins; other matches are named in a warning)."""
    by_key: dict[str, str] = {}
    for col in header:
        by_key.setdefault(header_key(col), col)
    mapping: dict[str, str] = {}
    notes = []
    for canon, aliases in ALIASES.items():
        hits = [by_key[k] for k in dict.fromkeys(header_key(a) for a in aliases)
                if k in by_key and by_key[k] not in mapping.values()]
        if hits:
            mapping[canon] = hits[0]
        if len(hits) > 1:
            others = ", ".join(f"'{printable(h)}'" for h in hits[1:])
            notes.append(f"{name}: {field}s '{printable(hits[0])}' and {others} {'both' if len(hits) == 2 else 'all'} look like the {canon} {field}; "
                         f"'{printable(hits[0])}' used")
    return mapping, notes


#: What each required column is called in messages.
_REQUIRED = {"influencer_id": "influencer id", "followers": "followers", "posted_at": "date"}


def _require(mapping: dict[str, str], table: _Table, name: str) -> None:
    """Missing required columns: one error listing the columns found and "did you mean" hints."""
    missing = [c for c in _REQUIRED if c not in mapping]
    if not set(mapping) & set(COUNTS):
        missing.append("counts")
    if not missing:
        return
    found = table.header
    words = [_REQUIRED.get(c, "likes, comments, shares, views or engagements") for c in missing]
    hints = "".join(_hint(c, found) for c in missing)
    shown = [c for m in missing for c in (("likes", "views") if m == "counts" else (m,))]
    accepted = "; ".join(f"{_REQUIRED.get(c, c)}: {', '.join(ALIASES[c][:6])}, …" for c in shown)
    raise PostsError(f"{name}: no {' and no '.join(words)} {table.field}; found {table.field}s: "
                     f"{', '.join(repr(printable(c)) for c in found) or 'none'}{hints} (accepted names, ignoring "
                     f"case, spaces and punctuation: {accepted})")


def _hint(canon: str, found: list[str]) -> str:
    """``" (did you mean 'n_followers' for 'n_folowers'?)"`` when a found column is close to an alias.

    >>> _hint("followers", ["user", "n_folowers"])
    " (did you mean 'n_followers' for 'n_folowers'?)"
    """
    aliases = [a for c in (COUNTS if canon == "counts" else (canon,)) for a in ALIASES[c]]
    keys = {header_key(a): a for a in aliases}
    for col in found:
        close = difflib.get_close_matches(header_key(col), list(keys), n=1, cutoff=0.8)
        if close:
            return f" (did you mean '{keys[close[0]]}' for '{printable(col)}'?)"
    return ""


def _close(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r} for {printable(word)!r}?)" if close else ""


def _blank(cells: np.ndarray) -> np.ndarray:
    """Cells holding nothing: ``""``, ``None``, NaN or a missing token (``N/A``)."""
    out = np.zeros(len(cells), dtype=bool)
    for k, c in enumerate(cells.tolist()):
        if c is None or (isinstance(c, float) and c != c):
            out[k] = True
        elif isinstance(c, str) and len(c) <= 6 and c.strip().lower() in MISSING_TOKENS:
            out[k] = True
    return out


def _drop_blank(table: _Table, mapping: dict[str, str], name: str) -> _Table:
    """Rows with nothing in any used column are left out (spreadsheets keep empty rows); none left: error."""
    used = [mapping[c] for c in mapping if c != "posts"]
    blank = np.ones(len(table.where), dtype=bool)
    for col in used:
        rows = np.flatnonzero(blank)
        if not len(rows):
            break
        blank[rows] = _blank(table.cells[col][rows])
    if blank.all():
        raise PostsError(f"{name}: no posts (the file has a header but no data rows)")
    return table.take(np.flatnonzero(~blank)) if blank.any() else table


# ------------------------------------------------------------------ profiles with their posts in a cell

_PROFILE = ("influencer_id", "followers", "platform")


def _explode(table: _Table, mapping: dict[str, str], name: str) -> tuple[_Table, dict[str, str], list[str]]:
    """One row per post of a profiles table whose ``posts`` cell holds a JSON array of post objects."""
    col = mapping["posts"]
    owner, index, posts, problems, empty = [], [], [], [], []
    for r, cell in enumerate(table.cells[col].tolist()):
        items, problem = _post_list(cell)
        if problem:
            problems.append(Problem(table.loc(r, col), problem))
        elif not items:
            empty.append(r)
        for k, item in enumerate(items):
            if not isinstance(item, dict):
                problems.append(Problem(f"{table.where[r]}, column '{printable(col)}', post {k + 1}",
                                        f"expected an object, got {type(item).__name__}"))
                continue
            owner.append(r)
            index.append(k + 1)
            posts.append(item)
    if problems:
        raise PostsError(f"{name}: {len(problems)} unreadable post list{'s' if len(problems) != 1 else ''} in "
                         f"column '{printable(col)}'", problems[:50])
    if not posts:
        raise PostsError(f"{name}: no posts (every cell of column '{printable(col)}' is empty)")
    _refuse_repeated_keys(posts, [f"{table.where[r]}, column '{printable(col)}', post {k}"
                                  for r, k in zip(owner, index)], name)
    inner_header = list(dict.fromkeys(str(k) for p in posts for k in p))
    inner, notes = _match(inner_header, name, "field")
    inner.pop("posts", None)
    rows = np.asarray(owner, dtype=np.int64)
    cells = {c: _column([_json_cell(p.get(c)) for p in posts]) for c in inner_header}
    carried = set()
    for canon in _PROFILE:
        if canon in mapping and canon not in inner:
            outer_col = mapping[canon]
            cells[outer_col] = table.cells[outer_col][rows]
            inner[canon] = outer_col
            carried.add(outer_col)
    suffix = [f", column '{printable(col)}', post {k}" for k in index]
    where = np.array([w + s for w, s in zip(table.where[rows].tolist(), suffix)], dtype=object)
    ids = np.array([f"{i}.{k}" for i, k in zip(table.ids[rows].tolist(), index)], dtype=object)
    exploded = _Table(list(cells), cells, where, ids, "field", frozenset(carried), table.where[rows])
    if "followers" in carried:
        notes.append(f"{name}: followers at posting time taken from the profile (same for every post of a "
                     f"creator): column '{printable(mapping['followers'])}'")
    if empty:
        notes.append(f"{name}: {len(empty)} profile{'s have' if len(empty) != 1 else ' has'} no posts in column "
                     f"'{printable(col)}' ({_places(table.where[empty], name)})")
    return exploded, inner, notes


def _post_list(cell) -> tuple[list, str | None]:
    """A cell's posts: a list (JSON files) or JSON text (CSV files); blank → no posts."""
    if isinstance(cell, (list, tuple)):
        return list(cell), None
    if cell is None or (isinstance(cell, float) and cell != cell) or (isinstance(cell, str) and not cell.strip()):
        return [], None
    if not isinstance(cell, str):
        return [], f"expected a JSON array of posts, got {printable(cell, limit=40)!r}"
    try:
        items = json.loads(cell, object_pairs_hook=_Object)
    except (json.JSONDecodeError, RecursionError) as exc:
        return [], f"not a JSON array of posts ({printable(getattr(exc, 'msg', exc))}): {printable(cell, limit=40)!r}"
    if not isinstance(items, list):
        return [], f"expected a JSON array of posts, got {printable(cell, limit=40)!r}"
    return items, None


def _column(values: list) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _places(where: np.ndarray, name: str = "") -> str:
    """The first few places, without the file's name when the message names it already.

    >>> _places(np.array(["a.csv, line 2", "a.csv, line 9"], dtype=object), "a.csv")
    'line 2, line 9'
    """
    shown = ", ".join(str(w).removeprefix(f"{name}, ") for w in where[:_FIRST].tolist())
    return shown + (", …" if len(where) > _FIRST else "")


# ------------------------------------------------------------------ values

def _parse(table: _Table, mapping: dict[str, str], name: str, platform: str | None
           ) -> tuple[pd.DataFrame, bool, list[str]]:
    """The canonical columns of one file, its sponsorship flag and notes; every bad cell is one located problem."""
    n = len(table.where)
    problems: list[tuple[int, Problem]] = []
    notes: list[str] = []
    out: dict[str, object] = {}
    _refuse_structured(table, mapping, name)
    out["post_id"] = _post_ids(table, mapping, problems)
    out["influencer_id"] = _influencer_ids(table, mapping["influencer_id"], problems)
    out["platform"] = _platforms(table, mapping.get("platform"), platform, name, problems)
    for canon in ("followers", "likes", "comments", "shares", "views", "engagements", "fee"):
        out[canon] = _numbers(table, mapping.get(canon), canon, problems) if canon in mapping else np.full(n, np.nan)
    out["posted_at"], note = _dates(table, mapping["posted_at"], problems)
    notes += [f"{name}: {note}"]
    out["sponsored"], flag = _sponsorship(table, mapping, problems)
    counts = np.vstack([out[c] for c in COUNTS])
    flagged = {r for r, _ in problems}  # a bad count cell is reported already
    for r in np.flatnonzero(np.isnan(counts).all(axis=0)):
        if r in flagged:
            continue
        problems.append((int(r), Problem(str(table.where[r]), "no likes, comments, shares, views or engagements "
                                                               "given")))
    out["engagements"] = _engagements(out)
    notes += _implausible(table, out, name)
    if problems:
        raise PostsError(f"{name}: {len({r for r, _ in problems})} unusable post"
                         f"{'s' if len({r for r, _ in problems}) != 1 else ''}",
                         [p for _, p in sorted(problems, key=lambda rp: rp[0])])
    frame = pd.DataFrame({c: out[c] for c in COLUMNS})
    frame["_where"] = table.where
    zero = np.flatnonzero(frame["followers"].to_numpy() == 0)
    if len(zero) == n:
        raise PostsError(f"{name}: every post has 0 followers; an engagement rate needs followers at posting time")
    if len(zero):
        notes.append(f"{name}: {len(zero):,} post{'s have' if len(zero) != 1 else ' has'} 0 followers: skipped "
                     f"({_places(table.where[zero], name)})")
        frame = frame.drop(index=zero).reset_index(drop=True)
    notes += _future(frame, name)
    return frame, flag, notes


#: Fields that may hold a JSON list: hashtags, and a profile's posts.
_LISTS = ("hashtags", "posts")


def _refuse_structured(table: _Table, mapping: dict[str, str], name: str) -> None:
    """A JSON list or object where one value belongs (``"likes": [1, 2]``, ``"user": {"id": 1}``): refused, located."""
    problems = []
    for canon, col in mapping.items():
        if canon in _LISTS:
            continue
        for r, c in enumerate(table.cells[col].tolist()):
            if isinstance(c, (list, tuple, dict)):
                kind = "an object" if isinstance(c, dict) else "a list"
                problems.append(Problem(table.loc(r, col), f"expected one value for {canon}, got {kind}: "
                                                           f"{printable(json.dumps(c, default=str), limit=60)}"))
    if problems:
        raise PostsError(f"{name}: {counted(len(problems), 'value')} {'is' if len(problems) == 1 else 'are'} a JSON "
                         f"list or object where one value belongs", problems[:50])


#: Integers above this are not exact as doubles (spreadsheets, JSON floats): two ids could become one.
_EXACT = 2 ** 53


def _inexact(table: _Table, cells: np.ndarray, col: str, what: str, problems: list) -> None:
    """Ids typed as numbers too large to be exact (``6.89e18`` from a spreadsheet): located problems."""
    for r, c in enumerate(cells.tolist()):
        big = (isinstance(c, float) or (table.doubles and isinstance(c, (int, np.integer)) and not isinstance(c, bool))
               ) and c == c and abs(c) > _EXACT
        if big:
            problems.append((r, Problem(table.loc(r, col), f"the {what} {_shown(c)!r} is a number too large to be "
                                                           f"exact (above 2^53; digits may be lost and two posts "
                                                           f"merged): store ids as text")))


def _text(cells: np.ndarray) -> np.ndarray:
    """Cells as trimmed text; integral numbers without ``.0`` (ids typed as numbers by a spreadsheet)."""
    def one(c) -> str:
        if isinstance(c, float):
            return "" if c != c else (str(int(c)) if c.is_integer() else repr(c))
        return str(c).strip()
    return _column([one(c) for c in cells.tolist()])


def _post_ids(table: _Table, mapping: dict[str, str], problems: list) -> np.ndarray:
    if "post_id" not in mapping:
        return table.ids.copy()
    _inexact(table, table.cells[mapping["post_id"]], mapping["post_id"], "post id", problems)
    given = _text(table.cells[mapping["post_id"]])
    return np.where(given == "", table.ids, given)


def _influencer_ids(table: _Table, col: str, problems: list) -> np.ndarray:
    _inexact(table, table.cells[col], col, "influencer id", problems)
    ids = _column([s.lstrip("@").strip() for s in _text(table.cells[col]).tolist()])
    blank = np.flatnonzero([s.lower() in MISSING_IDS for s in ids.tolist()])  # `null`, `NA` are real handles
    problems += [(int(r), Problem(table.loc(r, col), "the influencer id is missing")) for r in blank]
    return ids


def _platforms(table: _Table, col: str | None, platform: str | None, name: str, problems: list) -> np.ndarray:
    n = len(table.where)
    default = platform_name(platform) if platform and platform.strip() else ""
    if col is None:
        if not default:
            raise PostsError(f"{name}: no platform column and no platform given; say which platform the posts are "
                             f"from ({argument('platform', 'tiktok')})")
        return np.full(n, default, dtype=object)
    cells = _column([platform_name(s) for s in _text(table.cells[col]).tolist()])
    blank = _blank(cells)
    if default:
        cells[blank] = default
    else:
        problems += [(int(r), Problem(table.loc(r, col), "the platform is missing (fill it, or pass the platform: "
                                                         "platform='tiktok'; --platform tiktok on the command line)")) for r in np.flatnonzero(blank)]
    return cells


#: Largest count of likes, comments, shares, views or engagements accepted on one post.
MAX_COUNT = 1e12


def _numbers(table: _Table, col: str, canon: str, problems: list) -> np.ndarray:
    raw = table.cells[col]
    values, bad = parse_numbers(raw)
    problems += [(int(r), Problem(table.loc(r, col), explain_bad(raw[r]))) for r in np.flatnonzero(bad)]
    if canon in _WHOLE:
        bad = bad | _ambiguous_commas(table, col, canon, bad, problems)
    top = {"followers": MAX_FOLLOWERS, "fee": MAX_FEE}.get(canon, MAX_COUNT)
    with np.errstate(invalid="ignore"):
        negative = np.flatnonzero(values < 0)
        huge = np.flatnonzero(values > top)
    problems += [(int(r), Problem(table.loc(r, col), f"{canon} must be >= 0, got {_shown(raw[r])!r}"))
                 for r in negative]
    problems += [(int(r), Problem(table.loc(r, col), f"{canon} must be at most {top:,.0f}, got {_shown(raw[r])!r}"))
                 for r in huge]
    if canon == "followers":
        missing = np.flatnonzero(np.isnan(values) & ~bad)
        problems += [(int(r), Problem(table.loc(r, col), "followers are missing (followers at posting time are "
                                                         "needed for an engagement rate)")) for r in missing]
    return values


#: ``1,5`` or ``12,50``: a decimal comma, or a thousands separator with digits missing; a count is whole.
_DECIMAL_COMMA = re.compile(r"\s*[+-]?\d{1,3},\d{1,2}\s*")
#: Whole-number columns.
_WHOLE = ("followers", "likes", "comments", "shares", "views", "engagements")


def _ambiguous_commas(table: _Table, col: str, canon: str, bad: np.ndarray, problems: list) -> np.ndarray:
    """``1,5`` in a count column is 1.5 (a decimal comma) or 15/1,500 mistyped: refused as ambiguous (located)."""
    hits = np.array([isinstance(c, str) and bool(_DECIMAL_COMMA.fullmatch(c)) for c in table.cells[col].tolist()],
                    dtype=bool) & ~bad
    problems += [(int(r), Problem(table.loc(r, col), f"ambiguous {canon} {_shown(table.cells[col][r])!r}: a decimal "
                                                     f"comma, but {canon} are whole numbers (a thousands separator "
                                                     f"with digits missing?); write the whole number"))
                 for r in np.flatnonzero(hits)]
    return hits


def _implausible(table: _Table, out: dict, name: str) -> list[str]:
    """Warnings (counted, located; the posts are kept) for fractional counts and more engagements than followers."""
    notes = []
    with np.errstate(invalid="ignore"):
        derived = ~np.isnan(np.vstack([out["likes"], out["comments"], out["shares"]])).all(axis=0)
        values = np.vstack([out[c] for c in _WHOLE])
        fractional = (values % 1 != 0) & ~np.isnan(values)
        fractional[_WHOLE.index("engagements")] &= ~derived  # a sum of the file's counts: reported as those
        over = np.flatnonzero(out["engagements"] > out["followers"])
    rows = np.flatnonzero(fractional.any(axis=0))
    if len(rows):
        cols = ", ".join(c for c, hit in zip(_WHOLE, fractional.any(axis=1)) if hit)
        notes.append(f"{name}: {counted(len(rows), 'post')} {'has' if len(rows) == 1 else 'have'} a fractional count "
                     f"({cols}), kept as written: {_places(table.where[rows], name)}; counts are whole numbers, "
                     f"check the file")
    if len(over):
        notes.append(f"{name}: {counted(len(over), 'post')} {'has' if len(over) == 1 else 'have'} more engagements "
                     f"than followers (engagement rate > 1), kept: {_places(table.where[over], name)}; check the "
                     f"followers column (followers at posting time?)")
    return notes


def _shown(cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return printable(cell, limit=60)


def _engagements(out: dict) -> np.ndarray:
    """Likes + comments + shares (the ones given); a post with none of them takes the file's engagements."""
    stack = np.vstack([out["likes"], out["comments"], out["shares"]])
    none = np.isnan(stack).all(axis=0)
    return np.where(none, out["engagements"], np.nansum(stack, axis=0))


# ------------------------------------------------------------------ dates

_ISO = re.compile(r"\s*\d{4}-\d{1,2}-\d{1,2}(?:[T ].*)?\s*|\s*\d{4}/\d{1,2}/\d{1,2}(?:[T ].*)?\s*")
_DMY = re.compile(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:[T ].*)?\s*")
_MONTH_NAME = re.compile(r".*[A-Za-z]{3,}.*\d{4}.*|.*\d{4}.*[A-Za-z]{3,}.*")


def _dates(table: _Table, col: str, problems: list) -> tuple[np.ndarray, str]:
    """The column as UTC times, and a note saying how it was read (unix seconds/milliseconds or written dates)."""
    raw = table.cells[col]
    n = len(raw)
    out = np.full(n, np.datetime64("NaT", "ns"))
    blank = _blank(raw)
    problems += [(int(r), Problem(table.loc(r, col), "the date is missing")) for r in np.flatnonzero(blank)]
    numbers, not_number = parse_numbers(_column([c if not _written_date(c) else "x" for c in raw.tolist()]))
    numeric = ~blank & ~not_number & np.isfinite(numbers)
    suffixed = numeric & np.array([isinstance(c, str) and bool(re.search(r"[^\d\s.,+-]", c)) for c in raw.tolist()],
                                  dtype=bool)
    problems += [(int(r), Problem(table.loc(r, col), f"not a date: {_shown(raw[r])!r} (a number with a unit or "
                                                     f"suffix); write dates as YYYY-MM-DD or unix seconds in full"))
                 for r in np.flatnonzero(suffixed)]
    numeric &= ~suffixed
    written = ~blank & ~numeric & ~suffixed
    place = f"column '{printable(col)}'" if table.field == "column" or col in table.carried else f"field '{col}'"
    if numeric.any() and written.any():
        minority = np.flatnonzero(written if written.sum() <= numeric.sum() else numeric)
        problems += [(int(r), Problem(table.loc(r, col), f"the column mixes unix times and written dates "
                                                         f"({_shown(raw[r])!r}); write every date one way"))
                     for r in minority]
        return out, f"{place}: dates unreadable"
    if numeric.any():
        return _unix(table, col, numbers, numeric, out, problems, place)
    return _written(table, col, raw, written, out, problems, place)


def _written_date(cell) -> bool:
    """A date object, or text written as day.month.year (``05.01.2024``, which would otherwise read as a number)."""
    return isinstance(cell, (datetime, date, pd.Timestamp)) or (isinstance(cell, str) and bool(_DMY.fullmatch(cell)))


def _unix(table, col, numbers, numeric, out, problems, place) -> tuple[np.ndarray, str]:
    rows = np.flatnonzero(numeric)
    v = numbers[rows]
    seconds = (v >= _SECONDS[0]) & (v < _SECONDS[1])
    millis = (v >= _MILLIS[0]) & (v < _MILLIS[1])
    unit, ok = ("s", seconds) if seconds.sum() >= millis.sum() else ("ms", millis)
    other = "milliseconds" if unit == "s" else "seconds"
    word = "seconds" if unit == "s" else "milliseconds"
    for r, is_other in zip(rows[~ok].tolist(), (millis if unit == "s" else seconds)[~ok].tolist()):
        why = (f"looks like unix {other} while the rest of the column is unix {word}" if is_other else
               "is not a date: a number that is neither unix seconds nor milliseconds (1973–2286); write dates "
               "as YYYY-MM-DD")
        problems.append((int(r), Problem(table.loc(r, col), f"{_shown(table.cells[col][r])!r} {why}")))
    good = rows[ok]
    out[good] = (numbers[good] * (1e9 if unit == "s" else 1e6)).round().astype(np.int64).view("datetime64[ns]")
    return out, f"{place} read as unix time in {word} (UTC)"


def _written(table, col, raw, written, out, problems, place) -> tuple[np.ndarray, str]:
    rows = np.flatnonzero(written)
    codes, uniques = factorize(raw[rows])
    texts = [u.strip() if isinstance(u, str) else u for u in uniques.tolist()]
    dmy = [m for t in texts if isinstance(t, str) and (m := _DMY.fullmatch(t))]
    dayfirst, order_problem = _day_order(dmy)
    parsed = np.array([_one_date(t, dayfirst) for t in texts], dtype="datetime64[ns]") if texts else \
        np.zeros(0, dtype="datetime64[ns]")
    for u in np.flatnonzero(np.isnat(parsed)):
        if order_problem and isinstance(texts[u], str) and _DMY.fullmatch(texts[u]):
            why = order_problem
        elif isinstance(texts[u], str) and _ISO.fullmatch(texts[u]):
            why = f"not a readable date: {_shown(texts[u])!r} (an impossible day, or outside 1677–2262)"
        else:
            why = f"not a date: {_shown(texts[u])!r}; write dates as YYYY-MM-DD (or unix seconds)"
        problems += [(int(r), Problem(table.loc(int(r), col), why)) for r in rows[codes == u]]
    out[rows] = parsed[codes]
    order = {True: "day/month/year", False: "month/day/year"}.get(dayfirst, "year-month-day")
    return out, f"{place} read as written dates ({order}; UTC unless a time zone is written)"


def _day_order(matches: list) -> tuple[bool | None, str | None]:
    """Day first (True), month first (False) or not needed (None) for ``12/03/2024``-style dates, and why not."""
    if not matches:
        return None, None
    firsts = [int(m.group(1)) for m in matches]
    seconds = [int(m.group(2)) for m in matches]
    if any(f > 12 for f in firsts) and any(s > 12 for s in seconds):
        return None, "dates are written both day-first and month-first in this column; write them as YYYY-MM-DD"
    if any(f > 12 for f in firsts):
        return True, None
    if any(s > 12 for s in seconds) or all(f == s for f, s in zip(firsts, seconds)):
        return False, None
    example = next(m.group(0).strip() for m in matches if m.group(1) != m.group(2))
    return None, (f"ambiguous date {example!r}: no day above 12 in the column tells whether it is day/month or "
                  f"month/day; write dates as YYYY-MM-DD")


def _one_date(cell, dayfirst: bool | None) -> np.datetime64:
    """One written date as UTC (naive times taken as UTC); NaT when it is not a date."""
    if isinstance(cell, (datetime, date, pd.Timestamp, np.datetime64)):
        return _utc(pd.Timestamp(cell))
    if not isinstance(cell, str):
        return np.datetime64("NaT", "ns")
    if _ISO.fullmatch(cell):
        how = {"format": "ISO8601"} if "-" in cell[:5] else {"format": "mixed"}
    elif _DMY.fullmatch(cell):
        if dayfirst is None and _DMY.fullmatch(cell).group(1) != _DMY.fullmatch(cell).group(2):
            return np.datetime64("NaT", "ns")
        how = {"format": "mixed", "dayfirst": bool(dayfirst)}
    elif _MONTH_NAME.fullmatch(cell):
        how = {"format": "mixed"}
    else:
        return np.datetime64("NaT", "ns")
    try:
        return _utc(pd.to_datetime(cell, **how))
    except (ValueError, OverflowError, TypeError):
        return np.datetime64("NaT", "ns")


def _utc(stamp: pd.Timestamp) -> np.datetime64:
    if stamp is pd.NaT:
        return np.datetime64("NaT", "ns")
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return np.datetime64(stamp.tz_localize(None).as_unit("ns").to_datetime64(), "ns")


def _future(frame: pd.DataFrame, name: str) -> list[str]:
    """A warning counting and locating posts dated after now (kept: the clock or the file may be off)."""
    now = pd.Timestamp.now(tz="UTC")
    rows = np.flatnonzero(frame["posted_at"].to_numpy() > now.tz_localize(None).to_datetime64())
    if not len(rows):
        return []
    return [f"{name}: {len(rows):,} post{'s are' if len(rows) != 1 else ' is'} dated in the future (after "
            f"{now:%Y-%m-%d %H:%M} UTC), kept: {_places(frame['_where'].to_numpy()[rows], name)}; check the date column"]


# ------------------------------------------------------------------ sponsorship

_TRUE = frozenset({"true", "yes", "y", "1", "x", "t", "✓", "✔", "sponsored", "paid", "ad"})
_FALSE = frozenset({"false", "no", "n", "0", "f", "organic", "unpaid", "not sponsored"})


def _sponsorship(table: _Table, mapping: dict[str, str], problems: list) -> tuple[np.ndarray, bool]:
    """Each post's sponsored flag (column where given, else hashtags), and whether the file says at all."""
    n = len(table.where)
    tagged = np.zeros(n, dtype=bool)
    if "hashtags" in mapping:
        tagged |= ad_tagged(table.cells[mapping["hashtags"]])
    if "caption" in mapping:
        tagged |= ad_tagged(table.cells[mapping["caption"]], marked=True)
    if "sponsored" not in mapping:
        return tagged, "hashtags" in mapping or "caption" in mapping
    col = mapping["sponsored"]
    flags = np.zeros(n, dtype=bool)
    known = np.zeros(n, dtype=bool)
    for r, cell in enumerate(table.cells[col].tolist()):
        value = _flag(cell)
        if value is None:
            problems.append((r, Problem(table.loc(r, col), f"not yes/no: {_shown(cell)!r} (write yes or no, "
                                                           f"true or false, 1 or 0)")))
        elif value is not _UNKNOWN:
            flags[r], known[r] = value, True
    return np.where(known, flags, tagged), True


_UNKNOWN = object()


def _flag(cell):
    """True/False, :data:`_UNKNOWN` for a blank cell, ``None`` for something else."""
    if isinstance(cell, (bool, np.bool_)):
        return bool(cell)
    if isinstance(cell, (int, float)) and cell in (0, 1):
        return bool(cell)
    if isinstance(cell, float) and cell != cell:
        return _UNKNOWN
    text = " ".join(str(cell).lower().split())
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return _UNKNOWN if text in MISSING_TOKENS else None


def ad_tagged(cells, *, marked: bool = False) -> np.ndarray:
    """Which cells carry a sponsorship hashtag (:data:`SPONSOR_TAGS`, or a tag ending in :data:`SPONSOR_SUFFIXES`).

    ``cells`` hold hashtags as a list (``"['fyp', 'Ad']"``, ``"#ad #fyp"``, a JSON list); with
    ``marked=True`` (captions) only words written with ``#`` count.

    Examples
    --------
    >>> ad_tagged(["['fyp', 'Ad']", "['tiktokpartner']", "['adidas', 'partnergoals']", ""]).tolist()
    [True, True, False, False]
    >>> ad_tagged(["Loving my new partner! #fyp", "New serum #SamsungPartner"], marked=True).tolist()
    [False, True]
    """
    cells = np.asarray(cells, dtype=object)
    if not len(cells):
        return np.zeros(0, dtype=bool)
    codes, uniques = factorize([c if isinstance(c, str) else repr(c) for c in cells.tolist()])
    pattern = re.compile(r"#(\w+)" if marked else r"(\w+)")
    hit = np.array([any(t in SPONSOR_TAGS or t.endswith(SPONSOR_SUFFIXES) for t in pattern.findall(u.lower()))
                    for u in uniques.tolist()], dtype=bool)
    return hit[codes]


def _flag_note(parts: list[_Part]) -> list[str]:
    silent = [p.name for p in parts if not p.has_flag]
    if not silent or len(silent) == len(parts):
        return []
    return [f"{', '.join(silent)}: no sponsored column and no hashtags, so their posts count as organic; the posts "
            f"as a whole are taken to carry no sponsored flag"]


# ------------------------------------------------------------------ duplicates

_COMPARED = ("influencer_id", "followers", "likes", "comments", "shares", "views", "engagements",
             "posted_at", "sponsored", "fee")


def _deduplicate(frame: pd.DataFrame, where: np.ndarray, name: str, *, several: bool) -> tuple[np.ndarray, list[str]]:
    """Rows to keep (the last of each post_id) and warnings counting duplicates and conflicting numbers."""
    later = frame[["platform", "post_id"]].duplicated(keep="last").to_numpy()
    if not later.any():
        return ~later, []
    scope = "several files" if several else "several rows"
    notes = [f"{name}: dropped {int(later.sum()):,} duplicate post{'s' if later.sum() != 1 else ''} (same platform and "
             f"post_id in {scope})"]
    repeated = frame[frame[["platform", "post_id"]].duplicated(keep=False).to_numpy()]
    varying = repeated.groupby(["platform", "post_id"], sort=False)[list(_COMPARED)].nunique(dropna=False) > 1
    conflicts = varying.index[varying.any(axis=1).to_numpy()]
    if len(conflicts):
        example = conflicts[0]
        rows = np.flatnonzero(((frame["platform"] == example[0]) & (frame["post_id"] == example[1])).to_numpy())
        first, last = int(rows[0]), int(rows[-1])
        column = next(c for c in _COMPARED if varying.loc[example, c])
        notes.append(f"{name}: {len(conflicts):,} of the repeated posts {'has' if len(conflicts) == 1 else 'have'} "
                     f"different numbers in different "
                     f"{'files' if several else 'rows'} (e.g. {printable(example[0])} post '{printable(example[1])}': {column} "
                     f"{_value(frame[column].iloc[first])} on {where[first]} vs {_value(frame[column].iloc[last])} on "
                     f"{where[last]}); the later {'file' if several else 'row'}'s values kept")
    return ~later, notes


def _value(v) -> str:
    if isinstance(v, (float, np.floating)):
        return "blank" if np.isnan(v) else f"{v:,.6g}"
    return printable(v, limit=40)

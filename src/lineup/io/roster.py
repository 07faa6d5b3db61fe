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

Average interaction counts (``avg_likes``, ``avg_engagements``, ``avg_views`` …) give
the engagement rate of rows whose rate is blank (:func:`_derive_rates`, flagged
``er_derived``).  Text files' delimiter and encoding are sniffed
(:mod:`lineup.io.roster_text`); several files are joined and repeated ids decided by
:mod:`lineup.io.roster_rows`.

Every unusable row is reported with its physical line number (header = line 1)
and the reason, all at once; with ``on_bad_rows="skip"`` they are dropped and
summarised by kind in one warning.

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
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import numpy as np
import scipy.sparse as sp

from .._arrays import factorize, first_of_each
from ..domain.countries import country_code, country_name
from ..domain.packages import Packages
from ..domain.plausibility import VIEW_PLATFORMS, apply_plausibility
from ..domain.priors import engagement_prior, fee_prior
from ..domain.roster import Roster, column_name
from ..domain.scenario import did_you_mean
from ..domain.tiers import Tiers
from ..errors import Problem, RosterError
from .files import csv_cells_up_to
from .human_numbers import MISSING_TOKENS, explain_bad, parse_numbers, percent_column_units
from .roster_extra import extra_columns, parse_extra, parse_flags
from .roster_packages import PackageRows, packages_of, split_packages
from .roster_rows import DuplicatePolicy, resolve_duplicates, skip_summary
from .roster_text import decode, delimiter_name, sniff_delimiter

__all__ = ["ALIASES", "MISSING_IDS", "read_roster", "read_roster_packages", "niche_matrix_from_cells", "header_key", "csv_records", "xlsx_cells", "refuse_repeated"]

#: Canonical column → accepted names (matched after :func:`header_key`: case, spaces, punctuation and line
#: breaks ignored), grown from real exports: vendor tools and public monthly top lists.  When several
#: file columns match, the first alias wins, except for ``id`` (the most handle-like column wins, see
#: :func:`_handle_score`) and ``posts`` (lifetime post counts are set aside, see :func:`_posts_columns`).
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("handle", "username", "user_name", "account", "instagram_name", "instagram_handle",
           "instagram_username", "tiktok_name", "tiktok_handle", "tiktok_username", "tiktoker_name", "tiktoker",
           "youtube_channel", "youtube_handle", "channel", "channel_name", "channel_info", "youtuber_name",
           "youtuber", "account_name", "profile", "creator_handle", "influencer_handle", "id", "user",
           "creator", "influencer", "creator_name", "influencer_name", "name"),
    "platform": ("platform", "network", "social_network", "social_media", "social_platform", "channel_platform"),
    "followers": ("followers", "subscribers", "followers_count", "#followers", "fans", "audience",
                  "subscriber_count", "follower_count", "subscribers_count", "fans_count", "total_followers",
                  "total_subscribers", "audience_size", "subs", "instagram_followers", "tiktok_followers",
                  "youtube_subscribers", "number_of_followers"),
    "engagement_rate": ("engagement_rate", "er", "eng_rate", "60d_eng_rate", "engagement",
                        "engagement_rate_pct", "engagement_%", "avg_engagement_rate", "average_engagement_rate",
                        "eng_rate_avg", "er_%", "engagement_rate_%", "avg_engagement", "average_engagement"),
    "fee": ("fee", "price", "cost", "rate", "fee_usd", "fee_gbp", "fee_eur", "price_usd", "cost_usd",
            "price_per_post", "cost_per_post", "fee_per_post", "rate_per_post", "post_price", "sponsored_post_price"),
    "niches": ("niches", "niche", "category", "categories", "topics", "topic", "vertical", "genre", "genres",
               "category_name", "content_category", "interests"),
    "authenticity": ("authenticity", "real_followers", "audience_quality", "authenticity_score",
                     "real_followers_%", "real_followers_pct", "audience_quality_score", "authentic_followers",
                     "authentic_followers_%"),
    "posts": ("posts", "deliverables", "campaign_posts", "posts_per_campaign", "total_posts", "posts_count",
              "post_count", "number_of_posts", "uploads", "video_count", "videos", "media_count"),
    "country": ("country", "location", "country_code", "country_name", "audience_country", "top_country",
                "region"),
    "avg_engagements": ("avg_engagements", "eng_avg", "engagements_avg", "engagement_avg", "average_engagements",
                        "avg_interactions", "average_interactions", "interactions_avg", "engagements_per_post",
                        "engagement_per_post", "avg_engagement_count",
                        # engagements from real followers only (HypeAuditor-style top lists): used when no
                        # total is given, and then a roster authenticity would discount twice (warned)
                        "authentic_engagement", "authentic_engagements", "avg_authentic_engagement"),
    "avg_likes": ("avg_likes", "average_likes", "likes_avg", "avg_like", "likes_per_post", "mean_likes"),
    "avg_comments": ("avg_comments", "average_comments", "comments_avg", "avg_comment", "comments_per_post",
                     "mean_comments"),
    "avg_shares": ("avg_shares", "average_shares", "shares_avg", "avg_share", "shares_per_post", "mean_shares"),
    "avg_views": ("avg_views", "average_views", "views_avg", "avg_view", "views_per_post", "views_per_video",
                  "mean_views"),
    "package": ("package", "deliverable", "offer", "rate_card_item", "package_name", "package_id"),
    "package_engagement_rate": ("package_engagement_rate", "package_er", "package_eng_rate"),
    "usage_rights": ("usage_rights", "usage", "includes_usage_rights", "rights"),
    "url": ("url", "profile_url", "profile_link", "link", "channel_url", "channel_link", "page_url",
            "instagram_url", "tiktok_url", "youtube_url", "profile_page", "link_to_profile"),
}
#: Columns of average interactions per post, from which a blank engagement rate is derived.
COUNT_COLUMNS = ("avg_engagements", "avg_likes", "avg_comments", "avg_shares", "avg_views")
REQUIRED = ("id", "followers")
#: A ``posts`` column whose median is above this is a lifetime post count.
POSTS_MEDIAN_LIMIT = 50
#: Largest follower count accepted: more than the world's population is a typo or garbage.
MAX_FOLLOWERS = 1e10
#: Largest fee accepted (any currency); larger fees are garbage and could overflow sums.
MAX_FEE = 1e12
#: Largest number of posts in one deliverable.
MAX_POSTS = 1_000


def header_key(name: object) -> str:
    """Column-matching key: lower case, letters and digits only.

    >>> header_key(" Eng. (Avg.)"), header_key(chr(10) + "Followers")
    ('engavg', 'followers')
    """
    return re.sub(r"[^0-9a-z]", "", str(name).lower())


_ALIAS_KEYS = frozenset(header_key(a) for aliases in ALIASES.values() for a in aliases)


def _known_column(name: str) -> bool:
    return header_key(name) in _ALIAS_KEYS


# ---------------------------------------------------------------- reading

_TEXT = ("id", "platform", "country", "niches", "url", "package")
_S = np.dtypes.StringDType()


def read_roster(
    path: str | Path | Sequence[str | Path],
    *,
    columns: dict[str, str | None] | None = None,
    platform: str | None = None,
    on_bad_rows: Literal["error", "skip"] = "error",
    fee_rates: dict[str, float] | None = None,
    display_name: str | Sequence[str] | None = None,
    sep: str | None = None,
    encoding: str | None = None,
    duplicates: DuplicatePolicy = "error",
    rate_card: dict | None = None,
    tiers: Tiers | None = None,
    implausible: Literal["flag", "skip", "error"] = "flag",
    fitted=None,
) -> tuple[Roster, list[str]]:
    """Read and check a roster file (or several, e.g. monthly exports); return the roster and warnings.

    Parameters
    ----------
    path : str or Path, or a sequence of them
        ``.csv``/``.tsv``/``.txt`` (delimiter and encoding sniffed, see
        :mod:`lineup.io.roster_text`), ``.parquet`` or ``.xlsx``.  Several files are
        read in order and their rows joined (their headers may differ).
    columns : dict
        Canonical name → file column, or → ``None`` to ignore that column.
    platform : str, optional
        Platform of rows that have none (no column, or a blank cell).
    on_bad_rows : {"error", "skip"}
        Raise :class:`~lineup.errors.RosterError` listing every bad row, or drop them with a warning
        summarising the reasons by kind.
    fee_rates : dict, optional
        Per-1k-followers price by platform for blank fees (see :mod:`lineup.domain.priors`).
    display_name : str or sequence of str, optional
        How each file is named in messages (default: the path as given).
    sep, encoding : str, optional
        The text files' delimiter and encoding, when sniffing is not wanted.
    duplicates : {"error", "first", "last", "max_followers"}
        Rows with the same id and different values: a located error, or which row to keep.
        Rows with the same id and the same values always collapse (one warning).
    rate_card : dict, optional
        Rate card overrides (platform → tier → ``(low, high)`` per post) for blank fees.
    tiers : Tiers, optional
        Tier bounds for the rate card and the plausibility rules (default: lineup's).
    implausible : {"flag", "skip", "error"}
        What rows with implausible values become (:func:`~lineup.domain.plausibility.apply_plausibility`).
    fitted : FittedPriors, optional
        Priors from a priors file (:mod:`lineup.domain.fitted_priors`): blank engagement rates take the
        creator's fitted rate, else the platform's fitted curve, else the built-in curve.

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
    roster, _, warnings = read_roster_packages(
        path, columns=columns, platform=platform, on_bad_rows=on_bad_rows, fee_rates=fee_rates,
        display_name=display_name, sep=sep, encoding=encoding, duplicates=duplicates, rate_card=rate_card, tiers=tiers,
        implausible=implausible, fitted=fitted)
    return roster, warnings


def read_roster_packages(
    path: str | Path | Sequence[str | Path],
    *,
    columns: dict[str, str | None] | None = None,
    platform: str | None = None,
    on_bad_rows: Literal["error", "skip"] = "error",
    fee_rates: dict[str, float] | None = None,
    display_name: str | Sequence[str] | None = None,
    sep: str | None = None,
    encoding: str | None = None,
    duplicates: DuplicatePolicy = "error",
    rate_card: dict | None = None,
    tiers: Tiers | None = None,
    implausible: Literal["flag", "skip", "error"] = "flag",
    fitted=None,
) -> tuple[Roster, Packages | None, list[str]]:
    """:func:`read_roster`, with the deliverable packages of a ``package`` column (None without one).

    With a package column, rows with one id are one influencer's packages
    (:mod:`lineup.io.roster_packages`): the roster holds the row of its cheapest package, the
    packages every row; ``duplicates`` does not apply to them.

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp(); p = os.path.join(d, "r.csv")
    >>> _ = open(p, "w").write("Handle,Followers,ER,Package,Fee (£)\\nann,12K,3%,1 post,300\\n"
    ...                        "ann,12K,3%,Reel,450\\nbob,900,5%,1 post,40\\n")
    >>> roster, packages, warnings = read_roster_packages(p, platform="instagram", display_name="r.csv")
    >>> roster.ids.tolist(), roster.fee.tolist()
    (['ann', 'bob'], [300.0, 40.0])
    >>> packages.row.tolist(), packages.name.tolist(), packages.fee.tolist()
    ([0, 0, 1], ['1 post', 'Reel', '1 post'], [300.0, 450.0, 40.0])
    """
    paths = [path] if isinstance(path, (str, os.PathLike)) else list(path)
    if not paths:
        raise RosterError("no roster file given")
    names = ([display_name] if isinstance(display_name, str) else list(display_name or [])) or [str(p) for p in paths]
    parts = [_read_part(Path(p), n, columns or {}, sep, encoding) for p, n in zip(paths, names)]
    name = names[0] if len(names) == 1 else " + ".join(names)
    rows = _join(parts)
    warnings = [w for part in parts for w in part.warnings]
    warnings += [w for w in [_platform_warning(parts, platform, name)] if w]
    problems = rows.problems + _derive_rates(rows, platform)
    split, dup_ids = _package_rows(rows, problems)
    drop, dup_problems, dup_warnings = resolve_duplicates(
        dup_ids, _compared(rows), rows.parsed["followers"], duplicates, rows.loc_from, name, rows.id_where)
    warnings += dup_warnings
    problems += dup_problems
    bad = _bad_rows(problems, rows.n)
    if bad.any() and on_bad_rows == "error":
        count = int(bad.sum())
        raise RosterError(f"{name}: {count} unusable row{'s' if count != 1 else ''}", _sorted(problems))
    summary = skip_summary(problems, lambda r: rows.loc_from(r, r), name)
    if (bad | drop).all():
        raise RosterError(f"{name}: no usable rows left after skipping {int(bad.sum())} bad rows",
                          [Problem(name, s.split(": ", 1)[1]) for s in summary])
    warnings += summary
    keep = ~bad & ~drop
    if split is not None:
        keep &= (split.group < 0) | split.kept
    roster = _build(rows.parsed, keep, rows, platform, (fee_rates, rate_card, tiers), name, fitted)
    packages = None
    if split is not None:
        packages = packages_of(rows.parsed, split, ~bad, np.where(keep, np.cumsum(keep) - 1, -1), rows.lines)
    checked, odd = apply_plausibility(roster, implausible, tiers=tiers, card=rate_card, unit=parts[0].unit)
    if packages is not None and checked.n != roster.n:  # implausible rows skipped: their packages go too
        packages = _renumbered(packages, roster, checked)
    return checked, packages, list(dict.fromkeys(warnings + odd))


def _package_rows(rows: "_Rows", problems: list) -> tuple[PackageRows | None, np.ndarray]:
    """With a package column: its rows grouped by influencer (``problems`` extended) and the ids the duplicate
    check should see (only each influencer's kept row); without one: ``None`` and the ids."""
    ids = rows.parsed["id"]
    if "package" not in rows.parsed:
        return None, ids
    split, found = split_packages(rows.parsed, {**_compared(rows), **rows.extra}, _bad_rows(problems, rows.n),
                                  rows.column_where, rows.loc_from)
    problems += found
    return split, np.where(split.kept, ids, "")  # an influencer's other packages are not duplicates


def _renumbered(packages: Packages, before: Roster, after: Roster) -> Packages:
    """``packages`` of roster ``before`` tied to the rows of ``after`` (a subset); packages of dropped rows left out."""
    new = np.asarray([-1 if (k := after.index_of(i)) is None else k for i in before.ids.tolist()], dtype=np.int64)
    rows = new[packages.row]
    kept = packages.take(np.flatnonzero(rows >= 0))
    return replace(kept, row=rows[rows >= 0])


@dataclass(frozen=True)
class _Part:
    """One file's parsed columns (canonical names), problems by row, and warnings."""

    parsed: dict
    problems: list
    lines: np.ndarray
    unit: str
    name: str
    mapping: dict[str, str]
    warnings: list[str]
    extra: dict = field(default_factory=dict)          # extra column name → floats (Roster.extra)
    non_numeric: dict = field(default_factory=dict)    # extra column name → where its first text is


def _read_part(path: Path, name: str, columns: dict[str, str | None], sep, encoding) -> _Part:
    table = _load(path, name, columns, sep, encoding)
    parsed, problems, notes = _parse_columns(table, name)
    extra, non_numeric = _parse_extras(table, name)
    return _Part(parsed, problems, table.lines, table.unit, name, table.mapping, table.warnings + notes, extra,
                 non_numeric)


def _parse_extras(table: "_Table", name: str) -> tuple[dict, dict]:
    """The file's other columns (:mod:`lineup.io.roster_extra`): numbers/flags by name, and text columns."""
    extra, text = {}, {}
    for col, cells in table.extra_cells.items():
        key = column_name(col)
        if key in extra or key in text:
            continue
        values, where = parse_extra(cells, lambda k: f"{name}, {table.unit} {table.lines[k]}, column '{_escaped(col)}'")
        if values is None:
            text[key] = where
        else:
            extra[key] = values
    return extra, text


@dataclass(frozen=True)
class _Rows:
    """The rows of every file, joined: parsed columns, problems, and where each row came from."""

    parsed: dict
    problems: list
    lines: np.ndarray
    file: np.ndarray          # index into ``parts`` of each row
    parts: list[_Part]

    @property
    def extra(self) -> dict[str, np.ndarray]:
        """Extra columns over every file's rows (NaN where a file lacks one)."""
        names = list(dict.fromkeys(k for p in self.parts for k in p.extra))
        return {k: np.concatenate([p.extra.get(k, np.full(len(p.lines), np.nan)) for p in self.parts]) for k in names}

    @property
    def non_numeric(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for p in self.parts:
            for k, w in p.non_numeric.items():
                out.setdefault(k, w)
        return out

    @property
    def n(self) -> int:
        return len(self.lines)

    def loc(self, r: int) -> str:
        part = self.parts[self.file[r]]
        return f"{part.name}, {part.unit} {self.lines[r]}"

    def id_where(self, r: int) -> str:
        return f"{self.loc(r)}, column '{_escaped(self.parts[self.file[r]].mapping['id'])}'"

    def column_where(self, r: int, canon: str) -> str:
        """A problem's place: row ``r``'s file and line, and the file's column of ``canon`` when it has one."""
        col = self.parts[self.file[r]].mapping.get(canon)
        return self.loc(r) + (f", column '{_escaped(col)}'" if col is not None else "")

    def loc_from(self, r: int, other: int) -> str:
        """``r``'s place in a message about ``other``: with the file name only when there are several files."""
        if len(self.parts) > 1:
            return self.loc(r)
        return f"{self.parts[self.file[r]].unit} {self.lines[r]}"


_EMPTY = {"text": "", "number": np.nan}


def _join(parts: list[_Part]) -> _Rows:
    """Rows of several files as one table (columns one file lacks are blank there)."""
    if len(parts) == 1:
        p = parts[0]
        return _Rows(p.parsed, p.problems, p.lines, np.zeros(len(p.lines), dtype=np.int64), parts)
    sizes = [len(p.lines) for p in parts]
    offsets = np.cumsum([0] + sizes)
    keys = list(dict.fromkeys(k for p in parts for k in p.parsed))
    parsed: dict = {}
    for k in keys:
        if k == "niches":
            items = [(p.parsed["niches"], o) for p, o in zip(parts, offsets) if "niches" in p.parsed]
            parsed[k] = (np.concatenate([rows + o for (rows, _, _), o in items]),
                         np.concatenate([labels for (_, labels, _), _ in items]),
                         np.concatenate([shares for (_, _, shares), _ in items]))
            continue
        kind = next(("number" if p.parsed[k].dtype.kind == "f" else "text") for p in parts if k in p.parsed)
        parsed[k] = np.concatenate([p.parsed[k] if k in p.parsed else
                                    np.full(n, _EMPTY[kind], dtype=float if kind == "number" else object)
                                    for p, n in zip(parts, sizes)])
    problems = [(r + int(o), pr) for p, o in zip(parts, offsets) for r, pr in p.problems]
    file = np.repeat(np.arange(len(parts)), sizes)
    return _Rows(parsed, problems, np.concatenate([p.lines for p in parts]), file, parts)


def _compared(rows: _Rows) -> dict[str, np.ndarray]:
    """The columns two rows with one id are compared on (niches as the cell was written)."""
    out = {k: v for k, v in rows.parsed.items() if k not in ("id", "niches", "niches_text")}
    if "niches_text" in rows.parsed:
        out["niches"] = rows.parsed["niches_text"]
    if "country" in out:
        out["country"] = _canonical_countries(out["country"])
    return out


def _canonical_countries(cells: np.ndarray) -> np.ndarray:
    """Country cells by the country they name (``US`` and ``United States`` alike), as the filter matches them.

    >>> _canonical_countries(np.array(["US", "United States", "Worldwide", ""], dtype=object)).tolist()
    ['United States', 'United States', 'Worldwide', '']
    """
    codes, uniques = factorize(cells)
    named = [country_name(c) if (c := country_code(u)) else u for u in uniques.tolist()]
    return np.asarray(named, dtype=object)[codes] if len(named) else cells


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
    explicit: frozenset[str] = frozenset()                      # lineup columns mapped by roster.columns
    extra_cells: dict = field(default_factory=dict)             # other columns' cells, by file column name


def _load(path: Path, name: str, explicit: dict[str, str | None], sep: str | None = None,
          encoding: str | None = None) -> _Table:
    _check_regular_file(path, name)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        frame = _read_other(lambda pd: pd.read_parquet(path), name, "pyarrow", "lineup[parquet]")
    elif suffix in (".xlsx", ".xlsm"):
        return _load_xlsx(path, name, explicit)
    elif suffix == ".xls":
        frame = _read_other(lambda pd: pd.read_excel(path), name, "xlrd", "xlrd")
    else:
        return _load_csv(path, name, explicit, sep, encoding)
    return _load_frame(frame, np.arange(2, len(frame) + 2), name, explicit)


def _load_frame(frame, lines: np.ndarray, name: str, explicit: dict[str, str | None]) -> _Table:
    """The mapped columns of a table read by pandas or openpyxl; ``lines`` are its rows' numbers."""
    mapping = _match_columns(frame.columns, explicit, name)
    warnings = _check_rivals(lambda col: _frame_column(frame[col], "", col, name), _rivals(frame.columns, mapping, explicit),
                             mapping, lines, "row", name)
    warnings += _unused_engagement(frame.columns, mapping, name)
    columns = {canon: _frame_column(frame[col], canon, col, name) for canon, col in mapping.items()}
    others = {col: _frame_column(frame[col], "", col, name)
              for col in extra_columns([str(c) for c in frame.columns], lambda c: _used(c, mapping))}
    return _drop_blank(_Table(columns, mapping, lines, "row", warnings, explicit=frozenset(explicit),
                              extra_cells=others), name)


def _load_xlsx(path: Path, name: str, explicit: dict[str, str | None]) -> _Table:
    """The first sheet of an Excel workbook, read with openpyxl.

    The first non-empty row is the header; a merged range's value (which Excel shows in the
    whole range, but the file stores only in its top-left cell) fills every cell of the range;
    a formula whose value was never saved (a file written by a program, not by Excel) is an
    error, as its value is unknown.
    """
    import pandas as pd

    header, rows, numbers, formulas = xlsx_cells(path, name)
    frame = pd.DataFrame(rows, columns=header, dtype=object).infer_objects()
    mapping = _match_columns(header, explicit, name)
    missing = [Problem(f"{name}, row {r}, column {header[j]!r}",
                       f"formula without a saved value ({_escaped(f)}): open and save the file in Excel, or "
                       f"export CSV") for r, j, f in formulas if header[j] in mapping.values()]
    if missing:
        raise RosterError(f"{name}: {len(missing)} formula{'s' if len(missing) != 1 else ''} without a saved "
                          f"value", missing)
    return _load_frame(frame, np.asarray(numbers, dtype=np.int64), name, explicit)


def xlsx_cells(path: Path, name: str):
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


def _decode(path: Path, name: str, encoding: str | None) -> tuple[str, list[str]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RosterError(f"{name}: cannot read the roster file ({_escaped(exc.strerror)})") from exc
    return decode(raw, name, encoding)


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


def _load_csv(path: Path, name: str, explicit: dict[str, str | None], sep: str | None = None,
              encoding: str | None = None) -> _Table:
    """Split the file (small: :mod:`csv`; large: pandas); keep the mapped columns as text and each record's line."""
    text, warnings = _decode(path, name, encoding)
    sep = sep or ("\t" if path.suffix.lower() in (".tsv", ".tab") else sniff_delimiter(text, _known_column))
    with csv_cells_up_to(len(text)):  # a long cell is no reason to refuse a file
        split = ((_split_with_pandas(text, sep) if len(text) >= PANDAS_FROM_CHARS else None)
                 or _split_with_csv(text, name, sep))
    mapping = _match_columns(split.header, explicit, name, f" (read as {delimiter_name(sep)}-separated: set "
                                                         f"roster.sep if the file uses another delimiter)")
    warnings += _check_rivals(lambda col: split.column(split.header.index(col)),
                              _rivals(split.header, mapping, explicit), mapping, split.lines, "line", name)
    warnings += _unused_engagement(split.header, mapping, name)
    columns = {canon: split.column(split.header.index(col)) for canon, col in mapping.items()}
    others = {col: split.column(split.header.index(col)) for col in extra_columns(split.header,
                                                                                  lambda c: _used(c, mapping))}
    table = _Table(columns, mapping, split.lines, "line", warnings, width=len(split.header), extra=split.extra,
                   explicit=frozenset(explicit), extra_cells=others)
    return _drop_blank(table, name)


def _used(col: str, mapping: dict[str, str]) -> bool:
    """Whether a file column is read by lineup or named like one of its columns (then never an extra column)."""
    return col in mapping.values() or _known_column(col)


def _split_with_csv(text: str, name: str, sep: str = ",") -> _Split:
    header, records, lines = csv_records(text, name, sep)
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


def _split_with_pandas(text: str, sep: str = ",") -> _Split | None:
    """The same split by pandas' C reader, or ``None`` to leave the file to :func:`_split_with_csv`
    (which locates the problem) when pandas cannot read it as a plain table."""
    if text[:1] in ("\n", "\r"):
        return None
    import pandas as pd

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # e.g. "loss of data" when a row has more values than the header
            frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False,
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
        lines = np.asarray(_record_lines(text, sep)[1:], dtype=np.int64)

    def column(j: int) -> np.ndarray:
        return frame.iloc[:, j].fillna("").to_numpy(dtype=object)

    return _Split(header, column, lines, np.zeros(len(frame), dtype=np.int64))


def csv_records(text: str, name: str, sep: str = ",") -> tuple[list[str], list[list[str]], list[int]]:
    """Header (duplicates renamed ``a.1``, ``a.2`` like pandas), non-blank records and their first physical line."""
    try:
        every = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    except csv.Error as exc:
        _csv_error(text, name, exc, sep)
    if len(every) == _physical_lines(text):  # no quoted line breaks: record k is on line k + 1
        starts = range(1, len(every) + 1)
    else:
        starts = _record_lines(text, sep)
        _check_quotes_closed(text, starts[-1] if starts else 1, name, sep)
    head = next((k for k, rec in enumerate(every) if any(rec)), None)
    if head is None:
        raise RosterError(f"{name}: the roster file is empty")
    body = [(rec, line) for rec, line in zip(every[head + 1:], list(starts)[head + 1:]) if rec]
    return _dedupe(every[head]), [rec for rec, _ in body], [line for _, line in body]


def _check_quotes_closed(text: str, last_start: int, name: str, sep: str = ",") -> None:
    """The csv module reads a quote that is never closed as a cell running to the end of the
    file (rows silently lost); re-read the last record strictly to catch that."""
    tail = "".join(itertools.islice(io.StringIO(text, newline=""), last_start - 1, None))
    try:
        list(csv.reader(io.StringIO(tail, newline=""), delimiter=sep, strict=True))
    except csv.Error as exc:
        if "end of data" in str(exc):
            raise RosterError(f"{name}, line {last_start}: a quoted value opened on this line is never closed, so "
                              f"the rest of the file would be read as one cell; close the quote (\"\") or remove "
                              f"it") from None


def _physical_lines(text: str) -> int:
    """Lines of the file as an editor counts them (a last line without a newline counts)."""
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def _record_lines(text: str, sep: str = ",") -> list[int]:
    """First physical line of every record (records may span lines inside quotes)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    starts, start = [], 1
    for _ in reader:
        starts.append(start)
        start = reader.line_num + 1
    return starts


def _csv_error(text: str, name: str, exc: csv.Error, sep: str = ","):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
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
    extra, others = table.extra, table.extra_cells
    if blank.any():
        columns = {c: a[keep] for c, a in columns.items()}
        text = {c: a[keep] for c, a in text.items()}
        extra = None if extra is None else extra[keep]
        others = {c: a[keep] for c, a in others.items()}
    return _Table(columns, table.mapping, table.lines[keep], table.unit, table.warnings, text, table.width, extra,
                  table.explicit, others)


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
    "package": lambda cells: _by_distinct(cells, _trim),
    "usage_rights": _labels,  # compared as written (rival columns only); read by _flag_column
}


# ------------------------------------------------------------- columns

def _match_columns(found, explicit: dict[str, str | None], name: str, how: str = "") -> dict[str, str]:
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
        by_key.setdefault(header_key(c), c)
    for canon, aliases in ALIASES.items():
        if canon in explicit:
            continue
        for alias in aliases:
            col = by_key.get(header_key(alias))
            if col in taken:
                _explicit_clash(col, canon, mapping, name)
            if col is not None:
                mapping[canon] = col
                taken.add(col)
                break
    _require(mapping, found, name, how)
    refuse_repeated(mapping, found, name)
    return mapping


def refuse_repeated(mapping: dict[str, str], found: list[str], name: str) -> None:
    """A used column whose exact name the header repeats: which one is meant cannot be known, so say so.

    Repeated names reach here renamed ``name.1``, ``name.2`` (as pandas does), so those count as repeats.
    """
    for canon, col in mapping.items():
        again = re.compile(re.escape(col) + r"\.[0-9]+")
        places = [k + 1 for k, c in enumerate(found) if c == col or again.fullmatch(c)]
        if len(places) > 1:
            raise RosterError(f"{name}: the header has {len(places)} columns named {_escaped(col)!r} (columns "
                              f"{', '.join(map(str, places))}) and lineup reads it as the {canon} column; rename or "
                              f"delete the extra ones so that only one is called {_escaped(col)!r}")


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
        keys = {header_key(a) for a in ALIASES[canon]}
        others = [c for c in found if c not in taken and header_key(c) in keys]
        if others and canon not in explicit:
            out[canon] = others
    return out


#: Lineup columns whose rival file columns may differ: the first by alias order is used, with a warning.
_FIRST_WINS = frozenset({"platform", "country", "niches", "posts", "usage_rights", *COUNT_COLUMNS})


def _unused_engagement(found, mapping: dict[str, str], name: str) -> list[str]:
    """A column whose name speaks of engagement but that no lineup column reads (nor any alias: those are
    reported by :func:`_check_rivals`) is named, so that it is not silently ignored.

    >>> _unused_engagement(["Handle", "Eng. per day", "Engagement"], {"engagement_rate": "Engagement"}, "r.csv")
    ["r.csv: column 'Eng. per day' looks like engagement but is not used; map it with roster.columns (engagement_rate: <column> for a rate, avg_engagements: <column> for engagements per post)"]
    """
    used = set(mapping.values())
    odd = [str(c) for c in found if str(c) not in used and header_key(c) not in _ALIAS_KEYS
           and re.search(r"engag|interaction|^eng(?!l)", header_key(c))]
    return [f"{name}: column '{_escaped(c)}' looks like engagement but is not used; map it with roster.columns "
            f"(engagement_rate: <column> for a rate, avg_engagements: <column> for engagements per post)" for c in odd]


def _check_rivals(cells, rivals: dict[str, list[str]], mapping, lines, unit: str, name: str) -> list[str]:
    """Rival columns that agree are a warning saying which was used; ones that differ are an error, except
    for the id (the most handle-like column is taken: ``mapping`` is updated) and text or count columns
    (the first by alias order is used)."""
    out = []
    for canon, others in rivals.items():
        if canon == "id":
            out += _choose_id(cells, [mapping["id"], *others], mapping, name)
            continue
        used = mapping[canon]
        a = _comparable(cells(used), canon)
        for other in others:
            differ = np.flatnonzero(~_same(a, _comparable(cells(other), canon)))
            if len(differ) and canon in _FIRST_WINS:
                out.append(f"{name}: columns {_escaped(used)!r} and {_escaped(other)!r} both look like the {canon} "
                           f"column; {_escaped(used)!r} used (choose with roster.columns.{canon})")
            elif len(differ):
                r = differ[0]
                raise RosterError(
                    f"{name}: columns {_escaped(used)!r} and {_escaped(other)!r} both look like the {canon} column "
                    f"and their values differ ({unit} {lines[r]}: {_escaped(_shown(cells(used)[r]))!r} vs "
                    f"{_escaped(_shown(cells(other)[r]))!r}); choose one with roster: {{path: ..., columns: "
                    f"{{{canon}: {_escaped(other)!r}}}}} (or {_escaped(used)!r})")
            else:
                out.append(f"{name}: columns {_escaped(used)!r} and {_escaped(other)!r} both look like the {canon} "
                           f"column and hold the same values; {_escaped(used)!r} used")
    return out


def _choose_id(cells, candidates: list[str], mapping: dict[str, str], name: str) -> list[str]:
    """Take the most handle-like of several id columns (first by alias order on a tie) and say so."""
    ids = {c: _norm_id(np.asarray(cells(c), dtype=object).astype(str).astype(object)) for c in candidates}
    best = max(candidates, key=lambda c: (_handle_score(ids[c]), -candidates.index(c)))
    mapping["id"] = best
    others = [c for c in candidates if c != best]
    if all(np.array_equal(ids[c], ids[best]) for c in others):
        return [f"{name}: columns {', '.join(repr(_escaped(c)) for c in candidates)} all look like the id column and "
                f"hold the same values; {_escaped(best)!r} used"]
    return [f"{name}: columns {', '.join(repr(_escaped(c)) for c in candidates)} could each be the id; "
            f"{_escaped(best)!r} taken as the most handle-like (no spaces, unique, non-blank); choose another "
            f"with roster.columns.id"]


def _handle_score(ids: np.ndarray) -> tuple[bool, bool, float, bool]:
    """How much a column of ids looks like account handles, most telling first: no spaces (in 99 % of
    the filled cells), not only digits (platforms' internal numeric ids), share filled, all distinct.

    >>> names = np.array(["Ann Lee", "", "Bo Li"], dtype=object)
    >>> handles = np.array(["ann", "", "bo_li"], dtype=object)
    >>> _handle_score(names) < _handle_score(handles)
    True
    """
    filled = ids[ids != ""]
    if not len(filled):
        return (False, False, 0.0, False)
    spaced = float((np.strings.find(filled.astype(_S), " ") >= 0).mean())
    digits = all(x.isdigit() for x in filled[:1000].tolist())
    return (spaced <= 0.01, not digits, len(filled) / len(ids), len(set(filled.tolist())) == len(filled))


def _comparable(cells: np.ndarray, canon: str) -> np.ndarray:
    """A column's cells as values to compare: numbers parsed, text prepared as it will be read."""
    if canon in _TEXT_PREP:
        return _TEXT_PREP[canon](np.asarray(cells, dtype=object).astype(str).astype(object))
    return parse_numbers(cells, percent=dict(_NUMBER_COLUMNS)[canon])[0]


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.dtype.kind == "f":
        return (a == b) | (np.isnan(a) & np.isnan(b))
    return a == b


def _require(mapping: dict[str, str], found: list[str], name: str, how: str = "") -> None:
    missing = [c for c in REQUIRED if c not in mapping]
    if missing:
        hints = _escaped("".join(did_you_mean(m, found) for m in missing))
        shown = ", ".join(f"'{_escaped(c)}'" for c in found)
        raise RosterError(f"{name}: no {' or '.join(missing)} column; found columns: "
                          f"{shown}{hints}{how} (map one with "
                          f"roster: {{path: ..., columns: {{{missing[0]}: <column>}}}})")


# ------------------------------------------------------------- parsing

_NUMBER_COLUMNS = (("followers", False), ("engagement_rate", True), ("fee", False), ("authenticity", True),
                   ("posts", False), ("package_engagement_rate", True)) + tuple((c, False) for c in COUNT_COLUMNS)


def _parse_columns(table: _Table, name: str) -> tuple[dict, list[tuple[int, Problem]], list[str]]:
    """Parse every mapped column; return values, ``(row, Problem)`` pairs and notes."""
    columns, mapping = table.columns, table.mapping

    def where(rows, canon):
        return [f"{name}, {table.unit} {table.lines[r]}, column '{_escaped(mapping[canon])}'" for r in rows]

    problems: list[tuple[int, Problem]] = []
    notes: list[str] = _rate_or_count(columns, mapping, name) + _percent_fee(columns, mapping, table.explicit, name)
    notes += _authentic_twice(mapping, name)
    out: dict[str, object] = {}
    for canon, pct in _NUMBER_COLUMNS:
        if canon in mapping:
            values, bad = parse_numbers(columns[canon], percent=pct)
            if canon == "posts" and (note := _lifetime_posts(values, bad, mapping[canon], name)):
                notes.append(note)
                continue
            if pct:  # one unit per column: a fraction among percentages (or back) is located, not guessed
                values, switched = percent_column_units(columns[canon], values, bad, ignore=table.extra,
                                                        small_percentages=canon == "engagement_rate")
                problems += [(r, Problem(where([r], canon)[0], msg)) for r, msg in switched]
            out[canon] = values
            problems += _number_problems(columns[canon], values, bad, canon, where)
    out["id"] = table.text["id"]
    problems += _id_problems(out["id"], table, where)
    if table.extra is not None:
        problems += [(int(r), Problem(f"{name}, line {table.lines[r]}",
                                      f"{table.extra[r]} values but the header has {table.width} columns, so the "
                                      f"values cannot be matched to columns (a comma inside an unquoted value? "
                                      f'quote it: "$1,200")')) for r in np.flatnonzero(table.extra)]
    for canon in ("platform", "country", "url", "package"):
        if canon in mapping:
            out[canon] = table.text[canon]
    if "usage_rights" in mapping:
        out["usage_rights"], bad = parse_flags(columns["usage_rights"])
        problems += [(int(r), Problem(where([r], "usage_rights")[0],
                                      f"not yes/no: {_escaped(_shown(columns['usage_rights'][r]))!r}"))
                     for r in np.flatnonzero(bad)]
    if "niches" in mapping:
        out["niches"], niche_problems = _parse_niches(table.text["niches"])
        out["niches_text"] = table.text["niches"]
        problems += [(r, Problem(where([r], "niches")[0], msg)) for r, msg in niche_problems]
    return out, problems, notes


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
    ("package_engagement_rate", lambda v: (v < 0) | (v > 1),
     "the package's engagement rate must be between 0 and 100 %, got {raw!r}"),
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
    """Blank ids (repeated ids are decided over all files: :func:`~lineup.io.roster_rows.resolve_duplicates`)."""
    rows = np.flatnonzero(ids == "")
    return [(r, Problem(loc, "the id is missing")) for r, loc in zip(rows, where(rows, "id"))]


#: Id cells meaning "no id" (``null``, ``none``, ``NA``, ``nan`` are real handles).
MISSING_IDS = frozenset({"", "n/a", "#n/a"})


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
    out[_is_token(s, MISSING_IDS)] = ""
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


#: Names that hold a rate in some exports and a count in others (``Avg engagement``: 0.034 or 23.4K).
_RATE_OR_COUNT = frozenset({"avgengagement", "averageengagement", "engagement"})


def _rate_or_count(columns: dict, mapping: dict[str, str], name: str) -> list[str]:
    """Read an engagement column whose name fits a rate or a count as average engagements per post when
    its values are counts (median above 100); ``columns`` and ``mapping`` are updated."""
    col = mapping.get("engagement_rate")
    if col is None or header_key(col) not in _RATE_OR_COUNT or "avg_engagements" in mapping:
        return []
    counts, bad = parse_numbers(columns["engagement_rate"])
    if bad.all() or not np.isfinite(counts).any() or float(np.nanmedian(counts)) <= 100:
        return []
    mapping["avg_engagements"] = mapping.pop("engagement_rate")
    columns["avg_engagements"] = columns.pop("engagement_rate")
    return [f"{name}: column '{_escaped(col)}' read as average engagements per post (its values are counts, not "
            f"rates); engagement rates derived from it ÷ followers"]


def _percent_fee(columns: dict, mapping: dict[str, str], explicit: frozenset[str], name: str) -> list[str]:
    """A fee column (``Rate``) holding percentages is an engagement rate: read as one when the file has none
    and the fee was matched by name; otherwise a message that says how to remap."""
    col = mapping.get("fee")
    cells = columns.get("fee")
    if col is None or cells is None or cells.dtype != object:
        return []
    texts = [c for c in cells.tolist() if isinstance(c, str) and c.strip()]
    percent = [c for c in texts if c.strip().endswith("%")]
    if not percent or len(percent) * 2 <= len(texts):
        return []
    if "engagement_rate" not in mapping and "fee" not in explicit:
        mapping["engagement_rate"] = mapping.pop("fee")
        columns["engagement_rate"] = columns.pop("fee")
        return [f"{name}: column '{_escaped(col)}' read as the engagement rate, not the fee (its values are "
                f"percentages, e.g. '{_escaped(percent[0])}'); fees are estimated (map fee with roster.columns)"]
    rate = f"engagement_rate: {_escaped(col)!r}" if "engagement_rate" not in explicit else "..."
    raise RosterError(f"{name}: column '{_escaped(col)}' was read as the fee but holds percentages (e.g. "
                      f"'{_escaped(percent[0])}'); if it is a rate, remap it: roster: {{columns: {{fee: <fee column "
                      f"or null>, {rate}}}}}")


def _authentic_twice(mapping: dict[str, str], name: str) -> list[str]:
    """Engagements from real followers only, with an authenticity column too: the discount would apply twice."""
    col = mapping.get("avg_engagements")
    if col is None or not header_key(col).startswith(("authentic", "avgauthentic")) or "authenticity" not in mapping:
        return []
    return [f"{name}: column '{_escaped(col)}' counts engagements from real followers only, and column "
            f"'{_escaped(mapping['authenticity'])}' discounts fake followers again (expected engagement = followers "
            f"× authenticity × rate); set roster.columns.authenticity: null if the discount is already in the counts"]


def _lifetime_posts(values: np.ndarray, bad: np.ndarray, col: str, name: str) -> str | None:
    """Why a ``posts`` column is set aside (each account's lifetime post count, or not numbers at all), or ``None``.

    >>> _lifetime_posts(np.array([3300., 6900., 2.]), np.zeros(3, bool), "Posts", "r.csv")[:58]
    "r.csv: column 'Posts' set aside: its median is 3,300 posts"
    """
    given = ~np.isnan(values) | bad
    if not given.any():
        return None
    if bad.sum() * 2 > given.sum():
        why = "most of its cells are not numbers"
    elif np.isfinite(values).any() and (median := float(np.nanmedian(values))) > POSTS_MEDIAN_LIMIT:
        why = (f"its median is {median:,.0f} posts, so it holds each account's lifetime post count, "
               f"not the posts of this campaign's deliverable")
    else:
        return None
    return (f"{name}: column '{_escaped(col)}' set aside: {why}; every influencer is taken to deliver 1 post "
            f"(map posts to a column of deliverables with roster.columns, or posts: null to silence this)")


def _platform_warning(parts, platform, name) -> str | None:
    if platform or all("platform" in p.mapping for p in parts):
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

def _platforms(parsed, n: int, platform_arg: str | None) -> np.ndarray:
    """Each row's platform: its cell, else the ``platform`` argument, else ``'unknown'``."""
    platform = parsed["platform"].astype(object) if "platform" in parsed else np.full(n, "", dtype=object)
    platform[platform == ""] = platform_arg.strip().lower() if platform_arg else "unknown"
    return platform


def _derive_rates(rows: _Rows, platform_arg: str | None) -> list[tuple[int, Problem]]:
    """Blank engagement rates from average interactions per post ÷ followers; flags them ``er_derived``.

    Interactions are ``avg_engagements``, else ``avg_likes + avg_comments + avg_shares``
    (the ones given); on platforms whose engagement is defined on views
    (:data:`VIEW_PLATFORMS`: YouTube, Twitch) ``avg_views`` when given.  A derived rate
    above 100 % is a located problem.
    """
    p, n = rows.parsed, rows.n
    p["er_derived"] = np.zeros(n, dtype=bool)
    given = [c for c in COUNT_COLUMNS if c in p]
    if not given or "followers" not in p:
        return []
    interactions = p.get("avg_engagements", np.full(n, np.nan))
    summed = [p[c] for c in ("avg_likes", "avg_comments", "avg_shares") if c in p]
    if summed:
        stack = np.vstack(summed)
        total = np.where(np.isnan(stack).all(axis=0), np.nan, np.nansum(stack, axis=0))
        interactions = np.where(np.isnan(interactions), total, interactions)
    on_views = np.zeros(n, dtype=bool)
    if "avg_views" in p:
        on_views = np.isin(_platforms(p, n, platform_arg), list(VIEW_PLATFORMS)) & ~np.isnan(p["avg_views"])
        interactions = np.where(on_views, p["avg_views"], interactions)
    er = p.get("engagement_rate", np.full(n, np.nan))
    followers = p["followers"]
    with np.errstate(invalid="ignore", divide="ignore"):
        derived = interactions / followers
        use = np.isnan(er) & np.isfinite(derived) & (followers > 0) & (interactions >= 0)
    p["engagement_rate"] = np.where(use, derived, er)
    p["er_derived"] = use
    return [(int(r), Problem(rows.loc(int(r)), f"the engagement rate derived from {_used_columns(rows, r, on_views)} "
                             f"(average interactions per post {interactions[r]:,.0f} ÷ followers "
                             f"{followers[r]:,.0f}) is above 100 %; check those columns, or give the engagement rate"))
            for r in np.flatnonzero(use & (derived > 1)).tolist()]


def _used_columns(rows: _Rows, r: int, on_views: np.ndarray) -> str:
    """The file columns that went into row ``r``'s interactions (as :func:`_derive_rates` chose them)."""
    p, mapping = rows.parsed, rows.parts[rows.file[r]].mapping
    if on_views[r]:
        used = ["avg_views"]
    elif "avg_engagements" in p and not np.isnan(p["avg_engagements"][r]):
        used = ["avg_engagements"]
    else:
        used = [c for c in ("avg_likes", "avg_comments", "avg_shares") if c in p and not np.isnan(p[c][r])]
    return ", ".join(f"'{_escaped(mapping[c])}'" for c in used if c in mapping)


def _build(parsed, keep, rows: _Rows, platform_arg, fee_priors, name, fitted=None) -> Roster:
    """The roster of the kept rows, blanks filled by the priors and flagged."""
    n = int(keep.sum())

    def col(canon, default, dtype):
        return parsed[canon][keep].astype(dtype) if canon in parsed else np.full(n, default, dtype=dtype)

    followers = col("followers", np.nan, float)
    platform = _platforms(parsed, rows.n, platform_arg)[keep]
    posts = np.nan_to_num(col("posts", np.nan, float), nan=1.0)
    er, er_est = _fill(col("engagement_rate", np.nan, float),
                       lambda: engagement_prior(followers) if fitted is None
                       else fitted.engagement(followers, platform, col("id", "", object))[0])
    fee_rates, card, tiers = fee_priors
    fee, fee_est = _fill(col("fee", np.nan, float),
                         lambda: fee_prior(followers, platform, posts, fee_rates, card=card, tiers=tiers))
    authenticity = np.nan_to_num(col("authenticity", np.nan, float), nan=1.0)
    line = rows.lines[keep].astype(np.int64)
    with np.errstate(over="ignore"):
        engagement = posts * followers * authenticity * er
    _check_derived(fee, engagement, np.flatnonzero(keep), rows.loc, name)
    rows_map = np.cumsum(keep) - 1
    rows_map[~keep] = -1
    names, matrix = _niche_matrix(parsed.get("niches"), rows_map, n)
    return Roster(
        ids=col("id", "", object), platform=platform, followers=followers, engagement_rate=er, fee=fee,
        authenticity=authenticity, posts=posts,
        country=col("country", "", object), niche_names=names, niche_matrix=matrix,
        er_estimated=er_est, fee_estimated=fee_est, line=line, source=name, er_derived=col("er_derived", False, bool),
        url=col("url", "", object), extra={k: v[keep] for k, v in rows.extra.items()}, non_numeric=rows.non_numeric,
    )


def _check_derived(fee: np.ndarray, engagement: np.ndarray, kept: np.ndarray, loc, name: str) -> None:
    """Fees (given or estimated) and expected engagement must be finite numbers the solver can use."""
    where = {r: loc(int(kept[r])) for r in np.flatnonzero(~np.isfinite(fee) | ~np.isfinite(engagement))}
    problems = [Problem(where[r], f"the estimated fee is not a finite number ({fee[r]}); "
                        f"check priors.fee_per_1k / priors.rate_card or give the fee")
                for r in np.flatnonzero(~np.isfinite(fee))]
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

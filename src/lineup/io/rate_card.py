"""Read a rate-card file (``roster.rate_card``): the deliverable packages each influencer sells.

One row per (influencer, package), joined to the roster on id (matched as everywhere by
:func:`~lineup.domain.roster.id_key`: case, a leading ``@`` and Unicode width ignored):

==================  ============================================================  ========
column              meaning                                                       required
==================  ============================================================  ========
id                  the influencer (roster id aliases: handle, username, ...)     yes
package             the package as the planner names it ("1 post", "reel", ...)   yes
fee                 price of the whole package, currency ("£1,200", "1.2k")       yes
posts               posts in the package (default 1)                              no
engagement_rate     the package's own rate (fraction or %; default: the roster's)  no
usage_rights        yes/no, true/false, x, 1/0 (default no)                       no
==================  ============================================================  ========

Influencers without a row sell their roster fee and posts as one package named
``standard``; those with rows sell only their rows, and their roster fee and posts become
those of their cheapest package (so code that knows nothing of packages still works).
Ids the roster lacks, repeated (id, package) pairs and unusable values are located problems,
all reported at once.  CSV/TSV (delimiter and encoding sniffed like the roster's) and XLSX.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from .._text import printable
from ..domain.packages import STANDARD_PACKAGE, Packages
from ..domain.roster import Roster, normalise_id, normalise_label
from ..domain.scenario import did_you_mean
from ..errors import Problem, RosterError
from .human_numbers import explain_bad, parse_numbers
from .roster import ALIASES, MAX_FEE, MAX_POSTS, csv_records, header_key, xlsx_cells
from .roster_extra import parse_flags
from .roster_text import decode, sniff_delimiter

__all__ = ["CARD_ALIASES", "read_rate_card"]

#: Rate-card column → accepted header names (matched ignoring case, spaces and punctuation).
CARD_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ALIASES["id"],
    "package": ALIASES["package"],
    "fee": ALIASES["fee"],
    "posts": ALIASES["posts"],
    "engagement_rate": ALIASES["package_engagement_rate"] + ALIASES["engagement_rate"],
    "usage_rights": ALIASES["usage_rights"],
}
_REQUIRED = ("id", "package", "fee")
#: Unknown ids shown in the message (the rest counted).
_SHOWN = 5


def read_rate_card(path: str | Path, roster: Roster, *, display_name: str | None = None
                   ) -> tuple[Roster, Packages, list[str]]:
    """The roster (fee and posts of its cheapest package for each influencer with a card) and every package.

    Raises :class:`~lineup.errors.RosterError` listing every problem, each located by file, line and column.

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp(); p = os.path.join(d, "cards.csv")
    >>> _ = open(p, "w").write("Handle,Package,Fee (£),Posts,Usage rights\\n@Ann,1 post,300,1,no\\n"
    ...                        "ann,Reel bundle,\\"1,100\\",3,yes\\n")
    >>> r = Roster.from_columns(ids=["ann", "bob"], followers=[12_000, 900], engagement_rate=[0.03, 0.05],
    ...                         fee=[350, 40])
    >>> roster, packages, warnings = read_rate_card(p, r, display_name="cards.csv")
    >>> packages.row.tolist(), packages.name.tolist(), packages.fee.tolist()
    ([0, 0, 1], ['1 post', 'Reel bundle', 'standard'], [300.0, 1100.0, 40.0])
    >>> roster.fee.tolist(), packages.usage_rights.tolist()
    ([300.0, 40.0], [False, True, False])
    """
    path = Path(path)
    name = display_name or str(path)
    header, rows, lines = _cells(path, name)
    mapping = _columns(header, name)
    cells = {canon: np.asarray([_cell(r, header.index(col)) for r in rows], dtype=object)
             for canon, col in mapping.items()}
    lines = np.asarray(lines, dtype=np.int64)
    problems: list[tuple[int, Problem]] = []

    def where(r: int, canon: str) -> str:
        return f"{name}, line {lines[r]}, column '{printable(mapping[canon])}'"

    values = _numbers(cells, where, problems)
    roster_row = _join(cells, roster, where, problems)
    _repeated(cells, roster_row, lines, where, problems)
    if problems:
        count = len({r for r, _ in problems})
        raise RosterError(f"{name}: {count} unusable rate-card row{'s' if count != 1 else ''}",
                          [p for _, p in sorted(problems, key=lambda rp: rp[0])])
    card = Packages.from_columns(row=roster_row, name=[str(c).strip() for c in cells["package"].tolist()],
                                 fee=values["fee"], posts=values["posts"], engagement_rate=values["engagement_rate"],
                                 usage_rights=values["usage_rights"] > 0, line=lines)
    return _with_standard(roster, card), _all_packages(roster, card), []


def _cells(path: Path, name: str) -> tuple[list[str], list[list], list[int]]:
    if not path.exists():
        raise RosterError(f"{name}: rate-card file not found ({printable(path)})")
    if not path.is_file():  # a directory, or a pipe whose reading would wait forever
        raise RosterError(f"{name}: the rate-card path is not a regular file")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        header, grid, numbers, _ = xlsx_cells(path, name)
        body = [(row, n) for row, n in zip(grid, numbers) if any(c is not None and str(c).strip() for c in row)]
        return header, [r for r, _ in body], [n for _, n in body]
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RosterError(f"{name}: cannot read the rate-card file ({printable(exc.strerror or exc)})") from None
    text, _ = decode(raw, name)
    known = {header_key(a) for aliases in CARD_ALIASES.values() for a in aliases}
    sep = "\t" if path.suffix.lower() in (".tsv", ".tab") else sniff_delimiter(text, lambda c: header_key(c) in known)
    return csv_records(text, name, sep)


def _cell(row: list, j: int):
    value = row[j] if j < len(row) else ""
    return "" if value is None else value


def _columns(header: list[str], name: str) -> dict[str, str]:
    """Rate-card column → the file's header (first alias wins)."""
    by_key: dict[str, str] = {}
    for c in header:
        by_key.setdefault(header_key(c), c)
    mapping = {}
    for canon, aliases in CARD_ALIASES.items():
        col = next((by_key[header_key(a)] for a in aliases if header_key(a) in by_key), None)
        if col is not None and col not in mapping.values():
            mapping[canon] = col
    missing = [c for c in _REQUIRED if c not in mapping]
    if missing:
        shown = ", ".join(f"'{printable(c)}'" for c in header)
        raise RosterError(f"{name}: the rate card needs columns id, package and fee; no {' or '.join(missing)} "
                          f"column among {shown}{''.join(did_you_mean(m, header) for m in missing)}")
    return mapping


def _numbers(cells: dict, where, problems: list) -> dict[str, np.ndarray]:
    """Fee, posts, engagement rate and usage rights as floats; bad or out-of-range cells become problems."""
    n = len(cells["id"])
    out = {}
    for canon, percent, default in (("fee", False, np.nan), ("posts", False, 1.0), ("engagement_rate", True, np.nan)):
        if canon not in cells:
            out[canon] = np.full(n, default)
            continue
        values, bad = parse_numbers(cells[canon], percent=percent)
        problems += [(int(r), Problem(where(int(r), canon), explain_bad(cells[canon][r]))) for r in np.flatnonzero(bad)]
        out[canon] = np.where(np.isnan(values) & ~bad, default, values)
    for test, canon, what in ((np.isnan(out["fee"]), "fee", "the package's fee is missing"),
                              (out["fee"] < 0, "fee", "fee must be >= 0"),
                              (out["fee"] > MAX_FEE, "fee", f"fee must be at most {MAX_FEE:,.0f}"),
                              (out["posts"] <= 0, "posts", "posts must be > 0"),
                              (out["posts"] > MAX_POSTS, "posts", f"posts must be at most {MAX_POSTS:,}"),
                              ((out["engagement_rate"] < 0) | (out["engagement_rate"] > 1), "engagement_rate",
                               "engagement rate must be between 0 and 100 %")):
        bad_rows = np.flatnonzero(test & ~np.isin(np.arange(n), [r for r, _ in problems]))
        problems += [(int(r), Problem(where(int(r), canon), what + _got(cells.get(canon), int(r)))) for r in bad_rows]
    out["usage_rights"], bad = (parse_flags(cells["usage_rights"]) if "usage_rights" in cells
                                else (np.zeros(n), np.zeros(n, dtype=bool)))
    problems += [(int(r), Problem(where(int(r), "usage_rights"),
                                  f"not yes/no: {printable(repr(str(cells['usage_rights'][r])))}"))
                 for r in np.flatnonzero(bad)]
    return out


def _got(column, r: int) -> str:
    """``, got '<cell>'`` for a value out of range (nothing for a blank cell)."""
    if column is None or not str(column[r]).strip():
        return ""
    return f", got {printable(repr(str(column[r]).strip()), limit=40)}"


def _join(cells: dict, roster: Roster, where, problems: list) -> np.ndarray:
    """Each card row's roster row (−1 where the id is blank or unknown: problems, with a did-you-mean)."""
    ids = [normalise_id(str(i)) for i in cells["id"].tolist()]
    rows = np.asarray([-1 if (k := roster.index_of(i)) is None else k for i in ids], dtype=np.int64)
    problems += [(int(r), Problem(where(int(r), "id"), "the id is missing")) for r in np.flatnonzero(
        np.asarray([i == "" for i in ids], dtype=bool))]
    unknown = [r for r in np.flatnonzero(rows < 0).tolist() if ids[r]]
    known = roster.ids.tolist()
    for r in unknown[:_SHOWN]:
        problems.append((r, Problem(where(r, "id"), f"id {printable(ids[r])!r} is not in the roster"
                                                     f"{did_you_mean(ids[r], known)}")))
    if len(unknown) > _SHOWN:
        r = unknown[_SHOWN]
        problems.append((r, Problem(where(r, "id"), f"and {len(unknown) - _SHOWN:,} more ids not in the roster")))
    return rows


def _repeated(cells: dict, roster_row: np.ndarray, lines: np.ndarray, where, problems: list) -> None:
    """The second and later rows of one (influencer, package) pair (packages compared ignoring case and spaces)."""
    seen: dict[tuple[int, str], int] = {}
    for r, (row, package) in enumerate(zip(roster_row.tolist(), cells["package"].tolist())):
        label = normalise_label(str(package))
        if not label:
            problems.append((r, Problem(where(r, "package"), "the package is missing (name it, e.g. '1 post')")))
            continue
        if row < 0:
            continue
        if (row, label) in seen:
            problems.append((r, Problem(where(r, "package"), f"package {printable(str(package).strip())!r} is listed "
                                                             f"twice for this influencer (also on line "
                                                             f"{lines[seen[row, label]]}); keep one row")))
        else:
            seen[row, label] = r


def _with_standard(roster: Roster, card: Packages) -> Roster:
    """The roster with fee and posts of each carded influencer's cheapest package."""
    order = np.lexsort((card.fee, card.row))
    first = order[np.r_[True, card.row[order][1:] != card.row[order][:-1]]] if len(order) else order
    fee, posts, estimated = roster.fee.copy(), roster.posts.copy(), roster.fee_estimated.copy()
    fee[card.row[first]] = card.fee[first]
    posts[card.row[first]] = card.posts[first]
    estimated[card.row[first]] = False
    return replace(roster, fee=fee, posts=posts, fee_estimated=estimated)


def _all_packages(roster: Roster, card: Packages) -> Packages:
    """The card's packages plus one ``standard`` package (roster fee and posts) per influencer without any;
    ordered by roster row, then file order."""
    bare = np.flatnonzero(card.counts(roster.n) == 0)
    standard = Packages.from_columns(row=bare, name=[STANDARD_PACKAGE] * len(bare), fee=roster.fee[bare],
                                     posts=roster.posts[bare], line=roster.line[bare])
    both = Packages(*(np.concatenate([getattr(card, f), getattr(standard, f)])
                      for f in ("row", "name", "fee", "posts", "engagement_rate", "usage_rights", "line")))
    return both.take(np.argsort(both.row, kind="stable"))


"""Deliverable packages: what each influencer sells (a rate card), held as columns.

A roster lists influencers; a rate card lists, per influencer, the packages it sells
("1 post", "3 posts", "reel" …), each with its own fee, posts, engagement rate and
usage-rights flag.  :class:`Packages` is that table, one row per package, tied to the
roster by ``row`` (the roster row of the package's influencer).  Without packages a
scenario has none at all (``Scenario.packages is None``) and every influencer is its
roster row.  Reading packages lives in :mod:`lineup.io.roster` and
:mod:`lineup.io.rate_card`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._invalid import InvalidValue
from .roster import Roster, normalise_label

__all__ = ["Packages", "STANDARD_PACKAGE"]

#: Name of the package an influencer without rate-card rows sells: its roster fee and posts.
STANDARD_PACKAGE = "standard"


def _label_codes(names: np.ndarray) -> np.ndarray:
    """A code per name, equal for names equal ignoring case and spaces (each distinct name normalised once).

    >>> _label_codes(np.array(["1 Post", "reel", "1  post"], dtype=object)).tolist()
    [0, 1, 0]
    """
    uniques, inverse = np.unique(np.asarray(names, dtype=object).astype(str), return_inverse=True)
    labels = [normalise_label(u) for u in uniques.tolist()]
    _, codes = np.unique(np.asarray(labels, dtype=str), return_inverse=True)
    return codes.ravel()[inverse.ravel()].astype(np.int64)


@dataclass(frozen=True, eq=False)
class Packages:
    """Packages as parallel columns, one row per (influencer, package).

    Units: ``fee`` in the scenario's currency for the whole package; ``posts`` posts in the
    package; ``engagement_rate`` a fraction of interactions per follower per post, NaN to use
    the influencer's roster rate; ``usage_rights`` whether the package includes usage rights.
    ``row`` is the roster row of the package's influencer, ``name`` the package as the file
    names it, ``line`` its line in the source file (for messages).

    Examples
    --------
    >>> r = Roster.from_columns(ids=["a", "b"], followers=[5_000, 200_000],
    ...                         engagement_rate=[0.04, 0.02], fee=[300, 4_000])
    >>> p = Packages.from_columns(row=[0, 0, 1], name=["1 post", "reel", "1 post"], fee=[300, 500, 4_000],
    ...                           posts=[1, 1, 1], engagement_rate=[float("nan"), 0.06, float("nan")])
    >>> p.n, p.expected_engagement(r).tolist()
    (3, [200.0, 300.0, 4000.0])
    >>> p.of_rows([0]).name.tolist()
    ['1 post', 'reel']
    """

    row: np.ndarray
    name: np.ndarray
    fee: np.ndarray
    posts: np.ndarray
    engagement_rate: np.ndarray
    usage_rights: np.ndarray
    line: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.row)
        for col in ("name", "fee", "posts", "engagement_rate", "usage_rights", "line"):
            if len(getattr(self, col)) != n:
                raise InvalidValue(f"packages column {col!r} has {len(getattr(self, col))} rows, expected {n}")
        if n and not np.all(np.isfinite(self.fee) & (self.fee >= 0)):
            raise InvalidValue("package fees must be finite numbers >= 0")
        if n and not np.all(self.posts > 0):
            raise InvalidValue("package posts must be > 0")
        er = self.engagement_rate[~np.isnan(self.engagement_rate)]
        if len(er) and not np.all((er >= 0) & (er <= 1)):
            raise InvalidValue("package engagement rates must be between 0 and 1 (or NaN: the roster's rate)")
        if n and len(np.unique(self.row * (n + 1) + _label_codes(self.name))) != n:
            raise InvalidValue("packages must be unique per influencer (row, name)")

    @classmethod
    def from_columns(cls, row, name, fee, *, posts=None, engagement_rate=None, usage_rights=None,
                     line=None) -> "Packages":
        """Build from plain sequences (posts default 1, engagement rate NaN, usage rights False)."""
        n = len(row)

        def col(values, default, dtype):
            return np.full(n, default, dtype=dtype) if values is None else np.asarray(values, dtype=dtype)

        return cls(row=col(row, 0, np.int64), name=np.asarray([str(s) for s in name], dtype=object),
                   fee=col(fee, 0.0, float), posts=col(posts, 1.0, float),
                   engagement_rate=col(engagement_rate, np.nan, float), usage_rights=col(usage_rights, False, bool),
                   line=col(line, 0, np.int64))

    @property
    def n(self) -> int:
        """Number of packages."""
        return len(self.row)

    def __len__(self) -> int:
        return len(self.row)

    def rates(self, roster: Roster) -> np.ndarray:
        """Each package's engagement rate: its own, else its influencer's roster rate."""
        own = self.engagement_rate
        return np.where(np.isnan(own), roster.engagement_rate[self.row], own)

    def expected_engagement(self, roster: Roster) -> np.ndarray:
        """E_p = posts_p × followers × authenticity × engagement rate (interactions), as
        :attr:`Roster.expected_engagement` but with the package's posts and (when given) rate."""
        r = self.row
        return self.posts * roster.followers[r] * roster.authenticity[r] * self.rates(roster)

    def of_rows(self, rows) -> "Packages":
        """The packages of roster ``rows`` (indices or a boolean mask over the roster), rows kept as they are."""
        rows = np.asarray(rows)
        wanted = np.flatnonzero(rows) if rows.dtype == bool else rows.astype(np.int64)
        return self.take(np.flatnonzero(np.isin(self.row, wanted)))

    def take(self, idx) -> "Packages":
        """The packages at positions ``idx``."""
        idx = np.asarray(idx, dtype=np.int64)
        return Packages(row=self.row[idx], name=self.name[idx], fee=self.fee[idx], posts=self.posts[idx],
                        engagement_rate=self.engagement_rate[idx], usage_rights=self.usage_rights[idx],
                        line=self.line[idx])

    def counts(self, n_rows: int) -> np.ndarray:
        """Packages per roster row (``n_rows`` rows).

        >>> Packages.from_columns(row=[0, 0, 2], name=["a", "b", "a"], fee=[1, 2, 3]).counts(3).tolist()
        [2, 0, 1]
        """
        return np.bincount(self.row, minlength=n_rows)

"""The portfolio: the chosen influencers of a roster."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from .roster import Roster
from .tiers import Tiers

__all__ = ["Portfolio"]

#: Unknown ids given a "did you mean" each (the search is over the whole roster).
_MAX_HINTS = 20


def _raise_unknown(roster: Roster, missing: list) -> None:
    from .._text import printable
    from ..errors import UsageError
    from .scenario import did_you_mean

    known = roster.ids.tolist()
    problems = [f"id {printable(repr(str(i)), limit=120)} is not in the roster"
                f"{did_you_mean(i, known) if k < _MAX_HINTS else ''}" for k, i in enumerate(missing)]
    if len(problems) == 1:
        raise UsageError(problems[0], problems)
    raise UsageError(f"{len(missing)} ids are not in the roster {printable(roster.source)}", problems)


@dataclass(frozen=True, eq=False)
class Portfolio:
    """A set of rows of a roster (sorted, unique).

    With deliverable packages, ``package`` names the package chosen for each row (aligned
    with ``rows``) and the roster carries, at those rows, that package's fee, posts and
    engagement rate; ``management`` and ``hours`` are each row's management cost (currency)
    and hours when the scenario sets ``costs.management``.  All three are ``None`` otherwise.

    Examples
    --------
    >>> r = Roster.from_columns(ids=["a", "b", "c"], followers=[1e3, 2e3, 3e3],
    ...                         engagement_rate=[0.1, 0.1, 0.1], fee=[10, 20, 30])
    >>> p = Portfolio.from_ids(r, ["c", "a"])
    >>> p.ids, p.spend, p.expected_engagement
    (['a', 'c'], 40.0, 400.0)
    """

    roster: Roster
    rows: np.ndarray
    package: Optional[np.ndarray] = None
    management: Optional[np.ndarray] = None
    hours: Optional[np.ndarray] = None

    def __post_init__(self) -> None:
        rows, first = np.unique(np.asarray(self.rows, dtype=np.int64), return_index=True)
        if rows.size and (rows[0] < 0 or rows[-1] >= self.roster.n):
            from ._invalid import InvalidIndex

            raise InvalidIndex(f"portfolio rows must lie in 0..{self.roster.n - 1} (the roster's rows), "
                               f"got {int(rows[0]) if rows[0] < 0 else int(rows[-1])}")
        if rows.size != np.asarray(self.rows).size and self.package is not None:
            from ._invalid import InvalidIndex

            raise InvalidIndex("a portfolio holds each influencer once (one package each)")
        object.__setattr__(self, "rows", rows)
        for name in ("package", "management", "hours"):
            values = getattr(self, name)
            if values is not None:
                object.__setattr__(self, name, np.asarray(values)[first])

    @classmethod
    def from_ids(cls, roster: Roster, ids) -> "Portfolio":
        """Portfolio of the given ids (matched ignoring case and a leading ``@``).

        Unknown ids raise :class:`~lineup.errors.UsageError` naming each of
        them, with a "did you mean".

        >>> r = Roster.from_columns(ids=["alice", "bob"], followers=[1e3, 2e3],
        ...                         engagement_rate=[0.1, 0.1], fee=[10, 20])
        >>> Portfolio.from_ids(r, ["@Alice"]).ids
        ['alice']
        >>> Portfolio.from_ids(r, ["alcie"])
        Traceback (most recent call last):
        ...
        lineup.errors.UsageError: id 'alcie' is not in the roster (did you mean 'alice'?)
        """
        ids = [ids] if isinstance(ids, str) else list(ids)
        rows = [roster.index_of(i) for i in ids]
        missing = [i for i, r in zip(ids, rows) if r is None]
        if missing:
            _raise_unknown(roster, missing)
        return cls(roster, np.asarray(rows, dtype=np.int64))

    @classmethod
    def from_mask(cls, roster: Roster, mask: np.ndarray) -> "Portfolio":
        return cls(roster, np.flatnonzero(mask))

    def __repr__(self) -> str:
        """Short: size, spend and the first ids.

        >>> r = Roster.from_columns(ids=["a", "b"], followers=[1e3, 2e3], engagement_rate=[0.1, 0.1], fee=[10, 20])
        >>> Portfolio(r, [0, 1])
        Portfolio(influencers=2, spend=30.0, ids='a, b')
        """
        from .._repr import short_repr

        ids = self.ids[:5]
        shown = ", ".join(ids) + (f", … ({len(self) - 5} more)" if len(self) > 5 else "")
        return short_repr("Portfolio", {"influencers": len(self), "spend": round(self.spend, 2), "ids": shown})

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def mask(self) -> np.ndarray:
        m = np.zeros(self.roster.n, dtype=bool)
        m[self.rows] = True
        return m

    @property
    def ids(self) -> list[str]:
        return self.roster.ids[self.rows].tolist()

    @property
    def spend(self) -> float:
        """Sum of fees (currency)."""
        return float(self.roster.fee[self.rows].sum())

    @property
    def management_cost(self) -> float:
        """Sum of management costs (currency; 0 without ``costs.management``)."""
        return 0.0 if self.management is None else float(np.sum(self.management))

    @property
    def management_hours(self) -> float:
        """Sum of management hours (0 without ``costs.management``)."""
        return 0.0 if self.hours is None else float(np.sum(self.hours))

    @property
    def total_cost(self) -> float:
        """Fees plus management cost (currency)."""
        return self.spend + self.management_cost

    @property
    def expected_engagement(self) -> float:
        """Σ E_i over the portfolio (interactions), before any overlap de-duplication."""
        return float(self.roster.expected_engagement[self.rows].sum())

    def niche_counts(self) -> np.ndarray:
        """Selected influencers listing each roster niche (aligned with ``roster.niche_names``)."""
        return np.asarray(self.roster.niche_membership[self.rows].sum(axis=0)).ravel()

    def tier_counts(self, tiers: Tiers) -> np.ndarray:
        """Selected influencers per tier (nano … mega)."""
        return np.bincount(tiers.codes_of(self.roster.followers[self.rows]), minlength=5)

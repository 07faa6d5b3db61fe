"""The roster: the candidate influencers, held as columns (numpy arrays)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from ._invalid import InvalidValue
from .tiers import Tiers

__all__ = ["Roster", "normalise_label", "normalise_id", "id_key", "id_keys", "column_name"]


def normalise_label(text: str) -> str:
    """Canonical form of a niche, platform or country label.

    >>> normalise_label("  Skin Care ")
    'skin care'
    """
    return " ".join(str(text).strip().lower().split())


def normalise_id(text: str) -> str:
    """Canonical form of an influencer id: trimmed, without a leading ``@``.

    >>> normalise_id(" @alice ")
    'alice'
    """
    return str(text).strip().lstrip("@").strip()


def id_key(text: str) -> str:
    """Lookup key of an id: the one normaliser used wherever ids are matched.

    :func:`normalise_id`, then Unicode compatibility-normalised (NFKC) and case-folded, with
    invisible format characters (zero-width spaces, joiners, soft hyphens) removed: handles
    are case-insensitive, and ``straße``/``STRASSE``, ``ﬁtlife``/``fitlife`` or a full-width
    ``ａｌｉｃｅ`` are one account.  Used by the roster reader's duplicate check, the roster's
    id index (:meth:`Roster.index_of`: portfolios, overlap files, ``must_include``/``exclude``/
    conflict lookups) and the scenario's include/exclude comparison.

    >>> id_key("@Alice") == id_key("alice")
    True
    >>> id_key("STRASSE") == id_key("straße") and id_key("ﬁtlife") == id_key("fitlife")
    True
    >>> id_key("ｆｉｔ\u200blife")
    'fitlife'
    """
    text = str(text)
    if text.isascii():
        return normalise_id(text).lower()
    text = normalise_id(unicodedata.normalize("NFKC", text))
    text = "".join(c for c in text.casefold() if unicodedata.category(c) != "Cf")
    return normalise_id(unicodedata.normalize("NFKC", text))


def id_keys(ids) -> list[str]:
    """:func:`id_key` of each id (ASCII ids, the usual case, take the fast path).

    >>> id_keys(["@Ann", "ANN ", "straße"])
    ['ann', 'ann', 'strasse']
    """
    ids = [str(k) for k in ids]
    if "".join(ids).isascii():  # one C pass; then no Unicode folding is needed
        return [k.strip().lstrip("@").strip().lower() for k in ids]
    return [id_key(k) for k in ids]


def column_name(header: object) -> str:
    """Name of an extra roster column: lower case, runs of other characters as one ``_``.

    >>> column_name("CO2 (kg)"), column_name("Audience – female %"), column_name("verified")
    ('co2_kg', 'audience_female', 'verified')
    """
    import re

    return re.sub(r"[^0-9a-z]+", "_", unicodedata.normalize("NFKC", str(header)).lower()).strip("_")


def _needs_normalising(k) -> bool:
    """Whether :func:`normalise_id` would change ``k`` (cheap test: no per-id string rebuilding)."""
    return not isinstance(k, str) or not k or k[0] in "@ \t\n\r\x0b\x0c" or k[-1].isspace() or k[0].isspace()


@dataclass(frozen=True, eq=False)
class Roster:
    """Candidate influencers as parallel columns.

    Units: ``followers`` in people; ``engagement_rate`` a fraction (0.034 =
    3.4 %) of interactions per follower per post; ``fee`` in the scenario's
    currency for the whole deliverable package; ``authenticity`` a fraction of
    real followers; ``posts`` posts in the deliverable.

    ``niche_matrix`` is an ``n × len(niche_names)`` sparse matrix whose entry
    is the audience share of the niche (1.0 when the roster gives no share).
    ``line`` is each row's line number in the source file (for messages).
    ``er_estimated`` marks engagement rates filled by the prior (the file had none),
    ``er_derived`` rates computed from average interaction counts ÷ followers, and
    ``fee_estimated`` fees filled by the prior.
    ``implausible`` names, per row, the plausibility rules its values break
    (``"engagement_rate, fee"``; ``""`` when none: :mod:`lineup.domain.plausibility`).
    ``url`` is the profile link cell as the file gives it (``""`` when none);
    :func:`lineup.domain.links.profile_links` turns it, or the platform and
    handle, into a safe link.
    ``extra`` holds the roster file's other numeric columns (for custom rules), by column
    name in snake case (``"CO2 kg"`` → ``co2_kg``): float arrays, NaN where blank; flag
    columns (yes/no, true/false, x, 1/0) as 0/1 with blank = 0.  ``non_numeric`` names the
    file's other columns that hold text, each with where its first non-number is
    (``"r.csv, line 7: 'n/k'"``), so a rule over one can say why it cannot be used.

    Examples
    --------
    >>> r = Roster.from_columns(ids=["a", "b"], followers=[5_000, 200_000],
    ...                         engagement_rate=[0.04, 0.02], fee=[300, 4_000],
    ...                         niches=[["skincare"], ["skincare", "vegan"]])
    >>> r.expected_engagement.tolist()
    [200.0, 4000.0]
    >>> r.niche_names
    ('skincare', 'vegan')
    """

    ids: np.ndarray
    platform: np.ndarray
    followers: np.ndarray
    engagement_rate: np.ndarray
    fee: np.ndarray
    authenticity: np.ndarray
    posts: np.ndarray
    country: np.ndarray
    niche_names: tuple[str, ...]
    niche_matrix: sp.csr_matrix
    er_estimated: np.ndarray
    fee_estimated: np.ndarray
    line: np.ndarray
    source: str = "<memory>"
    er_derived: np.ndarray = None  # type: ignore[assignment]  # all False when not given
    implausible: np.ndarray = None  # type: ignore[assignment]
    url: np.ndarray = None  # type: ignore[assignment]  # all "" when not given
    extra: dict = None  # type: ignore[assignment]  # {} when not given
    non_numeric: dict = None  # type: ignore[assignment]  # {} when not given
    _index: dict = field(default=None, repr=False, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        n = len(self.ids)
        if self.er_derived is None:
            object.__setattr__(self, "er_derived", np.zeros(n, dtype=bool))
        if self.implausible is None:
            object.__setattr__(self, "implausible", np.full(n, "", dtype=object))
        if self.url is None:
            object.__setattr__(self, "url", np.full(n, "", dtype=object))
        object.__setattr__(self, "extra", {k: np.asarray(v, dtype=float) for k, v in (self.extra or {}).items()})
        object.__setattr__(self, "non_numeric", dict(self.non_numeric or {}))
        for name, values in self.extra.items():
            if len(values) != n:
                raise InvalidValue(f"roster extra column {name!r} has {len(values)} rows, expected {n}")
        for name in ("platform", "followers", "engagement_rate", "fee", "authenticity", "posts",
                     "country", "er_estimated", "fee_estimated", "line", "er_derived", "implausible", "url"):
            if len(getattr(self, name)) != n:
                raise InvalidValue(f"roster column {name!r} has {len(getattr(self, name))} rows, expected {n}")
        if self.niche_matrix.shape != (n, len(self.niche_names)):
            raise InvalidValue("niche_matrix shape does not match ids × niche_names")
        ids = self.ids.tolist()
        normal = [normalise_id(k) for k in ids] if any(_needs_normalising(k) for k in ids) else ids
        if normal is not ids:
            object.__setattr__(self, "ids", np.asarray(normal, dtype=object))
        object.__setattr__(self, "_index", dict(zip(id_keys(normal), range(n))))
        if len(self._index) != n:
            raise InvalidValue("roster ids must be unique (ignoring case, Unicode width and a leading '@')")

    # ------------------------------------------------------------------ build
    @classmethod
    def from_columns(
        cls,
        ids,
        followers,
        engagement_rate,
        fee,
        *,
        niches=None,
        platform=None,
        authenticity=None,
        posts=None,
        country=None,
        er_estimated=None,
        fee_estimated=None,
        line=None,
        url=None,
        source: str = "<memory>",
        er_derived=None,
        extra=None,
    ) -> "Roster":
        """Build a roster from plain sequences (niches: one list of names per row)."""
        n = len(ids)

        def col(values, default, dtype):
            return np.full(n, default, dtype=dtype) if values is None else np.asarray(values, dtype=dtype)

        names, matrix = niche_matrix_from_lists(niches if niches is not None else [[] for _ in range(n)])
        return cls(
            ids=np.asarray([normalise_id(i) for i in ids], dtype=object),
            platform=np.asarray([normalise_label(p) for p in col(platform, "instagram", object)], dtype=object),
            followers=col(followers, 0.0, float),
            engagement_rate=col(engagement_rate, 0.0, float),
            fee=col(fee, 0.0, float),
            authenticity=col(authenticity, 1.0, float),
            posts=col(posts, 1.0, float),
            country=col(country, "", object),
            niche_names=names,
            niche_matrix=matrix,
            er_estimated=col(er_estimated, False, bool),
            fee_estimated=col(fee_estimated, False, bool),
            line=col(line, 0, np.int64) if line is not None else np.arange(2, n + 2, dtype=np.int64),
            source=source, er_derived=col(er_derived, False, bool), url=col(url, "", object),
            extra={column_name(k): np.asarray(v, dtype=float) for k, v in (extra or {}).items()},
        )

    # ------------------------------------------------------------- derived
    def __len__(self) -> int:
        return len(self.ids)

    @property
    def n(self) -> int:
        """Number of influencers."""
        return len(self.ids)

    @cached_property
    def expected_engagement(self) -> np.ndarray:
        """E_i = posts × followers × authenticity × engagement_rate (interactions)."""
        return self.posts * self.followers * self.authenticity * self.engagement_rate

    @cached_property
    def niche_membership(self) -> sp.csc_matrix:
        """Boolean ``n × S`` membership (column-major, for per-niche sums)."""
        m = self.niche_matrix.copy()
        m.data = np.ones_like(m.data)
        return m.tocsc()

    def niche_lists(self, rows: np.ndarray | None = None) -> list[list[str]]:
        """Niche names of each row (all rows, or only ``rows``)."""
        m = self.niche_matrix if rows is None else self.niche_matrix[rows]
        names = np.asarray(self.niche_names, dtype=object)
        return [names[m.indices[m.indptr[k]:m.indptr[k + 1]]].tolist() for k in range(m.shape[0])]

    def tiers(self, tiers: Tiers) -> np.ndarray:
        """Tier code (0 = nano … 4 = mega) of each influencer."""
        return tiers.codes_of(self.followers)

    def index_of(self, influencer_id: str) -> int | None:
        """Row of ``influencer_id`` (ignoring case and a leading ``@``), or ``None``."""
        return self._index.get(id_key(influencer_id))

    def subset(self, rows: np.ndarray) -> "Roster":
        """A new roster with only ``rows`` (indices or boolean mask), niches kept."""
        rows = np.flatnonzero(rows) if np.asarray(rows).dtype == bool else np.asarray(rows, dtype=np.int64)
        return Roster(
            ids=self.ids[rows], platform=self.platform[rows], followers=self.followers[rows],
            engagement_rate=self.engagement_rate[rows], fee=self.fee[rows],
            authenticity=self.authenticity[rows], posts=self.posts[rows], country=self.country[rows],
            niche_names=self.niche_names, niche_matrix=self.niche_matrix[rows].tocsr(),
            er_estimated=self.er_estimated[rows], fee_estimated=self.fee_estimated[rows],
            line=self.line[rows], source=self.source, er_derived=self.er_derived[rows],
            implausible=self.implausible[rows], url=self.url[rows],
            extra={k: v[rows] for k, v in self.extra.items()}, non_numeric=self.non_numeric,
        )

    def with_implausible(self, labels: np.ndarray) -> "Roster":
        """The same roster with per-row plausibility flags ``labels`` (see :attr:`implausible`)."""
        return replace(self, implausible=np.asarray(labels, dtype=object))


def niche_matrix_from_lists(niches, shares=None) -> tuple[tuple[str, ...], sp.csr_matrix]:
    """Sorted niche names and the sparse membership/share matrix of per-row lists.

    >>> names, m = niche_matrix_from_lists([["b"], ["a", "b"], []])
    >>> names, m.toarray().tolist()
    (('a', 'b'), [[0.0, 1.0], [1.0, 1.0], [0.0, 0.0]])
    """
    rows_norm = [[normalise_label(s) for s in row if normalise_label(s)] for row in niches]
    names = tuple(sorted({s for row in rows_norm for s in row}))
    pos = {s: k for k, s in enumerate(names)}
    indptr = np.zeros(len(rows_norm) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(r) for r in rows_norm])
    indices = np.fromiter((pos[s] for row in rows_norm for s in row), dtype=np.int64, count=int(indptr[-1]))
    if shares is None:
        data = np.ones(len(indices))
    else:
        data = np.fromiter((v for row in shares for v in row), dtype=float, count=int(indptr[-1]))
    m = sp.csr_matrix((data, indices, indptr), shape=(len(rows_norm), len(names)))
    m.sum_duplicates()
    return names, m

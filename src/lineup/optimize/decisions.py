"""The table of decisions the optimiser chooses from, as columns.

A decision is one influencer hired with one deliverable package.  Without packages a
decision is a roster row (``row[k] == k``); with packages (issue 10) it is a (roster
row, package) pair, and :class:`~lineup.optimize.constraints.OnePackages` keeps
at most one package per influencer.  Every array here is indexed by decision:

``fee`` (currency), ``management`` (management cost, currency: hours × hourly rate),
``hours`` (management hours), ``cost`` (what the money rules count: the fee, plus the
management cost when ``costs.management.count_in_budget``), ``gain_e`` (expected
engagements E_i: the package's posts and engagement rate), ``tier`` (int8 tier code of the
influencer), ``platform`` (platform code), ``members`` (decisions × scenario niches, 0/1),
``row`` (the influencer's roster row), ``package`` (the package's name; ``""`` without
packages).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from .._arrays import factorize
from ..domain.scenario import Scenario

__all__ = ["Decisions", "decisions_of"]


@dataclass(frozen=True, eq=False)
class Decisions:
    """Columns of the decisions (see the module docstring for units).

    Examples
    --------
    >>> from lineup.optimize.formulation import tiny_scenario
    >>> d = decisions_of(tiny_scenario())
    >>> d.n, d.fee.tolist(), d.labels[:2]
    (5, [60.0, 250.0, 400.0, 700.0, 900.0], ('ann', 'bob'))
    """

    n: int
    row: np.ndarray             # roster row of each decision (int64)
    labels: tuple               # decision labels for LP columns and messages: the id (or "id|package")
    fee: np.ndarray
    cost: np.ndarray
    management: np.ndarray
    hours: np.ndarray
    package: np.ndarray
    gain_e: np.ndarray
    tier: np.ndarray
    platform: np.ndarray
    platform_names: tuple
    niches: tuple               # scenario niches, spec order
    members: sp.csr_matrix      # n × S float 0/1 membership in the scenario niches

    @cached_property
    def label_array(self) -> np.ndarray:
        """``labels`` as an object array (for fancy indexing)."""
        return np.asarray(self.labels, dtype=object)

    @cached_property
    def members_t(self) -> sp.csr_matrix:
        """S × n membership (for per-niche counts)."""
        return self.members.T.tocsr()

    def of_rows(self, rows) -> np.ndarray:
        """Bool mask of the decisions whose influencer is one of roster ``rows``."""
        hit = np.zeros(int(self.row.max()) + 1 if self.n else 0, dtype=bool)
        rows = np.asarray(rows, dtype=np.int64)
        hit[rows[rows < hit.size]] = True
        return hit[self.row] if self.n else np.zeros(0, dtype=bool)


def _niche_members(scenario: Scenario) -> sp.csr_matrix:
    r = scenario.roster
    cols = [r.niche_names.index(s) if s in r.niche_names else -1 for s in scenario.spec.niches]
    m = r.niche_membership
    blocks = [m[:, [c]] if c >= 0 else sp.csc_matrix((r.n, 1)) for c in cols]
    if not blocks:
        return sp.csr_matrix((r.n, 0))
    out = sp.hstack(blocks, format="csr").astype(float)
    out.data[:] = 1.0
    return out


def decisions_of(scenario: Scenario) -> Decisions:
    """The decisions of ``scenario``: one per roster row, or one per (row, package) with packages."""
    from ..domain.costs import management_cost, management_hours

    r, spec = scenario.roster, scenario.spec
    pcodes, pnames = factorize(r.platform)
    hours, mgmt = management_hours(spec, r), management_cost(spec, r)
    packages = scenario.packages
    if packages is None:
        row = np.arange(r.n, dtype=np.int64)
        fee, gain = np.asarray(r.fee, dtype=float), np.asarray(r.expected_engagement, dtype=float)
        labels, names = tuple(r.ids.tolist()), np.full(r.n, "", dtype=object)
    else:
        row = np.asarray(packages.row, dtype=np.int64)
        fee, gain = np.asarray(packages.fee, dtype=float), np.asarray(packages.expected_engagement(r), dtype=float)
        names = np.asarray(packages.name, dtype=object)
        labels = tuple(f"{i}|{p}" for i, p in zip(r.ids[row].tolist(), names.tolist()))
    counted = spec.costs.management is not None and spec.costs.management.count_in_budget
    cost = fee + mgmt[row] if counted and mgmt.any() else fee
    return Decisions(
        n=row.size, row=row, labels=labels, fee=fee, cost=cost, management=mgmt[row], hours=hours[row],
        package=names, gain_e=gain, tier=scenario.tiers.codes_of(r.followers)[row],
        platform=np.asarray(pcodes, dtype=np.int64)[row], platform_names=tuple(pnames),
        niches=tuple(spec.niches), members=_niche_members(scenario)[row],
    )

"""The table of decisions the optimiser chooses from, as columns.

A decision is one influencer hired with one deliverable package.  Without packages a
decision is a roster row (``row[k] == k``); with packages (issue 10) it is a (roster
row, package) pair, and :class:`~lineup.optimize.constraints.OnePackage` rules keep
at most one package per influencer.  Every array here is indexed by decision:

``fee`` (currency), ``cost`` (what the money rules count: the fee, plus the management
cost when ``costs.management.count_in_budget``), ``gain_e`` (expected engagements E_i),
``tier`` (int8 tier code of the influencer), ``platform`` (platform code),
``members`` (decisions × scenario niches, 0/1), ``row`` (the influencer's roster row).
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
    gain_e: np.ndarray
    tier: np.ndarray
    platform: np.ndarray
    platform_names: tuple
    niches: tuple               # scenario niches, spec order
    members: sp.csr_matrix      # n × S float 0/1 membership in the scenario niches

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
    """The decisions of ``scenario``: one per roster row (packages: one per row and package)."""
    r = scenario.roster
    pcodes, pnames = factorize(r.platform)
    fee = np.asarray(r.fee, dtype=float)
    return Decisions(
        n=r.n, row=np.arange(r.n, dtype=np.int64), labels=tuple(r.ids.tolist()), fee=fee, cost=fee,
        gain_e=np.asarray(r.expected_engagement, dtype=float), tier=scenario.tiers.codes_of(r.followers),
        platform=np.asarray(pcodes, dtype=np.int64), platform_names=tuple(pnames),
        niches=tuple(scenario.spec.niches), members=_niche_members(scenario),
    )

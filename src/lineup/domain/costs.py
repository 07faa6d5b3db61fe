"""Management effort: hours and their cost per influencer (``costs.management`` of a scenario).

Used by the optimiser as: management cost = hours × hourly rate, added to each
selected influencer's cost in the budget when ``count_in_budget`` (else reported
beside the fees); ``constraints.team_hours`` caps the sum of the selection's hours.
"""

from __future__ import annotations

import numpy as np

from .roster import Roster
from .tiers import TIER_NAMES

__all__ = ["management_hours", "management_cost"]


def management_hours(spec, roster: Roster) -> np.ndarray:
    """Hours of management per influencer (zeros when the scenario has no ``costs.management``).

    ``spec`` is a :class:`~lineup.domain.scenario.ScenarioSpec`; by-tier hours follow the
    scenario's tiers (``spec.tier_bounds``).

    Examples
    --------
    >>> from lineup.domain.scenario import ScenarioSpec
    >>> r = Roster.from_columns(ids=["a", "b"], followers=[500, 50_000], engagement_rate=[0.05, 0.02], fee=[50, 900])
    >>> hours = {"nano": 2, "micro": 3, "mid": 5, "macro": 8, "mega": 12}
    >>> spec = ScenarioSpec.model_validate({"name": "x", "budget": 1000, "roster": "r.csv",
    ...                                     "costs": {"management": {"hours": hours, "hourly_rate": 40}}})
    >>> management_hours(spec, r).tolist(), management_cost(spec, r).tolist()
    ([2.0, 5.0], [80.0, 200.0])
    """
    m = spec.costs.management
    if m is None:
        return np.zeros(roster.n)
    if not isinstance(m.hours, dict):
        return np.full(roster.n, float(m.hours))
    by_tier = np.asarray([float(m.hours[t]) for t in TIER_NAMES])
    return by_tier[spec.tier_bounds.codes_of(roster.followers)]


def management_cost(spec, roster: Roster) -> np.ndarray:
    """Management cost per influencer, in currency: :func:`management_hours` × ``hourly_rate``."""
    m = spec.costs.management
    rate = 0.0 if m is None else float(m.hourly_rate)
    return management_hours(spec, roster) * rate

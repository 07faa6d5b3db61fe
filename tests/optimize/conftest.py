"""Random in-memory rosters and scenarios for the optimiser tests (no files).

``random_roster(seed, n)`` and ``random_scenario(seed, n)`` are plain functions (so
hypothesis tests can call them with a drawn seed); the fixtures below wrap them.
Everything random comes from ``lineup._rng.as_generator(seed)``.
"""

from __future__ import annotations

import numpy as np
import pytest

from lineup._rng import as_generator
from lineup.domain import Overlap, Roster, Scenario, ScenarioSpec

NICHES = ("skincare", "vegan", "fitness", "travel")
PLATFORMS = ("instagram", "tiktok", "youtube")
COUNTRIES = ("gb", "us", "fr")


def random_roster(seed, n: int, niches=NICHES) -> Roster:
    """``n`` influencers across all tiers, fees ~ followers, 1–2 niches each."""
    rng = as_generator(seed)
    followers = np.round(10 ** rng.uniform(2.5, 6.5, n))
    member = rng.random((n, len(niches))) < 0.35
    member[np.arange(n), rng.integers(0, len(niches), n)] = True
    return Roster.from_columns(
        ids=[f"inf{k:03d}" for k in range(n)], followers=followers,
        engagement_rate=np.round(rng.uniform(0.01, 0.09, n), 4),
        fee=np.round(followers * rng.uniform(0.004, 0.012, n) + rng.uniform(20, 80, n)),
        niches=[[s for s, m in zip(niches, row) if m] for row in member],
        platform=rng.choice(PLATFORMS, n), country=rng.choice(COUNTRIES, n),
        authenticity=np.round(rng.uniform(0.6, 1.0, n), 2), posts=rng.integers(1, 4, n),
    )


def random_overlap(seed, roster: Roster, pairs: int) -> Overlap:
    """Up to ``pairs`` distinct pairs i < j sharing a fraction of the smaller audience."""
    rng = as_generator(seed)
    n = roster.n
    i, j = rng.integers(0, n, pairs), rng.integers(0, n, pairs)
    i, j = np.minimum(i, j), np.maximum(i, j)
    keep = i < j
    key = np.unique(i[keep] * n + j[keep])
    i, j = key // n, key % n
    shared = np.round(rng.uniform(0.05, 0.6, i.size) * np.minimum(roster.followers[i], roster.followers[j]))
    return Overlap(i=i, j=j, shared=shared)


def _maybe(rng, p: float) -> bool:
    return bool(rng.random() < p)


def random_constraints(rng, roster: Roster, p: float = 0.3) -> dict:
    """Each constraint kind present with probability ``p`` (ids and names valid for the roster)."""
    ids = roster.ids.tolist()
    c: dict = {}
    if _maybe(rng, p):
        lo = int(rng.integers(0, 4))
        c["influencers"] = {"min": lo, "max": lo + int(rng.integers(0, 5))}
    if _maybe(rng, p):
        c["tiers"] = {"micro": {"min": int(rng.integers(0, 3))}, "macro": {"max": int(rng.integers(0, 2))}}
    if _maybe(rng, p) and len(ids):
        plats = sorted(set(roster.platform.tolist()))
        c["platforms"] = {plats[0]: {"min_share": float(rng.choice([0.2, 0.4]))},
                          plats[-1]: {"max_share": float(rng.choice([0.3, 0.6]))}}
    if _maybe(rng, p):
        c["max_budget_share"] = float(rng.choice([0.3, 0.5, 0.8]))
    if _maybe(rng, p):
        c["min_authenticity"] = 0.7
    if _maybe(rng, p):
        c["countries"] = ["gb", "us"]
    pick = rng.permutation(len(ids))
    if _maybe(rng, p) and len(ids) >= 1:
        c["include"] = [ids[pick[0]]]
    if _maybe(rng, p) and len(ids) >= 2:
        c["exclude"] = [ids[pick[1]]]
    if _maybe(rng, p) and len(ids) >= 4:
        c["conflicts"] = [[ids[pick[2]], ids[pick[3]]]]
    return c


def random_scenario(seed, n: int, *, p: float = 0.3, overlap: bool = True, coverage: bool = True,
                    **spec) -> Scenario:
    """A random small scenario: roster, budget, niches (with targets/minimums), constraints, overlap."""
    rng = as_generator(seed)
    roster = random_roster(rng, n)
    niches = {}
    for s in roster.niche_names:
        if _maybe(rng, 0.7):
            niches[s] = {"weight": float(rng.integers(1, 4)), "target": int(rng.integers(1, 3)),
                         "min_influencers": int(rng.integers(0, 2)) if _maybe(rng, p) else 0}
    mean_e = float(roster.expected_engagement.mean()) if n else 1.0
    data = {
        "name": f"random {n}", "currency": "GBP", "roster": "<memory>",
        "budget": float(max(roster.fee.sum(), 1.0) * rng.uniform(0.15, 0.6)),
        "objective": {"engagement": 1.0, "coverage": float(rng.uniform(0, 2) * mean_e) if coverage else 0.0},
        "niches": niches, "constraints": random_constraints(rng, roster, p), **spec,
    }
    if _maybe(rng, p):
        data["constraints"]["min_spend"] = float(rng.uniform(0.1, 0.6) * data["budget"])
    ov = random_overlap(rng, roster, 2 * n) if overlap and n >= 2 and _maybe(rng, 0.5) else None
    return Scenario(spec=ScenarioSpec.model_validate(data), roster=roster, overlap=ov)


def scenario_from(roster: Roster, budget: float, **spec) -> Scenario:
    """A scenario over ``roster`` from keyword parts of the spec (objective, niches, constraints…)."""
    data = {"name": "test", "currency": "GBP", "roster": "<memory>", "budget": budget, **spec}
    return Scenario(spec=ScenarioSpec.model_validate(data), roster=roster)


@pytest.fixture
def small_scenario() -> Scenario:
    """A feasible 40-influencer scenario with nearly every constraint kind (seed 12)."""
    return random_scenario(12, 40, p=0.8)


@pytest.fixture
def scenario_factory():
    """``scenario_factory(seed, n, **kw)`` → :func:`random_scenario`."""
    return random_scenario

"""Pure domain types: roster, tiers, scenario, portfolio.  No I/O, no solver."""

from .campaign import SimulationSpec
from .packages import Packages
from .portfolio import Portfolio
from .priors import engagement_prior, fee_prior
from .roster import Roster, normalise_id, normalise_label
from .scenario import Overlap, Scenario, ScenarioSpec, check_against_roster, did_you_mean
from .tiers import TIER_NAMES, Tiers

__all__ = [
    "Packages", "Portfolio", "Roster", "Scenario", "ScenarioSpec", "SimulationSpec", "Overlap", "Tiers", "TIER_NAMES",
    "engagement_prior", "fee_prior", "normalise_id", "normalise_label", "check_against_roster", "did_you_mean",
]

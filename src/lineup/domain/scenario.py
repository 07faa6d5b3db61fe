"""The scenario: a planner's campaign, its rules and its options.

:class:`ScenarioSpec` is the strict schema of a scenario file (pydantic,
unknown keys rejected, every field documented with its unit); :class:`Scenario`
is a spec bound to its loaded roster, which is what the optimiser and the
simulator take.  Reading files lives in :mod:`lineup.io`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, Literal, Optional, Union

import numpy as np
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

from .campaign import SimulationSpec
from .outcomes import OutcomeSpec, RiskSpec, outcome_problems
from .packages import Packages
from .roster import Roster, column_name, id_key, normalise_id, normalise_label
from .tiers import DEFAULT_BOUNDS, TIER_NAMES, Tiers
from .rrsets import RRSets
from .uncertain import range_problem, uncertain_paths

__all__ = [
    "ScenarioSpec",
    "Scenario",
    "Overlap",
    "RosterSource",
    "Objective",
    "NicheSpec",
    "CountBounds",
    "ShareBounds",
    "Constraints",
    "SolverSpec",
    "Priors",
    "StrategySpec",
    "TierName",
    "Costs",
    "ManagementCosts",
    "CustomRule",
    "SumRule",
    "ShareRule",
    "CountRule",
    "did_you_mean",
    "check_against_roster",
]

TierName = Literal["nano", "micro", "mid", "macro", "mega"]
BoundName = Literal["nano", "micro", "mid", "macro"]
#: Assumptions ``uncertain:`` may name (see :mod:`lineup.domain.uncertain`).
UncertainPath = Literal[uncertain_paths()]  # type: ignore[valid-type]
UncertainRange = Annotated[list[float], Field(min_length=2, max_length=2)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class RosterSource(_Model):
    """Where the candidate influencers come from."""

    path: Union[str, list[str]] = Field(
        description="CSV/TSV (or .parquet/.xlsx) file, relative to the scenario file, or a list of files "
        "(e.g. monthly exports) whose rows are joined.")
    columns: dict[str, Optional[str]] = Field(
        default_factory=dict,
        description="Map a lineup column (id, platform, followers, engagement_rate, fee, niches, "
        "authenticity, posts, country, url, package, package_engagement_rate, usage_rights) to the file's column "
        "name, or to null to ignore the file's column of that name.",
    )
    platform: Optional[str] = Field(
        default=None, description="Platform of every row when the file has no platform column."
    )
    on_bad_rows: Literal["error", "skip"] = Field(
        default="error",
        description="'error': any unusable row stops the run (exit 2), all listed with line numbers; "
        "'skip': unusable rows are left out and summarised (by kind, with counts and first lines) as a warning.",
    )
    implausible: Literal["flag", "skip", "error"] = Field(
        default="flag",
        description="Rows with implausible values (engagement rate outside its tier's band, authenticity "
        "< 0.3, followers < 10, a fee > 20x or < 1/20 of the rate card; docs/model.md): 'flag' keeps them, "
        "flagged in every output; 'skip' leaves them out with a warning; 'error' stops the run (exit 2).",
    )
    sep: Optional[Literal[",", ";", "\t", "|"]] = Field(
        default=None, description="Delimiter of CSV files (default: sniffed among , ; tab |; .tsv files: tab)."
    )
    encoding: Optional[str] = Field(
        default=None, description="Text encoding of CSV files (default: UTF-8, else UTF-16 by its BOM, else cp1252)."
    )
    rate_card: Optional[str] = Field(
        default=None,
        description="Deliverable packages file (CSV/TSV/XLSX, relative to the scenario) with columns id, package, "
        "fee (currency, whole package), posts (default 1), engagement_rate (optional, fraction or %) and "
        "usage_rights (optional yes/no), joined to the roster on id; influencers without a row sell their roster "
        "fee and posts as one package 'standard'. Not priors.rate_card (per-post price ranges for blank fees).",
    )
    duplicates: Literal["error", "first", "last", "max_followers"] = Field(
        default="error",
        description="Rows with the same id and different values: 'error' (exit 2, both rows shown), or keep the "
        "'first', the 'last' or the one with the most followers ('max_followers'). Identical rows always collapse.",
    )

    @field_validator("path", mode="after")
    @classmethod
    def _some_path(cls, v: Union[str, list[str]]) -> Union[str, list[str]]:
        if isinstance(v, list) and not v:
            raise ValueError("give at least one roster file")
        return v


#: Largest objective weight: products of weights, engagements and counts must stay far from float overflow
#: (1e308); the solver rescales any weight below it (docs/model.md, "Solvers").
MAX_WEIGHT = 1e100


class TalkerSampling(_Model):
    """How expected talkers are estimated for ``objective.talkers`` (reverse-reachable sets, docs/model.md)."""

    epsilon: float = Field(default=0.1, gt=0, lt=1, description=(
        "Target precision: the samples are doubled until the chosen portfolio's certified lower bound is at "
        "least (1 − epsilon) × the upper bound on the best reachable talkers, or until max_sets."))
    confidence: float = Field(default=0.95, gt=0, lt=1, description=(
        "Probability that the certified bounds hold (split evenly between the lower and the upper bound)."))
    first_sets: int = Field(default=50_000, ge=1_000, le=20_000_000, description=(
        "RR sets the first round optimises on (the check sample holds 4 times as many)."))
    max_sets: int = Field(default=2_000_000, ge=1_000, le=20_000_000, description=(
        "Most RR sets to optimise on (the check sample holds 4 times as many)."))
    populations: int = Field(default=4, ge=1, le=1_000, description=(
        "Independent populations and audiences the sets are drawn over (graph randomness in the estimate)."))
    check_replications: int = Field(default=10, ge=0, le=100_000, description=(
        "Replications of the independent simulation check of the chosen portfolio (0: no check)."))

    @model_validator(mode="after")
    def _ordered(self) -> "TalkerSampling":
        if self.first_sets > self.max_sets:
            raise ValueError(f"first_sets ({self.first_sets:,}) is greater than max_sets ({self.max_sets:,})")
        return self


class Objective(_Model):
    """What the optimiser maximises: engagement × Σ E_i + coverage × Σ_s weight_s × y_s
    + talkers × expected talkers."""

    engagement: float = Field(default=1.0, ge=0, le=MAX_WEIGHT,
                              description="Weight of one expected engagement (unitless, at most 1e100).")
    coverage: float = Field(
        default=0.0,
        ge=0,
        le=MAX_WEIGHT,
        description="Worth of one fully covered niche of weight 1, in expected engagements (at most 1e100).",
    )
    talkers: float = Field(default=0.0, ge=0, le=MAX_WEIGHT, description=(
        "Worth of one expected talker (a person who starts talking, directly or by word of mouth), in expected "
        "engagements; estimated on reverse-reachable sets of the simulation model (at most 1e100)."))
    sampling: TalkerSampling = Field(default_factory=TalkerSampling,
                                     description="How expected talkers are estimated (used when talkers > 0).")
    target: Optional[float] = Field(default=None, gt=0, le=1e15, description=(
        "Engagements the campaign must reach: forecasts report the probability of reaching it."))
    minimise: Optional[Literal["cost"]] = Field(default=None, description=(
        "Target efficiency: 'cost' finds the cheapest portfolio (fees plus management cost) that keeps every rule, "
        "constraints.target_probability included; the other objective weights are then unused."))
    risk: Optional[RiskSpec] = Field(default=None, description=(
        "Plan for the bad cases: maximise (1 − beta) × mean + beta × CVaR_alpha of engagements on sampled "
        "outcome scenarios (docs/model.md, 'Risk-aware objectives'). Absent: the expected value alone."))


class NicheSpec(_Model):
    """A niche the campaign wants to reach (name as in the roster's niches column)."""

    weight: float = Field(default=1.0, ge=0, le=MAX_WEIGHT,
                          description="Relative importance of the niche (unitless, at most 1e100).")
    target: int = Field(default=1, ge=1, description="Influencers in the niche for full coverage (y = 1).")
    min_influencers: int = Field(default=0, ge=0, description="Hard minimum of selected influencers in the niche.")


class CountBounds(_Model):
    """A minimum and/or maximum number of influencers."""

    min: Optional[int] = Field(default=None, ge=0, description="At least this many influencers.")
    max: Optional[int] = Field(default=None, ge=0, description="At most this many influencers.")

    @model_validator(mode="after")
    def _ordered(self) -> "CountBounds":
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


class ShareBounds(_Model):
    """Bounds on a platform's share of the spend (fraction of the portfolio's total fees)."""

    min_share: Optional[float] = Field(default=None, ge=0, le=1, description="At least this share of spend.")
    max_share: Optional[float] = Field(default=None, ge=0, le=1, description="At most this share of spend.")

    @model_validator(mode="after")
    def _ordered(self) -> "ShareBounds":
        if self.min_share is not None and self.max_share is not None and self.min_share > self.max_share:
            raise ValueError(f"min_share ({self.min_share}) is greater than max_share ({self.max_share})")
        return self


#: Characters a custom rule's name may hold (it appears in dotted rule names: ``constraints.custom.<name>.max``).
_RULE_NAME = r"^[A-Za-z0-9_][A-Za-z0-9_\-]*$"


class _CustomBounds(_Model):
    """Bounds and name shared by every custom rule kind."""

    name: Optional[str] = Field(default=None, max_length=60,
                                description="Name of the rule in reports (constraints.custom.<name>.min|max); "
                                "default: the column's name in snake case.")
    min: Optional[float] = Field(default=None, description="Lower bound (the column's unit; see the kind).")
    max: Optional[float] = Field(default=None, description="Upper bound (the column's unit; see the kind).")

    @field_validator("name", mode="after")
    @classmethod
    def _plain_name(cls, v: Optional[str]) -> Optional[str]:
        import re

        if v is not None and not re.fullmatch(_RULE_NAME, v):
            raise ValueError("a rule name may hold only letters, digits, '_' and '-' (it is part of the rule's "
                             "name in reports: constraints.custom.<name>.max)")
        return v

    @model_validator(mode="after")
    def _bounded(self):
        if self.min is None and self.max is None:
            raise ValueError("give min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min:g}) is greater than max ({self.max:g})")
        return self

    @property
    def column_used(self) -> str:
        """The roster column the rule is over (as the scenario writes it)."""
        raise NotImplementedError

    @property
    def key(self) -> str:
        """The rule's name: ``name``, else the column in snake case (``"CO2 kg"`` → ``co2_kg``)."""
        return self.name or column_name(self.column_used)

    def rule_name(self, bound: Literal["min", "max"]) -> str:
        """The name reports and infeasibility messages give one bound: ``constraints.custom.<key>.<bound>``."""
        return f"constraints.custom.{self.key}.{bound}"


class SumRule(_CustomBounds):
    """Σ over the selected influencers of a numeric roster column within [min, max] (the column's unit),
    e.g. ``{column: co2_kg, max: 500}``."""

    column: str = Field(min_length=1, description="Numeric roster column summed over the selection.")

    @property
    def column_used(self) -> str:
        return self.column


class ShareRule(_CustomBounds):
    """The ``share_of``-weighted mean of a column over the selection, Σ w_i c_i / Σ w_i, within [min, max],
    e.g. ``{share_of: followers, column: audience_female, min: 0.6}`` (bounds in the column's unit)."""

    share_of: str = Field(min_length=1, description="Numeric roster column of weights (>= 0), e.g. followers or fee.")
    column: str = Field(min_length=1, description="Numeric roster column averaged (e.g. a fraction 0-1).")

    @property
    def column_used(self) -> str:
        return self.column


class CountRule(_CustomBounds):
    """The number of selected influencers whose flag column is set, within [min, max] (influencers),
    e.g. ``{count_where: verified, min: 5}``."""

    count_where: str = Field(min_length=1, description="Flag roster column (yes/no, true/false, x, 1/0; blank = no).")

    @property
    def column_used(self) -> str:
        return self.count_where


def _custom_kind(v: Any) -> str:
    if isinstance(v, dict):
        return "count" if "count_where" in v else "share" if "share_of" in v else "sum"
    return "count" if isinstance(v, CountRule) else "share" if isinstance(v, ShareRule) else "sum"


#: One ``constraints.custom`` entry: its kind is told by its keys (``count_where``, ``share_of``, else a sum).
CustomRule = Annotated[Union[Annotated[SumRule, Tag("sum")], Annotated[ShareRule, Tag("share")],
                             Annotated[CountRule, Tag("count")]], Discriminator(_custom_kind)]


class ManagementCosts(_Model):
    """Management effort per selected influencer (briefing, contracts, reviews, payment)."""

    hours: Union[Annotated[float, Field(ge=0)], dict[TierName, Annotated[float, Field(ge=0)]]] = Field(
        description="Hours of the team's work per influencer per campaign: one number, or by tier "
        "({nano: 4, micro: 4, mid: 6, macro: 10, mega: 15}); by tier, every tier must be given (0 for none).")
    hourly_rate: float = Field(
        default=0.0, ge=0,
        description="Cost of one hour of management, currency/hour (default 0: hours count only toward "
        "constraints.team_hours; lineup has no source for a typical rate, so none is assumed).")
    count_in_budget: bool = Field(
        default=True,
        description="true: hours x rate is added to each influencer's cost in the budget; false: reported beside "
        "the fees only.")

    @field_validator("hours", mode="after")
    @classmethod
    def _every_tier(cls, v):
        if isinstance(v, dict):
            missing = [t for t in TIER_NAMES if t not in v]
            if missing:
                raise ValueError(f"no hours for tier{'s' if len(missing) != 1 else ''} {', '.join(missing)}: give "
                                 f"every tier (0 for none), or one number for all")
        return v


class Costs(_Model):
    """Costs beside the fees."""

    management: Optional[ManagementCosts] = Field(default=None, description="Management effort per influencer.")


class Constraints(_Model):
    """The planner's rules.  Each is named in reports by its path here, e.g. ``tiers.micro.min``."""

    min_spend: Optional[float] = Field(default=None, ge=0, description="Spend at least this much (currency).")
    influencers: CountBounds = Field(default_factory=CountBounds, description="Portfolio size bounds.")
    tiers: dict[TierName, CountBounds] = Field(default_factory=dict, description="Per-tier count bounds.")
    platforms: dict[str, ShareBounds] = Field(default_factory=dict, description="Per-platform spend shares.")
    max_budget_share: Optional[float] = Field(
        default=None, gt=0, le=1, description="No single fee above this fraction of the budget."
    )
    min_authenticity: Optional[float] = Field(
        default=None, ge=0, le=1, description="Leave out influencers whose authenticity is below this (0–1)."
    )
    countries: Optional[list[str]] = Field(
        default=None,
        description="Only influencers from these countries (rows with no country are left out). Matched by "
        "country, not spelling: ISO code, English name or a common alias ('us', 'USA', 'United States', "
        "'U.S.' are one country); a value that names no country matches only roster cells that say the same.",
    )
    niches_only: Optional[list[str]] = Field(
        default=None,
        description="Only influencers with at least one of these niches (names as in the roster's niches "
        "column, case-insensitive; rows with no niche are left out).",
    )
    include: list[str] = Field(default_factory=list, description="Ids that must be in the portfolio.")
    exclude: list[str] = Field(default_factory=list, description="Ids that must not be in the portfolio.")
    conflicts: list[list[str]] = Field(
        default_factory=list, description="Groups of ids of which at most one may be chosen (competitor conflicts)."
    )
    target_probability: Optional[float] = Field(default=None, gt=0, le=1, description=(
        "Reach objective.target engagements in at least this share of the outcome scenarios the optimiser plans "
        "on (a chance constraint; outcomes.planning_scenarios of them)."))
    team_hours: Optional[float] = Field(
        default=None, ge=0,
        description="At most this many hours of management in total (hours; needs costs.management.hours).",
    )
    custom: list[CustomRule] = Field(
        default_factory=list,
        description="Rules over any numeric roster column: {column, min, max} (sum), {share_of, column, min, max} "
        "(weighted mean), {count_where, min, max} (count of flagged influencers); each named "
        "constraints.custom.<name>.min|max.",
    )

    @field_validator("custom", mode="after")
    @classmethod
    def _unique_names(cls, v: list) -> list:
        seen: dict[str, int] = {}
        for k, rule in enumerate(v):
            if rule.key in seen:
                raise ValueError(f"entries {seen[rule.key]} and {k} are both named {rule.key!r}; give one "
                                 f"another name (name: ...)")
            seen[rule.key] = k
        return v

    @field_validator("platforms", mode="after")
    @classmethod
    def _platform_names(cls, v: dict[str, ShareBounds]) -> dict[str, ShareBounds]:
        total = sum(b.min_share or 0.0 for b in v.values())
        if total > 1 + 1e-9:
            shares = ", ".join(f"{k} {b.min_share:.0%}" for k, b in v.items() if b.min_share)
            raise ValueError(f"the min_share values add up to {total:.0%} of spend ({shares}); "
                             "only an empty portfolio could meet them all")
        return {normalise_label(k): b for k, b in v.items()}

    @field_validator("countries", "niches_only", mode="after")
    @classmethod
    def _labels(cls, v: Optional[list[str]]) -> Optional[list[str]]:
        if v is not None and not any(normalise_label(c) for c in v):
            raise ValueError("must list at least one name (leave the key out to keep everyone)")
        return None if v is None else [normalise_label(c) for c in v if normalise_label(c)]

    @field_validator("include", "exclude", mode="after")
    @classmethod
    def _ids(cls, v: list[str]) -> list[str]:
        return [normalise_id(i) for i in v]

    @field_validator("conflicts", mode="after")
    @classmethod
    def _groups(cls, v: list[list[str]]) -> list[list[str]]:
        for g in v:
            if len(g) < 2:
                raise ValueError(f"a conflict group needs at least 2 ids, got {g}")
        return [[normalise_id(i) for i in g] for g in v]


#: Seconds a MILP solver may run unless the scenario (``solver.time_limit``) or the caller says otherwise.
DEFAULT_TIME_LIMIT = 60.0


class SolverSpec(_Model):
    """How to solve."""

    backend: Literal["cbc", "highs", "greedy"] = Field(
        default="cbc", description="cbc (bundled with PuLP), highs (highspy) or greedy (heuristic with a bound)."
    )
    time_limit: Optional[float] = Field(
        default=DEFAULT_TIME_LIMIT, gt=0,
        description="Wall-clock limit for the solver, seconds (default 60; null for none). A solve stopped by it "
        "returns the best portfolio found with status time_limit, its bound and gap.",
    )
    gap: float = Field(
        default=1e-4, ge=0, le=1, description="Relative optimality gap at which a MILP counts as solved."
    )
    greedy_above: int = Field(
        default=200_000,
        ge=1,
        description="Rosters with more candidates than this are solved by the greedy (with a bound).",
    )
    memory_limit: Optional[float] = Field(
        default=None,
        gt=0,
        description="Most memory, in GB, a MILP (or the greedy's LP bound) may be estimated to need before it is "
        "built; default 80% of the available memory (see docs/model.md, 'Memory').",
    )


CardRange = Annotated[list[Annotated[float, Field(gt=0)]], Field(min_length=2, max_length=2)]


class Priors(_Model):
    """Priors for blank roster values (see docs/model.md)."""

    fee_per_1k: dict[str, Annotated[float, Field(gt=0)]] = Field(
        default_factory=dict,
        description="Opt-in per-1k rule: price per 1,000 followers per post, by platform ('default' for "
        "others), in currency; listed platforms use it instead of the rate card.",
    )
    rate_card: dict[str, dict[TierName, CardRange]] = Field(
        default_factory=dict,
        description="Rate card overrides: platform ('default' for platforms without a card) → tier → "
        "[low, high] price per post, in currency; blank fees are estimated from the card.",
    )
    file: Optional[str] = Field(
        default=None,
        description="Priors file written by `lineup calibrate` (relative to the scenario): its fitted engagement "
        "curves (and rate cards, when fitted) replace the built-in ones for blank roster values.",
    )
    influencers: Optional[str] = Field(
        default=None,
        description="Influencer-rates CSV (`lineup calibrate --influencers`, relative to the scenario): fills blank "
        "engagement rates by platform and id before any curve (default: the one the priors file names).",
    )

    @field_validator("rate_card", mode="after")
    @classmethod
    def _ranges(cls, v: dict[str, dict[str, list[float]]]) -> dict[str, dict[str, list[float]]]:
        for platform, card in v.items():
            for tier, (low, high) in card.items():
                if low > high:
                    raise ValueError(f"{platform}.{tier}: the low price {low:g} is above the high price {high:g}")
        return {normalise_label(p): {t: [float(lo), float(hi)] for t, (lo, hi) in card.items()}
                for p, card in v.items()}


class OverlapSpec(_Model):
    """Pairwise audience overlap table (CSV with columns id_a, id_b, shared)."""

    path: str = Field(description="CSV file relative to the scenario file.")
    unit: Literal["followers", "fraction"] = Field(
        default="followers",
        description="'followers': shared is a number of people; 'fraction': shared is a fraction of the "
        "smaller audience.",
    )


class StrategySpec(_Model):
    """A named way to build the portfolio for ``lineup compare``.

    Either explicit ``ids`` (a hand-picked portfolio), or extra rules layered on
    the scenario's own: only some ``tiers`` / ``platforms``, other portfolio-size
    bounds, another ``budget``.  ``{}`` means the scenario's rules as they are.
    """

    description: str = Field(default="", description="Free text shown in reports.")
    ids: Optional[list[str]] = Field(default=None, description="Explicit portfolio (influencer ids); no solving.")
    tiers: Optional[list[TierName]] = Field(default=None, description="Only influencers of these tiers.")
    platforms: Optional[list[str]] = Field(default=None, description="Only influencers on these platforms.")
    influencers: Optional[CountBounds] = Field(
        default=None, description="Portfolio size bounds replacing constraints.influencers."
    )
    budget: Optional[float] = Field(default=None, gt=0, description="Budget replacing the scenario's, currency.")
    objective: Optional[Union[Literal["engagement", "talkers"], Objective]] = Field(default=None, description=(
        "What this strategy maximises: 'engagement' (expected engagements, no coverage), 'talkers' (expected "
        "talkers only, chosen for word of mouth on RR sets), or objective weights replacing the scenario's."))

    @field_validator("ids", mode="after")
    @classmethod
    def _ids(cls, v: Optional[list[str]]) -> Optional[list[str]]:
        if v is not None and not v:
            raise ValueError("ids must list at least one influencer")
        return None if v is None else [normalise_id(i) for i in v]

    @field_validator("platforms", mode="after")
    @classmethod
    def _platforms(cls, v: Optional[list[str]]) -> Optional[list[str]]:
        return None if v is None else [normalise_label(p) for p in v]

    @model_validator(mode="after")
    def _explicit_alone(self) -> "StrategySpec":
        if self.ids is not None and any(x is not None for x in (self.tiers, self.platforms, self.influencers,
                                                                 self.objective)):
            raise ValueError("a strategy with explicit ids cannot also set tiers, platforms, influencers or objective")
        return self


class ScenarioSpec(_Model):
    """A scenario file, validated."""

    name: str = Field(description="Campaign name shown in reports.")
    description: str = Field(default="", description="Free text for the report.")
    currency: str = Field(default="USD", description="Currency code of budget and fees (display only).")
    budget: float = Field(gt=0, description="Hard cap on the sum of fees, in currency.")
    roster: RosterSource = Field(description="Roster file (a path, or an object with path and options).")
    objective: Objective = Field(default_factory=Objective)
    niches: dict[str, NicheSpec] = Field(default_factory=dict, description="Niches to cover, by roster name.")
    tiers: dict[BoundName, float] = Field(
        default_factory=dict,
        description="Upper follower bound (exclusive) of tiers nano, micro, mid, macro; mega is the rest.",
    )
    constraints: Constraints = Field(default_factory=Constraints)
    costs: Costs = Field(default_factory=Costs, description="Costs beside the fees (management effort).")
    overlap: Optional[OverlapSpec] = Field(default=None, description="Optional audience-overlap table.")
    outcomes: OutcomeSpec = Field(default_factory=OutcomeSpec, description=(
        "How uncertain each creator's engagements are: spreads, delivery, shocks (docs/model.md, 'Outcome model')."))
    priors: Priors = Field(default_factory=Priors)
    solver: SolverSpec = Field(default_factory=SolverSpec)
    simulation: SimulationSpec = Field(default_factory=SimulationSpec)
    strategies: dict[str, StrategySpec] = Field(
        default_factory=dict,
        description="Named strategies for `lineup compare` (default: the scenario's own rules as 'optimised').",
    )
    uncertain: Optional[dict[UncertainPath, UncertainRange]] = Field(
        default=None,
        description="Assumptions `lineup sensitivity` varies: scenario path (e.g. simulation.talk_prob.micro, "
        "simulation.word_of_mouth.p, or engagement_prior_scale, a factor on estimated engagement rates) → "
        "[low, high] inside the field's validated range. Default: the documented ranges (docs/model.md, "
        "'Sensitivity').",
    )

    @model_validator(mode="after")
    def _target_rules(self) -> "ScenarioSpec":
        if self.constraints.target_probability is not None and self.objective.target is None:
            raise ValueError("constraints.target_probability needs objective.target (the engagements to reach)")
        if self.objective.minimise is not None and self.constraints.target_probability is None:
            raise ValueError("objective.minimise: cost needs constraints.target_probability (else the cheapest "
                             "portfolio is the empty one)")
        if self.objective.minimise is not None and (self.objective.risk is not None or self.objective.talkers > 0):
            other = "objective.risk" if self.objective.risk is not None else "objective.talkers"
            raise ValueError(f"objective.minimise: cost replaces the objective, so {other} would do nothing; "
                             f"remove one of them")
        return self

    @field_validator("roster", "overlap", mode="before")
    @classmethod
    def _path_shorthand(cls, v: Any) -> Any:
        return {"path": v} if isinstance(v, (str, list)) else v

    @field_validator("uncertain", mode="after")
    @classmethod
    def _some_uncertain(cls, v: Optional[dict]) -> Optional[dict]:
        if v is not None and not v:
            raise ValueError("must list at least one assumption (leave the key out to use the default ranges)")
        return v

    @field_validator("niches", mode="after")
    @classmethod
    def _niche_names(cls, v: dict[str, NicheSpec]) -> dict[str, NicheSpec]:
        return {normalise_label(k): s for k, s in v.items()}

    @field_validator("tiers", mode="after")
    @classmethod
    def _increasing(cls, v: dict[str, float]) -> dict[str, float]:
        merged = {**DEFAULT_BOUNDS, **v}
        values = [merged[k] for k in TIER_NAMES[:-1]]
        if any(b <= a for a, b in zip(values, values[1:])) or values[0] <= 0:
            raise ValueError(f"tier bounds must increase from nano to macro, got {merged}")
        return v

    @property
    def tier_bounds(self) -> Tiers:
        """The scenario's tier boundaries."""
        return Tiers.from_mapping(self.tiers)

    def default_warnings(self) -> list[str]:
        """Defaults that silently change what the scenario means (issue 9): said out loud.

        Examples
        --------
        >>> spec = ScenarioSpec.model_validate({"name": "x", "budget": 100, "roster": "r.csv",
        ...                                     "niches": {"vegan": {"weight": 3}}})
        >>> print(spec.default_warnings()[0])  # doctest: +ELLIPSIS
        objective.coverage is 0 (the default), so the niche weights (vegan 3) do nothing: ...
        """
        weights = {n: s.weight for n, s in self.niches.items() if s.weight > 0}
        if not weights or self.objective.coverage > 0:
            return []
        shown = ", ".join(f"{n} {w:g}" for n, w in list(weights.items())[:6]) + (", ..." if len(weights) > 6 else "")
        o = self.objective
        aims = " and ".join(a for a, w in (("expected engagements", o.engagement), ("expected talkers", o.talkers))
                            if w > 0) or "nothing"
        default = "" if "coverage" in o.model_fields_set else " (the default)"
        return [f"objective.coverage is 0{default}, so the niche weights ({shown}) do nothing: the optimiser "
                f"maximises {aims} only; set objective.coverage (the worth of one fully covered niche "
                f"of weight 1, in expected engagements, e.g. 1000) to value niche coverage"]


@dataclass(frozen=True, eq=False)
class Overlap:
    """Pairwise shared audience between roster rows ``i < j``: ``shared`` real followers."""

    i: np.ndarray
    j: np.ndarray
    shared: np.ndarray

    def __len__(self) -> int:
        return len(self.i)


@dataclass(frozen=True, eq=False)
class Scenario:
    """A validated scenario bound to its roster (and overlap table, if any).

    Build it with :func:`lineup.load_scenario`; derive what-ifs with
    :meth:`with_overrides`.
    """

    spec: ScenarioSpec
    roster: Roster
    overlap: Optional[Overlap] = None
    path: Optional[Path] = None
    warnings: tuple[str, ...] = field(default=())
    #: Priors read from ``priors.file`` (None: the built-in priors).
    fitted: Optional[Any] = None
    #: Deliverable packages (a roster ``package`` column or ``roster.rate_card``); None: one decision per roster row.
    packages: Optional[Packages] = None
    #: RR sets over the decisions for ``objective.talkers`` (drawn by :func:`lineup.solve`); None: none drawn.
    talkers: Optional[RRSets] = None
    #: Outcome scenarios × decisions of engagements for ``objective.risk`` (drawn by :func:`lineup.solve`).
    outcome_sample: Optional[np.ndarray] = None

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def budget(self) -> float:
        return self.spec.budget

    @property
    def currency(self) -> str:
        return self.spec.currency

    @property
    def tiers(self) -> Tiers:
        return self.spec.tier_bounds

    def __repr__(self) -> str:
        """Short: name, budget, currency and roster size (never the whole spec or roster).

        >>> from lineup.optimize.formulation import tiny_scenario
        >>> tiny_scenario()
        Scenario(name='tiny', budget=1000.0, currency='GBP', influencers=5, warnings=0)
        """
        from .._repr import short_repr

        return short_repr("Scenario", {"name": self.name, "budget": self.budget, "currency": self.currency,
                                       "influencers": self.roster.n, "warnings": len(self.warnings)})

    def with_overrides(self, **changes: Any) -> "Scenario":
        """A copy with top-level fields replaced and re-validated (roster kept).

        Nested fields take dotted names written with ``__``, e.g.
        ``constraints__influencers__max=20``.  Every problem (an unknown field,
        with a "did you mean", or an invalid value) raises one
        :class:`~lineup.errors.ScenarioError` that lists them all, located by
        the override's field.

        Examples
        --------
        >>> from lineup.optimize.formulation import tiny_scenario
        >>> tiny_scenario().with_overrides(constraints__influencers__max=1).spec.constraints.influencers.max
        1
        >>> tiny_scenario().with_overrides(budgt=3)
        Traceback (most recent call last):
        ...
        lineup.errors.ScenarioError: with_overrides, field 'budgt': unknown key 'budgt' (did you mean 'budget'?)
        """
        from pydantic import ValidationError

        from ..errors import ScenarioError

        data = self.spec.model_dump()
        for key, value in changes.items():
            _set_override(data, key, value)
        try:
            spec = ScenarioSpec.model_validate(data)
        except ValidationError as exc:
            problems = [_override_problem(err) for err in exc.errors()]
        else:
            if spec.roster.model_dump() != self.spec.roster.model_dump():   # an override equal to it is fine
                raise ScenarioError("with_overrides cannot change the roster; load another scenario instead")
            problems = [_where_override(loc, msg) for loc, msg in check_against_roster(spec, self.roster)]
            if not problems:
                stale = set(self.spec.default_warnings())
                warnings = tuple(w for w in self.warnings if w not in stale) + tuple(spec.default_warnings())
                keep = all(k in _SAMPLE_SAFE for k in changes)   # the RR sample still describes the scenario
                return replace(self, spec=spec, warnings=warnings, talkers=self.talkers if keep else None,
                               outcome_sample=self.outcome_sample if keep else None)
        raise ScenarioError(problems[0] if len(problems) == 1 else
                            f"with_overrides: {len(problems)} problems in the overrides", problems)


#: Overrides that leave a scenario's RR sample valid (the candidates and the campaign model are unchanged).
_SAMPLE_SAFE = frozenset({"budget", "objective__engagement", "objective__coverage", "objective__talkers", "objective__target",
                          "solver",
                          "solver__backend", "solver__time_limit", "solver__gap", "name", "description"})


def _set_override(data: dict, key: str, value: Any) -> None:
    """Set ``a__b__c`` in the nested dict ``data`` (a ScenarioError if ``a.b`` is not a group of fields)."""
    from ..errors import ScenarioError

    *parents, leaf = key.split("__")
    node = data
    for depth, p in enumerate(parents):
        if node.get(p) is None:
            node[p] = {}
        node = node[p]
        if not isinstance(node, dict):
            problem = _where_override(key.split("__"), f"{'.'.join(parents[:depth + 1])!r} is a value, "
                                                       f"not a group of fields")
            raise ScenarioError(problem, [problem])
    node[leaf] = value


def _where_override(loc, message: str) -> str:
    from .._text import printable

    field = printable(".".join(str(p) for p in loc))
    return f"with_overrides, field '{field}': {message}" if field else f"with_overrides: {message}"


def _override_problem(err: dict) -> str:
    """One pydantic error as a located problem, with a did-you-mean for unknown keys."""
    from .._text import printable

    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p.startswith("function-")
                                                                     or p in ("sum", "share", "count"))))
    if err["type"] == "extra_forbidden":
        return _where_override(loc, f"unknown key {printable(repr(loc[-1]))}"
                                    f"{did_you_mean(loc[-1], _fields_at(loc[:-1]))}")
    if err["type"] == "missing":
        return _where_override(loc, "required field is missing")
    value = err.get("input")
    shown = "" if isinstance(value, (dict, list)) else f", got {printable(repr(value), limit=80)}"
    msg = err["msg"].removeprefix("Value error, ")
    return _where_override(loc, f"{msg[:1].lower()}{msg[1:]}{shown}")


def _fields_at(loc) -> list[str]:
    """Field names of the ScenarioSpec model found at ``loc`` (``[]`` where there is no model)."""
    model: Any = ScenarioSpec
    for part in loc:
        field_info = model.model_fields.get(str(part)) if isinstance(model, type) else None
        model = _model_in(field_info.annotation) if field_info is not None else None
        if model is None:
            return []
    return list(model.model_fields) if isinstance(model, type) and issubclass(model, BaseModel) else []


def _model_in(annotation: Any) -> Any:
    """The pydantic model inside ``annotation`` (``Optional[M]``, ``M | None``), or ``None``."""
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def did_you_mean(word: str, choices) -> str:
    """A ``" (did you mean 'x'?)"`` hint, or ``""``.

    >>> did_you_mean("budjet", ["budget", "name"])
    " (did you mean 'budget'?)"
    """
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_against_roster(spec: ScenarioSpec, roster: Roster) -> list[tuple[tuple, str]]:
    """Problems of a spec that only show against its roster, as ``(location, message)``.

    Unknown niches, unknown ids in include/exclude/conflicts, an id both
    included and excluded, unknown platforms in ``constraints.platforms``.
    """
    problems: list[tuple[tuple, str]] = []
    known_niches = set(roster.niche_names)
    for niche in spec.niches:
        if niche not in known_niches:
            problems.append((("niches", niche), f"niche {niche!r} is not in the roster{did_you_mean(niche, known_niches)}"))
    c = spec.constraints
    for k, niche in enumerate(c.niches_only or []):
        if niche not in known_niches:
            problems.append((("constraints", "niches_only", k),
                             f"niche {niche!r} is not in the roster{did_you_mean(niche, known_niches)}"))
    problems += _unknown_countries(c.countries or [], roster)
    ids = roster.ids.tolist()
    for key in ("include", "exclude"):
        for k, i in enumerate(getattr(c, key)):
            if roster.index_of(i) is None:
                problems.append((("constraints", key, k), f"id {i!r} is not in the roster{did_you_mean(i, ids)}"))
    for g, group in enumerate(c.conflicts):
        for k, i in enumerate(group):
            if roster.index_of(i) is None:
                problems.append((("constraints", "conflicts", g, k), f"id {i!r} is not in the roster{did_you_mean(i, ids)}"))
    excluded = {id_key(i) for i in c.exclude}
    for i in sorted(i for i in c.include if id_key(i) in excluded):
        problems.append((("constraints", "include"), f"id {i!r} is both included and excluded"))
    for path, (low, high) in (spec.uncertain or {}).items():
        if (problem := range_problem(path, low, high, spec.simulation)) is not None:
            problems.append((("uncertain", path), problem))
    platforms = set(roster.platform.tolist())
    for p in c.platforms:
        if p not in platforms:
            problems.append((("constraints", "platforms", p), f"platform {p!r} is not in the roster{did_you_mean(p, platforms)}"))
    problems += _cost_problems(spec) + _custom_problems(c.custom, roster) + outcome_problems(spec.outcomes, roster)
    for name, strategy in spec.strategies.items():
        for k, i in enumerate(strategy.ids or []):
            if roster.index_of(i) is None:
                problems.append((("strategies", name, "ids", k), f"id {i!r} is not in the roster{did_you_mean(i, ids)}"))
        for k, p in enumerate(strategy.platforms or []):
            if p not in platforms:
                problems.append((("strategies", name, "platforms", k), f"platform {p!r} is not in the roster{did_you_mean(p, platforms)}"))
    return problems


def _cost_problems(spec: ScenarioSpec) -> list[tuple[tuple, str]]:
    """``constraints.team_hours`` without management hours would constrain nothing: an error."""
    m = spec.costs.management
    if spec.constraints.team_hours is None or (m is not None and _any_hours(m.hours)):
        return []
    return [(("constraints", "team_hours"), "caps management hours, but costs.management.hours gives none "
             "(add costs: {management: {hours: ...}}, or remove team_hours)")]


def _any_hours(hours) -> bool:
    return any(h > 0 for h in hours.values()) if isinstance(hours, dict) else hours > 0


def _custom_problems(rules: list, roster: Roster) -> list[tuple[tuple, str]]:
    """Custom rules over columns the roster lacks, holds as text or with blanks; flags that are not flags;
    share weights with negatives."""
    from .columns import column_problem

    out = []
    for k, rule in enumerate(rules):
        uses = {"sum": (("column", "sum"),), "share": (("share_of", "weights"), ("column", "share")),
                "count": (("count_where", "flag"),)}[_custom_kind(rule)]
        for key, use in uses:
            if (problem := column_problem(roster, getattr(rule, key), use)) is not None:
                out.append((("constraints", "custom", k, key), problem))
    return out


def _unknown_countries(wanted: list[str], roster: Roster) -> list[tuple[tuple, str]]:
    """``constraints.countries`` values that name no country and no value of the roster's country column."""
    from .countries import country_choices, country_code, fold

    held = {fold(v) for v in set(roster.country.tolist()) if isinstance(v, str) and v}
    out = []
    for k, name in enumerate(wanted):
        if country_code(name) is None and fold(name) not in held:
            out.append((("constraints", "countries", k),
                        f"{name!r} names no country (ISO code or English name) and no value of the roster's country "
                        f"column{did_you_mean(fold(name), [*held, *country_choices()])}"))
    return out

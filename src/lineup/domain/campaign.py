"""Scenario options for the word-of-mouth simulation (the ``simulation:`` section).

Every field states its unit and default.  The model they drive (population,
audiences, posting timeline, word of mouth, Monte Carlo) is described in
:mod:`lineup.simulation.campaign` and in ``docs/model.md``.

Examples
--------
>>> s = SimulationSpec.model_validate({"days": 14, "population": {"size": 5000}})
>>> s.days, s.population.size, s.word_of_mouth.p
(14, 5000, 0.01)
>>> SimulationSpec.model_validate({"network": "edges.txt"}).network.path
'edges.txt'
"""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["SimulationSpec", "PopulationSpec", "NetworkSpec", "WordOfMouthSpec", "TalkProbability"]

# Validated ranges (docs/model.md lists them with their reasons).  Memory is checked
# separately, against the machine, before anything is generated.
MAX_PEOPLE = 50_000_000         # generated people: int32 CSR indices, n² edge keys in int64, ~30 GB at degree 10
MAX_MEAN_DEGREE = 1_000         # ties/person: far above any social network's mean degree
MIN_DEGREE_EXPONENT = 2.0       # exclusive: at 2 and below the Pareto mean (the mean degree) is infinite
MAX_DEGREE_EXPONENT = 100.0     # beyond it every expected degree is the mean: there is no tail left
DEFAULT_MAX_DEGREE = 150.0      # Dunbar's number: ~150 stable relationships a person can keep (Dunbar 1992)
DEGREE_CAP_PER_MEAN = 15.0      # the default cap is never below 15 × mean_degree (150 / 10 at the defaults)
MAX_MAX_DEGREE = 1_000_000      # ties/person: far above anyone's circle; keeps θ finite
MAX_DAYS = 3650                 # ten years
MAX_REPLICATIONS = 100_000      # per-replication results are kept in memory for the intervals
MIN_SPACING_DAYS = 1 / 24       # one post an hour; posts are processed by day anyway
MIN_RECURRING_DAYS = 1.0        # a deliverable paid again more than daily is a posting rate, not a partnership
MIN_AUDIENCE_CAP = 0.01         # below 1 % of the population every audience is a handful of simulated people
MAX_AUDIENCE_CAP = 10.0
MAX_HAZARD = 100.0              # Bass hazards (1/day): beyond it everybody talks within the first hour
MAX_STEPS_PER_DAY = 1_440       # one step a minute
MAX_SEED = 2**63 - 1            # fits a 64-bit integer in every output
AUTO_MIN_PEOPLE = 10_000        # smallest population 'auto' chooses (and the size of an unresolved 'auto')


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class PopulationSpec(_Model):
    """A generated population: people with a primary niche and a social graph.

    Degree-corrected stochastic block model: one block per niche plus people
    with no niche ("general"); heavy-tailed (Pareto) expected degrees.
    """

    size: Optional[int] = Field(
        default=None, ge=10, le=MAX_PEOPLE,
        description="Number of simulated people (people, 10–50,000,000), or 'auto'. Default 'auto': sized so that "
        "every influencer simulated gets at least 20 simulated followers, at least 10,000 and at most "
        "2,000,000 people or what the memory allows (the outputs say which, and why when 20 cannot be reached).")
    mean_degree: float = Field(
        default=10.0, gt=0, le=MAX_MEAN_DEGREE,
        description="Mean number of friends per person (ties/person, (0, 1,000], below size). Default 10.",
    )
    mixing: float = Field(
        default=0.2,
        ge=0,
        le=1,
        description="Fraction of a niche member's ties that go to people outside their niche (0–1). "
        "Default 0.2.  People with no niche tie to anyone.",
    )
    degree_exponent: float = Field(
        default=2.5,
        gt=MIN_DEGREE_EXPONENT,
        le=MAX_DEGREE_EXPONENT,
        description="Exponent α of the Pareto tail of expected degrees, P(deg > x) ~ x^(1-α) "
        "(unitless, (2, 100]). Default 2.5.",
    )
    max_degree: Optional[float] = Field(
        default=None, gt=0, le=MAX_MAX_DEGREE,
        description="Largest expected number of friends of one person (ties/person, above mean_degree, "
        "at most 1,000,000). Default 150 (Dunbar's number), or 15 × mean_degree when that is larger. "
        "A cap in people, not in a share of the population, keeps word of mouth the same at every "
        "population size.",
    )
    general_share: float = Field(
        default=0.3,
        ge=0,
        lt=1,
        description="Fraction of people with no niche of the campaign ('general' public) (0–1). Default 0.3.  "
        "The rest are split evenly across the niches.",
    )
    vary: bool = Field(
        default=True,
        description="Whether every replication draws its own population (true, default: the randomness of "
        "the social graph is part of the confidence intervals) or all replications reuse one population "
        "generated from the seed (false: faster for large populations; the intervals are then conditional "
        "on that one graph and leave its randomness out, and the outputs say so).",
    )

    @property
    def degree_cap(self) -> float:
        """The cap on expected degrees in use: ``max_degree`` or its default.

        >>> PopulationSpec().degree_cap, PopulationSpec(mean_degree=20).degree_cap
        (150.0, 300.0)
        """
        if self.max_degree is not None:
            return float(self.max_degree)
        return max(DEFAULT_MAX_DEGREE, DEGREE_CAP_PER_MEAN * self.mean_degree)

    @field_validator("size", mode="before")
    @classmethod
    def _auto(cls, v: Any) -> Any:
        return None if isinstance(v, str) and v.strip().lower() == "auto" else v

    @model_validator(mode="after")
    def _degree_fits(self) -> "PopulationSpec":
        if self.mean_degree >= (self.size if self.size is not None else AUTO_MIN_PEOPLE):
            raise ValueError(f"mean_degree ({self.mean_degree:g}) must be below size ({self.size}): "
                             "nobody can have more friends than there are other people")
        if self.max_degree is not None and self.max_degree <= self.mean_degree:
            raise ValueError(f"max_degree ({self.max_degree:g}) must be above mean_degree ({self.mean_degree:g}): "
                             "the cap applies to the heavy tail of the degrees")
        return self


class NetworkSpec(_Model):
    """A real social network read from an edge list (and optional communities file)."""

    path: str = Field(
        description="Edge list, one 'node node' pair per line (whitespace/tab separated; '#'/'%' comments; "
        "optional header line), relative to the scenario file."
    )
    communities: Optional[str] = Field(
        default=None,
        description="Optional 'node label' file giving each person's niche (community), relative to the "
        "scenario file.  Default: none (nobody has a niche).",
    )
    directed: bool = Field(
        default=False,
        description="Whether 'a b' means only a → b (a tells b).  Default false: ties work both ways.",
    )
    header: Optional[bool] = Field(
        default=None,
        description="Whether the edge list's first line is a header.  Default: detected (a text line above "
        "numeric ids, or an 'n m' count line); set true for a header above text ids.",
    )


#: The parameters each word-of-mouth model uses; setting another model's parameter is an error.
WOM_PARAMETERS = {"ic": frozenset({"p", "mean_delay_days", "decay"}),
                  "threshold": frozenset({"phi", "mean_delay_days"}),
                  "bass": frozenset({"bass_p", "bass_q", "steps_per_day"}),
                  "none": frozenset()}


class WordOfMouthSpec(_Model):
    """How talkers pass the campaign on.

    Each model reads only its own parameters (:data:`WOM_PARAMETERS`); a parameter of another
    model set to anything but its default is an error, not silently ignored (at its default it
    changes nothing, and a full ``model_dump()`` validates again).

    >>> WordOfMouthSpec(model="threshold", phi=0.3).phi
    0.3
    >>> WordOfMouthSpec(model="ic", phi=0.3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for WordOfMouthSpec
      Value error, phi is a parameter of the 'threshold' model; model 'ic' uses decay, mean_delay_days, p ...
    """

    model: Literal["ic", "threshold", "bass", "none"] = Field(
        default="ic",
        description="'ic': independent cascade over the social graph; 'threshold': complex contagion, a person "
        "starts talking once a fraction phi of their friends have told them; 'bass': Bass external + internal "
        "influence on a well-mixed population (graph ignored); 'none': no word of mouth.  Default 'ic'.",
    )
    p: float = Field(
        default=0.01,
        ge=0,
        le=1,
        description="IC: probability that a talker gets a given friend talking when they tell them "
        "(per tie, tried once) (0–1). Default 0.01, the usual influence-maximisation benchmark value "
        "(assumption; heavy-tailed networks turn supercritical near p × mean excess degree = 1).",
    )
    mean_delay_days: float = Field(
        default=1.5,
        ge=1,
        le=MAX_DAYS,
        description="IC: mean delay between starting to talk and telling friends (days, geometric on "
        "1, 2, ...; 1–3,650). Default 1.5.",
    )
    decay: float = Field(
        default=0.8,
        gt=0,
        le=1,
        description="IC: interest decay; a talker who tells friends d days after starting convinces each "
        "with probability p × decay^(d-1) (per day, 0–1]. Default 0.8.",
    )
    phi: float = Field(
        default=0.2,
        gt=0,
        le=1,
        description="Threshold: fraction of a person's friends (in-neighbours) who must have told them before "
        "they start talking (0–1]. Default 0.2.",
    )
    bass_p: float = Field(
        default=0.0,
        ge=0,
        le=MAX_HAZARD,
        description="Bass: external (advertising) influence, hazard per non-talker per day (1/day, 0–100), on "
        "top of the posts. Default 0.",
    )
    bass_q: float = Field(
        default=0.3,
        ge=0,
        le=MAX_HAZARD,
        description="Bass: internal (imitation) influence; hazard q × (fraction talking) per non-talker per "
        "day (1/day, 0–100). Default 0.3.",
    )
    steps_per_day: int = Field(
        default=10, ge=1, le=MAX_STEPS_PER_DAY,
        description="Bass: time steps per day of the discretised hazard (steps/day, 1–1,440). Default 10.",
    )

    @model_validator(mode="after")
    def _only_the_model_s_parameters(self) -> "WordOfMouthSpec":
        uses = WOM_PARAMETERS[self.model]
        fields = type(self).model_fields   # a full dump (every field at its default) still validates
        foreign = sorted(n for n in self.model_fields_set - uses - {"model"} if getattr(self, n) != fields[n].default)
        if foreign:
            owners = {name: sorted(m for m, names in WOM_PARAMETERS.items() if name in names) for name in foreign}
            said = "; ".join(f"{name} is a parameter of the {' and '.join(repr(m) for m in owners[name])} model"
                             f"{'s' if len(owners[name]) > 1 else ''}" for name in foreign)
            used = ", ".join(sorted(uses)) or "no parameter"
            raise ValueError(f"{said}; model {self.model!r} uses {used} (remove the others or change the model)")
        return self


class TalkProbability(_Model):
    """Probability that an engaged follower starts talking (uses the hashtag), by tier.

    Assumption: trust, and so advocacy, is higher for smaller creators.
    """

    nano: float = Field(default=0.06, ge=0, le=1, description="Nano creators (per engaged follower). Default 0.06.")
    micro: float = Field(default=0.05, ge=0, le=1, description="Micro creators (per engaged follower). Default 0.05.")
    mid: float = Field(default=0.03, ge=0, le=1, description="Mid-tier creators (per engaged follower). Default 0.03.")
    macro: float = Field(default=0.02, ge=0, le=1, description="Macro creators (per engaged follower). Default 0.02.")
    mega: float = Field(default=0.015, ge=0, le=1, description="Mega creators (per engaged follower). Default 0.015.")


class SimulationSpec(_Model):
    """Options of ``lineup simulate`` (the scenario's ``simulation:`` section)."""

    replications: int = Field(default=100, ge=1, le=MAX_REPLICATIONS,
                              description="Monte Carlo replications (runs, 1–100,000). Default 100.")
    seed: int = Field(default=0, ge=0, le=MAX_SEED,
                      description="Seed of the replications' SeedSequence (integer, 0–2^63-1). Default 0.")
    days: int = Field(default=30, ge=1, le=MAX_DAYS, description="Campaign length (days, 1–3,650). Default 30.")
    population: Optional[PopulationSpec] = Field(
        default=None,
        description="Generated population (size, mean_degree, mixing, ...). Default: generated with the "
        "PopulationSpec defaults unless 'network' is given.",
    )
    network: Optional[NetworkSpec] = Field(
        default=None,
        description="Real network instead of a generated population (a path, or an object with path, "
        "communities, directed, header), relative to the scenario file. Default: none.",
    )
    organic_reach: float = Field(
        default=0.3,
        gt=0,
        le=1,
        description="Fraction of an influencer's (simulated) followers who see one post (0–1). Default 0.3 "
        "(assumption: industry reports put organic reach per post at roughly 10–35 % of followers).",
    )
    post_spacing_days: float = Field(
        default=3.0, ge=MIN_SPACING_DAYS, le=MAX_DAYS,
        description="Days between two posts of the same influencer (days, 1/24–3,650). Default 3.",
    )
    start_window_days: float = Field(
        default=7.0,
        ge=0,
        le=MAX_DAYS,
        description="Each influencer's first post is at a random whole day in [0, start_window_days) "
        "(days, 0–3,650). Default 7; 0 means everybody posts first on day 0.",
    )
    recurring_every_days: Optional[float] = Field(
        default=None,
        ge=MIN_RECURRING_DAYS,
        le=MAX_DAYS,
        description="Long-term partnership: the whole deliverable (its posts) repeats every this many days "
        "and is paid again each time (days, 1–3,650). Default: no repeat.",
    )
    niche_focus: float = Field(
        default=0.8,
        ge=0,
        le=1,
        description="Fraction of an influencer's followers drawn from people in its niches; the rest are "
        "drawn from everyone (0–1). Default 0.8.",
    )
    audience_cap: float = Field(
        default=0.5,
        ge=MIN_AUDIENCE_CAP,
        le=MAX_AUDIENCE_CAP,
        description="Sum of all simulated audiences at most audience_cap × population size: one simulated "
        "person stands for k = max(1, real followers of the portfolio / (audience_cap × size)) real ones "
        "(unitless, 0.01–10). Default 0.5.",
    )
    talk_prob: TalkProbability = Field(
        default_factory=TalkProbability,
        description="Per-tier probability that an engaged follower starts talking (0–1). Defaults: nano 0.06, "
        "micro 0.05, mid 0.03, macro 0.02, mega 0.015 (assumption: more trust in smaller creators).",
    )
    word_of_mouth: WordOfMouthSpec = Field(
        default_factory=WordOfMouthSpec,
        description="Word-of-mouth model and its parameters. Default: independent cascade, p 0.01, mean delay "
        "1.5 days, decay 0.8 per day.",
    )

    @field_validator("network", mode="before")
    @classmethod
    def _path_shorthand(cls, v: Any) -> Any:
        return {"path": v} if isinstance(v, str) else v

    @model_validator(mode="after")
    def _one_population(self) -> "SimulationSpec":
        if self.population is not None and self.network is not None:
            raise ValueError("give either 'population' (generated) or 'network' (a file), not both")
        return self

    @property
    def population_or_default(self) -> PopulationSpec:
        """The generated-population options (defaults when none are given).

        An ``auto`` size not yet resolved (by :func:`lineup.workflows.simulate.resolve_population`)
        reads as :data:`AUTO_MIN_PEOPLE`.
        """
        p = self.population if self.population is not None else PopulationSpec()
        return p if p.size is not None else p.model_copy(update={"size": AUTO_MIN_PEOPLE})

    @property
    def auto_size(self) -> bool:
        """Whether the generated population's size is ``auto`` (chosen for the portfolio)."""
        return self.network is None and (self.population is None or self.population.size is None)

    def with_size(self, size: int) -> "SimulationSpec":
        """A copy whose generated population has ``size`` people."""
        p = self.population if self.population is not None else PopulationSpec()
        return self.model_copy(update={"population": p.model_copy(update={"size": int(size)})})

"""One replication of a campaign: posts on a SimPy timeline, word of mouth in numpy.

The model (all parameters are fields of
:class:`lineup.domain.campaign.SimulationSpec`, with units and defaults):

1. **Schedule** (SimPy).  Influencer ``i`` posts ``posts_i`` times (roster
   column, rounded, at least 1), ``post_spacing_days`` apart (default 3),
   starting on a random whole day in ``[0, start_window_days)`` (default 7).
   With ``recurring_every_days`` the whole deliverable repeats (and is paid
   again) every that many days.  A daily tick at the end of each day
   processes that day's posts and the word of mouth.
2. **Reach.**  A post reaches each simulated follower independently with
   probability ``organic_reach`` (default 0.3).
3. **Engagement.**  A reached follower engages with probability
   ``engagement_rate / organic_reach`` (capped at 1), so that the expected
   interactions per post equal followers × engagement rate, the roster's
   definition used by the optimiser.
4. **Talking.**  An engaged follower starts talking (uses the hashtag) with
   the tier's ``talk_prob`` (defaults nano 0.06, micro 0.05, mid 0.03, macro
   0.02, mega 0.015: an assumption that trust is higher for smaller creators).
5. **Word of mouth** (``word_of_mouth.model``):

   * ``"ic"`` (default): a talker tells their friends once, after a delay
     of ``d`` days, geometric on 1, 2, ... with mean ``mean_delay_days``
     (default 1.5); each friend not yet talking starts talking with
     probability ``p × decay^(d-1)`` (defaults 0.01 and 0.8: interest
     decays the longer a talker waits).  Each day's tellers go through
     :func:`lineup.simulation.kernels.ic_step` (frontier-only, vectorised),
     one call per delay value.
   * ``"threshold"`` (complex contagion, repeated exposures matter): a
     talker tells all friends once, after the same geometric delay; a
     person starts talking once at least a fraction ``phi`` (default 0.2)
     of their friends (in-neighbours) have told them.
   * ``"bass"``: the graph is ignored; every day is cut into
     ``steps_per_day`` steps, and each non-talker starts talking in a step
     with probability ``1 - exp(-(bass_p + bass_q × F) / steps_per_day)``,
     ``F`` the fraction of people talking (external ``bass_p`` counts as
     direct, internal ``bass_q × F`` as word of mouth).
   * ``"none"``: only direct talkers.

Metrics (arrays of length ``days``; day ``d`` is the state at the end of day
``d``).  Counts of people are scaled to real people (simulated × ``k``, the
audience scale):

=======================  ==================================================
``exposed``              cumulative unique people reached by a post
``engaged``              cumulative unique people who engaged
``engagements``          interactions on the day (not cumulative)
``new_talkers``          people who started talking on the day
``talkers``              cumulative talkers ("buzz")
``direct_talkers``       cumulative talkers started by a post
``wom_talkers``          cumulative talkers started by word of mouth
``reach``                cumulative unique people exposed or talking
``wom_share``            wom_talkers / talkers (0 while nobody talks)
``spend``                cumulative spend committed (currency)
``cost_per_engagement``  spend / cumulative engagements (NaN before any)
``cost_per_talker``      spend / talkers (NaN before any)
``penetration:<niche>``  talkers in the niche / people in it (fraction,
                         unscaled)
=======================  ==================================================
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import simpy

from lineup._rng import SeedLike, as_generator
from lineup.domain.campaign import SimulationSpec
from lineup.domain.portfolio import Portfolio
from lineup.domain.tiers import TIER_NAMES, Tiers
from lineup._text import printable
from lineup.errors import ScenarioError

from .audiences import Audiences
from .graph import arc_ranges
from .kernels import ic_step
from .population import Population

__all__ = ["Influencers", "simulate_campaign", "posts_in_campaign", "check_schedule", "COUNT_METRICS", "METRICS",
           "WORD_OF_MOUTH_STEPS", "MAX_POSTS_PER_INFLUENCER", "expected_posts", "expected_engagements", "engagement_warning"]

#: Metrics counted in people (scaled by k to real people).
COUNT_METRICS = ("exposed", "engaged", "engagements", "new_talkers", "talkers",
                 "direct_talkers", "wom_talkers", "reach")
#: Every metric but the per-niche penetrations.
METRICS = COUNT_METRICS + ("wom_share", "spend", "cost_per_engagement", "cost_per_talker")
#: Most posts one influencer may publish inside the campaign (more than one an hour for a year).
MAX_POSTS_PER_INFLUENCER = 10_000


@dataclass(frozen=True, eq=False)
class Influencers:
    """The campaign's influencers as columns.

    Examples
    --------
    >>> from lineup.domain.roster import Roster
    >>> r = Roster.from_columns(ids=["a", "b"], followers=[5e3, 5e5], engagement_rate=[0.04, 0.02],
    ...                         fee=[100, 2000], posts=[2, 1], niches=[["x"], []])
    >>> inf = Influencers.from_portfolio(Portfolio(r, [0, 1]), Tiers(), SimulationSpec().talk_prob)
    >>> inf.talk_prob.tolist(), inf.posts.tolist(), inf.niches
    ([0.05, 0.02], [2, 1], [['x'], []])
    """

    ids: list[str]
    real_followers: np.ndarray
    engagement_rate: np.ndarray
    posts: np.ndarray
    fee: np.ndarray
    talk_prob: np.ndarray
    niches: list[list[str]]
    roster_posts: np.ndarray | None = None   # the roster's posts before rounding (the optimiser's)

    @classmethod
    def from_portfolio(cls, portfolio: Portfolio, tiers: Tiers, talk_prob) -> "Influencers":
        """Columns of ``portfolio``; ``talk_prob`` is a :class:`TalkProbability` (per tier)."""
        r, rows = portfolio.roster, portfolio.rows
        by_tier = np.array([getattr(talk_prob, t) for t in TIER_NAMES])
        return cls(
            ids=portfolio.ids,
            real_followers=r.followers[rows] * r.authenticity[rows],
            engagement_rate=r.engagement_rate[rows].astype(float),
            posts=np.clip(np.round(r.posts[rows]), 1, 2**62).astype(np.int64),  # clip: no int64 wrap-around
            fee=r.fee[rows].astype(float),
            talk_prob=by_tier[tiers.codes_of(r.followers[rows])],
            niches=r.niche_lists(rows),
            roster_posts=np.asarray(r.posts[rows], dtype=float),
        )

    def __len__(self) -> int:
        return len(self.ids)


class _State:
    """Mutable per-replication state (private to one run)."""

    def __init__(self, population: Population, days: int):
        n, s = population.size, len(population.niche_names)
        self.talker = np.zeros(n, dtype=bool)
        self.exposed = np.zeros(n, dtype=bool)
        self.engaged = np.zeros(n, dtype=bool)
        self.reached = np.zeros(n, dtype=bool)
        self.pending: list[list[tuple[np.ndarray, int]]] = [[] for _ in range(days)]
        self.posts_by_day: list[list[int]] = [[] for _ in range(days)]
        self.spend_by_day = np.zeros(days)
        self.niche_talkers = np.zeros(s, dtype=np.int64)
        self.told: np.ndarray | None = None   # threshold model: friends who told each person
        self.count = dict.fromkeys(("exposed", "engaged", "talkers", "direct", "wom", "reach"), 0)
        self.day_engagements = 0
        self.day_new = 0
        self.rows = {name: np.zeros(days) for name in ("exposed", "engaged", "engagements", "new_talkers",
                                                        "talkers", "direct_talkers", "wom_talkers", "reach")}
        self.penetration = np.zeros((days, s))


def _post_times(first: float, posts: int, spacing: float, recur: float | None, days: int) -> list:
    """Sorted ``(time, is_first_of_cycle)`` of one influencer's posts inside the campaign.

    Cycles of a recurring partnership may overlap (a new cycle before the
    last one's posts are out); their posts are simply interleaved.
    """
    starts = [first] if recur is None else np.arange(first, days, recur).tolist()
    times = [(start + k * spacing, k == 0) for start in starts
             for k in range(min(posts, math.ceil((days - start) / spacing)))]
    return sorted(t for t in times if t[0] < days)


def posts_in_campaign(posts: np.ndarray, spec: SimulationSpec) -> np.ndarray:
    """Most posts each influencer can publish inside the campaign (first post on day 0).

    Examples
    --------
    >>> posts_in_campaign(np.array([1, 3, 10**9]), SimulationSpec(days=30, post_spacing_days=3)).tolist()
    [1, 3, 10]
    >>> posts_in_campaign(np.array([2]), SimulationSpec(days=30, recurring_every_days=7)).tolist()
    [10]
    """
    cycles = 1 if spec.recurring_every_days is None else math.ceil(spec.days / spec.recurring_every_days)
    posts = np.maximum(1, np.round(np.asarray(posts, dtype=float)))
    per_cycle = np.minimum(posts, math.ceil(spec.days / spec.post_spacing_days))
    return cycles * per_cycle.astype(np.int64)


def check_schedule(ids, posts: np.ndarray, spec: SimulationSpec) -> None:
    """Refuse (exit 2) schedules with more than :data:`MAX_POSTS_PER_INFLUENCER` posts per influencer.

    Examples
    --------
    >>> spec = SimulationSpec(days=3650, post_spacing_days=0.05, recurring_every_days=1)
    >>> check_schedule(["a"], np.array([2]), spec)     # twice a day for ten years
    >>> check_schedule(["a"], np.array([3]), spec)     # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    lineup.errors.ScenarioError: simulation: influencer 'a' would post up to 10,950 times in 3,650 days ...
    """
    count = posts_in_campaign(posts, spec)
    over = np.flatnonzero(count > MAX_POSTS_PER_INFLUENCER)
    if not len(over):
        return
    i = int(over[0])
    raise ScenarioError(
        f"simulation: influencer '{printable(ids[i], limit=80)}' would post up to {int(count[i]):,} times "
        f"in {spec.days:,} days "
        f"({float(posts[i]):,.0f} posts per deliverable, post_spacing_days {spec.post_spacing_days:g}, "
        f"recurring_every_days {spec.recurring_every_days}); at most {MAX_POSTS_PER_INFLUENCER:,} are simulated "
        f"per influencer: space the posts out, repeat the deliverable less often or shorten the campaign"
        + (f" ({len(over):,} influencers are over)" if len(over) > 1 else ""))


def expected_talkers(influencers: "Influencers", spec: SimulationSpec, sizes: np.ndarray) -> float:
    """Simulated people expected to start talking after a post (no word of mouth), before scaling by k.

    ``sizes`` are the simulated audience sizes; every post reaches, engages and
    convinces independently (an upper bound: repeated posts reach the same people).

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> inf = NS(engagement_rate=np.array([0.05]), talk_prob=np.array([0.05]), posts=np.array([2]))
    >>> round(expected_talkers(inf, SimulationSpec(), np.array([1_000])), 6)
    5.0
    """
    engage = np.minimum(1.0, influencers.engagement_rate / spec.organic_reach) * spec.organic_reach
    per_post = sizes * engage * influencers.talk_prob
    return float(np.sum(per_post * posts_in_campaign(influencers.posts, spec)))


def resolution_warning(influencers: "Influencers", spec: SimulationSpec, population_size: int,
                       scale: float, sizes: np.ndarray) -> str | None:
    """A warning when the population is too small for the portfolio's counts to be anything but 0.

    With ``k`` real people per simulated one, an audience shrinks to
    ``followers / k`` simulated people (at least one); when the whole portfolio
    then expects fewer than one simulated talker, most replications count
    nobody and every count of people comes out 0 (or one lucky person × k).
    """
    talkers = expected_talkers(influencers, spec, sizes)
    real = expected_talkers(influencers, spec, influencers.real_followers)
    if scale <= 1 or talkers >= 1 or real < 1:
        return None
    needed = math.ceil(population_size * scale / real)
    return (f"the simulated population is too small for this portfolio: {population_size:,} people, so one "
            f"stands for k = {scale:,.0f} real people and the {len(sizes):,} audiences hold {int(np.sum(sizes)):,} "
            f"simulated people in all; a replication expects {talkers:.2g} of them to start talking after the "
            f"posts, so most replications count nobody and the counts of people come out 0 (or a lucky "
            f"few × k). Simulate a larger network or population.size (about {needed:,} people expect one "
            f"simulated talker; ten times that for stable numbers)")


def expected_posts(posts: np.ndarray, spec: SimulationSpec) -> np.ndarray:
    """Mean posts each influencer publishes inside the campaign, over the random first day.

    The first post is on a whole day drawn uniformly from ``[0, ceil(start_window_days))``
    (day 0 when the window is 0); posts (and repeated cycles) after the last day are
    not published.

    Examples
    --------
    >>> expected_posts(np.array([1, 3, 10]), SimulationSpec(days=30)).round(3).tolist()
    [1.0, 3.0, 9.286]
    >>> expected_posts(np.array([2]), SimulationSpec(days=4, start_window_days=4, post_spacing_days=3)).tolist()
    [1.25]
    """
    posts = np.maximum(1, np.round(np.asarray(posts, dtype=float)))
    window = max(1, math.ceil(spec.start_window_days)) if spec.start_window_days > 0 else 1
    total = np.zeros(len(posts))
    for first in range(window):
        starts = np.arange(first, spec.days, spec.recurring_every_days or spec.days + 1.0)
        room = np.ceil((spec.days - starts) / spec.post_spacing_days)
        total += np.minimum(posts[:, None], room[None, :]).sum(axis=1)
    return total / window


def expected_engagements(influencers: "Influencers", spec: SimulationSpec, sizes: np.ndarray,
                         scale: float) -> np.ndarray:
    """Interactions each influencer is expected to get in the simulation (real interactions).

    Posts published × simulated followers × k × organic reach × engagement
    probability, where the probability of a reached follower engaging is
    ``min(1, engagement_rate / organic_reach)``: a post cannot engage more people
    than it reaches.
    """
    p_engage = np.minimum(1.0, influencers.engagement_rate / spec.organic_reach)
    return expected_posts(influencers.posts, spec) * sizes * scale * spec.organic_reach * p_engage


def _named(ids, mask: np.ndarray, limit: int = 8) -> str:
    chosen = [printable(str(i), limit=60) for i in np.asarray(ids, dtype=object)[mask]]
    more = f" and {len(chosen) - limit:,} more" if len(chosen) > limit else ""
    return ", ".join(chosen[:limit]) + more


def engagement_warning(influencers: "Influencers", spec: SimulationSpec, population_size: int, scale: float,
                       sizes: np.ndarray, roster_posts: np.ndarray | None = None) -> str | None:
    """A warning naming the influencers whose simulated engagement is capped below the optimiser's.

    The optimiser expects ``posts × followers × authenticity × engagement_rate``
    interactions per influencer; the simulator gives fewer when the engagement
    rate exceeds ``organic_reach`` (engagement capped at the people reached), when
    posts fall after the campaign's last day, or when an audience is larger than
    the population.  ``roster_posts`` are the roster's (unrounded) posts.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> inf = NS(ids=["ann", "bob"], engagement_rate=np.array([0.5, 0.02]), posts=np.array([1, 1]),
    ...          real_followers=np.array([1e3, 1e3]))
    >>> print(engagement_warning(inf, SimulationSpec(), 10_000, 1.0, np.array([1000, 1000])))
    ... # doctest: +NORMALIZE_WHITESPACE
    simulated engagements are capped below the optimiser's expected 520 interactions (expected 320 in the
    simulation, 38% fewer): engagement rate above organic_reach 0.3, so a post engages at most the people it
    reaches: ann
    """
    if roster_posts is None:
        roster_posts = getattr(influencers, "roster_posts", None)
    posts = influencers.posts if roster_posts is None else np.asarray(roster_posts, dtype=float)
    optimiser = posts * influencers.real_followers * influencers.engagement_rate
    simulated = expected_engagements(influencers, spec, sizes, scale)
    reasons = [
        (influencers.engagement_rate > spec.organic_reach,
         f"engagement rate above organic_reach {spec.organic_reach:g}, so a post engages at most the people it "
         f"reaches"),
        (expected_posts(influencers.posts, spec) < posts - 1e-9,
         f"not every post fits in the {spec.days:,}-day campaign (first post on a random day before day "
         f"{spec.start_window_days:g}, one every {spec.post_spacing_days:g} days)"),
        ((sizes >= population_size) & (influencers.real_followers / scale > population_size),
         f"audience larger than the {population_size:,} simulated people"),
    ]
    found = [(mask, text) for mask, text in reasons if mask.any()]
    total, sim = float(optimiser.sum()), float(simulated.sum())
    if not found or total <= 0 or sim >= total * (1 - 1e-3):
        return None
    parts = "; ".join(f"{text}: {_named(influencers.ids, mask)}" for mask, text in found)
    return (f"simulated engagements are capped below the optimiser's expected {total:,.0f} interactions "
            f"(expected {sim:,.0f} in the simulation, {1 - sim / total:.0%} fewer): {parts}")


def _poster(env: simpy.Environment, i: int, times, fee: float, state: _State):
    """SimPy process: influencer ``i`` posts at ``times``; each cycle's first post commits the fee."""
    for t, first_of_cycle in times:
        yield env.timeout(t - env.now)
        day = int(env.now)
        state.posts_by_day[day].append(i)
        if first_of_cycle:
            state.spend_by_day[day] += fee


def _ticker(env: simpy.Environment, days: int, on_day):
    """SimPy process: at the end of every day ``d`` (time ``d + 1``) call ``on_day(d)``."""
    for d in range(days):
        yield env.timeout(d + 1 - env.now)
        on_day(d)


def _mark(state: _State, flag: np.ndarray, people: np.ndarray, key: str) -> np.ndarray:
    """Set ``flag`` for ``people`` (unique); count and return the newly flagged."""
    new = people[~flag[people]]
    flag[new] = True
    state.count[key] += len(new)
    return new


def _start_talking(state: _State, people: np.ndarray, niche: np.ndarray, source: str) -> None:
    """Book ``people`` (already marked in ``state.talker``) as new talkers from ``source``."""
    state.count[source] += len(people)
    state.count["talkers"] += len(people)
    state.day_new += len(people)
    known = niche[people]
    state.niche_talkers += np.bincount(known[known >= 0], minlength=len(state.niche_talkers))
    _mark(state, state.reached, people, "reach")


class _Run:
    """One replication: the day handler and its word-of-mouth steps."""

    def __init__(self, population, audiences, influencers, spec, rng):
        self.pop, self.aud, self.inf, self.spec, self.rng = population, audiences, influencers, spec, rng
        self.state = _State(population, spec.days)
        self.p_engage = np.minimum(1.0, influencers.engagement_rate / spec.organic_reach)
        self.niche_sizes = np.maximum(population.niche_sizes(), 1)

    def post(self, i: int, day: int) -> None:
        rng, st = self.rng, self.state
        followers = self.aud.of(i)
        reached = followers[rng.random(len(followers)) < self.spec.organic_reach]
        _mark(st, st.exposed, reached, "exposed")
        _mark(st, st.reached, reached, "reach")
        engaged = reached[rng.random(len(reached)) < self.p_engage[i]]
        st.day_engagements += len(engaged)
        _mark(st, st.engaged, engaged, "engaged")
        talking = engaged[rng.random(len(engaged)) < self.inf.talk_prob[i]]
        new = talking[~st.talker[talking]]
        st.talker[new] = True
        _start_talking(st, new, self.pop.niche, "direct")
        self.schedule(new, day)

    def schedule(self, people: np.ndarray, day: int) -> None:
        """Give each new talker a telling day ``day + d``, d geometric with the configured mean."""
        wom = self.spec.word_of_mouth
        if wom.model not in ("ic", "threshold") or not len(people):
            return
        delays = self.rng.geometric(1.0 / wom.mean_delay_days, size=len(people))
        for d in np.unique(delays).tolist():
            if day + d < self.spec.days:
                self.state.pending[day + d].append((people[delays == d], d))

    def word_of_mouth_ic(self, day: int) -> None:
        wom, st = self.spec.word_of_mouth, self.state
        for frontier, d in st.pending[day]:
            new = ic_step(self.pop.graph, frontier, st.talker, wom.p * wom.decay ** (d - 1), self.rng)
            _start_talking(st, new, self.pop.niche, "wom")
            self.schedule(new, day)
        st.pending[day] = []

    def word_of_mouth_threshold(self, day: int) -> None:
        st, g = self.state, self.pop.graph
        if st.told is None:
            st.told = np.zeros(self.pop.size, dtype=np.int32)
        for frontier, _ in st.pending[day]:
            arcs, _ = arc_ranges(g.indptr, frontier)
            st.told += np.bincount(g.indices[arcs], minlength=self.pop.size).astype(np.int32)
        st.pending[day] = []
        ready = st.told >= self.spec.word_of_mouth.phi * g.in_degree()
        new = np.flatnonzero(ready & ~st.talker & (st.told > 0))
        st.talker[new] = True
        _start_talking(st, new, self.pop.niche, "wom")
        self.schedule(new, day)

    def word_of_mouth_bass(self, day: int) -> None:
        wom, st, rng, n = self.spec.word_of_mouth, self.state, self.rng, self.pop.size
        for _ in range(wom.steps_per_day):
            internal = wom.bass_q * st.count["talkers"] / n
            hazard = wom.bass_p + internal
            k = int(rng.binomial(n - st.count["talkers"], -math.expm1(-hazard / wom.steps_per_day)))
            if k == 0:
                continue
            new = np.sort(rng.choice(np.flatnonzero(~st.talker), k, replace=False))
            st.talker[new] = True
            n_wom = int(rng.binomial(k, internal / hazard))
            cause = rng.permutation(k) < n_wom
            _start_talking(st, new[cause], self.pop.niche, "wom")
            _start_talking(st, new[~cause], self.pop.niche, "direct")

    def on_day(self, day: int) -> None:
        st = self.state
        st.day_engagements = st.day_new = 0
        for i in st.posts_by_day[day]:
            self.post(i, day)
        WORD_OF_MOUTH_STEPS[self.spec.word_of_mouth.model](self, day)
        self.record(day)

    def record(self, day: int) -> None:
        st, c, rows = self.state, self.state.count, self.state.rows
        rows["exposed"][day], rows["engaged"][day] = c["exposed"], c["engaged"]
        rows["engagements"][day], rows["new_talkers"][day] = st.day_engagements, st.day_new
        rows["talkers"][day], rows["reach"][day] = c["talkers"], c["reach"]
        rows["direct_talkers"][day], rows["wom_talkers"][day] = c["direct"], c["wom"]
        st.penetration[day] = st.niche_talkers / self.niche_sizes


def _no_word_of_mouth(run: _Run, day: int) -> None:
    """Word of mouth ``none``: talkers tell nobody."""


#: The day's word-of-mouth step of each model (``step(run, day)``), one per model of
#: :data:`lineup.domain.campaign.WOM_PARAMETERS`; a new model is a spec parameter set and an entry here.
WORD_OF_MOUTH_STEPS = {"ic": _Run.word_of_mouth_ic, "threshold": _Run.word_of_mouth_threshold,
                       "bass": _Run.word_of_mouth_bass, "none": _no_word_of_mouth}


def _first_days(n: int, window: float, rng: np.random.Generator) -> np.ndarray:
    if window <= 0:
        return np.zeros(n)
    return rng.integers(0, max(1, math.ceil(window)), size=n).astype(float)


def _metrics(run: _Run, scale: float) -> dict[str, np.ndarray]:
    st = run.state
    out = {name: values * scale for name, values in st.rows.items()}
    talkers, engagements = out["talkers"], np.cumsum(out["engagements"])
    out["wom_share"] = np.divide(out["wom_talkers"], talkers, out=np.zeros_like(talkers), where=talkers > 0)
    out["spend"] = np.cumsum(st.spend_by_day)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["cost_per_engagement"] = np.where(engagements > 0, out["spend"] / engagements, np.nan)
        out["cost_per_talker"] = np.where(talkers > 0, out["spend"] / talkers, np.nan)
    for k, name in enumerate(run.pop.niche_names):
        out[f"penetration:{name}"] = st.penetration[:, k].copy()
    return out


def simulate_campaign(
    population: Population,
    audiences: Audiences,
    influencers: Influencers,
    spec: SimulationSpec,
    *,
    seed: SeedLike = None,
) -> dict[str, np.ndarray]:
    """Run one replication of the campaign; per-day metrics (see the module notes).

    Parameters
    ----------
    population : Population
        People and their ties.
    audiences : Audiences
        Followers of each influencer (``audiences.scale`` = k real people per
        simulated one).
    influencers : Influencers
        Engagement rates, posts, fees and talk probabilities.
    spec : SimulationSpec
        Days, schedule, reach and word-of-mouth parameters.
    seed : int, Generator or None
        Randomness of the schedule, the posts and the word of mouth.

    Returns
    -------
    dict of str to numpy.ndarray
        One array of length ``spec.days`` per metric.

    Examples
    --------
    >>> from lineup.domain.roster import Roster
    >>> from lineup.simulation.population import generate_population
    >>> from lineup.simulation.audiences import draw_audiences
    >>> r = Roster.from_columns(ids=["a"], followers=[2_000], engagement_rate=[0.05], fee=[100],
    ...                         posts=[3], niches=[["x"]])
    >>> inf = Influencers.from_portfolio(Portfolio(r, [0]), Tiers(), SimulationSpec().talk_prob)
    >>> pop = generate_population(5_000, niches=["x"], seed=1)
    >>> aud = draw_audiences(pop, inf.real_followers, inf.niches, seed=2)
    >>> m = simulate_campaign(pop, aud, inf, SimulationSpec(days=10), seed=3)
    >>> len(m["talkers"]), bool(np.all(np.diff(m["talkers"]) >= 0)), float(m["spend"][-1])
    (10, True, 100.0)
    """
    rng = as_generator(seed)
    run = _Run(population, audiences, influencers, spec, rng)
    env = simpy.Environment()
    first = _first_days(len(influencers), spec.start_window_days, rng)
    for i in range(len(influencers)):
        times = _post_times(first[i], int(influencers.posts[i]), spec.post_spacing_days,
                            spec.recurring_every_days, spec.days)
        env.process(_poster(env, i, times, float(influencers.fee[i]), run.state))
    env.process(_ticker(env, spec.days, run.on_day))
    env.run(until=spec.days + 0.5)
    return _metrics(run, audiences.scale)

"""Reverse-reachable (RR) sets of the campaign model: who would make a random person talk.

The ``talkers`` of a campaign (direct + word of mouth, at the end of the campaign) are
the people reached, in one random draw of the whole campaign, from the chosen
influencers.  An RR set draws a target person ``v`` uniformly among the simulated
people and collects every influencer whose campaign would make ``v`` talk in one
random draw of the model of :mod:`lineup.simulation.campaign`:

1. **Word of mouth backwards** (``word_of_mouth.model`` ``"ic"``).  Each talker ``x``
   tells all their friends once, ``d_x`` days after starting to talk (``d_x``
   geometric on 1, 2, ... with mean ``mean_delay_days``, **one delay per talker**,
   shared by all their friends), and the tie ``x → u`` carries the word with
   probability ``p × decay^(d_x − 1)``.  Searching backwards from ``v`` with a
   *deadline* ``L(u)`` (the last day by which ``u`` must start talking for ``v`` to
   talk by the campaign's last day ``days − 1``): ``L(v) = days − 1`` and a live tie
   ``x → u`` gives ``L(x) = L(u) − d_x`` (``x`` must tell on or before ``L(u)``, and
   tellings after the last day never happen).  Every person keeps the latest deadline
   over all paths (a bucket queue over the days, latest first); people whose deadline
   would be negative are not reached.  Each ``d_x`` is drawn once per RR set and
   reused for every tie out of ``x``, and each tie is tried once, so the search
   follows exactly the law of the simulation, including the campaign horizon and the
   correlation between the ties of one talker.
2. **Posts** (direct talkers).  Every reached person ``u`` follows some influencers
   (the transpose of the audiences).  One post of influencer ``i`` makes a follower
   talk with probability ``q_i = organic_reach × min(1, er_i / organic_reach) ×
   talk_prob_i``, independently for every post and follower; ``i`` joins the RR set
   if one of its posts published on or before day ``L(u)`` makes ``u`` talk:
   probability ``1 − (1 − q_i)^{n_i(L(u))}``, ``n_i(L)`` the posts of ``i`` on days
   ``0 .. L`` of its schedule (first post on a random whole day in
   ``[0, ceil(start_window_days))``, one every ``post_spacing_days``, cycles every
   ``recurring_every_days``).  The first day of ``i`` is drawn once per RR set and
   shared by all its followers, as in the simulation.

Because every random element of one replication that can matter for ``v`` is drawn
once per RR set with the simulation's law, ``people × P(S ∩ R ≠ ∅)`` equals the
simulation's expected ``talkers`` of a portfolio ``S`` **exactly** on the same
population and audiences.  Already-talking people are never re-activated in the
simulation, which is the live-edge argument's assumption (repeated exposure only
gives more independent chances, which the search counts as more live ties).

**Importance weights** (``weighted=True``, the default).  At realistic scales a post
makes a follower talk with probability ~0.002, so almost every RR set is empty (a few
in 10,000 hold an influencer) and an estimate needs tens of millions of sets.  Nothing
in the search depends on the post coins (a person's ties are searched whether or not
they talk directly, and the first post days are drawn regardless of the coins), so the
weighted sampler searches first, then collects every (person ``u``, influencer ``i``)
pair reached with its log-miss ``lm = n_i(L(u)) × log(1 − q_i)`` (pairs with no post
by the deadline skipped; an influencer followed by several people reached gives one
independent pair per person).  With ``m`` pairs, ``π_j = 1 − e^{lm_j}`` and ``p_v = 1 −
Π_j (1 − π_j) = −expm1(Σ lm)`` the chance that some coin succeeds: no pair → an empty
set; otherwise the coins are drawn **given at least one success** (pair ``j`` succeeds
with ``π_j / (1 − e^{S_j})``, ``S_j = Σ_{l ≥ j} lm_l``, while no earlier one has; plain
``π_j`` after), the set is the influencers with a success, and its weight is ``p_v``.
*Unbiased*: the sequential draw has the law of the coins given ``A`` = {some success}
(by induction on ``j``: ``P(X_j = 1 | A_{j..m}) = π_j / P(A_{j..m})``, and after a
failure ``A_{j..m}`` is ``A_{j+1..m}``), and ``S ∩ R ≠ ∅`` implies ``A``, so
``E[p_v 1(S ∩ R_w ≠ ∅) | search] = P(A) P(S ∩ R ≠ ∅ | A) = P(S ∩ R ≠ ∅ | search)``.
Each set contributes ``p_v × hit ∈ [0, 1]`` instead of ``hit ∈ {0, 1}``, and the
variance drops about ``p̄`` times (``p̄`` the mean ``p_v`` of the non-empty sets; the
benchmark measures it).  ``weighted=False`` draws every coin (weight 1).

With ``exact=False`` the sampler is the textbook live-edge reduction instead: every
tie independently live with the equivalent probability
:func:`effective_edge_probability` ``p_eff = E[p decay^(d−1)] = p λ / (1 − decay (1 −
λ))`` (``λ = 1 / mean_delay_days``), no horizon for word of mouth, and every post of
the campaign counts.  It ignores the horizon (it overestimates when chains of tellings
would end after the last day) and the correlation of one talker's ties (it gives the
same expected number of live ties but spreads them more evenly); the tests measure the
gap.

What is approximated, against ``lineup simulate`` of one portfolio:

* **Audience scale.**  The audiences are drawn for the *whole candidate roster*, so one
  simulated person stands for ``k = Σ real followers of the roster / (audience_cap ×
  N)`` real people (or the ``scale`` given); the simulation of one portfolio uses its own
  (smaller) ``k`` unless a common ``scale`` is passed to it.  Each influencer's audience
  is drawn independently, so with the same ``k`` a portfolio's audiences have exactly
  the law of the simulation's; with a different ``k`` the rounding of audiences to
  simulated people and the saturation of word of mouth differ.
* **Populations.**  The simulation draws a new population and audiences per
  replication; the sampler draws ``populations`` of them (default 4) and splits the RR
  sets evenly over them, so the estimate averages over those few draws only (a loaded
  network is one fixed graph; its audiences are still redrawn per population).

Cost: a few random numbers per person reached, so about 0.6 µs per plain set (about
1.3 times that weighted, whose sets are stored ~800 times as often) while word of mouth is
subcritical (:attr:`CampaignSampler.branching` below 1); at or above 1 a set
reaching the giant component visits a share of the population.  Samples are drawn in
pieces of :data:`CHUNK` sets, each from its own seed stream, on ``workers`` threads: the
same sets for any number of threads.

``"threshold"`` and ``"bass"`` word of mouth are not triggering models (whether a person
talks depends on several friends at once, or on the whole population) and have no RR
sets: the sampler refuses them.

Examples
--------
>>> from lineup.domain.roster import Roster
>>> from lineup.domain.portfolio import Portfolio
>>> from lineup.domain.tiers import Tiers
>>> r = Roster.from_columns(ids=["a", "b", "c"], followers=[4e3, 2e4, 9e4], engagement_rate=[0.05, 0.03, 0.02],
...                         fee=[100, 600, 2000], niches=[["x"], ["x"], ["y"]])
>>> spec = SimulationSpec(days=14, population={"size": 2_000})
>>> inf = Influencers.from_portfolio(Portfolio(r, [0, 1, 2]), Tiers(), spec.talk_prob)
>>> sampler = CampaignSampler.from_spec(inf, spec, niches=["x", "y"], populations=2, seed=1)
>>> rr = sampler.sample(20_000, seed=2)
>>> rr.count, rr.n, rr.people == sampler.people
(20000, 3, True)
>>> bool(rr.weights.min() > 0 and rr.weights.max() <= 1), len(rr.weights) == rr.stored
(True, True)
>>> rr.estimate([0, 1, 2]) >= rr.estimate([2]) > 0
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property, partial

import numpy as np
from numba import njit

from lineup._rng import SeedLike, as_generator, spawn, streams
from lineup.domain.campaign import SimulationSpec, WordOfMouthSpec
from lineup.domain.rrsets import RRSets
from lineup.errors import ScenarioError, UsageError

from ._jit import grow
from .audiences import Audiences, audience_scale, draw_audiences
from .campaign import Influencers, check_schedule
from .montecarlo import replication_population
from .population import Population

__all__ = ["CampaignSampler", "draw_worlds", "CHUNK", "effective_edge_probability", "post_talk_probability", "followed_by"]


def effective_edge_probability(wom: WordOfMouthSpec) -> float:
    """Marginal probability that a talker's word reaches one friend: ``E[p decay^(d−1)]``.

    With ``d`` geometric on 1, 2, ... with mean ``m = mean_delay_days`` (``λ = 1/m``),
    ``E[decay^(d−1)] = Σ λ (1−λ)^(d−1) decay^(d−1) = λ / (1 − decay (1 − λ))``.

    Examples
    --------
    >>> round(effective_edge_probability(WordOfMouthSpec()), 6)      # p 0.01, mean 1.5, decay 0.8
    0.009091
    >>> effective_edge_probability(WordOfMouthSpec(decay=1.0))
    0.01
    """
    lam = 1.0 / wom.mean_delay_days
    return wom.p * lam / (1.0 - wom.decay * (1.0 - lam))


def post_talk_probability(influencers: Influencers, spec: SimulationSpec) -> np.ndarray:
    """Probability that one post makes one simulated follower talk: reach × engage × talk.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> inf = NS(engagement_rate=np.array([0.03, 0.6]), talk_prob=np.array([0.05, 0.02]))
    >>> post_talk_probability(inf, SimulationSpec()).round(6).tolist()     # reach 0.3: er 0.6 capped
    [0.0015, 0.006]
    """
    engage = np.minimum(1.0, np.asarray(influencers.engagement_rate, dtype=float) / spec.organic_reach)
    return spec.organic_reach * engage * np.asarray(influencers.talk_prob, dtype=float)


def followed_by(audiences: Audiences, people: int) -> tuple[np.ndarray, np.ndarray]:
    """Transpose of the audiences: person ``u`` follows ``items[indptr[u]:indptr[u + 1]]`` (sorted).

    Examples
    --------
    >>> indptr, items = followed_by(Audiences(np.array([0, 2, 3]), np.array([1, 3, 3])), 4)
    >>> indptr.tolist(), items.tolist()
    ([0, 0, 1, 1, 3], [0, 0, 1])
    """
    owner = np.repeat(np.arange(audiences.n, dtype=np.int32), audiences.sizes())
    order = np.argsort(audiences.members, kind="stable")
    indptr = np.zeros(people + 1, dtype=np.int64)
    np.cumsum(np.bincount(audiences.members, minlength=people), out=indptr[1:])
    return indptr, owner[order]


# ----------------------------------------------------------------------------- numba kernels


@njit(cache=True)
def _posts_by(first, posts, last, spacing, recur, days):
    """Posts of one influencer on days ``0 .. last`` when its first post is on day ``first``."""
    total = 0
    c = 0
    while True:
        start = first + c * recur
        if start >= days or start > last:
            return total
        total += min(posts, max(0, math.ceil((last + 1 - start) / spacing)))
        if recur <= 0.0:
            return total
        c += 1




@njit(cache=True)
def _first_day(i, r, window, inf_first, rng):
    """First post day of influencer ``i``: drawn once per influencer and RR set."""
    if inf_first[i, 0] != r:
        inf_first[i, 0] = r
        inf_first[i, 1] = rng.integers(0, int(window)) if window > 1 else 0
    return inf_first[i, 1]


@njit(cache=True)
def _posts_coins(u, last, r, f_indptr, f_items, log_miss, posts, sched, inf_mark, inf_first, out, n_out, rng):
    """Add to ``out`` the influencers followed by ``u`` whose posts on days ``0 .. last`` make ``u`` talk."""
    window, spacing, recur, days = sched[0], sched[1], sched[2], sched[3]
    for j in range(f_indptr[u], f_indptr[u + 1]):
        i = f_items[j]
        if inf_mark[i] == r or log_miss[i] == 0.0:
            continue
        n = _posts_by(_first_day(i, r, window, inf_first, rng), posts[i], last, spacing, recur, days)
        if n > 0 and rng.random() < -math.expm1(n * log_miss[i]):
            inf_mark[i] = r
            out = grow(out, n_out + 1)
            out[n_out] = i
            n_out += 1
    return out, n_out


@njit(cache=True)
def _posts_pairs(u, last, r, f_indptr, f_items, log_miss, posts, sched, inf_first, pair_i, pair_lm, n_pairs, rng):
    """Append the ``(influencer, n × log(1 − q))`` coins of ``u`` (posts on days ``0 .. last``), none drawn."""
    window, spacing, recur, days = sched[0], sched[1], sched[2], sched[3]
    for j in range(f_indptr[u], f_indptr[u + 1]):
        i = f_items[j]
        if log_miss[i] == 0.0:
            continue
        n = _posts_by(_first_day(i, r, window, inf_first, rng), posts[i], last, spacing, recur, days)
        if n > 0:
            pair_i, pair_lm = grow(pair_i, n_pairs + 1), grow(pair_lm, n_pairs + 1)
            pair_i[n_pairs], pair_lm[n_pairs] = i, n * log_miss[i]
            n_pairs += 1
    return pair_i, pair_lm, n_pairs


@njit(cache=True)
def _conditioned_coins(pair_i, pair_lm, n_pairs, r, suffix, inf_mark, out, n_out, rng):
    """Draw the pairs' coins given at least one success; add the winners to ``out``; return ``P(≥ 1 success)``.

    Pair ``j`` (coin ``π_j = 1 − e^{lm_j}``) succeeds with ``π_j / (1 − e^{S_j})``, ``S_j = Σ_{l ≥ j} lm_l``,
    while no earlier pair has; after the first success the coins are plain.
    """
    suffix = grow(suffix, n_pairs)
    total = 0.0
    for j in range(n_pairs - 1, -1, -1):
        total += pair_lm[j]
        suffix[j] = total
    hit = False
    for j in range(n_pairs):
        i = pair_i[j]
        if inf_mark[i] == r:
            continue                                 # already in the set (so a success happened)
        pi = -math.expm1(pair_lm[j])
        if rng.random() < (pi if hit else pi / -math.expm1(suffix[j])):
            hit = True
            inf_mark[i] = r
            out = grow(out, n_out + 1)
            out[n_out] = i
            n_out += 1
    return out, n_out, -math.expm1(suffix[0]), suffix


@njit(cache=True, inline="always")             # a call per set costs as much as the search
def _reverse_search(r, target, in_indptr, in_indices, wom, days, done, delay_of, head, scratch, rng):
    """People reached backwards from ``target`` and their deadlines ``L(u)`` (latest first); no post coins.

    ``scratch`` = ``(ent_node, ent_next, reached, deadline)`` (grown as needed, returned with the count).
    """
    ent_node, ent_next, reached, deadline = scratch
    exact, decay, lam = wom[1] > 0, wom[3], wom[4]
    p_top = wom[2] if exact else wom[5]              # the most likely tie: p (delay 1), or p_eff
    ic = wom[0] > 0 and p_top > 0.0
    ent_node[0], ent_next[0] = target, -1
    head[days - 1] = 0
    n_ent, pending, last, n_reached = 1, 1, days - 1, 0
    while pending > 0:
        while head[last] >= 0:
            k = head[last]
            head[last] = ent_next[k]
            pending -= 1
            u = ent_node[k]
            if done[u] == r:
                continue
            done[u] = r
            reached, deadline = grow(reached, n_reached + 1), grow(deadline, n_reached + 1)
            reached[n_reached], deadline[n_reached] = u, last
            n_reached += 1
            if not ic:
                continue
            a, end = in_indptr[u] - 1, in_indptr[u + 1]
            while True:                              # ties tried with the top probability, then thinned
                a += rng.geometric(p_top) if p_top < 1.0 else 1
                if a >= end:
                    break
                x = in_indices[a]
                if done[x] == r:
                    continue
                when = last
                if exact:
                    if delay_of[x, 0] != r:
                        delay_of[x, 0] = r
                        delay_of[x, 1] = rng.geometric(lam) if lam < 1.0 else 1
                    d = delay_of[x, 1]
                    when = last - d
                    if when < 0 or (d > 1 and rng.random() >= decay ** (d - 1)):
                        continue
                ent_node, ent_next = grow(ent_node, n_ent + 1), grow(ent_next, n_ent + 1)
                ent_node[n_ent], ent_next[n_ent] = x, head[when]
                head[when] = n_ent
                n_ent += 1
                pending += 1
        last -= 1
    return (ent_node, ent_next, reached, deadline), n_reached


@njit(cache=True, nogil=True)
def _rr_sets(count, people, in_indptr, in_indices, f_indptr, f_items, log_miss, posts, sched, wom, weighted, rng):
    """``count`` RR sets; returns the non-empty ones as ``(indptr, members, weights)``.

    Unweighted: every post coin drawn, weight 1.  Weighted: the coins of the people reached
    drawn given at least one success, weight = the chance of one.
    """
    days = int(sched[3])
    done = np.full(people, -1, np.int64)             # RR set in which a person was settled
    delay_of = np.full((people, 2), -1, np.int64)    # (RR set, delay) of each teller
    inf_mark = np.full(len(posts), -1, np.int64)
    inf_first = np.full((len(posts), 2), -1, np.int64)
    head = np.full(days, -1, np.int64)               # bucket queue over deadlines
    scratch = (np.empty(64, np.int64), np.empty(64, np.int64), np.empty(64, np.int64), np.empty(64, np.int64))
    pair_i, pair_lm, suffix = np.empty(64, np.int64), np.empty(64, np.float64), np.empty(64, np.float64)
    indptr, members, weights = np.zeros(1024, np.int64), np.empty(1024, np.int64), np.empty(1024, np.float64)
    n_sets, n_mem = 0, 0
    for r in range(count):
        start, weight = n_mem, 1.0
        scratch, n_reached = _reverse_search(r, rng.integers(0, people), in_indptr, in_indices, wom, days, done,
                                             delay_of, head, scratch, rng)
        reached, deadline = scratch[2], scratch[3]
        if weighted:
            n_pairs = 0
            for k in range(n_reached):
                pair_i, pair_lm, n_pairs = _posts_pairs(reached[k], deadline[k], r, f_indptr, f_items, log_miss,
                                                        posts, sched, inf_first, pair_i, pair_lm, n_pairs, rng)
            if n_pairs > 0:
                members, n_mem, weight, suffix = _conditioned_coins(pair_i, pair_lm, n_pairs, r, suffix, inf_mark,
                                                                    members, n_mem, rng)
        else:
            for k in range(n_reached):
                members, n_mem = _posts_coins(reached[k], deadline[k], r, f_indptr, f_items, log_miss, posts, sched,
                                              inf_mark, inf_first, members, n_mem, rng)
        if n_mem > start:
            members[start:n_mem].sort()
            weights = grow(weights, n_sets + 1)
            weights[n_sets] = weight
            n_sets += 1
            indptr = grow(indptr, n_sets + 1)
            indptr[n_sets] = n_mem
    return indptr[:n_sets + 1].copy(), members[:n_mem].copy(), weights[:n_sets].copy()


# ----------------------------------------------------------------------------- the sampler

#: RR sets drawn by one kernel call (one piece of a sample; pieces run on threads).
CHUNK = 1 << 20


def _joined(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]], count: int, n: int, people: float, *,
            weighted: bool) -> RRSets:
    """One :class:`RRSets` from the ``(indptr, members, weights)`` of consecutive pieces (weights kept if
    ``weighted``)."""
    offsets = np.cumsum([0] + [len(members) for _, members, _ in parts])
    indptr = np.concatenate([np.zeros(1, np.int64)] + [ip[1:] + off for (ip, _, _), off in zip(parts, offsets)])
    members = np.concatenate([np.zeros(0, np.int64)] + [m for _, m, _ in parts])
    weights = np.concatenate([np.zeros(0)] + [w for _, _, w in parts]) if weighted else None
    return RRSets(indptr, members, count, n, people, weights=weights)


@dataclass(frozen=True, eq=False)
class _World:
    """One population with the roster's audiences, as the arrays the kernel reads."""

    in_indptr: np.ndarray
    in_indices: np.ndarray
    f_indptr: np.ndarray
    f_items: np.ndarray
    size: int
    scale: float
    excess_degree: float

    @classmethod
    def of(cls, population: Population, audiences: Audiences) -> "_World":
        g = population.graph
        rev = g.reverse()
        f_indptr, f_items = followed_by(audiences, population.size)
        return cls(rev.indptr, rev.indices, f_indptr, f_items, population.size, float(audiences.scale),
                   _excess_degree(g))

    @property
    def people(self) -> float:
        return self.size * self.scale


def _excess_degree(g) -> float:
    """Mean number of further ties of a person reached along a tie (``Σ in·out / Σ out``, minus the tie back)."""
    out, inn = g.out_degree().astype(float), g.in_degree().astype(float)
    total = out.sum()
    return float((out * inn).sum() / total) - (0.0 if g.directed else 1.0) if total else 0.0


def _check_model(wom: WordOfMouthSpec) -> None:
    if wom.model not in ("ic", "none"):
        raise ScenarioError(
            f"simulation.word_of_mouth.model '{wom.model}' has no reverse-reachable sets: the talkers objective "
            f"needs word_of_mouth ic (independent cascade) or none, because with '{wom.model}' whether a person "
            f"talks depends on {'several friends at once' if wom.model == 'threshold' else 'the whole population'}"
            f", not on one chain of tellings")


def _window(spec: SimulationSpec) -> int:
    """Whole days the first post is drawn from (as :func:`lineup.simulation.campaign._first_days`)."""
    return max(1, math.ceil(spec.start_window_days)) if spec.start_window_days > 0 else 1


def draw_worlds(influencers: Influencers, spec: SimulationSpec, *, population: Population | None = None,
                niches: Sequence[str] = (), populations: int = 4, seed: SeedLike = None,
                scale: float | None = None) -> list[tuple[Population, Audiences]]:
    """``populations`` (population, audiences) pairs: world ``j`` is replication ``j``'s population (child ``j``
    of ``SeedSequence(seed).spawn(populations)``, its population then audiences streams) with the audiences
    of every one of ``influencers`` at one scale (default: theirs, :func:`audience_scale`).  With
    ``population: {vary: false}``, one world: the population every replication shares.

    Examples
    --------
    >>> from lineup.domain.roster import Roster
    >>> from lineup.domain.portfolio import Portfolio
    >>> from lineup.domain.tiers import Tiers
    >>> r = Roster.from_columns(ids=["a", "b"], followers=[3e3, 5e4], engagement_rate=[0.05, 0.02], fee=[1, 1])
    >>> spec = SimulationSpec(population={"size": 2_000})
    >>> inf = Influencers.from_portfolio(Portfolio(r, [0, 1]), Tiers(), spec.talk_prob)
    >>> worlds = draw_worlds(inf, spec, populations=2, seed=1)
    >>> len(worlds), worlds[0][0].size, worlds[0][1].n
    (2, 2000, 2)
    """
    if populations < 1:
        raise UsageError(f"populations must be at least 1, got {populations}")
    size = population.size if population is not None else spec.population_or_default.size
    k = audience_scale(influencers.real_followers, size, spec.audience_cap) if scale is None else float(scale)
    if not spec.population_or_default.vary:   # one population for every replication: replication 0's
        populations = 1
    out = []
    for child in spawn(seed, populations):
        pop_seed, audience_seed, _ = streams(child, 3)
        pop = replication_population(pop_seed, population, niches, spec)
        out.append((pop, draw_audiences(pop, influencers.real_followers, influencers.niches,
                                        niche_focus=spec.niche_focus, audience_cap=spec.audience_cap, scale=k,
                                        seed=audience_seed)))
    return out


class CampaignSampler:
    """Draws RR sets of the campaign model over fixed populations and the roster's audiences.

    Parameters
    ----------
    worlds : sequence of (Population, Audiences)
        The populations and the audiences of *every* candidate influencer on each (one
        audience per influencer, in the order of ``influencers``); the RR sets are split
        evenly over them.  All must stand for the same number of real people
        (``population.size × audiences.scale``).
    influencers : Influencers
        The whole candidate roster (engagement rates, posts, talk probabilities).
    spec : SimulationSpec
        Days, schedule, reach and word of mouth (model ``"ic"`` or ``"none"``).
    exact : bool
        ``True`` (default): the law of the simulation (one delay per talker, the
        campaign horizon, see the module notes).  ``False``: independent ties with
        :func:`effective_edge_probability` and no horizon (the textbook reduction).
    weighted : bool
        ``True`` (default): importance-weighted sets (the post coins drawn given at least
        one success, each set weighted by the chance of one, see the module notes).
        ``False``: every coin drawn as is, every stored set weighs 1 (most sets empty).

    Raises
    ------
    ScenarioError
        Word of mouth ``"threshold"`` or ``"bass"``, or a schedule with too many posts.
    """

    def __init__(self, worlds: Sequence[tuple[Population, Audiences]], influencers: Influencers,
                 spec: SimulationSpec, *, exact: bool = True, weighted: bool = True):
        _check_model(spec.word_of_mouth)
        check_schedule(influencers.ids, influencers.posts, spec)
        if not worlds:
            raise UsageError("worlds must hold at least one (population, audiences) pair")
        for _, aud in worlds:
            if aud.n != len(influencers):
                raise UsageError(f"audiences must hold one audience per influencer ({len(influencers):,}), "
                                 f"got {aud.n:,}")
        self.worlds = tuple(_World.of(pop, aud) for pop, aud in worlds)
        if any(not math.isclose(w.people, self.worlds[0].people) for w in self.worlds):
            raise UsageError("every world must stand for the same real people (population size × audience scale)")
        self.influencers, self.spec, self.exact, self.weighted = influencers, spec, bool(exact), bool(weighted)
        self._log_miss = np.log1p(-np.minimum(post_talk_probability(influencers, spec), 1.0))
        self._posts = np.asarray(influencers.posts, dtype=np.int64)

    @classmethod
    def from_spec(cls, influencers: Influencers, spec: SimulationSpec, *, population: Population | None = None,
                  niches: Sequence[str] = (), populations: int = 4, seed: SeedLike = None,
                  scale: float | None = None, exact: bool = True, weighted: bool = True) -> "CampaignSampler":
        """Draw ``populations`` populations (or reuse ``population``) and the roster's audiences on each.

        World ``j`` comes from child ``j`` of ``SeedSequence(seed).spawn(populations)`` split
        as in :func:`lineup.simulation.montecarlo.run_replication` (population stream,
        then audiences stream), so world ``j`` is replication ``j``'s population.
        ``scale`` defaults to the roster's :func:`~lineup.simulation.audiences.audience_scale`.
        A generated population has ``spec.population_or_default.size`` people (an
        unresolved ``auto`` size reads as 10,000).
        """
        _check_model(spec.word_of_mouth)
        worlds = draw_worlds(influencers, spec, population=population, niches=niches, populations=populations,
                             seed=seed, scale=scale)
        return cls(worlds, influencers, spec, exact=exact, weighted=weighted)

    @property
    def n(self) -> int:
        """Number of candidate influencers (the items of the RR sets)."""
        return len(self.influencers)

    @property
    def people(self) -> float:
        """Real people the targets stand for: population size × audience scale."""
        return self.worlds[0].people

    @property
    def scale(self) -> float:
        """Real people per simulated person (``k``, the same in every world)."""
        return self.worlds[0].scale

    @property
    def branching(self) -> float:
        """Mean live ties into a person reached by the backward search: ``p_eff ×`` mean excess degree.

        Below 1 the RR sets stay small (a few people each); at or above 1 word of mouth
        has giant cascades, and a set that reaches the giant component visits a share of
        the whole population: each costs ``O(N)`` and holds most of the roster.  0 without
        word of mouth.
        """
        if self.spec.word_of_mouth.model != "ic":
            return 0.0
        return effective_edge_probability(self.spec.word_of_mouth) * max(w.excess_degree for w in self.worlds)

    def _arrays(self):
        s, w = self.spec, self.spec.word_of_mouth
        sched = np.array([_window(s), s.post_spacing_days, s.recurring_every_days or 0.0, s.days], dtype=np.float64)
        wom = np.array([w.model == "ic", self.exact, w.p, w.decay, 1.0 / w.mean_delay_days,
                        effective_edge_probability(w)], dtype=np.float64)
        return sched, wom

    def sample(self, count: int, *, seed: SeedLike = None, workers: int = 1) -> RRSets:
        """``count`` RR sets, split evenly over the worlds (the first ones get the remainder).

        World ``j`` draws from child ``j`` of ``SeedSequence(seed).spawn(len(worlds))``, in
        pieces of :data:`CHUNK` sets, piece ``c`` from that child's stream ``c``
        (:func:`lineup._rng.streams`).  The pieces run on ``workers`` threads (the kernel
        releases the GIL); the sets are the same for any ``workers``.  Draw independent
        samples with different seeds.
        """
        if count < 1 or workers < 1:
            raise UsageError(f"count and workers must be at least 1, got {count} and {workers}")
        sched, wom = self._arrays()
        run = partial(self._piece, sched=sched, wom=wom)
        tasks = self._pieces(int(count), seed)
        if workers == 1 or len(tasks) == 1:
            parts = [run(task) for task in tasks]
        else:
            with ThreadPoolExecutor(min(workers, len(tasks))) as pool:
                parts = list(pool.map(run, tasks))
        return _joined(parts, int(count), self.n, self.people, weighted=self.weighted)

    def _pieces(self, count: int, seed: SeedLike) -> list[tuple[int, int, np.random.SeedSequence]]:
        """``(world, sets, seed)`` of every piece, in order."""
        worlds = len(self.worlds)
        shares = [count // worlds + (j < count % worlds) for j in range(worlds)]
        tasks = []
        for j, (share, child) in enumerate(zip(shares, spawn(seed, worlds))):
            sizes = [CHUNK] * (share // CHUNK) + ([share % CHUNK] if share % CHUNK else [])
            tasks += [(j, size, s) for size, s in zip(sizes, streams(child, len(sizes)))]
        return tasks

    def _piece(self, task, *, sched, wom) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        j, size, seq = task
        w = self.worlds[j]
        return _rr_sets(size, w.size, w.in_indptr, w.in_indices, w.f_indptr, w.f_items, self._log_miss, self._posts,
                        sched, wom, self.weighted, as_generator(seq))

    def direct_talkers(self, chosen) -> float:
        """Expected real people who start talking after a post of ``chosen`` (no word of mouth), exactly.

        ``k Σ_u [1 − Π_{i ∈ chosen followed by u} (1 − π_i)]``, averaged over the worlds,
        ``π_i`` = :attr:`follower_talk_probability`.  ``chosen``: indices or a mask.
        """
        mask = np.zeros(self.n, dtype=bool)
        mask[np.asarray(chosen)] = True
        miss = np.where(mask, np.log1p(-np.minimum(self.follower_talk_probability, 1.0)), 0.0)
        out = []
        for w in self.worlds:
            cum = np.concatenate([[0.0], np.cumsum(miss[w.f_items])])
            log_none = cum[w.f_indptr[1:]] - cum[w.f_indptr[:-1]]
            out.append(float(-np.expm1(log_none).sum()) * w.scale)
        return float(np.mean(out))

    @cached_property
    def follower_talk_probability(self) -> np.ndarray:
        """``π_i``: chance that one simulated follower of ``i`` talks after its posts in the campaign.

        ``1 − (1 − q_i)^{posts published}``, averaged over the random first post day.
        """
        sched, _ = self._arrays()
        window, spacing, recur, days = sched
        total = np.zeros(self.n)
        for first in range(int(window)):
            n = np.array([_posts_by(first, int(p), int(days) - 1, spacing, recur, days) for p in self._posts])
            total += -np.expm1(n * self._log_miss)
        return total / window

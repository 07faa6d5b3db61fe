"""Choose for word of mouth: :func:`solve` with ``objective.talkers``.

Expected talkers (people who start talking, directly after a post or by word of mouth) are
not a sum over influencers: audiences overlap and word of mouth from two creators reaches
the same friends.  They are estimated on reverse-reachable (RR) sets of the campaign model
(:class:`lineup.simulation.campaign_rr.CampaignSampler`): a random person and the decisions
(influencers, or their packages) whose campaign would make that person talk.  The optimiser
then maximises the covered sets under every planner rule (:class:`lineup.optimize.objective.Talkers`).

The rounds follow OPIM-C (Tang, Tang, Xiao & Yuan, SIGMOD 2018), with the MILP in place of
the greedy:

1. draw two independent samples of ``θ`` sets (``objective.sampling.first_sets``): ``R1`` to
   optimise on, ``R2`` to check;
2. solve on ``R1`` (every rule holds); the chosen portfolio's talkers are estimated on ``R2``
   (unbiased given the sampled populations and audiences: ``R2`` played no part in the choice)
   with the better of the OPIM-C and empirical-Bernstein lower bounds;
3. when the objective is talkers alone, the MILP's proven bound on ``R1`` gives the upper bound
   on the best portfolio's expected talkers; ``lower / upper`` is a certified fraction of the
   best.  Stop when it reaches ``1 − epsilon`` (with a mixed objective: when the lower bound is
   within ``epsilon`` of the estimate), else double ``θ`` up to ``max_sets``;
4. validate (sample average approximation): the proxy portfolio, chosen without the talkers
   term (engagement alone when the objective is talkers alone), is scored against the choice
   on ``R2`` with the scenario's objective, and the better one is kept (a note says when the
   proxy won: ``R1`` was too small to separate near-equal portfolios).  ``R2``'s estimate of the
   kept portfolio is then the larger of two (optimistic by at most about a standard error); its
   lower bound holds, both candidates being in the union bound.

Each bound is taken at ``δ / (2 × (rounds possible + 1))`` (``δ = 1 − confidence``), a
union bound over the rounds, the two bounds and the validation's extra candidate, so the
stated confidence holds whichever round stops.  Then, unless ``check_replications`` is 0, the
portfolio is simulated on fresh seeds and the simulated talkers are reported beside the
prediction.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace

import numpy as np

from lineup._progress import Notify
from lineup._rng import SeedLike, as_seed_sequence, streams
from lineup.domain.portfolio import Portfolio
from lineup.domain.rrsets import (RRSets, TalkersForecast, bernstein_lower_bound, bernstein_upper_bound, lower_bound,
                                  upper_bound)
from lineup.domain.scenario import Scenario
from lineup.optimize.result import SolveStatus
from lineup.simulation.audiences import Audiences

__all__ = ["solve", "talker_sampler", "forecast_talkers"]


#: The check sample R2 holds this many times the sets of R1: it costs only sampling (no solve), and the
#: chosen portfolio's lower bound tightens with it.
CHECK_FACTOR = 4


def solve(scenario: Scenario, *, backend: str | None = None, time_limit: float | None = None,
          gap: float | None = None, progress=None, seed: SeedLike = None, notify: Notify | None = None,
          check: bool = True):
    """Choose the portfolio that maximises the scenario's objective under its rules.

    :func:`lineup.optimize.solve` when the objective has no talkers term; with
    ``objective.talkers > 0`` the RR rounds of the module notes, and the result carries
    ``talkers`` (a :class:`~lineup.domain.rrsets.TalkersForecast`).

    Parameters
    ----------
    scenario : Scenario
    backend, time_limit, gap, progress
        As :func:`lineup.optimize.solve` (each round's MILP).
    seed : int or SeedSequence, optional
        Randomness of the RR samples and of the simulation check; default
        ``simulation.seed`` (same seed, same portfolio and numbers).
    notify : callable, optional
        Called with a one-line message at each stage (sampling, solving, checking).
    check : bool
        Run the simulation check (``objective.sampling.check_replications``); ``compare`` turns it off,
        since it simulates every strategy anyway.

    Examples
    --------
    >>> from lineup.optimize.formulation import tiny_scenario
    >>> solve(tiny_scenario()).portfolio.ids                 # no talkers term: the plain optimiser
    ['ann', 'eve']
    """
    from lineup.optimize import solve as optimise

    if scenario.spec.objective.talkers <= 0:
        return optimise(scenario, backend=backend, time_limit=time_limit, gap=gap, progress=progress)
    return _solve_for_talkers(scenario, backend, time_limit, gap, progress,
                              scenario.spec.simulation.seed if seed is None else seed, notify or (lambda _: None),
                              check)


def _decision_influencers(scenario: Scenario, decisions: np.ndarray):
    """(Influencers of the candidates' rows, Influencers of the decisions, row position of each decision)."""
    from lineup.optimize.model import model_of
    from lineup.simulation.campaign import Influencers

    m = model_of(scenario)
    d, r = m.decisions, scenario.roster
    rows = np.unique(d.row[decisions])
    base = Influencers.from_portfolio(Portfolio(r, rows), scenario.tiers, scenario.spec.simulation.talk_prob)
    at = np.searchsorted(rows, d.row[decisions])
    if scenario.packages is None:
        return base, base, at
    pk = scenario.packages
    per = Influencers(
        ids=[str(x) for x in np.asarray(d.labels, dtype=object)[decisions]],
        real_followers=base.real_followers[at], engagement_rate=np.asarray(pk.rates(r), dtype=float)[decisions],
        posts=np.clip(np.round(pk.posts[decisions]), 1, 2**62).astype(np.int64), fee=d.cost[decisions].astype(float),
        talk_prob=base.talk_prob[at], niches=[base.niches[k] for k in at.tolist()],
        roster_posts=np.asarray(pk.posts[decisions], dtype=float))
    return base, per, at


def _repeat_audiences(aud: Audiences, at: np.ndarray) -> Audiences:
    """Audiences of the decisions: decision ``j`` follows the audience of influencer ``at[j]``."""
    sizes = aud.sizes()[at]
    indptr = np.zeros(len(at) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum(sizes)
    starts = np.repeat(aud.indptr[:-1][at] - indptr[:-1], sizes)
    return Audiences(indptr, aud.members[starts + np.arange(indptr[-1])], aud.scale)


def talker_sampler(scenario: Scenario, decisions: np.ndarray, *, seed: SeedLike = None):
    """The scenario's campaign sampler over ``decisions`` (indices of the model's decisions).

    The populations (``objective.sampling.populations`` of them, or the scenario's network) and
    the audiences of every candidate influencer are drawn once; with packages, each package of an
    influencer follows that influencer's audience with its own posts and engagement rate (any
    selection holds at most one package per influencer, so their coins need not be shared).
    """
    from lineup.simulation.campaign_rr import CampaignSampler, draw_worlds

    from .simulate import niche_names, population_of, resolve_population

    if scenario.spec.objective.talkers > 0:
        scenario = _without_talkers(scenario)
    population = population_of(scenario)
    base, per, at = _decision_influencers(scenario, decisions)
    scenario, _ = resolve_population(scenario, [base], population=population)
    spec = scenario.spec.simulation
    worlds = draw_worlds(base, spec, population=population, niches=niche_names(scenario),
                         populations=scenario.spec.objective.sampling.populations, seed=seed)
    if scenario.packages is not None:
        worlds = [(pop, _repeat_audiences(aud, at)) for pop, aud in worlds]
    return CampaignSampler(worlds, per, spec)


#: Filters by cost: a change of budget changes what they remove, so the sample ignores them (a what-if on the
#: budget reuses it; the optimiser still only sees the candidates).
_MONEY_FILTERS = frozenset({"budget", "constraints.max_budget_share"})


def _sampled_decisions(model) -> np.ndarray:
    """The decisions the RR sets are drawn over: every one the filters keep, the cost filters aside."""
    removed = np.zeros(model.n, dtype=bool)
    for f in model.filters:
        if f.name not in _MONEY_FILTERS:
            removed |= model.removed_by(f.name)
    return np.flatnonzero(~removed)


def _without_talkers(scenario: Scenario) -> Scenario:
    """The scenario with a talkers weight of 0 (its decisions, filters and rules, no sample needed)."""
    objective = scenario.spec.objective.model_copy(update={"talkers": 0.0})
    return replace(scenario, spec=scenario.spec.model_copy(update={"objective": objective}))


def _over_decisions(sample: RRSets, decisions: np.ndarray, n: int) -> RRSets:
    """A sample over candidate decisions ``0 .. len(decisions) - 1`` as one over all ``n`` decisions."""
    return RRSets(sample.indptr, decisions[sample.members].astype(np.int64), sample.count, n, sample.people,
                  sample.weights)


def _max_rounds(first: int, most: int) -> int:
    return 1 + max(0, math.ceil(math.log2(most / first)))


def _solve_for_talkers(scenario, backend, time_limit, gap, progress, seed, notify, check):
    from lineup.optimize import solve as optimise
    from lineup.optimize.model import model_of

    t0 = time.perf_counter()
    opts = scenario.spec.objective.sampling
    plain = _without_talkers(scenario)
    model = model_of(plain)
    decisions = _sampled_decisions(model)
    root = as_seed_sequence(seed)
    world_seed, sample_seed, check_seed = streams(root, 3)
    if not decisions.size:   # nothing to sample: the optimiser reports the empty roster
        return optimise(replace(scenario, talkers=RRSets.from_lists([], count=1, n=model.n, people=1.0)),
                        backend=backend, time_limit=time_limit, gap=gap, progress=progress)
    notify(f"Drawing {opts.populations:,} population(s) and the audiences of {decisions.size:,} candidates…")
    sampler = talker_sampler(plain, decisions, seed=world_seed)
    delta = (1.0 - opts.confidence) / (2 * (_max_rounds(opts.first_sets, opts.max_sets) + 1))
    only_talkers = scenario.spec.objective.engagement == 0 and scenario.spec.objective.coverage == 0
    r1 = r2 = None
    theta, rounds, res = opts.first_sets, 0, None
    while True:
        rounds += 1
        have = 0 if r1 is None else r1.count
        s1, s2 = streams(streams(sample_seed, rounds)[-1], 2)
        notify(f"Round {rounds}: sampling {(1 + CHECK_FACTOR) * (theta - have):,} RR sets…")
        new1 = _over_decisions(sampler.sample(theta - have, seed=s1), decisions, model.n)
        new2 = _over_decisions(sampler.sample(CHECK_FACTOR * (theta - have), seed=s2), decisions, model.n)
        r1, r2 = (new1, new2) if r1 is None else (r1.merged(new1), r2.merged(new2))
        notify(f"Round {rounds}: choosing on {r1.count:,} RR sets ({r1.stored:,} reach a candidate)…")
        res = optimise(replace(scenario, talkers=r1), backend=backend, time_limit=time_limit, gap=gap,
                       progress=progress)
        if res.portfolio is None:
            return res
        if res.status is SolveStatus.INTERRUPTED:      # Ctrl-C: no more rounds, no check
            return replace(res, talkers=_certify(res, r1, r2, delta, opts, only_talkers, rounds,
                                                 len(sampler.worlds), t0))
        forecast = _certify(res, r1, r2, delta, opts, only_talkers, rounds, len(sampler.worlds), t0)
        if forecast.ratio is not None and forecast.certified or theta >= opts.max_sets:
            break
        if forecast.ratio is None and forecast.lower >= (1 - opts.epsilon) * forecast.estimate:
            break
        theta = min(2 * theta, opts.max_sets)
    res, forecast = _against_proxy(res, forecast, r1, r2, delta, opts, only_talkers, rounds, len(sampler.worlds), t0,
                                   notify, lambda sc: optimise(sc, backend=backend, time_limit=time_limit, gap=gap,
                                                               progress=progress))
    if forecast.ratio is not None and not forecast.certified or forecast.ratio is None and \
            forecast.lower < (1 - opts.epsilon) * forecast.estimate:
        forecast = replace(forecast, notes=forecast.notes + (_short_note(forecast, opts),))
    coarse = resolution_note(sampler, np.flatnonzero(model_of(res.scenario).mask_of(res.portfolio)[decisions]))
    forecast = replace(forecast, check_sample=r2, notes=forecast.notes + ((coarse,) if coarse else ()))
    if res.status is SolveStatus.INTERRUPTED:
        return replace(res, talkers=forecast)
    if check and opts.check_replications:
        notify(f"Checking: simulating the portfolio {opts.check_replications:,} times on fresh seeds…")
        forecast = replace(forecast, simulated=_check(res, opts.check_replications, check_seed),
                           seconds=time.perf_counter() - t0)
    return replace(res, talkers=forecast)


def resolution_note(sampler, chosen: np.ndarray) -> str | None:
    """A note when chosen decisions (positions in the sampler's influencers) have under one simulated follower.

    The RR populations give every candidate one audience scale (k real people per simulated person, set by
    all candidates' followers); a creator with fewer than k real followers gets one simulated follower drawn at
    random, so its talkers rest on that one draw; at 1M people × 10k creators such a portfolio's RR estimate
    was 7 % above its simulated check at its own, finer scale (docs/model.md, "Independent check").

    >>> from types import SimpleNamespace as NS
    >>> s = NS(worlds=[NS(scale=1000.0)], influencers=NS(real_followers=np.array([400.0, 900.0, 5e4])))
    >>> print(resolution_note(s, np.array([0, 1, 2])))  # doctest: +NORMALIZE_WHITESPACE
    resolution: 2 of the 3 chosen creators have fewer real followers than the 1,000 real people each simulated
    person stands for in the RR populations, so each is one simulated follower drawn at random and the estimate
    is coarse; the simulated check (at the portfolio's own, finer scale) is the figure to trust (a larger
    simulation.population.size refines it)
    >>> resolution_note(s, np.array([2])) is None
    True
    """
    if not len(chosen) or not sampler.worlds:
        return None
    k = float(sampler.worlds[0].scale)
    real = np.asarray(sampler.influencers.real_followers, dtype=float)[chosen]
    coarse = int(np.count_nonzero(real < k))
    if not coarse:
        return None
    return (f"resolution: {coarse:,} of the {len(real):,} chosen creators have fewer real followers than the "
            f"{k:,.0f} real people each simulated person stands for in the RR populations, so each is one simulated "
            f"follower drawn at random and the estimate is coarse; the simulated check (at the portfolio's own, "
            f"finer scale) is the figure to trust (a larger simulation.population.size refines it)")


def _proxy(scenario: Scenario) -> Scenario:
    """The scenario without its talkers term; when nothing else is left in the objective, engagement alone
    (direct talkers are a share of the engaged people, so the engagement optimum is the natural proxy)."""
    plain = _without_talkers(scenario)
    o = plain.spec.objective
    if o.engagement == 0 and o.coverage == 0:
        objective = o.model_copy(update={"engagement": 1.0})
        plain = replace(plain, spec=plain.spec.model_copy(update={"objective": objective}))
    return replace(plain, talkers=None)


def _against_proxy(res, forecast, r1, r2, delta, opts, only_talkers, rounds, populations, t0, notify, optimise):
    """Validate the choice (sample average approximation): the optimum on ``R1`` against the proxy portfolio
    (:func:`_proxy`), both scored with the scenario's objective on the independent ``R2``; keep the better.

    The optimum on ``R1`` maximises a noisy estimate, so when ``R1`` is too small to separate near-equal
    portfolios it can be worse than the proxy.  Scoring on ``R2`` adds one lower bound to the union bound
    (``delta`` allows for it: one more than the rounds).
    """
    notify("Validating: the portfolio chosen without the talkers term, scored on the check sample…")
    kept = validate(res, r2, optimise)
    if kept is res or kept.status is SolveStatus.INTERRUPTED:
        return kept, forecast
    return kept, _certify(kept, r1, r2, delta, opts, only_talkers, rounds, populations, t0)


def validate(res, r2: RRSets, optimise):
    """``res`` (solved on its scenario's RR sample R1), or the proxy portfolio when it scores higher on ``r2``.

    ``optimise(scenario)`` solves the proxy (:func:`_proxy` of ``res.scenario``).  A proxy solve stopped by
    Ctrl-C makes the result ``INTERRUPTED`` (nothing after it should start).  Also used by the budget what-if,
    so that the larger budget's portfolio is chosen the same way.
    """
    from lineup.optimize import reselect
    from lineup.optimize.model import model_of

    proxy = optimise(_proxy(res.scenario))
    if proxy.status is SolveStatus.INTERRUPTED:
        return replace(res, status=SolveStatus.INTERRUPTED,
                       notes=(*res.notes, "interrupted (Ctrl-C) while validating against the proxy portfolio"))
    if proxy.portfolio is None:
        return res
    m = model_of(res.scenario)
    mine, theirs = m.mask_of(res.portfolio), m.mask_of(proxy.portfolio)
    score, rival = check_score(res.scenario, mine, r2), check_score(res.scenario, theirs, r2)
    if np.array_equal(mine, theirs) or rival <= score:
        return res
    note = (f"validation: on the independent check sample ({r2.count:,} RR sets) the portfolio chosen without "
            f"the talkers term scores {rival:,.1f} against {score:,.1f} for the optimum on "
            f"{res.scenario.talkers.count:,} sets; kept it (the sample cannot tell such close portfolios apart; "
            f"raise objective.sampling.max_sets to try for better)")
    return reselect(res, theirs, note)


def check_score(scenario: Scenario, mask: np.ndarray, r2: RRSets) -> float:
    """The scenario's objective of the selection ``mask`` with its talkers term estimated on ``r2``."""
    from lineup.optimize.rules import evaluate

    return evaluate(replace(scenario, talkers=r2), mask).objective


def _certify(res, r1: RRSets, r2: RRSets, delta: float, opts, only_talkers: bool, rounds: int,
             populations: int, t0: float) -> TalkersForecast:
    """The forecast of ``res``'s portfolio: estimate and lower bound on ``r2``, upper bound on ``r1``."""
    from lineup.optimize.model import model_of

    m = model_of(res.scenario)
    mask = m.mask_of(res.portfolio)
    covered = r2.covered(mask)
    lower = lower_bound(covered, r2.count, r2.people, delta)
    if r2.weights is not None:   # importance weights: the better of OPIM-C and empirical Bernstein, δ/2 each
        lower = max(lower_bound(covered, r2.count, r2.people, delta / 2),
                    bernstein_lower_bound(covered, r2.squares(mask), r2.count, r2.people, delta / 2))
    best = ratio = None
    if only_talkers and res.bound is not None:
        term = m.objective.talkers
        best_cover = max(float(res.bound), 0.0) / (term.weight * term.unit)
        best = upper_bound(best_cover, r1.count, r1.people, delta)
        if r1.weights is not None:   # the better of OPIM-C and Bernstein with E[w²] as variance, δ/2 each
            w = r1.weight()            # Σ w² hit over the best selection ≤ min(Σ w², max w × its coverage)
            squares = min(float((w ** 2).sum()), float(w.max(initial=0.0)) * best_cover)
            best = min(upper_bound(best_cover, r1.count, r1.people, delta / 2),
                       bernstein_upper_bound(best_cover, squares, r1.count, r1.people, delta / 2))
        ratio = lower / best if best > 0 else 1.0
    return TalkersForecast(estimate=r2.estimate(mask), standard_error=r2.standard_error(mask), lower=lower,
                           best_upper=best, ratio=ratio, target=1.0 - opts.epsilon, confidence=opts.confidence,
                           sets=r1.count, rounds=rounds, populations=populations,
                           seconds=time.perf_counter() - t0, stored=r1.stored, check_sets=r2.count)


def _short_note(f: TalkersForecast, opts) -> str:
    if f.ratio is not None:
        return (f"the certified ratio {f.ratio:.1%} did not reach {f.target:.0%} within objective.sampling.max_sets "
                f"({opts.max_sets:,} RR sets to optimise on, {CHECK_FACTOR}× that to check): the portfolio reaches "
                f"at least {f.ratio:.1%} of the best the rules allow with probability {f.confidence:.0%}; raise "
                f"max_sets (or epsilon) for a tighter certificate")
    return (f"the talkers estimate is not within {opts.epsilon:.0%} at objective.sampling.max_sets "
            f"({opts.max_sets:,} RR sets to optimise on, {CHECK_FACTOR}× that to check): lower bound "
            f"{f.lower:,.0f} for an estimate of {f.estimate:,.0f}")


def _check(res, replications: int, seed) -> dict:
    """The simulated talkers of ``res``'s portfolio on fresh seeds: mean and 95 % interval."""
    from .simulate import simulate

    sim = simulate(res.scenario, res.portfolio, replications=replications,
                   seed=int(seed.generate_state(1)[0]))
    band = sim.totals["talkers"]
    num = lambda x: None if x is None or not np.isfinite(x) else round(float(x), 2)  # noqa: E731
    return {"mean": num(band.mean), "ci_low": num(band.ci_low), "ci_high": num(band.ci_high),
            "replications": int(replications), "seed": int(sim.seed)}


def forecast_talkers(scenario: Scenario, portfolio: Portfolio, *, sets: int = 200_000,
                     seed: SeedLike = None, confidence: float = 0.95) -> TalkersForecast:
    """Expected talkers of a given portfolio on RR sets (no optimisation): estimate, standard error and
    lower bound at ``confidence`` (e.g. a planner's own list, or another strategy's portfolio)."""
    from lineup.optimize.model import model_of

    t0 = time.perf_counter()
    m = model_of(_without_talkers(scenario))
    mask = m.mask_of(portfolio)
    decisions = np.flatnonzero(mask)
    world_seed, sample_seed = streams(as_seed_sequence(scenario.spec.simulation.seed if seed is None else seed), 2)
    sampler = talker_sampler(scenario, decisions, seed=world_seed)
    rr = sampler.sample(sets, seed=sample_seed)
    every = np.ones(decisions.size, dtype=bool)
    delta = 1 - confidence
    lower = lower_bound(rr.covered(every), rr.count, rr.people, delta)
    if rr.weights is not None:
        lower = max(lower_bound(rr.covered(every), rr.count, rr.people, delta / 2),
                    bernstein_lower_bound(rr.covered(every), rr.squares(every), rr.count, rr.people, delta / 2))
    return TalkersForecast(estimate=rr.estimate(every), standard_error=rr.standard_error(every), lower=lower,
                           best_upper=None, ratio=None, target=0.0, confidence=confidence, sets=sets, rounds=1,
                           populations=len(sampler.worlds), seconds=time.perf_counter() - t0, stored=rr.stored,
                           check_sets=rr.count)

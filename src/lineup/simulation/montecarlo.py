"""Monte Carlo replications of a campaign, in this process, on a local process pool or on Dask.

Replication ``r`` uses child ``r`` of ``SeedSequence(seed).spawn(R)``
(:func:`lineup._rng.spawn`), split into three streams: the population, the
audiences and the campaign.  By default every replication **generates its
own population** from its child seed, so the randomness of the social graph
is part of the confidence intervals; pass a fixed ``population`` (e.g. a
real network) to keep one graph for all replications (audiences are still
redrawn).  ``population: {vary: false}`` does the latter with a generated
graph: the population of replication 0 (from the root seed alone) is
generated once, in this process, and reused by every replication
(:func:`shared_population`); the intervals then leave the graph's randomness
out, and the result's warnings say so.  Because a replication's numbers depend only on the root seed and
its index, results are identical whatever the number of ``workers``, and two
portfolios simulated with the same seed share populations (common random
numbers); :func:`monte_carlo_many` simulates several portfolios in one pass,
generating each replication's population once for all of them, with the
same numbers as separate runs.  Replications run through
:func:`lineup.execution.make_executor` (serial, a process pool,
or a Dask cluster), a few contiguous batches of replications per worker so
that 1,000-replication runs pay little scheduling overhead.  Workers return
per-day arrays and totals, never graphs; results are gathered in replication
order.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from functools import partial

import numpy as np

from lineup._progress import Progress
from lineup._rng import spawn, streams
from lineup.domain.campaign import MAX_REPLICATIONS, SimulationSpec
from lineup.errors import UsageError, argument

from .audiences import audience_scale, audience_sizes, draw_audiences
from lineup.execution import RunOptions, batches

from .campaign import Influencers, check_schedule, engagement_warning, resolution_warning, simulate_campaign
from .population import Population, generate_population
from .result import RATIOS, Band, SimulationResult, ratio_interval, t_interval

__all__ = ["run_replication", "run_replications", "monte_carlo", "monte_carlo_many", "shared_population",
           "Progress"]



def replication_population(child: np.random.SeedSequence, fixed: Population | None, niches,
                           spec: SimulationSpec) -> Population:
    """The population of the replication whose population stream is ``child``: ``fixed`` (a loaded network)
    when given, else one generated from ``spec.population`` with ``niches``."""
    if fixed is not None:
        return fixed
    p = spec.population_or_default
    return generate_population(p.size, niches=niches, mean_degree=p.mean_degree, mixing=p.mixing,
                               degree_exponent=p.degree_exponent,
                               max_degree=p.degree_cap, general_share=p.general_share, seed=child)


def shared_population(spec: SimulationSpec, niches: Sequence[str], seed) -> Population:
    """The one generated population of ``population: {vary: false}``: replication 0's, from ``seed``.

    It depends only on ``seed`` (not on the number of replications or workers),
    and it is the population that replication 0 draws when populations vary.

    Examples
    --------
    >>> from lineup._rng import spawn, streams
    >>> spec = SimulationSpec(population={"size": 1000, "vary": False})
    >>> a = shared_population(spec, ["x"], seed=4)
    >>> b = replication_population(streams(spawn(4, 3)[0], 3)[0], None, ["x"], spec)
    >>> bool((a.graph.indices == b.graph.indices).all())
    True
    """
    return replication_population(streams(spawn(seed, 1)[0], 3)[0], None, niches, spec)


#: The warning of every result simulated with ``population: {vary: false}``.
FIXED_POPULATION_WARNING = (
    "population.vary is false: every replication reuses one generated population (replication 0's, from the "
    "seed), so the intervals are conditional on that social graph and leave its randomness out")


def _fixed(spec: SimulationSpec, population: Population | None) -> bool:
    """Whether one generated population is reused by every replication (``population: {vary: false}``)."""
    return population is None and spec.network is None and not spec.population_or_default.vary


def _totals(series: dict[str, np.ndarray]) -> dict[str, float]:
    out = {name: float(values[-1]) for name, values in series.items()}
    out["engagements"] = float(series["engagements"].sum())
    del out["new_talkers"]
    return out


def run_replication(
    child: np.random.SeedSequence,
    influencers: Influencers,
    spec: SimulationSpec,
    *,
    population: Population | None = None,
    niches: Sequence[str] = (),
    scale: float | None = None,
) -> dict:
    """One replication from its child seed: ``{"series", "totals", "scale", "size"}``.

    ``scale`` fixes the real people per simulated person (default: set by this
    portfolio's audiences, see :func:`~lineup.simulation.audiences.draw_audiences`).

    Examples
    --------
    >>> from lineup._rng import spawn
    >>> from lineup.domain.roster import Roster
    >>> from lineup.domain.portfolio import Portfolio
    >>> from lineup.domain.tiers import Tiers
    >>> r = Roster.from_columns(ids=["a"], followers=[3_000], engagement_rate=[0.05], fee=[90])
    >>> inf = Influencers.from_portfolio(Portfolio(r, [0]), Tiers(), SimulationSpec().talk_prob)
    >>> spec = SimulationSpec(days=5, population={"size": 1000})
    >>> out = run_replication(spawn(1, 1)[0], inf, spec)
    >>> out["scale"], out["size"], len(out["series"]["talkers"])
    (6.0, 1000, 5)
    """
    pop_seed, audience_seed, run_seed = streams(child, 3)
    pop = replication_population(pop_seed, population, niches, spec)
    audiences = draw_audiences(pop, influencers.real_followers, influencers.niches,
                               niche_focus=spec.niche_focus, audience_cap=spec.audience_cap, scale=scale,
                               seed=audience_seed)
    series = simulate_campaign(pop, audiences, influencers, spec, seed=run_seed)
    return {"series": series, "totals": _totals(series), "scale": audiences.scale, "size": pop.size,
            "niches": pop.niche_names}


def run_replications(
    child: np.random.SeedSequence,
    influencers: Mapping[Hashable, Influencers],
    spec: SimulationSpec,
    *,
    population: Population | None = None,
    niches: Sequence[str] = (),
    scale: float | None = None,
) -> dict[Hashable, dict]:
    """Replication ``child`` of several portfolios on one population: ``{key: run_replication(...)}``.

    The population is generated once and shared; each portfolio then gets the
    audiences and the campaign that :func:`run_replication` would give it, so
    the result for every key is exactly ``run_replication(child, influencers[key], ...)``
    — common random numbers at the cost of one population instead of one per portfolio.

    Examples
    --------
    >>> from lineup._rng import spawn
    >>> from lineup.domain.roster import Roster
    >>> from lineup.domain.portfolio import Portfolio
    >>> from lineup.domain.tiers import Tiers
    >>> r = Roster.from_columns(ids=["a", "b"], followers=[3e3, 4e4], engagement_rate=[0.05, 0.03], fee=[90, 900])
    >>> infs = {k: Influencers.from_portfolio(Portfolio(r, [k]), Tiers(), SimulationSpec().talk_prob) for k in (0, 1)}
    >>> spec = SimulationSpec(days=5, population={"size": 1000})
    >>> child = spawn(1, 1)[0]
    >>> both = run_replications(child, infs, spec, scale=50.0)
    >>> one = run_replication(child, infs[1], spec, scale=50.0)
    >>> bool((both[1]["series"]["talkers"] == one["series"]["talkers"]).all())
    True
    """
    pop = replication_population(streams(child, 3)[0], population, niches, spec)
    return {key: run_replication(child, inf, spec, population=pop, scale=scale) for key, inf in influencers.items()}


def _work_batch(context: dict, children: list[np.random.SeedSequence]) -> list[dict]:
    """The replications of one task; returns per-run summaries only, never populations."""
    return [run_replications(child, context["influencers"], context["spec"], population=context["population"],
                             niches=context["niches"], scale=context["scale"]) for child in children]


def _progress_in_runs(progress: Progress | None, chunks: list, total: int) -> Progress | None:
    """Translate ``(tasks done, tasks)`` into ``(replications done, replications)``."""
    if progress is None:
        return None
    size = len(chunks[0])
    return lambda done, tasks: progress(total if done == tasks else min(total, done * size), total)


def _run_all(children, context: dict, executor, progress: Progress | None) -> list[dict]:
    total = len(children)
    slots = total if executor.kind == "serial" else executor.workers
    chunks = [[children[r] for r in b] for b in batches(total, slots, per_slot=1 if slots == total else 4)]
    done = executor.map_ordered(partial(_work_batch, context), chunks, _progress_in_runs(progress, chunks, total))
    return [run for chunk in done for run in chunk]


def _in_range(name: str, b: Band) -> Band:
    """Truncate an interval to the metric's range (counts and costs >= 0; shares in [0, 1])."""
    high = 1.0 if name == "wom_share" or name.startswith("penetration:") else np.inf
    return Band(b.mean, np.clip(b.ci_low, 0.0, high), np.clip(b.ci_high, 0.0, high))


def _scalar(b: Band) -> Band:
    return Band(float(b.mean), float(b.ci_low), float(b.ci_high))


def _warnings(influencers: Influencers, spec: SimulationSpec, population: Population | None,
              scale: float | None) -> tuple[str, ...]:
    """Warnings known before simulating: a population too small for the portfolio's audiences, and
    engagement capped below the optimiser's (:func:`~lineup.simulation.campaign.engagement_warning`)."""
    size = population.size if population is not None else spec.population_or_default.size
    k = audience_scale(influencers.real_followers, size, spec.audience_cap) if scale is None else scale
    sizes = audience_sizes(influencers.real_followers, size, k)
    found = (resolution_warning(influencers, spec, size, k, sizes), engagement_warning(influencers, spec, size, k, sizes))
    return tuple(w for w in found if w is not None)


def _stack(runs: list[dict], name: str) -> np.ndarray:
    """Replications × days of one metric; ``engagements`` cumulated (a ratio's denominator)."""
    values = np.stack([run["series"][name] for run in runs])
    return np.cumsum(values, axis=1) if name == "engagements" else values


def _ratio_series(runs: list[dict]) -> dict[str, Band]:
    """Per-day ratio of means of each ratio metric (see :func:`~lineup.simulation.result.ratio_interval`)."""
    return {name: _in_range(name, ratio_interval(_stack(runs, num), _stack(runs, den)))
            for name, (num, den) in RATIOS.items()}


def _ratio_samples(samples: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per-replication ratios (NaN where the denominator is 0): data only, never averaged."""
    out = {}
    for name, (num, den) in RATIOS.items():
        with np.errstate(divide="ignore", invalid="ignore"):
            out[name] = np.where(samples[den] > 0, samples[num] / samples[den], np.nan)
    return out


_RATIO_WORDS = {"talkers": "no talker", "engagements": "no engagement", "reach": "nobody reached"}


def zero_denominator_warnings(zeros: dict[str, int], replications: int) -> tuple[str, ...]:
    """One warning per ratio metric with replications whose denominator is 0.

    >>> zero_denominator_warnings({"cost_per_talker": 134, "cost_per_reach": 0}, 200)[0][:62]
    '134 of 200 replications had no talker: cost_per_talker is mean'
    """
    out = []
    for name, count in zeros.items():
        if not count or not name.startswith("cost_per_"):
            continue
        num, den = RATIOS[name]
        if count == replications:
            out.append(f"every replication had {_RATIO_WORDS[den]}: {name} is undefined ({num} ÷ mean {den} = "
                       f"{num} ÷ 0); simulate a larger population or more posts")
        else:
            out.append(f"{count:,} of {replications:,} replications had {_RATIO_WORDS[den]}: {name} is mean "
                       f"{num} ÷ mean {den} over all {replications:,} replications (those zeros included, none "
                       f"dropped)")
    return tuple(out)


def _summarise(runs: list[dict], spec: SimulationSpec, seed, influencers: Influencers,
               warnings: tuple[str, ...] = ()) -> SimulationResult:
    names = list(runs[0]["series"])
    series = {n: _in_range(n, t_interval(np.stack([run["series"][n] for run in runs]))) for n in names}
    series.update(_ratio_series(runs))
    samples = {n: np.array([run["totals"][n] for run in runs]) for n in runs[0]["totals"]}
    samples.update(_ratio_samples(samples))
    totals = {n: _scalar(_in_range(n, t_interval(v))) for n, v in samples.items() if n not in RATIOS}
    totals.update({n: _scalar(_in_range(n, ratio_interval(samples[num], samples[den])))
                   for n, (num, den) in RATIOS.items()})
    totals = {n: totals[n] for n in samples}  # metric order as in the samples
    zeros = {n: int((samples[den] == 0).sum()) for n, (num, den) in RATIOS.items()}
    return SimulationResult(
        days=spec.days, series=series, totals=totals, samples=samples, replications=len(runs),
        seed=seed, scale=float(runs[0]["scale"]), population_size=int(runs[0]["size"]),
        portfolio=tuple(influencers.ids), niche_names=tuple(runs[0]["niches"]),
        parameters=_parameters(spec, seed, len(runs)),
        warnings=warnings + zero_denominator_warnings(zeros, len(runs)), zero_denominators=zeros,
    )


def _parameters(spec: SimulationSpec, seed, replications: int) -> dict:
    """The simulation settings as run: the seed and replication count actually used, not the file's."""
    params = spec.model_dump(mode="json")
    if "replications" in params:
        params["replications"] = replications
    if "seed" in params and isinstance(seed, (int, np.integer)):
        params["seed"] = int(seed)
    if isinstance(params.get("population"), dict) and spec.population is not None:
        params["population"]["max_degree"] = spec.population.degree_cap   # the cap in use, not "default"
    return params


def monte_carlo(influencers: Influencers, spec: SimulationSpec, **keywords) -> SimulationResult:
    """Run ``replications`` seeded replications and summarise them with 95 % CIs.

    ``monte_carlo(influencers, spec, **keywords)`` is
    ``monte_carlo_many({0: influencers}, spec, **keywords)[0]``: the keywords, all optional, are theirs.

    Parameters
    ----------
    influencers : Influencers
        The portfolio's columns.
    spec : SimulationSpec
        Simulation options (``replications`` and ``seed`` are the defaults
        of the arguments of the same names).
    population : Population, optional
        A fixed population (e.g. a loaded network); default: generate one per
        replication from ``spec.population`` with niches ``niches`` (or one for
        all, :func:`shared_population`, when ``spec.population.vary`` is false).
    niches : sequence of str
        Niche names of generated populations.
    run : RunOptions, optional
        Replications and seed (default ``spec.replications`` / ``spec.seed``), where
        the replications run (results do not depend on it) and ``progress(done, total)``
        in replications; its fields may also be given as keywords (``replications=50``).
    executor : optional
        An executor already opened (:meth:`RunOptions.executor`, e.g. shared by
        the points of a sweep); overrides where ``run`` would run.
    scale : float, optional
        Real people per simulated person for every replication.  Default: from
        this portfolio's audiences.  Comparisons pass one common scale so that all
        strategies are simulated in the same real population.

    Examples
    --------
    >>> from lineup.domain.roster import Roster
    >>> from lineup.domain.portfolio import Portfolio
    >>> from lineup.domain.tiers import Tiers
    >>> r = Roster.from_columns(ids=["a", "b"], followers=[3e3, 4e4], engagement_rate=[0.05, 0.03],
    ...                         fee=[90, 900], niches=[["x"], ["y"]])
    >>> inf = Influencers.from_portfolio(Portfolio(r, [0, 1]), Tiers(), SimulationSpec().talk_prob)
    >>> spec = SimulationSpec(days=7, population={"size": 2000})
    >>> res = monte_carlo(inf, spec, niches=["x", "y"], replications=4, seed=1)
    >>> res.replications, len(res.series["talkers"].mean), res.totals["spend"].mean
    (4, 7, 990.0)
    """
    return monte_carlo_many({0: influencers}, spec, **keywords)[0]


def monte_carlo_many(
    influencers: Mapping[Hashable, Influencers],
    spec: SimulationSpec,
    *,
    population: Population | None = None,
    niches: Sequence[str] = (),
    run: RunOptions | None = None,
    executor=None,
    scale: float | None = None,
    **options,
) -> dict[Hashable, SimulationResult]:
    """:func:`monte_carlo` of several portfolios on common random numbers, in one pass.

    Replication ``r`` of every portfolio runs on the same population (generated
    once per replication, see :func:`run_replications`), so the result for each
    key is identical to ``monte_carlo(influencers[key], ..., seed=seed)`` while
    the populations are generated once instead of once per portfolio, and all
    the work goes to the workers as one batch of tasks.  ``progress(done, total)``
    counts replications (each covering every portfolio).  Memory stays bounded: at most
    :data:`MAX_RUNS_IN_MEMORY` per-replication results are held at once (many
    portfolios × many replications are simulated in groups).  The keywords are described at
    :func:`monte_carlo`; ``scale`` should be common to all portfolios
    (:func:`lineup.workflows.simulate.common_scale`) for their word of mouth to compare.

    Examples
    --------
    >>> from lineup.domain.roster import Roster
    >>> from lineup.domain.portfolio import Portfolio
    >>> from lineup.domain.tiers import Tiers
    >>> r = Roster.from_columns(ids=["a", "b"], followers=[3e3, 4e4], engagement_rate=[0.05, 0.03], fee=[90, 900])
    >>> infs = {n: Influencers.from_portfolio(Portfolio(r, [k]), Tiers(), SimulationSpec().talk_prob)
    ...         for k, n in enumerate(["small", "big"])}
    >>> spec = SimulationSpec(days=7, population={"size": 2000})
    >>> both = monte_carlo_many(infs, spec, replications=3, seed=1, scale=25.0)
    >>> alone = monte_carlo(infs["big"], spec, replications=3, seed=1, scale=25.0)
    >>> list(both), bool((both["big"].samples["talkers"] == alone.samples["talkers"]).all())
    (['small', 'big'], True)
    """
    run = RunOptions.of(run, **options)
    replications = run.replications_or(spec.replications)
    seed = spec.seed if run.seed is None else run.seed
    progress = run.progress
    if replications > MAX_REPLICATIONS:
        raise UsageError(f"{argument('replications')} must be at most {MAX_REPLICATIONS:,}, got {replications:,}")
    if not influencers:
        return {}
    for inf in influencers.values():
        check_schedule(inf.ids, inf.posts, spec)
    warnings = {key: _warnings(inf, spec, population, scale) for key, inf in influencers.items()}
    if _fixed(spec, population):
        population = shared_population(spec, niches, seed)
        warnings = {key: (FIXED_POPULATION_WARNING, *w) for key, w in warnings.items()}
    context = {"spec": spec, "population": population, "niches": tuple(niches), "scale": scale}
    children = spawn(seed, replications)
    groups = _groups(list(influencers), replications)
    out: dict[Hashable, SimulationResult] = {}
    with run.executor(replications, given=executor) as ex:
        for g, keys in enumerate(groups):
            tick = None if progress is None else partial(_group_progress, progress, g, len(groups))
            runs = _run_all(children, {**context, "influencers": {k: influencers[k] for k in keys}}, ex, tick)
            out.update({k: _summarise([run[k] for run in runs], spec, seed, influencers[k], warnings[k])
                        for k in keys})
    return {key: out[key] for key in influencers}


#: Most per-replication results (portfolios × replications, ~10 kB each) held in memory at once.
MAX_RUNS_IN_MEMORY = 20_000


def _groups(keys: list, replications: int) -> list[list]:
    """Portfolios simulated together, at most :data:`MAX_RUNS_IN_MEMORY` runs per group.

    Each group regenerates the populations (same seeds, so the same populations), so
    only sweeps of very many portfolios × replications pay for it twice.

    Examples
    --------
    >>> _groups(["a", "b", "c"], 1_000), _groups(list(range(5)), 10_000)
    ([['a', 'b', 'c']], [[0, 1], [2, 3], [4]])
    """
    size = max(1, MAX_RUNS_IN_MEMORY // max(1, replications))
    return [keys[k:k + size] for k in range(0, len(keys), size)]


def _group_progress(progress: Progress, group: int, groups: int, done: int, total: int) -> None:
    progress(group * total + done, groups * total)

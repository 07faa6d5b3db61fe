"""``lineup simulate``: a portfolio's campaign over a population, with Monte Carlo CIs.

:func:`simulate` takes a loaded :class:`~lineup.domain.scenario.Scenario`
and a :class:`~lineup.domain.portfolio.Portfolio` (or solves the scenario
first), builds the population from the scenario's ``simulation:`` section
(a generated one, or a real network read relative to the scenario file) and
runs :func:`lineup.simulation.montecarlo.monte_carlo`.
:func:`load_portfolio` reads a hand-made or previously solved portfolio.
"""

from __future__ import annotations

import io
import json
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from lineup.domain.portfolio import Portfolio
from lineup.domain.roster import Roster, normalise_id
from lineup.domain.scenario import Scenario, did_you_mean
from lineup._text import printable
from lineup.errors import SolverError, UsageError, argument
from lineup.execution import RunOptions
from lineup.io.files import read_user_text, shown_path
from lineup.io.writers import csv_uncell
from lineup.simulation.campaign import Influencers
from lineup.simulation.montecarlo import monte_carlo, monte_carlo_many
from lineup.simulation.population import Population
from lineup.simulation.resolution import Resolution, choose_size, fixed_resolution
from lineup.simulation.result import SimulationResult

__all__ = ["simulate", "simulate_portfolios", "priced", "load_portfolio", "population_of", "niche_names", "scenario_scale",
           "common_scale", "check_simulation", "resolve_population", "simulation_assumptions"]


def population_of(scenario: Scenario) -> Population | None:
    """The scenario's fixed network population, or ``None`` when populations are generated.

    Network files are read relative to the scenario file's folder.
    """
    net = scenario.spec.simulation.network
    if net is None:
        return None
    from lineup.io.network import load_network

    base = scenario.path.parent if scenario.path is not None else Path.cwd()
    communities = None if net.communities is None else base / net.communities
    return load_network(base / net.path, communities, directed=net.directed, header=net.header)


def check_simulation(scenario: Scenario, population: Population | None = None, *, run: RunOptions | None = None,
                     portfolios: int = 1, whole_roster: bool = False) -> None:
    """Refuse (exit 2) a simulation this machine cannot run, before anything is generated.

    Checks that the estimated peak memory (:func:`~lineup.simulation.memory.estimate_memory`)
    fits the memory available and, with ``whole_roster`` (``lineup validate``), that
    no influencer of the roster would post more than
    :data:`~lineup.simulation.campaign.MAX_POSTS_PER_INFLUENCER` times (simulations
    check their own portfolio).  ``population`` is the loaded network, if any;
    replications on a remote Dask ``scheduler`` are not held here; ``run.memory``
    replaces the memory measured as available.
    """
    from lineup.simulation.campaign import check_schedule
    from lineup.simulation.memory import check_memory, estimate_memory

    spec = scenario.spec.simulation
    if whole_roster:
        posts = np.asarray(scenario.roster.posts, dtype=float)
        if scenario.packages is not None:          # the largest package each influencer sells
            posts = posts.copy()
            np.maximum.at(posts, scenario.packages.row, scenario.packages.posts)
        check_schedule(scenario.roster.ids.tolist(), posts, spec)
    if population is None and spec.network is not None:
        return  # the network's size is only known once it is read
    run = run or RunOptions()
    reps = run.replications_or(spec.replications)
    estimate = estimate_memory(spec, network=None if population is None else population.graph,
                               workers=run.processes(reps), portfolios=portfolios, replications=reps,
                               niches=len(niche_names(scenario)), available=run.memory)
    check_memory(estimate, _where_memory(scenario), generated=population is None)


def _people_that_fit(scenario: Scenario, run: RunOptions, portfolios: int) -> int | None:
    """Largest generated population this machine's memory allows (``None``: unknown)."""
    from lineup.simulation.memory import estimate_memory

    spec = scenario.spec.simulation
    reps = run.replications_or(spec.replications)
    estimate = estimate_memory(spec, workers=max(run.processes(reps), 1), portfolios=portfolios, replications=reps,
                               niches=len(niche_names(scenario)), available=run.memory)
    return estimate.people_that_fit() or None


def resolve_population(scenario: Scenario, influencers: Iterable[Influencers], *, population: Population | None = None,
                       run: RunOptions | None = None) -> tuple[Scenario, Resolution]:
    """The scenario with its population size chosen, and how (see :mod:`lineup.simulation.resolution`).

    ``simulation.population.size: auto`` (the default) becomes the size at which
    every influencer of every portfolio gets at least
    :data:`~lineup.simulation.resolution.MIN_SIMULATED_FOLLOWERS` simulated
    followers, within the memory available; an explicit size or a network is
    kept and only audited.

    Examples
    --------
    >>> from lineup.optimize.formulation import tiny_scenario
    >>> from lineup.domain.portfolio import Portfolio
    >>> sc = tiny_scenario()
    >>> inf = Influencers.from_portfolio(Portfolio(sc.roster, [0, 4]), sc.tiers, sc.spec.simulation.talk_prob)
    >>> resolved, how = resolve_population(sc, [inf])
    >>> how.source, how.size == resolved.spec.simulation.population.size, how.below
    ('auto', True, 0)
    """
    spec, influencers = scenario.spec.simulation, list(influencers)
    reals = [inf.real_followers for inf in influencers]
    if population is not None:
        return scenario, fixed_resolution(reals, spec, population.size, "network")
    if not spec.auto_size:
        return scenario, fixed_resolution(reals, spec, spec.population_or_default.size, "scenario")
    fit = _people_that_fit(scenario, run or RunOptions(), len(influencers))
    how = choose_size(reals, spec, people_that_fit=fit)
    return replace(scenario, spec=scenario.spec.model_copy(update={"simulation": spec.with_size(how.size)})), how


def simulation_assumptions(scenario: Scenario, result: SimulationResult, *, replications: int | None = None,
                           seed: int | None = None) -> dict[str, dict]:
    """Every default a simulation's numbers depend on: the scenario's settings (with their source) plus
    the run's replications, seed, population size (``auto`` → chosen), confidence level and ratio method.

    Examples
    --------
    >>> from lineup.optimize.formulation import tiny_scenario
    >>> from lineup.domain.portfolio import Portfolio
    >>> sc = tiny_scenario().with_overrides(simulation={"days": 5, "replications": 2})
    >>> res = simulate(sc, Portfolio(sc.roster, [0]), seed=3)
    >>> a = res.assumptions
    >>> a["simulation.seed"]["source"], a["simulation.replications"]["source"], a["confidence"]["value"]
    ('command line', 'scenario', 0.95)
    >>> a["simulation.population.size"]["source"], a["simulation.population.size"]["value"] == res.population_size
    ('auto', True)
    """
    from lineup.domain.assumptions import assumptions, entry
    from lineup.simulation.resolution import MIN_SIMULATED_FOLLOWERS
    from lineup.simulation.result import CONFIDENCE, RATIO_METHOD

    out = assumptions(scenario.spec, scenario.fitted)
    for key, given, value in (("simulation.replications", replications, result.replications),
                              ("simulation.seed", seed, result.seed)):
        old = out[key]
        out[key] = entry(value, "command line" if given is not None else old["source"], old["meaning"])
    how = result.resolution or {}
    if how.get("source") == "auto":
        out["simulation.population.size"] = entry(
            result.population_size, "auto", f"simulated people, chosen so that every influencer has at least "
            f"{how['min_followers']} simulated followers (between {how['auto_range'][0]:,} and "
            f"{how['auto_range'][1]:,}, within the memory available)")
    out["simulation.min_simulated_followers"] = entry(MIN_SIMULATED_FOLLOWERS, "default",
                                                      "resolution target of population.size auto (people)")
    out["confidence"] = entry(CONFIDENCE, "default", "level of every interval")
    out["ratio_method"] = entry(RATIO_METHOD, "default", "how costs and the word-of-mouth share are estimated")
    return out


def _with_resolution(result: SimulationResult, how: Resolution, scenario: Scenario, replications=None,
                     seed=None) -> SimulationResult:
    note = how.note
    result = replace(result, resolution=how.to_dict(), warnings=((note,) if note else ()) + tuple(result.warnings))
    return replace(result, assumptions=simulation_assumptions(scenario, result, replications=replications, seed=seed))


def _where_memory(scenario: Scenario) -> str:
    net = scenario.spec.simulation.network
    field = "simulation.network" if net is not None else "simulation.population.size"
    return f"{scenario.path}, field '{field}'" if scenario.path is not None else f"field '{field}'"


def niche_names(scenario: Scenario) -> tuple[str, ...]:
    """Niches of generated populations and of coverage: the scenario's, else the roster's."""
    return tuple(scenario.spec.niches) or tuple(scenario.roster.niche_names)


def scenario_scale(scenario: Scenario, population, influencers) -> float:
    """:func:`common_scale` for the scenario's population (a loaded network, else the generated size)."""
    spec = scenario.spec.simulation
    size = population.size if population is not None else spec.population_or_default.size
    return common_scale(influencers, size, spec.audience_cap)


def common_scale(influencers, population_size: int, audience_cap: float) -> float:
    """One audience scale for every portfolio: the largest any of them needs.

    Each portfolio alone would get ``k = Σ real followers / (audience_cap × N)``;
    with different ``k`` the same simulated people would stand for different real
    populations and word of mouth would not compare.  The largest ``k`` fits every
    portfolio's audiences into the population.

    Examples
    --------
    >>> import numpy as np
    >>> from types import SimpleNamespace as NS
    >>> common_scale([NS(real_followers=np.array([4e3])), NS(real_followers=np.array([2e5, 1e5]))], 1_000, 0.5)
    600.0
    """
    from lineup.simulation.audiences import audience_scale

    return max((audience_scale(inf.real_followers, population_size, audience_cap) for inf in influencers),
               default=1.0)


def simulate_portfolios(scenario: Scenario, portfolios: Mapping[Hashable, Portfolio], *,
                        run: RunOptions | None = None, executor=None, **options) -> dict[Hashable, SimulationResult]:
    """Several portfolios simulated on common random numbers and one audience scale (compare, frontier).

    Loads a fixed network once, generates each replication's population once for
    all portfolios (:func:`~lineup.simulation.montecarlo.monte_carlo_many`) and
    sends the work to one executor; each result equals a separate simulation of
    that portfolio with the same seed and scale.  ``run`` (or its fields as keywords) as
    :func:`simulate`; ``executor``, one already opened, is shared (a sweep's points).
    """
    run = RunOptions.of(run, **options)
    population = population_of(scenario)
    influencers = {k: Influencers.from_portfolio(p, scenario.tiers, scenario.spec.simulation.talk_prob)
                   for k, p in portfolios.items()}
    scenario, how = resolve_population(scenario, influencers.values(), population=population, run=run)
    spec = scenario.spec.simulation
    check_simulation(scenario, population, run=run, portfolios=len(portfolios))
    sims = monte_carlo_many(influencers, spec, population=population, niches=niche_names(scenario), run=run,
                            executor=executor, scale=scenario_scale(scenario, population, influencers.values()))
    return {k: _with_resolution(r, how, scenario, run.replications, run.seed) for k, r in sims.items()}


def _solve(scenario: Scenario) -> Portfolio:
    from .plan import solve

    result = solve(scenario, check=False).raise_for_status()
    if result.portfolio is None:
        raise SolverError(f"scenario {scenario.name!r}: the solver found no portfolio to simulate "
                          f"(status {result.status.value}); pass one with {argument('portfolio')}")
    return result.portfolio


def simulate(
    scenario: Scenario,
    portfolio: Portfolio | None = None,
    *,
    run: RunOptions | None = None,
    **options,
) -> SimulationResult:
    """Simulate the campaign of ``portfolio`` (default: the scenario's optimal one).

    Parameters
    ----------
    scenario : Scenario
        Loaded scenario; its ``simulation:`` section gives every option.
    portfolio : Portfolio, SolveResult or list of ids, optional
        Influencers to simulate; ``None`` solves the scenario first (an
        infeasible scenario raises :class:`~lineup.errors.InfeasibleError`);
        unknown ids raise :class:`~lineup.errors.UsageError`.
    run : RunOptions, optional
        Replications and seed (overriding ``simulation.replications`` /
        ``simulation.seed``), where they run (workers, a Dask scheduler or local
        cluster: the result does not depend on it), ``progress(done, total)`` after
        each replication and the memory to plan with.  Its fields may also be given
        as keywords: ``simulate(sc, p, replications=50, seed=1)``.

    Examples
    --------
    >>> from lineup.domain.roster import Roster
    >>> from lineup.domain.scenario import ScenarioSpec
    >>> r = Roster.from_columns(ids=["a", "b"], followers=[3e3, 5e4], engagement_rate=[0.05, 0.02],
    ...                         fee=[100, 800], niches=[["yoga"], ["yoga"]])
    >>> spec = ScenarioSpec.model_validate({"name": "demo", "budget": 1000, "roster": "r.csv",
    ...     "simulation": {"days": 10, "replications": 3, "population": {"size": 2000}}})
    >>> res = simulate(Scenario(spec, r), Portfolio(r, [0, 1]), seed=7)
    >>> res.replications, res.seed, res.population_size, res.totals["spend"].mean
    (3, 7, 2000, 900.0)
    """
    run = RunOptions.of(run, **options)
    population = population_of(scenario)
    check_simulation(scenario, population, run=run)
    roster_warnings = scenario.warnings
    portfolio = _solve(scenario) if portfolio is None else priced(scenario, as_portfolio(portfolio, scenario.roster))
    influencers = Influencers.from_portfolio(portfolio, scenario.tiers, scenario.spec.simulation.talk_prob)
    scenario, how = resolve_population(scenario, [influencers], population=population, run=run)
    check_simulation(scenario, population, run=run)
    result = monte_carlo(influencers, scenario.spec.simulation, population=population, niches=niche_names(scenario),
                         run=run)
    result = _with_resolution(result, how, scenario, run.replications, run.seed)
    return replace(result, warnings=tuple(dict.fromkeys((*roster_warnings, *result.warnings))))  # roster's first


def priced(scenario: Scenario, portfolio: Portfolio) -> Portfolio:
    """``portfolio`` as the optimiser would have bought it: a portfolio of bare rows (ids) of a scenario with
    packages or ``costs.management`` gets each influencer's cheapest package (its fee, posts and rate on a
    priced roster) and its management cost and hours; any other portfolio is returned as it is.

    >>> from lineup.optimize.formulation import tiny_scenario
    >>> sc = tiny_scenario()
    >>> p = Portfolio(sc.roster, [0])
    >>> priced(sc, p) is p
    True
    """
    if portfolio.package is not None or portfolio.management is not None:
        return portfolio
    if scenario.packages is None and scenario.spec.costs.management is None:
        return portfolio
    from lineup.optimize.model import model_of

    model = model_of(scenario)
    return model.portfolio(model.mask_of(portfolio))


def as_portfolio(value: Any, roster: Roster) -> Portfolio:
    """``value`` as a portfolio of ``roster``: a Portfolio, a solve result's portfolio or a list of ids.

    Anything else raises :class:`~lineup.errors.UsageError`.

    >>> r = Roster.from_columns(ids=["a", "b"], followers=[1e3, 2e3], engagement_rate=[0.1, 0.1], fee=[1, 2])
    >>> as_portfolio(["b"], r).ids
    ['b']
    >>> as_portfolio(3, r)
    Traceback (most recent call last):
    ...
    lineup.errors.UsageError: portfolio: expected a Portfolio, a SolveResult or a list of ids, got int
    """
    if isinstance(value, Portfolio):
        return value
    inner = getattr(value, "portfolio", None)
    if isinstance(inner, Portfolio):
        return inner
    if isinstance(value, (list, tuple)) and all(isinstance(i, str) for i in value):
        return Portfolio.from_ids(roster, value)
    raise UsageError(f"portfolio: expected a Portfolio, a SolveResult or a list of ids, got {type(value).__name__}")


def _ids_from_json(name: str, text: str) -> list[str]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{name}, line {exc.lineno}, column {exc.colno}: invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise UsageError(f"{name}: the JSON is nested too deeply to be a portfolio") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise UsageError(f"{name}: not a usable portfolio JSON ({printable(str(exc), limit=120)})") from None
    field = ""
    if isinstance(data, dict):
        field = next((k for k in ("selected", "portfolio", "ids") if k in data), "")
        data = data.get(field) if field else None
    if not isinstance(data, list):
        raise UsageError(f"{name}: expected a list of ids, a list of objects with 'id', or an object with "
                         f"'selected', 'portfolio' or 'ids'" + (f" holding a list ({field!r} is not)" if field else ""))
    ids = [_json_id(entry) for entry in data]
    bad = [k for k, i in enumerate(ids) if i is None]
    if bad:
        raise UsageError(f"{name}: {len(bad)} portfolio entr{'y is' if len(bad) == 1 else 'ies are'} not an id",
                         [f"{name}, entry {field}[{k}]: expected an id (text) or an object with an 'id', "
                          f"got {_shown_json(data[k])}" for k in bad])
    return ids


def _json_id(entry) -> str | None:
    """The id of one JSON portfolio entry (text, a whole number, or ``{"id": ...}``), else ``None``."""
    if isinstance(entry, dict):
        entry = entry.get("id")
    if isinstance(entry, str) and entry.strip():
        return entry
    if isinstance(entry, int) and not isinstance(entry, bool):
        return str(entry)
    return None


def _shown_json(value) -> str:
    if isinstance(value, dict):
        return "an object without an 'id'" if "id" not in value else f"'id': {_shown_json(value['id'])}"
    if isinstance(value, list):
        return "a list"
    return printable(repr(value)[:60])


def _ids_from_csv(name: str, text: str) -> list[str]:
    import pandas as pd

    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise UsageError(f"{name}: cannot read the portfolio CSV ({printable(str(exc).strip())})") from None
    columns = {str(c).strip().lower(): c for c in frame.columns}
    if "id" not in columns:
        found = [printable(c) for c in frame.columns]
        raise UsageError(f"{name}: the portfolio CSV needs an 'id' column, found {found}"
                         f"{did_you_mean('id', columns)}")
    return [csv_uncell(i) for i in frame[columns["id"]].tolist() if str(i).strip()]


def load_portfolio(path: str | Path, roster: Roster) -> Portfolio:
    """Read a portfolio file (CSV with an ``id`` column, or JSON) as a portfolio of ``roster``.

    JSON may be a list of ids, a list of objects with ``id``, or an object
    with ``selected`` (``lineup solve --format json`` output), ``portfolio``
    or ``ids``; an id is text or a whole number.  Unknown ids, entries that
    are not ids, bad JSON or CSV, bytes that are not UTF-8 and paths that are
    not readable regular files raise :class:`~lineup.errors.UsageError`
    naming the file (and the line or entry).

    Examples
    --------
    >>> import tempfile, os
    >>> r = Roster.from_columns(ids=["alice", "bob"], followers=[1e3, 2e3], engagement_rate=[0.1, 0.1],
    ...                         fee=[10, 20])
    >>> f = os.path.join(tempfile.mkdtemp(), "p.csv")
    >>> _ = open(f, "w").write("id,fee\\n@bob,20\\n")
    >>> load_portfolio(f, r).ids
    ['bob']
    """
    path, name = Path(path), shown_path(path)
    text = read_user_text(path, UsageError, "portfolio file")
    ids = _ids_from_json(name, text) if path.suffix.lower() == ".json" else _ids_from_csv(name, text)
    if not ids:
        raise UsageError(f"{name}: the portfolio lists no influencers")
    known = roster.ids.tolist()
    missing = [i for i in ids if roster.index_of(i) is None]
    if missing:
        raise UsageError(f"{name}: {len(missing)} id(s) not in the roster {printable(roster.source)}",
                         [f"{name}: id {normalise_id(i)!r} is not in the roster{did_you_mean(normalise_id(i), known)}"
                          for i in missing])
    return Portfolio.from_ids(roster, ids)

"""``lineup sensitivity``: does the winner of a comparison survive plausible changes of the assumptions?

The scenario's ``uncertain:`` section (else :data:`~lineup.domain.uncertain.DEFAULT_RANGES`)
gives each uncertain assumption a range.  A seeded design over that box — a
Latin hypercube (``method="lhs"``) or Morris trajectories (``method="morris"``),
both drawn by SALib — sets the assumptions at each *design point*; there the
scenario's strategies (:mod:`lineup.workflows.compare`) are simulated with
``replications`` runs on common random numbers.  Portfolios are solved once,
unless the design varies ``engagement_prior_scale`` on a roster with estimated
engagement rates (then every point re-solves: the optimiser sees those rates).

Outputs (:class:`SensitivityResult`), for each metric of :data:`METRICS`:

* **win probability** of each strategy: the share of design points where its
  mean is the best (ties split equally), with a 95 % Wilson interval over the
  points; a **decisive** win also needs the paired 95 % interval of its
  difference to every other strategy to exclude 0;
* **sensitivity indices** of the difference ``strategy − baseline`` per
  assumption: for a Latin hypercube the first-order index S1 by RBD-FAST and
  PAWN's median KS statistic (SALib ``rbd_fast`` and ``pawn``, both estimated
  from a Latin-hypercube sample; no Sobol indices, which need Saltelli's
  sample), for Morris trajectories μ*, σ (SALib ``morris``);
* **flips**: per assumption, the winner in the lower and the upper half of
  its range, and where the least-squares trend of the difference crosses 0.

Seeds: the root ``SeedSequence(seed)`` gives three streams: the design (SALib),
the points and the populations.  Point ``k`` uses child ``k`` of the points'
``spawn(points)`` (with ``common_random_numbers``: child 0 for every point) for
its audiences and campaigns, replication ``r`` that child's stream ``r``.  The
population of replication ``r`` is **shared by every design point** (child ``r``
of the populations' stream) unless the design varies ``simulation.population.*``
(then each point generates its own): no varied assumption enters the social
graph, so a point's population would be a draw from the same distribution
anyway, and sharing it both removes graph noise from the differences between
points and costs one population per replication instead of one per point ×
replication.  Work goes to the executor one replication (all points) per task,
so results are identical on 1 worker, a pool or Dask.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Any, Optional

import numpy as np

from lineup._rng import spawn, streams
from lineup.domain.scenario import Scenario, did_you_mean
from lineup.domain.uncertain import PRIOR_SCALE, apply_values, default_ranges, range_problem
from lineup.errors import InfeasibleError, UsageError, argument
from lineup.execution import RunOptions
from lineup.simulation.campaign import Influencers, check_schedule
from lineup.simulation.montecarlo import run_replications
from lineup.simulation.result import CONFIDENCE, band_of, linearised, t_interval
from lineup.workflows.compare import _resolution_notes, build_portfolios, strategy_specs
from lineup.workflows.simulate import (check_simulation, common_scale, niche_names, population_of,
                                       resolve_population)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["METRICS", "METHODS", "DEFAULT_POINTS", "DEFAULT_REPLICATIONS", "SENSITIVITY_POPULATION",
           "SensitivityResult", "sensitivity", "sensitivity_ranges", "point_scenario", "wilson",
           ]

#: Metrics judged: name → (better, unit).  Cost per talker is mean spend ÷ mean talkers (a ratio of means).
METRICS: dict[str, tuple[str, str]] = {
    "talkers": ("higher", "real people"),
    "reach": ("higher", "real people"),
    "engagements": ("higher", "interactions"),
    "cost_per_talker": ("lower", "currency per person"),
}
#: Designs and the indices computed from them.
METHODS: dict[str, str] = {"lhs": "Latin hypercube; first-order S1 (SALib rbd_fast) and PAWN median (SALib pawn)",
                           "morris": "Morris trajectories (4 levels); mu*, sigma (SALib morris)"}
DEFAULT_POINTS = 64
#: Fewer design points than this and the indices are flagged as unreliable (RBD-FAST needs harmonics, PAWN slices).
RELIABLE_POINTS = 32
DEFAULT_REPLICATIONS = 20
#: Simulated people per replication when the scenario's population size is ``auto`` (see :func:`sensitivity`).
SENSITIVITY_POPULATION = 200_000
MORRIS_LEVELS = 4
#: Per-replication totals a point keeps (the metrics are computed from them).
_KEPT = ("spend", "talkers", "reach", "engagements")


# --------------------------------------------------------------------------- ranges and design


def sensitivity_ranges(scenario: Scenario) -> dict[str, dict]:
    """The assumptions varied: ``{path: {"low", "high", "source", "reason"}}``, the scenario's or the defaults.

    Examples
    --------
    >>> from lineup.optimize.formulation import tiny_scenario
    >>> r = sensitivity_ranges(tiny_scenario())
    >>> r["simulation.word_of_mouth.p"]["low"], r["simulation.word_of_mouth.p"]["source"]
    (0.005, 'default')
    >>> sc = tiny_scenario().with_overrides(uncertain={"simulation.organic_reach": [0.2, 0.4]})
    >>> sensitivity_ranges(sc)
    {'simulation.organic_reach': {'low': 0.2, 'high': 0.4, 'source': 'scenario', 'reason': 'given in the scenario'}}
    """
    given = scenario.spec.uncertain
    if given:
        return {p: {"low": float(lo), "high": float(hi), "source": "scenario", "reason": "given in the scenario"}
                for p, (lo, hi) in given.items()}
    return {p: {"low": r.low, "high": r.high, "source": "default", "reason": r.source}
            for p, r in default_ranges(scenario.spec.simulation).items()}


def _design(ranges: dict[str, dict], points: int, method: str, seed: np.random.SeedSequence) -> tuple[dict, np.ndarray]:
    problem = {"num_vars": len(ranges), "names": list(ranges), "bounds": [[r["low"], r["high"]] for r in ranges.values()]}
    salib_seed = int(seed.generate_state(1)[0])
    if method == "lhs":
        from SALib.sample import latin

        return problem, latin.sample(problem, points, seed=salib_seed)
    from SALib.sample import morris

    trajectories = max(2, points // (len(ranges) + 1))
    return problem, morris.sample(problem, trajectories, num_levels=MORRIS_LEVELS, seed=salib_seed)


def point_scenario(scenario: Scenario, values: dict[str, float]) -> Scenario:
    """``scenario`` with the assumptions set to ``values``.

    Simulation paths replace the ``simulation:`` settings; ``engagement_prior_scale``
    multiplies the engagement rates the prior estimated (``roster.er_estimated``),
    capped at 1; rates the roster gives are kept.

    Examples
    --------
    >>> from lineup.optimize.formulation import tiny_scenario
    >>> sc = point_scenario(tiny_scenario(), {"simulation.talk_prob.micro": 0.09})
    >>> sc.spec.simulation.talk_prob.micro
    0.09
    """
    spec, scale = apply_values(scenario.spec.simulation, values)
    out = replace(scenario, spec=scenario.spec.model_copy(update={"simulation": spec}))
    r = scenario.roster
    if scale != 1.0 and r.er_estimated.any():
        rate = np.where(r.er_estimated, np.minimum(1.0, r.engagement_rate * scale), r.engagement_rate)
        out = replace(out, roster=replace(r, engagement_rate=rate))
    return out


# --------------------------------------------------------------------------- design points


def _prepare_point(context: dict, values: dict) -> dict:
    """A design point ready to simulate: its simulation spec, each strategy's influencers and the audience scale.

    Solves the strategies again only when ``context["portfolios"]`` is ``None`` (the point changes
    what the optimiser sees); a strategy that cannot be solved there is left out of the point.
    """
    sc = point_scenario(context["scenario"], values)
    spec = sc.spec.simulation
    portfolios = context["portfolios"]
    if portfolios is None:
        built = build_portfolios(sc, names=context["names"], backend=context["backend"])
        portfolios = {n: built[n].portfolio for n in context["names"]}
    influencers = {n: Influencers.from_portfolio(p, sc.tiers, spec.talk_prob)
                   for n, p in portfolios.items() if p is not None}
    for inf in influencers.values():
        check_schedule(inf.ids, inf.posts, spec)
    population = context["population"]
    size = population.size if population is not None else spec.population_or_default.size
    return {"spec": spec, "influencers": influencers, "scale": common_scale(influencers.values(), size,
                                                                             spec.audience_cap),
            "portfolios": {n: (None if p is None else p.ids) for n, p in portfolios.items()}}


def _totals(run: dict) -> dict:
    return {n: {m: float(r["totals"][m]) for m in _KEPT} for n, r in run.items()}


def _run_replication(context: dict, r: int) -> list[dict]:
    """Replication ``r`` at every design point, on one population shared by all points (generated once here)."""
    from lineup.simulation.population import generate_population

    population = context["population"]
    if population is None:
        p = context["spec"].population_or_default
        population = generate_population(p.size, niches=context["niches"], mean_degree=p.mean_degree,
                                         mixing=p.mixing, degree_exponent=p.degree_exponent,
                                         max_degree=p.degree_cap, general_share=p.general_share,
                                         seed=context["population_seeds"][r])
    return [_totals(run_replications(streams(child, context["replications"])[r], point["influencers"],
                                     point["spec"], population=population, scale=point["scale"]))
            for point, child in zip(context["points"], context["children"])]


def _run_point(context: dict, k: int) -> list[dict]:
    """Every replication of design point ``k`` (each generating its own population from the point's seeds)."""
    point = context["points"][k]
    return [_totals(run_replications(c, point["influencers"], point["spec"], population=context["population"],
                                     niches=context["niches"], scale=point["scale"]))
            for c in streams(context["children"][k], context["replications"])]


def _metric(samples: dict[str, np.ndarray], metric: str) -> float:
    if metric == "cost_per_talker":
        talkers = samples["talkers"].mean()
        return float(samples["spend"].mean() / talkers) if talkers > 0 else float("nan")
    return float(samples[metric].mean())


def _difference(a: dict[str, np.ndarray], b: dict[str, np.ndarray], metric: str):
    """Paired 95 % interval of ``a − b`` over the point's replications."""
    if metric == "cost_per_talker":
        (ra, za), (rb, zb) = linearised(a["spend"], a["talkers"]), linearised(b["spend"], b["talkers"])
        return band_of(ra - rb, za - zb)
    return t_interval(a[metric] - b[metric])


def _point_winner(samples: dict[str, dict], names: tuple[str, ...], metric: str) -> tuple[dict[str, float], Optional[str]]:
    """``({strategy: share of this point's win}, decisive winner or None)``; ties split, undefined means never win.

    When no strategy has a value (no talker anywhere: no cost per talker) every share is 0: the
    point has no winner and is left out of the metric's win probabilities.  A win is decisive only
    when its paired interval to every other strategy excludes 0, so never against a strategy
    whose value is undefined at the point (there is no interval).
    """
    sign = 1.0 if METRICS[metric][0] == "higher" else -1.0
    score = {n: (sign * _metric(samples[n], metric) if n in samples else np.nan) for n in names}
    finite = {n: s for n, s in score.items() if np.isfinite(s)}
    if not finite:
        return {n: 0.0 for n in names}, None
    best = max(finite.values())
    top = [n for n, s in finite.items() if s == best]
    share = {n: (1.0 / len(top) if n in top else 0.0) for n in names}
    if len(top) > 1:
        return share, None
    w = top[0]
    for o in names:
        if o == w or o not in samples:  # not solved at this point: it never wins there
            continue
        if o not in finite:
            return share, None
        band = _difference(samples[w], samples[o], metric)
        low, high = sign * float(band.ci_low), sign * float(band.ci_high)
        if not (min(low, high) > 0):
            return share, None
    return share, w


# --------------------------------------------------------------------------- statistics over the design


def wilson(successes: float, n: int, level: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval of a proportion ``successes / n`` (fractional successes allowed).

    Examples
    --------
    >>> [round(x, 3) for x in wilson(32, 64)]
    [0.381, 0.619]
    >>> wilson(64, 64)[1], round(wilson(64, 64)[0], 3)
    (1.0, 0.943)
    """
    from scipy.stats import norm

    if n <= 0:
        return float("nan"), float("nan")
    z = float(norm.ppf(0.5 + level / 2))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low = 0.0 if successes <= 0 else max(0.0, centre - half)
    return float(low), float(1.0 if successes >= n else min(1.0, centre + half))


def _indices(method: str, problem: dict, X: np.ndarray, y: np.ndarray, seed: int) -> tuple[dict, str | None]:
    """``{assumption: {index: value}}`` of one output over the design, or ``({}, why not)``.

    Latin hypercube: RBD-FAST first-order ``S1`` (share of the output's variance explained by the
    assumption alone; bias-corrected, so ≈ 0, even slightly negative, for one that does not enter) with its
    bootstrap interval, and PAWN's median KS statistic (moment-independent; its floor with few points is
    well above 0, compare assumptions with each other).  Morris: ``mu_star`` (mean absolute elementary
    effect, in units of the output), its interval, ``sigma`` and ``mu`` (SALib scales the elementary
    effects by the range, so μ* compares across assumptions).
    """
    ok = np.isfinite(y)
    names = problem["names"]
    if method == "morris" and not ok.all():
        return {}, f"{int((~ok).sum())} design points have no value (no talker): Morris needs every trajectory"
    if ok.sum() < 8:
        return {}, f"only {int(ok.sum())} design points have a value (at least 8 are needed)"
    keys = _INDEX_KEYS[method]
    if np.ptp(y[ok]) == 0:
        return {n: {k: 0.0 for k in keys} for n in names}, None
    import contextlib
    import io
    import warnings

    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):  # SALib may print notices
        warnings.simplefilter("ignore")
        if method == "morris":
            from SALib.analyze import morris

            res = dict(morris.analyze(problem, X, y, num_levels=MORRIS_LEVELS, conf_level=CONFIDENCE, seed=seed))
        else:
            from SALib.analyze import pawn, rbd_fast

            n = int(ok.sum())
            fast = rbd_fast.analyze(problem, X[ok], y[ok], M=max(1, min(10, (n - 1) // 4)), conf_level=CONFIDENCE,
                                    seed=seed)
            res = {"S1": fast["S1"], "S1_conf": fast["S1_conf"],
                   "pawn": pawn.analyze(problem, X[ok], y[ok], S=_pawn_slices(n), seed=seed)["median"]}
    return {n: {k: _num(res[k][j]) for k in keys} for j, n in enumerate(names)}, None


def _index_note(method: str, values: dict, y: np.ndarray) -> str | None:
    """Why an index's confidence half-width is ``None`` (not computed), or why the indices are weak."""
    conf = _INDEX_KEYS[method][1]
    n = int(np.isfinite(y).sum())
    parts = []
    if values and any(v.get(conf) is None for v in values.values()):
        parts.append(f"{conf} not computed: SALib's bootstrap gave no finite interval from {n} points")
    if values and n < RELIABLE_POINTS:
        parts.append(f"from only {n} points (fewer than {RELIABLE_POINTS}): unreliable")
    return "; ".join(parts) or None


def _pawn_slices(n: int) -> int:
    """PAWN's conditioning slices: about 8 points or more each, a power of 2 (SALib steps 0..1 by 1/S)."""
    return 8 if n >= 64 else 4 if n >= 32 else 2


#: Indices reported per design (the first is the headline, see :attr:`SensitivityResult.index_name`).
_INDEX_KEYS = {"lhs": ("S1", "S1_conf", "pawn"), "morris": ("mu_star", "mu_star_conf", "sigma", "mu")}


def _num(x) -> float | None:
    x = float(x)
    return x if np.isfinite(x) else None


def _trend_flip(x: np.ndarray, d: np.ndarray, low: float, high: float) -> dict:
    """Least-squares line of ``d`` on ``x`` over the design; where it crosses 0 inside ``[low, high]``."""
    ok = np.isfinite(d)
    if ok.sum() < 3 or np.ptp(x[ok]) == 0:
        return {"slope": None, "intercept": None, "flip_at": None}
    slope, intercept = np.polyfit(x[ok], d[ok], 1)
    flip = -intercept / slope if slope != 0 else np.nan
    inside = bool(np.isfinite(flip) and low <= flip <= high)
    return {"slope": _num(slope), "intercept": _num(intercept), "flip_at": _num(flip) if inside else None}


def _half_winner(strategies: tuple[str, ...], shares: np.ndarray) -> tuple[str | None, list[str]]:
    """The strategy winning most of a half's points, and the strategies tied for it (``[]`` when one wins).

    >>> _half_winner(("a", "b"), np.array([0.5, 0.5]))
    (None, ['a', 'b'])
    >>> _half_winner(("a", "b"), np.array([0.25, 0.75]))
    ('b', [])
    """
    if not np.isfinite(shares).any():
        return None, []
    top = [s for s, v in zip(strategies, shares) if np.isfinite(v) and np.isclose(v, np.nanmax(shares))]
    return (top[0], []) if len(top) == 1 else (None, top)


# --------------------------------------------------------------------------- the result


@dataclass(frozen=True, eq=False)
class SensitivityResult:
    """A comparison repeated over a design of the uncertain assumptions.

    Attributes
    ----------
    scenario : Scenario
        The base scenario.
    strategies : tuple of str
        Strategies compared (the first is the baseline of the differences).
    ranges : dict
        ``{assumption: {"low", "high", "source", "reason"}}``.
    method : str
        ``"lhs"`` or ``"morris"``.
    design : numpy.ndarray
        Points × assumptions values, in ``ranges`` order.
    means : dict
        ``{metric: points × strategies array}`` of the per-point means (NaN: undefined).
    win_share : dict
        ``{metric: points × strategies array}``: each point's win (1, or split on ties).
    decisive : dict
        ``{metric: points × strategies bool array}``: decisive wins.
    seed, replications, requested_points : int
    population : dict
        Size simulated, its source, and the notes on resolution.
    portfolios : dict
        Each strategy's portfolio ids (one list when solved once; per point otherwise: ``"per_point"``).
    notes : tuple of str
    """

    scenario: Scenario
    strategies: tuple[str, ...]
    ranges: dict[str, dict]
    method: str
    design: np.ndarray
    means: dict[str, np.ndarray]
    win_share: dict[str, np.ndarray]
    decisive: dict[str, np.ndarray]
    seed: int
    replications: int
    requested_points: int
    population: dict
    portfolios: dict
    common_random_numbers: bool = False
    crn_source: str = "argument"
    notes: tuple[str, ...] = ()
    _index_cache: dict = field(default_factory=dict, repr=False)

    @property
    def points(self) -> int:
        """Design points simulated (Morris: whole trajectories, so may differ from the request)."""
        return int(self.design.shape[0])

    @property
    def baseline(self) -> str:
        return self.strategies[0]

    @property
    def assumptions_varied(self) -> list[str]:
        return list(self.ranges)

    def win_probabilities(self) -> dict[str, dict[str, dict]]:
        """``{metric: {strategy: {"p", "ci_low", "ci_high", "decisive", "decisive_ci_low", "decisive_ci_high"}}}``.

        ``p`` = (points won, ties split) ÷ points with a winner; intervals are 95 % Wilson intervals
        over those points (with Morris trajectories the points are not independent: approximate).
        Points where no strategy has a value (no talker: no cost per talker) have no winner and are
        left out; ``points`` says how many were counted, ``left_out`` how many were not.  The ``p``
        of every metric sum to 1 over the strategies (all ``None`` when no point has a winner).
        """
        out: dict[str, dict[str, dict]] = {}
        for m in METRICS:
            out[m] = {}
            n = int(self.has_winner(m).sum())
            for j, s in enumerate(self.strategies):
                won, dec = float(self.win_share[m][:, j].sum()), int(self.decisive[m][:, j].sum())
                lo, hi = wilson(won, n)
                dlo, dhi = wilson(dec, n)
                out[m][s] = {"p": _num(won / n) if n else None, "ci_low": _num(lo), "ci_high": _num(hi),
                             "decisive": _num(dec / n) if n else None, "decisive_ci_low": _num(dlo),
                             "decisive_ci_high": _num(dhi), "points": n, "left_out": self.points - n}
        return out

    def has_winner(self, metric: str) -> np.ndarray:
        """Per design point: does some strategy win ``metric`` there (``False``: no strategy has a value)?"""
        return self.win_share[metric].sum(axis=1) > 0

    def differences(self, metric: str) -> dict[str, np.ndarray]:
        """Per-point difference of means ``strategy − baseline`` for every other strategy."""
        m = self.means[metric]
        return {s: m[:, j] - m[:, 0] for j, s in enumerate(self.strategies) if j > 0}

    def indices(self) -> dict[str, dict[str, dict]]:
        """``{metric: {strategy: {"indices": {assumption: {...}}, "note"}}}`` of the difference to the baseline."""
        if "all" not in self._index_cache:
            problem = {"num_vars": len(self.ranges), "names": list(self.ranges),
                       "bounds": [[r["low"], r["high"]] for r in self.ranges.values()]}
            out: dict[str, dict[str, dict]] = {}
            for m in METRICS:
                out[m] = {}
                for s, d in self.differences(m).items():
                    values, why = _indices(self.method, problem, self.design, d, self.seed % 2**32)
                    out[m][s] = {"indices": values, "note": why or _index_note(self.method, values, d)}
            self._index_cache["all"] = out
        return self._index_cache["all"]

    @property
    def index_name(self) -> str:
        """The headline index: ``"S1"`` (Latin hypercube, RBD-FAST) or ``"mu_star"`` (Morris)."""
        return _INDEX_KEYS[self.method][0]

    def flips(self) -> dict[str, dict[str, dict]]:
        """``{assumption: {metric: {...}}}``: winners in the lower and upper half of the range, and trend flips."""
        out: dict[str, dict[str, dict]] = {}
        for j, (a, r) in enumerate(self.ranges.items()):
            x = self.design[:, j]
            lower = x < (r["low"] + r["high"]) / 2
            out[a] = {}
            for m in METRICS:
                halves = {}
                for half, mask in (("lower_half", lower), ("upper_half", ~lower)):
                    mask = mask & self.has_winner(m)
                    shares = self.win_share[m][mask].mean(axis=0) if mask.any() else np.full(len(self.strategies), np.nan)
                    halves[half] = {s: _num(v) for s, v in zip(self.strategies, shares)}
                    halves[f"{half}_winner"], halves[f"{half}_tie"] = _half_winner(self.strategies, shares)
                halves["flips"] = (not halves["lower_half_tie"] and not halves["upper_half_tie"]
                                   and halves["lower_half_winner"] is not None
                                   and halves["upper_half_winner"] is not None
                                   and halves["lower_half_winner"] != halves["upper_half_winner"])
                halves["trend"] = {s: _trend_flip(x, d, r["low"], r["high"]) for s, d in self.differences(m).items()}
                out[a][m] = halves
        return out

    def to_frame(self) -> "pd.DataFrame":
        """One row per design point: the assumption values and each strategy's metric means (``strategy.metric``)."""
        import pandas as pd

        frame = pd.DataFrame(self.design, columns=list(self.ranges))
        frame.insert(0, "point", np.arange(self.points))
        for m in METRICS:
            for j, s in enumerate(self.strategies):
                frame[f"{s}.{m}"] = self.means[m][:, j]
        for m in METRICS:
            frame[f"winner.{m}"] = [self._winner_label(k, m) for k in range(self.points)]
        return frame

    def _winner_label(self, k: int, metric: str) -> str:
        share = self.win_share[metric][k]
        top = [s for s, v in zip(self.strategies, share) if v > 0]
        return "none (no value)" if not top else top[0] if len(top) == 1 else "tie: " + " ".join(top)

    def assumptions(self) -> dict[str, dict]:
        """Every setting the result depends on (``{name: {"value", "source", "meaning"}}``)."""
        from lineup.domain.assumptions import entry

        return {
            "method": entry(self.method, "argument", METHODS[self.method]),
            "points": entry(self.points, "argument", f"design points simulated ({self.requested_points} requested)"),
            "replications": entry(self.replications, "argument", "Monte Carlo runs per strategy at each point"),
            "seed": entry(self.seed, "argument", "root seed: point k uses child k of SeedSequence(seed).spawn(points)"),
            "common_random_numbers": entry(self.common_random_numbers, self.crn_source,
                                           "every point uses the same replication seeds (child 0); default on for "
                                           "Morris (elementary effects compare neighbouring points), off for lhs"),
            "population.size": entry(self.population["size"], self.population["source"], self.population["meaning"]),
            "confidence": entry(CONFIDENCE, "default", "level of every interval"),
            "win": entry("best mean", "default", "a point is won by the strategy with the best mean (ties split "
                         "equally; a point where no strategy has a value has no winner and is left out); decisive "
                         "when its paired 95 % interval to every other strategy (all with a value) excludes 0"),
            "win_interval": entry("Wilson", "default", "95 % Wilson score interval over the design points with a "
                                  "winner" + ("; approximate: Morris trajectory points are not independent"
                                              if self.method == "morris" else "")),
            "reliable_points": entry(RELIABLE_POINTS, "default", "fewer design points and the indices are flagged "
                                     "as unreliable"),
        }

    def to_dict(self) -> dict:
        """JSON-ready and deterministic: ranges, design, settings, win probabilities, indices, flips, notes."""
        return {
            "scenario": self.scenario.name, "currency": self.scenario.currency,
            "strategies": list(self.strategies), "baseline": self.baseline,
            "method": self.method, "method_meaning": METHODS[self.method], "index": self.index_name,
            "seed": self.seed, "points": self.points, "requested_points": self.requested_points,
            "replications": self.replications, "common_random_numbers": self.common_random_numbers,
            "population": dict(self.population),
            "metrics": {m: {"better": b, "unit": u} for m, (b, u) in METRICS.items()},
            "ranges": self.ranges, "assumptions": self.assumptions(),
            "portfolios": self.portfolios,
            "win_probability": self.win_probabilities(),
            "indices": self.indices(),
            "flips": self.flips(),
            "design": [dict(zip(self.ranges, map(float, row))) for row in self.design],
            "notes": list(self.notes),
            "warnings": list(self.scenario.warnings),
        }

    def _facts(self) -> dict[str, Any]:
        return {"scenario": self.scenario.name, "strategies": self.strategies, "assumptions": len(self.ranges),
                "method": self.method, "points": self.points, "replications": self.replications, "seed": self.seed}

    def __repr__(self) -> str:
        """Short: scenario, strategies, how many assumptions, method, points, replications, seed."""
        from lineup._repr import short_repr

        return short_repr("SensitivityResult", self._facts())

    def _repr_html_(self) -> str:
        """The facts and the win probabilities (escaped), for notebooks."""
        import pandas as pd

        from lineup._repr import html_card

        wins = self.win_probabilities()
        frame = pd.DataFrame({m: {s: v["p"] for s, v in by.items()} for m, by in wins.items()})
        notes = "".join(f"<p>{html.escape(n)}</p>" for n in self.notes)
        return html_card("SensitivityResult", self._facts(),
                         frame.to_html(escape=True, float_format="{:.0%}".format) + notes)

    def plot(self, kind: str = "flips", metric: str = "cost_per_talker"):
        """A matplotlib Figure: ``"flips"`` (difference vs each assumption) or ``"tornado"`` (indices)."""
        from lineup.io import figures

        if kind == "tornado":
            return figures.tornado_figure(self)
        if kind != "flips":
            raise UsageError(f"plot kind {kind!r} is not one of flips, tornado{did_you_mean(kind, ['flips', 'tornado'])}")
        return figures.flip_figure(self, metric)


# --------------------------------------------------------------------------- the workflow


def _population(scenario: Scenario, size: int | None, influencers, run: RunOptions) -> tuple[Scenario, dict]:
    """The scenario with the size simulated at every point, and how it was chosen."""
    spec = scenario.spec.simulation
    if spec.network is not None:
        if size is not None:
            raise UsageError(f"{argument('population')} sets the size of generated populations; this scenario simulates on "
                             "its network (simulation.network)")
        return scenario, {"size": None, "source": "network", "meaning": "the scenario's network"}
    if size is not None:
        return (replace(scenario, spec=scenario.spec.model_copy(update={"simulation": spec.with_size(size)})),
                {"size": int(size), "source": "argument", "meaning": "simulated people per replication"})
    if not spec.auto_size:
        return scenario, {"size": spec.population.size, "source": "scenario", "meaning": "simulated people per "
                          "replication"}
    _, how = resolve_population(scenario, influencers, run=run)
    chosen = min(SENSITIVITY_POPULATION, how.size)
    meaning = (f"simulated people per replication: the sensitivity default (at most {SENSITIVITY_POPULATION:,}); "
               f"lineup compare would simulate {how.size:,} (population size auto) — pass population (--population) "
               f"for finer results at more cost")
    return (replace(scenario, spec=scenario.spec.model_copy(update={"simulation": spec.with_size(chosen)})),
            {"size": int(chosen), "source": "sensitivity default", "meaning": meaning, "compare_size": int(how.size)})


def sensitivity(scenario: Scenario, *, names=None, points: int = DEFAULT_POINTS, method: str = "lhs",
                population: int | None = None, common_random_numbers: bool | None = None,
                run: RunOptions | None = None, backend: str | None = None, **options) -> SensitivityResult:
    """Compare the scenario's strategies at every point of a design over the uncertain assumptions.

    Parameters
    ----------
    scenario : Scenario
        With ``uncertain:`` (else the default ranges) and ``strategies:`` (else compare's defaults).
    names : list of str, optional
        Strategies to compare, in order (the first is the baseline of the differences).
    points : int
        Design points (Morris: rounded down to whole trajectories of ``assumptions + 1`` points, at least 2).
    method : ``"lhs"`` or ``"morris"``
        Design and indices (see :data:`METHODS`).
    population : int, optional
        Simulated people per replication.  Default: the scenario's explicit size; for ``auto``,
        at most :data:`SENSITIVITY_POPULATION` (stated in the result with the size compare would use).
    common_random_numbers : bool, optional
        Use the same replication seeds at every point (less noise in the indices) instead of child ``k``.
        Default: on for Morris (an elementary effect is the difference of two neighbouring points; on
        independent seeds it would mostly measure Monte Carlo noise), off for a Latin hypercube.
    run : RunOptions, optional
        ``replications``: Monte Carlo runs of every strategy at each point (common random numbers
        within the point; default :data:`DEFAULT_REPLICATIONS`, not the scenario's); ``seed``: the root
        seed (default ``simulation.seed``) the design and every point's runs derive from; where the
        points run (results do not depend on it); ``progress(done, total)`` in replications (each
        covering every design point), or in design points when every point generates its own
        populations.  Its fields may also be given as keywords (``replications=2, seed=1``).
    backend : str, optional
        Solver backend.

    Examples
    --------
    >>> from lineup.optimize.formulation import tiny_scenario
    >>> sc = tiny_scenario().with_overrides(simulation={"days": 5, "population": {"size": 2000}},
    ...                                     uncertain={"simulation.organic_reach": [0.1, 0.5]})
    >>> res = sensitivity(sc, names=["micro", "macro"], points=4, replications=2, seed=1)
    >>> res.points, res.strategies, sorted(res.win_probabilities()["talkers"])
    (4, ('micro', 'macro'), ['macro', 'micro'])
    >>> round(sum(v["p"] for v in res.win_probabilities()["reach"].values()), 9)
    1.0
    """
    if method not in METHODS:
        raise UsageError(f"method {method!r} is not one of {', '.join(METHODS)}{did_you_mean(method, METHODS)}")
    run = RunOptions.of(run, **options)
    replications = run.replications_or(DEFAULT_REPLICATIONS)
    run = run.with_(replications=replications)
    if not 2 <= int(points) <= 100_000 or not 2 <= int(replications) <= 100_000:
        raise UsageError(f"{argument('points')} and {argument('replications')} must be from 2 to 100,000, "
                         f"got {points} and {replications}")
    seed = scenario.spec.simulation.seed if run.seed is None else run.seed
    progress = run.progress
    ranges = sensitivity_ranges(scenario)
    if not ranges:
        raise UsageError(f"scenario {scenario.name!r}: no uncertain assumption to vary (the word-of-mouth model "
                         f"'none' uses none of the default ranges' word-of-mouth parameters); add 'uncertain:'")
    names = list(strategy_specs(scenario, names))
    built = build_portfolios(scenario, names=names, backend=backend)
    ok = [n for n in names if built[n].ok]
    if len(ok) < 2:
        raise InfeasibleError(f"scenario {scenario.name!r}: a sensitivity study needs two strategies that can be "
                              f"solved, {'only ' + repr(ok[0]) if ok else 'none'} could",
                              [f"strategy {n!r}: {b.status}" for n, b in built.items()])
    base = {n: built[n].portfolio for n in ok}
    spec = scenario.spec.simulation
    infs = [Influencers.from_portfolio(p, scenario.tiers, spec.talk_prob) for p in base.values()]
    sized, pop = _population(scenario, population, infs, run)
    _check_ranges(ranges, sized, pop)
    crn = (method == "morris") if common_random_numbers is None else bool(common_random_numbers)
    fixed = population_of(sized)
    check_simulation(sized, fixed, run=run, portfolios=len(ok))
    resolve = PRIOR_SCALE in ranges and bool(scenario.roster.er_estimated.any())
    root = np.random.SeedSequence(seed)
    design_seed, runs_seed, population_seed = streams(root, 3)
    problem, X = _design(ranges, int(points), method, design_seed)
    children = spawn(runs_seed, X.shape[0])
    if crn:
        children = [children[0]] * X.shape[0]
    context = {"scenario": sized, "names": ok, "backend": backend, "portfolios": None if resolve else base,
               "population": fixed}
    values = [dict(zip(ranges, map(float, row))) for row in X]
    shared = fixed is not None or not any(p.startswith("simulation.population.") for p in ranges)
    with run.executor() as ex:
        if resolve:
            prepared = ex.map_ordered(partial(_prepare_point, context), values)
        else:
            prepared = [_prepare_point(context, v) for v in values]
        runs = {"points": prepared, "children": children, "replications": int(replications), "population": fixed,
                "niches": niche_names(sized), "spec": sized.spec.simulation,
                "population_seeds": streams(population_seed, int(replications))}
        if shared:
            by_rep = ex.map_ordered(partial(_run_replication, runs), range(int(replications)), progress)
            done = [[by_rep[r][k] for r in range(int(replications))] for k in range(len(values))]
        else:
            done = ex.map_ordered(partial(_run_point, runs), range(len(values)), progress)
    samples = [{n: {m: np.array([run[n][m] for run in point_runs]) for m in _KEPT} for n in point_runs[0]}
               for point_runs in done]
    return _collect(scenario, sized, ok, ranges, method, X, samples, prepared, built, pop, resolve, seed,
                    replications, points, crn, shared, common_random_numbers is None)


def _check_ranges(ranges: dict[str, dict], sized: Scenario, pop: dict) -> None:
    """Every range must still be valid with the population size simulated (``--population`` may change it)."""
    if pop["source"] == "scenario" or pop["size"] is None:
        return  # checked when the scenario was loaded
    spec = sized.spec.simulation
    problems = [f"uncertain.{p}: {why}" for p, r in ranges.items()
                if (why := range_problem(p, r["low"], r["high"], spec)) is not None]
    if problems:
        raise UsageError(f"scenario {sized.name!r}: with a population of {pop['size']:,} ({pop['source']}) "
                         f"{'an uncertain range is' if len(problems) == 1 else 'uncertain ranges are'} no longer "
                         f"valid — narrow the range or pass a larger {argument('population')}: " + "; ".join(problems))


def _collect(scenario, sized, names, ranges, method, X, samples, prepared, built, pop, resolve, seed, replications,
             points, crn, shared, crn_default=False) -> SensitivityResult:
    names = tuple(names)
    means = {m: np.array([[(_metric(d[n], m) if n in d else np.nan) for n in names] for d in samples])
             for m in METRICS}
    win, decisive = {}, {}
    for m in METRICS:
        results = [_point_winner(d, names, m) for d in samples]
        win[m] = np.array([[share[n] for n in names] for share, _ in results])
        decisive[m] = np.array([[w == n for n in names] for _, w in results])
    notes = [note for n in names for note in built[n].notes]
    notes += [f"strategy {n!r} left out: {b.status}" for n, b in built.items() if not b.ok]
    spec = sized.spec.simulation
    if spec.network is None:
        infs = [Influencers.from_portfolio(built[n].portfolio, sized.tiers, spec.talk_prob) for n in names]
        scale = common_scale(infs, spec.population_or_default.size, spec.audience_cap)
        advice = "pass a larger population (--population) for finer results"
        notes += _resolution_notes({n: built[n].portfolio for n in names}, scale, advice)
        pop = {**pop, "scale": scale}
    if PRIOR_SCALE in ranges and not resolve:
        notes.append("engagement_prior_scale does not enter: the roster has no estimated engagement rate")
    if resolve:
        portfolios: dict = {"solved": "per design point (engagement_prior_scale changes what the optimiser sees)",
                            "per_point": [d["portfolios"] for d in prepared]}
        failed = sum(any(p is None for p in d["portfolios"].values()) for d in prepared)
        if failed:
            notes.append(f"{failed} design points have a strategy that could not be solved: it never wins there")
    else:
        portfolios = {"solved": "once (no assumption varied changes what the optimiser sees)",
                      "ids": {n: built[n].portfolio.ids for n in names}}
    pop["shared"] = shared
    for m in METRICS:
        if (none := sum(not share.any() for share in win[m])):
            notes.append(f"{m}: {none} of {X.shape[0]} design points have no value for any strategy (no talker): "
                         f"no winner there, left out of its win probabilities")
    if X.shape[0] < RELIABLE_POINTS:
        notes.append(f"only {X.shape[0]} design points: sensitivity indices from fewer than {RELIABLE_POINTS} points "
                     f"are unreliable (mostly noise); pass more --points")
    if method == "morris":
        notes.append("Morris design: the 95 % Wilson intervals of the win probabilities treat the points of a "
                     "trajectory as independent (they are not): approximate")
    if method == "morris" and X.shape[0] != points:
        notes.append(f"Morris design: {X.shape[0]} points ({X.shape[0] // (len(ranges) + 1)} trajectories of "
                     f"{len(ranges) + 1}) for the {points} requested")
    return SensitivityResult(scenario=scenario, strategies=names, ranges=ranges, method=method, design=X,
                             means=means, win_share=win, decisive=decisive, seed=seed, replications=int(replications),
                             requested_points=int(points), population=pop, portfolios=portfolios,
                             common_random_numbers=crn, crn_source="default" if crn_default else "argument",
                             notes=tuple(dict.fromkeys(notes)))


# --------------------------------------------------------------------------- files

"""Every default a result depends on, listed with where its value came from (issue 9).

:func:`assumptions` flattens the scenario's solver, objective, priors, outcome-model and
simulation settings into ``{dotted name: {"value", "source", "meaning"}}``;
``source`` is ``"default"`` when the value is lineup's default (whether or not
the file spelled it out) and ``"scenario"`` otherwise.  Workflows add what is
only known at run time (replications and seed given on the command line, the
population size chosen by ``auto``, the confidence level, the ratio method)
with :func:`entry`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from .campaign import PopulationSpec, SimulationSpec
from .outcomes import OutcomeSpec
from .priors import DEFAULT_RATE_CARD, ER_ANCHORS, RATE_CARDS
from .scenario import Objective, ScenarioSpec, SolverSpec

__all__ = ["assumptions", "entry"]

#: Simulation fields that are sections or files, not assumptions.
_SKIP = {"simulation.network", "simulation.population"}


def entry(value: Any, source: str, meaning: str = "") -> dict:
    """One assumption: its value, where it came from and what it means (units)."""
    return {"value": value, "source": source, "meaning": meaning}


def _flatten(model: BaseModel, default: BaseModel, prefix: str) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for name, info in type(model).model_fields.items():
        key, value, base = f"{prefix}{name}", getattr(model, name), getattr(default, name)
        if key in _SKIP:
            continue
        if isinstance(value, BaseModel):
            out.update(_flatten(value, base if isinstance(base, BaseModel) else type(value)(), f"{key}."))
            continue
        out[key] = entry(value, "default" if value == base else "scenario", info.description or "")
    return out


def _population(spec: SimulationSpec) -> dict[str, dict]:
    if spec.network is not None:
        return {"simulation.network": entry(spec.network.path, "scenario", "real network (edge list)")}
    population = spec.population if spec.population is not None else PopulationSpec()
    return _flatten(population, PopulationSpec(), "simulation.population.")


def _fitted(fitted) -> dict[str, dict]:
    """The entries a priors file changes (``priors: {file: ...}``)."""
    if fitted is None:
        return {}
    out = {"priors.file": entry(fitted.describe(), "priors file",
                                "fitted priors (lineup calibrate): blank engagement rates = roster value > "
                                "influencer rate > fitted curve (mean rate per post) > built-in curve")}
    out["priors.engagement_rate"] = entry(
        {p: [[float(f), float(r)] for f, r in zip(*pts)] for p, pts in sorted(fitted.curves.items())},
        f"priors file {fitted.source}",
        "blank engagement rates of these platforms: linear in log10(followers) between these fitted (followers, "
        "mean rate) points; other platforms keep the built-in anchors")
    return out


def _priors(spec: ScenarioSpec, fitted=None) -> dict[str, dict]:
    per_1k = dict(spec.priors.fee_per_1k)
    cards = {p: {t: list(r) for t, r in card.items()} for p, card in RATE_CARDS.items()}
    cards["default"] = {t: list(r) for t, r in DEFAULT_RATE_CARD.items()}
    given = {p: dict(card) for p, card in spec.priors.rate_card.items()}
    return {
        "priors.engagement_rate": entry([[f, r] for f, r in ER_ANCHORS], "default",
                                        "blank engagement rates: linear in log10(followers) between these "
                                        "(followers, rate) anchors"),
        "priors.rate_card": entry({p: {**cards.get(p, {}), **card} for p, card in {**cards, **given}.items()},
                                  "scenario" if given else "default",
                                  "blank fees: price per post [low, high] by platform and tier (currency)"),
        "priors.fee_per_1k": entry(per_1k, "scenario" if per_1k else "default",
                                   "opt-in per-1k rule for blank fees: platform → rate per 1,000 followers per "
                                   "post (currency); none by default"),
    } | _fitted_card(spec, fitted) | _fitted(fitted)


def _fitted_card(spec: ScenarioSpec, fitted) -> dict[str, dict]:
    if fitted is None or not fitted.cards:
        return {}
    cards = {p: {t: list(r) for t, r in card.items()} for p, card in fitted.card(spec.priors.rate_card).items()}
    return {"priors.rate_card_fitted": entry(cards, f"priors file {fitted.source}",
                                             "blank fees of these platforms/tiers: fitted price per post [low, "
                                             "high] (10th–90th percentile of fees paid), scenario cards on top")}


def assumptions(spec: ScenarioSpec, fitted=None) -> dict[str, dict]:
    """The scenario's solver, objective, prior and simulation settings, each with its source.

    ``fitted`` is the scenario's :class:`~lineup.domain.fitted_priors.FittedPriors`
    (``Scenario.fitted``): the values it replaces name the priors file as their source.

    Examples
    --------
    >>> spec = ScenarioSpec.model_validate({"name": "x", "budget": 100, "roster": "r.csv",
    ...                                     "solver": {"gap": 0.01}})
    >>> a = assumptions(spec)
    >>> a["solver.gap"]["value"], a["solver.gap"]["source"], a["solver.time_limit"]["source"]
    (0.01, 'scenario', 'default')
    >>> a["objective.coverage"]["value"], a["simulation.population.size"]["value"]
    (0.0, None)
    """
    out = _flatten(spec.solver, SolverSpec(), "solver.")
    out.update(_flatten(spec.objective, Objective(), "objective."))
    out.update(_priors(spec, fitted))
    out.update(_flatten(spec.outcomes, OutcomeSpec(), "outcomes."))
    out.update(_flatten(spec.simulation, SimulationSpec(), "simulation."))
    out.update(_population(spec.simulation))
    return out

"""Uncertain assumptions: the ``uncertain:`` section of a scenario and its default ranges.

An *assumption* is named by its scenario path (``simulation.talk_prob.micro``,
``simulation.word_of_mouth.p``, ...) or is :data:`PRIOR_SCALE`
(``engagement_prior_scale``: a factor on the engagement rates that the roster
left blank and the prior filled in).  Each gets a range ``[low, high]`` that
``lineup sensitivity`` samples; ranges must lie inside the field's own
validated bounds (``docs/model.md``, "Validated ranges").

:data:`DEFAULT_RANGES` are used when the scenario has no ``uncertain:``
section; each carries the reason for its width (docs/model.md, "Sensitivity").

Examples
--------
>>> from lineup.domain.campaign import SimulationSpec
>>> sorted(default_ranges(SimulationSpec()))[:3]
['engagement_prior_scale', 'simulation.organic_reach', 'simulation.talk_prob.macro']
>>> print(range_problem("simulation.organic_reach", 0.1, 1.5))
high 1.5 is outside the field's validated range: input should be less than or equal to 1
>>> applied = apply_values(SimulationSpec(), {"simulation.word_of_mouth.p": 0.03, "engagement_prior_scale": 1.2})
>>> applied[0].word_of_mouth.p, applied[1]
(0.03, 1.2)
"""

from __future__ import annotations

import typing

from pydantic import BaseModel, ValidationError

from .campaign import WOM_PARAMETERS, SimulationSpec

__all__ = ["PRIOR_SCALE", "MAX_PRIOR_SCALE", "DEFAULT_RANGES", "Range", "uncertain_paths", "default_ranges",
           "range_problem", "apply_values"]

#: The assumption that scales the engagement rates estimated by the prior (rates the roster gives are kept).
PRIOR_SCALE = "engagement_prior_scale"
#: Largest prior scale: ten times the prior (an estimated rate is capped at 1 anyway).
MAX_PRIOR_SCALE = 10.0


class Range(typing.NamedTuple):
    """A default range: ``low``, ``high`` and why it is that wide."""

    low: float
    high: float
    source: str


#: Default ranges (used when the scenario has no ``uncertain:``): path → (low, high, reason).
#: Word-of-mouth entries apply only to the model that uses them (see :func:`default_ranges`).
DEFAULT_RANGES: dict[str, Range] = {
    "simulation.talk_prob.nano": Range(0.02, 0.10, "assumption (default 0.06): from the mid/macro default (no "
                                       "trust premium for small creators) to ~1.7x the default"),
    "simulation.talk_prob.micro": Range(0.02, 0.10, "assumption (default 0.05): from no trust premium over "
                                        "macro creators to twice the default"),
    "simulation.talk_prob.mid": Range(0.01, 0.06, "assumption (default 0.03): a third to twice the default"),
    "simulation.talk_prob.macro": Range(0.005, 0.04, "assumption (default 0.02): a quarter to twice the default; "
                                        "the top overlaps micro's bottom, so the tier ordering may reverse"),
    "simulation.talk_prob.mega": Range(0.005, 0.03, "assumption (default 0.015): a third to twice the default"),
    "simulation.organic_reach": Range(0.10, 0.50, "industry reports put organic reach per post at 10-35 % of "
                                      "followers; widened to 50 % for small creators' higher reach"),
    "simulation.word_of_mouth.p": Range(0.005, 0.03, "half to three times the influence-maximisation benchmark "
                                        "0.01 (Kempe et al. 2003; Chen et al. 2010), below the supercritical "
                                        "regime of the default population"),
    "simulation.word_of_mouth.decay": Range(0.5, 1.0, "from halving interest per day to no decay (default 0.8)"),
    "simulation.word_of_mouth.mean_delay_days": Range(1.0, 3.0, "telling friends the next day up to after three "
                                                      "days on average (default 1.5)"),
    "simulation.word_of_mouth.phi": Range(0.1, 0.4, "threshold model: a tenth to 40 % of friends (default 0.2; "
                                          "Centola & Macy 2007 use 0.1-0.5)"),
    "simulation.word_of_mouth.bass_q": Range(0.1, 0.6, "Bass imitation: around the meta-analytic mean q ~ 0.38 "
                                             "per year-period of Sultan, Farley & Lehmann 1990 (default 0.3)"),
    PRIOR_SCALE: Range(0.5, 1.5, "sponsored-post engagement differs from the 2016 like-rate study behind the prior "
                       "by up to about 2x (Wies, Bleier & Edeling 2023 find an inverted U)"),
}

#: Optional float fields that are assumptions (absent: a default applies); others, like
#: ``recurring_every_days``, are decisions of the plan, not uncertain assumptions.
_OPTIONAL_ASSUMPTIONS = {"max_degree"}


def _float_fields(model: type[BaseModel], prefix: str) -> list[str]:
    out = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        inner = args[0] if len(args) == 1 else annotation
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            out += _float_fields(inner, f"{prefix}{name}.")
        elif annotation is float or (inner is float and name in _OPTIONAL_ASSUMPTIONS):
            out.append(f"{prefix}{name}")
    return out


def uncertain_paths() -> tuple[str, ...]:
    """Every assumption a scenario may list under ``uncertain:`` (float fields of ``simulation:`` and the prior scale).

    >>> "simulation.word_of_mouth.p" in uncertain_paths(), "simulation.days" in uncertain_paths()
    (True, False)
    """
    return (*_float_fields(SimulationSpec, "simulation."), PRIOR_SCALE)


def default_ranges(spec: SimulationSpec) -> dict[str, Range]:
    """:data:`DEFAULT_RANGES` that enter a simulation with ``spec`` (word of mouth: only its model's parameters)."""
    uses = WOM_PARAMETERS[spec.word_of_mouth.model]
    return {path: r for path, r in DEFAULT_RANGES.items()
            if not path.startswith("simulation.word_of_mouth.") or path.rsplit(".", 1)[1] in uses}


def _unused(path: str, spec: SimulationSpec) -> str | None:
    """Why the word-of-mouth parameter ``path`` does not enter a simulation with ``spec`` (``None`` when it does)."""
    if not path.startswith("simulation.word_of_mouth.") or path == "simulation.word_of_mouth.model":
        return None
    model, name = spec.word_of_mouth.model, path.rsplit(".", 1)[1]
    uses = WOM_PARAMETERS.get(model)
    if uses is None or name in uses:
        return None
    used = f"it uses {', '.join(sorted(uses))}" if uses else "it uses no word-of-mouth parameter"
    return f"the word-of-mouth model {model!r} does not use {name} ({used}): varying it would only measure noise"


def _set(data: dict, path: str, value: float) -> None:
    *parents, leaf = path.split(".")[1:]  # drop "simulation"
    node = data
    for p in parents:
        if node.get(p) is None:
            node[p] = {}
        node = node[p]
    node[leaf] = value


def apply_values(spec: SimulationSpec, values: dict[str, float]) -> tuple[SimulationSpec, float]:
    """``spec`` with the assumptions' ``values`` set (validated), and the engagement prior scale (1 when absent)."""
    data = spec.model_dump()
    for path, value in values.items():
        if path != PRIOR_SCALE:
            _set(data, path, float(value))
    return SimulationSpec.model_validate(data), float(values.get(PRIOR_SCALE, 1.0))


def range_problem(path: str, low: float, high: float, spec: SimulationSpec | None = None) -> str | None:
    """Why ``[low, high]`` is not a usable range for ``path`` (``None`` when it is).

    Both ends must be valid values of the field (checked by the scenario's own schema,
    against ``spec``'s other settings) and ``low < high``; a word-of-mouth parameter
    must be one that ``spec``'s model uses (the others do not enter the simulation).

    >>> range_problem("engagement_prior_scale", 1.3, 0.7)
    'low 1.3 must be below high 0.7'
    >>> range_problem("simulation.word_of_mouth.phi", 0.1, 0.4)[:49]
    "the word-of-mouth model 'ic' does not use phi (it"
    """
    spec = spec or SimulationSpec()
    if (unused := _unused(path, spec)) is not None:
        return unused
    if not low < high:
        return f"low {low:g} must be below high {high:g}"
    for end, value in (("low", low), ("high", high)):
        if path == PRIOR_SCALE:
            if not 0 < value <= MAX_PRIOR_SCALE:
                return f"{end} {value:g} is outside (0, {MAX_PRIOR_SCALE:g}]: a factor on the prior's engagement rates"
            continue
        try:
            apply_values(spec, {path: value})
        except ValidationError as exc:
            msg = exc.errors()[0]["msg"].removeprefix("Value error, ")
            return f"{end} {value:g} is outside the field's validated range: {msg[:1].lower()}{msg[1:]}"
    return None

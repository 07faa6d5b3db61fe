"""Validated ranges of every simulation parameter (the scenario's ``simulation:`` section)."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from lineup.domain.campaign import SimulationSpec

DOCS = Path(__file__).resolve().parents[2] / "docs" / "model.md"


def _numeric_fields(model=SimulationSpec, prefix=""):
    """``(path, bounds)`` of every int/float field, bounds as ``{"ge"|"gt"|"le"|"lt": value}``."""
    for name, field in model.model_fields.items():
        args = [a for a in typing.get_args(field.annotation) if a is not type(None)] or [field.annotation]
        sub = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        if sub:
            yield from _numeric_fields(sub[0], f"{prefix}{name}.")
        elif args[0] in (int, float):
            yield f"{prefix}{name}", {k: getattr(m, k) for m in field.metadata for k in ("ge", "gt", "le", "lt")
                                      if hasattr(m, k)}


def _nested(path: str, value) -> dict:
    data: dict = value
    for part in reversed(path.split(".")):
        data = {part: data}
    return data


FIELDS = dict(_numeric_fields())


@pytest.mark.parametrize("path", sorted(FIELDS))
def test_every_simulation_number_is_bounded_on_both_sides(path):
    bounds = FIELDS[path]
    assert {"ge", "gt"} & set(bounds) and {"le", "lt"} & set(bounds), f"{path} is unbounded: {bounds}"


@pytest.mark.parametrize("path", sorted(FIELDS))
def test_values_just_outside_the_range_are_rejected_with_the_field(path):
    bounds = FIELDS[path]
    low = bounds.get("ge", bounds.get("gt"))
    high = bounds.get("le", bounds.get("lt"))
    outside = [low - 1 if "ge" in bounds else low, high + 1 if "le" in bounds else high]
    if path == "population.mean_degree":
        outside = [0, high + 1]
    for value in outside:
        with pytest.raises(ValidationError) as err:
            SimulationSpec.model_validate(_nested(path, value))
        assert path.split(".")[-1] in str(err.value)


@pytest.mark.parametrize("path, value", [
    ("population.size", 10**12), ("recurring_every_days", 1e-9), ("word_of_mouth.steps_per_day", 10**12),
    ("audience_cap", 1e-300), ("post_spacing_days", 1e-9), ("start_window_days", 1e300),
    ("word_of_mouth.mean_delay_days", 1e300), ("word_of_mouth.bass_q", 1e300), ("replications", 10**9),
    ("population.mean_degree", 1e6), ("seed", 2**64),
])
def test_values_from_the_issue_are_rejected(path, value):
    with pytest.raises(ValidationError):
        SimulationSpec.model_validate(_nested(path, value))


def test_the_extremes_of_each_range_are_accepted():
    spec = SimulationSpec.model_validate({
        "population": {"size": 50_000_000, "mean_degree": 1000, "degree_exponent": 100},
        "recurring_every_days": 1, "post_spacing_days": 1 / 24, "audience_cap": 0.01, "replications": 100_000,
        "word_of_mouth": {"model": "bass", "steps_per_day": 1440, "bass_p": 100, "bass_q": 100},
    })
    assert spec.population.size == 50_000_000 and spec.word_of_mouth.steps_per_day == 1440
    assert SimulationSpec(word_of_mouth={"mean_delay_days": 3650}).word_of_mouth.mean_delay_days == 3650


@pytest.mark.parametrize("model, foreign", [("ic", "phi"), ("ic", "bass_q"), ("threshold", "p"), ("bass", "decay"),
                                            ("none", "p"), ("threshold", "steps_per_day")])
def test_a_parameter_of_another_word_of_mouth_model_is_an_error(model, foreign):
    with pytest.raises(ValidationError) as err:
        SimulationSpec(word_of_mouth={"model": model, foreign: 0.5 if foreign != "steps_per_day" else 5})
    text = str(err.value)
    assert f"{foreign} is a parameter of the" in text and f"model {model!r} uses" in text


def test_each_word_of_mouth_model_takes_its_own_parameters():
    from lineup.domain.campaign import WOM_PARAMETERS

    values = {"p": 0.02, "mean_delay_days": 2, "decay": 0.5, "phi": 0.3, "bass_p": 0.1, "bass_q": 0.2,
              "steps_per_day": 4}
    for model, names in WOM_PARAMETERS.items():
        wom = SimulationSpec(word_of_mouth={"model": model, **{n: values[n] for n in names}}).word_of_mouth
        assert all(getattr(wom, n) == values[n] for n in names)


def test_docs_list_the_range_of_every_simulation_number():
    table = [line for line in DOCS.read_text(encoding="utf-8").splitlines() if line.startswith("| `")]
    listed = " ".join(table)
    missing = [p for p in FIELDS if f"`{p}`" not in listed and f"`{p.rsplit('.', 1)[-1]}`" not in listed
               and not p.startswith("talk_prob.")]
    assert not missing, f"docs/model.md 'Validated ranges' lacks {missing}"


def test_a_full_dump_validates_again_and_a_foreign_default_changes_nothing():
    spec = SimulationSpec(word_of_mouth={"model": "threshold", "phi": 0.3})
    assert SimulationSpec.model_validate(spec.model_dump()) == spec
    assert SimulationSpec(word_of_mouth={"model": "ic", "phi": 0.2}).word_of_mouth.model == "ic"   # phi's default

"""Read a scenario file: YAML → validated :class:`~lineup.domain.Scenario`.

Every problem is reported at once, each located by file, line and field path
(``skincare.yaml, line 12, field 'constraints.tiers.micro.min': ...``), with a
"did you mean" hint for unknown keys.
"""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ..domain.roster import Roster
from ..domain.tiers import Tiers
from ..domain.scenario import Scenario, ScenarioSpec, check_against_roster, did_you_mean
from .._text import printable
from ..errors import Problem, ScenarioError
from .files import read_user_text, shown_path
from .yaml12 import Yaml12Loader

__all__ = ["load_scenario", "read_spec", "scenario_json_schema", "check_filters"]

Loc = tuple


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario file, its roster and its overlap table.

    Raises :class:`~lineup.errors.ScenarioError` (or
    :class:`~lineup.errors.RosterError`) listing every problem found.
    """
    from .overlap import read_overlap
    from .roster import read_roster_packages

    path = Path(path)
    spec, lines = read_spec(path)
    fitted = _read_fitted(spec, path)
    roster, packages, warnings = _read_roster(spec, path, read_roster_packages, fitted)
    roster, packages = _read_rate_card(spec, path, roster, packages)
    problems = check_against_roster(spec, roster)
    if problems:
        _raise(path, [_locate(path, lines, loc, msg) for loc, msg in problems])
    overlap = None
    if spec.overlap is not None:
        overlap_path = _resolve(path, spec.overlap.path)
        overlap = read_overlap(overlap_path, roster, spec.overlap.unit, display_name=_display(overlap_path))
    warnings += _country_warnings(spec, roster) + _link_warnings(roster) + _edge_warnings(fitted, roster)
    warnings = list(warnings) + spec.default_warnings()
    return Scenario(spec=spec, roster=roster, overlap=overlap, path=path, warnings=tuple(warnings), fitted=fitted,
                    packages=packages)


def _read_rate_card(spec: ScenarioSpec, path: Path, roster: Roster, packages):
    """``roster.rate_card``'s packages (and the roster with each influencer's cheapest), or as read."""
    from .rate_card import read_rate_card

    if spec.roster.rate_card is None:
        return roster, packages
    if packages is not None:
        raise ScenarioError(str(Problem(f"{shown_path(path)}, field 'roster.rate_card'",
                                        "the roster file has a package column too; give the packages one way "
                                        "(the rate-card file, or the package column)")))
    card_path = _resolve(path, spec.roster.rate_card)
    roster, packages, _ = read_rate_card(card_path, roster, display_name=_display(card_path))
    return roster, packages


def _read_fitted(spec: ScenarioSpec, path: Path):
    """The priors file of ``priors.file`` (and its influencer rates), or None."""
    from .priors import read_priors

    if spec.priors.file is None:
        if spec.priors.influencers is not None:
            raise ScenarioError(str(Problem(f"{shown_path(path)}, field 'priors.influencers'",
                                            "needs priors.file (the priors file the rates were fitted with)")))
        return None
    rates = _resolve(path, spec.priors.influencers) if spec.priors.influencers else None
    return read_priors(_resolve(path, spec.priors.file), influencers=rates)


def _edge_warnings(fitted, roster: Roster) -> list[str]:
    """One warning per platform whose blank rates lie outside the fitted follower range (the edge value is used),
    and one for creator rates that match no roster row."""
    if fitted is None:
        return []
    lost = fitted.unmatched_rates(roster.platform, roster.ids)
    out = [f"{fitted.rates_source}: {len(lost):,} creator rate{'s match' if len(lost) != 1 else ' matches'} no roster row "
           f"by platform and id (e.g. {', '.join(printable(f'{p}/{i}', limit=40) for p, i in lost[:3])}): "
           f"not used"] if lost else []
    if not roster.er_estimated.any():
        return out
    rows = roster.er_estimated
    for platform, n in fitted.held_at_edge(roster.followers[rows], roster.platform[rows], roster.ids[rows]).items():
        points = fitted.curves[platform][0]
        out.append(f"{fitted.source}: {n:,} blank engagement rate{'s' if n != 1 else ''} on {printable(platform)} "
                   f"{'lie' if n != 1 else 'lies'} outside the follower range the curve was fitted on ({points[0]:,.0f}–{points[-1]:,.0f}): "
                   f"the curve's edge value is used, not an extrapolation")
    return out


def _country_warnings(spec: ScenarioSpec, roster: Roster) -> list[str]:
    """One warning listing the roster's country values that name no country (kept as written)."""
    from ..domain.countries import unknown_countries

    if spec.constraints.countries is None:
        return []
    unknown = unknown_countries(roster.country)
    if not unknown:
        return []
    shown = ", ".join(f"{printable(repr(k))} ({v:,} row{'s' if v != 1 else ''})" for k, v in list(unknown.items())[:6])
    more = f" and {len(unknown) - 6:,} more" if len(unknown) > 6 else ""
    return [f"{roster.source}: country values that name no country are kept as written and match only a filter "
            f"value spelt the same: {shown}{more}"]


def _link_warnings(roster: Roster) -> list[str]:
    """One warning listing the profile links left out (not http(s), a user name before the host...)."""
    from ..domain.links import unsafe_urls

    bad = unsafe_urls(roster)
    if not bad:
        return []
    shown = "; ".join(f"line {line} {printable(repr(cell), limit=80)} ({why})" for line, cell, why in bad[:5])
    more = f"; and {len(bad) - 5:,} more" if len(bad) > 5 else ""
    return [f"{roster.source}: {len(bad):,} profile link{'s' if len(bad) != 1 else ''} left out (only http(s) "
            f"links are carried into the outputs): {shown}{more}"]


def check_filters(scenario: Scenario) -> None:
    """Raise :class:`~lineup.errors.ScenarioError` when a filter leaves no candidate, or fewer than a rule needs.

    Each problem is located at the filter's line in the scenario file and shows
    the values the roster holds (``lineup validate``; ``lineup solve`` reports
    the same as infeasible).
    """
    from ..optimize.precheck import filter_problems

    found = filter_problems(scenario)
    if not found:
        return
    path = scenario.path
    lines = read_spec(path)[1] if path is not None else {}
    shown = Path(path) if path is not None else Path("<scenario>")
    _raise(shown, [_locate(shown, lines, tuple(name.split(".")), printable(msg)) for name, msg in found])


def _read_roster(spec: ScenarioSpec, path: Path, read_roster, fitted=None):
    src = spec.roster
    card = dict(spec.priors.rate_card) if fitted is None else fitted.card(spec.priors.rate_card)
    paths = [_resolve(path, p) for p in ([src.path] if isinstance(src.path, str) else src.path)]
    return read_roster(
        paths,
        columns=dict(src.columns),
        platform=src.platform,
        on_bad_rows=src.on_bad_rows,
        fee_rates=dict(spec.priors.fee_per_1k) or None,
        rate_card=card or None,
        tiers=Tiers.from_mapping(dict(spec.tiers)),
        implausible=src.implausible,
        display_name=[_display(p) for p in paths],
        sep=src.sep,
        encoding=src.encoding,
        duplicates=src.duplicates,
        fitted=fitted,
    )


def _display(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (OSError, RuntimeError, ValueError):  # outside the cwd, a symlink loop, a NUL in the name
        return str(path)


def _resolve(scenario_path: Path, relative: str) -> Path:
    p = Path(relative)
    try:
        p = p.expanduser()
    except RuntimeError:  # ~nosuchuser: leave it as written, so reading it reports "not found"
        pass
    return p if p.is_absolute() else scenario_path.parent / p


def read_spec(path: str | Path) -> tuple[ScenarioSpec, dict[Loc, int]]:
    """Parse and validate the YAML of a scenario file (no roster), with a line map."""
    path = Path(path)
    text = _read_text(path)
    data, lines = _parse_yaml(path, text)
    try:
        # strict: YAML gives real numbers and strings, so `budget: "5000"` or `budget: true`
        # are mistakes, not values to coerce (the Python API stays lax for numpy scalars)
        return ScenarioSpec.model_validate(data, strict=True), lines
    except ValidationError as exc:
        errors = sorted(exc.errors(), key=lambda e: _line_of(lines, _clean_loc(e["loc"], lines)) or 0)
        problems = [_problem(path, lines, err) for err in errors]
    # raised outside the except block: the ValidationError's text holds the input, which YAML
    # aliases can make astronomically long (a --debug traceback printing it would never end)
    _raise(path, problems)
    raise AssertionError("unreachable")


def scenario_json_schema() -> dict:
    """The JSON Schema of scenario files (``lineup schema``)."""
    schema = ScenarioSpec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "lineup scenario"
    return schema


# --------------------------------------------------------------------------- YAML


def _read_text(path: Path) -> str:
    return read_user_text(path, ScenarioError, "scenario YAML file")


#: What a YAML file of each kind holds, for the wording of its errors (the priors reader reuses the parser).
_KINDS = {"scenario": "scenario fields (name, budget, roster, ...)",
          "priors file": "priors-file fields (format, platforms, ...)"}


def _parse_yaml(path: Path, text: str, kind: str = "scenario") -> tuple[Any, dict[Loc, int]]:
    try:
        node, data = _compose_and_construct(text)
    except RecursionError:
        raise ScenarioError(f"{shown_path(path)}: the YAML is nested too deeply to be a {kind}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{shown_path(path)}, line {mark.line + 1}, column {mark.column + 1}" if mark else shown_path(path)
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError(str(Problem(where, f"invalid YAML: {printable(what)}"))) from None
    if not isinstance(data, dict):
        got = "an empty file" if data is None else f"a {type(data).__name__}"
        raise ScenarioError(f"{shown_path(path)}: expected a mapping of {_KINDS[kind]}, got {got}")
    lines: dict[Loc, int] = {}
    duplicates: list[str] = []
    _walk(node, (), lines, duplicates, path, set())
    if duplicates:
        _raise(path, duplicates, kind)
    return data, lines


def _compose_and_construct(text: str) -> tuple[Any, Any]:
    """The YAML node tree (for line numbers) and the data built from it, parsed once."""
    loader = Yaml12Loader(text)
    try:
        node = loader.get_single_node()
        return node, (None if node is None else loader.construct_document(node))
    finally:
        loader.dispose()


def _walk(node, loc: Loc, lines: dict[Loc, int], duplicates: list[str], path: Path, seen_nodes: set) -> None:
    """Record the line of every field path; each node is visited once (YAML aliases share nodes)."""
    lines[loc] = node.start_mark.line + 1
    if id(node) in seen_nodes:
        return
    seen_nodes.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen: set = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                duplicates.append(str(Problem(_where(path, key_node.start_mark.line + 1, loc + (key,)), "duplicate key")))
            seen.add(key)
            _walk(value_node, loc + (key,), lines, duplicates, path, seen_nodes)
            lines[loc + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for k, item in enumerate(node.value):
            _walk(item, loc + (k,), lines, duplicates, path, seen_nodes)


# --------------------------------------------------------------------------- problems


def _where(path: Path, line: int | None, loc: Loc) -> str:
    field = printable(".".join(str(p) for p in loc))
    parts = [shown_path(path)]
    if line is not None:
        parts.append(f"line {line}")
    if field:
        parts.append(f"field '{field}'")
    return ", ".join(parts)


def _line_of(lines: dict[Loc, int], loc: Loc) -> int | None:
    for k in range(len(loc), -1, -1):
        key = tuple(str(p) if not isinstance(p, int) else p for p in loc[:k])
        if key in lines:
            return lines[key]
    return None


def _locate(path: Path, lines: dict[Loc, int], loc: Loc, message: str) -> str:
    return str(Problem(_where(path, _line_of(lines, loc), loc), message))


def _problem(path: Path, lines: dict[Loc, int], err: dict) -> str:
    loc = _clean_loc(err["loc"], lines)
    kind = err["type"]
    if kind == "extra_forbidden":
        key = loc[-1]
        hint = did_you_mean(key, _fields_at(loc[:-1]))
        return _locate(path, lines, loc, f"unknown key {key!r}{hint}")
    if kind == "missing":
        return _locate(path, lines, loc, "required field is missing")
    if kind in ("literal_error", "enum"):
        value = err.get("input")
        expected = err.get("ctx", {}).get("expected", "")
        choices = [c.strip().strip("'") for c in expected.replace(" or ", ",").split(",")]
        hint = did_you_mean(value, choices)  # first: the list of choices can be long (21 uncertain paths)
        return _locate(path, lines, loc, f"{value!r} is not allowed{hint}; expected {expected}")
    value = err.get("input")
    shown = "" if isinstance(value, (dict, list)) else f", got {value!r}"
    msg = _LONG_NUMBER.sub(lambda m: f"{float(m.group()):g}", err["msg"].removeprefix("Value error, "))
    return _locate(path, lines, loc, f"{msg[0].lower()}{msg[1:]}{shown}")


#: Bounds pydantic spells out digit by digit (``1e100`` as 101 digits) are shown as ``1e+100``; the
#: digits of a decimal fraction (``0.041666666666666664``) are not a number of their own.
_LONG_NUMBER = re.compile(r"(?<![0-9.])[0-9]{16,}(?![0-9.])")


def _clean_loc(loc: Loc, lines: dict[Loc, int]) -> Loc:
    """Drop pydantic's union/validator tags from an error location (not keys of the file that look like them)."""
    out: Loc = ()
    for p in loc:
        if isinstance(p, str) and out + (p,) not in lines and ("[" in p or p in _UNION_TAGS):
            continue
        out += (p,)
    return out


_UNION_TAGS = {"str", "dict", "list", "int", "float", "function-after", "function-before",
               "sum", "share", "count"}  # the last three: tags of constraints.custom's kinds


def _fields_at(loc: Loc) -> list[str]:
    """Field names allowed at ``loc`` of a ScenarioSpec (for did-you-mean hints)."""
    annotation: Any = ScenarioSpec
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            if field is None:
                return []
            annotation = field.annotation
        else:
            args = typing.get_args(annotation)
            annotation = args[-1] if args else None
    if len(models := _models_in(annotation)) > 1:  # a union of kinds (constraints.custom): any kind's fields
        return list(dict.fromkeys(f for m in models for f in m.model_fields))
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    if typing.get_origin(annotation) is dict:
        key = typing.get_args(annotation)[0]
        if typing.get_origin(key) is typing.Literal:
            return [str(a) for a in typing.get_args(key)]
    return []


def _models_in(annotation: Any) -> list:
    """The pydantic models of a (possibly ``Annotated``) model or union of models."""
    if typing.get_origin(annotation) is typing.Annotated:
        return _models_in(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [m for a in typing.get_args(annotation) for m in _models_in(a)]
    return [annotation] if isinstance(annotation, type) and issubclass(annotation, BaseModel) else []


def _unwrap(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        return models[0] if models else args[0]
    return annotation


def _raise(path: Path, problems: list[str], kind: str = "scenario") -> None:
    if len(problems) == 1:
        raise ScenarioError(problems[0], problems)
    raise ScenarioError(f"{shown_path(path)}: {len(problems)} problems in the {kind}", problems)

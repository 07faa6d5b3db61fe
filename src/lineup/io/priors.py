"""Priors files (``lineup calibrate --output priors.yaml``) and influencer-rates CSVs: write and read.

Format ``lineup-priors/1`` (YAML; README "Priors files")::

    format: lineup-priors/1
    created_by: lineup calibrate
    source: [posts.csv]            # the post files fitted
    date_range: [2020-01-02, 2020-11-30]
    posts: 54261
    influencers: rates.csv         # optional: shrunk per-creator rates, relative to this file
    notes: [...]
    platforms:
      tiktok:
        use: all                   # group whose curve fills blank rates (all: every post; edit to sponsored)
        groups:
          all:                     # also sponsored / organic when fitted separately
            posts: 50124
            creators: 1794
            followers_range: [1020, 97000000]
            spline_df: 5
            dispersion: {between_creators: 0.8, within_creator: 0.6}   # variances of log rate
            curve:                 # every 0.1 decade of followers over the fitted range
              - {followers: 1020, median: 0.12, low: 0.10, high: 0.14, mean: 0.2}
        rate_card: {micro: [120, 480]}     # only when fees were fitted: per post (low, high)

``median`` is the typical creator's rate with its 95 % interval (``low``/``high``);
``mean`` (= median × exp((τ² + σ²)/2)) is the expected rate per post of an unknown
creator, the value that fills blank roster rates.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Literal, Optional

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .._text import printable
from ..domain.fitted_priors import FittedPriors
from ..domain.links import platform_name
from ..domain.roster import id_key
from ..errors import Problem, ScenarioError
from .files import read_user_text, shown_path

__all__ = ["FORMAT", "priors_yaml", "read_priors", "read_rates", "rates_csv"]

FORMAT = "lineup-priors/1"


#: Largest priors file read (bytes): a file from ``lineup calibrate`` is a few hundred kB at most.
MAX_PRIORS_BYTES = 50 * 2**20


class _M(BaseModel):
    # strict: a quoted '0.02' or a true is a mistake in a file written by a program, not a number
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


class _Point(_M):
    followers: float = Field(gt=0)
    median: float = Field(gt=0, le=1)
    low: float = Field(gt=0)
    high: float = Field(gt=0)
    mean: float = Field(gt=0, le=10)

    @model_validator(mode="after")
    def _ordered(self) -> "_Point":
        if not self.low <= self.median <= self.high:
            raise ValueError(f"low ≤ median ≤ high does not hold ({self.low:g}, {self.median:g}, {self.high:g})")
        return self


class _Group(_M):
    posts: int = Field(ge=0)
    creators: int = Field(ge=0)
    posts_with_zero_engagements: int = Field(default=0, ge=0)
    followers_range: list[float] = Field(min_length=2, max_length=2)
    spline_df: int = Field(ge=0)  # 0: a constant curve, 1: a straight line in log10(followers)
    dispersion: dict[Literal["between_creators", "within_creator"], float]
    curve: list[_Point] = Field(min_length=1)

    @field_validator("curve", mode="after")
    @classmethod
    def _increasing(cls, v: list[_Point]) -> list[_Point]:
        f = [p.followers for p in v]
        if any(b <= a for a, b in zip(f, f[1:])):
            raise ValueError("curve points must have increasing followers")
        return v

    @field_validator("followers_range", mode="after")
    @classmethod
    def _range(cls, v: list[float]) -> list[float]:
        if not 0 < v[0] <= v[1]:
            raise ValueError(f"followers_range: expected [low, high] with 0 < low ≤ high, got {v}")
        return v

    @field_validator("dispersion", mode="after")
    @classmethod
    def _variances(cls, v: dict) -> dict:
        if set(v) != {"between_creators", "within_creator"} or any(x < 0 for x in v.values()):
            raise ValueError("give between_creators and within_creator, both ≥ 0 (variances of log rate)")
        return v


class _Platform(_M):
    use: Literal["all", "sponsored", "organic"] = "all"
    groups: dict[Literal["all", "sponsored", "organic"], _Group]
    rate_card: dict[Literal["nano", "micro", "mid", "macro", "mega"], list[float]] = Field(default_factory=dict)
    fees: Optional[dict] = None

    @model_validator(mode="after")
    def _used(self) -> "_Platform":
        if self.use not in self.groups:
            raise ValueError(f"use: {self.use!r} names no group here (groups: {', '.join(self.groups)})")
        for tier, r in self.rate_card.items():
            if len(r) != 2 or not 0 < r[0] <= r[1]:
                raise ValueError(f"rate_card.{tier}: expected [low, high] with 0 < low ≤ high, got {r}")
        return self


class _File(_M):
    format: Literal["lineup-priors/1"]
    created_by: str = ""
    source: list[str] = Field(default_factory=list)
    date_range: Optional[list[str]] = None
    posts: int = Field(default=0, ge=0)
    influencers: Optional[str] = None
    notes: list[str] = Field(default_factory=list)
    platforms: dict[str, _Platform] = Field(min_length=1)


# --------------------------------------------------------------------------- writing


def priors_yaml(calibration, source, *, influencers: str | None = None) -> str:
    """The text of a priors file for ``calibration`` (see the module docstring)."""
    data = {"format": FORMAT, "created_by": "lineup calibrate", "source": [str(s) for s in source],
            "date_range": list(calibration.date_range) if calibration.date_range else None,
            "posts": calibration.posts}
    if influencers:
        data["influencers"] = influencers
    data["notes"] = list(calibration.notes)
    platforms: dict = {}
    for g in calibration.groups:
        d = g.to_dict()
        entry = platforms.setdefault(g.platform, {"use": "all", "groups": {}})
        entry["groups"][g.group] = {k: d[k] for k in ("posts", "creators", "posts_with_zero_engagements",
                                                       "followers_range", "spline_df", "dispersion", "curve")}
    for fee in calibration.fees:
        if fee.platform in platforms:
            d = fee.to_dict()
            if d["rate_card"]:
                platforms[fee.platform]["rate_card"] = d["rate_card"]
            platforms[fee.platform]["fees"] = {k: v for k, v in d.items() if k not in ("platform", "rate_card")}
    data["platforms"] = platforms
    header = ("# lineup priors file (format lineup-priors/1), written by `lineup calibrate`.\n"
              "# curve: median = typical creator's engagement rate (fraction) with its pointwise 95 % interval\n"
              "# low/high (conditional on the chosen spline size, spline_df);\n"
              "# mean = expected rate per post of an unknown creator (fills blank roster rates).\n"
              "# dispersion: variances of log engagement rate between creators and post to post.\n"
              "# use: the group whose curve fills blank rates (all, or sponsored/organic when fitted apart).\n")
    return header + yaml.safe_dump(_plain(data), sort_keys=False, allow_unicode=True, width=120, default_flow_style=None)


def _plain(value):
    """Numbers rounded to 6 significant digits and numpy scalars made plain, for a readable YAML."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(f"{float(value):.6g}")
    return value


RATE_COLUMNS = ("id", "platform", "engagement_rate", "low", "high", "posts", "raw_rate", "shrinkage_weight",
                "followers")


def rates_csv(calibration) -> str:
    """The shrunk per-influencer rates as CSV (roster-joinable: ``id``, ``platform``, ``engagement_rate``, …)."""
    from .writers import frame_csv

    return frame_csv(calibration.influencer_rates().loc[:, list(RATE_COLUMNS)], float_format="%.6g")


# --------------------------------------------------------------------------- reading


def read_priors(path: str | Path, *, influencers: str | Path | None = None) -> FittedPriors:
    """Read a priors file (and the influencer-rates CSV it or the caller names) into :class:`FittedPriors`.

    Every problem is a :class:`~lineup.errors.ScenarioError` located by file, line and field.
    """
    from .scenario import _locate, _parse_yaml, _raise

    path = Path(path)
    if path.is_file() and path.stat().st_size > MAX_PRIORS_BYTES:
        raise ScenarioError(f"{shown_path(path)}: {path.stat().st_size / 2**20:,.0f} MB is too large for a priors "
                            f"file (at most {MAX_PRIORS_BYTES // 2**20} MB; `lineup calibrate` writes a few hundred kB)")
    text = read_user_text(path, ScenarioError, "priors file")
    data, lines = _parse_yaml(path, text, "priors file")
    try:
        spec = _File.model_validate(data)
    except ValidationError as exc:
        problems = [_locate(path, lines, tuple(p for p in e["loc"] if not str(p).startswith("function-")),
                            _message(e)) for e in exc.errors()]
        _raise(path, problems, "priors file")
        raise AssertionError("unreachable")
    clashes = _platform_clashes(spec.platforms)
    if clashes:
        _raise(path, [_locate(path, lines, ("platforms", k), m) for k, m in clashes], "priors file")
    curves, cards, groups = {}, {}, {}
    for name, p in spec.platforms.items():
        platform = platform_name(name)
        pts = p.groups[p.use].curve
        curves[platform] = (np.array([q.followers for q in pts]), np.array([q.mean for q in pts]))
        groups[platform] = p.use
        if p.rate_card:
            cards[platform] = {t: (float(r[0]), float(r[1])) for t, r in p.rate_card.items()}
    rates_path = Path(influencers) if influencers is not None else (
        path.parent / spec.influencers if spec.influencers else None)
    rates, shown = {}, None
    if rates_path is not None:
        rates, shown = read_rates(rates_path), shown_path(rates_path)
    return FittedPriors(shown_path(path), curves, cards, rates, shown, groups)


def _platform_clashes(platforms: dict) -> list[tuple[str, str]]:
    """``(key, problem)`` for blank platform keys and keys naming a platform an earlier key named."""
    seen: dict[str, str] = {}
    out = []
    for key in platforms:
        name = platform_name(key)
        if not name:
            out.append((key, "blank platform name"))
        elif name in seen:
            out.append((key, f"{printable(repr(key))} is the platform {printable(repr(seen[name]))} names "
                             f"again ({printable(name)}): one entry per platform"))
        else:
            seen[name] = key
    return out


def _message(err: dict) -> str:
    if err["type"] == "extra_forbidden":
        return f"unknown key {err['loc'][-1]!r}"
    if err["type"] == "missing":
        return "required field is missing"
    if err["type"] == "literal_error" and err["loc"] == ("format",):
        return f"not a lineup priors file of a known format: expected {FORMAT!r}, got {err.get('input')!r}"
    msg = err["msg"].removeprefix("Value error, ")
    value = err.get("input")
    shown = "" if isinstance(value, (dict, list)) else f", got {printable(repr(value), limit=60)}"
    return f"{msg[0].lower()}{msg[1:]}{shown}"


def read_rates(path: str | Path) -> dict:
    """``(platform, id key) → engagement rate`` from an influencer-rates CSV (``lineup calibrate --influencers``).

    Needs the columns ``id``, ``platform`` and ``engagement_rate`` (a fraction in (0, 10]);
    every bad row is reported at once (file, line, column).
    """
    from .writers import csv_uncell

    path = Path(path)
    text = read_user_text(path, ScenarioError, "influencer-rates CSV")
    name = shown_path(path)
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ScenarioError(f"{name}: not a readable CSV: {printable(str(exc).splitlines()[0])}") from None
    missing = [c for c in ("id", "platform", "engagement_rate") if c not in df.columns]
    if missing:
        raise ScenarioError(f"{name}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                            f"(expected the file `lineup calibrate --influencers` writes)")
    _refuse_repeated(df, name)
    rate = pd.to_numeric(df["engagement_rate"], errors="coerce").to_numpy(float)
    ids = [csv_uncell(v).strip() for v in df["id"]]
    platforms = [platform_name(csv_uncell(v)) for v in df["platform"]]
    bad = [Problem(f"{name}, line {k + 2}, column 'engagement_rate'",
                   f"expected a rate in (0, 10], got {printable(repr(df['engagement_rate'].iat[k]), limit=40)}")
           for k in np.flatnonzero(~((rate > 0) & (rate <= 10)))]
    bad += [Problem(f"{name}, line {k + 2}, column 'id'", "blank id") for k, i in enumerate(ids) if not i]
    bad += [Problem(f"{name}, line {k + 2}, column 'platform'", "blank platform")
            for k, p in enumerate(platforms) if not p]
    keys = [(p, id_key(i)) for p, i in zip(platforms, ids)]
    bad += _repeats(keys, ids, name)
    if bad:
        raise ScenarioError(f"{name}: {len(bad)} bad row{'s' if len(bad) != 1 else ''}", sorted(bad, key=_line))
    return {k: float(r) for k, r in zip(keys, rate)}


def _refuse_repeated(df: pd.DataFrame, name: str) -> None:
    """A repeated ``id``/``platform``/``engagement_rate`` header: which column is meant cannot be known."""
    from ..errors import RosterError
    from .roster import refuse_repeated

    try:
        refuse_repeated({c: c for c in ("id", "platform", "engagement_rate")}, [str(c) for c in df.columns], name)
    except RosterError as exc:
        raise ScenarioError(str(exc)) from None


def _repeats(keys: list, ids: list[str], name: str) -> list[Problem]:
    """One problem per id repeated on a platform (ids compared as the roster compares them), naming its lines."""
    lines: dict = {}
    for k, key in enumerate(keys):
        if key[1]:
            lines.setdefault(key, []).append(k + 2)
    return [Problem(f"{name}, line {at[1]}, column 'id'",
                    f"{printable(repr(ids[at[0] - 2]), limit=40)} on {printable(key[0])} is repeated (lines "
                    f"{', '.join(map(str, at[:10]))}{', …' if len(at) > 10 else ''}): one rate per creator")
            for key, at in lines.items() if len(at) > 1]


def _line(problem: Problem) -> int:
    import re

    m = re.search(r", line (\d+),", str(problem))
    return int(m.group(1)) if m else 0

"""The scenario's rules as array operations: who may be chosen, what a selection is worth, what it breaks.

Every rule has one *report name*, used in every message lineup prints:
``budget``, ``constraints.min_spend``, ``constraints.influencers.min`` / ``.max``,
``constraints.tiers.<tier>.min`` / ``.max``, ``niches.<niche>.min_influencers``,
``constraints.platforms.<platform>.min_share`` / ``.max_share`` (share of *spend*),
``constraints.max_budget_share``, ``constraints.min_authenticity``,
``constraints.countries``, ``constraints.niches_only``, ``constraints.exclude[<id>]``, ``constraints.include[<id>]``
and ``constraints.conflicts[<a>|<b>|...]``.

A selection is a boolean mask over the roster's rows.  Everything here is
vectorised over rows (loops only over niches, tiers, platforms and rules), and the
per-scenario arrays are built once and cached, so at 100,000 influencers each call
takes milliseconds.

Value of a selection (issue 2): ``objective.engagement × (Σ E_i − overlap_dup) +
objective.coverage × Σ_s weight_s × min(1, n_s / target_s)``.  With an overlap
table, ``overlap_dup = Σ_{i<j both selected} shared_ij × min(e_i, e_j)`` where
``e_i = posts × authenticity × engagement_rate`` is the engagement per follower: a
pairwise inclusion–exclusion that ignores followers shared by three or more.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Optional

import numpy as np
import scipy.sparse as sp

from .._arrays import factorize
from .._text import counted
from ..domain.countries import country_mask
from ..domain.scenario import Scenario
from ..domain.tiers import TIER_NAMES
from ..errors import UsageError

__all__ = [
    "Candidates",
    "Evaluation",
    "Binding",
    "candidates",
    "evaluate",
    "violations",
    "binding",
    "format_money",
]

_SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€", "JPY": "¥", "INR": "₹"}
FILTER_ORDER = (
    "constraints.exclude",
    "constraints.min_authenticity",
    "constraints.countries",
    "constraints.niches_only",
    "constraints.max_budget_share",
    "budget",
)


# ---------------------------------------------------------------- formatting
def format_money(amount: float, currency: str) -> str:
    """``amount`` with thousands separators and the currency's symbol (or code).

    Whole amounts have no decimals; others show two.

    Examples
    --------
    >>> format_money(18400, "GBP"), format_money(1234.5, "USD"), format_money(-99, "EUR")
    ('£18,400', '$1,234.50', '-€99')
    >>> format_money(1234, "CHF")
    '1,234 CHF'
    """
    amount = float(amount)
    sign = "-" if amount < 0 and round(abs(amount), 2) > 0 else ""
    a = abs(amount)
    text = f"{a:,.0f}" if abs(a - round(a)) < 0.005 else f"{a:,.2f}"
    code = str(currency).upper()
    symbol = _SYMBOLS.get(code)
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"


def _pct(share: float) -> str:
    """``0.5 -> '50%'``, ``0.4731 -> '47.3%'``."""
    p = 100.0 * float(share)
    return f"{p:.0f}%" if abs(p - round(p)) < 0.05 else f"{p:.1f}%"


def _some_ids(ids, limit: int = 3) -> str:
    ids = [str(i) for i in ids]
    shown = ", ".join(ids[:limit])
    return shown if len(ids) <= limit else f"{shown} and {len(ids) - limit} more"


# ---------------------------------------------------------------- context
@dataclass(frozen=True)
class _Bound:
    """A count bound: ``value(source, index) <kind> limit``."""

    name: str          # report name, e.g. "constraints.tiers.micro.min"
    kind: str          # "min" | "max"
    limit: int
    source: str        # "count" | "tier" | "niche"
    index: int         # tier code or position in the scenario's niches
    label: str         # planner words, "{k}" = count, "{s}" = plural s: "{k} micro influencer{s}"


@dataclass(frozen=True)
class _Share:
    name: str          # "constraints.platforms.<p>.min_share"
    kind: str          # "min" | "max"
    share: float
    platform: str
    code: int          # platform code (-1: no roster row on that platform)


@dataclass(frozen=True, eq=False)
class _Context:
    """Per-scenario arrays, built once (see :func:`_context`)."""

    n: int
    fee: np.ndarray
    gain_e: np.ndarray            # E_i
    tier: np.ndarray              # int8 tier codes
    platform: np.ndarray          # int platform codes
    platform_names: tuple
    niches: tuple                 # scenario niches, spec order
    members: sp.csr_matrix        # n × S float 0/1 membership in the scenario niches
    members_t: sp.csr_matrix      # S × n (for counts)
    targets: np.ndarray
    weights: np.ndarray
    filters: dict                 # report name -> bool mask of rows removed by that filter
    include_rows: np.ndarray
    groups: tuple                 # (name, rows) per conflict group
    bounds: tuple                 # _Bound
    shares: tuple                 # _Share
    ov_i: np.ndarray
    ov_j: np.ndarray
    ov_d: np.ndarray              # duplicated engagement per pair


_CACHE: "weakref.WeakKeyDictionary[Scenario, _Context]" = weakref.WeakKeyDictionary()


def _context(scenario: Scenario) -> _Context:
    ctx = _CACHE.get(scenario)
    if ctx is None:
        ctx = _build_context(scenario)
        _CACHE[scenario] = ctx
    return ctx


def _rows_of(scenario: Scenario, ids) -> np.ndarray:
    rows = [scenario.roster.index_of(i) for i in ids]
    return np.asarray(sorted({r for r in rows if r is not None}), dtype=np.int64)


def _niche_members(scenario: Scenario) -> sp.csr_matrix:
    r = scenario.roster
    cols = [r.niche_names.index(s) if s in r.niche_names else -1 for s in scenario.spec.niches]
    m = r.niche_membership
    blocks = [m[:, [c]] if c >= 0 else sp.csc_matrix((r.n, 1)) for c in cols]
    if not blocks:
        return sp.csr_matrix((r.n, 0))
    out = sp.hstack(blocks, format="csr").astype(float)
    out.data[:] = 1.0
    return out


def _filters(scenario: Scenario) -> dict:
    r, c, budget = scenario.roster, scenario.spec.constraints, scenario.budget
    out = {"constraints.exclude": np.zeros(r.n, dtype=bool)}
    out["constraints.exclude"][_rows_of(scenario, c.exclude)] = True
    out["constraints.min_authenticity"] = (
        r.authenticity < c.min_authenticity if c.min_authenticity is not None else np.zeros(r.n, dtype=bool)
    )
    out["constraints.countries"] = (
        ~country_mask(r.country, c.countries) if c.countries is not None else np.zeros(r.n, dtype=bool)
    )
    out["constraints.niches_only"] = _outside_niches(r, c.niches_only)
    share = c.max_budget_share
    out["constraints.max_budget_share"] = r.fee > share * budget if share is not None else np.zeros(r.n, dtype=bool)
    out["budget"] = r.fee > budget
    return out


def _outside_niches(r, niches) -> np.ndarray:
    """Rows with none of ``niches`` (none removed when ``niches`` is None)."""
    if niches is None:
        return np.zeros(r.n, dtype=bool)
    cols = [r.niche_names.index(s) for s in niches if s in r.niche_names]
    if not cols:
        return np.ones(r.n, dtype=bool)
    return np.asarray(r.niche_membership[:, cols].sum(axis=1)).ravel() == 0


def _groups(scenario: Scenario) -> tuple:
    out = []
    for group in scenario.spec.constraints.conflicts:
        out.append((f"constraints.conflicts[{'|'.join(group)}]", _rows_of(scenario, group)))
    return tuple(out)


def _bounds(scenario: Scenario) -> tuple:
    c, out = scenario.spec.constraints, []
    for kind in ("min", "max"):
        v = getattr(c.influencers, kind)
        if v is not None:
            out.append(_Bound(f"constraints.influencers.{kind}", kind, v, "count", 0, "{k} influencer{s}"))
    for tier, b in c.tiers.items():
        for kind in ("min", "max"):
            v = getattr(b, kind)
            if v is not None:
                out.append(_Bound(f"constraints.tiers.{tier}.{kind}", kind, v, "tier",
                                  TIER_NAMES.index(tier), f"{{k}} {tier} influencer{{s}}"))
    for k, (niche, spec) in enumerate(scenario.spec.niches.items()):
        if spec.min_influencers:
            out.append(_Bound(f"niches.{niche}.min_influencers", "min", spec.min_influencers, "niche", k,
                              f"{{k}} influencer{{s}} in {niche}"))
    return tuple(out)


def _shares(scenario: Scenario, names: tuple) -> tuple:
    out = []
    for p, b in scenario.spec.constraints.platforms.items():
        code = names.index(p) if p in names else -1
        for kind in ("min", "max"):
            v = getattr(b, f"{kind}_share")
            if v is not None:
                out.append(_Share(f"constraints.platforms.{p}.{kind}_share", kind, float(v), p, code))
    return tuple(out)


def _overlap(scenario: Scenario):
    ov, r = scenario.overlap, scenario.roster
    if ov is None or len(ov) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    per_follower = r.posts * r.authenticity * r.engagement_rate
    i, j = np.asarray(ov.i, dtype=np.int64), np.asarray(ov.j, dtype=np.int64)
    d = np.asarray(ov.shared, dtype=float) * np.minimum(per_follower[i], per_follower[j])
    return i, j, d


def _build_context(scenario: Scenario) -> _Context:
    r, spec = scenario.roster, scenario.spec
    pcodes, pnames = factorize(r.platform)
    members = _niche_members(scenario)
    niches = tuple(spec.niches)
    ov_i, ov_j, ov_d = _overlap(scenario)
    return _Context(
        n=r.n, fee=np.asarray(r.fee, dtype=float), gain_e=np.asarray(r.expected_engagement, dtype=float),
        tier=scenario.tiers.codes_of(r.followers), platform=np.asarray(pcodes, dtype=np.int64),
        platform_names=tuple(pnames), niches=niches, members=members, members_t=members.T.tocsr(),
        targets=np.asarray([spec.niches[s].target for s in niches], dtype=float),
        weights=np.asarray([spec.niches[s].weight for s in niches], dtype=float),
        filters=_filters(scenario), include_rows=_rows_of(scenario, spec.constraints.include),
        groups=_groups(scenario), bounds=_bounds(scenario), shares=_shares(scenario, tuple(pnames)),
        ov_i=ov_i, ov_j=ov_j, ov_d=ov_d,
    )


def _as_mask(scenario: Scenario, mask) -> np.ndarray:
    m = np.asarray(mask)
    n = scenario.roster.n
    if m.dtype == bool:
        if m.shape != (n,):
            raise UsageError(f"selection mask has shape {m.shape}, expected ({n},) for this roster")
        return m
    rows = m.astype(np.int64).ravel()
    if rows.size and (rows.min() < 0 or rows.max() >= n):
        raise UsageError(f"selection rows out of range 0..{n - 1}: {rows[(rows < 0) | (rows >= n)][:3].tolist()}")
    out = np.zeros(n, dtype=bool)
    out[rows] = True
    return out


# ---------------------------------------------------------------- totals
@dataclass(frozen=True)
class _Totals:
    spend: float
    count: int
    tiers: np.ndarray          # count per tier code
    niches: np.ndarray         # count per scenario niche
    platform_spend: np.ndarray  # spend per platform code


def _totals(ctx: _Context, mask: np.ndarray) -> _Totals:
    fee = ctx.fee[mask]
    return _Totals(
        spend=float(fee.sum()), count=int(mask.sum()),
        tiers=np.bincount(ctx.tier[mask], minlength=5),
        niches=ctx.members_t @ mask.astype(float),
        platform_spend=np.bincount(ctx.platform[mask], weights=fee, minlength=len(ctx.platform_names)),
    )


def _value(t: _Totals, b: _Bound) -> int:
    if b.source == "count":
        return t.count
    return int(round((t.tiers if b.source == "tier" else t.niches)[b.index]))


def _label(b: _Bound, k: int) -> str:
    """``"3 micro influencers"``, ``"1 influencer in vegan"``."""
    return b.label.format(k=f"{k:,}", s="" if k == 1 else "s")


def _eligible(ctx: _Context, b: _Bound) -> np.ndarray:
    """Rows that count towards bound ``b``."""
    if b.source == "count":
        return np.ones(ctx.n, dtype=bool)
    if b.source == "tier":
        return ctx.tier == b.index
    out = np.zeros(ctx.n, dtype=bool)
    out[ctx.members_t[b.index].indices] = True
    return out


def _platform_spend(t: _Totals, s: _Share) -> float:
    return float(t.platform_spend[s.code]) if s.code >= 0 else 0.0


# ---------------------------------------------------------------- candidates
@dataclass(frozen=True)
class Candidates:
    """The rows the optimiser may choose, what the filters removed, and the forced rows.

    ``removed`` maps a filter's report name to the rows it removed (a row removed
    by several filters counts for the first, in the order exclude, min_authenticity,
    countries, niches_only, max_budget_share, budget); the excludes are counted together under
    ``constraints.exclude``.  ``include_rows`` may hold rows a filter removed;
    :func:`lineup.optimize.precheck.precheck` reports those.
    """

    mask: np.ndarray
    removed: dict
    include_rows: np.ndarray

    @property
    def count(self) -> int:
        """Number of rows the optimiser may choose."""
        return int(self.mask.sum())


def candidates(scenario: Scenario) -> Candidates:
    """Apply the scenario's filters to its roster.

    Examples
    --------
    >>> from lineup.domain import Roster, Scenario, ScenarioSpec
    >>> r = Roster.from_columns(ids=["a", "b", "c"], followers=[1e3, 2e4, 3e5],
    ...                         engagement_rate=[0.05, 0.03, 0.02], fee=[100, 900, 9_000],
    ...                         authenticity=[0.9, 0.5, 0.95])
    >>> spec = ScenarioSpec.model_validate({"name": "x", "budget": 5_000, "roster": "r.csv",
    ...     "constraints": {"min_authenticity": 0.75, "include": ["a"]}})
    >>> c = candidates(Scenario(spec, r))
    >>> c.mask.tolist(), c.removed, c.include_rows.tolist()
    ([True, False, False], {'constraints.min_authenticity': 1, 'budget': 1}, [0])
    """
    ctx = _context(scenario)
    taken = np.zeros(ctx.n, dtype=bool)
    removed: dict[str, int] = {}
    for name in FILTER_ORDER:
        new = ctx.filters[name] & ~taken
        k = int(new.sum())
        if k:
            removed[name] = k
        taken |= new
    return Candidates(mask=~taken, removed=removed, include_rows=ctx.include_rows.copy())


# ---------------------------------------------------------------- evaluation
@dataclass(frozen=True)
class Evaluation:
    """What a selection is worth.

    ``spend`` in currency; ``engagement`` the expected engagements after the
    pairwise overlap de-duplication, ``raw_engagement`` before; ``coverage`` maps
    each scenario niche (spec order) to ``y_s = min(1, n_s / target_s)``;
    ``coverage_value = objective.coverage × Σ weight_s y_s``; ``objective =
    objective.engagement × engagement + coverage_value``.
    """

    spend: float
    engagement: float
    raw_engagement: float
    coverage: dict
    coverage_value: float
    objective: float


def _coverage(ctx: _Context, niche_counts: np.ndarray) -> np.ndarray:
    return np.minimum(1.0, niche_counts / ctx.targets) if len(ctx.targets) else np.zeros(0)


def evaluate(scenario: Scenario, mask) -> Evaluation:
    """Spend, engagement, coverage and objective of a selection (bool mask or rows).

    Examples
    --------
    >>> from lineup.domain import Roster, Scenario, ScenarioSpec
    >>> r = Roster.from_columns(ids=["a", "b"], followers=[1e3, 2e4], engagement_rate=[0.05, 0.03],
    ...                         fee=[100, 900], niches=[["vegan"], ["vegan", "skincare"]])
    >>> spec = ScenarioSpec.model_validate({"name": "x", "budget": 5_000, "roster": "r.csv",
    ...     "objective": {"coverage": 1000}, "niches": {"vegan": {"target": 2}, "skincare": {}}})
    >>> ev = evaluate(Scenario(spec, r), [0])
    >>> ev.spend, ev.engagement, ev.coverage, ev.objective
    (100.0, 50.0, {'vegan': 0.5, 'skincare': 0.0}, 550.0)
    """
    ctx = _context(scenario)
    mask = _as_mask(scenario, mask)
    t = _totals(ctx, mask)
    raw = float(ctx.gain_e[mask].sum())
    dup = float(ctx.ov_d[mask[ctx.ov_i] & mask[ctx.ov_j]].sum()) if len(ctx.ov_d) else 0.0
    y = _coverage(ctx, t.niches)
    obj = scenario.spec.objective
    cov_value = float(obj.coverage * (ctx.weights @ y)) if len(y) else 0.0
    return Evaluation(
        spend=t.spend, engagement=raw - dup, raw_engagement=raw,
        coverage={s: float(v) for s, v in zip(ctx.niches, y)},
        coverage_value=cov_value, objective=float(obj.engagement * (raw - dup) + cov_value),
    )


# ---------------------------------------------------------------- violations
def _money_tol(amount: float, tol: float) -> float:
    return tol * max(1.0, abs(amount))


def _filter_violations(scenario: Scenario, ctx: _Context, mask: np.ndarray) -> list[str]:
    r, c, cur = scenario.roster, scenario.spec.constraints, scenario.currency
    out = []
    for row in np.flatnonzero(ctx.filters["constraints.exclude"] & mask):
        out.append(f"constraints.exclude[{r.ids[row]}]: {r.ids[row]} is excluded but selected")
    bad = np.flatnonzero(ctx.filters["constraints.min_authenticity"] & mask)
    if bad.size:
        shown = _some_ids([f"{r.ids[k]} {r.authenticity[k]:.2f}" for k in bad])
        out.append(f"constraints.min_authenticity: {counted(bad.size, 'selected influencer')} below "
                   f"{c.min_authenticity:g} authenticity ({shown})")
    bad = np.flatnonzero(ctx.filters["constraints.countries"] & mask)
    if bad.size:
        shown = _some_ids([f"{r.ids[k]} {r.country[k] or 'no country'}" for k in bad])
        out.append(f"constraints.countries: {counted(bad.size, 'selected influencer')} outside "
                   f"{', '.join(c.countries)} ({shown})")
    bad = np.flatnonzero(ctx.filters["constraints.max_budget_share"] & mask)
    if bad.size:
        cap = c.max_budget_share * scenario.budget
        shown = _some_ids([f"{r.ids[k]} {format_money(r.fee[k], cur)}" for k in bad])
        out.append(f"constraints.max_budget_share: {counted(bad.size, 'selected fee')} above "
                   f"{_pct(c.max_budget_share)} of the budget ({format_money(cap, cur)}): {shown}")
    return out


def _total_violations(scenario: Scenario, t: _Totals, tol: float) -> list[str]:
    cur, budget, out = scenario.currency, scenario.budget, []
    if t.spend > budget + _money_tol(budget, tol):
        out.append(f"budget: spend {format_money(t.spend, cur)} exceeds {format_money(budget, cur)}")
    lo = scenario.spec.constraints.min_spend
    if lo is not None and t.spend < lo - _money_tol(lo, tol):
        out.append(f"constraints.min_spend: spend {format_money(t.spend, cur)} is below {format_money(lo, cur)}")
    return out


def _bound_violations(ctx: _Context, t: _Totals) -> list[str]:
    out = []
    for b in ctx.bounds:
        v = _value(t, b)
        if b.kind == "min" and v < b.limit:
            out.append(f"{b.name}: {v:,} selected, at least {b.limit:,}")
        elif b.kind == "max" and v > b.limit:
            out.append(f"{b.name}: {v:,} selected, at most {b.limit:,}")
    return out


def _share_violations(scenario: Scenario, ctx: _Context, t: _Totals, tol: float) -> list[str]:
    cur, out = scenario.currency, []
    for s in ctx.shares:
        p = _platform_spend(t, s)
        slack = p - s.share * t.spend if s.kind == "min" else s.share * t.spend - p
        if slack < -_money_tol(t.spend, tol):
            share = p / t.spend if t.spend > 0 else 0.0
            word = "at least" if s.kind == "min" else "at most"
            out.append(f"{s.name}: {s.platform} has {_pct(share)} of spend ({format_money(p, cur)} of "
                       f"{format_money(t.spend, cur)}), {word} {_pct(s.share)}")
    return out


def _id_rule_violations(scenario: Scenario, ctx: _Context, mask: np.ndarray) -> list[str]:
    ids, out = scenario.roster.ids, []
    for row in ctx.include_rows[~mask[ctx.include_rows]]:
        out.append(f"constraints.include[{ids[row]}]: {ids[row]} must be selected but is not")
    for name, rows in ctx.groups:
        chosen = rows[mask[rows]]
        if chosen.size > 1:
            out.append(f"{name}: {chosen.size} selected ({_some_ids(ids[chosen], 5)}), at most 1")
    return out


def violations(scenario: Scenario, mask, tol: float = 1e-6) -> list[str]:
    """Every rule a selection breaks, each message starting with the rule's report name.

    Money and shares are compared with a relative tolerance ``tol``.  A selected
    row that a filter removes (see :func:`candidates`) breaks that filter's rule.
    Returns ``[]`` for a feasible selection.

    Examples
    --------
    >>> from lineup.domain import Roster, Scenario, ScenarioSpec
    >>> r = Roster.from_columns(ids=["a", "b", "c"], followers=[2e6, 3e6, 5e3],
    ...                         engagement_rate=[0.01, 0.01, 0.05], fee=[9_000, 12_000, 300])
    >>> spec = ScenarioSpec.model_validate({"name": "x", "currency": "GBP", "budget": 20_000,
    ...     "roster": "r.csv", "constraints": {"tiers": {"mega": {"max": 1}}, "include": ["c"]}})
    >>> for line in violations(Scenario(spec, r), [0, 1]):
    ...     print(line)
    budget: spend £21,000 exceeds £20,000
    constraints.tiers.mega.max: 2 selected, at most 1
    constraints.include[c]: c must be selected but is not
    >>> violations(Scenario(spec, r), [0, 2])
    []
    """
    ctx = _context(scenario)
    mask = _as_mask(scenario, mask)
    t = _totals(ctx, mask)
    return (_filter_violations(scenario, ctx, mask) + _total_violations(scenario, t, tol)
            + _bound_violations(ctx, t) + _share_violations(scenario, ctx, t, tol)
            + _id_rule_violations(scenario, ctx, mask))


# ---------------------------------------------------------------- binding
@dataclass(frozen=True)
class Binding:
    """A rule that is tight at a portfolio or stops further spending.

    ``value`` is the rule's current left-hand side (spend, count, share), ``limit``
    its bound, ``detail`` a sentence for the planner.
    """

    name: str
    value: float
    limit: float
    detail: str


def _blockers(ctx: _Context, t: _Totals, mask: np.ndarray, pool: np.ndarray) -> list[tuple]:
    """``(rule, blocked)`` for each rule that forbids adding a row of ``pool`` (bool masks)."""
    out = []
    for b in ctx.bounds:
        if b.kind == "max" and _value(t, b) >= b.limit:
            out.append((b, pool & _eligible(ctx, b)))
    for name, rows in ctx.groups:
        if mask[rows].any():
            blocked = np.zeros(ctx.n, dtype=bool)
            blocked[rows] = True
            out.append(((name, rows), pool & blocked & ~mask))
    for s in ctx.shares:
        out.append((s, pool & ~_share_ok_after_add(ctx, t, s)))
    return [(rule, blocked) for rule, blocked in out if blocked.any()]


def _share_ok_after_add(ctx: _Context, t: _Totals, s: _Share, tol: float = 1e-9) -> np.ndarray:
    """Per row: would platform share rule ``s`` hold after adding that row alone?"""
    p = _platform_spend(t, s)
    on = ctx.platform == s.code
    new_p = p + np.where(on, ctx.fee, 0.0)
    new_total = t.spend + ctx.fee
    slack = new_p - s.share * new_total if s.kind == "min" else s.share * new_total - new_p
    return slack >= -tol * np.maximum(1.0, new_total)


def _tight_bounds(scenario: Scenario, ctx: _Context, t: _Totals, blocked: dict) -> list[Binding]:
    out = []
    for b in ctx.bounds:
        v = _value(t, b)
        if v == b.limit and (b.kind == "max" or b.limit > 0):
            word = "the maximum" if b.kind == "max" else "the minimum"
            detail = f"{_label(b, v)} selected, {word}"
            if b.name in blocked:
                detail += f"; it blocks {counted(blocked[b.name], 'affordable candidate')}"
            out.append(Binding(b.name, float(v), float(b.limit), detail))
    lo = scenario.spec.constraints.min_spend
    if lo is not None and lo > 0 and abs(t.spend - lo) <= 1e-6 * max(1.0, lo):
        m = format_money(lo, scenario.currency)
        out.append(Binding("constraints.min_spend", t.spend, lo, f"spend is at the minimum {m}"))
    return out


def _tight_shares(scenario: Scenario, ctx: _Context, t: _Totals, blocked: dict) -> list[Binding]:
    out = []
    for s in ctx.shares:
        p = _platform_spend(t, s)
        share = p / t.spend if t.spend > 0 else 0.0
        tight = t.spend > 0 and abs(share - s.share) <= 1e-6
        if tight or s.name in blocked:
            word = "at least" if s.kind == "min" else "at most"
            detail = f"{s.platform} has {_pct(share)} of spend, {word} {_pct(s.share)} allowed"
            if s.name in blocked:
                detail += f"; it blocks {counted(blocked[s.name], 'affordable candidate')}"
            out.append(Binding(s.name, share, s.share, detail))
    return out


def _tight_groups(scenario: Scenario, ctx: _Context, mask: np.ndarray, blocked: dict) -> list[Binding]:
    ids, out = scenario.roster.ids, []
    for name, rows in ctx.groups:
        chosen, others = rows[mask[rows]], rows[~mask[rows]]
        if chosen.size == 1 and others.size:
            detail = f"{ids[chosen[0]]} is selected, so {_some_ids(ids[others])} cannot be"
            out.append(Binding(name, 1.0, 1.0, detail))
    return out


def _budget_binding(scenario: Scenario, ctx: _Context, t: _Totals, pool: np.ndarray) -> Optional[Binding]:
    cur, budget = scenario.currency, scenario.budget
    left = budget - t.spend
    fees = ctx.fee[pool]
    head = f"spend {format_money(t.spend, cur)} of {format_money(budget, cur)}"
    if fees.size and left < fees.min() - 1e-9 * max(1.0, budget):
        tail = f"the cheapest unselected candidate costs {format_money(fees.min(), cur)}"
        return Binding("budget", t.spend, budget, f"{head}; {tail}")
    return None


def _unspent(scenario: Scenario, ctx: _Context, t: _Totals, free: np.ndarray, pool_size: int) -> list[Binding]:
    """Explain an under-spend that no rule explains: affordable candidates anyone could add."""
    cur, left = scenario.currency, scenario.budget - t.spend
    k = int(free.sum())
    if pool_size == 0:
        return [Binding("candidates", float(t.count), float(t.count),
                        f"every candidate the filters allow is selected; "
                        f"{format_money(left, cur)} of the budget is left")]
    if k == 0:
        return []
    return [Binding("unspent", t.spend, scenario.budget,
                    f"{format_money(left, cur)} of the budget is left although {counted(k, 'affordable candidate')} "
                    f"could still be added without breaking a rule")]


def binding(scenario: Scenario, mask) -> list[Binding]:
    """Rules that are tight at a selection, and the rules that stop further spending.

    Listed: ``budget`` when the money left is below the cheapest unselected
    candidate's fee; count bounds at their limit (maxima, and positive minima);
    ``constraints.min_spend`` at its limit; platform shares at their limit; conflict
    groups with a chosen member.  When money is left over, the rules that forbid
    adding each affordable candidate are listed too (with how many they block),
    and if some affordable candidate could be added without breaking a rule an
    ``unspent`` entry says so; if every allowed candidate is already selected a
    ``candidates`` entry says so.  A planner never gets a silent under-spend.

    Examples
    --------
    >>> from lineup.domain import Roster, Scenario, ScenarioSpec
    >>> r = Roster.from_columns(ids=["a", "b", "c"], followers=[5e3, 6e3, 7e3],
    ...                         engagement_rate=[0.05, 0.05, 0.05], fee=[1_000, 1_000, 1_000])
    >>> spec = ScenarioSpec.model_validate({"name": "x", "currency": "GBP", "budget": 10_000,
    ...     "roster": "r.csv", "constraints": {"influencers": {"max": 2}}})
    >>> for b in binding(Scenario(spec, r), [0, 1]):
    ...     print(b.name, "-", b.detail)
    constraints.influencers.max - 2 influencers selected, the maximum; it blocks 1 affordable candidate
    """
    ctx = _context(scenario)
    mask = _as_mask(scenario, mask)
    t = _totals(ctx, mask)
    pool = candidates(scenario).mask & ~mask
    out = []
    b = _budget_binding(scenario, ctx, t, pool)
    blocked: dict[str, int] = {}
    free = np.zeros(ctx.n, dtype=bool)
    if b is not None:
        out.append(b)
    else:
        affordable = pool & (ctx.fee <= scenario.budget - t.spend + 1e-9 * max(1.0, scenario.budget))
        free = affordable.copy()
        for rule, rows in _blockers(ctx, t, mask, affordable):
            blocked[rule[0] if isinstance(rule, tuple) else rule.name] = int(rows.sum())
            free &= ~rows
    out += _tight_bounds(scenario, ctx, t, blocked) + _tight_shares(scenario, ctx, t, blocked)
    out += _tight_groups(scenario, ctx, mask, blocked)
    if b is None:
        out += _unspent(scenario, ctx, t, free, int(pool.sum()))
    return out

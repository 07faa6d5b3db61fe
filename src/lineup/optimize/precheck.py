"""Cheap necessary conditions: obvious reasons a scenario has no feasible portfolio.

:func:`precheck` never claims infeasibility wrongly: every message is a proof that
no selection satisfies the rules (with the same float tolerance as
:func:`lineup.optimize.rules.violations`).  An empty list only means nothing is
*obviously* wrong; the MILP may still be infeasible, and its elastic relaxation
then names the conflicting rules.

Each message starts with the rule's report name and gives the numbers in the
scenario's currency, e.g. ``"constraints.tiers.micro.min = 20 needs at least
£18,400 for the 20 cheapest micro influencers; budget is £15,000"``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._text import counted
from ..domain.scenario import Scenario
from ..domain.tiers import TIER_NAMES
from .rules import (
    FILTER_ORDER,
    Candidates,
    _Bound,
    _context,
    _Context,
    _eligible,
    _label,
    _money_tol,
    _pct,
    _some_ids,
    format_money,
)

__all__ = ["precheck", "filter_problems", "emptied"]

#: Filters the planner set in ``constraints`` (the budget is a rule, not a filter to explain).
CONSTRAINT_FILTERS = tuple(f for f in FILTER_ORDER if f != "budget")


@dataclass(frozen=True)
class _Pool:
    """What every feasible portfolio draws from: the allowed rows, the forced rows."""

    allowed: np.ndarray     # cand.mask | includes (bool)
    forced: np.ndarray      # includes (bool)
    forced_cost: float


def _pool(ctx: _Context, cand: Candidates) -> _Pool:
    forced = np.zeros(ctx.n, dtype=bool)
    forced[cand.include_rows] = True
    return _Pool(cand.mask | forced, forced, float(ctx.fee[forced].sum()))


def _over(need: float, limit: float) -> bool:
    """``need`` exceeds ``limit`` by more than the tolerance of ``violations``."""
    return need > limit + _money_tol(limit, 1e-6) + _money_tol(need, 1e-6)


# ---------------------------------------------------------------- includes
def _why_removed(scenario: Scenario, ctx: _Context, row: int) -> str:
    r, c, cur = scenario.roster, scenario.spec.constraints, scenario.currency
    name = next(f for f in FILTER_ORDER if ctx.filters[f][row])
    if name == "constraints.exclude":
        return "it is also in constraints.exclude"
    if name == "constraints.min_authenticity":
        return f"authenticity {r.authenticity[row]:.2f} is below {c.min_authenticity:g}"
    if name == "constraints.countries":
        where = f"country {r.country[row]!r}" if r.country[row] else "no country"
        return f"{where}, allowed {', '.join(c.countries)}"
    if name == "constraints.niches_only":
        held = "; ".join(r.niche_lists(np.array([row]))[0])
        return f"{f'niches {held!r}' if held else 'no niche'}, allowed {', '.join(c.niches_only)}"
    if name == "constraints.max_budget_share":
        cap = c.max_budget_share * scenario.budget
        return f"fee {format_money(r.fee[row], cur)} is above {_pct(c.max_budget_share)} of the budget, {format_money(cap, cur)}"
    return f"fee {format_money(r.fee[row], cur)} is above the budget {format_money(scenario.budget, cur)}"


def _include_removed(scenario: Scenario, ctx: _Context, row: int, name: str) -> str:
    i = scenario.roster.ids[row]
    return f"constraints.include[{i}]: {i} is removed by {name} ({_why_removed(scenario, ctx, row)})"


def _include_checks(scenario: Scenario, ctx: _Context, cand: Candidates, pool: _Pool) -> list[str]:
    ids, cur, out = scenario.roster.ids, scenario.currency, []
    for row in cand.include_rows[~cand.mask[cand.include_rows]]:
        out.append(_include_removed(scenario, ctx, row, next(f for f in FILTER_ORDER if ctx.filters[f][row])))
    k = len(cand.include_rows)
    if k > 1 and _over(pool.forced_cost, scenario.budget):
        out.append(f"constraints.include: the {k} included influencers cost {format_money(pool.forced_cost, cur)} "
                   f"together; budget is {format_money(scenario.budget, cur)}")
    for name, rows in ctx.groups:
        both = rows[pool.forced[rows]]
        if both.size > 1:
            out.append(f"{name}: {_some_ids(ids[both], 5)} are all in constraints.include, but at most one may be chosen")
    return out + _include_maxima(scenario, ctx, cand)


def _include_maxima(scenario: Scenario, ctx: _Context, cand: Candidates) -> list[str]:
    ids, inc, out = scenario.roster.ids, cand.include_rows, []
    for b in ctx.bounds:
        if b.kind != "max":
            continue
        rows = inc[_eligible(ctx, b)[inc]]
        if rows.size > b.limit:
            out.append(f"{b.name} = {b.limit:,} but constraints.include has {_label(b, rows.size)} "
                       f"({_some_ids(ids[rows])})")
    return out


# ---------------------------------------------------------------- counts
def _upper_count(ctx: _Context, avail: np.ndarray) -> tuple[int, int]:
    """(rows available, an upper bound on how many of them one portfolio can hold).

    Conflict groups that share no row each allow one member, so every such group
    lowers the bound by its available members minus one.
    """
    total = int(avail.sum())
    used = np.zeros(ctx.n, dtype=bool)
    cut = 0
    for _, rows in ctx.groups:
        if used[rows].any():
            continue
        used[rows] = True
        cut += max(0, int(avail[rows].sum()) - 1)
    return total, total - cut


def _removed_in(ctx: _Context, within: np.ndarray, cand: Candidates) -> str:
    """``" (constraints.min_authenticity removed 40)"`` for the filtered rows of ``within``."""
    parts, taken = [], np.zeros(ctx.n, dtype=bool)
    for name in FILTER_ORDER:
        new = ctx.filters[name] & within & ~taken
        taken |= new
        if new.any():
            parts.append(f"{name} removed {int(new.sum()):,}")
    return f" ({', '.join(parts)})" if parts else ""


def _shortage(scenario: Scenario, ctx: _Context, cand: Candidates, b: _Bound, elig: np.ndarray, avail: int) -> str:
    """``"<bound> = 4 needs 4 micro influencers; only 1 is left after the filters (...); the roster's ..."``."""
    held = _held_values(scenario, ctx, _filters_in(ctx, elig))
    return (f"{b.name} = {b.limit:,} needs {_label(b, b.limit)}; only {avail:,} {'is' if avail == 1 else 'are'} "
            f"left after the filters{_removed_in(ctx, elig, cand)}{held}")


def _filters_in(ctx: _Context, within: np.ndarray) -> list[str]:
    """The constraint filters (not the budget) that removed rows of ``within``, in filter order."""
    return [name for name in CONSTRAINT_FILTERS if (ctx.filters[name] & within).any()]


_TOP_VALUES = 6


def _top(counts: dict[str, int], shown) -> str:
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    text = ", ".join(f"{shown(k)} {v:,}" for k, v in items[:_TOP_VALUES])
    return text + (f" and {len(items) - _TOP_VALUES:,} more" if len(items) > _TOP_VALUES else "")


def _countries_held(scenario: Scenario) -> str:
    from ..domain.countries import country_code

    values, counts = np.unique(np.asarray([c if isinstance(c, str) else "" for c in scenario.roster.country.tolist()],
                                          dtype=object), return_counts=True)

    def shown(v: str) -> str:
        if not v:
            return "(blank)"
        code = country_code(v)
        return f"{v!r} ({code})" if code else f"{v!r} (not a country)"

    return f"the roster's countries: {_top(dict(zip(values.tolist(), counts.tolist())), shown)}"


def _niches_held(scenario: Scenario) -> str:
    r = scenario.roster
    counts = np.asarray(r.niche_membership.sum(axis=0)).ravel().astype(int)
    none = int((np.diff(r.niche_matrix.indptr) == 0).sum())
    held = dict(zip(r.niche_names, counts.tolist()))
    text = _top(held, repr) if held else "none"
    return f"the roster's niches: {text}" + (f" ({none:,} rows have no niche)" if none else "")


def _held_values(scenario: Scenario, ctx: _Context, names: list[str]) -> str:
    """``"; the roster's countries: 'united states' (US) 900, ..."`` for the filters in ``names``."""
    r, parts = scenario.roster, []
    for name in names:
        if name == "constraints.countries":
            parts.append(_countries_held(scenario))
        elif name == "constraints.niches_only":
            parts.append(_niches_held(scenario))
        elif name == "constraints.min_authenticity":
            a = r.authenticity
            parts.append(f"the roster's authenticity: min {a.min():.2f}, median {np.median(a):.2f}, max {a.max():.2f}")
        elif name == "constraints.max_budget_share":
            parts.append(f"the cheapest fee is {format_money(ctx.fee.min(), scenario.currency)}")
    return "".join(f"; {p}" for p in parts)


def _emptied(scenario: Scenario, ctx: _Context, cand: Candidates) -> list[str]:
    """The filters leave no candidate at all (and nothing is included)."""
    names = _filters_in(ctx, np.ones(ctx.n, dtype=bool))
    if cand.count or len(cand.include_rows) or not names:
        return []
    removed = ", ".join(f"{k} removed {v:,}" for k, v in cand.removed.items())
    alone = len(cand.removed) == 1
    who = names[0] if alone else "the filters"
    return [f"{who} {'leaves' if alone else 'leave'} no candidate: of {counted(ctx.n, 'influencer')}, "
            f"{removed}{_allowed(scenario, names)}{_held_values(scenario, ctx, names)}{_budget_note(scenario, ctx)}"]


def _budget_note(scenario: Scenario, ctx: _Context) -> str:
    """``"; the cheapest fee the other filters leave is $X (budget $Y)"`` when the budget removed rows too."""
    other = np.zeros(ctx.n, dtype=bool)
    for name in CONSTRAINT_FILTERS:
        other |= ctx.filters[name]
    left = ~other & ctx.filters["budget"]
    if not left.any():
        return ""
    cur = scenario.currency
    return (f"; the cheapest fee the other filters leave is {format_money(ctx.fee[left].min(), cur)} "
            f"(budget {format_money(scenario.budget, cur)})")


def _allowed(scenario: Scenario, names: list[str]) -> str:
    c = scenario.spec.constraints
    parts = []
    if "constraints.countries" in names:
        from ..domain.countries import country_code

        shown = [f"{v} ({country_code(v)})" if country_code(v) else v for v in c.countries]
        parts.append(f"countries allowed: {', '.join(shown)}")
    if "constraints.niches_only" in names:
        parts.append(f"niches allowed: {', '.join(c.niches_only)}")
    if "constraints.min_authenticity" in names:
        parts.append(f"authenticity at least {c.min_authenticity:g}")
    return f" ({'; '.join(parts)})" if parts else ""


def filter_problems(scenario: Scenario, cand: Candidates | None = None) -> list[tuple[str, str]]:
    """Filters that leave no candidate, or fewer than a rule's minimum needs, as ``(filter, message)``.

    ``filter`` is the report name of the first constraint filter involved
    (``constraints.countries``...); each message names the filters, what they
    removed and the values the roster holds.  ``lineup validate`` reports these
    as input errors; :func:`lineup.optimize.solve` as an infeasible status.

    Examples
    --------
    >>> from lineup.domain import Roster, Scenario, ScenarioSpec
    >>> r = Roster.from_columns(ids=["a", "b"], followers=[5e3, 6e3], engagement_rate=[0.03, 0.03],
    ...                         fee=[100, 100], country=["united states", "canada"])
    >>> spec = ScenarioSpec.model_validate({"name": "x", "budget": 1_000, "roster": "r.csv",
    ...     "constraints": {"countries": ["fr"]}})
    >>> filter_problems(Scenario(spec, r))  # doctest: +NORMALIZE_WHITESPACE
    [('constraints.countries', "constraints.countries leaves no candidate: of 2 influencers, constraints.countries
      removed 2 (countries allowed: fr (FR)); the roster's countries: 'canada' (CA) 1, 'united states' (US) 1")]
    """
    from .rules import candidates

    ctx = _context(scenario)
    cand = candidates(scenario) if cand is None else cand
    pool = _pool(ctx, cand)
    out = [(_filters_in(ctx, np.ones(ctx.n, dtype=bool))[0], m) for m in _emptied(scenario, ctx, cand)]
    if out:
        return out
    for row in cand.include_rows[~cand.mask[cand.include_rows]]:
        name = next(f for f in FILTER_ORDER if ctx.filters[f][row])
        if name in CONSTRAINT_FILTERS:
            out.append((name, _include_removed(scenario, ctx, row, name)))
    for b in ctx.bounds:
        if b.kind != "min" or b.limit == 0:
            continue
        elig = _eligible(ctx, b)
        avail = int((pool.allowed & elig).sum())
        names = _filters_in(ctx, elig)
        if avail < b.limit and names:
            out.append((names[0], _shortage(scenario, ctx, cand, b, elig, avail)))
    return out


def _tier_caps(ctx: _Context, pool: _Pool) -> np.ndarray:
    """Upper bound on each tier's count in any portfolio (availability, conflicts, tier max)."""
    caps = np.array([_upper_count(ctx, pool.allowed & (ctx.tier == t))[1] for t in range(5)], dtype=float)
    for b in ctx.bounds:
        if b.source == "tier" and b.kind == "max":
            caps[b.index] = min(caps[b.index], b.limit)
    return caps


def _count_checks(scenario: Scenario, ctx: _Context, cand: Candidates, pool: _Pool) -> list[str]:
    out = []
    caps = _tier_caps(ctx, pool)
    for b in ctx.bounds:
        if b.kind != "min" or b.limit == 0:
            continue
        elig = _eligible(ctx, b)
        avail, upper = _upper_count(ctx, pool.allowed & elig)
        if avail < b.limit:
            out.append(_shortage(scenario, ctx, cand, b, elig, avail))
        elif upper < b.limit:
            out.append(f"{b.name} = {b.limit:,} needs {_label(b, b.limit)}; {avail:,} are left after the filters "
                       f"but constraints.conflicts allow at most {upper:,} of them")
        elif b.source == "count" and caps.sum() < b.limit:
            out.append(f"{b.name} = {b.limit:,} needs {_label(b, b.limit)}; the tiers allow at most "
                       f"{int(caps.sum()):,} ({_tier_list(caps)})")
    return out + _tier_sum_check(ctx, pool)


def _tier_list(counts) -> str:
    return ", ".join(f"{TIER_NAMES[t]} {int(v):,}" for t, v in enumerate(counts) if v > 0) or "none"


def _tier_sum_check(ctx: _Context, pool: _Pool) -> list[str]:
    """Tier minimums (and included influencers) that add up to more than influencers.max."""
    need = np.bincount(ctx.tier[pool.forced], minlength=5).astype(float)
    named = False
    for b in ctx.bounds:
        if b.source == "tier" and b.kind == "min":
            named |= b.limit > need[b.index]
            need[b.index] = max(need[b.index], b.limit)
    hi = next((b for b in ctx.bounds if b.name == "constraints.influencers.max"), None)
    if hi is None or need.sum() <= hi.limit or not named:
        return []
    return [f"constraints.tiers.*.min need {int(need.sum()):,} influencers together ({_tier_list(need)}, "
            f"counting the included ones) but constraints.influencers.max = {hi.limit:,}"]


# ---------------------------------------------------------------- money
def _cheapest_extra(ctx: _Context, pool: _Pool, b: _Bound) -> tuple[float, int] | None:
    """(cost of the cheapest rows that complete bound ``b`` beyond the includes, how many), or None."""
    elig = _eligible(ctx, b)
    have = int((pool.forced & elig).sum())
    k = max(0, b.limit - have)
    fees = ctx.fee[pool.allowed & elig & ~pool.forced]
    if fees.size < k:
        return None
    return (float(np.partition(fees, k - 1)[:k].sum()) if k else 0.0), have


def _min_cost_checks(scenario: Scenario, ctx: _Context, pool: _Pool) -> tuple[list[str], float]:
    """Messages for minimums the budget cannot pay for, and the best lower bound on spend."""
    cur, budget, out = scenario.currency, scenario.budget, []
    lower, tier_extra = pool.forced_cost, []
    for b in ctx.bounds:
        if b.kind != "min" or b.limit == 0:
            continue
        got = _cheapest_extra(ctx, pool, b)
        if got is None:
            continue
        need = pool.forced_cost + got[0]
        lower = max(lower, need)
        if b.source == "tier":
            tier_extra.append((b, got[0]))
        if _over(need, budget):
            out.append(_min_cost_message(scenario, b, need, pool))
    combined = pool.forced_cost + sum(x for _, x in tier_extra)
    lower = max(lower, combined)
    if len(tier_extra) > 1 and not out and _over(combined, budget):
        parts = ", ".join(f"{b.name.split('.')[2]} {b.limit:,}" for b, _ in tier_extra)
        out.append(f"constraints.tiers.*.min together ({parts}) need at least {format_money(combined, cur)} for the "
                   f"cheapest influencers of each tier{_with_includes(pool)}; budget is {format_money(budget, cur)}")
    return out, lower


def _with_includes(pool: _Pool) -> str:
    k = int(pool.forced.sum())
    return f" together with the {counted(k, 'included influencer')}" if k else ""


def _min_cost_message(scenario: Scenario, b: _Bound, need: float, pool: _Pool) -> str:
    cur = scenario.currency
    cheapest = b.label.format(k=f"{b.limit:,} cheapest", s="" if b.limit == 1 else "s")
    return (f"{b.name} = {b.limit:,} needs at least {format_money(need, cur)} for the {cheapest}"
            f"{_with_includes(pool)}; budget is {format_money(scenario.budget, cur)}")


def _max_reachable_spend(ctx: _Context, pool: _Pool) -> tuple[float, int | None]:
    """Upper bound on spend from counts alone: the priciest rows each tier max and the count max allow."""
    fees = []
    caps = {b.index: b.limit for b in ctx.bounds if b.source == "tier" and b.kind == "max"}
    for t in range(5):
        f = np.sort(ctx.fee[pool.allowed & (ctx.tier == t)])[::-1]
        fees.append(f[: caps.get(t, f.size)])
    allf = np.sort(np.concatenate(fees))[::-1]
    hi = next((b.limit for b in ctx.bounds if b.name == "constraints.influencers.max"), None)
    return float(allf[: hi if hi is not None else allf.size].sum()), hi


def _spend_checks(scenario: Scenario, ctx: _Context, pool: _Pool) -> list[str]:
    cur, budget = scenario.currency, scenario.budget
    lo = scenario.spec.constraints.min_spend
    if lo is None or lo == 0:
        return []
    if _over(lo, budget):
        return [f"constraints.min_spend = {format_money(lo, cur)} is above the budget {format_money(budget, cur)}"]
    top, hi = _max_reachable_spend(ctx, pool)
    if _over(lo, top):
        who = (f"the {hi:,} most expensive candidates allowed (constraints.influencers.max = {hi:,})"
               if hi is not None else "all candidates allowed")
        return [f"constraints.min_spend = {format_money(lo, cur)} cannot be reached: {who} "
                f"cost {format_money(top, cur)} together"]
    return []


# ---------------------------------------------------------------- platforms
def _platform_checks(scenario: Scenario, ctx: _Context, pool: _Pool, lower: float) -> list[str]:
    """Platform spend shares that no positive spend can meet (only when spend must be > 0)."""
    mins = [s for s in ctx.shares if s.kind == "min" and s.share > 0]
    if lower <= 0 or not mins:
        return []
    cur, out = scenario.currency, []
    why = f"every portfolio spends at least {format_money(lower, cur)}"
    for s in mins:
        paid = pool.allowed & (ctx.platform == s.code) & (ctx.fee > 0) if s.code >= 0 else np.zeros(ctx.n, bool)
        if not paid.any() and s.share * lower > _money_tol(lower, 1e-6):
            out.append(f"{s.name} = {_pct(s.share)} of spend, but no candidate on {s.platform} is left "
                       f"after the filters; {why}")
    total = sum(s.share for s in mins)
    if (total - 1.0) * lower > len(mins) * _money_tol(lower, 1e-6):
        names = ", ".join(f"{s.platform} {_pct(s.share)}" for s in mins)
        out.append(f"constraints.platforms.*.min_share add up to {_pct(total)} of spend ({names}); {why}")
    return out


def precheck(scenario: Scenario, cand: Candidates) -> list[str]:
    """Obvious reasons why no portfolio can satisfy the scenario, in the planner's words.

    Checked: includes removed by a filter, includes over the budget, in one
    conflict group or above a count maximum; count minimums (influencers, tiers,
    niches) that need more candidates than the filters and conflicts leave, or
    more money than the budget (the cheapest eligible candidates plus the
    includes); tier minimums adding up to more than ``constraints.influencers.max``;
    ``constraints.min_spend`` above the budget or beyond the priciest allowed
    portfolio; platform minimum shares that no candidate can meet.  Returns ``[]``
    when nothing is obviously wrong.

    Examples
    --------
    >>> from lineup.domain import Roster, Scenario, ScenarioSpec
    >>> from lineup.optimize.rules import candidates
    >>> r = Roster.from_columns(ids=[f"m{i}" for i in range(30)], followers=[5_000] * 30,
    ...                         engagement_rate=[0.04] * 30, fee=[900 + 10 * i for i in range(30)])
    >>> spec = ScenarioSpec.model_validate({"name": "x", "currency": "GBP", "budget": 15_000,
    ...     "roster": "r.csv", "constraints": {"tiers": {"micro": {"min": 20}}}})
    >>> sc = Scenario(spec, r)
    >>> precheck(sc, candidates(sc))
    ['constraints.tiers.micro.min = 20 needs at least £19,900 for the 20 cheapest micro influencers; budget is £15,000']
    """
    ctx = _context(scenario)
    pool = _pool(ctx, cand)
    out = _include_checks(scenario, ctx, cand, pool) + _count_checks(scenario, ctx, cand, pool)
    money, lower = _min_cost_checks(scenario, ctx, pool)
    lo = scenario.spec.constraints.min_spend
    if lo:
        lower = max(lower, lo - _money_tol(lo, 1e-6))
    return out + money + _spend_checks(scenario, ctx, pool) + _platform_checks(scenario, ctx, pool, lower)


def emptied(scenario: Scenario, cand: Candidates) -> list[str]:
    """``[message]`` when the constraint filters leave no candidate at all (and nothing is included), else ``[]``.

    Not a proof of infeasibility (the empty portfolio meets every rule), but
    never what the planner meant: :func:`lineup.optimize.solve` reports it as
    infeasible, naming the filters and the values the roster holds.
    """
    return _emptied(scenario, _context(scenario), cand)

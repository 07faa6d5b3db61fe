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
from .constraints import FILTER_ORDER, CountBound
from .model import Model, model_of
from .rules import Candidates
from .wording import format_money, money_tol, pct, some_ids

__all__ = ["precheck", "filter_problems", "emptied"]

#: Filters the planner set in ``constraints`` (the budget is a rule, not a filter to explain).
CONSTRAINT_FILTERS = tuple(f for f in FILTER_ORDER if f != "budget")


def _groups(m: Model) -> list[tuple[str, np.ndarray]]:
    """The planner's conflict groups (each packaged influencer's group is handled in bulk)."""
    return [(c.name, c.decisions) for c in m.conflicts]


@dataclass(frozen=True)
class _Pool:
    """What every feasible portfolio draws from: the allowed rows, the forced rows."""

    allowed: np.ndarray     # cand.mask | includes (bool)
    forced: np.ndarray      # includes (bool)
    forced_cost: float


def _pool(m: Model, cand: Candidates) -> _Pool:
    forced = cand.forced
    return _Pool(cand.mask | forced, forced, float(m.decisions.cost[forced].sum()))


def _over(need: float, limit: float) -> bool:
    """``need`` exceeds ``limit`` by more than the tolerance of ``violations``."""
    return need > limit + money_tol(limit, 1e-6) + money_tol(need, 1e-6)


# ---------------------------------------------------------------- includes
def _ids(m: Model, decisions) -> np.ndarray:
    """The influencer ids of ``decisions``."""
    return m.scenario.roster.ids[m.decisions.row[np.asarray(decisions, dtype=np.int64)]]


def _include_removed(scenario: Scenario, m: Model, row: int, name: str) -> str:
    i = scenario.roster.ids[m.decisions.row[row]]
    return f"constraints.include[{i}]: {i} is removed by {name} ({m.filter_named(name).why(m, row)})"


def _include_checks(scenario: Scenario, m: Model, cand: Candidates, pool: _Pool) -> list[str]:
    cur, out = scenario.currency, []
    for row in cand.include_rows[~cand.mask[cand.include_rows]]:
        out.append(_include_removed(scenario, m, row, next(f for f in FILTER_ORDER if m.removed_by(f)[row])))
    k = len(cand.include_rows)
    if k > 1 and _over(pool.forced_cost, scenario.budget):
        out.append(f"constraints.include: the {k} included influencers cost {format_money(pool.forced_cost, cur)} "
                   f"together; budget is {format_money(scenario.budget, cur)}")
    for name, rows in _groups(m):
        both = rows[pool.forced[rows]]
        if both.size > 1:
            out.append(f"{name}: {some_ids(_ids(m, both), 5)} are all in constraints.include, but at most one may be chosen")
    return out + _include_maxima(scenario, m, cand)


def _include_maxima(scenario: Scenario, m: Model, cand: Candidates) -> list[str]:
    inc, out = cand.include_rows, []
    for b in m.bounds:
        if b.kind != "max":
            continue
        rows = inc[b.eligible(m)[inc]]
        if rows.size > b.limit:
            out.append(f"{b.name} = {b.limit:,} but constraints.include has {b.label_for(rows.size)} "
                       f"({some_ids(_ids(m, rows))})")
    return out


# ---------------------------------------------------------------- counts
def _upper_count(m: Model, avail: np.ndarray) -> tuple[int, int]:
    """(decisions available, an upper bound on how many of them one portfolio can hold).

    Conflict groups that share no decision each allow one member, so every such group
    lowers the bound by its available members minus one; so does each influencer's group
    of packages (at most one package each), counted in bulk.
    """
    total = int(avail.sum())
    used = np.zeros(m.n, dtype=bool)
    cut = 0
    for _, rows in _groups(m):
        if used[rows].any():
            continue
        used[rows] = True
        cut += max(0, int(avail[rows].sum()) - 1)
    dec, gi = m.package_groups
    if dec.size:
        k = int(gi.max()) + 1
        clash = np.bincount(gi, weights=used[dec], minlength=k) > 0
        have = np.bincount(gi, weights=avail[dec], minlength=k)
        cut += int(np.maximum(0, have[~clash] - 1).sum())
    return total, total - cut


def _removed_in(m: Model, within: np.ndarray, cand: Candidates) -> str:
    """``" (constraints.min_authenticity removed 40)"`` for the filtered rows of ``within``."""
    parts, taken = [], np.zeros(m.n, dtype=bool)
    for name in FILTER_ORDER:
        new = m.removed_by(name) & within & ~taken
        taken |= new
        if new.any():
            parts.append(f"{name} removed {int(new.sum()):,}")
    return f" ({', '.join(parts)})" if parts else ""


def _shortage(scenario: Scenario, m: Model, cand: Candidates, b: CountBound, elig: np.ndarray, avail: int) -> str:
    """``"<bound> = 4 needs 4 micro influencers; only 1 is left after the filters (...); the roster's ..."``."""
    held = _held_values(scenario, m, _filters_in(m, elig))
    return (f"{b.name} = {b.limit:,} needs {b.label_for(b.limit)}; only {avail:,} {'is' if avail == 1 else 'are'} "
            f"left after the filters{_removed_in(m, elig, cand)}{held}")


def _filters_in(m: Model, within: np.ndarray) -> list[str]:
    """The constraint filters (not the budget) that removed rows of ``within``, in filter order."""
    return [name for name in CONSTRAINT_FILTERS if (m.removed_by(name) & within).any()]


def _held_values(scenario: Scenario, m: Model, names: list[str]) -> str:
    """``"; the roster's countries: 'united states' (US) 900, ..."`` for the filters in ``names``."""
    parts = [m.filter_named(name).held(m) for name in names]
    return "".join(f"; {p}" for p in parts if p)


#: the order the filters' allowed values are listed in
_ALLOWED_ORDER = ("constraints.countries", "constraints.niches_only", "constraints.min_authenticity")


def _allowed(scenario: Scenario, m: Model, names: list[str]) -> str:
    """``" (countries allowed: fr (FR); authenticity at least 0.8)"`` for the filters in ``names``."""
    parts = [m.filter_named(name).allowed(m) for name in _ALLOWED_ORDER if name in names]
    return f" ({'; '.join(parts)})" if parts else ""


def _emptied(scenario: Scenario, m: Model, cand: Candidates) -> list[str]:
    """The filters leave no candidate at all (and nothing is included)."""
    names = _filters_in(m, np.ones(m.n, dtype=bool))
    if cand.count or len(cand.include_rows) or not names:
        return []
    removed = ", ".join(f"{k} removed {v:,}" for k, v in cand.removed.items())
    alone = len(cand.removed) == 1
    who = names[0] if alone else "the filters"
    return [f"{who} {'leaves' if alone else 'leave'} no candidate: of {counted(scenario.roster.n, 'influencer')}, "
            f"{removed}{_allowed(scenario, m, names)}{_held_values(scenario, m, names)}{_budget_note(scenario, m)}"]


def _budget_note(scenario: Scenario, m: Model) -> str:
    """``"; the cheapest fee the other filters leave is $X (budget $Y)"`` when the budget removed rows too."""
    other = np.zeros(m.n, dtype=bool)
    for name in CONSTRAINT_FILTERS:
        other |= m.removed_by(name)
    left = ~other & m.removed_by("budget")
    if not left.any():
        return ""
    cur = scenario.currency
    return (f"; the cheapest fee the other filters leave is {format_money(m.decisions.cost[left].min(), cur)} "
            f"(budget {format_money(scenario.budget, cur)})")


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

    m = model_of(scenario)
    cand = candidates(scenario) if cand is None else cand
    pool = _pool(m, cand)
    out = [(_filters_in(m, np.ones(m.n, dtype=bool))[0], line) for line in _emptied(scenario, m, cand)]
    if out:
        return out
    for row in cand.include_rows[~cand.mask[cand.include_rows]]:
        name = next(f for f in FILTER_ORDER if m.removed_by(f)[row])
        if name in CONSTRAINT_FILTERS:
            out.append((name, _include_removed(scenario, m, row, name)))
    for b in m.bounds:
        if b.kind != "min" or b.limit == 0:
            continue
        elig = b.eligible(m)
        avail = int((pool.allowed & elig).sum())
        names = _filters_in(m, elig)
        if avail < b.limit and names:
            out.append((names[0], _shortage(scenario, m, cand, b, elig, avail)))
    return out


def _tier_caps(m: Model, pool: _Pool) -> np.ndarray:
    """Upper bound on each tier's count in any portfolio (availability, conflicts, tier max)."""
    caps = np.array([_upper_count(m, pool.allowed & (m.decisions.tier == t))[1] for t in range(5)], dtype=float)
    for b in m.bounds:
        if b.source == "tier" and b.kind == "max":
            caps[b.index] = min(caps[b.index], b.limit)
    return caps


def _count_checks(scenario: Scenario, m: Model, cand: Candidates, pool: _Pool) -> list[str]:
    out = []
    caps = _tier_caps(m, pool)
    for b in m.bounds:
        if b.kind != "min" or b.limit == 0:
            continue
        elig = b.eligible(m)
        avail, upper = _upper_count(m, pool.allowed & elig)
        if avail < b.limit:
            out.append(_shortage(scenario, m, cand, b, elig, avail))
        elif upper < b.limit:
            out.append(f"{b.name} = {b.limit:,} needs {b.label_for(b.limit)}; {avail:,} are left after the filters "
                       f"but constraints.conflicts allow at most {upper:,} of them")
        elif b.source == "count" and caps.sum() < b.limit:
            out.append(f"{b.name} = {b.limit:,} needs {b.label_for(b.limit)}; the tiers allow at most "
                       f"{int(caps.sum()):,} ({_tier_list(caps)})")
    return out + _tier_sum_check(m, pool)


def _tier_list(counts) -> str:
    return ", ".join(f"{TIER_NAMES[t]} {int(v):,}" for t, v in enumerate(counts) if v > 0) or "none"


def _tier_sum_check(m: Model, pool: _Pool) -> list[str]:
    """Tier minimums (and included influencers) that add up to more than influencers.max."""
    need = np.bincount(m.decisions.tier[pool.forced], minlength=5).astype(float)
    named = False
    for b in m.bounds:
        if b.source == "tier" and b.kind == "min":
            named |= b.limit > need[b.index]
            need[b.index] = max(need[b.index], b.limit)
    hi = next((b for b in m.bounds if b.name == "constraints.influencers.max"), None)
    if hi is None or need.sum() <= hi.limit or not named:
        return []
    return [f"constraints.tiers.*.min need {int(need.sum()):,} influencers together ({_tier_list(need)}, "
            f"counting the included ones) but constraints.influencers.max = {hi.limit:,}"]


# ---------------------------------------------------------------- money
def _cheapest_extra(m: Model, pool: _Pool, b: CountBound) -> tuple[float, int] | None:
    """(cost of the cheapest rows that complete bound ``b`` beyond the includes, how many), or None."""
    elig = b.eligible(m)
    have = int((pool.forced & elig).sum())
    k = max(0, b.limit - have)
    fees = m.decisions.cost[pool.allowed & elig & ~pool.forced]
    if fees.size < k:
        return None
    return (float(np.partition(fees, k - 1)[:k].sum()) if k else 0.0), have


def _min_cost_checks(scenario: Scenario, m: Model, pool: _Pool) -> tuple[list[str], float]:
    """Messages for minimums the budget cannot pay for, and the best lower bound on spend."""
    cur, budget, out = scenario.currency, scenario.budget, []
    lower, tier_extra = pool.forced_cost, []
    for b in m.bounds:
        if b.kind != "min" or b.limit == 0:
            continue
        got = _cheapest_extra(m, pool, b)
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


def _min_cost_message(scenario: Scenario, b: CountBound, need: float, pool: _Pool) -> str:
    cur = scenario.currency
    cheapest = b.label.format(k=f"{b.limit:,} cheapest", s="" if b.limit == 1 else "s")
    return (f"{b.name} = {b.limit:,} needs at least {format_money(need, cur)} for the {cheapest}"
            f"{_with_includes(pool)}; budget is {format_money(scenario.budget, cur)}")


def _max_reachable_spend(m: Model, pool: _Pool) -> tuple[float, int | None]:
    """Upper bound on spend from counts alone: the priciest rows each tier max and the count max allow."""
    fees = []
    caps = {b.index: b.limit for b in m.bounds if b.source == "tier" and b.kind == "max"}
    for t in range(5):
        f = np.sort(m.decisions.cost[pool.allowed & (m.decisions.tier == t)])[::-1]
        fees.append(f[: caps.get(t, f.size)])
    allf = np.sort(np.concatenate(fees))[::-1]
    hi = next((b.limit for b in m.bounds if b.name == "constraints.influencers.max"), None)
    return float(allf[: hi if hi is not None else allf.size].sum()), hi


def _spend_checks(scenario: Scenario, m: Model, pool: _Pool) -> list[str]:
    cur, budget = scenario.currency, scenario.budget
    lo = scenario.spec.constraints.min_spend
    if lo is None or lo == 0:
        return []
    if _over(lo, budget):
        return [f"constraints.min_spend = {format_money(lo, cur)} is above the budget {format_money(budget, cur)}"]
    top, hi = _max_reachable_spend(m, pool)
    if _over(lo, top):
        who = (f"the {hi:,} most expensive candidates allowed (constraints.influencers.max = {hi:,})"
               if hi is not None else "all candidates allowed")
        return [f"constraints.min_spend = {format_money(lo, cur)} cannot be reached: {who} "
                f"cost {format_money(top, cur)} together"]
    return []


# ---------------------------------------------------------------- platforms
def _platform_checks(scenario: Scenario, m: Model, pool: _Pool, lower: float) -> list[str]:
    """Platform spend shares that no positive spend can meet (only when spend must be > 0)."""
    mins = [s for s in m.shares if s.kind == "min" and s.share > 0]
    if lower <= 0 or not mins:
        return []
    cur, out = scenario.currency, []
    why = f"every portfolio spends at least {format_money(lower, cur)}"
    for s in mins:
        paid = pool.allowed & (m.decisions.platform == s.code) & (m.decisions.cost > 0) if s.code >= 0 else np.zeros(m.n, bool)
        if not paid.any() and s.share * lower > money_tol(lower, 1e-6):
            out.append(f"{s.name} = {pct(s.share)} of spend, but no candidate on {s.platform} is left "
                       f"after the filters; {why}")
    total = sum(s.share for s in mins)
    if (total - 1.0) * lower > len(mins) * money_tol(lower, 1e-6):
        names = ", ".join(f"{s.platform} {pct(s.share)}" for s in mins)
        out.append(f"constraints.platforms.*.min_share add up to {pct(total)} of spend ({names}); {why}")
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
    m = model_of(scenario)
    pool = _pool(m, cand)
    out = _include_checks(scenario, m, cand, pool) + _count_checks(scenario, m, cand, pool)
    money, lower = _min_cost_checks(scenario, m, pool)
    lo = scenario.spec.constraints.min_spend
    if lo:
        lower = max(lower, lo - money_tol(lo, 1e-6))
    out += money + _spend_checks(scenario, m, pool) + _platform_checks(scenario, m, pool, lower)
    return out + [line for rule in m.others for line in rule.precheck(m, pool.allowed, pool.forced)]


def emptied(scenario: Scenario, cand: Candidates) -> list[str]:
    """``[message]`` when the constraint filters leave no candidate at all (and nothing is included), else ``[]``.

    Not a proof of infeasibility (the empty portfolio meets every rule), but
    never what the planner meant: :func:`lineup.optimize.solve` reports it as
    infeasible, naming the filters and the values the roster holds.
    """
    return _emptied(scenario, model_of(scenario), cand)

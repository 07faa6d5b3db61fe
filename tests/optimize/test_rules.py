"""Tests of lineup.optimize.rules: filters, evaluation, violations, binding rules.

``tiny_instance`` and ``brute_force`` are shared with test_precheck and test_greedy:
a random small scenario and an independent, vectorised feasibility/objective oracle
over all 2**n selections.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lineup.domain import Overlap, Roster, Scenario, ScenarioSpec
from lineup.errors import UsageError
from lineup.optimize.rules import binding, candidates, evaluate, format_money, violations

TIERS = ("nano", "micro", "mid", "macro", "mega")


# ------------------------------------------------------------------ helpers
def make(rows, spec=None, overlap=None):
    """Scenario from a list of row dicts and a partial spec dict (budget defaults to 10,000)."""
    cols = {k: [r[k] for r in rows] for k in rows[0]}
    roster = Roster.from_columns(
        ids=cols.pop("id"), followers=cols.pop("followers"),
        engagement_rate=cols.pop("engagement_rate", [0.05] * len(rows)), fee=cols.pop("fee"), **cols)
    data = {"name": "t", "currency": "GBP", "budget": 10_000, "roster": "r.csv", **(spec or {})}
    return Scenario(ScenarioSpec.model_validate(data), roster, overlap=overlap)


def tiny_instance(seed: int, n: int | None = None, hard: bool = True) -> Scenario:
    """A random scenario of ≤ 10 influencers; ``hard=False`` leaves out every minimum."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 11)) if n is None else n
    followers = np.round(np.exp(rng.uniform(np.log(300), np.log(3e6), n)))
    fee = np.round(followers * 0.01 * rng.lognormal(0, 0.5, n)) + rng.integers(1, 50, n)
    niches = [list(rng.choice(["a", "b", "c"], rng.integers(0, 3), replace=False)) for _ in range(n)]
    roster = Roster.from_columns(
        ids=[f"u{i}" for i in range(n)], followers=followers, fee=fee, niches=niches,
        engagement_rate=rng.uniform(0.005, 0.1, n), authenticity=rng.uniform(0.5, 1.0, n),
        platform=rng.choice(["instagram", "tiktok"], n), country=rng.choice(["gb", "us", ""], n),
        posts=rng.integers(1, 3, n))
    spec = {"name": "tiny", "currency": "GBP", "roster": "r.csv",
            "budget": float(max(1.0, round(fee.sum() * rng.uniform(0.15, 1.1)))),
            "objective": {"engagement": 1.0, "coverage": float(rng.choice([0, 500, 5000]))},
            "niches": _tiny_niches(rng, roster, hard), "constraints": _tiny_constraints(rng, roster, hard)}
    overlap = None
    if n >= 2 and rng.random() < 0.3:
        pairs = np.array([(i, j) for i in range(n) for j in range(i + 1, n)])
        pick = pairs[rng.random(len(pairs)) < 0.4]
        shared = np.minimum(followers[pick[:, 0]], followers[pick[:, 1]]) * rng.uniform(0, 0.5, len(pick))
        overlap = Overlap(pick[:, 0].astype(np.int64), pick[:, 1].astype(np.int64), shared)
    return Scenario(ScenarioSpec.model_validate(spec), roster, overlap=overlap)


def _tiny_niches(rng, roster, hard):
    out = {}
    for s in roster.niche_names:
        if rng.random() < 0.7:
            out[s] = {"weight": float(rng.integers(1, 4)), "target": int(rng.integers(1, 4)),
                      "min_influencers": int(rng.integers(0, 3)) if hard and rng.random() < 0.4 else 0}
    return out


def _tiny_constraints(rng, roster, hard):
    n, ids, c = roster.n, roster.ids.tolist(), {}
    lo = int(rng.integers(0, 4)) if hard and rng.random() < 0.4 else None
    hi = int(rng.integers(lo or 0, (lo or 0) + n + 1)) if rng.random() < 0.5 else None
    c["influencers"] = {"min": lo, "max": hi}
    c["tiers"] = {}
    for t in rng.choice(TIERS, rng.integers(0, 3), replace=False):
        tlo = int(rng.integers(0, 3)) if hard and rng.random() < 0.5 else None
        c["tiers"][str(t)] = {"min": tlo, "max": int(rng.integers(tlo or 0, 3)) if rng.random() < 0.6 else None}
    c["platforms"] = {}
    for p in sorted(set(roster.platform.tolist())):
        if rng.random() < 0.3:
            a, b = sorted(rng.uniform(0, 1, 2).round(2))
            c["platforms"][p] = {"min_share": float(a) if hard and rng.random() < 0.5 else None,
                                 "max_share": float(b) if rng.random() < 0.5 else None}
    total = sum(v["min_share"] or 0.0 for v in c["platforms"].values())
    if total > 1:  # the schema refuses minimum shares adding up to more than 100 %
        for v in c["platforms"].values():
            v["min_share"] = None if v["min_share"] is None else float(np.floor(v["min_share"] / total * 100) / 100)
    if rng.random() < 0.3:
        c["max_budget_share"] = float(rng.uniform(0.2, 1.0))
    if rng.random() < 0.3:
        c["min_authenticity"] = float(rng.uniform(0.5, 0.9))
    if rng.random() < 0.2:
        c["countries"] = ["gb"] if rng.random() < 0.5 else ["gb", "us"]
    if hard and rng.random() < 0.3:
        c["min_spend"] = float(round(roster.fee.sum() * rng.uniform(0, 0.6)))
    perm = [ids[k] for k in rng.permutation(n)]
    k_inc = int(rng.integers(0, 3)) if hard else 0
    c["include"], rest = perm[:k_inc], perm[k_inc:]
    c["exclude"] = rest[:1] if rest and rng.random() < 0.3 else []
    c["conflicts"] = [list(rng.choice(ids, 2, replace=False)) for _ in range(rng.integers(0, 3))] if n >= 2 else []
    return c


def brute_force(sc: Scenario):
    """(X, feasible, objective) over all 2**n selections, computed independently of rules.py."""
    r, spec, c = sc.roster, sc.spec, sc.spec.constraints
    n = r.n
    X = ((np.arange(2 ** n)[:, None] >> np.arange(n)) & 1).astype(bool)
    Xf = X.astype(float)
    spend = Xf @ r.fee
    ok = spend <= sc.budget + 1e-6 * max(1, sc.budget)
    if c.min_spend is not None:
        ok &= spend >= c.min_spend - 1e-6 * max(1, c.min_spend)
    removed = r.fee > sc.budget
    if c.max_budget_share is not None:
        removed |= r.fee > c.max_budget_share * sc.budget
    if c.min_authenticity is not None:
        removed |= r.authenticity < c.min_authenticity
    if c.countries is not None:
        removed |= ~np.isin(r.country.astype(str), c.countries)
    removed |= np.isin(r.ids.astype(str), c.exclude)
    ok &= ~X[:, removed].any(axis=1)
    ok &= X[:, np.isin(r.ids.astype(str), c.include)].all(axis=1)
    count = X.sum(axis=1)
    ok &= _within(count, c.influencers.min, c.influencers.max)
    tier = sc.tiers.codes_of(r.followers)
    for t, b in c.tiers.items():
        ok &= _within(X[:, tier == TIERS.index(t)].sum(axis=1), b.min, b.max)
    member = {s: np.array([s in row for row in r.niche_lists()]) for s in spec.niches}
    for s, ns in spec.niches.items():
        ok &= X[:, member[s]].sum(axis=1) >= ns.min_influencers
    for p, b in c.platforms.items():
        ps = Xf @ np.where(r.platform == p, r.fee, 0.0)
        tol = 1e-6 * np.maximum(1, spend)
        if b.min_share is not None:
            ok &= ps >= b.min_share * spend - tol
        if b.max_share is not None:
            ok &= ps <= b.max_share * spend + tol
    for g in c.conflicts:
        ok &= X[:, np.isin(r.ids.astype(str), g)].sum(axis=1) <= 1
    return X, ok, _objective(sc, X, member)


def _within(v, lo, hi):
    return (v >= (lo if lo is not None else -1)) & (v <= (hi if hi is not None else 10 ** 9))


def _objective(sc, X, member):
    r, spec = sc.roster, sc.spec
    Xf = X.astype(float)
    eng = Xf @ r.expected_engagement
    if sc.overlap is not None:
        per = r.posts * r.authenticity * r.engagement_rate
        for i, j, o in zip(sc.overlap.i, sc.overlap.j, sc.overlap.shared):
            eng -= X[:, i] * X[:, j] * o * min(per[i], per[j])
    cov = np.zeros(len(X))
    for s, ns in spec.niches.items():
        cov += ns.weight * np.minimum(1.0, X[:, member[s]].sum(axis=1) / ns.target)
    return spec.objective.engagement * eng + spec.objective.coverage * cov


ROWS = [
    {"id": "a", "followers": 500, "fee": 100, "platform": "instagram", "authenticity": 0.9, "country": "GB"},
    {"id": "b", "followers": 5_000, "fee": 800, "platform": "instagram", "authenticity": 0.6, "country": "us"},
    {"id": "c", "followers": 50_000, "fee": 3_000, "platform": "tiktok", "authenticity": 0.95, "country": ""},
    {"id": "d", "followers": 500_000, "fee": 12_000, "platform": "tiktok", "authenticity": 0.8, "country": "fr"},
    {"id": "e", "followers": 6_000, "fee": 900, "platform": "tiktok", "authenticity": 0.99, "country": "gb"},
]


# ------------------------------------------------------------------ format_money
@pytest.mark.parametrize("amount,currency,text", [
    (18_400, "GBP", "£18,400"), (1_234_567.891, "USD", "$1,234,567.89"), (0.5, "eur", "€0.50"),
    (-2_500, "GBP", "-£2,500"), (1_234, "CHF", "1,234 CHF"), (0, "USD", "$0"), (-0.001, "USD", "$0"),
])
def test_format_money(amount, currency, text):
    assert format_money(amount, currency) == text


# ------------------------------------------------------------------ candidates
def test_candidates_filters_in_order_and_counts():
    sc = make(ROWS, {"constraints": {"exclude": ["b"], "min_authenticity": 0.7, "countries": ["gb", "us"],
                                     "max_budget_share": 0.5, "include": ["c", "a"]}})
    cand = candidates(sc)
    # b: excluded (also below authenticity, counted once); c: no country; d: fr; e ok; a ok
    assert cand.mask.tolist() == [True, False, False, False, True]
    assert cand.removed == {"constraints.exclude": 1, "constraints.countries": 2}
    assert cand.include_rows.tolist() == [0, 2]
    assert cand.count == 2


def test_candidates_fee_over_budget_and_share():
    sc = make(ROWS, {"budget": 5_000, "constraints": {"max_budget_share": 0.5}})
    cand = candidates(sc)
    assert cand.removed == {"constraints.max_budget_share": 2}   # c (3,000 > 2,500) and d first
    sc = make(ROWS, {"budget": 5_000})
    assert candidates(sc).removed == {"budget": 1}
    assert candidates(sc).mask.sum() == 4


# ------------------------------------------------------------------ evaluate
def test_evaluate_engagement_coverage_objective():
    rows = [dict(r, niches=nl) for r, nl in zip(ROWS, [["vegan"], ["vegan", "skin"], ["skin"], [], ["vegan"]])]
    sc = make(rows, {"objective": {"engagement": 2.0, "coverage": 1_000},
                     "niches": {"vegan": {"weight": 3, "target": 2}, "skin": {"weight": 1}}})
    ev = evaluate(sc, np.array([True, False, True, False, False]))
    e = sc.roster.expected_engagement
    assert ev.raw_engagement == pytest.approx(e[0] + e[2])
    assert ev.engagement == ev.raw_engagement
    assert ev.coverage == {"vegan": 0.5, "skin": 1.0}
    assert ev.coverage_value == pytest.approx(1_000 * (3 * 0.5 + 1))
    assert ev.objective == pytest.approx(2 * (e[0] + e[2]) + 2_500)
    assert ev.spend == 3_100


def test_evaluate_overlap_deduplicates_pairs():
    ov = Overlap(np.array([0, 1]), np.array([1, 2]), np.array([100.0, 1_000.0]))
    sc = make(ROWS, overlap=ov)
    r = sc.roster
    per = r.posts * r.authenticity * r.engagement_rate
    ev = evaluate(sc, [0, 1, 2])
    dup = 100 * min(per[0], per[1]) + 1_000 * min(per[1], per[2])
    assert ev.engagement == pytest.approx(ev.raw_engagement - dup)
    assert evaluate(sc, [0, 2]).engagement == pytest.approx(evaluate(sc, [0, 2]).raw_engagement)


def test_mask_shape_checked():
    sc = make(ROWS)
    with pytest.raises(UsageError, match="shape"):
        evaluate(sc, np.ones(3, dtype=bool))
    with pytest.raises(UsageError, match="out of range"):
        violations(sc, [7])


# ------------------------------------------------------------------ violations
def test_violations_name_every_rule():
    sc = make(ROWS, {"budget": 20_000, "constraints": {
        "min_spend": 19_000, "influencers": {"min": 4}, "tiers": {"micro": {"max": 1}, "macro": {"min": 1}},
        "platforms": {"instagram": {"min_share": 0.5}, "tiktok": {"max_share": 0.2}},
        "max_budget_share": 0.1, "min_authenticity": 0.7, "countries": ["gb"], "include": ["d"],
        "exclude": ["a"], "conflicts": [["b", "e"]]}})
    sc = make([dict(r, niches=["v"]) for r in ROWS], {**sc.spec.model_dump(), "niches": {"v": {"min_influencers": 4}}})
    lines = violations(sc, [0, 1, 4])
    names = [line.split(":")[0] for line in lines]
    assert names == ["constraints.exclude[a]", "constraints.min_authenticity", "constraints.countries",
                     "constraints.min_spend", "constraints.influencers.min", "constraints.tiers.micro.max",
                     "constraints.tiers.macro.min", "niches.v.min_influencers",
                     "constraints.platforms.tiktok.max_share", "constraints.include[d]", "constraints.conflicts[b|e]"]
    assert "constraints.tiers.micro.max: 2 selected, at most 1" in lines
    assert "constraints.min_spend: spend £1,800 is below £19,000" in lines
    assert any("b 0.60" in x for x in lines)
    assert "constraints.platforms.tiktok.max_share: tiktok has 50% of spend (£900 of £1,800), at most 20%" in lines
    assert "constraints.conflicts[b|e]: 2 selected (b, e), at most 1" in lines


def test_violations_budget_share_and_tolerance():
    sc = make(ROWS, {"budget": 4_000, "constraints": {"max_budget_share": 0.5}})
    assert violations(sc, [2]) == [
        "constraints.max_budget_share: 1 selected fee above 50% of the budget (£2,000): c £3,000"]
    sc = make([dict(r, fee=f) for r, f in zip(ROWS, [0.1, 0.2, 0.3 + 1e-12, 5, 5])], {"budget": 0.6})
    assert violations(sc, [0, 1, 2]) == []          # 0.1 + 0.2 + 0.3 > 0.6 only by rounding
    assert violations(sc, [0, 1, 2], tol=0.0)[0].startswith("budget: spend")
    assert violations(sc, [0, 1, 2, 3])[0] == "budget: spend $5.60 exceeds $0.60".replace("$", "£")


def test_empty_selection_satisfies_shares():
    sc = make(ROWS, {"constraints": {"platforms": {"instagram": {"min_share": 0.9}}}})
    assert violations(sc, []) == []


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2 ** 32 - 1))
def test_violations_and_evaluate_match_brute_force(seed):
    sc = tiny_instance(seed)
    X, ok, obj = brute_force(sc)
    rng = np.random.default_rng(seed)
    for k in rng.choice(len(X), min(len(X), 40), replace=False):
        assert (violations(sc, X[k]) == []) == ok[k], (X[k], violations(sc, X[k]))
        assert evaluate(sc, X[k]).objective == pytest.approx(obj[k], rel=1e-9, abs=1e-6)


# ------------------------------------------------------------------ binding
def test_binding_budget():
    sc = make(ROWS, {"budget": 3_800})
    (b,) = binding(sc, [0, 2])
    assert (b.name, b.value, b.limit) == ("budget", 3_100, 3_800)
    assert b.detail == "spend £3,100 of £3,800; the cheapest unselected candidate costs £800"


def test_binding_explains_underspend_by_rules():
    sc = make(ROWS, {"budget": 100_000, "constraints": {
        "tiers": {"micro": {"max": 2}}, "conflicts": [["a", "c", "d"]]}})
    bs = {b.name: b for b in binding(sc, [0, 1, 4])}
    # c, d conflict with a; b and e fill micro: no affordable candidate is free
    assert set(bs) == {"constraints.tiers.micro.max", "constraints.conflicts[a|c|d]"}
    assert bs["constraints.conflicts[a|c|d]"].detail == "a is selected, so c, d cannot be"
    assert bs["constraints.tiers.micro.max"].detail == "2 micro influencers selected, the maximum"


def test_binding_share_blocking_and_unspent():
    sc = make(ROWS, {"budget": 100_000, "constraints": {"platforms": {"instagram": {"min_share": 0.5}}}})
    bs = {b.name: b for b in binding(sc, [0, 1])}
    # c and d would push instagram below half of spend; e (£900) keeps it at exactly 50 %
    assert "it blocks 2 affordable candidates" in bs["constraints.platforms.instagram.min_share"].detail
    assert "1 affordable candidate could" in bs["unspent"].detail
    bs = {b.name: b for b in binding(sc, [0, 1, 2])}      # c (3,000) on tiktok: d, e blocked, nothing free
    assert bs["constraints.platforms.instagram.min_share"].value == pytest.approx(900 / 3_900)
    assert "unspent" not in bs
    sc = make(ROWS, {"budget": 100_000})
    bs = binding(sc, [0])
    assert [b.name for b in bs] == ["unspent"]
    assert bs[0].detail.startswith("£99,900 of the budget is left although 4 affordable candidates")
    assert [b.name for b in binding(sc, [0, 1, 2, 3, 4])] == ["candidates"]


def test_binding_count_minimum_and_min_spend():
    sc = make(ROWS, {"budget": 1_000, "constraints": {"influencers": {"min": 2}, "min_spend": 900}})
    names = [b.name for b in binding(sc, [0, 1])]
    assert names == ["budget", "constraints.influencers.min", "constraints.min_spend"]

"""RR sets: coverage, estimates, weights, merging and the OPIM-C bounds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lineup.domain.rrsets import RRSets, lower_bound, sets_needed, upper_bound


def _sample(rng, n=6, sets=400, weighted=False):
    lists = [rng.choice(n, size=rng.integers(0, 4), replace=False) for _ in range(sets)]
    w = rng.uniform(0.05, 1.0, sets) if weighted else None
    return lists, w, RRSets.from_lists(lists, count=sets, n=n, people=1_000.0, weights=w)


@pytest.mark.parametrize("weighted", [False, True])
def test_coverage_and_estimate_match_a_direct_count(weighted):
    rng = np.random.default_rng(1)
    lists, w, rr = _sample(rng, weighted=weighted)
    w = np.ones(len(lists)) if w is None else w
    chosen = {1, 4}
    hit = np.array([bool(set(s.tolist()) & chosen) for s in lists])
    assert rr.covered(sorted(chosen)) == pytest.approx(w[hit].sum())
    assert rr.estimate(sorted(chosen)) == pytest.approx(1_000.0 * w[hit].sum() / len(lists))
    x = np.where(hit, w, 0.0)
    assert rr.standard_error(sorted(chosen)) == pytest.approx(1_000.0 * x.std() / math.sqrt(len(lists)))


@pytest.mark.parametrize("weighted", [False, True])
def test_singles_and_multiples_add_up_to_the_coverage_of_everything(weighted):
    rng = np.random.default_rng(2)
    _, _, rr = _sample(rng, weighted=weighted)
    _, _, m = rr.multiples()
    assert rr.singles().sum() + m.sum() == pytest.approx(rr.covered(np.ones(rr.n, dtype=bool)))


def test_merged_and_restricted_keep_counts_and_weights():
    rng = np.random.default_rng(3)
    _, _, a = _sample(rng, weighted=True)
    _, _, b = _sample(rng, weighted=False)
    both = a.merged(b)
    assert both.count == a.count + b.count
    assert both.covered([0, 2]) == pytest.approx(a.covered([0, 2]) + b.covered([0, 2]))
    keep = np.array([True, False, True, True, False, True])
    sub = a.restricted(keep)
    assert sub.n == 4 and sub.count == a.count
    assert sub.covered(np.ones(4, dtype=bool)) == pytest.approx(a.covered(keep))


def test_bounds_bracket_the_estimate_and_tighten_with_more_sets():
    people, delta = 1e6, 0.01
    for theta in (10_000, 100_000):
        covered = 0.02 * theta
        est = people * covered / theta
        assert lower_bound(covered, theta, people, delta) < est < upper_bound(covered, theta, people, delta)
    gap = lambda t: upper_bound(0.02 * t, t, people, delta) / lower_bound(0.02 * t, t, people, delta)  # noqa: E731
    assert gap(100_000) < gap(10_000)
    assert sets_needed(0.02, 0.1, 0.01) < sets_needed(0.01, 0.1, 0.01)


def test_lower_bound_holds_at_its_confidence_in_repeated_samples():
    """Coverage: the lower bound at δ = 0.1 falls below the true value in ≥ 90 % of samples."""
    rng = np.random.default_rng(4)
    p, theta, people = 0.05, 2_000, 1.0
    below = [lower_bound(rng.binomial(theta, p), theta, people, 0.1) <= p * people for _ in range(2_000)]
    assert np.mean(below) >= 0.9

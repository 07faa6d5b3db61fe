import numpy as np
import pytest

from lineup.domain import Portfolio, Roster, Tiers
from lineup.errors import UsageError


@pytest.fixture
def roster():
    return Roster.from_columns(
        ids=["@a", "b", "c", "d"],
        followers=[800, 5_000, 50_000, 2_000_000],
        engagement_rate=[0.08, 0.04, 0.02, 0.015],
        fee=[50, 300, 2_000, 30_000],
        authenticity=[1.0, 0.5, 0.9, 0.8],
        posts=[1, 2, 1, 1],
        niches=[["Skincare"], ["skincare", "vegan"], [], ["fitness"]],
    )


def test_expected_engagement_formula(roster):
    expected = np.array([1 * 800 * 1.0 * 0.08, 2 * 5000 * 0.5 * 0.04, 50_000 * 0.9 * 0.02, 2e6 * 0.8 * 0.015])
    np.testing.assert_allclose(roster.expected_engagement, expected)


def test_ids_and_niches_normalised(roster):
    assert roster.index_of("a") == 0 and roster.index_of("@a") == 0
    assert roster.niche_names == ("fitness", "skincare", "vegan")
    assert roster.niche_lists() == [["skincare"], ["skincare", "vegan"], [], ["fitness"]]


def test_duplicate_ids_rejected():
    with pytest.raises(ValueError, match="unique"):
        Roster.from_columns(ids=["a", "@a"], followers=[1, 2], engagement_rate=[0, 0], fee=[1, 1])


def test_subset_keeps_columns(roster):
    sub = roster.subset(np.array([False, True, False, True]))
    assert sub.ids.tolist() == ["b", "d"]
    assert sub.niche_lists() == [["skincare", "vegan"], ["fitness"]]


def test_portfolio_totals(roster):
    p = Portfolio.from_ids(roster, ["d", "b", "b"])
    assert p.ids == ["b", "d"]
    assert p.spend == 30_300
    assert p.niche_counts().tolist() == [1, 1, 1]
    assert p.tier_counts(Tiers()).tolist() == [0, 1, 0, 0, 1]
    with pytest.raises(UsageError, match="zz"):
        Portfolio.from_ids(roster, ["zz"])


def test_ids_given_to_the_constructor_are_normalised_for_lookups_and_uniqueness():
    import dataclasses

    base = Roster.from_columns(ids=["x", "y"], followers=[1e3, 2e3], engagement_rate=[0.1, 0.1], fee=[1, 1])
    r = dataclasses.replace(base, ids=np.array(["@Alice", " bob "], dtype=object), _index=None)
    assert r.ids.tolist() == ["Alice", "bob"] and r.index_of("alice") == 0 and r.index_of("@BOB") == 1
    with pytest.raises(ValueError, match="unique"):
        dataclasses.replace(base, ids=np.array(["@a", "A"], dtype=object), _index=None)

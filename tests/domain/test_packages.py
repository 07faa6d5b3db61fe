"""Packages (deliverable packages as columns) and their checks."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lineup.domain.packages import Packages
from lineup.domain.roster import Roster
from lineup.errors import UsageError


def _roster():
    return Roster.from_columns(ids=["ann", "bob", "cid"], followers=[12_000, 900, 250_000],
                               engagement_rate=[0.03, 0.05, 0.02], fee=[300, 40, 5_000], authenticity=[0.9, 1, 0.8])


def test_expected_engagement_uses_package_posts_and_own_rate_else_the_roster_rate():
    r = _roster()
    p = Packages.from_columns(row=[0, 0, 2], name=["1 post", "reel", "3 posts"], fee=[300, 500, 12_000],
                              posts=[1, 1, 3], engagement_rate=[np.nan, 0.06, np.nan])
    expected = [12_000 * 0.9 * 0.03, 12_000 * 0.9 * 0.06, 3 * 250_000 * 0.8 * 0.02]
    assert p.expected_engagement(r) == pytest.approx(expected)


def test_one_package_per_row_at_roster_values_matches_the_roster():
    r = _roster()
    p = Packages.from_columns(row=[0, 1, 2], name=["standard"] * 3, fee=r.fee, posts=r.posts)
    assert p.expected_engagement(r) == pytest.approx(r.expected_engagement)


def test_of_rows_and_counts():
    p = Packages.from_columns(row=[0, 0, 2], name=["a", "b", "a"], fee=[1, 2, 3])
    assert p.of_rows([0]).fee.tolist() == [1.0, 2.0]
    assert p.of_rows(np.array([False, False, True])).row.tolist() == [2]
    assert p.counts(3).tolist() == [2, 0, 1]


@pytest.mark.parametrize("change, message", [
    ({"fee": [1.0, -2.0]}, "fees must be finite"),
    ({"fee": [1.0, np.inf]}, "fees must be finite"),
    ({"posts": [1.0, 0.0]}, "posts must be > 0"),
    ({"name": ["1 post", "1 Post"], "row": [0, 0]}, "unique per influencer"),
    ({"engagement_rate": [np.nan, 1.5]}, "between 0 and 1"),
])
def test_invalid_packages_are_refused(change, message):
    columns = {"row": [0, 1], "name": ["1 post", "1 post"], "fee": [1.0, 2.0], **change}
    with pytest.raises(UsageError, match=message):
        Packages.from_columns(**columns)


def test_column_lengths_must_agree():
    with pytest.raises(ValueError, match="rows, expected 2"):
        Packages(row=np.array([0, 1]), name=np.array(["a"], dtype=object), fee=np.ones(2), posts=np.ones(2),
                 engagement_rate=np.full(2, np.nan), usage_rights=np.zeros(2, bool), line=np.zeros(2, np.int64))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.floats(0, 1e6), st.integers(1, 5)), min_size=1, max_size=12,
                unique_by=lambda t: t[0]))
def test_engagement_scales_with_posts(rows):
    r = _roster()
    p = Packages.from_columns(row=[t[0] for t in rows], name=["x"] * len(rows), fee=[t[1] for t in rows],
                              posts=[t[2] for t in rows])
    assert p.expected_engagement(r) == pytest.approx(r.expected_engagement[p.row] * p.posts)

import numpy as np
import pytest

from lineup.domain.tiers import TIER_NAMES, Tiers


def test_default_boundaries_are_inclusive_below():
    t = Tiers()
    f = np.array([0, 999, 1_000, 9_999, 10_000, 99_999, 100_000, 999_999, 1_000_000])
    assert t.names_of(f).tolist() == ["nano", "nano", "micro", "micro", "mid", "mid", "macro", "macro", "mega"]


def test_custom_boundaries_and_ranges():
    t = Tiers.from_mapping({"micro": 20_000})
    assert t.names_of([15_000]).tolist() == ["micro"]
    assert t.range_of("mega") == (1_000_000.0, float("inf"))
    assert [t.range_of(n)[0] for n in TIER_NAMES] == [0.0, 1_000.0, 20_000.0, 100_000.0, 1_000_000.0]


@pytest.mark.parametrize("bounds", [(10, 5, 100, 1000), (0, 10, 100, 1000), (1, 2, 3)])
def test_bad_boundaries_rejected(bounds):
    with pytest.raises(ValueError):
        Tiers(bounds)

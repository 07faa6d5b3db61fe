"""The seeded roster generator and the shipped example scenarios."""

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from lineup.domain.plausibility import ER_LOW, er_high
from lineup.domain.priors import card_ranges
from lineup.domain.scenario import ScenarioSpec, check_against_roster
from lineup.domain.tiers import Tiers
from lineup.io.overlap import read_overlap
from lineup.io.roster import read_roster
from lineup.io.synthetic import generate_overlap, generate_roster, write_roster_csv

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
KW = dict(niches=["skincare", "vegan", "makeup", "wellness"], platforms={"instagram": 0.7, "tiktok": 0.3})


@pytest.fixture(scope="module")
def big():
    return generate_roster(20_000, seed=5, **KW)


def test_same_seed_same_table_and_different_seed_different_table():
    a, b, c = (generate_roster(300, seed=s, **KW) for s in (1, 1, 2))
    pd.testing.assert_frame_equal(a, b)
    assert not a["followers"].equals(c["followers"])


def test_generator_accepts_a_numpy_generator():
    a = generate_roster(50, seed=np.random.default_rng(3), **KW)
    b = generate_roster(50, seed=np.random.default_rng(3), **KW)
    pd.testing.assert_frame_equal(a, b)


def test_median_engagement_falls_with_tier(big):
    tiers = Tiers().codes_of(big["followers"].to_numpy())
    medians = big.groupby(tiers)["engagement_rate"].median().to_numpy()
    assert len(medians) == 5 and np.all(np.diff(medians) < 0)


def test_fee_follows_followers(big):
    rho = stats.spearmanr(big["followers"], big["fee"]).statistic
    assert rho > 0.8


def test_fees_are_inside_the_rate_cards(big):
    platform = big["platform"].to_numpy(dtype=object)
    low, high = card_ranges(platform, Tiers().codes_of(big["followers"].to_numpy()))
    per_post = big["fee"].to_numpy() / big["posts"].to_numpy()
    assert np.all(per_post >= low) and np.all(per_post <= high)
    # both platforms, every tier: spread across the card, not piled on its ends
    assert set(platform) == {"instagram", "tiktok"}
    inside = (per_post > low) & (per_post < high)
    assert inside.mean() > 0.6


def test_engagement_rates_stay_in_the_plausible_band(big):
    codes = Tiers().codes_of(big["followers"].to_numpy())
    rates = big["engagement_rate"].to_numpy()
    assert np.all(rates <= er_high(big["platform"].to_numpy(dtype=object), codes)) and np.all(rates >= ER_LOW)


def test_tier_mix_and_ranges(big):
    counts = np.bincount(Tiers().codes_of(big["followers"].to_numpy()), minlength=5) / len(big)
    np.testing.assert_allclose(counts, [0.15, 0.55, 0.22, 0.07, 0.01], atol=0.015)
    only_micro = generate_roster(500, seed=1, tier_mix={"micro": 1.0}, **KW)
    assert only_micro["followers"].between(1_000, 9_999).all()


def test_other_marginals(big):
    auth = big["authenticity"]
    assert auth.between(0.3, 0.995).all() and 0.02 < (auth < 0.75).mean() < 0.15
    assert auth.between(0.8, 0.98).mean() > 0.7
    assert set(big["posts"]) == {1, 2, 3} and big["id"].is_unique
    counts = big["niches"].str.count(";") + 1
    assert set(counts) == {1, 2, 3}
    assert big["niches"].str.contains(":").mean() > 0.05


def test_written_roster_loads_with_blanks_estimated(tmp_path):
    df = generate_roster(400, seed=9, blank_rate=0.1, **KW)
    roster, warnings = read_roster(write_roster_csv(df, tmp_path / "r.csv"))
    assert len(roster) == 400 and warnings == []
    assert 0.05 < roster.er_estimated.mean() < 0.15 and 0.05 < roster.fee_estimated.mean() < 0.15
    assert set(roster.niche_names) == set(KW["niches"])


def test_overlap_generator_output_loads(tmp_path):
    df = generate_roster(100, seed=2, **KW)
    roster, _ = read_roster(write_roster_csv(df, tmp_path / "r.csv"))
    table = generate_overlap(df, 50, seed=2)
    overlap = read_overlap(write_roster_csv(table, tmp_path / "o.csv"), roster)
    assert len(overlap) == 50 and np.all(overlap.i < overlap.j)


# ------------------------------------------------------------------ shipped scenarios

def test_generate_script_reproduces_the_shipped_rosters(tmp_path):
    spec = importlib.util.spec_from_file_location("generate", ROOT / "scenarios" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for path in tmp_path.iterdir():
        assert path.read_bytes() == (ROOT / "scenarios" / "rosters" / path.name).read_bytes(), path.name


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_scenario_validates_and_fits_its_roster(path):
    spec = ScenarioSpec.model_validate(yaml.safe_load(path.read_text()))
    roster, warnings = read_roster(path.parent / spec.roster.path, columns=spec.roster.columns,
                                   platform=spec.roster.platform, fee_rates=spec.priors.fee_per_1k)
    assert warnings == [] and check_against_roster(spec, roster) == []
    assert (path.parent / spec.roster.path).stat().st_size < 1_000_000
    if spec.overlap:
        assert len(read_overlap(path.parent / spec.overlap.path, roster, spec.overlap.unit)) > 0


def test_small_budget_cannot_buy_any_macro_creator():
    spec = ScenarioSpec.model_validate(yaml.safe_load((ROOT / "scenarios" / "small_budget.yaml").read_text()))
    roster, _ = read_roster(ROOT / "scenarios" / spec.roster.path)
    big_enough = roster.followers >= spec.tier_bounds.range_of("macro")[0]
    assert big_enough.any() and roster.fee[big_enough].min() > spec.budget

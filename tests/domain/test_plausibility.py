"""Plausibility rules: each rule flags its rows with their lines; flag / skip / error modes."""

import numpy as np
import pytest

from lineup.domain.plausibility import apply_plausibility, implausible_rows
from lineup.domain.roster import Roster
from lineup.domain.tiers import Tiers
from lineup.errors import RosterError


def roster(**overrides):
    """Five plausible Instagram micro creators (lines 2–6), with some columns overridden."""
    cols = dict(ids=["a", "b", "c", "d", "e"], followers=[5_000.0] * 5, engagement_rate=[0.04] * 5,
                fee=[250.0] * 5, authenticity=[0.9] * 5, posts=[1.0] * 5, platform=["instagram"] * 5,
                line=[2, 3, 4, 5, 6], source="r.csv")
    cols.update(overrides)
    return Roster.from_columns(**cols)


def flagged(r, **kw):
    return {rule: rows.tolist() for rule, _, rows, _ in implausible_rows(r, **kw)}


def test_a_plausible_roster_is_left_alone():
    r = roster()
    out, warnings = apply_plausibility(r)
    assert out is r and warnings == [] and out.implausible.tolist() == [""] * 5


def test_engagement_rate_band_per_tier_and_platform():
    # 30–75 % rates (a rate computed on one or two posts) and 0.01 % are flagged; 24 % for micro is not
    r = roster(engagement_rate=[0.30, 0.75, 0.0001, 0.24, 0.04])
    assert flagged(r) == {"engagement_rate": [0, 1, 2]}
    # the band narrows with the tier: 18 % is fine for micro, not for macro (15 %)
    big = roster(followers=[5_000.0, 500_000.0, 5_000.0, 5_000.0, 5_000.0], engagement_rate=[0.18] * 5,
                 fee=[250.0, 7_000.0, 250.0, 250.0, 250.0])
    assert flagged(big) == {"engagement_rate": [1]}
    # TikTok rates (often on views) may reach 40 %
    tiktok = roster(platform=["tiktok"] * 5, engagement_rate=[0.35, 0.45, 0.04, 0.04, 0.04], fee=[50.0] * 5)
    assert flagged(tiktok) == {"engagement_rate": [1]}


def test_estimated_values_are_never_flagged():
    r = roster(engagement_rate=[0.9] * 5, fee=[1.0] * 5, er_estimated=[True] * 5, fee_estimated=[True] * 5)
    assert flagged(r) == {}


def test_authenticity_and_followers():
    r = roster(authenticity=[0.29, 0.3, 0.9, 0.9, 0.9], followers=[5_000.0, 5_000.0, 9.0, 10.0, 5_000.0])
    # 9 and 10 followers are nano: their fee of 250 is within 20× the nano card (10–100)
    assert flagged(r) == {"authenticity": [0], "followers": [2]}


def test_fee_far_outside_the_rate_card():
    # micro Instagram card 100–500 per post: flagged above 10,000 or below 5 per post; 0 (gifted) is not
    r = roster(fee=[10_001.0, 10_000.0, 4.9, 5.0, 0.0])
    assert flagged(r) == {"fee": [0, 2]}
    # per post: three posts at 3 each is below 5 per post
    assert flagged(roster(fee=[9.0] + [250.0] * 4, posts=[3.0] + [1.0] * 4)) == {"fee": [0]}
    # the scenario's card and tiers are used
    assert flagged(r, card={"instagram": {"micro": (1_000.0, 2_000.0)}}) == {"fee": [2, 3]}
    assert flagged(roster(fee=[60_000.0] * 5), tiers=Tiers.from_mapping({"micro": 5_000})) == {}


def test_flag_mode_lists_every_rule_with_lines_and_marks_the_rows():
    r = roster(engagement_rate=[0.6, 0.04, 0.04, 0.04, 0.04], fee=[250.0, 250.0, 250.0, 250.0, 99_999.0],
               authenticity=[0.1, 0.9, 0.9, 0.9, 0.9])
    out, warnings = apply_plausibility(r, "flag")
    assert out.implausible.tolist() == ["engagement_rate, authenticity", "", "", "", "fee"]
    assert out.ids.tolist() == r.ids.tolist()
    assert len(warnings) == 3
    assert warnings[0].startswith("r.csv: 1 implausible engagement rates, flagged (roster.implausible: flag): "
                                  "line 2 (a): engagement rate 60.00% is outside the plausible 0.05%–25% for a "
                                  "micro creator on instagram")
    assert "line 6 (e): fee 99,999.00 per post is above 20× the instagram micro rate card (100–500)" in warnings[2]


def test_long_lists_are_cut_with_a_count():
    n = 14
    r = Roster.from_columns(ids=[f"u{i}" for i in range(n)], followers=[5_000.0] * n, engagement_rate=[0.5] * n,
                            fee=[250.0] * n)
    (warning,) = apply_plausibility(r)[1]
    assert warning.count("line ") == 10 and warning.endswith("; and 4 more")


def test_skip_mode_drops_the_rows_and_says_so():
    r = roster(engagement_rate=[0.6, 0.04, 0.45, 0.04, 0.04])
    out, warnings = apply_plausibility(r, "skip")
    assert out.ids.tolist() == ["b", "d", "e"] and out.line.tolist() == [3, 5, 6]
    assert warnings[0].startswith("r.csv: 2 implausible engagement rates, skipped (roster.implausible: skip): "
                                  "line 2 (a)")
    assert "line 4 (c)" in warnings[0]


def test_skip_mode_with_nothing_left_is_an_error():
    with pytest.raises(RosterError, match="no rows left after skipping 5 rows with implausible values"):
        apply_plausibility(roster(followers=[5.0] * 5, fee=[50.0] * 5), "skip")


def test_error_mode_lists_every_row_located_and_escaped():
    r = roster(ids=["a\x1b[31m", "b", "c", "d", "e"], engagement_rate=[0.6, 0.04, 0.04, 0.04, 0.04],
               authenticity=[0.9, 0.9, 0.9, 0.1, 0.9])
    with pytest.raises(RosterError) as info:
        apply_plausibility(r, "error", unit="row")
    err = info.value
    assert "2 implausible values (roster.implausible: error" in str(err)
    assert [p.where for p in err.problems] == ["r.csv, row 2", "r.csv, row 5"]
    assert "engagement rate 60.00%" in err.problems[0].what and "authenticity 0.1" in err.problems[1].what
    r2 = roster(ids=["a\x1b[31m", "b", "c", "d", "e"], engagement_rate=[0.6, 0.04, 0.04, 0.04, 0.04])
    warning = apply_plausibility(r2)[1][0]
    assert "\x1b" not in warning and "a\\x1b[31m" in warning


def test_subset_keeps_the_flags():
    out, _ = apply_plausibility(roster(engagement_rate=[0.6, 0.04, 0.04, 0.04, 0.04]))
    assert out.subset(np.array([0, 2])).implausible.tolist() == ["engagement_rate", ""]


@pytest.mark.parametrize("platform", ["youtube", "twitch"])
def test_rates_on_views_get_the_view_band_on_youtube_and_twitch(platform):
    # a mega channel's views per subscriber (MrBeast ~25 %) is a typical rate on views, not a typo
    r = roster(platform=[platform] * 5, followers=[3e8, 3e8, 5_000, 5_000, 5_000],
               engagement_rate=[0.25, 0.45, 0.35, 0.04, 0.04], fee=[2e5, 2e5, 100, 100, 100])
    assert flagged(r).get("engagement_rate") == [1]

"""Deliverable packages from the roster (a package column) or a rate-card file; extra roster columns."""

import textwrap

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lineup.domain.roster import Roster
from lineup.errors import RosterError, ScenarioError
from lineup.io.rate_card import read_rate_card
from lineup.io.roster import read_roster, read_roster_packages
from lineup.io.scenario import load_scenario

from ..test_cli_inputs import assert_input_error, lineup

PACKAGES = """\
Creator,Platform,Followers,ER,Niche,Deliverable,Fee (£),Posts,Usage rights
@glowwithann,Instagram,12.5K,3.1%,skincare,1 post,300,1,no
glowwithann,Instagram,12.5K,3.1%,skincare,3 posts,800,3,yes
GlowWithAnn,instagram,12.5K,3.1%,skincare,Reel,450,1,
bobcooks,TikTok,900,5%,food,1 video,40,1,x
"""


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def _problems(exc) -> str:
    return "\n".join([exc.message, *exc.problems])


def test_package_column_gives_one_influencer_per_id_at_its_cheapest_package(tmp_path):
    roster, packages, warnings = read_roster_packages(_write(tmp_path, "r.csv", PACKAGES), display_name="r.csv")
    assert roster.ids.tolist() == ["glowwithann", "bobcooks"]
    assert roster.fee.tolist() == [300.0, 40.0] and roster.posts.tolist() == [1.0, 1.0]
    assert packages.row.tolist() == [0, 0, 0, 1]
    assert packages.name.tolist() == ["1 post", "3 posts", "Reel", "1 video"]
    assert packages.fee.tolist() == [300, 800, 450, 40] and packages.posts.tolist() == [1, 3, 1, 1]
    assert packages.usage_rights.tolist() == [False, True, False, True]
    assert np.isnan(packages.engagement_rate).all()  # no package_engagement_rate column: the roster's rate
    assert packages.line.tolist() == [2, 3, 4, 5]
    assert not any("duplicate" in w for w in warnings)


def test_read_roster_without_packages_api_is_unchanged(tmp_path):
    roster, _ = read_roster(_write(tmp_path, "r.csv", PACKAGES))
    assert roster.n == 2


def test_cheapest_package_can_be_a_later_row_and_package_rates_are_kept(tmp_path):
    text = """\
    handle,followers,engagement_rate,package,package_er,fee,posts
    ann,10000,2%,3 posts,,900,3
    ann,10000,2%,reel,6%,250,1
    """
    roster, packages, _ = read_roster_packages(_write(tmp_path, "r.csv", text))
    assert roster.fee.tolist() == [250.0] and roster.line.tolist() == [3]
    assert roster.engagement_rate.tolist() == [0.02]
    assert packages.engagement_rate[1] == pytest.approx(0.06) and np.isnan(packages.engagement_rate[0])


def test_disagreeing_profile_is_located_with_id_column_and_both_lines(tmp_path):
    text = PACKAGES.replace("glowwithann,Instagram,12.5K,3.1%,skincare,3 posts", "glowwithann,Instagram,13K,3.1%,"
                                                                                 "skincare,3 posts")
    with pytest.raises(RosterError) as exc:
        read_roster_packages(_write(tmp_path, "r.csv", text), display_name="r.csv")
    assert ("r.csv, line 3, column 'Followers': 'glowwithann' has several package rows and its followers differs "
            "between them (12,500 on line 2, 13,000 here)") in _problems(exc.value)


def test_repeated_package_and_blank_fee_are_located(tmp_path):
    text = PACKAGES + "glowwithann,Instagram,12.5K,3.1%,skincare,REEL,500,1,no\nbobcooks,TikTok,900,5%,food,story,,1,\n"
    with pytest.raises(RosterError) as exc:
        read_roster_packages(_write(tmp_path, "r.csv", text), display_name="r.csv")
    text = _problems(exc.value)
    assert "r.csv, line 6, column 'Deliverable': 'glowwithann' lists the package 'REEL' twice (also on line 4)" in text
    assert "r.csv, line 7, column 'Fee (£)': a package row needs its fee" in text
    assert len(exc.value.problems) == 2


def test_bad_usage_rights_is_located(tmp_path):
    with pytest.raises(RosterError, match="unusable row") as exc:
        read_roster_packages(_write(tmp_path, "r.csv", PACKAGES.replace(",x\n", ",maybe\n")), display_name="r.csv")
    assert "r.csv, line 5, column 'Usage rights': not yes/no: 'maybe'" in _problems(exc.value)


def test_skip_drops_bad_package_rows_only(tmp_path):
    text = PACKAGES + "glowwithann,Instagram,12.5K,3.1%,skincare,story,-5,1,no\n"
    roster, packages, warnings = read_roster_packages(_write(tmp_path, "r.csv", text), on_bad_rows="skip")
    assert roster.n == 2 and packages.name.tolist() == ["1 post", "3 posts", "Reel", "1 video"]
    assert any("1 row skipped" in w for w in warnings)


def test_without_package_column_repeated_ids_behave_as_before(tmp_path):
    same = "id,followers,fee\nann,100,5\nann,100,5\nbob,200,7\n"
    roster, packages, warnings = read_roster_packages(_write(tmp_path, "a.csv", same))
    assert packages is None and roster.n == 2 and any("identical duplicate" in w for w in warnings)
    with pytest.raises(RosterError) as exc:
        read_roster_packages(_write(tmp_path, "b.csv", "id,followers,fee\nann,100,5\nann,100,6\n"))
    assert "duplicate id 'ann' (also on line 2)" in _problems(exc.value)
    roster, _, _ = read_roster_packages(_write(tmp_path, "c.csv", "id,followers,fee\nann,100,5\nann,100,6\n"),
                                        duplicates="last")
    assert roster.fee.tolist() == [6.0]


# ------------------------------------------------------------------ rate card

ROSTER = Roster.from_columns(ids=["glowwithann", "bobcooks", "carla.fit"], followers=[12_500, 900, 40_000],
                             engagement_rate=[0.031, 0.05, 0.02], fee=[350, 40, 900], posts=[1, 1, 2],
                             fee_estimated=[True, False, False])

CARD = """\
Instagram handle,Package,Fee (£),Posts,Engagement rate,Usage rights
@GlowWithAnn,1 post,£300,1,,no
glowwithann,Reel + usage,"£1,100",1,4.5%,yes
carla.fit,3 posts,"2.4k",3,,true
"""


def test_rate_card_joins_on_id_and_keeps_a_standard_package_for_the_rest(tmp_path):
    roster, packages, _ = read_rate_card(_write(tmp_path, "cards.csv", CARD), ROSTER, display_name="cards.csv")
    assert packages.row.tolist() == [0, 0, 1, 2]
    assert packages.name.tolist() == ["1 post", "Reel + usage", "standard", "3 posts"]
    assert packages.fee.tolist() == [300, 1100, 40, 2400]
    assert packages.posts.tolist() == [1, 1, 1, 3]
    assert packages.engagement_rate[1] == pytest.approx(0.045) and np.isnan(packages.engagement_rate[0])
    assert packages.usage_rights.tolist() == [False, True, False, True]
    assert roster.fee.tolist() == [300, 40, 2400] and roster.posts.tolist() == [1, 1, 3]
    assert roster.fee_estimated.tolist() == [False, False, False]


def test_rate_card_unknown_ids_repeats_and_bad_values_all_at_once(tmp_path):
    card = CARD + "glow_with_ann,1 post,100,1,,\nglowwithann,1 POST,120,1,,\ncarla.fit,story,-5,1,,\n" \
                  "carla.fit,live,50,0,,\n"
    with pytest.raises(RosterError) as exc:
        read_rate_card(_write(tmp_path, "cards.csv", card), ROSTER, display_name="cards.csv")
    text = _problems(exc.value)
    assert exc.value.message == "cards.csv: 4 unusable rate-card rows"
    assert ("cards.csv, line 5, column 'Instagram handle': id 'glow_with_ann' is not in the roster (did you mean "
            "'glowwithann'?)") in text
    assert "cards.csv, line 6, column 'Package': package '1 POST' is listed twice for this influencer (also on " \
           "line 2)" in text
    assert "cards.csv, line 7, column 'Fee (£)': fee must be >= 0, got '-5'" in text
    assert "cards.csv, line 8, column 'Posts': posts must be > 0, got '0'" in text


def test_rate_card_lists_a_few_unknown_ids_then_counts(tmp_path):
    card = "id,package,fee\n" + "".join(f"ghost{k},1 post,10\n" for k in range(8))
    with pytest.raises(RosterError) as exc:
        read_rate_card(_write(tmp_path, "cards.csv", card), ROSTER, display_name="cards.csv")
    assert len(exc.value.problems) == 6 and "and 3 more ids not in the roster" in exc.value.problems[-1]


def test_rate_card_needs_id_package_and_fee(tmp_path):
    with pytest.raises(RosterError, match="needs columns id, package and fee; no package column"):
        read_rate_card(_write(tmp_path, "cards.csv", "handle,fee\nann,3\n"), ROSTER, display_name="cards.csv")


def test_rate_card_xlsx(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["Handle", "Package", "Fee"], ["bobcooks", "1 video", 45], ["bobcooks", "3 videos", 110]):
        sheet.append(row)
    book.save(tmp_path / "cards.xlsx")
    roster, packages, _ = read_rate_card(tmp_path / "cards.xlsx", ROSTER)
    assert packages.of_rows([1]).fee.tolist() == [45, 110] and roster.fee[1] == 45


# ------------------------------------------------------------------ extra columns

def test_extra_columns_are_numbers_flags_or_text(tmp_path):
    text = """\
    Handle,Followers,Fee,CO2 (kg),Audience female %,Verified,Reach est.,Notes
    ann,12K,300,1.2k,45%,yes,"3,400",loves cats
    bob,900,40,800,0.6,,1.5M,
    cid,5000,90,,55%,x,200,n/k
    """
    roster, _ = read_roster(_write(tmp_path, "r.csv", text), display_name="r.csv")
    assert roster.extra["co2_kg"].tolist()[:2] == [1200.0, 800.0] and np.isnan(roster.extra["co2_kg"][2])
    assert roster.extra["audience_female"] == pytest.approx([0.45, 0.6, 0.55])
    assert roster.extra["verified"].tolist() == [1.0, 0.0, 1.0]
    assert roster.extra["reach_est"].tolist() == [3400.0, 1.5e6, 200.0]
    assert "notes" not in roster.extra and roster.non_numeric["notes"] == "r.csv, line 2, column 'Notes': 'loves cats'"
    assert "followers" not in roster.extra and "fee" not in roster.extra


def test_columns_lineup_knows_by_name_are_never_extra(tmp_path):
    roster, _ = read_roster(_write(tmp_path, "r.csv", "id,followers,subscribers,fee\nann,10,10,3\n"))
    assert roster.extra == {}


def test_extra_columns_follow_kept_rows(tmp_path):
    roster, _ = read_roster(_write(tmp_path, "r.csv", "id,followers,co2\nann,10,1\nbob,-5,2\ncid,30,3\n"),
                            on_bad_rows="skip")
    assert roster.ids.tolist() == ["ann", "cid"] and roster.extra["co2"].tolist() == [1.0, 3.0]
    assert roster.subset([1]).extra["co2"].tolist() == [3.0]


# ------------------------------------------------------------------ scenarios

SCENARIO = """\
name: packages
budget: 5000
currency: GBP
roster: {path: roster.csv, rate_card: cards.csv}
costs:
  management: {hours: {nano: 1, micro: 2, mid: 4, macro: 8, mega: 16}, hourly_rate: 35}
constraints:
  team_hours: 30
  custom:
    - {column: co2_kg, max: 50}
    - {share_of: followers, column: audience_female, min: 0.5}
    - {count_where: verified, min: 1}
"""

ROSTER_CSV = """\
id,platform,followers,engagement_rate,fee,CO2 kg,Audience female,Verified
glowwithann,instagram,12.5K,3.1%,350,4,0.7,yes
bobcooks,tiktok,900,5%,40,1,0.4,no
carla.fit,instagram,40K,2%,900,9,55%,
"""


def test_scenario_with_rate_card_costs_and_custom_rules_loads(tmp_path):
    _write(tmp_path, "roster.csv", ROSTER_CSV)
    _write(tmp_path, "cards.csv", CARD)
    sc = load_scenario(_write(tmp_path, "s.yaml", SCENARIO))
    assert sc.packages is not None and sc.packages.n == 4
    assert sc.roster.fee.tolist() == [300, 40, 2400]
    assert sc.spec.costs.management.hourly_rate == 35
    assert sc.spec.constraints.team_hours == 30
    assert [r.key for r in sc.spec.constraints.custom] == ["co2_kg", "audience_female", "verified"]
    assert sc.with_overrides(budget=6000).packages is sc.packages


def test_scenario_without_packages_has_none(tiny_case):
    assert load_scenario(tiny_case).packages is None


def test_scenario_custom_rule_problems_are_located(tmp_path):
    _write(tmp_path, "roster.csv", ROSTER_CSV)
    _write(tmp_path, "cards.csv", CARD)
    bad = SCENARIO.replace("column: co2_kg", "column: co2kgs").replace("count_where: verified",
                                                                       "count_where: co2_kg")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(_write(tmp_path, "s.yaml", bad))
    text = _problems(exc.value)
    assert "s.yaml, line 10, field 'constraints.custom.0.column': column 'co2kgs' is not a numeric roster column " \
           "(did you mean 'co2_kg'?)" in text
    assert "s.yaml, line 12, field 'constraints.custom.2.count_where': column 'co2_kg' is not a flag" in text


def test_scenario_schema_errors_are_located(tmp_path):
    bad = SCENARIO.replace("hourly_rate: 35", "hourly_rat: 35").replace("max: 50", "min: 60, max: 50")
    bad += "    - {column: co2_kg, share: 3, max: 1}\n"
    _write(tmp_path, "roster.csv", ROSTER_CSV)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(_write(tmp_path, "s.yaml", bad))
    text = _problems(exc.value)
    assert "s.yaml, line 6, field 'costs.management.hourly_rat': unknown key 'hourly_rat' (did you mean " \
           "'hourly_rate'?)" in text
    assert "s.yaml, line 10, field 'constraints.custom.0': min (60) is greater than max (50)" in text
    assert "s.yaml, line 13, field 'constraints.custom.3.share': unknown key 'share' (did you mean 'share_of'?)" in text


def test_rate_card_with_a_package_column_too_is_refused(tmp_path):
    _write(tmp_path, "roster.csv", PACKAGES)
    _write(tmp_path, "cards.csv", CARD)
    with pytest.raises(ScenarioError, match="field 'roster.rate_card': the roster file has a package column too"):
        load_scenario(_write(tmp_path, "s.yaml", "name: x\nbudget: 100\nroster: {path: roster.csv, rate_card: "
                                                 "cards.csv}\n"))


def test_validate_exits_2_with_one_line_errors(tmp_path):
    _write(tmp_path, "roster.csv", ROSTER_CSV)
    _write(tmp_path, "cards.csv", CARD.replace("carla.fit", "carla_fit"))
    proc = lineup("validate", _write(tmp_path, "s.yaml", SCENARIO))
    assert_input_error(proc, "cards.csv, line 4, column 'Instagram handle': id 'carla_fit' is not in the roster "
                             "(did you mean 'carla.fit'?)")
    _write(tmp_path, "cards.csv", CARD)
    proc = lineup("validate", _write(tmp_path, "s.yaml", SCENARIO.replace("team_hours: 30", "team_hours: -3")))
    assert_input_error(proc, "field 'constraints.team_hours': input should be greater than or equal to 0")
    proc = lineup("validate", _write(tmp_path, "s.yaml", SCENARIO))
    assert proc.returncode == 0
    assert "packages: 4 for 3 influencers (1 sells more than one; 2 include usage rights)" in proc.stdout
    assert "extra columns for custom rules: co2_kg, audience_female, verified" in proc.stdout


def test_rate_card_missing_or_not_a_file(tmp_path):
    with pytest.raises(RosterError, match="rate-card file not found"):
        read_rate_card(tmp_path / "nope.csv", ROSTER)
    with pytest.raises(RosterError, match="not a regular file"):
        read_rate_card(tmp_path, ROSTER)


def test_extra_columns_of_several_files_are_joined(tmp_path):
    a = _write(tmp_path, "jan.csv", "id,followers,co2\nann,10,1\n")
    b = _write(tmp_path, "feb.csv", "id,followers,verified\nbob,20,yes\n")
    roster, _ = read_roster([a, b])
    assert roster.extra["co2"].tolist()[0] == 1.0 and np.isnan(roster.extra["co2"][1])
    assert roster.extra["verified"].tolist()[1] == 1.0


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.integers(1, 5_000), min_size=1, max_size=3), min_size=1, max_size=8))
def test_roster_row_is_the_cheapest_package_and_every_package_is_kept(tmp_path_factory, fees):
    lines = ["handle,followers,engagement_rate,package,fee"]
    lines += [f"c{i},{1000 + i},2%,p{k},{fee}" for i, row in enumerate(fees) for k, fee in enumerate(row)]
    path = tmp_path_factory.mktemp("pk") / "r.csv"
    path.write_text("\n".join(lines) + "\n")
    roster, packages, _ = read_roster_packages(path)
    assert roster.fee.tolist() == [float(min(row)) for row in fees]
    assert packages.n == sum(map(len, fees))
    assert np.array_equal(np.bincount(packages.row), [len(row) for row in fees])
    assert all(packages.fee[packages.row == r].min() == roster.fee[r] for r in range(roster.n))

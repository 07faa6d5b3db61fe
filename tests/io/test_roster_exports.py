"""Real-world exports (issue 8): delimiters, encodings, column aliases, engagement counts, several files, duplicates.

Fixtures are written here in the shapes seen in vendor exports and public monthly top lists;
the real files under ../shared/data are tried in tests that skip when the folder is absent.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lineup.errors import RosterError
from lineup.io.roster import read_roster
from lineup.io.scenario import load_scenario

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "influencers"


def write(folder: Path, text: str, name: str = "r.csv", encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def read(path, **kw):
    return read_roster(path, display_name=kw.pop("display_name", path.name), **kw)


def error_of(path, **kw) -> RosterError:
    with pytest.raises(RosterError) as info:
        read(path, **kw)
    return info.value


def cli(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """The real CLI in a subprocess run in ``folder`` (inheriting PYTHONPATH, so it runs this checkout)."""
    return subprocess.run([sys.executable, "-m", "lineup.cli", *args], capture_output=True, text=True,
                          env=os.environ.copy(), timeout=120, cwd=folder)


# ------------------------------------------------------------------ 1. delimiters and encodings

@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_every_delimiter_is_sniffed(tmp_path, sep):
    text = sep.join(["Username", "Category", "Followers", "ER"]) + "\n"
    text += sep.join(["ann", "beauty, skincare", "12500", "3.1%"]) + "\n"
    text += sep.join(["bob", "food", "900", "2%"]) + "\n"
    if sep == ",":
        text = text.replace("beauty, skincare", '"beauty, skincare"')
    roster, _ = read(write(tmp_path, text))
    assert roster.ids.tolist() == ["ann", "bob"] and roster.followers.tolist() == [12500, 900]
    assert roster.engagement_rate.tolist() == pytest.approx([0.031, 0.02])
    assert roster.niche_names == ("beauty", "food", "skincare")


def test_tsv_suffix_means_tab_even_when_commas_abound(tmp_path):
    text = "Username\tCategory\tFollowers\nann\ta,b,c,d\t1,200\nbob\te,f,g,h\t900\n"
    roster, _ = read(write(tmp_path, text, "r.tsv"))
    assert roster.ids.tolist() == ["ann", "bob"] and roster.followers.tolist() == [1200, 900]


def test_a_header_that_does_not_parse_says_which_delimiter_was_used(tmp_path):
    err = error_of(write(tmp_path, "Who\tHow many\nann\t12\n"))
    assert "found columns: 'Who', 'How many'" in str(err)
    assert "read as tab-separated: set roster.sep if the file uses another delimiter" in str(err)


def test_an_explicit_sep_overrides_the_sniffer(tmp_path):
    path = write(tmp_path, "id;followers;fee\nann;1000;50\n")
    err = error_of(path, sep=",")
    assert "read as comma-separated" in str(err) and "'id;followers;fee'" in str(err)
    assert read(path, sep=";")[0].fee.tolist() == [50]


@pytest.mark.parametrize("encoding, note", [("utf-8", None), ("utf-8-sig", None), ("utf-16", "UTF-16"),
                                            ("cp1252", "Windows-1252")])
def test_encodings_give_the_same_roster(tmp_path, encoding, note):
    text = "Handle,Followers,Country\r\nzoë_“z”,1200,España\r\nrené,900,Côte d’Ivoire\r\n"
    roster, warnings = read(write(tmp_path, text, encoding=encoding))
    assert roster.ids.tolist() == ["zoë_“z”", "rené"] and roster.country.tolist() == ["españa", "côte d’ivoire"]
    notes = [w for w in warnings if "read as" in w]
    assert (notes == []) if note is None else (note in notes[0])


def test_an_explicit_encoding_overrides_and_bad_bytes_are_located(tmp_path):
    path = write(tmp_path, "id,followers\nJosé,100\n", encoding="latin-1")
    assert read(path, encoding="latin-1")[0].ids.tolist() == ["José"]
    err = error_of(path, encoding="utf-8")
    assert str(err) == "r.csv, line 2: not utf-8 text (byte b'\\xe9'); fix roster.encoding"
    err = error_of(path, encoding="x-nope")
    assert "unknown encoding 'x-nope'" in str(err)


def test_bytes_neither_utf8_nor_cp1252_are_a_located_error(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(b"id,followers\nann,100\nb\x81b,200\n")
    err = error_of(path)
    assert str(err).startswith("r.csv, line 3: the file is neither UTF-8 nor Windows-1252 text")
    assert "\x81" not in str(err)


# ------------------------------------------------------------------ 2. columns

MONTHLY_HEADERS = [  # (id header, followers header) from real monthly exports
    ("Tiktoker name", "Subscribers count"), ("Tiktok name", "Followers"), ("youtuber name", "Subscribers"),
    ("Youtube channel", "Subscribers count"), ("channel name", "subscribers"), ("Instagram name", "\nFollowers"),
    ("Username", "Fans"), ("Account", "Followers count"),
]


@pytest.mark.parametrize("id_header, followers_header", MONTHLY_HEADERS)
def test_monthly_export_headers(tmp_path, id_header, followers_header):
    text = (f'"{id_header}","{followers_header}",ER,Price,Audience quality,Location,Genre\n'
            "@ann,12.5K,3.1%,$400,85%,US,Dance\nbob,1.2M,2.5%,$5000,90%,UK,Comedy\n")
    roster, _ = read(write(tmp_path, text))
    assert roster.ids.tolist() == ["ann", "bob"] and roster.followers.tolist() == [12500, 1.2e6]
    assert roster.fee.tolist() == [400, 5000] and roster.authenticity.tolist() == pytest.approx([0.85, 0.9])
    assert roster.country.tolist() == ["us", "uk"] and roster.niche_names == ("comedy", "dance")


@pytest.mark.parametrize("header", ["ER", "Eng. rate", "Engagement %", "Avg. engagement rate", "engagement_rate"])
def test_engagement_rate_aliases(tmp_path, header):
    roster, _ = read(write(tmp_path, f'Handle,Followers,"{header}"\nann,1000,3.5%\n'))
    assert roster.engagement_rate.tolist() == pytest.approx([0.035]) and not roster.er_estimated.any()


def test_display_names_and_handles_take_the_handles(tmp_path):
    text = " Name,Instagram name,Followers\nAnn Lee,ann.lee,1000\n,bob_b,2000\nCy Young,cy,3000\n"
    roster, warnings = read(write(tmp_path, text))
    assert roster.ids.tolist() == ["ann.lee", "bob_b", "cy"]
    assert any("'Instagram name' taken as the most handle-like" in w and "' Name'" in w for w in warnings)


def test_handles_with_a_blank_still_beat_filled_display_names(tmp_path):
    text = "Name,Username,Followers\nAnn Lee,ann.lee,1000\nBo Li,,2000\nCy Young,cy,3000\n"
    err = error_of(write(tmp_path, text))
    assert [(p.where, p.what) for p in err.problems] == [("r.csv, line 3, column 'Username'", "the id is missing")]


def test_numeric_platform_ids_lose_to_handles(tmp_path):
    text = "id,account,followers\n3232491582,woman.engineer,1000\n29147454331,devs,2000\n"
    assert read(write(tmp_path, text))[0].ids.tolist() == ["woman.engineer", "devs"]


def test_an_explicit_id_column_wins(tmp_path):
    text = " Name,Instagram name,Followers\nAnn Lee,ann.lee,1000\nBo,bob_b,2000\n"
    roster, _ = read(write(tmp_path, text), columns={"id": " Name"})
    assert roster.ids.tolist() == ["Ann Lee", "Bo"]


def test_messages_list_the_header_as_written_and_escaped(tmp_path):
    err = error_of(write(tmp_path, 'Who\x1b[31m,"How\nmany"\nann,12\n'))
    assert "found columns: 'Who\\x1b[31m', 'How\\nmany'" in str(err)
    assert "\x1b" not in str(err)


# ------------------------------------------------------------------ 3. engagement from counts

def test_engagement_from_average_engagements(tmp_path):
    text = "Handle,Followers,Eng. (Avg.),ER\nann,78.9M,23.4M,\nbob,1M,20K,5%\ncy,5000,,\n"
    roster, _ = read(write(tmp_path, text), platform="tiktok")
    assert roster.engagement_rate.tolist()[:2] == pytest.approx([23.4 / 78.9, 0.05])
    assert roster.er_derived.tolist() == [True, False, False]      # a given rate wins
    assert roster.er_estimated.tolist() == [False, False, True]    # no count: the prior


def test_likes_comments_shares_add_up(tmp_path):
    text = "Handle,Followers,Avg. likes,Avg. comments,Avg shares\nann,10000,300,40,10\nbob,2000,50,,\n"
    roster, _ = read(write(tmp_path, text), platform="instagram")
    assert roster.engagement_rate.tolist() == pytest.approx([0.035, 0.025]) and roster.er_derived.all()


def test_views_count_only_on_youtube(tmp_path):
    text = ("Channel,Platform,Subscribers,Views (Avg.),Avg. likes\n"
            "tube,YouTube,100000,20000,1000\ngram,Instagram,100000,20000,1000\n")
    roster, _ = read(write(tmp_path, text))
    assert roster.engagement_rate.tolist() == pytest.approx([0.2, 0.01]) and roster.er_derived.all()


def test_a_column_named_avg_engagement_holding_rates_is_the_rate(tmp_path):
    roster, _ = read(write(tmp_path, "account,followers,avg_engagement\nann,1000,0.0336\nbob,2000,0.05\n"))
    assert roster.engagement_rate.tolist() == pytest.approx([0.0336, 0.05]) and not roster.er_derived.any()
    roster, warnings = read(write(tmp_path, "account,followers,Avg engagement\nann,100K,3.4K\nbob,1M,20K\n"))
    assert roster.engagement_rate.tolist() == pytest.approx([0.034, 0.02]) and roster.er_derived.all()
    assert any("read as average engagements per post" in w for w in warnings)


def test_a_derived_rate_above_100_percent_is_located(tmp_path):
    err = error_of(write(tmp_path, "Handle,Followers,Eng. (Avg.)\nann,1000,5000\nbob,1000,10\n"))
    assert [p.where for p in err.problems] == ["r.csv, line 2"]
    assert "derived from 'Eng. (Avg.)'" in err.problems[0].what and "above 100 %" in err.problems[0].what


def test_counts_that_are_not_numbers_are_located(tmp_path):
    err = error_of(write(tmp_path, "Handle,Followers,Avg. likes\nann,1000,lots\n"))
    assert [p.where for p in err.problems] == ["r.csv, line 2, column 'Avg. likes'"]


# ------------------------------------------------------------------ 7. several files and duplicates

def month(folder: Path, name: str, rows: str) -> Path:
    return write(folder, "Username,Followers,Price\n" + rows, name)


def test_several_files_join_and_identical_duplicates_collapse_once(tmp_path):
    a = month(tmp_path, "jan.csv", "ann,1000,50\nbob,2000,80\n")
    b = month(tmp_path, "feb.csv", "ann,1000,50\nbob,2000,80\ncy,3000,90\n")
    roster, warnings = read_roster([a, b], display_name=["jan.csv", "feb.csv"])
    assert roster.ids.tolist() == ["ann", "bob", "cy"] and roster.line.tolist() == [2, 3, 4]
    dup = [w for w in warnings if "identical duplicate" in w]
    assert dup == ["jan.csv + feb.csv: 2 identical duplicate rows collapsed into the first (same id and values): "
                   "feb.csv, line 2 (= jan.csv, line 2), feb.csv, line 3 (= jan.csv, line 3)"]


def test_conflicting_duplicates_show_both_rows_with_file_and_line(tmp_path):
    a = month(tmp_path, "jan.csv", "ann,1000,50\n")
    b = month(tmp_path, "feb.csv", "bob,5,5\n@Ann,1200,50\n")
    with pytest.raises(RosterError) as info:
        read_roster([a, b], display_name=["jan.csv", "feb.csv"])
    (problem,) = info.value.problems
    assert problem.where == "feb.csv, line 3, column 'Username'"
    assert "duplicate id 'Ann': the same account as 'ann' on jan.csv, line 2" in problem.what
    assert "followers 1,000 vs 1,200" in problem.what and "duplicates: first, last or max_followers" in problem.what


def test_duplicates_spelling_one_country_two_ways_are_identical(tmp_path):
    a = write(tmp_path, "Username,Followers,Country\nann,1000,US\nbob,2000,Canada\n", "jan.csv")
    b = write(tmp_path, "Username,Followers,Country\nann,1000,United States\nbob,2000,CA\n", "feb.csv")
    roster, warnings = read_roster([a, b], display_name=["jan.csv", "feb.csv"], platform="instagram")
    assert roster.ids.tolist() == ["ann", "bob"] and roster.country.tolist() == ["us", "canada"]
    assert any("2 identical duplicate rows collapsed" in w for w in warnings)
    c = write(tmp_path, "Username,Followers,Country\nann,1000,Mexico\n", "mar.csv")
    with pytest.raises(RosterError) as info:
        read_roster([a, c], display_name=["jan.csv", "mar.csv"], platform="instagram")
    assert "country 'United States' vs 'Mexico'" in info.value.problems[0].what


@pytest.mark.parametrize("policy, followers", [("first", 1000), ("last", 900), ("max_followers", 1200)])
def test_duplicate_policies(tmp_path, policy, followers):
    path = month(tmp_path, "r.csv", "ann,1000,50\nann,1200,60\nbob,5,5\nann,900,70\n")
    roster, warnings = read(path, duplicates=policy)
    assert sorted(roster.ids.tolist()) == ["ann", "bob"] and roster.followers[roster.index_of("ann")] == followers
    assert any(f"duplicates: {policy} kept" in w for w in warnings)


def test_scenario_lists_several_files_relative_to_it(tmp_path):
    (tmp_path / "data").mkdir()
    month(tmp_path / "data", "jan.csv", "ann,1000,50\n")
    month(tmp_path / "data", "feb.tsv", "").write_text("Username\tFollowers\tPrice\nbob\t2000\t80\n")
    (tmp_path / "s.yaml").write_text("name: x\nbudget: 1000\nroster:\n  path: [data/jan.csv, data/feb.tsv]\n"
                                     "  platform: instagram\n  duplicates: first\n")
    sc = load_scenario(tmp_path / "s.yaml")
    assert sc.roster.ids.tolist() == ["ann", "bob"] and sc.roster.fee.tolist() == [50, 80]


class TestThroughTheCli:
    def _case(self, folder: Path, roster: str, files: dict[str, str]) -> Path:
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        (folder / "s.yaml").write_text(f"name: x\nbudget: 100000\nroster: {roster}\n")
        return folder / "s.yaml"

    def test_conflicting_duplicates_exit_2_naming_both_rows(self, tmp_path):
        s = self._case(tmp_path, "{path: [a.csv, b.csv], platform: instagram}",
                       {"a.csv": "id,followers,fee\nann,1000,50\n", "b.csv": "id,followers,fee\nann,1200,50\n"})
        proc = cli(tmp_path, "validate", "s.yaml")
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "b.csv, line 2, column 'id': duplicate id 'ann' (also on a.csv, line 2)" in proc.stderr
        assert "Traceback" not in proc.stderr

    def test_undecodable_bytes_exit_2_with_the_line(self, tmp_path):
        s = self._case(tmp_path, "{path: r.csv, platform: instagram}", {})
        (tmp_path / "r.csv").write_bytes(b"id,followers\nann,100\nb\x81\x1b[31m,200\n")
        proc = cli(tmp_path, "validate", "s.yaml")
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "r.csv, line 3: the file is neither UTF-8 nor Windows-1252 text (byte b'\\x81')" in proc.stderr
        assert "\x1b" not in proc.stderr and "Traceback" not in proc.stderr

    def test_utf16_export_validates_with_a_note(self, tmp_path):
        s = self._case(tmp_path, "{path: r.csv, platform: instagram}", {})
        (tmp_path / "r.csv").write_bytes("Instagram name;Followers\r\nzoë;1,5K\r\n".encode("utf-16"))
        proc = cli(tmp_path, "validate", "s.yaml")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "1 influencers" in proc.stdout and "read as UTF-16" in proc.stdout

    def test_engagement_avg_column_is_used_and_said(self, tmp_path):
        s = self._case(tmp_path, "{path: r.csv, platform: instagram}", {"r.csv": HYPE})
        proc = cli(tmp_path, "validate", "s.yaml")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "2 engagement rates derived from counts" in proc.stdout
        assert "'Engagement avg.' used" in proc.stdout + proc.stderr

    def test_tab_export_with_counts_and_skip_summary_validates(self, tmp_path):
        text = ("Tiktoker name\tSubscribers count\tEng. (Avg.)\tTotal posts\n"
                "ann\t78.9m\t23.4M\t900\nbob\t12x\t1K\t1000\ncy\t\t1K\t800\ndan\t1M\t20K\t700\n")
        s = self._case(tmp_path, "{path: r.tsv, platform: tiktok, on_bad_rows: skip}", {"r.tsv": text})
        proc = cli(tmp_path, "validate", "s.yaml")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "2 influencers" in proc.stdout and "2 engagement rates derived from counts" in proc.stdout
        skipped = [line for line in proc.stdout.splitlines() if "skipped" in line]
        assert len(skipped) == 1 and "not a number: 1 (line 3)" in skipped[0]
        assert "column 'Total posts' set aside" in proc.stdout


# ------------------------------------------------------------------ property: spellings, delimiters, encodings

TABLE = [("ann", "12500", "3.1%", "400", "skincare"), ("bob", "900", "", "120", "food"),
         ("zoë", "1.2M", "2.5%", "", "travel")]
SPELLINGS = {
    "id": ["handle", "Username", "Instagram name", "TikTok Name", "Channel name", "ACCOUNT"],
    "followers": ["followers", "Followers count", "Subscribers", "\nFollowers", "FANS", "# Followers"],
    "engagement_rate": ["ER", "Eng. rate", "Engagement %", "Avg. engagement rate", "engagement_rate"],
    "fee": ["Price", "fee", "Rate", "COST", "Price per post"],
    "niches": ["Category", "niche", "Genre", "Topic"],
}


def _variant(header: str, case: str, space: str) -> str:
    header = {"upper": header.upper(), "lower": header.lower(), "as is": header}[case]
    return header.replace(" ", space)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.fixed_dictionaries({k: st.sampled_from(v) for k, v in SPELLINGS.items()}),
       case=st.sampled_from(["upper", "lower", "as is"]), space=st.sampled_from([" ", "_", "  ", "-"]),
       sep=st.sampled_from([",", ";", "\t", "|"]), encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
       order=st.permutations(range(5)))
def test_spellings_delimiters_and_encodings_give_the_same_roster(tmp_path, names, case, space, sep, encoding, order):
    headers = [_variant(names[k], case, space) for k in SPELLINGS]

    def line(cells):
        return sep.join('"' + cells[j].replace('"', '""') + '"' for j in order) + "\r\n"

    text = line(headers) + "".join(line(row) for row in TABLE)
    path = tmp_path / "r.csv"
    path.write_bytes(text.encode(encoding))
    roster, _ = read_roster(path, platform="instagram")
    assert roster.ids.tolist() == ["ann", "bob", "zoë"]
    assert roster.followers.tolist() == [12500, 900, 1.2e6]
    assert roster.engagement_rate[[0, 2]].tolist() == pytest.approx([0.031, 0.025])
    assert roster.er_estimated.tolist() == [False, True, False]
    assert roster.fee[:2].tolist() == [400, 120] and roster.fee_estimated.tolist() == [False, False, True]
    assert roster.niche_lists() == [["skincare"], ["food"], ["travel"]]


# ------------------------------------------------------------------ real files (skipped without ../shared/data)

def real(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.is_file():
        pytest.skip("shared data not available")
    return path


def test_real_instagram_micro_2022_takes_account_handles_and_rates():
    roster, warnings = read_roster(real("instagram_micro_2022", "profiles.csv"), platform="instagram")
    assert len(roster) == 61 and roster.ids[0] == "woman.engineer"
    assert not roster.er_estimated.any() and 0 < roster.engagement_rate.max() < 1
    assert roster.followers.min() >= 1000 and (roster.posts == 1).all()
    assert any("'account' taken as the most handle-like" in w for w in warnings)
    assert any("column 'posts' set aside" in w for w in warnings)


def test_real_tiktok_top250_reads_handles_and_rates():
    roster, _ = read_roster(real("tiktok_top250", "top-250-tiktokers.csv"), platform="tiktok")
    assert roster.ids[0] == "charlidamelio" and roster.followers[0] == pytest.approx(78.9e6)
    assert roster.engagement_rate[0] == pytest.approx(0.166) and "u.s.a" in set(roster.country)


def test_real_youtube_2023_sets_uploads_aside():
    roster, warnings = read_roster(real("youtube_global_2023", "channels.csv"), platform="youtube")
    assert len(roster) == 995 and (roster.posts == 1).all()
    assert any("column 'Uploads' set aside" in w for w in warnings)


def test_real_top_lists_joined_as_monthly_files():
    paths = [real("instagram_top200", "influencers.csv"), real("tiktok_top250", "top-250-tiktokers.csv")]
    roster, _ = read_roster(paths, platform="instagram", duplicates="max_followers")
    assert 400 < len(roster) <= 456 and np.isfinite(roster.engagement_rate).all()


def test_scenario_roster_options_are_validated(tmp_path):
    from lineup.errors import ScenarioError

    month(tmp_path, "a.csv", "ann,1000,50\n")
    month(tmp_path, "b.csv", "bob,2000,60\n")
    (tmp_path / "s.yaml").write_text("name: x\nbudget: 1000\nroster: [a.csv, b.csv]\n")
    assert load_scenario(tmp_path / "s.yaml").roster.ids.tolist() == ["ann", "bob"]
    for bad, where in [("{path: [], platform: x}", "roster.path"), ("{path: a.csv, sep: ':'}", "roster.sep"),
                       ("{path: a.csv, duplicates: newest}", "roster.duplicates")]:
        (tmp_path / "s.yaml").write_text(f"name: x\nbudget: 1000\nroster: {bad}\n")
        with pytest.raises(ScenarioError) as info:
            load_scenario(tmp_path / "s.yaml")
        assert where in str(info.value) + " ".join(map(str, getattr(info.value, "problems", []))), bad


def test_a_youtube_rate_derived_from_views_is_judged_on_the_view_band(tmp_path):
    roster, warnings = read(write(tmp_path, "Youtuber name,Subscribers count,Views (Avg.)\n"
                                            "MrBeast,300M,75M\nsmall,2000,1000\n"), platform="youtube")
    assert roster.engagement_rate.tolist() == pytest.approx([0.25, 0.5]) and roster.er_derived.all()
    assert roster.implausible.tolist() == ["", "engagement_rate"]
    assert any("line 3 (small): engagement rate 50.00% is outside the plausible 0.05%–40%" in w for w in warnings)


HYPE = ("Rank,Influencer,Category,Followers,Country,Engagement avg.,Authentic engagement\n"
        "1,cristiano,Sports,600M,Spain,5.2M,4.1M\n2,leomessi,Sports,500M,Argentina,4.0M,3.3M\n")


def test_engagement_avg_of_monthly_top_lists_is_a_count_per_post(tmp_path):
    roster, warnings = read(write(tmp_path, HYPE), platform="instagram")
    assert roster.engagement_rate.tolist() == pytest.approx([5.2 / 600, 4.0 / 500]) and roster.er_derived.all()
    assert any("'Engagement avg.' and 'Authentic engagement' both look like the avg_engagements column; "
               "'Engagement avg.' used" in w for w in warnings)


def test_authentic_engagement_alone_is_used_and_a_second_discount_is_warned(tmp_path):
    roster, warnings = read(write(tmp_path, "Influencer,Followers,Authentic engagement,Audience quality\n"
                                            "ann,5000,100,80%\n"), platform="instagram")
    assert roster.engagement_rate.tolist() == pytest.approx([0.02]) and roster.er_derived.all()
    assert any("'Authentic engagement' counts engagements from real followers only" in w for w in warnings)


def test_a_column_that_looks_like_engagement_but_is_not_used_is_named(tmp_path):
    _, warnings = read(write(tmp_path, "Handle,Followers,ER,Eng. per day\nann,5000,3%,40\n"), platform="instagram")
    assert any("column 'Eng. per day' looks like engagement but is not used" in w for w in warnings)


def test_a_rate_column_of_percentages_is_the_engagement_rate_not_the_fee(tmp_path):
    roster, warnings = read(write(tmp_path, "Handle,Followers,Rate\nann,5000,3.4%\nbob,8000,2.1%\n"),
                            platform="instagram")
    assert roster.engagement_rate.tolist() == pytest.approx([0.034, 0.021]) and roster.fee_estimated.all()
    assert any("column 'Rate' read as the engagement rate, not the fee" in w for w in warnings)
    err = error_of(write(tmp_path, "Handle,Followers,Rate,ER\nann,5000,3.4%,3%\n"), platform="instagram")
    assert "column 'Rate' was read as the fee but holds percentages (e.g. '3.4%')" in str(err)
    assert "columns: {fee: <fee column or null>, engagement_rate: 'Rate'}" in str(err)


def test_a_derived_rate_error_names_only_the_columns_used_on_that_platform(tmp_path):
    # TikTok's rate is not defined on views: the row's interactions are its likes and comments only
    err = error_of(write(tmp_path, "Handle,Platform,Followers,Avg likes,Avg comments,Avg views\n"
                                   "ann,tiktok,1000,3000,100,90000\nbob,youtube,1000,10,1,5000\n"))
    assert [p.where for p in err.problems] == ["r.csv, line 2", "r.csv, line 3"]
    assert "derived from 'Avg likes', 'Avg comments' (" in err.problems[0].what
    assert "derived from 'Avg views' (" in err.problems[1].what


def test_the_skip_summary_keeps_the_column_names_of_a_derived_rate(tmp_path):
    roster, warnings = read(write(tmp_path, "Handle,Followers,Avg likes,Avg comments\n"
                                            "ann,1000,3000,100\nbob,1000,5000,1\ncid,1000,10,1\n"), on_bad_rows="skip",
                            platform="instagram")
    assert roster.ids.tolist() == ["cid"]
    assert ("2 rows skipped (on_bad_rows: skip): the engagement rate derived from 'Avg likes', 'Avg comments' is "
            "above 100 %; check those columns, or give the engagement rate: 2 (line 2, line 3)") in warnings[0]

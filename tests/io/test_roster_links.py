"""read_roster carries a profile-link column (issue 8): aliases, explicit mapping, cells kept as written."""

import pytest

from lineup.io.roster import read_roster


@pytest.mark.parametrize("header", ["url", "URL", "Profile URL", "profile_link", "Link", "Profile link", "Channel URL",
                                    "channel url", "Instagram URL"])
def test_url_column_aliases(tmp_path, header):
    path = tmp_path / "r.csv"
    path.write_text(f"handle,followers,{header}\nann,1000, https://www.instagram.com/ann/ \nbob,2000,\n")
    roster, _ = read_roster(path, platform="instagram")
    assert roster.url.tolist() == ["https://www.instagram.com/ann/", ""]


def test_url_column_explicit_and_ignored(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("handle,followers,Where to find me,url\nann,1000,https://a.example/ann,https://b.example/\n")
    roster, _ = read_roster(path, columns={"url": "Where to find me"})
    assert roster.url.tolist() == ["https://a.example/ann"]
    roster, _ = read_roster(path, columns={"url": None})
    assert roster.url.tolist() == [""]


def test_no_url_column_means_blank_cells(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("handle,followers\nann,1000\n")
    roster, _ = read_roster(path)
    assert roster.url.tolist() == [""] and roster.subset([0]).url.tolist() == [""]


def test_hostile_cells_are_kept_as_text_for_the_link_check(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("handle,followers,url\nann,1000,javascript:alert(1)\n")
    roster, _ = read_roster(path)
    assert roster.url.tolist() == ["javascript:alert(1)"]  # refused later by lineup.domain.links, with a warning

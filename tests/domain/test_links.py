"""Profile links: platform addresses for handle-like ids, URL cells checked, hostile links refused (issue 8)."""

from __future__ import annotations

import pytest

from lineup.domain import Roster
from lineup.domain.links import profile_link, profile_links, safe_url, unsafe_urls


@pytest.mark.parametrize("platform, handle, url", [
    ("instagram", "ann.b", "https://www.instagram.com/ann.b/"),
    ("Instagram", "Ann_B", "https://www.instagram.com/Ann_B/"),
    ("ig", "ann", "https://www.instagram.com/ann/"),
    ("tiktok", "dan_99", "https://www.tiktok.com/@dan_99"),
    ("youtube", "MrBeast", "https://www.youtube.com/@MrBeast"),
    ("youtube", "some-channel", "https://www.youtube.com/@some-channel"),
    ("twitter", "jack", "https://x.com/jack"),
    ("x", "jack", "https://x.com/jack"),
    ("twitch", "ninja_tv", "https://www.twitch.tv/ninja_tv"),
    ("threads", "zuck", "https://www.threads.net/@zuck"),
    ("pinterest", "mood_boards", "https://www.pinterest.com/mood_boards/"),
])
def test_platform_profile_addresses(platform, handle, url):
    assert profile_link("", platform, handle) == url


@pytest.mark.parametrize("platform, handle", [
    ("youtube", "T-Series Music"),        # a channel title, not a handle
    ("instagram", "a" * 31),              # too long for Instagram
    ("instagram", ".ann"), ("instagram", "ann..b"), ("instagram", "ann/../x"),
    ("tiktok", "a"), ("instagram", "ann?x=1"), ("instagram", "ann\"><script>"),
    ("instagram", "名字"), ("unknown", "ann"), ("linkedin", "ann"),
])
def test_no_made_up_link_for_ids_that_are_not_handles(platform, handle):
    assert profile_link("", platform, handle) == ""


@pytest.mark.parametrize("cell, url", [
    ("https://www.instagram.com/ann/", "https://www.instagram.com/ann/"),
    ("HTTP://example.com/x?y=1#z", "http://example.com/x?y=1#z"),
    ("www.tiktok.com/@dan", "https://www.tiktok.com/@dan"),
    ("youtube.com/@chan", "https://youtube.com/@chan"),
])
def test_url_cells_that_are_links(cell, url):
    assert safe_url(cell) == (url, "")
    assert profile_link(cell, "instagram", "someone_else") == url  # the file's link wins


@pytest.mark.parametrize("cell, reason", [
    ("javascript:alert(1)", "not an http(s) link"),
    ("JavaScript:alert(document.cookie)", "not an http(s) link"),
    ("data:text/html,<script>alert(1)</script>", "not an http(s) link"),
    ("file:///etc/passwd", "not an http(s) link"),
    ("ftp://example.com/x", "not an http(s) link"),
    ("//evil.example/x", "not an http(s) link"),
    ("@ann", "not an http(s) link"),
    ("https://instagram.com@evil.example/", "has a user name before the host"),
    ("https:///nohost", "has no host"),
    ("https://exa mple.com", "holds spaces or control characters"),
    ("https://example.com/\x1b[31m", "holds spaces or control characters"),
    ("https://example.com/\u202eevil", "holds spaces or control characters"),
    ("https://example.com:99999/", "is not a well-formed link"),
    ("https://example.com/" + "a" * 3000, "is longer than 2,048 characters"),
])
def test_hostile_or_broken_url_cells_are_refused(cell, reason):
    assert safe_url(cell) == ("", reason)
    assert profile_link(cell, "instagram", "ann") == ""  # refused: no link at all, not a guessed one


def test_roster_links_and_refused_cells_with_lines():
    r = Roster.from_columns(ids=["ann", "bob", "cat", "T Series"], followers=[1e4] * 4, engagement_rate=[0.02] * 4,
                            fee=[100] * 4, platform=["instagram", "tiktok", "youtube", "youtube"],
                            url=["", "javascript:alert(1)", "https://youtube.com/c/cat", ""])
    assert profile_links(r) == ["https://www.instagram.com/ann/", "", "https://youtube.com/c/cat", ""]
    assert profile_links(r, [2]) == ["https://youtube.com/c/cat"]
    assert unsafe_urls(r) == [(3, "javascript:alert(1)", "not an http(s) link")]
    assert r.subset([1, 2]).url.tolist() == ["javascript:alert(1)", "https://youtube.com/c/cat"]

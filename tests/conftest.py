"""Fixtures shared by the whole suite: tiny scenario folders written to tmp_path."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"

TINY_ROSTER = """\
id,platform,followers,engagement_rate,fee,niches,authenticity,country
alice,instagram,5.2K,4.1%,400,skincare;vegan,0.95,GB
bob,instagram,8k,3.5%,650,skincare,0.9,GB
carol,tiktok,2500,,220,makeup|skincare,0.85,GB
dave,instagram,150K,2.1%,4200,fitness,0.97,US
erin,youtube,1.1M,1.8%,,skincare,0.8,US
frank,instagram,900,8%,60,vegan,0.7,GB
"""

TINY_SCENARIO = """\
name: Tiny test campaign
currency: GBP
budget: 6000
roster: roster.csv
objective:
  engagement: 1.0
  coverage: 500
niches:
  skincare: {weight: 3, target: 2, min_influencers: 1}
  vegan: {weight: 1}
constraints:
  influencers: {min: 2, max: 4}
  min_authenticity: 0.75
"""


def write_case(tmp_path: Path, scenario: str = TINY_SCENARIO, roster: str = TINY_ROSTER) -> Path:
    """Write a scenario + roster into tmp_path; returns the scenario path."""
    (tmp_path / "roster.csv").write_text(textwrap.dedent(roster))
    path = tmp_path / "scenario.yaml"
    path.write_text(textwrap.dedent(scenario))
    return path


@pytest.fixture
def tiny_case(tmp_path: Path) -> Path:
    return write_case(tmp_path)


@pytest.fixture(scope="session")
def dask_address():
    """A 2-worker Dask LocalCluster (lineup's :func:`local_cluster`) shared by the whole session."""
    pytest.importorskip("dask.distributed")
    from lineup.execution import local_cluster

    with local_cluster(2) as cluster:
        yield cluster.scheduler_address


#: A child process that claims argv[1] as an output directory and holds it (to be killed).
HOLD_OUTPUT = """
import sys, time
from lineup.io.writers import claim_output
claim = claim_output(sys.argv[1])  # kept referenced: a collected claim is released
claim.__enter__()
print("held", flush=True)
time.sleep(120)
"""


def pause_at_rename(stop_arg: int) -> str:
    """Child-process prelude: ``os.replace``/``os.unlink`` wrapped so that the process pauses (to be killed)
    once ``sys.argv[stop_arg]`` renames are done (after the last one: just before the journal is removed)."""
    return f"""
import os, sys, time
real, real_unlink, done, stop = os.replace, os.unlink, [0], int(sys.argv[{stop_arg}])

def pause():
    print("paused", flush=True)
    time.sleep(120)

def replace(src, dst):
    if done[0] == stop:
        pause()
    real(src, dst)
    done[0] += 1

def unlink(path, *args, **kwargs):
    if str(path).endswith(".lineup-journal.json") and done[0] == stop:
        pause()
    real_unlink(path, *args, **kwargs)

os.replace, os.unlink = replace, unlink
"""


"""Golden ``lineup solve --format json`` outputs: the optimiser's answers, pinned.

Every shipped scenario (default solver and the greedy) and a few variants that make it
infeasible or put a rule at its limit.  Timings are dropped; everything else must match
byte for byte (after JSON parsing, so key order of new fields does not matter; *new*
fields are allowed, changed or missing ones are not).  Regenerate, after an intended
change, with ``LINEUP_REGEN_GOLDEN=1 python -m pytest tests/optimize/test_golden_solve.py``
and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from lineup.cli import app

from ..conftest import REPO

GOLDEN = Path(__file__).parent / "golden" / "solve"
SLOW = {"multi_platform"}

#: name -> (shipped scenario, [(text, replacement)], extra CLI arguments)
VARIANTS = {
    "small_budget_elastic": ("small_budget", [
        ("min_influencers: 2}", "min_influencers: 12}"),
        ("influencers: {max: 30}", "influencers: {max: 30}\n  tiers: {mid: {min: 1}}")], []),
    "skincare_precheck": ("skincare_launch", [("micro: {min: 15}", "micro: {min: 31}")], []),
    "coffee_min_spend": ("coffee_overlap", [("min_authenticity: 0.75", "min_authenticity: 0.75\n  min_spend: 2999")], []),
    "small_budget_include_conflict": ("small_budget", [
        ("influencers: {max: 30}", "influencers: {max: 3}\n  include: [sage.club161]\n"
                                   "  conflicts: [[sage.club161, honest_club21]]")], []),
    "micro_tiers_shares": ("micro_vs_macro", [
        ("influencers: {max: 30}", "influencers: {max: 12}\n  tiers: {nano: {max: 2}, mid: {min: 2}}")], []),
}


def _cases():
    out = []
    for path in sorted((REPO / "scenarios").glob("*.yaml")):
        for solver in ("default", "greedy"):
            marks = [pytest.mark.slow] if path.stem in SLOW else []
            out.append(pytest.param(path.stem, solver, id=f"{path.stem}-{solver}", marks=marks))
    for name in VARIANTS:
        out.append(pytest.param(name, "default", id=f"{name}-default"))
    return out


def _scenario(name: str, tmp_path: Path) -> Path:
    if name not in VARIANTS:
        return REPO / "scenarios" / f"{name}.yaml"
    base, edits, _ = VARIANTS[name]
    text = (REPO / "scenarios" / f"{base}.yaml").read_text()
    for old, new in edits:
        assert old in text, (base, old)
        text = text.replace(old, new, 1)
    text = text.replace("rosters/", str(REPO / "scenarios" / "rosters") + "/")
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    return path


def _strip(data):
    """The output without its timings."""
    data = dict(data)
    data["solver"] = {k: v for k, v in data.get("solver", {}).items() if not k.endswith("_seconds")}
    return data


def _contains(new, old, where="$"):
    """``new`` has every field of ``old`` with the same value (new fields allowed)."""
    if isinstance(old, dict):
        assert isinstance(new, dict), where
        for k, v in old.items():
            assert k in new, f"{where}.{k} is missing"
            _contains(new[k], v, f"{where}.{k}")
    elif isinstance(old, list):
        assert isinstance(new, list) and len(new) == len(old), f"{where}: {new!r} != {old!r}"
        for k, (a, b) in enumerate(zip(new, old)):
            _contains(a, b, f"{where}[{k}]")
    else:
        assert new == old, f"{where}: {new!r} != {old!r}"


@pytest.mark.parametrize("name, solver", _cases())
def test_solve_output_is_golden(name: str, solver: str, tmp_path: Path):
    args = ["solve", str(_scenario(name, tmp_path)), "--format", "json"]
    if solver != "default":
        args += ["--solver", solver]
    res = CliRunner().invoke(app, args)
    assert res.exit_code in (0, 3), res.output
    got = _strip(json.loads(res.stdout))
    path = GOLDEN / f"{name}-{solver}.json"
    if os.environ.get("LINEUP_REGEN_GOLDEN"):
        path.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n")
    _contains(got, json.loads(path.read_text()))

"""The curated API raises only LineupError subclasses for problems a user causes."""

from __future__ import annotations

import os

import pytest

import lineup

from .conftest import TINY_SCENARIO, write_case


def test_every_error_class_is_exported():
    import lineup.errors

    for name in lineup.errors.__all__:
        if name.endswith("Warning"):
            assert issubclass(getattr(lineup, name), UserWarning)
        elif name != "Problem":
            assert issubclass(getattr(lineup, name), lineup.LineupError)


def _scenario_cases(tmp_path):
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop.yaml")
    (tmp_path / "latin1.yaml").write_bytes(TINY_SCENARIO.replace("GBP", "\xa3").encode("latin-1"))
    (tmp_path / "deep.yaml").write_text("a: " + "[" * 50_000 + "]" * 50_000 + "\n")
    cases = {"directory": tmp_path, "loop": tmp_path / "loop.yaml", "latin-1": tmp_path / "latin1.yaml",
             "deep": tmp_path / "deep.yaml", "nul": str(tmp_path / "a\0.yaml"),
             "sexagesimal": write_case(tmp_path / "x", TINY_SCENARIO.replace("budget: 6000", "budget: 1:30:00"))}
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "fifo.yaml")
        cases["fifo"] = tmp_path / "fifo.yaml"
    return cases


def test_load_scenario_raises_input_errors_only(tmp_path):
    (tmp_path / "x").mkdir()
    for label, path in _scenario_cases(tmp_path).items():
        with pytest.raises(lineup.InputError) as info:
            lineup.load_scenario(path)
        assert info.value.exit_code == 2, label
        assert "\0" not in str(info.value), label


def test_load_portfolio_raises_input_errors_only(tmp_path):
    roster = lineup.load_scenario(write_case(tmp_path)).roster
    bad = {"deep.json": "[" * 100_000 + "]" * 100_000, "types.json": '{"selected": [{"id": {"x": 1}}]}',
           "latin1.csv": b"id\n\xe9\n", "empty.csv": ""}
    for name, content in bad.items():
        path = tmp_path / name
        (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
        with pytest.raises(lineup.UsageError):
            lineup.load_portfolio(path, roster)


# ---------------------------------------------------------------- issue 9, item 9: lineup's errors, short reprs


def _tiny(name: str = "tiny"):
    from lineup.optimize.formulation import tiny_scenario

    return tiny_scenario().with_overrides(name=name, simulation={"days": 5, "population": {"size": 500}})


@pytest.mark.parametrize("changes, fragments", [
    ({"budgt": 3}, ["field 'budgt'", "did you mean 'budget'"]),
    ({"constraints__influencrs__max": 3}, ["constraints.influencrs", "did you mean 'influencers'"]),
    ({"budget": -1}, ["field 'budget'", "-1"]),
    ({"budget__x": 1}, ["budget.x", "not a group of fields"]),
    ({"roster": {"path": "other.csv"}}, ["cannot change the roster"]),
])
def test_with_overrides_raises_scenario_errors_with_hints(changes, fragments):
    with pytest.raises(lineup.ScenarioError) as info:
        _tiny().with_overrides(**changes)
    text = info.value.describe()
    for fragment in fragments:
        assert fragment in text


def test_portfolio_from_ids_names_the_unknown_id():
    roster = _tiny().roster
    with pytest.raises(lineup.UsageError, match=r"'catt' is not in the roster \(did you mean 'cat'\?\)"):
        lineup.Portfolio.from_ids(roster, ["eve", "catt"])
    with pytest.raises(lineup.UsageError) as info:
        lineup.Portfolio.from_ids(roster, ["x\x1by", "zz"])
    assert len(info.value.problems) == 2 and "\x1b" not in info.value.describe()


def test_usage_error_is_exported():
    assert "UsageError" in lineup.__all__ and issubclass(lineup.UsageError, lineup.InputError)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    sc = _tiny("<script>alert(1)</script> \x1b[31m" + "long name " * 40)
    res = lineup.solve(sc)
    sim = lineup.simulate(sc, res.portfolio, replications=2, seed=1)
    cmp = lineup.compare(sc, names=["micro", "macro"], replications=2, seed=1)
    front = lineup.frontier(sc, budgets=[500, 1000])
    rep = lineup.build_report(sc, replications=2, seed=1, frontier_points=0, generated="2025-01-01")
    sens = lineup.sensitivity(sc, names=["micro", "macro"], points=4, replications=2, seed=1, population=2_000)
    posts, _ = lineup.generate_posts(30, seed=1)
    cal = lineup.calibrate(posts)
    back = lineup.backtest(posts, "2024-09-01")
    return {"SolveResult": res, "SimulationResult": sim, "Comparison": cmp, "Frontier": front, "Report": rep,
            "SensitivityResult": sens, "Calibration": cal, "Backtest": back}


@pytest.mark.parametrize("kind", ["SolveResult", "SimulationResult", "Comparison", "Frontier", "Report",
                                  "SensitivityResult", "Calibration", "Backtest"])
def test_result_reprs_are_short_and_html_is_escaped(results, kind):
    obj = results[kind]
    text = repr(obj)
    assert text.startswith(f"{kind}(") and len(text) < 300, text
    assert "\x1b" not in text and "Roster(" not in text and "ScenarioSpec(" not in text
    page = obj._repr_html_()
    assert "<script>" not in page and "\x1b" not in page
    if kind in ("SolveResult", "Comparison", "Frontier", "SensitivityResult"):  # those show the scenario's name
        assert "&lt;script&gt;" in page


def test_report_write(results, tmp_path):
    paths = results["Report"].write(tmp_path / "out")
    names = {p.name for p in paths}
    assert "report.html" in names and "buzz.svg" in names
    assert (tmp_path / "out" / "report.html").read_text() == results["Report"].html


def test_notebooks_use_the_public_api_only():
    import json
    import re
    from pathlib import Path

    private = re.compile(r"\blineup\.(_(?!_)\w*|domain|optimize|simulation|io|workflows|commands|cli|errors)\b")
    found = []
    for path in sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                found += [f"{path.name}: {m.group()}" for m in private.finditer("".join(cell["source"]))]
    assert not found


def test_simulate_takes_ids_or_raises_a_usage_error():
    sc = _tiny()
    res = lineup.simulate(sc, ["ann", "eve"], replications=2, seed=1)
    assert res.portfolio == ("ann", "eve") or sorted(res.portfolio) == ["ann", "eve"]
    with pytest.raises(lineup.UsageError, match="did you mean 'cat'"):
        lineup.simulate(sc, ["catt"], replications=2)
    with pytest.raises(lineup.UsageError, match="expected a Portfolio"):
        lineup.simulate(sc, 3, replications=2)


def test_domain_constructors_raise_lineup_errors_that_stay_builtin_compatible():
    import numpy as np

    roster = _tiny().roster
    with pytest.raises(lineup.UsageError, match="portfolio rows must lie in"):
        lineup.Portfolio(roster, [roster.n + 5])
    with pytest.raises(IndexError):  # still an IndexError for code written before
        lineup.Portfolio(roster, [-1])
    with pytest.raises(lineup.UsageError, match="tier bounds"):
        lineup.Tiers.from_mapping({"nano": -1})
    with pytest.raises(lineup.UsageError, match="unique"):
        lineup.Roster.from_columns(ids=["a", "A"], followers=[1e3, 1e3], engagement_rate=[0.1, 0.1], fee=[1, 1])
    with pytest.raises(ValueError):
        lineup.Roster.from_columns(ids=["a", "@a"], followers=np.ones(2), engagement_rate=[0.1, 0.1], fee=[1, 1])


def test_simulation_plot_names_an_unknown_metric():
    sim = lineup.simulate(_tiny(), ["ann"], replications=2, seed=1)
    with pytest.raises(lineup.UsageError, match="did you mean 'talkers'"):
        sim.plot("talkerz")


@pytest.mark.parametrize("kwargs", [{"time_limit": -1}, {"time_limit": float("nan")}, {"gap": 5}, {"gap": "x"}])
def test_solve_checks_its_arguments_like_the_cli(kwargs):
    with pytest.raises(lineup.UsageError):
        lineup.solve(_tiny(), **kwargs)


def test_scenario_and_portfolio_reprs_are_short(results):
    res = results["SolveResult"]
    for obj, kind in ((res.scenario, "Scenario"), (res.portfolio, "Portfolio")):
        text = repr(obj)
        assert text.startswith(f"{kind}(") and len(text) < 300 and "\x1b" not in text, text


def test_with_overrides_accepts_a_roster_override_equal_to_the_roster():
    sc = _tiny()
    again = sc.with_overrides(roster__on_bad_rows=sc.spec.roster.on_bad_rows)
    assert again.spec.roster == sc.spec.roster

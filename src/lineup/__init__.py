"""lineup: choose influencer portfolios under a budget and simulate the word of mouth they start.

The public API (imported lazily, so ``import lineup`` and the CLI start fast):

>>> import lineup
>>> {"load_scenario", "solve", "simulate", "spread"} <= set(lineup.__all__)
True

Typical use in a notebook::

    sc = lineup.load_scenario("scenarios/skincare_launch.yaml")
    res = lineup.solve(sc)
    res.to_frame()
    sim = lineup.simulate(sc, res.portfolio, replications=50, seed=1)
    run = lineup.RunOptions(replications=200, seed=1, workers=2)   # one value for every run
    cmp = lineup.compare(sc, run=run)

Every problem a user can cause (a missing, unreadable or invalid file, a bad
argument) raises a :class:`LineupError`; :class:`InputError` and its
subclasses are bad input (the CLI's exit code 2).
"""

from __future__ import annotations

import importlib
from typing import Any

from ._version import __version__

_EXPORTS: dict[str, str] = {
    # scenarios and data
    "load_scenario": "lineup.io.scenario",
    "read_roster": "lineup.io.roster",
    "read_posts": "lineup.io.posts",
    "Posts": "lineup.io.posts",
    "scenario_json_schema": "lineup.io.scenario",
    "Scenario": "lineup.domain.scenario",
    "ScenarioSpec": "lineup.domain.scenario",
    "Roster": "lineup.domain.roster",
    "Portfolio": "lineup.domain.portfolio",
    "Tiers": "lineup.domain.tiers",
    # optimiser
    "solve": "lineup.workflows.plan",
    "forecast_talkers": "lineup.workflows.talkers",
    "TalkersForecast": "lineup.domain.rrsets",
    "RRSets": "lineup.domain.rrsets",
    "SolveResult": "lineup.optimize.result",
    "SolveStatus": "lineup.optimize.result",
    "SolveProgress": "lineup.optimize.result",
    # simulator
    "spread": "lineup.simulation.spread",
    "SpreadResult": "lineup.simulation.spread",
    "Cascade": "lineup.simulation.cascade",
    "CSRGraph": "lineup.simulation.graph",
    "from_edges": "lineup.simulation.graph",
    "from_networkx": "lineup.simulation.graph",
    "maximize_influence": "lineup.simulation.influence",
    "InfluenceResult": "lineup.simulation.influence",
    "RunOptions": "lineup.execution",
    "simulate": "lineup.workflows.simulate",
    "load_portfolio": "lineup.workflows.simulate",
    "compare": "lineup.workflows.compare",
    "Comparison": "lineup.workflows.compare",
    "frontier": "lineup.workflows.frontier",
    "Frontier": "lineup.workflows.frontier",
    "sensitivity": "lineup.workflows.sensitivity",
    "SensitivityResult": "lineup.workflows.sensitivity",
    "calibrate": "lineup.workflows.calibrate",
    "backtest": "lineup.workflows.calibrate",
    "Calibration": "lineup.calibration.fit",
    "Backtest": "lineup.calibration.backtest",
    "generate_posts": "lineup.io.synthetic",
    "build_report": "lineup.render.report",
    "Report": "lineup.render.report",
    "SimulationResult": "lineup.simulation.result",
    "generate_population": "lineup.simulation.population",
    "Population": "lineup.simulation.population",
    "load_network": "lineup.io.network",
    # errors
    "LineupError": "lineup.errors",
    "InputError": "lineup.errors",
    "ScenarioError": "lineup.errors",
    "RosterError": "lineup.errors",
    "NetworkError": "lineup.errors",
    "PostsError": "lineup.errors",
    "UsageError": "lineup.errors",
    "InfeasibleError": "lineup.errors",
    "SolverUnavailableError": "lineup.errors",
    "SolverError": "lineup.errors",
    "ModelTooLargeError": "lineup.errors",
    "OutputBusyError": "lineup.errors",
    "PerformanceWarning": "lineup.errors",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'lineup' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__

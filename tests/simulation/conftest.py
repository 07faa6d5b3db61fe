"""Fixtures shared by the simulation tests."""

import importlib

import pytest

from lineup.simulation.compiled import Engine

spread_module = importlib.import_module("lineup.simulation.spread")   # the package exports the function `spread`


@pytest.fixture(params=[Engine.COMPILED, Engine.NUMPY], ids=["compiled", "numpy"])
def each_engine(request, monkeypatch):
    """Run the test once with every IC/LT going to the compiled engine, once with the numpy batches."""
    monkeypatch.setattr(spread_module, "choose_engine", lambda model, n, runs: request.param)
    return request.param

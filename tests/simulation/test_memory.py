"""The up-front memory estimate: an upper bound on the measured peak, and the refusal it drives."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from lineup.domain.campaign import SimulationSpec
from lineup.errors import ScenarioError
from lineup.simulation.memory import (MemoryEstimate, available_memory, check_memory, estimate_memory,
                                      generation_bytes)
from lineup.simulation.population import generate_population


@pytest.mark.parametrize("size, degree", [(100_000, 4), (100_000, 20)])
def test_estimate_bounds_the_measured_generation_peak(size, degree, monkeypatch):
    # tracemalloc sees numpy's allocations, not numba's: measure the numpy paths (the same
    # arrays), whose peak is the larger (argsort orders, 64-bit sort keys)
    from lineup.simulation import graph, population

    monkeypatch.setattr(graph, "build_kernels", lambda: None)
    monkeypatch.setattr(population, "build_kernels", lambda: None)
    tracemalloc.start()
    try:
        generate_population(size, niches=["a", "b"], mean_degree=degree, seed=0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak <= generation_bytes(size, degree) <= 2 * peak


def test_estimate_grows_with_workers_and_a_network_is_counted_per_worker():
    from lineup.simulation.graph import from_edges

    spec = SimulationSpec(population={"size": 1_000_000})
    one, four = (estimate_memory(spec, workers=w, available=10**12) for w in (1, 4))
    assert four.total - four.shared == 4 * (one.total - one.shared)
    graph = from_edges(np.arange(999), np.arange(1, 1000))
    net = estimate_memory(spec, network=graph, workers=2, available=10**12)
    assert net.per_worker >= graph.indptr.nbytes + graph.indices.nbytes and net.per_person < one.per_person


def test_available_memory_is_read_on_linux():
    available = available_memory()
    assert available is None or available > 0


def test_refusal_names_the_place_the_estimate_and_what_fits():
    spec = SimulationSpec(population={"size": 50_000_000, "mean_degree": 1000})
    estimate = estimate_memory(spec, workers=2, available=16 * 10**9)
    assert not estimate.fits
    with pytest.raises(ScenarioError) as err:
        check_memory(estimate, "s.yaml, field 'simulation.population.size'", generated=True)
    text = str(err.value)
    assert text.startswith("s.yaml, field 'simulation.population.size': simulating needs about 2,810.8 GB")
    assert "× 2 workers" in text and "people fit" in text and "fewer workers" in text
    assert "fewer --workers" in str(err.value.in_terms(lambda name: "--" + name))   # what the CLI shows
    fit = estimate.people_that_fit()
    assert estimate_memory(SimulationSpec(population={"size": fit, "mean_degree": 1000}), workers=2,
                           available=16 * 10**9).fits
    assert err.value.exit_code == 2


def test_unknown_memory_is_not_checked():
    check_memory(MemoryEstimate(per_worker=10**15, workers=1, shared=0, per_person=1, available=None), "x",
                 generated=True)

"""RunOptions: one frozen value for how a run is carried out, accepted by every replicating workflow."""

from __future__ import annotations

import dataclasses

import pytest

from lineup.errors import UsageError
from lineup.execution import RunOptions


def test_run_options_are_frozen_values():
    run = RunOptions(replications=20, seed=3, workers=2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.seed = 4
    assert run == RunOptions(replications=20, seed=3, workers=2)
    assert run.with_(progress=print) == run          # progress is how a run reports, not what it computes
    assert hash(run) == hash(RunOptions(replications=20, seed=3, workers=2))


@pytest.mark.parametrize("fields, message", [
    ({"replications": 0}, "replications must be at least 1, got 0"),
    ({"workers": 257}, "workers must be from 1 to 256, got 257"),
    ({"dask_local": 0}, "dask_local must be from 1 to 256, got 0"),
    ({"seed": -1}, "seed must be from 0 to"),
    ({"seed": 2.5}, "seed must be a whole number, got 2.5"),
    ({"workers": True}, "workers must be a whole number, got True"),
    ({"replications": "3"}, "replications must be a whole number, got '3'"),
    ({"memory": 0}, "memory must be at least 1, got 0"),
    ({"scheduler": 8786}, "scheduler must be an address"),
])
def test_bad_options_are_usage_errors_in_argument_names(fields, message):
    with pytest.raises(UsageError) as caught:
        RunOptions(**fields)
    assert str(caught.value).startswith(message)
    assert "--" not in str(caught.value)


def test_whole_numbers_of_any_type_become_ints():
    import numpy as np

    run = RunOptions(replications=np.int64(5), seed=7.0)
    assert (run.replications, run.seed) == (5, 7)
    assert type(run.replications) is int and type(run.seed) is int


def test_of_merges_keywords_over_a_base_and_refuses_unknown_names():
    base = RunOptions(replications=9, workers=2)
    assert RunOptions.of(base, seed=1) == RunOptions(replications=9, workers=2, seed=1)
    assert RunOptions.of(base) is base
    assert RunOptions.of(None) == RunOptions()
    with pytest.raises(TypeError, match="unknown run option.*seeds"):
        RunOptions.of(None, seeds=1)
    with pytest.raises(TypeError, match="run must be a RunOptions, got dict"):
        RunOptions.of({"seed": 1})


@pytest.mark.parametrize("fields, local", [({}, 1), ({"workers": 4}, 4), ({"dask_local": 3, "workers": 8}, 3),
                                           ({"scheduler": "tcp://h:1", "workers": 8}, 0)])
def test_local_workers_counts_processes_of_this_machine(fields, local):
    assert RunOptions(**fields).local_workers == local


def test_one_task_runs_in_this_process_unless_dask_is_asked_for():
    with RunOptions(workers=2).executor(tasks=1) as ex:
        assert ex.kind == "serial"
    with RunOptions(workers=2).executor(tasks=5) as ex:
        assert ex.kind == "pool" and ex.map_ordered(abs, [-3, 2]) == [3, 2]


def test_memory_caps_what_a_simulation_plans_with():
    """A memory cap smaller than the population needs is a located scenario error naming the argument."""
    from lineup.errors import ScenarioError
    from lineup.optimize.formulation import tiny_scenario
    from lineup.workflows.simulate import simulate

    sc = tiny_scenario().with_overrides(simulation={"days": 3, "replications": 2, "population": {"size": 200_000}})
    with pytest.raises(ScenarioError, match="field 'simulation.population.size': simulating needs about"):
        simulate(sc, ["eve"], run=RunOptions(memory=10**6, seed=1))
    assert simulate(sc.with_overrides(simulation={"population": {"size": 500}}), ["eve"],
                    run=RunOptions(memory=10**9, seed=1)).population_size == 500

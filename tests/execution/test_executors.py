"""The executors (lineup.execution): order, equality across serial / pool / Dask, errors, Monte Carlo routing."""

from __future__ import annotations

import time

import numpy as np
import pytest

from lineup.domain.campaign import SimulationSpec
from lineup.domain.portfolio import Portfolio
from lineup.domain.roster import Roster
from lineup.domain.tiers import Tiers
from lineup.errors import UsageError
from lineup.execution import SCHEDULER_ENV, batches, make_executor
from lineup.simulation.campaign import Influencers
from lineup.simulation.montecarlo import monte_carlo

SPEC = SimulationSpec(days=8, population={"size": 1_500}, word_of_mouth={"p": 0.05})


def _slow_square(x: int) -> int:
    time.sleep(0.02 * (5 - x) if x < 5 else 0)  # early items finish last
    return x * x


@pytest.fixture(scope="module")
def inf() -> Influencers:
    r = Roster.from_columns(ids=["a", "b"], followers=[2e3, 3e4], engagement_rate=[0.06, 0.03],
                            fee=[100, 900], niches=[["x"], ["y"]])
    return Influencers.from_portfolio(Portfolio(r, [0, 1]), Tiers(), SPEC.talk_prob)


def _mc(inf, **kw):
    return monte_carlo(inf, SPEC, niches=["x", "y"], replications=7, seed=11, **kw)


def test_batches_cover_every_index_once_in_order():
    for n, slots in [(1, 1), (7, 2), (1000, 2), (9, 9), (3, 8)]:
        chunks = batches(n, slots)
        assert [i for b in chunks for i in b] == list(range(n))
        assert len(chunks) <= max(1, slots * 4)


@pytest.mark.parametrize("workers", [1, 2])
def test_map_ordered_keeps_item_order_and_reports_progress(workers):
    calls = []
    with make_executor(workers) as ex:
        out = ex.map_ordered(_slow_square, range(6), progress=lambda d, t: calls.append((d, t)))
    assert out == [0, 1, 4, 9, 16, 25]
    assert calls == [(k, 6) for k in range(1, 7)]
    assert ex.kind == ("serial" if workers == 1 else "pool")


def test_dask_map_ordered_and_identical_monte_carlo(inf, dask_address):
    with make_executor(scheduler=dask_address) as ex:
        assert ex.kind == "dask" and ex.workers == 2
        assert ex.map_ordered(_slow_square, range(6)) == [0, 1, 4, 9, 16, 25]
    serial, pool, dask = _mc(inf), _mc(inf, workers=2), _mc(inf, scheduler=dask_address)
    assert serial.to_dict() == pool.to_dict() == dask.to_dict()
    for name in serial.samples:
        np.testing.assert_array_equal(serial.samples[name], dask.samples[name])


def _worker_settings() -> tuple:
    import os

    import dask

    return os.environ.get("MALLOC_TRIM_THRESHOLD_"), dask.config.get("distributed.worker.profile.enabled")


def test_local_cluster_workers_keep_adaptive_malloc_and_no_profiler(dask_address):
    from dask.distributed import Client

    with Client(dask_address, set_as_default=False) as client:
        settings = client.run(_worker_settings)
    assert len(settings) == 2 and set(settings.values()) == {(None, False)}


def test_environment_variable_selects_the_scheduler(inf, dask_address, monkeypatch):
    monkeypatch.setenv(SCHEDULER_ENV, dask_address)
    with make_executor() as ex:
        assert ex.kind == "dask"
    calls = []
    res = _mc(inf, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (7, 7) and all(t == 7 for _, t in calls)
    monkeypatch.delenv(SCHEDULER_ENV)
    assert res.to_dict() == _mc(inf).to_dict()


def test_bad_scheduler_address_is_a_usage_error():
    t0 = time.perf_counter()
    with pytest.raises(UsageError, match="tcp://127.0.0.1:9.*cannot reach a Dask scheduler"):
        with make_executor(scheduler="tcp://127.0.0.1:9"):
            pass
    assert time.perf_counter() - t0 < 30


def test_bad_worker_counts_are_usage_errors_in_the_argument_names():
    with pytest.raises(UsageError, match="^workers must be from 1 to 256, got 0$"):
        with make_executor(workers=0):
            pass
    with pytest.raises(UsageError, match="^dask_local must be from 1 to 256"):
        with make_executor(dask_local=0):
            pass


def test_an_unreachable_scheduler_is_named_by_its_argument():
    with pytest.raises(UsageError) as caught:
        with make_executor(scheduler="tcp://127.0.0.1:1"):
            pass
    text = str(caught.value)
    assert text.startswith("scheduler 'tcp://127.0.0.1:1': cannot reach a Dask scheduler there")
    assert "use dask_local N" in text and "--" not in text


def test_monte_carlo_on_a_shared_executor(inf):
    with make_executor(2) as ex:
        shared = _mc(inf, executor=ex)
    assert shared.to_dict() == _mc(inf).to_dict()


@pytest.mark.slow
def test_dask_local_cluster_from_make_executor(inf):
    assert _mc(inf, dask_local=2).to_dict() == _mc(inf).to_dict()


def test_workers_without_lineup_or_with_another_version_are_refused():
    from lineup import __version__
    from lineup.execution import check_worker_versions

    check_worker_versions("tcp://h:1", {})  # adaptive clusters start empty
    check_worker_versions("tcp://h:1", {"w1": __version__, "w2": __version__})
    with pytest.raises(UsageError, match="cannot be imported on 1 of 2 workers"):
        check_worker_versions("tcp://h:1", {"w1": __version__, "w2": ModuleNotFoundError("No module named 'lineup'")})
    with pytest.raises(UsageError, match="1 of 2 workers run lineup 0.0.1 .* install the same version"):
        check_worker_versions("tcp://h:1", {"w1": __version__, "w2": "0.0.1"})

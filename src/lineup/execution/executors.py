"""Where independent tasks run: in this process, on a local process pool, or on Dask.

Below the optimiser, the simulator and the calibration (it imports none of them), so
Monte Carlo replications, frontier points and sensitivity design points share one
executor.

:func:`make_executor` is a context manager that yields an executor with one
method, ``map_ordered(fn, items, progress=None) -> list``: ``fn`` applied to
every item, results in item order whatever order they finish in, and
``progress(done, total)`` called as tasks finish.  Monte Carlo replications
(:mod:`lineup.simulation.montecarlo`) and sweep points (:mod:`lineup.workflows.frontier`) use
it, so a run's numbers never depend on where it ran: each task's result
depends only on its item (e.g. a child seed).

Which executor:

- ``workers == 1`` and no Dask: :class:`SerialExecutor` (this process).
- ``workers > 1``: :class:`PoolExecutor`, a
  :class:`concurrent.futures.ProcessPoolExecutor`.
- ``scheduler="tcp://host:8786"`` (or the environment variable
  ``LINEUP_DASK_SCHEDULER`` when ``scheduler`` is ``None``): a
  :class:`DaskExecutor` on that existing ``dask.distributed`` cluster.
- ``dask_local=N``: a :class:`DaskExecutor` on a new ``LocalCluster`` of ``N``
  single-threaded worker processes, closed on exit.

``fn`` and the items must pickle (module-level functions, or
:func:`functools.partial` of them); tasks should return small per-run
summaries (arrays), never graphs, to keep memory bounded.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Any

from lineup._progress import Progress
from lineup.errors import UsageError, argument

__all__ = ["make_executor", "local_cluster", "require_dask", "DASK_WORKER_CONFIG", "MAX_LOCAL_WORKERS", "batches",
           "SerialExecutor", "PoolExecutor", "DaskExecutor", "SCHEDULER_ENV", "check_worker_versions",
           "check_workers"]

_SCHEDULER, _LOCAL, _WORKERS = argument("scheduler"), argument("dask_local"), argument("workers")

SCHEDULER_ENV = "LINEUP_DASK_SCHEDULER"
CONNECT_TIMEOUT = "3s"

_TRIM = "MALLOC_TRIM_THRESHOLD_"

#: Dask settings for lineup's workers (see :func:`local_cluster`): glibc's adaptive malloc, no profiler.
DASK_WORKER_CONFIG = {f"distributed.nanny.pre-spawn-environ.{_TRIM}": None,
                      "distributed.worker.profile.enabled": False}



class SerialExecutor:
    """Runs every task in this process, in order.

    Examples
    --------
    >>> SerialExecutor().map_ordered(abs, [-2, 3, -1])
    [2, 3, 1]
    """

    workers = 1
    kind = "serial"

    def map_ordered(self, fn: Callable, items: Iterable, progress: Progress | None = None) -> list:
        items = list(items)
        out = []
        for done, item in enumerate(items, start=1):
            out.append(fn(item))
            if progress is not None:
                progress(done, len(items))
        return out


class PoolExecutor:
    """Runs tasks on a local :class:`~concurrent.futures.ProcessPoolExecutor` of ``workers`` processes."""

    kind = "pool"

    def __init__(self, pool: ProcessPoolExecutor, workers: int):
        self.pool, self.workers = pool, workers

    def map_ordered(self, fn: Callable, items: Iterable, progress: Progress | None = None) -> list:
        futures = {self.pool.submit(fn, item): k for k, item in enumerate(items)}
        results: list[Any] = [None] * len(futures)
        for done, future in enumerate(as_completed(futures), start=1):
            results[futures[future]] = future.result()
            if progress is not None:
                progress(done, len(futures))
        return results


class DaskExecutor:
    """Runs tasks on a ``dask.distributed`` cluster through ``client``."""

    kind = "dask"

    def __init__(self, client):
        self.client = client

    @property
    def workers(self) -> int:
        """Total worker threads of the cluster (at least 1)."""
        info = self.client.scheduler_info().get("workers", {})
        return max(1, sum(int(w.get("nthreads", 1)) for w in info.values()))

    def map_ordered(self, fn: Callable, items: Iterable, progress: Progress | None = None) -> list:
        from dask.distributed import as_completed as dask_completed

        items = list(items)
        if not items:
            return []
        with self.client.as_current():
            futures = self.client.map(fn, items, pure=False)
            for done, _ in enumerate(dask_completed(futures), start=1):
                if progress is not None:
                    progress(done, len(futures))
            return self.client.gather(futures)


def _reachable(address: str) -> None:
    """Refuse an address that is malformed or has nothing listening (before dask.Client,
    whose failed construction prints a traceback from its finaliser)."""
    from urllib.parse import urlsplit

    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host = port = None
    if parts.scheme not in ("tcp", "tls") or not host or port is None:
        raise UsageError(f"{_SCHEDULER} {address!r}: expected an address like tcp://host:8786")
    try:
        socket.create_connection((host, port), timeout=3.0).close()
    except OSError as exc:
        raise UsageError(f"{_SCHEDULER} {address!r}: cannot reach a Dask scheduler there ({exc.strerror or exc}); "
                         f"start one with `dask scheduler` or use {_LOCAL} N") from None


def _connect(address: str):
    from dask.distributed import Client

    _reachable(address)
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise UsageError(f"{_SCHEDULER} {address!r}: cannot reach a Dask scheduler there within {CONNECT_TIMEOUT} "
                         f"({type(exc).__name__}: {exc}); start one with `dask scheduler` or use {_LOCAL} N",
                         ) from None
    try:
        check_worker_versions(address, client.run(_lineup_version, on_error="return"))
    except BaseException:
        client.close()
        raise
    return client


def _lineup_version() -> str:
    """lineup's version on a worker (raises ImportError where lineup is not installed)."""
    from lineup._version import __version__

    return __version__


def check_worker_versions(address: str, versions: dict) -> None:
    """Refuse a cluster whose workers lack lineup or run another version (their numbers could differ).

    Workers that join later are not checked.  ``versions`` maps worker addresses to a version string, or to the exception
    raised importing lineup there.

    Examples
    --------
    >>> from lineup._version import __version__
    >>> check_worker_versions("tcp://h:8786", {"tcp://w1": __version__})
    >>> check_worker_versions("tcp://h:8786", {"tcp://w1": ImportError("No module named 'lineup'")})
    Traceback (most recent call last):
    ...
    lineup.errors.UsageError: scheduler 'tcp://h:8786': lineup cannot be imported on 1 of 1 workers (tcp://w1: No module named 'lineup'); install lineup on every worker
    """
    from lineup._version import __version__

    if not versions:  # an adaptive cluster may start workers when tasks arrive
        return
    broken = {w: v for w, v in versions.items() if isinstance(v, BaseException)}
    if broken:
        first, exc = next(iter(broken.items()))
        raise UsageError(f"{_SCHEDULER} {address!r}: lineup cannot be imported on {len(broken)} of {len(versions)} "
                         f"workers ({first}: {exc}); install lineup on every worker")
    other = {w: v for w, v in versions.items() if v != __version__}
    if other:
        first, version = next(iter(other.items()))
        raise UsageError(f"{_SCHEDULER} {address!r}: {len(other)} of {len(versions)} workers run lineup {version} "
                         f"({first}), this process {__version__}; install the same version everywhere")


def require_dask(option: str) -> None:
    """Raise :class:`~lineup.errors.UsageError` naming the extra to install when Dask is missing.

    ``option`` is the argument that asked for Dask (``"scheduler"``, ``"dask_local"``).
    """
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        raise UsageError(f"{argument(option)} runs on Dask, which is not installed: pip install 'lineup[dask]'") from None


@contextmanager
def _dask_client(address: str | None, local: int | None) -> Iterator[DaskExecutor]:
    require_dask("scheduler" if address is not None else "dask_local")
    if address is not None:
        client = _connect(address)
        try:
            yield DaskExecutor(client)
        finally:
            client.close()
        return
    from dask.distributed import Client

    with local_cluster(local) as cluster, Client(cluster, set_as_default=False) as client:
        yield DaskExecutor(client)


@contextmanager
def local_cluster(n_workers: int) -> Iterator[Any]:
    """A ``dask.distributed.LocalCluster`` of ``n_workers`` single-threaded worker processes, tuned for lineup.

    What ``dask_local=N`` (``--dask-local N``) runs on; benchmarks use it too.  Two of Dask's
    defaults are changed for its workers, both measured on lineup's replications:

    - Dask's nanny sets ``MALLOC_TRIM_THRESHOLD_=65536`` in its workers.  Setting
      that variable at all turns off glibc's adaptive mmap threshold, so every large
      numpy array is mmapped and unmapped afresh: a replication then costs ~40 % more
      CPU than in a plain process.  lineup's workers keep glibc's default.
    - The workers' statistical profiler (a stack sample every 10 ms) cost another
      ~30 % of CPU; it is switched off.

    Workers of an existing cluster (``scheduler``) keep their own settings; see
    the README ("Scaling out") for starting them the same way.
    """
    import logging

    require_dask("dask_local")
    import dask
    from dask.distributed import LocalCluster

    # A nanny started earlier in this process (any LocalCluster with Dask's defaults) leaves
    # MALLOC_TRIM_THRESHOLD_ in os.environ, which new workers would inherit: hide it meanwhile.
    inherited = os.environ.pop(_TRIM, None)
    try:
        with dask.config.set(DASK_WORKER_CONFIG):
            cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                   dashboard_address=":0", silence_logs=logging.ERROR)
        with cluster:
            yield cluster
    finally:
        if inherited is not None:
            os.environ[_TRIM] = inherited


#: Most local worker processes (pool or LocalCluster): each costs ~100 MB of interpreter before any work.
MAX_LOCAL_WORKERS = 256


def check_workers(workers: int, dask_local: int | None) -> None:
    """Refuse a count of local processes (``workers``, ``dask_local``) outside 1 to :data:`MAX_LOCAL_WORKERS`."""
    for name, count in ((_WORKERS, workers), (_LOCAL, dask_local)):
        if count is not None and not 1 <= int(count) <= MAX_LOCAL_WORKERS:
            raise UsageError(f"{name} must be from 1 to {MAX_LOCAL_WORKERS}, got {count}")


@contextmanager
def make_executor(workers: int = 1, scheduler: str | None = None,
                  dask_local: int | None = None) -> Iterator[SerialExecutor | PoolExecutor | DaskExecutor]:
    """An executor for independent tasks; closes pools and local clusters on exit.

    Parameters
    ----------
    workers : int
        Local processes when Dask is not used (1 = this process).
    scheduler : str, optional
        Address of an existing Dask scheduler (``tcp://host:8786``); default the
        ``LINEUP_DASK_SCHEDULER`` environment variable, if set.  An unreachable
        address raises :class:`~lineup.errors.UsageError` within a few seconds.
    dask_local : int, optional
        Start a Dask ``LocalCluster`` with this many single-threaded worker
        processes instead (ignores ``scheduler`` and the environment variable).

    Examples
    --------
    >>> with make_executor() as ex:
    ...     ex.kind, ex.map_ordered(str, [3, 1, 2])
    ('serial', ['3', '1', '2'])
    """
    check_workers(workers, dask_local)
    if dask_local is None and scheduler is None:
        scheduler = os.environ.get(SCHEDULER_ENV) or None
    if dask_local is not None or scheduler is not None:
        with _dask_client(None if dask_local is not None else scheduler, dask_local) as ex:
            yield ex
    elif int(workers) > 1:
        with ProcessPoolExecutor(max_workers=int(workers)) as pool:
            yield PoolExecutor(pool, int(workers))
    else:
        yield SerialExecutor()


def batches(n: int, slots: int, per_slot: int = 4) -> list[range]:
    """Split ``range(n)`` into contiguous batches, about ``per_slot`` per worker slot.

    Fewer, bigger tasks keep scheduling overhead low; several per slot keep
    workers busy when tasks take uneven time.

    Examples
    --------
    >>> [list(b) for b in batches(5, 1)]
    [[0, 1], [2, 3], [4]]
    >>> len(batches(1000, 2)), len(batches(3, 2))
    (8, 3)
    """
    size = max(1, -(-n // max(1, slots * per_slot)))
    return [range(start, min(n, start + size)) for start in range(0, n, size)]

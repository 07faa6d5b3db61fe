"""How a run is carried out: one frozen value built once (from CLI flags or API arguments) and passed down.

Every workflow that replicates or sweeps (simulate, compare, frontier, sensitivity,
report) takes a :class:`RunOptions` as ``run=`` or its fields as keywords; the
numbers depend on ``replications`` and ``seed`` only, never on where the work ran.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from lineup._progress import Progress
from lineup.errors import UsageError, argument

from .executors import check_workers, make_executor

__all__ = ["RunOptions"]


@dataclass(frozen=True)
class RunOptions:
    """Replications, seed, where the work runs, progress and the memory it may plan with.

    Attributes
    ----------
    replications, seed : int, optional
        Override the scenario's ``simulation.replications`` / ``simulation.seed``
        (``None``: the scenario's).
    workers : int
        Local worker processes when Dask is not used (1 = this process).
    scheduler : str, optional
        Address of an existing Dask scheduler (``tcp://host:8786``); default the
        ``LINEUP_DASK_SCHEDULER`` environment variable, if set.
    dask_local : int, optional
        Run on a new Dask ``LocalCluster`` of this many single-threaded worker processes.
    progress : callable, optional
        ``progress(done, total)`` as units of work finish (not part of equality).
    memory : int, optional
        Bytes a simulation may plan with (population size ``auto`` and the memory check);
        default: the memory available on this machine when the run starts.

    Examples
    --------
    >>> run = RunOptions(replications=50, seed=7)
    >>> run.workers, run.local_workers
    (1, 1)
    >>> RunOptions.of(run, workers=2) == RunOptions(replications=50, seed=7, workers=2)
    True
    >>> RunOptions(workers=0)
    Traceback (most recent call last):
    ...
    lineup.errors.UsageError: workers must be from 1 to 256, got 0
    >>> with RunOptions().executor() as ex:
    ...     ex.map_ordered(abs, [-1, 2])
    [1, 2]
    """

    replications: int | None = None
    seed: int | None = None
    workers: int = 1
    scheduler: str | None = None
    dask_local: int | None = None
    progress: Progress | None = field(default=None, compare=False, repr=False)
    memory: int | None = None

    def __post_init__(self) -> None:
        for name, low, high in (("replications", 1, None), ("workers", None, None), ("dask_local", None, None),
                                ("seed", 0, 2**63 - 1), ("memory", 1, None)):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, (bool, str, bytes)) or not isinstance(value, int) and not _whole(value):
                raise UsageError(f"{argument(name)} must be a whole number, got {value!r}")
            if low is not None and (value < low or (high is not None and value > high)):
                span = f"from {low} to {high}" if high is not None else f"at least {low}"
                raise UsageError(f"{argument(name)} must be {span}, got {value}")
            object.__setattr__(self, name, int(value))
        check_workers(self.workers, self.dask_local)
        if self.scheduler is not None and not isinstance(self.scheduler, str):
            raise UsageError(f"{argument('scheduler')} must be an address such as tcp://host:8786, "
                             f"got {type(self.scheduler).__name__}")

    @classmethod
    def of(cls, run: RunOptions | None = None, /, **fields: Any) -> RunOptions:
        """``run`` (default: all defaults) with ``fields`` replaced: what workflows build from ``run=`` and keywords.

        An unknown field raises :class:`TypeError` naming it.

        >>> RunOptions.of(None, seed=3).seed, RunOptions.of(RunOptions(seed=3)).seed
        (3, 3)
        >>> RunOptions.of(None, replicatons=3)
        Traceback (most recent call last):
        ...
        TypeError: unknown run option(s) replicatons; expected replications, seed, workers, scheduler, dask_local, progress, memory
        """
        names = [f.name for f in dataclasses.fields(cls)]
        unknown = [k for k in fields if k not in names]
        if unknown:
            raise TypeError(f"unknown run option(s) {', '.join(unknown)}; expected {', '.join(names)}")
        base = run if run is not None else cls()
        if not isinstance(base, cls):
            raise TypeError(f"run must be a RunOptions, got {type(base).__name__}")
        return dataclasses.replace(base, **fields) if fields else base

    def with_(self, **changes: Any) -> RunOptions:
        """A copy with ``changes`` (e.g. ``progress=None`` for an inner run whose progress is counted outside)."""
        return dataclasses.replace(self, **changes)

    def replications_or(self, default: int) -> int:
        """The replications asked for, else ``default`` (the scenario's, or a workflow's own).

        >>> RunOptions().replications_or(100), RunOptions(replications=5).replications_or(100)
        (100, 5)
        """
        return default if self.replications is None else self.replications

    @property
    def local_workers(self) -> int:
        """Processes of this machine that hold a simulation at once (0 on a remote Dask cluster)."""
        if self.dask_local is not None:
            return self.dask_local
        return 0 if self.scheduler else self.workers

    def processes(self, tasks: int) -> int:
        """Local processes busy at once on ``tasks`` tasks (a pool never runs more processes than tasks).

        >>> RunOptions(workers=8).processes(3), RunOptions(dask_local=4).processes(1)
        (3, 4)
        """
        return self.local_workers if self.dask_local is not None else min(self.local_workers, tasks)

    @contextmanager
    def executor(self, tasks: int | None = None, given: Any = None) -> Iterator[Any]:
        """The executor these options ask for (:func:`~lineup.execution.executors.make_executor`); one task or
        fewer runs in this process unless Dask was asked for.  ``given``, an executor already opened (shared
        by a sweep's points or a report's parts), is used as it is and left open."""
        if given is not None:
            yield given
            return
        workers = 1 if tasks is not None and tasks <= 1 else self.workers
        with make_executor(workers, self.scheduler, self.dask_local) as ex:
            yield ex


def _whole(value: Any) -> bool:
    try:
        return float(value) == int(value)
    except (TypeError, ValueError, OverflowError):
        return False


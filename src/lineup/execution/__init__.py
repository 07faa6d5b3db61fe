"""How work runs: :class:`RunOptions` (one value for replications, seed, workers, Dask, progress and memory)
and the executors it opens (this process, a local process pool, or Dask).

A layer below the optimiser, the simulator and the calibration, above the domain: all of
them may run their independent tasks here, and results never depend on where they ran.
"""

from .executors import (DASK_WORKER_CONFIG, MAX_LOCAL_WORKERS, SCHEDULER_ENV, DaskExecutor, PoolExecutor,
                        SerialExecutor, batches, check_worker_versions, check_workers, local_cluster, make_executor,
                        require_dask)
from .options import RunOptions

__all__ = ["RunOptions", "make_executor", "local_cluster", "require_dask", "check_worker_versions", "check_workers",
           "batches",
           "SerialExecutor", "PoolExecutor", "DaskExecutor", "SCHEDULER_ENV", "DASK_WORKER_CONFIG", "MAX_LOCAL_WORKERS"]

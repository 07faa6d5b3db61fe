"""Scale-out of Monte Carlo replications: serial vs a local process pool vs Dask.

The micro-vs-macro comparison (``scenarios/micro_vs_macro.yaml``, strategies
``micro`` and ``macro``) with ``--replications`` replications per strategy on
generated populations of ``--people`` simulated people, run three ways:

- serial: ``workers=1`` (this process);
- pool: ``workers=2`` (``concurrent.futures.ProcessPoolExecutor``);
- dask: the ``dask.distributed.LocalCluster`` of ``--dask-local 2``
  (:func:`lineup.execution.local_cluster`: 2 single-threaded
  worker processes), started (and lineup imported on its workers) before the
  clock starts — that start-up time is printed separately — and passed as
  ``scheduler=ADDRESS``.

Each way runs :func:`lineup.workflows.compare.compare` end to end (two solves,
then the simulations; the solves are serial in every mode).  Speed-up = serial time /
time; parallel efficiency = speed-up / 2.  The CPU seconds of all processes
are printed too: on a shared machine the wall-clock efficiency mixes parallel
overhead (CPU above serial) with cores taken by other work.  The per-replication samples must be
identical in every mode (checked).

    python benchmarks/scaling.py                                # 1,000 replications, 100k people
    python benchmarks/scaling.py --replications 100 --people 20000
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
STRATEGIES = ["micro", "macro"]


def _scenario(path: Path, people: int):
    from lineup.io.scenario import load_scenario

    sc = load_scenario(path)
    sim = sc.spec.simulation.model_dump()
    sim["population"] = {**(sim.get("population") or {}), "size": people}
    return sc.with_overrides(simulation=sim)


def _run_compare(sc, reps: int, seed: int, workers: int, scheduler: str | None) -> dict[str, dict]:
    from lineup.workflows.compare import compare

    cmp = compare(sc, names=STRATEGIES, replications=reps, seed=seed, workers=workers, scheduler=scheduler)
    return {name: sim.samples for name, sim in cmp.simulations.items()}


def _cpu(client=None) -> float:
    """CPU seconds used so far by this process, its reaped children (pool workers, CBC) and Dask workers."""
    import resource

    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers = sum(client.run(time.process_time).values()) if client is not None else 0.0
    return time.process_time() + kids.ru_utime + kids.ru_stime + workers


def _timed(run, *args, client=None) -> tuple[float, float, dict]:
    cpu0, t0 = _cpu(client), time.perf_counter()
    out = run(*args)
    return time.perf_counter() - t0, _cpu(client) - cpu0, out


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        np.array_equal(a[s][m], b[s][m], equal_nan=True) for s in a for m in a[s])


def _warm_up(client) -> None:
    """Import lineup on every Dask worker (spawned processes start cold) before timing."""
    import importlib

    client.run(importlib.import_module, "lineup.simulation.montecarlo")


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replications", type=int, default=1000, help="replications per strategy (default 1000)")
    ap.add_argument("--people", type=int, default=100_000, help="simulated people (default 100,000)")
    ap.add_argument("--workers", type=int, default=2, help="pool processes / Dask workers (default 2)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "micro_vs_macro.yaml")
    args = ap.parse_args()
    from dask.distributed import Client

    from lineup.execution import local_cluster

    sc = _scenario(args.scenario, args.people)
    run = _run_compare
    print(f"{args.replications:,} replications × {len(STRATEGIES)} strategies, {args.people:,} people, via compare; "
          f"{os.cpu_count()} CPUs, load average before: {_load()}")
    common = (sc, args.replications, args.seed)
    rows = [("serial", *_timed(run, *common, 1, None))]
    rows.append((f"pool×{args.workers}", *_timed(run, *common, args.workers, None)))
    t0 = time.perf_counter()
    with local_cluster(args.workers) as cluster, Client(cluster, set_as_default=False) as client:
        _warm_up(client)
        startup = time.perf_counter() - t0
        rows.append((f"dask×{args.workers}", *_timed(run, *common, 1, cluster.scheduler_address, client=client)))
    _print(rows, args.workers, startup)


def _print(rows, workers: int, startup: float) -> None:
    base, ref = rows[0][1], rows[0][3]
    cpu_base = rows[0][2]
    print(f"{'mode':<10}{'wall s':>9}{'speed-up':>10}{'efficiency':>12}{'cpu s':>9}{'cpu/serial':>12}  identical")
    for name, wall, cpu, samples in rows:
        n = 1 if name == "serial" else workers
        print(f"{name:<10}{wall:>9.1f}{base / wall:>10.2f}{base / wall / n:>11.0%}{cpu:>9.1f}{cpu / cpu_base:>12.2f}"
              f"  {_same(ref, samples)}")
    print("cpu s: CPU time of every process of the run (main, pool/Dask workers, CBC); cpu/serial > 1 is "
          "parallel overhead, wall/cpu well above 1/workers means the cores were shared with other work")
    print(f"Dask LocalCluster start-up incl. importing lineup on the workers (not in the dask time): "
          f"{startup:.1f} s; load average after: {_load()}")


if __name__ == "__main__":
    main()

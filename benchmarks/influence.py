"""Influence maximisation benchmark: lineup.maximize_influence vs pynetim's IMM vs top degree.

Usage::

    python benchmarks/influence.py                        # NetHEPT, k = 50, IC p = 0.01 and weighted cascade
    python benchmarks/influence.py --repeat 3 --runs 10000 --cases wc

NetHEPT (../shared/data/networks/nethept/edges.txt: first line ``n m``, then
undirected tab-separated pairs) is read once into a CSR graph and saved to a
temporary ``.npz``.  For every case (``ic``: IC with p = 0.01 on every arc;
``wc``: weighted cascade, p(u, v) = 1 / in-degree(v)), each tool chooses
``--k`` seeds with ε = ``--epsilon`` and failure probability 1/n (IMM's ℓ = 1),
``--repeat`` times, the tools interleaved (lineup, pynetim, lineup, …), each
repetition in a fresh subprocess:

* ``lineup``: ``lineup.maximize_influence(graph, k, p=..., epsilon=ε, seed=s)``
  (method ``"imm"``); the numba kernels are compiled (or loaded from their
  cache) by a small warm-up call before the clock starts;
* ``pynetim``: ``pynetim.IMMAlgorithm(IMGraph, "IC", epsilon=ε, l=1).run(k)``
  (Tang, Shi & Xiao 2015, C++), graph built before the clock starts.  It lives
  in its own virtual environment (``--venv``, default /tmp/lineup-im-venv,
  created with ``pip install pynetim numpy`` if missing); not a lineup dependency;
* ``top degree``: the ``k`` nodes of highest degree (no timing).

Every seed set's spread is then measured by ``lineup.spread`` with ``--runs``
runs (default 10,000) and the same simulation seed for all sets (common random
numbers).  Reported per case and tool: median wall and CPU seconds of the
choice, RR sets drawn, the mean spread (± standard error) over the repetitions'
seed sets, the spread relative to pynetim's, and to the top-degree seeds'.
Acceptance (issue 12): spread ≥ pynetim − 1 %; weighted cascade ≥ 1.3× top
degree; time ≤ 2× pynetim's.

This file is also the worker: ``--worker TOOL GRAPH.npz CASE K EPSILON SEED``
prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
NETHEPT = HERE.parent.parent / "shared" / "data" / "networks" / "nethept" / "edges.txt"
DEFAULT_VENV = Path("/tmp/lineup-im-venv")
CASES = {"ic": 0.01, "wc": "wc"}


# ----------------------------------------------------------------------------- workers


def _graph(path: str):
    z = np.load(path)
    return z["indptr"], z["indices"]


def _arc_probability(indptr, indices, case: str) -> np.ndarray:
    if case == "wc":
        return 1.0 / np.bincount(indices, minlength=len(indptr) - 1)[indices]
    return np.full(len(indices), CASES[case])


def _run_lineup(path: str, case: str, k: int, epsilon: float, seed: int) -> dict:
    from lineup.simulation.graph import CSRGraph, from_edges
    from lineup.simulation.influence import maximize_influence

    indptr, indices = _graph(path)
    g = CSRGraph(indptr, indices.astype(np.int32), directed=False)
    maximize_influence(from_edges([0, 1], [1, 2]), 1, p=CASES[case], seed=0)     # compile / load the kernels
    t, c = time.perf_counter(), time.process_time()
    res = maximize_influence(g, k, p=CASES[case], epsilon=epsilon, delta=1.0 / g.n, seed=seed)
    return {"seconds": time.perf_counter() - t, "cpu": time.process_time() - c, "seeds": list(res.seeds),
            "rr_sets": res.rr_sets, "estimate": res.spread, "ratio": res.ratio}


def _run_pynetim(path: str, case: str, k: int, epsilon: float, seed: int) -> dict:
    from pynetim import IMGraph
    from pynetim.algorithms import IMMAlgorithm

    indptr, indices = _graph(path)
    src = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
    weights = _arc_probability(indptr, indices, case)
    graph = IMGraph(list(zip(src.tolist(), indices.tolist())), weights=weights.tolist(), directed=True, renumber=False)
    t, c = time.perf_counter(), time.process_time()
    seeds = IMMAlgorithm(graph, model="IC", epsilon=epsilon, l=1, random_seed=seed).run(k)
    return {"seconds": time.perf_counter() - t, "cpu": time.process_time() - c, "seeds": sorted(int(s) for s in seeds),
            "rr_sets": None}


RUNNERS = {"lineup": _run_lineup, "pynetim": _run_pynetim}


# ----------------------------------------------------------------------------- driver


def ensure_venv(venv: Path) -> Path | None:
    """Python of pynetim's venv, created on first use; None if it cannot be."""
    py = venv / "bin" / "python"
    ok = py.exists() and subprocess.run([py, "-c", "import pynetim"], capture_output=True).returncode == 0
    if not ok:
        print(f"creating {venv} with pynetim ...", flush=True)
        for cmd in ([sys.executable, "-m", "venv", str(venv)], [py, "-m", "pip", "install", "-q", "pynetim", "numpy"]):
            if subprocess.run(cmd).returncode != 0:
                print(f"  could not run {' '.join(map(str, cmd))}; pynetim skipped")
                return None
    return py


def run_worker(python, tool, path, case, k, epsilon, seed) -> dict | None:
    cmd = [str(python), __file__, "--worker", tool, str(path), case, str(k), str(epsilon), str(seed)]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        print(f"  {tool} failed:\n{done.stderr[-2000:]}")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def load_nethept(path: Path):
    from lineup.simulation.graph import from_edges

    with open(path) as f:
        n, _ = map(int, f.readline().split())
    pairs = np.loadtxt(path, dtype=np.int64, skiprows=1, ndmin=2)
    return from_edges(pairs[:, 0], pairs[:, 1], n)


def measure(g, seeds, case: str, runs: int, seed: int) -> tuple[float, float]:
    from lineup.simulation.spread import spread

    r = spread(g, seeds, p=CASES[case], runs=runs, seed=seed)
    return r.mean, r.stderr


def bench_case(case, g, path, args, python) -> list[dict]:
    print(f"\n{case}: k = {args.k}, ε = {args.epsilon}, {args.repeat} repetitions interleaved", flush=True)
    done = {"lineup": [], "pynetim": []}
    for rep in range(args.repeat):
        for tool, py in (("lineup", sys.executable), ("pynetim", python)):
            if py is None:
                continue
            out = run_worker(py, tool, path, case, args.k, args.epsilon, args.seed + rep)
            if out:
                out["load"] = os.getloadavg()[0]
                done[tool].append(out)
                print(f"  {tool:<8} rep {rep + 1}: {out['seconds']:.2f} s (cpu {out['cpu']:.2f} s), "
                      f"load {out['load']:.1f}", flush=True)
    top = np.argsort(-g.out_degree(), kind="stable")[: args.k].tolist()
    done["top degree"] = [{"seeds": top, "seconds": None, "cpu": None, "rr_sets": None}]
    rows = []
    for tool, outs in done.items():
        if not outs:
            continue
        spreads = [measure(g, o["seeds"], case, args.runs, args.seed) for o in outs]
        rows.append({"case": case, "tool": tool, "reps": len(outs),
                     "seconds": _median(o["seconds"] for o in outs), "cpu": _median(o["cpu"] for o in outs),
                     "rr_sets": _median(o["rr_sets"] for o in outs),
                     "spread": float(np.mean([s for s, _ in spreads])),
                     "stderr": float(np.sqrt(np.mean([e ** 2 for _, e in spreads]))),
                     "spreads": [round(s, 2) for s, _ in spreads]})
    return rows


def _median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def report(rows: list[dict]) -> None:
    print(f"\n{'case':<4} {'tool':<10} {'seconds':>8} {'cpu s':>7} {'RR sets':>11} {'spread':>9} {'± se':>6} "
          f"{'vs pynetim':>10} {'vs top deg':>10} {'time/pynetim':>12}")
    for case in dict.fromkeys(r["case"] for r in rows):
        got = {r["tool"]: r for r in rows if r["case"] == case}
        ref, top = got.get("pynetim"), got["top degree"]
        for tool, r in got.items():
            rel = f"{100 * (r['spread'] / ref['spread'] - 1):+.2f} %" if ref else "–"
            speed = f"{r['seconds'] / ref['seconds']:.2f}x" if ref and r["seconds"] else "–"
            secs = f"{r['seconds']:.2f}" if r["seconds"] else "–"
            cpu = f"{r['cpu']:.2f}" if r["cpu"] else "–"
            sets = f"{r['rr_sets']:,.0f}" if r["rr_sets"] else "–"
            print(f"{case:<4} {tool:<10} {secs:>8} {cpu:>7} {sets:>11} {r['spread']:>9.2f} {r['stderr']:>6.2f} "
                  f"{rel:>10} {r['spread'] / top['spread']:>9.3f}x {speed:>12}")
        _checks(case, got)


def _checks(case: str, got: dict) -> None:
    lu, ref, top = got.get("lineup"), got.get("pynetim"), got["top degree"]
    if lu is None:
        return
    if ref:
        print(f"     check: spread ≥ pynetim − 1 %: {'ok' if lu['spread'] >= 0.99 * ref['spread'] else 'NO'}; "
              f"time ≤ 2× pynetim: {'ok' if lu['seconds'] <= 2 * ref['seconds'] else 'NO'}")
    if case == "wc":
        print(f"     check: ≥ 1.3× top degree: {'ok' if lu['spread'] >= 1.3 * top['spread'] else 'NO'} "
              f"({lu['spread'] / top['spread']:.3f}x)")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES))
    ap.add_argument("--k", type=int, default=50)
    ap.add_argument("--epsilon", type=float, default=0.1)
    ap.add_argument("--repeat", type=int, default=3, help="repetitions per tool; the median time is shown")
    ap.add_argument("--runs", type=int, default=10_000, help="lineup.spread runs per seed set")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--venv", type=Path, default=DEFAULT_VENV)
    ap.add_argument("--no-reference", action="store_true", help="skip pynetim")
    ap.add_argument("--data", type=Path, default=NETHEPT)
    args = ap.parse_args(argv)
    if not args.data.exists():
        print(f"influence benchmark skipped: {args.data} not found")
        return
    python = None if args.no_reference else ensure_venv(args.venv)
    g = load_nethept(args.data)
    print(f"NetHEPT: {g.n:,} nodes, {g.m // 2:,} edges; load average {os.getloadavg()[0]:.1f}")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "nethept.npz"
        np.savez(path, indptr=g.indptr, indices=g.indices)
        for case in args.cases:
            rows += bench_case(case, g, path, args, python)
    report(rows)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        tool, path, case, k, epsilon, seed = sys.argv[2:8]
        print(json.dumps(RUNNERS[tool](path, case, int(k), float(epsilon), int(seed))))
    else:
        main()

"""Independent-cascade benchmark: lineup vs cynetdiff vs ndlib on the same graphs.

Usage::

    python benchmarks/diffusion.py                       # 10k, 100k, 1M nodes; p = 0.01, 0.05
    python benchmarks/diffusion.py --sizes 10000 --runs 100 --repeat 3

Barabási–Albert graphs (m = 5) are generated as arrays by
``lineup.simulation.graph.barabasi_albert`` (never through networkx), saved
once to a temporary ``.npz`` file, and every tool simulates IC from the 50
highest-degree nodes on exactly that CSR graph, each in its own subprocess (so
peak memory is per tool).  The competitors live in their own virtual
environment (``--venv``, created with ``pip install cynetdiff ndlib`` if
missing); they are not lineup dependencies.

Reported per tool: median seconds over ``--repeat`` repetitions of ``--runs``
runs, edges checked per second (arcs leaving activated nodes — the work every
tool does; lineup counts it, and the same expected work is credited to the
others), peak RSS of the worker process, mean spread ± standard error (all
repetitions pooled), an agreement check against lineup (within 3 combined
standard errors) and lineup's speed-up.

ndlib is pure Python and loops over every node at every step: it is run only on
graphs up to ``--ndlib-max-size`` nodes with ``--ndlib-runs`` runs, and its time
is extrapolated linearly to ``--runs`` runs (marked ``*``).

The NetHEPT check (../shared/data/networks/nethept/edges.txt, first line
``n m`` then tab-separated undirected pairs) compares lineup's and cynetdiff's
mean spread for IC p = 0.01 from the 50 highest-degree nodes; it is skipped if
the file is absent.

This file is also the worker: ``--worker TOOL GRAPH.npz P RUNS REPEAT SEED``
prints one JSON line.  The worker imports only numpy and its own tool.
"""

from __future__ import annotations

import argparse
import json
import math
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
DEFAULT_VENV = Path("/tmp/lineup-bench-venv")


# ----------------------------------------------------------------------------- workers


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    """Peak RSS of this process (VmHWM: unlike ru_maxrss it is not inherited across fork/exec)."""
    with open("/proc/self/status") as f:
        line = next(x for x in f if x.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def _load(path: str):
    z = np.load(path)
    return z["indptr"], z["indices"], z["seeds"]


def _run_lineup(indptr, indices, seeds, p, runs, seed):
    from lineup.simulation.graph import CSRGraph
    from lineup.simulation.spread import spread

    g = CSRGraph(indptr, indices.astype(np.int32), directed=False)
    spread(g, seeds.tolist(), p=p, runs=1, seed=seed)      # numba's compile / cache load goes to "setup"

    def once(k):
        r = spread(g, seeds.tolist(), p=p, runs=runs, seed=seed + k)
        return r.samples, r.edges_checked

    return once


def _run_cynetdiff(indptr, indices, seeds, p, runs, seed):
    import array

    from cynetdiff.models import IndependentCascadeModel

    starts = array.array("I", indptr[:-1].astype(np.uint32).tobytes())
    edges = array.array("I", indices.astype(np.uint32).tobytes())
    model = IndependentCascadeModel(starts, edges, activation_prob=p)
    model.set_seeds(seeds.tolist())

    def once(k):
        model.set_rng(seed + k)
        out = np.empty(runs, dtype=np.int64)
        for r in range(runs):
            model.reset_model()
            model.advance_until_completion()
            out[r] = model.get_num_activated_nodes()
        return out, None

    return once


def _run_ndlib(indptr, indices, seeds, p, runs, seed):
    import networkx as nx
    import ndlib.models.epidemics as ep
    import ndlib.models.ModelConfig as mc

    src = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
    keep = src < indices
    G = nx.Graph()
    G.add_nodes_from(range(len(indptr) - 1))
    G.add_edges_from(zip(src[keep].tolist(), indices[keep].tolist()))
    config = mc.Configuration()
    config.add_model_initial_configuration("Infected", seeds.tolist())
    for e in G.edges:
        config.add_edge_configuration("threshold", e, p)

    def once(k):
        model = ep.IndependentCascadesModel(G, seed=seed + k)   # ndlib seeds numpy's global RNG
        model.set_initial_status(config)
        out = np.empty(runs, dtype=np.int64)
        for r in range(runs):
            model.reset()
            while True:
                it = model.iteration(node_status=False)
                if it["iteration"] > 0 and it["node_count"][1] == 0:
                    break
            out[r] = it["node_count"][2]
        return out, None

    return once


RUNNERS = {"lineup": _run_lineup, "cynetdiff": _run_cynetdiff, "ndlib": _run_ndlib}


def worker(tool: str, path: str, p: float, runs: int, repeat: int, seed: int) -> dict:
    """Load the graph, time ``repeat`` batches of ``runs`` runs; one JSON-able dict."""
    indptr, indices, seeds = _load(path)
    t0 = time.perf_counter()
    once = RUNNERS[tool](indptr, indices, seeds, p, runs, seed)
    setup = time.perf_counter() - t0
    base = _rss_mb()
    times, cpu, samples, checked = [], [], [], 0
    for k in range(repeat):
        t, c0 = time.perf_counter(), time.process_time()
        s, c = once(k)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c0)
        samples.append(s)
        checked = c if c is not None else checked
    s = np.concatenate(samples)
    return {
        "tool": tool, "seconds": statistics.median(times), "times": times, "cpu": statistics.median(cpu), "setup": setup,
        "mean": float(s.mean()), "stderr": float(s.std(ddof=1) / math.sqrt(len(s))) if len(s) > 1 else 0.0,
        "runs": runs, "edges_checked": checked, "base_mb": base, "peak_mb": _peak_mb(),
    }


# ----------------------------------------------------------------------------- driver


def ensure_venv(venv: Path) -> Path | None:
    """Python of the competitors' venv, created on first use; None if it cannot be."""
    py = venv / "bin" / "python"
    ok = py.exists() and subprocess.run([py, "-c", "import cynetdiff, ndlib.models.epidemics"], capture_output=True).returncode == 0
    if not ok:
        print(f"creating {venv} with cynetdiff and ndlib ...", flush=True)
        steps = [[sys.executable, "-m", "venv", str(venv)], [py, "-m", "pip", "install", "-q", "cynetdiff", "ndlib", "six", "numpy"]]
        for cmd in steps:
            if subprocess.run(cmd).returncode != 0:
                print(f"  could not run {' '.join(map(str, cmd))}; competitors skipped")
                return None
    return py


def run_worker(python, tool, path, p, runs, repeat, seed) -> dict | None:
    cmd = [str(python), __file__, "--worker", tool, str(path), str(p), str(runs), str(repeat), str(seed)]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        print(f"  {tool} failed:\n{done.stderr[-2000:]}")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def save_graph(g, seeds, folder: str, name: str) -> Path:
    path = Path(folder) / f"{name}.npz"
    np.savez(path, indptr=g.indptr, indices=g.indices, seeds=seeds)
    return path


def top_degree(g, k: int = 50) -> np.ndarray:
    return np.argsort(-g.out_degree(), kind="stable")[:k]


def _agree(a: dict, b: dict) -> str:
    se = math.sqrt(a["stderr"] ** 2 + b["stderr"] ** 2)
    return "ok" if abs(a["mean"] - b["mean"]) <= 3 * se else "DIFF"


def _row(n, p, res: dict, ref: dict, per_run_checked: float, runs: int, note: str = "") -> str:
    scale, ref_scale = runs / res["runs"], runs / ref["runs"]     # extrapolated if fewer runs
    secs, cpu = res["seconds"] * scale, res["cpu"] * scale
    rate = per_run_checked * runs / secs / 1e6
    ratio, cpu_ratio = secs / (ref["seconds"] * ref_scale), cpu / (ref["cpu"] * ref_scale)
    return (f"{n:>9,} {p:>5} {res['tool'] + note:<11} {secs:>9.3f} {cpu:>8.3f} {rate:>9.3g} {res['peak_mb']:>7.0f} "
            f"{res['mean']:>10.1f} ± {res['stderr']:<6.1f} {_agree(res, ref):>5} {ratio:>9.1f}x {cpu_ratio:>8.1f}x")


HEADER = (f"{'nodes':>9} {'p':>5} {'tool':<11} {'seconds':>9} {'cpu s':>8} {'Medges/s':>9} {'peakMB':>7} "
          f"{'mean':>10}   {'stderr':<6} {'check':>5} {'time/lineup':>10} {'cpu/lineup':>9}")


def bench_size(n, args, python, folder) -> list[str]:
    from lineup.simulation.graph import barabasi_albert

    t = time.perf_counter()
    g = barabasi_albert(n, 5, seed=args.seed)
    print(f"BA graph n={n:,} m=5: {g.m // 2:,} edges, built in {time.perf_counter() - t:.2f} s", flush=True)
    path = save_graph(g, top_degree(g), folder, f"ba{n}")
    lines = []
    for p in args.p:
        done = len(lines)
        ref = run_worker(sys.executable, "lineup", path, p, args.runs, args.repeat, args.seed)
        per_run = ref["edges_checked"] / args.runs
        lines.append(_row(n, p, ref, ref, per_run, args.runs))
        if python is not None:
            cyn = run_worker(python, "cynetdiff", path, p, args.runs, args.repeat, args.seed)
            if cyn:
                lines.append(_row(n, p, cyn, ref, per_run, args.runs))
            if n <= args.ndlib_max_size:
                nd = run_worker(python, "ndlib", path, p, args.ndlib_runs, 1, args.seed)
                if nd:
                    lines.append(_row(n, p, nd, ref, per_run, args.runs, "*"))
        print("\n".join(lines[done:]), flush=True)
    return lines


def load_nethept(path: Path):
    from lineup.simulation.graph import from_edges

    with open(path) as f:
        n, _ = map(int, f.readline().split())
    pairs = np.loadtxt(path, dtype=np.int64, skiprows=1, ndmin=2)
    return from_edges(pairs[:, 0], pairs[:, 1], n)


def nethept_check(args, python, folder) -> None:
    if not NETHEPT.exists():
        print(f"\nNetHEPT check skipped: {NETHEPT} not found")
        return
    g = load_nethept(NETHEPT)
    path = save_graph(g, top_degree(g), folder, "nethept")
    runs = args.nethept_runs
    print(f"\nNetHEPT ({g.n:,} nodes, {g.m // 2:,} edges), IC p = 0.01, 50 highest-degree seeds, {runs} runs:")
    ref = run_worker(sys.executable, "lineup", path, 0.01, runs, 1, args.seed)
    tools = [ref] + ([run_worker(python, "cynetdiff", path, 0.01, runs, 1, args.seed)] if python else [])
    for r in filter(None, tools):
        print(f"  {r['tool']:<10} mean {r['mean']:.2f} ± {r['stderr']:.2f}  ({r['seconds']:.3f} s)")
    if python and tools[1]:
        a, b = tools
        z = abs(a["mean"] - b["mean"]) / math.sqrt(a["stderr"] ** 2 + b["stderr"] ** 2)
        print(f"  difference = {z:.2f} combined standard errors -> {'within 3: ok' if z <= 3 else 'DIFFERENT'}")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--p", type=float, nargs="+", default=[0.01, 0.05])
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3, help="repetitions per tool; the median time is shown")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--venv", type=Path, default=DEFAULT_VENV)
    ap.add_argument("--no-competitors", action="store_true")
    ap.add_argument("--ndlib-max-size", type=int, default=100_000)
    ap.add_argument("--ndlib-runs", type=int, default=5)
    ap.add_argument("--nethept-runs", type=int, default=10_000)
    args = ap.parse_args(argv)
    python = None if args.no_competitors else ensure_venv(args.venv)
    print(f"IC, 50 highest-degree seeds, {args.runs} runs, median of {args.repeat}; "
          f"* = ndlib timed on {args.ndlib_runs} runs and scaled to {args.runs}\n")
    lines = []
    with tempfile.TemporaryDirectory() as folder:
        for n in args.sizes:
            lines += bench_size(n, args, python, folder)
        print("\n" + HEADER + "\n" + "\n".join(lines))
        nethept_check(args, python, folder)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        tool, path, p, runs, repeat, seed = sys.argv[2:8]
        print(json.dumps(worker(tool, path, float(p), int(runs), int(repeat), int(seed))))
    else:
        main()

"""Solver backends chosen by name: ``"cbc"`` (PuLP's bundled CBC) and ``"highs"`` (highspy).

Nothing is imported or chosen at import time: :func:`check_backend` and
:func:`solve_model` look the solver up when called, and raise
:class:`~lineup.errors.SolverUnavailableError` (saying how to install it) when it is
missing.

* **cbc** — the MPS file is written straight from the arrays (vectorised, fixed-width
  records; no per-row Python) and the bundled ``cbc`` binary runs on it with ``-sec``
  and ``-ratio`` (:func:`cbc_args`).  Status, objective and best bound are read from CBC's
  log and solution file.  (PuLP's own file writing costs about a third of the
  end-to-end time at 100k influencers.)
* **highs** — the arrays are passed to ``highspy`` in one ``passModel`` call;
  ``mip_dual_bound`` gives the bound (options: :func:`highs_options`).

Both run **reproducibly**: one thread (CBC serial, HiGHS ``threads=1``) and a fixed
random seed (:data:`SEED`), so the same model gives the same portfolio, bound and gap
on every run (a multi-threaded branch and bound reaches its bound by a different path
each time).  The objective is **scaled** by a power of two before it reaches a solver
when its largest coefficient is outside ``[2**-10, 2**20]`` (:func:`objective_scale`):
weights like ``objective.engagement: 1e12`` otherwise make CBC claim infeasibility and
HiGHS give up.  A power of two scales exactly; objective and bound are reported in the
original units.

:func:`to_pulp` turns the same arrays into a :class:`pulp.LpProblem` (built with
``LpAffineExpression``), for users who want PuLP's modelling layer or an LP file.
**Interruption and progress.**  The solver runs while the calling thread waits in short
slices (:func:`_wait`): a ``KeyboardInterrupt`` (Ctrl-C) there asks the solver to stop —
CBC gets SIGINT, on which it stops and writes its best solution; HiGHS gets
``cancelSolve`` — and the run ends with status ``interrupted`` and whatever incumbent
the solver had (a second Ctrl-C abandons the run).  Between slices the ``progress``
callback, when given, receives a :class:`~lineup.optimize.result.SolveProgress`
(incumbent, bound, seconds), read from CBC's log as it is written and from HiGHS's
MIP callbacks; nothing is printed.

Solver logs never reach stdout.  CBC works in a private ``lineup-cbc-<pid>-*`` temporary
directory, locked while in use; directories of runs that were killed are removed by the
next CBC solve (:func:`remove_stale_workdirs`).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Optional

import numpy as np

from .._locks import PidLock, is_locked, pid_alive
from ..errors import SolverError, SolverUnavailableError, UsageError
from .formulation import LinearModel
from .result import SolveProgress

#: Called with the solver's state about every :data:`POLL_SECONDS` while it runs.
ProgressCallback = Callable[[SolveProgress], None]
#: How long the waiting thread sleeps between looks at a running solver (seconds).
POLL_SECONDS = 0.25

__all__ = ["BACKENDS", "SEED", "Solution", "check_backend", "solve_model", "objective_scale", "cbc_args",
           "highs_options", "write_mps", "write_cbc_start", "solve_relaxation_duals", "run_highs", "to_pulp", "lp_name",
           "remove_stale_workdirs"]

BACKENDS = ("cbc", "highs")
_INSTALL = {
    "cbc": "install PuLP, which bundles CBC: pip install 'pulp>=2.8'",
    "highs": "install highspy: pip install 'highspy>=1.7'",
}


@dataclass(frozen=True)
class Solution:
    """What a backend measured: ``status`` is ``optimal``, ``time_limit``, ``interrupted`` or ``infeasible``.

    ``values`` (all columns) is ``None`` when no feasible point is known; ``bound``
    is the proven upper bound on the (maximised) objective; ``notes`` say how it was
    had when that is not the backend alone (e.g. :func:`~.warmstart.relax_and_fix`).
    """

    status: str
    values: np.ndarray | None
    objective: float | None
    bound: float | None
    seconds: float
    backend: str
    notes: tuple[str, ...] = ()


#: Random seed given to both solvers (CBC ``-randomSeed``/``-randomCbcSeed``, HiGHS ``random_seed``).
SEED = 20250101
#: Largest objective coefficient (in absolute value) handed to a solver unscaled, and the smallest.
_OBJ_HI, _OBJ_LO = 2.0 ** 20, 2.0 ** -10


def objective_scale(c: np.ndarray) -> float:
    """Power of two that brings the largest objective coefficient into ``[512, 1024)``; 1 when already tame.

    Examples
    --------
    >>> objective_scale(np.array([3.0, -40_000.0]))
    1.0
    >>> s = objective_scale(np.array([1e12, 5.0]))
    >>> s == 2.0 ** -30, 512 <= 1e12 * s < 1024
    (True, True)
    >>> objective_scale(np.zeros(3))
    1.0
    """
    top = float(np.max(np.abs(c))) if np.size(c) else 0.0
    if top == 0.0 or not np.isfinite(top) or _OBJ_LO <= top <= _OBJ_HI:
        return 1.0
    return float(2.0 ** (10 - np.frexp(top)[1]))


# ------------------------------------------------------------------ lookup
def _cbc_path() -> str:
    try:
        from pulp.apis import PULP_CBC_CMD
    except ImportError as exc:  # pragma: no cover - pulp is a dependency
        raise SolverUnavailableError(f"solver 'cbc' is not available: {_INSTALL['cbc']}") from exc
    path = PULP_CBC_CMD().path
    if not path or not os.access(path, os.X_OK):
        raise SolverUnavailableError(f"solver 'cbc' is not available (no CBC binary at {path!r}): {_INSTALL['cbc']}")
    return path


def _highspy():
    try:
        import highspy
    except ImportError as exc:
        raise SolverUnavailableError(f"solver 'highs' is not available: {_INSTALL['highs']}") from exc
    return highspy


def check_backend(name: str) -> str:
    """Return ``name`` if that solver can run; raise otherwise.

    Examples
    --------
    >>> check_backend("highs")
    'highs'
    >>> check_backend("gurobi")
    Traceback (most recent call last):
    ...
    lineup.errors.UsageError: unknown solver 'gurobi': choose one of cbc, highs, greedy
    """
    if name == "cbc":
        _cbc_path()
    elif name == "highs":
        _highspy()
    else:
        raise UsageError(f"unknown solver {name!r}: choose one of cbc, highs, greedy")
    return name


def solve_model(model: LinearModel, backend: str = "cbc", *, time_limit: float | None = None,
                gap: float = 1e-4, relax: bool = False, progress: ProgressCallback | None = None,
                start: np.ndarray | None = None) -> Solution:
    """Solve ``model`` (maximise) with the named backend.

    ``relax=True`` drops integrality (the LP relaxation; its objective is a bound).
    ``start`` (a value per column, a feasible point) is handed to the solver as a MIP
    start (HiGHS ``setSolution``, CBC ``-mipStart``); it changes where the search
    begins, never what is proven.
    ``progress`` is called from the calling thread about every :data:`POLL_SECONDS`
    with a :class:`~lineup.optimize.result.SolveProgress` in the model's units.  Ctrl-C
    (``KeyboardInterrupt``) during the run stops the solver and returns its incumbent
    with status ``interrupted`` (see the module docstring).

    Examples
    --------
    >>> from lineup.optimize.formulation import build, tiny_scenario
    >>> from lineup.optimize import rules
    >>> sc = tiny_scenario()
    >>> m = build(sc, rules.candidates(sc))
    >>> a, b = solve_model(m, "cbc"), solve_model(m, "highs")
    >>> a.status, round(a.objective, 6) == round(b.objective, 6)
    ('optimal', True)
    """
    check_backend(backend)
    run = _solve_cbc if backend == "cbc" else _solve_highs
    t0 = time.perf_counter()
    k = objective_scale(model.c)
    scaled = model if k == 1.0 else replace(model, c=model.c * k)
    report = _reporter(progress, backend, k, t0)
    if model.n_cols == 0:
        status, values, obj, bound = _solve_empty(scaled, time_limit, gap, relax, report)
    else:
        status, values, obj, bound = run(scaled, time_limit, gap, relax, report, start=start)
    obj, bound = (None if v is None else v / k for v in (obj, bound))
    return Solution(status, values, obj, bound, time.perf_counter() - t0, backend)


def _reporter(progress: ProgressCallback | None, backend: str, k: float, t0: float):
    """``report(incumbent, bound)`` in the scaled model's units → ``progress(SolveProgress)`` in the user's;
    ``None`` without a callback."""
    if progress is None:
        return None

    def report(incumbent: Optional[float], bound: Optional[float]) -> None:
        progress(SolveProgress(backend, time.perf_counter() - t0, _unscaled(incumbent, k), _unscaled(bound, k)))

    return report


def _quiet(incumbent, bound) -> None:
    """The reporter when nobody asked for progress."""


def _unscaled(value: Optional[float], k: float) -> Optional[float]:
    """``value / k``, or ``None`` for unknown / infinite values (solvers say ±1e50 or ±inf)."""
    if value is None or not np.isfinite(value) or abs(value) >= 1e49:
        return None
    return float(value) / k


def _wait(done: Callable[[float], bool], stop: Callable[[], None], report: Callable[[], None]) -> bool:
    """Wait for a running solver; returns True when it was interrupted (Ctrl-C) and asked to stop.

    ``done(timeout)`` waits up to ``timeout`` seconds and says whether the solver has
    finished; ``report()`` passes its state to the progress callback between slices.
    The first ``KeyboardInterrupt`` calls ``stop()`` and keeps waiting for the solver
    to write its incumbent; a second one propagates (the caller's cleanup ends the run).
    """
    interrupted = False
    while True:
        try:
            if done(POLL_SECONDS):
                return interrupted
            report()
        except KeyboardInterrupt:
            if interrupted:
                raise
            interrupted = True
            stop()


def _solve_empty(model: LinearModel, time_limit, gap, relax, report):
    """No columns: feasible iff every row admits 0 (solvers reject or mislabel empty models)."""
    if np.all((model.row_lo <= 1e-9) & (model.row_hi >= -1e-9)):
        return "optimal", np.zeros(0), 0.0, 0.0
    return "infeasible", None, None, None


# ------------------------------------------------------------------ MPS writer
def _fixed(strings: np.ndarray, width: int) -> np.ndarray:
    """``strings`` as an ``(n, width)`` uint8 array, left-aligned and space-padded."""
    b = np.ascontiguousarray(np.asarray(strings, dtype=f"S{width}"))
    out = b.view(np.uint8).reshape(len(b), width).copy()
    out[out == 0] = ord(" ")
    return out


def _records(*fields: np.ndarray) -> bytes:
    """Join per-record byte fields (each ``(n, w)``) into newline-terminated lines."""
    n = fields[0].shape[0]
    cols = [*fields, np.full((n, 1), ord("\n"), dtype=np.uint8)]
    return np.hstack(cols).tobytes()


def _const(text: str, n: int) -> np.ndarray:
    return np.broadcast_to(np.frombuffer(text.encode(), dtype=np.uint8), (n, len(text)))


def _numbers(values: np.ndarray, width: int = 24) -> np.ndarray:
    """Shortest round-trip decimal of each value, formatted once per distinct value."""
    uniq, inv = np.unique(values, return_inverse=True)
    text = np.asarray([repr(v) for v in uniq.tolist()], dtype=f"S{width}")
    return _fixed(text, width)[inv.ravel()]


def _names(prefix: str, n: int) -> np.ndarray:
    """``prefix`` + 7 zero-padded digits for 0..n-1, as an ``(n, 8)`` uint8 array (pure arithmetic)."""
    k = np.arange(n, dtype=np.int64)[:, None]
    digits = (k // 10 ** np.arange(6, -1, -1, dtype=np.int64)) % 10 + ord("0")
    return np.hstack([np.full((n, 1), ord(prefix), dtype=np.uint8), digits.astype(np.uint8)])


def write_mps(model: LinearModel, path: str | Path, *, relax: bool = False) -> None:
    """Write ``model`` as a fixed-format MPS file (minimise ``−c``; columns ``C…``, rows ``R…``)."""
    cols, rows = _names("C", model.n_cols), _names("R", model.shape[0])  # (n, 8) uint8 each
    with open(path, "wb") as f:
        f.write(b"NAME          LINEUP\nROWS\n N  OBJ\n")
        f.write(_row_section(model, rows))
        f.write(b"COLUMNS\n")
        f.write(_column_section(model, cols, rows, relax))
        f.write(b"RHS\n")
        f.write(_rhs_section(model, rows))
        f.write(b"BOUNDS\n")
        f.write(_bounds_section(model, cols, relax))
        f.write(b"ENDATA\n")


def _row_section(model: LinearModel, rows: np.ndarray) -> bytes:
    if not rows.shape[0]:
        return b""
    eq = model.row_lo == model.row_hi
    kind = np.where(eq, "E", np.where(np.isfinite(model.row_lo), "G", "L"))
    n = rows.shape[0]
    return _records(_const(" ", n), _fixed(kind, 1), _const("  ", n), rows)


def _column_block(A, c: np.ndarray, cols: np.ndarray, rows: np.ndarray, first: int, last: int) -> bytes:
    """COLUMNS records of columns ``first..last-1`` (objective entry first)."""
    sub = A[:, first:last].tocsc()
    counts = np.diff(sub.indptr)
    col_of = np.repeat(np.arange(first, last), counts + 1)
    starts = np.concatenate([[0], np.cumsum(counts + 1)[:-1]])
    n = col_of.size
    row_names = np.empty((n, 8), dtype=np.uint8)
    values = np.empty(n)
    is_obj = np.zeros(n, dtype=bool)
    is_obj[starts] = True
    row_names[is_obj], values[is_obj] = _fixed([b"OBJ"], 8)[0], -c[first:last]
    row_names[~is_obj], values[~is_obj] = rows[sub.indices], sub.data
    return _records(_const("    ", n), cols[col_of], _const("  ", n), row_names, _const("  ", n), _numbers(values))


def _column_section(model: LinearModel, cols, rows, relax: bool) -> bytes:
    """The columns in runs of equal integrality, each integer run between MARKER lines."""
    A, ints = model.A, model.is_integer(relax)
    edges = np.flatnonzero(np.diff(ints.astype(np.int8))) + 1
    parts = []
    for start, stop in zip(np.r_[0, edges], np.r_[edges, ints.size]):
        block = _column_block(A, model.c, cols, rows, int(start), int(stop))
        if ints[start]:
            parts += [b"    MARKER                 'MARKER'                 'INTORG'\n", block,
                      b"    MARKER                 'MARKER'                 'INTEND'\n"]
        else:
            parts.append(block)
    return b"".join(parts)


def _rhs_section(model: LinearModel, rows: np.ndarray) -> bytes:
    rhs = np.where(np.isfinite(model.row_lo), model.row_lo, model.row_hi)
    k = np.flatnonzero(rhs != 0)
    if not k.size:
        return b""
    return _records(_const("    RHS       ", k.size), rows[k], _const("  ", k.size), _numbers(rhs[k]))


def _bounds_section(model: LinearModel, cols: np.ndarray, relax: bool) -> bytes:
    parts = []
    binary = model.is_integer(relax)
    ints = np.flatnonzero(binary)
    if ints.size:
        parts.append(_records(_const(" BV BND       ", ints.size), cols[ints]))
    rest = np.flatnonzero(~binary)
    for key, vals, keep in ((" UP BND       ", model.ub, np.isfinite(model.ub)), (" LO BND       ", model.lb, model.lb != 0)):
        k = rest[keep[rest]]
        if k.size:
            parts.append(_records(_const(key, k.size), cols[k], _const("  ", k.size), _numbers(vals[k])))
    return b"".join(parts)


# ------------------------------------------------------------------ CBC
_RESULT = re.compile(r"^Result - (.*)$", re.M)
_OBJ = re.compile(r"^Objective value:\s+(\S+)", re.M)
_LOWER = re.compile(r"^Lower bound:\s+(\S+)", re.M)
_PARTIAL = re.compile(r"best possible (\S+?)\)")
_GAPLINE = re.compile(r"Exiting as integer gap of (\S+) less than")


_WORKDIR = re.compile(r"^lineup-cbc-(\d+)-[a-z0-9_]{8}$")
_OWNER = "owner.lock"
_swept = False


@contextlib.contextmanager
def _cbc_workdir():
    """A private ``lineup-cbc-<pid>-*`` directory, locked while in use; stale ones are removed first (once)."""
    global _swept
    if not _swept:
        _swept = True
        remove_stale_workdirs()
    with tempfile.TemporaryDirectory(prefix=f"lineup-cbc-{os.getpid()}-") as tmp:
        with PidLock(os.path.join(tmp, _OWNER)):
            yield tmp


def remove_stale_workdirs(parent: str | None = None) -> list[str]:
    """Remove the CBC work directories of dead runs in ``parent`` (the temp dir); returns them.

    A directory is stale when the pid in its name is not alive and no process holds its
    lock file (held for the whole solve; a recycled pid only delays the removal).  A live
    run's directory is never removed; directories of other users are left alone.
    """
    parent = parent or tempfile.gettempdir()
    removed = []
    with contextlib.suppress(OSError), os.scandir(parent) as entries:
        for entry in entries:
            m = _WORKDIR.match(entry.name)
            if m and _owned_dir(entry) and _stale(entry.path, int(m.group(1))):
                shutil.rmtree(entry.path, ignore_errors=True)
                removed.append(entry.path)
    return removed


def _owned_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_uid == os.getuid()
    except OSError:
        return False


def _stale(path: str, pid: int) -> bool:
    """Its pid is not alive and nobody holds its lock (which also covers pids of other pid namespaces)."""
    return not pid_alive(pid) and not is_locked(os.path.join(path, _OWNER))


def cbc_args(mps: str, sol: str, time_limit: float | None, gap: float, relax: bool) -> list[str]:
    """CBC's command line after the executable: serial (``-threads 0``) with a fixed seed.

    Examples
    --------
    >>> " ".join(cbc_args("m.mps", "m.sol", None, 1e-4, False))
    'm.mps -timeMode elapsed -threads 0 -randomSeed 20250101 -randomCbcSeed 20250101 -ratio 0.0001 -solve -solution m.sol'
    """
    args = [mps, "-timeMode", "elapsed", "-threads", "0", "-randomSeed", str(SEED), "-randomCbcSeed", str(SEED),
            "-ratio", repr(float(gap))]
    if time_limit is not None:
        args += ["-sec", repr(float(time_limit))]
    return args + ["-primalS" if relax else "-solve", "-solution", sol]


def _solve_cbc(model: LinearModel, time_limit, gap, relax, report, start=None):
    exe = _cbc_path()
    with _cbc_workdir() as tmp:
        mps, sol = os.path.join(tmp, "model.mps"), os.path.join(tmp, "model.sol")
        write_mps(model, mps, relax=relax)
        args = [exe, *cbc_args(mps, sol, time_limit, gap, relax)]
        if start is not None and not relax:
            first = os.path.join(tmp, "start.sol")
            write_cbc_start(start, first)
            args[2:2] = ["-mipStart", first]
        t0 = time.perf_counter()
        run = _run_cbc(args, report)
        elapsed = time.perf_counter() - t0
        if not os.path.exists(sol):
            if run.interrupted:  # stopped before CBC could write anything
                return "interrupted", None, None, run.log.bound
            raise SolverError(f"CBC failed (exit {run.returncode}): {_last_words(run.stderr, run.stdout)}")
        head, values = _read_cbc_solution(sol, model.n_cols)
    status, values, obj, bound = _cbc_outcome(run.stdout, head, values, relax)
    cut_short = run.interrupted or (time_limit is not None and elapsed >= 0.95 * time_limit)
    if status == "infeasible" and cut_short:
        # CBC stopped by the clock (or Ctrl-C) inside preprocessing can claim "infeasible": not a proof
        return ("interrupted" if run.interrupted else "time_limit"), None, None, None
    if run.interrupted and status == "time_limit":
        status = "interrupted"
    return status, values, obj, bound


_NUM = r"[-+]?[0-9][0-9.eE+-]*"


class _CbcLog:
    """Incumbent and bound (maximisation sense) read from CBC's log lines as they arrive."""

    _INCUMBENT = re.compile(rf"(?:Integer solution of|best objective) ({_NUM})|({_NUM}) best solution,")
    _BOUND = re.compile(rf"best possible ({_NUM})|changed objective from {_NUM} to ({_NUM})|"
                        rf"^Continuous objective value is ({_NUM})")

    def __init__(self):
        self.incumbent: Optional[float] = None
        self.bound: Optional[float] = None

    def feed(self, line: str) -> None:
        """Update from one log line (CBC minimises ``−c``, so values change sign).

        >>> log = _CbcLog()
        >>> log.feed("Cbc0012I Integer solution of -1899044 found by DiveCoefficient after 0 iterations")
        >>> log.feed("Cbc0010I After 100 nodes, 54 on tree, -1899086 best solution, best possible -1900788.4 (4.54 seconds)")
        >>> log.incumbent, log.bound
        (1899086.0, 1900788.4)
        """
        for pattern, attr in ((self._INCUMBENT, "incumbent"), (self._BOUND, "bound")):
            m = pattern.search(line)
            text = m and next((g for g in m.groups() if g), None)
            value = _cbc_number(text)
            if value is not None:
                setattr(self, attr, -value)


def _cbc_number(text: Optional[str]) -> Optional[float]:
    """A finite number from CBC's log (``1e+50`` means none), else ``None``."""
    try:
        value = float(text) if text else None
    except ValueError:
        return None
    return value if value is not None and abs(value) < 1e49 else None


@dataclass
class _CbcRun:
    returncode: int
    stdout: str
    stderr: str
    interrupted: bool
    log: _CbcLog


def _run_cbc(args: list[str], report) -> _CbcRun:
    """Run CBC, reading its log as it is written; Ctrl-C sends it SIGINT (it then writes its incumbent).

    With a ``report`` callback CBC runs under ``stdbuf -oL`` where available, so its
    log arrives line by line rather than in 4 kB blocks.
    """
    log = _CbcLog()
    stdbuf = shutil.which("stdbuf") if report is not None else None
    report = report or _quiet
    proc = subprocess.Popen([stdbuf, "-oL", *args] if stdbuf else args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out: list[str] = []
    err: list[str] = []
    readers = [threading.Thread(target=_drain, args=(proc.stdout, out, log.feed), daemon=True),
               threading.Thread(target=_drain, args=(proc.stderr, err, None), daemon=True)]
    for reader in readers:
        reader.start()
    try:
        interrupted = _wait(lambda t: _exited(proc, t), lambda: _sigint(proc), lambda: report(log.incumbent, log.bound))
    finally:
        if proc.poll() is None:  # a second Ctrl-C, or an error while waiting: do not leave CBC running
            proc.kill()
            proc.wait()
        for reader in readers:
            reader.join()
    return _CbcRun(proc.returncode, "".join(out), "".join(err), interrupted, log)


def _drain(stream, sink: list, feed) -> None:
    for line in stream:
        sink.append(line)
        if feed is not None:
            feed(line)
    stream.close()


def _exited(proc, timeout: float) -> bool:
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return False
    return True


def _sigint(proc) -> None:
    """Ask CBC to stop as on Ctrl-C at its terminal (it finishes the node and writes its best solution)."""
    if proc.poll() is not None:
        return
    if os.name == "nt":  # no SIGINT for a child on Windows: stop it (the greedy then stands in)
        proc.terminate()
    else:
        proc.send_signal(signal.SIGINT)


def _last_words(*logs: str, limit: int = 200) -> str:
    r"""The last non-blank line of the first log that has one, printable and at most ``limit`` characters.

    >>> _last_words("", "Cbc0010I ...\nterminate called after throwing 'std::bad_alloc'\x07\n\n")
    "terminate called after throwing 'std::bad_alloc'"
    """
    for log in logs:
        lines = [ln.strip() for ln in (log or "").splitlines() if ln.strip()]
        if lines:
            text = "".join(ch for ch in lines[-1] if ch.isprintable())
            return text if len(text) <= limit else text[: limit - 1] + "…"
    return "no output"


def write_cbc_start(values: np.ndarray, path: str | Path) -> None:
    """Write ``values`` as a CBC solution file for ``-mipStart`` (columns named as in :func:`write_mps`).

    Only nonzero values are listed (CBC takes the others as 0).

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_cbc_start(np.array([1.0, 0.0, 0.5]), os.path.join(tmp, "s.sol"))
    ...     print(open(os.path.join(tmp, "s.sol")).read(), end="")
    Stopped on iterations - objective value 0
          0 C0000000 1.0 0
          2 C0000002 0.5 0
    """
    values = np.asarray(values, dtype=float)
    idx = np.flatnonzero(values)
    names = _names("C", values.size)[idx].view("S8").ravel().astype(str)
    lines = [f"{i:7d} {name} {v!r} 0" for i, name, v in zip(idx.tolist(), names.tolist(), values[idx].tolist())]
    Path(path).write_text("Stopped on iterations - objective value 0\n" + "".join(line + "\n" for line in lines))


def run_highs(h) -> None:
    """Run the HiGHS instance ``h`` to its end in HiGHS's own thread, like :func:`_solve_highs` (``run()`` from
    this thread can meet another thread count); Ctrl-C cancels the run and propagates."""
    h.startSolve()
    try:
        while not h.wait(POLL_SECONDS)[0]:
            pass
    except KeyboardInterrupt:
        h.cancelSolve()
        raise


def solve_relaxation_duals(model: LinearModel, time_limit: float | None = None):
    """``(objective, values, reduced costs)`` of ``model``'s LP relaxation by HiGHS, maximisation sense
    (a column at its lower bound in the optimum has a reduced cost ``≤ 0``); ``None`` unless optimal.

    Examples
    --------
    >>> from lineup.optimize.formulation import build, tiny_scenario
    >>> from lineup.optimize import rules
    >>> sc = tiny_scenario()
    >>> z, x, d = solve_relaxation_duals(build(sc, rules.candidates(sc)))
    >>> round(z, 1) >= 4014.0, x.shape == d.shape
    (True, True)
    """
    hs = _highspy()
    k = objective_scale(model.c)
    scaled = model if k == 1.0 else replace(model, c=model.c * k)
    with _quiet_stdout():
        h = hs.Highs()
        for key, value in highs_options(time_limit, 1e-4, True).items():
            h.setOptionValue(key, value)
        h.passModel(_highs_model(hs, scaled, True))
    run_highs(h)
    if h.getModelStatus() != hs.HighsModelStatus.kOptimal:
        return None
    sol = h.getSolution()
    return (float(h.getInfo().objective_function_value) / k, np.asarray(sol.col_value),
            np.asarray(sol.col_dual) / k)


def _read_cbc_solution(path: str, n: int) -> tuple[str, np.ndarray]:
    with open(path) as f:
        head = f.readline()
        body = f.read().replace("**", " ").split()
    values = np.zeros(n)
    if body:
        table = np.asarray(body, dtype=object).reshape(-1, 4)
        idx = np.char.lstrip(table[:, 1].astype(str), "C").astype(np.int64)
        values[idx] = table[:, 2].astype(float)
    return head, values


def _cbc_outcome(log: str, head: str, values: np.ndarray, relax: bool):
    """(status, values, objective, bound) in the maximisation sense, from the log and solution header."""
    result = _RESULT.search(log)
    text = (result.group(1) if result else head).lower()
    stopped = "stopped" in text or "ctrl-c" in text
    if "infeasible" in text and not stopped:
        return "infeasible", None, None, None
    obj_m = _OBJ.search(log)
    if stopped:
        has_sol = obj_m is not None and "no integer solution" not in head.lower()
        obj = -float(obj_m.group(1)) if has_sol else None
        status = "interrupted" if "ctrl-c" in text else "time_limit"
        return status, (values if has_sol else None), obj, _cbc_bound(log, obj)
    if "optimal" not in text:
        raise SolverError(f"CBC returned an unexpected status: {text.strip()!r}")
    obj = -float(obj_m.group(1)) if obj_m else -float(head.rsplit(None, 1)[-1])
    return "optimal", values, obj, (obj if relax else _cbc_bound(log, obj))


def _cbc_bound(log: str, obj: float | None) -> float | None:
    """Best bound (maximisation sense) from the log; the objective when the search completed."""
    for pattern, sign in ((_LOWER, -1.0), (_PARTIAL, -1.0)):
        found = pattern.findall(log)
        if found and abs(float(found[-1])) < 1e49:
            return sign * float(found[-1])
    found = _GAPLINE.findall(log)
    if found and obj is not None:
        return obj + float(found[-1])
    return obj


# ------------------------------------------------------------------ HiGHS
@contextlib.contextmanager
def _quiet_stdout():
    """Silence C-level stdout (HiGHS prints a banner when constructed)."""
    import sys

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _highs_model(hs, model: LinearModel, relax: bool):
    lp = hs.HighsLp()
    A = model.A.tocsc()
    lp.num_col_, lp.num_row_ = model.n_cols, model.shape[0]
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = model.c, model.lb, model.ub
    lp.row_lower_, lp.row_upper_ = model.row_lo, model.row_hi
    lp.sense_ = hs.ObjSense.kMaximize
    lp.a_matrix_.format_ = hs.MatrixFormat.kColwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = model.n_cols, model.shape[0]
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = A.indptr, A.indices, A.data
    ints = model.is_integer(relax)
    if ints.any():
        cont, integ = hs.HighsVarType.kContinuous, hs.HighsVarType.kInteger
        lp.integrality_ = [integ if i else cont for i in ints.tolist()]
    return lp


def highs_options(time_limit: float | None, gap: float, relax: bool) -> dict:
    """HiGHS options: quiet, one thread, a fixed seed; for the LP relaxation primal simplex without presolve.

    Examples
    --------
    >>> highs_options(None, 1e-4, False)
    {'output_flag': False, 'mip_rel_gap': 0.0001, 'threads': 1, 'random_seed': 20250101}
    """
    out = {"output_flag": False, "mip_rel_gap": float(gap), "threads": 1, "random_seed": SEED}
    if time_limit is not None:
        out["time_limit"] = float(time_limit)
    if relax:  # measured: primal simplex without presolve is ~10x faster on these wide LPs
        out.update(presolve="off", simplex_strategy=4)
    return out


def _solve_highs(model: LinearModel, time_limit, gap, relax, report, start=None):
    hs = _highspy()
    with _quiet_stdout():
        h = hs.Highs()
        for key, value in highs_options(time_limit, gap, relax).items():
            h.setOptionValue(key, value)
        h.passModel(_highs_model(hs, model, relax))
        if start is not None and not relax:
            first = hs.HighsSolution()
            first.col_value, first.value_valid = np.asarray(start, dtype=float).tolist(), True
            h.setSolution(first)
    state = {"incumbent": None, "bound": None}
    h.HandleUserInterrupt = True  # cancelSolve() then stops the run at HiGHS's next interrupt check
    h.cbMipInterrupt += lambda event: _highs_watch(event, state)
    report = report or _quiet
    t0 = time.perf_counter()
    interrupted = _start_and_wait(h, state, report)
    if not relax and not interrupted and h.getModelStatus() == hs.HighsModelStatus.kInfeasible:
        if _confirmed_without_presolve(hs, h, state, report, time.perf_counter() - t0, time_limit):
            return "infeasible", None, None, None
        interrupted = h.getModelStatus() == hs.HighsModelStatus.kInterrupt
    return _highs_outcome(hs, h, model, relax, interrupted)


#: The no-presolve check of a HiGHS "infeasible" takes at most this many seconds plus
#: :data:`RECHECK_FACTOR` × the first run's (and never beyond the time limit).
RECHECK_SECONDS, RECHECK_FACTOR = 1.0, 10.0


def _confirmed_without_presolve(hs, h, state: dict, report, first: float, time_limit) -> bool:
    """HiGHS 1.16's MIP presolve can call a feasible model infeasible (measured on a chance-constrained model
    of 8 creators, tests/optimize/test_chance.py): re-solve from scratch without presolve, for at most
    :data:`RECHECK_SECONDS` + :data:`RECHECK_FACTOR` × the first run's seconds (within the time limit).
    True (the model is infeasible) unless that run finds a portfolio; ``h`` then holds it."""
    seconds = RECHECK_SECONDS + RECHECK_FACTOR * first
    if time_limit is not None:
        seconds = min(seconds, float(time_limit) - first)
    if seconds <= 0:
        return True
    h.setOptionValue("presolve", "off")
    h.clearSolver()
    h.setOptionValue("time_limit", float(h.getRunTime()) + seconds)
    _start_and_wait(h, state, report)      # Ctrl-C stops the check (the first answer stands), twice the run
    return h.getInfo().primal_solution_status != 2     # 2: kSolutionStatusFeasible


def _start_and_wait(h, state: dict, report) -> bool:
    """Run ``h`` in its own thread, reporting progress; True when Ctrl-C stopped it."""
    h.startSolve()
    try:
        return _wait(lambda t: h.wait(t)[0], h.cancelSolve, lambda: report(state["incumbent"], state["bound"]))
    finally:
        if h.is_solver_running():  # a second Ctrl-C: ask it to stop; the solver thread is a daemon
            h.cancelSolve()


def _highs_watch(event, state: dict) -> None:
    """HiGHS's MIP callback (solver thread): remember the incumbent and the bound (maximisation sense)."""
    out = event.data_out
    state["incumbent"], state["bound"] = float(out.mip_primal_bound), float(out.mip_dual_bound)


def _highs_outcome(hs, h, model: LinearModel, relax: bool, interrupted: bool = False):
    st = h.getModelStatus()
    S = hs.HighsModelStatus
    if st in (S.kInfeasible, S.kUnboundedOrInfeasible):
        return "infeasible", None, None, None
    info = h.getInfo()
    has_sol = info.primal_solution_status == 2  # kSolutionStatusFeasible
    values = np.asarray(h.getSolution().col_value) if has_sol else None
    obj = float(info.objective_function_value) if has_sol else None
    bound = obj if relax else float(info.mip_dual_bound)
    if st == S.kOptimal:
        return "optimal", values, obj, bound
    if st in (S.kTimeLimit, S.kInterrupt, S.kIterationLimit, S.kSolutionLimit):
        status = "interrupted" if interrupted or st == S.kInterrupt else "time_limit"
        return status, values, obj, (bound if np.isfinite(bound) else None)
    raise SolverError(f"HiGHS returned status {h.modelStatusToString(st)!r}")


# ------------------------------------------------------------------ PuLP
_LP_BAD = re.compile(r"[^A-Za-z0-9_.]")


def lp_name(name: str) -> str:
    """``name`` made safe for LP/MPS files (only letters, digits, ``_`` and ``.``).

    >>> lp_name("constraints.conflicts[a-1|b]")
    'constraints.conflicts_a_1_b_'
    """
    return _LP_BAD.sub("_", name)


def _unique(names) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in map(lp_name, names):
        k = seen.get(n, 0)
        seen[n] = k + 1
        out.append(n if k == 0 else f"{n}_{k}")
    return out


def to_pulp(model: LinearModel, name: str = "lineup"):
    """The model as a :class:`pulp.LpProblem` (maximise), built with ``LpAffineExpression``.

    Examples
    --------
    >>> from lineup.optimize.formulation import build, tiny_scenario
    >>> from lineup.optimize import rules
    >>> sc = tiny_scenario()
    >>> prob = to_pulp(build(sc, rules.candidates(sc)))
    >>> list(prob.constraints)[:2]
    ['budget', 'constraints.influencers.max']
    """
    try:
        import pulp
    except ImportError as exc:  # pragma: no cover
        raise SolverUnavailableError(f"PuLP is not available: {_INSTALL['cbc']}") from exc
    prob = pulp.LpProblem(lp_name(name), pulp.LpMaximize)
    # PuLP ≥ 3.3 creates variables through the problem (direct LpVariable(...) is deprecated)
    new_var = getattr(prob, "add_variable", None) or pulp.LpVariable
    ups = np.where(np.isfinite(model.ub), model.ub, np.nan).tolist()
    ints = model.is_integer().tolist()
    xs = [new_var(n, lo, None if up != up else up, pulp.LpBinary if ints[k] else pulp.LpContinuous)
          for k, (n, lo, up) in enumerate(zip(_unique(model.col_names), model.lb.tolist(), ups))]
    nz = np.flatnonzero(model.c)
    prob.setObjective(pulp.LpAffineExpression(zip([xs[k] for k in nz], model.c[nz].tolist())))
    A = model.A
    for r, rname in enumerate(_unique(model.row_names)):
        s, e = A.indptr[r], A.indptr[r + 1]
        expr = pulp.LpAffineExpression(zip([xs[k] for k in A.indices[s:e]], A.data[s:e].tolist()))
        prob.addConstraint(_pulp_row(pulp, expr, model.row_lo[r], model.row_hi[r], rname))
    return prob


def _pulp_row(pulp, expr, lo: float, hi: float, name: str):
    if lo == hi:
        return pulp.LpConstraint(expr, pulp.LpConstraintEQ, name, float(lo))
    if np.isfinite(lo):
        return pulp.LpConstraint(expr, pulp.LpConstraintGE, name, float(lo))
    return pulp.LpConstraint(expr, pulp.LpConstraintLE, name, float(hi))

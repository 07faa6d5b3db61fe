"""CBC work directories: a killed run's directory is removed later, a live run's never."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from lineup.optimize.backends import remove_stale_workdirs

#: Opens a CBC work directory in TMPDIR and waits there (to be killed).
IN_WORKDIR = """
import time
from lineup.optimize import backends
backends._swept = True
with backends._cbc_workdir() as tmp:
    print(tmp, flush=True)
    time.sleep(120)
"""


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def _in_workdir(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", IN_WORKDIR], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "TMPDIR": str(tmp_path)})
    return proc, proc.stdout.readline().strip()


def test_stale_workdirs_are_removed_and_live_ones_kept(tmp_path):
    dead = _dead_pid()
    stale = [tmp_path / f"lineup-cbc-{dead}-abcd_123", tmp_path / f"lineup-cbc-{dead}-xyz98765"]
    (stale[0] / "model.mps").parent.mkdir()
    (stale[0] / "model.mps").write_text("NAME")
    (stale[1]).mkdir()
    (stale[1] / "owner.lock").write_text(f"{dead}\n")  # its lock died with it
    kept = [tmp_path / f"lineup-cbc-{os.getpid()}-abcd_123",  # alive
            tmp_path / "lineup-cbc-abcd_123",  # an older lineup's: no pid to check
            tmp_path / f"lineup-cbc-{dead}-notours"]  # not a name lineup makes
    for path in kept:
        path.mkdir()
    removed = remove_stale_workdirs(str(tmp_path))
    assert sorted(removed) == sorted(map(str, stale))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in kept)


def test_a_killed_solvers_workdir_goes_and_a_running_ones_stays(tmp_path):
    running, live_dir = _in_workdir(tmp_path)
    killed, dead_dir = _in_workdir(tmp_path)
    try:
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=30)
        assert os.path.isdir(dead_dir)  # kill -9 leaks it ...
        assert remove_stale_workdirs(str(tmp_path)) == [dead_dir]  # ... until the next solve
        assert os.path.isdir(live_dir)
    finally:
        for proc in (running, killed):
            proc.kill()
            proc.wait()
            proc.stdout.close()


def test_a_workdir_locked_by_a_live_process_is_kept_whatever_its_pid(tmp_path):
    # a process in another pid namespace sharing /tmp: its pid looks dead here, its lock does not
    running, live_dir = _in_workdir(tmp_path)
    try:
        renamed = tmp_path / f"lineup-cbc-{_dead_pid()}-abcd_123"
        os.rename(live_dir, renamed)
        assert remove_stale_workdirs(str(tmp_path)) == [] and renamed.is_dir()
    finally:
        running.kill()
        running.wait()
        running.stdout.close()


def _no_whole_solution(n: int, g: int, seed: int = 0):
    """One equality row whose weights are multiples of ``g`` and whose right-hand side is not: no 0/1 point.
    HiGHS's presolve proves it at once; without presolve branch and bound cannot (review case)."""
    import numpy as np
    import scipy.sparse as sp

    from lineup.optimize.formulation import LinearModel

    rng = np.random.default_rng(seed)
    A = g * rng.integers(50, 5000, (1, n)).astype(float)
    b = np.floor(A.sum(axis=1) / 2 / g) * g + 1
    return LinearModel(c=rng.random(n), A=sp.csr_matrix(A), row_lo=b, row_hi=b, row_names=("r0",), kind=("",),
                       limit=b, scale=np.ones(1), lb=np.zeros(n), ub=np.ones(n),
                       col_names=tuple(f"x[{i}]" for i in range(n)), n_x=n, rows=np.arange(n), decisions=np.arange(n))


def test_an_infeasible_model_stays_infeasible_after_the_check_without_presolve():
    """HiGHS's 'infeasible' is checked without presolve (HiGHS 1.16 presolve once called a feasible model
    infeasible); a check that cannot conclude within its short allowance leaves the answer 'infeasible', not
    'time_limit'."""
    from lineup.optimize.backends import solve_model

    sol = solve_model(_no_whole_solution(60, 7), "highs", time_limit=5.0, gap=0.0)
    assert sol.status == "infeasible" and sol.values is None

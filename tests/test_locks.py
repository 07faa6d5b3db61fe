"""PidLock: exclusive, dies with its process, not kept alive by forked workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from lineup._locks import LockHeld, PidLock, is_locked


#: Takes the lock and forks a worker that prints its pid; both sleep.
HOLD_AND_FORK = """
import os, sys, time
from lineup._locks import PidLock
lock = PidLock(sys.argv[1]).acquire()
if os.fork() == 0:  # the worker reports once it runs (the fork hooks have run by then)
    print(os.getpid(), flush=True)
    time.sleep(60)
    os._exit(0)
time.sleep(60)
"""


def test_a_forked_worker_does_not_keep_a_killed_runs_lock(tmp_path):
    path = tmp_path / "x.lock"
    proc = subprocess.Popen([sys.executable, "-c", HOLD_AND_FORK, str(path)], stdout=subprocess.PIPE, text=True)
    worker = int(proc.stdout.readline())
    try:
        assert is_locked(path)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        os.kill(worker, 0)  # the worker lives on ...
        assert path.exists() and not is_locked(path)  # ... without the lock
    finally:
        os.kill(worker, signal.SIGKILL)
        proc.stdout.close()


def test_held_elsewhere_names_the_holder(tmp_path):
    path = tmp_path / "x.lock"
    code = "import sys, time; from lineup._locks import PidLock; l = PidLock(sys.argv[1]).acquire(); print('held', flush=True); time.sleep(60)"
    proc = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "held"
        with pytest.raises(LockHeld) as info:
            PidLock(path).acquire()
        assert info.value.pid == proc.pid
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
    with PidLock(path):
        assert int(path.read_text()) == os.getpid()

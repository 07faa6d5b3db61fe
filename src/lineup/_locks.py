"""Locks that die with their process, and a liveness check (the only place lineup calls flock).

A :class:`PidLock` is an ``flock`` on a small file holding the owner's pid.  The
kernel drops the lock when its process exits, even by ``kill -9``, so a crashed run
never leaves a lock behind that blocks the next one; the file itself is reused.
Without ``fcntl`` (Windows) locking is a no-op.
"""

from __future__ import annotations

import os
import weakref
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None

__all__ = ["LockHeld", "PidLock", "pid_alive", "is_locked"]

_held: "weakref.WeakSet[PidLock]" = weakref.WeakSet()


def _forget_in_child() -> None:
    """A forked child (a worker process) neither keeps the parent's locks alive nor releases them."""
    for lock in list(_held):
        if lock.fd is not None:
            os.close(lock.fd)  # the parent's descriptor still holds the flock
            lock.fd = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)


class LockHeld(Exception):
    """The lock is held by another process (``pid``; 0 when it has not written it yet)."""

    def __init__(self, path: Path, pid: int):
        super().__init__(f"{path} is locked by pid {pid}")
        self.path, self.pid = path, pid


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (True when it exists but belongs to someone else).

    >>> pid_alive(os.getpid()), pid_alive(0)
    (True, False)
    """
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class PidLock:
    """An exclusive, non-blocking ``flock`` on ``path`` that records this process's pid.

    :meth:`acquire` raises :class:`LockHeld` at once when another process (or another
    open of the file in this one) holds it; :meth:`release` removes the file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "x.lock"
    >>> with PidLock(path):
    ...     int(path.read_text()) == os.getpid()
    True
    >>> path.exists()
    False
    """

    def __init__(self, path: str | Path):
        self.path, self.fd = Path(path), None

    def acquire(self) -> "PidLock":
        if fcntl is None:  # pragma: no cover
            return self
        while self.fd is None:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            if not _try_flock(fd):
                pid = _read_pid(fd)
                os.close(fd)
                raise LockHeld(self.path, pid)
            if _same_file(fd, self.path):
                self.fd = fd
            else:  # the holder removed the file between our open and our lock: take the new one
                os.close(fd)
        _held.add(self)
        os.ftruncate(self.fd, 0)
        os.write(self.fd, f"{os.getpid()}\n".encode())
        return self

    def release(self) -> None:
        if self.fd is not None:
            try:
                os.unlink(self.path)  # while still locked: nobody can take a file that is going away
            except FileNotFoundError:
                pass
            os.close(self.fd)
            self.fd = None
            _held.discard(self)

    def __enter__(self) -> "PidLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def is_locked(path: str | Path) -> bool:
    """Whether a live process holds a :class:`PidLock` on ``path`` (False if there is no such file)."""
    if fcntl is None:  # pragma: no cover
        return True
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        return not _try_flock(fd)
    finally:
        os.close(fd)


def _try_flock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _same_file(fd: int, path: Path) -> bool:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)


def _read_pid(fd: int) -> int:
    text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    return int(text) if text.isdigit() else 0

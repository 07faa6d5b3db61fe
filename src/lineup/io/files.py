"""Read a file the user named: one place turns every way that can fail into a located error.

:func:`read_user_text` refuses what is not a regular file (a directory, a
named pipe that would block forever, a device) before opening it, and maps a
missing file, a symbolic-link loop, a denied permission or bytes that are not
UTF-8 to the caller's :class:`~lineup.errors.InputError` subclass, naming the
file (escaped for the terminal) and, for bad bytes, the line.
"""

from __future__ import annotations

import csv
import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .._text import printable
from ..errors import InputError

__all__ = ["read_user_text", "shown_path", "csv_cells_up_to"]

#: Open without blocking: a FIFO swapped in after the check must not hang the read.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def shown_path(path: str | Path) -> str:
    """``path`` as text safe to print (control characters escaped)."""
    return printable(os.fspath(path))


def read_user_text(path: str | Path, error: type[InputError], what: str, *, name: str | None = None) -> str:
    """The text of the regular file ``path`` (UTF-8, a leading BOM dropped).

    Raises ``error`` (``"<name>: <what> not found"``, ``"... is a directory,
    expected a <what>"``, ...) for every problem with the file itself.

    Examples
    --------
    >>> import tempfile
    >>> from lineup.errors import ScenarioError
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "s.yaml").write_bytes(b"\\xef\\xbb\\xbfname: x\\n")
    >>> read_user_text(d / "s.yaml", ScenarioError, "scenario file")
    'name: x\\n'
    >>> read_user_text(d, ScenarioError, "scenario file", name="here")
    Traceback (most recent call last):
    ...
    lineup.errors.ScenarioError: here: is a directory, expected a scenario file
    """
    name = printable(name if name is not None else os.fspath(path))
    data = _read_bytes(Path(path), error, what, name).removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(_not_utf8(data, exc, what, name)) from None


def _read_bytes(path: Path, error: type[InputError], what: str, name: str) -> bytes:
    try:
        _require_regular(os.stat(path), error, what, name)
        fd = os.open(path, _OPEN_FLAGS)
        with os.fdopen(fd, "rb") as fh:
            _require_regular(os.fstat(fd), error, what, name)
            return fh.read()
    except OSError as exc:
        raise error(f"{name}: {_os_problem(exc, what)}") from None
    except ValueError:  # an embedded NUL character
        raise error(f"{name}: not a usable file name (it contains a NUL character)") from None


def _require_regular(st: os.stat_result, error: type[InputError], what: str, name: str) -> None:
    if stat.S_ISREG(st.st_mode):
        return
    kind = next((label for test, label in _KINDS if test(st.st_mode)), "not a regular file")
    raise error(f"{name}: is {kind}, expected {'an' if what[:1] in 'aeiou' else 'a'} {what}")


def _os_problem(exc: OSError, what: str) -> str:
    """What went wrong opening or reading, in the user's words."""
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return f"{what} not found"
    if exc.errno == errno.ELOOP:
        return f"cannot open the {what}: a symbolic link in its path points back to itself (a symlink loop)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"cannot read the {what}: permission denied"
    return f"cannot read the {what} ({printable(exc.strerror or exc)})"


def _not_utf8(data: bytes, exc: UnicodeDecodeError, what: str, name: str) -> str:
    """``"<name>, line L: ..."`` for the first byte that is not UTF-8."""
    line = data.count(b"\n", 0, exc.start) + 1
    column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
    bad = data[exc.start:exc.end]
    return (f"{name}, line {line}, column {column}: the {what} is not UTF-8 text (byte {bad!r}); "
            f"save it as UTF-8")


@contextmanager
def csv_cells_up_to(chars: int) -> Iterator[None]:
    """Let the csv module read cells of up to ``chars`` characters (its default limit is 131,072)."""
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, min(chars + 1, 2**31 - 1)))
    try:
        yield
    finally:
        csv.field_size_limit(limit)

"""Write a run's output files into a directory as one set, one run at a time.

The guarantee (README, "Outputs"):

* **One writer per directory.** :func:`claim_output` holds an ``flock`` on
  ``DIR/.lineup.lock`` (which records the pid) for the whole run; a second run on the
  same directory fails at once with :class:`~lineup.errors.OutputBusyError` (exit 5).
  The kernel drops the lock when its process dies, even by ``kill -9``.
* **The set lands whole.** Every file is staged next to its target and fsynced; then a
  journal, ``DIR/.lineup-journal.json``, naming every staged file is renamed into
  place (the commit point); the old ``lineup-manifest.json`` is taken away, the files
  are renamed over their targets and the new manifest (each file's size and SHA-256)
  comes last.  A run killed after the commit point is rolled forward by the next run
  that claims the directory; one killed before it leaves the old set, and the next
  run deletes its staged files.  Until then a missing manifest, or a file that does
  not match it, tells a reader that the set is incomplete (:func:`verify_outputs`).
* An ``OSError`` while renaming (disk full, I/O error) puts the old files back.

Every CSV lineup writes goes through :func:`csv_cell` (via :func:`csv_text`
or :func:`frame_csv`), so no text cell can be read by a spreadsheet as a
formula; JSON keeps every value as it is.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import math
import os
import re
import tempfile
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .._locks import LockHeld, PidLock, pid_alive
from ..errors import OutputBusyError, UsageError, argument

__all__ = ["write_files", "claim_output", "verify_outputs", "to_json", "json_default", "MANIFEST", "FORMULA_START",
           "csv_cell", "csv_uncell", "csv_text", "frame_csv"]

_OUTPUT = argument("output")

#: The file listing the last complete set (name → bytes, sha256), written last.
MANIFEST = "lineup-manifest.json"
_LOCK, _JOURNAL = ".lineup.lock", ".lineup-journal.json"
#: Staged (``.tmp``) and backup (``.old``) files: ``.<name>.lineup-<pid>-<random>.tmp``.
_SCRATCH = re.compile(r"^\.(?P<name>.+)\.lineup-(?P<pid>\d+)-[a-z0-9_]{8}\.(tmp|old)$")
_claims = threading.local()


def write_files(directory: str | Path, files: Mapping[str, str | bytes], *, manifest: bool = True) -> list[Path]:
    """Write ``{name: content}`` into ``directory`` as one set; returns the paths.

    The directory is claimed for the call (see :func:`claim_output`; nested in a
    claim of the caller's, it is not claimed twice), every file is staged and the
    batch committed as the module docstring says, with ``lineup-manifest.json``
    last (``manifest=False`` leaves it out, e.g. for a single data file).  A target
    that is a symbolic link is written through (its destination is replaced); a
    target that exists but is not a regular file (a directory, a device) is refused.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> [p.name for p in write_files(d, {"a.txt": "hello"})]
    ['a.txt']
    >>> (d / "a.txt").read_text(), sorted(p.name for p in d.iterdir())
    ('hello', ['a.txt', 'lineup-manifest.json'])
    >>> verify_outputs(d)
    ['a.txt']
    """
    directory = Path(directory)
    with claim_output(directory):
        batch = {**files, MANIFEST: _manifest_text(files)} if manifest else dict(files)
        targets = {name: _target(directory / name) for name in batch}
        staged: list[tuple[str, Path]] = []
        try:
            _sweep({t.parent for t in targets.values()}, {t.name for t in targets.values()})
            for name, content in batch.items():
                staged.append((_stage(targets[name], content), targets[name]))
            _commit(directory, staged, directory / MANIFEST if manifest else None)
        except OSError as exc:
            raise UsageError(f"{_OUTPUT} {_shown(directory)}: cannot write ({exc.strerror or exc})") from None
        finally:
            for tmp, _ in staged:
                _unlink(tmp)
    return [directory / name for name in files]


@contextlib.contextmanager
def claim_output(directory: str | Path) -> Iterator[Path]:
    """Hold ``directory`` for a run: create it, lock it, finish or undo what a crashed run left.

    Raises :class:`~lineup.errors.OutputBusyError` at once when another process
    holds it.  A claim nested in one of the same thread is a no-op.  A directory
    that the claim created and that is still empty at the end is removed again.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()) / "out"
    >>> with claim_output(d):
    ...     sorted(p.name for p in d.iterdir())
    ['.lineup.lock']
    >>> d.exists()
    False
    """
    directory = Path(directory)
    created = _make_dir(directory)
    key = os.path.realpath(directory)
    held = _held_claims()
    if key in held:
        yield directory
        return
    lock = _lock(directory)
    held.add(key)
    try:
        _recover(directory)
        yield directory
    finally:
        held.discard(key)
        lock.release()
        if created:
            with contextlib.suppress(OSError):
                directory.rmdir()  # only succeeds when nothing was written


def _held_claims() -> set[str]:
    """Directories this thread has claimed (so that a nested claim does not lock twice)."""
    if not hasattr(_claims, "dirs"):
        _claims.dirs = set()
    return _claims.dirs


def verify_outputs(directory: str | Path) -> list[str]:
    """The names listed in ``directory``'s manifest, after checking each file's size and SHA-256.

    Raises :class:`~lineup.errors.UsageError` naming what is missing or different:
    the set is then incomplete (a run was interrupted and no run has finished it since).
    """
    directory = Path(directory)
    try:
        listed = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"{_shown(directory)}: no complete output set ({MANIFEST} unreadable: "
                         f"{getattr(exc, 'strerror', None) or exc})") from None
    for name, entry in listed.items():
        try:
            data = (directory / name).read_bytes()
        except OSError as exc:
            raise UsageError(f"{_shown(directory / name)}: listed in {MANIFEST} but unreadable "
                             f"({exc.strerror or exc})") from None
        if len(data) != entry["bytes"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise UsageError(f"{_shown(directory / name)}: does not match {MANIFEST} (an interrupted write)")
    return list(listed)


# ------------------------------------------------------------------ claiming and recovery
def _make_dir(directory: Path) -> bool:
    """Create ``directory`` (and parents); True when it did not exist before."""
    existed = directory.is_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{_OUTPUT} {_shown(directory)}: cannot create the directory ({exc.strerror or exc})") from None
    return not existed


def _lock(directory: Path) -> PidLock:
    try:
        return PidLock(directory / _LOCK).acquire()
    except LockHeld as held:
        who = f" (pid {held.pid})" if held.pid else ""
        raise OutputBusyError(f"another lineup run is writing {_shown(directory)}{who}; "
                              f"wait for it to finish or choose another {_OUTPUT} directory") from None
    except OSError as exc:
        raise UsageError(f"{_OUTPUT} {_shown(directory)}: cannot lock the directory ({exc.strerror or exc})") from None


def _recover(directory: Path) -> None:
    """Roll forward a batch whose journal was committed; delete dead runs' staged and backup files."""
    try:
        moves = _read_journal(directory / _JOURNAL)
        for tmp, final in moves:
            if os.path.exists(tmp):
                os.replace(tmp, final)
        _fsync_dirs({Path(final).parent for _, final in moves} | {directory})
        _unlink(directory / _JOURNAL)
        _sweep([directory], set())
    except OSError as exc:
        raise UsageError(f"{_OUTPUT} {_shown(directory)}: cannot finish an interrupted write "
                         f"({exc.strerror or exc})") from None


def _read_journal(path: Path) -> list[tuple[str, str]]:
    """The (staged, target) pairs of a committed batch; only pairs lineup could have written."""
    try:
        moves = json.loads(path.read_text(encoding="utf-8"))["moves"]
    except FileNotFoundError:
        return []
    except (ValueError, KeyError, TypeError):
        return []  # not written by lineup (ours are renamed into place whole)
    return [(tmp, final) for tmp, final in moves if _is_staged_for(str(tmp), str(final))]


def _is_staged_for(tmp: str, final: str) -> bool:
    m = _SCRATCH.match(os.path.basename(tmp))
    return (m is not None and tmp.endswith(".tmp") and m["name"] == os.path.basename(final)
            and os.path.dirname(tmp) == os.path.dirname(final))


def _sweep(directories: Iterable[Path], names: set[str]) -> None:
    """Delete staged/backup files of dead runs, and those of older lineups for ``names``."""
    old_style = re.compile(r"^\.(%s)\.[a-z0-9_]{8}\.(tmp|old)$" % "|".join(map(re.escape, names))) if names else None
    for directory in directories:
        for entry in os.scandir(directory):
            m = _SCRATCH.match(entry.name)
            dead = m is not None and int(m["pid"]) != os.getpid() and not pid_alive(int(m["pid"]))
            if dead or (old_style is not None and old_style.match(entry.name)):
                _unlink(entry.path)


# ------------------------------------------------------------------ committing a batch
def _commit(directory: Path, staged: list[tuple[str, Path]], manifest: Path | None) -> None:
    """Journal the batch (the commit point), replace the targets, then drop the journal."""
    parents = {final.parent for _, final in staged} | {directory}
    _fsync_dirs(parents)
    journal = _write_journal(directory, staged)
    _replace_all(staged, journal, manifest)
    _fsync_dirs(parents)
    _unlink(journal)
    _fsync_dirs({directory})


def _write_journal(directory: Path, staged: list[tuple[str, Path]]) -> Path:
    journal = directory / _JOURNAL
    text = json.dumps({"pid": os.getpid(), "moves": [[tmp, str(final)] for tmp, final in staged]})
    tmp = _stage(journal, text)
    try:
        os.replace(tmp, journal)
    finally:
        _unlink(tmp)
    _fsync_dirs({directory})
    return journal


def _replace_all(staged: list[tuple[str, Path]], journal: Path, manifest: Path | None) -> None:
    """``os.replace`` every staged file (the old manifest away first); on failure put the old files back."""
    backups: list[tuple[Path, str | None]] = []
    try:
        if manifest is not None and manifest.exists():  # no manifest while the files change
            backups.append((manifest, _scratch_name(manifest, ".old")))
            os.replace(manifest, backups[-1][1])
        for tmp, final in staged:
            backups.append((final, _backup(final)))
            os.replace(tmp, final)
    except OSError:
        _unlink(journal)  # abandon the roll-forward before rolling back
        _restore(backups)
        raise
    finally:
        for _, backup in backups:
            if backup is not None:
                _unlink(backup)


def _backup(final: Path) -> str | None:
    """A hard link to ``final``'s current content (None when it does not exist yet)."""
    if not final.exists():
        return None
    backup = _scratch_name(final, ".old")
    os.link(final, backup)
    return backup


def _restore(backups: list[tuple[Path, str | None]]) -> None:
    for final, backup in reversed(backups):
        if backup is not None and os.path.exists(backup):
            os.replace(backup, final)
        elif backup is None:
            _unlink(final)


def _target(path: Path) -> Path:
    """Where ``path`` really is (through symlinks); refuses directories and special files."""
    real = Path(os.path.realpath(path))
    if real.exists() and not real.is_file():
        kind = "a directory" if real.is_dir() else "not a regular file"
        raise UsageError(f"{_shown(path)}: {kind}; cannot write output there")
    if not real.parent.is_dir():
        raise UsageError(f"{_shown(path)}: the directory {_shown(real.parent)} does not exist")
    return real


def _scratch_name(final: Path, suffix: str) -> str:
    return tempfile.mktemp(prefix=f".{final.name}.lineup-{os.getpid()}-", suffix=suffix, dir=final.parent)


def _stage(final: Path, content: str | bytes) -> str:
    """Write ``content`` to a new fsynced file next to ``final``; returns its path."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.lineup-{os.getpid()}-", suffix=".tmp", dir=final.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; outputs get ordinary permissions
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def _manifest_text(files: Mapping[str, str | bytes]) -> str:
    """The manifest of a batch: a run id, when, and each file's size and SHA-256."""
    entries = {}
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        entries[name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    return to_json({"run": uuid.uuid4().hex, "written": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    "files": entries})


def _fsync_dirs(directories: Iterable[Path]) -> None:
    """Make renames and new entries in ``directories`` durable (where the file system allows it)."""
    for directory in directories:
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        except OSError as exc:
            if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
                raise
        finally:
            os.close(fd)


def _unlink(path: str | Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _shown(path: str | Path) -> str:
    """``path`` for a one-line message: control characters escaped.

    >>> _shown("out\\x1b[2Jdir")
    'out\\\\x1b[2Jdir'
    """
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in str(path))


def json_default(value: Any) -> Any:
    """JSON encoder hook for numpy scalars/arrays, enums, paths and sets."""
    import enum

    import numpy as np

    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(data: Any) -> str:
    """Deterministic, readable JSON (NaN/inf become null).

    >>> to_json({"b": float("nan"), "a": 1})
    '{\\n  "b": null,\\n  "a": 1\\n}\\n'
    """
    return json.dumps(_finite(data), indent=2, default=json_default, ensure_ascii=False, allow_nan=False) + "\n"


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    try:
        import numpy as np

        if isinstance(value, np.floating):
            return _finite(float(value))
        if isinstance(value, np.ndarray):
            return _finite(value.tolist())
    except ImportError:  # pragma: no cover
        pass
    return value


# --------------------------------------------------------------------------- CSV


#: First characters that make a spreadsheet evaluate a cell (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: Text starting with one of these gets a leading ``'``: the formula starters, and the quote
#: itself so that :func:`csv_uncell` can undo the escape exactly.
_QUOTED = (*FORMULA_START, "'")


def csv_cell(value: Any) -> Any:
    """``value`` made safe for a spreadsheet cell.

    Text (``str``) that begins with ``=``, ``+``, ``-``, ``@``, a tab, a
    carriage return or ``'`` gets a leading ``'``, which spreadsheets show as
    text instead of evaluating a formula.  Anything that is not text (numbers,
    booleans, missing values) is returned unchanged: a negative number stays a
    number.  :func:`csv_uncell` reverses it.

    Examples
    --------
    >>> [csv_cell(v) for v in ["=1+2", "-2+3", "@sum", "alice", "'quoted", -2.5, None]]
    ["'=1+2", "'-2+3", "'@sum", 'alice', "''quoted", -2.5, None]
    """
    if isinstance(value, str) and value.startswith(_QUOTED):
        return "'" + value
    return value


def csv_uncell(text: str) -> str:
    """The text :func:`csv_cell` was given (reads back a cell of a CSV lineup wrote).

    >>> csv_uncell("'=1+2"), csv_uncell("''quoted"), csv_uncell("'plain"), csv_uncell("alice")
    ('=1+2', "'quoted", "'plain", 'alice')
    """
    return text[1:] if text.startswith("'") and text[1:].startswith(_QUOTED) else text


def csv_text(header: list[str], rows, float_format: str | None = None) -> str:
    """CSV text (``\\n`` line ends) of ``header`` and ``rows``, every cell through :func:`csv_cell`.

    Floats are written with ``float_format`` (``%`` style) when given, and
    blank when NaN; text is neutralised, numbers never are.

    >>> print(csv_text(["id", "fee"], [["=1+2", -2.5], ["bob", float("nan")]], "%.6g"), end="")
    id,fee
    '=1+2,-2.5
    bob,
    """
    import csv
    import io
    import math

    def cell(v: Any) -> Any:
        if isinstance(v, float) and float_format is not None:
            return "" if math.isnan(v) else float_format % v
        return csv_cell(v)

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([csv_cell(h) for h in header])
    writer.writerows([cell(v) for v in row] for row in rows)
    return buf.getvalue()


def frame_csv(frame, **to_csv: Any) -> str:
    """``frame.to_csv(index=False, **to_csv)`` with every text cell and header through :func:`csv_cell`.

    Only text values are touched; numeric columns are written as numbers.

    >>> import pandas as pd
    >>> print(frame_csv(pd.DataFrame({"strategy": ["-2+3"], "spend": [-2.5]})), end="")
    strategy,spend
    '-2+3,-2.5
    """
    text_columns = [c for c in frame.columns if frame[c].dtype.kind not in "biufcmM"]  # not numbers, dates
    safe = frame.copy()
    for c in text_columns:
        safe[c] = safe[c].map(csv_cell)
    return safe.rename(columns=csv_cell).to_csv(index=False, **to_csv)

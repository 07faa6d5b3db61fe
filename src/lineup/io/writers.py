"""Write output files atomically: all of them appear complete, or none changes.

Each file is written to a temporary sibling, flushed and fsynced, and only
when every file of the batch is ready are they renamed into place
(``os.replace`` is atomic on POSIX and Windows).
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import UsageError

__all__ = ["write_files", "to_json", "json_default"]


def write_files(directory: str | Path, files: Mapping[str, str | bytes]) -> list[Path]:
    """Write ``{name: content}`` into ``directory`` atomically; returns the paths.

    Every file is staged next to its target first; then the targets are replaced
    one by one, and if any replacement fails the ones already replaced are
    restored, so the batch lands whole or not at all.  A target that is a
    symbolic link is written through (its destination is replaced); a target
    that exists but is not a regular file (a directory, a device) is refused.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> [p.name for p in write_files(d, {"a.txt": "hello"})]
    ['a.txt']
    >>> (d / "a.txt").read_text()
    'hello'
    """
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--output {directory}: cannot create the directory ({exc.strerror or exc})") from None
    targets = {name: _target(directory / name) for name in files}
    staged: list[tuple[str, Path]] = []
    try:
        for name, content in files.items():
            staged.append((_stage(targets[name].parent, name, content), targets[name]))
        _replace_all(staged)
    except OSError as exc:
        raise UsageError(f"--output {directory}: cannot write ({exc.strerror or exc})") from None
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return [directory / name for name in files]


def _target(path: Path) -> Path:
    """Where ``path`` really is (through symlinks); refuses directories and special files."""
    real = Path(os.path.realpath(path))
    if real.exists() and not real.is_file():
        kind = "a directory" if real.is_dir() else "not a regular file"
        raise UsageError(f"{path}: {kind}; cannot write output there")
    if not real.parent.is_dir():
        raise UsageError(f"{path}: the directory {real.parent} does not exist")
    return real


def _replace_all(staged: list[tuple[str, Path]]) -> None:
    """``os.replace`` every staged file; on failure put the old files back."""
    backups: list[tuple[Path, str | None]] = []
    try:
        for tmp, final in staged:
            backup = None
            if final.exists():
                backup = tempfile.mktemp(prefix=f".{final.name}.", suffix=".old", dir=final.parent)
                os.link(final, backup)
            backups.append((final, backup))
            os.replace(tmp, final)
    except OSError:
        for final, backup in reversed(backups):
            if backup is not None:
                os.replace(backup, final)
            elif final.exists():
                os.unlink(final)
        raise
    finally:
        for _, backup in backups:
            if backup is not None and os.path.exists(backup):
                os.unlink(backup)


def _stage(directory: Path, name: str, content: str | bytes) -> str:
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


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

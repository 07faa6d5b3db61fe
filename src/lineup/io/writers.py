"""Write output files atomically: all of them appear complete, or none changes.

Each file is written to a temporary sibling, flushed and fsynced, and only
when every file of the batch is ready are they renamed into place
(``os.replace`` is atomic on POSIX and Windows).

Every CSV lineup writes goes through :func:`csv_cell` (via :func:`csv_text`
or :func:`frame_csv`), so no text cell can be read by a spreadsheet as a
formula; JSON keeps every value as it is.
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

__all__ = ["write_files", "to_json", "json_default", "FORMULA_START", "csv_cell", "csv_uncell", "csv_text",
           "frame_csv"]


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

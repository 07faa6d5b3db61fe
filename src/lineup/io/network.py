"""Read real social networks: an edge list and an optional communities file.

Edge list
    One tie per line, ``node node`` separated by spaces or tabs (further
    columns, e.g. timestamps or weights, are ignored).  Blank lines and lines
    starting with ``#`` or ``%`` are skipped.  An optional header line is
    recognised automatically: a first line with non-numeric tokens above
    numeric data (``source target``), or NetHEPT's ``n m`` line whose second
    number is the count of the lines that follow.  With text node ids a
    header cannot be told from a tie: say ``header=True``.  Node ids may be integers
    (kept as integer labels; they must fit a 64-bit integer) or any printable
    text.  Self-loops and repeated ties are dropped.
Communities
    ``node label`` per line (same comment rules; an optional text header);
    the label is the person's niche.  A node listed twice keeps its first
    label (its primary community).  Nodes without a label have no niche;
    labelled nodes missing from the edge list are added as people without
    ties.

Files must be UTF-8 text: compressed, binary (NUL bytes) and non-UTF-8
files are refused.  Every unusable line is reported at once, with the file
and line number, as a :class:`lineup.errors.NetworkError`; quoted file
content is escaped with :func:`lineup._text.printable`.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from lineup._text import printable
from lineup.errors import NetworkError, Problem
from lineup.io.files import read_user_bytes
from lineup.simulation.graph import CSRGraph, from_edges
from lineup.simulation.population import Population

__all__ = ["read_edge_list", "read_communities", "load_network"]

_COMMENT = ("#", "%")


_MAGIC = {b"\x1f\x8b": "gzip-compressed", b"BZh": "bzip2-compressed", b"\xfd7zXZ\x00": "xz-compressed",
          b"PK\x03\x04": "zip archive", b"\x28\xb5\x2f\xfd": "zstd-compressed"}


def _read_lines(path: Path, what: str) -> list[str]:
    """The file's physical lines (split at ``\\n`` only, so line numbers match an editor's)."""
    data = read_user_bytes(path, NetworkError, f"{what} file")
    text = _decode(path, data, what)
    return [line.removesuffix("\r") for line in text.split("\n")]


def _decode(path: Path, data: bytes, what: str) -> str:
    """UTF-8 text of ``data``; binary, compressed or non-UTF-8 files are refused with the place."""
    kind = next((name for magic, name in _MAGIC.items() if data.startswith(magic)), None)
    if kind is not None:
        raise NetworkError(f"{path}: looks like a {kind} file, not a text {what} file; decompress it first")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NetworkError(f"{path}: is UTF-16 text; save the {what} file as UTF-8")
    nul = data.find(b"\x00", 0, 1 << 16)
    if nul >= 0:
        raise NetworkError(f"{path}, line {_line_at(data, nul)}: a NUL byte; this looks like a binary file, "
                           f"not a text {what} file (it starts {_line_text(data, 0)})")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NetworkError(f"{path}, line {_line_at(data, exc.start)}: byte 0x{data[exc.start]:02x} is not "
                           f"UTF-8 text; save the {what} file as UTF-8 (the line reads {_line_text(data, exc.start)})") from None


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _line_text(data: bytes, offset: int) -> str:
    """The line of ``data`` holding ``offset``, quoted and escaped, for messages about unreadable files."""
    start = data.rfind(b"\n", 0, offset) + 1
    line = data[start:start + 200].split(b"\n", 1)[0]
    return f"'{printable(line.decode('utf-8', errors='backslashreplace'), limit=60)}'"


def _data_rows(lines: list[str]) -> tuple[list[int], list[list[str]]]:
    """1-based line numbers and tokens of the non-blank, non-comment lines."""
    numbers, rows = [], []
    for k, line in enumerate(lines, start=1):
        tokens = line.split()
        if tokens and not tokens[0].startswith(_COMMENT):
            numbers.append(k)
            rows.append(tokens)
    return numbers, rows


_INT = re.compile(r"[+-]?[0-9]+")
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def _is_int(token: str) -> bool:
    return _INT.fullmatch(token) is not None


def _fits_int64(token: str) -> bool:
    """An integer token within ``int64`` (digits counted first: Python refuses to convert over 4,300 digits)."""
    digits = token.lstrip("+-").lstrip("0")
    return len(digits) <= 19 and _INT64_MIN <= int(token) <= _INT64_MAX


def _out_of_int64(path: Path, numbers: list[int], tokens: list[str], per_line: int) -> list[Problem]:
    """Integer ids that do not fit ``int64`` (token ``i`` is on line ``numbers[i // per_line]``)."""
    return [Problem(f"{path}, line {numbers[i // per_line]}",
                    f"node id '{printable(t, limit=80)}' does not fit a 64-bit integer (-2^63 to 2^63-1); "
                    "renumber the nodes or make the ids text (e.g. prefix a letter)")
            for i, t in enumerate(tokens) if not _fits_int64(t)]


def _has_header(rows: list[list[str]]) -> bool:
    """A text header above numeric data, or an ``n m`` line counting the rest."""
    if len(rows) < 2:
        return False
    first, second = rows[0], rows[1]
    if not all(t.isprintable() for t in first):
        return False  # control characters: binary junk, not a header; reported with the data lines
    if not all(_is_int(t) for t in first[:2]) and all(_is_int(t) for t in second[:2]):
        return True
    return len(first) == 2 and all(_is_int(t) and _fits_int64(t) for t in first) \
        and int(first[1]) == len(rows) - 1 and int(first[0]) >= 2


def _check_rows(path: Path, numbers: list[int], rows: list[list[str]]) -> None:
    problems = [Problem(f"{path}, line {k}", f"expected two node ids, got '{printable(' '.join(t), limit=80)}'")
                for k, t in zip(numbers, rows) if len(t) < 2]
    problems += [Problem(f"{path}, line {k}", f"node id '{printable(x, limit=80)}' holds control characters; "
                         "is this a binary file?")
                 for k, t in zip(numbers, rows) for x in t[:2] if not x.isprintable()]
    if problems:
        raise NetworkError(f"{path}: {len(problems)} unusable line(s) in the edge list", problems)


def _as_ids(path: Path, numbers: list[int], tokens: list[str]) -> np.ndarray:
    """Integer ids when every token is an integer (each must fit ``int64``), else text ids."""
    if not all(_is_int(t) for t in tokens):
        return np.array(tokens, dtype=object)
    problems = _out_of_int64(path, numbers, tokens, per_line=2)
    if problems:
        raise NetworkError(f"{path}: {len(problems)} node id(s) too large for the edge list", problems)
    return np.array([int(t) for t in tokens], dtype=np.int64)


def _fast_int_pairs(lines: list[str], header: bool | None) -> np.ndarray | None:
    """``k × 2`` int64 node ids parsed by pandas' C reader, or ``None`` to take the careful path.

    Only clean files take this path: integer ids, no ``%`` comments, no short
    lines, no text header.  Anything else is parsed line by line (with line
    numbers for the messages).
    """
    import io

    import pandas as pd

    text = "\n".join(lines)
    if "%" in text or header:
        return None
    try:
        frame = pd.read_csv(io.StringIO(text), sep=r"\s+", header=None, comment="#", usecols=[0, 1],
                            engine="c", skip_blank_lines=True)
    except Exception:  # noqa: BLE001 - any trouble: the careful path reports it with line numbers
        return None
    if len(frame) == 0 or not all(t == np.int64 for t in frame.dtypes):
        return None  # e.g. uint64 ids >= 2^63, which int64 would wrap to negatives
    pairs = frame.to_numpy(dtype=np.int64)
    first = pairs[0]
    if header is None and len(pairs) > 1 and first[1] == len(pairs) - 1 and first[0] >= 2 \
            and len(lines[_first_data_line(lines)].split()) == 2:
        pairs = pairs[1:]
    return pairs


def _first_data_line(lines: list[str]) -> int:
    return next(k for k, line in enumerate(lines) if line.split() and not line.split()[0].startswith(_COMMENT))


def read_edge_list(path: str | Path, *, directed: bool = False, header: bool | None = None) -> CSRGraph:
    """Read an edge list into a :class:`CSRGraph` whose ``labels`` are the file's node ids.

    Parameters
    ----------
    path : str or Path
        The edge-list file.
    directed : bool
        ``a b`` means only ``a → b`` (default: ties work both ways).
    header : bool, optional
        Whether the first data line is a header; default: detect it.

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp(); f = os.path.join(d, "e.txt")
    >>> _ = open(f, "w").write("# a comment\\n3 2\\n10 20\\n20\\t30\\n")
    >>> g = read_edge_list(f)
    >>> g.n, g.m, g.labels.tolist()
    (3, 4, [10, 20, 30])
    """
    path = Path(path)
    lines = _read_lines(path, "edge-list")
    fast = _fast_int_pairs(lines, header)
    if fast is not None:
        labels, pos = np.unique(fast, return_inverse=True)
        return from_edges(pos[:, 0], pos[:, 1], len(labels), directed=directed, labels=labels)
    numbers, rows = _data_rows(lines)
    if header if header is not None else _has_header(rows):
        numbers, rows = numbers[1:], rows[1:]
    _check_rows(path, numbers, rows)
    if not rows:
        raise NetworkError(f"{path}: the edge list has no edges")
    ids = _as_ids(path, numbers, [t for r in rows for t in r[:2]])
    labels, pos = np.unique(ids, return_inverse=True)
    return from_edges(pos[0::2], pos[1::2], len(labels), directed=directed, labels=labels)


def read_communities(path: str | Path, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Niche of every node of ``labels`` from a ``node label`` file.

    Returns
    -------
    niche : numpy.ndarray
        ``int32`` niche index per node (``-1``: unlabelled), for ``labels``
        followed by ``extra``.
    extra : numpy.ndarray
        Labelled nodes that are not in ``labels`` (added as people without ties).
    names : tuple of str
        Niche names (numeric labels sorted as numbers).
    """
    path = Path(path)
    numbers, rows = _data_rows(_read_lines(path, "communities"))
    int_nodes = np.issubdtype(np.asarray(labels).dtype, np.integer)
    if rows and int_nodes and not _is_int(rows[0][0]):
        numbers, rows = numbers[1:], rows[1:]
    problems = [Problem(f"{path}, line {k}", f"expected 'node label', got '{printable(' '.join(t), limit=80)}'")
                for k, t in zip(numbers, rows) if len(t) < 2]
    if int_nodes:
        problems += [Problem(f"{path}, line {k}",
                             f"node id '{printable(t[0], limit=80)}' is not an integer like the edge list's ids")
                     for k, t in zip(numbers, rows) if len(t) >= 2 and not _is_int(t[0])]
        problems += _out_of_int64(path, numbers, [t[0] if _is_int(t[0]) else "0" for t in rows], per_line=1)
    if problems:
        raise NetworkError(f"{path}: {len(problems)} unusable line(s) in the communities file", problems)
    nodes = np.array([int(t[0]) for t in rows] if int_nodes else [t[0] for t in rows],
                     dtype=np.int64 if int_nodes else object)
    return _niche_codes(labels, nodes, [t[1] for t in rows])


def _sorted_names(names: list[str]) -> list[str]:
    return sorted(names, key=lambda s: (0, int(s), s) if _is_int(s) else (1, 0, s))


def _niche_codes(labels: np.ndarray, nodes: np.ndarray, tags: list[str]):
    names = _sorted_names(sorted(set(tags)))
    code_of = {name: k for k, name in enumerate(names)}
    codes = np.array([code_of[t] for t in tags], dtype=np.int32)
    nodes, first = np.unique(nodes, return_index=True)     # first label of a repeated node
    codes = codes[first]
    lookup = {x: i for i, x in enumerate(labels.tolist())}
    where = np.array([lookup.get(x, -1) for x in nodes.tolist()], dtype=np.int64)
    extra = nodes[where < 0]
    niche = np.full(len(labels) + len(extra), -1, dtype=np.int32)
    niche[where[where >= 0]] = codes[where >= 0]
    niche[len(labels):] = codes[where < 0]
    return niche, extra, tuple(names)


def load_network(path: str | Path, communities: str | Path | None = None, *, directed: bool = False,
                 header: bool | None = None) -> Population:
    """A :class:`Population` from an edge list and an optional communities file.

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> _ = open(os.path.join(d, "e.txt"), "w").write("a b\\nb c\\n")
    >>> _ = open(os.path.join(d, "c.txt"), "w").write("a sport\\nc music\\nz music\\n")
    >>> pop = load_network(os.path.join(d, "e.txt"), os.path.join(d, "c.txt"))
    >>> pop.size, pop.niche_names, pop.niche.tolist(), pop.graph.labels.tolist()
    (4, ('music', 'sport'), [1, -1, 0, 0], ['a', 'b', 'c', 'z'])
    """
    graph = read_edge_list(path, directed=directed, header=header)
    if communities is None:
        return Population(graph, np.full(graph.n, -1, dtype=np.int32), ())
    niche, extra, names = read_communities(communities, graph.labels)
    if len(extra):
        graph = _with_isolated(graph, extra)
    return Population(graph, niche, names)


def _with_isolated(graph: CSRGraph, extra: np.ndarray) -> CSRGraph:
    labels = np.concatenate([graph.labels, extra.astype(graph.labels.dtype)])
    indptr = np.concatenate([graph.indptr, np.full(len(extra), graph.indptr[-1], dtype=np.int64)])
    return CSRGraph(indptr, graph.indices, graph.directed, graph.weights, labels)

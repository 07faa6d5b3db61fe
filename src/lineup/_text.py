"""Show user-supplied text safely in one-line terminal messages.

A file name or a cell may hold control characters (an ANSI escape, a carriage
return, a right-to-left override) that would rewrite the user's terminal if
printed raw.  :func:`printable` spells them as Python escapes instead.
"""

from __future__ import annotations

import unicodedata

__all__ = ["printable", "counted"]


def printable(text: object, limit: int | None = None, keep: str = "") -> str:
    """``text`` with every control/format/unassigned character escaped (``\\x1b``, ``\\u202e``).

    ``keep`` lists characters to leave as they are (e.g. ``"\\n"`` for multi-line
    messages).  With ``limit``, text longer than ``limit`` characters (after
    escaping) is cut and ends with ``…``, for quoting file content in one line.

    Examples
    --------
    >>> printable("ok.csv")
    'ok.csv'
    >>> printable("a\\x1b[31mb\\r")
    'a\\\\x1b[31mb\\\\r'
    >>> printable("x\\u202ey\\nz", keep="\\n")
    'x\\\\u202ey\\nz'
    >>> printable("a" * 100, limit=10)
    'aaaaaaaaa…'
    """
    text = str(text)
    if not text.isprintable():
        text = "".join(c if c in keep or _safe(c) else repr(c)[1:-1] for c in text)
    return text if limit is None or len(text) <= limit else text[:max(limit - 1, 0)] + "…"


def _safe(c: str) -> bool:
    """Not a control (Cc), format (Cf), unassigned or line/paragraph separator character."""
    kind = unicodedata.category(c)
    return kind[0] != "C" and kind not in ("Zl", "Zp")


def counted(n: int, noun: str) -> str:
    """``1 post``, ``1,200 posts``: a count with its noun in the right number.

    >>> counted(1, "creator"), counted(1200, "post")
    ('1 creator', '1,200 posts')
    """
    return f"{n:,} {noun}{'' if n == 1 else 's'}"

"""Short reprs and notebook cards (``_repr_html_``) for lineup's result objects.

A repr names the object and its few defining numbers (never the whole
scenario or roster); the HTML card is a small escaped table of the same facts,
optionally followed by a table the object renders itself (already HTML).
"""

from __future__ import annotations

import html
from typing import Any

__all__ = ["short_repr", "html_card"]

#: Longest text of one field in a repr (a long scenario name is cut with "…").
_FIELD_LIMIT = 60


def _shown(value: Any) -> str:
    from ._text import printable

    text = repr(value) if isinstance(value, str) else str(value)
    return printable(text, limit=_FIELD_LIMIT)


def short_repr(kind: str, fields: dict[str, Any]) -> str:
    """``Kind(a=1, b='x')`` with every value shortened and control characters escaped.

    >>> short_repr("SolveResult", {"scenario": "Spring \\x1b launch", "status": "optimal"})
    "SolveResult(scenario='Spring \\\\x1b launch', status='optimal')"
    """
    return f"{kind}(" + ", ".join(f"{k}={_shown(v)}" for k, v in fields.items()) + ")"


def html_card(kind: str, fields: dict[str, Any], extra_html: str = "") -> str:
    """An escaped two-column table of ``fields`` under the title ``kind`` (+ ``extra_html``, already HTML).

    Values are HTML-escaped and their control characters spelled out (``\\x1b``).

    >>> html_card("Report", {"name": "<b>x</b>"})
    '<div class="lineup-card"><strong>Report</strong><table><tr><th style="text-align:left">name</th><td style="text-align:left">&lt;b&gt;x&lt;/b&gt;</td></tr></table></div>'
    """
    from ._text import printable

    rows = "".join(f'<tr><th style="text-align:left">{html.escape(str(k))}</th>'
                   f'<td style="text-align:left">{html.escape(printable(v))}</td></tr>' for k, v in fields.items())
    return (f'<div class="lineup-card"><strong>{html.escape(kind)}</strong><table>{rows}</table>'
            f"{extra_html}</div>")

"""Profile links: one safe ``http(s)`` link per influencer, so a planner can contact the people chosen.

A link comes from the roster's URL column when the row has one
(:func:`safe_url` accepts only ``http``/``https`` links with a host, and refuses
``javascript:``, ``data:``, ``file:``, links with a user name before the host,
spaces or control characters), else from the platform and a handle-like id
(:data:`PROFILE_URLS`: ``https://www.instagram.com/<handle>/``,
``https://www.tiktok.com/@<handle>``, ``https://www.youtube.com/@<handle>``...).
An id that is not a valid handle on its platform (a display name with spaces, a
YouTube channel title) gets no made-up link.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

import numpy as np

__all__ = ["PROFILE_URLS", "PLATFORM_ALIASES", "platform_name", "safe_url", "profile_link", "profile_links", "unsafe_urls"]

_H = r"(?!\.)(?!.*\.\.)(?!.*\.$)"  # no leading/trailing dot, no ".."
#: Platform → (handle pattern, profile URL template): the public profile address of a handle.
PROFILE_URLS: dict[str, tuple[str, str]] = {
    "instagram": (_H + r"[A-Za-z0-9._]{1,30}", "https://www.instagram.com/{}/"),
    "tiktok": (_H + r"[A-Za-z0-9._]{2,24}", "https://www.tiktok.com/@{}"),
    "youtube": (_H + r"[A-Za-z0-9._-]{3,30}", "https://www.youtube.com/@{}"),
    "twitter": (r"[A-Za-z0-9_]{1,15}", "https://x.com/{}"),
    "twitch": (r"[A-Za-z0-9_]{4,25}", "https://www.twitch.tv/{}"),
    "threads": (_H + r"[A-Za-z0-9._]{1,30}", "https://www.threads.net/@{}"),
    "pinterest": (r"[A-Za-z0-9_]{3,30}", "https://www.pinterest.com/{}/"),
    "facebook": (_H + r"[A-Za-z0-9.]{5,50}", "https://www.facebook.com/{}"),
    "snapchat": (_H + r"[A-Za-z0-9._-]{3,15}", "https://www.snapchat.com/add/{}"),
}
#: Short or spaced platform names and the platform they mean (matched after lower-casing and joining spaces).
PLATFORM_ALIASES = {"ig": "instagram", "insta": "instagram", "tik tok": "tiktok", "tt": "tiktok", "yt": "youtube",
                     "x": "twitter", "fb": "facebook"}
_PLATFORM_ALIASES = PLATFORM_ALIASES  # the old private name


def platform_name(text: object) -> str:
    """Canonical platform name: lower case, spaces joined, short names spelled out (:data:`PLATFORM_ALIASES`).

    >>> [platform_name(p) for p in ("IG", " Tik  Tok ", "tiktok", "YouTube")]
    ['instagram', 'tiktok', 'tiktok', 'youtube']
    """
    key = " ".join(str(text).strip().lower().split())
    return PLATFORM_ALIASES.get(key, key)


_PATTERNS = {k: re.compile(p) for k, (p, _) in PROFILE_URLS.items()}
_BARE_HOST = re.compile(r"(?i)^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:[/?#]|$)")
MAX_URL = 2048


def safe_url(text: object) -> tuple[str, str]:
    """``(url, "")`` for a usable http(s) link, ``("", reason)`` for one to refuse, ``("", "")`` for blank.

    A bare ``www.instagram.com/ann`` gets ``https://``.

    Examples
    --------
    >>> safe_url("https://www.instagram.com/ann/")
    ('https://www.instagram.com/ann/', '')
    >>> safe_url("instagram.com/ann")
    ('https://instagram.com/ann', '')
    >>> safe_url("javascript:alert(1)")
    ('', 'not an http(s) link')
    >>> safe_url("https://instagram.com@evil.example/")
    ('', 'has a user name before the host')
    >>> safe_url("  ")
    ('', '')
    """
    text = str(text).strip()
    if not text:
        return "", ""
    if len(text) > MAX_URL:
        return "", f"is longer than {MAX_URL:,} characters"
    if not text.isprintable() or any(c.isspace() for c in text):
        return "", "holds spaces or control characters"
    if _BARE_HOST.match(text):
        text = "https://" + text
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return "", "is not a well-formed link"
    if parts.scheme.lower() not in ("http", "https"):
        return "", "not an http(s) link"
    if "@" in parts.netloc:
        return "", "has a user name before the host"
    if not parts.hostname:
        return "", "has no host"
    return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path, parts.query, parts.fragment)), ""


def profile_link(url: object, platform: object, handle: object) -> str:
    """The link for one influencer: the safe URL cell, else the platform's profile address, else ``""``.

    Examples
    --------
    >>> profile_link("", "instagram", "ann.b")
    'https://www.instagram.com/ann.b/'
    >>> profile_link("", "TikTok", "dan_99"), profile_link("", "youtube", "MrBeast")
    ('https://www.tiktok.com/@dan_99', 'https://www.youtube.com/@MrBeast')
    >>> profile_link("", "youtube", "T-Series Music"), profile_link("", "unknown", "ann")
    ('', '')
    >>> profile_link("data:text/html,x", "instagram", "ann")  # a refused cell: no link, not a guess
    ''
    """
    if str(url).strip():
        return safe_url(url)[0]
    key = " ".join(str(platform).strip().lower().split())
    key = platform_name(key)
    if key not in PROFILE_URLS or not _PATTERNS[key].fullmatch(str(handle)):
        return ""
    return PROFILE_URLS[key][1].format(handle)


def profile_links(roster, rows=None) -> list[str]:
    """:func:`profile_link` of each row of ``roster`` (all rows, or only ``rows``)."""
    rows = np.arange(roster.n) if rows is None else np.asarray(rows, dtype=np.int64)
    return [profile_link(u, p, i) for u, p, i in zip(roster.url[rows].tolist(), roster.platform[rows].tolist(),
                                                     roster.ids[rows].tolist())]


def unsafe_urls(roster) -> list[tuple[int, str, str]]:
    """``(line, cell, reason)`` of each URL cell refused by :func:`safe_url`, each distinct cell checked once."""
    cells = roster.url.tolist()
    verdict = {c: safe_url(c)[1] for c in set(cells) if str(c).strip()}
    return [(int(line), c, verdict[c]) for line, c in zip(roster.line.tolist(), cells) if verdict.get(c)]

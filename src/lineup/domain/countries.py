"""Country names → ISO 3166-1 codes, from the maintained ``pycountry`` table.

A roster's country cells and a scenario's ``constraints.countries`` are matched
by the country they name, not by their spelling: an alpha-2 or alpha-3 code
(``US``, ``USA``), the English short, common or official name (``United States``,
``United States of America``), in any case, with accents, dots and other
punctuation ignored (``U.S.``, ``U.S.A``, ``Cote d'Ivoire``).  On top of pycountry,
:data:`ALIASES` adds a small, documented list of everyday names that ISO does not
carry (``UK``, ``Great Britain``, ``Russia``, ``South Korea``, ``Turkey``...).
``England``, ``Scotland``, ``Wales`` and ``Northern Ireland`` mean the whole
United Kingdom (``GB``): ISO 3166-1 has no code for them, and rosters rarely tell
them apart.  ``NA`` is Namibia, never "not available".

Values that name no country (``Worldwide``, ``LATAM``) are kept as written and
match only themselves.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

from .._arrays import factorize

__all__ = ["ALIASES", "country_code", "country_name", "country_key", "country_mask", "unknown_countries", "fold"]

#: Everyday names that pycountry does not list, folded (see :func:`fold`) → alpha-2 code.
ALIASES: dict[str, str] = {
    "uk": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "northern ireland": "GB", "america": "US", "united states of america": "US",
    "russia": "RU", "korea": "KR", "republic of korea": "KR", "turkey": "TR", "holland": "NL",
    "the netherlands": "NL", "ivory coast": "CI", "uae": "AE", "czech republic": "CZ", "vatican": "VA",
    "vatican city": "VA", "drc": "CD", "dr congo": "CD", "democratic republic of the congo": "CD",
    "macedonia": "MK", "swaziland": "SZ", "cape verde": "CV", "brunei": "BN", "palestine": "PS",
    "micronesia": "FM", "burma": "MM", "east timor": "TL", "macau": "MO", "the bahamas": "BS",
    "the gambia": "GM", "bosnia": "BA", "st lucia": "LC", "st kitts and nevis": "KN",
    "st vincent and the grenadines": "VC",
}


def fold(text: object) -> str:
    """Matching key of a country text: accents dropped, lower case, punctuation → spaces.

    >>> fold("  Côte d'Ivoire "), fold("U.S.A"), fold("Korea, Republic of")
    ('cote d ivoire', 'u s a', 'korea republic of')
    """
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    import pycountry

    out: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("alpha_2", "alpha_3", "name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if value:
                out.setdefault(fold(value), c.alpha_2)
    for key, code in ALIASES.items():
        out.setdefault(key, code)
    return out


@lru_cache(maxsize=4096)
def country_code(text: object) -> str | None:
    """The ISO 3166-1 alpha-2 code ``text`` names, or ``None`` when it names no country.

    Examples
    --------
    >>> [country_code(t) for t in ("us", "USA", "United States", "U.S.", "U.S.A", "united states of america")]
    ['US', 'US', 'US', 'US', 'US', 'US']
    >>> [country_code(t) for t in ("UK", "U.K.", "Great Britain", "England", "gbr")]
    ['GB', 'GB', 'GB', 'GB', 'GB']
    >>> country_code("NA"), country_code("Türkiye"), country_code("Cote d'Ivoire"), country_code("Worldwide")
    ('NA', 'TR', 'CI', None)
    """
    key = fold(text)
    if not key:
        return None
    index = _index()
    code = index.get(key)
    if code is None and all(len(part) == 1 for part in key.split()):  # "u s a" from "U.S.A"
        code = index.get(key.replace(" ", ""))
    return code


def country_name(code: str) -> str:
    """The English short name of an alpha-2 code (the code itself when unknown).

    >>> country_name("US"), country_name("ZZ")
    ('United States', 'ZZ')
    """
    import pycountry

    found = pycountry.countries.get(alpha_2=str(code).upper())
    return found.name if found is not None else str(code)


def country_choices() -> Iterable[str]:
    """Every folded name and code lineup recognises (for "did you mean" hints)."""
    return _index().keys()


def country_key(text: object) -> str:
    """What a country text is matched by: its alpha-2 code, else ``"=" + `` its folded text.

    >>> country_key("U.S.A"), country_key("Worldwide"), country_key("")
    ('US', '=worldwide', '')
    """
    code = country_code(text)
    return code if code is not None else ("=" + fold(text) if fold(text) else "")


def country_mask(cells, wanted: Iterable[str]) -> np.ndarray:
    """Rows whose country cell names one of ``wanted`` (blank cells never match).

    Each distinct cell is looked up once.

    >>> country_mask(["United States", "U.S.A", "canada", "", "Mars"], ["us", "mars"]).tolist()
    [True, True, False, False, True]
    """
    codes, uniques = factorize([c if isinstance(c, str) else "" for c in cells])
    allowed = {country_key(w) for w in wanted} - {""}
    ok = np.asarray([country_key(u) in allowed for u in uniques], dtype=bool)
    return ok[codes] if len(ok) else np.zeros(len(codes), dtype=bool)


def unknown_countries(cells) -> dict[str, int]:
    """Non-blank country cells that name no country, with their row counts (most first).

    >>> unknown_countries(["us", "Mars", "mars", "", "Worldwide", "Mars"])
    {'Mars': 2, 'mars': 1, 'Worldwide': 1}
    """
    codes, uniques = factorize([c if isinstance(c, str) else "" for c in cells])
    counts = np.bincount(codes, minlength=len(uniques)) if len(uniques) else np.zeros(0, dtype=int)
    out = {str(u): int(k) for u, k in zip(uniques, counts) if str(u).strip() and country_code(u) is None}
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))

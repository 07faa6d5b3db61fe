"""Turn a roster text file's bytes into text and find its delimiter.

Exports from spreadsheets and vendor tools come in several encodings and with
several delimiters.  :func:`decode` reads bytes strictly: UTF-8 (with or
without a BOM) first, then UTF-16 when the file starts with a UTF-16 BOM, then
Windows-1252 (what Excel writes on Western Windows); any encoding but UTF-8 is
named in a note.  :func:`sniff_delimiter` chooses among ``,`` ``;`` TAB and
``|`` the one whose header holds the most known column names and whose first
records have as many values as the header.  ``roster: {encoding: ...}`` and
``roster: {sep: ...}`` override both; a ``.tsv`` file is tab-separated.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable

from .._text import printable
from ..errors import RosterError

__all__ = ["DELIMITERS", "decode", "sniff_delimiter", "delimiter_name"]

#: Delimiters tried when the scenario does not name one, in order of preference on a tie.
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
#: How much of the file the delimiter is sniffed on (characters).
_SAMPLE = 65_536
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def delimiter_name(sep: str) -> str:
    """The delimiter in words.

    >>> delimiter_name("\\t"), delimiter_name(";"), delimiter_name("#")
    ('tab', 'semicolon', "'#'")
    """
    return _NAMES.get(sep, repr(sep))


def decode(raw: bytes, name: str, encoding: str | None = None) -> tuple[str, list[str]]:
    """The text of a roster file and notes saying which encoding was used when not UTF-8.

    Examples
    --------
    >>> decode("Name,Café\\n".encode("cp1252"), "r.csv")
    ('Name,Café\\n', ['r.csv: not UTF-8; read as Windows-1252 (cp1252), as Excel saves CSV on Western Windows; set roster.encoding if accented names look wrong'])
    >>> decode(b"\\xff\\xfei\\x00d\\x00\\n\\x00", "r.csv")
    ('id\\n', ['r.csv: read as UTF-16 (the file starts with a UTF-16 byte-order mark)'])
    >>> decode(b"id\\n", "r.csv", encoding="klingon")
    Traceback (most recent call last):
    lineup.errors.RosterError: r.csv: unknown encoding 'klingon' in roster.encoding (e.g. utf-8, utf-16, cp1252, latin-1)
    """
    if encoding is not None:
        return _decode_as(raw, name, encoding), []
    if raw.startswith(_UTF16_BOMS):
        return _decode_as(raw, name, "utf-16"), [f"{name}: read as UTF-16 (the file starts with a UTF-16 byte-order mark)"]
    if b"\x00" in raw[:4096]:
        raise RosterError(f"{name}: does not look like a CSV file (binary content); if it is UTF-16 text without a "
                          f"byte-order mark, set roster.encoding: utf-16-le")
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise RosterError(f"{_where(raw, exc, name)}: the file is neither UTF-8 nor Windows-1252 text (byte "
                          f"{printable(raw[exc.start:exc.end])}); save it as UTF-8 or set roster.encoding") from None
    return text, [f"{name}: not UTF-8; read as Windows-1252 (cp1252), as Excel saves CSV on Western Windows; "
                  f"set roster.encoding if accented names look wrong"]


def _decode_as(raw: bytes, name: str, encoding: str) -> str:
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        raise RosterError(f"{name}: unknown encoding {printable(encoding)!r} in roster.encoding "
                          f"(e.g. utf-8, utf-16, cp1252, latin-1)") from None
    if codec.name == "utf-8":
        codec = codecs.lookup("utf-8-sig")
    try:
        return raw.decode(codec.name)
    except UnicodeDecodeError as exc:
        raise RosterError(f"{_where(raw, exc, name)}: not {printable(encoding)} text (byte "
                          f"{printable(raw[exc.start:exc.end])}); fix roster.encoding") from None


def _where(raw: bytes, exc: UnicodeDecodeError, name: str) -> str:
    line = raw.count(b"\n", 0, exc.start) + 1
    return f"{name}, line {line}"


def sniff_delimiter(text: str, known: Callable[[str], bool]) -> str:
    """The delimiter of ``text``: most header names that ``known`` recognises, then
    most records as wide as the header, then widest header; ``,`` on a tie.

    Examples
    --------
    >>> sniff_delimiter("Username\\tFollowers\\nann\\t1,200\\n", lambda c: c.lower() in {"username", "followers"})
    '\\t'
    >>> sniff_delimiter("id;fee\\nann;1,5\\n", lambda c: c in {"id", "fee"})
    ';'
    >>> sniff_delimiter("just one column\\n", lambda c: False)
    ','
    """
    sample = text[:_SAMPLE]
    if len(text) > _SAMPLE and "\n" in sample:
        sample = sample[:sample.rindex("\n") + 1]
    return max(DELIMITERS, key=lambda sep: (*_score(sample, sep, known), -DELIMITERS.index(sep)))


def _score(sample: str, sep: str, known: Callable[[str], bool]) -> tuple[int, float, int]:
    try:
        records = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=sep) if any(r)][:50]
    except csv.Error:
        return (-1, 0.0, 0)
    if not records:
        return (0, 0.0, 0)
    header, body = records[0], records[1:-1] or records[1:]
    if len(header) < 2:
        return (0, 0.0, len(header))
    same = sum(len(r) == len(header) for r in body) / len(body) if body else 1.0
    return (sum(map(known, header)), same, len(header))

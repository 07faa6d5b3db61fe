"""Errors of domain constructors: lineup's :class:`~lineup.errors.UsageError` that are also the builtin
exception callers caught before (``ValueError``, ``IndexError``), so the public API raises only lineup's
errors without breaking ``except ValueError`` code."""

from __future__ import annotations

from ..errors import UsageError

__all__ = ["InvalidValue", "InvalidIndex"]


class InvalidValue(UsageError, ValueError):
    """A bad value given to a domain constructor (exit code 2 in the CLI)."""


class InvalidIndex(UsageError, IndexError):
    """A row position outside the roster."""

"""A safe PyYAML loader that reads plain scalars by the YAML 1.2 core schema.

PyYAML follows YAML 1.1, which silently misreads values a planner types:
``025000`` is octal (10,752), ``25:00`` is base 60 (1,500), ``yes``/``no``/``on``/``off``
are booleans and ``1e3`` is a string.  :class:`Yaml12Loader` keeps PyYAML's safe
constructors but resolves plain scalars as YAML 1.2 does:

* ``true``/``false`` (any of ``true True TRUE``) are the only booleans;
* integers are decimal (``025000`` is 25000), ``0o17`` or ``0x1F``;
* floats are ``1.5``, ``.5``, ``1e3``, ``-.inf``, ``.nan``;
* everything else (``25:00``, ``yes``, ``1_000``) stays a string, so a strict
  schema reports it with its line instead of using a wrong number.

A value tagged explicitly (``!!int x``, ``!!timestamp x``) that is not one, or an
integer too long to convert, is a located :class:`yaml.constructor.ConstructorError`,
never a bare ``ValueError``.
"""

from __future__ import annotations

import re

import yaml
from yaml.constructor import ConstructorError

__all__ = ["Yaml12Loader", "load"]

_BOOL, _INT, _FLOAT = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_YAML11_ONLY = {_BOOL, _INT, _FLOAT, "tag:yaml.org,2002:value"}

_BOOL_RE = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT_RE = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT_RE = re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                       r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")


class Yaml12Loader(yaml.SafeLoader):
    """:class:`yaml.SafeLoader` with YAML 1.2 core-schema booleans, integers and floats.

    Examples
    --------
    >>> load("a: 025000\\nb: 25:00\\nc: yes\\nd: true\\ne: 1e3\\nf: 0x1F\\ng: -.inf\\nh: 1_000")
    {'a': 25000, 'b': '25:00', 'c': 'yes', 'd': True, 'e': 1000.0, 'f': 31, 'g': -inf, 'h': '1_000'}
    """


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _YAML11_ONLY]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(_BOOL, _BOOL_RE, list("tTfF"))
Yaml12Loader.add_implicit_resolver(_INT, _INT_RE, list("-+0123456789"))
Yaml12Loader.add_implicit_resolver(_FLOAT, _FLOAT_RE, list("-+.0123456789"))


def _scalar(loader: Yaml12Loader, node: yaml.Node, kind: str, pattern: re.Pattern) -> str:
    value = loader.construct_scalar(node)
    if not isinstance(value, str) or not pattern.match(value):
        raise ConstructorError(None, None, f"{value!r} is not a YAML 1.2 {kind}", node.start_mark)
    return value


def _construct_bool(loader: Yaml12Loader, node: yaml.Node) -> bool:
    return _scalar(loader, node, "boolean (true or false)", _BOOL_RE).lower() == "true"


def _construct_int(loader: Yaml12Loader, node: yaml.Node) -> int:
    value = _scalar(loader, node, "integer", _INT_RE)
    try:
        return int(value, 0 if value[:2] in ("0o", "0x") else 10)
    except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
        raise ConstructorError(None, None, f"an integer of {len(value):,} digits is too long", node.start_mark)


def _construct_timestamp(loader: Yaml12Loader, node: yaml.Node):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (AttributeError, ValueError, OverflowError):  # !!timestamp x, or 2024-13-45
        raise ConstructorError(None, None, f"{node.value!r} is not a valid date or timestamp",
                               node.start_mark) from None


def _construct_float(loader: Yaml12Loader, node: yaml.Node) -> float:
    value = _scalar(loader, node, "float", _FLOAT_RE).lower()
    return float(value.replace(".inf", "inf").replace(".nan", "nan"))


Yaml12Loader.add_constructor(_BOOL, _construct_bool)
Yaml12Loader.add_constructor(_INT, _construct_int)
Yaml12Loader.add_constructor(_FLOAT, _construct_float)
Yaml12Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def load(text: str):
    """Parse one YAML document with :class:`Yaml12Loader` (safe: plain data only)."""
    return yaml.load(text, Loader=Yaml12Loader)  # noqa: S506 - Yaml12Loader is a SafeLoader

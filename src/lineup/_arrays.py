"""Small array helpers shared by the layers, in plain numpy (no pandas on the solve path).

``lineup solve`` on a 1,000-row roster is dominated by Python imports; pandas
alone costs ~0.45 s, so the roster reader and the rules use these instead of
:func:`pandas.factorize` and friends.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

__all__ = ["factorize", "first_of_each"]


def factorize(values: Iterable, *, sort: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, uniques)`` with ``uniques[codes] == values``, like :func:`pandas.factorize`.

    Uniques are in order of first appearance (``sort=False``) or sorted.
    Values must be hashable (and comparable with ``sort=True``).

    Examples
    --------
    >>> codes, uniques = factorize(["b", "a", "b", "c"])
    >>> codes.tolist(), uniques.tolist()
    ([0, 1, 0, 2], ['b', 'a', 'c'])
    >>> factorize(["b", "a", "b"], sort=True)[0].tolist()
    [1, 0, 1]
    """
    index: dict = {}
    cells = values.tolist() if isinstance(values, np.ndarray) else list(values)
    codes = np.array([index.setdefault(v, len(index)) for v in cells], dtype=np.int64)  # a list: 3× a generator
    uniques = np.empty(len(index), dtype=object)
    uniques[:] = list(index)
    if sort and len(uniques):
        order = np.argsort(uniques, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        return rank[codes], uniques[order]
    return codes, uniques


def first_of_each(codes: np.ndarray) -> np.ndarray:
    """For each position, the first position holding the same code.

    Examples
    --------
    >>> first_of_each(np.array([3, 1, 3, 3, 1])).tolist()
    [0, 1, 0, 0, 1]
    """
    codes = np.asarray(codes)
    if not len(codes):
        return np.zeros(0, dtype=np.int64)
    uniq, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    return first[inverse.ravel()]

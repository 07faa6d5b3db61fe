"""The progress callbacks every long-running layer accepts (defined once, below the optimiser and the simulator).

``Progress(done, total)`` is called as units of work finish (replications, frontier points,
design points); ``Notify(text)`` receives one-line stage messages (the talkers rounds).

>>> seen = []
>>> report: Progress = lambda done, total: seen.append(f"{done}/{total}")
>>> report(1, 4); seen
['1/4']
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Progress", "Notify"]

Progress = Callable[[int, int], None]
Notify = Callable[[str], None]

"""Memory a simulation needs, estimated before anything is generated.

A replication holds one population (generated, or a copy of the loaded
network) and its per-person state; the peak is while a population is
generated (edge stubs, the int64 edge keys and their sort, then the CSR
arrays).  Measured with ``tracemalloc`` on 10^5–10^6 people and mean degrees
2–50 (``benchmarks``), rounded up:

* generation: :data:`BYTES_PER_PERSON` per person plus :data:`BYTES_PER_TIE`
  per stored arc (about ``size × mean_degree`` arcs);
* a replication's state: :data:`STATE_BYTES_PER_PERSON` per person (talker,
  exposed, engaged, reached flags, word-of-mouth counters, the audience
  draws' masks) plus 8 bytes per audience member (at most ``audience_cap ×
  size``);
* results: 8 bytes per metric, day and replication held (twice: the runs
  and their stacked summary).

Every worker process holds its own population, so the per-worker peak is
multiplied by the number of local workers.  The estimate is compared with
:data:`MEMORY_FRACTION` of the memory available now (``MemAvailable`` of
``/proc/meminfo``, or a cgroup's limit when lower); where neither can be
read, nothing is checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lineup.domain.campaign import SimulationSpec
from lineup.errors import ScenarioError, argument

from .campaign import METRICS
from .graph import CSRGraph
from .montecarlo import MAX_RUNS_IN_MEMORY

__all__ = ["MemoryEstimate", "estimate_memory", "check_memory", "available_memory", "BYTES_PER_PERSON",
           "BYTES_PER_TIE", "STATE_BYTES_PER_PERSON", "MEMORY_FRACTION"]

#: Generation peak per person (niche codes, expected degrees, stub counts, CSR offsets): measured 53 B.
BYTES_PER_PERSON = 64
#: Generation peak per stored arc (int32 edge ends, int64 keys of the m/2 edges, int32 CSR): measured 24–25 B.
BYTES_PER_TIE = 28
#: A replication's per-person state (four flag arrays, counters, audience masks): measured 25 B.
STATE_BYTES_PER_PERSON = 40
#: Share of the available memory a simulation may plan to use.
MEMORY_FRACTION = 0.8


@dataclass(frozen=True)
class MemoryEstimate:
    """Peak bytes of a simulation: ``per_worker × workers + shared``.

    Examples
    --------
    >>> e = MemoryEstimate(per_worker=2 * 10**9, workers=2, shared=10**9, per_person=200, available=None)
    >>> e.total, e.fits, e.people_that_fit(4 * 10**9 / MEMORY_FRACTION)
    (5000000000, True, 7500000)
    """

    per_worker: int
    workers: int
    shared: int
    per_person: int
    available: int | None

    @property
    def total(self) -> int:
        """Estimated peak bytes of the whole simulation."""
        return self.per_worker * self.workers + self.shared

    @property
    def budget(self) -> float | None:
        """Bytes the simulation may use (``None``: unknown, not checked)."""
        return None if self.available is None else self.available * MEMORY_FRACTION

    @property
    def fits(self) -> bool:
        """Whether the estimate fits the budget (always true when the memory is unknown)."""
        return self.budget is None or self.total <= self.budget

    def people_that_fit(self, available: float | None = None) -> int:
        """Largest population whose simulation would fit (with everything else unchanged)."""
        budget = (available * MEMORY_FRACTION) if available is not None else self.budget
        if budget is None:
            return 0
        return max(0, int((budget - self.shared) / max(self.workers, 1) // self.per_person))


def _gigabytes(n: float) -> str:
    return f"{n / 1e9:,.1f} GB" if n >= 1e8 else f"{n / 1e6:,.0f} MB"


def generation_bytes(size: int, mean_degree: float) -> int:
    """Peak bytes of generating one population of ``size`` people.

    >>> generation_bytes(1_000_000, 10)
    344000000
    """
    return int(size * (BYTES_PER_PERSON + BYTES_PER_TIE * mean_degree))


def network_bytes(graph: CSRGraph) -> int:
    """Bytes of a loaded graph (CSR arrays and labels), copied into every worker."""
    labels = 0 if graph.labels is None else graph.labels.nbytes * (8 if graph.labels.dtype == object else 1)
    return int(graph.indptr.nbytes + graph.indices.nbytes + labels)


def _per_person(spec: SimulationSpec, generated: bool) -> int:
    """Bytes per person of one replication (generation, if any, plus its state and audiences)."""
    state = STATE_BYTES_PER_PERSON + 8 * spec.audience_cap
    if not generated:
        return int(state)
    p = spec.population_or_default
    return int(BYTES_PER_PERSON + BYTES_PER_TIE * p.mean_degree + state)


def estimate_memory(spec: SimulationSpec, *, network: CSRGraph | None = None, workers: int = 1,
                    portfolios: int = 1, replications: int | None = None, niches: int = 0,
                    available: int | None = None) -> MemoryEstimate:
    """Peak memory of simulating ``portfolios`` portfolios with ``spec`` on ``workers`` local processes.

    ``network`` is the loaded network (``None``: populations are generated);
    ``workers`` is the number of local processes holding a population (0 when
    the replications run on a remote cluster); ``available`` defaults to
    :func:`available_memory`.

    Examples
    --------
    >>> spec = SimulationSpec(days=30, replications=100, population={"size": 1_000_000, "mean_degree": 10})
    >>> e = estimate_memory(spec, workers=2, available=8 * 10**9)
    >>> e.per_person, e.workers, e.fits
    (388, 2, True)
    >>> estimate_memory(spec, workers=16, available=4 * 10**9).fits
    False
    """
    reps = spec.replications if replications is None else replications
    size = network.n if network is not None else spec.population_or_default.size
    per_person = _per_person(spec, network is None)
    per_worker = size * per_person + (network_bytes(network) if network is not None else 0)
    runs = min(reps * max(portfolios, 1), MAX_RUNS_IN_MEMORY)
    results = 2 * 8 * runs * spec.days * (len(METRICS) + niches)
    shared = results + (network_bytes(network) if network is not None else 0)
    return MemoryEstimate(per_worker=int(per_worker), workers=max(0, workers), shared=int(shared),
                          per_person=per_person, available=available_memory() if available is None else available)


def available_memory() -> int | None:
    """Bytes of memory available now: ``MemAvailable``, or a lower cgroup limit; ``None`` if unknown."""
    found = [v for v in (_meminfo_available(), _cgroup_room()) if v is not None]
    return min(found) if found else None


def _meminfo_available() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _cgroup_room() -> int | None:
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        used = int(Path("/sys/fs/cgroup/memory.current").read_text().strip())
    except (OSError, ValueError):
        return None
    return None if limit == "max" else max(0, int(limit) - used)


def check_memory(estimate: MemoryEstimate, where: str, *, generated: bool) -> None:
    """Raise :class:`~lineup.errors.ScenarioError` (exit 2) at ``where`` when ``estimate`` does not fit.

    The message gives the estimate, the memory available and what to change.

    Examples
    --------
    >>> e = MemoryEstimate(per_worker=6 * 10**10, workers=1, shared=0, per_person=600, available=16 * 10**9)
    >>> try:
    ...     check_memory(e, "s.yaml, field 'simulation.population.size'", generated=True)
    ... except ScenarioError as err:
    ...     print(err)  # doctest: +NORMALIZE_WHITESPACE
    s.yaml, field 'simulation.population.size': simulating needs about 60.0 GB of memory (600 bytes per
    person per worker) but 12.8 GB may be used (80 % of the 16.0 GB available); lower population.size (about
    21,333,333 people fit) or mean_degree, or run on a machine with more memory
    """
    if estimate.fits:
        return
    workers = f" × {estimate.workers} workers" if estimate.workers > 1 else ""
    shared = f" + {_gigabytes(estimate.shared)} shared" if estimate.shared >= 1e8 else ""
    if estimate.budget is not None and estimate.shared >= estimate.budget / 2:
        todo = (f"lower simulation.replications or simulation.days (the results kept in memory alone need about "
                f"{_gigabytes(estimate.shared)})")
    elif generated:
        todo = (f"lower population.size (about {estimate.people_that_fit():,} people fit) or mean_degree"
                + (f", use fewer {argument('workers')}" if estimate.workers > 1 else ""))
    else:
        todo = f"use fewer {argument('workers')}" if estimate.workers > 1 else "use a smaller network"
    raise ScenarioError(
        f"{where}: simulating needs about {_gigabytes(estimate.total)} of memory ({estimate.per_person:,} bytes "
        f"per person per worker{workers}{shared}) but {_gigabytes(estimate.budget)} may be used "
        f"({MEMORY_FRACTION * 100:.0f} % of the {_gigabytes(estimate.available)} available); {todo}, "
        "or run on a machine with more memory")

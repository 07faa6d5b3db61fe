"""The only place where a user's ``seed`` becomes numpy randomness.

Every stochastic function in lineup takes ``seed`` (``None``, an ``int``, a
:class:`numpy.random.SeedSequence` or a :class:`numpy.random.Generator`) and
passes it through :func:`as_generator`.  Replications use :func:`spawn`, so a
run's numbers depend only on the seed and the replication index, never on the
number of workers.
"""

from __future__ import annotations

from typing import Union

import numpy as np

SeedLike = Union[None, int, np.random.SeedSequence, np.random.Generator]

__all__ = ["SeedLike", "as_generator", "as_seed_sequence", "as_word", "spawn", "streams"]


def as_seed_sequence(seed: SeedLike) -> np.random.SeedSequence:
    """Normalise ``seed`` to a :class:`~numpy.random.SeedSequence`.

    Examples
    --------
    >>> as_seed_sequence(7).entropy
    7
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(int(seed.integers(0, 2**63 - 1)))
    if seed is None or isinstance(seed, (int, np.integer)):
        if seed is not None and int(seed) < 0:
            from .errors import UsageError

            raise UsageError(f"seed must be a non-negative integer, got {seed}")
        return np.random.SeedSequence(None if seed is None else int(seed))
    from .errors import UsageError

    raise UsageError(f"seed must be None, an int, a SeedSequence or a Generator, got {type(seed).__name__}")


def as_generator(seed: SeedLike) -> np.random.Generator:
    """Normalise ``seed`` to a :class:`~numpy.random.Generator`.

    A Generator is returned as is (so callers can thread one stream through
    several functions); anything else seeds a fresh PCG64.

    Examples
    --------
    >>> a = as_generator(42).random(); b = as_generator(42).random()
    >>> a == b
    True
    """
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(as_seed_sequence(seed))


def as_word(seed: SeedLike) -> int:
    """Normalise ``seed`` to one 64-bit word, the seed of a compiled kernel's own stream.

    Cheaper than a Generator (a compiled run costs a microsecond or two): an
    ``int`` below 2**64 is used as is (the kernel expands it with splitmix64, made
    for seeding from consecutive integers); a Generator gives one raw draw and
    advances; a SeedSequence (or None: fresh entropy) generates the word.

    Examples
    --------
    >>> as_word(7), as_word(np.random.SeedSequence(7)) == as_word(np.random.SeedSequence(7))
    (7, True)
    """
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and 0 <= int(seed) < 2**64:
        return int(seed)
    if isinstance(seed, np.random.Generator):
        return int(seed.bit_generator.random_raw())
    return int(as_seed_sequence(seed).generate_state(1, np.uint64)[0])


def spawn(seed: SeedLike, n: int) -> list[np.random.SeedSequence]:
    """``n`` independent child seed sequences of ``seed`` (one per replication).

    Examples
    --------
    >>> [s.spawn_key for s in spawn(1, 2)]
    [(0,), (1,)]
    """
    return as_seed_sequence(seed).spawn(n)


def streams(seq: np.random.SeedSequence, n: int) -> list[np.random.SeedSequence]:
    """The first ``n`` children of ``seq``, the same however often it is asked.

    ``SeedSequence.spawn`` is stateful (a second call returns new children);
    this is what a first ``seq.spawn(n)`` returns, without touching ``seq``, so
    a replication's streams (population, audiences, campaign) can be derived
    again for every portfolio simulated on it.

    Examples
    --------
    >>> child = spawn(1, 1)[0]
    >>> [s.spawn_key for s in streams(child, 2)] == [s.spawn_key for s in streams(child, 2)] == [(0, 0), (0, 1)]
    True
    >>> streams(child, 2)[1].generate_state(1) == child.spawn(2)[1].generate_state(1)
    array([ True])
    """
    return [np.random.SeedSequence(seq.entropy, spawn_key=(*seq.spawn_key, i), pool_size=seq.pool_size)
            for i in range(n)]

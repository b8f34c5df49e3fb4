"""The order in which pytest-xdist workers take a run's tests: the longest ones first, one to
each worker.

With `--dist load --maxschedchunk 1`, xdist hands each worker the next two tests of the
collection when it starts, and then one more whenever it is down to one. A pool of workers ends
soonest when the longest tests start first (each on a worker of its own) and the short ones
fill in around them. So the first two tests of worker k are the k-th longest and a short one,
the longest that are left come next, and the short ones last. The property tests (each shard
sends tens to hundreds of generated requests) are the long ones; the behaviour tests send a
handful each. Every worker orders its collection the same way, as xdist requires.
"""

from __future__ import annotations

from typing import TypeVar

import pytest

PROPERTY_SUITE = "suites/property/"
Job = TypeVar("Job")


def longest_first(items: list[pytest.Item], workers: int) -> None:
    """Reorders `items` in place for `workers` workers (see the module's docstring)."""
    long = [item for item in items if item.nodeid.startswith(PROPERTY_SUITE)]
    short = [item for item in items if not item.nodeid.startswith(PROPERTY_SUITE)]
    items[:] = one_long_test_per_worker_first(long, short, workers)


def one_long_test_per_worker_first(long: list[Job], short: list[Job], workers: int) -> list[Job]:
    """The first two tests of each of `workers` workers are a long and a short one; then the
    remaining long tests, then the remaining short ones."""
    pairs = min(workers, len(long), len(short))
    first = [test for pair in zip(long[:pairs], short[:pairs], strict=True) for test in pair]
    return [*first, *long[pairs:], *short[pairs:]]

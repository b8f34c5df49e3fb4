"""The order in which pytest-xdist workers take a run's tests: the long ones first, one to each
worker, with a short one queued behind each.

With `--dist load --maxschedchunk 1`, xdist hands each worker the next two tests of the
collection when it starts, and whenever a worker is down to one test, the next one. (A worker
always holds the test it runs and the one after it: it needs to know the next test before it
ends the current one.) A pool of workers ends soonest when the long tests start first, each on a
worker of its own, and the short ones fill in around them. So the collection alternates long
and short tests: each worker starts with a long one and a short one, and a worker that takes a
long test next has a short one queued behind it, not a second long one that another worker
could have run. The property tests (each shard sends tens to hundreds of generated requests)
are the long ones, the longest first (property/shards.expected_requests: an unsplit test that
sends 50 requests must not start after shards of 20); the behaviour tests send a handful each.
Every worker orders its collection the same way, as xdist requires.
"""

from __future__ import annotations

from itertools import zip_longest
from typing import TypeVar

import pytest

from ..config.profiles import PropertyProfile
from ..property.shards import WHOLE, expected_requests

PROPERTY_SUITE = "suites/property/"
Job = TypeVar("Job")
_NONE = object()


def longest_first(items: list[pytest.Item], profile: PropertyProfile) -> None:
    """Reorders `items` in place (see the module's docstring)."""
    long = [item for item in items if item.nodeid.startswith(PROPERTY_SUITE)]
    long.sort(key=lambda item: -item_requests(item, profile))  # stable: ties keep their order
    short = [item for item in items if not item.nodeid.startswith(PROPERTY_SUITE)]
    items[:] = long_and_short_in_turn(long, short)


def item_requests(item: pytest.Item, profile: PropertyProfile) -> float:
    """About how many requests the property test item `item` sends."""
    callspec = getattr(item, "callspec", None)
    shard = callspec.params.get("property_shard", WHOLE) if callspec else WHOLE
    return expected_requests(getattr(item, "originalname", item.name), shard, profile)


def long_and_short_in_turn(long: list[Job], short: list[Job]) -> list[Job]:
    """A long test, a short one, a long one ... and what is left of either at the end."""
    pairs = zip_longest(long, short, fillvalue=_NONE)
    return [job for pair in pairs for job in pair if job is not _NONE]

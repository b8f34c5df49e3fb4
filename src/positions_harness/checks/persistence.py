"""The steps a check stands on and the reads that prove a write lasted: a position to
start from, its state before, its deletion, and reading it back by GET and list.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from ..contract.spec import Contract
from ..transport.bodies import json_object
from .allowances import GONE_AFTER_DELETE
from .answers import describe, refused
from .expect import PreconditionFailed, RequirementViolation, expect
from .listing import item_with_id, listed
from .position_shape import position_from
from .positions_api import ME, PositionsApi


def given_position(positions: PositionsApi, body: dict[str, Any], via: str = ME) -> dict[str, Any]:
    """Creates a position a check starts from; raises PreconditionFailed when that fails.

    Any 2xx with an id will do: the exact status of a create is POS-CREATE-001's business.
    """
    response = positions.create(body, via=via)
    created = json_object(response) if 200 <= response.status_code < 300 else None
    if created is None or not isinstance(created.get("id"), str) or not created["id"]:
        raise PreconditionFailed(
            f"could not create the position the check starts from; {describe(response)}"
        )
    return created


def snapshot(positions: PositionsApi, position_id: str, via: str = ME) -> dict[str, Any]:
    """The position as a GET shows it now, to compare with later; PreconditionFailed if it
    cannot be read."""
    response = positions.get(position_id, via=via)
    found = json_object(response) if response.status_code == 200 else None
    if found is None:
        raise PreconditionFailed(f"could not read the position back; {describe(response)}")
    return found


def as_it_was(before: dict[str, Any], names: Any) -> dict[str, Any]:
    """The values `before` showed for the properties `names`, to compare a later view with."""
    return {name: before.get(name) for name in names}


def fetched(
    positions: PositionsApi,
    contract: Contract,
    position_id: str,
    rid: str | tuple[str, ...],
    via: str = ME,
) -> dict[str, Any]:
    """GET of one position answered 200 with a workPosition."""
    return position_from(positions.get(position_id, via=via), contract, 200, rid)


@contextlib.contextmanager
def alone_in_the_run(positions: PositionsApi) -> Iterator[None]:
    """No other worker of the run creates, updates or deletes in the block (a quiet spell that
    lets this check's own writes through): the positions the check creates there are the run's
    newest when it reads the list, as in a serial run, and another worker's create cannot
    push them down from the head of a list that leaves out its newest item."""
    with positions.client.pacer.quiet(own_writes=True):
        yield


def listed_position(
    positions: PositionsApi,
    contract: Contract,
    position_id: str,
    rid: str | tuple[str, ...],
    via: str = ME,
) -> dict[str, Any]:
    """The item of the list with this id; it must be there (within the target's read lag)."""
    items = listing_with(positions, contract, [position_id], via=via)
    item = item_with_id(items, position_id)
    expect(rid, item is not None, f"position {position_id!r} is not in the list")
    assert item is not None
    return item


def not_found_anymore(
    positions: PositionsApi, contract: Contract, position_id: str, rid: str | tuple[str, ...]
) -> None:
    """GET answers 404 (or 410) with a Graph error body and the list does not have the
    position, within the target's read lag."""

    def gone() -> None:
        refused(positions.get(position_id), contract, rid, GONE_AFTER_DELETE)
        item = item_with_id(listed(positions, contract), position_id)
        expect(rid, item is None, f"position {position_id!r} is still in the list: {item!r}"[:500])

    eventually(positions, gone)


def given_deletion(positions: PositionsApi, position_id: str, via: str = ME) -> None:
    """Deletes a position a check needs gone; PreconditionFailed unless the delete succeeded."""
    response = positions.delete(position_id, via=via)
    if not 200 <= response.status_code < 300:
        raise PreconditionFailed(f"could not delete the position; {describe(response)}")


T = TypeVar("T")
READ_RETRY_PAUSE_SECONDS = 0.25
# Readings a check makes before it concludes, however long they take. The read lag counts from
# the end of the last reading, not the start of the first: against a slow target one reading
# of a paged list takes longer than the lag itself. And while other workers of the run create
# and delete positions, a list a service pages by offset may skip an item on one reading (its
# items shift between two page reads; OData promises no snapshot across pages), not on all.
LEAST_READINGS = 4


def eventually(positions: PositionsApi, read_and_check: Callable[[], T]) -> T:
    """Runs a read and its checks again until they pass or the target's read lag is spent.

    A persistence check (a later get or list shows the write) may meet a service that shows a
    write only after a moment; the last violation is raised when the lag bound
    (`limits.read_lag_seconds`) has passed. A service that shows it at once costs nothing.
    """
    readings = 0
    while True:
        try:
            return read_and_check()
        except RequirementViolation:
            readings += 1
            if readings >= LEAST_READINGS and _lag_spent(positions, readings):
                raise
            time.sleep(READ_RETRY_PAUSE_SECONDS)


def listing_with(
    positions: PositionsApi,
    contract: Contract,
    position_ids: list[str],
    rid: str | tuple[str, ...] | None = None,
    via: str = ME,
    params: dict[str, str] | None = None,
) -> list[Any]:
    """The whole list, read again within the target's read lag until it holds every position
    in `position_ids` (a list may show a create only after a moment); the last reading either
    way, for the checks to judge."""
    items = listed(positions, contract, rid, via=via, params=params)
    if all(item_with_id(items, i) is not None for i in position_ids):
        return items
    # Read again while no worker of the run writes (the first reading may have met another
    # worker's changes rather than the target's fault), within the target's read lag.
    with positions.client.pacer.quiet():
        readings = 1
        while True:
            time.sleep(READ_RETRY_PAUSE_SECONDS)
            items = listed(positions, contract, rid, via=via, params=params)
            readings += 1
            missing = [i for i in position_ids if item_with_id(items, i) is None]
            if not missing or (readings >= LEAST_READINGS and _lag_spent(positions, readings)):
                return items


def _lag_spent(positions: PositionsApi, readings: int) -> bool:
    """Whether the readings so far, with their pauses, have waited out the target's read lag
    (counting the pauses only: each reading's own time does not shorten the lag)."""
    return readings * READ_RETRY_PAUSE_SECONDS >= positions.client.limits.read_lag_seconds

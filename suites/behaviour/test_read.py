"""Read: get and list return what was written; the `value` shape of the list; $select, paging."""

from __future__ import annotations

import pytest

from positions_harness.checks import samples
from positions_harness.checks.expect import PreconditionFailed, expect
from positions_harness.checks.listing import item_with_id, listed
from positions_harness.checks.persistence import (
    alone_in_the_run,
    fetched,
    given_position,
    listed_position,
    listing_with,
)
from positions_harness.checks.position_shape import echoed, is_position, position_from

SELECTED = ("detail", "isCurrent")
SELECT = ",".join(SELECTED)
# Listing the same page repeatedly to get a stable snapshot, for when other tests change it
# (with xdist workers against a slow target, dozens of positions come and go each second).
SNAPSHOT_ATTEMPTS = 10


def selected_part(body: dict) -> dict:
    return {name: body[name] for name in SELECTED}


def ids(items: list) -> list:
    return [item.get("id") if isinstance(item, dict) else item for item in items]


@pytest.mark.requirement("POS-GET-001", "POS-GET-002", "POS-TYPE-001", "POS-ERR-003")
def test_getting_a_position_returns_every_value_that_was_written(positions, contract):
    # Another position of the same user first, so a get that answers the wrong one shows.
    given_position(positions, samples.minimal_position())
    body = samples.full_position()
    created = given_position(positions, body)

    # A service whose reads lag the create is read again by the client (transport/read_lag.py).
    position = fetched(positions, contract, created["id"], "POS-GET-001")
    is_position(position, created["id"], "POS-GET-001")
    echoed(body, position, "POS-GET-002")


@pytest.mark.requirement("POS-LIST-001", "POS-TYPE-001", "POS-ERR-003")
def test_listing_answers_an_object_whose_value_is_an_array_of_positions(positions, contract):
    given_position(positions, samples.minimal_position())

    items = listed(positions, contract, "POS-LIST-001", follow_next_links=False)

    expect("POS-LIST-001", items, "the list is empty right after a position was created")
    expect(
        "POS-LIST-001",
        all(isinstance(item, dict) and item.get("id") for item in items),
        f"not every item is a workPosition with an id: {items!r}"[:500],
    )


@pytest.mark.requirement("POS-LIST-002", "POS-TYPE-001", "POS-ERR-003")
def test_a_created_position_appears_in_the_list_with_the_values_written(positions, contract):
    body = samples.full_position()
    with alone_in_the_run(positions):  # the new position is the run's newest, as when serial
        created = given_position(positions, body)
        # listed_position reads the list again until it holds it (a lagging list).
        item = listed_position(positions, contract, created["id"], "POS-LIST-002")
    echoed(body, item, "POS-LIST-002")


@pytest.mark.requirement("POS-GET-003", "POS-TYPE-001", "POS-ERR-003")
def test_get_with_select_returns_the_selected_properties(positions, contract):
    body = samples.full_position()
    created = given_position(positions, body)

    response = positions.get(created["id"], select=SELECT)

    position = position_from(response, contract, 200, "POS-GET-003")
    echoed(selected_part(body), position, "POS-GET-003")


@pytest.mark.requirement("POS-GET-004", "POS-TYPE-001", "POS-ERR-003")
def test_get_with_select_leaves_out_some_property_not_selected(positions, contract):
    body = samples.full_position()
    created = given_position(positions, body)

    response = positions.get(created["id"], select=SELECT)

    position = position_from(response, contract, 200, "POS-GET-004")
    unselected = [name for name in body if name not in SELECTED]
    left_out = [name for name in unselected if position.get(name) is None]
    expect(
        "POS-GET-004",
        left_out,
        f"$select={SELECT} changed nothing: every written property came back ({unselected})",
    )


@pytest.mark.requirement("POS-LIST-004", "POS-TYPE-001", "POS-ERR-003")
def test_list_with_select_gives_each_item_the_selected_properties(positions, contract):
    body = samples.full_position()
    created = given_position(positions, body)

    # The key is selected too: OData lets a service leave out whatever was not selected.
    params = {"$select": f"id,{SELECT}"}
    items = listing_with(positions, contract, [created["id"]], "POS-LIST-004", params=params)

    item = item_with_id(items, created["id"])
    expect("POS-LIST-004", item is not None, f"position {created['id']!r} is not listed")
    echoed(selected_part(body), item, "POS-LIST-004")


@pytest.mark.requirement("POS-LIST-003", "POS-TYPE-001", "POS-ERR-003")
def test_top_limits_the_list_and_skip_skips_its_first_items(positions, contract):
    created = [given_position(positions, samples.minimal_position())["id"] for _ in range(3)]
    listing_with(positions, contract, created, "POS-LIST-003")  # every create shows

    def page(**params: str) -> list:
        # A service may page even under $top (OData: its next link carries what is left), so
        # every page is read: $top bounds the whole answer, not the first page.
        return ids(listed(positions, contract, "POS-LIST-003", params=params))

    top_two = page(**{"$top": "2"})
    expect("POS-LIST-003", len(top_two) == 2, f"$top=2 gave {len(top_two)} items")
    # $skip only means something over a stable order: compare with a snapshot of the first
    # three items taken before and after, retrying when another test changed them meanwhile.
    for _ in range(SNAPSHOT_ATTEMPTS):
        first_three = page(**{"$top": "3"})
        skipped = page(**{"$top": "2", "$skip": "1"})
        if page(**{"$top": "3"}) == first_three:
            break
    else:
        raise PreconditionFailed("the first items of the list kept changing while it was paged")
    expect(
        "POS-LIST-003",
        skipped == first_three[1:],
        f"$top=2&$skip=1 gave {skipped}, the first three items are {first_three}",
    )

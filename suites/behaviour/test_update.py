"""Update: 200 with the updated position; only what is sent changes; null clears; nested detail
changes apply; changes persist to get and list."""

from __future__ import annotations

import pytest

from positions_harness.checks import samples
from positions_harness.checks.answers import status_is
from positions_harness.checks.expect import expect
from positions_harness.checks.persistence import (
    as_it_was,
    eventually,
    fetched,
    given_position,
    listed_position,
    snapshot,
)
from positions_harness.checks.position_shape import (
    echoed,
    is_cleared,
    is_position,
    kept_unsent,
    position_from,
)

# Top-level changes to the full sample position (which has isCurrent false, audience organization).
TOP_LEVEL_CHANGES = {
    "isCurrent": True,
    "allowedAudiences": "contacts",
    "categories": ["Renamed category"],
}
NESTED_CHANGES = {
    "detail": {"jobTitle": "Principal Brand Architect", "company": {"department": "Research"}}
}
# Single-valued properties sent as null; a collection is cleared with [] (OData collections are
# never null, and a service may refuse a null one).
CLEARED = ("manager", "inference")
EMPTIED = ("categories",)


@pytest.mark.requirement("POS-UPDATE-001", "POS-UPDATE-002", "POS-TYPE-001", "POS-ERR-003")
def test_an_update_answers_200_with_the_updated_position(positions, contract):
    created = given_position(positions, samples.full_position())

    response = positions.update(created["id"], TOP_LEVEL_CHANGES)

    position = position_from(response, contract, 200, "POS-UPDATE-001")
    is_position(position, created["id"], "POS-UPDATE-001")
    echoed(TOP_LEVEL_CHANGES, position, "POS-UPDATE-002")


@pytest.mark.requirement("POS-UPDATE-003", "POS-TYPE-001", "POS-ERR-003")
def test_an_update_keeps_every_property_it_does_not_send(positions, contract):
    body = samples.full_position()
    created = given_position(positions, body)
    before = snapshot(positions, created["id"])

    response = positions.update(created["id"], {"isCurrent": True})

    # Compared with what the service showed before, so a value it never stored is not blamed
    # on the update.
    unsent = as_it_was(before, samples.without(body, "isCurrent"))
    answered = position_from(response, contract, 200, "POS-UPDATE-003")
    stored = fetched(positions, contract, created["id"], "POS-UPDATE-003")
    for where, position in (("the 200 body", answered), ("a later get", stored)):
        kept_unsent(unsent, position, "POS-UPDATE-003", where)


@pytest.mark.requirement("POS-UPDATE-005", "POS-TYPE-001", "POS-ERR-003")
def test_a_property_sent_as_null_is_cleared_and_a_collection_sent_empty_is_emptied(
    positions, contract
):
    created = given_position(positions, samples.full_position())

    response = positions.update(
        created["id"], {**dict.fromkeys(CLEARED), **{key: [] for key in EMPTIED}}
    )

    answered = position_from(response, contract, 200, "POS-UPDATE-005")
    stored = fetched(positions, contract, created["id"], "POS-UPDATE-005")
    for where, position in (("the 200 body", answered), ("a later get", stored)):
        kept = {
            name: position[name]
            for name in (*CLEARED, *EMPTIED)
            if not is_cleared(position.get(name))
        }
        expect("POS-UPDATE-005", not kept, f"{where} still has the nulled properties {kept}")


@pytest.mark.requirement("POS-UPDATE-006", "POS-TYPE-001", "POS-ERR-003")
def test_a_change_to_a_nested_detail_property_is_applied(positions, contract):
    created = given_position(positions, samples.full_position())

    response = positions.update(created["id"], NESTED_CHANGES)

    # Only the nested values sent are compared: unsent siblings may be kept or reset
    # (DOC-PATCH-NESTED).
    echoed(
        NESTED_CHANGES, position_from(response, contract, 200, "POS-UPDATE-006"), "POS-UPDATE-006"
    )
    stored = fetched(positions, contract, created["id"], "POS-UPDATE-006")
    echoed(NESTED_CHANGES, stored, "POS-UPDATE-006")


@pytest.mark.requirement("POS-UPDATE-004", "POS-TYPE-001", "POS-ERR-003")
def test_an_update_persists_to_get_and_list(positions, contract):
    created = given_position(positions, samples.full_position())

    status_is(positions.update(created["id"], TOP_LEVEL_CHANGES), 200, "POS-UPDATE-004")

    def persisted() -> None:
        stored = fetched(positions, contract, created["id"], "POS-UPDATE-004")
        echoed(TOP_LEVEL_CHANGES, stored, "POS-UPDATE-004")
        listed = listed_position(positions, contract, created["id"], "POS-UPDATE-004")
        echoed(TOP_LEVEL_CHANGES, listed, "POS-UPDATE-004")

    eventually(positions, persisted)

"""Server-managed properties: id, createdDateTime, createdBy, lastModifiedDateTime and
lastModifiedBy are set by the service, never taken from the client; created* never change and
lastModifiedDateTime moves forward on every update."""

from __future__ import annotations

import time
from typing import Any

import pytest

from positions_harness.checks import samples
from positions_harness.checks.compare import (
    echo_differences,
    is_later,
    same_instant,
)
from positions_harness.checks.expect import expect
from positions_harness.checks.listing import listed
from positions_harness.checks.persistence import fetched, given_position, listed_position
from positions_harness.checks.position_shape import (
    SERVER_MANAGED,
    identity_sets,
    kept_creation_stamps,
    position_from,
    position_or_refusal,
    server_stamps,
    wait_out_timestamp_precision,
)
from positions_harness.contract.instants import parse_rfc3339

CLIENT_IDENTITY = {
    "user": {"id": "00000000-0000-0000-0000-0000000000c1", "displayName": "Written By The Client"}
}
# What a client might try to set; a conforming service refuses it (4xx) or ignores it.
CLIENT_VALUES: dict[str, Any] = {
    "id": "client-chosen-position-id",
    "createdDateTime": "2001-02-03T04:05:06Z",
    "createdBy": CLIENT_IDENTITY,
    "lastModifiedDateTime": "2001-02-03T04:05:06Z",
    "lastModifiedBy": CLIENT_IDENTITY,
}
MANAGED_IDS = ("POS-MANAGED-003", "POS-ERR-001", "POS-ERR-002", "POS-ERR-003", "POS-TYPE-001")


def taken(name: str, sent: Any, received: Any) -> bool:
    """Whether the service stored the client's value of a server-managed property."""
    if received is None:
        return False
    if name.endswith("DateTime"):
        return isinstance(received, str) and parse_rfc3339(received) == parse_rfc3339(sent)
    if isinstance(sent, dict):
        return not echo_differences(sent, received)
    return received == sent


def check_not_taken(name: str, shown: dict[str, Any], where: str) -> None:
    expect(
        "POS-MANAGED-003",
        not taken(name, CLIENT_VALUES[name], shown.get(name)),
        f"{where} has the client's {name} {shown.get(name)!r}",
    )


@pytest.mark.requirement("POS-MANAGED-001", "POS-TYPE-001", "POS-ERR-003")
def test_the_service_assigns_each_position_its_own_non_empty_id(positions, contract):
    body = samples.minimal_position()
    first, second = given_position(positions, body), given_position(positions, body)

    for position in (first, second):
        expect(
            "POS-MANAGED-001",
            isinstance(position["id"], str) and position["id"],
            f"id {position['id']!r} is not a non-empty string",
        )
    expect("POS-MANAGED-001", first["id"] != second["id"], f"both got id {first['id']!r}")
    ids = [item.get("id") for item in listed(positions, contract)]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    expect("POS-MANAGED-001", not repeated, f"ids listed more than once: {repeated}")


@pytest.mark.requirement("POS-MANAGED-002", "POS-TYPE-001", "POS-ERR-003")
def test_created_and_last_modified_date_times_are_rfc3339_set_by_the_service(positions, contract):
    created = given_position(positions, samples.minimal_position())

    server_stamps(created)
    server_stamps(fetched(positions, contract, created["id"], "POS-MANAGED-002"))
    server_stamps(listed_position(positions, contract, created["id"], "POS-MANAGED-002"))


@pytest.mark.requirement(*MANAGED_IDS)
@pytest.mark.parametrize("name", SERVER_MANAGED)
def test_a_server_managed_property_sent_on_create_is_not_taken(name, positions, contract):
    body = {**samples.minimal_position(), name: CLIENT_VALUES[name]}

    response = positions.create(body)

    position = position_or_refusal(response, contract, "POS-MANAGED-003")
    if position is not None:
        check_not_taken(name, position, "the 201 body")
        stored = fetched(positions, contract, position["id"], "POS-MANAGED-003")
        check_not_taken(name, stored, "a later get")


@pytest.mark.requirement(*MANAGED_IDS)
@pytest.mark.parametrize("name", SERVER_MANAGED)
def test_a_server_managed_property_sent_on_update_is_not_taken(name, positions, contract):
    created = given_position(positions, samples.minimal_position())

    response = positions.update(created["id"], {"isCurrent": False, name: CLIENT_VALUES[name]})

    position = position_or_refusal(response, contract, "POS-MANAGED-003")
    if position is not None:
        check_not_taken(name, position, "the 200 body")
    stored = fetched(positions, contract, created["id"], "POS-MANAGED-003")
    check_not_taken(name, stored, "a later get")


@pytest.mark.requirement("POS-MANAGED-004", "POS-TYPE-001", "POS-ERR-003")
def test_an_update_keeps_created_date_time_and_created_by(positions, contract):
    created = given_position(positions, samples.minimal_position())
    wait_out_timestamp_precision(created.get("lastModifiedDateTime", ""), time.monotonic())

    response = positions.update(created["id"], {"isCurrent": False})

    answered = position_from(response, contract, 200, "POS-MANAGED-004")
    stored = fetched(positions, contract, created["id"], "POS-MANAGED-004")
    for where, position in (("the 200 body", answered), ("a later get", stored)):
        kept_creation_stamps(created, position, "POS-MANAGED-004", where)


@pytest.mark.requirement("POS-MANAGED-005", "POS-MANAGED-002", "POS-TYPE-001", "POS-ERR-003")
def test_every_update_moves_last_modified_date_time_forward(positions, contract):
    created = given_position(positions, samples.minimal_position())
    server_stamps(created)
    previous, since = created["lastModifiedDateTime"], time.monotonic()

    for change in ({"isCurrent": False}, {"isCurrent": True}):
        wait_out_timestamp_precision(previous, since)
        response = positions.update(created["id"], change)
        since = time.monotonic()
        answered = position_from(response, contract, 200, "POS-MANAGED-005")
        server_stamps(answered)
        expect(
            "POS-MANAGED-005",
            is_later(answered["lastModifiedDateTime"], previous),
            f"lastModifiedDateTime went from {previous!r} to {answered['lastModifiedDateTime']!r}",
        )
        previous = answered["lastModifiedDateTime"]
    stored = fetched(positions, contract, created["id"], "POS-MANAGED-005")
    expect(
        "POS-MANAGED-005",
        same_instant(stored.get("lastModifiedDateTime"), previous),
        f"a later get has lastModifiedDateTime {stored.get('lastModifiedDateTime')!r}, "
        f"the last update answered {previous!r}",
    )


@pytest.mark.requirement("POS-MANAGED-006", "POS-TYPE-001", "POS-ERR-003")
def test_created_by_and_last_modified_by_are_identity_sets(positions, contract):
    created = given_position(positions, samples.minimal_position())

    identity_sets(created, contract)
    identity_sets(fetched(positions, contract, created["id"], "POS-MANAGED-006"), contract)

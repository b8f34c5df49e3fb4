"""What a workPosition answer must hold: the schema, every value the client wrote, and
the server-managed properties (id, timestamps, identity sets).
"""

from __future__ import annotations

import time
from typing import Any

import requests

from ..contract.instants import RFC3339, parse_rfc3339
from ..contract.spec import Contract
from .answers import (
    conforms,
    describe,
    graph_error,
    is_server_error,
    json_body,
    requirement_ids,
    status_is,
    succeeded,
)
from .compare import echo_differences, same_identity_set, same_instant
from .expect import expect

POSITION_SCHEMA = "microsoft.graph.workPosition"
SERVER_MANAGED = ("id", "createdDateTime", "createdBy", "lastModifiedDateTime", "lastModifiedBy")
IDENTITY_SET_SCHEMA = "microsoft.graph.identitySet"


def echoed(sent: Any, received: Any, rid: str | tuple[str, ...]) -> None:
    differences = echo_differences(sent, received)
    expect(rid, not differences, "values written do not come back: " + "; ".join(differences[:8]))


def server_stamps(position: dict[str, Any], rid: str = "POS-MANAGED-002") -> None:
    for name in ("createdDateTime", "lastModifiedDateTime"):
        value = position.get(name)
        expect(
            rid,
            isinstance(value, str) and parse_rfc3339(value) is not None,
            f"{name} is {value!r}, not an RFC 3339 date-time",
        )


def created_position(
    response: requests.Response, contract: Contract, sent: dict[str, Any]
) -> dict[str, Any]:
    """The full check of a create answer; returns the new position."""
    status_is(response, 201, "POS-CREATE-001")
    body = json_body(response)
    expect(
        "POS-CREATE-002", isinstance(body, dict), f"201 body is not an object; {describe(response)}"
    )
    expect(
        "POS-MANAGED-001",
        isinstance(body.get("id"), str) and body["id"] != "",
        f"id is {body.get('id')!r}, not a non-empty string",
    )
    conforms(contract, POSITION_SCHEMA, body)
    server_stamps(body)
    echoed(without_server_managed(sent), body, "POS-CREATE-003")
    return body


def without_server_managed(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in SERVER_MANAGED}


def wait_out_timestamp_precision(stamp: str, since: float) -> None:
    """Sleeps until the service's clock, at the precision its stamps show, must have moved.

    A service writing whole seconds cannot show a later lastModifiedDateTime for an update made
    in the same second; waiting one tick of its precision keeps that from being a false alarm.
    """
    match = RFC3339.match(stamp) if isinstance(stamp, str) else None
    digits = len((match.group(7) or ".")[1:]) if match else 0
    tick = 10.0 ** -min(digits, 6)
    remaining = tick * 1.05 - (time.monotonic() - since)
    if remaining > 0:
        time.sleep(remaining)


def position_from(
    response: requests.Response, contract: Contract, status: int, rid: str | tuple[str, ...]
) -> dict[str, Any]:
    """A single workPosition answer: the status, a JSON object (POS-ERR-003), the schema
    (POS-TYPE-001). Tests using this name POS-ERR-003 and POS-TYPE-001 too."""
    status_is(response, status, rid)
    body = json_body(response)
    expect(rid, isinstance(body, dict), f"the body is not a JSON object; {describe(response)}")
    conforms(contract, POSITION_SCHEMA, body)
    return body


def identity_sets(
    position: dict[str, Any], contract: Contract, rid: str = "POS-MANAGED-006"
) -> None:
    """createdBy and lastModifiedBy, when present and not null, are identitySet objects."""
    for name in ("createdBy", "lastModifiedBy"):
        value = position.get(name)
        if value is None:
            continue
        errors = contract.schema_errors(IDENTITY_SET_SCHEMA, value)
        expect(rid, not errors, f"{name} is not an identitySet: {'; '.join(errors)}")


def is_position(position: Any, position_id: str, rid: str | tuple[str, ...]) -> None:
    """The body is the position that was asked for, not another one."""
    found = position.get("id") if isinstance(position, dict) else None
    expect(rid, found == position_id, f"expected position {position_id!r}, got {found!r}")


def server_generated(position: dict[str, Any], contract: Contract) -> None:
    """The shape of every server-generated value: id, timestamps, identity sets."""
    expect(
        "POS-MANAGED-001",
        isinstance(position.get("id"), str) and position["id"] != "",
        f"id is {position.get('id')!r}, not a non-empty string",
    )
    server_stamps(position)
    identity_sets(position, contract)


def is_cleared(value: Any) -> bool:
    """Absent, null, an empty collection, or an object holding no value at all."""
    if value is None or value == []:
        return True
    if isinstance(value, dict):
        return all(is_cleared(v) for k, v in value.items() if not k.startswith("@"))
    return False


def accepted_position(
    response: requests.Response, contract: Contract, rid: str | tuple[str, ...]
) -> dict[str, Any]:
    """A position answered with any 2xx (the exact status is the operation's own requirement):
    a JSON object (POS-ERR-003) matching the schema (POS-TYPE-001)."""
    succeeded(response, rid)
    body = json_body(response)
    expect(rid, isinstance(body, dict), f"the body is not a JSON object; {describe(response)}")
    conforms(contract, POSITION_SCHEMA, body)
    return body


def position_or_refusal(
    response: requests.Response, contract: Contract, rid: str | tuple[str, ...]
) -> dict[str, Any] | None:
    """For input a service may refuse or ignore: None when it was refused with a 4xx and a
    Graph error body (POS-ERR-001), else the position it answered with a 2xx."""
    if 400 <= response.status_code < 500:
        graph_error(response, contract)
        return None
    broken = requirement_ids(rid)
    if is_server_error(response):
        broken += ("POS-ERR-002",)
    return accepted_position(response, contract, broken)


def kept_unsent(unsent: dict[str, Any], position: dict[str, Any], rid: str, where: str) -> None:
    """No property the update did not send is lost. The Update page lets an unsent property
    keep its value "or be recalculated" from the sent ones, so a changed value is allowed; one
    that is gone means the PATCH replaced the position."""
    lost = [
        name
        for name, value in unsent.items()
        if not is_cleared(value) and is_cleared(position.get(name))
    ]
    expect(rid, not lost, f"{where} lost the unsent properties {lost}")


def kept_creation_stamps(
    created: dict[str, Any], position: dict[str, Any], rid: str, where: str
) -> None:
    """createdDateTime names the same instant and createdBy the same actors (by id: identity.md
    lets displayName be missing or stale) as when the position was created."""
    expect(
        rid,
        same_instant(position.get("createdDateTime"), created.get("createdDateTime")),
        f"{where} has createdDateTime {position.get('createdDateTime')!r}, "
        f"created with {created.get('createdDateTime')!r}",
    )
    expect(
        rid,
        same_identity_set(position.get("createdBy"), created.get("createdBy")),
        f"{where} has createdBy {position.get('createdBy')!r}, "
        f"created with {created.get('createdBy')!r}",
    )

"""Requirement checks the suites share; each names the requirement it decides."""

from __future__ import annotations

import time
from typing import Any

import requests

from .compare import RFC3339, echo_differences, parse_rfc3339
from .contract import Contract
from .verdict import RequirementViolation, expect

POSITION_SCHEMA = "microsoft.graph.workPosition"
ERROR_SCHEMA = "odata.errorResponse"
SERVER_MANAGED = ("id", "createdDateTime", "createdBy", "lastModifiedDateTime", "lastModifiedBy")


def describe(response: requests.Response) -> str:
    body = response.text[:300] if response.content else "(empty body)"
    return f"{response.request.method} {response.url} answered {response.status_code}: {body}"


def status_is(
    response: requests.Response, expected: int | tuple[int, ...], rid: str | tuple[str, ...]
) -> None:
    allowed = (expected,) if isinstance(expected, int) else expected
    expect(
        rid,
        response.status_code in allowed,
        f"expected {' or '.join(map(str, allowed))}; {describe(response)}",
    )


def json_body(response: requests.Response, rid: str = "POS-ERR-003") -> Any:
    """The parsed body, after checking it is declared and is JSON (POS-ERR-003)."""
    content_type = response.headers.get("Content-Type", "")
    media_type = content_type.split(";", 1)[0].strip().lower()
    expect(
        rid,
        media_type == "application/json",
        f"Content-Type is {content_type!r}, not application/json; {describe(response)}",
    )
    try:
        return response.json()
    except ValueError:
        raise RequirementViolation(rid, f"body is not valid JSON; {describe(response)}") from None


def conforms(contract: Contract, schema: str, body: Any, rid: str = "POS-TYPE-001") -> None:
    errors = contract.schema_errors(schema, body)
    expect(rid, not errors, f"response does not match {schema}: " + "; ".join(errors))


def graph_error(response: requests.Response, contract: Contract, rid: str = "POS-ERR-001") -> None:
    """A 4xx carries the Graph error body: {"error": {"code": ..., "message": ...}}."""
    try:
        body = response.json()
    except ValueError:
        body = None
    errors = contract.schema_errors(ERROR_SCHEMA, body) if body is not None else ["not JSON"]
    expect(
        rid,
        not errors,
        f"error body is not a Graph error ({'; '.join(errors)}); {describe(response)}",
    )


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

"""Requirement checks the suites share; each names the requirement it decides."""

from __future__ import annotations

import time
from typing import Any

import requests

from .compare import RFC3339, echo_differences, parse_rfc3339
from .contract import Contract
from .positions_api import ME, PositionsApi
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


# ---------------------------------------------------------------------- shared by the suites
COLLECTION_SCHEMA = "workPositionCollectionResponse"
IDENTITY_SET_SCHEMA = "microsoft.graph.identitySet"
MAX_LIST_PAGES = 20


class PreconditionFailed(Exception):
    """A step a check relies on did not work (e.g. the create before an update).

    It is not a verdict on the requirement under test: the run reports the test's requirements
    as `error` (could not be checked), and the step's own requirement fails in its own test.
    """


def requirement_ids(rid: str | tuple[str, ...]) -> tuple[str, ...]:
    return (rid,) if isinstance(rid, str) else tuple(rid)


def is_server_error(response: requests.Response) -> bool:
    """A 5xx other than 503 with Retry-After, which POS-ERR-002 forbids."""
    status = response.status_code
    return status >= 500 and not (status == 503 and "Retry-After" in response.headers)


def refused(
    response: requests.Response,
    contract: Contract,
    rid: str | tuple[str, ...],
    allowed: tuple[int, ...] = (400,),
    error_rid: str | tuple[str, ...] = "POS-ERR-001",
) -> None:
    """The request was refused with one of `allowed` and a Graph error body.

    A 5xx breaks POS-ERR-002 as well as `rid`, so tests using this name POS-ERR-002 too.
    """
    broken = requirement_ids(rid)
    if is_server_error(response):
        broken += ("POS-ERR-002",)
    expect(
        broken,
        response.status_code in allowed,
        f"expected {' or '.join(map(str, allowed))}; {describe(response)}",
    )
    graph_error(response, contract, error_rid)


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


def given_position(positions: PositionsApi, body: dict[str, Any], via: str = ME) -> dict[str, Any]:
    """Creates a position a check starts from; raises PreconditionFailed when that fails.

    Any 2xx with an id will do: the exact status of a create is POS-CREATE-001's business.
    """
    response = positions.create(body, via=via)
    created = _json_object(response) if 200 <= response.status_code < 300 else None
    if created is None or not isinstance(created.get("id"), str) or not created["id"]:
        raise PreconditionFailed(
            f"could not create the position the check starts from; {describe(response)}"
        )
    return created


def snapshot(positions: PositionsApi, position_id: str, via: str = ME) -> dict[str, Any]:
    """The position as a GET shows it now, to compare with later; PreconditionFailed if it
    cannot be read."""
    response = positions.get(position_id, via=via)
    found = _json_object(response) if response.status_code == 200 else None
    if found is None:
        raise PreconditionFailed(f"could not read the position back; {describe(response)}")
    return found


def as_it_was(before: dict[str, Any], names: Any) -> dict[str, Any]:
    """The values `before` showed for the properties `names`, to compare a later view with."""
    return {name: before.get(name) for name in names}


def _json_object(response: requests.Response) -> dict[str, Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def succeeded(response: requests.Response, rid: str | tuple[str, ...]) -> None:
    """The operation worked (any 2xx); its exact status is judged by its own requirement."""
    expect(rid, 200 <= response.status_code < 300, f"expected a 2xx; {describe(response)}")


def fetched(
    positions: PositionsApi,
    contract: Contract,
    position_id: str,
    rid: str | tuple[str, ...],
    via: str = ME,
) -> dict[str, Any]:
    """GET of one position answered 200 with a workPosition."""
    return position_from(positions.get(position_id, via=via), contract, 200, rid)


def listed(
    positions: PositionsApi,
    contract: Contract,
    rid: str | tuple[str, ...] | None = None,
    via: str = ME,
    params: dict[str, str] | None = None,
    follow_next_links: bool = True,
) -> list[Any]:
    """The items of the list, following @odata.nextLink within BASE_URL; each item is checked
    against the workPosition schema (POS-TYPE-001).

    With `rid`, a list that is not 200 with an object whose `value` is an array fails `rid`;
    without, the list is only a means to another check and such a list is PreconditionFailed.
    """
    items: list[Any] = []
    response = positions.list(via=via, params=params)
    for _ in range(MAX_LIST_PAGES):
        if rid is None and response.status_code != 200:
            raise PreconditionFailed(f"could not list the positions; {describe(response)}")
        if rid is not None:
            status_is(response, 200, rid)
        body = json_body(response)
        shaped = isinstance(body, dict) and isinstance(body.get("value"), list)
        problem = f"the list is not an object with a `value` array; {describe(response)}"
        if rid is None and not shaped:
            raise PreconditionFailed(problem)
        if rid is not None:
            expect(rid, shaped, problem)
        conforms(contract, COLLECTION_SCHEMA, body)
        items += body["value"]
        next_link = body.get("@odata.nextLink")
        base = positions.client.base_url
        if not (follow_next_links and isinstance(next_link, str) and next_link.startswith(base)):
            break
        response = positions.client.get(next_link[len(base) :])
    return items


def item_with_id(items: list[Any], position_id: str) -> dict[str, Any] | None:
    return next((i for i in items if isinstance(i, dict) and i.get("id") == position_id), None)


def listed_position(
    positions: PositionsApi,
    contract: Contract,
    position_id: str,
    rid: str | tuple[str, ...],
    via: str = ME,
) -> dict[str, Any]:
    """The item of the list with this id; it must be there."""
    item = item_with_id(listed(positions, contract, via=via), position_id)
    expect(rid, item is not None, f"position {position_id!r} is not in the list")
    assert item is not None
    return item


def not_found_anymore(
    positions: PositionsApi, contract: Contract, position_id: str, rid: str | tuple[str, ...]
) -> None:
    """GET answers 404 with a Graph error body and the list does not have the position."""
    refused(positions.get(position_id), contract, rid, (404,))
    item = item_with_id(listed(positions, contract), position_id)
    expect(rid, item is None, f"position {position_id!r} is still in the list: {item!r}"[:500])


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


def given_deletion(positions: PositionsApi, position_id: str, via: str = ME) -> None:
    """Deletes a position a check needs gone; PreconditionFailed unless the delete succeeded."""
    response = positions.delete(position_id, via=via)
    if not 200 <= response.status_code < 300:
        raise PreconditionFailed(f"could not delete the position; {describe(response)}")


def without_server_error(response: requests.Response, contract: Contract) -> None:
    """No 5xx (POS-ERR-002); and when the answer is a 4xx, a Graph error body (POS-ERR-001)."""
    expect("POS-ERR-002", not is_server_error(response), f"a server error; {describe(response)}")
    if 400 <= response.status_code < 500:
        graph_error(response, contract)

"""What any answer must look like: its status, a JSON body, a Graph error body for a
refusal, and no server error. Each check names the requirement it decides.
"""

from __future__ import annotations

from typing import Any

import requests

from ..contract.spec import Contract
from .allowances import INVALID_INPUT, TRANSIENT_SERVER_ERRORS, Statuses
from .expect import RequirementViolation, expect

ERROR_SCHEMA = "odata.errorResponse"


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


def requirement_ids(rid: str | tuple[str, ...]) -> tuple[str, ...]:
    return (rid,) if isinstance(rid, str) else tuple(rid)


def is_server_error(response: requests.Response) -> bool:
    """A 5xx POS-ERR-002 forbids: any but the transient ones (503, which the client retries
    and which outlasted its retries only when the service is down)."""
    status = response.status_code
    return status >= 500 and status not in TRANSIENT_SERVER_ERRORS


def refused(
    response: requests.Response,
    contract: Contract,
    rid: str | tuple[str, ...],
    allowed: Statuses = INVALID_INPUT,
    error_rid: str | tuple[str, ...] = "POS-ERR-001",
) -> None:
    """The request was refused with a status in `allowed` and a Graph error body.

    A 5xx breaks POS-ERR-002 as well as `rid`, so tests using this name POS-ERR-002 too.
    """
    broken = requirement_ids(rid)
    if is_server_error(response):
        broken += ("POS-ERR-002",)
    expect(broken, response.status_code in allowed, f"expected {allowed}; {describe(response)}")
    graph_error(response, contract, error_rid)


def succeeded(response: requests.Response, rid: str | tuple[str, ...]) -> None:
    """The operation worked (any 2xx); its exact status is judged by its own requirement."""
    expect(rid, 200 <= response.status_code < 300, f"expected a 2xx; {describe(response)}")


def without_server_error(response: requests.Response, contract: Contract) -> None:
    """No 5xx (POS-ERR-002); and when the answer is a 4xx, a Graph error body (POS-ERR-001)."""
    expect("POS-ERR-002", not is_server_error(response), f"a server error; {describe(response)}")
    if 400 <= response.status_code < 500:
        graph_error(response, contract)

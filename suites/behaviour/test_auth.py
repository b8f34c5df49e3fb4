"""Auth: a request without credentials, or with a malformed Authorization header, answers 401 with
a Graph error body, and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from positions_harness.checks import samples
from positions_harness.checks.allowances import MALFORMED_CREDENTIALS, MISSING_CREDENTIALS
from positions_harness.checks.answers import refused
from positions_harness.checks.persistence import as_it_was, fetched, given_position, snapshot
from positions_harness.checks.position_shape import echoed
from positions_harness.checks.positions_api import OPERATIONS

AUTH_ERROR = ("POS-AUTH-003", "POS-ERR-001")
MALFORMED = {
    "basic-scheme": "Basic dXNlcjpwYXNzd29yZA==",
    "empty-bearer": "Bearer",
    "unknown-scheme": "Token 0123456789abcdef",
}


def unchanged(positions: Any, contract: Any, before: dict, names: Any, rid: str) -> None:
    """The position the refused request aimed at is still there, as it was."""
    echoed(as_it_was(before, names), fetched(positions, contract, before["id"], rid), rid)


@pytest.mark.requirement(*AUTH_ERROR, "POS-AUTH-001", "POS-ERR-002", "POS-ERR-003", "POS-TYPE-001")
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: o.name)
def test_a_request_without_authorization_answers_401_with_a_graph_error(
    operation, positions, contract
):
    body = samples.minimal_position()
    before = snapshot(positions, given_position(positions, body)["id"])

    response = positions.send(operation, before["id"], auth=False)

    refused(response, contract, "POS-AUTH-001", MISSING_CREDENTIALS, error_rid=AUTH_ERROR)
    unchanged(positions, contract, before, body, "POS-AUTH-001")


@pytest.mark.requirement(*AUTH_ERROR, "POS-AUTH-002", "POS-ERR-002", "POS-ERR-003", "POS-TYPE-001")
@pytest.mark.parametrize("header", list(MALFORMED.values()), ids=list(MALFORMED))
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: o.name)
def test_a_malformed_authorization_header_answers_401_with_a_graph_error(
    operation, header, positions, contract
):
    body = samples.minimal_position()
    before = snapshot(positions, given_position(positions, body)["id"])

    response = positions.send(operation, before["id"], auth=header)

    refused(response, contract, "POS-AUTH-002", MALFORMED_CREDENTIALS, error_rid=AUTH_ERROR)
    unchanged(positions, contract, before, body, "POS-AUTH-002")

"""Delete: 204 with no body; afterwards get is 404 or 410 and the list no longer has it; twice is
404 or 410."""

from __future__ import annotations

import pytest

from positions_harness.checks import samples
from positions_harness.checks.allowances import GONE_AFTER_DELETE
from positions_harness.checks.answers import describe, refused, status_is
from positions_harness.checks.expect import expect
from positions_harness.checks.persistence import given_deletion, given_position, not_found_anymore


@pytest.mark.requirement("POS-DELETE-001")
def test_deleting_a_position_answers_204_with_an_empty_body(positions):
    created = given_position(positions, samples.minimal_position())

    response = positions.delete(created["id"])

    status_is(response, 204, "POS-DELETE-001")
    expect("POS-DELETE-001", not response.content, f"the 204 has a body; {describe(response)}")


@pytest.mark.requirement(
    "POS-DELETE-002", "POS-ERR-001", "POS-ERR-002", "POS-ERR-003", "POS-TYPE-001"
)
def test_a_deleted_position_is_gone_from_get_and_list(positions, contract):
    created = given_position(positions, samples.minimal_position())

    given_deletion(positions, created["id"])

    not_found_anymore(positions, contract, created["id"], "POS-DELETE-002")


@pytest.mark.requirement("POS-DELETE-003", "POS-ERR-001", "POS-ERR-002")
def test_deleting_a_position_twice_answers_404_or_410(positions, contract):
    created = given_position(positions, samples.minimal_position())
    given_deletion(positions, created["id"])

    again = positions.delete(created["id"])

    refused(
        again,
        contract,
        "POS-DELETE-003",
        GONE_AFTER_DELETE,
        error_rid=("POS-DELETE-003", "POS-ERR-001"),
    )

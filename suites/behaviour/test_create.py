"""Create: 201 with the new position; every written value comes back, in every addressing form."""

from __future__ import annotations

import pytest

from positions_harness.checks import samples
from positions_harness.checks.answers import succeeded
from positions_harness.checks.expect import expect
from positions_harness.checks.persistence import fetched
from positions_harness.checks.position_shape import echoed, position_from
from positions_harness.checks.suite_params import FORM_REQUIREMENTS, addressing_forms, case

TEXT_CASES = [
    case(
        body, "POS-CREATE-001", "POS-CREATE-003", "POS-GET-002", "POS-TYPE-001", "POS-ERR-003", id=n
    )
    for n, body in samples.text_bodies().items()
]


def unset(position: dict, names: tuple[str, ...]) -> list[str]:
    return [name for name in names if position.get(name) in (None, [], {})]


@pytest.mark.requirement(
    "POS-CREATE-001",
    "POS-CREATE-002",
    "POS-CREATE-003",
    "POS-CREATE-004",
    "POS-TYPE-001",
    "POS-ERR-003",
)
def test_a_position_with_every_settable_property_is_created_and_echoed(positions, contract):
    body = samples.full_position()

    position = position_from(positions.create(body), contract, 201, "POS-CREATE-001")

    expect(
        "POS-CREATE-002",
        isinstance(position.get("id"), str) and position["id"],
        f"the 201 body carries no server-assigned id: {position.get('id')!r}",
    )
    missing = unset(position, samples.SETTABLE_ON_CREATE)
    expect("POS-CREATE-004", not missing, f"settable properties not taken on create: {missing}")
    echoed(body, position, "POS-CREATE-003")
    stored = fetched(positions, contract, position["id"], "POS-CREATE-004")
    missing = unset(stored, samples.SETTABLE_ON_CREATE)
    expect("POS-CREATE-004", not missing, f"settable properties not stored: {missing}")


@pytest.mark.parametrize("body", TEXT_CASES)
def test_non_ascii_and_long_text_comes_back_exactly(body, positions, contract):
    position = position_from(positions.create(body), contract, 201, "POS-CREATE-001")

    echoed(body, position, "POS-CREATE-003")
    echoed(body, fetched(positions, contract, position["id"], "POS-GET-002"), "POS-GET-002")


@pytest.mark.parametrize(
    "via", addressing_forms("POS-CREATE-001", "POS-CREATE-003", "POS-TYPE-001", "POS-ERR-003")
)
def test_a_position_is_created_through_each_addressing_form(via, positions, contract):
    body = samples.full_position()

    response = positions.create(body, via=via)

    # A form that does not work is the form's failure; the exact status and the values are
    # the create's, whichever form carried it.
    succeeded(response, FORM_REQUIREMENTS[via] or "POS-CREATE-001")
    position = position_from(response, contract, 201, "POS-CREATE-001")
    echoed(body, position, "POS-CREATE-003")

"""Replays every documented request and response example of the positions API.

The cases are the examples in openapi/positions.yaml, never copies: request `examples` are valid
documented bodies replayed as positive cases; `x-doc-examples` marked `expect: invalid` are doc
defects (placeholder values) replayed as input a conforming service must refuse. Response
examples are replayed by writing the part a client may set (positions_harness.checks.example_replay)
and checking the service gives it back; server-generated values are checked for shape only, and
placeholder values in them are replayed as invalid input, never as expected output.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from positions_harness.checks.allowances import INVALID_INPUT
from positions_harness.checks.answers import (
    conforms,
    describe,
    graph_error,
    json_body,
    refused,
    status_is,
)
from positions_harness.checks.compare import is_later
from positions_harness.checks.example_replay import (
    RESPONSE_OPERATIONS,
    with_value_at,
    writable_part,
)
from positions_harness.checks.expect import expect
from positions_harness.checks.listing import item_with_id
from positions_harness.checks.persistence import (
    alone_in_the_run,
    as_it_was,
    eventually,
    given_position,
    listing_with,
    not_found_anymore,
    snapshot,
)
from positions_harness.checks.position_shape import (
    POSITION_SCHEMA,
    created_position,
    echoed,
    is_position,
    kept_creation_stamps,
    kept_unsent,
    position_from,
    server_generated,
    server_stamps,
    wait_out_timestamp_precision,
    without_server_managed,
)
from positions_harness.contract.spec import DocExample, ResponseExample, load_contract

CONTRACT = load_contract()
CREATE_EXAMPLES = CONTRACT.doc_examples("createMyPosition")
UPDATE_EXAMPLES = CONTRACT.doc_examples("updateMyPosition")
BASELINE = next(e for e in CREATE_EXAMPLES if e.expect == "valid").value
UPDATE_SCHEMA = "workPositionUpdate"


def cases(examples: list[DocExample], expectation: str) -> list[DocExample]:
    return [e for e in examples if e.expect == expectation]


def response_cases(operation_id: str) -> list[Any]:
    return [
        pytest.param(e, id=f"{e.status}-{e.name}") for e in CONTRACT.response_examples(operation_id)
    ]


def positions_shown(example: ResponseExample) -> list[dict[str, Any]]:
    """The workPositions a response example shows: the body, or the items of a collection."""
    value = example.value
    if isinstance(value, dict) and isinstance(value.get("value"), list):
        return list(value["value"])
    return [value]


def placeholder_cases() -> list[Any]:
    """Each placeholder value of the response examples once, with the body it sits in."""
    found: dict[tuple[str, str], Any] = {}
    for operation_id in RESPONSE_OPERATIONS:
        for example in CONTRACT.response_examples(operation_id):
            for position in positions_shown(example):
                part = writable_part(CONTRACT, position)
                for placeholder in part.placeholders:
                    key = (placeholder.where, repr(placeholder.value))
                    found.setdefault(
                        key,
                        pytest.param(
                            placeholder,
                            part.body,
                            id=f"{placeholder.where}={placeholder.value}",
                            marks=pytest.mark.requirement(
                                placeholder.requirement, "POS-ERR-001", "POS-ERR-002"
                            ),
                        ),
                    )
    return list(found.values())


# ------------------------------------------------------------------------- request examples
@pytest.mark.requirement(
    "POS-CREATE-001",
    "POS-CREATE-002",
    "POS-CREATE-003",
    "POS-MANAGED-001",
    "POS-MANAGED-002",
    "POS-TYPE-001",
    "POS-ERR-003",
    "POS-GET-002",
)
@pytest.mark.parametrize("example", cases(CREATE_EXAMPLES, "valid"), ids=lambda e: e.name)
def test_documented_create_example_is_created_and_echoed(example, positions, contract):
    position = created_position(positions.create(example.value), contract, example.value)

    fetched = positions.get(position["id"])
    status_is(fetched, 200, "POS-GET-002")
    echoed(without_server_managed(example.value), json_body(fetched), "POS-GET-002")


@pytest.mark.requirement(
    "POS-UPDATE-001",
    "POS-UPDATE-002",
    "POS-UPDATE-003",
    "POS-UPDATE-004",
    "POS-MANAGED-004",
    "POS-MANAGED-005",
    "POS-MANAGED-002",
    "POS-TYPE-001",
    "POS-ERR-003",
)
@pytest.mark.parametrize("example", cases(UPDATE_EXAMPLES, "valid"), ids=lambda e: e.name)
def test_documented_update_example_changes_only_what_it_sends(example, positions, contract):
    # Start from the documented create body without the properties the update sends, so the
    # update visibly changes them and everything else must stay as it was.
    start = {k: v for k, v in BASELINE.items() if k not in example.value}
    before = given_position(positions, start)
    created_at = time.monotonic()
    wait_out_timestamp_precision(before.get("lastModifiedDateTime", ""), created_at)

    response = positions.update(before["id"], example.value)
    status_is(response, 200, "POS-UPDATE-001")
    after = json_body(response)
    is_position(after, before["id"], "POS-UPDATE-001")
    conforms(contract, POSITION_SCHEMA, after)
    server_stamps(after)
    echoed(example.value, after, "POS-UPDATE-002")
    kept_unsent(start, after, "POS-UPDATE-003", "the 200 body")
    kept_creation_stamps(before, after, "POS-MANAGED-004", "the 200 body")
    expect(
        "POS-MANAGED-005",
        is_later(after["lastModifiedDateTime"], before["lastModifiedDateTime"]),
        f"lastModifiedDateTime did not move forward: {before['lastModifiedDateTime']!r} "
        f"then {after['lastModifiedDateTime']!r}",
    )

    def persisted() -> None:
        fetched = positions.get(before["id"])
        status_is(fetched, 200, "POS-UPDATE-004")
        echoed(example.value, json_body(fetched), "POS-UPDATE-004")

    eventually(positions, persisted)


@pytest.mark.requirement(
    "POS-VALID-002",
    "POS-VALID-003",
    "POS-VALID-004",
    "POS-VALID-005",
    "POS-ERR-001",
    "POS-ERR-003",
)
@pytest.mark.parametrize("example", cases(UPDATE_EXAMPLES, "invalid"), ids=lambda e: e.name)
def test_documented_example_with_placeholder_values_is_refused(example, positions, contract):
    position = given_position(positions, BASELINE)
    before = snapshot(positions, position["id"])

    response = positions.update(position["id"], example.value)
    expect(
        example.requirements,
        response.status_code in INVALID_INPUT,
        f"the placeholder example ({', '.join(example.doc_defects)}) must be refused with "
        f"{INVALID_INPUT}; {describe(response)}",
    )
    graph_error(response, contract)
    unchanged = positions.get(position["id"])
    status_is(unchanged, 200, example.requirements)
    echoed(as_it_was(before, BASELINE), json_body(unchanged), example.requirements)


# ------------------------------------------------------------------------ response examples
@pytest.mark.requirement(
    "POS-CREATE-001",
    "POS-CREATE-002",
    "POS-CREATE-003",
    "POS-MANAGED-001",
    "POS-MANAGED-002",
    "POS-MANAGED-006",
    "POS-TYPE-001",
    "POS-ERR-003",
)
@pytest.mark.parametrize("example", response_cases("createMyPosition"))
def test_documented_create_response_is_reproduced_by_writing_its_values(
    example, positions, contract
):
    body = writable_part(contract, example.value).body

    position = position_from(positions.create(body), contract, example.status, "POS-CREATE-001")

    expect("POS-CREATE-002", "id" in position, f"the {example.status} body has no id")
    server_generated(position, contract)
    echoed(body, position, "POS-CREATE-003")


@pytest.mark.requirement(
    "POS-UPDATE-001",
    "POS-UPDATE-002",
    "POS-MANAGED-001",
    "POS-MANAGED-002",
    "POS-MANAGED-006",
    "POS-TYPE-001",
    "POS-ERR-003",
)
@pytest.mark.parametrize("example", response_cases("updateMyPosition"))
def test_documented_update_response_is_reproduced_by_writing_its_values(
    example, positions, contract
):
    body = writable_part(contract, example.value, UPDATE_SCHEMA).body
    start = given_position(positions, {"isCurrent": not body.get("isCurrent", False)})

    response = positions.update(start["id"], body)

    position = position_from(response, contract, example.status, "POS-UPDATE-001")
    is_position(position, start["id"], "POS-UPDATE-001")
    server_generated(position, contract)
    echoed(body, position, "POS-UPDATE-002")


@pytest.mark.requirement(
    "POS-GET-001",
    "POS-GET-002",
    "POS-MANAGED-001",
    "POS-MANAGED-002",
    "POS-MANAGED-006",
    "POS-TYPE-001",
    "POS-ERR-003",
)
@pytest.mark.parametrize("example", response_cases("getMyPosition"))
def test_documented_get_response_is_reproduced_by_writing_its_values(example, positions, contract):
    body = writable_part(contract, example.value).body
    created = given_position(positions, body)

    position = position_from(positions.get(created["id"]), contract, example.status, "POS-GET-001")

    is_position(position, created["id"], "POS-GET-001")
    server_generated(position, contract)
    echoed(body, position, "POS-GET-002")


@pytest.mark.requirement(
    "POS-LIST-001",
    "POS-LIST-002",
    "POS-MANAGED-001",
    "POS-MANAGED-002",
    "POS-MANAGED-006",
    "POS-TYPE-001",
    "POS-ERR-003",
)
@pytest.mark.parametrize("example", response_cases("listMyPositions"))
def test_documented_list_response_is_reproduced_by_writing_its_values(example, positions, contract):
    bodies = [writable_part(contract, p).body for p in positions_shown(example)]
    with alone_in_the_run(positions):  # the new positions are the run's newest, as when serial
        created = [given_position(positions, body) for body in bodies]
        items = listing_with(positions, contract, [p["id"] for p in created], "POS-LIST-001")

    for body, position in zip(bodies, created, strict=True):
        item = item_with_id(items, position["id"])
        expect("POS-LIST-002", item is not None, f"position {position['id']!r} is not listed")
        assert item is not None
        server_generated(item, contract)
        echoed(body, item, "POS-LIST-002")


@pytest.mark.requirement(
    "POS-DELETE-001", "POS-DELETE-002", "POS-ERR-001", "POS-ERR-002", "POS-ERR-003", "POS-TYPE-001"
)
def test_documented_delete_answers_its_documented_status_and_the_position_is_gone(
    positions, contract
):
    position = given_position(positions, BASELINE)
    documented = contract.success_status("deleteMyPosition")

    response = positions.delete(position["id"])

    status_is(response, documented, "POS-DELETE-001")
    expect(
        "POS-DELETE-001", not response.content, f"the {documented} has a body; {describe(response)}"
    )
    not_found_anymore(positions, contract, position["id"], "POS-DELETE-002")


@pytest.mark.parametrize(("placeholder", "body"), placeholder_cases())
def test_placeholder_value_of_a_documented_response_is_refused_as_input(
    placeholder, body, positions, contract
):
    response = positions.create(with_value_at(body, placeholder.path, placeholder.value))

    refused(response, contract, placeholder.requirement)

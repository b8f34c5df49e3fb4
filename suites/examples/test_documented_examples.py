"""Replays the documented request examples of the Create and Update pages.

The cases are the examples in openapi/positions.yaml, not copies: `examples` are valid
documented bodies replayed as positive cases; `x-doc-examples` marked `expect: invalid` are
doc defects (placeholder values) replayed as input a conforming service must refuse.
"""

from __future__ import annotations

import time

import pytest

from positions_harness.checks import (
    POSITION_SCHEMA,
    conforms,
    created_position,
    describe,
    echoed,
    graph_error,
    json_body,
    server_stamps,
    status_is,
    wait_out_timestamp_precision,
    without_server_managed,
)
from positions_harness.compare import is_later
from positions_harness.contract import DocExample, load_contract
from positions_harness.verdict import expect

CONTRACT = load_contract()
CREATE_EXAMPLES = CONTRACT.doc_examples("createMyPosition")
UPDATE_EXAMPLES = CONTRACT.doc_examples("updateMyPosition")
BASELINE = next(e for e in CREATE_EXAMPLES if e.expect == "valid").value


def cases(examples: list[DocExample], expectation: str) -> list[DocExample]:
    return [e for e in examples if e.expect == expectation]


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
    "POS-CREATE-001",
)
@pytest.mark.parametrize("example", cases(UPDATE_EXAMPLES, "valid"), ids=lambda e: e.name)
def test_documented_update_example_changes_only_what_it_sends(example, positions, contract):
    # Start from the documented create body without the properties the update sends, so the
    # update visibly changes them and everything else must stay as it was.
    start = {k: v for k, v in BASELINE.items() if k not in example.value}
    created = positions.create(start)
    status_is(created, 201, "POS-CREATE-001")
    before = json_body(created)
    created_at = time.monotonic()
    wait_out_timestamp_precision(before.get("lastModifiedDateTime", ""), created_at)

    response = positions.update(before["id"], example.value)
    status_is(response, 200, "POS-UPDATE-001")
    after = json_body(response)
    expect(
        "POS-UPDATE-001",
        isinstance(after, dict) and after.get("id") == before["id"],
        f"the 200 body is not the updated position; {describe(response)}",
    )
    conforms(contract, POSITION_SCHEMA, after)
    server_stamps(after)
    echoed(example.value, after, "POS-UPDATE-002")
    echoed(start, after, "POS-UPDATE-003")
    expect(
        "POS-MANAGED-004",
        after.get("createdDateTime") == before.get("createdDateTime")
        and after.get("createdBy") == before.get("createdBy"),
        f"createdDateTime/createdBy changed from {before.get('createdDateTime')!r} "
        f"to {after.get('createdDateTime')!r}",
    )
    expect(
        "POS-MANAGED-005",
        is_later(after["lastModifiedDateTime"], before["lastModifiedDateTime"]),
        f"lastModifiedDateTime did not move forward: {before['lastModifiedDateTime']!r} "
        f"then {after['lastModifiedDateTime']!r}",
    )

    fetched = positions.get(before["id"])
    status_is(fetched, 200, "POS-UPDATE-004")
    echoed({**start, **example.value}, json_body(fetched), "POS-UPDATE-004")


@pytest.mark.requirement(
    "POS-VALID-002",
    "POS-VALID-003",
    "POS-VALID-004",
    "POS-VALID-005",
    "POS-ERR-001",
    "POS-CREATE-001",
)
@pytest.mark.parametrize("example", cases(UPDATE_EXAMPLES, "invalid"), ids=lambda e: e.name)
def test_documented_example_with_placeholder_values_is_refused(example, positions, contract):
    created = positions.create(BASELINE)
    status_is(created, 201, "POS-CREATE-001")
    position = json_body(created)

    response = positions.update(position["id"], example.value)
    expect(
        example.requirements,
        response.status_code == 400,
        f"the placeholder example ({', '.join(example.doc_defects)}) must be refused with "
        f"400; {describe(response)}",
    )
    graph_error(response, contract)
    unchanged = positions.get(position["id"])
    status_is(unchanged, 200, example.requirements)
    echoed(BASELINE, json_body(unchanged), example.requirements)

"""Validation: invalid input is refused with 400 (or 415 for a foreign media type) and a Graph
error body, on create and on update, and a refused update changes nothing; application/json with
parameters is JSON. The cases are data: positions_harness.checks.invalid_input."""

from __future__ import annotations

import json

import pytest

from positions_harness.checks import samples
from positions_harness.checks.answers import refused
from positions_harness.checks.compare import echo_differences
from positions_harness.checks.expect import expect
from positions_harness.checks.invalid_input import CASES, JSON_WITH_PARAMETERS
from positions_harness.checks.persistence import as_it_was, fetched, given_position, snapshot
from positions_harness.checks.position_shape import accepted_position, echoed, position_or_refusal
from positions_harness.checks.suite_params import case

ON_CREATE = [case(c, c.requirement, "POS-ERR-001", "POS-ERR-002", id=c.name) for c in CASES]
# An update is also checked to have changed nothing, which reads the position back.
ON_UPDATE = [
    case(c, c.requirement, "POS-ERR-001", "POS-ERR-002", "POS-ERR-003", "POS-TYPE-001", id=c.name)
    for c in CASES
]
SOURCE_CHANGE = {"source": {"type": "Written on update"}}


@pytest.mark.parametrize("invalid", ON_CREATE)
def test_invalid_input_on_create_is_refused_with_a_graph_error(invalid, positions, graph, contract):
    response = graph.post(
        positions.collection(),
        content=invalid.payload(),
        headers={"Content-Type": invalid.content_type},
    )

    refused(response, contract, invalid.requirement, invalid.refusals)


@pytest.mark.parametrize("invalid", ON_UPDATE)
def test_invalid_input_on_update_is_refused_and_changes_nothing(
    invalid, positions, graph, contract
):
    body = samples.full_position()
    created = given_position(positions, body)
    before = snapshot(positions, created["id"])

    response = graph.patch(
        positions.item(created["id"]),
        content=invalid.payload(),
        headers={"Content-Type": invalid.content_type},
    )

    refused(response, contract, invalid.requirement, invalid.refusals)
    after = fetched(positions, contract, created["id"], invalid.requirement)
    echoed(as_it_was(before, body), after, invalid.requirement)


@pytest.mark.requirement("POS-VALID-009", "POS-TYPE-001", "POS-ERR-003")
@pytest.mark.parametrize("content_type", JSON_WITH_PARAMETERS)
def test_application_json_with_parameters_is_accepted_as_json(
    content_type, positions, graph, contract
):
    body = samples.text_position(samples.NON_ASCII_TEXTS["cyrillic"])
    payload = json.dumps(body, ensure_ascii=False).encode("utf-8")

    response = graph.post(
        positions.collection(), content=payload, headers={"Content-Type": content_type}
    )
    created = accepted_position(response, contract, "POS-VALID-009")
    echoed(body, created, "POS-VALID-009")
    change = {"categories": [samples.NON_ASCII_TEXTS["cjk"]], "isCurrent": False}
    response = graph.patch(
        positions.item(created["id"]),
        content=json.dumps(change, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": content_type},
    )
    echoed(change, accepted_position(response, contract, "POS-VALID-009"), "POS-VALID-009")


@pytest.mark.requirement(
    "POS-VALID-010", "POS-ERR-001", "POS-ERR-002", "POS-ERR-003", "POS-TYPE-001"
)
def test_source_sent_on_update_is_refused_ignored_or_applied_and_the_answer_says_which(
    positions, contract
):
    # The Update page's table leaves source out, which does not forbid it (DOC-UPDATE-SOURCE):
    # a service may refuse it, ignore it or apply it, but its 200 body shows what it stored.
    created = given_position(positions, samples.full_position())

    response = positions.update(created["id"], SOURCE_CHANGE)

    answered = position_or_refusal(response, contract, "POS-VALID-010")
    stored = fetched(positions, contract, created["id"], "POS-VALID-010")
    if answered is not None:
        differences = echo_differences(answered.get("source"), stored.get("source"))
        expect(
            "POS-VALID-010",
            not differences,
            f"the 200 body has source {answered.get('source')!r}, a later get "
            f"{stored.get('source')!r}",
        )

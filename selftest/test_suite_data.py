"""The data the hand-written suites send agrees with the contract: valid samples are valid, each
invalid case is invalid for the reason it names, and documented response examples reduce to
valid input with their placeholders set aside."""

from __future__ import annotations

import json

import pytest

from positions_harness.checks import samples
from positions_harness.checks.example_replay import (
    RESPONSE_OPERATIONS,
    with_value_at,
    writable_part,
)
from positions_harness.checks.invalid_input import CASES, JSON_WITH_PARAMETERS
from positions_harness.contract.catalogue import load_catalogue
from positions_harness.contract.spec import load_contract

CONTRACT = load_contract()
CATALOGUE = load_catalogue()
# Requirements whose cases are JSON objects the request schema itself refuses.
SCHEMA_REFUSED = {
    "POS-VALID-001",
    "POS-VALID-002",
    "POS-VALID-003",
    "POS-VALID-004",
    "POS-VALID-005",
}


def positions_shown(value):
    return value["value"] if isinstance(value, dict) and "value" in value else [value]


@pytest.mark.parametrize(
    "body",
    [samples.full_position(), samples.minimal_position(), *samples.text_bodies().values()],
    ids=["full", "minimal", *samples.text_bodies()],
)
def test_sample_bodies_are_valid_create_bodies(body):
    assert CONTRACT.schema_errors("workPositionCreate", body) == []


def test_the_full_sample_sets_every_property_the_create_page_lists():
    settable = set(CONTRACT.documented_properties("workPositionCreate"))

    assert set(samples.full_position()) == settable == set(samples.SETTABLE_ON_CREATE)


def test_non_ascii_samples_are_not_ascii_and_the_long_text_is_long():
    assert all(not text.isascii() for text in samples.NON_ASCII_TEXTS.values())
    assert len(samples.long_text()) == samples.LONG_TEXT_LENGTH


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_invalid_case_names_a_catalogue_requirement_and_a_doc_page(case):
    assert case.requirement in CATALOGUE
    assert case.doc.split("#")[0].endswith(".md")
    assert case.description


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.requirement in SCHEMA_REFUSED], ids=lambda c: c.name
)
def test_each_invalid_body_is_refused_by_the_request_schema(case):
    assert CONTRACT.schema_errors("workPositionCreate", case.body)
    assert CONTRACT.schema_errors("workPositionUpdate", case.body)


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.requirement == "POS-VALID-006"], ids=lambda c: c.name
)
def test_each_malformed_json_case_is_not_json(case):
    with pytest.raises(ValueError):
        json.loads(case.payload())


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.requirement == "POS-VALID-007"], ids=lambda c: c.name
)
def test_each_non_object_case_is_json_but_not_an_object(case):
    assert not isinstance(json.loads(case.payload()), dict)


def test_content_type_cases_are_foreign_media_types_and_parameters_keep_json():
    foreign = [c.content_type for c in CASES if c.requirement == "POS-VALID-008"]

    assert foreign and not any(t.startswith("application/json") for t in foreign)
    assert all(t.split(";")[0] == "application/json" for t in JSON_WITH_PARAMETERS)


@pytest.mark.parametrize("operation_id", RESPONSE_OPERATIONS)
def test_documented_responses_reduce_to_valid_input_with_placeholders_set_aside(operation_id):
    examples = CONTRACT.response_examples(operation_id)
    assert examples, f"{operation_id} has no documented response example to replay"
    for example in examples:
        for position in positions_shown(example.value):
            part = writable_part(CONTRACT, position)
            assert CONTRACT.schema_errors("workPositionCreate", part.body) == []
            assert {"id", "createdDateTime", "lastModifiedDateTime"} <= set(part.set_aside)
            if part.placeholders:
                assert example.doc_defects, f"{example.name}: placeholders not recorded as defects"


def test_the_date_placeholder_is_found_and_must_be_refused_as_a_date():
    position = CONTRACT.response_examples("getMyPosition")[0].value

    (placeholder,) = writable_part(CONTRACT, position).placeholders

    assert (placeholder.where, placeholder.value) == ("detail.startMonthYear", "datetime-value")
    assert placeholder.requirement == "POS-VALID-005"
    body = with_value_at({}, placeholder.path, placeholder.value)
    assert body == {"detail": {"startMonthYear": "datetime-value"}}


def test_every_documented_position_response_is_one_the_examples_suite_replays():
    replayed = [
        e.value for operation in RESPONSE_OPERATIONS for e in CONTRACT.response_examples(operation)
    ]
    for operation_id in CONTRACT.operations:
        for example in CONTRACT.response_examples(operation_id):
            assert example.value in replayed, (operation_id, example.name)

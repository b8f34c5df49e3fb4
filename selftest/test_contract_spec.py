"""The OpenAPI description: valid, loadable by Schemathesis, consistent with itself and the docs."""

from __future__ import annotations

import pytest
import schemathesis
from openapi_spec_validator import validate

from positions_harness.contract.catalogue import load_catalogue
from positions_harness.contract.spec import load_contract
from positions_harness.locations import SPEC_PATH

CONTRACT = load_contract()
SCHEMAS = CONTRACT.document["components"]["schemas"]
# Request schema -> the response schema it mirrors (same properties, minus server-managed ones).
REQUEST_MIRRORS = {
    "workPositionCreate": "microsoft.graph.workPosition",
    "positionDetailInput": "microsoft.graph.positionDetail",
    "companyDetailInput": "microsoft.graph.companyDetail",
    "physicalAddressInput": "microsoft.graph.physicalAddress",
    "inferenceDataInput": "microsoft.graph.inferenceData",
    "relatedPersonInput": "microsoft.graph.relatedPerson",
    "personDataSourceInput": "microsoft.graph.personDataSource",
}
SERVER_ONLY = {
    "@odata.context",
    "id",
    "createdDateTime",
    "createdBy",
    "lastModifiedDateTime",
    "lastModifiedBy",
    "sources",
}


def test_spec_validates_as_openapi():
    validate(CONTRACT.document)


def test_spec_loads_in_schemathesis_with_every_operation():
    schema = schemathesis.openapi.from_path(SPEC_PATH)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 11
    assert {op.definition.raw["operationId"] for op in operations} == set(CONTRACT.operations)


def test_every_operation_and_schema_cites_its_doc_page():
    wrappers = {"workPositionEntityResponse"}  # allOf of a cited schema plus `required: [id]`
    missing = [name for name, op in CONTRACT.operations.items() if "x-doc-source" not in op]
    missing += [
        name
        for name, schema in SCHEMAS.items()
        if "x-doc-source" not in schema and name not in wrappers
    ]
    assert not missing


@pytest.mark.parametrize("request_schema", sorted(REQUEST_MIRRORS))
def test_request_schema_is_strict_and_mirrors_the_response_schema(request_schema):
    request = SCHEMAS[request_schema]
    response = SCHEMAS[REQUEST_MIRRORS[request_schema]]
    assert request["additionalProperties"] is False
    request_names = set(request["properties"]) - {"@odata.type"}
    assert request_names == set(response["properties"]) - SERVER_ONLY - {"@odata.type"}


def test_update_schema_is_create_without_source():
    create = set(SCHEMAS["workPositionCreate"]["properties"])
    update = set(SCHEMAS["workPositionUpdate"]["properties"])
    assert create - update == {"source"}


def test_valid_documented_request_examples_match_the_request_schema():
    for operation, schema in (
        ("createMyPosition", "workPositionCreate"),
        ("updateMyPosition", "workPositionUpdate"),
    ):
        for example in CONTRACT.doc_examples(operation):
            errors = CONTRACT.schema_errors(schema, example.value)
            if example.expect == "valid":
                assert not errors, (example.name, errors)
            else:
                assert errors, f"{example.name} is marked invalid but validates"


def test_response_schemas_tolerate_extra_properties_and_nulls():
    position = {
        "id": "opaque-1",
        "isCurrent": None,
        "vendorExtra": {"x": 1},
        "detail": {"jobTitle": "é", "extra": True, "company": None},
        "createdDateTime": "2020-07-06T06:34:12.229+00:00",
    }
    assert CONTRACT.schema_errors("workPositionEntityResponse", position) == []


def test_response_schemas_refuse_wrong_types_and_enum_values():
    assert CONTRACT.schema_errors("microsoft.graph.workPosition", {"isCurrent": "true"})
    assert CONTRACT.schema_errors("microsoft.graph.workPosition", {"allowedAudiences": "world"})
    assert CONTRACT.schema_errors("microsoft.graph.workPosition", {"createdDateTime": "yesterday"})


def test_doc_defects_named_in_the_spec_are_recorded_in_the_catalogue():
    recorded = set(load_catalogue().doc_defects)

    def named(node):
        if isinstance(node, dict):
            yield from node.get("x-doc-defects", [])
            for value in node.values():
                yield from named(value)
        elif isinstance(node, list):
            for value in node:
                yield from named(value)

    assert set(named(CONTRACT.document)) <= recorded


def test_links_lead_from_create_to_get_update_and_delete():
    for create, prefix in (("createMyPosition", "My"), ("createUserPosition", "User")):
        links = CONTRACT.operations[create]["responses"]["201"]["links"]
        assert {link["operationId"] for link in links.values()} == {
            f"get{prefix}Position",
            f"update{prefix}Position",
            f"delete{prefix}Position",
        }


def test_never_null_marks_only_properties_the_request_schemas_let_be_null():
    # x-never-null narrows what valid generated data sends (null is left out); it must not mark
    # a property the schema already keeps from null, nor one outside the request schemas.
    marked = []
    for name, schema in SCHEMAS.items():
        for prop, definition in schema.get("properties", {}).items():
            if definition.get("x-never-null"):
                marked.append((name, prop))
                target = definition
                if "$ref" in definition:
                    target = SCHEMAS[definition["$ref"].rsplit("/", 1)[-1]]
                assert None in target.get("enum", ()) or "null" in target.get("type", ()), prop
    assert {name for name, _ in marked} == {"workPositionCreate", "workPositionUpdate"}
    assert {prop for _, prop in marked} == {"categories", "colleagues", "allowedAudiences"}


def test_metadata_only_names_are_no_property_the_request_schemas_declare():
    declared = {p for schema in SCHEMAS.values() for p in schema.get("properties", {})}
    for name in ("workPositionCreate", "workPositionUpdate"):
        metadata_only = set(SCHEMAS[name]["x-graph-metadata-only"])
        assert metadata_only and not metadata_only & (declared - {"sources"})
    # `sources` is in the response schema only: Graph returns it, no page lets a client set it.
    assert "sources" not in SCHEMAS["workPositionCreate"]["properties"]


def test_query_parameters_hold_the_values_every_conforming_service_takes():
    parameters = CONTRACT.document["components"]["parameters"]

    assert parameters["top"]["schema"]["minimum"] >= 1
    assert parameters["top"]["schema"]["maximum"] <= 100
    assert parameters["skip"]["schema"]["maximum"] <= 3  # the paging test keeps more positions
    assert {v.split()[0] for v in parameters["orderby"]["schema"]["items"]["enum"]} == {
        "createdDateTime"
    }

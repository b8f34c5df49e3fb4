"""What the property suite generates, drawn offline with fixed seeds: valid bodies hold only
values every conforming service must accept, invalid ones are invalid by a doc sentence, reads
carry only the query values the List and Get pages document, and each kind of failure lands on
the requirement it breaks (property/valid_data.py, property/check_requirements.py)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from schemathesis import BaseSchema, Case
from schemathesis.core import NotSet
from schemathesis.generation import GenerationMode
from schemathesis.generation.drivers import CoverageGenerator
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.generation.overrides import with_config_headers

from positions_harness.checks.expect import RequirementViolation
from positions_harness.config.profiles import PROFILES
from positions_harness.contract.spec import load_contract
from positions_harness.property.check_requirements import (
    requirements_broken,
)
from positions_harness.property.client_transport import WITH_TOKEN
from positions_harness.property.doc_invalidity import NO_BODY, REQUEST_SCHEMAS, doc_invalidity
from positions_harness.property.judge import judge
from positions_harness.property.schema import (
    _content_type,
    _raw_contract,
    load_contract_schema,
    only_what_the_docs_decide,
)
from positions_harness.property.valid_data import (
    as_must_accept,
    maybe_refused,
    request_rules,
)
from positions_harness.transport.client import GraphClient
from positions_harness.transport.redaction import Secret
from positions_reference import GraphPositionsApp, create_app

from .support.servers import serving

SEED = 20240607
DRAWS = 150  # random cases per operation and mode, on top of the coverage walk
PARAMETERS = {"user-id": "u-1", "workPosition-id": "p-1"}
ALL_OPTIONS = frozenset({"$top", "$skip", "$orderby", "$select"})
TOP_SKIP = ("$top", "$skip")
CONTROL = re.compile("[\x00-\x1f\x7f]")
COLLECTIONS_AND_FLAGS = {"categories", "colleagues", "allowedAudiences"}
DATES = {"startMonthYear", "endMonthYear"}
METADATA_ONLY = {
    "isSearchable",
    "sources",
    "employeeId",
    "employeeType",
    "secondaryJobTitle",
    "secondaryRole",
    "costCenter",
    "division",
    "relationshipLabel",
}


# ------------------------------------------------------------------------------ drawing cases
def offline_schema(query_options: frozenset[str] = frozenset()) -> BaseSchema:
    """The contract as the property suite loads it (nightly: the coverage walk everywhere)."""
    client = GraphClient("http://unused.invalid/beta", Secret("t"))
    return load_contract_schema(
        client, PROFILES["nightly"], PARAMETERS, SEED, query_options=query_options
    )


def drawn(
    schema: BaseSchema,
    operation_id: str,
    modes: tuple[GenerationMode, ...],
    draws: int = DRAWS,
) -> list[Case]:
    """The coverage walk of one operation plus `draws` random cases per mode, deterministically."""
    operation = next(
        result.ok()
        for result in schema.get_all_operations()
        if result.ok().definition.raw["operationId"] == operation_id
    )
    generation = schema.config.generation_for(operation=operation, phase="coverage")
    override = with_config_headers(schema.config, operation=operation)  # the path parameters
    cases = list(
        CoverageGenerator(
            operation=operation,
            generation_modes=generation.modes,
            generation_config=generation,
            auth_storage=None,
            override=override,
            feedback=FeedbackSources(),
        )
    )
    for mode in modes:
        strategy = operation.as_strategy(generation_mode=mode, **override.as_strategy_kwargs())

        @hypothesis.settings(
            max_examples=draws,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[hypothesis.Phase.generate],
            suppress_health_check=list(hypothesis.HealthCheck),
        )
        @hypothesis.given(strategy)
        def collect(case: Case) -> None:
            cases.append(case)

        collect()
    return cases


BOTH = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


@functools.cache
def body_cases() -> tuple[Case, ...]:
    schema = offline_schema()
    return tuple(
        case for op in ("createMyPosition", "updateMyPosition") for case in drawn(schema, op, BOTH)
    )


def valid_bodies() -> list[tuple[str, Any]]:
    return [(c.method.upper(), c.body) for c in body_cases() if c.meta.generation.mode.is_positive]


def invalid_cases() -> list[Case]:
    return [
        c
        for c in body_cases()
        if c.meta.generation.mode.is_negative and c.method.upper() in REQUEST_SCHEMAS
    ]


def body_of(case: Case) -> Any:
    return NO_BODY if isinstance(case.body, NotSet) else case.body


def walk(value: Any, key: str | None = None) -> Iterator[tuple[str | None, Any]]:
    """Every (property name, value) in a body, the body itself under None."""
    yield key, value
    if isinstance(value, dict):
        for name, item in value.items():
            yield from walk(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item, key)


def forms_a_service_may_refuse(method: str, body: Any) -> list[str]:
    """The forms the issue names, found without property/valid_data.py."""
    found = ["an empty update"] if method == "PATCH" and body == {} else []
    for key, value in walk(body):
        if key == "layer" and isinstance(value, float):
            found.append(f"layer as the float {value!r}")
        if key in COLLECTIONS_AND_FLAGS and value is None:
            found.append(f"{key}: null")
        if value == "unknownFutureValue":
            found.append(f"{key}: unknownFutureValue")
        if isinstance(value, str) and CONTROL.search(value):
            found.append(f"{key}: a control character in {value!r}")
        if key == "@odata.type" and not str(value).startswith("#"):
            found.append(f"@odata.type {value!r} without #")
        if key in DATES and isinstance(value, str) and not 1900 <= int(value[:4]) <= 2200:
            found.append(f"{key}: {value}")
    return found


# ------------------------------------------------------------------------------ valid bodies
def test_valid_bodies_hold_only_what_every_conforming_service_must_accept():
    bodies = valid_bodies()
    contract = load_contract()

    assert len(bodies) > 300
    for method, body in bodies:
        assert not forms_a_service_may_refuse(method, body), body
        assert not contract.schema_errors(REQUEST_SCHEMAS[method], body), body
    # ... and they still exercise each property the rewrite touches, with must-accept values.
    values = [(key, value) for _, body in bodies for key, value in walk(body)]
    assert any(k == "layer" and type(v) is int for k, v in values)
    assert {-2147483648, 2147483647} <= {v for k, v in values if k == "layer"}  # Int32 bounds
    assert any(k == "categories" and isinstance(v, list) for k, v in values)
    assert any(k == "colleagues" and isinstance(v, list) for k, v in values)
    assert any(k == "allowedAudiences" and isinstance(v, str) for k, v in values)
    assert any(k == "relationship" and isinstance(v, str) for k, v in values)
    assert any(k == "@odata.type" for k, v in values)
    assert any(k in DATES and isinstance(v, str) for k, v in values)
    assert any(k == "company" and v is None for k, v in values)  # null where Graph allows it


def test_without_the_rewrite_valid_bodies_would_hold_what_a_service_may_refuse():
    # The same generation straight from the spec: every form the rewrite removes shows up, so
    # the test above would notice the rewrite going missing.
    config = schemathesis.Config.from_dict({"seed": SEED, "parameters": PARAMETERS})
    bare = schemathesis.openapi.from_dict(_raw_contract(), config=config)
    cases = drawn(bare, "createMyPosition", (GenerationMode.POSITIVE,))
    cases += drawn(bare, "updateMyPosition", (GenerationMode.POSITIVE,))
    found = " ".join(
        form
        for case in cases
        if case.meta.generation.mode.is_positive
        for form in forms_a_service_may_refuse(case.method.upper(), case.body)
    )

    for form in ("layer as the float", ": null", "unknownFutureValue", "control character"):
        assert form in found
    assert "without #" in found and "an empty update" in found


def test_each_form_a_service_may_refuse_is_rewritten_to_one_it_must_take():
    body = {
        "@odata.type": "microsoft.graph.workPosition",
        "allowedAudiences": None,
        "categories": None,
        "colleagues": [{"displayName": "Ann\x00\x1f", "relationship": "unknownFutureValue"}],
        "detail": {
            "layer": 191.0,
            "jobTitle": "Lead\x7f\nEngineer",
            "startMonthYear": "0001-02-03",
            "endMonthYear": "2400-02-29",
            "company": None,
        },
        "isCurrent": None,
    }

    rewritten = as_must_accept(body)

    assert len(maybe_refused(body)) == 9
    assert maybe_refused(rewritten) == []
    assert rewritten == {
        "@odata.type": "#microsoft.graph.workPosition",
        "colleagues": [{"displayName": "Ann"}],
        "detail": {
            "layer": 191,
            "jobTitle": "LeadEngineer",
            "startMonthYear": "1900-02-03",
            "endMonthYear": "2200-02-28",
            "company": None,
        },
        "isCurrent": None,
    }
    assert type(rewritten["detail"]["layer"]) is int
    assert not load_contract().schema_errors("workPositionCreate", rewritten)


def test_the_rules_are_read_from_the_request_schemas():
    rules = request_rules()

    assert rules.integers == {"layer"}
    assert rules.dates == DATES
    assert rules.never_null == COLLECTIONS_AND_FLAGS
    assert rules.with_sentinel == {"allowedAudiences", "relationship"}
    assert rules.metadata_only == METADATA_ONLY


# ------------------------------------------------------------------------------ invalid bodies
def test_every_invalid_body_sent_is_invalid_by_a_doc_sentence_and_every_kind_is_sent():
    cases = invalid_cases()
    kinds = set()
    for case in cases:
        broken = doc_invalidity(case.method, body_of(case), _content_type(case))
        assert broken, case.body
        kinds.update(broken)

    assert len(cases) > 300
    assert kinds == {f"POS-VALID-00{n}" for n in range(1, 9)}


def test_an_unknown_property_probe_never_rests_on_a_name_graph_metadata_has():
    schemas = load_contract().document["components"]["schemas"]
    declared = {name for schema in schemas.values() for name in schema.get("properties", {})}
    probes = [
        case
        for case in invalid_cases()
        if "POS-VALID-001" in doc_invalidity(case.method, body_of(case), _content_type(case))
    ]

    assert probes
    for case in probes:
        unknown = {k for k, _ in walk(case.body) if k is not None and k not in declared}
        assert unknown - METADATA_ONLY, case.body


@pytest.mark.parametrize("name", sorted(METADATA_ONLY))
@pytest.mark.parametrize("where", ["top", "detail", "company", "colleague"])
def test_a_name_graph_metadata_has_is_no_unknown_property(name, where):
    body = {
        "top": {name: "x"},
        "detail": {"detail": {name: "x"}},
        "company": {"detail": {"company": {name: "x"}}},
        "colleague": {"colleagues": [{name: "x"}]},
    }[where]

    for method in ("POST", "PATCH"):
        assert doc_invalidity(method, body, "application/json") == ()
    assert doc_invalidity("POST", {**body, "rank": 1}, "application/json") == ("POS-VALID-001",)


NEITHER_VALID_NOR_INVALID = [
    # What the strict schema refuses but no doc sentence does, so it is never sent as invalid.
    ("a server-managed property", "POST", {"id": "x", "createdDateTime": "2020-01-01T00:00:00Z"}),
    ("source on update", "PATCH", {"source": {"type": "User"}}),
    ("an @odata.type the docs do not name", "POST", {"@odata.type": "#x.y"}),
    ("a nested @odata.type as a number", "POST", {"detail": {"@odata.type": 3}}),
    ("null in a collection", "POST", {"categories": [None]}),
    ("a timestamp for an Edm.Date", "POST", {"detail": {"endMonthYear": "2020-01-01T00:00:00Z"}}),
]
BY_A_DOC_SENTENCE = [
    ("an unknown property", "POST", {"rank": 1}, "POS-VALID-001"),
    ("an unknown nested property", "PATCH", {"detail": {"grade": 3}}, "POS-VALID-001"),
    ("text for an Int32", "POST", {"detail": {"layer": "Integer"}}, "POS-VALID-002"),
    ("a fraction for an Int32", "POST", {"detail": {"layer": 1.5}}, "POS-VALID-002"),
    ("an Int32 out of range", "PATCH", {"detail": {"layer": 2**31}}, "POS-VALID-002"),
    ("a number for a string", "POST", {"detail": {"jobTitle": 7}}, "POS-VALID-002"),
    ("an object for a collection", "POST", {"categories": {"a": 1}}, "POS-VALID-002"),
    ("an audience outside its enum", "POST", {"allowedAudiences": "world"}, "POS-VALID-003"),
    (
        "a relationship outside its enum",
        "POST",
        {"manager": {"relationship": "boss"}},
        "POS-VALID-004",
    ),
    ("a non-date", "PATCH", {"detail": {"startMonthYear": "datetime-value"}}, "POS-VALID-005"),
    ("bytes that are no JSON", "POST", b"\x00{", "POS-VALID-006"),
    ("an array", "PATCH", [{"isCurrent": True}], "POS-VALID-007"),
]


@pytest.mark.parametrize(
    ("method", "body"), [pytest.param(m, b, id=d) for d, m, b in NEITHER_VALID_NOR_INVALID]
)
def test_what_only_the_schemas_strictness_refuses_is_not_invalid_input(method, body):
    assert doc_invalidity(method, body, "application/json") == ()
    assert load_contract().schema_errors(REQUEST_SCHEMAS[method], body)  # the schema refuses it


@pytest.mark.parametrize(
    ("method", "body", "requirement"),
    [pytest.param(m, b, r, id=d) for d, m, b, r in BY_A_DOC_SENTENCE],
)
def test_what_a_doc_sentence_makes_invalid_breaks_that_requirement_alone(method, body, requirement):
    assert doc_invalidity(method, body, "application/json") == (requirement,)
    # a grey value beside it changes nothing
    if isinstance(body, dict):
        with_grey = {**body, "id": "mine", "isSearchable": True}
        assert doc_invalidity(method, with_grey, "application/json") == (requirement,)


def test_an_invalid_case_goes_out_only_with_a_doc_sentence_behind_it():
    negative = next(c for c in invalid_cases() if c.method.upper() == "POST")

    negative.body = {"isSearchable": True, "id": "mine"}
    assert negative.meta.generation.mode.is_negative  # the schema still calls it invalid
    assert not only_what_the_docs_decide(None, negative)
    negative.body = {"isSearchable": True, "nickname": "x"}
    assert only_what_the_docs_decide(None, negative)


def test_a_valid_empty_update_is_not_sent():
    update = next(
        c
        for c in body_cases()
        if c.method.upper() == "PATCH" and c.meta.generation.mode.is_positive
    )
    update.body = {"categories": None}  # empty once the null collection is left out

    assert not only_what_the_docs_decide(None, update)
    update.body = {"isCurrent": False}
    assert only_what_the_docs_decide(None, update)


# ------------------------------------------------------------------------------ query options
@functools.cache
def read_cases(query_options: frozenset[str]) -> tuple[Case, ...]:
    schema = offline_schema(query_options)
    modes = (GenerationMode.POSITIVE,)
    return tuple(c for op in ("listMyPositions", "getMyPosition") for c in drawn(schema, op, modes))


def test_generated_reads_carry_only_query_values_the_pages_document():
    cases = read_cases(ALL_OPTIONS)
    sent: dict[str, set[Any]] = {}
    for case in cases:
        for name, value in (case.query or {}).items():
            if isinstance(value, list):
                value = ",".join(map(str, value))
            sent.setdefault(name, set()).add(int(value) if name in TOP_SKIP else str(value))

    assert sent["$top"] and all(1 <= top <= 100 for top in sent["$top"])
    assert sent["$skip"] and all(0 <= skip <= 3 for skip in sent["$skip"])
    assert {"createdDateTime desc", "createdDateTime asc"} <= sent["$orderby"]
    assert not [o for o in sent["$orderby"] if "lastModifiedDateTime" in o]
    assert sent["$select"]


def test_reads_of_the_tests_without_query_options_carry_none():
    assert not [c.query for c in read_cases(frozenset()) if c.query]


@pytest.mark.parametrize(
    ("path", "query", "charged"),
    [
        ("/me/profile/positions", {"$top": 5}, ("POS-LIST-003",)),
        ("/me/profile/positions", {"$skip": 3, "$orderby": ["createdDateTime"]}, ("POS-LIST-003",)),
        ("/me/profile/positions", {"$select": ["id"]}, ("POS-LIST-004",)),
        ("/me/profile/positions", {"$top": 1, "$select": ["id"]}, ("POS-LIST-003", "POS-LIST-004")),
        ("/me/profile/positions/{workPosition-id}", {"$select": ["id"]}, ("POS-GET-003",)),
        ("/me/profile/positions", None, ("POS-LIST-001",)),
        ("/me/profile/positions/{workPosition-id}", {}, ("POS-GET-001",)),
    ],
)
@pytest.mark.parametrize("check", ["positive_data_acceptance", "status_code_conformance"])
def test_a_read_failing_with_a_query_option_breaks_that_options_requirement(
    check, path, query, charged
):
    broken = requirements_broken(
        check, "GET", path, 400, NO_BODY, None, negative=False, query=query
    )

    assert broken == charged
    # a server error is a server error, whatever the request carried
    assert requirements_broken(check, "GET", path, 500, NO_BODY, None, False, query=query) in (
        charged,
        ("POS-ERR-002",),
    )


class RefusesEveryQueryOption(GraphPositionsApp):
    """A service that answers 400 to any query option (no $top, $select ... support)."""

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:  # type: ignore[override]
        if environ.get("QUERY_STRING"):
            environ = {**environ, "QUERY_STRING": "$filter=refused"}  # the reference's 400
        return super().__call__(environ, start_response)


def test_a_query_option_failure_on_a_users_form_is_not_charged_to_addressing():
    with serving(RefusesEveryQueryOption()) as url:
        client = GraphClient(url, Secret("tok"))
        user = client.get("/me").json()["id"]
        created = client.post("/me/profile/positions", json={"isCurrent": True}).json()["id"]
        schema = load_contract_schema(
            client,
            PROFILES["quick"],
            {"user-id": user, "workPosition-id": created},
            SEED,
            query_options=ALL_OPTIONS,
        )
        found = {}
        for operation, query in (
            ("listUserPositions", {"$top": 2}),
            ("getUserPosition", {"$select": "id"}),
            ("listUserPositions", {}),
        ):
            case = drawn(schema, operation, (GenerationMode.POSITIVE,), draws=1)[0]
            case.query = query
            response = case.call(**WITH_TOKEN)
            try:
                judge(
                    case,
                    response,
                    ["positive_data_acceptance", "status_code_conformance"],
                    transport_kwargs=WITH_TOKEN,
                    redact=str,
                    addressing_requirement="POS-ADDR-001",
                )
            except RequirementViolation as violation:
                found[(operation, bool(query))] = violation.requirement_ids

    assert found == {
        ("listUserPositions", True): ("POS-LIST-003",),
        ("getUserPosition", True): ("POS-GET-003",),
    }


def test_the_reference_takes_every_documented_query_value():
    # The positive side of the above: a conforming service answers every generated read.
    with serving(create_app()) as url:
        client = GraphClient(url, Secret("tok"))
        user = client.get("/me").json()["id"]
        created = client.post("/me/profile/positions", json={"isCurrent": True}).json()["id"]
        parameters = {"user-id": user, "workPosition-id": created}
        schema = load_contract_schema(
            client, PROFILES["quick"], parameters, SEED, query_options=ALL_OPTIONS
        )
        statuses = {
            case.call(**WITH_TOKEN).status_code
            for operation in ("listMyPositions", "getMyPosition")
            for case in drawn(schema, operation, (GenerationMode.POSITIVE,), draws=40)
        }

    assert statuses == {200}


def test_dates_in_range_keep_their_month_and_day():
    for value in ("1899-12-31", "2201-01-01", "0004-02-29", "2000-02-29"):
        rewritten = as_must_accept({"detail": {"startMonthYear": value}})["detail"]
        date = dt.date.fromisoformat(rewritten["startMonthYear"])
        assert 1900 <= date.year <= 2200
        assert (date.month, date.day) in {(12, 31), (1, 1), (2, 28), (2, 29)}

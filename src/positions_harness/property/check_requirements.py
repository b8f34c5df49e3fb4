"""Which requirement a failed Schemathesis check breaks: the mapping (data) and its rules.

Most checks name one requirement. Four depend on the case:

* `positive_data_acceptance` and `ensure_resource_availability` break the success requirement
  of the operation (a valid create answers 201: POS-CREATE-001, ...);
* `status_code_conformance` breaks POS-ERR-002 for a 5xx, the invalid-input requirement for an
  invalid request, and the operation's success requirement otherwise;
* `response_schema_conformance` breaks POS-ERR-001 for an error body, POS-ME-001 for GET /me
  and POS-TYPE-001 for a position or a list;
* `negative_data_rejection` breaks the POS-VALID requirement the invalid part violates (an
  unknown property POS-VALID-001, an allowedAudiences outside its enum POS-VALID-003, ...),
  found by validating the body against the contract's strict request schema.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from jsonschema.exceptions import ValidationError

from ..contract.spec import Contract, load_contract

SERVER_ERROR, ERROR_BODY, POSITION_BODY, ME_BODY = (
    "POS-ERR-002",
    "POS-ERR-001",
    "POS-TYPE-001",
    "POS-ME-001",
)
NOT_JSON, NOT_AN_OBJECT, WRONG_MEDIA_TYPE = "POS-VALID-006", "POS-VALID-007", "POS-VALID-008"
UNKNOWN_PROPERTY, WRONG_TYPE, DATE_FORMAT = "POS-VALID-001", "POS-VALID-002", "POS-VALID-005"
ENUM_REQUIREMENTS = {  # the property whose enum a value is outside of -> requirement
    "allowedAudiences": "POS-VALID-003",
    "type": "POS-VALID-004",  # physicalAddress.type
    "relationship": "POS-VALID-004",  # relatedPerson.relationship
}
INVALID_INPUT_REQUIREMENTS = frozenset(
    {NOT_JSON, NOT_AN_OBJECT, WRONG_MEDIA_TYPE, UNKNOWN_PROPERTY, WRONG_TYPE, DATE_FORMAT}
    | set(ENUM_REQUIREMENTS.values())
)

# Rules for the checks whose requirement depends on the case (see the module docstring).
SUCCESS, STATUS, BODY, INVALID_INPUT = "success", "status", "body", "invalid-input"

# check name -> the requirement its failure breaks, or the rule that picks it
CHECK_REQUIREMENTS: dict[str, str] = {
    "not_a_server_error": SERVER_ERROR,
    "status_code_conformance": STATUS,
    "content_type_conformance": "POS-ERR-003",
    "response_schema_conformance": BODY,
    "negative_data_rejection": INVALID_INPUT,
    "positive_data_acceptance": SUCCESS,
    "ignored_auth": "POS-AUTH-001",
    "use_after_free": "POS-DELETE-002",
    "ensure_resource_availability": SUCCESS,
}

# The checks each kind of property test runs. use_after_free and ensure_resource_availability
# need the history of a sequence, so they belong to the stateful test only.
STATELESS_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "ignored_auth",
)
STATEFUL_CHECKS = (*STATELESS_CHECKS, "use_after_free", "ensure_resource_availability")

# (method, the path's end) -> the requirement a valid request of that operation must meet
SUCCESS_REQUIREMENTS = {
    ("GET", "/me"): "POS-ME-001",
    ("POST", "/positions"): "POS-CREATE-001",
    ("GET", "/positions"): "POS-LIST-001",
    ("GET", "/{workPosition-id}"): "POS-GET-001",
    ("PATCH", "/{workPosition-id}"): "POS-UPDATE-001",
    ("DELETE", "/{workPosition-id}"): "POS-DELETE-001",
}

# The strict request schema of each method that takes a body.
REQUEST_SCHEMAS = {"POST": "workPositionCreate", "PATCH": "workPositionUpdate"}


class _NoBody:
    def __repr__(self) -> str:
        return "NO_BODY"


NO_BODY = _NoBody()  # the request had no body at all


def success_requirement(method: str, path: str) -> str:
    for (wanted_method, suffix), requirement in SUCCESS_REQUIREMENTS.items():
        if method.upper() == wanted_method and path.endswith(suffix):
            return requirement
    raise KeyError(f"no success requirement for {method} {path}")


def requirements_broken(
    check: str,
    method: str,
    path: str,
    status: int,
    body: Any,
    content_type: str | None,
    negative: bool,
    contract: Contract | None = None,
) -> tuple[str, ...]:
    """The requirement(s) a failure of `check` breaks, given the request and the answer.

    `path` is the operation's path template; `negative` says whether Schemathesis generated the
    request to be invalid; `body` is NO_BODY when the request had none.
    """
    rule = CHECK_REQUIREMENTS[check]
    if rule == SUCCESS:
        return (success_requirement(method, path),)
    if rule == STATUS:
        if status >= 500:
            return (SERVER_ERROR,)
        if negative and method.upper() in REQUEST_SCHEMAS:
            return invalid_input_requirements(method, body, content_type, contract)
        return (success_requirement(method, path),)
    if rule == BODY:
        if status >= 400:
            return (ERROR_BODY,)
        return (ME_BODY,) if path == "/me" else (POSITION_BODY,)
    if rule == INVALID_INPUT:
        if method.upper() not in REQUEST_SCHEMAS:
            raise ValueError(f"invalid input is generated for request bodies only, not {method}")
        return invalid_input_requirements(method, body, content_type, contract)
    return (rule,)


def invalid_input_requirements(
    method: str, body: Any, content_type: str | None, contract: Contract | None = None
) -> tuple[str, ...]:
    """The POS-VALID requirements an invalid request body violates."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        return (WRONG_MEDIA_TYPE,)
    if body is NO_BODY:
        return (NOT_JSON,)
    if not isinstance(body, dict):
        return (NOT_AN_OBJECT,)
    validator = (contract or load_contract()).validator(REQUEST_SCHEMAS[method.upper()])
    found = {_requirement_of(error) for error in _leaf_errors(validator.iter_errors(body))}
    # A body Schemathesis made invalid where the schema cannot see it (e.g. in serialisation)
    # holds, as far as the contract can tell, a value its type cannot hold.
    return tuple(sorted(found)) or (WRONG_TYPE,)


def requirements_checked(checks: Iterable[str], operations: Iterable[tuple[str, str]]) -> set[str]:
    """Every requirement the checks can break on these (method, path template) operations."""
    return {
        requirement
        for check in checks
        for method, path in operations
        for requirement in _possible(CHECK_REQUIREMENTS[check], method.upper(), path)
    }


def marker_ids(
    checks: Iterable[str],
    path_pattern: str,
    methods: Iterable[str] = ("GET", "POST", "PATCH", "DELETE"),
    also: Iterable[str] = (),
) -> tuple[str, ...]:
    """The requirement marker of a property test over the contract's operations whose path
    matches `path_pattern` and whose method is one of `methods`, plus the ids in `also`."""
    wanted = {m.upper() for m in methods}
    operations = [
        (op["method"].upper(), op["path"])
        for op in load_contract().operations.values()
        if re.search(path_pattern, op["path"]) and op["method"].upper() in wanted
    ]
    if not operations:
        raise ValueError(f"no operation of {sorted(wanted)} matches {path_pattern!r}")
    return tuple(sorted(requirements_checked(checks, operations) | set(also)))


def _possible(rule: str, method: str, path: str) -> set[str]:
    invalid_input = set(INVALID_INPUT_REQUIREMENTS) if method in REQUEST_SCHEMAS else set()
    if rule == SUCCESS:
        return {success_requirement(method, path)}
    if rule == STATUS:
        return {success_requirement(method, path), SERVER_ERROR, *invalid_input}
    if rule == BODY:
        return {ERROR_BODY, ME_BODY if path == "/me" else POSITION_BODY}
    if rule == INVALID_INPUT:
        return invalid_input
    return {rule}


def _leaf_errors(errors: Iterable[ValidationError]) -> Iterator[ValidationError]:
    """The errors that say what is wrong, looking through anyOf [X, null] to the X branch."""
    for error in errors:
        if error.validator in ("anyOf", "oneOf") and error.context:
            relevant = [e for e in error.context if e.validator_value != "null"]
            yield from _leaf_errors(relevant or error.context)
        else:
            yield error


def _requirement_of(error: ValidationError) -> str:
    if error.validator == "additionalProperties":
        return UNKNOWN_PROPERTY
    if error.validator == "enum":
        name = str(error.absolute_path[-1]) if error.absolute_path else ""
        return ENUM_REQUIREMENTS.get(name, WRONG_TYPE)  # @odata.type naming an unknown type
    if error.validator == "format":
        return DATE_FORMAT
    return WRONG_TYPE  # a type, and layer's Int32 range (DOC-LAYER-TYPE)

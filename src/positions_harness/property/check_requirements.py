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
  found by validating the body against the contract's strict request schema and keeping what
  a doc sentence makes invalid (`doc_invalidity`).

A failure is charged to the requirement it breaks, never to a stronger one. A read whose
request carried a query option and did not succeed breaks the requirement of that option
(`QUERY_OPTION_REQUIREMENTS`: $top/$skip/$orderby POS-LIST-003, $select POS-LIST-004 on a
list and POS-GET-003 on a get), not the operation's success requirement nor an addressing one:
the option is what the request added to a plain read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..contract.spec import Contract, load_contract
from .doc_invalidity import (
    INVALID_INPUT_REQUIREMENTS,
    REQUEST_SCHEMAS,
    WRONG_TYPE,
    doc_invalidity,
)

SERVER_ERROR, ERROR_BODY, POSITION_BODY, ME_BODY = (
    "POS-ERR-002",
    "POS-ERR-001",
    "POS-TYPE-001",
    "POS-ME-001",
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

# (the path's end) -> query option -> the requirement of a read carrying it. Every one is tied
# to a target feature (paging, select), so a test sending these options names them in a marker
# of its own and a target that does not claim the feature sees it not_claimed. $orderby has no
# requirement of its own: it goes with paging, whose $skip means something only over an order.
QUERY_OPTION_REQUIREMENTS: dict[str, dict[str, str]] = {
    "/positions": {
        "$top": "POS-LIST-003",
        "$skip": "POS-LIST-003",
        "$orderby": "POS-LIST-003",
        "$select": "POS-LIST-004",
    },
    "/{workPosition-id}": {"$select": "POS-GET-003"},
}


def success_requirement(method: str, path: str) -> str:
    for (wanted_method, suffix), requirement in SUCCESS_REQUIREMENTS.items():
        if method.upper() == wanted_method and path.endswith(suffix):
            return requirement
    raise KeyError(f"no success requirement for {method} {path}")


def query_option_requirements(
    method: str, path: str, query: Mapping[str, Any] | None
) -> tuple[str, ...]:
    """The requirements of the query options a read carried (none for other requests)."""
    if method.upper() != "GET" or not query:
        return ()
    for suffix, options in QUERY_OPTION_REQUIREMENTS.items():
        if path.endswith(suffix):
            return tuple(dict.fromkeys(options[name] for name in query if name in options))
    return ()


def requirements_broken(
    check: str,
    method: str,
    path: str,
    status: int,
    body: Any,
    content_type: str | None,
    negative: bool,
    contract: Contract | None = None,
    query: Mapping[str, Any] | None = None,
) -> tuple[str, ...]:
    """The requirement(s) a failure of `check` breaks, given the request and the answer.

    `path` is the operation's path template; `negative` says whether Schemathesis generated the
    request to be invalid; `body` is NO_BODY when the request had none; `query` holds the query
    options the request carried.
    """
    rule = CHECK_REQUIREMENTS[check]
    if rule == SUCCESS:
        return query_option_requirements(method, path, query) or (
            success_requirement(method, path),
        )
    if rule == STATUS:
        if status >= 500:
            return (SERVER_ERROR,)
        if negative and method.upper() in REQUEST_SCHEMAS:
            return invalid_input_requirements(method, body, content_type, contract)
        return query_option_requirements(method, path, query) or (
            success_requirement(method, path),
        )
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
    # A body Schemathesis made invalid where the schema cannot see it (e.g. in serialisation)
    # holds, as far as the contract can tell, a value its type cannot hold. (The property suite
    # sends no invalid case without a doc_invalidity, so this is a fallback only.)
    return doc_invalidity(method, body, content_type, contract) or (WRONG_TYPE,)


def requirements_checked(
    checks: Iterable[str],
    operations: Iterable[tuple[str, str]],
    query_options: Iterable[str] = (),
) -> set[str]:
    """Every requirement the checks can break on these (method, path template) operations, when
    the generated reads may carry `query_options`."""
    options = tuple(query_options)
    return {
        requirement
        for check in checks
        for method, path in operations
        for requirement in _possible(CHECK_REQUIREMENTS[check], method.upper(), path, options)
    }


def marker_ids(
    checks: Iterable[str],
    path_pattern: str,
    methods: Iterable[str] = ("GET", "POST", "PATCH", "DELETE"),
    also: Iterable[str] = (),
    query_options: Iterable[str] = (),
) -> tuple[str, ...]:
    """The requirement marker of a property test over the contract's operations whose path
    matches `path_pattern` and whose method is one of `methods`, plus the ids in `also`, when
    its reads may carry `query_options`."""
    wanted = {m.upper() for m in methods}
    operations = [
        (op["method"].upper(), op["path"])
        for op in load_contract().operations.values()
        if re.search(path_pattern, op["path"]) and op["method"].upper() in wanted
    ]
    if not operations:
        raise ValueError(f"no operation of {sorted(wanted)} matches {path_pattern!r}")
    checked = requirements_checked(checks, operations, query_options)
    return tuple(sorted(checked | set(also)))


def _possible(rule: str, method: str, path: str, options: tuple[str, ...] = ()) -> set[str]:
    invalid_input = set(INVALID_INPUT_REQUIREMENTS) if method in REQUEST_SCHEMAS else set()
    with_options = set(query_option_requirements(method, path, dict.fromkeys(options)))
    if rule == SUCCESS:
        return {success_requirement(method, path), *with_options}
    if rule == STATUS:
        return {success_requirement(method, path), SERVER_ERROR, *invalid_input, *with_options}
    if rule == BODY:
        return {ERROR_BODY, ME_BODY if path == "/me" else POSITION_BODY}
    if rule == INVALID_INPUT:
        return invalid_input
    return {rule}

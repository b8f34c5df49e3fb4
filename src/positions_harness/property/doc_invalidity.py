"""Which POS-VALID requirement a doc sentence makes a request body break: the invalid-input
rules of the property suite. An invalid case counts only where a page says the value is
invalid (a wrong JSON type for a documented type, a value outside a documented enum, a non-date
for an Edm.Date, a body that is not a JSON object); what only the spec's strictness refuses
(null where no page forbids it, @odata.type values, Graph-metadata-only names, server-managed
properties) is decided by no doc sentence and is never charged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from jsonschema.exceptions import ValidationError

from ..contract.instants import parse_rfc3339
from ..contract.spec import Contract, load_contract
from .valid_data import TOLERATED_EXTRAS, RequestRules, request_rules

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

# The strict request schema of each method that takes a body.
REQUEST_SCHEMAS = {"POST": "workPositionCreate", "PATCH": "workPositionUpdate"}


class _NoBody:
    def __repr__(self) -> str:
        return "NO_BODY"


NO_BODY = _NoBody()  # the request had no body at all


def doc_invalidity(
    method: str,
    body: Any,
    content_type: str | None,
    contract: Contract | None = None,
    rules: RequestRules | None = None,
) -> tuple[str, ...]:
    """The POS-VALID requirements under which a doc sentence makes this request body invalid;
    empty when nothing does (the body is valid, or invalid only by the schema's strictness:
    see property/valid_data.py)."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        return (WRONG_MEDIA_TYPE,)
    if body is NO_BODY:
        return (NOT_JSON,)
    if isinstance(body, bytes | bytearray):  # sent as it is
        try:
            body = json.loads(bytes(body).decode("utf-8"))
        except ValueError:
            return (NOT_JSON,)
    if not isinstance(body, dict):
        return (NOT_AN_OBJECT,)
    rules = rules or request_rules()
    validator = (contract or load_contract()).validator(REQUEST_SCHEMAS[method.upper()])
    found = {
        requirement
        for error in _leaf_errors(validator.iter_errors(body))
        for requirement in _requirements_of(error, method.upper(), rules)
    }
    return tuple(sorted(found))


def _leaf_errors(errors: Iterable[ValidationError]) -> Iterator[ValidationError]:
    """The errors that say what is wrong, looking through anyOf [X, null] to the X branch."""
    for error in errors:
        if error.validator in ("anyOf", "oneOf") and error.context:
            relevant = [e for e in error.context if e.validator_value != "null"]
            yield from _leaf_errors(relevant or error.context)
        else:
            yield error


def _requirements_of(error: ValidationError, method: str, rules: RequestRules) -> Iterator[str]:
    """What a doc sentence says of one schema violation (nothing where none speaks)."""
    path = list(error.absolute_path)
    if error.validator == "additionalProperties":
        declared = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        tolerated = TOLERATED_EXTRAS.get(method, frozenset()) if not path else frozenset()
        extras = [k for k in error.instance if k not in declared]
        # Graph's $metadata names and tolerated server-managed ones are no unknown property.
        if any(k not in rules.metadata_only and k not in tolerated for k in extras):
            yield UNKNOWN_PROPERTY
        return
    if "@odata.type" in path:
        # An annotation no page's property table lists: what a service does with a value it
        # does not know is OData's convention, not a doc sentence.
        return
    if error.instance is None:
        # No page says a property may not be null (only the spec's types leave null out).
        return
    if error.validator == "enum":
        name = str(path[-1]) if path else ""
        yield ENUM_REQUIREMENTS.get(name, WRONG_TYPE)
        return
    if error.validator == "format":
        # The page's JSON representation writes an Edm.Date as "String (timestamp)", so a
        # service may take an RFC 3339 date-time for it (DOC-DATE-PLACEHOLDER).
        if not (isinstance(error.instance, str) and parse_rfc3339(error.instance)):
            yield DATE_FORMAT
        return
    yield WRONG_TYPE  # a type, and layer's Int32 range (DOC-LAYER-TYPE)

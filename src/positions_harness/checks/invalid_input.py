"""Invalid request bodies as data: what is sent, which requirement refuses it, and where the docs
say so. The runner is suites/behaviour/test_validation.py; it sends each case as a create and as
an update and expects a refusal with a Graph error body.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .allowances import FOREIGN_MEDIA_TYPE, INVALID_INPUT, Statuses

JSON = "application/json"
ITEMFACET = "api-reference/beta/resources/itemfacet.md#properties"
POSITION_DETAIL = "api-reference/beta/resources/positiondetail.md#properties"
COMPANY_DETAIL = "api-reference/beta/resources/companydetail.md#properties"
ADDRESS = "api-reference/beta/resources/physicaladdress.md#properties"
RELATED_PERSON = "api-reference/beta/resources/relatedperson.md#properties"
INFERENCE = "api-reference/beta/resources/inferencedata.md#properties"
CREATE_BODY = "api-reference/beta/api/profile-post-positions.md#request-body"
CREATE_HEADERS = "api-reference/beta/api/profile-post-positions.md#request-headers"
ERRORS = "concepts/errors.md#http-status-codes"


@dataclass(frozen=True)
class InvalidInput:
    """One invalid request: `body` is sent as JSON unless `raw` gives the exact bytes."""

    name: str
    description: str
    requirement: str
    doc: str
    body: Any = None
    raw: bytes | None = None
    content_type: str = JSON
    refusals: Statuses = INVALID_INPUT

    def payload(self) -> bytes:
        if self.raw is not None:
            return self.raw
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


def _detail(**values: Any) -> dict[str, Any]:
    return {"detail": {"jobTitle": "Engineer", **values}}


def _address(**values: Any) -> dict[str, Any]:
    return {"detail": {"company": {"displayName": "Contoso", "address": values}}}


CASES: tuple[InvalidInput, ...] = (
    # ---------------------------------------------------------------- POS-VALID-001
    InvalidInput(
        "unknown-top-level-property",
        "a property workPosition does not define",
        "POS-VALID-001",
        CREATE_BODY,
        {"isCurrent": True, "nickname": "The Brand Guy"},
    ),
    InvalidInput(
        "unknown-property-in-detail",
        "a property positionDetail does not define",
        "POS-VALID-001",
        POSITION_DETAIL,
        _detail(salary=100000),
    ),
    InvalidInput(
        "unknown-property-in-address",
        "a property physicalAddress does not define",
        "POS-VALID-001",
        ADDRESS,
        _address(city="Moscow", planet="Earth"),
    ),
    # ---------------------------------------------------------------- POS-VALID-002
    InvalidInput(
        "boolean-as-string",
        "isCurrent is a Boolean, sent as the string 'true'",
        "POS-VALID-002",
        CREATE_BODY,
        {"isCurrent": "true"},
    ),
    InvalidInput(
        "collection-as-string",
        "categories is a String collection, sent as one string",
        "POS-VALID-002",
        ITEMFACET,
        {"categories": "Consulting"},
    ),
    InvalidInput(
        "collection-of-numbers",
        "categories is a String collection, sent with a number in it",
        "POS-VALID-002",
        ITEMFACET,
        {"categories": ["Consulting", 7]},
    ),
    InvalidInput(
        "complex-as-string",
        "detail is a positionDetail object, sent as a string",
        "POS-VALID-002",
        CREATE_BODY,
        {"detail": "Senior Product Branding Manager II"},
    ),
    InvalidInput(
        "string-as-number",
        "detail.jobTitle is a String, sent as a number",
        "POS-VALID-002",
        POSITION_DETAIL,
        {"detail": {"jobTitle": 42}},
    ),
    InvalidInput(
        "int32-as-string",
        "detail.layer is an Int32, sent as a string (see DOC-LAYER-TYPE)",
        "POS-VALID-002",
        POSITION_DETAIL,
        _detail(layer="3"),
    ),
    InvalidInput(
        "int32-as-fraction",
        "detail.layer is an Int32, sent as 1.5",
        "POS-VALID-002",
        POSITION_DETAIL,
        _detail(layer=1.5),
    ),
    InvalidInput(
        "int32-out-of-range",
        "detail.layer is an Int32, sent as 2^31",
        "POS-VALID-002",
        POSITION_DETAIL,
        _detail(layer=2**31),
    ),
    InvalidInput(
        "double-as-string",
        "inference.confidenceScore is a Double, sent as 'high' (see DOC-CONFIDENCE-TYPE)",
        "POS-VALID-002",
        INFERENCE,
        {"inference": {"confidenceScore": "high"}},
    ),
    InvalidInput(
        "related-person-as-string",
        "manager is a relatedPerson object, sent as a string",
        "POS-VALID-002",
        CREATE_BODY,
        {"manager": "Megan Bowen"},
    ),
    InvalidInput(
        "collection-as-object",
        "colleagues is a relatedPerson collection, sent as one object",
        "POS-VALID-002",
        CREATE_BODY,
        {"colleagues": {"displayName": "Adele Vance"}},
    ),
    # ---------------------------------------------------------------- POS-VALID-003
    InvalidInput(
        "audience-outside-enum",
        "allowedAudiences 'world' is not one of the allowedAudiences values",
        "POS-VALID-003",
        ITEMFACET,
        {"allowedAudiences": "world"},
    ),
    InvalidInput(
        "audience-placeholder",
        "allowedAudiences 'String', the placeholder of seed 000 (see DOC-SEED000-PLACEHOLDERS)",
        "POS-VALID-003",
        ITEMFACET,
        {"allowedAudiences": "String"},
    ),
    # ---------------------------------------------------------------- POS-VALID-004
    InvalidInput(
        "address-type-outside-enum",
        "address type 'headquarters' is not one of unknown, home, business, other",
        "POS-VALID-004",
        ADDRESS,
        _address(type="headquarters"),
    ),
    InvalidInput(
        "relationship-outside-enum",
        "manager.relationship 'boss' is not one of the relatedPerson relationships",
        "POS-VALID-004",
        RELATED_PERSON,
        {"manager": {"displayName": "Megan Bowen", "relationship": "boss"}},
    ),
    # ---------------------------------------------------------------- POS-VALID-005
    InvalidInput(
        "date-placeholder",
        "startMonthYear 'datetime-value', the placeholder of the response examples",
        "POS-VALID-005",
        POSITION_DETAIL,
        _detail(startMonthYear="datetime-value"),
    ),
    InvalidInput(
        "date-word",
        "endMonthYear 'Date', the placeholder of seed 000",
        "POS-VALID-005",
        POSITION_DETAIL,
        _detail(endMonthYear="Date"),
    ),
    InvalidInput(
        "date-not-in-calendar",
        "startMonthYear 2021-02-30 is not a calendar date",
        "POS-VALID-005",
        POSITION_DETAIL,
        _detail(startMonthYear="2021-02-30"),
    ),
    InvalidInput(
        "date-with-slashes",
        "startMonthYear 2021/02/01 is not in the Date form YYYY-MM-DD",
        "POS-VALID-005",
        POSITION_DETAIL,
        _detail(startMonthYear="2021/02/01"),
    ),
    # ---------------------------------------------------------------- POS-VALID-006
    InvalidInput(
        "truncated-json",
        "a JSON object cut off before its end",
        "POS-VALID-006",
        ERRORS,
        raw=b'{"isCurrent": true',
    ),
    InvalidInput(
        "single-quoted-json",
        "JavaScript-style single quotes instead of JSON strings",
        "POS-VALID-006",
        ERRORS,
        raw=b"{'isCurrent': true}",
    ),
    InvalidInput(
        "trailing-comma",
        "a comma after the last member",
        "POS-VALID-006",
        ERRORS,
        raw=b'{"isCurrent": true,}',
    ),
    InvalidInput(
        "empty-body",
        "Content-Type application/json with no body at all",
        "POS-VALID-006",
        ERRORS,
        raw=b"",
    ),
    # ---------------------------------------------------------------- POS-VALID-007
    InvalidInput(
        "array-body", "a JSON array of one position", "POS-VALID-007", ERRORS, [{"isCurrent": True}]
    ),
    InvalidInput("string-body", "a JSON string", "POS-VALID-007", ERRORS, "isCurrent"),
    InvalidInput("number-body", "a JSON number", "POS-VALID-007", ERRORS, 42),
    InvalidInput("null-body", "the JSON literal null", "POS-VALID-007", ERRORS, raw=b"null"),
    # ---------------------------------------------------------------- POS-VALID-008
    InvalidInput(
        "text-plain",
        "a valid JSON body labelled text/plain",
        "POS-VALID-008",
        CREATE_HEADERS,
        {"isCurrent": True},
        content_type="text/plain",
        refusals=FOREIGN_MEDIA_TYPE,
    ),
    InvalidInput(
        "form-urlencoded",
        "a form body labelled application/x-www-form-urlencoded",
        "POS-VALID-008",
        CREATE_HEADERS,
        raw=b"isCurrent=true",
        content_type="application/x-www-form-urlencoded",
        refusals=FOREIGN_MEDIA_TYPE,
    ),
    InvalidInput(
        "xml",
        "an XML body labelled application/xml",
        "POS-VALID-008",
        CREATE_HEADERS,
        raw=b"<workPosition><isCurrent>true</isCurrent></workPosition>",
        content_type="application/xml",
        refusals=FOREIGN_MEDIA_TYPE,
    ),
)

# application/json with parameters: the same media type, which a service must accept.
JSON_WITH_PARAMETERS: tuple[str, ...] = (
    "application/json; charset=utf-8",
    "application/json;odata.metadata=minimal",
    "application/json; odata.metadata=minimal; odata.streaming=true; charset=utf-8",
)

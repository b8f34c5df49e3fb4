"""Faults in input validation: what a service takes that it must refuse, or refuses wrongly."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Request

from positions_reference import GraphError, GraphPositionsApp, wire

from . import Fault

SERVER_MANAGED = ("id", "createdDateTime", "createdBy", "lastModifiedDateTime", "lastModifiedBy")


class NoSchemaValidation(GraphPositionsApp):
    """Stores any JSON object as it comes: unknown properties, wrong types, any enum value."""

    def validate_body(self, body: Any, *, for_update: bool) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise GraphError(400, "BadRequest", "The request body must be a JSON object.")
        return {k: v for k, v in body.items() if k not in SERVER_MANAGED and not k.startswith("@")}


class LenientBodyParsing(GraphPositionsApp):
    """Parses any body as JSON whatever its Content-Type, and takes a one-item array's item."""

    def read_json_body(self, request: Request) -> Any:
        request.environ["CONTENT_TYPE"] = "application/json"
        body = super().read_json_body(request)
        return body[0] if isinstance(body, list) and body else body


class CrashesOnMalformedJson(GraphPositionsApp):
    """Parses the body without catching the JSON error: malformed JSON ends in a 500."""

    def read_json_body(self, request: Request) -> Any:
        if not wire.is_json_media_type(request.headers.get("Content-Type")):
            raise GraphError(415, "UnsupportedMediaType", "Content-Type must be application/json.")
        return json.loads(self.read_body(request))


class RefusesJsonWithParameters(GraphPositionsApp):
    """Compares the Content-Type header as a whole string: `; charset=utf-8` is refused."""

    def read_json_body(self, request: Request) -> Any:
        if request.headers.get("Content-Type", "").strip() != "application/json":
            raise GraphError(415, "UnsupportedMediaType", "Content-Type must be application/json.")
        return super().read_json_body(request)


FAULTS = [
    Fault(
        "no-schema-validation",
        "any JSON object is stored as sent: unknown properties, wrong types, any enum or date",
        NoSchemaValidation,
        {
            "POS-VALID-001",
            "POS-VALID-002",
            "POS-VALID-003",
            "POS-VALID-004",
            "POS-VALID-005",
        },
    ),
    Fault(
        "lenient-body-parsing",
        "every body is read as JSON whatever its Content-Type, and [x] is taken as x",
        LenientBodyParsing,
        {"POS-VALID-007", "POS-VALID-008"},
    ),
    Fault(
        "crashes-on-malformed-json",
        "a body that is not valid JSON is answered 500 instead of 400",
        CrashesOnMalformedJson,
        {"POS-VALID-006", "POS-ERR-002"},
    ),
    Fault(
        "refuses-json-with-parameters",
        "application/json; charset=utf-8 is refused with 415",
        RefusesJsonWithParameters,
        {"POS-VALID-009"},
    ),
]

"""Faults in errors: the error body shape, server errors, requests the API does not define."""

from __future__ import annotations

from collections.abc import Mapping

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request, Response

from positions_reference import GraphError, GraphPositionsApp, wire
from positions_reference.query import ListOptions

from . import Fault


class ODataV3ErrorShape(GraphPositionsApp):
    """Answers errors in the old OData v3 shape: {"odata.error": {"code", "message": {...}}}."""

    def error(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> Response:
        body = {"odata.error": {"code": code, "message": {"lang": "en-US", "value": message}}}
        return self.json_response(status, body, headers)


class CrashesOnInvalidUtf8(GraphPositionsApp):
    """Decodes the body as UTF-8 without a guard: a body that is not UTF-8 ends in a 500."""

    def read_body(self, request: Request, limit: int = wire.MAX_BODY_BYTES) -> bytes:
        raw = super().read_body(request, limit)
        raw.decode("utf-8")
        return raw


class UnsupportedQueryOptionsIgnored(GraphPositionsApp):
    """Drops query options it cannot parse instead of refusing them."""

    def parse_entity_options(self, args: MultiDict[str, str]) -> tuple[str, ...] | None:
        try:
            return super().parse_entity_options(args)
        except GraphError:
            return None

    def parse_list_options(self, args: MultiDict[str, str]) -> ListOptions:
        try:
            return super().parse_list_options(args)
        except GraphError:
            return ListOptions()


FAULTS = [
    Fault(
        "odata-v3-error-shape",
        'errors come as {"odata.error": ...} instead of the Graph {"error": ...} body',
        ODataV3ErrorShape,
        {"POS-ERR-001"},
    ),
    Fault(
        "crashes-on-invalid-utf-8",
        "a body that is not UTF-8 is answered 500",
        CrashesOnInvalidUtf8,
        {"POS-ERR-002"},
    ),
    Fault(
        "unsupported-query-options-ignored",
        "an unknown $select property or a negative $top is ignored instead of refused",
        UnsupportedQueryOptionsIgnored,
        {"POS-ERR-004"},
    ),
]

"""Request parsing: the body (size limit, media type, JSON, validation) and the query options.

:class:`RequestParsingMixin` is one of the role mixins that make up
:class:`~positions_reference.app.GraphPositionsApp`. Every refusal is a
:class:`~positions_reference.errors.GraphError` (400, 413 or 415).
"""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request

from . import query, validation, wire
from .errors import GraphError
from .query import ListOptions


class RequestParsingMixin:
    """Turns what the client sent into checked inputs for the operations."""

    def validate_body(self, body: Any, *, for_update: bool) -> dict[str, Any]:
        try:
            return validation.clean_entity(body, for_update=for_update)
        except validation.ValidationError as exc:
            raise GraphError(400, "BadRequest", str(exc)) from None

    def read_json_body(self, request: Request) -> Any:
        """415 unless application/json; 413 over 4 MiB; 400 unless valid JSON."""
        if not wire.is_json_media_type(request.headers.get("Content-Type")):
            raise GraphError(
                415,
                "UnsupportedMediaType",
                "The request body must be sent with Content-Type application/json.",
            )
        raw = self.read_body(request)
        try:
            return wire.parse_json_body(raw)
        except wire.BodyError as exc:
            raise GraphError(400, "BadRequest", str(exc)) from None

    def read_body(self, request: Request, limit: int = wire.MAX_BODY_BYTES) -> bytes:
        too_large = GraphError(
            413, "RequestEntityTooLarge", f"The request body exceeds the limit of {limit} bytes."
        )
        length = request.content_length
        if length is not None and length > limit:
            raise too_large
        chunks: list[bytes] = []
        size = 0
        try:
            while size <= limit:
                chunk = request.stream.read(min(65536, limit + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        except (OSError, HTTPException, ValueError):
            raise GraphError(400, "BadRequest", "The request body could not be read.") from None
        if size > limit:
            raise too_large
        return b"".join(chunks)

    def parse_list_options(self, args: MultiDict[str, str]) -> ListOptions:
        try:
            return query.list_options(args)
        except query.QueryError as exc:
            raise GraphError(400, "BadRequest", str(exc)) from None

    def parse_entity_options(self, args: MultiDict[str, str]) -> tuple[str, ...] | None:
        """The $select of a single-entity GET (None when absent)."""
        try:
            return query.entity_select(args)
        except query.QueryError as exc:
            raise GraphError(400, "BadRequest", str(exc)) from None

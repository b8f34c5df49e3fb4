"""Response building: JSON and empty answers, Graph error bodies, entity bodies, OData URLs.

:class:`ResponsesMixin` is one of the role mixins that make up
:class:`~positions_reference.app.GraphPositionsApp`; it relies on the app's ``prefix`` and its
per-request ids (``_local``, set by ``GraphPositionsApp.__call__``).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

from werkzeug.wrappers import Request, Response

from . import wire
from .errors import GraphError
from .store import Record, User


class ResponsesMixin:
    """How an answer is put together: status, headers, body."""

    prefix: str
    _local: threading.local

    def json_response(
        self, status: int, body: Any, headers: Mapping[str, str] | None = None
    ) -> Response:
        response = Response(wire.encode_json(body), status, content_type=wire.JSON_CONTENT_TYPE)
        for key, value in (headers or {}).items():
            response.headers[key] = value
        return response

    def empty_response(self, status: int = 204) -> Response:
        response = Response(b"", status)
        del response.headers["Content-Type"]
        return response

    def error(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> Response:
        request_id = getattr(self._local, "request_id", None) or self.new_id()
        client_request_id = getattr(self._local, "client_request_id", None) or request_id
        body = wire.error_body(code, message, request_id, client_request_id)
        return self.json_response(status, body, headers)

    def not_found(self, position_id: str) -> GraphError:
        return GraphError(
            404, "itemNotFound", f"The workPosition '{position_id[:100]}' was not found."
        )

    def entity_body(
        self, request: Request, user: User, record: Record, select: Sequence[str] | None = None
    ) -> dict[str, Any]:
        return {
            "@odata.context": self.context_url(request, user, select, entity=True),
            **self.render_position(record, select),
        }

    def base_url(self, request: Request) -> str:
        return request.host_url.rstrip("/") + self.prefix

    def context_url(
        self, request: Request, user: User, select: Sequence[str] | None, *, entity: bool
    ) -> str:
        selected = f"({','.join(select)})" if select is not None else ""
        suffix = "/$entity" if entity else ""
        return (
            f"{self.base_url(request)}/$metadata#users('{user.id}')/profile/positions"
            f"{selected}{suffix}"
        )

"""WSGI application imitating the Microsoft Graph beta workPosition API.

:class:`GraphPositionsApp` is one class composed of role mixins, each in its own module:
:mod:`.routing` (auth, routes, users, dispatch), :mod:`.request_parsing` (body and query
options), :mod:`.operations` (the operations and their helpers) and :mod:`.responses`
(answers and errors). This module holds the composition and the WSGI entry point:
per-request ids, the top-level error handling and the headers every response carries.

Built to be subclassed by fault-injecting test code: each operation is one method
(``create_position``, ``list_positions``, ``get_position``, ``update_position``,
``delete_position``, ``get_me``) and the behaviour inside them goes through small
overridable helpers (``merge_update``, ``render_position``, ``now``, ``new_id``, ...).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from werkzeug.http import http_date
from werkzeug.wrappers import Request, Response

from . import wire
from .errors import GraphError
from .operations import OperationsMixin
from .request_parsing import RequestParsingMixin
from .responses import ResponsesMixin
from .routing import ALLOWED_METHODS, RoutingMixin
from .store import DEFAULT_USERS, PositionStore, User


class GraphPositionsApp(RoutingMixin, RequestParsingMixin, OperationsMixin, ResponsesMixin):
    """The reference service. ``users[0]`` is the signed-in user (``/me``)."""

    def __init__(
        self,
        prefix: str = "/beta",
        users: Sequence[User | Mapping[str, str]] | None = None,
        store: PositionStore | None = None,
    ) -> None:
        prefix = (prefix or "").strip().rstrip("/")
        self.prefix = prefix if not prefix or prefix.startswith("/") else "/" + prefix
        self.users: list[User] = [User.coerce(u) for u in (users or DEFAULT_USERS)]
        if not self.users:
            raise ValueError("at least one user (the signed-in user) is required")
        self.store = store if store is not None else PositionStore()
        self._local = threading.local()

    # ------------------------------------------------------------------ WSGI plumbing

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        self._local.request_id = self.new_id()
        self._local.client_request_id = (
            request.headers.get("client-request-id") or self._local.request_id
        )
        try:
            response = self.handle(request)
            self.finish_response(response)
        except Exception:  # a bug; still answer with a Graph error body, never a traceback
            response = self.internal_error()
            self.finish_response(response)
        return response(environ, start_response)

    def handle(self, request: Request) -> Response:
        """Auth, routing, method check, user lookup, then one operation method."""
        try:
            self.authenticate(request)
            route = self.match_route(request.path)
            if route is None:
                raise GraphError(
                    404,
                    "Request_ResourceNotFound",
                    f"Resource not found for the path '{request.path[:300]}'.",
                )
            allowed = ALLOWED_METHODS[route.kind]
            if request.method not in allowed:
                raise GraphError(
                    405,
                    "MethodNotAllowed",
                    f"The HTTP method '{request.method[:20]}' is not allowed on this resource.",
                    {"Allow": ", ".join(allowed)},
                )
            return self.dispatch(request, route)
        except GraphError as exc:
            return self.error(exc.status, exc.code, exc.message, exc.headers)

    def finish_response(self, response: Response) -> None:
        """Headers every response carries."""
        response.headers["request-id"] = self._local.request_id
        response.headers["client-request-id"] = self._local.client_request_id
        response.headers["Date"] = http_date()

    def internal_error(self) -> Response:
        try:
            return self.error(500, "generalException", "An unexpected error occurred.")
        except Exception:
            return Response(
                b'{"error":{"code":"generalException","message":"error"}}',
                500,
                content_type=wire.JSON_CONTENT_TYPE,
            )


def create_app(
    prefix: str = "/beta", users: Sequence[User | Mapping[str, str]] | None = None
) -> GraphPositionsApp:
    """The reference application with an empty store."""
    return GraphPositionsApp(prefix=prefix, users=users)

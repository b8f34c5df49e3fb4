"""WSGI application imitating the Microsoft Graph beta workPosition API.

Built to be subclassed by fault-injecting test code: each operation is one method
(``create_position``, ``list_positions``, ``get_position``, ``update_position``,
``delete_position``, ``get_me``) and the behaviour inside them goes through small
overridable helpers (``merge_update``, ``render_position``, ``now``, ``new_id``, ...).
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.http import http_date
from werkzeug.wrappers import Request, Response

from . import model, query, wire
from .query import ListOptions
from .store import DEFAULT_USERS, PositionStore, Record, User

_AUTH_RE = re.compile(r"bearer (\S+)", re.IGNORECASE)
_TIMESTAMP_KEYS = ("createdDateTime", "lastModifiedDateTime")
ALLOWED_METHODS = {
    "me": ("GET",),
    "collection": ("GET", "POST"),
    "item": ("GET", "PATCH", "DELETE"),
}


class GraphError(Exception):
    """Raised anywhere inside an operation; turned into a Graph error response."""

    def __init__(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


@dataclass(frozen=True)
class Route:
    kind: str  # "me" | "collection" | "item"
    user_ref: str | None  # None means /me
    position_id: str | None


class GraphPositionsApp:
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

    def dispatch(self, request: Request, route: Route) -> Response:
        if route.kind == "me":
            return self.get_me(request)
        user = self.resolve_user(route.user_ref)
        method = request.method
        if route.kind == "collection":
            if method == "GET":
                return self.list_positions(request, user)
            return self.create_position(request, user)
        position_id = route.position_id or ""
        if method == "GET":
            return self.get_position(request, user, position_id)
        if method == "PATCH":
            return self.update_position(request, user, position_id)
        return self.delete_position(request, user, position_id)

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

    # ------------------------------------------------------------------ operations

    def get_me(self, request: Request) -> Response:
        me = self.signed_in_user
        return self.json_response(
            200,
            {
                "@odata.context": f"{self.base_url(request)}/$metadata#users/$entity",
                "id": me.id,
                "userPrincipalName": me.user_principal_name,
                "displayName": me.display_name,
            },
        )

    def create_position(self, request: Request, user: User) -> Response:
        settable = self.validate_body(self.read_json_body(request), for_update=False)
        stamp = self.now()
        caller = self.caller_identity()
        record: Record = {
            "id": self.new_id(),
            **settable,
            "createdDateTime": stamp,
            "createdBy": caller,
            "lastModifiedDateTime": stamp,
            "lastModifiedBy": caller,
        }
        record = self.store.add(user.id, record)
        location = f"{self.base_url(request)}/users/{user.id}/profile/positions/{record['id']}"
        return self.json_response(
            201, self.entity_body(request, user, record), {"Location": location}
        )

    def list_positions(self, request: Request, user: User) -> Response:
        options = self.parse_list_options(request.args)
        records = self.order_records(self.store.list_records(user.id), options.orderby)
        records = records[options.skip :]
        if options.top is not None:
            records = records[: options.top]
        body = {
            "@odata.context": self.context_url(request, user, options.select, entity=False),
            "value": [self.render_position(r, options.select) for r in records],
        }
        return self.json_response(200, body)

    def get_position(self, request: Request, user: User, position_id: str) -> Response:
        select = self.parse_entity_options(request.args)
        record = self.find_position(user, position_id)
        return self.json_response(200, self.entity_body(request, user, record, select))

    def update_position(self, request: Request, user: User, position_id: str) -> Response:
        self.find_position(user, position_id)  # 404 before looking at the body
        patch = self.validate_body(self.read_json_body(request), for_update=True)
        caller = self.caller_identity()
        record = self.store.update(
            user.id, position_id, lambda existing: self.apply_update(existing, patch, caller)
        )
        if record is None:  # deleted concurrently
            raise self.not_found(position_id)
        return self.json_response(200, self.entity_body(request, user, record))

    def delete_position(self, request: Request, user: User, position_id: str) -> Response:
        if not self.store.delete(user.id, position_id):
            raise self.not_found(position_id)
        return self.empty_response(204)

    # ------------------------------------------------------------------ overridable helpers

    def now(self) -> int:
        """Current time in 100-ns ticks since the Unix epoch (UTC)."""
        return wire.ticks_now()

    def new_id(self) -> str:
        return str(uuid.uuid4())

    def format_timestamp(self, ticks: int) -> str:
        return wire.format_ticks(ticks)

    def modified_timestamp(self, previous: int) -> int:
        """lastModifiedDateTime for an update: now, but strictly after ``previous``."""
        return max(self.now(), previous + 1)

    def caller_identity(self) -> dict[str, Any]:
        me = self.signed_in_user
        return {
            "application": None,
            "device": None,
            "user": {"displayName": me.display_name, "id": me.id},
        }

    def validate_body(self, body: Any, *, for_update: bool) -> dict[str, Any]:
        try:
            return model.clean_entity(body, for_update=for_update)
        except model.ValidationError as exc:
            raise GraphError(400, "BadRequest", str(exc)) from None

    def merge_update(self, existing: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
        """Partial update: objects merge recursively, everything else (scalars, null,
        collections) replaces the existing value."""
        merged = dict(existing)
        for key, value in patch.items():
            current = merged.get(key)
            if isinstance(value, dict) and isinstance(current, dict):
                merged[key] = self.merge_update(current, value)
            else:
                merged[key] = value
        return merged

    def apply_update(
        self, existing: Record, patch: dict[str, Any], caller: dict[str, Any]
    ) -> Record:
        """Runs under the store lock: merge, then stamp lastModified*."""
        updated = self.merge_update(existing, patch)
        updated["lastModifiedDateTime"] = self.modified_timestamp(existing["lastModifiedDateTime"])
        updated["lastModifiedBy"] = caller
        return updated

    def render_position(
        self, record: Record, select: Sequence[str] | None = None
    ) -> dict[str, Any]:
        """Full representation (every documented property, null when unset), or only
        ``id`` plus the selected properties."""
        view = dict(record)
        for key in _TIMESTAMP_KEYS:
            if isinstance(view.get(key), int):
                view[key] = self.format_timestamp(view[key])
        full = model.shape(model.ENTITY_TYPE, view) or {}
        if select is None:
            return full
        return {k: v for k, v in full.items() if k == "id" or k in select}

    def entity_body(
        self, request: Request, user: User, record: Record, select: Sequence[str] | None = None
    ) -> dict[str, Any]:
        return {
            "@odata.context": self.context_url(request, user, select, entity=True),
            **self.render_position(record, select),
        }

    def order_records(
        self, records: list[Record], orderby: Sequence[tuple[str, bool]]
    ) -> list[Record]:
        """Stable multi-key sort; ties keep insertion order."""
        for name, descending in reversed(orderby):
            records = sorted(records, key=lambda r, n=name: r[n], reverse=descending)
        return records

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

    # ------------------------------------------------------------------ request parsing

    @property
    def signed_in_user(self) -> User:
        return self.users[0]

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

    def authenticate(self, request: Request) -> None:
        header = request.headers.get("Authorization", "")
        if not header.strip():
            raise GraphError(
                401,
                "InvalidAuthenticationToken",
                "Access token is empty.",
                {"WWW-Authenticate": "Bearer"},
            )
        if not _AUTH_RE.fullmatch(header):
            raise GraphError(
                401,
                "InvalidAuthenticationToken",
                "Access token validation failure: expected 'Bearer <token>'.",
                {"WWW-Authenticate": "Bearer"},
            )

    def match_route(self, path: str) -> Route | None:
        if self.prefix:
            if path[: len(self.prefix)].lower() != self.prefix.lower():
                return None
            path = path[len(self.prefix) :]
        if not path.startswith("/"):
            return None
        segments = path[1:].split("/")
        lowered = [s.lower() for s in segments]
        if lowered[0] == "me":
            user_ref, rest, rest_raw = None, lowered[1:], segments[1:]
            if not rest:
                return Route("me", None, None)
        elif lowered[0] == "users" and len(segments) >= 2 and segments[1]:
            user_ref, rest, rest_raw = segments[1], lowered[2:], segments[2:]
        else:
            return None
        if rest == ["profile", "positions"]:
            return Route("collection", user_ref, None)
        if len(rest) == 3 and rest[:2] == ["profile", "positions"] and rest_raw[2]:
            return Route("item", user_ref, rest_raw[2])
        return None

    def resolve_user(self, user_ref: str | None) -> User:
        if user_ref is None:
            return self.signed_in_user
        wanted = user_ref.casefold()
        for user in self.users:
            if wanted in (user.id.casefold(), user.user_principal_name.casefold()):
                return user
        raise GraphError(
            404,
            "Request_ResourceNotFound",
            f"Resource '{user_ref[:200]}' does not exist or one of its queried "
            "reference-property objects are not present.",
        )

    def find_position(self, user: User, position_id: str) -> Record:
        record = self.store.get(user.id, position_id)
        if record is None:
            raise self.not_found(position_id)
        return record

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


def create_app(
    prefix: str = "/beta", users: Sequence[User | Mapping[str, str]] | None = None
) -> GraphPositionsApp:
    """The reference application with an empty store."""
    return GraphPositionsApp(prefix=prefix, users=users)

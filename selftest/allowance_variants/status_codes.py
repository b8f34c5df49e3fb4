"""Freedoms in which error status a situation gets, where the pages name none.

Each variant answers one situation with another status HTTP and concepts/errors.md allow, with
a Graph error body, and leaves every other answer as the reference gives it.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from werkzeug.wrappers import Request, Response

from positions_reference import GraphError, GraphPositionsApp, wire
from positions_reference.store import Record, User

from . import Allowance

_BEARER = re.compile(r"bearer \S+", re.IGNORECASE)


class UnknownUserForbidden(GraphPositionsApp):
    """`/users/{id}` or `/users/{upn}` naming a user the service does not know is answered
    `403 Forbidden` (the token may not see that user) instead of 404.

    concepts/errors.md: 403 "Access is denied to the requested resource. The user might not have
    enough permission"; the pages name no status for a user the caller cannot see, and a
    directory does not tell a caller whether a user it may not read exists."""

    def resolve_user(self, user_ref: str | None) -> User:
        try:
            return super().resolve_user(user_ref)
        except GraphError as exc:
            if exc.status != 404:
                raise
            raise GraphError(
                403, "accessDenied", "Insufficient privileges to complete the operation."
            ) from None


class DeletedPositionGone(GraphPositionsApp):
    """The id of a position this service deleted is answered `410 Gone` (GET, PATCH, DELETE);
    an id it never gave out stays 404.

    concepts/errors.md: 410 "The requested resource is no longer available at the server";
    RFC 9110 §15.5.11. workposition-delete.md names only the 204 of the delete itself."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deleted: set[tuple[str, str]] = set()
        self._deleted_lock = threading.Lock()

    def _gone(self, user: User, position_id: str) -> None:
        with self._deleted_lock:
            gone = (user.id, position_id) in self._deleted
        if gone:
            raise GraphError(
                410, "itemNotFound", f"The workPosition '{position_id[:100]}' was deleted."
            )

    def find_position(self, user: User, position_id: str) -> Record:
        self._gone(user, position_id)
        return super().find_position(user, position_id)

    def delete_position(self, request: Request, user: User, position_id: str) -> Response:
        self._gone(user, position_id)
        response = super().delete_position(request, user, position_id)
        with self._deleted_lock:
            self._deleted.add((user.id, position_id))
        return response


class MalformedAuthorizationBadRequest(GraphPositionsApp):
    """An `Authorization` header that is not `Bearer <token>` (`Bearer` alone, `Basic xyz`) is
    answered `400` with `WWW-Authenticate: Bearer error="invalid_request"`; a missing header
    stays 401.

    RFC 6750 §3.1, invalid_request: a request that "is otherwise malformed" gets 400."""

    def authenticate(self, request: Request) -> None:
        header = request.headers.get("Authorization", "")
        if header.strip() and not _BEARER.fullmatch(header.strip()):
            raise GraphError(
                400,
                "invalidRequest",
                "The Authorization header is malformed; expected 'Bearer <token>'.",
                {
                    "WWW-Authenticate": (
                        'Bearer error="invalid_request", '
                        'error_description="malformed Authorization header"'
                    )
                },
            )
        super().authenticate(request)


class DeleteNeedsJsonContentType(GraphPositionsApp):
    """A DELETE without `Content-Type: application/json` is refused with 415, before the id is
    looked up.

    workposition-delete.md, Request headers: "Content-Type | application/json. Required."
    (SOURCES.md notes the oddity; the page still says it)."""

    def delete_position(self, request: Request, user: User, position_id: str) -> Response:
        if not wire.is_json_media_type(request.headers.get("Content-Type")):
            raise GraphError(
                415,
                "UnsupportedMediaType",
                "Content-Type application/json is required on this request.",
            )
        return super().delete_position(request, user, position_id)


VARIANTS = [
    Allowance(
        "unknown-user-403",
        "an unknown /users/{id|upn} is answered 403 Forbidden + Graph error body, not 404",
        UnknownUserForbidden,
        "concepts/errors.md, HTTP status codes (403)",
    ),
    Allowance(
        "deleted-position-410",
        "a deleted position's id is answered 410 Gone (GET, PATCH, DELETE), not 404",
        DeletedPositionGone,
        "concepts/errors.md, HTTP status codes (410); RFC 9110 §15.5.11",
    ),
    Allowance(
        "malformed-authorization-400",
        "Authorization 'Bearer' or 'Basic xyz' answered 400 + error=\"invalid_request\", not 401",
        MalformedAuthorizationBadRequest,
        "RFC 6750 §3.1 (invalid_request)",
    ),
    Allowance(
        "delete-needs-content-type-415",
        "DELETE without Content-Type: application/json answered 415",
        DeleteNeedsJsonContentType,
        "workposition-delete.md, Request headers (Content-Type: Required)",
    ),
]

"""Routing: authentication, mapping a path to a route, resolving the addressed user, dispatch.

:class:`RoutingMixin` is one of the role mixins that make up
:class:`~positions_reference.app.GraphPositionsApp`; it relies on the app's ``prefix`` and
``users`` and on the operation methods of :class:`~positions_reference.operations.OperationsMixin`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from werkzeug.wrappers import Request, Response

from .errors import GraphError
from .store import User

_AUTH_RE = re.compile(r"bearer (\S+)", re.IGNORECASE)
ALLOWED_METHODS = {
    "me": ("GET",),
    "collection": ("GET", "POST"),
    "item": ("GET", "PATCH", "DELETE"),
}


@dataclass(frozen=True)
class Route:
    kind: str  # "me" | "collection" | "item"
    user_ref: str | None  # None means /me
    position_id: str | None


class RoutingMixin:
    """Who is calling, which resource the path names, and which operation serves it."""

    prefix: str
    users: list[User]

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

    @property
    def signed_in_user(self) -> User:
        return self.users[0]

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

"""Faults in addressing: the /users forms, unknown users and unknown position ids."""

from __future__ import annotations

from werkzeug.wrappers import Request, Response

from positions_reference import GraphError, GraphPositionsApp
from positions_reference.store import User

from . import Fault


class UnknownUserIsMe(GraphPositionsApp):
    """Resolves any user reference it does not know to the signed-in user."""

    def resolve_user(self, user_ref: str | None) -> User:
        try:
            return super().resolve_user(user_ref)
        except GraphError:
            return self.signed_in_user


class UpnNotResolved(GraphPositionsApp):
    """Looks users up by id only: /users/{userPrincipalName} answers 404."""

    def resolve_user(self, user_ref: str | None) -> User:
        if user_ref is not None and "@" in user_ref:
            raise GraphError(404, "Request_ResourceNotFound", f"Resource '{user_ref}' not found.")
        return super().resolve_user(user_ref)


class UsersByIdSeparateData(GraphPositionsApp):
    """Keeps /users/{id} positions apart from /me ones (two stores keyed differently)."""

    def resolve_user(self, user_ref: str | None) -> User:
        user = super().resolve_user(user_ref)
        if user_ref is not None and user_ref.casefold() == user.id.casefold():
            return User(f"by-id:{user.id}", user.user_principal_name, user.display_name)
        return user


class PatchUpserts(GraphPositionsApp):
    """Creates the position when PATCH names an id that does not exist."""

    def update_position(self, request: Request, user: User, position_id: str) -> Response:
        if self.store.get(user.id, position_id) is None:
            patch = self.validate_body(self.read_json_body(request), for_update=True)
            stamp, caller = self.now(), self.caller_identity()
            record = {
                "id": position_id,
                **patch,
                "createdDateTime": stamp,
                "createdBy": caller,
                "lastModifiedDateTime": stamp,
                "lastModifiedBy": caller,
            }
            self.store.add(user.id, record)
            return self.json_response(200, self.entity_body(request, user, record))
        return super().update_position(request, user, position_id)


FAULTS = [
    Fault(
        "unknown-user-is-me",
        "/users/{unknown id} is served as the signed-in user instead of 404",
        UnknownUserIsMe,
        {"POS-ADDR-003"},
    ),
    Fault(
        "upn-not-resolved",
        "/users/{userPrincipalName} answers 404: users are looked up by id only",
        UpnNotResolved,
        {"POS-ADDR-002"},
    ),
    Fault(
        "users-by-id-separate-data",
        "/users/{id} reads and writes other positions than /me",
        UsersByIdSeparateData,
        {"POS-ADDR-001"},
    ),
    Fault(
        "patch-upserts",
        "PATCH of an unknown position id creates it instead of answering 404",
        PatchUpserts,
        {"POS-ADDR-004", "POS-ADDR-005"},
    ),
]

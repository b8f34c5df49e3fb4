"""Faults in PATCH semantics."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request, Response

from positions_reference import GraphPositionsApp
from positions_reference.store import User

from . import Fault

SERVER_MANAGED = ("id", "createdDateTime", "createdBy", "lastModifiedDateTime", "lastModifiedBy")


class PatchReplacesWholeObject(GraphPositionsApp):
    """Treats PATCH like PUT: whatever the body does not carry is lost."""

    def merge_update(self, existing: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
        kept = {key: existing[key] for key in SERVER_MANAGED if key in existing}
        return {**kept, **patch}


FAULTS = [
    Fault(
        "patch-replaces-object",
        "PATCH replaces the whole position with the body instead of merging it",
        PatchReplacesWholeObject,
        {"POS-UPDATE-003"},
    ),
]


class NullIsIgnored(GraphPositionsApp):
    """Skips properties sent as null instead of clearing them."""

    def merge_update(self, existing: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
        return super().merge_update(existing, {k: v for k, v in patch.items() if v is not None})


class NestedChangesIgnored(GraphPositionsApp):
    """Applies top-level values only: an object sent for an existing object changes nothing."""

    def merge_update(self, existing: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
        kept = {k: v for k, v in patch.items() if not (isinstance(v, dict) and k in existing)}
        return super().merge_update(existing, kept)


class UpdateNotPersisted(GraphPositionsApp):
    """Answers the merged position but never writes it back to the store."""

    def update_position(self, request: Request, user: User, position_id: str) -> Response:
        existing = self.find_position(user, position_id)
        patch = self.validate_body(self.read_json_body(request), for_update=True)
        merged = self.apply_update(existing, patch, self.caller_identity())
        return self.json_response(200, self.entity_body(request, user, merged))


FAULTS += [
    Fault(
        "null-is-ignored",
        "a property sent as null in PATCH keeps its old value",
        NullIsIgnored,
        {"POS-UPDATE-005"},
    ),
    Fault(
        "nested-changes-ignored",
        "PATCH ignores changes inside detail when the position already has a detail",
        NestedChangesIgnored,
        {"POS-UPDATE-006"},
    ),
    Fault(
        "update-not-persisted",
        "PATCH answers the updated position but does not store it",
        UpdateNotPersisted,
        {"POS-UPDATE-004"},
    ),
]

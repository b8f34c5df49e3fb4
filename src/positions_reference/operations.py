"""The five workPosition operations plus GET /me, and the behaviour they delegate to.

:class:`OperationsMixin` is one of the role mixins that make up
:class:`~positions_reference.app.GraphPositionsApp`; it relies on the app's ``store`` and on
the other mixins for the signed-in user, the parsed request and the answers.

Each operation is one method (``create_position``, ``list_positions``, ``get_position``,
``update_position``, ``delete_position``, ``get_me``); the behaviour inside them goes through
small overridable helpers: lookup and order (``find_position``, ``order_records``), clock and
ids (``now``, ``new_id``, ``format_timestamp``, ``modified_timestamp``), the caller
(``caller_identity``), updates (``merge_update``, ``apply_update``) and the representation
(``render_position``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from werkzeug.wrappers import Request, Response

from . import shaping, wire
from .graph_types import ENTITY_TYPE
from .store import PositionStore, Record, User

_TIMESTAMP_KEYS = ("createdDateTime", "lastModifiedDateTime")


class OperationsMixin:
    """What each operation does to the store, and what it answers."""

    store: PositionStore

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

    def find_position(self, user: User, position_id: str) -> Record:
        record = self.store.get(user.id, position_id)
        if record is None:
            raise self.not_found(position_id)
        return record

    def order_records(
        self, records: list[Record], orderby: Sequence[tuple[str, bool]]
    ) -> list[Record]:
        """Stable multi-key sort; ties keep insertion order."""
        for name, descending in reversed(orderby):
            records = sorted(records, key=lambda r, n=name: r[n], reverse=descending)
        return records

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
        full = shaping.shape(ENTITY_TYPE, view) or {}
        if select is None:
            return full
        return {k: v for k, v in full.items() if k == "id" or k in select}

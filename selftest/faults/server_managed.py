"""Faults in the server-managed properties: id, createdDateTime, lastModifiedDateTime."""

from __future__ import annotations

import threading
from typing import Any

from positions_reference import GraphPositionsApp
from positions_reference.store import Record

from . import Fault


class TakesClientId(GraphPositionsApp):
    """Uses the id a create body carries (an "upsert by client key") instead of its own."""

    def __init__(self) -> None:
        super().__init__()
        self._sent = threading.local()

    def validate_body(self, body: Any, *, for_update: bool) -> dict[str, Any]:
        sent_id = body.get("id") if isinstance(body, dict) and not for_update else None
        self._sent.id = sent_id if isinstance(sent_id, str) and sent_id else None
        return super().validate_body(body, for_update=for_update)

    def new_id(self) -> str:
        sent_id = getattr(self._sent, "id", None)
        if sent_id:
            self._sent.id = None
            return sent_id
        return super().new_id()


class RestampsCreatedOnUpdate(GraphPositionsApp):
    """Writes createdDateTime again on every update, as if the position were new."""

    def apply_update(
        self, existing: Record, patch: dict[str, Any], caller: dict[str, Any]
    ) -> Record:
        updated = super().apply_update(existing, patch, caller)
        updated["createdDateTime"] = updated["lastModifiedDateTime"]
        return updated


class LastModifiedFrozen(GraphPositionsApp):
    """Never moves lastModifiedDateTime after the create."""

    def apply_update(
        self, existing: Record, patch: dict[str, Any], caller: dict[str, Any]
    ) -> Record:
        updated = super().apply_update(existing, patch, caller)
        updated["lastModifiedDateTime"] = existing["lastModifiedDateTime"]
        return updated


FAULTS = [
    Fault(
        "takes-client-id",
        "a create that carries an id gets that id instead of one the service assigns",
        TakesClientId,
        {"POS-MANAGED-003"},
    ),
    Fault(
        "restamps-created-on-update",
        "every update sets createdDateTime to the time of the update",
        RestampsCreatedOnUpdate,
        {"POS-MANAGED-004"},
    ),
    Fault(
        "last-modified-frozen",
        "lastModifiedDateTime stays at the time of the create",
        LastModifiedFrozen,
        {"POS-MANAGED-005"},
    ),
]

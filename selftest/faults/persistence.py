"""Faults in persistence: answers that look right but are not what the service keeps."""

from __future__ import annotations

from werkzeug.wrappers import Request, Response

from positions_reference import GraphPositionsApp
from positions_reference.store import User

from . import Fault


class CreatedMissingFromList(GraphPositionsApp):
    """Lists from a stale replica: the newest position never shows up in the list."""

    def list_positions(self, request: Request, user: User) -> Response:
        records = self.store.list_records(user.id)
        newest = max(records, key=lambda r: r["createdDateTime"])["id"] if records else None
        response = super().list_positions(request, user)
        body = response.get_json()
        body["value"] = [p for p in body["value"] if p.get("id") != newest]
        return self.json_response(200, body)


FAULTS = [
    Fault(
        "created-missing-from-list",
        "the most recently created position is missing from list",
        CreatedMissingFromList,
        {"POS-LIST-002"},
    ),
]

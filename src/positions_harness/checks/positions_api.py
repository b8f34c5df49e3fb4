"""Paths and calls of the positions API, in the three addressing forms the docs give."""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests

from ..transport.client import GraphClient

ME, USERS_BY_ID, USERS_BY_UPN = "me", "users-by-id", "users-by-upn"
ADDRESSING_FORMS = (ME, USERS_BY_ID, USERS_BY_UPN)


@dataclass(frozen=True)
class Operation:
    """One operation of the API as data: its method, whether it addresses one position, a body."""

    name: str
    method: str
    on_item: bool
    body: Any = None


OPERATIONS = (
    Operation("list", "GET", on_item=False),
    Operation("create", "POST", on_item=False, body={"isCurrent": True}),
    Operation("get", "GET", on_item=True),
    Operation("update", "PATCH", on_item=True, body={"isCurrent": False}),
    Operation("delete", "DELETE", on_item=True),
)
ITEM_OPERATIONS = tuple(o for o in OPERATIONS if o.on_item)


class PositionsApi:
    def __init__(self, client: GraphClient, user: TargetUser) -> None:
        self.client = client
        self.user = user

    def collection(self, via: str = ME) -> str:
        if via == ME:
            return "/me/profile/positions"
        key = self.user.id if via == USERS_BY_ID else self.user.upn
        if not key:
            raise LookupError(
                f"the target user's {'id' if via == USERS_BY_ID else 'UPN'} is unknown"
            )
        return f"/users/{urllib.parse.quote(key, safe='@')}/profile/positions"

    def item(self, position_id: str, via: str = ME) -> str:
        return f"{self.collection(via)}/{urllib.parse.quote(position_id, safe='')}"

    def create(self, body: Any, via: str = ME, **kwargs: Any) -> requests.Response:
        return self.client.post(self.collection(via), json=body, **kwargs)

    def list(self, via: str = ME, params: Mapping[str, str] | None = None) -> requests.Response:
        return self.client.get(self.collection(via), params=params)

    def get(self, position_id: str, via: str = ME, select: str | None = None) -> requests.Response:
        params = {"$select": select} if select else None
        return self.client.get(self.item(position_id, via), params=params)

    def update(
        self, position_id: str, body: Any, via: str = ME, **kwargs: Any
    ) -> requests.Response:
        return self.client.patch(self.item(position_id, via), json=body, **kwargs)

    def delete(self, position_id: str, via: str = ME) -> requests.Response:
        return self.client.delete(self.item(position_id, via))

    def send(
        self, operation: Operation, position_id: str, via: str = ME, **kwargs: Any
    ) -> requests.Response:
        """Sends `operation` (to `position_id` when it addresses one position)."""
        path = self.item(position_id, via) if operation.on_item else self.collection(via)
        return self.client.request(operation.method, path, json=operation.body, **kwargs)


@dataclass(frozen=True)
class TargetUser:
    id: str | None
    upn: str | None

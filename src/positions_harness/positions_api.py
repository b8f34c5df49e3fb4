"""Paths and calls of the positions API, in the three addressing forms the docs give."""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from typing import Any

import requests

from .client import GraphClient
from .preflight import TargetUser

ME, USERS_BY_ID, USERS_BY_UPN = "me", "users-by-id", "users-by-upn"
ADDRESSING_FORMS = (ME, USERS_BY_ID, USERS_BY_UPN)


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

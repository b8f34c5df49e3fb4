"""Thread-safe in-memory storage: user id -> ordered dict of position records."""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

Record = dict[str, Any]


@dataclass(frozen=True)
class User:
    id: str
    user_principal_name: str
    display_name: str

    @classmethod
    def coerce(cls, value: User | Mapping[str, str]) -> User:
        """Accept a User or a mapping with Graph-style keys (id, userPrincipalName, displayName)."""
        if isinstance(value, User):
            return value
        return cls(value["id"], value["userPrincipalName"], value["displayName"])


SIGNED_IN_USER = User(
    "db789417-4ccb-41d1-a0a9-47b01a09ea49", "innocenty.popov@contoso.example", "Innocenty Popov"
)
SECOND_USER = User(
    "6c2a9f3e-1b7d-4e58-9a40-d3f1c8b27e65", "ludmila.sokolova@contoso.example", "Ludmila Sokolova"
)
DEFAULT_USERS = (SIGNED_IN_USER, SECOND_USER)


class PositionStore:
    """Positions per user, in insertion order. Every method holds one lock, so a
    read-modify-write done through :meth:`update` cannot lose a concurrent update.
    Records go in and come out as deep copies; callers never share state with the store."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._data: dict[str, OrderedDict[str, Record]] = {}

    def _positions(self, user_id: str) -> OrderedDict[str, Record]:
        return self._data.setdefault(user_id, OrderedDict())

    def add(self, user_id: str, record: Record) -> Record:
        with self._lock:
            self._positions(user_id)[record["id"]] = copy.deepcopy(record)
            return copy.deepcopy(record)

    def get(self, user_id: str, position_id: str) -> Record | None:
        with self._lock:
            record = self._positions(user_id).get(position_id)
            return copy.deepcopy(record) if record is not None else None

    def list_records(self, user_id: str) -> list[Record]:
        with self._lock:
            return copy.deepcopy(list(self._positions(user_id).values()))

    def update(
        self, user_id: str, position_id: str, change: Callable[[Record], Record]
    ) -> Record | None:
        """Replace a record with ``change(copy_of_record)`` atomically; None if absent.
        Never creates a record."""
        with self._lock:
            positions = self._positions(user_id)
            if position_id not in positions:
                return None
            updated = change(copy.deepcopy(positions[position_id]))
            positions[position_id] = copy.deepcopy(updated)
            return copy.deepcopy(updated)

    def delete(self, user_id: str, position_id: str) -> bool:
        with self._lock:
            return self._positions(user_id).pop(position_id, None) is not None

    def clear(self, user_ids: Iterable[str] | None = None) -> None:
        """Forget all positions (of the given users, or everyone)."""
        with self._lock:
            if user_ids is None:
                self._data.clear()
            else:
                for user_id in user_ids:
                    self._data.pop(user_id, None)

"""The cleanup ledger: every position the harness created, so the run can delete exactly those."""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class LedgerEntry:
    collection_path: str  # e.g. /me/profile/positions or /users/{id}/profile/positions
    position_id: str

    @property
    def item_path(self) -> str:
        return f"{self.collection_path}/{self.position_id}"


class CleanupLedger:
    """Thread-safe record of created positions that still exist as far as the harness knows."""

    def __init__(self) -> None:
        self._entries: dict[str, LedgerEntry] = {}
        self._ever: set[str] = set()  # also the deleted ones: a lagging read may still show them
        self._lock = threading.Lock()

    def record(self, collection_path: str, position_id: str) -> None:
        with self._lock:
            self._entries.setdefault(position_id, LedgerEntry(collection_path, position_id))
            self._ever.add(position_id)

    def created_by_run(self, position_id: str) -> bool:
        """Whether this run created the position, deleted since or not."""
        with self._lock:
            return position_id in self._ever

    def forget(self, position_id: str) -> None:
        with self._lock:
            self._entries.pop(position_id, None)

    def owns(self, position_id: str) -> bool:
        with self._lock:
            return position_id in self._entries

    def entries(self) -> list[LedgerEntry]:
        with self._lock:
            return list(self._entries.values())

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

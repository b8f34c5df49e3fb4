"""Reads that lag writes: what the run last wrote to each position, and whether a later GET of
it shows that write yet.

Nothing in the docs promises read-your-writes, and a replicated service shows a write after a
moment. The client re-reads a position (bounded by `limits.read_lag_seconds`) until its answer
shows the run's last write: the position exists after a create, carries the values of the last
update, is gone after a delete. Whether the answer is then right is for the checks to judge; this
only keeps them from judging a read taken too early. A service that shows writes at once costs
nothing: the first answer already shows them.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from typing import Any

SERVER_MANAGED = ("id", "createdDateTime", "createdBy", "lastModifiedDateTime", "lastModifiedBy")
GONE = (404, 410)


class Deleted:
    """The run deleted the position: a read shows the write once it answers 404 or 410."""


DELETED = Deleted()


class WriteMemory:
    """Thread-safe record of the run's last write per position id."""

    def __init__(self) -> None:
        self._writes: dict[str, dict[str, Any] | Deleted] = {}
        self._lock = threading.Lock()

    def created(self, position_id: str) -> None:
        with self._lock:
            self._writes[position_id] = {}

    def updated(self, position_id: str, sent: Any) -> None:
        if not isinstance(sent, dict):
            return
        values = {k: v for k, v in sent.items() if k not in SERVER_MANAGED and "@" not in k}
        with self._lock:
            previous = self._writes.get(position_id)
            base = previous if isinstance(previous, dict) else {}
            self._writes[position_id] = {**base, **values}

    def deleted(self, position_id: str) -> None:
        with self._lock:
            self._writes[position_id] = DELETED

    def shown_by(self, position_id: str, status: int, body: bytes, url: str) -> bool:
        """Whether a GET of the position (answered `status`, `body`) shows the last write."""
        with self._lock:
            expected = self._writes.get(position_id)
        if expected is None or status not in (200, *GONE):
            return True  # not written by this run, or an answer that is not about lag
        if isinstance(expected, Deleted):
            return status in GONE
        if status != 200:
            return False  # written, not shown yet
        try:
            position = json.loads(body)
        except ValueError:
            return True  # not a position at all: the checks will say so
        selected = _selected(url)
        wanted = {k: v for k, v in expected.items() if selected is None or k in selected}
        return isinstance(position, dict) and _holds(position, wanted)


def _selected(url: str) -> set[str] | None:
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    select = query.get("$select")
    return {name.strip() for name in select[0].split(",")} if select else None


def _holds(received: Any, sent: Any) -> bool:
    """A rough "the write shows": every value sent is there (objects compared key by key, null
    as absent). Rough on purpose: when it is wrong the client only waits out the lag bound."""
    if isinstance(sent, dict):
        if not isinstance(received, dict):
            return False
        return all(
            _holds(received.get(k), v) if v is not None else received.get(k) in (None, [], {})
            for k, v in sent.items()
            if not k.startswith("@")
        )
    if isinstance(sent, list):
        return isinstance(received, list) and len(received) == len(sent)
    if isinstance(sent, str) and isinstance(received, str) and len(sent) == len("2020-01-01"):
        return received[:10] == sent  # a date may come back as a date-time
    return received == sent

"""Deleting the positions a test created on a thread of its own, so the next test does not wait
a round trip per position first (at 300 ms per request, a fifth of a property test's time went
to these deletes). What cannot be deleted stays in the ledger for the end-of-run cleanup.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterable

import requests

from ..errors import BudgetExhausted
from .client import GraphClient
from .transcript import current_test

CLEANUP_LABEL = "(cleanup)"  # what the transcript says these deletes were for
PUT_TIMEOUT_SECONDS = 1.0
# How long the end of a test or a run waits for the deletes asked for before the ledger's
# cleanup takes over what is left.
FINISH_SECONDS = 60.0


def created_since(client: GraphClient, before: Iterable[str]) -> list[str]:
    """The positions the ledger gained since `before` was taken."""
    kept = set(before)
    return [e.position_id for e in client.ledger.entries() if e.position_id not in kept]


def delete_owned(client: GraphClient, position_id: str) -> None:
    """Deletes one position of the ledger now (nothing when the ledger no longer has it)."""
    entry = next((e for e in client.ledger.entries() if e.position_id == position_id), None)
    if entry is None:
        return
    try:
        response = client.delete(entry.item_path)  # a 2xx takes it off the ledger
    except requests.RequestException:
        return
    if response.status_code in (404, 410):  # already gone
        client.ledger.forget(position_id)


class BackgroundTidier:
    """Deletes positions of the ledger on a thread of its own. At most `waiting_at_most` wait
    at a time: a test that creates faster than they go waits for room. `finish()` waits for
    them, within a time limit, and stops the thread."""

    def __init__(self, client: GraphClient, waiting_at_most: int = 4) -> None:
        self._client = client
        self._queue: queue.Queue[str | None] = queue.Queue(maxsize=waiting_at_most)
        self._stopping = threading.Event()
        self.problems: list[str] = []  # what went wrong on the thread, for the cleanup report
        self._thread = threading.Thread(target=self._run, name="tidier", daemon=True)
        self._thread.start()

    def delete_created_since(self, before: Iterable[str]) -> None:
        """Deletes, in the background, every position the ledger gained since `before`."""
        for position_id in created_since(self._client, before):
            self._put(position_id)

    def finish(self, timeout: float = FINISH_SECONDS) -> None:
        """Waits up to `timeout` for the deletes asked for, then stops the thread (what it did
        not delete stays in the ledger)."""
        self._put(None)
        self._thread.join(timeout)
        self._stopping.set()

    def _put(self, item: str | None) -> None:
        while self._thread.is_alive() and not self._stopping.is_set():
            with contextlib.suppress(queue.Full):
                self._queue.put(item, timeout=PUT_TIMEOUT_SECONDS)
                return

    def _run(self) -> None:
        current_test.label_thread(CLEANUP_LABEL)
        while not self._stopping.is_set() and (position_id := self._queue.get()) is not None:
            try:
                delete_owned(self._client, position_id)
            except BudgetExhausted:
                continue  # the end-of-run cleanup has its own go at what is left
            except Exception as exc:
                self.problems.append(f"deleting {position_id}: {type(exc).__name__}")

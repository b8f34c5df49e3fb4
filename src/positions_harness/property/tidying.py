"""Deleting, as a property test goes, the positions it no longer needs.

Every generated create makes a position, and so does every generated delete (it takes one of
its own); left until the end-of-run cleanup they pile up into hundreds, which pages the list
and slows every later list. Each is deleted through the harness client as soon as its case is
judged, so the cleanup ledger stays right; what cannot be deleted now stays in the ledger for
the cleanup at the end of the run.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterable

import requests

from ..errors import BudgetExhausted
from ..transport.client import GraphClient
from ..transport.transcript import current_test

CLEANUP_LABEL = "(cleanup)"  # what the transcript says these deletes were for


def owned_ids(client: GraphClient) -> frozenset[str]:
    """The positions the run owns now (take this before the requests whose creations to undo)."""
    return frozenset(entry.position_id for entry in client.ledger.entries())


def delete_created_since(client: GraphClient, before: Iterable[str]) -> None:
    """Deletes every position the ledger gained since `before` was taken.

    Raises BudgetExhausted like any request (the caller decides what that means); a transport
    error or a refusal leaves the position to the end-of-run cleanup.
    """
    kept = set(before)
    for entry in client.ledger.entries():
        if entry.position_id not in kept:
            delete_owned(client, entry.position_id)


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
    """Deletes positions on a thread of its own, so a property test does not wait a round trip
    per created position before its next case (at 300 ms per request, a fifth of a property
    test's time went to these deletes). At most a few wait at any time: the queue is short and
    the test blocks when it is full. `finish()` waits for every delete; what could not be
    deleted stays in the ledger for the end-of-run cleanup."""

    def __init__(self, client: GraphClient, waiting_at_most: int = 4) -> None:
        self._client = client
        self._queue: queue.Queue[str | None] = queue.Queue(maxsize=waiting_at_most)
        self._thread = threading.Thread(target=self._run, name="tidier", daemon=True)
        self._thread.start()

    def delete_created_since(self, before: Iterable[str]) -> None:
        kept = set(before)
        for entry in self._client.ledger.entries():
            if entry.position_id not in kept:
                self._queue.put(entry.position_id)

    def finish(self, timeout: float | None = None) -> None:
        self._queue.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        current_test.label_thread(CLEANUP_LABEL)
        while (position_id := self._queue.get()) is not None:
            # A spent budget or a transport failure leaves it to the end-of-run cleanup.
            with contextlib.suppress(BudgetExhausted, requests.RequestException):
                delete_owned(self._client, position_id)

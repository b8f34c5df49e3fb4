"""Deleting, as a property test goes, the positions it no longer needs.

Every generated create makes a position, and so does every generated delete (it takes one of
its own); left until the end-of-run cleanup they pile up into hundreds, which pages the list
and slows every later list. Each is deleted through the harness client as soon as its case is
judged, so the cleanup ledger stays right; what cannot be deleted now stays in the ledger for
the cleanup at the end of the run.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..transport.client import GraphClient
from ..transport.tidier import created_since, delete_owned


def owned_ids(client: GraphClient) -> frozenset[str]:
    """The positions the run owns now (take this before the requests whose creations to undo)."""
    return frozenset(entry.position_id for entry in client.ledger.entries())


def delete_created_since(client: GraphClient, before: Iterable[str]) -> None:
    """Deletes every position the ledger gained since `before` was taken.

    Raises BudgetExhausted like any request (the caller decides what that means); a transport
    error or a refusal leaves the position to the end-of-run cleanup.
    """
    for position_id in created_since(client, before):
        delete_owned(client, position_id)

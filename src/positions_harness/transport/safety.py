"""What the harness may do to a tenant: tag what it creates, touch only that, write only if allowed.

- Every position the harness creates carries the run's tag in `categories` (when the request
  does not set categories itself), so `sweep` can find leftovers of a run that was killed.
- PATCH and DELETE go only to positions the harness created: ids seen on the target that are
  not in the run's ledger (the positions that existed before, or another run's) are protected.
- A read-only target gets GET requests only; any other request is "not claimed".
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from .ledger import CleanupLedger

RUN_TAG_PREFIX = "harness-run:"
POSITIONS_SUFFIX = "/profile/positions"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class NotClaimed(Exception):
    """The request needs a capability the target profile does not claim (e.g. writes)."""


class UnsafeRequest(Exception):
    """The harness refused to send a request that could change data it did not create."""


def run_tag(run_id: str) -> str:
    return f"{RUN_TAG_PREFIX}{run_id}"


def is_collection(path: str) -> bool:
    return path.rstrip("/").endswith(POSITIONS_SUFFIX)


def position_id_of(path: str) -> str | None:
    head, _, last = path.rstrip("/").rpartition("/")
    return last if head.endswith(POSITIONS_SUFFIX) and last else None


def tagged_ids(positions: Iterable[Any], prefix: str = RUN_TAG_PREFIX) -> list[str]:
    """Ids of the positions whose categories carry a harness tag starting with `prefix`."""
    found = []
    for position in positions:
        if not isinstance(position, dict):
            continue
        categories = position.get("categories") or []
        if isinstance(categories, list) and any(
            isinstance(c, str) and c.startswith(prefix) for c in categories
        ):
            found.append(str(position.get("id")))
    return found


class SafetyPolicy:
    def __init__(self, *, read_only: bool = False, tag: str | None = None) -> None:
        self.read_only = read_only
        self.tag = tag
        self._protected: set[str] = set()
        self._lock = threading.Lock()

    def protect(self, position_ids: Iterable[str]) -> None:
        with self._lock:
            self._protected.update(position_ids)

    @property
    def protected(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._protected)

    def check(self, method: str, path: str, ledger: CleanupLedger) -> None:
        """Raises before sending a request the run is not allowed to make."""
        if self.read_only and method not in READ_METHODS:
            raise NotClaimed(f"the target is read-only, so {method} requests are not claimed")
        position_id = position_id_of(path)
        if method not in READ_METHODS and position_id and not ledger.owns(position_id):
            with self._lock:
                protected = position_id in self._protected
            if protected:
                raise UnsafeRequest(
                    f"refusing {method} {path}: that position was not created by this run"
                )

    def tag_body(self, method: str, path: str, body: Any) -> Any:
        """Adds the run tag to a new position's categories when the body leaves them unset."""
        if (
            method == "POST"
            and self.tag
            and is_collection(path)
            and isinstance(body, dict)
            and "categories" not in body
        ):
            return {**body, "categories": [self.tag]}
        return body

    def observe(self, method: str, path: str, body: Any, ledger: CleanupLedger) -> None:
        """Protects every position the target shows that this run did not create."""
        if method != "GET" or not isinstance(body, dict):
            return
        if is_collection(path) and isinstance(body.get("value"), list):
            ids = [p.get("id") for p in body["value"] if isinstance(p, dict)]
        elif position_id_of(path):
            ids = [body.get("id")]
        else:
            return
        self.protect(i for i in ids if isinstance(i, str) and i and not ledger.created_by_run(i))

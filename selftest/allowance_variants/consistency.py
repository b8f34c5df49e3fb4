"""Freedoms in when a write becomes visible, and in what an update may change besides what was
sent."""

from __future__ import annotations

import copy
import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from werkzeug.wrappers import Request, Response

from positions_reference import GraphPositionsApp, PositionStore
from positions_reference.store import Record, User

from . import Allowance

LAG_SECONDS = 0.5


class _StoreWithViews(PositionStore):
    """A store whose reads, on one thread, may be pointed at an older copy of a user's list."""

    def __init__(self) -> None:
        super().__init__()
        self.view = threading.local()

    def _old(self) -> list[Record] | None:
        return getattr(self.view, "records", None)

    def get(self, user_id: str, position_id: str) -> Record | None:
        old = self._old()
        if old is None:
            return super().get(user_id, position_id)
        return next((copy.deepcopy(r) for r in old if r["id"] == position_id), None)

    def list_records(self, user_id: str) -> list[Record]:
        old = self._old()
        return super().list_records(user_id) if old is None else copy.deepcopy(old)


class ReadsLagWrites(GraphPositionsApp):
    """For 0.5 s after a create, update or delete, GET and List still show the user's positions
    as they were before it (a new position is not found yet, an updated one shows its old
    values, a deleted one is still there). Writes themselves see the latest state.

    No page promises read-your-writes: workposition-update.md says only that the 200 answer
    holds the updated object, profile-post-positions.md that the 201 holds the new one. A
    replicated store that answers reads from a follower shows exactly this, for a bounded time."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, store=_StoreWithViews(), **kwargs)
        self._writes: dict[str, list[tuple[float, list[Record]]]] = {}
        self._write_lock = threading.Lock()

    def _write(self, user: User, operation: Callable[[], Response]) -> Response:
        with self._write_lock:
            before = self.store.list_records(user.id)
            response = operation()
            if response.status_code < 300:
                self._writes.setdefault(user.id, []).append((time.monotonic(), before))
            return response

    def _visible(self, user: User) -> list[Record] | None:
        """The positions as they were before the oldest write younger than the lag, if any."""
        settled = time.monotonic() - LAG_SECONDS
        with self._write_lock:
            pending = [w for w in self._writes.get(user.id, []) if w[0] > settled]
            self._writes[user.id] = pending
            return pending[0][1] if pending else None

    @contextmanager
    def _lagging(self, user: User) -> Iterator[None]:
        view = self.store.view  # type: ignore[attr-defined]
        view.records = self._visible(user)
        try:
            yield
        finally:
            view.records = None

    def create_position(self, request: Request, user: User) -> Response:
        return self._write(user, lambda: super(ReadsLagWrites, self).create_position(request, user))

    def update_position(self, request: Request, user: User, position_id: str) -> Response:
        return self._write(
            user, lambda: super(ReadsLagWrites, self).update_position(request, user, position_id)
        )

    def delete_position(self, request: Request, user: User, position_id: str) -> Response:
        return self._write(
            user, lambda: super(ReadsLagWrites, self).delete_position(request, user, position_id)
        )

    def get_position(self, request: Request, user: User, position_id: str) -> Response:
        with self._lagging(user):
            return super().get_position(request, user, position_id)

    def list_positions(self, request: Request, user: User) -> Response:
        with self._lagging(user):
            return super().list_positions(request, user)


class PatchRecalculatesIsCurrent(GraphPositionsApp):
    """A PATCH that sets `detail.endMonthYear` to a date before today, without sending
    `isCurrent`, also sets `isCurrent` to false: a position that has ended is not current.

    workposition-update.md, Request body: "Existing properties that are not included in the
    request body will maintain their previous values or be recalculated based on changes to
    other property values.\""""

    def apply_update(
        self, existing: Record, patch: dict[str, Any], caller: dict[str, Any]
    ) -> Record:
        updated = super().apply_update(existing, patch, caller)
        detail = patch.get("detail")
        end = detail.get("endMonthYear") if isinstance(detail, dict) else None
        if "isCurrent" not in patch and isinstance(end, str) and end < dt.date.today().isoformat():
            updated["isCurrent"] = False
        return updated


class SourceUpdatable(GraphPositionsApp):
    """`source` sent in a PATCH is validated and applied, like any other property.

    workposition-update.md's Properties table does not list `source` (profile-post-positions.md
    does; SOURCES.md item 5), but nothing says it is forbidden on update, and itemfacet.md
    describes it as client data ("Where the values within an entity originated")."""

    def validate_body(self, body: Any, *, for_update: bool) -> dict[str, Any]:
        if not (for_update and isinstance(body, dict) and "source" in body):
            return super().validate_body(body, for_update=for_update)
        rest = {k: v for k, v in body.items() if k != "source"}
        cleaned = super().validate_body(rest, for_update=True)
        cleaned.update(super().validate_body({"source": body["source"]}, for_update=False))
        return cleaned


VARIANTS = [
    Allowance(
        "reads-lag-writes",
        f"GET and List show the state before a write for {LAG_SECONDS} s after it",
        ReadsLagWrites,
        "no page promises read-your-writes (Create/Update pages describe only their own answer)",
    ),
    Allowance(
        "patch-recalculates-is-current",
        "PATCH setting a past detail.endMonthYear without isCurrent sets isCurrent to false",
        PatchRecalculatesIsCurrent,
        "workposition-update.md, Request body (unsent properties may be recalculated)",
    ),
    Allowance(
        "source-updatable",
        "source sent in a PATCH is applied, not refused",
        SourceUpdatable,
        "workposition-update.md's table omits source but forbids nothing (SOURCES.md item 5)",
    ),
]

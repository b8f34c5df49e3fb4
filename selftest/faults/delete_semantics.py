"""Faults in delete: its answer, and whether the position is really gone."""

from __future__ import annotations

from werkzeug.wrappers import Request, Response

from positions_reference import GraphPositionsApp
from positions_reference.store import Record, User

from . import Fault


class DeleteAnswers200WithTheBody(GraphPositionsApp):
    """Answers a delete with 200 and the deleted position instead of 204 No Content."""

    def delete_position(self, request: Request, user: User, position_id: str) -> Response:
        record = self.find_position(user, position_id)
        super().delete_position(request, user, position_id)
        return self.json_response(200, self.entity_body(request, user, record))


class SoftDeleteStillReadable(GraphPositionsApp):
    """Marks a position deleted: the list hides it, but a get by id still returns it."""

    def __init__(self) -> None:
        super().__init__()
        self.deleted: set[str] = set()

    def delete_position(self, request: Request, user: User, position_id: str) -> Response:
        if position_id in self.deleted:
            raise self.not_found(position_id)
        self.find_position(user, position_id)
        self.deleted.add(position_id)
        return self.empty_response(204)

    def order_records(self, records: list[Record], orderby: tuple) -> list[Record]:
        visible = [r for r in records if r["id"] not in self.deleted]
        return super().order_records(visible, orderby)


class RepeatedDeleteSucceeds(GraphPositionsApp):
    """Treats delete as idempotent: deleting what is not there answers 204 too."""

    def delete_position(self, request: Request, user: User, position_id: str) -> Response:
        self.store.delete(user.id, position_id)
        return self.empty_response(204)


FAULTS = [
    Fault(
        "delete-answers-200-with-the-body",
        "a delete answers 200 with the deleted position instead of 204 with no body",
        DeleteAnswers200WithTheBody,
        {"POS-DELETE-001"},
    ),
    Fault(
        "soft-delete-still-readable",
        "a deleted position leaves the list but a get by its id still answers 200",
        SoftDeleteStillReadable,
        {"POS-DELETE-002"},
    ),
    Fault(
        "repeated-delete-succeeds",
        "deleting a position that is not there answers 204 instead of 404",
        RepeatedDeleteSucceeds,
        {"POS-DELETE-003", "POS-ADDR-004"},
    ),
]

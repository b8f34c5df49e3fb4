"""Faults in what a successful operation answers: the wrong body, the wrong position, no body."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from werkzeug.wrappers import Request, Response

from positions_reference import GraphPositionsApp
from positions_reference.store import User

from . import Fault


class CreateAnswersWithoutTheEntity(GraphPositionsApp):
    """Creates the position but answers 201 with only a status object."""

    def create_position(self, request: Request, user: User) -> Response:
        created = super().create_position(request, user)
        return self.json_response(
            201, {"status": "created"}, {"Location": created.headers.get("Location", "")}
        )


class GetAnswersAnotherPosition(GraphPositionsApp):
    """An off-by-one in the lookup: get answers the user's first position, whatever was asked."""

    def get_position(self, request: Request, user: User, position_id: str) -> Response:
        self.find_position(user, position_id)  # still 404 for unknown ids
        first = self.store.list_records(user.id)[0]
        return self.json_response(200, self.entity_body(request, user, first))


class SelectReturnsOnlyTheId(GraphPositionsApp):
    """$select is parsed but every selected property is dropped: only id comes back."""

    def render_position(self, record: dict[str, Any], select: Sequence[str] | None = None) -> dict:
        position = super().render_position(record, select)
        return {"id": position["id"]} if select is not None else position


class UpdateAnswers204(GraphPositionsApp):
    """Applies the update but answers 204 No Content instead of 200 with the position."""

    def update_position(self, request: Request, user: User, position_id: str) -> Response:
        super().update_position(request, user, position_id)
        return self.empty_response(204)


class UpdateAnswersTheOldValues(GraphPositionsApp):
    """Stores the update but answers with the position as it was before it."""

    def update_position(self, request: Request, user: User, position_id: str) -> Response:
        before = self.entity_body(request, user, self.find_position(user, position_id))
        super().update_position(request, user, position_id)
        return self.json_response(200, before)


class IdIsANumber(GraphPositionsApp):
    """Exposes the database row number as id: a JSON number, not a string."""

    def render_position(self, record: dict[str, Any], select: Sequence[str] | None = None) -> dict:
        position = super().render_position(record, select)
        position["id"] = int(record["id"].replace("-", "")[:8], 16)
        return position


FAULTS = [
    Fault(
        "create-answers-without-the-entity",
        "201 carries a status object, not the position",
        CreateAnswersWithoutTheEntity,
        {"POS-CREATE-002", "POS-MANAGED-001"},
    ),
    Fault(
        "get-answers-another-position",
        "get by id answers the user's first position",
        GetAnswersAnotherPosition,
        {"POS-GET-001"},
    ),
    Fault(
        "select-returns-only-the-id",
        "$select answers only id, not the selected properties",
        SelectReturnsOnlyTheId,
        {"POS-GET-003"},
    ),
    Fault(
        "update-answers-204",
        "a successful update answers 204 without the position",
        UpdateAnswers204,
        {"POS-UPDATE-001"},
    ),
    Fault(
        "update-answers-the-old-values",
        "update answers the position as it was before",
        UpdateAnswersTheOldValues,
        {"POS-UPDATE-002"},
    ),
    Fault(
        "id-is-a-number",
        "the id is a JSON number instead of a string",
        IdIsANumber,
        {"POS-MANAGED-001", "POS-TYPE-001"},
    ),
]

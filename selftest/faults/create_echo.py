"""Faults in create: the answer, and what is kept of the values written."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request, Response

from positions_reference import GraphPositionsApp
from positions_reference.store import User

from . import Fault, map_text

STORED_TEXT_LIMIT = 255


class TruncatesLongText(GraphPositionsApp):
    """Stores text in a 255-character column: longer values are cut without a word."""

    def validate_body(self, body: Any, *, for_update: bool) -> dict[str, Any]:
        cleaned = super().validate_body(body, for_update=for_update)
        return map_text(cleaned, lambda text: text[:STORED_TEXT_LIMIT])


class DropsInferenceAndSource(GraphPositionsApp):
    """Silently ignores two of the properties the Create page lists as settable."""

    def validate_body(self, body: Any, *, for_update: bool) -> dict[str, Any]:
        cleaned = super().validate_body(body, for_update=for_update)
        return {k: v for k, v in cleaned.items() if k not in ("inference", "source")}


class CreateAnswers200(GraphPositionsApp):
    """Answers a successful create with 200 OK instead of 201 Created."""

    def create_position(self, request: Request, user: User) -> Response:
        response = super().create_position(request, user)
        response.status_code = 200
        return response


FAULTS = [
    Fault(
        "truncates-long-text",
        "text longer than 255 characters is stored cut short",
        TruncatesLongText,
        {"POS-CREATE-003"},
    ),
    Fault(
        "drops-inference-and-source",
        "inference and source are accepted on create but not stored",
        DropsInferenceAndSource,
        {"POS-CREATE-004"},
    ),
    Fault(
        "create-answers-200",
        "a successful create answers 200 OK instead of 201 Created",
        CreateAnswers200,
        {"POS-CREATE-001"},
    ),
]

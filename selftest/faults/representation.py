"""Faults in how a position is represented: renamed properties, types, formats, content type."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from werkzeug.wrappers import Response

from positions_reference import GraphPositionsApp

from . import Fault


class RenamesJobTitle(GraphPositionsApp):
    """Answers detail.title where the docs say detail.jobTitle."""

    def render_position(self, record: dict[str, Any], select: Sequence[str] | None = None) -> dict:
        position = super().render_position(record, select)
        detail = position.get("detail")
        if isinstance(detail, dict) and "jobTitle" in detail:
            detail["title"] = detail.pop("jobTitle")
        return position


class LayerAsString(GraphPositionsApp):
    """Answers the Int32 detail.layer as a JSON string ("3")."""

    def render_position(self, record: dict[str, Any], select: Sequence[str] | None = None) -> dict:
        position = super().render_position(record, select)
        detail = position.get("detail")
        if isinstance(detail, dict) and isinstance(detail.get("layer"), int):
            detail["layer"] = str(detail["layer"])
        return position


class TimestampsNotRfc3339(GraphPositionsApp):
    """Writes timestamps as "2020-07-06 06:34:12" (no T, no offset)."""

    def format_timestamp(self, ticks: int) -> str:
        return super().format_timestamp(ticks)[:19].replace("T", " ")


class AnswersTextPlain(GraphPositionsApp):
    """Declares its JSON bodies as text/plain."""

    def json_response(
        self, status: int, body: Any, headers: Mapping[str, str] | None = None
    ) -> Response:
        response = super().json_response(status, body, headers)
        response.headers["Content-Type"] = "text/plain; charset=utf-8"
        return response


FAULTS = [
    Fault(
        "renames-job-title",
        "detail.jobTitle is answered as detail.title",
        RenamesJobTitle,
        {"POS-CREATE-003"},
    ),
    Fault(
        "layer-as-string",
        "the Int32 detail.layer comes back as a string",
        LayerAsString,
        {"POS-TYPE-001", "POS-CREATE-003"},
    ),
    Fault(
        "timestamps-not-rfc3339",
        "createdDateTime/lastModifiedDateTime are not RFC 3339",
        TimestampsNotRfc3339,
        {"POS-MANAGED-002"},
    ),
    Fault(
        "answers-text-plain",
        "JSON bodies are declared as text/plain",
        AnswersTextPlain,
        {"POS-ERR-003"},
    ),
]

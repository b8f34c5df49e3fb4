"""Faults in the types of what a service answers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from positions_reference import GraphPositionsApp
from positions_reference.store import Record

from . import Fault


class IsCurrentAsText(GraphPositionsApp):
    """Serialises isCurrent with str(): "True"/"False" strings instead of JSON booleans."""

    def render_position(
        self, record: Record, select: Sequence[str] | None = None
    ) -> dict[str, Any]:
        rendered = super().render_position(record, select)
        if isinstance(rendered.get("isCurrent"), bool):
            rendered["isCurrent"] = str(rendered["isCurrent"])
        return rendered


FAULTS = [
    Fault(
        "is-current-as-text",
        'isCurrent is answered as the string "True" or "False" instead of a boolean',
        IsCurrentAsText,
        {"POS-TYPE-001"},
    ),
]

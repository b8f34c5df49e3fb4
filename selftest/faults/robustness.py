"""Faults in robustness: 5xx or damage for inputs a service must take in its stride."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request

from positions_reference import GraphError, GraphPositionsApp
from positions_reference.store import Record, User

from . import Fault, map_text

LONG_TEXT = 1000


def _longest_text(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return max((_longest_text(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return max((_longest_text(v) for v in value), default=0)
    return 0


class CrashesOnLongStrings(GraphPositionsApp):
    """Overflows a fixed-size buffer: any text over 1000 characters is a 500."""

    def validate_body(self, body: Any, *, for_update: bool) -> dict[str, Any]:
        if _longest_text(body) > LONG_TEXT:
            raise GraphError(500, "generalException", "value too large for column")
        return super().validate_body(body, for_update=for_update)


class MangledNonAscii(GraphPositionsApp):
    """Stores text through a Latin-1 column: anything outside it becomes '?'."""

    def validate_body(self, body: Any, *, for_update: bool) -> dict[str, Any]:
        cleaned = super().validate_body(body, for_update=for_update)
        return map_text(cleaned, lambda text: text.encode("latin-1", "replace").decode("latin-1"))


class CrashesOnCharsetParameter(GraphPositionsApp):
    """Compares the Content-Type header as a whole: `; charset=utf-8` ends in a 500."""

    def read_json_body(self, request: Request) -> Any:
        if ";" in request.headers.get("Content-Type", ""):
            raise GraphError(500, "generalException", "unexpected media type")
        return super().read_json_body(request)


class CrashesOnUnknownId(GraphPositionsApp):
    """Dereferences a missing row: an unknown position id is a 500, not a 404."""

    def find_position(self, user: User, position_id: str) -> Record:
        if self.store.get(user.id, position_id) is None:
            raise GraphError(500, "generalException", "object reference not set")
        return super().find_position(user, position_id)


FAULTS = [
    Fault(
        "crashes-on-long-strings",
        "text over 1000 characters is answered 500",
        CrashesOnLongStrings,
        {"POS-ERR-002", "POS-CREATE-001", "POS-CREATE-003"},
    ),
    Fault(
        "mangles-non-ascii",
        "text outside Latin-1 comes back as '?'",
        MangledNonAscii,
        {"POS-CREATE-003"},
    ),
    Fault(
        "crashes-on-charset-parameter",
        "application/json; charset=utf-8 is answered 500",
        CrashesOnCharsetParameter,
        {"POS-VALID-009", "POS-ERR-002"},
    ),
    Fault(
        "crashes-on-unknown-id",
        "an unknown position id is answered 500 instead of 404",
        CrashesOnUnknownId,
        {"POS-ADDR-004", "POS-ERR-002"},
    ),
]

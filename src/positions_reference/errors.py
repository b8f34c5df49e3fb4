"""The exception an operation raises to answer with a Graph error body."""

from __future__ import annotations

from collections.abc import Mapping


class GraphError(Exception):
    """Raised anywhere inside an operation; turned into a Graph error response."""

    def __init__(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})

"""Faults in authentication: requests that should answer 401, and how the 401 looks."""

from __future__ import annotations

from collections.abc import Mapping

from werkzeug.wrappers import Request, Response

from positions_reference import GraphPositionsApp

from . import Fault


class NoAuthentication(GraphPositionsApp):
    """Serves every request, with or without credentials (an auth middleware left out)."""

    def authenticate(self, request: Request) -> None:
        return None


class PlainText401(GraphPositionsApp):
    """Answers 401 from a gateway page in text/plain instead of a Graph error body."""

    def error(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> Response:
        if status != 401:
            return super().error(status, code, message, headers)
        response = Response("401 Unauthorized", 401, content_type="text/plain")
        response.headers["WWW-Authenticate"] = "Bearer"
        return response


FAULTS = [
    Fault(
        "no-authentication",
        "requests without an Authorization header, or with a malformed one, are served",
        NoAuthentication,
        {"POS-AUTH-001", "POS-AUTH-002"},
    ),
    Fault(
        "plain-text-401",
        "the 401 answer is text/plain instead of a Graph error body",
        PlainText401,
        {"POS-AUTH-003"},
    ),
]

"""Freedoms in the error answers themselves: the code strings, the optional innererror, the
parameters of WWW-Authenticate.

concepts/errors.md fixes the shape (`{"error": {"code", "message"}}`) and lists codes apps
"should be prepared to handle"; it makes innererror optional and names no code per status.
"""

from __future__ import annotations

from collections.abc import Mapping

from werkzeug.wrappers import Request, Response

from positions_reference import GraphError, GraphPositionsApp

from . import Allowance

# The reference's codes, and the basic codes of concepts/errors.md a service could use instead.
BASIC_CODES = {
    "BadRequest": "invalidRequest",
    "Request_ResourceNotFound": "itemNotFound",
    "InvalidAuthenticationToken": "unauthenticated",
    "MethodNotAllowed": "notSupported",
    "UnsupportedMediaType": "notSupported",
    "RequestEntityTooLarge": "invalidRequest",
}
GRAPH_CHALLENGE = (
    'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize",'
    ' client_id="00000003-0000-0000-c000-000000000000"'
)


class BasicErrorCodes(GraphPositionsApp):
    """Every error carries a basic code of concepts/errors.md (`invalidRequest`,
    `itemNotFound`, `unauthenticated`, `notSupported`) instead of the reference's
    (`BadRequest`, `Request_ResourceNotFound`, `InvalidAuthenticationToken`, ...).

    concepts/errors.md, Code property: the code "contains one of the following possible
    values"; no page names the code of any error."""

    def error(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> Response:
        return super().error(status, BASIC_CODES.get(code, code), message, headers)


class ErrorsWithoutInnerError(GraphPositionsApp):
    """Error bodies hold only `code` and `message`: no `innerError` (no date, no request ids in
    the body; the request-id headers stay).

    concepts/errors.md, odata.error resource type: innererror is "Optional"."""

    def error(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> Response:
        return self.json_response(status, {"error": {"code": code, "message": message}}, headers)


class ChallengeWithParameters(GraphPositionsApp):
    """A 401 challenges with parameters, as Microsoft Graph does: `Bearer realm="",
    authorization_uri="...", client_id="..."` instead of the bare `Bearer`.

    RFC 6750 §3 (the Bearer challenge may carry realm, scope and other auth-params) and
    RFC 9110 §11.6.1."""

    def authenticate(self, request: Request) -> None:
        try:
            super().authenticate(request)
        except GraphError as exc:
            if exc.status == 401:
                exc.headers["WWW-Authenticate"] = GRAPH_CHALLENGE
            raise


VARIANTS = [
    Allowance(
        "basic-error-codes",
        "error codes from concepts/errors.md's basic list (invalidRequest, itemNotFound, ...)",
        BasicErrorCodes,
        "concepts/errors.md, Code property",
    ),
    Allowance(
        "errors-without-innererror",
        "error bodies hold only code and message, no innerError",
        ErrorsWithoutInnerError,
        "concepts/errors.md, odata.error resource type (innererror: Optional)",
    ),
    Allowance(
        "challenge-with-parameters",
        '401 carries WWW-Authenticate: Bearer realm="", authorization_uri=..., client_id=...',
        ChallengeWithParameters,
        "RFC 6750 §3; RFC 9110 §11.6.1",
    ),
]

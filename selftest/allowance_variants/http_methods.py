"""Freedoms in answering methods the pages do not list for a resource.

The pages list GET, POST, PATCH and DELETE. For anything else HTTP leaves the service a choice:
the reference answers 405 with Allow; these variants take one of the other answers HTTP allows.
"""

from __future__ import annotations

from werkzeug.wrappers import Request, Response

from positions_reference import GraphError, GraphPositionsApp
from positions_reference.routing import ALLOWED_METHODS

from . import Allowance

RECOGNISED_METHODS = ("GET", "HEAD", "POST", "PATCH", "DELETE")
NOT_IMPLEMENTED_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>501 Not Implemented</title></head>"
    b"<body><h1>Not Implemented</h1><p>This server does not implement the request method."
    b"</p></body></html>\n"
)


class UnknownMethodsNotImplemented(GraphPositionsApp):
    """A method the service implements nowhere (PUT, TRACE, QUERY, OPTIONS, ...) is answered
    `501 Not Implemented` with an HTML page, as a front-end web server does, after the token
    check; GET, HEAD, POST, PATCH and DELETE are answered as by the reference.

    RFC 9110 §15.6.2: 501 is the appropriate answer when the server does not recognise the
    request method; concepts/errors.md lists 501. No page names an answer for these methods."""

    def handle(self, request: Request) -> Response:
        if request.method in RECOGNISED_METHODS:
            return super().handle(request)
        try:
            self.authenticate(request)
        except GraphError as exc:
            return self.error(exc.status, exc.code, exc.message, exc.headers)
        return Response(NOT_IMPLEMENTED_PAGE, 501, content_type="text/html; charset=utf-8")


class HeadAnsweredLikeGet(GraphPositionsApp):
    """HEAD is answered as GET would be, without the body (Allow lists HEAD wherever it lists
    GET).

    RFC 9110 §9.3.2 (HEAD is GET without content) and §9.1 ("All general-purpose servers MUST
    support the methods GET and HEAD"); no page forbids it."""

    def handle(self, request: Request) -> Response:
        if request.method == "HEAD":
            request.method = "GET"
        response = super().handle(request)
        allow = response.headers.get("Allow")
        if allow and "GET" in allow.split(", ") and "HEAD" not in allow:
            response.headers["Allow"] = f"{allow}, HEAD"
        return response  # for HEAD the server sends the headers only, Content-Length as for GET


class OptionsAnsweredWithAllow(GraphPositionsApp):
    """OPTIONS on a known resource is answered `204 No Content` with `Allow` naming its methods
    (after the token check), instead of 405.

    RFC 9110 §9.3.7 (OPTIONS: a server answers with the communication options it supports,
    e.g. Allow); no page forbids it."""

    def handle(self, request: Request) -> Response:
        route = self.match_route(request.path) if request.method == "OPTIONS" else None
        if route is None:
            return super().handle(request)
        try:
            self.authenticate(request)
        except GraphError as exc:
            return self.error(exc.status, exc.code, exc.message, exc.headers)
        response = self.empty_response(204)
        response.headers["Allow"] = ", ".join((*ALLOWED_METHODS[route.kind], "OPTIONS"))
        return response


VARIANTS = [
    Allowance(
        "unknown-methods-501",
        "PUT, TRACE, QUERY, OPTIONS ... answered 501 Not Implemented with an HTML body",
        UnknownMethodsNotImplemented,
        "RFC 9110 §15.6.2; concepts/errors.md lists 501",
    ),
    Allowance(
        "head-answered-like-get",
        "HEAD answered as GET without the body, instead of 405",
        HeadAnsweredLikeGet,
        "RFC 9110 §9.3.2 and §9.1",
    ),
    Allowance(
        "options-answered-with-allow",
        "OPTIONS answered 204 with Allow, instead of 405",
        OptionsAnsweredWithAllow,
        "RFC 9110 §9.3.7",
    ),
]

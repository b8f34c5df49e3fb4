"""Freedoms in how the same data is written back: identities, timestamps, collection order,
numbers, escapes, compression, headers, and server-side defaults.

Each variant changes one thing about the answers and nothing about what is stored (except
`create-fills-default-audience`, whose freedom is a stored default).
"""

from __future__ import annotations

import gzip
import itertools
import json
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from werkzeug.datastructures import Headers
from werkzeug.http import parse_accept_header
from werkzeug.wrappers import Request, Response

from positions_reference import GraphPositionsApp
from positions_reference.store import Record, User

from . import Allowance
from .wsgi import Middleware, call_and_capture

IDENTITY_SETS = ("createdBy", "lastModifiedBy")
REORDERED_COLLECTIONS = ("categories", "colleagues")
DEFAULT_AUDIENCE = "organization"
TICKS_PER_MILLISECOND = 10_000


class _Counted:
    """A thread-safe running count, for variants that answer differently from call to call."""

    def __init__(self) -> None:
        self._numbers = itertools.count()
        self._lock = threading.Lock()

    def next(self) -> int:
        with self._lock:
            return next(self._numbers)


class IdentityDisplayNameVaries(GraphPositionsApp):
    """In `createdBy`/`lastModifiedBy`, the user identity's `displayName` is left out in one
    rendering in three and written differently (`Innocenty Popov (Contoso)`) in another; its
    `id` never changes.

    identity.md, Properties: displayName "may not always be available or up to date"."""

    _renderings = _Counted()

    def render_position(self, record: Record, select: Sequence[str] | None = None) -> dict:
        position = super().render_position(record, select)
        turn = self._renderings.next() % 3
        for key in IDENTITY_SETS:
            user = (position.get(key) or {}).get("user")
            if isinstance(user, dict) and user.get("displayName"):
                if turn == 0:
                    del user["displayName"]
                elif turn == 1:
                    user["displayName"] = f"{user['displayName']} (Contoso)"
        return position


class IdentityWithoutId(GraphPositionsApp):
    """The user identity in `createdBy`/`lastModifiedBy` carries `displayName` but no `id`.

    identity.md, Remarks: "In some circumstances, the unique identifier for the actor may not
    be available. In this case, the displayName property for the identity will be returned, but
    the id property will be missing from the resource.\""""

    def render_position(self, record: Record, select: Sequence[str] | None = None) -> dict:
        position = super().render_position(record, select)
        for key in IDENTITY_SETS:
            user = (position.get(key) or {}).get("user")
            if isinstance(user, dict):
                user.pop("id", None)
        return position


# Four RFC 3339 spellings of one instant, taken in turn by successive requests.
def _seven_z(text: str) -> str:
    return text


def _three_offset(text: str) -> str:
    return f"{text[:23]}+00:00"


def _seven_offset(text: str) -> str:
    return f"{text[:-1]}+00:00"


def _three_z(text: str) -> str:
    return f"{text[:23]}Z"


TIMESTAMP_SPELLINGS = (_seven_z, _three_offset, _seven_offset, _three_z)


class TimestampTextVaries(GraphPositionsApp):
    """The same instant is spelled differently from one answer to the next: 7 fractional digits
    and `Z`, then 3 digits and `+00:00`, then 7 and `+00:00`, then 3 and `Z` (so a create answer,
    a GET and a List disagree in text, never in instant). The clock keeps whole milliseconds so
    that 3 digits lose nothing.

    RFC 3339 §5.6 (time-secfrac of any length, `Z` or a numeric offset); itemfacet.md types the
    stamps DateTimeOffset and fixes no spelling."""

    _requests = _Counted()

    def handle(self, request: Request) -> Response:
        self._local.spelling = TIMESTAMP_SPELLINGS[self._requests.next() % 4]
        return super().handle(request)

    def now(self) -> int:
        ticks = super().now()
        return ticks - ticks % TICKS_PER_MILLISECOND

    def modified_timestamp(self, previous: int) -> int:
        return max(self.now(), previous + TICKS_PER_MILLISECOND)

    def format_timestamp(self, ticks: int) -> str:
        spelling = getattr(self._local, "spelling", _seven_z)
        return spelling(super().format_timestamp(ticks))


class CollectionsReordered(GraphPositionsApp):
    """`categories` and `colleagues` come back in the reverse of the order they were written.

    The Create and Update pages type them `String collection` / `relatedPerson collection` and
    say nothing of order; in OData a collection has a stable order only when annotated
    `Core.Ordered` (OData Core vocabulary), which no page says of these."""

    def render_position(self, record: Record, select: Sequence[str] | None = None) -> dict:
        position = super().render_position(record, select)
        for key in REORDERED_COLLECTIONS:
            if isinstance(position.get(key), list):
                position[key] = position[key][::-1]
        return position


class CreateFillsDefaultAudience(GraphPositionsApp):
    """A create that does not send `allowedAudiences` stores `organization` (an explicit null is
    kept).

    profile-post-positions.md, Examples: the request sends no allowedAudiences and the 201
    answer shows "allowedAudiences": "organization"."""

    def validate_body(self, body: Any, *, for_update: bool) -> dict[str, Any]:
        cleaned = super().validate_body(body, for_update=for_update)
        if not for_update:
            cleaned.setdefault("allowedAudiences", DEFAULT_AUDIENCE)
        return cleaned


def _integral_doubles(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class DoublesWithoutFraction(GraphPositionsApp):
    """`inference.confidenceScore` (Edm.Double) written as `1` rather than `1.0` when integral.

    RFC 8259 §6: JSON has one number type, 1 and 1.0 are the same number; OData JSON Format
    v4.01 §7.1 writes Edm.Double as a JSON number; inferencedata.md's own example is `1024`."""

    def render_position(self, record: Record, select: Sequence[str] | None = None) -> dict:
        position = super().render_position(record, select)
        inference = position.get("inference")
        if isinstance(inference, dict) and "confidenceScore" in inference:
            inference["confidenceScore"] = _integral_doubles(inference["confidenceScore"])
        return position


class AsciiEscapedJson(GraphPositionsApp):
    """Every JSON answer escapes non-ASCII text as `\\uXXXX` (surrogate pairs beyond the BMP).

    RFC 8259 §7: any character may be escaped; the escaped and literal forms are the same
    string."""

    def json_response(
        self, status: int, body: Any, headers: Mapping[str, str] | None = None
    ) -> Response:
        response = super().json_response(status, body, headers)
        response.set_data(
            json.dumps(body, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode()
        )
        return response


class PlainJsonContentType(GraphPositionsApp):
    """JSON answers are labelled plain `application/json`, without odata.* or charset
    parameters.

    Every example response of the pages is labelled `Content-type: application/json`;
    RFC 8259 §11 (application/json has no required parameters; JSON is UTF-8)."""

    def json_response(
        self, status: int, body: Any, headers: Mapping[str, str] | None = None
    ) -> Response:
        response = super().json_response(status, body, headers)
        response.headers["Content-Type"] = "application/json"
        return response


class RelativeLocation(GraphPositionsApp):
    """The 201 `Location` header is a relative reference: `/beta/users/{id}/profile/positions/
    {position-id}`.

    RFC 9110 §10.2.2: Location is a URI-reference; "When it has the form of a relative
    reference, the final value is computed by resolving it against the target URI"."""

    def create_position(self, request: Request, user: User) -> Response:
        response = super().create_position(request, user)
        location = response.headers.get("Location")
        if location:
            response.headers["Location"] = urlsplit(location).path
        return response


class CreateWithoutLocation(GraphPositionsApp):
    """The 201 answer to a create carries no `Location` header (the new id is in the body).

    profile-post-positions.md, Response: "returns 201, Created response code and a new
    workPosition object in the response body", naming no header; RFC 9110 §15.3.2 does not
    require Location."""

    def create_position(self, request: Request, user: User) -> Response:
        response = super().create_position(request, user)
        del response.headers["Location"]
        return response


class GzipWhenAccepted(Middleware):
    """Answers with a body are gzip-compressed (`Content-Encoding: gzip`, `Vary:
    Accept-Encoding`) whenever the request's Accept-Encoding accepts gzip.

    RFC 9110 §8.4.1.3 (gzip coding) and §12.5.3 (Accept-Encoding); no page forbids it."""

    def __init__(self) -> None:
        super().__init__(GraphPositionsApp())

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        status, headers, body = call_and_capture(self.app, environ)
        accepted = parse_accept_header(environ.get("HTTP_ACCEPT_ENCODING", ""))
        if body and accepted["gzip"] > 0:
            squeezed = gzip.compress(body, mtime=0)
            rewritten = Headers(headers)
            rewritten["Content-Encoding"] = "gzip"
            rewritten["Content-Length"] = str(len(squeezed))
            rewritten["Vary"] = "Accept-Encoding"
            headers, body = rewritten.to_wsgi_list(), squeezed
        start_response(status, headers)
        return [body]


VARIANTS = [
    Allowance(
        "identity-display-name-varies",
        "createdBy/lastModifiedBy user displayName missing or different between reads, same id",
        IdentityDisplayNameVaries,
        "identity.md, Properties (displayName may not always be available or up to date)",
    ),
    Allowance(
        "identity-without-id",
        "createdBy/lastModifiedBy user identity carries displayName but no id",
        IdentityWithoutId,
        "identity.md, Remarks (the id may be missing)",
    ),
    Allowance(
        "timestamp-text-varies",
        "one instant spelled with 7 or 3 fraction digits, Z or +00:00, answer by answer",
        TimestampTextVaries,
        "RFC 3339 §5.6; itemfacet.md (DateTimeOffset, no fixed spelling)",
    ),
    Allowance(
        "collections-reordered",
        "categories and colleagues come back in reverse of the written order",
        CollectionsReordered,
        "Create/Update pages say nothing of order; OData Core vocabulary (Core.Ordered)",
    ),
    Allowance(
        "create-fills-default-audience",
        "a create without allowedAudiences stores 'organization'",
        CreateFillsDefaultAudience,
        "profile-post-positions.md, Examples (response shows organization, request sent none)",
    ),
    Allowance(
        "doubles-without-fraction",
        "integral Edm.Double values written as 1, not 1.0",
        DoublesWithoutFraction,
        "RFC 8259 §6; OData JSON Format v4.01 §7.1; inferencedata.md example (1024)",
    ),
    Allowance(
        "ascii-escaped-json",
        "non-ASCII text in answers escaped as \\uXXXX",
        AsciiEscapedJson,
        "RFC 8259 §7",
    ),
    Allowance(
        "plain-json-content-type",
        "JSON answers labelled plain application/json, no parameters",
        PlainJsonContentType,
        "the pages' example responses (Content-type: application/json); RFC 8259 §11",
    ),
    Allowance(
        "relative-location",
        "the 201 Location header is a relative reference (/beta/users/...)",
        RelativeLocation,
        "RFC 9110 §10.2.2",
    ),
    Allowance(
        "create-without-location",
        "the 201 answer to a create carries no Location header",
        CreateWithoutLocation,
        "profile-post-positions.md, Response (names no header); RFC 9110 §15.3.2",
    ),
    Allowance(
        "gzip-when-accepted",
        "answers gzip-compressed when Accept-Encoding allows gzip",
        GzipWhenAccepted,
        "RFC 9110 §8.4.1.3 and §12.5.3",
    ),
]

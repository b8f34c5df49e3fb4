"""Variants that answer the same data in another allowed representation.

Each is a mixin over the reference's `json_response`: `represent(body)` rewrites every JSON body
the service sends (positions, lists, errors, /me), and the mixins combine in one class.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import threading
from collections.abc import Mapping
from typing import Any

from werkzeug.wrappers import Response

from positions_reference import GraphPositionsApp, wire

from . import Variant

IDENTITY_SETS = ("createdBy", "lastModifiedBy")
DATE_PROPERTIES = ("startMonthYear", "endMonthYear")
VENDOR_EXTENSION = {"tier": "gold", "syncedFrom": "hr-system", "flags": [1, "two", None]}
EXTRA_IDENTITY = {"id": "3c1f0a9e-vendor-sync-agent", "displayName": "Vendor sync agent"}


class Represented(GraphPositionsApp):
    """The reference with a hook for rewriting every JSON body it sends."""

    def represent(self, body: Any) -> Any:
        return body

    def json_response(
        self, status: int, body: Any, headers: Mapping[str, str] | None = None
    ) -> Response:
        return super().json_response(status, self.represent(body), headers)


class ExtraProperties(Represented):
    """Adds undocumented properties at every level (and an extra member to identity sets)."""

    def represent(self, body: Any) -> Any:
        return _with_extras(super().represent(body))


def _with_extras(value: Any, key: str | None = None) -> Any:
    if isinstance(value, list):
        return [_with_extras(v, key) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _with_extras(v, k) for k, v in value.items()}
    if key in IDENTITY_SETS:  # identitySet members must be identities (DOC-IDENTITYSET-MEMBERS)
        out["applicationInstance"] = dict(EXTRA_IDENTITY)
    else:
        out["vendorExtension"] = dict(VENDOR_EXTENSION)
    if key is None:
        out["@odata.etag"] = 'W/"JzEtQ29udGFjdCBDYXJkIjs="'
    return out


class OmitsNulls(Represented):
    """Leaves out every property whose value is null."""

    def represent(self, body: Any) -> Any:
        return _without_nulls(super().represent(body))


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


class ShuffledKeys(Represented):
    """Sends the members of every object in a different order each time (deterministically)."""

    _responses = itertools.count()

    def represent(self, body: Any) -> Any:
        return _shuffled(super().represent(body), str(next(self._responses)))


def _shuffled(value: Any, salt: str) -> Any:
    if isinstance(value, list):
        return [_shuffled(v, salt) for v in value]
    if not isinstance(value, dict):
        return value
    order = sorted(value, key=lambda k: hashlib.sha256(f"{salt}:{k}".encode()).hexdigest())
    return {k: _shuffled(value[k], salt) for k in order}


class MillisecondOffsetTimestamps(Represented):
    """Writes date-times with 3 fractional digits and +00:00, and dates as date-times."""

    def format_timestamp(self, ticks: int) -> str:
        text = wire.format_ticks(ticks)  # 2020-07-06T06:34:12.2294868Z
        return f"{text[:23]}+00:00"

    def represent(self, body: Any) -> Any:
        return _dates_as_date_times(super().represent(body))


def _dates_as_date_times(value: Any) -> Any:
    if isinstance(value, list):
        return [_dates_as_date_times(v) for v in value]
    if not isinstance(value, dict):
        return value
    return {
        k: f"{v}T00:00:00+00:00"
        if k in DATE_PROPERTIES and isinstance(v, str) and len(v) == 10
        else _dates_as_date_times(v)
        for k, v in value.items()
    }


class OpaqueIds(Represented):
    """Gives out ids that are not GUIDs: base64url text with '-', '_' and '=' padding."""

    _lock = threading.Lock()
    _next = itertools.count(1)

    def new_id(self) -> str:
        with self._lock:
            number = next(self._next)
        token = base64.urlsafe_b64encode(f"position:{number}".encode()).decode()
        return f"AAMkAGI2-{token}"


class ContentTypeParameters(Represented):
    """Declares JSON with other OData parameters, in other letter cases."""

    CONTENT_TYPE = (
        "Application/JSON; odata.metadata=minimal; odata.streaming=false; "
        "IEEE754Compatible=false; Charset=UTF-8"
    )

    def json_response(
        self, status: int, body: Any, headers: Mapping[str, str] | None = None
    ) -> Response:
        response = super().json_response(status, body, headers)
        response.headers["Content-Type"] = self.CONTENT_TYPE
        return response


class EveryAllowedDifference(
    ContentTypeParameters,
    OpaqueIds,
    ShuffledKeys,
    OmitsNulls,
    ExtraProperties,
    MillisecondOffsetTimestamps,
):
    """All of the representation variants at once."""


VARIANTS = [
    Variant(
        "extra-properties",
        "undocumented properties at every level, an extra identity in identity sets",
        ExtraProperties,
    ),
    Variant("omits-nulls", "properties whose value is null are left out", OmitsNulls),
    Variant("shuffled-keys", "object members in a different order in every answer", ShuffledKeys),
    Variant(
        "millisecond-offset-timestamps",
        "date-times as 2020-07-06T06:34:12.229+00:00, dates as date-times",
        MillisecondOffsetTimestamps,
    ),
    Variant("opaque-ids", "ids that are base64url text, not GUIDs", OpaqueIds),
    Variant(
        "content-type-parameters",
        "Content-Type Application/JSON with odata.* parameters and Charset=UTF-8",
        ContentTypeParameters,
    ),
]

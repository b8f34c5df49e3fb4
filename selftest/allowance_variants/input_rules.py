"""Freedoms in what a service takes as input: refusing more than the reference, or less.

No page promises that every value of a documented type is accepted, nor that a body is refused
for an unknown property; a service may draw the line elsewhere. Each variant here draws it in one
other place. The refusing ones share `RefusesInput`: a walk over the body along the type table
that asks one question (`refusal`) of every member before the reference's own validation runs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from positions_reference import GraphError, GraphPositionsApp
from positions_reference.graph_types import (
    COMPLEX,
    DATE,
    ENTITY_TYPE,
    ENUM,
    INT32,
    STRING,
    TYPES,
    ComplexType,
    Prop,
)
from positions_reference.validation import is_edm_date

from . import Allowance

ODATA_TYPE = "@odata.type"
EVOLVABLE_ENUM_SENTINEL = "unknownFutureValue"
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200


@dataclasses.dataclass(frozen=True)
class Member:
    """One member of a request body as the type table sees it (prop None: an @odata.type)."""

    where: str
    prop: Prop | None
    value: Any


def members(
    body: dict[str, Any], ctype: ComplexType | None = None, path: str = ""
) -> Iterator[Member]:
    """Every member of `body` the type table knows, depth first; a collection is met once as a
    whole and then once per element. Members of the wrong shape are left to the reference."""
    ctype = ctype or TYPES[ENTITY_TYPE]
    for key, value in body.items():
        where = f"{path}.{key}" if path else key
        if key == ODATA_TYPE:
            yield Member(where, None, value)
            continue
        prop = ctype.props.get(key)
        if prop is None and ctype.open_members and not key.startswith("@"):
            prop = Prop(COMPLEX, ctype.open_members)
        if prop is None:
            continue
        yield Member(where, prop, value)
        if prop.collection and isinstance(value, list):
            single = dataclasses.replace(prop, collection=False)
            for i, element in enumerate(value):
                yield Member(f"{where}[{i}]", single, element)
                if single.kind == COMPLEX and isinstance(element, dict):
                    yield from members(element, TYPES[single.ref or ""], f"{where}[{i}]")
        elif prop.kind == COMPLEX and isinstance(value, dict):
            yield from members(value, TYPES[prop.ref or ""], where)


class RefusesInput(GraphPositionsApp):
    """The reference, refusing with 400 + a Graph error body every member `refusal` names."""

    def refusal(self, member: Member) -> str | None:
        """Why this member is refused, or None when the reference's rules decide."""
        return None

    def validate_body(self, body: Any, *, for_update: bool) -> dict[str, Any]:
        if isinstance(body, dict):
            for member in members(body):
                reason = self.refusal(member)
                if reason:
                    raise GraphError(400, "invalidRequest", f"{reason} (at '{member.where}')")
        return super().validate_body(body, for_update=for_update)


class Int32OnlyAsJsonIntegers(RefusesInput):
    """Edm.Int32 (`detail.layer`) only as a JSON integer: `0.0` is refused, not read as 0.

    positiondetail.md types `layer` Int32 and says nothing of 3.0; OData JSON Format v4.01 §7.1
    writes Edm.Int32 as a JSON number, and a service whose parser keeps integer and fraction
    literals apart (most typed deserializers) refuses `3.0` for an integer."""

    def refusal(self, member: Member) -> str | None:
        if member.prop and member.prop.kind == INT32 and type(member.value) is float:
            return "An Int32 value must be written as a JSON integer, without a fraction part"
        return None


class NullCollectionsRefused(RefusesInput):
    """`null` for a collection property (categories, colleagues) is refused with 400.

    OData CSDL XML v4.01 §7.2.1 (Nullable): for a collection-valued property the facet speaks of
    its items; the collection itself is never null, only empty;
    the Create and Update pages type them `String collection` / `relatedPerson collection`."""

    def refusal(self, member: Member) -> str | None:
        if member.prop and member.prop.collection and member.value is None:
            return "A collection cannot be null; send [] for an empty collection"
        return None


class EvolvableEnumSentinelRefused(RefusesInput):
    """`unknownFutureValue` is refused as input for every enum (allowedAudiences, relationship,
    address type).

    Microsoft Graph API guidelines, patterns/evolvable-enums.md: `unknownFutureValue` is a
    sentinel the service sends in place of members a client did not opt into, not a value a
    client sets; the pages list it only as a possible value."""

    def refusal(self, member: Member) -> str | None:
        if member.prop and member.prop.kind == ENUM and member.value == EVOLVABLE_ENUM_SENTINEL:
            return f"'{EVOLVABLE_ENUM_SENTINEL}' is a sentinel and cannot be written"
        return None


class ControlCharactersRefused(RefusesInput):
    """Strings holding a control character (U+0000-U+001F) are refused with 400.

    The pages type these properties String and put no rule on their content, so nothing obliges
    a service to store every code point; XML 1.0 §2.2 (Char) excludes most C0 controls, and a
    service backed by XML or a directory store refuses them."""

    def refusal(self, member: Member) -> str | None:
        value = member.value
        is_string = member.prop is not None and member.prop.kind == STRING
        if is_string and isinstance(value, str) and any(ord(c) < 0x20 for c in value):
            return "Strings cannot contain control characters (U+0000 to U+001F)"
        return None


class ODataTypeOnlyWithHash(RefusesInput):
    """`@odata.type` is accepted only as the docs write it, `#microsoft.graph.<type>`; the bare
    qualified name is refused with 400.

    OData JSON Format v4.01 §4.5.3 (Control Information: type): the value is a URI whose
    fragment names the type, e.g. `#microsoft.graph.itemFacet` as itemfacet.md writes it; without
    the `#` it is a relative URL naming no type."""

    def refusal(self, member: Member) -> str | None:
        value = member.value
        if member.prop is None and isinstance(value, str) and not value.startswith("#"):
            return "'@odata.type' must be a type fragment such as '#microsoft.graph.workPosition'"
        return None


class DatesOutsideAWorkingLifeRefused(RefusesInput):
    """Dates before 1900 or after 2200 (`startMonthYear`, `endMonthYear`) are refused with 400.

    positiondetail.md types them Date ("The start month and year of the position") and names no
    range; Edm.Date allows years 0001-9999 but nothing obliges a service to store them all."""

    def refusal(self, member: Member) -> str | None:
        value = member.value
        is_date = member.prop is not None and member.prop.kind == DATE
        if not (is_date and isinstance(value, str) and is_edm_date(value)):
            return None
        if EARLIEST_YEAR <= int(value[:4]) <= LATEST_YEAR:
            return None
        return f"Dates must fall between {EARLIEST_YEAR} and {LATEST_YEAR}"


class EmptyPatchRefused(GraphPositionsApp):
    """A PATCH with the empty body `{}` is refused with 400.

    workposition-update.md, Request body: "supply the values for relevant fields that should be
    updated"; a body with none asks for nothing, and concepts/errors.md gives 400 for a request
    that is "malformed or incorrect"."""

    def validate_body(self, body: Any, *, for_update: bool) -> dict[str, Any]:
        if for_update and body == {}:
            raise GraphError(400, "invalidRequest", "The update names no property to change.")
        return super().validate_body(body, for_update=for_update)


def without_unknown_properties(body: dict[str, Any], ctype: ComplexType) -> dict[str, Any]:
    """`body` without the properties the type does not declare, at every level."""
    kept: dict[str, Any] = {}
    for key, value in body.items():
        prop = ctype.props.get(key)
        if prop is None and not key.startswith("@") and not ctype.open_members:
            continue
        if prop is not None and prop.kind == COMPLEX:
            inner = TYPES[prop.ref or ""]
            if isinstance(value, dict):
                value = without_unknown_properties(value, inner)
            elif prop.collection and isinstance(value, list):
                value = [
                    without_unknown_properties(v, inner) if isinstance(v, dict) else v
                    for v in value
                ]
        kept[key] = value
    return kept


class UnknownPropertiesIgnored(GraphPositionsApp):
    """Properties no type declares are accepted and dropped, at every level, instead of refused.

    No page says an unknown property must be refused: the Create and Update pages list what may
    be set, not what must be refused. Refusing it is a Graph convention (a SHOULD)."""

    def validate_body(self, body: Any, *, for_update: bool) -> dict[str, Any]:
        if isinstance(body, dict):
            body = without_unknown_properties(body, TYPES[ENTITY_TYPE])
        return super().validate_body(body, for_update=for_update)


class InvalidInputAnswered422(GraphPositionsApp):
    """A well-formed JSON body whose values are invalid is refused with 422 Unprocessable Entity
    (and a Graph error body) instead of 400; malformed JSON stays 400.

    concepts/errors.md, HTTP status codes: 422 "Cannot process the request because it is
    semantically incorrect"; RFC 9110 §15.5.21. The pages name no status for invalid input."""

    def validate_body(self, body: Any, *, for_update: bool) -> dict[str, Any]:
        try:
            return super().validate_body(body, for_update=for_update)
        except GraphError as exc:
            if exc.status != 400:
                raise
            raise GraphError(422, "invalidRequest", exc.message, exc.headers) from None


VARIANTS = [
    Allowance(
        "int32-fraction-refused",
        'Int32 written with a fraction part ("layer": 0.0) is refused with 400',
        Int32OnlyAsJsonIntegers,
        "positiondetail.md (layer: Int32); OData JSON Format v4.01 §7.1",
    ),
    Allowance(
        "null-collection-refused",
        "null for categories or colleagues is refused with 400",
        NullCollectionsRefused,
        "OData CSDL XML v4.01 §7.2.1 (Nullable): a collection is never null, only empty",
    ),
    Allowance(
        "unknown-future-value-refused",
        "the evolvable-enum sentinel unknownFutureValue is refused as input with 400",
        EvolvableEnumSentinelRefused,
        "Microsoft Graph API guidelines, patterns/evolvable-enums.md",
    ),
    Allowance(
        "control-characters-refused",
        "strings holding U+0000-U+001F are refused with 400",
        ControlCharactersRefused,
        "pages type them String with no content rule; XML 1.0 §2.2 (Char)",
    ),
    Allowance(
        "odata-type-needs-hash",
        "@odata.type only as '#microsoft.graph.<type>'; without '#' refused with 400",
        ODataTypeOnlyWithHash,
        "OData JSON Format v4.01 §4.5.3; itemfacet.md writes '#microsoft.graph.itemFacet'",
    ),
    Allowance(
        "dates-outside-1900-2200-refused",
        "startMonthYear/endMonthYear before 1900 or after 2200 refused with 400",
        DatesOutsideAWorkingLifeRefused,
        "positiondetail.md types them Date and names no range",
    ),
    Allowance(
        "empty-patch-refused",
        "PATCH with the body {} is refused with 400",
        EmptyPatchRefused,
        "workposition-update.md, Request body; concepts/errors.md (400)",
    ),
    Allowance(
        "unknown-properties-ignored",
        "undeclared properties in a body are accepted and dropped, not refused",
        UnknownPropertiesIgnored,
        "profile-post-positions.md / workposition-update.md list what may be set, not what must be"
        " refused; refusing is a Graph convention (SHOULD)",
    ),
    Allowance(
        "invalid-input-422",
        "invalid values in a well-formed body are refused with 422 + Graph error body, not 400",
        InvalidInputAnswered422,
        "concepts/errors.md, HTTP status codes (422); RFC 9110 §15.5.21",
    ),
]

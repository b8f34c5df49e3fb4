"""Declarative table of the Graph types used by workPosition.

Holds the property kinds (``STRING``, ``COMPLEX``, ...), :class:`Prop`, :class:`ComplexType`,
the enums (:data:`ENUMS`) and the type table (:data:`TYPES`). The table drives three things:

* validation of POST/PATCH bodies (:mod:`.validation`),
* the full representation returned to clients (:mod:`.shaping`),
* the property order of that representation (dict order of each type's ``props``).
"""

from __future__ import annotations

from dataclasses import dataclass

NAMESPACE = "microsoft.graph"
ENTITY_TYPE = "workPosition"

STRING = "string"
BOOLEAN = "boolean"
INT32 = "int32"
DOUBLE = "double"
DATE = "date"
DATETIME = "datetime"
ENUM = "enum"
COMPLEX = "complex"

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1


@dataclass(frozen=True)
class Prop:
    """One property of a complex type.

    ``ref`` names the complex type (kind COMPLEX) or the enum (kind ENUM).
    ``server_managed`` properties are accepted in request bodies (and type-checked) but
    never stored from the client. ``on_update`` False means the property is rejected on PATCH.
    """

    kind: str
    ref: str | None = None
    collection: bool = False
    on_update: bool = True
    server_managed: bool = False


@dataclass(frozen=True)
class ComplexType:
    """``open_members``: type of the values of undeclared members (None = closed type)."""

    name: str
    props: dict[str, Prop]
    open_members: str | None = None

    @property
    def qualified_name(self) -> str:
        return f"{NAMESPACE}.{self.name}"


def _str() -> Prop:
    return Prop(STRING)


ENUMS: dict[str, tuple[str, ...]] = {
    "allowedAudiences": (
        "me",
        "family",
        "contacts",
        "groupMembers",
        "organization",
        "federatedOrganizations",
        "everyone",
        "unknownFutureValue",
    ),
    "physicalAddressType": ("unknown", "home", "business", "other"),
    "personRelationship": (
        "manager",
        "colleague",
        "directReport",
        "dotLineReport",
        "assistant",
        "dotLineManager",
        "alternateContact",
        "friend",
        "spouse",
        "sibling",
        "child",
        "parent",
        "sponsor",
        "emergencyContact",
        "other",
        "unknownFutureValue",
    ),
}

_TYPE_LIST = [
    ComplexType(
        "workPosition",
        {
            "id": Prop(STRING, server_managed=True),
            "allowedAudiences": Prop(ENUM, "allowedAudiences"),
            "inference": Prop(COMPLEX, "inferenceData"),
            "createdDateTime": Prop(DATETIME, server_managed=True),
            "createdBy": Prop(COMPLEX, "identitySet", server_managed=True),
            "lastModifiedDateTime": Prop(DATETIME, server_managed=True),
            "lastModifiedBy": Prop(COMPLEX, "identitySet", server_managed=True),
            "source": Prop(COMPLEX, "personDataSource", on_update=False),
            "categories": Prop(STRING, collection=True),
            "detail": Prop(COMPLEX, "positionDetail"),
            "manager": Prop(COMPLEX, "relatedPerson"),
            "colleagues": Prop(COMPLEX, "relatedPerson", collection=True),
            "isCurrent": Prop(BOOLEAN),
        },
    ),
    ComplexType(
        "positionDetail",
        {
            "company": Prop(COMPLEX, "companyDetail"),
            "description": _str(),
            "endMonthYear": Prop(DATE),
            "jobTitle": _str(),
            "layer": Prop(INT32),
            "level": _str(),
            "role": _str(),
            "startMonthYear": Prop(DATE),
            "summary": _str(),
        },
    ),
    ComplexType(
        "companyDetail",
        {
            "displayName": _str(),
            "pronunciation": _str(),
            "department": _str(),
            "companyCode": _str(),
            "secondaryDepartment": _str(),
            "officeLocation": _str(),
            "address": Prop(COMPLEX, "physicalAddress"),
            "webUrl": _str(),
        },
    ),
    ComplexType(
        "physicalAddress",
        {
            "type": Prop(ENUM, "physicalAddressType"),
            "postOfficeBox": _str(),
            "street": _str(),
            "city": _str(),
            "state": _str(),
            "countryOrRegion": _str(),
            "postalCode": _str(),
        },
    ),
    ComplexType(
        "inferenceData",
        {
            "confidenceScore": Prop(DOUBLE),
            "userHasVerifiedAccuracy": Prop(BOOLEAN),
        },
    ),
    ComplexType(
        "relatedPerson",
        {
            "displayName": _str(),
            "relationship": Prop(ENUM, "personRelationship"),
            "userId": _str(),
            "userPrincipalName": _str(),
        },
    ),
    ComplexType("personDataSource", {"type": _str()}),
    ComplexType(
        "identitySet",
        {
            "application": Prop(COMPLEX, "identity"),
            "device": Prop(COMPLEX, "identity"),
            "user": Prop(COMPLEX, "identity"),
        },
        open_members="identity",
    ),
    ComplexType("identity", {"displayName": _str(), "id": _str()}),
]

TYPES: dict[str, ComplexType] = {t.name: t for t in _TYPE_LIST}

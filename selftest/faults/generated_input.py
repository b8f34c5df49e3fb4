"""Faults that generated input finds: values a hand-written example rarely sends."""

from __future__ import annotations

from typing import Any

from positions_reference import GraphPositionsApp
from positions_reference.graph_types import COMPLEX, TYPES

from . import Fault


class CrashesOnNullCompany(GraphPositionsApp):
    """Reads the company name for its search index without a guard: `company: null` is a 500."""

    def validate_body(self, body: Any, *, for_update: bool) -> dict[str, Any]:
        settable = super().validate_body(body, for_update=for_update)
        detail = settable.get("detail")
        if isinstance(detail, dict) and "company" in detail:
            detail["company"].get("displayName")  # AttributeError on None: an unhandled 500
        return settable


class AudienceIsFreeText(GraphPositionsApp):
    """Takes allowedAudiences as the free text the Create page's type column says it is
    (DOC-AUDIENCES-TYPE) and stores any string."""

    def validate_body(self, body: Any, *, for_update: bool) -> dict[str, Any]:
        audience = body.get("allowedAudiences") if isinstance(body, dict) else None
        if not isinstance(audience, str):
            return super().validate_body(body, for_update=for_update)
        settable = super().validate_body(
            {k: v for k, v in body.items() if k != "allowedAudiences"}, for_update=for_update
        )
        return {**settable, "allowedAudiences": audience}


class UnknownPropertiesDropped(GraphPositionsApp):
    """A lenient deserializer: properties the type does not define are dropped, not refused."""

    def validate_body(self, body: Any, *, for_update: bool) -> dict[str, Any]:
        return super().validate_body(_known_only("workPosition", body), for_update=for_update)


def _known_only(type_name: str, value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    ctype = TYPES[type_name]
    if ctype.open_members:
        return value
    known = {}
    for key, item in value.items():
        prop = ctype.props.get(key)
        if key.startswith("@"):
            known[key] = item
        elif prop is not None and prop.kind == COMPLEX and isinstance(item, list):
            known[key] = [_known_only(prop.ref or "", element) for element in item]
        elif prop is not None and prop.kind == COMPLEX:
            known[key] = _known_only(prop.ref or "", item)
        elif prop is not None:
            known[key] = item
    return known


FAULTS = [
    Fault(
        "crashes-on-null-company",
        "a position whose detail.company is null is answered 500",
        CrashesOnNullCompany,
        {"POS-ERR-002"},
    ),
    Fault(
        "audience-is-free-text",
        "allowedAudiences takes any string instead of refusing values outside its enum",
        AudienceIsFreeText,
        {"POS-VALID-003"},
    ),
    Fault(
        "unknown-properties-dropped",
        "properties a type does not define are silently dropped instead of refused with 400",
        UnknownPropertiesDropped,
        {"POS-VALID-001"},
    ),
]

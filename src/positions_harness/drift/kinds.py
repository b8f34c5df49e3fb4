"""One vocabulary for property types, so a docs table row and a spec schema can be compared.

A kind is a base name plus a collection flag. Bases: the primitive names below, `enum`, a complex
type's name in lower case (`companydetail`), or `any` where the spec leaves a type open on purpose.
The docs write "String", "Int32", "DateTimeOffset", "[companyDetail](...)", "String collection";
the spec writes JSON Schema with nulls allowed, `$ref`s, and request twins named `...Input`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_EDM_PRIMITIVES = {
    "string": "string",
    "boolean": "boolean",
    "int16": "integer",
    "int32": "integer",
    "int64": "integer",
    "integer": "integer",
    "byte": "integer",
    "double": "number",
    "single": "number",
    "decimal": "number",
    "date": "date",
    "datetimeoffset": "date-time",
    "timeofday": "time",
    "guid": "string",
}
_JSON_PRIMITIVES = {"string", "boolean", "integer", "number", "object"}
_COLLECTION_SUFFIX = " collection"


@dataclass(frozen=True)
class Kind:
    bases: frozenset[str]  # more than one where the spec accepts several forms (date or date-time)
    collection: bool = False
    enum_values: frozenset[str] = frozenset()

    def describe(self) -> str:
        base = " or ".join(sorted(self.bases))
        if self.enum_values:
            base += " (" + ", ".join(sorted(self.enum_values)) + ")"
        return f"{base} collection" if self.collection else base


def type_name(schema_name: str) -> str:
    """`microsoft.graph.companyDetail` and `companyDetailInput` both name `companydetail`."""
    return schema_name.removeprefix("microsoft.graph.").removesuffix("Input").lower()


def doc_kind(type_text: str, enum_values: tuple[str, ...], enum_types: set[str]) -> Kind:
    """The kind of a docs table row; `enum_types` are the type names the spec models as enums."""
    text = type_text.strip()
    collection = text.lower().endswith(_COLLECTION_SUFFIX)
    base = text[: -len(_COLLECTION_SUFFIX)] if collection else text
    base = base.strip().removeprefix("Edm.").lower()
    if enum_values or base in enum_types:
        return Kind(frozenset({"enum"}), collection, frozenset(enum_values))
    return Kind(frozenset({_EDM_PRIMITIVES.get(base, base)}), collection)


def spec_kind(schema: Any, resolve_ref: Callable[[str], Any]) -> Kind:
    """The kind of a spec property schema; `resolve_ref` maps a `$ref` to its target schema."""
    if not isinstance(schema, dict):
        return Kind(frozenset({"any"}))
    if "$ref" in schema:
        target = resolve_ref(schema["$ref"])
        if isinstance(target, dict) and "enum" in target:
            return _enum_kind(target["enum"])
        return Kind(frozenset({type_name(schema["$ref"].rsplit("/", 1)[-1])}))
    if "enum" in schema:
        return _enum_kind(schema["enum"])
    alternatives = [
        branch
        for branch in schema.get("anyOf", schema.get("oneOf", []))
        if branch != {"type": "null"}
    ]
    types = schema.get("type", [])
    types = [types] if isinstance(types, str) else [t for t in types if t != "null"]
    if "array" in types:
        items = schema.get("items")
        return (
            _as_collection(spec_kind(items, resolve_ref))
            if items
            else Kind(frozenset({"any"}), True)
        )
    formats = {branch["format"] for branch in alternatives if "format" in branch}
    if "format" in schema:
        formats.add(schema["format"])
    if types == ["string"] and formats:
        return Kind(frozenset(formats))
    if len(types) == 1 and types[0] in _JSON_PRIMITIVES:
        return Kind(frozenset(types))
    if len(alternatives) == 1:
        return spec_kind(alternatives[0], resolve_ref)
    return Kind(frozenset({"any"}))


def compatible(documented: Kind, specified: Kind) -> bool:
    """True when the spec's kind is the one the docs state (or the spec leaves it open)."""
    if "any" in specified.bases:
        return documented.collection == specified.collection or not specified.collection
    if documented.collection != specified.collection:
        return False
    if documented.bases == {"enum"} or specified.bases == {"enum"}:
        return documented.bases == specified.bases
    return bool(documented.bases & specified.bases)


def _enum_kind(values: list[Any]) -> Kind:
    return Kind(frozenset({"enum"}), enum_values=frozenset(str(v) for v in values if v is not None))


def _as_collection(kind: Kind) -> Kind:
    return Kind(kind.bases, True, kind.enum_values)

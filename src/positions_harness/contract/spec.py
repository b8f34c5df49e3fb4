"""The OpenAPI description (openapi/positions.yaml) as the harness reads it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from ..locations import SPEC_PATH
from ..yaml_files import load_yaml
from .instants import DATE, parse_rfc3339

SPEC_URI = "urn:graph-positions:openapi"
FORMATS = jsonschema.FormatChecker(formats=())


@FORMATS.checks("date-time")
def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or parse_rfc3339(value) is not None


@FORMATS.checks("date")
def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not DATE.match(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class DocExample:
    """A documented example as data: where it comes from and what a service must do with it."""

    operation_id: str
    name: str
    summary: str
    value: Any
    expect: str  # "valid" (replay as a positive case) or "invalid" (must be refused)
    doc_defects: tuple[str, ...]
    source: dict[str, str]
    requirements: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResponseExample:
    """A documented response example: the operation, its status and the value shown."""

    operation_id: str
    status: int
    name: str
    summary: str
    value: Any
    doc_defects: tuple[str, ...]


class Contract:
    def __init__(self, document: dict[str, Any], path: Path | None = None) -> None:
        self.document = document
        self.path = path
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self._registry = Registry().with_resource(SPEC_URI, resource)

    # ------------------------------------------------------------------ schemas
    def validator(self, schema_name: str) -> jsonschema.Draft202012Validator:
        if schema_name not in self.document["components"]["schemas"]:
            raise KeyError(f"no schema {schema_name!r} in the OpenAPI description")
        return jsonschema.Draft202012Validator(
            {"$ref": f"{SPEC_URI}#/components/schemas/{schema_name}"},
            registry=self._registry,
            format_checker=FORMATS,
        )

    def schema_errors(self, schema_name: str, instance: Any) -> list[str]:
        """Human-readable violations of a component schema, at most 10."""
        errors = sorted(self.validator(schema_name).iter_errors(instance), key=lambda e: e.path)
        return [
            f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message[:300]}"
            for error in errors[:10]
        ]

    def documented_properties(self, schema_name: str) -> tuple[str, ...]:
        """The properties a component schema documents, without OData annotations."""
        properties = self.document["components"]["schemas"][schema_name].get("properties", {})
        return tuple(name for name in properties if not name.startswith("@"))

    # ------------------------------------------------------------------ operations
    @cached_property
    def operations(self) -> dict[str, dict[str, Any]]:
        found = {}
        for path, item in self.document["paths"].items():
            for method, operation in item.items():
                if isinstance(operation, dict) and "operationId" in operation:
                    found[operation["operationId"]] = {**operation, "path": path, "method": method}
        return found

    def _resolve(self, node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            target: Any = self.document
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            node = target
        return node

    def doc_examples(self, operation_id: str) -> list[DocExample]:
        """The request examples of an operation: OpenAPI `examples` (valid) and `x-doc-examples`."""
        operation = self.operations[operation_id]
        found = []
        media = (operation.get("requestBody") or {}).get("content", {}).get("application/json", {})
        for name, example in media.get("examples", {}).items():
            example = self._resolve(example)
            found.append(
                DocExample(
                    operation_id,
                    name,
                    example.get("summary", ""),
                    example["value"],
                    "valid",
                    tuple(example.get("x-doc-defects", [])),
                    example.get("x-doc-source", {}),
                )
            )
        for example in operation.get("x-doc-examples", []):
            if "value" not in example:
                continue
            found.append(
                DocExample(
                    operation_id,
                    example["name"],
                    example.get("summary", ""),
                    example["value"],
                    example["expect"],
                    tuple(example.get("x-doc-defects", [])),
                    example.get("x-doc-source", {}),
                    tuple(example.get("x-requirements", [])),
                )
            )
        return found

    def response_examples(self, operation_id: str) -> list[ResponseExample]:
        """Every example of every documented response of an operation, in status order."""
        found = []
        responses = self.operations[operation_id]["responses"]
        for status in sorted(responses):
            response = self._resolve(responses[status])
            media = response.get("content", {}).get("application/json", {})
            for name, example in media.get("examples", {}).items():
                example = self._resolve(example)
                found.append(
                    ResponseExample(
                        operation_id,
                        int(status),
                        name,
                        example.get("summary", ""),
                        example["value"],
                        tuple(example.get("x-doc-defects", [])),
                    )
                )
        return found

    def success_status(self, operation_id: str) -> int:
        """The documented success status of an operation (its lowest 2xx response)."""
        statuses = [int(s) for s in self.operations[operation_id]["responses"] if s.startswith("2")]
        if not statuses:
            raise KeyError(f"{operation_id} documents no 2xx response")
        return min(statuses)

    def response_example(self, operation_id: str, status: str) -> Any:
        response = self._resolve(self.operations[operation_id]["responses"][status])
        examples = response.get("content", {}).get("application/json", {}).get("examples", {})
        for example in examples.values():
            return self._resolve(example)["value"]
        return None


@cache
def load_contract(path: Path = SPEC_PATH) -> Contract:
    return Contract(load_yaml(path.read_text(encoding="utf-8")), path)

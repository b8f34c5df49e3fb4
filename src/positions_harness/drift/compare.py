"""Compares the pages the spec cites with what the spec says, and lists every difference.

Pages come from `x-doc-source` (plus `also`) of operations and schemas. Only pages under
`api-reference/` are compared: `concepts/` pages state Graph-wide conventions (errors,
throttling) that the spec restates in its own shape, and sources that are not docs pages
("Graph convention: ...") and seeds have nothing to read in a docs checkout.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from ..contract.spec import Contract
from .differences import Difference, DriftReport, merged
from .kinds import Kind, compatible, doc_kind, spec_kind, type_name
from .markdown_pages import DocExample, DocPage, DocProperty

COMPARED_PAGES_PREFIX = "api-reference/"
# Sections where the docs keep property tables. A schema citing another section (the list page's
# "Response", say) cites prose, and its properties are not compared.
TABLE_SECTIONS = ("properties", "request body")
_PLACEHOLDER = re.compile(r"\{[^}]*\}")


def find_drift(contract: Contract, docs_root: Path) -> DriftReport:
    """Every difference between the cited pages under `docs_root` and the contract."""
    comparer = _Comparer(contract, docs_root)
    comparer.compare_operations()
    comparer.compare_schemas()
    comparer.note_other_citations()
    return DriftReport(
        merged(comparer.differences), sorted(comparer.pages_read), sorted(comparer.not_compared)
    )


class _Comparer:
    def __init__(self, contract: Contract, docs_root: Path) -> None:
        self.contract = contract
        self.docs_root = docs_root
        self.differences: list[Difference] = []
        self.pages_read: set[str] = set()
        self.not_compared: set[str] = set()
        self._pages: dict[str, DocPage | None] = {}
        schemas = contract.document["components"]["schemas"]
        self.schemas: dict[str, Any] = schemas
        self.enum_types = {type_name(name) for name, s in schemas.items() if "enum" in s}

    # ------------------------------------------------------------------ pages
    def _compared(self, source: Any) -> list[str]:
        """The comparable pages a source cites; remembers the rest as not compared."""
        if not isinstance(source, dict):
            return []
        pages = [source.get("page"), *source.get("also", [])]
        wanted = []
        for page in filter(None, pages):
            if page.startswith(COMPARED_PAGES_PREFIX) and page.endswith(".md"):
                wanted.append(page)
            else:
                self.not_compared.add(page)
        return wanted

    def _page(self, path: str) -> DocPage | None:
        if path not in self._pages:
            file = self.docs_root / path
            if file.is_file():
                self._pages[path] = DocPage.read(self.docs_root, path)
                self.pages_read.add(path)
            else:
                self._pages[path] = None
                self._add("page", path, "the page", "have no such file", "cites it")
        return self._pages[path]

    def _add(self, *fields: str, schema: str = "") -> None:
        """Records a difference: aspect, page, subject, what the docs say, what the spec says."""
        self.differences.append(Difference(*fields, schemas=(schema,) if schema else ()))

    # ------------------------------------------------------------------ operations
    def compare_operations(self) -> None:
        by_page: dict[str, list[str]] = defaultdict(list)
        for operation_id, operation in self.contract.operations.items():
            for page in self._compared(operation.get("x-doc-source"))[:1]:
                by_page[page].append(operation_id)
        for path, operation_ids in sorted(by_page.items()):
            page = self._page(path)
            if page is not None:
                self._compare_paths(page, operation_ids)
                self._compare_status(page, operation_ids)
                self._compare_examples(page, operation_ids)

    def _compare_paths(self, page: DocPage, operation_ids: list[str]) -> None:
        documented = {(method, _path_shape(path)) for method, path in page.request_lines()}
        specified = {
            (op["method"].upper(), _path_shape(op["path"]))
            for op in (self.contract.operations[i] for i in operation_ids)
        }
        for method, path in sorted(documented - specified):
            self._add("path", page.path, f"{method} {path}", "list it", "has no such operation")
        for method, path in sorted(specified - documented):
            self._add("path", page.path, f"{method} {path}", "do not list it", "has it")

    def _compare_status(self, page: DocPage, operation_ids: list[str]) -> None:
        specified = sorted(
            {
                int(status)
                for op in operation_ids
                for status in self.contract.operations[op]["responses"]
                if status.startswith("2")
            }
        )
        documented = page.success_status()
        if [documented] != specified:
            said = f"say {documented}" if documented else "name no success status"
            has = ", ".join(map(str, specified)) or "no 2xx response"
            self._add("status", page.path, "success status", said, f"has {has}")

    def _compare_examples(self, page: DocPage, operation_ids: list[str]) -> None:
        requests = [  # the spec's request examples quoted from this page
            (f"{example.operation_id}/{example.name}", example.value)
            for op in operation_ids
            for example in self.contract.doc_examples(op)
            if example.source.get("page") in (None, page.path) and example.expect == "valid"
        ]
        responses: dict[str, list[tuple[str, Any]]] = defaultdict(list)
        for op in operation_ids:
            for example in self.contract.response_examples(op):
                responses[str(example.status)].append((f"{op}/{example.name}", example.value))
        shown = set()
        for example in page.examples():
            if example.body is None and not example.error:
                continue  # a GET request or a 204 response: nothing to compare
            shown.add(example.kind)
            candidates = requests if example.kind == "request" else responses[example.key]
            self._compare_example(page.path, example, candidates)
        for kind, carried in (("request", requests), ("response", responses)):
            if carried and kind not in shown:
                self._add("example", page.path, f"{kind} example", "show none", "carries one")

    def _compare_example(
        self, page: str, example: DocExample, candidates: list[tuple[str, Any]]
    ) -> None:
        label = f"{example.kind} example ({example.key})"
        if example.error:
            self._add("example", page, label, f"show a body that is {example.error}", "has none")
        elif not candidates:
            self._add("example", page, label, "show a body", "carries no such example")
        elif all(value != example.body for _, value in candidates):
            name, paths = min(
                ((name, _differing_paths(example.body, value)) for name, value in candidates),
                key=lambda found: len(found[1]),
            )
            self._add("example", page, label, "differ at " + ", ".join(paths[:5]), f"has {name}")

    # ------------------------------------------------------------------ schemas
    def compare_schemas(self) -> None:
        for name, schema in sorted(self.schemas.items()):
            if "enum" in schema:
                continue  # enum types are compared through the properties that use them
            source = schema.get("x-doc-source")
            pages = self._compared(source)
            if not pages:
                continue
            documented: dict[str, tuple[str, DocProperty]] = {}
            for index, path in enumerate(pages):
                page = self._page(path)
                if page is None:
                    continue
                section = source.get("section") if index == 0 else None
                section = (section or _default_table_section(path)).lower()
                rows = page.property_table(section)
                if not rows and section not in TABLE_SECTIONS:
                    self.not_compared.add(f"{path} ({section}: prose, no property table)")
                elif not rows:
                    self._add(
                        "page",
                        path,
                        f"table under '{section}'",
                        "have none",
                        "reads its properties there",
                        schema=name,
                    )
                for row in rows:
                    documented.setdefault(row.name, (path, row))
            if documented:
                self._compare_properties(name, schema, pages[0], documented)

    def _compare_properties(
        self,
        name: str,
        schema: dict[str, Any],
        main_page: str,
        documented: dict[str, tuple[str, DocProperty]],
    ) -> None:
        properties = {
            k: v for k, v in schema.get("properties", {}).items() if not k.startswith("@")
        }
        open_values = schema.get("additionalProperties")
        for prop, (page, row) in sorted(documented.items()):
            if prop in properties:
                specified = properties[prop]
            elif not properties and isinstance(open_values, dict):
                specified = open_values  # an open type: every member has this schema
            else:
                self._add(
                    "property",
                    page,
                    prop,
                    f"document it as {row.type_text}",
                    "lacks it",
                    schema=name,
                )
                continue
            self._compare_type(name, page, prop, row, spec_kind(specified, self._target))
        for prop in sorted(set(properties) - set(documented)):
            self._add("property", main_page, prop, "do not document it", "has it", schema=name)

    def _compare_type(self, name: str, page: str, prop: str, row: DocProperty, spec: Kind) -> None:
        documented = doc_kind(row.type_text, row.enum_values, self.enum_types)
        if not compatible(documented, spec):
            self._add(
                "type", page, prop, f"say {row.type_text}", f"has {spec.describe()}", schema=name
            )
        elif documented.bases == {"enum"} and documented.enum_values != spec.enum_values:
            added = sorted(documented.enum_values - spec.enum_values)
            dropped = sorted(spec.enum_values - documented.enum_values)
            docs = f"list {', '.join(added) or 'no other value'} beyond the spec's"
            spec_says = f"has {', '.join(dropped) or 'no other value'} beyond the docs'"
            self._add("enum", page, prop, docs, spec_says, schema=name)

    def note_other_citations(self) -> None:
        """Parameters and shared responses cite pages too; their prose is not compared."""
        components = self.contract.document["components"]
        for kind in ("parameters", "responses"):
            for name, item in components.get(kind, {}).items():
                source = item.get("x-doc-source") or {}
                if source.get("page"):
                    section = f", {source['section']}" if source.get("section") else ""
                    self.not_compared.add(f"{source['page']} ({kind} {name}{section})")

    def _target(self, ref: str) -> Any:
        return self.schemas.get(ref.rsplit("/", 1)[-1])


def _default_table_section(page: str) -> str:
    return "request body" if "/api/" in page else "properties"


def _path_shape(path: str) -> str:
    """Placeholders blanked: `/users/{id | userPrincipalName}/x/{id}` -> `/users/{}/x/{}`."""
    return _PLACEHOLDER.sub("{}", path.split("?", 1)[0]).rstrip("/")


def _differing_paths(left: Any, right: Any, prefix: str = "") -> list[str]:
    """JSON paths at which two values differ (a missing key counts as a difference)."""
    here = prefix or "(body)"
    if isinstance(left, dict) and isinstance(right, dict):
        found = []
        for key in sorted(set(left) | set(right)):
            if key not in left or key not in right:
                found.append(f"{prefix}.{key}".lstrip("."))
            else:
                found += _differing_paths(left[key], right[key], f"{prefix}.{key}".lstrip("."))
        return found
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        return [
            p
            for i, (a, b) in enumerate(zip(left, right, strict=True))
            for p in _differing_paths(a, b, f"{prefix}[{i}]")
        ]
    return [] if left == right else [here]

"""Reads one Graph docs markdown page into the facts drift compares.

The docs pages share a layout: `## Properties` (or `## Request body`) tables with Property, Type
and Description columns, an `## HTTP request` block of `METHOD /path` lines, a `## Response`
sentence naming the success status, and example request/response blocks whose bodies are JSON.
Headings inside fenced code and the tab markers (`# [C#](#tab/csharp)`) are not sections.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_TAB_MARKER = re.compile(r"^#\s*\[[^\]]*\]\(#tab/")
_FENCE = re.compile(r"^\s*(```|~~~)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")
_SUCCESS_SENTENCE = re.compile(r"returns\s+(?:an?\s+)?`?(\d{3})\b", re.IGNORECASE)
_POSSIBLE_VALUES = re.compile(r"possible values (?:are|include)\s*:?(.*)", re.IGNORECASE)
_BACKTICKED = re.compile(r"`([^`]+)`")
_PROPERTY_HEADERS = ("property", "property name", "name")


@dataclass(frozen=True)
class DocProperty:
    """One row of a property table."""

    name: str
    type_text: str  # as written, links reduced to their text: "companyDetail", "String collection"
    enum_values: tuple[str, ...]  # from "Possible values are: `a`, `b`" in the description


@dataclass(frozen=True)
class DocExample:
    """A request or response example body shown on a page."""

    kind: str  # "request" or "response"
    key: str  # the method of a request ("POST"), the status of a response ("201")
    body: Any  # parsed JSON; None when the block has no body
    error: str = ""  # why the body could not be read as JSON


@dataclass(frozen=True)
class _Block:
    info: str
    lines: tuple[str, ...]
    section: str  # the heading of the section the block is in (lower case)


class DocPage:
    """A markdown page of the Graph docs, read once and queried for facts."""

    def __init__(self, relative_path: str, text: str) -> None:
        self.path = relative_path
        self._lines = text.splitlines()

    @classmethod
    def read(cls, docs_root: Path, relative_path: str) -> DocPage:
        return cls(relative_path, (docs_root / relative_path).read_text(encoding="utf-8-sig"))

    # ------------------------------------------------------------------ structure
    @cached_property
    def _sections(self) -> list[tuple[int, str, list[str]]]:
        """(level, lower-case title, lines) per heading outside fences; tab markers are text."""
        sections: list[tuple[int, str, list[str]]] = [(0, "", [])]
        fenced = False
        for line in self._lines:
            if _FENCE.match(line):
                fenced = not fenced
            heading = None if fenced or _TAB_MARKER.match(line) else _HEADING.match(line)
            if heading:
                sections.append((len(heading.group(1)), heading.group(2).strip().lower(), []))
            else:
                sections[-1][2].append(line)
        return sections

    def section_lines(self, title: str) -> list[str]:
        """The lines under a heading, including its subsections; empty when there is none."""
        wanted = title.lower()
        for index, (level, name, lines) in enumerate(self._sections):
            if name != wanted:
                continue
            gathered = list(lines)
            for deeper_level, _, deeper_lines in self._sections[index + 1 :]:
                if deeper_level <= level:
                    break
                gathered += deeper_lines
            return gathered
        return []

    def has_section(self, title: str) -> bool:
        return any(name == title.lower() for _, name, _ in self._sections)

    @cached_property
    def _blocks(self) -> list[_Block]:
        blocks: list[_Block] = []
        for _, name, lines in self._sections:
            current: list[str] | None = None
            info = ""
            for line in lines:
                if _FENCE.match(line):
                    if current is None:
                        current, info = [], line.strip().strip("`~").strip().lower()
                    else:
                        blocks.append(_Block(info, tuple(current), name))
                        current = None
                elif current is not None:
                    current.append(line)
        return blocks

    # ------------------------------------------------------------------ facts
    def property_table(self, section: str = "properties") -> list[DocProperty]:
        """The first table under `section` whose first column names properties."""
        rows = _first_table(self.section_lines(section))
        if not rows or rows[0][0].lower() not in _PROPERTY_HEADERS:
            return []
        header = [cell.lower() for cell in rows[0]]
        type_column = header.index("type") if "type" in header else 1
        found = []
        for cells in rows[1:]:
            if len(cells) <= type_column:
                continue
            name = cells[0].strip("*` ")
            if not name:
                continue
            description = " ".join(cells[type_column + 1 :])
            found.append(
                DocProperty(name, _LINK.sub(r"\1", cells[type_column]).strip(), _enum(description))
            )
        return found

    def request_lines(self) -> list[tuple[str, str]]:
        """(METHOD, path) for each line of the `HTTP request` section's code blocks."""
        found = []
        for block in self._blocks:
            if block.section != "http request":
                continue
            for line in block.lines:
                method, _, path = line.strip().partition(" ")
                if method.upper() in _METHODS and path.strip().startswith("/"):
                    found.append((method.upper(), path.strip()))
        return found

    def success_status(self) -> int | None:
        """The status the `Response` section says a successful call returns."""
        match = _SUCCESS_SENTENCE.search(" ".join(self.section_lines("response")))
        return int(match.group(1)) if match else None

    def examples(self) -> list[DocExample]:
        """Example request and response bodies (blocks outside the HTTP request section)."""
        found = []
        for block in self._blocks:
            if block.section == "http request" or not block.lines:
                continue
            first, *rest = (line.strip() for line in block.lines)
            body_text = "\n".join(rest).strip()
            if first.upper().startswith("HTTP/"):
                kind, key = "response", first.split()[1] if len(first.split()) > 1 else ""
                body_text = _after_headers(rest)
            elif first.split(" ")[0].upper() in _METHODS and "://" in first:
                kind, key = "request", first.split(" ")[0].upper()
                body_text = _after_headers(rest)
            else:
                continue
            if not body_text:
                found.append(DocExample(kind, key, None))
                continue
            try:
                found.append(DocExample(kind, key, json.loads(body_text)))
            except json.JSONDecodeError as exc:
                found.append(DocExample(kind, key, None, f"not valid JSON ({exc.msg})"))
        return found


def _first_table(lines: list[str]) -> list[list[str]]:
    """Cells of the first markdown table in `lines` (header first, separator dropped)."""
    rows: list[list[str]] = []
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("|"):
            cells = [cell.strip() for cell in stripped.strip("|").split("|")]
            if not all(set(cell) <= set(":- ") for cell in cells):
                rows.append(cells)
        elif rows:
            break
    return rows


def _enum(description: str) -> tuple[str, ...]:
    match = _POSSIBLE_VALUES.search(description)
    return tuple(_BACKTICKED.findall(match.group(1))) if match else ()


def _after_headers(lines: list[str]) -> str:
    """The body of an HTTP message: what follows the first blank line after the headers."""
    for index, line in enumerate(lines):
        if not line:
            return "\n".join(lines[index + 1 :]).strip()
        if ":" not in line:  # no headers at all: the body starts right away
            return "\n".join(lines[index:]).strip()
    return ""

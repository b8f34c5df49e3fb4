"""The requirement catalogue (openapi/requirements.yaml): ids, levels, sources, statements."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError
from ..locations import REQUIREMENTS_PATH
from ..yaml_files import load_yaml

LEVELS = ("MUST", "SHOULD")
ID_PATTERN = re.compile(r"^POS-[A-Z]+-\d{3}$")
DEFECT_ID_PATTERN = re.compile(r"^DOC-[A-Z0-9-]+$")
DOC_BASE_URL = "https://learn.microsoft.com/en-us/graph/"


@dataclass(frozen=True)
class Requirement:
    id: str
    level: str
    area: str
    statement: str
    source: dict[str, str]
    feature: str | None = None
    external: str | None = None

    @property
    def doc_url(self) -> str | None:
        """A link to the published doc page the requirement comes from, when it is one."""
        page = self.source.get("page", "")
        if page.startswith("api-reference/beta/api/"):
            return f"{DOC_BASE_URL}api/{Path(page).stem}?view=graph-rest-beta"
        if page.startswith("api-reference/beta/resources/"):
            return f"{DOC_BASE_URL}api/resources/{Path(page).stem}?view=graph-rest-beta"
        if page.startswith("concepts/"):
            return f"{DOC_BASE_URL}{Path(page).stem}"
        return None


@dataclass(frozen=True)
class DocDefect:
    id: str
    contradiction: str
    decision: str
    source: list[str]
    affects: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Catalogue:
    requirements: dict[str, Requirement]
    doc_defects: dict[str, DocDefect]

    def __contains__(self, requirement_id: object) -> bool:
        return requirement_id in self.requirements

    def __getitem__(self, requirement_id: str) -> Requirement:
        return self.requirements[requirement_id]

    def unknown(self, ids: list[str] | tuple[str, ...]) -> list[str]:
        return [i for i in ids if i not in self.requirements]


def _require(entry: dict[str, Any], key: str, where: str) -> Any:
    if key not in entry or entry[key] in (None, ""):
        raise ConfigError(f"{where} has no '{key}'; every requirement needs one.")
    return entry[key]


def parse_catalogue(data: Any, origin: str = "requirements.yaml") -> Catalogue:
    """Builds the catalogue from parsed YAML, refusing duplicates and malformed entries."""
    if not isinstance(data, dict) or not isinstance(data.get("requirements"), list):
        raise ConfigError(f"{origin} must be a mapping with a 'requirements' list.")
    requirements: dict[str, Requirement] = {}
    for index, entry in enumerate(data["requirements"]):
        where = f"{origin}: requirement #{index + 1}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where} is not a mapping.")
        rid = _require(entry, "id", where)
        if not ID_PATTERN.match(rid):
            raise ConfigError(f"{where} has id {rid!r}, which is not of the form POS-AREA-000.")
        if rid in requirements:
            raise ConfigError(f"{origin} defines {rid} twice; ids must be unique.")
        level = _require(entry, "level", where)
        if level not in LEVELS:
            raise ConfigError(f"{where} ({rid}) has level {level!r}; use one of {LEVELS}.")
        requirements[rid] = Requirement(
            id=rid,
            level=level,
            area=_require(entry, "area", where),
            statement=" ".join(str(_require(entry, "statement", where)).split()),
            source=dict(_require(entry, "source", where)),
            feature=entry.get("feature"),
            external=entry.get("external"),
        )
    defects: dict[str, DocDefect] = {}
    for entry in data.get("doc_defects", []):
        did = entry.get("id", "")
        if not DEFECT_ID_PATTERN.match(did) or did in defects:
            raise ConfigError(f"{origin}: doc defect id {did!r} is malformed or repeated.")
        unknown = [a for a in entry.get("affects", []) if a not in requirements]
        if unknown:
            raise ConfigError(f"{origin}: {did} affects unknown requirements {unknown}.")
        defects[did] = DocDefect(
            id=did,
            contradiction=" ".join(entry["contradiction"].split()),
            decision=" ".join(entry["decision"].split()),
            source=list(entry.get("source", [])),
            affects=list(entry.get("affects", [])),
        )
    return Catalogue(requirements=requirements, doc_defects=defects)


@cache
def load_catalogue(path: Path = REQUIREMENTS_PATH) -> Catalogue:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"Cannot read the requirement catalogue {path}: {exc}.") from None
    return parse_catalogue(data, origin=path.name)

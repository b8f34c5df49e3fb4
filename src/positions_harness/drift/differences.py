"""What doc drift reports: one way the docs and the spec disagree, and the whole report, with a
fact found through several schemas listed once."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class Difference:
    """One way the docs and the spec disagree."""

    aspect: str  # page, path, status, property, type, enum, example
    page: str
    subject: str  # e.g. "POST /users/{}/profile/positions", "grade", "request example"
    docs: str  # what the docs say
    spec: str  # what the spec says
    schemas: tuple[str, ...] = ()  # the spec schemas concerned, for property-level differences

    def sentence(self) -> str:
        where = f" ({', '.join(self.schemas)})" if self.schemas else ""
        said = f"docs {self.docs}; spec {self.spec}."
        return f"[{self.aspect}] {self.page}: {self.subject}{where}: {said}"


@dataclass(frozen=True)
class DriftReport:
    differences: list[Difference]
    pages_compared: list[str]
    sources_not_compared: list[str]


def merged(differences: list[Difference]) -> list[Difference]:
    """One entry per fact: the same difference found through several schemas is listed once."""
    schemas: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for d in differences:
        key = (d.aspect, d.page, d.subject, d.docs, d.spec)
        schemas[key] += [s for s in d.schemas if s not in schemas[key]]
    return sorted(
        (Difference(*key, tuple(found)) for key, found in schemas.items()),
        key=lambda d: (d.page, d.aspect, d.subject),
    )

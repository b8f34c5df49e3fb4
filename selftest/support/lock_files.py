"""Reading the lock files in locks/ (pip's requirements format, as `uv pip compile
--generate-hashes` writes it): one pinned requirement per logical line, with its hashes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from positions_harness.locations import REPO_ROOT

LOCKS_DIR = REPO_ROOT / "locks"
HASH = re.compile(r"--hash=(?P<algorithm>\w+):(?P<digest>[0-9a-f]+)")


@dataclass(frozen=True)
class Pin:
    name: str  # canonical: lower case, runs of -_. as one -
    requirement: Requirement
    hashes: tuple[str, ...]

    @property
    def version(self) -> str | None:
        """The one version the pin allows (None unless it is a single `==X`)."""
        specifiers = list(self.requirement.specifier)
        if len(specifiers) == 1 and specifiers[0].operator == "==":
            return specifiers[0].version
        return None

    def applies_here(self) -> bool:
        """Whether the pin's environment marker holds for this interpreter and platform."""
        return self.requirement.marker is None or self.requirement.marker.evaluate()


def logical_lines(text: str) -> list[str]:
    """Lines with backslash continuations joined and comments removed."""
    joined = re.sub(r"\\\n", " ", text)
    lines = (re.sub(r"(^|\s)#.*$", "", line).strip() for line in joined.splitlines())
    return [line for line in lines if line]


def read_lock(path: Path) -> dict[str, Pin]:
    pins = {}
    for line in logical_lines(path.read_text(encoding="utf-8")):
        hashes = tuple(m["algorithm"] + ":" + m["digest"] for m in HASH.finditer(line))
        requirement = Requirement(HASH.sub("", line).strip())
        name = canonicalize_name(requirement.name)
        assert name not in pins, f"{path.name} pins {name} twice"
        pins[name] = Pin(name, requirement, hashes)
    return pins

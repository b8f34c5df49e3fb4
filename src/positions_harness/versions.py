"""The versions a result depends on: the harness, and the engines that generate and run its
tests. `--version` prints them and every report carries them in its header, so two reports can
be compared knowing which engines produced them."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Mapping

from . import __version__

# The distributions whose versions change what a run sends and how it is judged.
ENGINES = ("schemathesis", "hypothesis", "pytest")
NOT_INSTALLED = "not installed"


def installed_engines() -> dict[str, str]:
    """Each engine's installed version, in ENGINES order ("not installed" when it is missing)."""
    versions = {}
    for name in ENGINES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = NOT_INSTALLED
    return versions


def versions_line(harness: str = __version__, engines: Mapping[str, str] | None = None) -> str:
    """E.g. "positions-harness 0.1.0 (schemathesis 4.32.5, hypothesis 6.170.17, pytest 9.2.0)";
    the installed engines unless others (a report's) are given."""
    engines = installed_engines() if engines is None else engines
    named = ", ".join(f"{name} {version}" for name, version in engines.items())
    return f"positions-harness {harness} ({named})" if named else f"positions-harness {harness}"

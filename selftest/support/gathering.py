"""Builds a catalogue from every module of a package that lists entries under one name."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from typing import Any


def gather(package: str, path: Iterable[str], attribute: str) -> dict[str, Any]:
    """{entry.name: entry} over `attribute` of each module in `package`; names must be unique."""
    found: dict[str, Any] = {}
    for module_info in pkgutil.iter_modules(path):
        module = importlib.import_module(f"{package}.{module_info.name}")
        for entry in getattr(module, attribute, ()):
            if entry.name in found:
                raise ValueError(f"{package}: {entry.name!r} is defined twice")
            found[entry.name] = entry
    return found

"""Reading YAML: with libyaml's parser when PyYAML has it (its wheels do), ten times faster
than the pure-Python one. Every pytest-xdist worker reads the contract and the catalogue as it
starts, so on a slow target's run of many workers this is a share of the start-up."""

from __future__ import annotations

from typing import Any

import yaml

_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """As yaml.safe_load: plain data only (no Python objects)."""
    return yaml.load(text, Loader=_SAFE_LOADER)

"""`positions-harness targets`: the target profiles in targets/, for people and for a CI matrix.

Each entry says what CI needs to run `make test TARGET=<name>`: the name to pass, the
environment variable that must hold the target's token (token.env of the profile, never the
token), and whether a token is needed at all (not for the bundled reference, which has no
base_url and accepts any token).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..locations import TARGETS_DIR
from .targets import TargetProfile, load_target


def target_entry(name: str, profile: TargetProfile) -> dict[str, Any]:
    """One target as CI sees it; `name` is what TARGET=<name> takes (the file's stem)."""
    return {
        "name": name,
        "description": profile.description,
        "base_url": profile.base_url,
        "token_env": profile.token_env,
        "token_provider": profile.token_provider,
        "needs_token": profile.base_url is not None,
    }


def list_targets(directory: Path = TARGETS_DIR) -> list[dict[str, Any]]:
    """Every profile in `directory`, sorted by name; a malformed one raises ConfigError."""
    return [
        target_entry(path.stem, load_target(str(path))) for path in sorted(directory.glob("*.yaml"))
    ]


def render_targets_json(entries: list[dict[str, Any]]) -> str:
    """One line, so that CI can write it to $GITHUB_OUTPUT and read it with fromJSON()."""
    return json.dumps(entries, separators=(",", ":"), ensure_ascii=False)


def render_targets_text(entries: list[dict[str, Any]]) -> str:
    lines = []
    for entry in entries:
        where = entry["base_url"] or "bundled reference (no token needed)"
        token = f", token in ${entry['token_env']}" if entry["needs_token"] else ""
        lines.append(f"{entry['name']}: {where}{token}")
    return "".join(f"{line}\n" for line in lines)

"""Faults in PATCH semantics."""

from __future__ import annotations

from typing import Any

from positions_reference import GraphPositionsApp

from . import Fault

SERVER_MANAGED = ("id", "createdDateTime", "createdBy", "lastModifiedDateTime", "lastModifiedBy")


class PatchReplacesWholeObject(GraphPositionsApp):
    """Treats PATCH like PUT: whatever the body does not carry is lost."""

    def merge_update(self, existing: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
        kept = {key: existing[key] for key in SERVER_MANAGED if key in existing}
        return {**kept, **patch}


FAULTS = [
    Fault(
        "patch-replaces-object",
        "PATCH replaces the whole position with the body instead of merging it",
        PatchReplacesWholeObject,
        {"POS-UPDATE-003"},
    ),
]

"""Parametrisations the suites share, each case carrying its own requirement marker.

A case-level marker keeps a run's evidence exact: the `/users/{upn}` case of a test names
POS-ADDR-002 and the `/me` case does not, so a target that leaves `users-by-upn` unclaimed
skips only that case, and a passing `/me` case is no evidence for POS-ADDR-002.
"""

from __future__ import annotations

from typing import Any

import pytest

from .positions_api import ME, USERS_BY_ID, USERS_BY_UPN

# The requirement each addressing form adds to whatever a test checks through it.
FORM_REQUIREMENTS: dict[str, tuple[str, ...]] = {
    ME: (),
    USERS_BY_ID: ("POS-ADDR-001",),
    USERS_BY_UPN: ("POS-ADDR-002",),
}


def case(value: Any, *requirement_ids: str, id: str) -> Any:
    """One parametrised case with its own requirement marker."""
    return pytest.param(value, id=id, marks=pytest.mark.requirement(*requirement_ids))


def addressing_forms(
    *requirement_ids: str, forms: tuple[str, ...] = (ME, USERS_BY_ID, USERS_BY_UPN)
):
    """One case per addressing form, each naming `requirement_ids` plus the form's own."""
    return [case(form, *requirement_ids, *FORM_REQUIREMENTS[form], id=form) for form in forms]

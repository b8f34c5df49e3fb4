"""Stateful: sequences driven by the contract's OpenAPI links must hold together.

The links of openapi/positions.yaml say that a created position's id is what get, update and
delete take; Schemathesis chains them (create -> get -> update -> get -> delete -> get ...),
and the checks judge every answer with the history of the sequence: a position just created
must be there (ensure_resource_availability), a deleted one must be gone (use_after_free).
"""

from __future__ import annotations

import pytest

from positions_harness.property.check_requirements import STATEFUL_CHECKS, marker_ids

SEQUENCE_OPERATIONS = "^/me/profile/positions"


@pytest.mark.requirement(*marker_ids(STATEFUL_CHECKS, SEQUENCE_OPERATIONS))
def test_create_get_update_delete_sequences_hold_together(run_linked_sequences):
    run_linked_sequences(SEQUENCE_OPERATIONS)

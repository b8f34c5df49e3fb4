"""The contract as a property test addresses it: the target user in the path (by id or UPN)
and a position of the test's own, with a shard's operations and its share of the coverage walk.
"""

from __future__ import annotations

import pytest
from schemathesis import BaseSchema

from ..checks.answers import describe
from ..checks.positions_api import ME, USERS_BY_ID, USERS_BY_UPN, PositionsApi, TargetUser
from ..config.profiles import PropertyProfile
from ..transport.client import GraphClient
from .schema import load_contract_schema
from .shards import Shard, pinned_values

# The position the generated reads and updates address; every generated delete gets its own.
EXISTING_POSITION = {
    "detail": {"jobTitle": "Property-suite position", "company": {"displayName": "Contoso"}},
    "isCurrent": True,
}


def user_reference(user: TargetUser, via: str) -> str:
    """The user's id or UPN for the addressing form `via`; skips the test when unknown."""
    reference = user.id if via in (ME, USERS_BY_ID) else user.upn
    if not reference:
        pytest.skip(f"the target user's {'UPN' if via == USERS_BY_UPN else 'id'} is unknown")
    return reference


def create_position(positions: PositionsApi) -> str:
    """A position for generated cases to address (whether create answers as it should is for
    the create tests to judge; here it only has to exist)."""
    created = positions.create(EXISTING_POSITION)
    body = created.json() if 200 <= created.status_code < 300 and created.content else None
    if not isinstance(body, dict) or not body.get("id"):
        pytest.fail(f"cannot create a position to test on: {describe(created)}", pytrace=False)
    return body["id"]


def addressed_contract(
    client: GraphClient,
    profile: PropertyProfile,
    seed: int,
    unclaimed: frozenset[str],
    parameters: dict[str, str],
    shard: Shard,
    query_options: frozenset[str] = frozenset(),
) -> BaseSchema:
    """The contract with `parameters` in the path; its reads carry the query options in
    `query_options` (the tests that name their requirements), else none; only the shard's
    operations, and of the coverage walk only the shard's cases."""
    schema = load_contract_schema(
        client, profile, parameters, seed, unclaimed, query_options, shard.methods
    )
    if shard.count > 1:
        schema.hook("filter_case")(shard.coverage_filter(pinned_values(parameters)))
    return schema

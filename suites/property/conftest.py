"""Fixtures of the property suite: the contract as a Schemathesis schema whose requests go
through the harness client, real data for the path parameters, the profile and its budget."""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Callable, Iterator

import pytest
from schemathesis import BaseSchema, Case

from positions_harness.checks.answers import describe
from positions_harness.checks.expect import RequirementViolation
from positions_harness.checks.positions_api import (
    ME,
    USERS_BY_ID,
    USERS_BY_UPN,
    PositionsApi,
    TargetUser,
)
from positions_harness.config.profiles import PropertyProfile, property_profile
from positions_harness.property.check_requirements import STATELESS_CHECKS
from positions_harness.property.client_transport import WITH_TOKEN
from positions_harness.property.judge import judge
from positions_harness.property.linked_sequences import (
    SCENARIOS_PER_BATCH,
    linked_sequences_machine,
    run_scenarios,
    stateful_settings,
)
from positions_harness.property.schema import load_contract_schema, restricted_to
from positions_harness.property.time_budget import RunBudget
from positions_harness.run.options import harness_config
from positions_harness.transport.client import GraphClient

# The position the generated reads and updates address; every generated delete gets its own.
EXISTING_POSITION = {
    "detail": {"jobTitle": "Property-suite position", "company": {"displayName": "Contoso"}},
    "isCurrent": True,
}


@pytest.fixture(scope="session")
def profile(request: pytest.FixtureRequest) -> PropertyProfile:
    config = harness_config(request.config)
    return property_profile(config.profile, config.target.property_overrides)


@pytest.fixture(scope="session")
def seed(request: pytest.FixtureRequest, profile: PropertyProfile) -> int:
    """A fixed seed for a deterministic profile; otherwise one per run, from the run id (the
    same in every xdist worker, so a run can be repeated)."""
    text = "fixed" if profile.deterministic else harness_config(request.config).run_id
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


@pytest.fixture(scope="session")
def run_budget(profile: PropertyProfile) -> Iterator[RunBudget]:
    budget = RunBudget(profile.time_budget_seconds)
    yield budget
    shortfall = budget.shortfall()
    if shortfall:
        warnings.warn(f"{profile.name} profile: {shortfall}", stacklevel=1)


@pytest.fixture(scope="session")
def auth_enforced() -> set[str]:
    """Operations seen refusing a request without credentials (probed once each per run)."""
    return set()


@pytest.fixture(autouse=True)
def _no_allure_step_per_generated_request(graph: GraphClient) -> Iterator[None]:
    """A property test sends hundreds of generated requests. Attaching each to Allure would
    bury the failures (whose reports carry the failing exchange and its curl line) and cost a
    third of the run, so the client's observers rest while a property test runs."""
    resting, graph.observers[:] = list(graph.observers), []
    try:
        yield
    finally:
        graph.observers[:] = resting


@pytest.fixture(autouse=True)
def _schemathesis_node_id_shim(request: pytest.FixtureRequest) -> None:
    """Schemathesis 4.32 (pytest/lazy.py) renames the running test after each operation through
    `Node._nodeid`, which pytest 9.2 no longer has (node ids moved to `Node._id`). Giving the
    node that attribute lets the integration run; reports keep the test's own node id and each
    operation's result carries the operation in its subtest label."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


def user_reference(user: TargetUser, via: str) -> str:
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


@pytest.fixture
def existing_position(positions: PositionsApi) -> str:
    return create_position(positions)


def contract_addressed(via: str, request: pytest.FixtureRequest) -> BaseSchema:
    """The contract with the target user and an existing position as path parameters."""
    parameters = {
        "user-id": user_reference(request.getfixturevalue("target_user"), via),
        "workPosition-id": request.getfixturevalue("existing_position"),
    }
    return load_contract_schema(
        request.getfixturevalue("graph"),
        request.getfixturevalue("profile"),
        parameters,
        request.getfixturevalue("seed"),
        harness_config(request.config).target.unclaimed,
    )


@pytest.fixture
def contract_via_me(request: pytest.FixtureRequest) -> BaseSchema:
    return contract_addressed(ME, request)


@pytest.fixture
def contract_via_user_id(request: pytest.FixtureRequest) -> BaseSchema:
    return contract_addressed(USERS_BY_ID, request)


@pytest.fixture
def contract_via_user_upn(request: pytest.FixtureRequest) -> BaseSchema:
    return contract_addressed(USERS_BY_UPN, request)


@pytest.fixture
def send_and_judge(
    graph: GraphClient, positions: PositionsApi, run_budget: RunBudget, auth_enforced: set[str]
) -> Callable[..., None]:
    """Sends a generated case through the harness client and judges the answer."""
    failing: set[str] = set()  # operations with a violation found in this test

    def run(case: Case, addressing_requirement: str | None = None) -> None:
        label = case.operation.label
        if run_budget.single_requests_spent:
            run_budget.operations_cut.add(label)
            if label in failing:
                return  # send no more; Hypothesis reports the violations it has seen
            # Ends this operation's generation at once (Hypothesis lets a skip through); the
            # report says the rest did not run.
            pytest.skip(f"time budget of {run_budget.seconds:g} s spent")
        if case.method.upper() == "DELETE":  # each delete takes a position of its own
            case.path_parameters["workPosition-id"] = create_position(positions)
        response = case.call(**WITH_TOKEN)
        try:
            judge(
                case,
                response,
                STATELESS_CHECKS,
                transport_kwargs=WITH_TOKEN,
                redact=graph.transcript.redactor.text,
                addressing_requirement=addressing_requirement,
                auth_enforced=auth_enforced,
            )
        except RequirementViolation:
            failing.add(label)
            raise

    return run


@pytest.fixture
def run_linked_sequences(
    request: pytest.FixtureRequest,
    graph: GraphClient,
    profile: PropertyProfile,
    seed: int,
    target_user: TargetUser,
    run_budget: RunBudget,
    auth_enforced: set[str],
) -> Callable[[str], None]:
    """Runs the profile's stateful scenarios over the operations whose path matches, in
    batches, until they are done or the time budget is spent."""

    def run(path_pattern: str) -> None:
        parameters = {"user-id": target_user.id} if target_user.id else {}
        unclaimed = harness_config(request.config).target.unclaimed
        schema = load_contract_schema(graph, profile, parameters, seed, unclaimed)
        schema = restricted_to(schema, path_pattern)
        machine = linked_sequences_machine(schema, graph.transcript.redactor.text, auth_enforced)
        deadline = run_budget.sequences_deadline()
        remaining, batch = profile.stateful_scenarios, 0
        while remaining > 0 and run_budget.sequences_may_go_on(deadline):
            size = min(remaining, SCENARIOS_PER_BATCH)
            machine._hypothesis_internal_use_seed = seed + batch  # reproducible batches
            run_scenarios(machine, stateful_settings(profile, size))
            remaining, batch = remaining - size, batch + 1
        run_budget.scenarios_not_run += remaining

    return run

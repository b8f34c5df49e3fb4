"""Fixtures of the property suite: the contract as a Schemathesis schema whose requests go
through the harness client, real data for the path parameters, the profile and its budget."""

from __future__ import annotations

import contextlib
import hashlib
import os
import warnings
from collections.abc import Callable, Iterator

import pytest
from schemathesis import BaseSchema

from positions_harness.checks.positions_api import (
    ME,
    USERS_BY_ID,
    USERS_BY_UPN,
    PositionsApi,
    TargetUser,
)
from positions_harness.config.profiles import PropertyProfile
from positions_harness.contract.spec import load_contract
from positions_harness.errors import BudgetExhausted
from positions_harness.property import shards as sharding
from positions_harness.property.addressing import (
    addressed_contract,
    create_position,
    user_reference,
)
from positions_harness.property.generated_cases import GeneratedCases
from positions_harness.property.linked_sequences import (
    linked_sequences_machine,
    run_shard_of_scenarios,
)
from positions_harness.property.progress import DEFAULT_EVERY_SECONDS, PhaseProgress
from positions_harness.property.schema import load_contract_schema, restricted_to
from positions_harness.property.shards import WHOLE, Shard, pinned_values, plan_shards
from positions_harness.property.spent_budget import StopOnSpentBudget
from positions_harness.property.time_budget import RunBudget
from positions_harness.run.limits_of_run import record_limit
from positions_harness.run.options import harness_config, profile_of, property_shard_count
from positions_harness.run.terminal import say_now
from positions_harness.transport.client import GraphClient
from positions_harness.transport.tidier import BackgroundTidier, delete_owned

# The query options of the tests that send them (each names its options' requirements).
PAGING_OPTIONS, SELECT_OPTIONS = ("$top", "$skip", "$orderby"), ("$select",)
PROGRESS_SECONDS_ENV = "PROGRESS_SECONDS"


@pytest.fixture(scope="session")
def profile(request: pytest.FixtureRequest) -> PropertyProfile:
    return profile_of(request.config)


@pytest.fixture(scope="session")
def seed(request: pytest.FixtureRequest, profile: PropertyProfile) -> int:
    """A fixed seed for a deterministic profile; otherwise one per run, from the run id (the
    same in every xdist worker, so a run can be repeated)."""
    text = "fixed" if profile.deterministic else harness_config(request.config).run_id
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """With several xdist workers, a property test becomes several items (shards, see
    property/shards.py), so that the workers share its cases."""
    workers = property_shard_count(metafunc.config)
    share = sharding.share_of_workers(
        metafunc.definition.originalname, profile_of(metafunc.config), workers
    )
    shards = plan_shards(workers, share)
    if len(shards) > 1 and "property_shard" in metafunc.fixturenames:
        metafunc.parametrize("property_shard", shards, ids=[s.label for s in shards])


@pytest.fixture
def property_shard() -> Shard:
    """The whole of each property test (replaced by its shards when there are several)."""
    return WHOLE


@pytest.fixture(scope="session")
def run_budget(request: pytest.FixtureRequest, profile: PropertyProfile) -> Iterator[RunBudget]:
    # With shards on several workers the scenarios run beside the single requests, not after.
    alongside = property_shard_count(request.config) > 1
    budget = RunBudget(profile.time_budget_seconds, sequences_alongside=alongside)
    yield budget
    shortfall = budget.shortfall()
    if shortfall:
        warnings.warn(f"{profile.name} profile: {shortfall}", stacklevel=1)
        # For the report: a cut property phase is said in every report, not only here.
        record_limit(request.config, f"{profile.name} profile: {shortfall}")


@pytest.fixture(scope="session")
def auth_enforced() -> set[str]:
    """Operations seen refusing a request without credentials (probed once each per run)."""
    return set()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    """A generated case that ran out of the request or throttling budget ends its operation's
    Hypothesis test with StopOnSpentBudget (see property/spent_budget.py); the run's findings
    (run/findings.py) then see what it stands for: the BudgetExhausted (inconclusive), or the
    violations found before it."""
    stop = call.excinfo.value if call.excinfo is not None else None
    if isinstance(stop, StopOnSpentBudget):
        call.excinfo = pytest.ExceptionInfo.from_exception(stop.reported())
    return (yield)


@pytest.fixture(autouse=True)
def spent_budget() -> Iterator[list[BudgetExhausted]]:
    """Budget exhaustions a test reported as the violations found before them; the test then
    ends with the BudgetExhausted, so that what it could not check comes out inconclusive."""
    spent: list[BudgetExhausted] = []
    yield spent
    if spent:
        raise spent[0]


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
    operation's result carries the operation in its subtest label. The locked versions
    (locks/dev.txt) need it; selftest/test_schemathesis_shim.py fails once they no longer do."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


@pytest.fixture
def existing_position(positions: PositionsApi, graph: GraphClient) -> Iterator[str]:
    """A position of the test's own, deleted when the test is done with it."""
    position_id = create_position(positions)
    yield position_id
    with contextlib.suppress(BudgetExhausted):  # the end-of-run cleanup tries again
        delete_owned(graph, position_id)


def contract_addressed(
    via: str, request: pytest.FixtureRequest, query_options: frozenset[str] = frozenset()
) -> BaseSchema:
    """The contract with the target user and the test's own position in the path
    (property/addressing.py)."""
    return addressed_contract(
        request.getfixturevalue("graph"),
        request.getfixturevalue("profile"),
        request.getfixturevalue("seed"),
        harness_config(request.config).target.unclaimed,
        {
            "user-id": user_reference(request.getfixturevalue("target_user"), via),
            "workPosition-id": request.getfixturevalue("existing_position"),
        },
        request.getfixturevalue("property_shard"),
        query_options,
    )


@pytest.fixture
def contract_via_me(request: pytest.FixtureRequest, property_shard: Shard) -> BaseSchema:
    return contract_addressed(ME, request)


@pytest.fixture
def contract_via_me_with_paging(
    request: pytest.FixtureRequest,
    positions: PositionsApi,
    graph: GraphClient,
    property_shard: Shard,
) -> Iterator[BaseSchema]:
    """The contract with paging options, over a list longer than the largest $skip the spec
    lets generated requests send: a service may refuse a $skip that skips every position."""
    largest_skip = load_contract().document["components"]["parameters"]["skip"]["schema"]
    extra = [create_position(positions) for _ in range(largest_skip["maximum"])]
    yield contract_addressed(ME, request, frozenset(PAGING_OPTIONS))
    with contextlib.suppress(BudgetExhausted):  # the end-of-run cleanup tries again
        for position_id in extra:
            delete_owned(graph, position_id)


@pytest.fixture
def contract_via_me_with_select(
    request: pytest.FixtureRequest, property_shard: Shard
) -> BaseSchema:
    return contract_addressed(ME, request, frozenset(SELECT_OPTIONS))


@pytest.fixture
def contract_via_user_id(request: pytest.FixtureRequest, property_shard: Shard) -> BaseSchema:
    return contract_addressed(USERS_BY_ID, request)


@pytest.fixture
def contract_via_user_upn(request: pytest.FixtureRequest, property_shard: Shard) -> BaseSchema:
    return contract_addressed(USERS_BY_UPN, request)


@pytest.fixture(scope="session")
def progress(request: pytest.FixtureRequest, graph: GraphClient) -> PhaseProgress:
    """Says now and then how far the property phase has got (PROGRESS_SECONDS, default 15)."""
    every = float(os.environ.get(PROGRESS_SECONDS_ENV, "") or DEFAULT_EVERY_SECONDS)
    return PhaseProgress(lambda line: say_now(request.config, line), graph, every)


@pytest.fixture
def send_and_judge(
    graph: GraphClient,
    positions: PositionsApi,
    run_budget: RunBudget,
    auth_enforced: set[str],
    spent_budget: list[BudgetExhausted],
    progress: PhaseProgress,
    property_shard: Shard,
    existing_position: str,
) -> Iterator[Callable[..., None]]:
    """Sends a generated case through the harness client and judges the answer
    (property/generated_cases.py); what the cases created is deleted in the background."""
    tidier = BackgroundTidier(graph)
    cases = GeneratedCases(
        graph,
        run_budget,
        property_shard,
        pinned_values({"workPosition-id": existing_position}),
        lambda: create_position(positions),
        tidier,
        progress,
        auth_enforced,
        spent_budget,
    )
    yield cases.run
    tidier.finish()


@pytest.fixture
def run_linked_sequences(
    request: pytest.FixtureRequest,
    graph: GraphClient,
    profile: PropertyProfile,
    seed: int,
    target_user: TargetUser,
    run_budget: RunBudget,
    auth_enforced: set[str],
    spent_budget: list[BudgetExhausted],
    progress: PhaseProgress,
    property_shard: Shard,
) -> Callable[[str], None]:
    """Runs the profile's stateful scenarios over the operations whose path matches, in
    batches, until they are done or the time budget is spent."""

    def run(path_pattern: str) -> None:
        parameters = {"user-id": target_user.id} if target_user.id else {}
        unclaimed = harness_config(request.config).target.unclaimed
        schema = load_contract_schema(graph, profile, parameters, seed, unclaimed)
        schema = restricted_to(schema, path_pattern)
        machine = linked_sequences_machine(
            schema, graph.transcript.redactor.text, auth_enforced, client=graph
        )
        run_shard_of_scenarios(
            machine, profile, seed, property_shard, run_budget, spent_budget, progress
        )

    return run

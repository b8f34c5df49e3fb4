"""The parts behind the property suite, each on its own: attribution of check failures to
requirements, the engine quirks kept out of the verdict, profiles, and the client transport."""

from __future__ import annotations

import itertools

import hypothesis
import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.generation import GenerationMode
from schemathesis.openapi.checks import UndefinedStatusCode
from schemathesis.specs.openapi.checks import AuthScenario, IgnoredAuth

from positions_harness.checks.expect import RequirementViolation, merged_violation
from positions_harness.config.harness_config import PROFILES as PROFILE_NAMES
from positions_harness.config.profiles import (
    COVERAGE_SCOPES,
    PROFILES,
    parse_overrides,
    property_profile,
)
from positions_harness.contract.spec import load_contract
from positions_harness.errors import BudgetExhausted, ConfigError
from positions_harness.property.check_requirements import (
    CHECK_REQUIREMENTS,
    STATEFUL_CHECKS,
    invalid_input_requirements,
    requirements_broken,
    requirements_checked,
)
from positions_harness.property.client_transport import WITH_TOKEN
from positions_harness.property.doc_invalidity import NO_BODY
from positions_harness.property.progress import PhaseProgress
from positions_harness.property.schema import (
    load_contract_schema,
    outside_the_contract,
    schemathesis_settings,
)
from positions_harness.property.spent_budget import StopOnSpentBudget, stop_on_spent_budget
from positions_harness.property.tidying import delete_created_since, owned_ids
from positions_harness.property.time_budget import RunBudget
from positions_harness.run.findings import classify
from positions_harness.transport.client import GraphClient
from positions_harness.transport.redaction import Secret
from positions_harness.transport.tidier import delete_owned
from positions_reference import create_app

from .support.servers import serving

BODIES = ("POST", "PATCH")
OPERATIONS = [(op["method"].upper(), op["path"]) for op in load_contract().operations.values()]

INVALID_BODIES = [
    # (description, body, content type, requirement the body breaks)
    ("an unknown property", {"isCurrent": True, "rank": 1}, "application/json", "POS-VALID-001"),
    ("an unknown nested property", {"detail": {"grade": 3}}, "application/json", "POS-VALID-001"),
    ("a number for a boolean", {"isCurrent": 1}, "application/json", "POS-VALID-002"),
    ("a fraction for layer", {"detail": {"layer": 1.5}}, "application/json", "POS-VALID-002"),
    ("a string for an object", {"detail": "Manager"}, "application/json", "POS-VALID-002"),
    ("an audience outside the enum", {"allowedAudiences": "String"}, None, "POS-VALID-003"),
    (
        "an address type outside the enum",
        {"detail": {"company": {"address": {"type": "String"}}}},
        "application/json",
        "POS-VALID-004",
    ),
    (
        "a relationship outside the enum",
        {"manager": {"relationship": "boss"}},
        None,
        "POS-VALID-004",
    ),
    ("a placeholder date", {"detail": {"startMonthYear": "Date"}}, None, "POS-VALID-005"),
    ("no body at all", NO_BODY, "application/json", "POS-VALID-006"),
    ("an array", [{"isCurrent": True}], "application/json", "POS-VALID-007"),
    ("null", None, "application/json", "POS-VALID-007"),
    ("text/plain", {"isCurrent": True}, "text/plain", "POS-VALID-008"),
]


def offline_schema() -> schemathesis.BaseSchema:
    """The contract as the property suite loads it, bound to a client that sends nothing here."""
    client = GraphClient("http://unused.invalid/beta", Secret("t"))
    return load_contract_schema(client, PROFILES["quick"], {}, 1)


@pytest.mark.parametrize(
    ("body", "content_type", "requirement"),
    [pytest.param(b, c or "application/json", r, id=d) for d, b, c, r in INVALID_BODIES],
)
@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_an_accepted_invalid_body_breaks_the_requirement_it_violates(
    method, body, content_type, requirement
):
    assert invalid_input_requirements(method, body, content_type) == (requirement,)


def test_several_violations_in_one_body_break_each_requirement():
    body = {"allowedAudiences": "String", "detail": {"endMonthYear": "Date"}, "rank": 2}

    broken = invalid_input_requirements("POST", body, "application/json")

    assert broken == ("POS-VALID-001", "POS-VALID-003", "POS-VALID-005")


@pytest.mark.parametrize(
    "options", [(), ("$top", "$skip", "$orderby"), ("$select",)], ids=["none", "paging", "select"]
)
def test_every_check_failure_lands_on_a_requirement_its_test_names(options):
    # A test's marker is requirements_checked(checks, operations, options); whatever a failed
    # check on any of those operations, with those query options, can break must be in it, or
    # the plugin reports a harness bug.
    statuses = [200, 201, 204, 400, 401, 404, 415, 422, 500]
    bodies = [NO_BODY, None, {"isCurrent": True}] + [b for _, b, _, _ in INVALID_BODIES]
    queries = [None, {}, dict.fromkeys(options, "1")]
    for (method, path), status, body, query in itertools.product(
        OPERATIONS, statuses, bodies, queries
    ):
        # Invalid input is generated for request bodies only (property/schema.py).
        for check, negative in itertools.product(STATEFUL_CHECKS, [False, method in BODIES]):
            if negative is False and CHECK_REQUIREMENTS[check] == "invalid-input":
                continue
            broken = requirements_broken(
                check, method, path, status, body, "application/json", negative, query=query
            )
            marker = requirements_checked([check], [(method, path)], options)
            assert set(broken) <= marker, (check, path, query)


def test_every_mapped_requirement_is_in_the_catalogue(catalogue):
    every = requirements_checked(CHECK_REQUIREMENTS, OPERATIONS)

    assert every
    assert not catalogue.unknown(sorted(every))


def test_a_service_may_ignore_server_managed_properties_it_is_sent():
    # Strict request schemas make Schemathesis count them as invalid; the contract lets a
    # service refuse or ignore them (POS-MANAGED-003), so accepting them is no failure...
    schema = load_contract_schema(
        GraphClient("http://h/beta", Secret("t")), PROFILES["quick"], {}, 1
    )
    operation = schema["/me/profile/positions"]["POST"]
    accepted = AcceptedNegativeData(
        operation="POST", message="accepted", status_code=201, expected_statuses=["400"]
    )
    managed_only = operation.Case(body={"id": "mine", "createdDateTime": "2020-01-01T00:00:00Z"})
    with_unknown = operation.Case(body={"id": "mine", "rank": 1})

    assert outside_the_contract(None, accepted, managed_only, None) is False
    # ...but anything else invalid in the same body still counts.
    assert outside_the_contract(None, accepted, with_unknown, None) is True


def one_drawn(strategy: st.SearchStrategy) -> schemathesis.Case:
    drawn: list[schemathesis.Case] = []

    @hypothesis.settings(
        max_examples=1,
        database=None,
        derandomize=True,
        phases=[hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(strategy)
    def take(case: schemathesis.Case) -> None:
        drawn.append(case)

    take()
    return drawn[0]


def test_refusing_invalid_input_with_another_client_error_is_no_failure():
    # The spec lists 400, 413 and 415 for invalid input; the docs name no code per value, so a
    # 422 (or any refusal in allowances.INVALID_INPUT) is a refusal, not an undocumented status.
    schema = load_contract_schema(
        GraphClient("http://h/beta", Secret("t")), PROFILES["quick"], {}, 1
    )
    operation = schema["/me/profile/positions"]["POST"]
    negative = operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
    positive = operation.as_strategy(generation_mode=GenerationMode.POSITIVE)

    def undocumented(status: int) -> UndefinedStatusCode:
        return UndefinedStatusCode(
            operation="POST",
            status_code=status,
            defined_status_codes=["201", "400"],
            allowed_status_codes=[201, 400],
            message="undocumented",
        )

    invalid, valid = one_drawn(negative), one_drawn(positive)
    assert outside_the_contract(None, undocumented(422), invalid, None) is False
    assert outside_the_contract(None, undocumented(401), invalid, None) is True
    assert outside_the_contract(None, undocumented(422), valid, None) is True


def test_accepting_a_made_up_token_is_outside_the_contract_but_no_token_is_not():
    schema = load_contract_schema(
        GraphClient("http://h/beta", Secret("t")), PROFILES["quick"], {}, 1
    )
    case = schema["/me"]["GET"].Case()

    def ignored(scenario: AuthScenario) -> IgnoredAuth:
        return IgnoredAuth(operation="GET /me", message="accepted", scenario=scenario)

    assert outside_the_contract(None, ignored(AuthScenario.INVALID_AUTH), case, None) is False
    assert outside_the_contract(None, ignored(AuthScenario.NO_AUTH), case, None) is True


@pytest.mark.parametrize("name", sorted(PROFILES))
@pytest.mark.parametrize("scope", COVERAGE_SCOPES)
def test_every_profile_is_a_valid_schemathesis_configuration(name, scope):
    profile = property_profile(name, {name: {"coverage_scope": scope}})
    settings = schemathesis_settings(profile, "http://h/beta", {"user-id": "me"}, 7)

    config = schemathesis.Config.from_dict(settings)

    assert config.projects.get_default().generation.max_examples == profile.max_examples


def test_the_profiles_are_the_ones_profile_accepts():
    assert tuple(PROFILES) == PROFILE_NAMES == ("quick", "default", "nightly")
    assert PROFILES["quick"].deterministic and not PROFILES["nightly"].deterministic
    assert PROFILES["quick"].time_budget_seconds < PROFILES["nightly"].time_budget_seconds


def test_a_target_profile_overrides_a_profile_field_by_field():
    overrides = parse_overrides({"nightly": {"max_examples": 50, "phases": ["fuzzing"]}}, "t.yaml")

    nightly = property_profile("nightly", overrides)

    assert (nightly.max_examples, nightly.phases) == (50, ("fuzzing",))
    assert nightly.stateful_scenarios == PROFILES["nightly"].stateful_scenarios
    assert property_profile("quick", overrides) == PROFILES["quick"]


@pytest.mark.parametrize(
    ("raw", "phrase"),
    [
        ({"turbo": {}}, "property.turbo is not a profile"),
        ({"quick": {"examples": 3}}, "unknown keys ['examples']"),
        ({"quick": {"max_examples": 0}}, "must be a positive number"),
        ({"quick": {"max_examples": 2.5}}, "must be a whole number"),
        ({"quick": {"phases": ["explain"]}}, "must be a list drawn from"),
        ({"quick": {"coverage_scope": "users"}}, "must be one of"),
        ({"quick": {"shrink": "yes"}}, "must be true or false"),
    ],
)
def test_a_bad_override_is_one_sentence_naming_the_key(raw, phrase):
    with pytest.raises(ConfigError, match=r"^t\.yaml: property\.") as error:
        parse_overrides(raw, "t.yaml")

    assert phrase in str(error.value)
    assert str(error.value).endswith(".")


def test_generated_requests_go_through_the_harness_client_with_its_token_and_ledger():
    with serving(create_app()) as url:
        client = GraphClient(url, Secret("tok-plumbing"))
        schema = load_contract_schema(client, PROFILES["quick"], {}, 1)
        create = schema["/me/profile/positions"]["POST"]

        created = create.Case(body={"isCurrent": True}, media_type="application/json").call(
            **WITH_TOKEN
        )
        probe = create.Case(body={"isCurrent": True}, media_type="application/json").call()

    assert created.status_code == 201
    assert client.ledger.owns(created.json()["id"])  # the run's cleanup will delete it
    assert probe.status_code == 401  # without the marker the token is not sent
    sent = client.transcript.exchanges()
    assert [e.status for e in sent] == [201, 401]
    assert "tok-plumbing" not in repr(sent)


def test_the_distinct_failures_of_one_test_merge_into_one_violation():
    group = ExceptionGroup(
        "2 distinct failures",
        [
            RequirementViolation("POS-VALID-001", "unknown"),
            RequirementViolation("POS-ERR-002", "500"),
        ],
    )

    merged = merged_violation(group)

    assert isinstance(merged, RequirementViolation)
    assert merged.requirement_ids == ("POS-VALID-001", "POS-ERR-002")
    assert merged.message == "unknown\n\n500"
    other = ExceptionGroup("mixed", [RequirementViolation("POS-ERR-002", "x"), ValueError()])
    assert merged_violation(other) is other


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_time_budget_gives_single_requests_three_quarters_and_sequences_the_rest():
    clock = FakeClock()
    budget = RunBudget(40, clock=clock)

    clock.now += 20
    assert not budget.single_requests_spent
    assert budget.sequences_deadline() == 140.0  # what is left, more than the stateful share
    clock.now += 10.5
    assert budget.single_requests_spent
    deadline = budget.sequences_deadline()
    assert deadline == 140.5  # less than the share is left: the share from now
    assert budget.sequences_may_go_on(deadline)
    clock.now = 200.0  # single requests overran: sequences still get their share
    assert not budget.sequences_may_go_on(deadline)
    assert budget.sequences_deadline() == 210.0


def test_the_time_budget_says_what_it_cut_and_nothing_when_everything_ran():
    budget = RunBudget(0.5, clock=FakeClock())
    assert budget.shortfall() is None

    budget.operations_cut.update({"GET /me/profile/positions", "POST /me/profile/positions"})
    budget.scenarios_not_run = 7
    assert budget.shortfall() == (
        "the time budget of 0.5 s ran out: generated requests stopped early for 2 operation(s) "
        "and 7 stateful scenarios did not run"
    )


# ------------------------------------------------------------------------------ spent budget
SPENT = BudgetExhausted("the request budget of 3 requests is spent")
IDS = ("POS-CREATE-001", "POS-VALID-003")


def run_until_the_budget_is_spent(spend_on_call: int, explicit: int) -> list[int]:
    """A Hypothesis test like a property test: `explicit` explicit examples (the coverage
    walk), then generated ones; the client's budget runs out on call `spend_on_call`."""
    calls: list[int] = []

    def body(n: int) -> None:
        calls.append(n)
        with stop_on_spent_budget():
            if len(calls) >= spend_on_call:
                raise SPENT

    test = hypothesis.given(st.integers())(body)
    for n in range(explicit):
        test = hypothesis.example(n)(test)
    test = hypothesis.settings(max_examples=30, database=None, derandomize=True)(test)
    with pytest.raises(StopOnSpentBudget) as stopped:
        test()
    assert stopped.value.reported() is SPENT
    return calls


@pytest.mark.parametrize(("spend_on_call", "explicit"), [(2, 5), (4, 2), (3, 0)])
def test_a_spent_budget_ends_the_hypothesis_test_at_once(spend_on_call, explicit):
    # No replay, no shrinking, no "flaky": the call that ran out is the last one.
    assert len(run_until_the_budget_is_spent(spend_on_call, explicit)) == spend_on_call


def test_a_spent_budget_is_reported_inconclusive_and_a_violation_found_before_it_failed():
    stop = StopOnSpentBudget(SPENT)
    found = RequirementViolation("POS-VALID-003", "accepted 'world'")

    assert classify(IDS, "call", "failed", stop.reported(), []) == [
        (rid, "inconclusive", str(SPENT)) for rid in IDS
    ]
    # Unconverted, the stop would be a harness error: what the conftest hook prevents.
    assert {s for _, s, _ in classify(IDS, "call", "failed", stop, [])} == {"error"}
    with_found = StopOnSpentBudget(SPENT, [found])
    assert with_found.reported() is found
    assert classify(IDS, "call", "failed", with_found.reported(), []) == [
        ("POS-VALID-003", "failed", "accepted 'world'")
    ]


# ------------------------------------------------------------------------------ tidying
def test_positions_a_case_created_are_deleted_through_the_client_and_leave_the_ledger():
    with serving(create_app()) as url:
        client = GraphClient(url, Secret("tok"))
        kept = client.post("/me/profile/positions", json={"isCurrent": True}).json()["id"]
        before = owned_ids(client)
        for _ in range(3):
            client.post("/me/profile/positions", json={"isCurrent": False})

        delete_created_since(client, before)
        listed = {p["id"] for p in client.get("/me/profile/positions").json()["value"]}
        client.ledger.record("/me/profile/positions", "deleted-elsewhere")
        delete_owned(client, "deleted-elsewhere")  # answered 404: gone, so off the ledger
        delete_owned(client, "never-owned")  # not the run's: nothing is sent
        sent = [(e.method, e.status) for e in client.transcript.exchanges()]

    assert owned_ids(client) == {kept} == listed
    assert sent.count(("DELETE", 204)) == 3
    assert sent.count(("DELETE", 404)) == 1
    assert len([m for m, _ in sent if m == "DELETE"]) == 4


def test_the_property_phase_says_how_far_it_got_now_and_then():
    clock, lines = FakeClock(), []
    client = GraphClient("http://127.0.0.1:9/beta", Secret("tok-progress-unit-test"))
    progress = PhaseProgress(lines.append, client, every_seconds=10, clock=clock)

    progress.case_sent("GET /me/profile/positions")
    clock.now += 9
    progress.case_sent("POST /me/profile/positions")
    assert lines == []  # not yet: less than the interval since the start
    clock.now += 2
    progress.scenarios_run(10)
    assert lines == [
        "property phase: 2 operation(s) met, 10 stateful scenario(s) run, 0 requests sent, "
        "0 retried after 429/503/504 (0 s waited)"
    ]

"""The stateful phase: Schemathesis' state machine over the contract's OpenAPI links, with every
step sent through the harness client and judged on requirements."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import hypothesis
from hypothesis.errors import Flaky
from schemathesis import BaseSchema, Case, Response
from schemathesis.generation.stateful import run_state_machine_as_test
from schemathesis.generation.stateful.state_machine import APIStateMachine

from ..checks.expect import RequirementViolation
from ..config.profiles import PropertyProfile
from ..errors import BudgetExhausted
from ..transport.client import GraphClient
from .check_requirements import STATEFUL_CHECKS
from .client_transport import WITH_TOKEN
from .judge import judge
from .progress import PhaseProgress
from .shards import Shard
from .spent_budget import StopOnSpentBudget, stop_on_spent_budget
from .tidying import delete_created_since, owned_ids
from .time_budget import RunBudget

SCENARIOS_PER_BATCH = 10  # the time budget is checked between batches


def linked_sequences_machine(
    schema: BaseSchema,
    redact: Callable[[str], str],
    auth_enforced: set[str] | None = None,
    client: GraphClient | None = None,
) -> type[APIStateMachine]:
    """The schema's state machine, sending with the run's token and judging on requirements.

    With `client`, each scenario deletes at its end the positions it created and left (through
    `client`, so the cleanup ledger stays right). A spent request or throttling budget ends the
    scenarios at once (StopOnSpentBudget, see spent_budget.py).
    """

    class LinkedSequences(schema.as_state_machine()):  # type: ignore[misc]
        # Every violation found, in order: a sequence depends on the target's state, so
        # Hypothesis' replay of a failing sequence may not fail again (it then reports Flaky).
        violations: list[RequirementViolation] = []

        def setup(self) -> None:
            super().setup()
            self._owned_before = owned_ids(client) if client is not None else frozenset()

        def teardown(self) -> None:
            try:
                if client is not None:
                    with stop_on_spent_budget(self.violations):
                        delete_created_since(client, self._owned_before)
            finally:
                super().teardown()

        def get_call_kwargs(self, case: Case) -> dict[str, Any]:
            return dict(WITH_TOKEN)

        def call(self, case: Case, **kwargs: Any) -> Response:
            with stop_on_spent_budget(self.violations):
                return super().call(case, **kwargs)

        def validate_response(
            self, response: Response, case: Case, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            try:
                with stop_on_spent_budget(self.violations):
                    judge(
                        case,
                        response,
                        STATEFUL_CHECKS,
                        transport_kwargs=kwargs,
                        redact=redact,
                        recorder=self.recorder,
                        auth_enforced=auth_enforced,
                    )
            except RequirementViolation as violation:
                self.violations.append(violation)
                raise

    return LinkedSequences


def run_scenarios(
    machine: type[APIStateMachine],
    settings: hypothesis.settings,
    spent: list[BudgetExhausted] | None = None,
) -> None:
    """Runs the scenarios; a failure the replay could not repeat is still reported as found.

    A spent budget ends them at once and is raised here, outside Hypothesis, as what the run
    reports: the BudgetExhausted, or the violations found before it (the BudgetExhausted then
    goes to `spent`, for the test to report the rest inconclusive)."""
    try:
        run_state_machine_as_test(machine, settings=settings)
    except StopOnSpentBudget as stop:
        report = stop.reported()
        if report is not stop.exhausted and spent is not None:
            spent.append(stop.exhausted)
        raise report from None
    except Flaky as flaky:
        found = getattr(machine, "violations", [])
        if not found:
            raise
        raise found[0] from flaky


def stateful_settings(profile: PropertyProfile, scenarios: int) -> hypothesis.settings:
    return hypothesis.settings(
        max_examples=scenarios,
        stateful_step_count=profile.stateful_max_steps,
        # No shrinking: a sequence's outcome depends on the target's state, so replaying
        # shorter variants proves little and sends many requests.
        phases=[hypothesis.Phase.generate],
        deadline=None,
        database=None,  # no .hypothesis/ folder; the seed reproduces a run
        derandomize=False,  # each batch has a seed of its own
        suppress_health_check=list(hypothesis.HealthCheck),
        print_blob=False,
    )


# Batch seeds of one shard: seed + shard index * SEEDS_PER_SHARD + batch (no two shards share).
SEEDS_PER_SHARD = 10_000


def run_shard_of_scenarios(
    machine: type[APIStateMachine],
    profile: PropertyProfile,
    seed: int,
    shard: Shard,
    budget: RunBudget,
    spent: list[BudgetExhausted],
    progress: PhaseProgress,
) -> None:
    """Runs this shard's share of the profile's scenarios in batches, until they are done or
    the time budget is spent (what did not run is counted in the budget's shortfall)."""
    deadline = budget.sequences_deadline()
    remaining, batch = shard.scenarios(profile.stateful_scenarios), 0
    first_seed = seed + shard.index * SEEDS_PER_SHARD
    while remaining > 0 and budget.sequences_may_go_on(deadline):
        size = min(remaining, SCENARIOS_PER_BATCH)
        machine._hypothesis_internal_use_seed = first_seed + batch  # type: ignore[attr-defined]
        run_scenarios(machine, stateful_settings(profile, size), spent)
        progress.scenarios_run(size)
        remaining, batch = remaining - size, batch + 1
    budget.scenarios_not_run += remaining
